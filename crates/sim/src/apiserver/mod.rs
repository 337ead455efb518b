//! The simulated kube-apiserver. Every request runs the real pipeline in the real order and
//! leaves one trace entry per step: authentication → authorization (RBAC) → decoding and
//! defaulting → mutating admission → validation → validating admission → etcd. Reads skip
//! admission. The handlers for each verb live in `write` and `read` (a plain pod create's typed
//! path in `typed_create`); admission plugins in `admission`.

pub mod admission;
pub mod authn;
mod typed_create;
mod decode_default;
pub mod diff;
mod eviction;
pub mod generation;
pub mod patch;
pub mod pod_strategy;
pub mod rbac;

mod read;
mod trace_detail;
mod write;

pub use write::set_condition as set_pod_condition;

use crate::admission_policy::AdmissionPolicy;
use crate::cluster::{ClusterSpec, UserSpec};
use crate::request::{ApiRequest, ApiResponse, Verb};
use crate::resources::{self, ResourceInfo};
use crate::rng::Rng;
use crate::sim::Core;
use crate::status::Status;
use crate::trace::{object_label, Details, Label, Outcome};
use authn::UserInfo;
use serde_json::{json, Value};
use std::sync::Arc;
use trace_detail::Body;

pub const COMPONENT: &str = "kube-apiserver";

/// API server state that outlives requests.
#[derive(Debug)]
pub struct ApiServer {
    pub(crate) rng: Rng,
    pub(crate) users: Vec<UserSpec>,
    pub(crate) policies: Vec<AdmissionPolicy>,
    pub(crate) last_warnings: Vec<String>,
    /// UIDs of pods placed through the pods/binding subresource (the invariant checker
    /// verifies the scheduler never overcommits a node with them).
    pub(crate) bound_uids: std::collections::BTreeSet<String>,
    /// Which bindings name which user (see `rbac::SubjectCache`).
    pub(crate) rbac_cache: rbac::SubjectCache,
    /// The component label of every entry the API server traces (one shared string).
    component: Label,
    next_request: u64,
}

impl ApiServer {
    pub fn new(seed: u64, cluster: &ClusterSpec) -> Self {
        ApiServer {
            rng: Rng::stream(seed, "kube-apiserver"),
            users: cluster.users.clone(),
            policies: cluster.admission_policies.clone(),
            last_warnings: Vec::new(),
            bound_uids: std::collections::BTreeSet::new(),
            rbac_cache: rbac::SubjectCache::default(),
            component: Label::from(COMPONENT),
            next_request: 0,
        }
    }
}

/// Per-request context handed to the verb handlers.
pub(crate) struct Req<'a> {
    pub core: &'a mut Core,
    pub id: u64,
    pub user: UserInfo,
    pub dry_run: bool,
    /// The API server's interned component name and the last object label traced: a request
    /// leaves ~10 entries about one object, which share one label instead of a copy each.
    component: Label,
    object: Label,
}

impl<'a> Req<'a> {
    pub fn new(core: &'a mut Core, id: u64, user: UserInfo, dry_run: bool) -> Self {
        let component = core.apiserver.component.clone();
        Req { core, id, user, dry_run, component, object: Label::default() }
    }

    pub fn trace(&mut self, step: &str, outcome: Outcome, object: &str, details: Value) {
        self.trace_details(step, outcome, object, Details::from(details));
    }

    /// `trace` with a typed (lazily rendered) detail.
    pub fn trace_details(&mut self, step: &str, outcome: Outcome, object: &str, details: Details) {
        if self.object.as_str() != object {
            self.object = Label::from(object);
        }
        let now = self.core.now;
        self.core.trace.push_labeled(now, self.component.clone(), step, outcome, Some(self.id), self.object.clone(), details);
    }

    /// Runs authorization and traces it; Err is the 403 to return.
    pub fn authorize(&mut self, info: &ResourceInfo, verb: &'static str, sub: &'static str, ns: &str, name: &str, label: &str) -> Result<(), Status> {
        let ns = if info.namespaced { ns } else { "" };
        let attrs = rbac::Attributes { verb, api_group: info.group, resource: info.resource, subresource: sub, namespace: ns, name };
        let d = rbac::authorize_cached(&self.core.store, &mut self.core.apiserver.rbac_cache, &self.user, &attrs);
        let cause = (!d.allowed).then(|| rbac::forbidden_cause(&self.user, &attrs, &d.errors));
        let details = trace_detail::Authorized {
            user: self.user.name.clone(),
            verb,
            resource: info.resource,
            subresource: sub,
            api_group: info.group,
            namespace: ns.to_string(),
            matched: d.matched,
            errors: d.errors,
        };
        let outcome = if cause.is_none() { Outcome::Ok } else { Outcome::Denied };
        self.trace_details("authorization", outcome, label, Details::typed(details));
        match cause {
            None => Ok(()),
            Some(cause) => Err(Status::forbidden(&info.qualified(), name, &cause)),
        }
    }
}

