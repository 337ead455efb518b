//! A serde `Deserializer` over a `serde_json::Value` that behaves like the API server's JSON
//! decoder (sigs.k8s.io/json, a case-sensitive encoding/json): unknown fields are collected
//! with their path (`spec.containers[0].imagee`) instead of failing, the first wrong-typed
//! value fails with Go's `UnmarshalTypeError` text (`json: cannot unmarshal string into Go
//! struct field Container.spec.containers.ports of type []v1.ContainerPort`), and custom
//! types (Quantity, IntOrString, Time, []byte) fail with their own Go wording.
//! Arrays and objects are walked by `access.rs`.

use super::access::{Entries, Seq};
use super::probe::{ProbeMap, ProbeSeq};
use serde::de::{self, IntoDeserializer, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;

/// Decoding state shared by the nested deserializers.
#[derive(Default)]
pub struct State {
    /// Struct field names from the root joined with `.` (Go's errorContext.FieldStack), kept
    /// as one string so decoding a field costs no allocation.
    pub(super) field_stack: String,
    /// `field_stack`'s length before each field on it, to pop back to.
    pub(super) field_lens: Vec<usize>,
    /// Innermost struct whose field is being decoded (Go's errorContext.Struct).
    pub(super) structs: Vec<&'static str>,
    /// Field names, map keys and indices, for strict-error paths.
    pub(super) strict_path: String,
    pub unknown: Vec<String>,
    /// The Go type override for the value about to be decoded (named string/map types).
    pub(super) pending_type: Option<&'static str>,
}

#[derive(Debug)]
pub enum GoError {
    /// Fatal: the complete Go error text (type error or a custom type's own error).
    Fatal(String, String),
    /// Internal: a probe reporting the Go type name it was asked for.
    Probe(String),
}

impl fmt::Display for GoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoError::Fatal(m, _) | GoError::Probe(m) => f.write_str(m),
        }
    }
}
impl std::error::Error for GoError {}
impl de::Error for GoError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        GoError::Fatal(msg.to_string(), String::new())
    }
}

type R<T> = Result<T, GoError>;

/// The Go type name for named fields whose Rust type is a plain String/map (v1.Protocol ...).
fn named_type(structure: &str, field: &str) -> Option<&'static str> {
    Some(match (structure, field) {
        ("Container", "imagePullPolicy") | ("EphemeralContainer", "imagePullPolicy") => {
            "v1.PullPolicy"
        }
        ("Container", "terminationMessagePolicy") => "v1.TerminationMessagePolicy",
        ("Container", "restartPolicy") => "v1.ContainerRestartPolicy",
        ("ContainerPort", "protocol")
        | ("ServicePort", "protocol")
        | ("EndpointPort", "protocol") => "v1.Protocol",
        ("ResourceRequirements", "limits") | ("ResourceRequirements", "requests") => {
            "v1.ResourceList"
        }
        ("VolumeResourceRequirements", "limits") | ("VolumeResourceRequirements", "requests") => {
            "v1.ResourceList"
        }
        ("PodSpec", "restartPolicy") => "v1.RestartPolicy",
        ("PodSpec", "dnsPolicy") => "v1.DNSPolicy",
        ("PodSpec", "preemptionPolicy") => "v1.PreemptionPolicy",
        ("Toleration", "operator") => "v1.TolerationOperator",
        ("Toleration", "effect") | ("Taint", "effect") => "v1.TaintEffect",
        ("NodeSelectorRequirement", "operator") => "v1.NodeSelectorOperator",
        ("HTTPGetAction", "scheme") => "v1.URIScheme",
        ("ServiceSpec", "type") => "v1.ServiceType",
        ("ServiceSpec", "sessionAffinity") => "v1.ServiceAffinity",
        ("Secret", "type") => "v1.SecretType",
        ("PodStatus", "phase") => "v1.PodPhase",
        ("EmptyDirVolumeSource", "medium") => "v1.StorageMedium",
        ("HostPathVolumeSource", "type") => "v1.HostPathType",
        ("PersistentVolumeClaimSpec", "accessModes") | ("PersistentVolumeSpec", "accessModes") => {
            "[]v1.PersistentVolumeAccessMode"
        }
        ("Capabilities", "add") | ("Capabilities", "drop") => "[]v1.Capability",
        ("DeploymentStrategy", "type") => "v1.DeploymentStrategyType",
        _ => return None,
    })
}

