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
        m.insert("status".into(), json!({"phase": "Pending", "qosClass": qos}));
    }
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

    #[test]
    fn prepare_sets_pending_and_qos() {
        let mut pod = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}, "status": {"phase": "Running"}});
        prepare_for_create(&mut pod);
        assert_eq!(pod["status"], json!({"phase": "Pending", "qosClass": "BestEffort"}));
    }
}
