//! Tests of the pod worker's status write body against the copy it replaced.

use serde_json::{json, Value};

/// The status write's body, the old way: copy the whole pod, assign, remove.
fn by_copy(pod: &Value, status: Value) -> Value {
    let mut obj = pod.clone();
    obj["status"] = status;
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    obj
}

#[test]
fn status_body_is_the_copied_pod_with_the_new_status() {
    let status = json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]});
    let pods = [
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "resourceVersion": "7", "uid": "u", "labels": {"x": "y"}}, "spec": {}, "status": {"phase": "Pending"}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "uid": "u", "resourceVersion": "7"}, "spec": {}}),
        json!({"kind": "Pod", "status": {}, "metadata": {"resourceVersion": "1"}}),
        json!({"kind": "Pod", "metadata": {"name": "no-rv"}}),
        json!({"kind": "Pod"}),
        json!(null),
    ];
    for pod in pods {
        let got = super::status_body(&pod, status.clone());
        let want = by_copy(&pod, status.clone());
        assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap(), "{pod}");
    }
}
