//! Expected bytes taken from real `kubectl get -o yaml` output of the same values.

use super::*;
use serde_json::{json, Value};

#[test]
fn sorted_keys_and_indentless_sequences() {
    let v = json!({"spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}]},
        "apiVersion": "v1", "metadata": {"labels": {}, "creationTimestamp": "2025-01-01T12:00:00Z"}});
    let want = "apiVersion: v1\nmetadata:\n  creationTimestamp: \"2025-01-01T12:00:00Z\"\n  labels: {}\nspec:\n  containers:\n  - image: nginx\n    name: web\n    ports:\n    - containerPort: 80\n";
    assert_eq!(to_yaml(&v), want);
}

#[test]
fn quoting_rules() {
    let v = json!({"a": "true", "b": "80", "c": "", "d": "*", "e": "x: y", "f": "1.36", "g": "nginx:1.27",
        "h": "echo hi; sleep 3600", "i": null, "j": [], "k": "tab\there", "l": "12:30", "m": "yes"});
    let want = "a: \"true\"\nb: \"80\"\nc: \"\"\nd: '*'\ne: 'x: y'\nf: \"1.36\"\ng: nginx:1.27\nh: echo hi; sleep 3600\ni: null\nj: []\nk: \"tab\\there\"\nl: \"12:30\"\nm: \"yes\"\n";
    assert_eq!(to_yaml(&v), want);
}

#[test]
fn literal_blocks() {
    let v = json!({"data": {"a": "line1\nline2\n", "b": "x\ny", "c": "x\n\n"}, "list": ["p\nq\n"]});
    let want = "data:\n  a: |\n    line1\n    line2\n  b: |-\n    x\n    y\n  c: |+\n    x\n\nlist:\n- |\n  p\n  q\n";
    assert_eq!(to_yaml(&v), want);
}

#[test]
fn long_plain_scalars_fold_past_column_80() {
    let long = "word ".repeat(25).trim_end().to_string();
    let v = json!({"metadata": {"annotations": {"note": long}}});
    let y = to_yaml(&v);
    let lines: Vec<&str> = y.lines().collect();
    assert_eq!(lines[2].len(), 84, "{y}");
    assert!(lines[3].starts_with("      word"), "{y}");
}

#[test]
fn key_order_is_go_yaml_natural_order() {
    let mut keys = vec!["b", "a10", "a2", "A", "_x", "a"];
    keys.sort_by(|a, b| key_order(a, b)); // consistent on these keys
    assert_eq!(keys, ["_x", "A", "a", "a2", "a10", "b"]);
}

#[test]
fn matches_real_kubectl_on_tricky_strings() {
    // Both files were produced by the real kubectl 1.33 (kubectl-oracle) on the same pod.
    let json: Value = serde_json::from_str(include_str!("../../tests/oracle/yaml_quoting.json")).unwrap();
    assert_eq!(to_yaml(&json), include_str!("../../tests/oracle/yaml_quoting.yaml"));
}

#[test]
fn quick_path_cases_match_the_reference() {
    // Strings at the edges of the single-pass decision: indicators, resolver look-alikes,
    // leading/trailing spaces, quotes, and spaces either side of column 80.
    let long = format!("{} {}", "x".repeat(70), "y".repeat(20));
    let cases = [
        "web", "nginx:1.27", "a:", ":a", "-a", "- a", "-", "?x", "? x", "a #b", "a#b", "#a", "[x]", "x]", "'q'", "a'b",
        "a\"b", "a\\b", " lead", "trail ", "a  b", "---x", "...", "..x", "0x1F", "0o17", "017", "08", "1_000", "1e5",
        "1.5e", "+.inf", "12:30", "1:70", "190:20:30.15", "2025-01-01", "2025-01-01T12:00:00Z", "2025-1-1 1:2:3",
        "2025-01-01T12:00:00+05:30", "y", "Yes", "NULL", "~", "true1", "10.244.1.5", "ab%", "%ab", "@x", "`x", "a,b",
        ",a", "&x", "*x", "!x", "|x", ">x", "{x", "}x", long.as_str(),
    ];
    for s in cases {
        for column in [0, 2, 10, 60, 79, 80, 81] {
            let v = json!({ "k": s, s: [s] });
            let mut m = serde_json::Map::new();
            m.insert("p".repeat(column), Value::String(s.to_string()));
            let padded = Value::Object(m);
            assert_eq!(to_yaml(&v), reference::to_yaml(&v), "{s:?}");
            assert_eq!(to_yaml(&padded), reference::to_yaml(&padded), "{s:?} at {column}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 800, .. proptest::prelude::ProptestConfig::default() })]

    #[test]
    fn same_bytes_as_the_reference_writer(v in crate::jsonfmt::tests::arb_value()) {
        proptest::prop_assert_eq!(to_yaml(&v), reference::to_yaml(&v));
    }

    #[test]
    fn scalars_match_the_reference_at_every_column(s in crate::jsonfmt::tests::arb_string(), key_width in 0usize..90, nested in 0usize..4) {
        // The string as a value after a key of `key_width` columns, as a key, and as a list
        // item, `nested` mappings deep.
        let mut v = serde_json::json!({ "k".repeat(key_width.max(1)): s.clone(), s.clone(): 1, "l": [s.clone()] });
        for _ in 0..nested {
            v = serde_json::json!({ "n": v });
        }
        proptest::prop_assert_eq!(to_yaml(&v), reference::to_yaml(&v));
        proptest::prop_assert_eq!(needs_quotes(&s), reference::needs_quotes(&s));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, .. proptest::prelude::ProptestConfig::default() })]

    #[test]
    fn folding_matches_the_reference(text in "['\"]?[a-z]{1,6}( {1,2}[a-z:#]{1,6}){3,20}['\"]?", key_width in 1usize..100) {
        let mut m = serde_json::Map::new();
        m.insert("p".repeat(key_width), Value::String(text.clone()));
        m.insert("l", serde_json::json!([text]));
        let v = Value::Object(m);
        proptest::prop_assert_eq!(to_yaml(&v), reference::to_yaml(&v));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, .. proptest::prelude::ProptestConfig::default() })]

    /// Mappings whose keys take the simple-key path (byte-order sort, keys copied without
    /// analysis), mixed with resolver words and keys that do not: same bytes as the reference.
    #[test]
    fn simple_keys_sort_and_print_like_the_reference(
        keys in proptest::collection::vec(proptest::prop_oneof![
            6 => "[a-zA-Z][a-zA-Z./-]{0,10}",
            1 => proptest::strategy::Strategy::prop_map(
                proptest::sample::select(vec!["y", "No", "on", "OFF", "true", "Null", "a-", "a.", "a/b", "Z", "_z", "a1", "a-1"]),
                String::from,
            ),
        ], 0..12),
    ) {
        let v = Value::Object(keys.into_iter().map(|k| (k, json!({ "x": 1 }))).collect());
        proptest::prop_assert_eq!(to_yaml(&v), reference::to_yaml(&v));
    }
}