/// Go's description of a JSON value in `cannot unmarshal <X>`; integers targets quote the number.
fn value_kind(v: &Value, number_literal: bool) -> String {
    match v {
        Value::String(_) => "string".into(),
        Value::Number(n) if number_literal => format!("number {n}"),
        Value::Number(_) => "number".into(),
        Value::Bool(_) => "bool".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
        Value::Null => "null".into(),
    }
}

pub struct De<'a, 's> {
    pub value: &'a Value,
    pub st: &'s RefCell<State>,
}

impl<'a, 's> De<'a, 's> {
    fn type_error(&self, kind: String, go_type: &str) -> GoError {
        let mut st = self.st.borrow_mut();
        let go_type = st.pending_type.take().unwrap_or(go_type).to_string();
        let path = st.strict_path.clone();
        let msg = match st.structs.last() {
            Some(s) => format!(
                "json: cannot unmarshal {kind} into Go struct field {s}.{} of type {go_type}",
                st.field_stack
            ),
            None => format!("json: cannot unmarshal {kind} into Go value of type {go_type}"),
        };
        GoError::Fatal(msg, path)
    }

    fn clear_pending(&self) -> Option<&'static str> {
        self.st.borrow_mut().pending_type.take()
    }

    /// Go type name of what `visitor` expects, learned by running it against a probe.
    fn probe_seq<V: Visitor<'a>>(visitor: V) -> String {
        match visitor.visit_seq(ProbeSeq) {
            Err(GoError::Probe(t)) => format!("[]{t}"),
            _ => "[]interface {}".into(),
        }
    }
    fn probe_map<V: Visitor<'a>>(visitor: V) -> String {
        match visitor.visit_map(ProbeMap { key_done: false }) {
            Err(GoError::Probe(t)) => format!("map[string]{t}"),
            _ => "map[string]interface {}".into(),
        }
    }

    fn int<V: Visitor<'a>>(self, visitor: V, go_type: &str, min: i64, max: i64) -> R<V::Value> {
        match self.value {
            Value::Number(n) => match n.as_i64() {
                Some(i) if i >= min && i <= max => {
                    self.clear_pending();
                    visitor.visit_i64(i)
                }
                _ => Err(self.type_error(value_kind(self.value, true), go_type)),
            },
            Value::Null => {
                self.clear_pending();
                visitor.visit_i64(0)
            }
            v => Err(self.type_error(value_kind(v, false), go_type)),
        }
    }

    pub(super) fn with_field<T>(
        &self,
        structure: &'static str,
        field: &str,
        f: impl FnOnce() -> T,
    ) -> T {
        let saved_len;
        {
            let mut st = self.st.borrow_mut();
            saved_len = st.strict_path.len();
            if !st.strict_path.is_empty() {
                st.strict_path.push('.');
            }
            st.strict_path.push_str(field);
            let len = st.field_stack.len();
            if !st.field_lens.is_empty() {
                st.field_stack.push('.');
            }
            st.field_stack.push_str(field);
            st.field_lens.push(len);
            st.structs.push(structure);
            st.pending_type = named_type(structure, field);
        }
        let r = f();
        let mut st = self.st.borrow_mut();
        st.strict_path.truncate(saved_len);
        let len = st.field_lens.pop().unwrap_or(0);
        st.field_stack.truncate(len);
        st.structs.pop();
        st.pending_type = None;
        r
    }
}

macro_rules! ints {
    ($($m:ident => $t:literal, $min:expr, $max:expr;)*) => {
        $(fn $m<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
            self.int(visitor, $t, $min as i64, $max as i64)
        })*
    };
}

