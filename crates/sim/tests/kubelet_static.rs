//! Static pods: manifests in a node's spec (or added with `Simulation::add_static_pod`) run on
//! that node without the scheduler, with a mirror pod `<name>-<node>` in the API carrying the
//! config annotations and a controller reference to the Node; deleting the mirror pod only
//! makes the kubelet create it again while the containers keep running.

#[path = "kubelet_support.rs"]
mod support;

use podlab_sim::{ApiRequest, ClusterSpec, Simulation};
use serde_json::{json, Value};
use support::*;

fn manifest(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"role": "static"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}})
}

fn with_static_on_node01() -> Simulation {
    // Without add-ons the kubelets start at 12:00:00, which `config.seen` is checked against.
    let mut spec = ClusterSpec { addons: false, ..ClusterSpec::default() };
    spec.nodes[1].static_pods.push(manifest("static-web"));
    Simulation::new(7, spec)
}

#[test]
fn a_node_runs_its_static_pod_and_mirrors_it() {
    let mut s = with_static_on_node01();
    s.advance_to(secs(20));
    let p = pod(&s, "static-web-node01");
    assert_eq!(states(&p), "Running web=running/r0/ready");
    assert_eq!(p["spec"]["nodeName"], "node01");
    let ann = &p["metadata"]["annotations"];
    let hash = ann["kubernetes.io/config.hash"].as_str().unwrap_or("");
    assert_eq!(hash.len(), 32, "{ann}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(ann["kubernetes.io/config.mirror"], hash);
    assert_eq!(ann["kubernetes.io/config.source"], "file");
    // RFC3339Nano of the moment the kubelet read the manifest (its start).
    let seen = ann["kubernetes.io/config.seen"].as_str().unwrap_or("");
    assert!(seen.starts_with("2025-01-01T12:00:00.") && seen.ends_with('Z') && !seen.ends_with("0Z"), "{seen}");
    let node_uid = s.get("Node", "", "node01").map(|n| n["metadata"]["uid"].clone()).unwrap_or(Value::Null);
    assert_eq!(p["metadata"]["ownerReferences"], json!([{"apiVersion": "v1", "kind": "Node", "name": "node01", "uid": node_uid, "controller": true}]));
    assert!(p["spec"]["tolerations"].as_array().is_some_and(|t| t.contains(&json!({"operator": "Exists", "effect": "NoExecute"}))), "{}", p["spec"]);
    // Not scheduled: no Scheduled event, and no service account token for a mirror pod.
    let evs = events(&s, "static-web-node01");
    assert!(!evs.iter().any(|e| e.contains("Scheduled")), "{evs:?}");
    assert!(evs.contains(&"Normal Started: Started container web".to_string()), "{evs:?}");
    assert!(p["spec"]["serviceAccountName"].is_null(), "{}", p["spec"]);
}

#[test]
fn deleting_the_mirror_pod_recreates_it_and_the_containers_keep_running() {
    let mut s = with_static_on_node01();
    s.advance_to(secs(20));
    let before = pod(&s, "static-web-node01");
    let cid = before["status"]["containerStatuses"][0]["containerID"].clone();
    s.submit(ApiRequest::delete("Pod", "default", "static-web-node01")).expect("delete");
    s.advance_to(secs(40));
    let after = pod(&s, "static-web-node01");
    assert_ne!(after["metadata"]["uid"], before["metadata"]["uid"], "a new mirror pod");
    assert!(after["metadata"]["deletionTimestamp"].is_null());
    assert_eq!(states(&after), "Running web=running/r0/ready");
    assert_eq!(after["status"]["containerStatuses"][0]["containerID"], cid, "same container");
    assert_eq!(after["metadata"]["annotations"], before["metadata"]["annotations"]);
}

#[test]
fn add_static_pod_at_runtime_and_wrong_calls() {
    let mut s = sim();
    s.advance_to(secs(5));
    assert!(s.add_static_pod("node02", &manifest("late")));
    assert!(!s.add_static_pod("node02", &manifest("late")), "same pod twice");
    assert!(!s.add_static_pod("node99", &manifest("late")), "unknown node");
    s.advance_to(secs(25));
    let p = pod(&s, "late-node02");
    assert_eq!(states(&p), "Running web=running/r0/ready");
    assert_eq!(p["spec"]["nodeName"], "node02");
    assert!(s.get("Pod", "default", "late-node01").is_none());
}

#[test]
fn same_seed_same_static_pods() {
    let run = || {
        let mut s = with_static_on_node01();
        s.advance_to(secs(20));
        s.submit(ApiRequest::delete("Pod", "default", "static-web-node01")).expect("delete");
        s.advance_to(secs(40));
        (pod(&s, "static-web-node01"), s.snapshot().resource_version)
    };
    assert_eq!(run(), run());
}

