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

/// The diff part of the Forbidden message: go-cmp's report of `core.PodSpec` (context of two
/// identical fields around a change, Go field names and values, aligned keys).
#[test]
fn forbidden_update_carries_the_go_cmp_diff() {
    let table: [(&str, &str, &[&str]); 3] = [
        (
            "",
            "  restartPolicy: Never\n",
            &[
                "  core.PodSpec{",
                "  \t... // 2 identical fields",
                "  \tContainers:                    {{Name: \"web\", Image: \"nginx:1.27\", TerminationMessagePath: \"/dev/termination-log\", TerminationMessagePolicy: \"File\", ImagePullPolicy: \"IfNotPresent\"}},",
                "  \tEphemeralContainers:           nil,",
                "- \tRestartPolicy:                 \"Always\",",
                "+ \tRestartPolicy:                 \"Never\",",
                "  \tTerminationGracePeriodSeconds: &30,",
                "  \tActiveDeadlineSeconds:         nil,",
                "  \t... // 27 identical fields",
                "  }",
            ],
        ),
        (
            "    ports:\n    - containerPort: 80\n",
            "",
            &[
                "  core.PodSpec{",
                "  \tVolumes:        nil,",
                "  \tInitContainers: nil,",
                "  \tContainers: []core.Container{",
                "  \t\t{",
                "  \t\t\t... // 3 identical fields",
                "  \t\t\tArgs:       nil,",
                "  \t\t\tWorkingDir: \"\",",
                "- \t\t\tPorts:      []core.ContainerPort{{ContainerPort: 80, Protocol: \"TCP\"}},",
                "+ \t\t\tPorts:      nil,",
                "  \t\t\tEnvFrom:    nil,",
                "  \t\t\tEnv:        nil,",
                "  \t\t\t... // 16 identical fields",
                "  \t\t},",
                "  \t},",
                "  \tEphemeralContainers: nil,",
                "  \tRestartPolicy:       \"Always\",",
                "  \t... // 29 identical fields",
                "  }",
            ],
        ),
        (
            "    env:\n    - {name: A, value: \"1\"}\n    - {name: B, value: \"2\"}\n    - {name: LONG_VARIABLE_NAME_NUMBER_THREE, value: \"a value long enough to wrap\"}\n",
            "",
            &[
                "- \t\t\tEnv: []core.EnvVar{",
                "- \t\t\t\t{Name: \"A\", Value: \"1\"},",
                "- \t\t\t\t{Name: \"B\", Value: \"2\"},",
                "- \t\t\t\t{Name: \"LONG_VARIABLE_NAME_NUMBER_THREE\", Value: \"a value long enough to wrap\"},",
                "- \t\t\t},",
                // A multi-line record ends a run of aligned keys; the next run aligns anew.
                "+ \t\t\tEnv:          nil,",
                "  \t\t\tResources:    {},",
            ],
        ),
    ];
    for (old_container, new_spec, want) in table {
        let old = pod(old_container, "");
        let new = pod("", new_spec);
        let msg = validate_update(&old, &new)
            .unwrap_err()
            .to_invalid_message("Pod", "web");
        let want = want.join("\n");
        assert!(msg.contains(&want), "want\n{want}\nin\n{msg}");
    }
}

/// The diff renderer takes whatever JSON two specs hold without panicking, however odd.
#[test]
fn go_cmp_diff_never_panics_on_odd_specs() {
    use podlab_api::validation::update::cmp::pod_spec_diff;
    use serde_json::json;
    let deep = (0..200).fold(json!("x"), |v, _| json!({ "a": [v] }));
    let odd = [
        json!(null),
        json!([]),
        json!("spec"),
        json!({"containers": "not a list"}),
        json!({"containers": [1, "two", null, {"name": "ü\"\\\n"}]}),
        json!({"containers": [{"resources": {"limits": {"cpu": "1e3", "memory": "-1Ki"}}}]}),
        json!({"volumes": [{"name": "v", "emptyDir": {"sizeLimit": "1.5Gi"}}], "nodeSelector": deep.clone()}),
        json!({"initContainers": [{"name": "i", "ports": [{"containerPort": 1}]}], "overhead": {"cpu": "x"}}),
    ];
    for old in &odd {
        for new in &odd {
            let text = pod_spec_diff(old, new);
            assert!(
                text.starts_with("  core.PodSpec{\n") && text.ends_with("  }\n"),
                "{text}"
            );
        }
    }
}
