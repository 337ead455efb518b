//! The scheduler cache's one-search bookkeeping (`NodeInfo::add_pod`, `Scheduler::assume`)
//! against the straightforward sequences it replaced (remove, then insert; forget, then look
//! the node up by an owned name, then record), over random sequences of pods assumed, moved
//! between nodes, re-assumed on the same node and removed.

use super::filter_hot::FilterHot;
use super::framework::{NodeInfo, PodUsage};
use super::score_hot::ScoreHot;
use super::Scheduler;
use crate::keys::NsName as PodKey;
use proptest::prelude::*;

fn usage(cpu: i64, mem: i64, gpu: bool) -> PodUsage {
    let mut u = PodUsage::default();
    u.requests.cpu_millis = cpu;
    u.requests.memory_bytes = mem;
    u.nonzero_cpu_millis = cpu.max(100);
    u.nonzero_memory_bytes = mem.max(200 << 20);
    if gpu {
        u.requests.scalar.insert("example.com/gpu".into(), 1);
    }
    u
}

/// `add_pod` as it was: `remove_pod`, then account and insert.
fn old_add_pod(n: &mut NodeInfo, key: PodKey, u: PodUsage) {
    n.remove_pod(&key);
    n.requested.add(&u.requests, 1);
    n.nonzero_cpu_millis += u.nonzero_cpu_millis;
    n.nonzero_memory_bytes += u.nonzero_memory_bytes;
    n.pods.insert(key, u);
    n.hot = FilterHot::of(n);
    n.score_hot = ScoreHot::of(n);
}

/// `assume` as it was.
fn old_assume(s: &mut Scheduler, key: PodKey, node: &str, u: PodUsage) {
    s.forget_assigned(&key);
    let n = s.nodes.entry(node.to_string()).or_insert_with(|| NodeInfo { name: node.into(), ..NodeInfo::default() });
    old_add_pod(n, key.clone(), u);
    s.assigned.insert(key, node.to_string());
}

fn cache(s: &Scheduler) -> String {
    format!("{:?} {:?}", s.assigned, s.nodes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    #[test]
    fn add_pod_equals_remove_then_insert(ops in proptest::collection::vec((0u8..4, 0i64..3000, 0i64..(1i64 << 32), any::<bool>(), any::<bool>()), 0..24)) {
        let (mut fast, mut reference) = (NodeInfo::default(), NodeInfo::default());
        for (pod, cpu, mem, gpu, remove) in ops {
            let key = PodKey("default".to_string(), format!("p{pod}"));
            if remove {
                prop_assert_eq!(fast.remove_pod(&key), reference.remove_pod(&key));
            } else {
                fast.add_pod(key.clone(), usage(cpu, mem, gpu));
                old_add_pod(&mut reference, key, usage(cpu, mem, gpu));
            }
            prop_assert_eq!(format!("{fast:?}"), format!("{reference:?}"));
        }
    }

    #[test]
    fn assume_equals_forget_then_add(ops in proptest::collection::vec((0u8..5, 0u8..4, 0i64..3000, any::<bool>()), 0..32)) {
        let (mut fast, mut reference) = (Scheduler::new("cp"), Scheduler::new("cp"));
        for s in [&mut fast, &mut reference] {
            // Two nodes the cache knows; the others only an `assume` brings in.
            for name in ["n0", "n1"] {
                s.nodes.insert(name.into(), NodeInfo { name: name.into(), ..NodeInfo::default() });
            }
        }
        for (pod, node, cpu, forget) in ops {
            let key = PodKey("default".to_string(), format!("p{pod}"));
            if forget {
                prop_assert_eq!(fast.forget_assigned(&key), reference.forget_assigned(&key));
            } else {
                let node = format!("n{node}");
                fast.assume(key.clone(), &node, usage(cpu, 0, false));
                old_assume(&mut reference, key, &node, usage(cpu, 0, false));
            }
            prop_assert_eq!(cache(&fast), cache(&reference));
        }
    }
}
