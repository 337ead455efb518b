//! The scheduler's projection of a stored pod's `spec`: only the fields `PodInfo` reads
//! (containers' image, ports, requests and restart policy; tolerations, node selector, node
//! affinity, priority, preemption policy, overhead, nodeName and the claims of volumes), decoded
//! with the API's own types so every value means exactly what it does in the whole `PodSpec`.
//!
//! Why: a scheduling cycle decoded the whole `PodSpec` of the pod it schedules — env, probes,
//! volume mounts and the ServiceAccount's projected volume included — to read a dozen fields;
//! that decode was the largest part of `PodInfo::from_object`. Everything else is skipped
//! unread. A stored pod passed the API server's strict decode when it was written, so the
//! projection sees the same pod; debug builds check that against the whole decode on every
//! call (`PodInfo::from_object`), and `tests` compares the two on a table of pods.
//!
//! Also here: the pod's non-zero CPU and memory requests (what scoring counts), computed on
//! two integers per container instead of through `podres`'s per-container resource maps.

use podlab_api::{
    Container, ContainerPort, NodeAffinity, PersistentVolumeClaimVolumeSource, PodSpec, ResourceRequirements, Toleration, Volume,
};
use podlab_api::quantity::Quantity;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct ContainerView {
    image: String,
    ports: Vec<ContainerPort>,
    resources: ResourceRequirements,
    restart_policy: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct AffinityView {
    node_affinity: Option<NodeAffinity>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct VolumeView {
    persistent_volume_claim: Option<PersistentVolumeClaimVolumeSource>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct SpecView {
    volumes: Vec<VolumeView>,
    init_containers: Vec<ContainerView>,
    containers: Vec<ContainerView>,
    node_selector: BTreeMap<String, String>,
    node_name: String,
    affinity: Option<AffinityView>,
    tolerations: Vec<Toleration>,
    priority: Option<i32>,
    preemption_policy: Option<String>,
    overhead: BTreeMap<String, Quantity>,
}

impl ContainerView {
    fn into_container(self) -> Container {
        Container { image: self.image, ports: self.ports, resources: self.resources, restart_policy: self.restart_policy, ..Container::default() }
    }
}

/// `podres::pod_nonzero_requests` restricted to its two keys: the max rule for init containers
/// and sidecars and the overhead apply to each resource on its own, so a pair per container
/// gives the same sums and maxima as the maps (`tests` checks it against `podres`).
pub fn nonzero_requests(spec: &PodSpec) -> (i64, i64) {
    use crate::podres::{amount, DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST};
    let one = |c: &Container, key: &str, default: i64| match c.resources.requests.get(key).map(|q| amount(key, q)) {
        Some(v) if v != 0 => v,
        _ => default,
    };
    let pair = |c: &Container| (one(c, "cpu", DEFAULT_MILLI_CPU_REQUEST), one(c, "memory", DEFAULT_MEMORY_REQUEST));
    let add = |a: (i64, i64), b: (i64, i64)| (a.0.saturating_add(b.0), a.1.saturating_add(b.1));
    let max = |a: (i64, i64), b: (i64, i64)| (a.0.max(b.0), a.1.max(b.1));
    let mut reqs = spec.containers.iter().fold((0, 0), |acc, c| add(acc, pair(c)));
    let (mut sidecars, mut init_peak) = ((0, 0), (0, 0));
    for c in &spec.init_containers {
        let this = pair(c);
        let peak = if c.restart_policy.as_deref() == Some("Always") {
            reqs = add(reqs, this);
            sidecars = add(sidecars, this);
            sidecars
        } else {
            add(this, sidecars)
        };
        init_peak = max(init_peak, peak);
    }
    reqs = max(reqs, init_peak);
    let overhead = |key: &str| spec.overhead.get(key).map_or(0, |q| amount(key, q));
    add(reqs, (overhead("cpu"), overhead("memory")))
}

/// The scheduler's fields of `spec` as a `PodSpec` (all others left at their defaults); None
/// when one of those fields does not decode.
pub fn scheduling_spec(spec: &serde_json::Value) -> Option<PodSpec> {
    let v = SpecView::deserialize(spec).ok()?;
    let affinity = v.affinity.map(|a| podlab_api::Affinity { node_affinity: a.node_affinity, ..Default::default() });
    Some(PodSpec {
        volumes: v.volumes.into_iter().map(|x| Volume { persistent_volume_claim: x.persistent_volume_claim, ..Volume::default() }).collect(),
        init_containers: v.init_containers.into_iter().map(ContainerView::into_container).collect(),
        containers: v.containers.into_iter().map(ContainerView::into_container).collect(),
        node_selector: v.node_selector,
        node_name: v.node_name,
        affinity,
        tolerations: v.tolerations,
        priority: v.priority,
        preemption_policy: v.preemption_policy,
        overhead: v.overhead,
        ..PodSpec::default()
    })
}

#[cfg(test)]
mod tests {
    use super::scheduling_spec;
    use crate::scheduler::framework::PodInfo;
    use proptest::prelude::*;
    use serde::Deserialize;
    use serde_json::{json, Value};

    /// `PodInfo` from the whole `PodSpec` (the straightforward path) and from the projection.
    fn both(spec: &Value) -> (String, Option<String>) {
        let whole = podlab_api::PodSpec::deserialize(spec).expect("the whole spec decodes");
        let a = PodInfo::from_spec("ns", "p", "u", "1", whole);
        let b = scheduling_spec(spec).map(|s| PodInfo::from_spec("ns", "p", "u", "1", s));
        (format!("{a:?}"), b.map(|b| format!("{b:?}")))
    }

    fn table() -> Vec<Value> {
        vec![
            json!({}),
            json!({"containers": [{"name": "c", "image": "nginx"}]}),
            json!({"containers": [{"name": "a", "image": "nginx:1.27", "env": [{"name": "X", "value": "1"}],
                    "ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 53, "hostPort": 53, "protocol": "UDP", "hostIP": "10.0.0.1"}, {"containerPort": 81}],
                    "resources": {"requests": {"cpu": "250m", "memory": "64Mi", "ephemeral-storage": "1Gi", "example.com/gpu": "1"}, "limits": {"cpu": "1"}},
                    "livenessProbe": {"httpGet": {"path": "/", "port": 80}}, "volumeMounts": [{"name": "kube-api-access-abcde", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]},
                   {"name": "b", "image": "registry.k8s.io/pause:3.10", "resources": {"limits": {"memory": "1Gi"}}}],
                  "initContainers": [{"name": "init", "image": "busybox", "resources": {"requests": {"cpu": "2"}}},
                    {"name": "side", "image": "envoy@sha256:abc", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m", "memory": "32Mi"}}, "ports": [{"containerPort": 9, "hostPort": 9}]}],
                  "overhead": {"cpu": "10m", "memory": "1Mi"},
                  "tolerations": [{"key": "k", "operator": "Exists", "effect": "NoSchedule"}, {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
                  "nodeSelector": {"disk": "ssd", "zone": "a"}, "priority": 1000, "preemptionPolicy": "Never", "priorityClassName": "high",
                  "affinity": {"nodeAffinity": {
                      "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "z", "operator": "In", "values": ["a", "b"]}], "matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}]}]},
                      "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 3, "preference": {"matchExpressions": [{"key": "z", "operator": "Exists"}]}}]},
                    "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}]}},
                  "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data", "readOnly": true}}, {"name": "e", "emptyDir": {}},
                    {"name": "kube-api-access-abcde", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                      {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}},
                    {"name": "f", "persistentVolumeClaim": {"claimName": "logs"}}],
                  "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "serviceAccountName": "default", "serviceAccount": "default",
                  "schedulerName": "default-scheduler", "enableServiceLinks": true, "securityContext": {}, "hostNetwork": true}),
            json!({"nodeName": "node01", "containers": [{"name": "c", "image": "redis", "resources": {"requests": {"cpu": "0", "memory": "0"}}}]}),
            json!({"containers": [{"name": "c", "image": "localhost:5000/app"}], "affinity": {"podAffinity": {}}, "priority": -5}),
            json!({"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "1.5", "memory": "1e3"}}}], "affinity": {}}),
        ]
    }

    #[test]
    fn projection_gives_the_whole_specs_pod_info() {
        for spec in table() {
            let (whole, view) = both(&spec);
            assert_eq!(Some(whole), view, "{spec}");
        }
    }

    /// Fields the scheduler reads fail to decode as they would in the whole spec; the others are
    /// not read (the API server's strict decode rejected them before the pod was stored).
    #[test]
    fn projected_fields_decode_strictly() {
        for bad in [
            json!({"tolerations": "x"}),
            json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "lots"}}}]}),
            json!({"containers": [{"name": "c", "ports": [{"containerPort": 80, "bogus": 1}]}]}),
            json!({"affinity": {"nodeAffinity": {"bogus": 1}}}),
            json!({"priority": "high"}),
            json!({"volumes": [{"name": "v", "persistentVolumeClaim": {"claimName": 5}}]}),
        ] {
            assert!(scheduling_spec(&bad).is_none(), "{bad}");
            assert!(podlab_api::PodSpec::deserialize(&bad).is_err(), "{bad}");
        }
        assert!(scheduling_spec(&json!({"bogus": 1, "containers": [{"name": "c", "env": 7}]})).is_some());
    }

    /// Pairs of integers give what `podres`'s resource maps give, on every pod of the table
    /// and on random ones (below).
    #[test]
    fn nonzero_requests_table() {
        for spec in table() {
            let s = podlab_api::PodSpec::deserialize(&spec).expect("decodes");
            assert_eq!(super::nonzero_requests(&s), crate::podres::pod_nonzero_requests(&s), "{spec}");
        }
    }

    fn arb_container() -> impl Strategy<Value = Value> {
        let qty = prop::sample::select(vec!["0", "1", "100m", "250m", "2", "64Mi", "1Gi", "1.5"]);
        (prop::sample::select(vec!["nginx", "redis:7", "a/b:1", "ghcr.io/x/y@sha256:ab"]), prop::option::of(qty.clone()), prop::option::of(qty.clone()), prop::option::of(qty), any::<bool>(), 0u16..3)
            .prop_map(|(image, cpu, mem, lim, sidecar, host_port)| {
                let mut c = json!({"name": "c", "image": image, "resources": {"requests": {}, "limits": {}}});
                if let Some(q) = cpu { c["resources"]["requests"]["cpu"] = json!(q); }
                if let Some(q) = mem { c["resources"]["requests"]["memory"] = json!(q); }
                if let Some(q) = lim { c["resources"]["limits"]["cpu"] = json!(q); }
                if sidecar { c["restartPolicy"] = json!("Always"); }
                if host_port > 0 { c["ports"] = json!([{"containerPort": 80, "hostPort": 8000 + host_port}]); }
                c
            })
    }

    proptest! {
        /// Random container mixes (requests, limits, sidecars, host ports, images) give the same
        /// `PodInfo` both ways.
        #[test]
        fn projection_agrees_on_random_pods(
            containers in prop::collection::vec(arb_container(), 1..4),
            init in prop::collection::vec(arb_container(), 0..3),
            priority in prop::option::of(-10i32..10),
            pvc in any::<bool>(),
        ) {
            let containers: Vec<Value> = containers.into_iter().map(|mut c| { c.as_object_mut().map(|m| m.remove("restartPolicy")); c }).collect();
            let mut spec = json!({"containers": containers, "initContainers": init});
            if let Some(p) = priority { spec["priority"] = json!(p); }
            if pvc { spec["volumes"] = json!([{"name": "v", "persistentVolumeClaim": {"claimName": "c1"}}, {"name": "w", "emptyDir": {}}]); }
            let (whole, view) = both(&spec);
            prop_assert_eq!(Some(whole), view);
            let mut s = podlab_api::PodSpec::deserialize(&spec).expect("decodes");
            prop_assert_eq!(super::nonzero_requests(&s), crate::podres::pod_nonzero_requests(&s));
            s.overhead.insert("cpu".into(), podlab_api::Quantity::parse("50m").expect("quantity"));
            prop_assert_eq!(super::nonzero_requests(&s), crate::podres::pod_nonzero_requests(&s));
        }
    }
}
