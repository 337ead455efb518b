//! The path one manifest takes into the API server, as pure data: parse the file (kubectl),
//! decode each object strictly (kubectl + server), apply defaults and validate (server). The
//! kubectl crate turns each `Outcome` into its output line; the editor uses the positions.

use crate::decode::DecodeError;
use crate::manifest::{self, ManifestError, Position};
use crate::object::Object;
use crate::validation::ErrorList;

/// What became of one object (or of the file, for syntax errors).
// Outcomes are produced once per object and consumed right away; boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// Decoded, defaulted and valid: ready to store.
    Accepted(Object),
    /// The file could not be read past this point; kubectl prints
    /// `error: error parsing <file>: <message>`.
    Syntax(ManifestError),
    /// Decoding failed; see `DecodeErrorKind` for which side reports it.
    Decode {
        error: DecodeError,
        positions: Vec<Position>,
    },
    /// The server rejected it with 422 Invalid.
    Invalid {
        kind: String,
        name: String,
        errors: ErrorList,
        positions: Vec<Position>,
    },
}

impl Outcome {
    /// The message as this crate words it: ManifestError/DecodeError text, or kubectl's
    /// `The Pod "x" is invalid: ...` block for validation errors.
    pub fn message(&self) -> String {
        match self {
            Outcome::Accepted(o) => format!("{}/{} accepted", o.kind(), o.name()),
            Outcome::Syntax(e) => e.message.clone(),
            Outcome::Decode { error, .. } => error.message.clone(),
            Outcome::Invalid {
                kind, name, errors, ..
            } => errors.to_invalid_message(kind, name).trim_end().to_string(),
        }
    }
}

/// Runs a manifest text through parse -> decode -> defaults -> validation. Objects without a
/// namespace get `default_namespace` when their kind is namespaced, as kubectl does.
pub fn check_manifest(text: &str, default_namespace: &str) -> Vec<Outcome> {
    let docs = manifest::parse(text);
    // An outcome holds a whole object: sized up front, the vector never copies the outcomes
    // already in it to grow.
    let count = docs
        .iter()
        .map(|d| match d {
            Ok(d) if d.is_empty() => 0,
            Ok(d) => d.item_values().len(),
            Err(_) => 1,
        })
        .sum();
    let mut out = Vec::with_capacity(count);
    for doc in docs {
        let doc = match doc {
            Ok(d) => d,
            Err(e) => {
                out.push(Outcome::Syntax(e));
                break;
            }
        };
        if doc.is_empty() {
            continue;
        }
        for (list_index, json) in doc.item_values() {
            out.push(check_item(&doc, list_index, json, default_namespace));
        }
    }
    out
}

/// One object of `doc` (item `list_index` of a `List`, or the document itself).
fn check_item(
    doc: &manifest::Document,
    list_index: Option<usize>,
    json: &serde_json::Value,
    default_namespace: &str,
) -> Outcome {
    let prefix = || manifest::item_prefix(list_index);
    let mut obj = match Object::from_json_value(json) {
        Ok(o) => o,
        Err(error) => {
            let prefix = prefix();
            let positions = error
                .paths
                .iter()
                .filter_map(|p| doc.position_of(&format!("{prefix}{p}")))
                .collect();
            return Outcome::Decode { error, positions };
        }
    };
    let namespaced =
        crate::registry::lookup_kind(obj.api_version(), obj.kind()).is_some_and(|r| r.namespaced);
    if namespaced && obj.meta().namespace.as_deref().unwrap_or("").is_empty() {
        obj.meta_mut().namespace = Some(default_namespace.to_string());
    }
    crate::defaults::apply(&mut obj);
    match crate::validation::validate_create(&obj) {
        Ok(()) => Outcome::Accepted(obj),
        Err(errors) => {
            let prefix = prefix();
            let positions = errors
                .iter()
                .filter_map(|e| doc.position_of(&format!("{prefix}{}", e.field)))
                .collect();
            Outcome::Invalid {
                kind: obj.kind().to_string(),
                name: obj.name().to_string(),
                errors,
                positions,
            }
        }
    }
}
