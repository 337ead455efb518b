//! DefaultPreemption (PostFilter). For each node the filters rejected, decide whether evicting
//! lower-priority pods could help: nodes rejected as UnschedulableAndUnresolvable (taints,
//! affinity, cordon) report "Preemption is not helpful for scheduling"; nodes where even
//! removing every lower-priority pod is not enough report "No preemption victims found for
//! incoming pod". Otherwise the node is a candidate; victims are the lower-priority pods left
//! after reprieving as many as possible (highest priority first), and the best candidate has
//! the lowest highest-victim priority, then the lowest priority sum, then fewest victims.

use super::fit_error::{NO_VICTIMS, PREEMPTION_NOT_HELPFUL};
use super::framework::{Code, FilterStatus, NodeInfo, PodInfo};
use super::plugins::run_filters;
use super::queue::PodKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub node: String,
    /// Victims with (priority, uid).
    pub victims: Vec<(PodKey, i32, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// One preemption reason per rejected node, for the "preemption: ..." histogram.
    pub per_node: Vec<Vec<String>>,
    pub best: Option<Candidate>,
}

fn victims_on(node: &NodeInfo, pod: &PodInfo) -> Option<Vec<(PodKey, i32, String)>> {
    let mut lower: Vec<(PodKey, i32, String)> =
        node.pods.iter().filter(|(_, u)| u.priority < pod.priority).map(|(k, u)| (k.clone(), u.priority, u.uid.clone())).collect();
    if lower.is_empty() {
        return None;
    }
    let mut trial = node.clone();
    for (k, _, _) in &lower {
        trial.remove_pod(k);
    }
    if run_filters(pod, &trial).is_some() {
        return None;
    }
    // Reprieve: put victims back, most important first, while the pod still fits.
    lower.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut victims = Vec::new();
    for v in lower {
        let usage = node.pods.get(&v.0).cloned().unwrap_or_default();
        trial.add_pod(v.0.clone(), usage);
        if run_filters(pod, &trial).is_some() {
            trial.remove_pod(&v.0);
            victims.push(v);
        }
    }
    Some(victims)
}

pub fn evaluate(nodes: &std::collections::BTreeMap<String, NodeInfo>, pod: &PodInfo, statuses: &[(crate::trace::Label, FilterStatus)]) -> Diagnosis {
    let mut per_node = Vec::new();
    let mut candidates = Vec::new();
    for (name, status) in statuses {
        if status.code == Code::UnschedulableAndUnresolvable {
            per_node.push(vec![PREEMPTION_NOT_HELPFUL.to_string()]);
            continue;
        }
        match nodes.get(name.as_str()).and_then(|n| victims_on(n, pod)) {
            Some(victims) => candidates.push(Candidate { node: name.to_string(), victims }),
            None => per_node.push(vec![NO_VICTIMS.to_string()]),
        }
    }
    let best = candidates.into_iter().min_by_key(|c| {
        let highest = c.victims.iter().map(|v| v.1).max().unwrap_or(i32::MIN);
        let sum: i64 = c.victims.iter().map(|v| i64::from(v.1)).sum();
        (highest, sum, c.victims.len(), c.node.clone())
    });
    Diagnosis { per_node, best }
}

#[cfg(test)]
mod tests {
    use super::super::framework::PodUsage;
    use super::super::plugins::testutil::{node, pod};
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn usage(cpu: i64, priority: i32) -> PodUsage {
        let mut u = PodUsage { priority, uid: format!("uid-{cpu}-{priority}"), ..PodUsage::default() };
        u.requests.cpu_millis = cpu;
        u
    }

    #[test]
    fn preemption_table() {
        let mut busy = node("busy", json!({}));
        busy.add_pod(crate::keys::NsName("default".into(), "low".into()), usage(1500, 0));
        busy.add_pod(crate::keys::NsName("default".into(), "mid".into()), usage(400, 5));
        let mut nodes = BTreeMap::new();
        nodes.insert("busy".to_string(), busy.clone());
        let mut p = pod(json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "1"}}}], "priority": 10}));
        let status = super::super::plugins::node_resources_fit::filter(&p, &busy).unwrap();
        let d = evaluate(&nodes, &p, &[("busy".into(), status.clone())]);
        let best = d.best.expect("low-priority pod can be preempted");
        assert_eq!(best.victims.iter().map(|v| v.0 .1.as_str()).collect::<Vec<_>>(), vec!["low"], "mid is reprieved");
        p.priority = 0;
        let d = evaluate(&nodes, &p, &[("busy".into(), status)]);
        assert_eq!(d.per_node, vec![vec![NO_VICTIMS.to_string()]]);
        let taint = FilterStatus::new("TaintToleration", Code::UnschedulableAndUnresolvable, "x");
        assert_eq!(evaluate(&nodes, &p, &[("busy".into(), taint)]).per_node, vec![vec![PREEMPTION_NOT_HELPFUL.to_string()]]);
    }
}
