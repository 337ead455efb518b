//! Strict decoding of one JSON object into an `Object`, with the API server's and kubectl's
//! error wording (missing kind, unknown kind, unknown fields, wrong types).

mod access;
pub mod go_json;
mod probe;

use crate::object::Object;
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;

/// What kind of decoding failure this is; the kubectl crate picks its prefix from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// kubectl's schema pre-check: `error validating data: kind not set; if you choose to ignore
    /// these errors, turn validation off with --validate=false` (kubectl prefixes
    /// `error: error validating "<file>": `), or, for `kind: ""`, the decoder's
    /// `Object 'Kind' is missing in '<json>'` (kubectl prefixes `error: unable to decode "<file>": `).
    MissingKind,
    /// As MissingKind, for apiVersion (`apiVersion not set`).
    MissingApiVersion,
    /// `no matches for kind "Pood" in version "v1"` (kubectl's REST mapping; kubectl prints
    /// `error: resource mapping not found for name: "<name>" namespace: "<ns>" from "<file>": <message>`
    /// and then `ensure CRDs are installed first`).
    NoKindMatch,
    /// Unknown or duplicate fields (`strict decoding error: ...`), server side, HTTP 400: kubectl
    /// prints `Error from server (BadRequest): error when creating "<file>": <message>`.
    Strict,
    /// A value of the wrong JSON type or an unparsable value (quantity, time, base64), server side, HTTP 400.
    Type,
}

/// A decoding failure. `message` is the part after any kubectl prefix, e.g.
/// `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub kind: DecodeErrorKind,
    pub message: String,
    /// Field paths the error is about, in JSON-path form (`spec.containers[0].imagee`), so the
    /// editor can map them to source positions.
    pub paths: Vec<String>,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

fn err(kind: DecodeErrorKind, message: String, paths: Vec<String>) -> DecodeError {
    DecodeError {
        kind,
        message,
        paths,
    }
}

/// kubectl's `ValidateSchema` wrapper text around schema problems.
pub const STOP_VALIDATE_MESSAGE: &str =
    "if you choose to ignore these errors, turn validation off with --validate=false";

/// kubectl 1.33 (`--validate=strict`, paramVerifyingSchema.getObjectKind) checks apiVersion and
/// kind before anything else: `error validating data: [apiVersion not set, kind not set]; if you
/// choose to ignore ...`. kubectl prints it as `error: error validating "<file>": <message>`.
fn schema_precheck(value: &Value) -> Option<DecodeError> {
    let Value::Object(fields) = value else {
        return Some(err(
            DecodeErrorKind::MissingKind,
            format!("error validating data: invalid object to validate; {STOP_VALIDATE_MESSAGE}"),
            vec![],
        ));
    };
    let mut problems = Vec::new();
    let mut paths = Vec::new();
    for (field, label) in [("apiVersion", "apiVersion"), ("kind", "kind")] {
        match fields.get(field) {
            None | Some(Value::Null) => problems.push(format!("{label} not set")),
            Some(Value::String(_)) => continue,
            Some(_) => problems.push(format!("{label} isn't string type")),
        }
        paths.push(field.to_string());
    }
    if problems.is_empty() {
        return None;
    }
    let kind = if paths.iter().any(|p| p == "kind") {
        DecodeErrorKind::MissingKind
    } else {
        DecodeErrorKind::MissingApiVersion
    };
    let joined = if problems.len() == 1 {
        problems.remove(0)
    } else {
        format!("[{}]", problems.join(", "))
    };
    Some(err(
        kind,
        format!("error validating data: {joined}; {STOP_VALIDATE_MESSAGE}"),
        paths,
    ))
}

/// The kinds the REST mapper knows under some apiVersion, for `no matches` decisions.
fn kind_known(api_version: &str, kind: &str) -> bool {
    crate::object::KINDS
        .iter()
        .any(|(k, v)| *k == kind && *v == api_version)
}

/// Decodes one object as `kubectl apply` + the API server would:
/// 1. kubectl: `kind` missing -> `Object 'Kind' is missing in '<json>'`; apiVersion missing ->
///    `Object 'apiVersion' is missing in '<json>'`; unknown kind/version -> `no matches for kind ...`.
/// 2. server: wrong-typed or unparsable values -> `<Kind> in version "<v>" cannot be handled as a <Kind>: <go error>`.
/// 3. server (fieldValidation=Strict, kubectl's default): unknown fields ->
///    `... cannot be handled as a <Kind>: strict decoding error: unknown field "a.b", unknown field "c"`.
pub fn decode_object(value: &Value) -> Result<Object, DecodeError> {
    if let Some(e) = schema_precheck(value) {
        return Err(e);
    }
    let compact = || crate::manifest::go_json(value);
    let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind.is_empty() {
        return Err(err(
            DecodeErrorKind::MissingKind,
            format!("Object 'Kind' is missing in '{}'", compact()),
            vec!["kind".into()],
        ));
    }
    let api_version = value
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    if api_version.is_empty() {
        return Err(err(
            DecodeErrorKind::MissingApiVersion,
            format!("Object 'apiVersion' is missing in '{}'", compact()),
            vec!["apiVersion".into()],
        ));
    }
    if !kind_known(api_version, kind) {
        return Err(err(
            DecodeErrorKind::NoKindMatch,
            format!("no matches for kind {kind:?} in version {api_version:?}"),
            vec!["kind".into()],
        ));
    }
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    // Only failures print it, so it is built only for them.
    let prefix = || format!("{kind} in version {version:?} cannot be handled as a {kind}: ");
    let state = RefCell::new(go_json::State::default());
    let decoded = Object::from_kind_deserializer(kind, go_json::De { value, st: &state });
    let unknown = std::mem::take(&mut state.borrow_mut().unknown);
    match decoded {
        Some(Ok(obj)) if unknown.is_empty() => Ok(obj),
        Some(Ok(_)) => {
            let list: Vec<String> = unknown
                .iter()
                .map(|p| format!("unknown field {p:?}"))
                .collect();
            Err(err(
                DecodeErrorKind::Strict,
                format!("{}strict decoding error: {}", prefix(), list.join(", ")),
                unknown,
            ))
        }
        Some(Err(go_json::GoError::Fatal(m, path))) => Err(err(
            DecodeErrorKind::Type,
            format!("{}{m}", prefix()),
            if path.is_empty() { vec![] } else { vec![path] },
        )),
        Some(Err(go_json::GoError::Probe(m))) => Err(err(
            DecodeErrorKind::Type,
            format!("{}{m}", prefix()),
            vec![],
        )),
        None => Err(err(
            DecodeErrorKind::NoKindMatch,
            format!("no matches for kind {kind:?} in version {api_version:?}"),
            vec![],
        )),
    }
}
