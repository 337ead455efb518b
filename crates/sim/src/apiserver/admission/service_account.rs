//! The ServiceAccount admission plugin: defaults `serviceAccountName` to `default`, rejects a
//! pod whose service account does not exist, and (unless automounting is switched off on the
//! pod or the account) adds the projected `kube-api-access-<5 chars>` volume — token valid
//! 3607 s, the `kube-root-ca.crt` ConfigMap and the namespace via the downward API — mounted
//! read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container. `mutate`
//! works on the wire form (LimitRange namespaces, data-defined webhooks); `mutate_typed` makes
//! the same change to the decoded pod of a plain create and records the patch `mutate`'s
//! scoped diff would (`admission::mutate_pod_typed`).

use super::super::trace_detail::PackedOps;
use super::super::Req;
use super::{add, Touched};
use crate::meta;
use crate::store::packed::{Packed, PackedTemplate};
use crate::store::ObjectKey;
use podlab_api::{Pod, ProjectedVolumeSource, Volume, VolumeMount};
use serde_json::{json, Value};
use std::sync::OnceLock;

pub const MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
const MIRROR: &str = "kubernetes.io/config.mirror";

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

/// `projected()` decoded, as validation would decode it from the wire form; None (never, for
/// this fixed text) sends creates the wire way (`admission::typed_chain`).
pub(super) fn projected_typed() -> Option<&'static ProjectedVolumeSource> {
    static TYPED: OnceLock<Option<ProjectedVolumeSource>> = OnceLock::new();
    TYPED.get_or_init(|| serde::Deserialize::deserialize(projected()).ok()).as_ref()
}

/// The volume as the wire form gets it (and the trace shows it): `name`, then `projected`.
fn volume_json(name: &str) -> Value {
    let mut volume = serde_json::Map::with_capacity(2);
    volume.insert("name", Value::from(name));
    volume.insert("projected", projected().clone());
    Value::Object(volume)
}

fn mount_json(volume_name: &str) -> Value {
    json!({"name": volume_name, "readOnly": true, "mountPath": MOUNT_PATH})
}

/// The patch values `mutate_typed` records, each packed once with a stand-in volume name of
/// the generated one's length (`PackedTemplate`): building each value and packing it was most
/// of the typed plugin's cost.
struct Templates {
    volume: Option<PackedTemplate>,
    volumes: Option<PackedTemplate>,
    mount: Option<PackedTemplate>,
    mounts: Option<PackedTemplate>,
}

const STAND_IN: &str = "kube-api-access-#####";

fn templates() -> &'static Templates {
    static TEMPLATES: OnceLock<Templates> = OnceLock::new();
    TEMPLATES.get_or_init(|| Templates {
        volume: PackedTemplate::new(&volume_json(STAND_IN), STAND_IN),
        volumes: PackedTemplate::new(&Value::Array(vec![volume_json(STAND_IN)]), STAND_IN),
        mount: PackedTemplate::new(&mount_json(STAND_IN), STAND_IN),
        mounts: PackedTemplate::new(&Value::Array(vec![mount_json(STAND_IN)]), STAND_IN),
    })
}

/// `template` filled with `name`, or (a name of another length) `build(name)` packed.
fn named(template: &Option<PackedTemplate>, name: &str, build: impl FnOnce(&str) -> Value) -> Packed {
    template.as_ref().and_then(|t| t.fill(name)).unwrap_or_else(|| Packed::pack(&build(name)))
}

/// Whether the token is mounted: the pod's `automountServiceAccountToken`, else the account's,
/// else yes. Err (the 403 cause) when the account does not exist.
fn automount(r: &Req, ns: &str, sa_name: &str, pod_automount: Option<bool>) -> Result<bool, String> {
    let Some(sa) = r.core.store.get(&ObjectKey::new("ServiceAccount", ns, sa_name)) else {
        return Err(format!("error looking up service account {ns}/{sa_name}: serviceaccount {sa_name:?} not found"));
    };
    let sa_automount = sa.get("automountServiceAccountToken").and_then(Value::as_bool);
    Ok(pod_automount.or(sa_automount) != Some(false))
}

