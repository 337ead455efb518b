//! Golden corpus of manifests a learner would plausibly write, each with the exact text
//! Podlab's API layer produces for it (syntax, decoding or validation message) and the
//! editor position(s). Set PODLAB_UPDATE_GOLDEN=1 to rewrite the `.expected` files, then
//! review the diff: every expectation is meant to match Kubernetes v1.33 (see each file's
//! first-line comment for the source consulted).

use podlab_api::check::{check_manifest, Outcome};
use std::fs;
use std::path::{Path, PathBuf};

fn render(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        out.push_str(&o.message());
        out.push('\n');
        let positions: Vec<_> = match o {
            Outcome::Syntax(e) => e.position.into_iter().collect(),
            Outcome::Decode { positions, .. } | Outcome::Invalid { positions, .. } => {
                positions.clone()
            }
            Outcome::Accepted(_) => Vec::new(),
        };
        for p in positions {
            out.push_str(&format!("@ {}:{}\n", p.line, p.column));
        }
    }
    out
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn corpus_matches_expected_output() {
    let update = std::env::var("PODLAB_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let files = corpus_files();
    assert!(
        files.len() >= 50,
        "the corpus must hold at least 50 manifests, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("read corpus file");
        let got = render(&check_manifest(&text, "default"));
        let expected_path = file.with_extension("expected");
        if update {
            fs::write(&expected_path, &got).expect("write golden");
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!(
                "{}:\n--- expected\n{want}--- got\n{got}",
                file.display()
            )),
            Err(_) => failures.push(format!(
                "{}: missing .expected (run with PODLAB_UPDATE_GOLDEN=1)",
                file.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_invalid_manifest_is_rejected() {
    for file in corpus_files() {
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if name.starts_with("ok-") {
            continue;
        }
        let text = fs::read_to_string(&file).expect("read");
        let outcomes = check_manifest(&text, "default");
        assert!(
            outcomes.iter().any(|o| !matches!(o, Outcome::Accepted(_))),
            "{name} was accepted"
        );
    }
}
