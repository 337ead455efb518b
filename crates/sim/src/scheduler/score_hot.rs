//! The score walk's compact per-node summary (`ScoreHot`): what the resource scorers
//! (NodeResourcesFit's LeastAllocated, NodeResourcesBalancedAllocation) and TaintToleration's
//! score read of a node, in one cache line inside `NodeInfo`, refreshed with `FilterHot` by
//! every `NodeInfo` change; and the pod's side of those scores (`PodDemand`), taken once per
//! cycle. The Score phase visits ~420 of 1 000 nodes per pod; reading these from one line,
//! with BalancedAllocation's per-node denominator and its overflow check done when the node
//! changes instead of per pod, leaves each node's resource scores a few integer operations.
//! The three divisions per node (LeastAllocated's two, BalancedAllocation's one) are by the
//! node's own amounts, so each divisor's reciprocal is worked out when the node changes and
//! the walk multiplies instead (`Divisor`): a 64-bit `idiv` takes up to ~45 cycles on the
//! machines this runs on, a multiply three or four.
//! The results are exactly the plugin functions' (`plugins::node_resources_fit::score`,
//! `plugins::balanced_allocation::score`): the tests compare both on every shape.

use super::framework::{NodeInfo, PodInfo, MAX_NODE_SCORE};
use super::plugins;

/// Exact division of any `n < 2^63` by a divisor fixed in advance, by multiplying with its
/// reciprocal `m = floor((2^64 - 1) / d)`: `q = floor(n * m / 2^64)` is the quotient or one
/// less (`n * m / 2^64` lies within `(n / d - 1, n / d]` when `n < 2^63`), and one comparison
/// of the remainder settles which.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Divisor {
    d: u64,
    m: u64,
}

impl Divisor {
    /// The divisor `d` (positive; 0 makes a divisor `div` must not be asked of).
    pub fn new(d: i64) -> Self {
        let d = d.max(0) as u64;
        Divisor { d, m: u64::MAX.checked_div(d).unwrap_or(0) }
    }

    pub fn get(self) -> i64 {
        self.d as i64
    }

    /// `n / d` for `0 <= n < 2^63` and a positive divisor.
    #[inline]
    pub fn div(self, n: i64) -> i64 {
        debug_assert!(n >= 0 && self.d > 0);
        let n = n as u64;
        let q = ((u128::from(n) * u128::from(self.m)) >> 64) as u64;
        let q = if n - q * self.d >= self.d { q + 1 } else { q };
        q as i64
    }
}

/// One node's score-hot fields (two cache lines), 64-byte aligned so each node's start a line.
#[repr(align(64))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScoreHot {
    /// Any taint with effect PreferNoSchedule (the only effect TaintToleration's score counts).
    pub prefer_taints: bool,
    /// Allocatable cpu and memory, LeastAllocated's divisors.
    pub allocatable_cpu_millis: Divisor,
    pub allocatable_memory_bytes: Divisor,
    pub requested_cpu_millis: i64,
    pub requested_memory_bytes: i64,
    pub nonzero_cpu_millis: i64,
    pub nonzero_memory_bytes: i64,
    /// BalancedAllocation's denominator `2 * cpu allocatable * memory allocatable`, or 0 when
    /// either is not positive or `102 * cpu * memory` does not fit in an i64 (then the plugin's
    /// own function answers).
    pub balanced_den: Divisor,
}

/// What the resource scores take from the pod, the same for every node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodDemand {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub nonzero_cpu_millis: i64,
    pub nonzero_memory_bytes: i64,
}

impl PodDemand {
    pub fn of(pod: &PodInfo) -> Self {
        PodDemand {
            cpu_millis: pod.requests.cpu_millis,
            memory_bytes: pod.requests.memory_bytes,
            nonzero_cpu_millis: pod.nonzero_cpu_millis,
            nonzero_memory_bytes: pod.nonzero_memory_bytes,
        }
    }
}

impl ScoreHot {
    /// Summarises `node` as it stands (called after every change to it).
    pub fn of(node: &NodeInfo) -> Self {
        let (b, d) = (node.allocatable.cpu_millis, node.allocatable.memory_bytes);
        // With a <= b and c <= d (the fractions are capped), every intermediate of the penalty
        // is at most 102 * b * d, so this one check stands for all the per-node checks.
        let fits = b > 0 && d > 0 && b.checked_mul(d).and_then(|bd| bd.checked_mul(102)).is_some();
        ScoreHot {
            prefer_taints: node.taints.iter().any(|t| t.effect == "PreferNoSchedule"),
            allocatable_cpu_millis: Divisor::new(b),
            allocatable_memory_bytes: Divisor::new(d),
            requested_cpu_millis: node.requested.cpu_millis,
            requested_memory_bytes: node.requested.memory_bytes,
            nonzero_cpu_millis: node.nonzero_cpu_millis,
            nonzero_memory_bytes: node.nonzero_memory_bytes,
            balanced_den: Divisor::new(if fits { 2 * b * d } else { 0 }),
        }
    }

