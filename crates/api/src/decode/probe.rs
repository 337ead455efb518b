//! Type probes: a Deserializer that answers the first request a serde visitor makes with the
//! Go type name it implies (`[]v1.ContainerPort`, `map[string]string`), so a wrong-typed value
//! can be reported with Go's `of type ...` wording.

use super::go_json::GoError;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

type R<T> = Result<T, GoError>;

/// Answers the first deserialize_* call with the Go type name it implies.
pub(super) struct Probe;

macro_rules! probe_prims {
    ($($m:ident => $t:literal),*) => {
        $(fn $m<V: Visitor<'a>>(self, _v: V) -> R<V::Value> { Err(GoError::Probe($t.into())) })*
    };
}

impl<'a> de::Deserializer<'a> for Probe {
    type Error = GoError;
    probe_prims! {
        deserialize_any => "interface {}", deserialize_bool => "bool", deserialize_i8 => "int8",
        deserialize_i16 => "int16", deserialize_i32 => "int32", deserialize_i64 => "int64",
        deserialize_u8 => "uint8", deserialize_u16 => "uint16", deserialize_u32 => "uint32",
        deserialize_u64 => "uint64", deserialize_f32 => "float32", deserialize_f64 => "float64",
        deserialize_char => "string", deserialize_str => "string", deserialize_string => "string",
        deserialize_bytes => "[]uint8", deserialize_byte_buf => "[]uint8", deserialize_unit => "struct {}",
        deserialize_identifier => "string", deserialize_ignored_any => "interface {}"
    }
    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match visitor.visit_some(Probe) {
            Err(GoError::Probe(t)) => Err(GoError::Probe(format!("*{t}"))),
            other => other,
        }
    }
    fn deserialize_unit_struct<V: Visitor<'a>>(self, name: &'static str, _v: V) -> R<V::Value> {
        Err(GoError::Probe(format!("v1.{name}")))
    }
    fn deserialize_newtype_struct<V: Visitor<'a>>(self, name: &'static str, _v: V) -> R<V::Value> {
        Err(GoError::Probe(
            match name {
                "Quantity" => "resource.Quantity",
                "IntOrString" => "intstr.IntOrString",
                other => return Err(GoError::Probe(format!("v1.{other}"))),
            }
            .into(),
        ))
    }
    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match visitor.visit_seq(ProbeSeq) {
            Err(GoError::Probe(t)) => Err(GoError::Probe(format!("[]{t}"))),
            other => other,
        }
    }
    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> R<V::Value> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _n: &'static str,
        _len: usize,
        visitor: V,
    ) -> R<V::Value> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> R<V::Value> {
        match visitor.visit_map(ProbeMap { key_done: false }) {
            Err(GoError::Probe(t)) => Err(GoError::Probe(format!("map[string]{t}"))),
            other => other,
        }
    }
    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        _f: &'static [&'static str],
        _v: V,
    ) -> R<V::Value> {
        Err(GoError::Probe(format!("v1.{name}")))
    }
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _n: &'static str,
        _vs: &'static [&'static str],
        _v: V,
    ) -> R<V::Value> {
        Err(GoError::Probe("string".into()))
    }
}

pub(super) struct ProbeSeq;
impl<'a> SeqAccess<'a> for ProbeSeq {
    type Error = GoError;
    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> R<Option<T::Value>> {
        seed.deserialize(Probe).map(Some)
    }
}

pub(super) struct ProbeMap {
    pub(super) key_done: bool,
}
impl<'a> MapAccess<'a> for ProbeMap {
    type Error = GoError;
    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> R<Option<K::Value>> {
        if self.key_done {
            return Ok(None);
        }
        self.key_done = true;
        seed.deserialize("k".into_deserializer()).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> R<V::Value> {
        seed.deserialize(Probe)
    }
}
