//! The decode-and-default step of the write path: strict decoding of a request body into the
//! object model, then API defaulting, traced with the JSON patch defaulting applied. A create
//! derives that patch from its shared body only when the trace entry is read
//! (`trace_detail::Defaulted`) and keeps the decoded object; updates and patches compute the
//! patch at once.

use super::{trace_detail, Req};
use crate::meta;
use crate::status::Status;
use crate::trace::{Details, Outcome};
use serde_json::{json, Value};
use std::sync::Arc;

/// Strict decoding plus API defaulting; kinds the object model does not type pass through.
pub(super) fn decode_and_default(r: &mut Req, body: &Value, label: &str) -> Result<Value, Status> {
    decode_and_default_traced(r, body, label, |before, after| {
        let patch = super::diff::diff(before, after);
        Details::from(super::diff::fields([("defaults", Value::Array(patch))]))
    })
}

/// `decode_and_default` of a create's shared body: the trace's patch is derived from that body
/// when the entry is read (`trace_detail::Defaulted`), so a create serialises the defaulted
/// object at most once instead of twice plus a diff. The object comes back decoded (None for a
/// kind the object model does not type): a plain pod create works on it (`typed_create`),
/// anything else serialises it.
pub(super) fn decode_and_default_shared(r: &mut Req, body: &Arc<Value>, label: &str) -> Result<Option<podlab_api::Object>, Status> {
    if !podlab_api::object::KINDS.iter().any(|(k, _)| *k == meta::kind(body)) {
        return Ok(None);
    }
    match podlab_api::Object::from_json_value(body) {
        Ok(mut obj) => {
            podlab_api::defaults::apply(&mut obj);
            r.trace_details("decode-and-default", Outcome::Ok, label, Details::typed(trace_detail::Defaulted { body: Arc::clone(body) }));
            Ok(Some(obj))
        }
        Err(e) => Err(decode_error(r, e, label)),
    }
}

/// Decodes `body`, applies defaulting and traces the step with the detail `patch` makes of
/// the canonical form before and after defaulting.
fn decode_and_default_traced(r: &mut Req, body: &Value, label: &str, patch: impl FnOnce(&Value, &Value) -> Details) -> Result<Value, Status> {
    let kind = meta::kind(body);
    if !podlab_api::object::KINDS.iter().any(|(k, _)| *k == kind) {
        return Ok(body.clone());
    }
    match podlab_api::Object::from_json_value(body) {
        Ok(mut obj) => {
            let before = obj.to_json();
            podlab_api::defaults::apply(&mut obj);
            let after = obj.to_json();
            let details = patch(&before, &after);
            r.trace_details("decode-and-default", Outcome::Ok, label, details);
            Ok(after)
        }
        Err(e) => Err(decode_error(r, e, label)),
    }
}

fn decode_error(r: &mut Req, e: podlab_api::DecodeError, label: &str) -> Status {
    r.trace("decode-and-default", Outcome::Error, label, json!({"error": e.message, "paths": e.paths}));
    Status::bad_request(e.message)
}
