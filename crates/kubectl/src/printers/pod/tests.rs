//! STATUS/READY/RESTARTS cases taken from printers.go's own behaviour.

use super::*;
use serde_json::json;

const NOW: i64 = 1_735_732_800_000; // 2025-01-01T12:00:00Z

fn pod(spec: Value, status: Value) -> Value {
    json!({"metadata": {"name": "p", "creationTimestamp": "2025-01-01T11:55:00Z"}, "spec": spec, "status": status})
}

fn summary(p: &Value) -> (String, String, String) {
    let r = pod_summary(p, NOW);
    (format!("{}/{}", r.ready, r.total), r.reason, r.restarts)
}

#[test]
fn running_and_crashloop() {
    let spec = json!({"containers": [{"name": "a"}]});
    let running = pod(spec.clone(), json!({"phase": "Running", "containerStatuses": [
        {"name": "a", "ready": true, "restartCount": 0, "state": {"running": {}}}]}));
    assert_eq!(summary(&running), ("1/1".into(), "Running".into(), "0".into()));
    let crash = pod(spec, json!({"phase": "Running", "containerStatuses": [
        {"name": "a", "ready": false, "restartCount": 5, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
         "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": "2025-01-01T11:59:20Z"}}}]}));
    assert_eq!(summary(&crash), ("0/1".into(), "CrashLoopBackOff".into(), "5 (40s ago)".into()));
}

#[test]
fn init_containers_and_sidecars() {
    let spec = json!({"initContainers": [{"name": "i1"}, {"name": "side", "restartPolicy": "Always"}], "containers": [{"name": "a"}]});
    let first = pod(spec.clone(), json!({"phase": "Pending", "initContainerStatuses": [
        {"name": "i1", "state": {"running": {}}}, {"name": "side", "state": {"waiting": {"reason": "PodInitializing"}}}]}));
    assert_eq!(summary(&first), ("0/2".into(), "Init:0/2".into(), "0".into()));
    let failed = pod(spec.clone(), json!({"phase": "Pending", "initContainerStatuses": [
        {"name": "i1", "restartCount": 3, "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}));
    assert_eq!(summary(&failed).1, "Init:Error");
    let up = pod(spec, json!({"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
        "initContainerStatuses": [
            {"name": "i1", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
            {"name": "side", "started": true, "ready": true, "restartCount": 1, "state": {"running": {}},
             "lastState": {"terminated": {"exitCode": 137, "finishedAt": "2025-01-01T11:00:00Z"}}}],
        "containerStatuses": [{"name": "a", "ready": true, "state": {"running": {}}}]}));
    assert_eq!(summary(&up), ("2/2".into(), "Running".into(), "1 (60m ago)".into()));
}

#[test]
fn terminal_and_deleting() {
    let spec = json!({"containers": [{"name": "a"}]});
    let done = pod(spec.clone(), json!({"phase": "Succeeded", "containerStatuses": [
        {"name": "a", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}));
    assert_eq!(summary(&done).1, "Completed");
    let oom = pod(spec.clone(), json!({"phase": "Running", "containerStatuses": [
        {"name": "a", "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]}));
    assert_eq!(summary(&oom).1, "OOMKilled");
    let mut term = pod(spec.clone(), json!({"phase": "Running"}));
    term["metadata"]["deletionTimestamp"] = json!("2025-01-01T12:00:30Z");
    assert_eq!(summary(&term).1, "Terminating");
    term["status"]["reason"] = json!("NodeLost");
    assert_eq!(summary(&term).1, "Unknown");
    let creating = pod(spec, json!({"phase": "Pending", "containerStatuses": [
        {"name": "a", "state": {"waiting": {"reason": "ContainerCreating"}}}]}));
    assert_eq!(summary(&creating).1, "ContainerCreating");
    let gated = pod(json!({"containers": []}), json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}));
    assert_eq!(summary(&gated).1, "SchedulingGated");
}

#[test]
fn wide_cells() {
    let p = pod(json!({"containers": [{"name": "a"}], "nodeName": "node01", "readinessGates": [{"conditionType": "x"}]}),
        json!({"phase": "Running", "podIPs": [{"ip": "10.244.1.5"}], "conditions": [{"type": "x", "status": "True"}]}));
    let cells = pod_cells(&p, NOW);
    assert_eq!(cells[4..], ["5m", "10.244.1.5", "node01", "<none>", "1/1"]);
}
