//! The API server's request and response types: what kubectl, the UI, lessons and in-cluster
//! components send to `Simulation::submit`. A request names the verb the way the REST API does
//! (create/get/list/update/patch/delete and the pods/binding and pods/status subresources) and
//! carries the user kubectl would send (`--as`, `--as-group`). Objects travel in wire form.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::status::Status;

/// How a patch body is interpreted (`kubectl patch --type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatchType {
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/strategic-merge-patch+json` (kubectl's default).
    Strategic,
    /// `application/json-patch+json` (RFC 6902).
    Json,
}

/// `propagationPolicy` of a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

/// `metav1.DeleteOptions` as kubectl fills them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOptions {
    /// None = the object's own grace period (`--grace-period=-1`); Some(0) with `--force`.
    pub grace_period_seconds: Option<i64>,
    pub propagation: Propagation,
    /// Precondition on the object's UID (the kubelet's final delete uses it).
    pub uid: Option<String>,
}

/// The verb and its arguments. New verbs (pods/log, pods/exec) are added by the kubelet
/// work; match with a wildcard arm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Verb {
    Create { object: Value },
    Get { kind: String, namespace: String, name: String },
    List { kind: String, namespace: Option<String>, label_selector: Option<String>, field_selector: Option<String> },
    Update { object: Value },
    /// The `status` subresource: only `status` of the object is taken.
    UpdateStatus { object: Value },
    Patch { kind: String, namespace: String, name: String, patch_type: PatchType, patch: Value },
    Delete { kind: String, namespace: String, name: String, options: DeleteOptions },
    /// The `pods/binding` subresource the scheduler uses.
    Bind { namespace: String, pod: String, node: String },
    /// `pods/log` (`kubectl logs`): served by the node's kubelet. `container` None = the
    /// only container (the API server's rule; kubectl picks a default itself).
    Logs { namespace: String, pod: String, container: Option<String>, options: crate::kubelet::LogOptions },
    /// `pods/exec` (`kubectl exec`): starts a session in the node's kubelet; answered with
    /// `ApiOk::Exec`. Continue it with `Simulation::exec_poll` / `exec_wait` / `exec_close`.
    Exec { namespace: String, pod: String, container: Option<String>, command: Vec<String>, stdin: Option<String>, tty: bool },
    /// The `pods/eviction` subresource (policy/v1 Eviction, `kubectl drain`): a delete the
    /// caller needs only `create pods/eviction` for.
    Evict { namespace: String, pod: String, options: DeleteOptions },
}

/// One call to the API server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiRequest {
    /// `--as`: None is the kubeconfig's default user `kubernetes-admin` (group system:masters).
    pub user: Option<String>,
    /// `--as-group`, added to the groups the user already has.
    pub groups: Vec<String>,
    /// `--dry-run=server`: run the whole pipeline but do not persist.
    pub dry_run: bool,
    pub verb: Verb,
}

impl ApiRequest {
    pub fn new(verb: Verb) -> Self {
        ApiRequest { user: None, groups: Vec::new(), dry_run: false, verb }
    }
    pub fn as_user(mut self, user: &str) -> Self {
        self.user = Some(user.to_string());
        self
    }
    pub fn create(object: Value) -> Self {
        ApiRequest::new(Verb::Create { object })
    }
    pub fn get(kind: &str, namespace: &str, name: &str) -> Self {
        ApiRequest::new(Verb::Get { kind: kind.into(), namespace: namespace.into(), name: name.into() })
    }
    pub fn list(kind: &str, namespace: Option<&str>) -> Self {
        ApiRequest::new(Verb::List { kind: kind.into(), namespace: namespace.map(Into::into), label_selector: None, field_selector: None })
    }
    pub fn delete(kind: &str, namespace: &str, name: &str) -> Self {
        ApiRequest::new(Verb::Delete { kind: kind.into(), namespace: namespace.into(), name: name.into(), options: DeleteOptions::default() })
    }
    pub fn update(object: Value) -> Self {
        ApiRequest::new(Verb::Update { object })
    }
    pub fn update_status(object: Value) -> Self {
        ApiRequest::new(Verb::UpdateStatus { object })
    }
    pub fn bind(namespace: &str, pod: &str, node: &str) -> Self {
        ApiRequest::new(Verb::Bind { namespace: namespace.into(), pod: pod.into(), node: node.into() })
    }
    pub fn patch(kind: &str, namespace: &str, name: &str, patch_type: PatchType, patch: Value) -> Self {
        ApiRequest::new(Verb::Patch { kind: kind.into(), namespace: namespace.into(), name: name.into(), patch_type, patch })
    }
}

/// A successful answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ApiOk {
    /// The object as answered. A stored object is the store's own shared copy: a create, an
    /// update or a get must not deep-copy a pod that most callers only look at or drop.
    Object(std::sync::Arc<Value>),
    /// A list with the revision it was read at (`metadata.resourceVersion` of the List). The
    /// items share the store's copies: a list of 200 pods must not deep-copy 200 objects.
    List { items: Vec<std::sync::Arc<Value>>, resource_version: String },
    /// The object as deleted. `finished` is false when the object still exists with a
    /// deletionTimestamp (graceful pod deletion, pending finalizers).
    Deleted { object: Value, finished: bool },
    /// `pods/log`: the text exactly as kubectl prints it.
    Logs(String),
    /// `pods/exec`: the session's first output (and exit code if it already finished).
    Exec(crate::kubelet::ExecOutput),
}

impl ApiOk {
    pub fn object(&self) -> Option<&Value> {
        match self {
            ApiOk::Object(v) => Some(v),
            ApiOk::Deleted { object: v, .. } => Some(v),
            ApiOk::List { .. } | ApiOk::Logs(_) | ApiOk::Exec(_) => None,
        }
    }
    pub fn into_object(self) -> Option<Value> {
        match self {
            ApiOk::Object(v) => Some(std::sync::Arc::unwrap_or_clone(v)),
            ApiOk::Deleted { object: v, .. } => Some(v),
            ApiOk::List { .. } | ApiOk::Logs(_) | ApiOk::Exec(_) => None,
        }
    }
}

pub type ApiResponse = Result<ApiOk, Status>;
