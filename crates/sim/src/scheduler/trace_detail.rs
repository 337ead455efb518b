//! The scheduling cycle's trace details as typed values: the attempt, the Filter phase's
//! feasible and rejected nodes, the Score phase's per-plugin scores per node and the Bind's
//! node. A cycle at 1 000 nodes keeps up to `trace_node_detail_max` nodes of each; as
//! `serde_json` maps that was ~80 KB per pod, as these structs (node names shared with the
//! scheduler cache) it is ~4 KB. Each turns into the same JSON as before when read.

use super::framework::{FilterStatus, MAX_NODE_SCORE};
use super::plugins::SCORE_WEIGHTS;
use crate::apiserver::diff::fields;
use crate::trace::{DetailSource, Label};
use serde_json::{Map, Value};

fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

/// `scheduling-cycle`: which attempt this is and the pod's priority.
#[derive(Debug)]
pub struct CycleDetail {
    pub attempt: u32,
    pub priority: i32,
}

impl DetailSource for CycleDetail {
    fn to_json(&self) -> Value {
        fields([("attempt", Value::from(self.attempt)), ("priority", Value::from(self.priority))])
    }
}

/// `filter`: nodes in the cluster, nodes evaluated, and the first nodes that fit and that did
/// not (with the rejecting plugin and its reasons), each list capped by the trace's limit.
#[derive(Debug)]
pub struct FilterDetail {
    pub nodes: usize,
    pub evaluated: usize,
    pub feasible: Vec<Label>,
    pub feasible_count: usize,
    pub rejected: Vec<(Label, FilterStatus)>,
    pub rejected_count: usize,
}

impl DetailSource for FilterDetail {
    fn to_json(&self) -> Value {
        let rejected = self.rejected.iter().map(|(n, st)| fields([("node", text(n)), ("plugin", text(st.plugin)), ("reasons", Value::from(st.reasons.clone()))])).collect();
        fields([
            ("nodes", Value::from(self.nodes)),
            ("evaluated", Value::from(self.evaluated)),
            ("feasible", Value::Array(self.feasible.iter().map(|n| text(n)).collect())),
            ("feasibleCount", Value::from(self.feasible_count)),
            ("rejected", Value::Array(rejected)),
            ("rejectedCount", Value::from(self.rejected_count)),
        ])
    }
}

/// One scored node: each plugin's normalised score in `SCORE_WEIGHTS` order, and the total.
/// Normalised scores are 0..=100 (the framework's MaxNodeScore) and the weighted total at most
/// 100 x the weights' sum, so they are kept as `u8`s and a `u16`: a cycle records up to
/// `trace_node_detail_max` rows (64 by default) for every pod, and at 24 bytes a row instead
/// of 64 the score details are 2.5 KB per pod lighter.
#[derive(Debug)]
pub struct ScoreRow {
    pub node: Label,
    pub scores: [u8; SCORE_WEIGHTS.len()],
    pub total: u16,
}

/// The most a weighted total can be: every plugin at MaxNodeScore.
const TOTAL_MAX: i64 = {
    let (mut sum, mut i) = (0, 0);
    while i < SCORE_WEIGHTS.len() {
        sum += SCORE_WEIGHTS[i].1 * MAX_NODE_SCORE;
        i += 1;
    }
    sum
};
const _: () = assert!(TOTAL_MAX <= u16::MAX as i64, "score totals must fit a u16");

impl ScoreRow {
    /// A row from the scorer's `i64`s, which stay within 0..=MaxNodeScore per plugin (checked
    /// in debug builds; a release build would clamp rather than wrap).
    pub fn new(node: Label, scores: [i64; SCORE_WEIGHTS.len()], total: i64) -> ScoreRow {
        debug_assert!(scores.iter().all(|s| (0..=MAX_NODE_SCORE).contains(s)), "normalised scores {scores:?}");
        debug_assert!((0..=TOTAL_MAX).contains(&total), "total {total}");
        ScoreRow { node, scores: scores.map(|s| s.clamp(0, MAX_NODE_SCORE) as u8), total: total.clamp(0, TOTAL_MAX) as u16 }
    }
}

/// `score`: the plugin weights, the first scored nodes and the selected host.
#[derive(Debug)]
pub struct ScoreDetail {
    pub rows: Vec<ScoreRow>,
    pub selected: Label,
}

impl DetailSource for ScoreDetail {
    fn to_json(&self) -> Value {
        let weights: Map<String, Value> = SCORE_WEIGHTS.iter().map(|(n, w)| (n.to_string(), Value::from(*w))).collect();
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let scores: Map<String, Value> = SCORE_WEIGHTS.iter().zip(r.scores).map(|((n, _), s)| (n.to_string(), Value::from(s))).collect();
                fields([("node", text(&r.node)), ("scores", Value::Object(scores)), ("total", Value::from(r.total))])
            })
            .collect();
        fields([("weights", Value::Object(weights)), ("nodes", Value::Array(rows)), ("selected", text(&self.selected))])
    }
}

/// `bind` (success): the node the pod was bound to.
#[derive(Debug)]
pub struct BindDetail {
    pub node: Label,
}

impl DetailSource for BindDetail {
    fn to_json(&self) -> Value {
        fields([("node", text(&self.node))])
    }
}

#[cfg(test)]
mod tests {
    use super::super::framework::Code;
    use super::*;
    use serde_json::json;

    fn same(got: Value, want: Value) {
        assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());
    }

    /// Each detail against the JSON the cycle built before the details were typed.
    #[test]
    fn same_json_as_the_untyped_details() {
        same(CycleDetail { attempt: 2, priority: -5 }.to_json(), json!({"attempt": 2, "priority": -5}));
        same(BindDetail { node: "node01".into() }.to_json(), json!({"node": "node01"}));
        let st = FilterStatus { plugin: "NodeResourcesFit", code: Code::Unschedulable, reasons: vec!["Insufficient cpu".into(), "Insufficient memory".into()] };
        let f = FilterDetail { nodes: 3, evaluated: 3, feasible: vec!["node02".into()], feasible_count: 1, rejected: vec![("node01".into(), st)], rejected_count: 2 };
        same(
            f.to_json(),
            json!({"nodes": 3, "evaluated": 3, "feasible": ["node02"], "feasibleCount": 1,
                "rejected": [{"node": "node01", "plugin": "NodeResourcesFit", "reasons": ["Insufficient cpu", "Insufficient memory"]}], "rejectedCount": 2}),
        );
        let empty = FilterDetail { nodes: 0, evaluated: 0, feasible: vec![], feasible_count: 0, rejected: vec![], rejected_count: 0 };
        same(empty.to_json(), json!({"nodes": 0, "evaluated": 0, "feasible": [], "feasibleCount": 0, "rejected": [], "rejectedCount": 0}));
        let s = ScoreDetail { rows: vec![ScoreRow { node: "node01".into(), scores: [100, 0, 87, 96, 0], total: 483 }], selected: "node01".into() };
        same(
            s.to_json(),
            json!({"weights": {"TaintToleration": 3, "NodeAffinity": 2, "NodeResourcesFit": 1, "NodeResourcesBalancedAllocation": 1, "ImageLocality": 1},
                "nodes": [{"node": "node01", "scores": {"TaintToleration": 100, "NodeAffinity": 0, "NodeResourcesFit": 87, "NodeResourcesBalancedAllocation": 96, "ImageLocality": 0}, "total": 483}],
                "selected": "node01"}),
        );
    }
}
