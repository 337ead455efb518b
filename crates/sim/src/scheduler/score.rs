//! The Score phase over the feasible nodes: every default score plugin's normalised score per
//! node, and the weighted totals `selectHost` picks from. What a plugin needs from the pod
//! alone (its PreferNoSchedule tolerations, each image's spread over the cluster) is worked
//! out once per cycle instead of once per node, and a plugin that cannot tell the nodes apart
//! for this pod (no preferred node affinity; none of its images on any node) gets its one
//! value without visiting them. Every score is the one the plugin functions in `plugins/`
//! give (`reference_scores` in the tests is that per-node, per-plugin walk). The resource
//! scorers read each node's `ScoreHot` line (`score_hot.rs`). Rows and totals live in a
//! `ScoreScratch` the scheduler keeps, so a cycle allocates nothing here.

use super::framework::{default_normalized, NodeInfo, PodInfo};
use super::plugins::{self, SCORE_WEIGHTS};
use super::score_hot::PodDemand;
use podlab_api::Toleration;
use std::collections::BTreeMap;

/// Per-plugin normalised scores (one row per feasible node, one entry per plugin in
/// `SCORE_WEIGHTS` order) and the weighted totals, reused from cycle to cycle.
#[derive(Debug, Default)]
pub struct ScoreScratch {
    pub rows: Vec<[i64; SCORE_WEIGHTS.len()]>,
    pub totals: Vec<i64>,
}

impl ScoreScratch {
    /// Node `i`'s score from each plugin.
    pub fn row(&self, i: usize) -> [i64; SCORE_WEIGHTS.len()] {
        self.rows[i]
    }
}

/// Scores `nodes` for `info` into `out`. `image_nodes` counts the nodes holding each image
/// and `all_nodes` is the cache's node count (ImageLocality's spread). One pass over the
/// nodes fills every row from the nodes' `ScoreHot` lines; a second normalises the two
/// normalising plugins' entries and sums the totals.
pub fn score_nodes(info: &PodInfo, nodes: &[&NodeInfo], image_nodes: &BTreeMap<String, i64>, all_nodes: i64, out: &mut ScoreScratch) {
    out.rows.clear();
    out.totals.clear();
    let prefer = plugins::taint_toleration::prefer_tolerations(info);
    let held = held_images(info, image_nodes, all_nodes);
    let image_count = info.images.len();
    let no_image_held = plugins::image_locality::score_from_sum(0, image_count);
    // No preferred terms: every raw NodeAffinity score is 0, and normalising zeros leaves 0.
    let affinity = !info.preferred_affinity.is_empty();
    // Entries in `SCORE_WEIGHTS` order (pinned by `columns_follow_score_weights`).
    // Each normalising column's maximum, as `default_normalize` takes it (only read when
    // there is a row, so the starting value never survives).
    let (max_taints, max_affinity) = match &held {
        None if !affinity => (resource_rows(info, nodes, &prefer, no_image_held, &mut out.rows), i64::MIN),
        _ => {
            let demand = PodDemand::of(info);
            let (mut max_taints, mut max_affinity) = (i64::MIN, i64::MIN);
            for n in nodes {
                let hot = &n.score_hot;
                let taints = taint_score(hot, &prefer, n);
                let affinities = if affinity { plugins::node_affinity::score(info, n) } else { 0 };
                let images = match &held {
                    Some(held) => {
                        let sum: i128 = held.iter().filter_map(|(img, have)| n.images.get(*img).map(|size| plugins::image_locality::term(*size, *have, all_nodes))).sum();
                        plugins::image_locality::score_from_sum(sum, image_count)
                    }
                    None => no_image_held,
                };
                max_taints = max_taints.max(taints);
                max_affinity = max_affinity.max(affinities);
                out.rows.push([taints, affinities, hot.least_allocated(&demand), hot.balanced_allocation(&demand, info, n), images]);
            }
            (max_taints, max_affinity)
        }
    };
    normalize_and_total(out, max_taints, affinity.then_some(max_affinity));
}

