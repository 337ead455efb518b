//! A JSON-Patch-shaped difference between two versions of an object, so the trace can show
//! exactly what mutating admission changed (`add /spec/volumes/0`, `add
//! /spec/tolerations/0`, ...). Paths use RFC 6901 escaping.

use serde_json::{json, Value};

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

/// Operations turning `before` into `after`. Bounded by the size of the two documents.
pub fn diff(before: &Value, after: &Value) -> Vec<Value> {
    let mut ops = Vec::new();
    walk(before, after, String::new(), &mut ops, 0);
    ops
}

fn walk(a: &Value, b: &Value, path: String, ops: &mut Vec<Value>, depth: usize) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if depth < 64 => {
            for (k, va) in x {
                let p = format!("{path}/{}", escape(k));
                match y.get(k) {
                    Some(vb) => walk(va, vb, p, ops, depth + 1),
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
                walk(&x[i], &y[i], format!("{path}/{i}"), ops, depth + 1);
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

#[cfg(test)]
mod tests {
    use super::*;

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