    /// NodeResourcesFit's LeastAllocated score (`node_resources_fit::score`).
    #[inline]
    pub fn least_allocated(&self, pod: &PodDemand) -> i64 {
        let cpu = least_allocated(self.nonzero_cpu_millis + pod.nonzero_cpu_millis, self.allocatable_cpu_millis);
        let mem = least_allocated(self.nonzero_memory_bytes + pod.nonzero_memory_bytes, self.allocatable_memory_bytes);
        (cpu + mem) / 2
    }

    /// BalancedAllocation's score (`balanced_allocation::score`): one division, no overflow
    /// checks, when the node's denominator was prepared; otherwise the plugin's function.
    #[inline]
    pub fn balanced_allocation(&self, pod: &PodDemand, info: &PodInfo, node: &NodeInfo) -> i64 {
        match self.balanced_fast(pod) {
            Some(score) => score,
            None => balanced_fallback(info, node),
        }
    }

    /// `balanced_allocation` from this line alone; None when the node's denominator was not
    /// prepared (the plugin's function must answer).
    #[inline]
    pub fn balanced_fast(&self, pod: &PodDemand) -> Option<i64> {
        let den = self.balanced_den;
        if den.get() == 0 {
            return None;
        }
        let (b, d) = (self.allocatable_cpu_millis.get(), self.allocatable_memory_bytes.get());
        let a = (self.requested_cpu_millis + pod.cpu_millis).min(b).max(0);
        let c = (self.requested_memory_bytes + pod.memory_bytes).min(d).max(0);
        // a*d and c*b are both at most b*d; the difference times 100 plus den - 1 is at most
        // 102*b*d, which `of` checked fits.
        let num = (a * d).abs_diff(c * b) as i64 * MAX_NODE_SCORE;
        Some(MAX_NODE_SCORE - den.div(num + den.get() - 1))
    }
}

/// `node_resources_fit::least_allocated` with the capacity's reciprocal: the same score
/// whenever the free amount times 100 fits in an i64 (always, below ~92 PB), else the
/// plugin's own wrapping arithmetic.
#[inline]
fn least_allocated(requested: i64, capacity: Divisor) -> i64 {
    let cap = capacity.get();
    if cap <= 0 || requested > cap {
        return 0;
    }
    match cap.checked_sub(requested).and_then(|free| free.checked_mul(MAX_NODE_SCORE)) {
        Some(n) => capacity.div(n),
        None => plugins::node_resources_fit::least_allocated(requested, cap),
    }
}

/// Out of line: only nodes without cpu or memory, or with more than 2^63 / 102 of both
/// multiplied, come here.
#[cold]
#[inline(never)]
pub(super) fn balanced_fallback(info: &PodInfo, node: &NodeInfo) -> i64 {
    plugins::balanced_allocation::score(info, node)
}

#[cfg(test)]
mod tests {
    use super::super::framework::PodUsage;
    use super::super::plugins::testutil::{node, pod};
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn a_node(alloc: (i64, i64), used: (i64, i64), nonzero: (i64, i64), taint: Option<&str>) -> NodeInfo {
        let extra = match taint {
            Some(effect) => json!({"spec": {"taints": [{"key": "k", "effect": effect}]}}),
            None => json!({}),
        };
        let mut n = node("n", extra);
        // Set directly (and through `refresh_from`, so the summaries follow): amounts past
        // what a quantity string in a test manifest comfortably says.
        let mut fresh = n.clone();
        fresh.allocatable.cpu_millis = alloc.0;
        fresh.allocatable.memory_bytes = alloc.1;
        n.refresh_from(fresh);
        let mut u = PodUsage::default();
        u.requests.cpu_millis = used.0;
        u.requests.memory_bytes = used.1;
        u.nonzero_cpu_millis = nonzero.0;
        u.nonzero_memory_bytes = nonzero.1;
        n.add_pod(crate::keys::NsName("default".into(), "existing".into()), u);
        n
    }

