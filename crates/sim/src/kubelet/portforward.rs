//! `pods/portforward`: the API server proxies a port-forward stream to the kubelet of the
//! pod's node, and the kubelet (through the container runtime) dials `localhost:PORT` inside
//! the pod's network namespace. Here one HTTP exchange travels that path: the request reaches
//! whichever container of the pod listens on the port, over the same pod network other pods
//! use (so a proxying server in the pod can go on to reach the rest of the cluster). A port
//! nothing listens on fails the way the kubelet reports it on the stream's error channel.

use super::registry::Remote;
use super::Kubelet;
use crate::meta;
use crate::sim::Simulation;
use crate::status::Status;
use crate::store::ObjectKey;
use crate::trace::Outcome;
use podlab_runtime::{HttpRequest, HttpResponse, NetError};
use serde_json::json;

/// Why a forwarded connection carried no response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortForwardError {
    /// The API server refused the stream (the pod is gone, has no node, or is not running).
    Api(Status),
    /// The stream opened but the kubelet could not reach the port: the text the kubelet sends
    /// back on the error stream (kubectl prefixes `an error occurred forwarding L -> R: `).
    Dial(String),
}

impl std::fmt::Display for PortForwardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortForwardError::Api(s) => write!(f, "{}", s.message),
            PortForwardError::Dial(m) => write!(f, "{m}"),
        }
    }
}

/// The runtime's dial error (`net.Dial` through Go) for one address family.
fn dial_error(family: &str, addr: &str, e: &NetError) -> String {
    let why = match e {
        NetError::ConnectionRefused => "connect: connection refused".to_string(),
        NetError::TimedOut => "i/o timeout".to_string(),
        NetError::HostUnreachable => "connect: no route to host".to_string(),
        other => format!("read: {}", other.to_string().to_lowercase()),
    };
    format!("dial {family} {addr}: {why}")
}

/// The kubelet's `error forwarding port ...` text for a failed dial inside pod `uid`. The
/// runtime tries IPv4 then IPv6 localhost and reports both failures.
fn forward_error(uid: &str, port: u16, e: &NetError) -> String {
    format!(
        "error forwarding port {port} to pod {uid}, uid : failed to connect to localhost:{port} inside namespace \"{uid}\", IPv4: {} IPv6 {} ",
        dial_error("tcp4", &format!("127.0.0.1:{port}"), e),
        dial_error("tcp6", &format!("[::1]:{port}"), e)
    )
}

impl Kubelet {
    /// Serves `req` on `port` of the pod `ns/pod` as a connection from the pod's own loopback.
    fn port_forward_http(&mut self, ns: &str, pod: &str, port: u16, req: &HttpRequest, now_ms: u64) -> Result<HttpResponse, PortForwardError> {
        let (uid, ip) = match self.worker(ns, pod) {
            Some(w) => (w.uid.clone(), w.ip.clone()),
            None => return Err(PortForwardError::Dial(format!("failed to find sandbox for pod {ns}/{pod}: not found"))),
        };
        let Some(ip) = ip else { return Err(PortForwardError::Dial(forward_error(&uid, port, &NetError::ConnectionRefused))) };
        let mut req = req.clone();
        // The runtime dials localhost inside the pod's namespace: the server sees loopback.
        req.remote_addr = "127.0.0.1".into();
        let remote = Remote { registry: Some(std::rc::Rc::clone(&self.registry)), depth: 0 };
        remote.serve(&ip, port, now_ms, |p, ctx| p.serve_http(ctx, port, &req)).map_err(|e| PortForwardError::Dial(forward_error(&uid, port, &e)))
    }
}

impl Simulation {
    /// One HTTP exchange through `kubectl port-forward` to `port` of pod `namespace/pod`: the
    /// API server's checks, then the pod's kubelet dialling the port inside the pod. The step
    /// is recorded in the trace as the kubelet's `portforward`.
    pub fn port_forward_http(&mut self, namespace: &str, pod: &str, port: u16, req: &HttpRequest) -> Result<HttpResponse, PortForwardError> {
        let obj = self.core.store.get(&ObjectKey::new("Pod", namespace, pod)).map(|p| (**p).clone());
        let obj = obj.ok_or_else(|| PortForwardError::Api(Status::not_found("pods", pod)))?;
        let node = meta::node_name(&obj).to_string();
        if node.is_empty() {
            return Err(PortForwardError::Api(Status::bad_request(format!("pod {pod} does not have a host assigned"))));
        }
        let phase = meta::at(&obj, &["status", "phase"]).and_then(serde_json::Value::as_str).unwrap_or_default().to_string();
        if phase != "Running" {
            return Err(PortForwardError::Api(Status::bad_request(format!("pod {pod} is not running: current phase {phase}"))));
        }
        // A stopped kubelet dropped the forwarding stream: kubectl reports a lost connection.
        super::dial::check_upgrade(self, &node).map_err(PortForwardError::Api)?;
        let (now, epoch) = (self.now(), self.epoch());
        let now_ms = u64::try_from(epoch.epoch_ms(now)).unwrap_or(0);
        let dataplane = std::sync::Arc::clone(&self.core.dataplane);
        let stopped = super::registry::stopped_nodes(&self.core);
        let kubelet = self.component_mut(&format!("kubelet/{node}")).and_then(|c| c.as_any_mut()).and_then(|a| a.downcast_mut::<Kubelet>());
        let result = match kubelet {
            Some(k) => {
                k.dataplane = dataplane;
                super::registry::set_stopped(&k.registry, stopped);
                k.port_forward_http(namespace, pod, port, req, now_ms)
            }
            None => Err(PortForwardError::Api(Status::internal(format!("no kubelet for node {node}")))),
        };
        let (outcome, detail) = match &result {
            Ok(r) => (Outcome::Ok, json!({"port": port, "path": req.path, "status": r.status})),
            Err(e) => (Outcome::Error, json!({"port": port, "path": req.path, "error": e.to_string()})),
        };
        let core = self.core_mut();
        core.trace.push(now, &format!("kubelet/{node}"), "portforward", outcome, None, format!("Pod {namespace}/{pod}"), detail);
        result
    }
}
