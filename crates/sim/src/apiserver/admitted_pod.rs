//! The decoded form of a pod being created, brought up to date after admission without decoding
//! the whole admitted wire form again. A create decodes the body strictly, defaults it and
//! serialises it for the JSON admission plugins; validation then needs the typed pod back. When
//! only the four built-in plugins ran with nothing data-defined to apply (no LimitRange in the
//! namespace, no webhooks or policies), the admitted pod differs from the defaulted one only in
//! `metadata` (name, uid, creationTimestamp, generation, removed keys: `before_create`), the
//! spec keys the ServiceAccount, Priority and DefaultTolerationSeconds plugins write, the
//! containers' `volumeMounts` and the status (which `prepare_typed` replaces whole). Decoding
//! those pieces into the kept pod gives what decoding the whole pod gives (the same serde
//! impls, field by field; the rest round-trips unchanged), at a fraction of the cost; anything
//! unexpected answers None and the caller decodes whole, as before.

use serde::Deserialize;
use serde_json::Value;

/// Whether admission can have changed nothing beyond what `refresh` decodes: no LimitRange in
/// the namespace (LimitRanger would edit resources and annotations) and no data-defined
/// webhooks or validating policies.
pub(super) fn plain(r: &super::Req, ns: &str) -> bool {
    r.core.apiserver.policies.is_empty() && r.core.store.list("LimitRange", Some(ns)).next().is_none()
}

/// `prior` (the defaulted pod admission started from) with what admission and `before_create`
/// may have changed decoded from `wire`; None when `wire` is not the shape `plain` admission
/// leaves or any piece fails to decode (the whole decode then decides).
pub(super) fn refresh(mut prior: podlab_api::Pod, wire: &Value) -> Option<podlab_api::Pod> {
    let top = wire.as_object()?;
    let mut spec = None;
    for (k, v) in top {
        match k.as_str() {
            "apiVersion" | "kind" => {}
            "metadata" => prior.metadata = decode(Some(v))?,
            "spec" => spec = Some(v.as_object()?),
            // `clear_status` left it empty; `prepare_typed` replaces it whole.
            "status" if v.as_object().is_some_and(|m| m.is_empty()) => {}
            _ => return None,
        }
    }
    let spec = spec?;
    let s = &mut prior.spec;
    s.service_account_name = decode(spec.get("serviceAccountName"))?;
    s.service_account = decode(spec.get("serviceAccount"))?;
    s.volumes = decode(spec.get("volumes"))?;
    s.priority = decode(spec.get("priority"))?;
    s.preemption_policy = decode(spec.get("preemptionPolicy"))?;
    s.tolerations = decode(spec.get("tolerations"))?;
    let mounts = |list: &str| -> Option<Vec<Option<&Value>>> {
        match spec.get(list) {
            None => Some(Vec::new()),
            Some(v) => Some(v.as_array()?.iter().map(|c| c.get("volumeMounts")).collect()),
        }
    };
    let (init, main) = (mounts("initContainers")?, mounts("containers")?);
    if init.len() != s.init_containers.len() || main.len() != s.containers.len() {
        return None;
    }
    for (c, m) in s.init_containers.iter_mut().zip(init) {
        c.volume_mounts = decode(m)?;
    }
    for (c, m) in s.containers.iter_mut().zip(main) {
        c.volume_mounts = decode(m)?;
    }
    Some(prior)
}

/// One field as the whole decode reads it: absent is the field's default (`#[serde(default)]`
/// on every field set here), present is that value's own decode.
fn decode<'a, T: Deserialize<'a> + Default>(v: Option<&'a Value>) -> Option<T> {
    match v {
        None => Some(T::default()),
        Some(v) => T::deserialize(v).ok(),
    }
}
