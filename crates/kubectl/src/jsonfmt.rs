//! JSON output as `kubectl get -o json` writes it: Go's `json.MarshalIndent(obj, "", "    ")`
//! over an unstructured object, so map keys come out in byte order, four-space indentation,
//! `<`, `>` and `&` escaped as `\u003c`-style sequences, and empty collections as `{}`/`[]`.

use serde_json::Value;

/// Renders `value` the way kubectl's JSON printer does, with a trailing newline.
pub fn to_json(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value, 0);
    out.push('\n');
    out
}

/// The `List` kubectl prints several objects in, written around the borrowed items: the same
/// bytes as [`to_json`] of that List, without building it.
pub fn list_to_json(items: &[&Value]) -> String {
    let mut out = String::from("{\n    \"apiVersion\": \"v1\",\n    \"items\": ");
    if items.is_empty() {
        out.push_str("[]");
    } else {
        out.push_str("[\n");
        for (i, v) in items.iter().enumerate() {
            indent(&mut out, 2);
            write(&mut out, v, 2);
            if i + 1 < items.len() {
                out.push(',');
            }
            out.push('\n');
        }
        indent(&mut out, 1);
        out.push(']');
    }
    out.push_str(",\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n");
    out
}

/// Compact Go-style encoding (sorted keys, HTML-safe escapes), e.g. for jsonpath results and the
/// last-applied-configuration annotation.
pub fn to_compact(value: &Value) -> String {
    let mut out = String::new();
    write_compact(&mut out, value);
    out
}

fn write(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            let entries = sorted(m);
            out.push_str("{\n");
            for (i, (k, v)) in entries.iter().enumerate() {
                indent(out, depth + 1);
                string(out, k);
                out.push_str(": ");
                write(out, v, depth + 1);
                if i + 1 < entries.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push('}');
        }
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, v) in a.iter().enumerate() {
                indent(out, depth + 1);
                write(out, v, depth + 1);
                if i + 1 < a.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            indent(out, depth);
            out.push(']');
        }
        _ => write_compact(out, value),
    }
}

fn write_compact(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(out, v);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, v)) in sorted(m).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(out, k);
                out.push(':');
                write_compact(out, v);
            }
            out.push('}');
        }
    }
}

/// Entries in Go's map-key order (byte order), sorted as pairs so no value is looked up again.
fn sorted(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    // Keys of one map are unique, so an unstable sort gives the one possible order.
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth * 4));
}

/// Go's `encoding/json` string encoding with HTML escaping on.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn indents_four_spaces_with_sorted_keys() {
        let v = json!({"b": [1, {"y": true, "x": "<a&b>"}], "a": {}, "c": []});
        let want = "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {\n            \"x\": \"\\u003ca\\u0026b\\u003e\",\n            \"y\": true\n        }\n    ],\n    \"c\": []\n}\n";
        assert_eq!(to_json(&v), want);
        assert_eq!(to_compact(&v), "{\"a\":{},\"b\":[1,{\"x\":\"\\u003ca\\u0026b\\u003e\",\"y\":true}],\"c\":[]}");
    }

    #[test]
    fn list_around_items_equals_the_built_list() {
        let a = json!({"kind": "Pod", "metadata": {"name": "a", "labels": {"x": "<y>"}}, "spec": {"containers": [{"name": "c"}]}});
        let b = json!({"kind": "Pod", "metadata": {"name": "b"}, "status": {}});
        for items in [vec![], vec![&a], vec![&a, &b]] {
            let list = json!({"apiVersion": "v1", "items": items.iter().map(|v| (*v).clone()).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}});
            assert_eq!(list_to_json(&items), to_json(&list));
            assert_eq!(crate::yaml::list_to_yaml(&items), crate::yaml::to_yaml(&list));
        }
    }
}
