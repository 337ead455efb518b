//! Admission: the API server's built-in plugins in their real order (NamespaceLifecycle,
//! LimitRanger, ServiceAccount, Priority, DefaultTolerationSeconds, then
//! MutatingAdmissionWebhook for data-defined injectors), and the validating half (LimitRanger's
//! min/max, ValidatingAdmissionPolicy). Plugins work on the object's wire form; each mutating
//! plugin's change is traced as a JSON-Patch-like diff. A plain pod create (only the built-in
//! plugins can change it: `typed_chain`) runs them on the decoded pod instead
//! (`mutate_pod_typed`), each recording the operations the wire form's diff would show.

mod limit_ranger;
mod priority;
mod scope;
mod service_account;
mod tolerations;

use super::diff::{diff, OpSink};
use super::trace_detail::{AdmissionPatch, PackedOps, PatchOp};
use super::Req;
use crate::meta;
use crate::status::Status;
use crate::store::ObjectKey;
use crate::trace::{Details, Outcome};
use scope::Touched;
use serde_json::{json, Value};

pub(crate) use limit_ranger::validate as limit_ranger_validate;

/// NamespaceLifecycle: namespaced objects need an existing, non-terminating namespace.
pub(crate) fn namespace_lifecycle(r: &mut Req, kind: &str, ns: &str, name: &str, label: &str) -> Result<(), Status> {
    let Some(ns_obj) = r.core.store.get(&ObjectKey::new("Namespace", "", ns)) else {
        r.trace("mutating-admission", Outcome::Denied, label, json!({"plugin": "NamespaceLifecycle", "namespace": ns}));
        return Err(Status::not_found("namespaces", ns));
    };
    if meta::deletion_timestamp(ns_obj).is_some() || meta::str_at(ns_obj, &["status", "phase"]) == Some("Terminating") {
        r.trace("mutating-admission", Outcome::Denied, label, json!({"plugin": "NamespaceLifecycle", "namespace": ns}));
        let qualified = crate::resources::by_kind(kind).map(|i| i.qualified()).unwrap_or_default();
        let cause = format!("unable to create new content in namespace {ns} because it is being terminated");
        return Err(Status::forbidden(&qualified, name, &cause));
    }
    Ok(())
}

/// A mutating plugin: changes the pod in place, saving what it changes in `Touched` first
/// (see `scope`); Err is the 403 cause text.
type Plugin = fn(&mut Req, &mut Value, &mut Touched) -> Result<(), String>;

const PLUGINS: [(&str, Plugin); 4] = [
    ("LimitRanger", limit_ranger::mutate),
    ("ServiceAccount", service_account::mutate),
    ("Priority", priority::mutate),
    ("DefaultTolerationSeconds", tolerations::mutate),
];

/// Runs the mutating chain on a pod being created; Err carries the 403 cause text.
pub(crate) fn mutate_pod(r: &mut Req, pod: &mut Value, label: &str) -> Result<(), Status> {
    let name = meta::name(pod).to_string();
    for (plugin, f) in PLUGINS {
        let scoped = scope::scopable(pod);
        let ran = if scoped && !super::write::eager_create() {
            run_plugin_packed(r, pod, f).map(|ops| Details::typed(AdmissionPatch { plugin, ops }))
        } else {
            run_plugin(r, pod, f, scoped).map(|patch| Details::from(super::diff::fields([("plugin", json!(plugin)), ("patch", Value::Array(patch))])))
        };
        match ran {
            Ok(details) => r.trace_details("mutating-admission", Outcome::Ok, label, details),
            Err(cause) => {
                r.trace("mutating-admission", Outcome::Denied, label, json!({"plugin": plugin, "error": cause}));
                return Err(Status::forbidden("pods", &name, &cause));
            }
        }
    }
    webhooks(r, pod, label);
    Ok(())
}

/// What a plain create's typed chain needs decided before any plugin runs: the Priority
/// plugin's class, resolved early (it reads only PriorityClasses) because a value beyond
/// `spec.priority`'s i32 makes the wire form undecodable, a case only the wire path replays.
pub(crate) struct TypedChain {
    priority: Result<(i64, String), String>,
}

/// The typed chain for `pod`, or None when only the wire path gives the exact outcome. The
/// caller has checked `plain` (no LimitRange in the namespace, no data-defined policies).
pub(crate) fn typed_chain(r: &Req, pod: &podlab_api::Pod) -> Option<TypedChain> {
    let priority = priority::resolve(r, &pod.spec.priority_class_name);
    if matches!(&priority, Ok((value, _)) if i32::try_from(*value).is_err()) {
        return None;
    }
    service_account::projected_typed()?;
    Some(TypedChain { priority })
}

/// `mutate_pod` of a plain create on its decoded pod: the same changes, trace entries (each
/// plugin's patch packed as `run_plugin_packed` packs the wire form's) and 403s. LimitRanger
/// has no LimitRange to apply (`plain`), so its patch is empty.
pub(crate) fn mutate_pod_typed(r: &mut Req, pod: &mut podlab_api::Pod, chain: TypedChain, label: &str) -> Result<(), Status> {
    let name = pod.metadata.name().to_string();
    traced(r, label, &name, "LimitRanger", Ok(PackedOps::default()))?;
    let mut ops = PackedOps::default();
    let ran = service_account::mutate_typed(r, pod, &mut ops).map(|()| ops);
    traced(r, label, &name, "ServiceAccount", ran)?;
    let mut ops = PackedOps::default();
    let ran = priority::mutate_typed(pod, chain.priority, &mut ops).map(|()| ops);
    traced(r, label, &name, "Priority", ran)?;
    let mut ops = PackedOps::default();
    tolerations::mutate_typed(pod, &mut ops);
    traced(r, label, &name, "DefaultTolerationSeconds", Ok(ops))
}

