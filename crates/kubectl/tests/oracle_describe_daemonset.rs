//! `kubectl describe daemonset` and `kubectl rollout history ds` against what the real kubectl
//! 1.33 printed (kubectl-oracle, its fake API server taught to serve apps/v1 DaemonSets and
//! ControllerRevisions) for objects exported from Podlab's own simulation: a learner's
//! DaemonSet after one image update (node selector, a toleration, topology spread
//! constraints, env from a field, requests; two ControllerRevisions, one with a change cause)
//! and kubeadm's kube-proxy (hostNetwork, a priority class, configMap and hostPath volumes);
//! and kubectl's generic describer, which kinds without their own describer get (kube-proxy's
//! ControllerRevision, node01's Lease, the fake server also serving coordination.k8s.io).

use podlab_kubectl::commands::rollout_history::{history_table, print_template, revision_template};
use podlab_kubectl::describe::{common::events_for, daemonset::daemonset, describe_object};
use serde_json::Value;
use std::sync::Arc;

fn load(name: &str) -> String {
    let path = format!("{}/tests/oracle/describe-daemonset/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json(name: &str) -> Value {
    serde_json::from_str(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn items(name: &str) -> Vec<Value> {
    json(name)["items"].as_array().cloned().unwrap_or_default()
}

fn same(mine: &str, want: &str) {
    for (i, (a, b)) in mine.lines().zip(want.lines()).enumerate() {
        assert_eq!(a, b, "first difference at line {}\nmine:\n{mine}", i + 1);
    }
    assert_eq!(mine, want);
}

#[test]
fn describe_matches_kubectl() {
    // (DaemonSet, the simulated now the oracle's clock was rewritten to)
    for (ds, now) in [("agent", "2025-01-01T12:00:50Z"), ("kube-proxy", "2025-01-01T12:00:30Z")] {
        let obj = json(&format!("{ds}.ds.json"));
        let pods: Vec<Arc<Value>> = items(&format!("{ds}.pods.json")).into_iter().map(Arc::new).collect();
        let events = events_for(&items(&format!("{ds}.events.json")), &obj);
        let now = podlab_api::time::parse_rfc3339_millis(now).unwrap_or_default();
        same(&daemonset(&obj, &pods, Some(&events), now), &load(&format!("{ds}.describe.txt")));
    }
}

#[test]
fn rollout_history_matches_kubectl() {
    let ds = json("agent.ds.json");
    let revisions = items("agent.revisions.json");
    same(&format!("daemonset.apps/agent \n{}\n", history_table(&revisions)), &load("agent.history.txt"));
    for (name, file, revision) in [("agent", "agent", 1), ("agent", "agent", 2), ("kube-proxy", "kube-proxy", 1)] {
        let ds = if name == "agent" { ds.clone() } else { json("kube-proxy.ds.json") };
        let all = items(&format!("{file}.revisions.json"));
        let cr = all.iter().find(|c| c["revision"].as_i64() == Some(revision)).unwrap_or_else(|| panic!("{file} revision {revision}"));
        let template = revision_template(&ds, cr).unwrap_or_default();
        let mine = format!("daemonset.apps/{name} with revision #{revision}\n{}\n", print_template(&template));
        same(&mine, &load(&format!("{file}.history-revision-{revision}.txt")));
    }
}

#[test]
fn generic_describer_matches_kubectl() {
    let revision = items("kube-proxy.revisions.json").into_iter().next().unwrap_or_default();
    for (obj, want) in [(revision, "kube-proxy.revision.describe.txt"), (json("node01.lease.json"), "node01.lease.describe.txt")] {
        same(&describe_object(&obj, Some(&[]), &[], 0), &load(want));
    }
}
