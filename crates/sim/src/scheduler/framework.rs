//! The scheduler framework's data model: the pod being scheduled (`PodInfo`, with everything
//! the plugins need precomputed once per cycle), the scheduler cache's view of a node
//! (`NodeInfo`, with incrementally maintained requested resources, pod count and host ports),
//! the per-node filter status, and the helpers shared by score plugins. Plugins are plain
//! functions over these types, so each has a table-driven test.

use crate::podres::{self, ResourceList};
use podlab_api::{NodeSelector, PreferredSchedulingTerm, Taint, Toleration};
use std::collections::BTreeMap;

pub const MAX_NODE_SCORE: i64 = 100;

/// `framework.Code` of a failed filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// Might fit if other pods went away (preemption can help).
    Unschedulable,
    /// Cannot fit on this node whatever is evicted.
    UnschedulableAndUnresolvable,
}

/// A plugin's verdict on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterStatus {
    pub plugin: &'static str,
    pub code: Code,
    pub reasons: Vec<String>,
}

impl FilterStatus {
    pub fn new(plugin: &'static str, code: Code, reason: impl Into<String>) -> Self {
        FilterStatus { plugin, code, reasons: vec![reason.into()] }
    }
}

/// A host port a container asks for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    pub protocol: String,
    pub host_ip: String,
    pub port: i32,
}

impl HostPort {
    /// Two host ports clash when protocol and port match and either IP is the wildcard.
    pub fn conflicts(&self, other: &HostPort) -> bool {
        let wild = |ip: &str| ip.is_empty() || ip == "0.0.0.0";
        self.protocol == other.protocol && self.port == other.port && (wild(&self.host_ip) || wild(&other.host_ip) || self.host_ip == other.host_ip)
    }
}

/// Resource amounts with the common resources as plain fields, so the per-node filter and
/// score loops do no string lookups (the scheduler's `framework.Resource`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub ephemeral_storage_bytes: i64,
    pub pods: i64,
    /// Extended and hugepages resources by name.
    pub scalar: BTreeMap<String, i64>,
}

impl Resources {
    pub fn from_list(list: &ResourceList) -> Self {
        let mut r = Resources::default();
        for (k, v) in list {
            match k.as_str() {
                "cpu" => r.cpu_millis = *v,
                "memory" => r.memory_bytes = *v,
                "ephemeral-storage" => r.ephemeral_storage_bytes = *v,
                "pods" => r.pods = *v,
                _ => {
                    r.scalar.insert(k.clone(), *v);
                }
            }
        }
        r
    }

    pub fn add(&mut self, o: &Resources, sign: i64) {
        self.cpu_millis += sign * o.cpu_millis;
        self.memory_bytes += sign * o.memory_bytes;
        self.ephemeral_storage_bytes += sign * o.ephemeral_storage_bytes;
        self.pods += sign * o.pods;
        for (k, v) in &o.scalar {
            *self.scalar.entry(k.clone()).or_insert(0) += sign * v;
        }
    }

    pub fn scalar_of(&self, name: &str) -> i64 {
        self.scalar.get(name).copied().unwrap_or(0)
    }
}

/// The pod being scheduled, precomputed.
#[derive(Clone, Debug, Default)]
pub struct PodInfo {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub resource_version: String,
    pub priority: i32,
    pub preemption_never: bool,
    pub node_name: String,
    pub requests: Resources,
    pub nonzero_cpu_millis: i64,
    pub nonzero_memory_bytes: i64,
    pub host_ports: Vec<HostPort>,
    pub tolerations: Vec<Toleration>,
    pub node_selector: BTreeMap<String, String>,
    pub required_affinity: Option<NodeSelector>,
    pub preferred_affinity: Vec<PreferredSchedulingTerm>,
    pub images: Vec<String>,
    pub pvc_names: Vec<String>,
}

impl PodInfo {
    pub fn from_pod(pod: &podlab_api::Pod) -> Self {
        let m = &pod.metadata;
        let (uid, rv) = (m.uid.as_deref().unwrap_or(""), m.resource_version.as_deref().unwrap_or(""));
        Self::from_spec(m.namespace(), m.name(), uid, rv, pod.spec.clone())
    }

