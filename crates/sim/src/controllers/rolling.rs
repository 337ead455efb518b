//! The rolling-update arithmetic of `pkg/controller/deployment/rolling.go` and
//! `deployment/util`, as pure integer functions so they can be table-tested: resolving
//! maxSurge/maxUnavailable (percentages round surge up and unavailability down, and both zero
//! becomes unavailable = 1), how far the new ReplicaSet may grow, and how many old pods may go.

use serde_json::Value;

/// `intstr.GetScaledValueFromIntOrPercent`: an int, or "NN%" of `total` rounded up or down.
/// Malformed values count as 0 (validation rejects them before they get here).
pub fn scaled_value(v: Option<&Value>, total: i32, round_up: bool) -> i32 {
    match v {
        Some(Value::Number(n)) => n.as_i64().and_then(|x| i32::try_from(x).ok()).unwrap_or(0),
        Some(Value::String(s)) => {
            let Some(pct) = s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) else { return 0 };
            let prod = pct * i64::from(total);
            let q = if round_up { (prod + 99).div_euclid(100) } else { prod.div_euclid(100) };
            i32::try_from(q).unwrap_or(0)
        }
        _ => 0,
    }
}

/// `ResolveFenceposts`: (maxSurge, maxUnavailable) in pods for `desired` replicas.
pub fn resolve_fenceposts(max_surge: Option<&Value>, max_unavailable: Option<&Value>, desired: i32) -> (i32, i32) {
    let surge = scaled_value(max_surge, desired, true);
    let unavailable = scaled_value(max_unavailable, desired, false);
    if surge == 0 && unavailable == 0 {
        return (0, 1);
    }
    (surge, unavailable)
}

/// `MaxUnavailable(deployment)` used for the Available condition: 0 for Recreate or zero
/// replicas, and never more than the replicas.
pub fn max_unavailable_for_availability(rolling: bool, max_surge: Option<&Value>, max_unavailable: Option<&Value>, desired: i32) -> i32 {
    if !rolling || desired == 0 {
        return 0;
    }
    resolve_fenceposts(max_surge, max_unavailable, desired).1.min(desired)
}

/// `NewRSNewReplicas` for RollingUpdate: the new ReplicaSet may grow until all pods (sum of
/// every ReplicaSet's spec.replicas) reach desired + maxSurge, never beyond desired.
pub fn new_rs_new_replicas(desired: i32, max_surge: i32, current_pod_count: i32, new_rs_replicas: i32) -> i32 {
    let max_total = desired + max_surge;
    if current_pod_count >= max_total {
        return new_rs_replicas;
    }
    let scale_up = (max_total - current_pod_count).min(desired - new_rs_replicas).max(0);
    new_rs_replicas + scale_up
}

/// `reconcileOldReplicaSets`'s budget: how many old pods may be scaled down while keeping
/// desired - maxUnavailable available, counting the new ReplicaSet's unavailable pods.
pub fn max_scaled_down(all_pods: i32, desired: i32, max_unavailable: i32, new_rs_replicas: i32, new_rs_available: i32) -> i32 {
    let min_available = desired - max_unavailable;
    let new_unavailable = new_rs_replicas - new_rs_available;
    all_pods - min_available - new_unavailable
}

/// `cleanupUnhealthyReplicas`: old ReplicaSets (spec replicas, available) oldest first lose
/// their unavailable pods first, up to `max_cleanup`. Returns the new spec replicas per
/// ReplicaSet and the total removed.
pub fn cleanup_unhealthy(olds: &[(i32, i32)], max_cleanup: i32) -> (Vec<i32>, i32) {
    let mut total = 0;
    let mut out = Vec::with_capacity(olds.len());
    for &(spec, available) in olds {
        if total >= max_cleanup || spec == 0 || spec == available {
            out.push(spec);
            continue;
        }
        let down = (max_cleanup - total).min(spec - available).max(0);
        total += down;
        out.push(spec - down);
    }
    (out, total)
}

/// `scaleDownOldReplicaSetsForRollingUpdate`: with `total_available` pods available across all
/// ReplicaSets, old ones (oldest first) scale down until only `min_available` would remain.
pub fn scale_down_old(olds: &[(i32, i32)], min_available: i32, total_available: i32) -> (Vec<i32>, i32) {
    let mut out: Vec<i32> = olds.iter().map(|o| o.0).collect();
    if total_available <= min_available {
        return (out, 0);
    }
    let budget = total_available - min_available;
    let mut total = 0;
    for spec in out.iter_mut() {
        if total >= budget {
            break;
        }
        if *spec == 0 {
            continue;
        }
        let down = (*spec).min(budget - total);
        *spec -= down;
        total += down;
    }
    (out, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fenceposts_table() {
        // (maxSurge, maxUnavailable, desired) -> (surge, unavailable)
        let cases = [
            (json!("25%"), json!("25%"), 3, (1, 0)),
            (json!("25%"), json!("25%"), 4, (1, 1)),
            (json!("25%"), json!("25%"), 10, (3, 2)),
            (json!("25%"), json!("25%"), 1000, (250, 250)),
            (json!(0), json!(0), 5, (0, 1)),
            (json!(2), json!("50%"), 3, (2, 1)),
            (json!("0%"), json!("0%"), 0, (0, 1)),
        ];
        for (s, u, d, want) in cases {
            assert_eq!(resolve_fenceposts(Some(&s), Some(&u), d), want, "{s} {u} {d}");
        }
        assert_eq!(max_unavailable_for_availability(true, Some(&json!("25%")), Some(&json!("25%")), 3), 0);
        assert_eq!(max_unavailable_for_availability(false, Some(&json!(5)), Some(&json!(5)), 3), 0);
        assert_eq!(max_unavailable_for_availability(true, Some(&json!(0)), Some(&json!(9)), 3), 3);
    }

    #[test]
    fn new_replica_set_growth_table() {
        // (desired, surge, currentPodCount, newRS) -> newRS'
        let cases = [(3, 1, 3, 0, 1), (3, 1, 4, 1, 1), (3, 1, 3, 1, 2), (3, 1, 1, 0, 3), (10, 3, 10, 0, 3), (3, 0, 3, 0, 0), (3, 1, 0, 3, 3)];
        for (d, s, cur, n, want) in cases {
            assert_eq!(new_rs_new_replicas(d, s, cur, n), want, "{d} {s} {cur} {n}");
        }
    }

    #[test]
    fn old_replica_set_scale_down_table() {
        // 3 replicas, 25%/25%: surge 1, unavailable 0; new RS has 1 pod not yet available.
        assert_eq!(max_scaled_down(4, 3, 0, 1, 0), 0);
        // the new pod became available: one old pod may go.
        assert_eq!(max_scaled_down(4, 3, 0, 1, 1), 1);
        assert_eq!(cleanup_unhealthy(&[(3, 3)], 1), (vec![3], 0));
        assert_eq!(cleanup_unhealthy(&[(2, 0), (3, 1)], 3), (vec![0, 2], 3));
        assert_eq!(scale_down_old(&[(3, 3)], 3, 4), (vec![2], 1));
        assert_eq!(scale_down_old(&[(1, 1), (3, 3)], 3, 6), (vec![0, 1], 3));
        assert_eq!(scale_down_old(&[(3, 3)], 3, 3), (vec![3], 0));
    }
}
