//! What a mutating admission plugin changed, for its trace patch, without a whole copy of the
//! pod. Every built-in pod plugin changes a few named keys of `metadata` and `spec` and nothing
//! else, so before changing one it saves that key's value here (`Touched::spec`,
//! `Touched::metadata`); the patch is then the diff of just those keys plus the keys the plugin
//! appended — exactly what `diff` of a whole copy yields, at a fraction of the copying (a whole
//! pod copy and walk per plugin was most of admission's cost at scale).
//!
//! The contract a plugin keeps: it saves a key before it changes it, the first save of a
//! section comes before any change to that section, and it adds keys (a map insert appends)
//! but never removes keys of `metadata` or `spec` (a removal would reorder the map). Keys
//! inside a saved value may change freely. A list of objects a plugin only extends in one
//! array field of each element (the ServiceAccount plugin's volume mounts) is recorded as
//! those arrays' lengths instead of copied (`Touched::spec_appends`): its operations are the
//! appended entries. A test checks every plugin against the whole-copy diff.

use super::super::diff::{self, OpSink};
use crate::meta;
use serde_json::Value;

/// The saved keys of one top-level section (`metadata` or `spec`).
#[derive(Debug, Default)]
struct Section {
    /// How many keys the section had at its first save; None while nothing was saved.
    len_before: Option<usize>,
    /// The values the saved keys had before (keys that did not exist are not saved: they can
    /// only have been appended, after `len_before`).
    saved: Vec<(&'static str, Value)>,
    /// Lists of objects whose elements may only gain entries at the end of one array field
    /// (`Touched::spec_appends`): the list key, the field, and per element that field's length
    /// before (None: the element had no such field).
    appends: Vec<(&'static str, &'static str, Vec<Option<usize>>)>,
}

impl Section {
    fn save(&mut self, section: Option<&Value>, keys: &[&'static str]) {
        let Some(map) = section.and_then(Value::as_object) else { return };
        self.len_before.get_or_insert(map.len());
        for key in keys {
            if self.saved.iter().any(|(k, _)| k == key) || self.appends.iter().any(|(k, _, _)| k == key) {
                continue;
            }
            if let Some(v) = map.get(*key) {
                self.saved.push((key, v.clone()));
            }
        }
    }

    /// Records the lengths of `field` in each element of the lists `keys`, or saves a list whole
    /// when it is not a list of objects whose `field` is absent or an array.
    fn save_appends(&mut self, section: Option<&Value>, keys: &[&'static str], field: &'static str) {
        let Some(map) = section.and_then(Value::as_object) else { return };
        self.len_before.get_or_insert(map.len());
        for key in keys {
            if self.saved.iter().any(|(k, _)| k == key) || self.appends.iter().any(|(k, _, _)| k == key) {
                continue;
            }
            let Some(list) = map.get(*key) else { continue };
            let lens: Option<Vec<Option<usize>>> = list.as_array().and_then(|items| {
                items
                    .iter()
                    .map(|item| match item.as_object()?.get(field) {
                        None => Some(None),
                        Some(Value::Array(a)) => Some(Some(a.len())),
                        Some(_) => None,
                    })
                    .collect()
            });
            match lens {
                Some(lens) => self.appends.push((key, field, lens)),
                None => self.saved.push((key, list.clone())),
            }
        }
    }

    /// The operations `diff` finds in a list recorded by `save_appends`: per element, the
    /// entries appended to its field, or the field itself when the element gained it.
    fn append_ops(field: &str, lens: &[Option<usize>], after: &Value, path: &mut String, ops: &mut impl OpSink) {
        let Some(items) = after.as_array() else { return };
        for (i, (item, before)) in items.iter().zip(lens).enumerate() {
            let Some(now) = item.get(field) else { continue };
            let len = path.len();
            push_index(path, i);
            diff::push_pointer_key(path, field);
            match (before, now.as_array()) {
                (Some(n), Some(a)) => {
                    for (j, v) in a.iter().enumerate().skip(*n) {
                        let at = path.len();
                        push_index(path, j);
                        ops.push_op("add", path, Some(v));
                        path.truncate(at);
                    }
                }
                _ => ops.push_op("add", path, Some(now)),
            }
            path.truncate(len);
        }
    }

    /// The operations of this section, in the order `diff` walks it: the keys it had, in
    /// their order (only saved ones can differ), then the appended keys.
    fn ops(&self, name: &str, after: Option<&Value>, ops: &mut impl OpSink) {
        let (Some(len_before), Some(map)) = (self.len_before, after.and_then(Value::as_object)) else { return };
        let mut path = String::with_capacity(64);
        diff::push_pointer_key(&mut path, name);
        for (k, v) in map.iter().take(len_before) {
            if let Some((_, before)) = self.saved.iter().find(|(s, _)| s == k) {
                let len = path.len();
                diff::push_pointer_key(&mut path, k);
                diff::diff_at(before, v, &mut path, 2, ops);
                path.truncate(len);
            } else if let Some((_, field, lens)) = self.appends.iter().find(|(s, _, _)| s == k) {
                let len = path.len();
                diff::push_pointer_key(&mut path, k);
                Section::append_ops(field, lens, v, &mut path, ops);
                path.truncate(len);
            }
        }
        for (k, v) in map.iter().skip(len_before) {
            let len = path.len();
            diff::push_pointer_key(&mut path, k);
            ops.push_op("add", &path, Some(v));
            path.truncate(len);
        }
    }
}

/// The keys one plugin run saved. Inactive (saves nothing) when the caller diffs a whole copy.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    active: bool,
    metadata: Section,
    spec: Section,
}

impl Touched {
    pub fn new(active: bool) -> Self {
        Touched { active, ..Touched::default() }
    }

