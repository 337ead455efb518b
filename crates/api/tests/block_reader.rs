//! The fast reader (`manifest/block.rs`, what `manifest::parse` tries first) must agree with
//! the full parser (`manifest::parse_full`) on every input: the same documents, the same JSON,
//! the same emptiness, the same position for every field path, the same syntax error. Checked
//! on the invalid-manifest corpus, hand-picked documents at the edges of the fast reader's
//! subset, and random block-YAML documents (mostly inside the subset, with random noise and
//! random characters inserted to push them just outside it).

use podlab_api::manifest::{self, Document};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// Field paths into `json` as validation errors name them, plus paths that do not exist.
fn paths(json: &Value, prefix: &str, out: &mut Vec<String>) {
    if out.len() > 300 {
        return;
    }
    out.push(format!("{prefix}nope"));
    match json {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(format!("{prefix}{k}"));
                paths(v, &format!("{prefix}{k}."), out);
            }
        }
        Value::Array(items) => {
            let base = prefix.trim_end_matches('.');
            out.push(format!("{base}[{}]", items.len()));
            for (i, v) in items.iter().enumerate() {
                out.push(format!("{base}[{i}]"));
                paths(v, &format!("{base}[{i}]."), out);
            }
        }
        _ => {}
    }
}

fn same_document(fast: &Document, full: &Document, text: &str) {
    assert_eq!(fast.is_empty(), full.is_empty(), "emptiness of {text:?}");
    assert_eq!(fast.json(), full.json(), "JSON of {text:?}");
    assert_eq!((fast.index, fast.first_line), (full.index, full.first_line));
    let mut all = vec![String::new()];
    paths(full.json(), "", &mut all);
    for p in &all {
        assert_eq!(
            fast.position_of(p),
            full.position_of(p),
            "position of {p:?} in {text:?}"
        );
    }
}

/// Checks both readers agree on `text`; returns how many documents the fast reader read.
fn agree(text: &str) -> usize {
    let (fast, full) = (manifest::parse(text), manifest::parse_full(text));
    assert_eq!(fast.len(), full.len(), "document count of {text:?}");
    let mut read_fast = 0;
    for (a, b) in fast.iter().zip(&full) {
        match (a, b) {
            (Ok(a), Ok(b)) => {
                read_fast += usize::from(a.read_fast());
                same_document(a, b, text);
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "error of {text:?}"),
            _ => panic!("one reader failed on {text:?}: {a:?} vs {b:?}"),
        }
    }
    read_fast
}

#[test]
fn readers_agree_on_the_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut fast = 0;
    for entry in fs::read_dir(dir).expect("corpus directory").flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "yaml") {
            fast += agree(&fs::read_to_string(&path).expect("read corpus file"));
        }
    }
    assert!(
        fast > 50,
        "the fast reader read only {fast} corpus documents"
    );
}

