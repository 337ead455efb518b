//! NodeResourcesFit: Filter checks the pod's effective requests (init-container max rule,
//! native sidecars, overhead) against allocatable minus what scheduled pods request, and the
//! pod count against `pods`, reporting every shortfall (`Insufficient cpu`, `Insufficient
//! memory`, `Too many pods`, ...). Score is the default LeastAllocated strategy over CPU and
//! memory (weight 1 each) using the non-zero request defaults.

use super::super::framework::{Code, FilterStatus, NodeInfo, PodInfo, MAX_NODE_SCORE};

pub const NAME: &str = "NodeResourcesFit";

pub fn filter(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    let mut reasons = Vec::new();
    let (want, alloc, used) = (&pod.requests, &node.allocatable, &node.requested);
    if node.pods.len() as i64 + 1 > alloc.pods {
        reasons.push("Too many pods".to_string());
    }
    let fixed = [
        ("cpu", want.cpu_millis, alloc.cpu_millis - used.cpu_millis),
        ("memory", want.memory_bytes, alloc.memory_bytes - used.memory_bytes),
        ("ephemeral-storage", want.ephemeral_storage_bytes, alloc.ephemeral_storage_bytes - used.ephemeral_storage_bytes),
    ];
    for (name, w, free) in fixed {
        if w > 0 && w > free {
            reasons.push(format!("Insufficient {name}"));
        }
    }
    for (name, w) in &want.scalar {
        if *w > 0 && *w > alloc.scalar_of(name) - used.scalar_of(name) {
            reasons.push(format!("Insufficient {name}"));
        }
    }
    if reasons.is_empty() {
        return None;
    }
    Some(FilterStatus { plugin: NAME, code: Code::Unschedulable, reasons })
}

/// One resource's free fraction after placing the pod, scaled to 0..=100 (0 when over).
pub(crate) fn least_allocated(requested: i64, capacity: i64) -> i64 {
    if capacity <= 0 || requested > capacity {
        return 0;
    }
    // Go's int64 arithmetic wraps past ~92 PB of memory; so does this (never a debug panic).
    (capacity - requested).wrapping_mul(MAX_NODE_SCORE) / capacity
}

/// LeastAllocated: average over cpu and memory of the free fraction after placing the pod.
pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let cpu = least_allocated(node.nonzero_cpu_millis + pod.nonzero_cpu_millis, node.allocatable.cpu_millis);
    let mem = least_allocated(node.nonzero_memory_bytes + pod.nonzero_memory_bytes, node.allocatable.memory_bytes);
    (cpu + mem) / 2
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{loaded, node, pod};
    use super::*;
    use serde_json::json;

    fn req(cpu: &str, mem: &str) -> serde_json::Value {
        json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": cpu, "memory": mem}}}]})
    }

    #[test]
    fn filter_table() {
        let gib = 1i64 << 30;
        let empty = node("n", json!({}));
        let half = loaded(node("n", json!({})), 1500, 3 * gib);
        let full_pods = node("n", json!({"status": {"allocatable": {"pods": "1"}}}));
        let full_pods = loaded(full_pods, 0, 0);
        let sidecar_init = json!({"initContainers": [{"name": "i", "image": "x", "resources": {"requests": {"cpu": "3"}}}], "containers": [{"name": "a", "image": "x"}]});
        let cases: [(serde_json::Value, &NodeInfo, Vec<&str>); 6] = [
            (req("1", "1Gi"), &empty, vec![]),
            (req("1", "1Gi"), &half, vec!["Insufficient cpu"]),
            (req("1", "2Gi"), &half, vec!["Insufficient cpu", "Insufficient memory"]),
            (req("100m", "1Mi"), &full_pods, vec!["Too many pods"]),
            (sidecar_init, &empty, vec!["Insufficient cpu"]),
            (json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"nvidia.com/gpu": "1"}}}]}), &empty, vec!["Insufficient nvidia.com/gpu"]),
        ];
        for (spec, n, want) in cases {
            let got = filter(&pod(spec.clone()), n).map(|s| s.reasons).unwrap_or_default();
            assert_eq!(got, want, "{spec}");
        }
    }

    #[test]
    fn least_allocated_table() {
        let gib = 1i64 << 30;
        let empty = node("n", json!({}));
        let busy = loaded(node("n", json!({})), 1000, 2 * gib);
        // 1 CPU / 1 GiB pod: empty node -> cpu 50, mem 75 -> 62; busy node -> cpu 0, mem 25 -> 12.
        assert_eq!(score(&pod(req("1", "1Gi")), &empty), 62);
        assert_eq!(score(&pod(req("1", "1Gi")), &busy), 12);
        // Requests above capacity score 0 for that resource.
        assert_eq!(least_allocated(3000, 2000), 0);
    }
}
