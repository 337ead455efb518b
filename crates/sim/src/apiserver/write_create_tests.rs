//! A create through the fast paths (the decode-and-default patch derived lazily from the
//! shared body, a new pod's wire form reordered into the canonical form instead of
//! serialised again) against the eager path: the same responses, errors, stored objects,
//! watch events and trace, for pods that take every branch (client status, existing volumes,
//! mounts and tolerations, LimitRange defaults, non-canonical quantities, no namespace,
//! generateName, invalid and undecodable bodies) and a kind that is not a pod.

use super::EAGER_CREATE;
use crate::cluster::ClusterSpec;
use crate::request::ApiRequest;
use crate::sim::Simulation;
use serde_json::{json, Value};

fn pod(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": {"app": name}}, "spec": spec})
}

fn bodies() -> Vec<Value> {
    let app = json!({"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}});
    let mut with_status = pod("status", json!({"containers": [app.clone()]}));
    with_status["status"] = json!({"phase": "Running", "podIP": "10.0.0.9"});
    let mut no_namespace = pod("nons", json!({"containers": [app.clone()]}));
    no_namespace["metadata"].as_object_mut().unwrap().shift_remove("namespace");
    let mut generated = pod("", json!({"containers": [app.clone()]}));
    generated["metadata"] = json!({"generateName": "gen-", "namespace": "default"});
    vec![
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "limited"},
            "spec": {"limits": [{"type": "Container", "default": {"cpu": "0.5", "memory": "256Mi"}, "defaultRequest": {"cpu": "0.25"}}]}}),
        pod("bench", json!({"containers": [app.clone()]})),
        with_status,
        pod("mounts", json!({"volumes": [{"name": "data", "emptyDir": {}}], "containers": [{"name": "a", "image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]})),
        pod("init", json!({"initContainers": [{"name": "i", "image": "busybox:1.36", "command": ["true"]}], "containers": [app.clone()], "restartPolicy": "Never"})),
        pod("noautomount", json!({"automountServiceAccountToken": false, "containers": [app.clone()]})),
        pod("quantities", json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "0.1", "memory": "1e3"}, "limits": {"cpu": 1}}}]})),
        {
            let mut p = pod("limited", json!({"containers": [{"name": "a", "image": "x"}]}));
            p["metadata"]["namespace"] = json!("limited");
            p
        },
        no_namespace,
        generated,
        pod("invalid", json!({"containers": [{"name": "Bad_Name", "image": ""}]})),
        pod("undecodable", json!({"containers": [{"name": "a", "image": "x", "bogus": 1}]})),
        pod("priority", json!({"priority": 5, "containers": [app.clone()]})),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [app]}}}}),
    ]
}

/// Creates a namespace and every body; returns everything observable, in order.
fn run(eager: bool) -> Vec<String> {
    EAGER_CREATE.with(|w| w.set(eager));
    let mut sim = Simulation::new(7, ClusterSpec::workers(1));
    let watch = sim.watch("Pod", None, None).expect("watch");
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "limited"}});
    let mut seen = vec![format!("{:?}", sim.submit(ApiRequest::create(ns)).map(|_| ()))];
    sim.run_until_idle(1_000);
    for body in bodies() {
        let answer = sim.submit(ApiRequest::create(body));
        seen.push(serde_json::to_string(&answer.map(|ok| ok.into_object())).unwrap_or_else(|e| e.to_string()));
    }
    for event in sim.drain_watch(watch) {
        seen.push(serde_json::to_string(&event).expect("serialises"));
    }
    seen.extend(sim.trace().iter().map(|e| serde_json::to_string(e).expect("serialises")));
    EAGER_CREATE.with(|w| w.set(false));
    seen
}

#[test]
fn fast_create_is_indistinguishable_from_the_eager_path() {
    let fast = run(false);
    let eager = run(true);
    assert_eq!(fast.len(), eager.len());
    for (a, b) in fast.iter().zip(&eager) {
        assert_eq!(a, b);
    }
    // The table reaches accepted pods, defaulting patches and both kinds of rejection.
    assert!(fast.iter().any(|l| l.contains("\"qosClass\":\"Burstable\"")));
    assert!(fast.iter().any(|l| l.contains("imagePullPolicy") && l.contains("decode-and-default")));
    assert!(fast.iter().any(|l| l.contains("is invalid")));
    assert!(fast.iter().any(|l| l.contains("unknown field")));
}
