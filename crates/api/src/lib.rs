//! The Kubernetes object model as Podlab understands it: typed objects with the real field
//! names, integer quantities, YAML/JSON manifests parsed with line/column positions, and
//! validation worded exactly as the v1.33 API server words it. It owns "what an object is and
//! whether it is valid"; it must never know about time, the simulated cluster, kubectl's
//! command line or the browser.

pub mod check;
pub mod core;
pub mod decode;
pub mod defaults;
pub mod discovery;
pub mod explain;
pub mod intstr;
pub mod manifest;
pub mod meta;
pub mod object;
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
pub use crate::core::storage::*;
pub use crate::core::volume::*;
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
