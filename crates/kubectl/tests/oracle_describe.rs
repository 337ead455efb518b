//! `kubectl describe pod` against goldens the real kubectl 1.33 printed (kubectl-oracle) for
//! the same objects: a running pod, a pod with an init container and a native sidecar, and a
//! pod in CrashLoopBackOff. The pod and event JSON are what the oracle's API server served.

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
    let mine = describe_pod(&pod, Some(&events_for(&items, &pod)), NOW_MS);
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
