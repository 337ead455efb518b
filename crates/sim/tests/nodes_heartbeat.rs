//! The node side of a kubelet: its Lease in kube-node-lease (renewed every 10s), the node
//! status posted every 5 minutes, its start-up node events and the node controller's
//! RegisteredNode / NodeNotReady, the refused dial to a stopped kubelet's port 10250, the
//! control plane's static pods (hostNetwork, on the node's IP), and a kubelet never looking
//! older than the binding it learned from (its first event comes a full second later).

#[path = "kubelet_support.rs"]
mod support;

use podlab_sim::kubelet::LogOptions;
use podlab_sim::{ApiRequest, ClusterSpec, SimDuration, Simulation, Verb};
use serde_json::{json, Value};
use support::*;

fn node_events(sim: &Simulation, node: &str) -> Vec<(String, String, String, String)> {
    let mut evs: Vec<&Value> = sim.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["kind"] == "Node" && e["involvedObject"]["name"] == node).collect();
    evs.sort_by_key(|e| e["metadata"]["name"].as_str().unwrap_or("").to_string());
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    evs.iter().map(|e| (s(&e["reason"]), s(&e["message"]), s(&e["source"]["component"]), s(&e["involvedObject"]["uid"]))).collect()
}

fn lease_renew(sim: &Simulation, node: &str) -> String {
    sim.get("Lease", "kube-node-lease", node).and_then(|l| l["spec"]["renewTime"].as_str()).unwrap_or("").to_string()
}

fn heartbeat(sim: &Simulation, node: &str) -> String {
    let n = sim.get("Node", "", node).cloned().unwrap_or(Value::Null);
    n["status"]["conditions"].as_array().and_then(|a| a.iter().find(|c| c["type"] == "Ready")).and_then(|c| c["lastHeartbeatTime"].as_str()).unwrap_or("").to_string()
}

#[test]
fn the_lease_is_renewed_every_ten_seconds_and_the_status_every_five_minutes() {
    let mut s = sim();
    s.advance_by(SimDuration(1));
    let lease = s.get("Lease", "kube-node-lease", "node01").cloned().expect("node01 has a lease");
    assert_eq!(lease["spec"]["holderIdentity"], "node01");
    assert_eq!(lease["spec"]["leaseDurationSeconds"], 40);
    assert!(lease["spec"].get("acquireTime").is_none(), "node leases have no acquireTime");
    assert_eq!(lease["metadata"]["ownerReferences"][0]["kind"], "Node");
    let first = lease_renew(&s, "node01");
    let beat = heartbeat(&s, "node01");
    s.advance_by(SimDuration(10_000));
    let second = lease_renew(&s, "node01");
    assert_ne!(first, second, "renewed after 10s");
    assert_eq!(heartbeat(&s, "node01"), beat, "an unchanged status is not posted every 10s");
    s.advance_by(SimDuration(300_000));
    assert_ne!(heartbeat(&s, "node01"), beat, "but it is every 5 minutes");
}

#[test]
fn node_events_come_from_the_kubelet_and_the_node_controller() {
    let mut s = sim();
    s.advance_by(SimDuration(10_000));
    let evs = node_events(&s, "node01");
    let reasons: Vec<&str> = evs.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(reasons, ["Starting", "NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID", "NodeAllocatableEnforced", "NodeReady", "RegisteredNode"]);
    let node_uid = s.get("Node", "", "node01").and_then(|n| n["metadata"]["uid"].as_str()).unwrap_or("").to_string();
    for (reason, message, component, uid) in &evs {
        let (want_component, want_uid) = if reason == "RegisteredNode" { ("node-controller", node_uid.as_str()) } else { ("kubelet", "node01") };
        assert_eq!((component.as_str(), uid.as_str()), (want_component, want_uid), "{reason}");
        let want = match reason.as_str() {
            "Starting" => "Starting kubelet.".to_string(),
            "NodeAllocatableEnforced" => "Updated Node Allocatable limit across pods".to_string(),
            "RegisteredNode" => "Node node01 event: Registered Node node01 in Controller".to_string(),
            r => format!("Node node01 status is now: {r}"),
        };
        assert_eq!(message, &want);
    }
}

