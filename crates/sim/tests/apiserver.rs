//! The API server pipeline through `Simulation::submit`: RBAC denials, namespace lifecycle,
//! optimistic concurrency, admission plugins and data-defined policies, generateName, graceful
//! deletion with finalizers, and watches — each error worded exactly as v1.33 words it.

mod common;

use common::plain_pod;
use podlab_sim::{AdmissionPolicy, ApiOk, ApiRequest, ClusterSpec, PatchType, Simulation, UserSpec, Verb, WatchEventType};
use serde_json::json;

fn sim_with(spec: ClusterSpec) -> Simulation {
    Simulation::new(11, spec)
}

#[test]
fn rbac_denial_and_grant() {
    let mut spec = ClusterSpec::default();
    spec.users.push(UserSpec { name: "jane".into(), groups: vec![], credential_valid: true });
    spec.users.push(UserSpec { name: "expired".into(), groups: vec![], credential_valid: false });
    spec.objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "pod-reader", "namespace": "default"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}]}));
    spec.objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "jane-reads", "namespace": "default"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"}, "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}]}));
    let mut sim = sim_with(spec);
    let denied = sim.submit(ApiRequest::create(plain_pod("web")).as_user("jane")).unwrap_err();
    assert_eq!((denied.code, denied.reason.as_str()), (403, "Forbidden"));
    assert_eq!(denied.message, "pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\"");
    assert!(matches!(sim.submit(ApiRequest::list("Pod", Some("default")).as_user("jane")), Ok(ApiOk::List { .. })));
    let named = sim.submit(ApiRequest::delete("Pod", "default", "web").as_user("jane")).unwrap_err();
    assert_eq!(named.message, "pods \"web\" is forbidden: User \"jane\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"");
    let nodes = sim.submit(ApiRequest::list("Node", None).as_user("jane")).unwrap_err();
    assert_eq!(nodes.message, "nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    assert_eq!(sim.submit(ApiRequest::list("Pod", Some("default")).as_user("expired")).unwrap_err().code, 401);
    let rule = sim.trace().iter().rev().find(|e| e.step == "authorization" && e.outcome == podlab_sim::Outcome::Ok).unwrap();
    assert_eq!(rule.details["matched"], "RoleBinding jane-reads -> Role pod-reader rules[0]");
}

#[test]
fn store_errors_are_worded_like_the_api_server() {
    let mut sim = sim_with(ClusterSpec::default());
    let mut in_dev = plain_pod("web");
    in_dev["metadata"]["namespace"] = json!("dev");
    assert_eq!(sim.submit(ApiRequest::create(in_dev)).unwrap_err().message, "namespaces \"dev\" not found");
    let created = sim.submit(ApiRequest::create(plain_pod("web"))).unwrap().into_object().unwrap();
    let dup = sim.submit(ApiRequest::create(plain_pod("web"))).unwrap_err();
    assert_eq!((dup.code, dup.message.as_str()), (409, "pods \"web\" already exists"));
    assert_eq!(sim.submit(ApiRequest::get("Pod", "default", "nope")).unwrap_err().message, "pods \"nope\" not found");
    let mut stale = created.clone();
    stale["metadata"]["labels"] = json!({"a": "b"});
    let patch = ApiRequest::patch("Pod", "default", "web", PatchType::Merge, json!({"metadata": {"labels": {"x": "y"}}}));
    sim.submit(patch).unwrap();
    let conflict = sim.submit(ApiRequest::update(stale)).unwrap_err();
    assert_eq!(conflict.message, "Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your changes to the latest version and try again");
    let bad = sim.submit(ApiRequest::create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}}))).unwrap_err();
    assert_eq!((bad.code, bad.reason.as_str()), (422, "Invalid"));
    assert!(bad.message.starts_with("The ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), "{}", bad.message);
}

#[test]
fn generate_name_and_finalizers() {
    let mut sim = sim_with(ClusterSpec::default());
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "cfg-", "finalizers": ["example.com/keep"]}});
    let created = sim.submit(ApiRequest::create(cm)).unwrap().into_object().unwrap();
    let name = created["metadata"]["name"].as_str().unwrap().to_string();
    assert!(name.starts_with("cfg-") && name.len() == 9, "{name}");
    let r = sim.submit(ApiRequest::delete("ConfigMap", "default", &name)).unwrap();
    assert!(matches!(r, ApiOk::Deleted { finished: false, .. }), "finalizer holds the object");
    let held = sim.get("ConfigMap", "default", &name).unwrap().clone();
    assert!(held["metadata"]["deletionTimestamp"].is_string());
    let mut cleared = held.clone();
    cleared["metadata"]["finalizers"] = json!([]);
    sim.submit(ApiRequest::update(cleared)).unwrap();
    assert!(sim.get("ConfigMap", "default", &name).is_none(), "removed once the finalizers are cleared");
}

