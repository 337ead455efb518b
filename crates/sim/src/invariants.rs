//! The invariant checker tests run after every simulation step. It states what must always
//! hold in a Kubernetes cluster and in a deterministic simulation of one: resourceVersions are
//! unique and never ahead of etcd's revision, history revisions strictly increase, the
//! pod-by-node index matches the pods, no node carries more scheduler-placed requests than it
//! can allocate, and the clock and trace only move forward.

use crate::meta;
use crate::podres;
use crate::sim::Simulation;
use crate::store::ObjectKey;
use std::collections::{BTreeMap, BTreeSet};

/// Returns every violated invariant (empty when all hold).
pub fn check(sim: &Simulation) -> Vec<String> {
    let mut errs = Vec::new();
    check_store(sim, &mut errs);
    check_nodes(sim, &mut errs);
    check_time(sim, &mut errs);
    errs
}

fn check_store(sim: &Simulation, errs: &mut Vec<String>) {
    let store = sim.store();
    let mut seen = BTreeSet::new();
    for (key, obj) in store.all() {
        let rv: u64 = meta::resource_version(obj).parse().unwrap_or(0);
        if rv == 0 || rv > store.revision() {
            errs.push(format!("{key:?}: resourceVersion {rv} outside 1..={}", store.revision()));
        }
        if !seen.insert(rv) {
            errs.push(format!("{key:?}: duplicate resourceVersion {rv}"));
        }
        if *key != ObjectKey::of(obj) {
            errs.push(format!("{key:?}: stored under the wrong key"));
        }
    }
    let mut last = 0;
    for h in store.history() {
        if h.resource_version <= last {
            errs.push(format!("history revision {} after {last}", h.resource_version));
        }
        last = h.resource_version;
    }
    let mut indexed = 0;
    for pod in store.list("Pod", None) {
        let node = meta::node_name(pod);
        if !node.is_empty() {
            indexed += 1;
            if !store.pods_on_node(node).iter().any(|p| meta::uid(p) == meta::uid(pod)) {
                errs.push(format!("pod {}/{} missing from the index of {node}", meta::namespace(pod), meta::name(pod)));
            }
        }
    }
    let index_total: usize = store.list("Node", None).map(|n| store.pods_on_node(meta::name(n)).len()).sum();
    if index_total > indexed {
        errs.push(format!("node index holds {index_total} pods, store has {indexed} bound pods"));
    }
}

fn check_nodes(sim: &Simulation, errs: &mut Vec<String>) {
    let store = sim.store();
    let bound = &sim.core.apiserver.bound_uids;
    let mut used: BTreeMap<String, podres::ResourceList> = BTreeMap::new();
    for pod in store.list("Pod", None) {
        let phase = meta::str_at(pod, &["status", "phase"]).unwrap_or("");
        if !bound.contains(meta::uid(pod)) || phase == "Succeeded" || phase == "Failed" {
            continue;
        }
        let Some(p) = meta::typed::<podlab_api::Pod>(pod) else { continue };
        let entry = used.entry(p.spec.node_name.clone()).or_default();
        for (r, v) in podres::pod_requests(&p.spec) {
            *entry.entry(r).or_insert(0) += v;
        }
        *entry.entry("pods".into()).or_insert(0) += 1;
    }
    for (node, reqs) in used {
        let Some(n) = store.get(&ObjectKey::new("Node", "", &node)) else { continue };
        let Some(typed) = meta::typed::<podlab_api::Node>(n) else { continue };
        let alloc = podres::to_list(&typed.status.allocatable);
        for (r, v) in reqs {
            let cap = alloc.get(&r).copied().unwrap_or(0);
            if v > cap {
                errs.push(format!("node {node} overcommitted: {r} requested {v} > allocatable {cap}"));
            }
        }
    }
}

fn check_time(sim: &Simulation, errs: &mut Vec<String>) {
    if let Some(next) = sim.next_wakeup() {
        if next < sim.now() {
            errs.push(format!("a wake-up at {next:?} is in the past (now {:?})", sim.now()));
        }
    }
    for w in sim.trace().windows(2) {
        if w[1].time < w[0].time || w[1].seq <= w[0].seq {
            errs.push(format!("trace goes backwards at seq {}", w[1].seq));
            break;
        }
    }
}
