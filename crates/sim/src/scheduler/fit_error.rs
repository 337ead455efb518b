//! `FitError.Error()`: the FailedScheduling text. The head is `0/N nodes are available:`,
//! then either the PreFilter rejection or the histogram of filter reasons counted over nodes
//! and sorted as strings ("1 node(s) had ..." sorts before "2 Insufficient cpu"), then the
//! PostFilter (preemption) message, which is itself a complete "0/N nodes are available: ..."
//! sentence prefixed with "preemption: ".

use std::collections::BTreeMap;

pub const NO_NODES_MSG: &str = "no nodes available to schedule pods";

/// One node's reasons (a node contributes each of its reasons once).
pub fn histogram<'a>(per_node: impl IntoIterator<Item = &'a [String]>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for reasons in per_node {
        for r in reasons {
            *counts.entry(r.as_str()).or_insert(0) += 1;
        }
    }
    let mut parts: Vec<String> = counts.into_iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    parts.join(", ")
}

/// The full message. `pre_filter` replaces the histogram when a PreFilter rejected the pod.
pub fn fit_error_message(all_nodes: usize, pre_filter: Option<&str>, filter_histogram: &str, post_filter: Option<&str>) -> String {
    let mut msg = format!("0/{all_nodes} nodes are available:");
    match pre_filter {
        Some(p) => msg.push_str(&format!(" {p}.")),
        None if !filter_histogram.is_empty() => msg.push_str(&format!(" {filter_histogram}.")),
        None => {}
    }
    if let Some(p) = post_filter.filter(|p| !p.is_empty()) {
        msg.push_str(&format!(" {p}"));
    }
    msg
}

/// The DefaultPreemption PostFilter message.
pub fn preemption_message(all_nodes: usize, preemption_histogram: &str) -> String {
    format!("preemption: 0/{all_nodes} nodes are available: {preemption_histogram}.")
}

pub const PREEMPTION_NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const PREEMPTION_POLICY_NEVER: &str = "preemption: not eligible due to preemptionPolicy=Never.";

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn fit_error_table() {
        let taint = s(&["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"]);
        let cpu = s(&["Insufficient cpu"]);
        let cpu_mem = s(&["Insufficient cpu", "Insufficient memory"]);
        let gpu = s(&["node(s) had untolerated taint {dedicated: gpu}"]);
        let sel = s(&["node(s) didn't match Pod's node affinity/selector"]);
        let cases: Vec<(Vec<&Vec<String>>, Vec<&str>, &str)> = vec![
            (
                vec![&taint, &cpu, &cpu],
                vec![PREEMPTION_NOT_HELPFUL, NO_VICTIMS, NO_VICTIMS],
                "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
            ),
            (
                vec![&cpu, &cpu, &cpu],
                vec![NO_VICTIMS, NO_VICTIMS, NO_VICTIMS],
                "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
            ),
            (
                vec![&taint, &gpu, &gpu],
                vec![PREEMPTION_NOT_HELPFUL; 3],
                "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            ),
            (
                vec![&sel, &sel, &sel],
                vec![PREEMPTION_NOT_HELPFUL; 3],
                "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            ),
            (
                vec![&taint, &cpu_mem, &cpu_mem],
                vec![PREEMPTION_NOT_HELPFUL, NO_VICTIMS, NO_VICTIMS],
                "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu, 2 Insufficient memory. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
            ),
        ];
        for (nodes, pre, want) in cases {
            let hist = histogram(nodes.iter().map(|r| r.as_slice()));
            let pre_reasons: Vec<Vec<String>> = pre.iter().map(|r| vec![r.to_string()]).collect();
            let pre_hist = histogram(pre_reasons.iter().map(|r| r.as_slice()));
            let msg = fit_error_message(nodes.len(), None, &hist, Some(&preemption_message(nodes.len(), &pre_hist)));
            assert_eq!(msg, want);
        }
        let prefilter = fit_error_message(3, Some("persistentvolumeclaim \"data\" not found"), "", Some(&preemption_message(3, "3 No preemption victims found for incoming pod")));
        assert_eq!(prefilter, "0/3 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
        assert_eq!(fit_error_message(1, None, "1 Insufficient cpu", Some(PREEMPTION_POLICY_NEVER)), "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.");
    }

    #[test]
    fn histogram_sorts_as_strings() {
        let a = vec!["b".to_string()];
        let b = vec!["a".to_string()];
        let ten: Vec<&[String]> = std::iter::repeat_n(a.as_slice(), 10).chain([b.as_slice(), b.as_slice()]).collect();
        assert_eq!(histogram(ten), "10 b, 2 a", "string sort puts \"10\" before \"2\" like Go's sort.Strings");
    }
}