/// `default_normalize` of each normalising column, with the maxima the row pass took
/// (NodeAffinity's only when the pod has preferred terms: otherwise its column is all zeros),
/// then each row's weighted total.
pub(super) fn normalize_and_total(out: &mut ScoreScratch, max_taints: i64, max_affinity: Option<i64>) {
    let weights = SCORE_WEIGHTS.map(|(_, w)| w);
    out.totals.extend(out.rows.iter_mut().map(|r| {
        r[0] = default_normalized(r[0], max_taints, true);
        if let Some(max) = max_affinity {
            r[1] = default_normalized(r[1], max, false);
        }
        r.iter().zip(weights).map(|(s, w)| s * w).sum::<i64>()
    }));
}

/// The rows of the common pod: no preferred node affinity and none of its images on any node,
/// so only TaintToleration (on nodes with PreferNoSchedule taints) and the two resource
/// scorers tell nodes apart. Without the other plugins' branches the walk keeps its values in
/// registers. Returns the TaintToleration column's maximum.
fn resource_rows(info: &PodInfo, nodes: &[&NodeInfo], prefer: &[&Toleration], no_image_held: i64, rows: &mut Vec<[i64; SCORE_WEIGHTS.len()]>) -> i64 {
    let demand = PodDemand::of(info);
    let mut max_taints = i64::MIN;
    rows.extend(nodes.iter().map(|n| {
        let hot = &n.score_hot;
        let taints = taint_score(hot, prefer, n);
        max_taints = max_taints.max(taints);
        [taints, 0, hot.least_allocated(&demand), hot.balanced_allocation(&demand, info, n), no_image_held]
    }));
    max_taints
}

/// TaintToleration's raw score: only PreferNoSchedule taints count, so a node without any
/// scores 0 without looking at its taints.
#[inline]
fn taint_score(hot: &super::score_hot::ScoreHot, prefer: &[&Toleration], n: &NodeInfo) -> i64 {
    if hot.prefer_taints {
        tainted_score(prefer, n)
    } else {
        0
    }
}

/// Out of line: most nodes have no PreferNoSchedule taint.
#[cold]
#[inline(never)]
pub(super) fn tainted_score(prefer: &[&Toleration], n: &NodeInfo) -> i64 {
    plugins::taint_toleration::score_with(prefer, n)
}

/// The pod's images some node holds, with their spread; None when there are none (or no
/// nodes): an image no node holds adds `size * 0 / all = 0` wherever it is, so only these are
/// looked up, and without any every node gets the score of an empty sum.
pub(super) fn held_images<'a>(info: &'a PodInfo, image_nodes: &BTreeMap<String, i64>, all_nodes: i64) -> Option<Vec<(&'a str, i64)>> {
    let held: Vec<(&str, i64)> = info
        .images
        .iter()
        .filter_map(|img| image_nodes.get(img).map(|have| (img.as_str(), *have)))
        .filter(|(_, have)| *have != 0)
        .collect();
    (!held.is_empty() && all_nodes > 0).then_some(held)
}

#[cfg(test)]
mod tests {
    use super::super::framework::{normalize_image, PodUsage};
    use super::super::plugins::testutil::{node, pod};
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// The walk the cycle did before: every plugin's `score` on every node, then normalise.
    fn reference_scores(info: &PodInfo, nodes: &[&NodeInfo], image_nodes: &BTreeMap<String, i64>, all_nodes: i64) -> Vec<[i64; 5]> {
        let spread = |img: &str| (image_nodes.get(img).copied().unwrap_or(0), all_nodes);
        let mut per_plugin: Vec<Vec<i64>> = vec![
            nodes.iter().map(|n| plugins::taint_toleration::score(info, n)).collect(),
            nodes.iter().map(|n| plugins::node_affinity::score(info, n)).collect(),
            nodes.iter().map(|n| plugins::node_resources_fit::score(info, n)).collect(),
            nodes.iter().map(|n| plugins::balanced_allocation::score(info, n)).collect(),
            nodes.iter().map(|n| plugins::image_locality::score(info, n, &spread)).collect(),
        ];
        plugins::taint_toleration::normalize(&mut per_plugin[0]);
        plugins::node_affinity::normalize(&mut per_plugin[1]);
        (0..nodes.len()).map(|i| std::array::from_fn(|p| per_plugin[p][i])).collect()
    }

