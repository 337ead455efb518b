//! What a trace entry carries besides its header: `Details`, the entry's data as the JSON a
//! consumer (the UI's apply journey and timeline, tests) reads, and `Label`, a shared string for
//! the entry's component, step and object. Hot producers — the scheduler's per-node filter and
//! score detail, the event recorder — record a small typed value instead of a `serde_json` map
//! (an `IndexMap` and a heap key per field, ~1 KB per scored node), and the JSON is built from it
//! only when someone reads it, then kept. What a reader sees is the same JSON either way.
//!
//! A trace keeps every entry for the session, so a `Details` is one pointer: a plain JSON
//! detail is packed when the entry is pushed (`Details::packed`: a `Value` map is an `IndexMap`
//! with a hash table and a heap key per field, several times its JSON text), the JSON a typed
//! or packed detail builds on first read sits behind a `Box` (most entries are never read),
//! and `null` is no allocation at all.

use crate::store::packed::Packed;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// A typed trace detail: how it reads as JSON. `to_json` must be a pure function of the value
/// (it may run more than once: serialising the trace does not keep what it builds).
pub trait DetailSource: fmt::Debug + Send + Sync + 'static {
    fn to_json(&self) -> Value;
}

/// A typed detail with its JSON form, built on first read and kept (boxed: a `Value` is 80
/// bytes, and most entries are never read).
#[derive(Debug)]
struct Lazy<T> {
    source: T,
    json: OnceLock<Box<Value>>,
}

/// Object-safe face of `Lazy<T>` and `Plain` (one allocation holds the value and its JSON).
trait LazyJson: fmt::Debug + Send + Sync {
    fn json(&self) -> &Value;
    fn cached(&self) -> Option<&Value>;
    fn fresh(&self) -> Value;
    /// The JSON of a detail made from a `Value` (`Details::from`), which a trace packs.
    fn plain(&self) -> Option<&Value> {
        None
    }
}

impl<T: DetailSource> LazyJson for Lazy<T> {
    fn json(&self) -> &Value {
        self.json.get_or_init(|| Box::new(self.source.to_json()))
    }
    fn cached(&self) -> Option<&Value> {
        self.json.get().map(|b| &**b)
    }
    fn fresh(&self) -> Value {
        self.source.to_json()
    }
}

/// A detail given as JSON, before a trace packs it.
#[derive(Debug)]
struct Plain(Value);

impl LazyJson for Plain {
    fn json(&self) -> &Value {
        &self.0
    }
    fn cached(&self) -> Option<&Value> {
        Some(&self.0)
    }
    fn fresh(&self) -> Value {
        self.0.clone()
    }
    fn plain(&self) -> Option<&Value> {
        Some(&self.0)
    }
}

/// A plain detail as the trace keeps it.
#[derive(Debug)]
struct PackedJson(Packed);

impl DetailSource for PackedJson {
    fn to_json(&self) -> Value {
        self.0.unpack()
    }
}

static NULL: Value = Value::Null;

#[derive(Clone)]
enum Repr {
    Null,
    Shared(Arc<dyn LazyJson>),
}

/// A trace entry's details. Reads as a `serde_json::Value` (`Deref`), so consumers index,
/// `get` and print it as before, and serialises to the same JSON.
#[derive(Clone)]
pub struct Details(Repr);

impl Details {
    /// A typed detail whose JSON is built when first read.
    pub fn typed<T: DetailSource>(source: T) -> Self {
        Details(Repr::Shared(Arc::new(Lazy { source, json: OnceLock::new() })))
    }

    /// The form a trace keeps: a detail given as JSON is packed (`buf` is scratch space the
    /// trace reuses); typed details and `null` stay as they are.
    pub(crate) fn packed(self, buf: &mut Vec<u8>) -> Self {
        match &self.0 {
            Repr::Shared(s) => match s.plain() {
                Some(v) => Details::typed(PackedJson(Packed::pack_with(v, buf))),
                None => self,
            },
            Repr::Null => self,
        }
    }

    /// Calls `f` with the JSON without keeping a typed detail's JSON afterwards (serialising or
    /// comparing a whole trace should not grow it).
    pub fn with_json<R>(&self, f: impl FnOnce(&Value) -> R) -> R {
        match &self.0 {
            Repr::Null => f(&NULL),
            Repr::Shared(t) => match t.cached() {
                Some(v) => f(v),
                None => f(&t.fresh()),
            },
        }
    }

    /// The JSON as an owned value.
    pub fn to_value(&self) -> Value {
        self.with_json(Value::clone)
    }
}

impl Default for Details {
    fn default() -> Self {
        Details(Repr::Null)
    }
}

impl From<Value> for Details {
    fn from(v: Value) -> Self {
        match v {
            Value::Null => Details(Repr::Null),
            v => Details(Repr::Shared(Arc::new(Plain(v)))),
        }
    }
}

impl Deref for Details {
    type Target = Value;
    fn deref(&self) -> &Value {
        match &self.0 {
            Repr::Null => &NULL,
            Repr::Shared(t) => t.json(),
        }
    }
}

impl PartialEq for Details {
    fn eq(&self, other: &Self) -> bool {
        self.with_json(|a| other.with_json(|b| a == b))
    }
}

impl PartialEq<Value> for Details {
    fn eq(&self, other: &Value) -> bool {
        self.with_json(|a| a == other)
    }
}

