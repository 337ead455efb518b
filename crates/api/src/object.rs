//! `Object`: one enum variant per kind Podlab stores, so the simulated API server, kubectl
//! and the UI can hold any object without knowing its kind statically. It owns the mapping
//! kind <-> apiVersion and the JSON envelope (`apiVersion` and `kind` first, like the API).

use crate::coordination::Lease;
use crate::core::misc::{
    ConfigMap, Endpoints, Event, LimitRange, Namespace, ResourceQuota, Secret, Service,
    ServiceAccount,
};
use crate::core::node::Node;
use crate::core::pod::Pod;
use crate::core::storage::{PersistentVolume, PersistentVolumeClaim, StorageClass};
use crate::decode::DecodeError;
use crate::discovery::EndpointSlice;
use crate::meta::ObjectMeta;
use crate::rbac::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use crate::workloads::{Deployment, Job, ReplicaSet};
use crate::daemonset::DaemonSet;
use crate::controllerrevision::ControllerRevision;
use crate::policy::PodDisruptionBudget;
use serde_json::{Map, Value};

macro_rules! objects {
    ($($variant:ident => $api_version:literal),* $(,)?) => {
        /// Any stored object. Variant names are the Kubernetes kinds.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $($variant($variant),)*
        }

        /// Every kind `Object` can hold, with its apiVersion, in registry order.
        pub const KINDS: &[(&str, &str)] = &[$((stringify!($variant), $api_version),)*];

        impl Object {
            pub fn kind(&self) -> &'static str {
                match self { $(Object::$variant(_) => stringify!($variant),)* }
            }
            pub fn api_version(&self) -> &'static str {
                match self { $(Object::$variant(_) => $api_version,)* }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata,)* }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata,)* }
            }
            /// The object body without apiVersion/kind, fields in Go order.
            fn body_json(&self) -> Value {
                let r = match self { $(Object::$variant(o) => serde_json::to_value(o),)* };
                // Serialising these plain structs into a Value cannot fail; fall back to {}
                // rather than panicking should that ever change.
                r.unwrap_or_else(|_| Value::Object(Map::new()))
            }
            /// `json_match::canonicalize` of the body against `wire` after its first two keys.
            #[cfg(not(target_arch = "wasm32"))]
            fn canonicalize_body(&self, wire: &mut Value) -> bool {
                match self { $(Object::$variant(o) => crate::json_match::canonicalize(o, wire, 2),)* }
            }
            /// Typed decoding of a body whose kind is already known, through any deserializer
            /// (the API-server-faithful one in `decode::go_json`).
            pub(crate) fn from_kind_deserializer<'de, D: serde::Deserializer<'de>>(kind: &str, d: D) -> Option<Result<Object, D::Error>> {
                use serde::Deserialize;
                match kind {
                    $(stringify!($variant) => Some($variant::deserialize(d).map(Object::$variant)),)*
                    _ => None,
                }
            }
        }

        $(impl From<$variant> for Object {
            fn from(o: $variant) -> Object { Object::$variant(o) }
        })*
    };
}

objects! {
    Pod => "v1",
    Node => "v1",
    Event => "v1",
    Namespace => "v1",
    ConfigMap => "v1",
    Secret => "v1",
    Service => "v1",
    Endpoints => "v1",
    ServiceAccount => "v1",
    LimitRange => "v1",
    ResourceQuota => "v1",
    PersistentVolumeClaim => "v1",
    PersistentVolume => "v1",
    EndpointSlice => "discovery.k8s.io/v1",
    ReplicaSet => "apps/v1",
    Deployment => "apps/v1",
    DaemonSet => "apps/v1",
    ControllerRevision => "apps/v1",
    Job => "batch/v1",
    Lease => "coordination.k8s.io/v1",
    PodDisruptionBudget => "policy/v1",
    Role => "rbac.authorization.k8s.io/v1",
    ClusterRole => "rbac.authorization.k8s.io/v1",
    RoleBinding => "rbac.authorization.k8s.io/v1",
    ClusterRoleBinding => "rbac.authorization.k8s.io/v1",
    StorageClass => "storage.k8s.io/v1",
}

impl Object {
    pub fn name(&self) -> &str {
        self.meta().name()
    }
    pub fn namespace(&self) -> &str {
        self.meta().namespace()
    }

    /// The object as the API serves it: `apiVersion`, `kind`, then the body in Go field order.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert(
            "apiVersion",
            Value::String(self.api_version().into()),
        );
        out.insert("kind", Value::String(self.kind().into()));
        if let Value::Object(body) = self.body_json() {
            for (k, v) in body {
                out.insert(k, v);
            }
        }
        Value::Object(out)
    }

    /// `to_json`, made from `wire` when that holds the same data in some key order (the API
    /// server's create path has both forms at hand): its maps are put in the canonical order
    /// instead of a new value being built. Byte-identical to `to_json` either way.
    ///
    /// The wasm build always takes `to_json`: the comparing serializer is instantiated for
    /// every kind's `Serialize`, ~170 KB of code (~35 KB gzip) that a browser-sized cluster
    /// does not need, while the native 10 000-pod benchmark does.
    #[cfg(target_arch = "wasm32")]
    pub fn to_json_reusing(&self, _wire: Value) -> Value {
        self.to_json()
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn to_json_reusing(&self, mut wire: Value) -> Value {
        let header = wire.as_object().is_some_and(|m| {
            let mut keys = m.iter();
            let mut next_is = |key: &str, want: &str| matches!(keys.next(), Some((k, v)) if k == key && v.as_str() == Some(want));
            next_is("apiVersion", self.api_version()) && next_is("kind", self.kind())
        });
        if header && self.canonicalize_body(&mut wire) {
            return wire;
        }
        self.to_json()
    }

    /// Strict decoding of one JSON object (apiVersion and kind included), with the API
    /// server's error wording. See `decode::decode_object`.
    pub fn from_json_value(value: &Value) -> Result<Object, DecodeError> {
        crate::decode::decode_object(value)
    }

    pub fn as_pod(&self) -> Option<&Pod> {
        match self {
            Object::Pod(p) => Some(p),
            _ => None,
        }
    }
    pub fn as_pod_mut(&mut self) -> Option<&mut Pod> {
        match self {
            Object::Pod(p) => Some(p),
            _ => None,
        }
    }
}
