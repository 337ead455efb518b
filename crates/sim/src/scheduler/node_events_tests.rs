//! `node_order` and the image counts, rebuilt once per batch of node events, equal the
//! rebuild after every event they replace: adds, updates that change images, deletes, and a
//! node that only an `assume` put into the cache.

use super::framework::PodUsage;
use super::Scheduler;
use crate::cluster::{ClusterSpec, NodeSpec};
use crate::component::Ctx;
use crate::rng::Rng;
use crate::sim::Simulation;
use crate::store::WatchEventType::{self, Added, Deleted, Modified};
use serde_json::Value;

fn node(i: usize, images: &[&str]) -> Value {
    let mut spec = NodeSpec::worker(&format!("n{i:02}"), i);
    spec.images = images.iter().map(|s| s.to_string()).collect();
    crate::bootstrap::node_object(&mut Rng::new(i as u64), &spec, "v1.33.0", "2025-01-01T12:00:00Z")
}

type State = (Vec<String>, Vec<(String, i64)>, Vec<String>);

fn state(s: &Scheduler) -> State {
    (s.node_order.iter().map(|n| n.name.as_str().to_string()).collect(), s.image_nodes.iter().map(|(k, v)| (k.clone(), *v)).collect(), s.nodes.keys().cloned().collect())
}

#[test]
fn batched_rebuild_matches_rebuild_per_event() {
    let mut sim = Simulation::new(1, ClusterSpec::workers(0));
    let mut ctx = Ctx { core: sim.core_mut(), id: 0, name: "kube-scheduler".into(), user: "system:kube-scheduler".into() };
    let images = ["a:1", "b:1", "c:1"];
    let batches: Vec<Vec<(WatchEventType, Value)>> = vec![
        (0..6).map(|i| (Added, node(i, &images[..i % 3]))).collect(),
        vec![(Modified, node(2, &["c:1"])), (Added, node(9, &[])), (Deleted, node(4, &[])), (Modified, node(1, &["a:1", "c:1"]))],
        // After an `assume` onto a node the watch never showed: an update must bring it in.
        vec![(Modified, node(3, &["b:1"]))],
        vec![(Modified, node(3, &["b:1", "c:1"])), (Modified, node(5, &[]))],
        vec![(Added, node(7, &["b:1"])), (Modified, node(0, &["b:1"])), (Deleted, node(9, &[]))],
    ];
    let (mut batched, mut per_event) = (Scheduler::new("cp"), Scheduler::new("cp"));
    for (b, batch) in batches.iter().enumerate() {
        if b == 2 {
            for s in [&mut batched, &mut per_event] {
                s.assume(crate::keys::NsName("default".into(), "p".into()), "ghost", PodUsage::default());
            }
        }
        for (ty, obj) in batch {
            batched.on_node_event(&mut ctx, *ty, obj);
            per_event.on_node_event(&mut ctx, *ty, obj);
            // The old way: rebuild right away.
            if std::mem::take(&mut per_event.order_stale) {
                per_event.rebuild_node_order();
            }
        }
        if std::mem::take(&mut batched.order_stale) {
            batched.rebuild_node_order();
        }
        assert_eq!(state(&batched), state(&per_event), "after batch {b}");
    }
    assert!(batched.node_order.iter().any(|n| n.name.as_str() == "ghost"), "the assumed node came in with the update after it");
}
