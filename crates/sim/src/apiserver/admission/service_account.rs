//! The ServiceAccount admission plugin: defaults `serviceAccountName` to `default`, rejects a
//! pod whose service account does not exist, and (unless automounting is switched off on the
//! pod or the account) adds the projected `kube-api-access-<5 chars>` volume — token valid
//! 3607 s, the `kube-root-ca.crt` ConfigMap and the namespace via the downward API — mounted
//! read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container.

use super::super::Req;
use super::Touched;
use crate::meta;
use crate::store::ObjectKey;
use serde_json::{json, Value};
use std::sync::OnceLock;

pub const MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The volume's `projected` source, the same for every pod: built once and cloned (a clone
/// copies the maps' hash tables instead of hashing every key again).
fn projected() -> &'static Value {
    static PROJECTED: OnceLock<Value> = OnceLock::new();
    PROJECTED.get_or_init(|| {
        json!({
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
            ],
            "defaultMode": 420
        })
    })
}

pub fn mutate(r: &mut Req, pod: &mut Value, touched: &mut Touched) -> Result<(), String> {
    if meta::str_at(pod, &["metadata", "annotations", "kubernetes.io/config.mirror"]).is_some() {
        return Ok(());
    }
    touched.spec(pod, &["serviceAccountName", "serviceAccount", "volumes"]);
    // Containers only gain a volume mount at the end of `volumeMounts`.
    touched.spec_appends(pod, &["initContainers", "containers"], "volumeMounts");
    let ns = meta::namespace(pod).to_string();
    let sa_name = meta::str_at(pod, &["spec", "serviceAccountName"]).filter(|s| !s.is_empty()).unwrap_or("default").to_string();
    let spec = meta::object_mut(pod, "spec");
    spec.insert("serviceAccountName".into(), json!(sa_name));
    spec.insert("serviceAccount".into(), json!(sa_name));
    let Some(sa) = r.core.store.get(&ObjectKey::new("ServiceAccount", &ns, &sa_name)) else {
        return Err(format!("error looking up service account {ns}/{sa_name}: serviceaccount {sa_name:?} not found"));
    };
    let sa_automount = sa.get("automountServiceAccountToken").and_then(Value::as_bool);
    let pod_automount = meta::at(pod, &["spec", "automountServiceAccountToken"]).and_then(Value::as_bool);
    if pod_automount.or(sa_automount) == Some(false) {
        return Ok(());
    }
    let volume_name = format!("kube-api-access-{}", r.core.apiserver.rng.name_suffix(5));
    let mut volume = serde_json::Map::with_capacity(2);
    volume.insert("name".into(), Value::from(volume_name.as_str()));
    volume.insert("projected".into(), projected().clone());
    let volume = Value::Object(volume);
    let spec = meta::object_mut(pod, "spec");
    let mut mounted = false;
    for list in ["initContainers", "containers"] {
        let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) else { continue };
        for c in containers.iter_mut() {
            let mounts = meta::array_mut(c, "volumeMounts");
            if mounts.iter().any(|m| meta::member_str(m, "mountPath") == Some(MOUNT_PATH)) {
                continue;
            }
            mounts.push(json!({"name": volume_name, "readOnly": true, "mountPath": MOUNT_PATH}));
            mounted = true;
        }
    }
    if mounted {
        let spec_value = pod.get_mut("spec").expect("spec exists after object_mut");
        meta::array_mut(spec_value, "volumes").push(volume);
    }
    Ok(())
}
