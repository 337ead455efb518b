//! The control-plane components kubeadm runs as static pods on the control-plane node: etcd,
//! kube-apiserver, kube-controller-manager and kube-scheduler. The simulation itself is the
//! cluster's API server, store, scheduler and controllers, so these processes only behave like
//! what a learner inspects on a real control-plane node: they log start-up lines in their real
//! formats (etcd's JSON, klog for the Kubernetes components), stay up until signalled, and
//! answer the health endpoints kubeadm's probes ask for (etcd `:2381/livez|readyz`, the API
//! server `:6443/livez|readyz`, the controller manager `:10257/healthz`, the scheduler
//! `:10259/livez|readyz`) with `ok`.

use super::{err, Program, ProgramStep};
use crate::clock::strftime;
use crate::image::ProgramKind;
use crate::net::{HttpRequest, HttpResponse};
use crate::process::{ProcState, ProcessCtx};

#[derive(Debug)]
pub struct ControlPlane {
    kind: ProgramKind,
    argv: Vec<String>,
    started: bool,
}

/// The control-plane program of `kind` (one of the four control-plane kinds).
pub fn control_plane(kind: ProgramKind, argv: Vec<String>) -> Box<dyn Program> {
    Box::new(ControlPlane { kind, argv, started: false })
}

/// klog's header: `I0101 12:00:01.000000       1 file.go:NN] `.
fn klog(now_ms: u64, file_line: &str, msg: &str) -> String {
    let micros = (now_ms % 1000) * 1000;
    format!("I{} {}.{micros:06}       1 {file_line}] {msg}\n", strftime("%m%d", now_ms), strftime("%H:%M:%S", now_ms))
}

/// One line of etcd's zap JSON log.
fn etcd_log(now_ms: u64, caller: &str, msg: &str) -> String {
    let micros = (now_ms % 1000) * 1000;
    format!("{{\"level\":\"info\",\"ts\":\"{}.{micros:06}Z\",\"caller\":\"{caller}\",\"msg\":\"{msg}\"}}\n", strftime("%Y-%m-%dT%H:%M:%S", now_ms))
}

impl ControlPlane {
    fn flag(&self, name: &str) -> String {
        let prefix = format!("--{name}=");
        self.argv.iter().find_map(|a| a.strip_prefix(&prefix)).unwrap_or("").to_string()
    }

    /// The ports the component listens on; the first answers its health checks.
    fn ports(&self) -> &'static [u16] {
        match self.kind {
            ProgramKind::Etcd => &[2381, 2379, 2380],
            ProgramKind::KubeApiserver => &[6443],
            ProgramKind::KubeControllerManager => &[10257],
            _ => &[10259],
        }
    }

    fn startup_lines(&self, t: u64) -> Vec<String> {
        match self.kind {
            ProgramKind::Etcd => vec![
                etcd_log(t, "etcdmain/etcd.go:73", "Running: "),
                etcd_log(t, "embed/etcd.go:140", "configuring peer listeners"),
                etcd_log(t, "embed/etcd.go:148", "configuring client listeners"),
                etcd_log(t, "etcdserver/server.go:2064", "published local member to cluster through raft"),
                etcd_log(t, "embed/serve.go:103", "ready to serve client requests"),
            ],
            ProgramKind::KubeApiserver => vec![
                klog(t, "options.go:249", &format!("external host was not specified, using {}", self.flag("advertise-address"))),
                klog(t, "server.go:147", "Version: v1.33.1"),
                klog(t, "secure_serving.go:211", "Serving securely on [::]:6443"),
            ],
            ProgramKind::KubeControllerManager => vec![
                klog(t, "serving.go:386", "Generated self-signed cert in-memory"),
                klog(t, "controllermanager.go:188", "\"Starting\" version=\"v1.33.1\""),
                klog(t, "secure_serving.go:211", "Serving securely on 127.0.0.1:10257"),
                klog(t, "leaderelection.go:257", "attempting to acquire leader lease kube-system/kube-controller-manager..."),
                klog(t, "leaderelection.go:271", "successfully acquired lease kube-system/kube-controller-manager"),
            ],
            _ => vec![
                klog(t, "serving.go:386", "Generated self-signed cert in-memory"),
                klog(t, "server.go:166", "\"Starting Kubernetes Scheduler\" version=\"v1.33.1\""),
                klog(t, "secure_serving.go:211", "Serving securely on 127.0.0.1:10259"),
                klog(t, "leaderelection.go:257", "attempting to acquire leader lease kube-system/kube-scheduler..."),
                klog(t, "leaderelection.go:271", "successfully acquired lease kube-system/kube-scheduler"),
            ],
        }
    }

    fn health_paths(&self) -> &'static [&'static str] {
        match self.kind {
            ProgramKind::KubeControllerManager => &["/healthz"],
            _ => &["/livez", "/readyz", "/healthz", "/health"],
        }
    }
}

impl Program for ControlPlane {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if !self.started {
            self.started = true;
            for &port in self.ports() {
                if st.listen(ctx, port).is_err() {
                    err(st, ctx, &format!("listen tcp :{port}: bind: address already in use\n"));
                    return ProgramStep::Exited(1);
                }
            }
            let lines = self.startup_lines(ctx.now_ms);
            err(st, ctx, &lines.concat());
        }
        ProgramStep::Idle(None)
    }
    fn memory_bytes(&self) -> u64 {
        match self.kind {
            ProgramKind::Etcd => 40 * 1024 * 1024,
            ProgramKind::KubeApiserver => 250 * 1024 * 1024,
            ProgramKind::KubeControllerManager => 50 * 1024 * 1024,
            _ => 20 * 1024 * 1024,
        }
    }
    fn serve_http(&mut self, _st: &mut ProcState, _ctx: &mut ProcessCtx, port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        let path = req.path.split('?').next().unwrap_or("/");
        let healthy = self.ports().first() == Some(&port) && self.health_paths().contains(&path);
        let (status, body) = if healthy { (200, "ok") } else { (404, "404 page not found\n") };
        Some(HttpResponse::new(status, "text/plain; charset=utf-8", body.as_bytes().to_vec()))
    }
    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_component_has_its_health_port_and_paths() {
        let cases = [
            (ProgramKind::Etcd, 2381, "/livez"),
            (ProgramKind::KubeApiserver, 6443, "/readyz"),
            (ProgramKind::KubeControllerManager, 10257, "/healthz"),
            (ProgramKind::KubeScheduler, 10259, "/livez"),
        ];
        for (kind, port, path) in cases {
            let p = ControlPlane { kind, argv: Vec::new(), started: false };
            assert_eq!(p.ports()[0], port, "{kind:?}");
            assert!(p.health_paths().contains(&path), "{kind:?}");
        }
    }

    #[test]
    fn api_server_names_its_advertise_address() {
        let p = ControlPlane { kind: ProgramKind::KubeApiserver, argv: vec!["kube-apiserver".into(), "--advertise-address=192.168.10.10".into()], started: false };
        assert!(p.startup_lines(0)[0].ends_with("external host was not specified, using 192.168.10.10\n"));
    }
}