#[test]
fn a_stopped_kubelet_goes_not_ready_and_refuses_logs_exec_and_port_forward() {
    let mut s = sim();
    apply(&mut s, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"nodeName": "node01", "containers": [{"name": "web", "image": "nginx:1.27"}]}}));
    s.advance_by(SimDuration(20_000));
    assert!(s.stop_kubelet("node01"));
    let logs = s.submit(ApiRequest::new(Verb::Logs { namespace: "default".into(), pod: "web".into(), container: None, options: LogOptions { tail_lines: Some(3), ..LogOptions::default() } }));
    let st = logs.expect_err("no kubelet to read logs from");
    assert_eq!((st.code, st.reason.as_str()), (500, ""));
    assert_eq!(st.message, "Get \"https://192.168.10.11:10250/containerLogs/default/web/web?tailLines=3\": dial tcp 192.168.10.11:10250: connect: connection refused");
    let exec = s.submit(ApiRequest::new(Verb::Exec { namespace: "default".into(), pod: "web".into(), container: None, command: vec!["true".into()], stdin: None, tty: false }));
    assert_eq!(exec.expect_err("no kubelet to exec in").message, "error dialing backend: dial tcp 192.168.10.11:10250: connect: connection refused");
    assert_eq!(s.port_forward_dial("default", "web").expect_err("no kubelet").message, "error dialing backend: dial tcp 192.168.10.11:10250: connect: connection refused");
    assert_eq!(states(&pod(&s, "web")), "Running web=running/r0/ready", "the containers keep running");
    s.advance_by(SimDuration(60_000));
    let reasons: Vec<String> = node_events(&s, "node01").into_iter().map(|e| e.0).collect();
    assert_eq!(reasons.last().map(String::as_str), Some("NodeNotReady"));
    assert!(s.start_kubelet("node01"));
    s.advance_by(SimDuration(1_000));
    assert!(s.port_forward_dial("default", "web").is_ok());
    let ready = s.get("Node", "", "node01").and_then(|n| n["status"]["conditions"].as_array().cloned()).unwrap_or_default();
    assert!(ready.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"), "{ready:?}");
    let again = s.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["name"] == "node01" && e["reason"] == "Starting").map(|e| e["count"].clone()).collect::<Vec<_>>();
    assert_eq!(again, [json!(2)], "the restarted kubelet announced itself again");
    assert!(s.stop_node("node01"));
    let st = s.port_forward_dial("default", "web").expect_err("powered off");
    assert_eq!(st.message, "error dialing backend: dial tcp 192.168.10.11:10250: connect: no route to host");
}

#[test]
fn the_default_cluster_runs_its_control_plane_as_static_pods_on_the_node_ip() {
    let mut s = sim();
    s.advance_by(SimDuration(20_000));
    for name in ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] {
        let p = s.get("Pod", "kube-system", &format!("{name}-controlplane")).cloned().unwrap_or(Value::Null);
        assert_eq!(p["status"]["podIP"], "192.168.10.10", "{name}: hostNetwork");
        assert_eq!(p["metadata"]["annotations"]["kubernetes.io/config.source"], "file", "{name}");
        let ready = p["status"]["conditions"].as_array().and_then(|a| a.iter().find(|c| c["type"] == "Ready")).map(|c| c["status"].clone());
        assert_eq!(ready, Some(json!("True")), "{name}: its probes pass");
    }
    let workers = Simulation::new(7, ClusterSpec::workers(3));
    assert!(workers.list("Pod", Some("kube-system")).is_empty(), "benchmark clusters have none");
}

#[test]
fn the_kubelet_never_looks_older_than_the_binding_it_learned() {
    let mut s = sim();
    for i in 0..6 {
        // Bindings land at different offsets within a second.
        s.advance_by(SimDuration(170));
        apply(&mut s, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("p{i}")}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}));
    }
    s.advance_by(SimDuration(15_000));
    for i in 0..6 {
        let name = format!("p{i}");
        let evs: Vec<&Value> = s.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["name"] == name.as_str()).collect();
        let scheduled = evs.iter().find(|e| e["reason"] == "Scheduled").and_then(|e| e["eventTime"].as_str()).expect("Scheduled").to_string();
        for e in evs.iter().filter(|e| e["source"]["component"] == "kubelet") {
            let first = e["firstTimestamp"].as_str().unwrap_or("");
            // RFC 3339 texts of one day compare as instants: "12:00:01Z" > "12:00:00.170000Z".
            assert!(first.trim_end_matches('Z') > scheduled.trim_end_matches('Z'), "{name}: {} at {first} before Scheduled at {scheduled}", e["reason"]);
        }
    }
}