    /// From a stored pod in wire form. Only `spec` is decoded (the plugins read nothing else but
    /// four metadata strings): decoding the whole pod, metadata and status included, was most
    /// of the cost of a cycle's setup. None when the spec does not decode.
    ///
    /// Of `spec`, only the fields the plugins read are decoded (`spec_view`): the pod was
    /// decoded strictly by the API server when it was stored. Debug builds decode the whole
    /// spec as well and check both give the same `PodInfo`.
    pub fn from_object(obj: &serde_json::Value) -> Option<Self> {
        let spec = match crate::meta::member(obj, "spec") {
            Some(s) => super::spec_view::scheduling_spec(s)?,
            None => podlab_api::PodSpec::default(),
        };
        let metadata = crate::meta::member(obj, "metadata");
        let m = |k: &str| metadata.and_then(|m| crate::meta::member_str(m, k)).unwrap_or("");
        let info = Self::from_spec(m("namespace"), m("name"), m("uid"), m("resourceVersion"), spec);
        #[cfg(debug_assertions)]
        Self::check_against_whole_spec(obj, &info);
        Some(info)
    }

    /// The straightforward path `from_object` replaces: the whole `PodSpec` decoded. A stored
    /// pod's spec always decodes (the API server's strict decode admitted it).
    #[cfg(debug_assertions)]
    fn check_against_whole_spec(obj: &serde_json::Value, info: &Self) {
        use serde::Deserialize;
        let whole = match obj.get("spec") {
            Some(s) => podlab_api::PodSpec::deserialize(s).ok(),
            None => Some(podlab_api::PodSpec::default()),
        };
        let whole = whole.expect("the scheduler was handed a pod whose spec the API server could not have stored");
        let (ns, name, uid, rv) = (info.namespace.as_str(), info.name.as_str(), info.uid.as_str(), info.resource_version.as_str());
        let reference = Self::from_spec(ns, name, uid, rv, whole);
        debug_assert_eq!(format!("{reference:?}"), format!("{info:?}"), "spec projection differs from the whole spec");
    }

    /// Takes the decoded spec by value: its tolerations, selector and affinity move in.
    pub(super) fn from_spec(namespace: &str, name: &str, uid: &str, resource_version: &str, mut spec: podlab_api::PodSpec) -> Self {
        let (cpu, mem) = super::spec_view::nonzero_requests(&spec);
        let mut host_ports = Vec::new();
        let sidecars = spec.init_containers.iter().filter(|c| c.restart_policy.as_deref() == Some("Always"));
        for c in spec.containers.iter().chain(sidecars) {
            for p in c.ports.iter().filter(|p| p.host_port > 0) {
                let protocol = if p.protocol.is_empty() { "TCP".to_string() } else { p.protocol.clone() };
                host_ports.push(HostPort { protocol, host_ip: p.host_ip.clone(), port: p.host_port });
            }
        }
        let node_affinity = spec.affinity.take().and_then(|a| a.node_affinity);
        let (required_affinity, preferred_affinity) = match node_affinity {
            Some(n) => (n.required_during_scheduling_ignored_during_execution, n.preferred_during_scheduling_ignored_during_execution),
            None => (None, Vec::new()),
        };
        PodInfo {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: uid.to_string(),
            resource_version: resource_version.to_string(),
            priority: spec.priority.unwrap_or(0),
            preemption_never: spec.preemption_policy.as_deref() == Some("Never"),
            node_name: std::mem::take(&mut spec.node_name),
            requests: Resources::from_list(&podres::pod_requests(&spec)),
            nonzero_cpu_millis: cpu,
            nonzero_memory_bytes: mem,
            host_ports,
            tolerations: std::mem::take(&mut spec.tolerations),
            node_selector: std::mem::take(&mut spec.node_selector),
            required_affinity,
            preferred_affinity,
            images: spec.init_containers.iter().chain(&spec.containers).map(|c| normalize_image(&c.image)).collect(),
            pvc_names: spec.volumes.iter().filter_map(|v| v.persistent_volume_claim.as_ref().map(|p| p.claim_name.clone())).collect(),
        }
    }

}

