//! The dense node walk: the scheduler keeps, in cache order, one `NodeSlot` per node (its
//! name and copies of its `NodeInfo`'s two one-line summaries, `FilterHot` and `ScoreHot`),
//! and a cycle whose pod only the resource scorers and TaintToleration can tell nodes apart
//! for walks that array instead of the cache's B-tree. At 1 000 nodes a cycle visits ~420
//! of them twice (Filter, then Score); through the B-tree each visit walked tree nodes and
//! touched a separate `NodeInfo` in the heap, here it is the next 256 bytes of one array
//! (256 KB for 1 000 nodes, which stays in the core's L2 cache).
//!
//! The walk gives exactly what the general one (`cycle::filter_nodes`, `score::score_nodes`)
//! gives: a slot answers only "every filter passes" (`FilterHot::room_for`) and the resource
//! scores (`ScoreHot`); any node it cannot vouch for is looked up and goes through the real
//! filters, and the rare nodes with a PreferNoSchedule taint or an unprepared
//! BalancedAllocation denominator are scored from their `NodeInfo`. The slots follow every
//! change to a node (`Scheduler::sync_slot`); debug builds check that at every visit, and the
//! tests compare both walks on random caches.

use super::filter_hot::FilterHot;
use super::framework::{FilterStatus, NodeInfo, PodInfo};
use super::score::{self, ScoreScratch};
use super::score_hot::{PodDemand, ScoreHot};
use super::{plugins, Scheduler};
use crate::trace::Label;

/// One node of the round-robin walk, in the cache's key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSlot {
    pub name: Label,
    pub hot: FilterHot,
    pub score: ScoreHot,
}

impl NodeSlot {
    pub fn of(n: &NodeInfo) -> Self {
        NodeSlot { name: n.name.clone(), hot: n.hot, score: n.score_hot }
    }
}

/// What a filter walk found: the feasible nodes (as `node_order` indexes in walk order), the
/// rejected ones' statuses and how many nodes it visited.
pub struct Filtered {
    pub feasible: Vec<u32>,
    pub statuses: Vec<(Label, FilterStatus)>,
    pub processed: usize,
}

/// Can this cycle take the dense walk? The pod asks nothing node-specific of the filters
/// (`FilterHot::plain`), has no claims (VolumeBinding's Filter does not run), no preferred
/// node affinity, and none of its images is on any node (ImageLocality gives every node the
/// same score): then only the slots' fields tell nodes apart.
pub fn dense_cycle(s: &Scheduler, info: &PodInfo) -> bool {
    FilterHot::plain(info)
        && (s.volume_binder.is_none() || info.pvc_names.is_empty())
        && info.preferred_affinity.is_empty()
        && score::held_images(info, &s.image_nodes, s.nodes.len() as i64).is_none()
}

/// The node a slot stands for (always in the cache: `node_order` is rebuilt from it after
/// any node leaves, before the next cycle).
fn node_of<'s>(s: &'s Scheduler, slot: &NodeSlot) -> Option<&'s NodeInfo> {
    s.nodes.get(slot.name.as_str())
}

/// Filter over the round-robin window from `start` until `to_find` nodes fit, for a pod
/// `dense_cycle` accepted.
pub fn filter(s: &Scheduler, info: &PodInfo, start: usize, to_find: usize) -> Filtered {
    let all = s.node_order.len();
    let mut out = Filtered { feasible: Vec::with_capacity(to_find), statuses: Vec::new(), processed: 0 };
    for k in 0..all {
        let i = if start + k < all { start + k } else { start + k - all };
        let slot = &s.node_order[i];
        debug_assert!(node_of(s, slot).is_some_and(|n| NodeSlot::of(n) == *slot), "slot {} in step with the cache", slot.name.as_str());
        let status = if slot.hot.room_for(&info.requests) {
            debug_assert!(node_of(s, slot).is_some_and(|n| plugins::run_filters(info, n).is_none()), "a slot admitted what the filters reject");
            None
        } else {
            let Some(node) = node_of(s, slot) else { continue };
            plugins::run_filters(info, node)
        };
        out.processed = k + 1;
        match status {
            None => {
                out.feasible.push(i as u32);
                if out.feasible.len() >= to_find {
                    break;
                }
            }
            Some(st) => out.statuses.push((slot.name.clone(), st)),
        }
    }
    out
}

/// The Score phase over `feasible` for a pod `dense_cycle` accepted: the rows
/// `score::score_nodes` gives (TaintToleration, NodeAffinity 0, LeastAllocated,
/// BalancedAllocation, ImageLocality's common value) from the slots.
pub fn score(s: &Scheduler, info: &PodInfo, feasible: &[u32], out: &mut ScoreScratch) {
    out.rows.clear();
    out.totals.clear();
    let prefer = plugins::taint_toleration::prefer_tolerations(info);
    let no_image_held = plugins::image_locality::score_from_sum(0, info.images.len());
    let demand = PodDemand::of(info);
    let mut max_taints = i64::MIN;
    out.rows.extend(feasible.iter().map(|&i| {
        let slot = &s.node_order[i as usize];
        let hot: &ScoreHot = &slot.score;
        let taints = if hot.prefer_taints { slow_node(s, slot, |n| score::tainted_score(&prefer, n)) } else { 0 };
        max_taints = max_taints.max(taints);
        let balanced = match hot.balanced_fast(&demand) {
            Some(b) => b,
            None => slow_node(s, slot, |n| super::score_hot::balanced_fallback(info, n)),
        };
        [taints, 0, hot.least_allocated(&demand), balanced, no_image_held]
    }));
    score::normalize_and_total(out, max_taints, None);
}

/// `f` of the slot's `NodeInfo`, for the few nodes the slot's fields do not settle (an
/// empty node's if the cache lost it, which `node_order`'s rebuild rules out).
#[cold]
#[inline(never)]
fn slow_node(s: &Scheduler, slot: &NodeSlot, f: impl FnOnce(&NodeInfo) -> i64) -> i64 {
    match node_of(s, slot) {
        Some(n) => f(n),
        None => f(&NodeInfo::default()),
    }
}
