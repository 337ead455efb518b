//! The Kubernetes object model as Podlab understands it: typed objects with the real field
//! names, integer quantities, YAML/JSON manifests parsed with line/column positions, and
//! validation worded exactly as the v1.33 API server words it. It owns "what an object is and
//! whether it is valid"; it must never know about time, the simulated cluster, kubectl's
//! command line or the browser.
//!
//! Map: `core`/`workloads`/`rbac`/`discovery` hold the typed kinds (Go field order, camelCase,
//! strict); `object::Object` wraps any of them; `registry` resolves resource names;
//! `quantity`, `time`, `intstr` are the value types; `manifest` reads files (a libyaml-faithful
//! YAML reader); `decode` turns JSON into objects with the API server's decoding errors;
//! `defaults` and `validation` are the server's defaulting and validation; `check` chains
//! them for one manifest; `explain` documents fields.
//!
//! Which part of a printed error line this crate produces (the kubectl crate adds the rest):
//! - syntax: `ManifestError.message` = `error converting YAML to JSON: yaml: line 7: ...`;
//!   kubectl prints `error: error parsing pod.yaml: <message>`.
//! - missing apiVersion/kind: `DecodeError.message` = `error validating data: kind not set; if
//!   you choose to ignore these errors, turn validation off with --validate=false`; kubectl
//!   prints `error: error validating "pod.yaml": <message>`.
//! - unknown kind: `no matches for kind "Pood" in version "v1"`; kubectl prints
//!   `error: resource mapping not found for name: "web" namespace: "" from "pod.yaml": <message>`
//!   and a second line `ensure CRDs are installed first`.
//! - unknown fields / wrong types: `Pod in version "v1" cannot be handled as a Pod: ...`;
//!   kubectl prints `Error from server (BadRequest): error when creating "pod.yaml": <message>`.
//! - validation: `ErrorList::to_invalid_message("Pod", "web")` is kubectl's complete output
//!   (`The Pod "web" is invalid: ...`); `to_status_message` is the Status message the server sends.

pub mod check;
pub mod controllerrevision;
pub mod coordination;
pub mod core;
pub mod daemonset;
pub mod decode;
pub mod defaults;
pub mod discovery;
pub mod explain;
pub mod intstr;
pub mod json_match;
pub mod manifest;
pub mod meta;
pub mod object;
pub mod policy;
pub mod quantity;
pub mod rbac;
pub mod registry;
pub mod time;
pub mod validation;
pub mod workloads;

pub use crate::core::bytes::Bytes;
pub use crate::core::container::*;
pub use crate::core::misc::*;
pub use crate::core::node::*;
pub use crate::core::pod::*;
pub use crate::coordination::*;
pub use crate::core::storage::*;
pub use crate::core::volume::*;
pub use crate::controllerrevision::ControllerRevision;
pub use crate::daemonset::{DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetUpdateStrategy, RollingUpdateDaemonSet};
pub use crate::policy::{PodDisruptionBudget, PodDisruptionBudgetSpec, PodDisruptionBudgetStatus};
pub use crate::decode::{DecodeError, DecodeErrorKind};
pub use crate::discovery::*;
pub use crate::intstr::IntOrString;
pub use crate::meta::*;
pub use crate::object::Object;
pub use crate::quantity::{Quantity, QuantityError, QuantityFormat};
pub use crate::rbac::*;
pub use crate::registry::{resources, ResourceInfo};
pub use crate::time::{MicroTime, Time};
pub use crate::workloads::*;
