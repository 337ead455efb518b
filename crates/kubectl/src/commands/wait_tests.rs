//! The pure parts of `kubectl wait`, table-driven against kubectl's own rules: `--for`
//! parsing, the relaxed JSONPath form, status-condition and JSONPath checks.

use super::*;
use serde_json::json;

#[test]
fn for_values_parse_like_kubectl() {
    let status = |n: &str, v: &str| Ok(Condition::Status { name: n.into(), value: v.into() });
    let path = |t: &str, v: Option<&str>| Ok(Condition::JsonPath { template: t.into(), value: v.map(String::from) });
    let err = |m: &str| Err(m.to_string());
    let cases: Vec<(&str, Result<Condition, String>)> = vec![
        ("delete", Ok(Condition::Delete)),
        ("DELETE", Ok(Condition::Delete)),
        ("create", Ok(Condition::Create)),
        ("condition=Ready", status("Ready", "true")),
        ("condition=Ready=false", status("Ready", "false")),
        ("condition=a=b=c", status("a", "b=c")),
        ("jsonpath={.status.phase}=Running", path("{.status.phase}", Some("Running"))),
        ("jsonpath=.status.phase='Running'", path("{.status.phase}", Some("Running"))),
        ("jsonpath=status.podIP", path("{.status.podIP}", None)),
        ("jsonpath={.status.conditions[?(@.type==\"Ready\")].status}=True", path("{.status.conditions[?(@.type==\"Ready\")].status}", Some("True"))),
        ("jsonpath={.a}=", err("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3")),
        ("jsonpath={.a}=1=2", err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'")),
        ("jsonpath=", err("jsonpath expression cannot be empty")),
        ("jsonpath={a}{b}", err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")),
        ("", err("unrecognized condition: \"\"")),
        ("Ready", err("unrecognized condition: \"Ready\"")),
    ];
    for (text, want) in cases {
        let got = condition_for(text).map_err(|f| match f {
            Fail::Error(m) => m,
            other => format!("{other:?}"),
        });
        assert_eq!(got, want, "--for={text}");
    }
}

#[test]
fn split_keeps_doubled_equals() {
    assert_eq!(split_on_single_equals("a.b.c====d.e.f===g.h.i==="), vec!["a.b.c====d.e.f==", "g.h.i==", ""]);
    assert_eq!(split_on_single_equals("x"), vec!["x"]);
    assert_eq!(split_on_single_equals("{.a}=1"), vec!["{.a}", "1"]);
}

#[test]
fn status_conditions_are_matched_case_insensitively_and_by_generation() {
    let pod = json!({"metadata": {"generation": 2}, "status": {"conditions": [
        {"type": "PodScheduled", "status": "True"},
        {"type": "Ready", "status": "False"},
        {"type": "Ready", "status": "True"},
    ]}});
    assert!(status_condition_met(&pod, "podscheduled", "TRUE"));
    // The first condition of a type decides, as in kubectl.
    assert!(!status_condition_met(&pod, "Ready", "true"));
    assert!(status_condition_met(&pod, "Ready", "false"));
    assert!(!status_condition_met(&pod, "Initialized", "true"));
    let stale = json!({"metadata": {"generation": 3}, "status": {"observedGeneration": 2, "conditions": [{"type": "Available", "status": "True"}]}});
    assert!(!status_condition_met(&stale, "Available", "true"), "status observedGeneration older than the object");
    let fresh = json!({"metadata": {"generation": 3}, "status": {"observedGeneration": 2, "conditions": [{"type": "Available", "status": "True", "observedGeneration": 3}]}});
    assert!(status_condition_met(&fresh, "Available", "true"), "the condition's own observedGeneration wins");
    assert!(!status_condition_met(&json!({"status": {}}), "Ready", "true"));
}

#[test]
fn jsonpath_values_compare_as_kubectl_prints_them() {
    let obj = json!({"status": {"phase": "Running", "replicas": 3, "ok": true, "none": null, "list": [1, 2], "map": {"a": 1}}});
    let met = |t: &str, v: Option<&str>| jsonpath_met(&obj, t, v).map_err(|f| format!("{f:?}"));
    assert_eq!(met("{.status.phase}", Some("Running")), Ok(true));
    assert_eq!(met("{.status.phase}", Some(" Running ")), Ok(true));
    assert_eq!(met("{.status.phase}", Some("running")), Ok(false));
    assert_eq!(met("{.status.replicas}", Some("3")), Ok(true));
    assert_eq!(met("{.status.ok}", Some("true")), Ok(true));
    assert_eq!(met("{.status.none}", Some("<nil>")), Ok(true));
    assert_eq!(met("{.status.missing}", None), Ok(false));
    assert_eq!(met("{.status.phase}", None), Ok(true));
    assert!(met("{.status.map}", Some("x")).is_err_and(|e| e.contains("nested object or list")));
    assert!(met("{.status.list[*]}", Some("1")).is_err_and(|e| e.contains("more than one value")));
    assert!(met("{.status.phase}{.status.ok}", Some("1")).is_err_and(|e| e.contains("more than one list")));
}
