//! NodeAffinity: Filter requires every `nodeSelector` label and at least one term of
//! `requiredDuringSchedulingIgnoredDuringExecution` (requirements ANDed, terms ORed; an empty
//! term matches nothing); both failures read `node(s) didn't match Pod's node
//! affinity/selector`. Score sums the weights of matching preferred terms, normalised.

use super::super::framework::{default_normalize, Code, FilterStatus, NodeInfo, PodInfo};
use podlab_api::{NodeSelectorRequirement, NodeSelectorTerm};

pub const NAME: &str = "NodeAffinity";
pub const REASON: &str = "node(s) didn't match Pod's node affinity/selector";

fn requirement_matches(r: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let num = |s: &str| s.parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
        "NotIn" => value.is_none_or(|v| r.values.iter().all(|x| x != v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => match (value.and_then(num), r.values.first().and_then(|x| num(x))) {
            (Some(have), Some(bound)) if r.values.len() == 1 => if r.operator == "Gt" { have > bound } else { have < bound },
            _ => false,
        },
        _ => false,
    }
}

pub fn term_matches(term: &NodeSelectorTerm, node: &NodeInfo) -> bool {
    if term.match_expressions.is_empty() && term.match_fields.is_empty() {
        return false;
    }
    let exprs = term.match_expressions.iter().all(|r| requirement_matches(r, node.labels.get(&r.key).map(String::as_str)));
    let fields = term.match_fields.iter().all(|r| r.key == "metadata.name" && requirement_matches(r, Some(&node.name)));
    exprs && fields
}

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    let selector_ok = pod.node_selector.iter().all(|(k, v)| node.labels.get(k) == Some(v));
    let affinity_ok = pod.required_affinity.as_ref().is_none_or(|sel| sel.node_selector_terms.iter().any(|t| term_matches(t, node)));
    (!(selector_ok && affinity_ok)).then(|| FilterStatus::new(NAME, Code::UnschedulableAndUnresolvable, REASON))
}

pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    pod.preferred_affinity.iter().filter(|p| p.weight != 0 && term_matches(&p.preference, node)).map(|p| i64::from(p.weight)).sum()
}

pub fn normalize(scores: &mut [i64]) {
    default_normalize(scores, false);
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{node, pod};
    use super::*;
    use serde_json::json;

    fn required(exprs: serde_json::Value) -> serde_json::Value {
        json!({"containers": [], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": exprs}]}}}})
    }

    #[test]
    fn filter_table() {
        let ssd = node("n1", json!({"metadata": {"labels": {"disktype": "ssd", "cores": "8"}}}));
        let cases = [
            (json!({"containers": []}), true),
            (json!({"containers": [], "nodeSelector": {"disktype": "ssd"}}), true),
            (json!({"containers": [], "nodeSelector": {"disktype": "hdd"}}), false),
            (required(json!([{"key": "disktype", "operator": "In", "values": ["ssd", "nvme"]}])), true),
            (required(json!([{"key": "disktype", "operator": "NotIn", "values": ["ssd"]}])), false),
            (required(json!([{"key": "gpu", "operator": "DoesNotExist"}])), true),
            (required(json!([{"key": "gpu", "operator": "Exists"}])), false),
            (required(json!([{"key": "cores", "operator": "Gt", "values": ["4"]}])), true),
            (required(json!([{"key": "cores", "operator": "Lt", "values": ["4"]}])), false),
            (required(json!([])), false),
            (json!({"containers": [], "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}}), true),
        ];
        for (spec, fits) in cases {
            let got = filter(&pod(spec.clone()), &ssd);
            assert_eq!(got.is_none(), fits, "{spec}");
            if let Some(s) = got {
                assert_eq!(s.reasons, vec![REASON.to_string()]);
            }
        }
    }

    #[test]
    fn score_table() {
        let spec = json!({"containers": [], "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 80, "preference": {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}},
            {"weight": 20, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}}]}}});
        let p = pod(spec);
        let nodes = [node("a", json!({"metadata": {"labels": {"disktype": "ssd", "zone": "a"}}})), node("b", json!({"metadata": {"labels": {"zone": "a"}}})), node("c", json!({}))];
        let mut scores: Vec<i64> = nodes.iter().map(|n| score(&p, n)).collect();
        assert_eq!(scores, vec![100, 20, 0]);
        normalize(&mut scores);
        assert_eq!(scores, vec![100, 20, 0]);
    }
}