    /// Saves `keys` of `spec` before the plugin changes them.
    pub fn spec(&mut self, pod: &Value, keys: &[&'static str]) {
        if self.active {
            self.spec.save(meta::member(pod, "spec"), keys);
        }
    }

    /// Before the plugin appends entries to the array `field` of the objects in the lists
    /// `keys` of `spec` (creating the field where an object lacks it), and changes nothing
    /// else in those lists: records the arrays' lengths instead of copying the lists.
    pub fn spec_appends(&mut self, pod: &Value, keys: &[&'static str], field: &'static str) {
        if self.active {
            self.spec.save_appends(meta::member(pod, "spec"), keys, field);
        }
    }

    /// Saves `keys` of `metadata` before the plugin changes them.
    pub fn metadata(&mut self, pod: &Value, keys: &[&'static str]) {
        if self.active {
            self.metadata.save(meta::member(pod, "metadata"), keys);
        }
    }

    /// The plugin's patch: `metadata`'s operations, then `spec`'s (their order in the pod,
    /// which `scopable` checked).
    pub fn patch(&self, pod: &Value) -> Vec<Value> {
        let mut ops = Vec::new();
        self.patch_into(pod, &mut ops);
        ops
    }

    /// `patch` into any sink (the trace's packed operations).
    pub fn patch_into(&self, pod: &Value, ops: &mut impl OpSink) {
        self.metadata.ops("metadata", meta::member(pod, "metadata"), ops);
        self.spec.ops("spec", meta::member(pod, "spec"), ops);
    }
}

/// Whether a scoped patch can stand for the whole diff of this pod: `metadata` and `spec` are
/// objects and `metadata` comes first (every decoded pod; anything else takes a whole copy).
pub(crate) fn scopable(pod: &Value) -> bool {
    let Some(m) = pod.as_object() else { return false };
    let meta_at = m.keys().position(|k| k == "metadata");
    let spec_at = m.keys().position(|k| k == "spec");
    let objects = meta::member(pod, "metadata").is_some_and(Value::is_object) && meta::member(pod, "spec").is_some_and(Value::is_object);
    matches!((meta_at, spec_at), (Some(a), Some(b)) if a < b) && objects
}

fn push_index(path: &mut String, i: usize) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = write!(path, "/{i}");
}
