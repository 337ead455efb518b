//! A JSON-Patch-shaped difference between two versions of an object, so the trace can show
//! exactly what mutating admission changed (`add /spec/volumes/0`, `add
//! /spec/tolerations/0`, ...). Paths use RFC 6901 escaping.

use serde_json::{Map, Value};

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A JSON object from (key, value) pairs in order, moving the values in. Trace details built
/// with `json!` re-serialise every `Value` they are given — a deep copy of a whole pod body or
/// patch per trace entry — which this avoids.
pub fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut m = serde_json::Map::with_capacity(N);
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

/// Where the walk puts the operations it finds: `diff` builds each as a JSON value (`op`);
/// mutating admission packs them straight into its typed trace detail
/// (`trace_detail::PackedOps`), with no deep copy of the value on the way. `value` is the
/// operation's value, borrowed from `after`.
pub trait OpSink {
    fn push_op(&mut self, kind: &'static str, path: &str, value: Option<&Value>);
}

impl OpSink for Vec<Value> {
    fn push_op(&mut self, kind: &'static str, path: &str, value: Option<&Value>) {
        self.push(op(kind, path, value));
    }
}

/// Operations turning `before` into `after`. Bounded by the size of the two documents.
pub fn diff(before: &Value, after: &Value) -> Vec<Value> {
    let mut ops = Vec::new();
    let mut path = String::new();
    walk(before, after, &mut path, &mut ops, 0);
    ops
}

/// Appends to `ops` the operations turning `before` into `after`, both found at `path` (an
/// RFC 6901 pointer, escaped) at nesting `depth`: what `diff` of the two whole documents yields
/// for that subtree, so a caller that knows only some subtrees changed can diff just those.
pub fn diff_at(before: &Value, after: &Value, path: &mut String, depth: usize, ops: &mut impl OpSink) {
    walk(before, after, path, ops, depth);
}

/// Appends `/key` to a pointer with RFC 6901 escaping (what `diff` does per key).
pub fn push_pointer_key(path: &mut String, key: &str) {
    push_key(path, key);
}

fn op(kind: &str, path: &str, value: Option<&Value>) -> Value {
    let mut m = serde_json::Map::with_capacity(3);
    m.insert("op", Value::from(kind));
    m.insert("path", Value::from(path));
    if let Some(v) = value {
        m.insert("value", exact_copy(v));
    }
    Value::Object(m)
}

/// A deep copy whose maps have exactly their length in capacity, as re-serialising gives
/// (`Map::clone` sizes every copied map's entries to its hash table, up to ~40 % more): the
/// patches live in the trace for the whole session, so their size is the trace's size.
pub fn exact_copy(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = serde_json::Map::with_capacity(m.len());
            for (k, x) in m {
                out.insert(k.clone(), exact_copy(x));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(exact_copy).collect()),
        other => other.clone(),
    }
}

/// One pass over both documents: containers are descended without first comparing them whole
/// (a whole-subtree equality test at every level made the walk quadratic in depth, and ran on
/// every admission plugin's diff of every pod), and the path is one buffer grown and truncated
/// in place instead of a new string per key. Equal documents still yield no operations, in the
/// same order as before: removals in `before`'s key order, then additions in `after`'s.
fn walk(a: &Value, b: &Value, path: &mut String, ops: &mut impl OpSink, depth: usize) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if depth < 64 => walk_object(x, y, path, ops, depth),
        (Value::Array(x), Value::Array(y)) if depth < 64 => {
            let common = x.len().min(y.len());
            for i in 0..common {
                let len = path.len();
                push_index(path, i);
                walk(&x[i], &y[i], path, ops, depth + 1);
                path.truncate(len);
            }
            for (i, v) in y.iter().enumerate().skip(common) {
                let len = path.len();
                push_index(path, i);
                ops.push_op("add", path, Some(v));
                path.truncate(len);
            }
            for i in (common..x.len()).rev() {
                let len = path.len();
                push_index(path, i);
                ops.push_op("remove", path, None);
                path.truncate(len);
            }
        }
        _ if a == b => {}
        _ => ops.push_op("replace", path, Some(b)),
    }
}

/// Objects are walked in step: the two versions of an object almost always keep their keys in
/// the same order (plugins append), so each key of `before` is first looked for at the same
/// position of `after`, and only once the orders part is it looked up by hash. While they stay
/// aligned, the keys `after` adds are simply its tail.
fn walk_object(x: &Map<String, Value>, y: &Map<String, Value>, path: &mut String, ops: &mut impl OpSink, depth: usize) {
    let mut in_step = y.iter();
    let mut aligned = true;
    for (k, va) in x {
        let len = path.len();
        push_key(path, k);
        let same_place = if aligned { in_step.next().filter(|(yk, _)| *yk == k).map(|(_, v)| v) } else { None };
        aligned = same_place.is_some();
        match same_place.or_else(|| y.get(k)) {
            Some(vb) => walk(va, vb, path, ops, depth + 1),
            None => ops.push_op("remove", path, None),
        }
        path.truncate(len);
    }
    // Aligned to the end: `after` starts with exactly `before`'s keys, so its other keys are
    // the ones after them; otherwise each key is checked.
    let skip = if aligned { x.len() } else { 0 };
    for (k, vb) in y.iter().skip(skip) {
        if aligned || !x.contains_key(k) {
            let len = path.len();
            push_key(path, k);
            ops.push_op("add", path, Some(vb));
            path.truncate(len);
        }
    }
}

