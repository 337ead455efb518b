//! `kubectl describe node` against what the real kubectl 1.33 printed (kubectl-oracle, with
//! its fake API server taught to serve the node's coordination.k8s.io Lease) for objects
//! exported from Podlab's own simulation: node01 with its Lease, a taint added by hand and the
//! node controller's unreachable taints (printed sorted by effect, then key), Unknown
//! conditions after the kubelet stopped, its kube-system pods, and the node events from both
//! searches describe makes (the kubelet's, whose involvedObject.uid is the node name, and the
//! node controller's RegisteredNode / NodeNotReady, by the node's uid).

use podlab_kubectl::describe::{common::events_for, node::describe_node};
use serde_json::Value;

fn load(name: &str, ext: &str) -> String {
    let path = format!("{}/tests/oracle/describe-node/{name}.{ext}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn items(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).unwrap();
    v["items"].as_array().cloned().unwrap_or_default()
}

#[test]
fn unreachable_node_with_lease_and_events_matches_kubectl() {
    let name = "node01";
    let node: Value = serde_json::from_str(&load(name, "node.json")).unwrap();
    let lease: Value = serde_json::from_str(&load(name, "lease.json")).unwrap();
    let mut related = items(&load(name, "pods.json"));
    related.push(lease);
    let events = items(&load(name, "events.json"));
    // The oracle's clock was rewritten to 2025-01-01T12:01:10Z.
    let now = podlab_api::time::parse_rfc3339_millis("2025-01-01T12:01:10Z").unwrap();
    let mine = describe_node(&node, &related.into_iter().map(std::sync::Arc::new).collect::<Vec<_>>(), Some(&events_for(&events, &node)), now);
    let want = load(name, "describe.txt");
    for (i, (a, b)) in mine.lines().zip(want.lines()).enumerate() {
        assert_eq!(a, b, "first difference at line {}\nmine:\n{mine}", i + 1);
    }
    assert_eq!(mine, want);
}

#[test]
fn missing_lease_prints_kubectls_error_line() {
    let node: Value = serde_json::from_str(&load("node01", "node.json")).unwrap();
    let text = describe_node(&node, &[], None, 0);
    assert!(text.contains("\nLease:              Failed to get lease: leases.coordination.k8s.io \"node01\" not found\n"), "{text}");
}
