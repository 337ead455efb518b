//! Pod-specific registry behaviour: what the API server does to a new pod before storing it
//! (status reset to `Pending` with its QoS class) and how it computes the grace period of a
//! delete (pods not yet on a node, or already finished, go at once; otherwise the request's or
//! the pod's `terminationGracePeriodSeconds`, 30 s by default).

use crate::meta;
use serde_json::{json, Value};

pub const DEFAULT_GRACE_SECONDS: i64 = 30;

/// `podStrategy.PrepareForCreate`: status is `{phase: Pending, qosClass: ...}`.
pub fn prepare_for_create(pod: &mut Value) {
    let qos = podlab_api::PodSpec::deserialize_from(pod.get("spec")).map(|s| crate::podres::qos_class(&s)).unwrap_or("BestEffort");
    if let Some(m) = pod.as_object_mut() {
        m.insert("status", json!({"phase": "Pending", "qosClass": qos}));
    }
}

/// The first half of `prepare_for_create` for a pod that `create` will decode anyway: the
/// status becomes empty (where the old one stood), so whatever status the client sent cannot
/// fail that decode; `prepare_typed` then fills it from the decoded spec.
pub fn clear_status(pod: &mut Value) {
    if let Some(m) = pod.as_object_mut() {
        m.insert("status", json!({}));
    }
}

/// `prepare_for_create` on the decoded pod: the same status, with the QoS class from the spec
/// the pod was decoded with (no second decode of the spec).
pub fn prepare_typed(pod: &mut podlab_api::Pod) {
    let qos = crate::podres::qos_class(&pod.spec);
    pod.status = podlab_api::PodStatus { phase: "Pending".into(), qos_class: qos.into(), ..podlab_api::PodStatus::default() };
}

/// Helper so callers can decode a spec from an optional JSON value.
trait FromOptional: Sized {
    fn deserialize_from(v: Option<&Value>) -> Option<Self>;
}

impl FromOptional for podlab_api::PodSpec {
    fn deserialize_from(v: Option<&Value>) -> Option<Self> {
        use serde::Deserialize;
        v.and_then(|v| podlab_api::PodSpec::deserialize(v).ok())
    }
}

/// The grace period a pod delete gets (`podStrategy.CheckGracefulDelete`).
pub fn grace_period(pod: &Value, requested: Option<i64>) -> i64 {
    let unscheduled = meta::node_name(pod).is_empty();
    let phase = meta::str_at(pod, &["status", "phase"]).unwrap_or("");
    if unscheduled || phase == "Succeeded" || phase == "Failed" {
        return 0;
    }
    let own = meta::at(pod, &["spec", "terminationGracePeriodSeconds"]).and_then(Value::as_i64).unwrap_or(DEFAULT_GRACE_SECONDS);
    // A negative request means "use the pod's own value" (kubectl --grace-period=-1).
    let g = match requested {
        Some(g) if g >= 0 => g,
        _ => own,
    };
    g.max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_period_table() {
        let bound = json!({"spec": {"nodeName": "n1", "terminationGracePeriodSeconds": 45}, "status": {"phase": "Running"}});
        let unbound = json!({"spec": {}, "status": {"phase": "Pending"}});
        let done = json!({"spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}});
        let defaulted = json!({"spec": {"nodeName": "n1"}, "status": {"phase": "Running"}});
        let cases = [
            (&bound, None, 45),
            (&bound, Some(5), 5),
            (&bound, Some(-1), 45),
            (&bound, Some(0), 0),
            (&unbound, Some(30), 0),
            (&done, None, 0),
            (&defaulted, None, 30),
        ];
        for (pod, req, want) in cases {
            assert_eq!(grace_period(pod, req), want, "{pod} {req:?}");
        }
    }

    /// Clearing the status and preparing the decoded pod gives what preparing the wire form
    /// and decoding it gives, for every QoS class and whatever status the client sent.
    #[test]
    fn typed_prepare_equals_wire_prepare() {
        let res = |r: Value| json!({"name": "a", "image": "x", "resources": r});
        let specs = [
            json!({"containers": [res(json!({}))]}),
            json!({"containers": [res(json!({"requests": {"cpu": "100m"}}))]}),
            json!({"containers": [res(json!({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}))]}),
            json!({"initContainers": [res(json!({"limits": {"cpu": "1", "memory": "1Gi"}}))], "containers": [res(json!({"limits": {"cpu": "1", "memory": "1Gi"}}))]}),
            json!({"containers": [res(json!({"requests": {"cpu": "0"}}))]}),
        ];
        let statuses = [None, Some(json!({"phase": "Running"})), Some(json!({"phase": 3, "bogus": true}))];
        for spec in &specs {
            for status in &statuses {
                let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec});
                if let Some(st) = status {
                    pod["status"] = st.clone();
                }
                let mut wire = pod.clone();
                prepare_for_create(&mut wire);
                let want = meta::typed::<podlab_api::Pod>(&wire).map(|p| serde_json::to_string(&p).unwrap());
                let mut cleared = pod.clone();
                clear_status(&mut cleared);
                let got = meta::typed::<podlab_api::Pod>(&cleared).map(|mut p| {
                    prepare_typed(&mut p);
                    serde_json::to_string(&p).unwrap()
                });
                assert!(want.is_some());
                assert_eq!(got, want, "{spec} {status:?}");
                let keys = |v: &Value| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
                assert_eq!(keys(&cleared), keys(&wire));
            }
        }
    }

    #[test]
    fn prepare_sets_pending_and_qos() {
        let mut pod = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}, "status": {"phase": "Running"}});
        prepare_for_create(&mut pod);
        assert_eq!(pod["status"], json!({"phase": "Pending", "qosClass": "BestEffort"}));
    }
}
