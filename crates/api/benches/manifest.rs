//! Manifest-reader benchmark (`cargo bench -p podlab-api --bench manifest`): builds 1 MB
//! manifests of the shapes a learner or a hostile paste can produce and prints how long
//! `manifest::parse` (documents read into their compact form), `parse+json` (also building
//! the `serde_json::Value` kubectl sends) and the whole `check_manifest` path take,
//! so the claim "a 1 MB manifest parses in well under a 16 ms frame on native" is measured,
//! not asserted. A benchmark, not a test: it checks the outcome of each parse, never timing.
//! `PODLAB_BENCH_MB=4` changes the input size; `PODLAB_BENCH_RUNS` the repetitions;
//! `PODLAB_BENCH_ONLY=text` runs only the lines whose label contains the text.

/// The allocator of the native `podlab` binary, so the numbers are the ones it gets.
#[global_allocator]
static GLOBAL: podlab_alloc::MiMalloc = podlab_alloc::MiMalloc;

use podlab_api::check::check_manifest;
use podlab_api::manifest;
use podlab_api::manifest::scanner::Scanner;
use std::time::{Duration, Instant};

const POD: &str = "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-NUM\n  labels: {app: web, tier: frontend}\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    command: [\"sh\", \"-c\", \"echo hello && sleep 3600\"]\n    ports:\n    - containerPort: 80\n    resources:\n      limits: {cpu: 500m, memory: 128Mi}\n    env:\n    - name: MODE\n      value: production\n";

/// Many small `---`-separated Pod documents.
fn many_documents(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + POD.len());
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&POD.replace("NUM", &i.to_string()));
        i += 1;
    }
    s
}

/// One `kind: List` document whose items are Pods (one big block sequence).
fn one_big_list(bytes: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: web-{i}\n    labels:\n      app: web\n  spec:\n    containers:\n    - name: web\n      image: nginx:1.27\n      ports:\n      - containerPort: 80\n"
        ));
        i += 1;
    }
    s
}

/// A ConfigMap whose values are long literal and folded block scalars.
fn long_block_scalars(bytes: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    let line = "    server { listen 80; location / { root /usr/share/nginx/html; } }\n";
    let mut i = 0;
    while s.len() < bytes {
        let style = if i % 2 == 0 { "|" } else { ">-" };
        s.push_str(&format!("  file-{i}.conf: {style}\n"));
        for _ in 0..2_000 {
            s.push_str(line);
        }
        i += 1;
    }
    s
}

/// A List of ConfigMaps, each nesting 40 block mappings and then 40 flow collections under
/// `data` (about 85 levels, just under the reader's depth limit of 100). The nested `data`
/// fails strict decoding, which is part of what the full path measures.
fn deep_nesting(bytes: usize) -> String {
    let mut s = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: deep-{i}\n  data:\n"
        ));
        let mut indent = 4;
        for level in 0..40 {
            s.push_str(&format!("{}l{level}:\n", " ".repeat(indent)));
            indent += 2;
        }
        s.push_str(&" ".repeat(indent));
        s.push_str(&"[{k: ".repeat(20));
        s.push_str("leaf");
        s.push_str(&"}]".repeat(20));
        s.push('\n');
        i += 1;
    }
    s
}

/// CPU time of this thread: the machine the numbers come from is shared, and wall time there
/// measures the neighbours as much as the parser.
#[cfg(target_os = "linux")]
fn cpu_time() -> Duration {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    extern "C" {
        fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut t = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one Timespec (two longs on 64-bit Linux) into `t`.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        t.tv_sec.max(0) as u64,
        t.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

#[cfg(not(target_os = "linux"))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `f` `runs` times and prints the median wall and CPU time per MB (dropping the result
/// is part of the cost, as it is in the app).
fn measure<T>(label: &str, text: &str, runs: usize, mut f: impl FnMut(&str) -> T) {
    let only = std::env::var("PODLAB_BENCH_ONLY").unwrap_or_default();
    if !label.contains(only.as_str()) {
        return;
    }
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (start, start_cpu) = (Instant::now(), cpu_time());
        drop(f(text));
        wall.push(start.elapsed());
        cpu.push(cpu_time().saturating_sub(start_cpu));
    }
    let mb = text.len() as f64 / (1024.0 * 1024.0);
    let per_mb = |d: Duration| d.as_secs_f64() * 1e3 / mb;
    println!(
        "{label:<44} {:>5.2} MB  wall {:>7.2} ms/MB  cpu {:>7.2} ms/MB",
        mb,
        per_mb(median(wall)),
        per_mb(median(cpu)),
    );
}

/// The scanner alone over the whole text (document separators included), to split the
/// parse time into scanning and building.
fn count_tokens(text: &str) -> usize {
    let mut scanner = Scanner::new(text);
    let mut n = 0;
    while let Ok(Some(_)) = scanner.next_token() {
        n += 1;
    }
    n
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    podlab_alloc::retain_freed_memory();
    let bytes = env_usize("PODLAB_BENCH_MB", 1) * 1024 * 1024;
    let runs = env_usize("PODLAB_BENCH_RUNS", 11).max(1);
    let shapes: [(&str, String); 4] = [
        ("many small documents", many_documents(bytes)),
        ("one big list", one_big_list(bytes)),
        ("long block scalars", long_block_scalars(bytes)),
        ("deep nesting (85 levels)", deep_nesting(bytes)),
    ];
    for (label, text) in &shapes {
        let docs = manifest::parse(text);
        assert!(
            docs.iter().all(Result::is_ok),
            "{label}: {:?}",
            docs.iter().find(|d| d.is_err())
        );
        measure(&format!("{label}: tokens only"), text, runs, count_tokens);
        measure(&format!("{label}: parse"), text, runs, manifest::parse);
        measure(&format!("{label}: parse+json"), text, runs, |t| {
            manifest::parse(t)
                .into_iter()
                .map(|d| d.map(manifest::Document::into_json))
                .collect::<Vec<_>>()
        });
        measure(
            &format!("{label}: parse+decode+validate"),
            text,
            runs,
            |t| check_manifest(t, "default"),
        );
        // The floor for building the same serde_json values: parsing them from JSON text.
        let json: Vec<String> = docs
            .iter()
            .flatten()
            .map(|d| d.json().to_string())
            .collect();
        // Normalised per MB of the YAML text, like the other lines.
        measure(
            &format!("{label}: reference, same values from JSON"),
            text,
            runs,
            |_| {
                json.iter()
                    .map(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .collect::<Vec<_>>()
            },
        );
    }
}
