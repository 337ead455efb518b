//! The resource metrics API (`metrics.k8s.io/v1beta1`, served by metrics-server) behind
//! `kubectl top`: PodMetrics per running pod and NodeMetrics per node, built from the container
//! runtime's usage model (each running process's CPU in millicores and memory in bytes) as the
//! kubelets report it. Values are in metrics-server's wire units — CPU in nanocores (`"2000000n"`)
//! and memory as working-set kibibytes (`"2472Ki"`) — over metrics-server's 15s resolution window.

use crate::kubelet::Kubelet;
use crate::sim::Simulation;
use serde_json::{json, Value};

pub const WINDOW: &str = "15s";
/// What the node itself uses besides pods (kubelet, containerd, the OS), so `kubectl top
/// nodes` never shows an idle machine at 0.
pub const NODE_SYSTEM_CPU_MILLICORES: u64 = 60;
pub const NODE_SYSTEM_MEMORY_BYTES: u64 = 480 * 1024 * 1024;

/// One running container's usage as its kubelet reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerUsage {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub cpu_millicores: u64,
    pub memory_bytes: u64,
}

fn cpu_quantity(millicores: u64) -> String {
    format!("{}n", millicores.saturating_mul(1_000_000))
}

fn memory_quantity(bytes: u64) -> String {
    format!("{}Ki", bytes / 1024)
}

impl Simulation {
    fn usage_by_node(&mut self) -> Vec<(String, Vec<ContainerUsage>)> {
        let nodes: Vec<String> = self.cluster().nodes.iter().map(|n| n.name.clone()).collect();
        let mut out = Vec::new();
        for node in nodes {
            let stopped = self.node_stopped(&node);
            let name = format!("kubelet/{node}");
            let usage = self
                .component_mut(&name)
                .and_then(|c| c.as_any_mut())
                .and_then(|a| a.downcast_mut::<Kubelet>())
                .map(|k| k.container_usage())
                .unwrap_or_default();
            // metrics-server cannot scrape a node whose kubelet is down.
            if !stopped {
                out.push((node, usage));
            }
        }
        out
    }

    /// `GET /apis/metrics.k8s.io/v1beta1/[namespaces/<ns>/]pods`: one PodMetrics per pod with
    /// running containers, sorted by namespace and name.
    pub fn pod_metrics(&mut self, namespace: Option<&str>) -> Vec<Value> {
        let stamp = self.epoch().rfc3339(self.now());
        let mut pods: std::collections::BTreeMap<(String, String), Vec<Value>> = std::collections::BTreeMap::new();
        for (_, usage) in self.usage_by_node() {
            for u in usage.into_iter().filter(|u| namespace.is_none_or(|ns| ns == u.namespace)) {
                let c = json!({"name": u.container, "usage": {"cpu": cpu_quantity(u.cpu_millicores), "memory": memory_quantity(u.memory_bytes)}});
                pods.entry((u.namespace, u.pod)).or_default().push(c);
            }
        }
        pods.into_iter()
            .map(|((ns, name), containers)| {
                let labels = self.get("Pod", &ns, &name).and_then(|p| p.pointer("/metadata/labels").cloned()).unwrap_or(json!({}));
                json!({"kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                    "metadata": {"name": name, "namespace": ns, "creationTimestamp": stamp, "labels": labels},
                    "timestamp": stamp, "window": WINDOW, "containers": containers})
            })
            .collect()
    }

    /// `GET /apis/metrics.k8s.io/v1beta1/nodes`: NodeMetrics for every reachable node (pods'
    /// usage plus the node's own system usage).
    pub fn node_metrics(&mut self) -> Vec<Value> {
        let stamp = self.epoch().rfc3339(self.now());
        self.usage_by_node()
            .into_iter()
            .map(|(node, usage)| {
                let cpu = NODE_SYSTEM_CPU_MILLICORES + usage.iter().map(|u| u.cpu_millicores).sum::<u64>();
                let mem = NODE_SYSTEM_MEMORY_BYTES + usage.iter().map(|u| u.memory_bytes).sum::<u64>();
                json!({"kind": "NodeMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                    "metadata": {"name": node, "creationTimestamp": stamp}, "timestamp": stamp, "window": WINDOW,
                    "usage": {"cpu": cpu_quantity(cpu), "memory": memory_quantity(mem)}})
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_units() {
        assert_eq!(cpu_quantity(3), "3000000n");
        assert_eq!(memory_quantity(2_531_328), "2472Ki");
    }
}
