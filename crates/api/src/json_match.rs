//! `canonicalize`: makes a JSON value exactly what `serde_json::to_value` of a typed object
//! gives, when the two hold the same data, by reordering its maps in place instead of building
//! a new value. The API server's create path has an object in both forms at once (the typed
//! pod it validates and the wire form admission produced, whose maps only differ from the
//! canonical form in key order); serialising the typed pod again was a seventh of a create's
//! cost. Anything that is not provably the same — a value, a missing or extra key, a number
//! type, a serde shape this does not model — answers `false`, and the caller serialises as
//! before, so a `true` is never wrong.
//!
//! How: the typed object is serialised into a comparing serializer that walks the wire value
//! alongside (phase one, shared borrows, no allocation while the orders agree); each map whose
//! keys come in another order is noted with its path and the order `to_value` would give, and
//! phase two moves those maps' entries into that order.

use serde::ser::{self, Impossible, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Reorders `wire`'s maps into `typed`'s serialisation order and returns true when `wire`
/// then equals `serde_json::to_value(typed)`, key order included; false otherwise, and then
/// `wire` is left unspecified (the caller serialises `typed` instead). `skip` top-level keys of `wire` are left out of the comparison
/// and kept first (an object's `apiVersion` and `kind`, which its body does not serialise).
pub fn canonicalize<T: Serialize + ?Sized>(typed: &T, wire: &mut Value, skip: usize) -> bool {
    let mut ctx = Ctx::default();
    let matched = typed.serialize(Matcher { wire: &*wire, ctx: &mut ctx, skip }).is_ok();
    if !matched {
        return false;
    }
    let Ctx { reorders, .. } = ctx;
    reorders.into_iter().all(|(path, order)| reorder(wire, &path, &order))
}

/// A step from a value to a child: a map key or an array index.
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Default)]
struct Ctx<'a> {
    /// The path from the root to the value being compared (borrowed from the wire value).
    path: Vec<SegRef<'a>>,
    /// Maps to reorder: path, and the current positions of their keys in serialisation order.
    reorders: Vec<(Vec<Seg>, Vec<usize>)>,
}

#[derive(Clone, Copy)]
enum SegRef<'a> {
    Key(&'a str),
    Index(usize),
}

/// Why a comparison stopped: the data differ, or serde asked for something not modelled.
#[derive(Debug)]
pub struct Mismatch;

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("typed and wire forms differ")
    }
}

impl std::error::Error for Mismatch {}

impl ser::Error for Mismatch {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Mismatch
    }
}

fn check(ok: bool) -> Result<(), Mismatch> {
    if ok {
        Ok(())
    } else {
        Err(Mismatch)
    }
}

struct Matcher<'a, 'c> {
    wire: &'a Value,
    ctx: &'c mut Ctx<'a>,
    /// Top-level keys to leave out (only for the root map).
    skip: usize,
}

impl<'a, 'c> Matcher<'a, 'c> {
    fn map(self) -> Result<MapMatch<'a, 'c>, Mismatch> {
        let Value::Object(map) = self.wire else { return Err(Mismatch) };
        let mut iter = map.iter();
        for _ in 0..self.skip {
            iter.next();
        }
        Ok(MapMatch { map, iter, ctx: self.ctx, skip: self.skip, seen: 0, order: None, key: None })
    }
}

macro_rules! exact {
    ($($method:ident: $ty:ty => $conv:expr),* $(,)?) => {
        $(fn $method(self, v: $ty) -> Result<(), Mismatch> {
            check(*self.wire == $conv(v))
        })*
    };
}

impl<'a, 'c> ser::Serializer for Matcher<'a, 'c> {
    type Ok = ();
    type Error = Mismatch;
    type SerializeSeq = SeqMatch<'a, 'c>;
    type SerializeTuple = SeqMatch<'a, 'c>;
    type SerializeTupleStruct = SeqMatch<'a, 'c>;
    type SerializeTupleVariant = Impossible<(), Mismatch>;
    type SerializeMap = MapMatch<'a, 'c>;
    type SerializeStruct = MapMatch<'a, 'c>;
    type SerializeStructVariant = Impossible<(), Mismatch>;

    exact! {
        serialize_bool: bool => Value::Bool,
        serialize_i8: i8 => |v| Value::from(i64::from(v)),
        serialize_i16: i16 => |v| Value::from(i64::from(v)),
        serialize_i32: i32 => |v| Value::from(i64::from(v)),
        serialize_i64: i64 => Value::from,
        serialize_u8: u8 => |v| Value::from(u64::from(v)),
        serialize_u16: u16 => |v| Value::from(u64::from(v)),
        serialize_u32: u32 => |v| Value::from(u64::from(v)),
        serialize_u64: u64 => Value::from,
    }

