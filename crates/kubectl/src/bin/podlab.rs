//! `podlab run [--seed N] [--cluster FILE] SCRIPT|-`: runs a session script against a fresh
//! simulated cluster and prints the transcript (see `podlab_kubectl::script`).

use podlab_kubectl::{script::run_script, session::Session};
use podlab_sim::ClusterSpec;
use std::io::Read;

// The simulation allocates and frees many small JSON values; glibc's malloc was a fifth of its
// native profile, mimalloc about half that. The wasm build keeps Rust's default allocator.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: podlab_alloc::MiMalloc = podlab_alloc::MiMalloc;

const USAGE: &str = "usage: podlab run [--seed N] [--cluster FILE] SCRIPT|-\n";

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    podlab_alloc::retain_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(match run(&args) {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(msg) => {
            eprint!("{msg}");
            2
        }
    });
}

fn run(args: &[String]) -> Result<String, String> {
    if args.first().map(String::as_str) != Some("run") {
        return Err(USAGE.into());
    }
    let mut seed = 1u64;
    let mut cluster = ClusterSpec::default();
    let mut script_path = None;
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => seed = it.next().and_then(|v| v.parse().ok()).ok_or("podlab: --seed needs a number\n")?,
            "--cluster" => {
                let path = it.next().ok_or("podlab: --cluster needs a file\n")?;
                let text = std::fs::read_to_string(path).map_err(|e| format!("podlab: {path}: {e}\n"))?;
                let value = podlab_api::manifest::parse(&text)
                    .into_iter()
                    .next()
                    .ok_or(format!("podlab: {path}: empty cluster file\n"))?
                    .map_err(|e| format!("podlab: {path}: {}\n", e.message))?
                    .into_json();
                cluster = ClusterSpec::from_json(&value).map_err(|e| format!("podlab: {path}: {e}\n"))?;
            }
            other if script_path.is_none() => script_path = Some(other.to_string()),
            _ => return Err(USAGE.into()),
        }
    }
    let path = script_path.ok_or(USAGE)?;
    let script = if path == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| format!("podlab: stdin: {e}\n"))?;
        s
    } else {
        std::fs::read_to_string(&path).map_err(|e| format!("podlab: {path}: {e}\n"))?
    };
    let mut session = Session::new(seed, cluster);
    Ok(run_script(&mut session, &script))
}