    const IMAGES_POOL: [&str; 4] = ["nginx:1.27", "redis", "busybox:1.36", "registry.k8s.io/pause:3.10"];
    const MB: i64 = 1 << 20;

    fn a_node(i: usize, taints: u8, zone: u8, images: u8, alloc: (i64, i64), used: (i64, i64)) -> NodeInfo {
        let mut spec = json!({});
        let effects = ["PreferNoSchedule", "NoSchedule", "PreferNoSchedule"];
        let list: Vec<Value> = (0..3).filter(|b| taints & (1 << b) != 0).map(|b| json!({"key": format!("t{b}"), "effect": effects[b]})).collect();
        if !list.is_empty() {
            spec = json!({"taints": list});
        }
        let imgs: Vec<Value> = (0..4).filter(|b| images & (1 << b) != 0).map(|b| json!({"names": [normalize_image(IMAGES_POOL[b])], "sizeBytes": (b as i64 + 1) * 300 * MB})).collect();
        let extra = json!({"metadata": {"labels": {"zone": format!("z{zone}")}}, "spec": spec,
            "status": {"allocatable": {"cpu": format!("{}m", alloc.0), "memory": alloc.1.to_string(), "pods": "110"}, "images": imgs}});
        let mut n = node(&format!("n{i}"), extra);
        if used != (0, 0) {
            let mut u = PodUsage::default();
            u.requests.cpu_millis = used.0;
            u.requests.memory_bytes = used.1;
            u.nonzero_cpu_millis = used.0.max(100);
            u.nonzero_memory_bytes = used.1.max(200 << 20);
            n.add_pod(crate::keys::NsName("default".into(), "existing".into()), u);
        }
        n
    }

