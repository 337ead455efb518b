//! The cluster add-ons kubeadm installs: `kube-proxy` and CoreDNS. In Podlab the simulation's
//! data plane and DNS do their real work (Service routing, name lookups), so these programs
//! only have to behave like the processes a learner inspects: they log their start-up lines
//! the way v1.33's kube-proxy and CoreDNS 1.12.0 do, stay up until signalled, and CoreDNS
//! answers its health (`:8080/health`) and readiness (`:8181/ready`) endpoints and serves
//! Prometheus metrics on `:9153`, which is what the kubeadm Deployment's probes ask.

use super::{err, out, Program, ProgramStep};
use crate::clock::strftime;
use crate::net::{HttpRequest, HttpResponse};
use crate::process::{ProcState, ProcessCtx};

/// klog's header: `I0101 12:00:01.000000       1 file.go:NN] `.
fn klog(now_ms: u64, file_line: &str, msg: &str) -> String {
    let micros = (now_ms % 1000) * 1000;
    format!("I{} {}.{micros:06}       1 {file_line}] {msg}\n", strftime("%m%d", now_ms), strftime("%H:%M:%S", now_ms))
}

#[derive(Debug)]
pub struct KubeProxy {
    argv: Vec<String>,
    started: bool,
}

/// `kube-proxy --config=... --hostname-override=NODE`.
pub fn kube_proxy(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(KubeProxy { argv, started: false })
}

impl Program for KubeProxy {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if !self.started {
            self.started = true;
            let node = self.argv.iter().find_map(|a| a.strip_prefix("--hostname-override=")).unwrap_or("").to_string();
            let t = ctx.now_ms;
            let lines = [
                klog(t, "server_linux.go:66", "\"Using iptables proxy\""),
                klog(t, "server.go:698", &format!("\"Successfully retrieved node IP(s)\" IPs=[\"{node}\"]")),
                klog(t, "server_linux.go:170", "\"Using iptables Proxier\""),
                klog(t, "config.go:199", "\"Starting service config controller\""),
                klog(t, "config.go:105", "\"Starting endpoint slice config controller\""),
                klog(t, "config.go:329", "\"Starting node config controller\""),
            ];
            err(st, ctx, &lines.concat());
        }
        ProgramStep::Idle(None)
    }
    fn memory_bytes(&self) -> u64 {
        18 * 1024 * 1024
    }
    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

#[derive(Debug)]
pub struct CoreDns {
    argv: Vec<String>,
    started: bool,
}

/// `/coredns -conf /etc/coredns/Corefile`.
pub fn coredns(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(CoreDns { argv, started: false })
}

impl Program for CoreDns {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if !self.started {
            self.started = true;
            for port in [8080, 8181, 9153] {
                if st.listen(ctx, port).is_err() {
                    err(st, ctx, &format!("[ERROR] Restart failed: listen tcp :{port}: bind: address already in use\n"));
                    return ProgramStep::Exited(1);
                }
            }
            out(st, ctx, ".:53\n[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b\nCoreDNS-1.12.0\nlinux/amd64, go1.23.3, 51e11f1\n");
        }
        ProgramStep::Idle(None)
    }
    fn memory_bytes(&self) -> u64 {
        16 * 1024 * 1024
    }
    fn serve_http(&mut self, _st: &mut ProcState, _ctx: &mut ProcessCtx, port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        let path = req.path.split('?').next().unwrap_or("/");
        let (status, body) = match (port, path) {
            (8080, "/health") | (8181, "/ready") => (200, "OK".to_string()),
            (9153, "/metrics") => (200, "# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion=\"go1.23.3\",revision=\"51e11f1\",version=\"1.12.0\"} 1\n".to_string()),
            _ => (404, "404 page not found\n".to_string()),
        };
        Some(HttpResponse::new(status, "text/plain; charset=utf-8", body.into_bytes()))
    }
    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}
