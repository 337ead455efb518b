//! Typed trace details of the API server's hottest steps: authentication, authorization,
//! persistence and a create's decode-and-default patch. Every request leaves these entries,
//! and building each as a `serde_json` map (a hashed key and a heap string per field, the
//! request body deep-copied, the defaulting diff computed) was a large share of a pod create's
//! cost, paid for entries that are mostly never read. They hold what the JSON is made of and
//! build it on first read (`trace::DetailSource`); a reader sees the same JSON, key for key.

use super::diff;
use crate::store::packed::Packed;
use crate::trace::{DetailSource, Label};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The request body an authentication entry shows: a create's body is shared with the
/// request pipeline (no copy), other verbs' summaries are small JSON values.
#[derive(Debug)]
pub(crate) enum Body {
    Json(Value),
    Shared(Arc<Value>),
}

/// `{"user", "groups", "method", "caller", "verb", "kind", "body"}` of an authenticated request.
#[derive(Debug)]
pub(crate) struct Authenticated {
    pub user: String,
    pub groups: Vec<String>,
    pub method: &'static str,
    pub caller: Label,
    pub verb: &'static str,
    pub kind: String,
    pub body: Body,
}

impl DetailSource for Authenticated {
    fn to_json(&self) -> Value {
        let mut m = Map::with_capacity(7);
        m.insert("user", Value::from(self.user.as_str()));
        m.insert("groups", Value::Array(self.groups.iter().map(|g| Value::from(g.as_str())).collect()));
        m.insert("method", Value::from(self.method));
        m.insert("caller", Value::from(self.caller.as_str()));
        m.insert("verb", Value::from(self.verb));
        m.insert("kind", Value::from(self.kind.as_str()));
        let body = match &self.body {
            Body::Json(v) => v.clone(),
            Body::Shared(v) => Value::clone(v),
        };
        m.insert("body", body);
        Value::Object(m)
    }
}

/// `{"user", "verb", "resource", "subresource", "apiGroup", "namespace", "matched", "errors"}`
/// of an authorization decision.
#[derive(Debug)]
pub(crate) struct Authorized {
    pub user: String,
    pub verb: &'static str,
    pub resource: &'static str,
    pub subresource: &'static str,
    pub api_group: &'static str,
    pub namespace: String,
    pub matched: String,
    pub errors: Vec<String>,
}

impl DetailSource for Authorized {
    fn to_json(&self) -> Value {
        let mut m = Map::with_capacity(8);
        m.insert("user", Value::from(self.user.as_str()));
        m.insert("verb", Value::from(self.verb));
        m.insert("resource", Value::from(self.resource));
        m.insert("subresource", Value::from(self.subresource));
        m.insert("apiGroup", Value::from(self.api_group));
        m.insert("namespace", Value::from(self.namespace.as_str()));
        m.insert("matched", Value::from(self.matched.as_str()));
        m.insert("errors", Value::Array(self.errors.iter().map(|e| Value::from(e.as_str())).collect()));
        Value::Object(m)
    }
}

/// `{"op", ["node",] "resourceVersion"}` of a successful etcd write.
#[derive(Debug)]
pub(crate) struct Persisted {
    pub op: &'static str,
    /// The node of a bind (`op: bind`), shown between the op and the resourceVersion.
    pub node: Option<String>,
    pub resource_version: String,
}

impl DetailSource for Persisted {
    fn to_json(&self) -> Value {
        let mut m = Map::with_capacity(3);
        m.insert("op", Value::from(self.op));
        if let Some(node) = &self.node {
            m.insert("node", Value::from(node.as_str()));
        }
        m.insert("resourceVersion", Value::from(self.resource_version.as_str()));
        Value::Object(m)
    }
}

/// `{"defaults": [patch]}` of a create's decode-and-default step, derived from the request
/// body it decoded (shared with the authentication entry): decoding and defaulting are pure
/// functions of the body, so decoding it again when the entry is read gives the patch the
/// request saw, without a second canonical serialisation and a diff on every create.
#[derive(Debug)]
pub(crate) struct Defaulted {
    pub body: Arc<Value>,
}

impl DetailSource for Defaulted {
    fn to_json(&self) -> Value {
        diff::fields([("defaults", Value::Array(defaulting_patch(&self.body)))])
    }
}

/// The operations API defaulting applies to `body`'s canonical form (empty for a body the
/// object model does not decode: the request failed there and traced that instead).
pub(crate) fn defaulting_patch(body: &Value) -> Vec<Value> {
    match podlab_api::Object::from_json_value(body) {
        Ok(mut obj) => {
            let before = obj.to_json();
            podlab_api::defaults::apply(&mut obj);
            diff::diff(&before, &obj.to_json())
        }
        Err(_) => Vec::new(),
    }
}

