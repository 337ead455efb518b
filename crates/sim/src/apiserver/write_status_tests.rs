//! A pod's status write through the typed shortcut (`meta::typed_with`) against the general
//! path (deep copy with the new status, then decode): the same responses, errors, stored
//! objects, watch events and trace, for valid and undecodable statuses and a stale write.

use super::{with_status, WIRE_ONLY};
use crate::cluster::ClusterSpec;
use crate::request::ApiRequest;
use crate::sim::Simulation;
use serde_json::{json, Value};

fn statuses() -> Vec<Value> {
    vec![
        json!({"phase": "Running", "podIP": "10.244.1.5", "conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2026-01-01T12:00:05Z"}],
            "containerStatuses": [{"name": "app", "image": "nginx:1.27", "imageID": "", "ready": true, "restartCount": 0, "started": true, "state": {"running": {"startedAt": "2026-01-01T12:00:04Z"}}, "lastState": {}}]}),
        json!({"qosClass": "BestEffort", "phase": "Pending"}),
        json!({"phase": "Running", "podIP": "10.244.1.5", "podIPs": [{"ip": "10.244.1.5"}, {"ip": "10.244.1.5"}]}),
        json!({"phase": 3}),
        json!({"phase": "Succeeded", "bogus": {"x": 1}}),
        json!({}),
    ]
}

/// Creates a pod, binds it, then writes each status; returns everything observable.
fn run(wire_only: bool) -> Vec<String> {
    WIRE_ONLY.with(|w| w.set(wire_only));
    let mut sim = Simulation::new(11, ClusterSpec::workers(1));
    let watch = sim.watch("Pod", Some("default"), None).expect("watch");
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}});
    let mut seen = vec![format!("{:?}", sim.submit(ApiRequest::create(pod)).map(|_| ()))];
    seen.push(format!("{:?}", sim.submit(ApiRequest::bind("default", "web", "node0001"))));
    for (i, status) in statuses().into_iter().enumerate() {
        let stored = sim.submit(ApiRequest::get("Pod", "default", "web")).expect("get").into_object().expect("object");
        let mut body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": stored["metadata"].clone()});
        if i == 2 {
            // A write from a stale read: 409 after validation, on both paths.
            body["metadata"]["resourceVersion"] = json!("1");
        }
        body["status"] = status;
        let answer = sim.submit(ApiRequest::update_status(body));
        seen.push(serde_json::to_string(&answer.map(|ok| ok.into_object())).unwrap_or_else(|e| e.to_string()));
    }
    for event in sim.drain_watch(watch) {
        seen.push(serde_json::to_string(&event).expect("serialises"));
    }
    seen.extend(sim.trace().iter().map(|e| serde_json::to_string(e).expect("serialises")));
    WIRE_ONLY.with(|w| w.set(false));
    seen
}

#[test]
fn typed_status_write_is_indistinguishable_from_the_general_path() {
    let typed = run(false);
    let general = run(true);
    assert_eq!(typed.len(), general.len());
    for (a, b) in typed.iter().zip(&general) {
        assert_eq!(a, b);
    }
    // The table reaches both outcomes: accepted writes and a rejected one.
    assert!(typed.iter().any(|l| l.contains("\"phase\":\"Running\"")));
    assert!(typed.iter().any(|l| l.contains("the object has been modified")));
}

/// A binding answers with the API server's `Status` 201 (one shared object), every time.
#[test]
fn bindings_answer_the_created_status() {
    let mut sim = Simulation::new(3, ClusterSpec::workers(1));
    let want = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201});
    for name in ["a", "b"] {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}});
        sim.submit(ApiRequest::create(pod)).expect("created");
        let answer = sim.submit(ApiRequest::bind("default", name, "node0001")).expect("bound").into_object().expect("object");
        assert_eq!(answer, want);
    }
    assert!(std::sync::Arc::ptr_eq(&super::created_status(), &super::created_status()));
}

#[test]
fn with_status_matches_assigning_on_a_copy() {
    let cases = [
        json!({"kind": "Pod", "metadata": {"name": "a"}, "status": {"phase": "Pending"}, "spec": {"x": 1}}),
        json!({"kind": "Pod", "metadata": {"name": "a"}, "spec": {}}),
        json!({"status": {"phase": "Running", "conditions": [{"type": "Ready"}]}}),
        json!({}),
    ];
    for current in cases {
        let status = json!({"phase": "Running", "podIP": "10.0.0.1"});
        let mut want = current.clone();
        want["status"] = status.clone();
        let got = with_status(&current, status);
        assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap(), "{current}");
    }
    assert_eq!(with_status(&Value::from(3), json!({})), json!({"status": {}}));
}
