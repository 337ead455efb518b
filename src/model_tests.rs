//! Tests of the cluster view model with hand-built API objects.
use super::*;
use serde_json::json;

fn node(name: &str) -> Value {
    json!({"kind": "Node", "metadata": {"name": name},
        "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}]},
        "status": {"allocatable": {"cpu": "2", "memory": "4Gi"}, "conditions": [{"type": "Ready", "status": "True"}]}})
}

fn sidecar_pod(node: &str, running: bool) -> Value {
    let state = if running { json!({"running": {"startedAt": "2025-01-01T12:00:05Z"}}) } else { json!({"waiting": {"reason": "ContainerCreating"}}) };
    json!({"kind": "Pod", "metadata": {"name": "multi-container-pod", "namespace": "default", "creationTimestamp": "2025-01-01T12:00:00Z"},
        "spec": {"nodeName": node, "volumes": [{"name": "shared-logs", "emptyDir": {}}],
            "containers": [{"name": "main-app", "image": "busybox", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
                           {"name": "sidecar-container", "image": "busybox"}]},
        "status": {"phase": if running {"Running"} else {"Pending"}, "podIP": "10.244.1.5",
            "containerStatuses": [{"name": "main-app", "ready": running, "restartCount": 0, "state": state.clone()},
                                  {"name": "sidecar-container", "ready": running, "restartCount": 0, "state": state}]}})
}

#[test]
fn pods_sit_on_their_nodes_with_kubectl_status() {
    let (n1, p) = (node("node01"), sidecar_pod("node01", true));
    let m = cluster_model(&[&n1, &p], 1_735_732_860_000, None);
    assert_eq!(m.nodes.len(), 1);
    let pod = &m.nodes[0].pods[0];
    assert_eq!((pod.status.as_str(), pod.ready.as_str(), pod.ip.as_str()), ("Running", "2/2", "10.244.1.5"));
    assert_eq!(pod.volumes, vec![("shared-logs".to_string(), "emptyDir".to_string())]);
    assert!(pod.containers.iter().all(|c| c.state == CState::Ready));
    assert_eq!((m.nodes[0].cpu_requested, m.nodes[0].cpu_allocatable), (250, 2000));
    assert_eq!(m.nodes[0].mem_requested, 64 << 20);
    assert_eq!(m.nodes[0].taints, ["k:NoSchedule"]);
}

#[test]
fn creating_containers_are_waiting() {
    let p = sidecar_pod("node01", false);
    let card = pod_card(&p, 0);
    assert_eq!(card.status, "ContainerCreating");
    assert_eq!(card.containers[0].state, CState::Waiting("ContainerCreating".into()));
    assert_eq!(card.ready, "0/2");
}

#[test]
fn unscheduled_pods_wait_in_orbit_with_the_reason() {
    let mut p = sidecar_pod("", false);
    p["status"] = json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
        "message": "0/3 nodes are available: 3 Insufficient cpu."}]});
    let m = cluster_model(&[&node("node01"), &p], 0, None);
    assert_eq!(m.orbit.len(), 1);
    assert_eq!(m.orbit[0].pending_reason.as_deref(), Some("0/3 nodes are available: 3 Insufficient cpu."));
    assert_eq!(m.orbit[0].containers[0].state, CState::NotStarted);
    assert!(cluster_model(&[&p], 0, Some("other")).orbit.is_empty());
}

#[test]
fn states_have_text_icon_and_class() {
    let back = container_state(Some(&json!({"state": {"waiting": {"reason": "CrashLoopBackOff"}}})));
    assert_eq!((back.text(), back.class()), ("CrashLoopBackOff".to_string(), "st-backoff"));
    let oom = container_state(Some(&json!({"state": {"terminated": {"reason": "OOMKilled", "exitCode": 137}}})));
    assert_eq!(oom.text(), "OOMKilled (exit code 137)");
    let done = container_state(Some(&json!({"state": {"terminated": {"reason": "Completed", "exitCode": 0}}})));
    assert_eq!(done, CState::Completed);
    let all = [CState::NotStarted, CState::Ready, CState::RunningNotReady, back, CState::Completed, oom, CState::Waiting("x".into())];
    let icons: std::collections::BTreeSet<_> = all.iter().map(CState::icon).collect();
    assert_eq!(icons.len(), all.len(), "each state has its own icon");
}

#[test]
fn events_sort_by_time() {
    let e1 = json!({"kind": "Event", "type": "Normal", "reason": "Pulled", "message": "m", "count": 2,
        "involvedObject": {"kind": "Pod", "name": "a"}, "lastTimestamp": "T2"});
    let e2 = json!({"kind": "Event", "type": "Normal", "reason": "Scheduled", "message": "m",
        "involvedObject": {"kind": "Pod", "name": "a"}, "eventTime": "T1"});
    let rows = event_rows(&[&e1, &e2], |t| match t { "T1" => Some(1), "T2" => Some(2), _ => None });
    assert_eq!(rows.iter().map(|r| r.reason.as_str()).collect::<Vec<_>>(), ["Scheduled", "Pulled"]);
    assert_eq!((rows[1].object.as_str(), rows[1].count), ("pod/a", 2));
}

#[test]
fn units() {
    assert_eq!((format_cpu(2000), format_cpu(250)), ("2".to_string(), "250m".to_string()));
    assert_eq!((format_mem(4 << 30), format_mem(64 << 20)), ("4Gi".to_string(), "64Mi".to_string()));
}

#[test]
fn system_pods_hide_unless_asked_for_but_their_requests_still_count() {
    let in_ns = |ns: &str, name: &str, node: &str| {
        let mut p = sidecar_pod(node, true);
        p["metadata"]["namespace"] = json!(ns);
        p["metadata"]["name"] = json!(name);
        p
    };
    let n1 = node("node01");
    let (mine, team, proxy, dns) = (in_ns("default", "web", "node01"), in_ns("team-a", "api", "node01"), in_ns("kube-system", "kube-proxy-x", "node01"), in_ns("kube-system", "coredns-y", ""));
    let full = cluster_model(&[&n1, &mine, &team, &proxy, &dns], 0, None);
    assert_eq!(full.system_pod_count(), 2);
    let table: [(bool, Vec<&str>, usize); 2] = [(false, vec!["web", "api"], 0), (true, vec!["web", "api", "kube-proxy-x"], 1)];
    for (show_system, on_node, in_orbit) in table {
        let m = full.clone().learner_view(show_system);
        assert_eq!(m.nodes[0].pods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), on_node, "show_system={show_system}");
        assert_eq!(m.orbit.len(), in_orbit);
        // Three pods on node01 request 250m each, shown or not.
        assert_eq!(m.nodes[0].cpu_requested, 750);
    }
    assert!(["kube-system", "kube-public", "kube-node-lease"].iter().all(|n| is_system_namespace(n)));
    assert!(!is_system_namespace("default") && !is_system_namespace("kube-systemx"));
}
