//! The API server's connection to a kubelet (`https://<InternalIP>:10250`), which `pods/log`,
//! `pods/exec` and `pods/portforward` all go through. While the node's kubelet service is
//! stopped nothing listens on 10250 and the dial is refused; while the machine is powered off
//! the address does not answer at all (no ARP reply: `no route to host`). The texts are Go's
//! `net` errors as the API server wraps them: `LocationStreamer`'s HTTP GET for logs gives
//! `Get "<url>": dial tcp ...`, the upgrade-aware proxy for exec and port-forward gives
//! `error dialing backend: dial tcp ...`; both reach kubectl as a 500 Status with no reason.

use super::LogOptions;
use crate::meta;
use crate::sim::Simulation;
use crate::status::Status;
use crate::store::ObjectKey;

/// The kubelet's port when the Node does not report one (`daemonEndpoints.kubeletEndpoint`).
const KUBELET_PORT: u64 = 10250;

/// `host:port` of node `name`'s kubelet, by the API server's preferred address type
/// (InternalIP first, as kubeadm configures `--kubelet-preferred-address-types`).
fn kubelet_address(sim: &Simulation, name: &str) -> String {
    let node = sim.core.store.get(&ObjectKey::new("Node", "", name));
    let addrs = node.and_then(|n| meta::at(n, &["status", "addresses"])).and_then(serde_json::Value::as_array).cloned().unwrap_or_default();
    let pick = |ty: &str| addrs.iter().find(|a| a["type"] == ty).and_then(|a| a["address"].as_str()).map(str::to_string);
    let host = pick("InternalIP").or_else(|| pick("ExternalIP")).or_else(|| pick("Hostname")).unwrap_or_else(|| name.to_string());
    let port = node.and_then(|n| meta::at(n, &["status", "daemonEndpoints", "kubeletEndpoint", "Port"])).and_then(serde_json::Value::as_u64).unwrap_or(KUBELET_PORT);
    format!("{host}:{port}")
}

/// Go's dial error for the kubelet of `node`, or None when the kubelet is listening.
fn dial_error(sim: &Simulation, node: &str) -> Option<String> {
    if !sim.node_stopped(node) {
        return None;
    }
    let addr = kubelet_address(sim, node);
    let cause = if sim.node_powered_off(node) { "connect: no route to host" } else { "connect: connection refused" };
    Some(format!("dial tcp {addr}: {cause}"))
}

fn server_error(message: String) -> Status {
    Status::new(500, "", message)
}

/// Go's `url.QueryEscape` for the few characters a log option value can hold.
fn query_escape(v: &str) -> String {
    v.chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' => c.to_string(),
            ' ' => "+".into(),
            c => c.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
        })
        .collect()
}

/// `LogLocation`'s URL: `/containerLogs/<ns>/<pod>/<container>` with the options as a query,
/// keys sorted like `url.Values.Encode`.
pub(crate) fn log_url(addr: &str, ns: &str, pod: &str, container: &str, o: &LogOptions) -> String {
    let mut params: Vec<(&str, String)> = Vec::new();
    if let Some(n) = o.limit_bytes {
        params.push(("limitBytes", n.to_string()));
    }
    if o.previous {
        params.push(("previous", "true".into()));
    }
    if let Some(n) = o.since_seconds {
        params.push(("sinceSeconds", n.to_string()));
    }
    if let Some(t) = &o.since_time {
        params.push(("sinceTime", t.clone()));
    }
    if let Some(n) = o.tail_lines.filter(|n| *n >= 0) {
        params.push(("tailLines", n.to_string()));
    }
    if o.timestamps {
        params.push(("timestamps", "true".into()));
    }
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={}", query_escape(v))).collect();
    let base = format!("https://{addr}/containerLogs/{ns}/{pod}/{container}");
    if query.is_empty() {
        base
    } else {
        format!("{base}?{}", query.join("&"))
    }
}

/// `pods/log` to a pod on `node`: the GET to the kubelet fails when it is not listening.
pub(crate) fn check_logs(sim: &Simulation, node: &str, ns: &str, pod: &str, container: &str, o: &LogOptions) -> Result<(), Status> {
    match dial_error(sim, node) {
        Some(e) => Err(server_error(format!("Get \"{}\": {e}", log_url(&kubelet_address(sim, node), ns, pod, container, o)))),
        None => Ok(()),
    }
}

/// `pods/exec` and `pods/portforward`: the upgrade-aware proxy cannot dial the kubelet.
pub(crate) fn check_upgrade(sim: &Simulation, node: &str) -> Result<(), Status> {
    match dial_error(sim, node) {
        Some(e) => Err(server_error(format!("error dialing backend: {e}"))),
        None => Ok(()),
    }
}

impl Simulation {
    /// The upgrade `kubectl port-forward` makes to the pod's kubelet before it listens
    /// locally: Ok when the kubelet answers, else the Status kubectl reports as
    /// `error upgrading connection: <message>`.
    pub fn port_forward_dial(&self, namespace: &str, pod: &str) -> Result<(), Status> {
        let obj = self.core.store.get(&ObjectKey::new("Pod", namespace, pod)).ok_or_else(|| Status::not_found("pods", pod))?;
        let node = meta::node_name(obj);
        if node.is_empty() {
            return Err(Status::bad_request(format!("pod {pod} does not have a host assigned")));
        }
        check_upgrade(self, node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_urls_carry_sorted_options() {
        let addr = "192.168.10.11:10250";
        let cases = [
            (LogOptions::default(), "https://192.168.10.11:10250/containerLogs/default/web/web"),
            (LogOptions { tail_lines: Some(-1), ..LogOptions::default() }, "https://192.168.10.11:10250/containerLogs/default/web/web"),
            (
                LogOptions { previous: true, timestamps: true, tail_lines: Some(5), ..LogOptions::default() },
                "https://192.168.10.11:10250/containerLogs/default/web/web?previous=true&tailLines=5&timestamps=true",
            ),
            (
                LogOptions { since_time: Some("2025-01-01T12:00:00Z".into()), limit_bytes: Some(10), ..LogOptions::default() },
                "https://192.168.10.11:10250/containerLogs/default/web/web?limitBytes=10&sinceTime=2025-01-01T12%3A00%3A00Z",
            ),
        ];
        for (opts, want) in cases {
            assert_eq!(log_url(addr, "default", "web", "web", &opts), want);
        }
    }
}
