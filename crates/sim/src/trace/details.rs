//! What a trace entry carries besides its header: `Details`, the entry's data as the JSON a
//! consumer (the UI's apply journey and timeline, tests) reads, and `Label`, a shared string for
//! the entry's component, step and object. Hot producers — the scheduler's per-node filter and
//! score detail, the event recorder — record a small typed value instead of a `serde_json` map
//! (an `IndexMap` and a heap key per field, ~1 KB per scored node), and the JSON is built from it
//! only when someone reads it, then kept. What a reader sees is the same JSON either way.

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

/// A typed detail with its JSON form, built on first read and kept.
#[derive(Debug)]
struct Lazy<T> {
    source: T,
    json: OnceLock<Value>,
}

/// Object-safe face of `Lazy<T>` (one allocation holds the value and its cached JSON).
trait LazyJson: fmt::Debug + Send + Sync {
    fn json(&self) -> &Value;
    fn cached(&self) -> Option<&Value>;
    fn fresh(&self) -> Value;
}

impl<T: DetailSource> LazyJson for Lazy<T> {
    fn json(&self) -> &Value {
        self.json.get_or_init(|| self.source.to_json())
    }
    fn cached(&self) -> Option<&Value> {
        self.json.get()
    }
    fn fresh(&self) -> Value {
        self.source.to_json()
    }
}

#[derive(Clone)]
enum Repr {
    Json(Value),
    Typed(Arc<dyn LazyJson>),
}

/// A trace entry's details. Reads as a `serde_json::Value` (`Deref`), so consumers index,
/// `get` and print it as before, and serialises to the same JSON.
#[derive(Clone)]
pub struct Details(Repr);

impl Details {
    /// A typed detail whose JSON is built when first read.
    pub fn typed<T: DetailSource>(source: T) -> Self {
        Details(Repr::Typed(Arc::new(Lazy { source, json: OnceLock::new() })))
    }

    /// Calls `f` with the JSON without keeping a typed detail's JSON afterwards (serialising or
    /// comparing a whole trace should not grow it).
    pub fn with_json<R>(&self, f: impl FnOnce(&Value) -> R) -> R {
        match &self.0 {
            Repr::Json(v) => f(v),
            Repr::Typed(t) => match t.cached() {
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
        Details(Repr::Json(Value::Null))
    }
}

impl From<Value> for Details {
    fn from(v: Value) -> Self {
        Details(Repr::Json(v))
    }
}

impl Deref for Details {
    type Target = Value;
    fn deref(&self) -> &Value {
        match &self.0 {
            Repr::Json(v) => v,
            Repr::Typed(t) => t.json(),
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
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(Arc<str>);

impl Label {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Label {
    fn default() -> Self {
        Label(Arc::from(""))
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
        Label(Arc::from(s))
    }
}

impl From<String> for Label {
    fn from(s: String) -> Self {
        Label(Arc::from(s))
    }
}

impl From<&String> for Label {
    fn from(s: &String) -> Self {
        Label(Arc::from(s.as_str()))
    }
}

impl From<Arc<str>> for Label {
    fn from(s: Arc<str>) -> Self {
        Label(s)
    }
}

impl From<&Label> for Label {
    fn from(s: &Label) -> Self {
        s.clone()
    }
}

impl PartialEq<str> for Label {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Label {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Label {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Label {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The strings trace entries repeat (component and step names, event reasons and sources),
/// shared instead of copied per entry. Bounded: past `INTERN_MAX` distinct strings new ones
/// are handed out unshared, so user-chosen names cannot grow it without end.
#[derive(Debug, Default)]
pub struct Interner {
    names: std::collections::BTreeSet<Label>,
}

const INTERN_MAX: usize = 8_192;

impl Interner {
    pub fn intern(&mut self, s: &str) -> Label {
        if let Some(l) = self.names.get(s) {
            return l.clone();
        }
        let l = Label::from(s);
        if self.names.len() < INTERN_MAX {
            self.names.insert(l.clone());
        }
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
    }
}
