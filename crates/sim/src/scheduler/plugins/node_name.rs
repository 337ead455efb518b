//! NodeName: a pod that names a node (`spec.nodeName`) fits only that node. Pods created
//! with nodeName never reach the scheduler; this filter matters for pods the scheduler is
//! asked to re-check, exactly as upstream.

use super::super::framework::{Code, FilterStatus, NodeInfo, PodInfo};

pub const NAME: &str = "NodeName";
pub const REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    (!pod.node_name.is_empty() && pod.node_name != node.name.as_str()).then(|| FilterStatus::new(NAME, Code::UnschedulableAndUnresolvable, REASON))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{node, pod};
    use super::*;
    use serde_json::json;

    #[test]
    fn table() {
        let n1 = node("node01", json!({}));
        let cases = [
            (json!({"containers": []}), None),
            (json!({"containers": [], "nodeName": "node01"}), None),
            (json!({"containers": [], "nodeName": "node02"}), Some(REASON)),
        ];
        for (spec, want) in cases {
            assert_eq!(filter(&pod(spec.clone()), &n1).map(|s| s.reasons[0].clone()).as_deref(), want, "{spec}");
        }
    }
}