/// Appends `/key` with RFC 6901 escaping.
fn push_key(path: &mut String, key: &str) {
    path.push('/');
    if key.contains(['~', '/']) {
        path.push_str(&escape(key));
    } else {
        path.push_str(key);
    }
}

fn push_index(path: &mut String, i: usize) {
    use std::fmt::Write;
    // Writing into a String cannot fail.
    let _ = write!(path, "/{i}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The walk as first written (whole-subtree equality at every level, a new path string per
    /// key): the reference the one-pass walk must reproduce exactly.
    fn reference(a: &Value, b: &Value, path: String, ops: &mut Vec<Value>, depth: usize) {
        if a == b {
            return;
        }
        match (a, b) {
            (Value::Object(x), Value::Object(y)) if depth < 64 => {
                for (k, va) in x {
                    let p = format!("{path}/{}", escape(k));
                    match y.get(k) {
                        Some(vb) => reference(va, vb, p, ops, depth + 1),
                        None => ops.push(json!({"op": "remove", "path": p})),
                    }
                }
                for (k, vb) in y {
                    if !x.contains_key(k) {
                        ops.push(json!({"op": "add", "path": format!("{path}/{}", escape(k)), "value": vb}));
                    }
                }
            }
            (Value::Array(x), Value::Array(y)) if depth < 64 => {
                let common = x.len().min(y.len());
                for i in 0..common {
                    reference(&x[i], &y[i], format!("{path}/{i}"), ops, depth + 1);
                }
                for (i, v) in y.iter().enumerate().skip(common) {
                    ops.push(json!({"op": "add", "path": format!("{path}/{i}"), "value": v}));
                }
                for i in (common..x.len()).rev() {
                    ops.push(json!({"op": "remove", "path": format!("{path}/{i}")}));
                }
            }
            _ => ops.push(json!({"op": "replace", "path": path, "value": b})),
        }
    }

    /// Small JSON documents over a few keys (some needing escapes), so that pairs overlap.
    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from), (-3i64..3).prop_map(Value::from), "[ab]{0,2}".prop_map(Value::from)];
        leaf.prop_recursive(5, 48, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("a|b|c/d|e~f", inner), 0..4).prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn one_pass_walk_matches_reference(a in arb_json(), b in arb_json()) {
            let mut want = Vec::new();
            reference(&a, &b, String::new(), &mut want, 0);
            let got = diff(&a, &b);
            prop_assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());
            prop_assert!(diff(&a, &a).is_empty());
            prop_assert_eq!(serde_json::to_string(&exact_copy(&a)).unwrap(), serde_json::to_string(&a).unwrap());
        }
    }

    /// `after` derived from `before` the way admission changes a pod: keys appended, one
    /// removed, values replaced in nested objects (the aligned path of the walk).
    fn edited(v: &Value, extra: &Value, drop_first: bool) -> Value {
        match v {
            Value::Object(m) => {
                let mut out: Map<String, Value> = m.iter().skip(usize::from(drop_first && m.len() > 1)).map(|(k, x)| (k.clone(), edited(x, extra, !drop_first))).collect();
                out.insert("added/key", extra.clone());
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| edited(x, extra, drop_first)).collect()),
            Value::Bool(b) => Value::Bool(!b),
            other => other.clone(),
        }
    }

    proptest! {
        #[test]
        fn one_pass_walk_matches_reference_on_edits(a in arb_json(), extra in arb_json(), drop_first in any::<bool>()) {
            let b = edited(&a, &extra, drop_first);
            for (x, y) in [(&a, &b), (&b, &a)] {
                let mut want = Vec::new();
                reference(x, y, String::new(), &mut want, 0);
                prop_assert_eq!(serde_json::to_string(&diff(x, y)).unwrap(), serde_json::to_string(&want).unwrap());
            }
        }
    }

    #[test]
    fn deep_documents_match_reference() {
        // Past the depth cap the walk replaces whole subtrees, as the reference does.
        let (mut a, mut b) = (json!(1), json!(2));
        for _ in 0..70 {
            a = json!({"k": [a]});
            b = json!({"k": [b]});
        }
        let mut want = Vec::new();
        reference(&a, &b, String::new(), &mut want, 0);
        assert_eq!(Value::Array(diff(&a, &b)), Value::Array(want));
    }

    #[test]
    fn diff_table() {
        let cases = [
            (json!({"a": 1}), json!({"a": 1}), json!([])),
            (json!({"a": 1}), json!({"a": 2}), json!([{"op": "replace", "path": "/a", "value": 2}])),
            (json!({"a": 1}), json!({}), json!([{"op": "remove", "path": "/a"}])),
            (json!({"s": {"v": []}}), json!({"s": {"v": [1]}}), json!([{"op": "add", "path": "/s/v/0", "value": 1}])),
            (json!({"m": {}}), json!({"m": {"a/b": "x"}}), json!([{"op": "add", "path": "/m/a~1b", "value": "x"}])),
        ];
        for (a, b, want) in cases {
            assert_eq!(Value::Array(diff(&a, &b)), want, "{a} -> {b}");
        }
    }

    #[test]
    fn fields_equals_json_macro_in_order() {
        let body = json!({"spec": {"containers": [{"name": "app"}]}});
        let built = fields([("verb", json!("create")), ("body", body.clone()), ("n", json!(3))]);
        assert_eq!(serde_json::to_string(&built).unwrap(), serde_json::to_string(&json!({"verb": "create", "body": body, "n": 3})).unwrap());
    }
}
