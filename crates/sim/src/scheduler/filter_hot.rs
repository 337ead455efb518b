//! The filter walk's compact per-node summary (`FilterHot`): the few facts the default filters
//! read for an ordinary pod (cordoned, any NoSchedule/NoExecute taint, pod count, free cpu,
//! memory and ephemeral storage), kept in one cache line inside `NodeInfo` and refreshed by
//! every `NodeInfo` change. The walk over ~420 of 1 000 nodes per cycle otherwise touches
//! several scattered lines of each large `NodeInfo` (taints, the pods map, two `Resources`).
//! It only ever answers "every filter passes"; anything it cannot vouch for (a pod with a
//! nodeName, selector, required affinity, host ports or extended resources, or a node that
//! fails a check) goes through the real filters, so statuses and messages come from them alone.

use super::framework::{NodeInfo, PodInfo};

/// One node's filter-hot fields; 64-byte aligned so a node costs one cache line to check.
#[repr(align(64))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FilterHot {
    pub unschedulable: bool,
    /// Any taint with effect NoSchedule or NoExecute (TaintToleration's filter may reject).
    pub hard_taints: bool,
    pub pod_count: i64,
    pub allocatable_pods: i64,
    pub free_cpu_millis: i64,
    pub free_memory_bytes: i64,
    pub free_ephemeral_storage_bytes: i64,
}

impl FilterHot {
    /// Summarises `node` as it stands (called after every change to it).
    pub fn of(node: &NodeInfo) -> Self {
        let (alloc, used) = (&node.allocatable, &node.requested);
        FilterHot {
            unschedulable: node.unschedulable,
            hard_taints: node.taints.iter().any(|t| t.effect == "NoSchedule" || t.effect == "NoExecute"),
            pod_count: node.pods.len() as i64,
            allocatable_pods: alloc.pods,
            free_cpu_millis: alloc.cpu_millis - used.cpu_millis,
            free_memory_bytes: alloc.memory_bytes - used.memory_bytes,
            free_ephemeral_storage_bytes: alloc.ephemeral_storage_bytes - used.ephemeral_storage_bytes,
        }
    }

    /// True only when every default filter would pass `pod` on this node: the pod asks nothing
    /// node-specific (no nodeName, nodeSelector, required node affinity, host ports or
    /// extended resources), the node is not cordoned, has no NoSchedule/NoExecute taint, and
    /// has room for one more pod and its cpu, memory and ephemeral storage (the same
    /// comparisons NodeResourcesFit makes). False means "ask the filters", not "rejected".
    pub fn admits(&self, pod: &PodInfo) -> bool {
        Self::plain(pod) && self.room_for(&pod.requests)
    }

    /// The pod's half of `admits`, the same for every node (the walk asks it once per cycle):
    /// it asks nothing node-specific.
    pub fn plain(pod: &PodInfo) -> bool {
        pod.node_name.is_empty() && pod.node_selector.is_empty() && pod.required_affinity.is_none() && pod.host_ports.is_empty() && pod.requests.scalar.is_empty()
    }

    /// The node's half of `admits`: not cordoned, no hard taint, room for one more pod with
    /// `want`'s cpu, memory and ephemeral storage.
    #[inline]
    pub fn room_for(&self, want: &super::framework::Resources) -> bool {
        let fits = |w: i64, free: i64| w <= 0 || w <= free;
        !self.unschedulable
            && !self.hard_taints
            && self.pod_count < self.allocatable_pods
            && fits(want.cpu_millis, self.free_cpu_millis)
            && fits(want.memory_bytes, self.free_memory_bytes)
            && fits(want.ephemeral_storage_bytes, self.free_ephemeral_storage_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::super::plugins::run_filters;
    use super::super::plugins::testutil::{loaded, node, pod};
    use super::*;
    use serde_json::json;

    /// `admits` never says yes where the real filters say no, and says yes for the ordinary
    /// pod on a roomy untainted node (the case it exists for).
    #[test]
    fn admits_implies_filters_pass() {
        let alloc = json!({"status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110", "ephemeral-storage": "10Gi"}}});
        let plain = node("n1", alloc.clone());
        let full = loaded(node("n2", alloc.clone()), 1900, 1 << 30);
        let cordoned = node("n3", json!({"spec": {"unschedulable": true}, "status": alloc["status"]}));
        let tainted = node("n4", json!({"spec": {"taints": [{"key": "k", "value": "v", "effect": "NoExecute"}]}, "status": alloc["status"]}));
        let soft = node("n5", json!({"spec": {"taints": [{"key": "k", "effect": "PreferNoSchedule"}]}, "status": alloc["status"]}));
        let one_pod = node("n6", json!({"status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "0"}}}));
        let small = json!({"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "200m", "memory": "64Mi"}}}]});
        let pods = [
            (small.clone(), true),
            (json!({"containers": [{"name": "c", "image": "nginx"}]}), true),
            (json!({"containers": [], "nodeName": "n1"}), false),
            (json!({"containers": [], "nodeSelector": {"a": "b"}}), false),
            (json!({"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 80}]}]}), false),
            (json!({"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"example.com/gpu": "1"}, "limits": {"example.com/gpu": "1"}}}]}), false),
            (json!({"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "3"}}}]}), false),
        ];
        for n in [&plain, &full, &cordoned, &tainted, &soft, &one_pod] {
            assert_eq!(n.hot, FilterHot::of(n), "{} kept in step", n.name.as_str());
            for (spec, plain_pod) in &pods {
                let p = pod(spec.clone());
                if n.hot.admits(&p) {
                    assert!(run_filters(&p, n).is_none(), "{} {spec}", n.name.as_str());
                }
                if n.name.as_str() == "n1" || n.name.as_str() == "n5" {
                    assert_eq!(n.hot.admits(&p), *plain_pod, "{} {spec}", n.name.as_str());
                }
            }
        }
        for n in [&full, &cordoned, &tainted, &one_pod] {
            assert!(!n.hot.admits(&pod(small.clone())), "{}", n.name.as_str());
        }
    }
}