#[test]
fn readers_agree_at_the_edges_of_the_subset() {
    // (document, whether the fast reader is expected to read it)
    let cases: &[(&str, bool)] = &[
        ("a: 1\nb: [x, {y: z}]\nc: 'q'\n", true),
        ("b: 1\na: 2\nb: 3\n", true),
        ("a:\n- x\n-\n- - y\n  - z\n- k: v\n  w: u\nb: ~\n", true),
        ("a:   # comment\n  b: c   \n\n# x\nd: \"e f\" # g\n", true),
        (
            "1: one\ntrue: yes\n~: null\n0x1F: hex\n\"q\": 'r'\na b : c\n",
            true,
        ),
        (
            "- {a: [1, 2,], \"b\":c, d: [[], {}]}\n- [a:b, -1, é]\n",
            true,
        ),
        (
            "k: v:w\nl: a#b\nm: http://x/y?z=1\nn: -x\no: ?y\np: :z\n",
            true,
        ),
        ("a: b\n  c\n", false),
        ("a: b: c\n", false),
        ("a: |\n  text\n", false),
        ("a: &x 1\nb: *x\n", false),
        ("a: !!str 1\n", false),
        ("<<: {a: 1}\n", false),
        ("a: {<<: {b: 1}}\n", false),
        ("a: .inf\n", false),
        ("a: [1,\n  2]\n", false),
        ("a: \"x\\ty\"\n", false),
        ("a: 'it''s'\n", false),
        ("a:\tb\n", false),
        ("a: b\r\nc: d\r\n", false),
        ("a: [k: v]\n", false),
        ("a: {k}\n", false),
        ("a: [a, , b]\n", false),
        ("  a: 1\nb: 2\n", false),
        ("a:\n  b: 1\n c: 2\n", false),
        ("- a\nb: c\n", false),
        ("a: 1\n- b\n", false),
        ("key with no colon\n", true),
        ("a: \"unclosed\n", false),
        ("a: 'x'y\n", false),
        ("...\n", false),
        ("%YAML 1.1\n---\na: 1\n", false),
        ("", false), // no document at all
        ("# only a comment\n", true),
        ("---\na: 1\n---\n---\nb: [\n", true),
    ];
    for (text, fast) in cases {
        assert_eq!(agree(text) > 0, *fast, "{text:?}");
    }
    let long_key = format!("{}: v\n", "k".repeat(1_100));
    assert_eq!(agree(&long_key), 0);
    let deep = (0..95)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect::<String>();
    assert_eq!(
        agree(&deep),
        0,
        "nesting near the limit is the full parser's"
    );
}

/// A random document: scalars drawn from values go-yaml resolves in different ways.
#[derive(Clone, Debug)]
enum Y {
    Scalar(&'static str),
    Map(Vec<(&'static str, Y)>, bool),
    Seq(Vec<Y>, bool, bool),
}

const SCALARS: &[&str] = &[
    "web",
    "nginx:1.27",
    "80",
    "0.5",
    "1e3",
    "-1",
    "0x1F",
    "0777",
    "yes",
    "No",
    "~",
    "null",
    "",
    "\"quoted: x\"",
    "'single'",
    "\"\"",
    "a b",
    "100m",
    "128Mi",
    "é",
    "http://x",
    "a#b",
    "true",
    "2025-01-01",
    ".5",
    "+1",
    "1_000",
    "[]",
    "{}",
];
const KEYS: &[&str] = &[
    "name",
    "image",
    "a",
    "b",
    "1",
    "true",
    "\"quoted\"",
    "'k'",
    "a b",
    "name",
    "x.y",
    "~",
];

fn doc() -> impl Strategy<Value = Y> {
    let leaf = prop::sample::select(SCALARS).prop_map(Y::Scalar);
    leaf.prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            (
                prop::collection::vec((prop::sample::select(KEYS), inner.clone()), 0..5),
                any::<bool>()
            )
                .prop_map(|(m, flow)| Y::Map(m, flow)),
            (
                prop::collection::vec(inner, 0..5),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(s, flow, indentless)| Y::Seq(s, flow, indentless)),
        ]
    })
}

