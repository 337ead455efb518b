//! Scale benchmark (run with `cargo bench -p podlab-sim`): 10 000 pods submitted through the
//! full API pipeline onto 1 000 nodes, run until every pod is bound. Reports pods/s, the
//! simulated time it took, trace size and heap bytes per pod (measured with a counting
//! allocator). A benchmark, not a test: it asserts correctness, never timing.

use podlab_sim::{ApiRequest, ClusterSpec, SimDuration, Simulation};
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn run(pods: usize, nodes: usize, detail: usize) {
    let mut spec = ClusterSpec::workers(nodes);
    spec.trace_node_detail_max = detail;
    let mut sim = Simulation::new(42, spec);
    let base = LIVE.load(Ordering::Relaxed);
    let start = Instant::now();
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
        bound = sim.list("Pod", Some("default")).iter().filter(|p| p["spec"]["nodeName"].is_string()).count();
        if bound == pods {
            break;
        }
    }
    let elapsed = start.elapsed();
    assert_eq!(bound, pods, "every pod bound");
    let bytes = LIVE.load(Ordering::Relaxed).saturating_sub(base);
    println!(
        "{pods} pods on {nodes} nodes (trace detail {detail} nodes): submit {:.3}s, all bound after {:.3}s wall = {:.0} pods/s; simulated {:?} ms; trace {} entries; heap {} bytes/pod",
        submitted.as_secs_f64(),
        elapsed.as_secs_f64(),
        pods as f64 / elapsed.as_secs_f64(),
        sim.now().as_millis(),
        sim.trace().len(),
        bytes / pods.max(1),
    );
}

fn main() {
    // `PODLAB_BENCH=pods,nodes,detail` runs one configuration (profiling); default: all.
    if let Ok(cfg) = std::env::var("PODLAB_BENCH") {
        let v: Vec<usize> = cfg.split(',').filter_map(|x| x.parse().ok()).collect();
        if let [pods, nodes, detail] = v[..] {
            return run(pods, nodes, detail);
        }
    }
    run(1_000, 100, 64);
    run(10_000, 1_000, 64);
    run(10_000, 1_000, 0);
}