    fn a_pod(tolerate: u8, preferred: u8, images: u8, cpu: i64, mem: i64) -> PodInfo {
        let containers: Vec<Value> = (0..4)
            .filter(|b| images & (1 << b) != 0)
            .map(|b| json!({"name": format!("c{b}"), "image": IMAGES_POOL[b], "resources": {"requests": {"cpu": format!("{cpu}m"), "memory": mem.to_string()}}}))
            .collect();
        let mut spec = json!({"containers": containers});
        let tolerations: Vec<Value> = (0..3).filter(|b| tolerate & (1 << b) != 0).map(|b| json!({"key": format!("t{b}"), "operator": "Exists"})).collect();
        spec["tolerations"] = json!(tolerations);
        if preferred > 0 {
            let terms: Vec<Value> = (0..preferred).map(|w| json!({"weight": w as i32 + 1, "preference": {"matchExpressions": [{"key": "zone", "operator": "In", "values": [format!("z{w}")]}]}})).collect();
            spec["affinity"] = json!({"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": terms}});
        }
        pod(spec)
    }

    fn image_counts(nodes: &[NodeInfo]) -> BTreeMap<String, i64> {
        let mut counts = BTreeMap::new();
        for n in nodes {
            for img in n.images.keys() {
                *counts.entry(img.clone()).or_insert(0) += 1;
            }
        }
        counts
    }

    fn check(info: &PodInfo, nodes: &[NodeInfo], image_nodes: &BTreeMap<String, i64>, all_nodes: i64) {
        let refs: Vec<&NodeInfo> = nodes.iter().collect();
        let mut out = ScoreScratch::default();
        // Twice through the same scratch: nothing of one cycle leaks into the next.
        for _ in 0..2 {
            score_nodes(info, &refs, image_nodes, all_nodes, &mut out);
            let want = reference_scores(info, &refs, image_nodes, all_nodes);
            let got: Vec<[i64; 5]> = (0..refs.len()).map(|i| out.row(i)).collect();
            assert_eq!(got, want);
            let totals: Vec<i64> = want.iter().map(|r| r.iter().zip(SCORE_WEIGHTS).map(|(s, (_, w))| s * w).sum()).collect();
            assert_eq!(out.totals, totals);
        }
    }

    #[test]
    fn columns_follow_score_weights() {
        let names: Vec<&str> = SCORE_WEIGHTS.iter().map(|(n, _)| *n).collect();
        let want = [plugins::taint_toleration::NAME, plugins::node_affinity::NAME, plugins::node_resources_fit::NAME, plugins::balanced_allocation::NAME, plugins::image_locality::NAME];
        assert_eq!(names, want);
    }

    /// The cases each shortcut exists for, and their neighbours.
    #[test]
    fn table_matches_the_plugin_walk() {
        let nodes = vec![a_node(0, 0, 0, 0, (2000, 4 << 30), (0, 0)), a_node(1, 0b001, 1, 0b0001, (2000, 4 << 30), (500, 1 << 30)), a_node(2, 0b101, 0, 0b0011, (4000, 8 << 30), (3900, 0))];
        let counts = image_counts(&nodes);
        let pods = [
            a_pod(0, 0, 0b0001, 100, 128 * MB), // ordinary pod, image on one node
            a_pod(0, 0, 0b1000, 100, 128 * MB), // image on no node: constant ImageLocality
            a_pod(0b001, 2, 0b0011, 0, 0),      // tolerations, preferred affinity, two images
            a_pod(0b111, 1, 0, 250, 0),         // no containers' images at all
        ];
        let mut nodes = nodes;
        for p in &pods {
            check(p, &nodes, &counts, nodes.len() as i64);
            check(p, &nodes, &counts, 0);
            check(p, &nodes, &BTreeMap::new(), nodes.len() as i64);
            check(p, &[], &counts, 3);
            // A pod lands on a node scored before: nothing of the earlier scores may stick.
            let mut u = PodUsage::default();
            u.requests.cpu_millis = 300;
            u.nonzero_cpu_millis = 300;
            u.nonzero_memory_bytes = 200 << 20;
            let name = format!("landed-{}", nodes[1].pods.len());
            nodes[1].add_pod(crate::keys::NsName("default".into(), name), u);
            check(p, &nodes, &counts, nodes.len() as i64);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Random pods on random nodes: the same scores as the per-plugin walk.
        #[test]
        fn same_scores_as_the_plugin_walk(
            shapes in proptest::collection::vec((0u8..8, 0u8..3, 0u8..16, 1i64..8000, 1i64..(16i64 << 30), 0i64..9000, 0i64..(20i64 << 30)), 0..12),
            tolerate in 0u8..8, preferred in 0u8..3, images in 0u8..16, cpu in 0i64..3000, mem in 0i64..(8i64 << 30), extra_nodes in 0i64..3,
        ) {
            let nodes: Vec<NodeInfo> = shapes.iter().enumerate().map(|(i, s)| a_node(i, s.0, s.1, s.2, (s.3, s.4), (s.5, s.6))).collect();
            let counts = image_counts(&nodes);
            check(&a_pod(tolerate, preferred, images, cpu, mem), &nodes, &counts, nodes.len() as i64 + extra_nodes);
            // A second pod on the same nodes.
            check(&a_pod(tolerate ^ 1, preferred, images, cpu / 2, mem), &nodes, &counts, nodes.len() as i64);
        }
    }
}
