//! NodeResourcesBalancedAllocation: prefers nodes where, after placing the pod, CPU and memory
//! are used in similar proportions. Upstream computes `(1 - |cpuFraction - memFraction| / 2) *
//! 100` in floating point; this is the same value in exact integer arithmetic (fractions capped
//! at 1, result truncated), so scores never depend on float rounding.

use super::super::framework::{NodeInfo, PodInfo, MAX_NODE_SCORE};

pub const NAME: &str = "NodeResourcesBalancedAllocation";

/// (numerator, denominator) of requested/allocatable, capped at 1; None if nothing allocatable.
fn fraction(requested: i64, allocatable: i64) -> Option<(i128, i128)> {
    if allocatable <= 0 {
        return None;
    }
    Some((i128::from(requested.min(allocatable).max(0)), i128::from(allocatable)))
}

pub fn score(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let cpu = fraction(node.requested.cpu_millis + pod.requests.cpu_millis, node.allocatable.cpu_millis);
    let mem = fraction(node.requested.memory_bytes + pod.requests.memory_bytes, node.allocatable.memory_bytes);
    let (Some((a, b)), Some((c, d))) = (cpu, mem) else {
        return MAX_NODE_SCORE;
    };
    // std = |a/b - c/d| / 2 = |ad - cb| / 2bd ; score = trunc(100 - 100*std).
    let num = (a * d - c * b).abs() * i128::from(MAX_NODE_SCORE);
    let den = 2 * b * d;
    let penalty = (num + den - 1) / den;
    (i128::from(MAX_NODE_SCORE) - penalty) as i64
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
}
