//! NodeResourcesBalancedAllocation: prefers nodes where, after placing the pod, CPU and memory
//! are used in similar proportions. Upstream computes `(1 - |cpuFraction - memFraction| / 2) *
//! 100` in floating point; this is the same value in exact integer arithmetic (fractions capped
//! at 1, result truncated), so scores never depend on float rounding.

use super::super::framework::{NodeInfo, PodInfo, MAX_NODE_SCORE};

pub const NAME: &str = "NodeResourcesBalancedAllocation";

/// (numerator, denominator) of requested/allocatable, capped at 1; None if nothing allocatable.
fn fraction(requested: i64, allocatable: i64) -> Option<(i64, i64)> {
    if allocatable <= 0 {
        return None;
    }
    Some((requested.min(allocatable).max(0), allocatable))
}

pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let cpu = fraction(node.requested.cpu_millis + pod.requests.cpu_millis, node.allocatable.cpu_millis);
    let mem = fraction(node.requested.memory_bytes + pod.requests.memory_bytes, node.allocatable.memory_bytes);
    let (Some((a, b)), Some((c, d))) = (cpu, mem) else {
        return MAX_NODE_SCORE;
    };
    // The 128-bit division is a library call; every node of an ordinary cluster (millicores
    // times bytes well below 2^63) takes the exact 64-bit path instead.
    MAX_NODE_SCORE - penalty_i64(a, b, c, d).unwrap_or_else(|| penalty_i128(a, b, c, d))
}

/// std = |a/b - c/d| / 2 = |ad - cb| / 2bd ; penalty = ceil(100*std), so score = trunc(100 - 100*std).
fn penalty_i128(a: i64, b: i64, c: i64, d: i64) -> i64 {
    let (a, b, c, d) = (i128::from(a), i128::from(b), i128::from(c), i128::from(d));
    let num = (a * d - c * b).abs() * i128::from(MAX_NODE_SCORE);
    let den = 2 * b * d;
    ((num + den - 1) / den) as i64
}

/// `penalty_i128` in 64 bits; None when an intermediate would overflow (all inputs are
/// non-negative and b, d > 0, so every step is exact when it fits).
fn penalty_i64(a: i64, b: i64, c: i64, d: i64) -> Option<i64> {
    let num = a.checked_mul(d)?.abs_diff(c.checked_mul(b)?);
    let num = i64::try_from(num).ok()?.checked_mul(MAX_NODE_SCORE)?;
    let den = b.checked_mul(d)?.checked_mul(2)?;
    Some(num.checked_add(den - 1)? / den)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{loaded, node, pod};
    use super::*;
    use serde_json::json;

    #[test]
    fn table() {
        let req = |cpu: &str, mem: &str| pod(json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": cpu, "memory": mem}}}]}));
        let empty = node("n", json!({}));
        let cases = [
            (req("1", "2Gi"), &empty, 100),   // 50% / 50%
            (req("1", "1Gi"), &empty, 87),    // 50% / 25% -> std 0.125 -> trunc(87.5)
            (req("2", "0"), &empty, 50),      // 100% / 0%
            (req("0", "0"), &empty, 100),
        ];
        for (p, n, want) in cases {
            assert_eq!(score(&p, n), want);
        }
        let busy = loaded(node("n", json!({})), 1000, 0);
        assert_eq!(score(&req("0", "2Gi"), &busy), 100);
    }

    proptest::proptest! {
        /// The 64-bit path agrees with the 128-bit one wherever it answers, and answers for
        /// nodes up to 64 cores and 1 TiB of memory.
        #[test]
        fn i64_path_matches_i128(a in 0i64..=i64::MAX, b in 1i64..=i64::MAX, c in 0i64..=i64::MAX, d in 1i64..=i64::MAX, small in 0u32..4) {
            let (a, b, c, d) = if small > 0 { (a % 64_001, b % 64_000 + 1, c % ((1 << 40) + 1), d % (1 << 40) + 1) } else { (a, b, c, d) };
            let (a, c) = (a.min(b), c.min(d));
            if let Some(p) = penalty_i64(a, b, c, d) {
                proptest::prop_assert_eq!(p, penalty_i128(a, b, c, d));
            }
            if small > 0 {
                proptest::prop_assert!(penalty_i64(a, b, c, d).is_some());
            }
        }
    }
}