/// The trace entry of one typed plugin run (what `mutate_pod` records), and its 403.
fn traced(r: &mut Req, label: &str, name: &str, plugin: &'static str, ran: Result<PackedOps, String>) -> Result<(), Status> {
    match ran {
        Ok(ops) => {
            r.trace_details("mutating-admission", Outcome::Ok, label, Details::typed(AdmissionPatch { plugin, ops: ops.ops }));
            Ok(())
        }
        Err(cause) => {
            r.trace("mutating-admission", Outcome::Denied, label, json!({"plugin": plugin, "error": cause}));
            Err(Status::forbidden("pods", name, &cause))
        }
    }
}

/// Records an `add` operation (the typed plugins' patches are all additions but one).
fn add(ops: &mut PackedOps, path: &str, value: &Value) {
    ops.push_op("add", path, Some(value));
}

fn replace(ops: &mut PackedOps, path: &str, value: &Value) {
    ops.push_op("replace", path, Some(value));
}

/// Runs one plugin and returns its patch: from the keys it saved when `scoped`, otherwise
/// (a pod `scope::scopable` cannot vouch for) from a whole copy taken before.
fn run_plugin(r: &mut Req, pod: &mut Value, f: Plugin, scoped: bool) -> Result<Vec<Value>, String> {
    if scoped {
        let mut touched = Touched::new(true);
        f(r, pod, &mut touched)?;
        return Ok(touched.patch(pod));
    }
    let before = pod.clone();
    f(r, pod, &mut Touched::new(false))?;
    Ok(diff(&before, pod))
}

/// `run_plugin` on a scopable pod, its patch packed for the trace as the walk finds it
/// (`trace_detail::AdmissionPatch` reads as the JSON `run_plugin`'s patch makes).
fn run_plugin_packed(r: &mut Req, pod: &mut Value, f: Plugin) -> Result<Vec<PatchOp>, String> {
    let mut touched = Touched::new(true);
    f(r, pod, &mut touched)?;
    let mut sink = PackedOps::default();
    touched.patch_into(pod, &mut sink);
    Ok(sink.ops)
}

fn namespace_labels(r: &Req, ns: &str) -> Vec<(String, String)> {
    r.core
        .store
        .get(&ObjectKey::new("Namespace", "", ns))
        .map(|n| meta::labels(n).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
        .unwrap_or_default()
}

/// MutatingAdmissionWebhook: data-defined injectors from the ClusterSpec.
fn webhooks(r: &mut Req, pod: &mut Value, label: &str) {
    if r.core.apiserver.policies.is_empty() {
        return;
    }
    let owned = namespace_labels(r, meta::namespace(pod));
    let ns_labels: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let policies = r.core.apiserver.policies.clone();
    for p in &policies {
        let before = pod.clone();
        if p.mutate_pod(pod, &ns_labels) {
            // The API server re-applies defaulting to a webhook-patched object, so injected
            // containers get imagePullPolicy, terminationMessagePolicy and friends.
            if let Some(mut o) = meta::typed::<podlab_api::Pod>(pod).map(podlab_api::Object::Pod) {
                podlab_api::defaults::apply(&mut o);
                *pod = o.to_json();
            }
            let patch = diff(&before, pod);
            r.trace("mutating-admission", Outcome::Ok, label, super::diff::fields([("plugin", json!("MutatingAdmissionWebhook")), ("webhook", json!(p.name())), ("patch", Value::Array(patch))]));
        }
    }
}

/// ValidatingAdmissionPolicy: the data-defined validating policies.
pub(crate) fn validate_policies(r: &mut Req, pod: &Value, label: &str) -> Result<(), Status> {
    if r.core.apiserver.policies.is_empty() {
        return Ok(());
    }
    let owned = namespace_labels(r, meta::namespace(pod));
    let ns_labels: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let policies = r.core.apiserver.policies.clone();
    for p in &policies {
        if let Err((reason, cause)) = p.validate_pod(pod, &ns_labels) {
            r.trace("validating-admission", Outcome::Denied, label, json!({"plugin": "ValidatingAdmissionPolicy", "policy": p.name(), "message": cause}));
            // The API server answers with reason Invalid (unless the validation names another
            // reason) and a cause with an empty field; kubectl renders that as
            // `The pods "web" is invalid: : <cause>`, which is what an Invalid message carries here.
            let name = meta::name(pod);
            let st = match reason.as_str() {
                "Invalid" => Status::new(422, "Invalid", format!("The pods {name:?} is invalid: : {cause}")),
                other => {
                    let mut st = Status::forbidden("pods", name, &cause);
                    st.code = match other {
                        "Unauthorized" => 401,
                        "RequestEntityTooLarge" => 413,
                        _ => 403,
                    };
                    st.reason = other.to_string();
                    st
                }
            };
            return Err(st);
        }
    }
    r.trace("validating-admission", Outcome::Ok, label, json!({"plugin": "ValidatingAdmissionPolicy"}));
    Ok(())
}

#[cfg(test)]
mod tests;
