//! Property tests over whole simulations: the same seed and inputs give a byte-identical
//! trace and store; the scheduler never overcommits a node (the invariant checker runs after
//! every step); resourceVersions only increase along every watch stream.

mod common;

use common::run_checked;
use podlab_sim::{ApiRequest, ClusterSpec, NodeSpec, Simulation, WatchEventType};
use proptest::prelude::*;
use serde_json::{json, Value};

#[derive(Clone, Debug)]
enum Op {
    Create { name: u8, cpu_millis: u16, mem_mi: u16, selector: bool },
    Delete { name: u8, force: bool },
    Advance { ms: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u8..24, 50u16..1500, 16u16..2048, any::<bool>()).prop_map(|(name, cpu_millis, mem_mi, selector)| Op::Create { name, cpu_millis, mem_mi, selector }),
        1 => (0u8..24, any::<bool>()).prop_map(|(name, force)| Op::Delete { name, force }),
        2 => (1u16..5000).prop_map(|ms| Op::Advance { ms }),
    ]
}

fn cluster() -> ClusterSpec {
    // Without kubeadm's add-ons: the generated workload alone decides every node's load.
    let mut spec = ClusterSpec { addons: true, ..ClusterSpec::default() };
    let mut small = NodeSpec::worker("node03", 3);
    small.cpu = "1".into();
    small.memory = "1Gi".into();
    small.labels.insert("disktype".into(), "ssd".into());
    spec.nodes.push(small);
    spec
}

fn apply(sim: &mut Simulation, op: &Op, checked: bool) {
    match op {
        Op::Create { name, cpu_millis, mem_mi, selector } => {
            let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("p{name}")},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": format!("{cpu_millis}m"), "memory": format!("{mem_mi}Mi")}}}]}});
            if *selector {
                pod["spec"]["nodeSelector"] = json!({"disktype": "ssd"});
            }
            let _ = sim.submit(ApiRequest::create(pod));
        }
        Op::Delete { name, force } => {
            let mut req = ApiRequest::delete("Pod", "default", &format!("p{name}"));
            if let podlab_sim::Verb::Delete { options, .. } = &mut req.verb {
                options.grace_period_seconds = force.then_some(0);
            }
            let _ = sim.submit(req);
        }
        Op::Advance { ms } => {
            let t = sim.now().plus(podlab_sim::SimDuration(u64::from(*ms)));
            if checked {
                run_checked(sim, t);
            } else {
                sim.advance_to(t);
            }
        }
    }
}

fn fingerprint(sim: &Simulation) -> (String, Vec<Value>) {
    let trace = serde_json::to_string(sim.trace()).expect("trace serialises");
    let objects = sim.snapshot().objects.iter().map(|o| (**o).clone()).collect();
    (trace, objects)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(12)))]

    #[test]
    fn same_seed_same_inputs_same_trace(seed in any::<u64>(), ops in proptest::collection::vec(op(), 1..25)) {
        let run = || {
            let mut sim = Simulation::new(seed, cluster());
            for o in &ops {
                apply(&mut sim, o, false);
            }
            let until = sim.now().plus(podlab_sim::SimDuration(2_000));
            sim.advance_to(until);
            fingerprint(&sim)
        };
        let (a, b) = (run(), run());
        prop_assert!(a == b, "two runs diverged");
    }

    #[test]
    fn scheduler_never_overcommits_and_revisions_increase(seed in any::<u64>(), ops in proptest::collection::vec(op(), 1..30)) {
        let mut sim = Simulation::new(seed, cluster());
        let w = sim.watch("Pod", None, None).expect("watch");
        // The synthetic ADDED events of the pods that already exist (static and add-on pods)
        // come in key order, as from the real watch cache; the property is about the changes.
        let _initial = sim.drain_watch(w);
        for o in &ops {
            apply(&mut sim, o, true);
        }
        let until = sim.now().plus(podlab_sim::SimDuration(15_000));
        run_checked(&mut sim, until);
        let mut last = 0;
        for e in sim.drain_watch(w) {
            prop_assert!(e.event_type != WatchEventType::Error);
            prop_assert!(e.resource_version > last, "resourceVersion went from {} to {}", last, e.resource_version);
            last = e.resource_version;
        }
        // A pod that fits somewhere is never left pending for good: every pending pod says why.
        for p in sim.list("Pod", Some("default")) {
            if p["spec"]["nodeName"].is_null() {
                let msg = p["status"]["conditions"][0]["message"].as_str().unwrap_or("");
                prop_assert!(msg.starts_with("0/4 nodes are available: "), "pending without a FitError: {}", msg);
            }
        }
    }
}
