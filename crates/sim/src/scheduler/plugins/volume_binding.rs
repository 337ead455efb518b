//! VolumeBinding (`pkg/scheduler/framework/plugins/volumebinding`). PreFilter rejects the
//! whole pod when a claim it names is missing (`persistentvolumeclaim "data" not found`), being
//! deleted, or unbound in an `Immediate` class (`pod has unbound immediate
//! PersistentVolumeClaims`: the PV controller binds those, not the scheduler). Filter checks
//! each node: a bound volume's node affinity must match it (`node(s) had volume node affinity
//! conflict`), and a `WaitForFirstConsumer` claim needs either a dynamic provisioner or an
//! available static volume reachable from it (`node(s) didn't find available persistent
//! volumes to bind`). The claims, volumes and classes come from the PVC/PV/StorageClass
//! listers the PersistentVolume controller's informers keep (`StorageView`).

use super::super::framework::{Code, FilterStatus, NodeInfo, PodInfo};
use crate::controllers::persistentvolume::SharedView;
use crate::controllers::persistentvolume_binding::volume_fits;
use crate::meta;
use podlab_api::VolumeNodeAffinity;
use serde_json::Value;

pub const NAME: &str = "VolumeBinding";
pub const ERR_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
pub const ERR_NODE_CONFLICT: &str = "node(s) had volume node affinity conflict";
pub const ERR_BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";

/// The cycle asks `filter` only about pods that name a claim (PreFilter's Skip).
pub trait VolumeBinder {
    /// A whole-pod rejection message (goes into the FitError instead of a node histogram).
    fn pre_filter(&self, pod: &PodInfo) -> Option<String>;
    fn filter(&self, pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus>;
}

/// The plugin over the storage listers.
pub struct StorageBinder {
    pub view: SharedView,
}

/// Whether a volume's `nodeAffinity.required` admits the node (no affinity: every node).
pub fn node_affinity_matches(pv: &Value, node: &NodeInfo) -> bool {
    let Some(aff) = meta::at(pv, &["spec", "nodeAffinity"])
        .and_then(|a| serde_json::from_value::<VolumeNodeAffinity>(a.clone()).ok())
    else {
        return true;
    };
    aff.required.is_none_or(|sel| {
        sel.node_selector_terms
            .iter()
            .any(|t| super::node_affinity::term_matches(t, node))
    })
}

impl VolumeBinder for StorageBinder {
    fn pre_filter(&self, pod: &PodInfo) -> Option<String> {
        let view = self.view.try_borrow().ok()?;
        let mut unbound_immediate = false;
        for name in &pod.pvc_names {
            let Some(pvc) = view.claim(&pod.namespace, name) else {
                return Some(format!("persistentvolumeclaim \"{name}\" not found"));
            };
            if meta::deletion_timestamp(pvc).is_some() {
                return Some(format!("persistentvolumeclaim \"{name}\" is being deleted"));
            }
            let unbound = meta::str_at(pvc, &["spec", "volumeName"])
                .unwrap_or("")
                .is_empty();
            unbound_immediate |= unbound && !view.delayed_binding(pvc);
        }
        unbound_immediate.then(|| ERR_UNBOUND_IMMEDIATE.to_string())
    }

