//! The default plugins of kube-scheduler v1.33 that decide where a single pod can go, one
//! module each, in the default order: NodeUnschedulable, NodeName, TaintToleration,
//! NodeAffinity, NodePorts, NodeResourcesFit (filters), then the scorers with their default
//! weights. VolumeBinding is a hook the volume/CSI work fills in.

pub mod balanced_allocation;
pub mod image_locality;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod taint_toleration;
pub mod volume_binding;

use super::framework::{FilterStatus, NodeInfo, PodInfo};

/// A Filter extension point.
pub type FilterFn = fn(&PodInfo, &NodeInfo) -> Option<FilterStatus>;

/// Filters in the default profile's order.
pub const FILTERS: [(&str, FilterFn); 6] = [
    (node_unschedulable::NAME, node_unschedulable::filter),
    (node_name::NAME, node_name::filter),
    (taint_toleration::NAME, taint_toleration::filter),
    (node_affinity::NAME, node_affinity::filter),
    (node_ports::NAME, node_ports::filter),
    (node_resources_fit::NAME, node_resources_fit::filter),
];

/// Score plugins with their default weights, in profile order.
pub const SCORE_WEIGHTS: [(&str, i64); 5] = [
    (taint_toleration::NAME, 3),
    (node_affinity::NAME, 2),
    (node_resources_fit::NAME, 1),
    (balanced_allocation::NAME, 1),
    (image_locality::NAME, 1),
];

/// Runs the filters on one node; the first failing plugin's status (like the framework,
/// later filters are not run once one fails).
pub fn run_filters(pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
    FILTERS.iter().find_map(|(_, f)| f(pod, node))
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::super::framework::{NodeInfo, PodInfo, PodUsage};
    use serde_json::{json, Value};

    pub fn pod(spec: Value) -> PodInfo {
        let p: podlab_api::Pod = serde_json::from_value(json!({"metadata": {"name": "web", "namespace": "default"}, "spec": spec})).unwrap();
        PodInfo::from_pod(&p)
    }

    pub fn node(name: &str, extra: Value) -> NodeInfo {
        let mut n = json!({"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
            "spec": {}, "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110", "ephemeral-storage": "20Gi"}}});
        merge(&mut n, extra);
        NodeInfo::from_node(&serde_json::from_value(n).unwrap())
    }

    fn merge(a: &mut Value, b: Value) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in y {
                    merge(x.entry(k).or_insert(Value::Null), v);
                }
            }
            (a, b) => *a = b,
        }
    }

    /// A node with `pods` already using the given cpu (millis) / memory (bytes).
    pub fn loaded(mut n: NodeInfo, cpu_millis: i64, memory: i64) -> NodeInfo {
        let mut u = PodUsage::default();
        u.requests.cpu_millis = cpu_millis;
        u.requests.memory_bytes = memory;
        u.nonzero_cpu_millis = cpu_millis.max(100);
        u.nonzero_memory_bytes = memory.max(200 << 20);
        n.add_pod(crate::keys::NsName("default".into(), "existing".into()), u);
        n
    }
}