/// `docker.io/library/nginx:latest` form, so `nginx`, `nginx:latest` and the node's image
/// names compare equal (ImageLocality's normalisation).
pub fn normalize_image(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let mut full = if last.contains(':') || digest.is_some() { name.to_string() } else { format!("{name}:latest") };
    let first = full.split('/').next().unwrap_or("");
    let has_registry = full.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    if !has_registry {
        full = if full.contains('/') { format!("docker.io/{full}") } else { format!("docker.io/library/{full}") };
    }
    match digest {
        Some(d) => format!("{full}@{d}"),
        None => full,
    }
}

/// What a scheduled pod uses on its node (kept so removal is exact).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodUsage {
    pub requests: Resources,
    pub nonzero_cpu_millis: i64,
    pub nonzero_memory_bytes: i64,
    pub host_ports: Vec<HostPort>,
    pub priority: i32,
    pub uid: String,
}

/// The scheduler cache's view of one node.
#[derive(Clone, Debug, Default)]
pub struct NodeInfo {
    /// Shared with the trace details that name the node.
    pub name: crate::trace::Label,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
    pub allocatable: Resources,
    pub requested: Resources,
    pub nonzero_cpu_millis: i64,
    pub nonzero_memory_bytes: i64,
    pub pods: BTreeMap<super::queue::PodKey, PodUsage>,
    /// Normalised image name → size in bytes.
    pub images: BTreeMap<String, i64>,
    /// The filter walk's one-line summary of the fields above; every method that changes
    /// them refreshes it (`FilterHot::of`, through `refresh_hot`).
    pub hot: super::filter_hot::FilterHot,
    /// The score walk's one-line summary, refreshed with `hot` (`ScoreHot::of`).
    pub score_hot: super::score_hot::ScoreHot,
}

impl NodeInfo {
    pub fn from_node(node: &podlab_api::Node) -> Self {
        let mut images = BTreeMap::new();
        for img in &node.status.images {
            for n in &img.names {
                images.insert(normalize_image(n), img.size_bytes);
            }
        }
        let mut info = NodeInfo {
            name: node.metadata.name().into(),
            labels: node.metadata.labels.clone(),
            taints: node.spec.taints.clone(),
            unschedulable: node.spec.unschedulable,
            allocatable: Resources::from_list(&podres::to_list(&node.status.allocatable)),
            images,
            ..NodeInfo::default()
        };
        info.refresh_hot();
        info
    }

    /// Recomputes both one-line summaries after a change to the fields they mirror.
    fn refresh_hot(&mut self) {
        self.hot = super::filter_hot::FilterHot::of(self);
        self.score_hot = super::score_hot::ScoreHot::of(self);
    }

    /// Replaces the node's own fields, keeping the pods accounted on it.
    pub fn refresh_from(&mut self, fresh: NodeInfo) {
        self.labels = fresh.labels;
        self.taints = fresh.taints;
        self.unschedulable = fresh.unschedulable;
        self.allocatable = fresh.allocatable;
        self.images = fresh.images;
        self.refresh_hot();
    }

    /// Accounts `usage` on this node, replacing what the same pod used before (as a
    /// `remove_pod` then an insert would, in that order, with one search of `pods`).
    pub fn add_pod(&mut self, key: super::queue::PodKey, usage: PodUsage) {
        match self.pods.entry(key) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                let old = e.get();
                self.requested.add(&old.requests, -1);
                self.nonzero_cpu_millis -= old.nonzero_cpu_millis;
                self.nonzero_memory_bytes -= old.nonzero_memory_bytes;
                Self::account(&mut self.requested, &mut self.nonzero_cpu_millis, &mut self.nonzero_memory_bytes, &usage);
                *e.get_mut() = usage;
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                Self::account(&mut self.requested, &mut self.nonzero_cpu_millis, &mut self.nonzero_memory_bytes, &usage);
                e.insert(usage);
            }
        }
        self.refresh_hot();
    }

    fn account(requested: &mut Resources, nonzero_cpu_millis: &mut i64, nonzero_memory_bytes: &mut i64, usage: &PodUsage) {
        requested.add(&usage.requests, 1);
        *nonzero_cpu_millis += usage.nonzero_cpu_millis;
        *nonzero_memory_bytes += usage.nonzero_memory_bytes;
    }

    pub fn remove_pod(&mut self, key: &super::queue::PodKey) -> Option<PodUsage> {
        let usage = self.pods.remove(key)?;
        self.requested.add(&usage.requests, -1);
        self.nonzero_cpu_millis -= usage.nonzero_cpu_millis;
        self.nonzero_memory_bytes -= usage.nonzero_memory_bytes;
        self.refresh_hot();
        Some(usage)
    }

    pub fn used_ports(&self) -> impl Iterator<Item = &HostPort> {
        self.pods.values().flat_map(|p| p.host_ports.iter())
    }
}