pub fn mutate(r: &mut Req, pod: &mut Value, touched: &mut Touched) -> Result<(), String> {
    if meta::str_at(pod, &["metadata", "annotations", MIRROR]).is_some() {
        return Ok(());
    }
    touched.spec(pod, &["serviceAccountName", "serviceAccount", "volumes"]);
    // Containers only gain a volume mount at the end of `volumeMounts`.
    touched.spec_appends(pod, &["initContainers", "containers"], "volumeMounts");
    let ns = meta::namespace(pod).to_string();
    let sa_name = meta::str_at(pod, &["spec", "serviceAccountName"]).filter(|s| !s.is_empty()).unwrap_or("default").to_string();
    let spec = meta::object_mut(pod, "spec");
    spec.insert("serviceAccountName", json!(sa_name));
    spec.insert("serviceAccount", json!(sa_name));
    let pod_automount = meta::at(pod, &["spec", "automountServiceAccountToken"]).and_then(Value::as_bool);
    if !automount(r, &ns, &sa_name, pod_automount)? {
        return Ok(());
    }
    let volume_name = format!("kube-api-access-{}", r.core.apiserver.rng.name_suffix(5));
    let volume = volume_json(&volume_name);
    let spec = meta::object_mut(pod, "spec");
    let mut mounted = false;
    for list in ["initContainers", "containers"] {
        let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) else { continue };
        for c in containers.iter_mut() {
            let mounts = meta::array_mut(c, "volumeMounts");
            if mounts.iter().any(|m| meta::member_str(m, "mountPath") == Some(MOUNT_PATH)) {
                continue;
            }
            mounts.push(mount_json(&volume_name));
            mounted = true;
        }
    }
    if mounted {
        let spec_value = pod.get_mut("spec").expect("spec exists after object_mut");
        meta::array_mut(spec_value, "volumes").push(volume);
    }
    Ok(())
}

/// `mutate` on a decoded pod, with the operations `scope::Touched` finds for `mutate`'s change
/// of the pod's wire form (where a field is present exactly when it is not its default), in
/// its order: the keys the spec had, in API field order (`volumes`, `initContainers`,
/// `containers`, `serviceAccount`; `serviceAccountName` only ever keeps its value), then the
/// keys `mutate` appended, in the order it inserted them.
pub fn mutate_typed(r: &mut Req, pod: &mut Pod, ops: &mut PackedOps) -> Result<(), String> {
    if pod.metadata.annotations.contains_key(MIRROR) {
        return Ok(());
    }
    let spec = &mut pod.spec;
    let sa_name = match spec.service_account_name.as_str() {
        "" => "default".to_string(),
        given => given.to_string(),
    };
    let (had_name, had_alias) = (!spec.service_account_name.is_empty(), !spec.service_account.is_empty());
    let alias_replaced = had_alias && spec.service_account != sa_name;
    spec.service_account_name.clone_from(&sa_name);
    spec.service_account.clone_from(&sa_name);
    // Containers that gain the mount: (list, index, mounts they had).
    let mut mounted: Vec<(&str, usize, usize)> = Vec::new();
    let mut volume_name = String::new();
    if automount(r, pod.metadata.namespace(), &sa_name, spec.automount_service_account_token)? {
        volume_name = format!("kube-api-access-{}", r.core.apiserver.rng.name_suffix(5));
        let mount = VolumeMount { name: volume_name.clone(), read_only: true, mount_path: MOUNT_PATH.into(), ..VolumeMount::default() };
        for (list, containers) in [("initContainers", &mut spec.init_containers), ("containers", &mut spec.containers)] {
            for (i, c) in containers.iter_mut().enumerate() {
                if !c.volume_mounts.iter().any(|m| m.mount_path == MOUNT_PATH) {
                    mounted.push((list, i, c.volume_mounts.len()));
                    c.volume_mounts.push(mount.clone());
                }
            }
        }
    }
    let had_volumes = !spec.volumes.is_empty();
    let volume_added = !mounted.is_empty();
    if volume_added {
        // `typed_chain` checked that the source decodes.
        let projected = projected_typed().cloned();
        spec.volumes.push(Volume { name: volume_name.clone(), projected, ..Volume::default() });
    }
    let t = templates();
    if had_volumes && volume_added {
        let at = format!("/spec/volumes/{}", spec.volumes.len() - 1);
        ops.push_packed("add", &at, named(&t.volume, &volume_name, volume_json));
    }
    for (list, i, before) in mounted {
        match before {
            0 => ops.push_packed("add", &format!("/spec/{list}/{i}/volumeMounts"), named(&t.mounts, &volume_name, |n| Value::Array(vec![mount_json(n)]))),
            n => ops.push_packed("add", &format!("/spec/{list}/{i}/volumeMounts/{n}"), named(&t.mount, &volume_name, mount_json)),
        }
    }
    let name = Value::from(sa_name);
    if alias_replaced {
        super::replace(ops, "/spec/serviceAccount", &name);
    }
    if !had_name {
        add(ops, "/spec/serviceAccountName", &name);
    }
    if !had_alias {
        add(ops, "/spec/serviceAccount", &name);
    }
    if !had_volumes && volume_added {
        ops.push_packed("add", "/spec/volumes", named(&t.volumes, &volume_name, |n| Value::Array(vec![volume_json(n)])));
    }
    Ok(())
}
