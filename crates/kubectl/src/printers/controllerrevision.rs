//! `kubectl get controllerrevisions` rows, after printers.go's printControllerRevision: NAME,
//! CONTROLLER (the controller reference as `daemonset.apps/NAME`, the lower-cased GroupKind,
//! or `<none>` for an orphan), REVISION and AGE. DaemonSet rollout history lives in these.

use super::pod::age;
use crate::value::{arr, b, i, s};
use serde_json::Value;

/// `formatResourceName(gvk.GroupKind(), name, true)` for the object's controller reference.
fn controller_name(v: &Value) -> String {
    let refs = arr(v, "metadata.ownerReferences");
    let Some(r) = refs.iter().find(|r| b(r, "controller")) else { return "<none>".into() };
    let group = s(r, "apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
    let kind = s(r, "kind");
    let group_kind = if group.is_empty() { kind.to_string() } else { format!("{kind}.{group}") };
    if group_kind.is_empty() {
        return s(r, "name").to_string();
    }
    format!("{}/{}", group_kind.to_lowercase(), s(r, "name"))
}

pub fn controllerrevision_cells(v: &Value, now: i64) -> Vec<String> {
    vec![s(v, "metadata.name").to_string(), controller_name(v), i(v, "revision").to_string(), age(v, now)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn controller_column_table() {
        let now = 1_735_732_800_000 + 90_000;
        let owner = |api: &str, kind: &str, controller: bool| json!([{"apiVersion": api, "kind": kind, "name": "agent", "uid": "u", "controller": controller}]);
        let cases = [
            (owner("apps/v1", "DaemonSet", true), "daemonset.apps/agent"),
            (owner("v1", "Pod", true), "pod/agent"),
            (owner("apps/v1", "DaemonSet", false), "<none>"),
            (json!(null), "<none>"),
        ];
        for (refs, want) in cases {
            let cr = json!({"metadata": {"name": "agent-5d8f", "creationTimestamp": "2025-01-01T12:00:00Z", "ownerReferences": refs}, "revision": 3});
            assert_eq!(controllerrevision_cells(&cr, now), ["agent-5d8f", want, "3", "90s"].map(str::to_string).to_vec(), "{refs}");
        }
    }
}
