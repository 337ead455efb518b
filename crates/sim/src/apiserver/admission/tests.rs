//! Every mutating plugin's scoped patch (`scope::Touched`) against the whole-copy diff it
//! replaces, on pods and clusters that make each plugin add, extend, replace or leave alone.

use super::{run_plugin, PLUGINS};
use crate::apiserver::{authn, Req};
use crate::cluster::ClusterSpec;
use crate::request::ApiRequest;
use crate::sim::Simulation;
use serde_json::{json, Value};

fn cluster() -> Simulation {
    let mut spec = ClusterSpec::workers(1);
    spec.objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lr"}}));
    spec.objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "lr"}}));
    spec.objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "quiet", "namespace": "default"}, "automountServiceAccountToken": false}));
    spec.objects.push(json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "lr"},
        "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"}, "defaultRequest": {"cpu": "100m"}}]}}));
    spec.objects.push(json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000, "preemptionPolicy": "Never"}));
    Simulation::new(7, spec)
}

fn pod(ns: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ns}, "spec": spec, "status": {}})
}

fn app() -> Value {
    json!({"name": "app", "image": "nginx", "terminationMessagePath": "/dev/termination-log"})
}

fn cases() -> Vec<Value> {
    let mount = json!({"name": "own", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"});
    vec![
        pod("default", json!({"containers": [app()]})),
        pod("default", json!({"containers": [app(), {"name": "b", "image": "redis", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "initContainers": [{"name": "init", "image": "busybox"}], "volumes": [{"name": "data", "emptyDir": {}}],
            "tolerations": [{"key": "x", "operator": "Exists", "effect": "NoSchedule"}]})),
        pod("default", json!({"containers": [app()], "serviceAccountName": "default", "serviceAccount": "default", "priority": 0,
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}]})),
        pod("default", json!({"containers": [app()], "tolerations": [{"operator": "Exists"}], "priorityClassName": "high"})),
        pod("default", json!({"containers": [app()], "automountServiceAccountToken": false, "priority": 7})),
        pod("default", json!({"containers": [app()], "serviceAccountName": "quiet"})),
        pod("default", json!({"containers": [app()], "serviceAccountName": "missing"})),
        pod("default", json!({"priorityClassName": "nope", "containers": [app()]})),
        pod("default", json!({"containers": [{"name": "a", "image": "nginx", "volumeMounts": [mount]}, app()]})),
        pod("lr", json!({"containers": [app(), {"name": "b", "image": "redis", "resources": {"limits": {"cpu": "1"}}}], "initContainers": [app()]})),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "lr", "annotations": {"a": "b"}}, "spec": {"containers": [app()]}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "annotations": {"kubernetes.io/config.mirror": "x"}}, "spec": {"containers": [app()]}}),
        // Shapes the ServiceAccount plugin's recorded mount lengths cannot stand for: a
        // `volumeMounts` that is not an array, an element that is not an object, containers
        // that are not a list (each list is then saved whole), and empty mounts beside them.
        pod("default", json!({"containers": [{"name": "a", "image": "x", "volumeMounts": null}, app()], "initContainers": [{"name": "i", "image": "y", "volumeMounts": []}]})),
        pod("default", json!({"initContainers": ["bogus", app()], "containers": [app(), {"name": "b", "image": "x", "volumeMounts": [{"name": "d", "mountPath": "/d"}]}]})),
        pod("default", json!({"containers": {"a": 1}, "initContainers": [app()]})),
    ]
}

/// Each plugin in turn, as `mutate_pod` runs them: the patches and the pod they leave.
fn run_chain(sim: &mut Simulation, mut pod: Value, scoped: bool) -> (Vec<Result<Vec<Value>, String>>, Value) {
    let user = authn::authenticate(&[], None, &[]).expect("the default admin");
    let mut r = Req::new(sim.core_mut(), 1, user, false);
    let mut patches = Vec::new();
    for (_, f) in PLUGINS {
        let res = run_plugin(&mut r, &mut pod, f, scoped);
        let failed = res.is_err();
        patches.push(res);
        if failed {
            break;
        }
    }
    (patches, pod)
}

#[test]
fn scoped_patches_equal_whole_copy_diffs() {
    let mut sim = cluster();
    let mut changed = 0;
    for case in cases() {
        let rng = sim.core_mut().apiserver.rng.clone();
        let scoped = run_chain(&mut sim, case.clone(), true);
        sim.core_mut().apiserver.rng = rng;
        let whole = run_chain(&mut sim, case.clone(), false);
        assert_eq!(serde_json::to_string(&scoped.0).unwrap(), serde_json::to_string(&whole.0).unwrap(), "{case}");
        assert_eq!(serde_json::to_string(&scoped.1).unwrap(), serde_json::to_string(&whole.1).unwrap(), "{case}");
        changed += scoped.0.iter().filter(|p| p.as_ref().is_ok_and(|ops| !ops.is_empty())).count();
    }
    // The table makes every plugin patch something (not only empty patches compared).
    assert!(changed >= 20, "{changed}");
}

#[test]
fn a_pod_without_spec_falls_back_to_the_whole_diff() {
    let mut sim = cluster();
    let bare = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}});
    assert!(!super::scope::scopable(&bare));
    assert!(!super::scope::scopable(&json!({"spec": {}, "metadata": {}})));
    let (patches, _) = run_chain(&mut sim, bare, false);
    assert!(patches.iter().any(|p| p.as_ref().is_ok_and(|ops| ops.iter().any(|o| o["path"] == "/spec"))));
    let created = sim.submit(ApiRequest::create(pod("default", json!({"containers": [app()]}))));
    assert!(created.is_ok());
}

/// The packed patch the trace keeps (`run_plugin_packed`, read back through
/// `AdmissionPatch`) reads as exactly the detail built from the whole-copy diff, plugin by
/// plugin, and leaves the same pod.
#[test]
fn packed_patches_read_as_the_whole_copy_detail() {
    use crate::apiserver::diff::fields;
    use crate::apiserver::trace_detail::AdmissionPatch;
    use crate::trace::DetailSource;
    let mut sim = cluster();
    let mut compared = 0;
    for case in cases() {
        let user = authn::authenticate(&[], None, &[]).expect("the default admin");
        let rng = sim.core_mut().apiserver.rng.clone();
        let (mut packed_pod, mut whole_pod) = (case.clone(), case.clone());
        for (plugin, f) in PLUGINS {
            let mut r = Req::new(sim.core_mut(), 1, user.clone(), false);
            r.core.apiserver.rng = rng.clone();
            let packed = super::run_plugin_packed(&mut r, &mut packed_pod, f);
            let after_packed = r.core.apiserver.rng.clone();
            r.core.apiserver.rng = rng.clone();
            let whole = run_plugin(&mut r, &mut whole_pod, f, false);
            assert_eq!(after_packed, r.core.apiserver.rng, "{plugin}: {case}");
            match (packed, whole) {
                (Ok(ops), Ok(patch)) => {
                    let got = AdmissionPatch { plugin, ops }.to_json();
                    let want = fields([("plugin", json!(plugin)), ("patch", Value::Array(patch))]);
                    assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap(), "{plugin}: {case}");
                    compared += usize::from(want["patch"].as_array().is_some_and(|p| !p.is_empty()));
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a, b);
                    break;
                }
                (a, b) => panic!("{plugin}: {case}: {a:?} vs {b:?}"),
            }
            assert_eq!(serde_json::to_string(&packed_pod).unwrap(), serde_json::to_string(&whole_pod).unwrap(), "{plugin}: {case}");
        }
    }
    assert!(compared >= 20, "{compared}");
}
