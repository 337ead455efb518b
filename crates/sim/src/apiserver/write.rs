//! Write verbs: create, update (and the status subresource), patch, delete and the
//! pods/binding subresource. Each runs authorization, decoding with API defaulting, admission
//! (create), validation and the etcd write, tracing every step, and wakes the watchers of the
//! change.

use super::decode_default::{decode_and_default, decode_and_default_shared};
use super::{admission, label_of, pod_strategy, resource_for, trace_detail, typed_create, Req};
use crate::meta;
use crate::request::{ApiOk, ApiResponse, DeleteOptions, PatchType};
use crate::resources::ResourceInfo;
use crate::status::Status;
use crate::store::ObjectKey;
use crate::trace::{Details, Outcome};
use serde_json::{json, Value};
use std::sync::Arc;

/// What `validate` checks: an object in wire form, or a pod already decoded (a status write
/// decodes the stored pod with its new status in place, `meta::typed_with`, instead of first
/// deep-copying the pod to put the status in).
pub(super) enum Candidate {
    Wire(Value),
    Pod(Box<podlab_api::Pod>),
    /// A pod being created the wire way (not `typed_create`), its status cleared
    /// (`pod_strategy::clear_status`): the decode validation makes also gives
    /// `PrepareForCreate` its spec (`pod_strategy::prepare_typed`).
    NewPod(Value),
}

/// Re-decodes after admission (catching shape errors a plugin could introduce), runs the
/// object model's create (or, with `old`, update) validation and returns the canonical wire
/// form. A 422's message is what kubectl prints for it (`The Pod "web" is invalid: ...`,
/// several causes as a bullet list), because that is the contract kubectl codes against.
pub(super) fn validate(r: &mut Req, obj: Candidate, old: Option<&Value>, label: &str) -> Result<Value, Status> {
    use podlab_api::validation::{self, Error, ErrorList};
    let (kind, name) = match &obj {
        Candidate::Wire(v) | Candidate::NewPod(v) => (meta::kind(v).to_string(), meta::name(v).to_string()),
        Candidate::Pod(p) => ("Pod".to_string(), p.metadata.name().to_string()),
    };
    let mut errors = ErrorList::new();
    if name.is_empty() {
        errors.push(Error::required("metadata.name", "name or generateName is required"));
    }
    // Pods (the hot path) were strictly decoded before admission; a plain typed decode is
    // enough to catch a plugin producing a bad shape and to restore the API's field order.
    let typed = |v: &Value| match meta::kind(v) {
        "Pod" => meta::typed::<podlab_api::Pod>(v).map(podlab_api::Object::Pod),
        _ => podlab_api::Object::from_json_value(v).ok(),
    };
    // A new pod's wire form is kept: it holds the canonical form's data in another key order
    // (`to_json_reusing`).
    let mut reusable = None;
    let decoded = match obj {
        Candidate::Wire(v) => typed(&v).ok_or(v),
        Candidate::Pod(p) => Ok(podlab_api::Object::Pod(*p)),
        Candidate::NewPod(mut v) => match meta::typed::<podlab_api::Pod>(&v) {
            Some(mut p) => {
                pod_strategy::prepare_typed(&mut p);
                if !eager_create() {
                    if let (Some(m), Ok(status)) = (v.as_object_mut(), serde_json::to_value(&p.status)) {
                        m.insert("status", status);
                        reusable = Some(v);
                    }
                }
                Ok(podlab_api::Object::Pod(p))
            }
            None => {
                // Stored as sent, as before: with the status the wire-form strategy gives.
                pod_strategy::prepare_for_create(&mut v);
                Err(v)
            }
        },
    };
    let canonical = match decoded {
        Ok(o) => {
            let checked = match old.and_then(typed) {
                Some(prev) => validation::validate_update(&prev, &o),
                None => validation::validate_create(&o),
            };
            if let Err(list) = checked {
                errors.extend(list);
            }
            let mut v = match reusable {
                Some(wire) => o.to_json_reusing(wire),
                None => o.to_json(),
            };
            meta::status_last(&mut v);
            v
        }
        Err(v) => v,
    };
    if errors.is_empty() {
        r.trace("validation", Outcome::Ok, label, json!({}));
        return Ok(canonical);
    }
    let causes: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    r.trace("validation", Outcome::Error, label, json!({"errors": causes}));
    let message = errors.to_invalid_message(&kind, &name).trim_end_matches('\n').to_string();
    Err(Status::new(422, "Invalid", message))
}

