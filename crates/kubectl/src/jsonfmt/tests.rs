//! The writer against known bytes and, on random values, against the allocation-heavy
//! implementation it replaced (kept here as the reference: [`reference`]).

use super::*;
use proptest::prelude::*;
use serde_json::json;

/// The JSON writer as it was before the single-buffer rewrite, verbatim in behaviour.
mod reference {
    use serde_json::Value;

    pub fn to_json(value: &Value) -> String {
        let mut out = String::new();
        write(&mut out, value, 0);
        out.push('\n');
        out
    }

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

    fn sorted(m: &serde_json::Map<String, Value>) -> Vec<(&serde_json::map::Key, &Value)> {
        let mut entries: Vec<(&serde_json::map::Key, &Value)> = m.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        entries
    }

    fn indent(out: &mut String, depth: usize) {
        out.extend(std::iter::repeat_n(' ', depth * 4));
    }

    fn string(out: &mut String, s: &str) {
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
}

/// Strings that exercise escaping, YAML's resolver (numbers, timestamps, booleans, base 60),
/// its indicators and quoting, and folding of long text.
pub(crate) fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-zA-Z0-9._/-]{0,12}",
        3 => "[a-z0-9 :#'\"\\\\.,\\-_+~?!*&|>%@`\\[\\]{}]{0,10}",
        2 => "[ -~]{0,16}",
        1 => "[a-z \\t\\n\\r\u{0}\u{7f}\u{85}\u{a0}\u{2028}\u{2029}\u{feff}é\u{1F600}<>&]{0,10}",
        2 => "[+-]?[0-9_]{1,4}(\\.[0-9]{0,3})?([eE][+-]?[0-9]{1,2})?",
        1 => "0[xXoObB][0-9a-fA-F_]{0,4}",
        1 => "[0-9]{1,2}(:[0-9]{1,2}){1,3}(\\.[0-9_]*)?",
        1 => "20[0-9]{2}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,10})?(Z|[+-][0-9]{2}:[0-9]{2})?)?",
        1 => prop::sample::select(vec!["true", "False", "yes", "N", "on", "OFF", "null", "~", ".inf", "-.Inf", ".NaN", "---", "...", "- a", "? x", ": y", "", " ", "a:", "a #b", "x\n", "\n", "a\n\nb\n\n"]).prop_map(String::from),
        1 => "(([a-z]{1,9}|'|\"|\\\\|:|#)( {1,2}|\\n)?){8,30}",
        2 => "[a-z'\"]{1,6}( [a-z:#]{1,6}){3,20}",
    ]
}

/// Objects shaped like Kubernetes objects: nested maps and lists of scalars and maps.
pub(crate) fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e6f64..1.0e6).prop_map(Value::from),
        arb_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop_oneof![3 => "[a-zA-Z][a-zA-Z0-9]{0,8}", 1 => arb_string()], inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

#[test]
fn indents_four_spaces_with_sorted_keys() {
    let v = json!({"b": [1, {"y": true, "x": "<a&b>"}], "a": {}, "c": []});
    let want = "{\n    \"a\": {},\n    \"b\": [\n        1,\n        {\n            \"x\": \"\\u003ca\\u0026b\\u003e\",\n            \"y\": true\n        }\n    ],\n    \"c\": []\n}\n";
    assert_eq!(to_json(&v), want);
    assert_eq!(to_compact(&v), "{\"a\":{},\"b\":[1,{\"x\":\"\\u003ca\\u0026b\\u003e\",\"y\":true}],\"c\":[]}");
}

#[test]
fn numbers_and_escapes() {
    let cases: [(Value, &str); 9] = [
        (json!(0), "0"),
        (json!(-7), "-7"),
        (json!(i64::MIN), "-9223372036854775808"),
        (json!(u64::MAX), "18446744073709551615"),
        (json!(1.5), "1.5"),
        (json!("a\u{2028}b\u{2029}"), "\"a\\u2028b\\u2029\""),
        (json!("\u{1}\u{1f}\t"), "\"\\u0001\\u001f\\t\""),
        (json!("é — ✓"), "\"é — ✓\""),
        (json!("q\"\\"), "\"q\\\"\\\\\""),
    ];
    for (v, want) in cases {
        assert_eq!(to_compact(&v), want, "{v:?}");
    }
}

