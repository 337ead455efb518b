//! ControllerRevision (apps/v1): an immutable snapshot of a workload's pod template that the
//! DaemonSet (and StatefulSet) controllers keep as rollout history. `kubectl rollout history
//! ds/NAME` lists them and `rollout undo` patches the DaemonSet back with one's `data`. This
//! module owns the typed object (Go field order: metadata, data, revision; `data` is a
//! `runtime.RawExtension`, any JSON) and its create validation (`ValidateControllerRevision`
//! in pkg/apis/apps/validation), kept beside the DaemonSet it mostly serves.

use crate::meta::ObjectMeta;
use crate::validation::field::{Error, ErrorList, Path};
use crate::validation::meta::NameRule;
use crate::validation::other::meta_only;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ControllerRevision {
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The serialized state (for a DaemonSet: a strategic merge patch replacing
    /// `spec.template`). `omitempty` in Go, so absent rather than null when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    /// Not `omitempty`: the API always writes it.
    #[serde(default)]
    pub revision: i64,
}

/// `ValidateControllerRevision`: the object meta (DNS subdomain name), `data` present and a
/// non-negative `revision`.
pub fn validate_controller_revision(cr: &ControllerRevision) -> ErrorList {
    let mut errs = meta_only(&cr.metadata, true, NameRule::Subdomain);
    if cr.data.as_ref().is_none_or(serde_json::Value::is_null) {
        errs.push(Error::required(Path::new("data"), "data is mandatory"));
    }
    if cr.revision < 0 {
        errs.push(Error::invalid(Path::new("revision"), cr.revision, "must be greater than or equal to 0"));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Object;
    use serde_json::json;

    fn decode(v: serde_json::Value) -> ControllerRevision {
        match Object::from_json_value(&v) {
            Ok(Object::ControllerRevision(c)) => c,
            other => panic!("decode: {other:?}"),
        }
    }

    #[test]
    fn round_trips_in_go_field_order() {
        let v = json!({"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": {"name": "agent-5d8f", "namespace": "default"},
            "data": {"spec": {"template": {"$patch": "replace", "spec": {"containers": []}}}}, "revision": 2});
        let cr = decode(v.clone());
        assert_eq!(cr.revision, 2);
        let out = Object::ControllerRevision(cr).to_json();
        let keys: Vec<&str> = out.as_object().map(|m| m.keys().map(|k| k.as_str()).collect()).unwrap_or_default();
        assert_eq!(keys, ["apiVersion", "kind", "metadata", "data", "revision"]);
        assert_eq!(out["data"], v["data"]);
    }

    #[test]
    fn validation_table() {
        let cases = [
            (json!({"metadata": {"name": "a-1", "namespace": "default"}, "data": {"x": 1}, "revision": 1}), vec![]),
            (json!({"metadata": {"name": "a-1", "namespace": "default"}, "revision": 1}), vec!["data: Required value: data is mandatory"]),
            (
                json!({"metadata": {"name": "a-1", "namespace": "default"}, "data": {}, "revision": -1}),
                vec!["revision: Invalid value: -1: must be greater than or equal to 0"],
            ),
        ];
        for (body, want) in cases {
            let mut v = body.clone();
            v["apiVersion"] = json!("apps/v1");
            v["kind"] = json!("ControllerRevision");
            let got: Vec<String> = validate_controller_revision(&decode(v)).iter().map(|e| e.to_string()).collect();
            assert_eq!(got, want, "{body}");
        }
    }
}