pub(super) fn persist_create(r: &mut Req, obj: Value, label: &str) -> ApiResponse {
    if r.dry_run {
        r.trace("persistence", Outcome::Info, label, json!({"dryRun": true}));
        return Ok(ApiOk::Object(Arc::new(obj)));
    }
    match r.core.store.create(obj) {
        Ok((stored, woken)) => {
            let details = trace_detail::Persisted { op: "create", node: None, resource_version: meta::resource_version(&stored).to_string() };
            r.trace_details("persistence", Outcome::Ok, label, Details::typed(details));
            r.core.wake_watchers(woken);
            Ok(ApiOk::Object(stored))
        }
        Err(st) => {
            r.trace("persistence", Outcome::Error, label, json!({"op": "create", "error": st.message}));
            Err(st)
        }
    }
}

/// `rest.BeforeCreate`: generateName, uid, creationTimestamp, registry strategy.
fn before_create(r: &mut Req, obj: &mut Value, info: &ResourceInfo) {
    let generate = meta::str_at(obj, &["metadata", "generateName"]).unwrap_or("").to_string();
    if meta::name(obj).is_empty() && !generate.is_empty() {
        // The real server retries a taken generated name (RetryGenerateName); a bounded retry
        // here keeps the same observable result.
        for _ in 0..8 {
            let candidate = format!("{generate}{}", r.core.apiserver.rng.name_suffix(5));
            if r.core.store.get(&ObjectKey::new(info.kind, meta::namespace(obj), &candidate)).is_none() {
                meta::set_meta_str(obj, "name", &candidate);
                break;
            }
        }
    }
    let uid = r.core.apiserver.rng.uid();
    let created = r.core.epoch.rfc3339(r.core.now);
    let m = meta::metadata_mut(obj);
    m.insert("uid", json!(uid));
    m.insert("creationTimestamp", json!(created));
    for k in ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds"] {
        m.shift_remove(k);
    }
    super::generation::on_create(info.kind, obj);
    if info.kind == "Pod" {
        // The rest of `PrepareForCreate` happens on the decoded pod in `validate`.
        pod_strategy::clear_status(obj);
    }
    if info.kind == "Namespace" {
        let name = meta::name(obj).to_string();
        let labels = meta::metadata_mut(obj).entry("labels".to_string()).or_insert_with(|| json!({}));
        if let Some(l) = labels.as_object_mut() {
            l.insert("kubernetes.io/metadata.name", json!(name));
        }
        obj["spec"] = json!({"finalizers": ["kubernetes"]});
        obj["status"] = json!({"phase": "Active"});
    }
}

