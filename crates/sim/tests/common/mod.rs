//! Helpers shared by the integration tests: pod manifests and a driver that runs the
//! invariant checker after every simulation step.

#![allow(dead_code)]

use podlab_sim::{SimTime, Simulation, invariants};
use serde_json::{Value, json};

pub fn pod(name: &str, cpu: &str, memory: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": cpu, "memory": memory}}}]}})
}

pub fn plain_pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
}

/// Steps one wake-up at a time up to `t`, checking every invariant after each step.
pub fn run_checked(sim: &mut Simulation, t: SimTime) {
    let mut steps = 0;
    while sim.step(t) {
        steps += 1;
        assert!(steps < 1_000_000, "runaway simulation");
        let errs = invariants::check(sim);
        assert!(
            errs.is_empty(),
            "invariants violated at {:?}: {errs:?}",
            sim.now()
        );
    }
    sim.advance_to(t);
}

pub fn events_for<'a>(sim: &'a Simulation, pod: &str) -> Vec<&'a Value> {
    sim.list("Event", Some("default"))
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == pod)
        .collect()
}