/// `{"plugin", "patch"}` of a built-in mutating admission plugin that changed a pod. The
/// operations are packed as the plugin's scoped diff finds them (`PackedOps`): building each
/// as a JSON map with a deep copy of its value, only for the trace to pack the whole detail
/// again, was a third of admission's cost per create.
#[derive(Debug)]
pub(crate) struct AdmissionPatch {
    pub plugin: &'static str,
    pub ops: Vec<PatchOp>,
}

/// One operation, read back as `{"op", "path"[, "value"]}` (what `diff` builds).
#[derive(Debug)]
pub(crate) struct PatchOp {
    op: &'static str,
    path: Box<str>,
    value: Option<Packed>,
}

impl DetailSource for AdmissionPatch {
    fn to_json(&self) -> Value {
        let ops = self
            .ops
            .iter()
            .map(|o| {
                let mut m = Map::with_capacity(3);
                m.insert("op", Value::from(o.op));
                m.insert("path", Value::from(&*o.path));
                if let Some(v) = &o.value {
                    m.insert("value", v.unpack());
                }
                Value::Object(m)
            })
            .collect();
        diff::fields([("plugin", Value::from(self.plugin)), ("patch", Value::Array(ops))])
    }
}

/// A sink for `diff`'s walk that packs each operation's value where it finds it.
#[derive(Debug, Default)]
pub(crate) struct PackedOps {
    pub ops: Vec<PatchOp>,
    buf: Vec<u8>,
}

impl PackedOps {
    /// An operation whose value is already packed (the typed admission plugins' fixed values).
    pub fn push_packed(&mut self, kind: &'static str, path: &str, value: Packed) {
        self.ops.push(PatchOp { op: kind, path: path.into(), value: Some(value) });
    }
}

impl diff::OpSink for PackedOps {
    fn push_op(&mut self, kind: &'static str, path: &str, value: Option<&Value>) {
        let value = value.map(|v| Packed::pack_with(v, &mut self.buf));
        self.ops.push(PatchOp { op: kind, path: path.into(), value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Each typed detail reads as the `json!` the API server built before.
    #[test]
    fn typed_details_equal_the_json_they_replace() {
        let body = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}});
        let cases: Vec<(Value, Value)> = vec![
            (
                Authenticated { user: "jane".into(), groups: vec!["system:authenticated".into()], method: "token", caller: Label::from("kubectl"), verb: "create", kind: "Pod".into(), body: Body::Shared(Arc::new(body.clone())) }.to_json(),
                {
                    let mut d = json!({"user": "jane", "groups": ["system:authenticated"], "method": "token", "caller": "kubectl", "verb": "create", "kind": "Pod"});
                    d.as_object_mut().unwrap().insert("body", body.clone());
                    d
                },
            ),
            (
                Authenticated { user: "u".into(), groups: vec![], method: "x509", caller: Label::from("kube-scheduler"), verb: "get", kind: "Node".into(), body: Body::Json(json!({"namespace": "", "name": "n"})) }.to_json(),
                json!({"user": "u", "groups": [], "method": "x509", "caller": "kube-scheduler", "verb": "get", "kind": "Node", "body": {"namespace": "", "name": "n"}}),
            ),
            (
                Authorized { user: "jane".into(), verb: "create", resource: "pods", subresource: "binding", api_group: "", namespace: "default".into(), matched: "m".into(), errors: vec!["e1".into(), "e2".into()] }.to_json(),
                json!({"user": "jane", "verb": "create", "resource": "pods", "subresource": "binding", "apiGroup": "", "namespace": "default", "matched": "m", "errors": ["e1", "e2"]}),
            ),
            (Persisted { op: "create", node: None, resource_version: "12".into() }.to_json(), json!({"op": "create", "resourceVersion": "12"})),
            (Persisted { op: "bind", node: Some("node01".into()), resource_version: "13".into() }.to_json(), json!({"op": "bind", "node": "node01", "resourceVersion": "13"})),
        ];
        for (got, want) in cases {
            assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());
        }
    }

    /// The lazily derived defaulting patch is the eager one: decode, canonical form, defaults,
    /// diff; and nothing for a body that does not decode.
    #[test]
    fn defaulting_patch_is_the_eager_diff() {
        let bodies = [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}}),
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"restartPolicy": "Never", "containers": [{"name": "a", "image": "busybox:1.36", "imagePullPolicy": "Always"}]}}),
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}}}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}}),
        ];
        for body in &bodies {
            let mut obj = podlab_api::Object::from_json_value(body).expect("decodes");
            let before = obj.to_json();
            podlab_api::defaults::apply(&mut obj);
            let want = diff::diff(&before, &obj.to_json());
            assert_eq!(defaulting_patch(body), want, "{body}");
            let lazy = Defaulted { body: Arc::new(body.clone()) }.to_json();
            assert_eq!(lazy, diff::fields([("defaults", Value::Array(want))]));
        }
        assert!(defaulting_patch(&json!({"apiVersion": "v1", "kind": "Pod", "bogus": 1})).is_empty());
    }
}