/// The resolver's shortcuts (first byte, all digits, the API's timestamp layout, letters no
/// number allows, two dots) give the general checks' answer on the texts at their edges.
#[test]
fn resolver_shortcuts_match_the_reference() {
    let cases = [
        "", "+", "-", "0", "-0", "+12", "007", "089", "1678", "0_x1F", "0x1F", "-0x1f", "0b101", "0o17", "0e5", "1e5",
        "1E+5", "1.5", "1.5.6", "10.244.1.5", "1_000", "1__0", "12:30", "1:70", "+1:30", "190:20:30.15", "2025-01-01",
        "2025-01-01T12:00:00Z", "9999-99-99T99:99:99Z", "2025-01-01t12:00:00Z", "2025-01-01 1:2:3", "2025-1-1",
        "2025-01-01T12:00:00.5+05:30", "376f47f4-8a44-4c2d-b4aa-60af49271823", "3d", "1Z", "1T", "1 2", "-.inf", "+.Inf",
        ".nan", ".5", "~", "n", "No", "off", "nginx", "Null", "yes1", "True", "tRUE", "FALSE", "o", "On",
    ];
    for s in cases {
        assert_eq!(needs_quotes(s), reference::needs_quotes(s), "{s:?}");
    }
}

/// The word-at-a-time key check agrees with the byte table on every byte value, at every
/// position of keys shorter and longer than eight bytes.
#[test]
fn simple_key_check_matches_the_byte_table() {
    let by_table = |b: &[u8]| b.first().is_some_and(u8::is_ascii_alphabetic) && b.iter().all(|&c| SIMPLE_KEY_BYTE[usize::from(c)]);
    for len in 1..20usize {
        for at in 0..len {
            for c in 0..=255u8 {
                let mut key = vec![b'a'; len];
                key[at] = c;
                let prefix = crate::jsonfmt::prefix8(&key);
                assert_eq!(simple_key(&key, prefix), by_table(&key), "{key:?}");
            }
        }
    }
    assert!(!simple_key(b"", 0));
}

/// The word test of the quick path agrees with the byte classes on every byte value at every
/// position of a word.
#[test]
fn word_test_matches_the_byte_classes() {
    for at in 0..8 {
        for c in 0..=255u8 {
            let mut word = *b"abcdefgh";
            word[at] = c;
            let by_table = word.iter().any(|&b| scalar_style::BYTE_CLASS[usize::from(b)] != scalar_style::ORDINARY);
            assert_eq!(scalar_style::has_unordinary(u64::from_le_bytes(word)), by_table, "{word:?}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, .. proptest::prelude::ProptestConfig::default() })]

    /// Lists that repeat mapping shapes (the key-order cache's hits and misses, simple and
    /// go-yaml-ordered keys) print like the reference writer, which sorts every mapping.
    #[test]
    fn repeated_shapes_match_the_reference(items in crate::shapes::tests::arb_shaped_list()) {
        let borrowed: Vec<&Value> = items.iter().collect();
        let list = json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}});
        proptest::prop_assert_eq!(list_to_yaml(&borrowed), reference::to_yaml(&list));
    }
}

proptest::proptest! {
    /// The word-at-a-time visit reaches every byte that is not ordinary, in order, once, and
    /// only bytes of the string, for every length and mix of bytes; stopping stops it.
    #[test]
    fn visits_every_unordinary_byte_in_order(b in proptest::collection::vec(proptest::sample::select(b"ab:# '\"\\\x7f\x01\xc3z-".to_vec()), 0..30), stop_at in 0usize..8) {
        let mut seen = Vec::new();
        let finished = scalar_style::for_each_unordinary(&b, |i, c| {
            seen.push((i, c));
            seen.len() <= stop_at
        });
        let want: Vec<(usize, u8)> = b.iter().copied().enumerate().filter(|&(_, c)| scalar_style::BYTE_CLASS[usize::from(c)] != scalar_style::ORDINARY).collect();
        let flagged: Vec<(usize, u8)> = seen.iter().copied().filter(|&(_, c)| scalar_style::BYTE_CLASS[usize::from(c)] != scalar_style::ORDINARY).collect();
        proptest::prop_assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "{seen:?}");
        proptest::prop_assert!(seen.iter().all(|&(i, c)| b.get(i) == Some(&c)));
        if finished {
            proptest::prop_assert_eq!(flagged, want);
        } else {
            proptest::prop_assert_eq!(seen.len(), stop_at + 1);
            proptest::prop_assert!(want.starts_with(&flagged));
        }
    }
}
