//! `metav1.Status` failures as the v1.33 API server words them. kubectl prints
//! `Error from server (<reason>): <message>`, so the reason and message strings here are the
//! user-visible contract; every constructor mirrors one in apimachinery's `api/errors`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fmt;

/// A failed API call, exactly the fields of `metav1.Status` that clients act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub code: u16,
    pub reason: String,
    pub message: String,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error from server ({}): {}", self.reason, self.message)
    }
}

impl Status {
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Status { code, reason: reason.to_string(), message: message.into() }
    }

    /// `NewNotFound`: `pods "web" not found`.
    pub fn not_found(qualified_resource: &str, name: &str) -> Self {
        Status::new(404, "NotFound", format!("{qualified_resource} {name:?} not found"))
    }

    /// `NewAlreadyExists`: `pods "web" already exists`.
    pub fn already_exists(qualified_resource: &str, name: &str) -> Self {
        Status::new(409, "AlreadyExists", format!("{qualified_resource} {name:?} already exists"))
    }

    /// `NewConflict` with the optimistic-concurrency cause the registry uses.
    pub fn conflict_modified(qualified_resource: &str, name: &str) -> Self {
        Status::conflict(
            qualified_resource,
            name,
            "the object has been modified; please apply your changes to the latest version and try again",
        )
    }

    pub fn conflict(qualified_resource: &str, name: &str, cause: &str) -> Self {
        Status::new(409, "Conflict", format!("Operation cannot be fulfilled on {qualified_resource} {name:?}: {cause}"))
    }

    /// `NewForbidden`: `pods is forbidden: <cause>` or `pods "web" is forbidden: <cause>`.
    pub fn forbidden(qualified_resource: &str, name: &str, cause: &str) -> Self {
        let message = if name.is_empty() {
            format!("{qualified_resource} is forbidden: {cause}")
        } else {
            format!("{qualified_resource} {name:?} is forbidden: {cause}")
        };
        Status::new(403, "Forbidden", message)
    }

    /// A 422 as kubectl prints it (`The Pod "web" is invalid: <cause>`, several causes as a
    /// bullet list): the server's `NewInvalid` carries the causes in details, which kubectl
    /// renders this way, and this message is what the kubectl crate prints.
    pub fn invalid(kind: &str, name: &str, field_errors: &[String]) -> Self {
        let message = match field_errors {
            [] => format!("The {kind} {name:?} is invalid"),
            [one] => format!("The {kind} {name:?} is invalid: {one}"),
            many => format!("The {kind} {name:?} is invalid: \n* {}", many.join("\n* ")),
        };
        Status::new(422, "Invalid", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Status::new(400, "BadRequest", message)
    }

    pub fn unauthorized() -> Self {
        Status::new(401, "Unauthorized", "Unauthorized")
    }

    /// `NewMethodNotSupported`: `<resource> "<action>" is not supported` style.
    pub fn method_not_supported(qualified_resource: &str, action: &str) -> Self {
        Status::new(405, "MethodNotAllowed", format!("{action} is not supported on resources of kind {qualified_resource:?}"))
    }

    /// `NewResourceExpired` for a watch that asks for history etcd has compacted.
    pub fn gone(message: impl Into<String>) -> Self {
        Status::new(410, "Expired", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Status::new(500, "InternalError", format!("Internal error occurred: {}", message.into()))
    }

    /// The full `metav1.Status` object, as `kubectl ... -o json` shows a failure.
    pub fn to_json(&self) -> Value {
        json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_apimachinery() {
        let cases = [
            (Status::not_found("pods", "x"), 404, "NotFound", "pods \"x\" not found"),
            (Status::already_exists("pods", "x"), 409, "AlreadyExists", "pods \"x\" already exists"),
            (
                Status::conflict_modified("pods", "x"),
                409,
                "Conflict",
                "Operation cannot be fulfilled on pods \"x\": the object has been modified; please apply your changes to the latest version and try again",
            ),
            (
                Status::forbidden("pods", "", "User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""),
                403,
                "Forbidden",
                "pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\"",
            ),
            (Status::invalid("Pod", "x", &["a: Required value".into()]), 422, "Invalid", "The Pod \"x\" is invalid: a: Required value"),
            (Status::invalid("Pod", "x", &["a".into(), "b".into()]), 422, "Invalid", "The Pod \"x\" is invalid: \n* a\n* b"),
            (Status::not_found("namespaces", "dev"), 404, "NotFound", "namespaces \"dev\" not found"),
        ];
        for (s, code, reason, msg) in cases {
            assert_eq!((s.code, s.reason.as_str(), s.message.as_str()), (code, reason, msg));
        }
    }
}
