//! How the Go-like decoder walks JSON arrays and objects (serde's `SeqAccess` and
//! `MapAccess`): each step extends the strict-error path (`spec.containers[0].imagee`) and
//! Go's field stack, and a struct's unknown keys are recorded and skipped in document order,
//! which is how the API server reports every unknown field at once.

use super::go_json::{De, GoError, State};
use serde::de::{DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt::Write as _;

type R<T> = Result<T, GoError>;

pub(super) struct Seq<'a, 's> {
    pub(super) items: &'a [Value],
    pub(super) i: usize,
    pub(super) st: &'s RefCell<State>,
    pub(super) elem_type: Option<&'static str>,
}

impl<'a, 's> SeqAccess<'a> for Seq<'a, 's> {
    type Error = GoError;
    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> R<Option<T::Value>> {
        let Some(v) = self.items.get(self.i) else {
            return Ok(None);
        };
        let saved_len;
        {
            let mut st = self.st.borrow_mut();
            saved_len = st.strict_path.len();
            // Writing into a String cannot fail.
            let _ = write!(st.strict_path, "[{}]", self.i);
            st.pending_type = self.elem_type;
        }
        self.i += 1;
        let r = seed.deserialize(De {
            value: v,
            st: self.st,
        });
        self.st.borrow_mut().strict_path.truncate(saved_len);
        r.map(Some)
    }
}

/// Object entries handed to a struct or map visitor; for structs, unknown keys are recorded
/// and skipped here, which is how the API server reports every unknown field at once.
pub(super) struct Entries<'a, 's> {
    /// The entries not yet handed out; `next` is the one under the cursor.
    rest: Option<serde_json::map::Iter<'a>>,
    next: Option<(&'a serde_json::map::Key, &'a Value)>,
    st: &'s RefCell<State>,
    structure: Option<&'static str>,
    fields: &'static [&'static str],
}

impl<'a, 's> Entries<'a, 's> {
    pub(super) fn new(
        m: &'a Map<String, Value>,
        st: &'s RefCell<State>,
        structure: Option<&'static str>,
        fields: &'static [&'static str],
    ) -> Self {
        let mut rest = m.iter();
        Entries {
            next: rest.next(),
            rest: Some(rest),
            st,
            structure,
            fields,
        }
    }
    pub(super) fn empty(st: &'s RefCell<State>) -> Self {
        Entries {
            rest: None,
            next: None,
            st,
            structure: None,
            fields: &[],
        }
    }

    /// Records and skips unknown struct fields up to the next known one, in document order,
    /// so the list reads like the API server's (which decodes sequentially).
    fn skip_unknown(&mut self) {
        let Some(_) = self.structure else { return };
        while let Some((k, _)) = self.next {
            if self.fields.contains(&k.as_str()) {
                return;
            }
            let mut s = self.st.borrow_mut();
            // TypeMeta is inline in every Go kind; the typed structs here leave it out.
            if s.strict_path.is_empty()
                && s.structs.is_empty()
                && (k.as_str() == "apiVersion" || k.as_str() == "kind")
            {
                drop(s);
                self.advance();
                continue;
            }
            let path = if s.strict_path.is_empty() {
                k.to_string()
            } else {
                format!("{}.{k}", s.strict_path)
            };
            if s.unknown.len() < 100 && !s.unknown.contains(&path) {
                s.unknown.push(path);
            }
            drop(s);
            self.advance();
        }
    }

    /// Moves the cursor to the next entry.
    fn advance(&mut self) {
        self.next = self.rest.as_mut().and_then(Iterator::next);
    }
}

impl<'a, 's> MapAccess<'a> for Entries<'a, 's> {
    type Error = GoError;
    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> R<Option<K::Value>> {
        self.skip_unknown();
        match self.next {
            Some((k, _)) => seed.deserialize(k.as_str().into_deserializer()).map(Some),
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> R<V::Value> {
        let Some((k, v)) = self.next else {
            return Err(GoError::Fatal(
                "json: internal decoder error".into(),
                String::new(),
            ));
        };
        self.advance();
        let de = De {
            value: v,
            st: self.st,
        };
        match self.structure {
            Some(s) => de.with_field(s, k, || {
                seed.deserialize(De {
                    value: v,
                    st: self.st,
                })
            }),
            None => {
                // Map values: keys extend the strict path but not Go's FieldStack.
                let saved_len;
                {
                    let mut st = self.st.borrow_mut();
                    saved_len = st.strict_path.len();
                    if !st.strict_path.is_empty() {
                        st.strict_path.push('.');
                    }
                    st.strict_path.push_str(k);
                }
                let r = seed.deserialize(de);
                self.st.borrow_mut().strict_path.truncate(saved_len);
                r
            }
        }
    }
}