pub(crate) fn create(r: &mut Req, mut body: Arc<Value>) -> ApiResponse {
    let info = resource_for(meta::kind(&body))?;
    // The body is shared with the trace: an edit here copies it (the request as sent stays
    // in the authentication entry).
    if info.namespaced && meta::namespace(&body).is_empty() {
        meta::set_meta_str(Arc::make_mut(&mut body), "namespace", "default");
    } else if !info.namespaced && !matches!(body.get("metadata").and_then(Value::as_object), Some(m) if !m.contains_key("namespace")) {
        meta::metadata_mut(Arc::make_mut(&mut body)).shift_remove("namespace");
    }
    let ns = meta::namespace(&body).to_string();
    let shown = if meta::name(&body).is_empty() { meta::str_at(&body, &["metadata", "generateName"]).unwrap_or("") } else { meta::name(&body) };
    let label = label_of(info, &ns, shown);
    r.authorize(info, "create", "", &ns, "", &label)?;
    let mut obj = match eager_create() {
        true => decode_and_default(r, &body, &label)?,
        false => match decode_and_default_shared(r, &body, &label)? {
            Some(podlab_api::Object::Pod(pod)) if typed_create::plain(r, &ns) => match admission::typed_chain(r, &pod) {
                Some(chain) => return typed_create::create(r, info, &ns, &label, pod, chain),
                None => podlab_api::Object::Pod(pod).to_json(),
            },
            Some(o) => o.to_json(),
            None => Value::clone(&body),
        },
    };
    if info.namespaced {
        admission::namespace_lifecycle(r, info.kind, &ns, meta::name(&obj), &label)?;
    }
    if info.kind == "Pod" {
        admission::mutate_pod(r, &mut obj, &label)?;
    }
    before_create(r, &mut obj, info);
    if info.kind == "Service" && !r.dry_run {
        // The service registry allocates clusterIP(s) and node ports on create.
        crate::controllers::services::allocate_on_create(r.core, &mut obj)?;
    }
    if info.kind == "Job" {
        crate::controllers::job::prepare_for_create(&mut obj);
    }
    let label = label_of(info, &ns, meta::name(&obj));
    let candidate = match info.kind {
        "Pod" => Candidate::NewPod(obj),
        _ => Candidate::Wire(obj),
    };
    let obj = validate(r, candidate, None, &label)?;
    if info.kind == "Pod" {
        validating_admission(r, &obj, &label)?;
    }
    persist_create(r, obj, &label)
}

fn validating_admission(r: &mut Req, pod: &Value, label: &str) -> Result<(), Status> {
    // LimitRanger's min/max need the typed pod, but only a namespace with a LimitRange has
    // any to check: elsewhere the decode is skipped (the outcome is Ok either way).
    let limited = r.core.store.list("LimitRange", Some(meta::namespace(pod))).next().is_some();
    if let Some(typed) = limited.then(|| meta::typed::<podlab_api::Pod>(pod)).flatten() {
        if let Err(cause) = admission::limit_ranger_validate(r, &typed) {
            r.trace("validating-admission", Outcome::Denied, label, json!({"plugin": "LimitRanger", "error": cause}));
            return Err(Status::forbidden("pods", meta::name(pod), &cause));
        }
    }
    admission::validate_policies(r, pod, label)
}

/// Fields of `current` an update may not change (identity and lifecycle metadata).
fn keep_system_metadata(new: &mut Value, current: &Value) {
    let m = meta::metadata_mut(new);
    for k in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name"] {
        match current.get("metadata").and_then(|cm| cm.get(k)) {
            Some(v) => {
                m.insert(k.to_string(), v.clone());
            }
            None => {
                m.shift_remove(k);
            }
        }
    }
}

fn has_status_subresource(kind: &str) -> bool {
    matches!(kind, "Pod" | "Node" | "Namespace" | "Deployment" | "ReplicaSet" | "Job" | "Service" | "PersistentVolumeClaim" | "PersistentVolume" | "DaemonSet" | "PodDisruptionBudget")
}

