//! TaintToleration: Filter rejects a node with a NoSchedule/NoExecute taint the pod does not
//! tolerate (reporting the first such taint as `node(s) had untolerated taint {key: value}`);
//! Score prefers nodes with fewer untolerated PreferNoSchedule taints (normalised, reversed).

use super::super::framework::{default_normalize, Code, FilterStatus, NodeInfo, PodInfo};
use podlab_api::{Taint, Toleration};

pub const NAME: &str = "TaintToleration";

/// `Toleration.ToleratesTaint`.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if !t.effect.is_empty() && t.effect != taint.effect {
        return false;
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match t.operator.as_str() {
        "" | "Equal" => t.value == taint.value,
        "Exists" => true,
        _ => false,
    }
}

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    let taint = node
        .taints
        .iter()
        .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
        .find(|taint| !pod.tolerations.iter().any(|t| tolerates(t, taint)))?;
    let reason = format!("node(s) had untolerated taint {{{}: {}}}", taint.key, taint.value);
    Some(FilterStatus::new(NAME, Code::UnschedulableAndUnresolvable, reason))
}

/// Raw score: the number of PreferNoSchedule taints not tolerated.
pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    score_with(&prefer_tolerations(pod), node)
}

/// The pod's tolerations that can tolerate a PreferNoSchedule taint (the same for every node,
/// so the score phase picks them once per cycle).
pub fn prefer_tolerations(pod: &PodInfo) -> Vec<&Toleration> {
    pod.tolerations.iter().filter(|t| t.effect.is_empty() || t.effect == "PreferNoSchedule").collect()
}

/// `score` with the pod's PreferNoSchedule tolerations already picked.
pub fn score_with(prefer: &[&Toleration], node: &NodeInfo) -> i64 {
    node.taints.iter().filter(|taint| taint.effect == "PreferNoSchedule" && !prefer.iter().any(|t| tolerates(t, taint))).count() as i64
}

pub fn normalize(scores: &mut [i64]) {
    default_normalize(scores, true);
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{node, pod};
    use super::*;
    use serde_json::json;

    #[test]
    fn filter_table() {
        let cp = node("cp", json!({"spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}}));
        let gpu = node("g", json!({"spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]}}));
        let soft = node("s", json!({"spec": {"taints": [{"key": "x", "effect": "PreferNoSchedule"}]}}));
        let none = json!({"containers": []});
        let cases = [
            (none.clone(), &cp, Some("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }")),
            (none.clone(), &gpu, Some("node(s) had untolerated taint {dedicated: gpu}")),
            (none.clone(), &soft, None),
            (json!({"containers": [], "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]}), &gpu, None),
            (json!({"containers": [], "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "cpu", "effect": "NoSchedule"}]}), &gpu, Some("node(s) had untolerated taint {dedicated: gpu}")),
            (json!({"containers": [], "tolerations": [{"operator": "Exists"}]}), &cp, None),
            (json!({"containers": [], "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoExecute"}]}), &cp, Some("node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }")),
        ];
        for (spec, n, want) in cases {
            assert_eq!(filter(&pod(spec.clone()), n).map(|s| s.reasons[0].clone()).as_deref(), want, "{spec} on {}", n.name);
        }
    }

    #[test]
    fn score_table() {
        let soft = node("s", json!({"spec": {"taints": [{"key": "x", "effect": "PreferNoSchedule"}, {"key": "y", "effect": "PreferNoSchedule"}]}}));
        let plain = node("p", json!({}));
        let p = pod(json!({"containers": []}));
        let tol = pod(json!({"containers": [], "tolerations": [{"key": "x", "operator": "Exists"}]}));
        let mut raw = vec![score(&p, &soft), score(&tol, &soft), score(&p, &plain)];
        assert_eq!(raw, vec![2, 1, 0]);
        normalize(&mut raw);
        assert_eq!(raw, vec![0, 50, 100]);
    }
}
