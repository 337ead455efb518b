//! Benchmark (not a test): builds manifests of growing size, including hostile shapes, and
//! prints how long parse + decode + validate take, to show the manifest path is linear and a
//! 1 MB manifest stays well under a 16 ms frame on native. Run with
//! `cargo run -p podlab-api --example bench_manifest`.

use podlab_api::check::check_manifest;
use podlab_api::manifest;
use std::time::Instant;

const POD: &str = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-NUM\n  labels: {app: web, tier: frontend}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    command: [\"sh\", \"-c\", \"echo hello && sleep 3600\"]\n    ports:\n    - containerPort: 80\n    resources:\n      limits: {cpu: 500m, memory: 128Mi}\n    env:\n    - name: MODE\n      value: production\n";

fn pods(target_bytes: usize) -> String {
    let mut s = String::with_capacity(target_bytes + POD.len());
    let mut i = 0;
    while s.len() < target_bytes {
        s.push_str(&POD.replace("NUM", &i.to_string()));
        i += 1;
    }
    s
}

fn time<T>(label: &str, bytes: usize, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    let micros = start.elapsed().as_micros();
    println!(
        "{label:<32} {:>9} bytes {:>9} us  ({} ns/byte)",
        bytes,
        micros,
        micros * 1000 / bytes.max(1) as u128
    );
    out
}

fn main() {
    for size in [64 * 1024, 256 * 1024, 1024 * 1024] {
        let text = pods(size);
        time("pods: parse only", text.len(), || manifest::parse(&text));
        let outcomes = time("pods: parse+decode+validate", text.len(), || {
            check_manifest(&text, "default")
        });
        assert!(!outcomes.is_empty());
    }
    for size in [256 * 1024, 1024 * 1024] {
        let long_scalar = format!("a: {}\n", "x".repeat(size));
        time("one long plain scalar", long_scalar.len(), || {
            manifest::parse(&long_scalar)
        });
        let flow = format!("a: [{}]\n", vec!["1"; size / 2].join(","));
        time("one long flow sequence", flow.len(), || {
            manifest::parse(&flow)
        });
        let nested = "[".repeat(size);
        time("unclosed nesting", nested.len(), || {
            manifest::parse(&nested)
        });
        let keys: String = (0..size / 12).map(|i| format!("k{i}: v\n")).collect();
        time("many keys in one mapping", keys.len(), || {
            manifest::parse(&keys)
        });
    }
}
