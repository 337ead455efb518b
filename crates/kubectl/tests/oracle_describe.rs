//! `kubectl describe pod` against goldens the real kubectl 1.33 printed (kubectl-oracle) for
//! the same objects: a running pod, a pod with an init container and a native sidecar, and a
//! pod in CrashLoopBackOff (hand-built to look like a real cluster's), plus a pod exported from
//! Podlab's own simulation (`podlab-*`, objects from `kubectl get -o json` in a transcript). The
//! pod and event JSON are what the oracle's API server served; `<name>.now` holds the instant
//! the oracle's clock was rewritten to when it is not 2025-01-01T12:00:00Z.

use podlab_kubectl::describe::{common::events_for, pod::describe_pod};
use serde_json::Value;

/// 2025-01-01T12:00:00Z, the instant the oracle rewrote its clock to.
const NOW_MS: i64 = 1_735_732_800_000;

fn load(name: &str, ext: &str) -> String {
    let path = format!("{}/tests/oracle/describe/{name}.{ext}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn check(name: &str) {
    let pod: Value = serde_json::from_str(&load(name, "pod.json")).unwrap();
    let events: Value = serde_json::from_str(&load(name, "events.json")).unwrap();
    let items = events["items"].as_array().cloned().unwrap_or_default();
    let now = std::fs::read_to_string(format!("{}/tests/oracle/describe/{name}.now", env!("CARGO_MANIFEST_DIR")))
        .ok()
        .and_then(|t| podlab_api::time::parse_rfc3339_millis(t.trim()).ok())
        .unwrap_or(NOW_MS);
    let mine = describe_pod(&pod, Some(&events_for(&items, &pod)), now);
    let want = load(name, "describe.txt");
    if mine != want {
        for (i, (a, b)) in mine.lines().zip(want.lines()).enumerate() {
            if a != b {
                panic!("{name}: first difference at line {}:\n mine: {a:?}\n real: {b:?}\n\nmine:\n{mine}", i + 1);
            }
        }
        panic!("{name}: lengths differ\nmine:\n{mine}\nreal:\n{want}");
    }
}

#[test]
fn running_pod_matches_kubectl() {
    check("running");
}

#[test]
fn init_and_sidecar_pod_matches_kubectl() {
    check("multi");
}

#[test]
fn crashloop_pod_matches_kubectl() {
    check("crashloop");
}

#[test]
fn podlab_pod_with_two_containers_matches_kubectl() {
    check("podlab-sidecar-creating");
}

/// `kubectl get -o yaml` of a Podlab pod and of a pod list, as the real kubectl printed them.
#[test]
fn podlab_objects_print_as_kubectl_yaml() {
    let pod: Value = serde_json::from_str(&load("podlab-sidecar-creating", "pod.json")).unwrap();
    let dir = format!("{}/tests/oracle", env!("CARGO_MANIFEST_DIR"));
    let want = std::fs::read_to_string(format!("{dir}/podlab-pod.yaml")).unwrap();
    assert_eq!(podlab_kubectl::yaml::to_yaml(&pod), want);
    let list: Value = serde_json::from_str(&std::fs::read_to_string(format!("{dir}/podlab-pods-list.json")).unwrap()).unwrap();
    let want = std::fs::read_to_string(format!("{dir}/podlab-pods-list.yaml")).unwrap();
    assert_eq!(podlab_kubectl::yaml::to_yaml(&list), want);
    assert_eq!(podlab_kubectl::jsonfmt::to_json(&list), std::fs::read_to_string(format!("{dir}/podlab-pods-list.json")).unwrap());
}

/// `kubectl describe node` of a node exported from Podlab (no pods, no events).
#[test]
fn podlab_node_matches_kubectl() {
    let node: Value = serde_json::from_str(&load("podlab-node", "node.json")).unwrap();
    let mine = podlab_kubectl::describe::node::describe_node(&node, &[], Some(&[]), NOW_MS);
    assert_eq!(mine, load("podlab-node", "describe.txt"));
}

/// describe of a Service, a ConfigMap and a Namespace exported from Podlab (no endpoint
/// slices, quotas or events are served with them, as in the oracle run).
#[test]
fn podlab_service_configmap_namespace_match_kubectl() {
    for name in ["podlab-service", "podlab-configmap", "podlab-namespace"] {
        let obj: Value = serde_json::from_str(&load(name, "obj.json")).unwrap();
        let mine = podlab_kubectl::describe::describe_object(&obj, Some(&[]), &[], NOW_MS);
        let want = load(name, "describe.txt");
        assert_eq!(mine, want, "{name}:\nmine:\n{mine}\nreal:\n{want}");
    }
}