    fn a_pod(cpu: i64, mem: i64) -> PodInfo {
        pod(json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": format!("{cpu}m"), "memory": mem.to_string()}}}]}))
    }

    fn check(p: &PodInfo, n: &NodeInfo) {
        assert_eq!(n.score_hot, ScoreHot::of(n), "kept in step");
        let demand = PodDemand::of(p);
        assert_eq!(n.score_hot.least_allocated(&demand), plugins::node_resources_fit::score(p, n));
        assert_eq!(n.score_hot.balanced_allocation(&demand, p, n), plugins::balanced_allocation::score(p, n));
    }

    /// Empty, half-full, over-committed, zero-allocatable and huge nodes (the fallback), with
    /// small, zero and oversized pods; taint effects for `prefer_taints`.
    #[test]
    fn table_matches_the_plugins() {
        const GI: i64 = 1 << 30;
        let nodes = [
            a_node((2000, 4 * GI), (0, 0), (0, 0), None),
            a_node((2000, 4 * GI), (1000, 2 * GI), (1000, 2 * GI), Some("PreferNoSchedule")),
            a_node((2000, 4 * GI), (2500, 5 * GI), (2500, 5 * GI), Some("NoSchedule")),
            a_node((0, 4 * GI), (0, 0), (100, 200 << 20), None),
            a_node((2000, 0), (0, 0), (100, 200 << 20), None),
            // cpu * memory past 2^63 (the fallback), while each alone times 100 still fits
            // (LeastAllocated's own `(capacity - requested) * 100` overflows beyond that).
            a_node((1 << 40, 1 << 55), (10, 10), (100, 200 << 20), None),
        ];
        for n in &nodes {
            for p in [a_pod(100, 128 << 20), a_pod(0, 0), a_pod(3000, 8 * GI), a_pod(1, 1)] {
                check(&p, n);
            }
        }
        assert_eq!(nodes[5].score_hot.balanced_den.get(), 0, "too large for the 64-bit path");
        assert_ne!(nodes[0].score_hot.balanced_den.get(), 0);
        let prefer: Vec<bool> = nodes[..3].iter().map(|n| n.score_hot.prefer_taints).collect();
        assert_eq!(prefer, [false, true, false]);
    }

    /// Quotients at the edges of the reciprocal's range: the largest dividend, divisors 1,
    /// powers of two and their neighbours, the largest divisor, and dividends one below,
    /// at and one above multiples of the divisor.
    #[test]
    fn divisor_edges() {
        let max = i64::MAX;
        let mut divisors = vec![1, 2, 3, 7, 10, 100, 2000, 4 << 30, max - 1, max];
        divisors.extend((1..63).flat_map(|k| [(1i64 << k) - 1, 1i64 << k, (1i64 << k) + 1]));
        for &d in &divisors {
            let div = Divisor::new(d);
            for n in [0, 1, d - 1, d, d.saturating_add(1), max - 1, max, max / 2, max / d * d, (max / d * d).saturating_sub(1)] {
                if n >= 0 {
                    assert_eq!(div.div(n), n / d, "{n} / {d}");
                }
            }
        }
        assert_eq!(Divisor::new(0).get(), 0);
        assert_eq!(Divisor::new(-5).get(), 0, "a negative amount is no divisor");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any dividend and divisor below 2^63: the quotient of `/`.
        #[test]
        fn divisor_divides(n in 0i64..=i64::MAX, d in 1i64..=i64::MAX, small in 1i64..1_000_000, shift in 0u32..63) {
            prop_assert_eq!(Divisor::new(d).div(n), n / d);
            prop_assert_eq!(Divisor::new(small).div(n), n / small);
            prop_assert_eq!(Divisor::new(d).div(n >> shift), (n >> shift) / d);
        }

        /// Random nodes (allocatable up to far past the 64-bit path, below where LeastAllocated's
        /// own arithmetic overflows) and pods: the same scores as the plugin functions, and the
        /// summary kept in step as pods come and go.
        #[test]
        fn same_scores_as_the_plugins(
            cpu in 0i64..1_000_000, mem_exp in 0u32..56, mem_frac in 0i64..1024,
            used_cpu in 0i64..1_200_000, used_mem in 0i64..(1i64 << 45),
            pod_cpu in 0i64..300_000, pod_mem in 0i64..(1i64 << 44),
        ) {
            let mem = (1i64 << mem_exp) + mem_frac;
            let mut n = a_node((cpu, mem), (used_cpu, used_mem), (used_cpu.max(100), used_mem.max(200 << 20)), None);
            let p = a_pod(pod_cpu, pod_mem);
            check(&p, &n);
            n.remove_pod(&crate::keys::NsName("default".into(), "existing".into()));
            check(&p, &n);
        }
    }
}