    fn filter(&self, pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus> {
        let view = self.view.try_borrow().ok()?;
        let mut reasons = Vec::new();
        for name in &pod.pvc_names {
            let Some(pvc) = view.claim(&pod.namespace, name) else {
                continue;
            };
            let volume_name = meta::str_at(pvc, &["spec", "volumeName"]).unwrap_or("");
            if !volume_name.is_empty() {
                if view
                    .volumes
                    .get(volume_name)
                    .is_some_and(|pv| !node_affinity_matches(pv, node))
                    && !reasons.contains(&ERR_NODE_CONFLICT)
                {
                    reasons.push(ERR_NODE_CONFLICT);
                }
                continue;
            }
            let provisioner = view
                .class_of(pvc)
                .and_then(|c| meta::str_at(c, &["provisioner"]))
                .unwrap_or("");
            let dynamic = !provisioner.is_empty() && provisioner != "kubernetes.io/no-provisioner";
            let static_ok = view
                .volumes
                .values()
                .any(|pv| volume_fits(pvc, pv) && node_affinity_matches(pv, node));
            if !dynamic && !static_ok && !reasons.contains(&ERR_BIND_CONFLICT) {
                reasons.push(ERR_BIND_CONFLICT);
            }
        }
        if reasons.is_empty() {
            return None;
        }
        Some(FilterStatus {
            plugin: NAME,
            code: Code::UnschedulableAndUnresolvable,
            reasons: reasons.into_iter().map(str::to_string).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{node, pod};
    use super::*;
    use crate::controllers::persistentvolume::StorageView;
    use serde_json::json;
    use std::sync::Arc;

    fn view(claims: Vec<Value>, volumes: Vec<Value>) -> SharedView {
        let mut v = StorageView::default();
        for c in claims {
            v.claims
                .insert(crate::keys::NsName::new("default", meta::name(&c)), Arc::new(c));
        }
        for pv in volumes {
            v.volumes.insert(meta::name(&pv).to_string(), Arc::new(pv));
        }
        v.classes.insert("standard".into(), Arc::new(json!({"metadata": {"name": "standard"}, "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer"})));
        v.classes.insert("fast".into(), Arc::new(json!({"metadata": {"name": "fast"}, "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "Immediate"})));
        v.classes.insert("local".into(), Arc::new(json!({"metadata": {"name": "local"}, "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": "WaitForFirstConsumer"})));
        std::rc::Rc::new(std::cell::RefCell::new(v))
    }

    fn claim(class: &str, volume: &str) -> Value {
        json!({"metadata": {"name": "data", "namespace": "default", "uid": "u1"}, "spec": {"storageClassName": class, "volumeName": volume, "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    }

    fn local_pv(host: &str) -> Value {
        json!({"metadata": {"name": "pv-local"}, "spec": {"storageClassName": "local", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "5Gi"},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [host]}]}]}}}, "status": {"phase": "Available"}})
    }

    #[test]
    fn pre_filter_table() {
        let p = pod(
            json!({"containers": [{"name": "c", "image": "nginx"}], "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}),
        );
        let mut deleting = claim("standard", "");
        deleting["metadata"]["deletionTimestamp"] = json!("2025-01-01T12:00:00Z");
        let cases: Vec<(&str, Vec<Value>, Option<&str>)> = vec![
            (
                "missing",
                vec![],
                Some("persistentvolumeclaim \"data\" not found"),
            ),
            (
                "deleting",
                vec![deleting],
                Some("persistentvolumeclaim \"data\" is being deleted"),
            ),
            (
                "unbound immediate",
                vec![claim("fast", "")],
                Some(ERR_UNBOUND_IMMEDIATE),
            ),
            ("unbound delayed", vec![claim("standard", "")], None),
            ("bound", vec![claim("fast", "pvc-1")], None),
        ];
        for (name, claims, want) in cases {
            let b = StorageBinder {
                view: view(claims, vec![]),
            };
            assert_eq!(b.pre_filter(&p).as_deref(), want, "{name}");
        }
    }

    #[test]
    fn filter_table() {
        let p = pod(
            json!({"containers": [{"name": "c", "image": "nginx"}], "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}),
        );
        let mut bound_local = local_pv("node01");
        bound_local["spec"]["claimRef"] = json!({"name": "data", "namespace": "default"});
        type Case = (
            &'static str,
            Value,
            Vec<Value>,
            &'static str,
            Option<&'static str>,
        );
        let cases: Vec<Case> = vec![
            (
                "dynamic delayed fits anywhere",
                claim("standard", ""),
                vec![],
                "node02",
                None,
            ),
            (
                "bound local on its node",
                claim("local", "pv-local"),
                vec![bound_local.clone()],
                "node01",
                None,
            ),
            (
                "bound local elsewhere",
                claim("local", "pv-local"),
                vec![bound_local],
                "node02",
                Some(ERR_NODE_CONFLICT),
            ),
            (
                "static local reachable",
                claim("local", ""),
                vec![local_pv("node01")],
                "node01",
                None,
            ),
            (
                "static local unreachable",
                claim("local", ""),
                vec![local_pv("node01")],
                "node02",
                Some(ERR_BIND_CONFLICT),
            ),
        ];
        for (name, c, pvs, n, want) in cases {
            let b = StorageBinder {
                view: view(vec![c], pvs),
            };
            let got = b.filter(&p, &node(n, json!({})));
            assert_eq!(got.as_ref().map(|s| s.reasons[0].as_str()), want, "{name}");
        }
    }
}
