//! The pod row of `kubectl get pods`, a port of printers.go `printPod`: READY counts (native
//! sidecars included), the STATUS reason (Init:N/M, Init:Error, PodInitializing,
//! ContainerCreating, CrashLoopBackOff, Completed, Error, OOMKilled, ErrImagePull, NotReady,
//! Terminating, Unknown for NodeLost, SchedulingGated ...), RESTARTS with `(40s ago)`, and the
//! -o wide cells (IP, NODE, NOMINATED NODE, READINESS GATES).

use crate::duration::human_duration;
use crate::value::{arr, at, b, i, s, time_ms};
use serde_json::Value;

/// The cells of one pod row: NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES.
pub fn pod_cells(pod: &Value, now_ms: i64) -> Vec<String> {
    let r = pod_summary(pod, now_ms);
    let none = |x: &str| if x.is_empty() { "<none>".to_string() } else { x.to_string() };
    let pod_ip = arr(pod, "status.podIPs").first().map(|p| s(p, "ip")).unwrap_or("");
    vec![
        s(pod, "metadata.name").to_string(),
        format!("{}/{}", r.ready, r.total),
        r.reason,
        r.restarts,
        age(pod, now_ms),
        none(pod_ip),
        none(s(pod, "spec.nodeName")),
        none(s(pod, "status.nominatedNodeName")),
        readiness_gates(pod),
    ]
}

/// `translateTimestampSince(creationTimestamp)`: `<unknown>` when unset.
pub fn age(v: &Value, now_ms: i64) -> String {
    since(v, "metadata.creationTimestamp", now_ms)
}

/// `translateTimestampSince` of any timestamp field.
pub fn since(v: &Value, path: &str, now_ms: i64) -> String {
    match time_ms(v, path) {
        Some(t) => human_duration(now_ms - t),
        None => "<unknown>".to_string(),
    }
}

/// READY, STATUS and RESTARTS as printPod computes them.
pub struct PodSummary {
    pub ready: usize,
    pub total: usize,
    pub reason: String,
    pub restarts: String,
}

fn is_restartable_init(pod: &Value, name: &str) -> bool {
    arr(pod, "spec.initContainers")
        .iter()
        .any(|c| s(c, "name") == name && s(c, "restartPolicy") == "Always")
}

fn last_termination(cs: &Value) -> Option<i64> {
    at(cs, "lastState.terminated")?;
    time_ms(cs, "lastState.terminated.finishedAt").or(Some(i64::MIN))
}

fn has_condition(pod: &Value, kind: &str) -> bool {
    arr(pod, "status.conditions").iter().any(|c| s(c, "type") == kind && s(c, "status") == "True")
}

/// Ports printPod's init-container loop; returns (reason, initializing, restarts, last restart,
/// sidecar restarts, last sidecar restart, ready sidecars).
fn init_status(pod: &Value, reason: &mut String) -> (bool, i64, Option<i64>, i64, Option<i64>, usize) {
    let (mut restarts, mut last) = (0i64, None::<i64>);
    let (mut side_restarts, mut side_last) = (0i64, None::<i64>);
    let mut ready = 0;
    let mut initializing = false;
    let n_init = arr(pod, "spec.initContainers").len();
    for (idx, cs) in arr(pod, "status.initContainerStatuses").iter().enumerate() {
        let name = s(cs, "name");
        restarts += i(cs, "restartCount");
        let term = last_termination(cs);
        if term > last {
            last = term;
        }
        let sidecar = is_restartable_init(pod, name);
        if sidecar {
            side_restarts += i(cs, "restartCount");
            if term > side_last {
                side_last = term;
            }
        }
        let terminated = at(cs, "state.terminated");
        let waiting_reason = s(cs, "state.waiting.reason");
        if terminated.is_some() && i(cs, "state.terminated.exitCode") == 0 {
            continue;
        } else if sidecar && b(cs, "started") {
            if b(cs, "ready") {
                ready += 1;
            }
            continue;
        } else if let Some(t) = terminated {
            *reason = if s(t, "reason").is_empty() {
                if i(t, "signal") != 0 {
                    format!("Init:Signal:{}", i(t, "signal"))
                } else {
                    format!("Init:ExitCode:{}", i(t, "exitCode"))
                }
            } else {
                format!("Init:{}", s(t, "reason"))
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            *reason = format!("Init:{waiting_reason}");
        } else {
            *reason = format!("Init:{idx}/{n_init}");
        }
        initializing = true;
        break;
    }
    (initializing, restarts, last, side_restarts, side_last, ready)
}

/// READY, STATUS and RESTARTS exactly as `printPod`.
pub fn pod_summary(pod: &Value, now_ms: i64) -> PodSummary {
    let phase = s(pod, "status.phase");
    let mut reason = if s(pod, "status.reason").is_empty() { phase.to_string() } else { s(pod, "status.reason").to_string() };
    for c in arr(pod, "status.conditions") {
        if s(c, "type") == "PodScheduled" && s(c, "reason") == "SchedulingGated" {
            reason = "SchedulingGated".to_string();
        }
    }
    let mut total = arr(pod, "spec.containers").len();
    total += arr(pod, "spec.initContainers").iter().filter(|c| s(c, "restartPolicy") == "Always").count();
    let (initializing, mut restarts, mut last, side_restarts, side_last, mut ready) = init_status(pod, &mut reason);
    if !initializing || has_condition(pod, "Initialized") {
        restarts = side_restarts;
        last = side_last;
        let mut has_running = false;
        for cs in arr(pod, "status.containerStatuses").iter().rev() {
            restarts += i(cs, "restartCount");
            let term = last_termination(cs);
            if term > last {
                last = term;
            }
            let waiting = s(cs, "state.waiting.reason");
            let terminated = at(cs, "state.terminated");
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = terminated {
                reason = if !s(t, "reason").is_empty() {
                    s(t, "reason").to_string()
                } else if i(t, "signal") != 0 {
                    format!("Signal:{}", i(t, "signal"))
                } else {
                    format!("ExitCode:{}", i(t, "exitCode"))
                };
            } else if b(cs, "ready") && at(cs, "state.running").is_some() {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if has_condition(pod, "Ready") { "Running".into() } else { "NotReady".into() };
        }
    }
    let deleting = !s(pod, "metadata.deletionTimestamp").is_empty();
    if deleting && s(pod, "status.reason") == "NodeLost" {
        reason = "Unknown".into();
    } else if deleting && phase != "Succeeded" && phase != "Failed" {
        reason = "Terminating".into();
    }
    let restarts_text = match last {
        Some(t) if restarts != 0 && t != i64::MIN => format!("{restarts} ({} ago)", human_duration(now_ms - t)),
        _ => restarts.to_string(),
    };
    PodSummary { ready, total, reason, restarts: restarts_text }
}

fn readiness_gates(pod: &Value) -> String {
    let gates = arr(pod, "spec.readinessGates");
    if gates.is_empty() {
        return "<none>".into();
    }
    let conditions = arr(pod, "status.conditions");
    let true_count = gates
        .iter()
        .filter(|g| {
            conditions.iter().find(|c| s(c, "type") == s(g, "conditionType")).is_some_and(|c| s(c, "status") == "True")
        })
        .count();
    format!("{true_count}/{}", gates.len())
}

#[cfg(test)]
mod tests;