/// The verb, kind and body an authentication entry shows. A create's body is the request's own
/// (shared, see `handle`), so it has none here.
fn verb_summary(verb: &Verb) -> (&'static str, String, Value) {
    match verb {
        Verb::Create { object } => ("create", crate::meta::kind(object).to_string(), Value::Null),
        Verb::Get { kind, namespace, name } => ("get", kind.clone(), json!({"namespace": namespace, "name": name})),
        Verb::List { kind, namespace, label_selector, field_selector } => (
            "list",
            kind.clone(),
            json!({"namespace": namespace, "labelSelector": label_selector, "fieldSelector": field_selector}),
        ),
        Verb::Update { object } => ("update", crate::meta::kind(object).to_string(), object.clone()),
        // Copied directly, not through `json!`'s serialiser (same shape and capacity, less work).
        Verb::UpdateStatus { object } => ("update", crate::meta::kind(object).to_string(), diff::fields([("status", object.get("status").map_or(Value::Null, diff::exact_copy))])),
        Verb::Patch { kind, namespace, name, patch_type, patch } => {
            ("patch", kind.clone(), json!({"namespace": namespace, "name": name, "patchType": format!("{patch_type:?}"), "patch": patch}))
        }
        Verb::Delete { kind, namespace, name, options } => {
            ("delete", kind.clone(), json!({"namespace": namespace, "name": name, "gracePeriodSeconds": options.grace_period_seconds}))
        }
        Verb::Bind { namespace, pod, node } => ("create", "Pod".into(), json!({"namespace": namespace, "pod": pod, "node": node})),
        Verb::Evict { namespace, pod, .. } => ("create", "Pod".into(), json!({"namespace": namespace, "pod": pod, "subresource": "eviction"})),
        Verb::Logs { namespace, pod, container, .. } => ("get", "Pod".into(), json!({"namespace": namespace, "pod": pod, "container": container, "subresource": "log"})),
        Verb::Exec { namespace, pod, container, command, .. } => {
            ("create", "Pod".into(), json!({"namespace": namespace, "pod": pod, "container": container, "command": command, "subresource": "exec"}))
        }
    }
}

/// Handles one request at the core's current time. `caller` is the component name when an
/// in-cluster component calls (None for kubectl / the UI).
pub(crate) fn handle(core: &mut Core, req: ApiRequest, caller: Option<&str>) -> ApiResponse {
    core.apiserver.next_request += 1;
    core.apiserver.last_warnings.clear();
    let id = core.apiserver.next_request;
    let (verb_name, kind, body) = verb_summary(&req.verb);
    // A create's body is shared by the authentication entry, the decode-and-default entry and
    // the pipeline instead of deep-copied for the trace.
    let (verb, body) = match req.verb {
        Verb::Create { object } => {
            let shared = Arc::new(object);
            (Pipeline::Create(Arc::clone(&shared)), Body::Shared(shared))
        }
        other => (Pipeline::Other(other), Body::Json(body)),
    };
    let user = authn::authenticate(&core.apiserver.users, req.user.as_deref(), &req.groups);
    let component = core.apiserver.component.clone();
    let caller_name = caller.unwrap_or("kubectl");
    let now = core.now;
    let user = match user {
        Ok(u) => {
            let details = trace_detail::Authenticated {
                user: u.name.clone(),
                groups: u.groups.clone(),
                method: u.method,
                caller: core.trace.intern(caller_name),
                verb: verb_name,
                kind,
                body,
            };
            core.trace.push_labeled(now, component, "authentication", Outcome::Ok, Some(id), Label::default(), Details::typed(details));
            u
        }
        Err(st) => {
            let caller = caller_name.to_string();
            let details = json!({"user": req.user, "caller": caller, "verb": verb_name, "kind": kind, "error": st.message});
            core.trace.push(now, COMPONENT, "authentication", Outcome::Denied, Some(id), String::new(), details);
            return Err(st);
        }
    };
    let mut r = Req::new(core, id, user, req.dry_run);
    let result = match verb {
        Pipeline::Create(object) => write::create(&mut r, object),
        Pipeline::Other(verb) => dispatch(&mut r, verb),
    };
    if let Err(st) = &result {
        r.trace("response", Outcome::Error, "", json!({"code": st.code, "reason": st.reason, "message": st.message}));
    }
    result
}

/// A request on its way to its handler: a create carries its shared body.
enum Pipeline {
    Create(Arc<Value>),
    Other(Verb),
}

fn dispatch(r: &mut Req, verb: Verb) -> ApiResponse {
    match verb {
        Verb::Create { object } => write::create(r, Arc::new(object)),
        Verb::Update { object } => write::update(r, object, false),
        Verb::UpdateStatus { object } => write::update(r, object, true),
        Verb::Patch { kind, namespace, name, patch_type, patch } => write::patch(r, &kind, &namespace, &name, patch_type, &patch),
        Verb::Delete { kind, namespace, name, options } => write::delete(r, &kind, &namespace, &name, &options),
        Verb::Bind { namespace, pod, node } => write::bind(r, &namespace, &pod, &node),
        Verb::Evict { namespace, pod, options } => eviction::evict(r, &namespace, &pod, &options),
        // Proxied to the kubelet by `Simulation::submit`; a component cannot stream them.
        Verb::Logs { .. } | Verb::Exec { .. } => Err(Status::bad_request("pods/log and pods/exec are served by the node's kubelet")),
        Verb::Get { kind, namespace, name } => read::get(r, &kind, &namespace, &name),
        Verb::List { kind, namespace, label_selector, field_selector } => {
            read::list(r, &kind, namespace.as_deref(), label_selector.as_deref(), field_selector.as_deref())
        }
    }
}

/// The served resource for a kind, or the API server's 404 for an unknown type.
pub(crate) fn resource_for(kind: &str) -> Result<&'static ResourceInfo, Status> {
    resources::by_kind(kind).ok_or_else(|| Status::new(404, "NotFound", "the server could not find the requested resource"))
}

pub(crate) fn label_of(info: &ResourceInfo, ns: &str, name: &str) -> String {
    object_label(info.kind, if info.namespaced { ns } else { "" }, name)
}