#[test]
fn list_around_items_equals_the_built_list() {
    let a = json!({"kind": "Pod", "metadata": {"name": "a", "labels": {"x": "<y>"}}, "spec": {"containers": [{"name": "c"}]}});
    let b = json!({"kind": "Pod", "metadata": {"name": "b"}, "status": {}});
    for items in [vec![], vec![&a], vec![&a, &b], vec![&b, &a, &b]] {
        let list = json!({"apiVersion": "v1", "items": items.iter().map(|v| (*v).clone()).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}});
        assert_eq!(list_to_json(&items), to_json(&list));
        assert_eq!(list_to_json(&items), reference::to_json(&list));
        assert_eq!(crate::yaml::list_to_yaml(&items), crate::yaml::to_yaml(&list));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, .. ProptestConfig::default() })]

    #[test]
    fn same_bytes_as_the_reference_writer(v in arb_value()) {
        prop_assert_eq!(to_json(&v), reference::to_json(&v));
        prop_assert_eq!(to_compact(&v), reference::to_compact(&v));
    }

    #[test]
    fn strings_escape_like_the_reference(s in arb_string()) {
        let v = Value::String(s);
        prop_assert_eq!(to_compact(&v), reference::to_compact(&v));
    }
}

proptest! {
    /// The eight-byte shortcut orders keys exactly like `str::cmp`, across the eight-byte
    /// boundary, prefixes of each other and NUL bytes.
    #[test]
    fn key_cmp_is_byte_order(a in "[a-c\u{0}é]{0,12}", b in "[a-c\u{0}é]{0,12}") {
        prop_assert_eq!(key_cmp(&a, &b), a.cmp(&b));
        let longer = format!("{a}{b}");
        prop_assert_eq!(key_cmp(&a, &longer), a.as_str().cmp(longer.as_str()));
    }
}

proptest! {
    /// The eight-bytes-at-a-time scan finds every byte the per-byte table marks, wherever it
    /// sits in a word or the tail, next to bytes one bit away from it (`'` `%` `=` `?` `[` `]`).
    #[test]
    fn escape_scan_matches_the_byte_table(s in "[a-z0-9'%=?\\[\\]\"&<>\\\\\u{1}\u{1f} \u{7f}é\u{2028}]{0,40}") {
        prop_assert_eq!(needs_escaping(s.as_bytes()), s.bytes().any(|b| ESCAPES[usize::from(b)]));
    }
}

#[test]
fn escape_scan_cases() {
    let cases = [
        ("", false), ("abcdefgh", false), ("abcdefgh<", true), ("<abcdefgh", true), ("abcd&efgh", true),
        ("abcdefg\"", true), ("abcdefg'", false), ("abcdefg%", false), ("a\\bcdefgh", true), ("\u{1f}bcdefgh", true),
        ("abcdefg ", false), ("abcdefg\u{7f}", false), ("abcdefgé", false), ("abcdefg\u{2028}", true),
        ("=?[]=?[]=?[]", false), ("docker.io/library/nginx@sha256:b4512cd1563c5d14", false),
    ];
    for (s, want) in cases {
        assert_eq!(needs_escaping(s.as_bytes()), want, "{s:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    /// Lists that repeat mapping shapes (the key-order cache's hits and misses) print like the
    /// reference writer, which sorts every mapping.
    #[test]
    fn repeated_shapes_match_the_reference(items in crate::shapes::tests::arb_shaped_list()) {
        let borrowed: Vec<&Value> = items.iter().collect();
        let list = json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
        prop_assert_eq!(list_to_json(&borrowed), reference::to_json(&list));
        prop_assert_eq!(to_compact(&list), reference::to_compact(&list));
    }
}

proptest! {
    /// `prefix8`'s overlapping loads give the zero-padded big-endian prefix for every length.
    #[test]
    fn prefix8_is_the_zero_padded_prefix(b in proptest::collection::vec(any::<u8>(), 0..20)) {
        let mut padded = [0u8; 8];
        let n = b.len().min(8);
        padded[..n].copy_from_slice(&b[..n]);
        prop_assert_eq!(prefix8(&b), u64::from_be_bytes(padded));
    }
}

proptest! {
    /// Integers print as Rust (and Go) print them, over the whole range of both types.
    #[test]
    fn integers_print_like_to_string(i in any::<i64>(), u in any::<u64>()) {
        let mut out = String::new();
        push_i64(&mut out, i);
        prop_assert_eq!(&out, &i.to_string());
        out.clear();
        push_u64(&mut out, u);
        prop_assert_eq!(out, u.to_string());
    }
}
