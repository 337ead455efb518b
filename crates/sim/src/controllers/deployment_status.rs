//! Deployment status as `pkg/controller/deployment/sync.go` computes it: replica counts summed
//! from the owned ReplicaSets' status, the `Available` condition (MinimumReplicasAvailable /
//! MinimumReplicasUnavailable) and the `Progressing` condition (NewReplicaSetCreated,
//! FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded),
//! with `SetDeploymentCondition`'s rule that a changed condition moves to the end of the list.

use crate::meta;
use serde_json::{json, Value};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";

fn int(v: &Value, path: &[&str]) -> i64 {
    meta::at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

pub fn replicas(d: &Value) -> i64 {
    meta::at(d, &["spec", "replicas"]).and_then(Value::as_i64).unwrap_or(1)
}

pub fn revision_of(obj: &Value) -> i64 {
    meta::str_at(obj, &["metadata", "annotations", REVISION]).and_then(|r| r.parse().ok()).unwrap_or(0)
}

pub fn condition<'a>(status: &'a Value, ty: &str) -> Option<&'a Value> {
    status.get("conditions")?.as_array()?.iter().find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
}

/// `NewDeploymentCondition` at `now` (RFC 3339).
pub fn new_condition(ty: &str, status: &str, reason: &str, message: String, now: &str) -> Value {
    json!({"type": ty, "status": status, "lastUpdateTime": now, "lastTransitionTime": now, "reason": reason, "message": message})
}

/// `SetDeploymentCondition`: no change when status and reason are the same; otherwise the old
/// condition of that type is removed and the new one appended (keeping lastTransitionTime when
/// the status did not flip).
pub fn set_condition(status: &mut Value, mut cond: Value) {
    let ty = cond["type"].as_str().unwrap_or("").to_string();
    if let Some(cur) = condition(status, &ty) {
        if cur["status"] == cond["status"] && cur["reason"] == cond["reason"] {
            return;
        }
        if cur["status"] == cond["status"] {
            cond["lastTransitionTime"] = cur["lastTransitionTime"].clone();
        }
    }
    remove_condition(status, &ty);
    meta::array_mut(status, "conditions").push(cond);
}

pub fn remove_condition(status: &mut Value, ty: &str) {
    if let Some(a) = status.get_mut("conditions").and_then(Value::as_array_mut) {
        a.retain(|c| c.get("type").and_then(Value::as_str) != Some(ty));
    }
}

/// Counts summed over ReplicaSets, `calculateStatus`.
pub struct Counts {
    pub replicas: i64,
    pub updated: i64,
    pub ready: i64,
    pub available: i64,
}

pub fn counts(all: &[&Value], new_rs: Option<&Value>) -> Counts {
    let sum = |k: &str| all.iter().map(|rs| int(rs, &["status", k])).sum::<i64>();
    Counts { replicas: sum("replicas"), updated: new_rs.map(|r| int(r, &["status", "replicas"])).unwrap_or(0), ready: sum("readyReplicas"), available: sum("availableReplicas") }
}

/// `calculateStatus` + `syncRolloutStatus`'s Progressing logic. `max_unavailable` is
/// `MaxUnavailable(d)`; `timed_out` is whether the progress deadline passed.
pub fn calculate(d: &Value, c: &Counts, new_rs: Option<&str>, max_unavailable: i64, now: &str, timed_out: bool) -> Value {
    let want = replicas(d);
    let old = d.get("status").cloned().unwrap_or(json!({}));
    let mut st = json!({
        "observedGeneration": int(d, &["metadata", "generation"]).max(1),
        "replicas": c.replicas, "updatedReplicas": c.updated, "readyReplicas": c.ready, "availableReplicas": c.available,
        "unavailableReplicas": (want - c.available).max(0),
        "conditions": old.get("conditions").cloned().unwrap_or(json!([])),
    });
    if let Some(cc) = old.get("collisionCount") {
        st["collisionCount"] = cc.clone();
    }
    if c.available >= want - max_unavailable {
        set_condition(&mut st, new_condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.".into(), now));
    } else {
        set_condition(&mut st, new_condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.".into(), now));
    }
    let Some(rs) = new_rs else { return st };
    let complete = c.updated == want && c.replicas == want && c.available == want;
    let progressing = c.updated > int(&old, &["updatedReplicas"])
        || (c.replicas - c.updated) < (int(&old, &["replicas"]) - int(&old, &["updatedReplicas"]))
        || c.ready > int(&old, &["readyReplicas"])
        || c.available > int(&old, &["availableReplicas"]);
    if complete {
        set_condition(&mut st, new_condition("Progressing", "True", "NewReplicaSetAvailable", format!("ReplicaSet \"{rs}\" has successfully progressed."), now));
    } else if progressing {
        // Progress refreshes lastUpdateTime even with the same reason (the special case in
        // syncRolloutStatus), keeping lastTransitionTime while the status stays True.
        let mut cond = new_condition("Progressing", "True", "ReplicaSetUpdated", format!("ReplicaSet \"{rs}\" is progressing."), now);
        if let Some(cur) = condition(&st, "Progressing").filter(|c| c["status"] == "True") {
            cond["lastTransitionTime"] = cur["lastTransitionTime"].clone();
        }
        remove_condition(&mut st, "Progressing");
        meta::array_mut(&mut st, "conditions").push(cond);
    } else if timed_out {
        set_condition(&mut st, new_condition("Progressing", "False", "ProgressDeadlineExceeded", format!("ReplicaSet \"{rs}\" has timed out progressing."), now));
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_condition_moves_last_and_same_reason_is_kept() {
        let mut st = json!({});
        set_condition(&mut st, new_condition("Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"web-1\"".into(), "t1"));
        set_condition(&mut st, new_condition("Available", "False", "MinimumReplicasUnavailable", "x".into(), "t1"));
        set_condition(&mut st, new_condition("Available", "False", "MinimumReplicasUnavailable", "x".into(), "t2"));
        assert_eq!(condition(&st, "Available").unwrap()["lastUpdateTime"], "t1", "same reason: untouched");
        set_condition(&mut st, new_condition("Progressing", "True", "NewReplicaSetAvailable", "ok".into(), "t3"));
        let types: Vec<&str> = st["conditions"].as_array().unwrap().iter().map(|c| c["type"].as_str().unwrap()).collect();
        assert_eq!(types, ["Available", "Progressing"]);
        assert_eq!(condition(&st, "Progressing").unwrap()["lastTransitionTime"], "t1", "status stayed True");
    }

    #[test]
    fn complete_rollout_reports_new_replica_set_available() {
        let d = json!({"metadata": {"generation": 2}, "spec": {"replicas": 3}, "status": {"replicas": 4, "updatedReplicas": 3}});
        let c = Counts { replicas: 3, updated: 3, ready: 3, available: 3 };
        let st = calculate(&d, &c, Some("web-abc"), 0, "now", false);
        assert_eq!(condition(&st, "Available").unwrap()["reason"], "MinimumReplicasAvailable");
        assert_eq!(condition(&st, "Progressing").unwrap()["reason"], "NewReplicaSetAvailable");
        assert_eq!(st["unavailableReplicas"], 0);
        let c = Counts { replicas: 3, updated: 1, ready: 2, available: 2 };
        let st = calculate(&d, &c, Some("web-abc"), 0, "now", false);
        assert_eq!(condition(&st, "Available").unwrap()["status"], "False");
        assert_eq!(st["unavailableReplicas"], 1);
    }
}