impl<'a, 's> de::Deserializer<'a> for De<'a, 's> {
    type Error = GoError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.clear_pending();
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => visitor.visit_i64(i),
                (_, Some(u)) => visitor.visit_u64(u),
                _ => visitor.visit_f64(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::Array(a) => visitor.visit_seq(Seq {
                items: a,
                i: 0,
                st: self.st,
                elem_type: None,
            }),
            Value::Object(m) => visitor.visit_map(Entries::new(m, self.st, None, &[])),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match self.value {
            Value::Bool(b) => {
                self.clear_pending();
                visitor.visit_bool(*b)
            }
            Value::Null => visitor.visit_bool(false),
            v => Err(self.type_error(value_kind(v, false), "bool")),
        }
    }

    ints! {
        deserialize_i8 => "int8", i8::MIN, i8::MAX;
        deserialize_i16 => "int16", i16::MIN, i16::MAX;
        deserialize_i32 => "int32", i32::MIN, i32::MAX;
        deserialize_i64 => "int64", i64::MIN, i64::MAX;
        deserialize_u8 => "uint8", 0, u8::MAX;
        deserialize_u16 => "uint16", 0, u16::MAX;
        deserialize_u32 => "uint32", 0, u32::MAX;
    }

    fn deserialize_u64<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.int(visitor, "uint64", 0, i64::MAX)
    }
    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_f64(visitor)
    }
    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match self.value {
            Value::Number(n) => visitor.visit_f64(n.as_f64().unwrap_or(0.0)),
            v => Err(self.type_error(value_kind(v, false), "float64")),
        }
    }
    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_string(visitor)
    }
    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_string(visitor)
    }
    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match self.value {
            Value::String(s) => {
                self.clear_pending();
                visitor.visit_str(s)
            }
            Value::Null => {
                self.clear_pending();
                visitor.visit_str("")
            }
            v => Err(self.type_error(value_kind(v, false), "string")),
        }
    }
    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match self.value {
            Value::String(s) => visitor.visit_str(s),
            Value::Null => visitor.visit_str(""),
            v => Err(self.type_error(value_kind(v, false), "[]uint8")),
        }
    }
    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_bytes(visitor)
    }
    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }
    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        visitor.visit_unit()
    }
    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> R<V::Value> {
        visitor.visit_unit()
    }
    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> R<V::Value> {
        self.clear_pending();
        match name {
            "IntOrString" => match self.value {
                Value::String(_) | Value::Null => self.deserialize_any(visitor),
                Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {
                    self.deserialize_any(visitor)
                }
                // IntOrString.UnmarshalJSON calls json.Unmarshal into an int32; the outer decoder's
                // addErrorContext then stamps the struct and field onto that UnmarshalTypeError.
                v => Err(self.type_error(value_kind(v, true), "int32")),
            },
            "Time" | "MicroTime" => match self.value {
                Value::String(_) | Value::Null => self.deserialize_any(visitor),
                v => Err(self.type_error(value_kind(v, false), "string")),
            },
            _ => visitor.visit_newtype_struct(self),
        }
    }
    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        let pending = self.clear_pending();
        match self.value {
            Value::Array(a) => visitor.visit_seq(Seq {
                items: a,
                i: 0,
                st: self.st,
                elem_type: pending.and_then(|t| t.strip_prefix("[]")),
            }),
            Value::Null => visitor.visit_seq(Seq {
                items: &[],
                i: 0,
                st: self.st,
                elem_type: None,
            }),
            v => {
                let go_type = pending
                    .map(str::to_string)
                    .unwrap_or_else(|| Self::probe_seq(visitor));
                Err(self.type_error(value_kind(v, false), &go_type))
            }
        }
    }
    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> R<V::Value> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> R<V::Value> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        let pending = self.clear_pending();
        match self.value {
            Value::Object(m) => visitor.visit_map(Entries::new(m, self.st, None, &[])),
            Value::Null => visitor.visit_map(Entries::empty(self.st)),
            v => {
                let go_type = pending
                    .map(str::to_string)
                    .unwrap_or_else(|| Self::probe_map(visitor));
                Err(self.type_error(value_kind(v, false), &go_type))
            }
        }
    }
    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        self.clear_pending();
        match self.value {
            Value::Object(m) => visitor.visit_map(Entries::new(m, self.st, Some(name), fields)),
            Value::Null => visitor.visit_map(Entries::empty(self.st)),
            v => Err(self.type_error(value_kind(v, false), &format!("v1.{name}"))),
        }
    }
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> R<V::Value> {
        match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            v => Err(self.type_error(value_kind(v, false), "string")),
        }
    }
    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        self.deserialize_string(visitor)
    }
    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        visitor.visit_unit()
    }
}
