//! Architecture tidy check: the simulation must stay a plain, deterministic Rust library. If a
//! browser or entropy crate ever sneaks into its normal dependencies for wasm32, the sim could
//! read the real clock or randomness and stop being replayable, so the build fails here.

use std::process::Command;

const FORBIDDEN: [&str; 5] = ["leptos", "wasm-bindgen", "web-sys", "js-sys", "getrandom"];

#[test]
fn sim_has_no_browser_or_entropy_dependencies() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["tree", "-p", "podlab-sim", "-e", "normal", "--target", "wasm32-unknown-unknown"])
        .args(["--prefix", "none", "--format", "{p}"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(tree.contains("podlab-sim"), "unexpected cargo tree output:\n{tree}");
    let offenders: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| FORBIDDEN.contains(name))
        .collect();
    assert!(offenders.is_empty(), "podlab-sim depends on {offenders:?}:\n{tree}");
}