fn flow(y: &Y) -> String {
    match y {
        Y::Scalar("") => "''".to_string(),
        Y::Scalar(s) => s.to_string(),
        Y::Map(m, _) => {
            let items: Vec<String> = m.iter().map(|(k, v)| format!("{k}: {}", flow(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Y::Seq(s, _, _) => format!("[{}]", s.iter().map(flow).collect::<Vec<_>>().join(", ")),
    }
}

/// Block rendering at `indent`; a collection whose flag says flow (or that is empty) is
/// written inline.
fn block(y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::Map(m, false) if !m.is_empty() => {
            for (k, v) in m {
                out.push_str(&format!("{pad}{k}:"));
                value(v, indent, out);
            }
        }
        Y::Seq(s, false, below) if !s.is_empty() => {
            for item in s {
                let mut inner = String::new();
                block(item, indent + 2, &mut inner);
                match item {
                    // An empty item, and (when the flag says so) an item on the lines below
                    // its `-`.
                    Y::Scalar("") => out.push_str(&format!("{pad}-\n")),
                    _ if *below => out.push_str(&format!("{pad}-\n{inner}")),
                    _ => {
                        let body = inner.get(indent + 2..).unwrap_or("");
                        out.push_str(&format!("{pad}- {body}"));
                    }
                }
            }
        }
        _ => out.push_str(&format!("{pad}{}\n", flow(y))),
    }
}

fn value(v: &Y, indent: usize, out: &mut String) {
    match v {
        Y::Map(m, false) if !m.is_empty() => {
            out.push('\n');
            block(v, indent + 2, out);
        }
        Y::Seq(s, false, indentless) if !s.is_empty() => {
            out.push('\n');
            block(v, if *indentless { indent } else { indent + 2 }, out);
        }
        Y::Scalar("") => out.push('\n'),
        _ => out.push_str(&format!(" {}\n", flow(v))),
    }
}

/// Noise on each line: nothing, a trailing comment or blanks, a blank or comment line after.
fn noisy(text: &str, noise: &[u8]) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        out.push_str(line);
        match noise.get(i % noise.len().max(1)).copied().unwrap_or(0) % 8 {
            1 => out.push_str(" # note"),
            2 => out.push_str("   "),
            3 => out.push('\n'),
            4 => out.push_str("\n   # comment line"),
            _ => {}
        }
        out.push('\n');
    }
    out
}

/// Inserts characters at the given fractions of the text (on character boundaries).
fn mutate(text: &str, edits: &[(u16, char)]) -> String {
    let mut out = text.to_string();
    for &(at, c) in edits {
        let bounds: Vec<usize> = out
            .char_indices()
            .map(|(i, _)| i)
            .chain([out.len()])
            .collect();
        let i = bounds[usize::from(at) % bounds.len()];
        out.insert(i, c);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn readers_agree_on_random_block_yaml(
        y in doc(),
        noise in prop::collection::vec(any::<u8>(), 0..8),
        two in any::<bool>(),
    ) {
        let mut text = String::new();
        block(&y, 0, &mut text);
        let mut text = noisy(&text, &noise);
        if two {
            text = format!("{text}---\n{text}");
        }
        agree(&text);
    }

    #[test]
    fn readers_agree_just_outside_the_subset(
        y in doc(),
        edits in prop::collection::vec(
            (any::<u16>(), prop::sample::select(vec![
                ' ', '\n', ':', '-', '#', '[', ']', '{', '}', ',', '"', '\'', 'a', '?', '&',
                '*', '!', '|', '>', '\t', '\\', '.', '%',
            ])),
            1..4,
        ),
    ) {
        let mut text = String::new();
        block(&y, 0, &mut text);
        agree(&mutate(&text, &edits));
    }
}

/// Line-shaped token soup: keys, dashes, indentation, scalars and indicators in any order.
fn soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        "a: ", "b:", "- ", "-", "\n", "\n  ", "\n    ", "  ", " ", "x", "1", "yes", "'q'", "\"d\"",
        "[", "]", "{", "}", ", ", ":", "#", " # c", "é", "? ", "&a ", "*a", "<<: ", ".inf", "~",
        "|", "\t", "...", "%",
    ]);
    prop::collection::vec(tokens, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn readers_agree_on_token_soup(s in soup()) {
        agree(&s);
    }
}

#[test]
fn random_documents_are_mostly_read_fast() {
    // Guards the property tests against testing nothing: the generator's documents without
    // noise are inside the subset.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut fast, mut total) = (0, 0);
    for _ in 0..300 {
        let y = doc().new_tree(&mut runner).expect("a document").current();
        let mut text = String::new();
        block(&y, 0, &mut text);
        fast += agree(&text);
        total += 1;
    }
    assert!(fast * 10 >= total * 9, "only {fast} of {total} read fast");
}