pub(crate) fn update(r: &mut Req, body: Value, status_only: bool) -> ApiResponse {
    let info = resource_for(meta::kind(&body))?;
    let ns = if info.namespaced { meta::namespace(&body).to_string() } else { String::new() };
    let ns = if info.namespaced && ns.is_empty() { "default".to_string() } else { ns };
    let name = meta::name(&body).to_string();
    let label = label_of(info, &ns, &name);
    r.authorize(info, "update", if status_only { "status" } else { "" }, &ns, &name, &label)?;
    let key = ObjectKey::new(info.kind, &ns, &name);
    let Some(current) = r.core.store.get(&key).cloned() else {
        return Err(Status::not_found(&info.qualified(), &name));
    };
    let expected_rv = meta::resource_version(&body).to_string();
    let mut new = if status_only {
        let mut body = body;
        let status = body.get_mut("status").map(Value::take).unwrap_or(json!({}));
        // A pod's status write (the kubelet's most frequent request) decodes the stored pod
        // with the new status in place; `keep_system_metadata` has nothing to do for it, as
        // all of its metadata is the stored pod's. Anything that does not decode goes the
        // general way and meets the same outcome there.
        if info.kind == "Pod" && !wire_only() {
            if let Some(pod) = meta::typed_with::<podlab_api::Pod>(&current, "status", &status) {
                return write_update(r, info, Candidate::Pod(Box::new(pod)), &current, &expected_rv, &label, false);
            }
        }
        with_status(&current, status)
    } else {
        let mut b = body;
        meta::set_meta_str(&mut b, "namespace", &ns);
        let mut n = decode_and_default(r, &b, &label)?;
        if has_status_subresource(info.kind) {
            n["status"] = current.get("status").cloned().unwrap_or(json!({}));
        }
        n
    };
    keep_system_metadata(&mut new, &current);
    write_update(r, info, Candidate::Wire(new), &current, &expected_rv, &label, !status_only)
}

