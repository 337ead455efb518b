//! Scale benchmark for the workload controllers (`cargo bench -p podlab-sim --bench rollout`):
//! a 1 000-replica Deployment created and then rolled to a new image through the full API
//! pipeline — Deployment and ReplicaSet controllers, scheduler, kubelets — until the rollout
//! is complete. Reports wall time, simulated time, API objects and trace size. A benchmark,
//! not a test: it asserts the rollout's correctness, never its timing.


/// The allocator of the native `podlab` binary, so the numbers are the ones it gets.
#[global_allocator]
static GLOBAL: podlab_alloc::MiMalloc = podlab_alloc::MiMalloc;

use podlab_sim::{ApiRequest, ClusterSpec, PatchType, SimDuration, Simulation};
use serde_json::{json, Value};
use std::time::Instant;

fn complete(sim: &Simulation, replicas: i64, image: &str) -> bool {
    let Some(d) = sim.get("Deployment", "default", "web") else { return false };
    let st = &d["status"];
    let live_on_image = sim
        .list("Pod", Some("default"))
        .iter()
        .filter(|p| p["metadata"].get("deletionTimestamp").is_none() && p["spec"]["containers"][0]["image"] == image)
        .count() as i64;
    st["updatedReplicas"] == replicas && st["availableReplicas"] == replicas && st["replicas"] == replicas && live_on_image == replicas
}

fn wait(sim: &mut Simulation, replicas: i64, image: &str) -> u64 {
    let start = sim.now();
    for _ in 0..100_000 {
        sim.advance_by(SimDuration::from_secs(1));
        if complete(sim, replicas, image) {
            break;
        }
    }
    assert!(complete(sim, replicas, image), "rollout to {image} completed");
    sim.now().since(start).as_millis()
}

fn run(replicas: i64, nodes: usize) {
    let mut sim = Simulation::new(42, ClusterSpec::workers(nodes));
    let d: Value = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}}}});
    let wall = Instant::now();
    sim.submit(ApiRequest::create(d)).expect("deployment admitted");
    let created_ms = wait(&mut sim, replicas, "nginx:1.27");
    let created_wall = wall.elapsed();
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}});
    sim.submit(ApiRequest::patch("Deployment", "default", "web", PatchType::Strategic, patch)).expect("rollout started");
    let rolled_ms = wait(&mut sim, replicas, "nginx:1.26");
    let total = wall.elapsed();
    println!(
        "{replicas}-pod Deployment on {nodes} nodes: created in {:.2}s wall ({} ms simulated); rolled out in {:.2}s wall ({} ms simulated); {} objects, trace {} entries",
        created_wall.as_secs_f64(),
        created_ms,
        (total - created_wall).as_secs_f64(),
        rolled_ms,
        sim.snapshot().objects.len(),
        sim.trace().len(),
    );
}

fn main() {
    podlab_alloc::retain_freed_memory();
    let replicas = std::env::var("PODLAB_ROLLOUT_REPLICAS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    run(replicas, 50);
}
