//! The `pods/eviction` subresource (policy/v1 Eviction), what `kubectl drain` calls for each
//! Pod: a delete that asks first. The caller needs `create` on `pods/eviction` only; the
//! deletion itself runs with the API server's own authority, as the eviction REST storage in
//! pkg/registry/core/pod/storage/eviction.go deletes through the store rather than through a
//! second authorization. The answer is the `Status` with `Success` and code 201 the real
//! endpoint returns. Pods already terminal (Succeeded/Failed) or already being deleted are
//! deleted without any disruption-budget question (`canIgnorePDB`, which also lets Pending
//! Pods go). Otherwise the one PodDisruptionBudget whose selector matches the Pod decides: no
//! budget, or an unready Pod while the budget is healthy, deletes at once; a budget whose
//! status the disruption controller has not caught up with, or with no disruptions left,
//! answers 429 TooManyRequests (`Cannot evict pod as it would violate the pod's disruption
//! budget.`, which `kubectl drain` retries every 5 s); a granted eviction decrements
//! `disruptionsAllowed` and records the Pod under `disruptedPods` before the delete, as
//! `checkAndDecrement` does.

use super::authn::UserInfo;
use super::{label_of, resource_for, write, Req};
use crate::meta;
use crate::request::{ApiOk, ApiResponse, DeleteOptions};
use crate::status::Status;
use crate::store::ObjectKey;
use crate::trace::Outcome;
use serde_json::{json, Value};

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
    let pending = phase == "Pending";
    let budgets = matching_budgets(r, &current);
    r.trace("admission", Outcome::Info, &label, json!({"subresource": "eviction", "terminal": terminal, "alreadyDeleting": deleting, "disruptionBudgets": budgets.len()}));
    if !(terminal || deleting || pending) {
        check_budgets(r, &current, budgets)?;
    }
    let loopback = UserInfo { name: LOOPBACK_USER.into(), groups: vec!["system:masters".into()], method: "loopback" };
    let caller = std::mem::replace(&mut r.user, loopback);
    let deleted = write::delete(r, "Pod", ns, pod, options);
    r.user = caller;
    deleted?;
    Ok(ApiOk::Object(super::write::created_status()))
}

/// The PodDisruptionBudgets in the Pod's namespace whose selector matches its labels.
fn matching_budgets(r: &Req, pod: &Value) -> Vec<Value> {
    let labels = meta::labels(pod);
    let pdbs = r.core.store.list("PodDisruptionBudget", Some(meta::namespace(pod)));
    pdbs.filter(|p| crate::controllers::selector_matches(meta::at(p, &["spec", "selector"]), &labels)).map(|p| (**p).clone()).collect()
}

fn too_many_requests() -> Status {
    Status::new(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.")
}

/// The eviction REST's budget question for a Pod that is running; Ok means delete it.
fn check_budgets(r: &mut Req, pod: &Value, mut budgets: Vec<Value>) -> Result<(), Status> {
    if budgets.len() > 1 {
        return Err(Status::internal("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
    }
    let Some(mut pdb) = budgets.pop() else { return Ok(()) };
    let count = |k: &str| meta::at(&pdb, &["status", k]).and_then(Value::as_i64).unwrap_or(0);
    let ready = meta::at(pod, &["status", "conditions"]).and_then(Value::as_array).is_some_and(|cs| cs.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"));
    let policy = meta::str_at(&pdb, &["spec", "unhealthyPodEvictionPolicy"]).unwrap_or("IfHealthyBudget");
    if !ready && (policy == "AlwaysAllow" || (count("currentHealthy") >= count("desiredHealthy") && count("desiredHealthy") > 0)) {
        return Ok(());
    }
    let generation = meta::at(&pdb, &["metadata", "generation"]).and_then(Value::as_i64).unwrap_or(0);
    if count("observedGeneration") < generation || count("disruptionsAllowed") == 0 {
        return Err(too_many_requests());
    }
    if count("disruptionsAllowed") < 0 {
        return Err(Status::forbidden("poddisruptionbudgets.policy", meta::name(&pdb), "pdb disruptions allowed is negative"));
    }
    pdb["status"]["disruptionsAllowed"] = json!(count("disruptionsAllowed") - 1);
    let now = r.core.epoch.rfc3339(r.core.now);
    let disrupted = &mut pdb["status"]["disruptedPods"];
    if !disrupted.is_object() {
        *disrupted = json!({});
    }
    disrupted[meta::name(pod)] = json!(now);
    // The decrement is an optimistic-concurrency write of the status; losing it means retry.
    match r.core.store.update(pdb, None) {
        Ok((_, woken)) => {
            r.core.wake_watchers(woken);
            Ok(())
        }
        Err(_) => Err(too_many_requests()),
    }
}