#[cfg(test)]
thread_local! {
    /// Tests switch the typed status write off to compare it with the general path.
    static WIRE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
thread_local! {
    /// Tests switch the create fast paths off (the lazily derived defaulting patch, reusing a
    /// new pod's wire form) to compare them with the eager, serialising path.
    static EAGER_CREATE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
pub(super) fn eager_create() -> bool {
    EAGER_CREATE.with(std::cell::Cell::get)
}

#[cfg(not(test))]
pub(super) fn eager_create() -> bool {
    false
}

#[cfg(test)]
fn wire_only() -> bool {
    WIRE_ONLY.with(std::cell::Cell::get)
}

#[cfg(not(test))]
fn wire_only() -> bool {
    false
}

/// `current` with its status replaced, in the same key order as assigning `status` on a full
/// copy, without deep-copying the old status only to drop it (status writes are the kubelet's
/// most frequent request).
fn with_status(current: &Value, status: Value) -> Value {
    let Some(fields) = current.as_object() else {
        // Stored objects are always JSON objects; anything else gets just the status.
        return super::diff::fields([("status", status)]);
    };
    let mut out = serde_json::Map::with_capacity(fields.len() + 1);
    let mut status = Some(status);
    for (k, v) in fields {
        let v = if k == "status" { status.take().unwrap_or_default() } else { v.clone() };
        out.insert(k.clone(), v);
    }
    if let Some(st) = status {
        out.insert("status", st);
    }
    Value::Object(out)
}

/// Validation, precondition and the etcd write shared by update and patch. `main_resource`
/// is false for the status subresource, whose writes never bump `metadata.generation`.
fn write_update(r: &mut Req, info: &ResourceInfo, new: Candidate, current: &Arc<Value>, expected_rv: &str, label: &str, main_resource: bool) -> ApiResponse {
    if info.namespaced && info.kind != "Event" {
        let ns = match &new {
            Candidate::Wire(v) | Candidate::NewPod(v) => meta::namespace(v).to_string(),
            Candidate::Pod(p) => p.metadata.namespace().to_string(),
        };
        if r.core.store.get(&ObjectKey::new("Namespace", "", &ns)).is_none() {
            return Err(Status::not_found("namespaces", &ns));
        }
    }
    let mut new = validate(r, new, Some(current), label)?;
    if main_resource {
        super::generation::on_update(info.kind, &mut new, current);
    }
    meta::set_meta_str(&mut new, "resourceVersion", meta::resource_version(current));
    if !expected_rv.is_empty() && expected_rv != meta::resource_version(current) {
        r.trace("persistence", Outcome::Error, label, json!({"op": "update", "conflict": {"expected": expected_rv, "current": meta::resource_version(current)}}));
        return Err(Status::conflict_modified(&info.qualified(), meta::name(current)));
    }
    if new == **current || r.dry_run {
        r.trace("persistence", Outcome::Info, label, json!({"op": "update", "noop": new == **current, "dryRun": r.dry_run}));
        return Ok(ApiOk::Object(Arc::new(new)));
    }
    let finalized = meta::deletion_timestamp(&new).is_some()
        && !finalizers_pending(&new)
        && meta::at(&new, &["metadata", "deletionGracePeriodSeconds"]).and_then(Value::as_i64) == Some(0);
    if finalized {
        return finish_delete(r, &ObjectKey::of(&new), label);
    }
    let (stored, woken) = r.core.store.update(new, None)?;
    let details = trace_detail::Persisted { op: "update", node: None, resource_version: meta::resource_version(&stored).to_string() };
    r.trace_details("persistence", Outcome::Ok, label, Details::typed(details));
    r.core.wake_watchers(woken);
    Ok(ApiOk::Object(stored))
}

pub(crate) fn patch(r: &mut Req, kind: &str, ns: &str, name: &str, ty: PatchType, p: &Value) -> ApiResponse {
    let info = resource_for(kind)?;
    let ns = if info.namespaced { ns } else { "" };
    let label = label_of(info, ns, name);
    r.authorize(info, "patch", "", ns, name, &label)?;
    let key = ObjectKey::new(info.kind, ns, name);
    let Some(current) = r.core.store.get(&key).cloned() else {
        return Err(Status::not_found(&info.qualified(), name));
    };
    let patched = super::patch::apply(&current, ty, p).map_err(Status::bad_request)?;
    let expected_rv = meta::str_at(p, &["metadata", "resourceVersion"]).unwrap_or("").to_string();
    let mut new = decode_and_default(r, &patched, &label)?;
    keep_system_metadata(&mut new, &current);
    write_update(r, info, Candidate::Wire(new), &current, &expected_rv, &label, true)
}

/// Finalizers that hold a deleted object: `metadata.finalizers`, and for a Namespace also
/// `spec.finalizers` (`kubernetes`, removed by the namespace controller once it is empty).
fn finalizers_pending(obj: &Value) -> bool {
    let spec_finalizers = meta::kind(obj) == "Namespace" && meta::at(obj, &["spec", "finalizers"]).and_then(Value::as_array).is_some_and(|f| !f.is_empty());
    !meta::finalizers(obj).is_empty() || spec_finalizers
}

fn finish_delete(r: &mut Req, key: &ObjectKey, label: &str) -> ApiResponse {
    let (last, woken) = r.core.store.delete(key, None)?;
    r.core.apiserver.bound_uids.remove(meta::uid(&last));
    r.trace("persistence", Outcome::Ok, label, json!({"op": "delete", "resourceVersion": meta::resource_version(&last)}));
    r.core.wake_watchers(woken);
    Ok(ApiOk::Deleted { object: (*last).clone(), finished: true })
}

pub(crate) fn delete(r: &mut Req, kind: &str, ns: &str, name: &str, opts: &DeleteOptions) -> ApiResponse {
    let info = resource_for(kind)?;
    let ns = if info.namespaced { ns } else { "" };
    let label = label_of(info, ns, name);
    r.authorize(info, "delete", "", ns, name, &label)?;
    let key = ObjectKey::new(info.kind, ns, name);
    let Some(current) = r.core.store.get(&key).cloned() else {
        return Err(Status::not_found(&info.qualified(), name));
    };
    if let Some(uid) = opts.uid.as_deref().filter(|u| !u.is_empty() && *u != meta::uid(&current)) {
        let cause = format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {}", meta::uid(&current));
        return Err(Status::conflict(&info.qualified(), name, &cause));
    }
    let grace = if info.kind == "Pod" { pod_strategy::grace_period(&current, opts.grace_period_seconds) } else { 0 };
    let already = meta::at(&current, &["metadata", "deletionGracePeriodSeconds"]).and_then(Value::as_i64);
    if r.dry_run {
        return Ok(ApiOk::Deleted { object: (*current).clone(), finished: grace == 0 && !finalizers_pending(&current) });
    }
    if grace == 0 && !finalizers_pending(&current) {
        return finish_delete(r, &key, &label);
    }
    if already.is_some_and(|a| a <= grace) {
        r.trace("persistence", Outcome::Info, &label, json!({"op": "delete", "alreadyDeleting": true}));
        return Ok(ApiOk::Deleted { object: (*current).clone(), finished: false });
    }
    let mut new = (*current).clone();
    super::generation::on_deletion_start(&mut new, &current);
    let at = r.core.epoch.rfc3339(r.core.now.plus(crate::time::SimDuration::from_secs(grace as u64)));
    let m = meta::metadata_mut(&mut new);
    m.insert("deletionTimestamp", json!(at));
    m.insert("deletionGracePeriodSeconds", json!(grace));
    if info.kind == "Namespace" {
        new["status"] = json!({"phase": "Terminating"});
    }
    let (stored, woken) = r.core.store.update(new, None)?;
    r.trace("persistence", Outcome::Ok, &label, json!({"op": "graceful-delete", "gracePeriodSeconds": grace, "resourceVersion": meta::resource_version(&stored)}));
    r.core.wake_watchers(woken);
    Ok(ApiOk::Deleted { object: (*stored).clone(), finished: false })
}

pub(crate) fn bind(r: &mut Req, ns: &str, pod: &str, node: &str) -> ApiResponse {
    let info = resource_for("Pod")?;
    let label = label_of(info, ns, pod);
    r.authorize(info, "create", "binding", ns, pod, &label)?;
    let key = ObjectKey::new("Pod", ns, pod);
    let Some(current) = r.core.store.get(&key).cloned() else {
        return Err(Status::not_found("pods", pod));
    };
    if meta::deletion_timestamp(&current).is_some() {
        return Err(Status::conflict("pods/binding", pod, &format!("pod {pod} is being deleted, cannot be assigned to a host")));
    }
    let assigned = meta::node_name(&current);
    if !assigned.is_empty() {
        return Err(Status::conflict("pods/binding", pod, &format!("pod {pod} is already assigned to node {assigned:?}")));
    }
    let mut new = (*current).clone();
    meta::object_mut(&mut new, "spec").insert("nodeName", json!(node));
    let now = r.core.epoch.rfc3339(r.core.now);
    set_condition(&mut new, json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
    meta::status_last(&mut new);
    let (stored, woken) = r.core.store.update(new, None)?;
    r.core.apiserver.bound_uids.insert(meta::uid(&stored).to_string());
    let details = trace_detail::Persisted { op: "bind", node: Some(node.to_string()), resource_version: meta::resource_version(&stored).to_string() };
    r.trace_details("persistence", Outcome::Ok, &label, Details::typed(details));
    r.core.wake_watchers(woken);
    Ok(ApiOk::Object(created_status()))
}

/// The `Status` a binding (and an eviction) answers with: always the same object, so it is
/// built once and shared instead of once per scheduled pod.
pub(crate) fn created_status() -> Arc<Value> {
    static CREATED: std::sync::OnceLock<Arc<Value>> = std::sync::OnceLock::new();
    Arc::clone(CREATED.get_or_init(|| Arc::new(json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}))))
}

/// Replaces (or appends) a pod condition by type, keeping the list order.
pub fn set_condition(pod: &mut Value, cond: Value) {
    let ty = cond.get("type").cloned();
    let status = meta::object_mut(pod, "status");
    let list = status.entry("conditions".to_string()).or_insert_with(|| json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    let arr = list.as_array_mut().expect("made an array");
    match arr.iter_mut().find(|c| c.get("type") == ty.as_ref()) {
        Some(c) => *c = cond,
        None => arr.push(cond),
    }
}

#[cfg(test)]
#[path = "write_status_tests.rs"]
mod status_tests;

#[cfg(test)]
#[path = "write_create_tests.rs"]
mod create_tests;
