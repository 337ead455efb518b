//! What a cluster's storage starts with (`ClusterSpec.storage`): its StorageClasses — by
//! default one, `standard`, marked default, provisioned by the simulated EBS-like CSI driver
//! with `WaitForFirstConsumer` binding and `Delete` reclaim — the driver's latencies and
//! faults, and the RBAC of the storage controllers' identities, created at install like the
//! rest of the bootstrap (with uids from a private random stream, so adding them does not
//! shift other objects' uids).

use crate::kubelet::csi::{CsiSpec, DRIVER};
use crate::meta;
use crate::rng::Rng;
use crate::trace::Outcome;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct StorageSpec {
    /// StorageClass objects present at install (`[]`: a cluster without dynamic provisioning).
    pub storage_classes: Vec<Value>,
    pub csi: CsiSpec,
}

impl Default for StorageSpec {
    fn default() -> Self {
        StorageSpec {
            storage_classes: vec![default_storage_class()],
            csi: CsiSpec::default(),
        }
    }
}

/// `standard (default)`: gp3 disks from the CSI driver, bound where the first pod lands.
pub fn default_storage_class() -> Value {
    json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": DRIVER, "parameters": {"type": "gp3"}, "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": true})
}

/// The external provisioner's (csi-provisioner sidecar's) service account.
pub const PROVISIONER_SERVICE_ACCOUNT: &str = "ebs-csi-controller-sa";

fn rules(list: &[(&[&str], &[&str])]) -> Value {
    let rw = [
        "create", "delete", "get", "list", "patch", "update", "watch",
    ];
    let mut out: Vec<Value> = list
        .iter()
        .map(|(g, r)| json!({"apiGroups": g, "resources": r, "verbs": rw}))
        .collect();
    out.push(json!({"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]}));
    Value::Array(out)
}

fn rbac(rng: &mut Rng, created: &str) -> Vec<Value> {
    let storage: &[&str] = &[
        "persistentvolumes",
        "persistentvolumes/status",
        "persistentvolumeclaims",
        "persistentvolumeclaims/status",
    ];
    let roles: [(&str, &str, Value); 3] = [
        (
            "system:controller:persistent-volume-binder",
            "persistent-volume-binder",
            rules(&[
                (&[""], storage),
                (&[""], &["pods", "nodes"]),
                (&["storage.k8s.io"], &["storageclasses"]),
            ]),
        ),
        (
            "system:controller:attachdetach-controller",
            "attachdetach-controller",
            rules(&[
                (
                    &[""],
                    &[
                        "persistentvolumes",
                        "persistentvolumeclaims",
                        "pods",
                        "nodes",
                        "nodes/status",
                    ],
                ),
                (&["storage.k8s.io"], &["volumeattachments", "csinodes"]),
            ]),
        ),
        (
            "ebs-external-provisioner-role",
            PROVISIONER_SERVICE_ACCOUNT,
            rules(&[
                (&[""], storage),
                (&["storage.k8s.io"], &["storageclasses", "csinodes"]),
                (&[""], &["nodes"]),
            ]),
        ),
    ];
    let mut out = Vec::new();
    for (role, sa, rules) in roles {
        let m =
            |rng: &mut Rng| json!({"name": role, "uid": rng.uid(), "creationTimestamp": created});
        out.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": m(rng), "rules": rules}));
        out.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": m(rng),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": "kube-system"}]}));
    }
    out
}

/// Creates the storage RBAC and the spec's StorageClasses in the store at install time.
pub(crate) fn bootstrap(core: &mut crate::sim::Core, spec: &StorageSpec) {
    let mut rng = Rng::stream(core.seed, "storage-bootstrap");
    let created = core.epoch.rfc3339(core.now);
    let mut objects = rbac(&mut rng, &created);
    for sc in &spec.storage_classes {
        let mut sc = sc.clone();
        let m = meta::object_mut(&mut sc, "metadata");
        m.insert("uid", json!(rng.uid()));
        m.insert("creationTimestamp", json!(created));
        objects.push(sc);
    }
    for obj in objects {
        let label =
            crate::trace::object_label(meta::kind(&obj), meta::namespace(&obj), meta::name(&obj));
        let outcome = if core.store.create(obj).is_ok() {
            Outcome::Ok
        } else {
            Outcome::Error
        };
        core.trace.push(
            core.now,
            "kube-controller-manager",
            "bootstrap",
            outcome,
            None,
            label,
            json!({}),
        );
    }
}