#[test]
fn admission_policies_mutate_and_reject() {
    let mut spec = ClusterSpec::default();
    spec.objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mesh", "labels": {"istio-injection": "enabled"}}}));
    spec.objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "mesh"}}));
    let sidecar: AdmissionPolicy = serde_json::from_value(json!({"type": "InjectSidecar", "name": "sidecar-injector.istio.io",
        "namespaceLabels": {"istio-injection": "enabled"}, "container": {"name": "istio-proxy", "image": "istio/proxyv2:1.25.0"}})).unwrap();
    let require: AdmissionPolicy = serde_json::from_value(json!({"type": "RequireLabel", "name": "require-environment",
        "binding": "require-environment-binding", "label": "environment", "message": "every pod needs an environment label"})).unwrap();
    spec.admission_policies = vec![sidecar, require];
    let mut sim = sim_with(spec);
    let denied = sim.submit(ApiRequest::create(plain_pod("web"))).unwrap_err();
    assert_eq!((denied.code, denied.reason.as_str()), (422, "Invalid"));
    assert_eq!(denied.message, "The pods \"web\" is invalid: : ValidatingAdmissionPolicy 'require-environment' with binding 'require-environment-binding' denied request: every pod needs an environment label");
    let mut ok = plain_pod("web");
    ok["metadata"]["namespace"] = json!("mesh");
    ok["metadata"]["labels"] = json!({"environment": "dev"});
    let created = sim.submit(ApiRequest::create(ok)).unwrap().into_object().unwrap();
    let names: Vec<&str> = created["spec"]["containers"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["app", "istio-proxy"]);
}

#[test]
fn limit_ranger_defaults_and_limits() {
    let mut spec = ClusterSpec::default();
    spec.objects.push(json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults", "namespace": "default"},
        "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"}, "defaultRequest": {"cpu": "100m", "memory": "128Mi"}, "max": {"cpu": "1"}}]}}));
    let mut sim = sim_with(spec);
    let created = sim.submit(ApiRequest::create(plain_pod("web"))).unwrap().into_object().unwrap();
    assert_eq!(created["spec"]["containers"][0]["resources"], json!({"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "128Mi"}}));
    assert_eq!(created["metadata"]["annotations"]["kubernetes.io/limit-ranger"], "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app");
    assert_eq!(created["status"]["qosClass"], "Burstable");
    let mut big = plain_pod("big");
    big["spec"]["containers"][0]["resources"] = json!({"limits": {"cpu": "2"}});
    let denied = sim.submit(ApiRequest::create(big)).unwrap_err();
    assert_eq!(denied.message, "pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
}

#[test]
fn watch_streams_changes_and_bind_conflicts() {
    let mut sim = sim_with(ClusterSpec::default());
    let w = sim.watch("Pod", Some("default"), None).unwrap();
    sim.submit(ApiRequest::create(plain_pod("web"))).unwrap();
    sim.submit(ApiRequest::bind("default", "web", "node01")).unwrap();
    let again = sim.submit(ApiRequest::bind("default", "web", "node02")).unwrap_err();
    assert_eq!(again.message, "Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"node01\"");
    let mut del = ApiRequest::delete("Pod", "default", "web");
    if let Verb::Delete { options, .. } = &mut del.verb {
        options.grace_period_seconds = Some(0);
    }
    sim.submit(del).unwrap();
    let types: Vec<WatchEventType> = sim.drain_watch(w).into_iter().map(|e| e.event_type).collect();
    assert_eq!(&types[..2], &[WatchEventType::Added, WatchEventType::Modified]);
    assert_eq!(types.last(), Some(&WatchEventType::Deleted));
}