    // Floats, chars, bytes and data-carrying enum variants are not modelled: a mismatch makes
    // the caller serialise, which is always right.
    fn serialize_f32(self, _: f32) -> Result<(), Mismatch> {
        Err(Mismatch)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Mismatch> {
        Err(Mismatch)
    }
    fn serialize_char(self, _: char) -> Result<(), Mismatch> {
        Err(Mismatch)
    }
    fn serialize_str(self, v: &str) -> Result<(), Mismatch> {
        check(self.wire.as_str() == Some(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Mismatch> {
        Err(Mismatch)
    }
    fn serialize_none(self) -> Result<(), Mismatch> {
        check(self.wire.is_null())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Mismatch> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Mismatch> {
        check(self.wire.is_null())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Mismatch> {
        check(self.wire.is_null())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Mismatch> {
        check(self.wire.as_str() == Some(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), Mismatch> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), Mismatch> {
        Err(Mismatch)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<SeqMatch<'a, 'c>, Mismatch> {
        let Value::Array(items) = self.wire else { return Err(Mismatch) };
        Ok(SeqMatch { items, next: 0, ctx: self.ctx })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqMatch<'a, 'c>, Mismatch> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqMatch<'a, 'c>, Mismatch> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Mismatch> {
        Err(Mismatch)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapMatch<'a, 'c>, Mismatch> {
        self.map()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapMatch<'a, 'c>, Mismatch> {
        self.map()
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Mismatch> {
        Err(Mismatch)
    }
}

struct SeqMatch<'a, 'c> {
    items: &'a [Value],
    next: usize,
    ctx: &'c mut Ctx<'a>,
}

impl SeqMatch<'_, '_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Mismatch> {
        let item = self.items.get(self.next).ok_or(Mismatch)?;
        self.ctx.path.push(SegRef::Index(self.next));
        let r = v.serialize(Matcher { wire: item, ctx: &mut *self.ctx, skip: 0 });
        self.ctx.path.pop();
        self.next += 1;
        r
    }
    fn finish(self) -> Result<(), Mismatch> {
        check(self.next == self.items.len())
    }
}

/// Sequences, tuples and tuple structs all serialise as a JSON array: one comparison each.
macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for SeqMatch<'_, '_> {
            type Ok = ();
            type Error = Mismatch;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Mismatch> {
                self.element(v)
            }
            fn end(self) -> Result<(), Mismatch> {
                self.finish()
            }
        }
    )*};
}

seq_like!(SerializeSeq::serialize_element, SerializeTuple::serialize_element, SerializeTupleStruct::serialize_field);

/// One map (or struct) being compared. While the wire keys come in serialisation order they
/// are taken from `iter` (no lookup); from the first difference on, keys are looked up and
/// `order` records every key's position, for phase two.
struct MapMatch<'a, 'c> {
    map: &'a Map<String, Value>,
    iter: serde_json::map::Iter<'a>,
    ctx: &'c mut Ctx<'a>,
    skip: usize,
    /// Keys matched so far.
    seen: usize,
    order: Option<Vec<usize>>,
    /// The key given by `serialize_key`, waiting for its value.
    key: Option<String>,
}

impl<'a> MapMatch<'a, '_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Mismatch> {
        if self.order.is_none() {
            match self.iter.next() {
                Some((k, wire)) if k == key => {
                    self.seen += 1;
                    return self.value(k, wire, v);
                }
                // Out of order from here: the keys matched so far sit at their own places.
                _ => self.order = Some((self.skip..self.skip + self.seen).collect()),
            }
        }
        let at = self.map.keys().position(|k| k == key).filter(|&i| i >= self.skip).ok_or(Mismatch)?;
        let order = self.order.as_mut().ok_or(Mismatch)?;
        if order.contains(&at) {
            return Err(Mismatch);
        }
        order.push(at);
        self.seen += 1;
        let (k, wire) = self.map.iter().nth(at).ok_or(Mismatch)?;
        self.value(k, wire, v)
    }

    fn value<T: Serialize + ?Sized>(&mut self, k: &'a str, wire: &'a Value, v: &T) -> Result<(), Mismatch> {
        self.ctx.path.push(SegRef::Key(k));
        let r = v.serialize(Matcher { wire, ctx: &mut *self.ctx, skip: 0 });
        self.ctx.path.pop();
        r
    }

    fn finish(self) -> Result<(), Mismatch> {
        check(self.seen + self.skip == self.map.len())?;
        if let Some(mut order) = self.order {
            if order.iter().enumerate().any(|(i, &at)| at != i + self.skip) {
                let path = self.ctx.path.iter().map(|s| match s {
                    SegRef::Key(k) => Seg::Key((*k).to_string()),
                    SegRef::Index(i) => Seg::Index(*i),
                });
                let mut full: Vec<usize> = (0..self.skip).collect();
                full.append(&mut order);
                self.ctx.reorders.push((path.collect(), full));
            }
        }
        Ok(())
    }
}

impl ser::SerializeMap for MapMatch<'_, '_> {
    type Ok = ();
    type Error = Mismatch;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Mismatch> {
        self.key = Some(key.serialize(KeyString)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Mismatch> {
        let key = self.key.take().ok_or(Mismatch)?;
        self.entry(&key, v)
    }
    fn end(self) -> Result<(), Mismatch> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapMatch<'_, '_> {
    type Ok = ();
    type Error = Mismatch;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), Mismatch> {
        self.entry(key, v)
    }
    fn end(self) -> Result<(), Mismatch> {
        self.finish()
    }
}

/// Map keys: only strings are modelled (`to_value` also turns numbers into keys).
struct KeyString;

impl ser::Serializer for KeyString {
    type Ok = String;
    type Error = Mismatch;
    type SerializeSeq = Impossible<String, Mismatch>;
    type SerializeTuple = Impossible<String, Mismatch>;
    type SerializeTupleStruct = Impossible<String, Mismatch>;
    type SerializeTupleVariant = Impossible<String, Mismatch>;
    type SerializeMap = Impossible<String, Mismatch>;
    type SerializeStruct = Impossible<String, Mismatch>;
    type SerializeStructVariant = Impossible<String, Mismatch>;

    fn serialize_str(self, v: &str) -> Result<String, Mismatch> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, _: bool) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_i8(self, _: i8) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_i16(self, _: i16) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_i32(self, _: i32) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_i64(self, _: i64) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_u8(self, _: u8) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_u16(self, _: u16) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_u32(self, _: u32) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_u64(self, _: u64) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_f32(self, _: f32) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_f64(self, _: f64) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_char(self, _: char) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_none(self) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_unit(self) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<String, Mismatch> { Err(Mismatch) }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Mismatch> { Err(Mismatch) }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Mismatch> { Err(Mismatch) }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Mismatch> { Err(Mismatch) }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Mismatch> { Err(Mismatch) }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Mismatch> { Err(Mismatch) }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Mismatch> { Err(Mismatch) }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Mismatch> { Err(Mismatch) }
}

/// Phase two: moves the entries of the map at `path` into `order` (current positions).
fn reorder(root: &mut Value, path: &[Seg], order: &[usize]) -> bool {
    let mut cur = root;
    for seg in path {
        let next = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k.as_str()),
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        let Some(next) = next else { return false };
        cur = next;
    }
    let Value::Object(map) = cur else { return false };
    move_into_order(map, order)
}

/// Puts `map`'s entries into `order` (each entry named by its current position) by moving
/// only the entries that are out of place, each with one `shift_insert` (one key hash), not by
/// rebuilding the map (a hash and an insert per key): the wire form's maps are mostly in order
/// already, with the few keys admission appended to move forward. False when `order` is not a
/// permutation of the map's positions.
fn move_into_order(map: &mut Map<String, Value>, order: &[usize]) -> bool {
    if order.len() != map.len() {
        return false;
    }
    // `at[p]`: the original position of the entry now at position p.
    let mut at: Vec<usize> = (0..map.len()).collect();
    for (i, &want) in order.iter().enumerate() {
        // Positions before `i` are final, so the wanted entry is at `i` or after it.
        let Some(p) = at[i..].iter().position(|&a| a == want).map(|d| i + d) else { return false };
        if p == i {
            continue;
        }
        let Some((key, value)) = map.iter_mut().nth(p).map(|(k, v)| (k.clone(), std::mem::take(v))) else { return false };
        // The key exists, so `shift_insert` moves its entry to `i` and sets the value back.
        if map.shift_insert(i, key, value).is_none() {
            return false;
        }
        at.remove(p);
        at.insert(i, want);
    }
    true
}

#[cfg(test)]
mod tests;