impl fmt::Debug for Details {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_json(|v| fmt::Debug::fmt(v, f))
    }
}

impl Serialize for Details {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_json(|v| v.serialize(s))
    }
}

/// A shared, immutable string: a trace entry's component, step or object, and the interned
/// strings of typed details. Cloning is a reference count, not a copy; it compares, prints and
/// serialises as the string.
///
/// One pointer wide (the `Box<str>` behind the reference count holds the length): a pod's
/// trace keeps ~180 labels (entries' component, step and object; the scheduler's per-node
/// filter and score rows), and at 8 bytes instead of a fat `Arc<str>`'s 16 that is ~1.4 KB per
/// pod less at 10 000 pods. Reading one costs a second pointer hop, which only printing does.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(Arc<Box<str>>);

impl Label {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn new(s: Box<str>) -> Label {
        Label(Arc::new(s))
    }
}

impl Default for Label {
    fn default() -> Self {
        Label::new(Box::from(""))
    }
}

impl Deref for Label {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Label {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Label {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Label {
    fn from(s: &str) -> Self {
        Label::new(Box::from(s))
    }
}

impl From<String> for Label {
    fn from(s: String) -> Self {
        Label::new(Box::from(s))
    }
}

impl From<&String> for Label {
    fn from(s: &String) -> Self {
        Label::new(Box::from(s.as_str()))
    }
}

impl From<&Label> for Label {
    fn from(s: &Label) -> Self {
        s.clone()
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Label {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The strings trace entries repeat (component and step names, event reasons and sources),
/// shared instead of copied per entry. Bounded: past `INTERN_MAX` distinct strings new ones
/// are handed out unshared, so user-chosen names cannot grow it without end.
///
/// Every entry interns its step name, so the few names in use right now sit in a small
/// direct-mapped cache in front of the set (one hash of a short string and one comparison).
/// The set is a hash set with a fixed-key hasher: it is only ever searched, never iterated,
/// so its order cannot show; a B-tree of thousands of object labels cost a dozen string
/// comparisons per search.
#[derive(Debug, Default)]
pub struct Interner {
    names: std::collections::HashSet<Label, std::hash::BuildHasherDefault<std::hash::DefaultHasher>>,
    recent: [Option<Label>; RECENT_SLOTS],
}

const INTERN_MAX: usize = 8_192;
const RECENT_SLOTS: usize = 32;

/// The cache slot of a string: FNV-1a over its bytes (names are short).
fn recent_slot(s: &str) -> usize {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (h % RECENT_SLOTS as u64) as usize
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Label {
        let slot = recent_slot(s);
        if let Some(l) = self.recent[slot].as_ref().filter(|l| l.as_str() == s) {
            return l.clone();
        }
        let l = match self.names.get(s) {
            Some(l) => l.clone(),
            None => {
                let l = Label::from(s);
                if self.names.len() >= INTERN_MAX {
                    return l;
                }
                self.names.insert(l.clone());
                l
            }
        };
        self.recent[slot] = Some(l.clone());
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug)]
    struct Pair(u32, &'static str);

    impl DetailSource for Pair {
        fn to_json(&self) -> Value {
            json!({"n": self.0, "s": self.1})
        }
    }

    #[test]
    fn typed_and_json_details_read_serialise_and_compare_alike() {
        let typed = Details::typed(Pair(3, "x"));
        let plain = Details::from(json!({"n": 3, "s": "x"}));
        assert_eq!(serde_json::to_string(&typed).unwrap(), serde_json::to_string(&plain).unwrap());
        assert_eq!(typed, plain);
        assert_eq!(format!("{typed:?}"), format!("{plain:?}"));
        assert_eq!(typed["n"], 3);
        assert_eq!(typed.get("s").and_then(Value::as_str), Some("x"));
        assert_ne!(typed, Details::from(json!({"n": 4, "s": "x"})));
        assert_eq!(Details::default(), Value::Null);
    }

    #[test]
    fn labels_compare_print_and_intern() {
        let mut i = Interner::default();
        let a = i.intern("kube-scheduler");
        let b = i.intern("kube-scheduler");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "kube-scheduler");
        assert_eq!(a.as_str(), "kube-scheduler");
        assert!(a.starts_with("kube"));
        assert_eq!(format!("{a} {a:?}"), "kube-scheduler \"kube-scheduler\"");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"kube-scheduler\"");
        for n in 0..INTERN_MAX + 10 {
            i.intern(&format!("n{n}"));
        }
        assert_eq!(i.names.len(), INTERN_MAX);
        // Past the cap a new string is not shared, not even through the recent-name cache;
        // names interned before stay shared, whichever way they are found.
        let late = format!("n{}", INTERN_MAX + 5);
        assert!(!Arc::ptr_eq(&i.intern(&late).0, &i.intern(&late).0));
        let c = i.intern("kube-scheduler");
        assert!(Arc::ptr_eq(&a.0, &c.0));
        // "kube-scheduler" and n0 ..= n8190 fill the set.
        for n in [0, 1, 2, 100, INTERN_MAX - 2] {
            let s = format!("n{n}");
            let (x, y) = (i.intern(&s), i.intern(&s));
            assert!(Arc::ptr_eq(&x.0, &y.0) && x == s.as_str());
        }
    }
}
