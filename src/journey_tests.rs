//! Tests of the apply journey with hand-built trace entries.
use super::*;
use podlab_sim::SimTime;
use serde_json::json;

const POD: &str = "Pod/default/web";

fn entry(seq: u64, t: u64, component: &str, step: &str, outcome: Outcome, request: Option<u64>, object: &str, details: Value) -> TraceEntry {
    TraceEntry { seq, time: SimTime(t), component: component.into(), step: step.into(), outcome, request, object: object.into(), details: details.into() }
}

fn accepted() -> Vec<TraceEntry> {
    vec![
        entry(1, 0, "kube-apiserver", "authentication", Outcome::Ok, Some(7), "", json!({"user": "kubernetes-admin"})),
        entry(2, 0, "kube-apiserver", "authorization", Outcome::Ok, Some(7), POD, json!({"matched": "ClusterRoleBinding/kubeadm:cluster-admins"})),
        entry(3, 0, "kube-apiserver", "decode-and-default", Outcome::Ok, Some(7), POD, json!({"defaults": [{"op": "add", "path": "/spec/restartPolicy"}]})),
        entry(4, 0, "kube-apiserver", "validation", Outcome::Ok, Some(7), POD, json!({})),
        entry(5, 0, "kube-apiserver", "persistence", Outcome::Ok, Some(7), POD, json!({"op": "create", "resourceVersion": "512"})),
        entry(6, 5, "kube-scheduler", "filter", Outcome::Ok, None, POD, json!({"nodes": {"node01": "fit"}})),
        entry(7, 6, "kube-scheduler", "bind", Outcome::Ok, None, POD, json!({"node": "node01"})),
        entry(8, 40, "event-recorder", "event", Outcome::Info, None, POD, json!({"type": "Normal", "reason": "Pulling", "message": "Pulling image \"busybox\""})),
        // A later status update by the kubelet is another request: not the apply's journey.
        entry(9, 50, "kube-apiserver", "authentication", Outcome::Ok, Some(9), "", json!({"user": "system:node:node01"})),
        entry(10, 50, "kube-apiserver", "persistence", Outcome::Ok, Some(9), POD, json!({"op": "update", "resourceVersion": "530"})),
    ]
}

fn info<'a>(object: &'a str, exit_code: i32, stderr: &'a str, phase: Option<&'a str>) -> ApplyInfo<'a> {
    ApplyInfo { object, exit_code, stderr, sim_at: 0, phase }
}

#[test]
fn accepted_pod_lights_stations_in_order() {
    let st = journey(&accepted(), &info(POD, 0, "", Some("Pending")));
    let lit: Vec<Lit> = st.iter().map(|s| s.lit).collect();
    assert_eq!(lit, [Lit::Passed, Lit::Passed, Lit::Passed, Lit::Passed, Lit::Passed, Lit::Passed, Lit::Passed, Lit::Active, Lit::Dark]);
    assert_eq!(st[2].summary, "allowed by ClusterRoleBinding/kubeadm:cluster-admins");
    assert_eq!(st[5].summary, "resourceVersion 512");
    assert_eq!(st[1].summary, "user kubernetes-admin");
    assert_eq!(st[6].summary, "bound to node01");
    assert!(st[6].details.iter().any(|d| d.contains("node01")));
    let running = journey(&accepted(), &info(POD, 0, "", Some("Running")));
    assert_eq!((running[7].lit, running[8].lit), (Lit::Passed, Lit::Passed));
}

#[test]
fn rejected_request_stops_at_its_station() {
    let mut t = accepted();
    t.truncate(3);
    t.push(entry(4, 0, "kube-apiserver", "validation", Outcome::Error, Some(7), POD, json!({"errors": ["spec.containers[0].image: Required value"]})));
    let st = journey(&t, &info(POD, 1, "The Pod \"web\" is invalid", None));
    assert_eq!(st[4].lit, Lit::Stopped);
    assert!(st[4].summary.contains("Required value"));
    assert!(st[5..].iter().all(|s| s.lit == Lit::Dark));
}

#[test]
fn rbac_denial_stops_at_rbac() {
    let t = vec![
        entry(1, 0, "kube-apiserver", "authentication", Outcome::Ok, Some(3), "", json!({"user": "jane"})),
        entry(2, 0, "kube-apiserver", "authorization", Outcome::Denied, Some(3), POD, json!({"reason": "no RBAC rule allows create pods"})),
    ];
    let st = journey(&t, &info(POD, 1, "Error from server (Forbidden): ...", None));
    assert_eq!((st[1].lit, st[2].lit, st[3].lit), (Lit::Passed, Lit::Stopped, Lit::Dark));
}

#[test]
fn client_side_failure_stops_at_kubectl() {
    let st = journey(&[], &info("", 1, "error: error parsing pod.yaml: error converting YAML to JSON: yaml: line 3: x\n", None));
    assert_eq!(st[0].lit, Lit::Stopped);
    assert!(st[0].summary.starts_with("error: error parsing pod.yaml"));
    assert!(st[1..].iter().all(|s| s.lit == Lit::Dark));
}

#[test]
fn unschedulable_stops_at_scheduler() {
    let mut t = accepted();
    t.truncate(5);
    t.push(entry(6, 5, "kube-scheduler", "unschedulable", Outcome::Denied, None, POD, json!({"message": "0/3 nodes are available: 3 Insufficient cpu."})));
    let st = journey(&t, &info(POD, 0, "", Some("Pending")));
    assert_eq!(st[6].lit, Lit::Stopped);
    assert_eq!(st[6].summary, "0/3 nodes are available: 3 Insufficient cpu.");
}
