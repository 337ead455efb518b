//! Update validation: what may change on a running Pod and how refusals are worded.

use podlab_api::check::{check_manifest, Outcome};
use podlab_api::validation::validate_update;
use podlab_api::Object;

fn pod(extra_container: &str, extra_spec: &str) -> Object {
    let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n{extra_spec}  containers:\n  - name: web\n    image: nginx:1.27\n{extra_container}");
    match check_manifest(&text, "default").remove(0) {
        Outcome::Accepted(o) => o,
        other => panic!("{other:?}"),
    }
}

#[test]
fn image_changes_are_allowed() {
    let old = pod("", "");
    let mut new = old.clone();
    if let Object::Pod(p) = &mut new {
        p.spec.containers[0].image = "nginx:1.28".into();
    }
    assert_eq!(validate_update(&old, &new), Ok(()));
}

#[test]
fn other_spec_changes_are_forbidden_with_the_real_first_line() {
    let old = pod("", "");
    let new = pod("", "  restartPolicy: Never\n");
    let errs = validate_update(&old, &new).unwrap_err();
    let msg = errs.to_invalid_message("Pod", "web");
    let first = msg.lines().next().unwrap();
    assert_eq!(first, "The Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
}

#[test]
fn adding_containers_is_forbidden() {
    let old = pod("", "");
    let mut new = old.clone();
    if let Object::Pod(p) = &mut new {
        let mut c = p.spec.containers[0].clone();
        c.name = "sidecar".into();
        p.spec.containers.push(c);
    }
    let errs = validate_update(&old, &new).unwrap_err();
    assert_eq!(
        errs.to_string(),
        "spec.containers: Forbidden: pod updates may not add or remove containers"
    );
}

#[test]
fn immutable_configmap_data_cannot_change() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\nimmutable: true\ndata:\n  a: \"1\"\n";
    let old = match check_manifest(text, "default").remove(0) {
        Outcome::Accepted(o) => o,
        other => panic!("{other:?}"),
    };
    let mut new = old.clone();
    if let Object::ConfigMap(c) = &mut new {
        c.data.insert("a".into(), "2".into());
    }
    let errs = validate_update(&old, &new).unwrap_err();
    assert_eq!(
        errs.to_string(),
        "data: Forbidden: field is immutable when `immutable` is set"
    );
}

#[test]
fn deployment_selector_is_immutable() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web, v: \"2\"}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
    let old = match check_manifest(text, "default").remove(0) {
        Outcome::Accepted(o) => o,
        other => panic!("{other:?}"),
    };
    let mut new = old.clone();
    if let Object::Deployment(d) = &mut new {
        d.spec
            .selector
            .as_mut()
            .unwrap()
            .match_labels
            .insert("v".into(), "2".into());
    }
    let errs = validate_update(&old, &new).unwrap_err();
    assert_eq!(errs.to_string(), "spec.selector: Invalid value: &LabelSelector{MatchLabels:map[string]string{app: web,v: 2,},MatchExpressions:[]LabelSelectorRequirement{},}: field is immutable");
}
