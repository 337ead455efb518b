//! Scale benchmark (run with `cargo bench -p podlab-sim --bench schedule`): N pods submitted
//! through the full API pipeline onto M nodes, run until every pod is bound. Reports pods/s
//! by wall clock and by user CPU time (steadier on a shared machine), the simulated time it
//! took, trace size and heap bytes per pod (measured with a counting allocator).
//!
//! Two modes, both reported: `full` runs every node's kubelet (pods start containers while
//! others are still being scheduled), `hollow` stops every kubelet first
//! (`Simulation::stop_node`) so only the API server, scheduler and controllers work — how
//! Kubernetes' own scheduler_perf measures scheduling throughput, with Node objects but no
//! kubelets. A benchmark, not a test: it asserts correctness, never timing.
//!
//! Bound pods are counted the way scheduler_perf counts them, from a pod watch (an informer),
//! not by listing every pod after each slice: a list-and-scan costs the harness O(pods) per
//! slice, which at 10 000 pods was a fifth of the measured CPU and no part of the cluster.

use podlab_sim::{ApiRequest, ClusterSpec, SimDuration, Simulation};
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes on top of mimalloc, the allocator of the native `podlab` binary.
struct Counting;
static MI: podlab_alloc::MiMalloc = podlab_alloc::MiMalloc;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { MI.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { MI.dealloc(p, l) }
    }
    // Forwarded so a growing Vec or String can grow in place, as it does without the counter
    // (GlobalAlloc's default realloc always allocates, copies and frees).
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { MI.realloc(p, l, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// User CPU seconds of this process so far (`/proc/self/stat` field 14, in clock ticks of
/// 1/100 s on Linux); 0 where that file does not exist.
fn user_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime is the 12th of them.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    rest.split_whitespace().nth(11).and_then(|t| t.parse::<f64>().ok()).map_or(0.0, |t| t / 100.0)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Full,
    Hollow,
}

fn run(pods: usize, nodes: usize, detail: usize, mode: Mode) {
    let mut spec = ClusterSpec::workers(nodes);
    spec.trace_node_detail_max = detail;
    let mut sim = Simulation::new(42, spec);
    if mode == Mode::Hollow {
        for i in 0..nodes {
            sim.stop_node(&format!("node{:04}", i + 1));
        }
    }
    // One flag per pod (pod-NNNNN), allocated before the heap baseline so it is not counted.
    let mut is_bound = vec![false; pods];
    let watch = sim.watch("Pod", Some("default"), None).expect("pod watch");
    let base = LIVE.load(Ordering::Relaxed);
    let (start, cpu_start) = (Instant::now(), user_cpu_secs());
    for i in 0..pods {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("pod-{i:05}"), "namespace": "default", "labels": {"app": "bench"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}});
        sim.submit(ApiRequest::create(pod)).expect("admitted");
    }
    let submitted = start.elapsed();
    // Advance in 100 ms slices until the scheduler has bound every pod (kubelets keep working
    // on the pods afterwards; that is not part of this measurement).
    let mut bound = 0;
    for _ in 0..1_000_000 {
        sim.advance_by(SimDuration(100));
        for ev in sim.drain_watch(watch) {
            let index = ev.object["metadata"]["name"].as_str().and_then(|n| n.strip_prefix("pod-")).and_then(|i| i.parse::<usize>().ok());
            if let Some(flag) = index.and_then(|i| is_bound.get_mut(i)) {
                if !*flag && ev.object["spec"]["nodeName"].is_string() {
                    *flag = true;
                    bound += 1;
                }
            }
        }
        if bound == pods {
            break;
        }
    }
    let (elapsed, cpu) = (start.elapsed(), user_cpu_secs() - cpu_start);
    assert_eq!(bound, pods, "every pod bound");
    // The watch's count must agree with the store's.
    assert_eq!(sim.list("Pod", Some("default")).iter().filter(|p| p["spec"]["nodeName"].is_string()).count(), pods, "store agrees");
    sim.close_watch(watch);
    let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    println!(
        "{} {pods} pods on {nodes} nodes (trace detail {detail}): submit {:.3}s, all bound after {:.3}s wall = {:.0} pods/s; {cpu:.2}s user = {:.0} pods/cpu-s; simulated {} ms; trace {} entries; heap {} bytes/pod",
        if mode == Mode::Hollow { "hollow" } else { "full  " },
        submitted.as_secs_f64(),
        elapsed.as_secs_f64(),
        pods as f64 / elapsed.as_secs_f64(),
        pods as f64 / cpu.max(0.01),
        sim.now().as_millis(),
        sim.trace().len(),
        bytes / pods.max(1),
    );
    // Dropping a simulation of this size takes a noticeable share of the run; leaking it keeps
    // the next configuration's numbers clean (the process ends right after).
    std::mem::forget(sim);
}

fn main() {
    podlab_alloc::retain_freed_memory();
    // `PODLAB_BENCH=pods,nodes,detail[,hollow|full]` runs one configuration (profiling);
    // default: the scaling series in both modes.
    if let Ok(cfg) = std::env::var("PODLAB_BENCH") {
        let parts: Vec<&str> = cfg.split(',').collect();
        let v: Vec<usize> = parts.iter().take(3).filter_map(|x| x.trim().parse().ok()).collect();
        let mode = if parts.get(3).map(|m| m.trim()) == Some("hollow") { Mode::Hollow } else { Mode::Full };
        if let [pods, nodes, detail] = v[..] {
            return run(pods, nodes, detail, mode);
        }
        eprintln!("PODLAB_BENCH wants pods,nodes,detail[,hollow|full]; running the default series");
    }
    for mode in [Mode::Hollow, Mode::Full] {
        run(1_000, 100, 64, mode);
        run(3_000, 300, 64, mode);
        run(10_000, 1_000, 64, mode);
    }
    run(10_000, 1_000, 0, Mode::Hollow);
}
