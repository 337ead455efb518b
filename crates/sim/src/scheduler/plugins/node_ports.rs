//! NodePorts: a pod asking for a `hostPort` fits only nodes where no scheduled pod already
//! holds the same protocol/port on an overlapping host IP.

use super::super::framework::{Code, FilterStatus, NodeInfo, PodInfo};

pub const NAME: &str = "NodePorts";
pub const REASON: &str = "node(s) didn't have free ports for the requested pod ports";

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    if pod.host_ports.is_empty() {
        return None;
    }
    let clash = node.used_ports().any(|used| pod.host_ports.iter().any(|want| want.conflicts(used)));
    clash.then(|| FilterStatus::new(NAME, Code::Unschedulable, REASON))
}

#[cfg(test)]
mod tests {
    use super::super::super::framework::{HostPort, PodUsage};
    use super::super::testutil::{node, pod};
    use super::*;
    use serde_json::json;

    #[test]
    fn table() {
        let mut busy = node("n1", json!({}));
        let usage = PodUsage { host_ports: vec![HostPort { protocol: "TCP".into(), host_ip: "".into(), port: 8080 }], ..PodUsage::default() };
        busy.add_pod(crate::keys::NsName("default".into(), "other".into()), usage);
        let port = |p: i32, proto: &str, ip: &str| json!({"containers": [{"name": "a", "image": "x", "ports": [{"containerPort": 80, "hostPort": p, "protocol": proto, "hostIP": ip}]}]});
        let cases = [
            (json!({"containers": [{"name": "a", "image": "x", "ports": [{"containerPort": 8080}]}]}), true),
            (port(8080, "TCP", ""), false),
            (port(8080, "UDP", ""), true),
            (port(8080, "TCP", "10.0.0.1"), false),
            (port(9090, "TCP", ""), true),
        ];
        for (spec, fits) in cases {
            assert_eq!(filter(&pod(spec.clone()), &busy).is_none(), fits, "{spec}");
        }
    }
}
