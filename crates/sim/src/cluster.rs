//! `ClusterSpec`: the description of a cluster a scenario starts from — nodes (labels,
//! taints, capacity, preloaded images, pod CIDR), users and their groups, admission policies a
//! scenario switches on, and extra objects (RBAC, LimitRanges, namespaces ...). It is plain
//! serde data so a scenario can write it in YAML; `ClusterSpec::default()` is the three-node
//! kubeadm-style cluster the study guide's examples assume.

use crate::admission_policy::AdmissionPolicy;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClusterSpec {
    /// Wall-clock instant of simulated time 0 (RFC 3339).
    pub start_time: String,
    /// `gitVersion` of every component, e.g. `v1.33.1`.
    pub kubernetes_version: String,
    pub nodes: Vec<NodeSpec>,
    pub users: Vec<UserSpec>,
    pub admission_policies: Vec<AdmissionPolicy>,
    /// Objects created (as the admin, through the full API pipeline) at time 0.
    pub objects: Vec<Value>,
    /// Per scheduling cycle, how many nodes get per-node detail in the trace.
    pub trace_node_detail_max: usize,
    /// StorageClasses at install and the simulated CSI driver's latencies and faults.
    pub storage: crate::controllers::persistentvolume::StorageSpec,
    /// kubeadm's add-ons (kube-proxy DaemonSet, CoreDNS) in kube-system, running when the
    /// learner's first command runs (see `bootstrap_addons`). On for the default cluster and
    /// for scenario clusters unless they say `addons: false`; off for `workers(n)`.
    pub addons: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct NodeSpec {
    pub name: String,
    /// Extra labels (the kubernetes.io/hostname, os and arch labels are always added).
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<TaintSpec>,
    /// Quantities as written in a Node's capacity: `2`, `4Gi`.
    pub cpu: String,
    pub memory: String,
    pub ephemeral_storage: String,
    pub pods: u32,
    /// Extended resources such as `nvidia.com/gpu: "1"`.
    pub extended_resources: BTreeMap<String, String>,
    pub pod_cidr: String,
    pub internal_ip: String,
    /// Images already in the node's containerd store (`nginx:1.27`).
    pub images: Vec<String>,
    /// Cordoned from the start.
    pub unschedulable: bool,
    /// A control-plane node (gets the control-plane label; add the taint in `taints`).
    pub control_plane: bool,
    /// Pod manifests in the node's staticPodPath: its kubelet runs them without the
    /// scheduler and creates a mirror pod `<name>-<node>` for each.
    pub static_pods: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaintSpec {
    pub key: String,
    #[serde(default)]
    pub value: String,
    pub effect: String,
}

/// A user a scenario knows about (`kubectl --as=jane`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserSpec {
    pub name: String,
    #[serde(default)]
    pub groups: Vec<String>,
    /// False models a credential the API server rejects (expired certificate, wrong token):
    /// every request as this user fails with 401 Unauthorized.
    #[serde(default = "yes")]
    pub credential_valid: bool,
}

fn yes() -> bool {
    true
}

impl Default for NodeSpec {
    fn default() -> Self {
        NodeSpec {
            name: String::new(),
            labels: BTreeMap::new(),
            taints: Vec::new(),
            cpu: "2".into(),
            memory: "4Gi".into(),
            ephemeral_storage: "20Gi".into(),
            pods: 110,
            extended_resources: BTreeMap::new(),
            pod_cidr: String::new(),
            internal_ip: String::new(),
            images: Vec::new(),
            unschedulable: false,
            control_plane: false,
            static_pods: Vec::new(),
        }
    }
}

impl NodeSpec {
    pub fn worker(name: &str, index: usize) -> Self {
        NodeSpec {
            name: name.to_string(),
            pod_cidr: format!("10.244.{}.0/24", index % 256),
            internal_ip: format!("192.168.{}.{}", 10 + index / 250, 10 + index % 250),
            ..NodeSpec::default()
        }
    }
}

impl Default for ClusterSpec {
    fn default() -> Self {
        let mut cp = NodeSpec::worker("controlplane", 0);
        cp.control_plane = true;
        cp.taints.push(TaintSpec { key: "node-role.kubernetes.io/control-plane".into(), value: String::new(), effect: "NoSchedule".into() });
        // kubeadm's control plane runs as static pods on this node (default cluster only).
        cp.static_pods = crate::bootstrap_control_plane::control_plane_manifests(&cp);
        cp.images.extend(crate::bootstrap_control_plane::control_plane_images().iter().map(|i| i.to_string()));
        let mut nodes = vec![cp, NodeSpec::worker("node01", 1), NodeSpec::worker("node02", 2)];
        // kubeadm pulled the add-on images on every node at install.
        for n in &mut nodes {
            n.images.extend(crate::bootstrap_addons::addon_images().iter().map(|i| i.to_string()));
        }
        ClusterSpec {
            start_time: "2025-01-01T12:00:00Z".into(),
            kubernetes_version: "v1.33.1".into(),
            nodes,
            users: Vec::new(),
            admission_policies: Vec::new(),
            objects: Vec::new(),
            trace_node_detail_max: 64,
            storage: Default::default(),
            addons: true,
        }
    }
}

impl ClusterSpec {
    /// `n` untainted workers named `node0001`... with the default capacity (benchmarks, tests).
    pub fn workers(n: usize) -> Self {
        let nodes = (0..n).map(|i| NodeSpec::worker(&format!("node{:04}", i + 1), i)).collect();
        ClusterSpec { nodes, addons: false, ..ClusterSpec::default() }
    }

    /// Parses a ClusterSpec from JSON (the lessons crate converts YAML to JSON first).
    pub fn from_json(v: &Value) -> Result<Self, String> {
        serde_json::from_value(v.clone()).map_err(|e| e.to_string())
    }
}
