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
