//! NodeUnschedulable: a cordoned node (`spec.unschedulable: true`) takes no new pods unless
//! the pod tolerates the `node.kubernetes.io/unschedulable:NoSchedule` taint.

use super::super::framework::{Code, FilterStatus, NodeInfo, PodInfo};

pub const NAME: &str = "NodeUnschedulable";
pub const REASON: &str = "node(s) were unschedulable";
const TAINT_KEY: &str = "node.kubernetes.io/unschedulable";

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    if !node.unschedulable {
        return None;
    }
    let tolerated = pod.tolerations.iter().any(|t| {
        (t.key == TAINT_KEY || (t.key.is_empty() && t.operator == "Exists")) && (t.effect.is_empty() || t.effect == "NoSchedule") && (t.operator == "Exists" || t.value.is_empty())
    });
    (!tolerated).then(|| FilterStatus::new(NAME, Code::UnschedulableAndUnresolvable, REASON))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{node, pod};
    use super::*;
    use serde_json::json;

    #[test]
    fn table() {
        let cordoned = node("n1", json!({"spec": {"unschedulable": true}}));
        let plain = node("n2", json!({}));
        let tolerating = json!({"containers": [], "tolerations": [{"key": TAINT_KEY, "operator": "Exists", "effect": "NoSchedule"}]});
        let cases = [
            (pod(json!({"containers": []})), &plain, None),
            (pod(json!({"containers": []})), &cordoned, Some(REASON)),
            (pod(tolerating), &cordoned, None),
        ];
        for (p, n, want) in cases {
            assert_eq!(filter(&p, n).map(|s| s.reasons[0].clone()).as_deref(), want);
        }
    }
}
