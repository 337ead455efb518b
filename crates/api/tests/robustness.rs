//! Hostile and random input never panics and stays bounded: random text, YAML-token soup,
//! deep nesting, alias bombs and long documents all come back as values or go-yaml errors.

use podlab_api::check::check_manifest;
use podlab_api::manifest;
use proptest::prelude::*;

fn token_soup() -> impl Strategy<Value = String> {
    let tokens = prop::sample::select(vec![
        ":",
        ": ",
        "-",
        "- ",
        " ",
        "  ",
        "\n",
        "\t",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\"",
        "'",
        "&a ",
        "*a",
        "|",
        ">-",
        "#",
        "? ",
        "!!str ",
        "a",
        "name",
        "1",
        "0.5",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "\\",
        "\u{feff}",
        "é",
        "<<: ",
    ]);
    prop::collection::vec(tokens, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_text_never_panics(s in "\\PC{0,200}") {
        let _ = manifest::parse(&s);
        let _ = check_manifest(&s, "default");
    }

    #[test]
    fn yaml_token_soup_never_panics(s in token_soup()) {
        for d in manifest::parse(&s).into_iter().flatten() {
            let _ = d.decode();
            let _ = d.position_of("spec.containers[0].image");
        }
        let _ = check_manifest(&s, "default");
    }

    #[test]
    fn pod_like_mutations_never_panic(cut in 0usize..400, insert in "[ :\\-\\t\\[\\]{}\"'a1]{0,3}") {
        let base = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n    resources:\n      limits: {cpu: 500m, memory: 128Mi}\n    env:\n    - name: A\n      valueFrom:\n        fieldRef: {fieldPath: metadata.name}\n";
        let at = base.char_indices().map(|(i, _)| i).nth(cut % base.chars().count()).unwrap_or(0);
        let text = format!("{}{}{}", &base[..at], insert, &base[at..]);
        let _ = check_manifest(&text, "default");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "[".repeat(100_000),
        "{a: ".repeat(50_000),
        "- ".repeat(20_000) + "x",
        (0..5_000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect::<String>(),
    ] {
        let out = manifest::parse(&text);
        assert!(!out.is_empty());
    }
}

#[test]
fn alias_chains_are_bounded() {
    // Each anchor wraps the previous alias: expansion depth grows with the number of anchors.
    let mut text = String::from("a0: &a0 [x]\n");
    for i in 1..500 {
        text.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let out = manifest::parse(&text);
    let msg = match &out[0] {
        Err(e) => e.message.clone(),
        Ok(_) => String::new(),
    };
    assert_eq!(
        msg,
        "error converting YAML to JSON: yaml: exceeded max depth of 100"
    );
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        text.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
    }
    let out = manifest::parse(&text);
    assert!(
        matches!(&out[0], Err(e) if e.message.ends_with("document contains excessive aliasing")),
        "{out:?}"
    );
}

#[test]
fn large_manifests_parse() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-NUM\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n";
    let text: String = (0..2_000)
        .map(|i| format!("---\n{}", pod.replace("NUM", &i.to_string())))
        .collect();
    let outcomes = check_manifest(&text, "default");
    assert_eq!(outcomes.len(), 2_000);
    assert!(outcomes
        .iter()
        .all(|o| matches!(o, podlab_api::check::Outcome::Accepted(_))));
}

/// Work (characters scanned, tokens, nodes, values decoded) for `text`, whatever the outcome.
fn steps(text: &str) -> u64 {
    manifest::parse_counting_steps(text).1
}

/// Builds `unit` repeated `n` times through `make`, then checks that four times the input
/// costs at most about four times the work: a quadratic step would cost sixteen.
fn assert_linear(label: &str, make: impl Fn(usize) -> String, n: usize) {
    let (small, large) = (make(n), make(4 * n));
    let (w_small, w_large) = (steps(&small), steps(&large));
    assert!(w_small > 0, "{label}: no work counted");
    assert!(
        w_large <= 5 * w_small + 1_000,
        "{label}: {} bytes cost {w_small} steps but {} bytes cost {w_large}",
        small.len(),
        large.len()
    );
    // Work is bounded by the input size too, with a constant that leaves room for nothing
    // worse than linear.
    assert!(
        w_large <= 64 * large.len() as u64 + 10_000,
        "{label}: {w_large} steps for {} bytes",
        large.len()
    );
}

/// A named input shape, built at a given repetition count.
type Shape = (&'static str, Box<dyn Fn(usize) -> String>);

#[test]
fn work_is_linear_in_the_input() {
    let cases: Vec<Shape> = vec![
        (
            "many documents",
            Box::new(|n| "---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n".repeat(n)),
        ),
        (
            "one long mapping",
            Box::new(|n| (0..n).map(|i| format!("k{i}: v\n")).collect()),
        ),
        (
            "one long flow sequence",
            Box::new(|n| format!("a: [{}]\n", vec!["1"; n].join(","))),
        ),
        (
            "one long plain scalar",
            Box::new(|n| format!("a: {}\n", "x ".repeat(n))),
        ),
        (
            "folded lines",
            Box::new(|n| format!("a: >\n{}", "  word word\n\n".repeat(n))),
        ),
        (
            "quoted with escapes",
            Box::new(|n| format!("a: \"{}\"\n", "\\u00e9\\n x".repeat(n))),
        ),
        (
            "a long key never closed",
            Box::new(|n| format!("{}\n", "k".repeat(n))),
        ),
        (
            "flow keys on one line",
            Box::new(|n| {
                format!(
                    "{{{}}}\n",
                    (0..n)
                        .map(|i| format!("k{i}: v"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        ),
        (
            "deep flow nesting, repeated",
            Box::new(|n| "- [[[[[[[[[[x]]]]]]]]]]\n".repeat(n)),
        ),
        (
            "deep block nesting, repeated",
            Box::new(|n| {
                (0..n)
                    .map(|i| format!("k{i}:\n  a:\n    b:\n      c:\n        d: e\n"))
                    .collect()
            }),
        ),
        (
            "aliases to one anchor",
            Box::new(|n| {
                format!(
                    "base: &b {{x: 1, y: 2}}\nall: [{}]\n",
                    vec!["*b"; n].join(", ")
                )
            }),
        ),
        (
            "merge keys",
            Box::new(|n| {
                format!(
                    "base: &b {{x: 1}}\n{}",
                    (0..n)
                        .map(|i| format!("m{i}: {{<<: *b, z: 2}}\n"))
                        .collect::<String>()
                )
            }),
        ),
        (
            "unclosed flow sequence",
            Box::new(|n| format!("a: [{}\n", "1, ".repeat(n))),
        ),
    ];
    for (label, make) in &cases {
        assert_linear(label, make, 2_000);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any token soup repeated four times costs at most about four times the work.
    #[test]
    fn token_soup_work_is_linear(s in token_soup()) {
        let once = steps(&s);
        let four = steps(&s.repeat(4));
        prop_assert!(four <= 5 * once + 1_000, "{once} -> {four} for {s:?}");
    }
}

#[test]
fn alias_bombs_are_refused_or_bounded() {
    // An alias to a long string repeated: few nodes, but a JSON far larger than the input.
    let long = "x".repeat(64 * 1024);
    let text = format!("s: &s {long}\nl: [{}]\n", vec!["*s"; 400].join(", "));
    let (out, work) = manifest::parse_counting_steps(&text);
    assert!(
        matches!(&out[0], Err(e) if e.message.ends_with("document contains excessive aliasing")),
        "{out:?}"
    );
    assert!(
        work <= 64 * text.len() as u64,
        "{work} steps for {} bytes",
        text.len()
    );

    // Merge keys that merge maps that merge maps (a billion laughs through `<<`).
    let mut text = String::from("m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}\n");
    for i in 1..12 {
        let refs: Vec<String> = (0..9)
            .map(|k| format!("k{k}: {{<<: *m{}}}", i - 1))
            .collect();
        text.push_str(&format!("m{i}: &m{i} {{{}}}\n", refs.join(", ")));
    }
    let (out, work) = manifest::parse_counting_steps(&text);
    assert!(
        matches!(&out[0], Err(e) if e.message.ends_with("document contains excessive aliasing")),
        "{out:?}"
    );
    assert!(
        work <= 64 * text.len() as u64 + 100_000,
        "{work} steps for {} bytes",
        text.len()
    );

    // Anchors nested inside anchors: each is an index, not a copy of its subtree.
    let nested = format!("{}x{}\n", "&a [".repeat(90), "]".repeat(90));
    let (out, _) = manifest::parse_counting_steps(&format!("a: {nested}"));
    assert!(out[0].is_ok(), "{out:?}");
}
