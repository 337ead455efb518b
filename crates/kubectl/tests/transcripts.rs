//! Golden transcripts: every `tests/transcripts/*.txt` script is run through the `podlab`
//! transcript runner (seed 1, default cluster) and must reproduce its `.golden` file byte
//! for byte. `PODLAB_UPDATE_GOLDEN=1 cargo test -p podlab-kubectl --test transcripts`
//! rewrites the goldens after a deliberate change (review the diff before committing).

use podlab_kubectl::{script::run_script, Session};
use podlab_sim::ClusterSpec;
use std::path::{Path, PathBuf};

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    out.sort();
    out
}

fn run(path: &Path) -> String {
    let script = std::fs::read_to_string(path).unwrap();
    let mut session = Session::new(1, ClusterSpec::default());
    run_script(&mut session, &script)
}

#[test]
fn transcripts_match_goldens() {
    let update = std::env::var("PODLAB_UPDATE_GOLDEN").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let all = scripts();
    assert!(!all.is_empty(), "no transcripts found");
    for script in all {
        let got = run(&script);
        let golden = script.with_extension("golden");
        if update {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(got.lines().count().min(want.lines().count()));
            failures.push(format!(
                "{}: differs from its golden at line {}\n  got:  {:?}\n  want: {:?}",
                script.display(),
                line + 1,
                got.lines().nth(line).unwrap_or("<end>"),
                want.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn same_script_and_seed_give_identical_transcripts() {
    for script in scripts() {
        assert_eq!(run(&script), run(&script), "{} is not deterministic", script.display());
    }
}
