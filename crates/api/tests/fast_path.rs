//! The direct YAML -> JSON path (`parser::parse_json`) must agree with the node-tree path
//! (`parser::parse_document` + `convert::to_json`) on every input: the same JSON when it
//! succeeds, the same syntax error when it fails, and it may only decline (`None`) where the
//! tree is needed. Checked over the invalid-manifest corpus, hand-picked documents that
//! exercise each reason to decline, and random token soup.

use podlab_api::manifest::{convert, parser};
use proptest::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// What the tree path makes of `text`: JSON, or the failure as text.
fn via_tree(text: &str) -> Result<Value, String> {
    let tree = parser::parse_document(text.to_string()).map_err(|e| format!("{e:?}"))?;
    convert::to_json(&tree)
        .map(|(json, _)| json)
        .map_err(|e| format!("convert: {e}"))
}

/// Checks both paths agree on `text`; returns whether the fast path built the JSON itself.
fn agree(text: &str) -> bool {
    let tree = via_tree(text);
    match parser::parse_json(text) {
        Ok(Some((json, _))) => {
            assert_eq!(Ok(json), tree, "fast path JSON differs for {text:?}");
            true
        }
        Ok(None) => {
            assert!(
                tree.is_err() || text.contains(['&', '*', '<']),
                "fast path declined a plain document {text:?}"
            );
            false
        }
        Err(e) => {
            assert_eq!(
                Err(format!("{e:?}")),
                tree,
                "syntax errors differ for {text:?}"
            );
            false
        }
    }
}

#[test]
fn paths_agree_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut fast = 0;
    for entry in fs::read_dir(dir).expect("corpus directory").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let text = fs::read_to_string(&path).expect("read corpus file");
            for chunk in text.split("\n---") {
                fast += usize::from(agree(chunk));
            }
        }
    }
    assert!(
        fast > 50,
        "the fast path built only {fast} corpus documents"
    );
}

#[test]
fn paths_agree_where_the_tree_is_needed() {
    // (document, whether the fast path is expected to build it)
    let cases: &[(&str, bool)] = &[
        ("a: 1\nb: [x, {y: z}]\nc: |\n  text\n", true),
        ("b: 1\na: 2\nb: 3\n", true),
        ("? [a]\n: 1\n", false),
        ("a: &x 1\nb: *x\n", false),
        ("base: &b {a: 1}\nc:\n  <<: *b\n  d: 2\n", false),
        ("c:\n  <<: {a: 1}\n", false),
        ("c:\n  \"<<\": {a: 1}\n", true),
        ("a: .inf\n", false),
        ("a: .inf\nb: [\n", false),
        ("a: *nope\n", false),
        ("a: !!str 80\nb: !!binary aGk=\nc: !!str\n", true),
        ("a: !!int 80\n", true),
        ("1: one\ntrue: yes\n~: null\n0x1F: hex\n", true),
        (
            "a: 'it''s'\nb: \"tab\\there\"\nc: >-\n  folded\n  text\n",
            true,
        ),
        ("- [a, b]\n- {k: v, w}\n- [k: v]\n", true),
        ("", true),
        ("---\n", true),
        ("# only a comment\n", true),
        ("a:\n  - b\n  -\n  - c: d\n", true),
    ];
    for (text, fast) in cases {
        assert_eq!(agree(text), *fast, "{text:?}");
    }
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    assert!(
        !agree(&deep),
        "a scalar 100 collections deep is the tree's error"
    );
    let deep_ok = format!("{}1{}", "[".repeat(99), "]".repeat(99));
    assert!(agree(&deep_ok));
}

fn token_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        ":", ": ", "-", "- ", " ", "  ", "\n", "\t", "[", "]", "{", "}", ",", "\"", "'", "&a ",
        "*a", "|", ">-", "#", "? ", "!!str ", "a", "name", "1", "0.5", "...\n", "\\", "é", "<<: ",
        ".inf", "yes", "~",
    ]);
    prop::collection::vec(tokens, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn paths_agree_on_token_soup(s in token_soup()) {
        agree(&s);
    }
}
