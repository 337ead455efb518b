//! The `pods/eviction` subresource (policy/v1 Eviction), what `kubectl drain` calls for each
//! Pod: a delete that asks first. The caller needs `create` on `pods/eviction` only; the
//! deletion itself runs with the API server's own authority, as the eviction REST storage in
//! pkg/registry/core/pod/storage/eviction.go deletes through the store rather than through a
//! second authorization. The answer is the `Status` with `Success` and code 201 the real
//! endpoint returns. Pods already terminal (Succeeded/Failed) or already being deleted are
//! deleted without any disruption-budget question; this cluster serves no
//! PodDisruptionBudgets, so every other eviction is allowed too.

use super::authn::UserInfo;
use super::{label_of, resource_for, write, Req};
use crate::meta;
use crate::request::{ApiOk, ApiResponse, DeleteOptions};
use crate::status::Status;
use crate::store::ObjectKey;
use crate::trace::Outcome;
use serde_json::json;

/// The identity the eviction's own delete runs under (the API server's loopback client).
const LOOPBACK_USER: &str = "system:apiserver";

pub(crate) fn evict(r: &mut Req, ns: &str, pod: &str, options: &DeleteOptions) -> ApiResponse {
    let info = resource_for("Pod")?;
    let label = label_of(info, ns, pod);
    r.authorize(info, "create", "eviction", ns, pod, &label)?;
    let Some(current) = r.core.store.get(&ObjectKey::new("Pod", ns, pod)).cloned() else {
        return Err(Status::not_found("pods", pod));
    };
    let phase = meta::str_at(&current, &["status", "phase"]).unwrap_or("");
    let terminal = phase == "Succeeded" || phase == "Failed";
    let deleting = meta::deletion_timestamp(&current).is_some();
    r.trace("admission", Outcome::Info, &label, json!({"subresource": "eviction", "terminal": terminal, "alreadyDeleting": deleting, "disruptionBudgets": 0}));
    let loopback = UserInfo { name: LOOPBACK_USER.into(), groups: vec!["system:masters".into()], method: "loopback" };
    let caller = std::mem::replace(&mut r.user, loopback);
    let deleted = write::delete(r, "Pod", ns, pod, options);
    r.user = caller;
    deleted?;
    Ok(ApiOk::Object(json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})))
}