impl From<&PodInfo> for PodUsage {
    fn from(p: &PodInfo) -> Self {
        PodUsage {
            requests: p.requests.clone(),
            nonzero_cpu_millis: p.nonzero_cpu_millis,
            nonzero_memory_bytes: p.nonzero_memory_bytes,
            host_ports: p.host_ports.clone(),
            priority: p.priority,
            uid: p.uid.clone(),
        }
    }
}

/// `DefaultNormalizeScore`: scale to 0..=100 by the maximum; `reverse` flips it.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    for s in scores.iter_mut() {
        *s = default_normalized(*s, max, reverse);
    }
}

/// One score as `default_normalize` leaves it, given its column's maximum (the score walk
/// takes the maximum as it fills the rows and normalises each row after).
#[inline]
pub fn default_normalized(score: i64, max: i64, reverse: bool) -> i64 {
    if max == 0 {
        return if reverse { MAX_NODE_SCORE } else { score };
    }
    let scaled = MAX_NODE_SCORE * score / max;
    if reverse {
        MAX_NODE_SCORE - scaled
    } else {
        scaled
    }
}

/// `numFeasibleNodesToFind` with the default adaptive percentageOfNodesToScore.
pub fn num_feasible_nodes_to_find(all: usize) -> usize {
    const MIN_FEASIBLE: usize = 100;
    if all < MIN_FEASIBLE {
        return all;
    }
    let percentage = (50i64 - all as i64 / 125).max(5) as usize;
    (all * percentage / 100).max(MIN_FEASIBLE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_image_table() {
        let cases = [
            ("nginx", "docker.io/library/nginx:latest"),
            ("nginx:1.27", "docker.io/library/nginx:1.27"),
            ("polinux/stress", "docker.io/polinux/stress:latest"),
            ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
            ("localhost:5000/app", "localhost:5000/app:latest"),
            ("docker.io/library/nginx:1.27", "docker.io/library/nginx:1.27"),
        ];
        for (i, want) in cases {
            assert_eq!(normalize_image(i), want, "{i}");
        }
    }

    /// `from_object` (spec decoded alone) sees the same pod as `from_pod` (whole pod decoded).
    #[test]
    fn pod_info_from_object_matches_from_pod() {
        use serde_json::json;
        let pods = [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "7"},
                "spec": {"containers": [{"name": "a", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 8080}], "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}}],
                    "initContainers": [{"name": "side", "image": "busybox:1.36", "restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}}],
                    "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}], "nodeSelector": {"disk": "ssd"}, "priority": 5, "preemptionPolicy": "Never",
                    "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 3, "preference": {"matchExpressions": [{"key": "z", "operator": "In", "values": ["a"]}]}}]}},
                    "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]},
                "status": {"phase": "Pending"}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bare"}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bound", "namespace": "ns"}, "spec": {"nodeName": "node01", "containers": [{"name": "c", "image": "redis"}]}}),
        ];
        for obj in &pods {
            let whole = crate::meta::typed::<podlab_api::Pod>(obj).expect("decodes");
            let (a, b) = (PodInfo::from_pod(&whole), PodInfo::from_object(obj).expect("spec decodes"));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{obj}");
        }

    }

    #[test]
    fn feasible_nodes_table() {
        for (all, want) in [(3, 3), (99, 99), (100, 100), (1000, 420), (5000, 500), (10_000, 500)] {
            assert_eq!(num_feasible_nodes_to_find(all), want, "{all}");
        }
    }

    #[test]
    fn normalize_table() {
        let mut s = vec![0, 5, 10];
        default_normalize(&mut s, false);
        assert_eq!(s, vec![0, 50, 100]);
        let mut r = vec![0, 1, 2];
        default_normalize(&mut r, true);
        assert_eq!(r, vec![100, 50, 0]);
        let mut z = vec![0, 0];
        default_normalize(&mut z, true);
        assert_eq!(z, vec![100, 100]);
    }
}
