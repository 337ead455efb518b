//! Scaling a Deployment in the middle of a rollout (`isScalingEvent` and `scale` in
//! pkg/controller/deployment/sync.go): when an active ReplicaSet's `desired-replicas`
//! annotation no longer matches `spec.replicas`, the difference is shared among the active
//! ReplicaSets in proportion to their size (`GetProportion`: each gets
//! `round(size * newMax / oldMax) - size`, capped by what is left), the leftover goes to the
//! first one (largest; newest first when adding, oldest first when removing), and the rollout
//! continues from there. With one active ReplicaSet it simply takes the new size; a saturated
//! new ReplicaSet makes the old ones go to zero. Integer arithmetic only: Go's
//! `math.Round(a/b)` for non-negative operands is `(2a + b) / (2b)`.

use super::deployment::DeploymentController;
use super::deployment_status::{self as ds, DESIRED_REPLICAS, MAX_REPLICAS};
use crate::component::Ctx;
use crate::meta;
use serde_json::Value;
use std::sync::Arc;

fn spec(rs: &Value) -> i32 {
    meta::at(rs, &["spec", "replicas"]).and_then(Value::as_i64).and_then(|n| i32::try_from(n).ok()).unwrap_or(0)
}

fn annotation(rs: &Value, key: &str) -> Option<i32> {
    meta::str_at(rs, &["metadata", "annotations", key]).and_then(|v| v.parse().ok())
}

/// `isScalingEvent`: an active ReplicaSet was sized for another `spec.replicas`.
pub fn is_scaling_event(want: i32, all: &[&Value]) -> bool {
    all.iter().filter(|rs| spec(rs) > 0).any(|rs| annotation(rs, DESIRED_REPLICAS).is_some_and(|d| d != want))
}

/// One active ReplicaSet as `scale` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sized {
    pub replicas: i32,
    /// Its `max-replicas` annotation (None or 0: unknown).
    pub max_before: Option<i32>,
}

/// `getReplicaSetFraction`.
fn fraction(rs: Sized, want: i32, surge: i32, status_replicas: i32) -> i32 {
    if want == 0 {
        return -rs.replicas;
    }
    let max_now = i64::from(want) + i64::from(surge);
    let before = match rs.max_before.filter(|m| *m > 0) {
        Some(m) => i64::from(m),
        None if status_replicas > 0 => i64::from(status_replicas),
        None => return 0,
    };
    let a = i64::from(rs.replicas) * max_now;
    let rounded = (2 * a + before) / (2 * before);
    i32::try_from(rounded).unwrap_or(i32::MAX) - rs.replicas
}

/// New sizes for `rss` (already in kubectl's sort order for the direction of the change):
/// `allowed = want + surge` spread proportionally, leftovers to the first.
pub fn proportional(rss: &[Sized], want: i32, surge: i32, status_replicas: i32) -> Vec<i32> {
    let total: i32 = rss.iter().map(|r| r.replicas).sum();
    let allowed = if want > 0 { want + surge } else { 0 };
    let to_add = allowed - total;
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(rss.len());
    for rs in rss {
        let proportion = if rs.replicas == 0 || to_add == 0 || to_add == added {
            0
        } else {
            let f = fraction(*rs, want, surge, status_replicas);
            let left = to_add - added;
            if to_add > 0 {
                f.min(left)
            } else {
                f.max(left)
            }
        };
        sizes.push(rs.replicas + proportion);
        added += proportion;
    }
    if let Some(first) = sizes.first_mut() {
        *first = (*first + to_add - added).max(0);
    }
    sizes
}

impl DeploymentController {
    /// `sync`'s `scale` step for a scaling event; the rollout proper waits for the next sync.
    pub(super) fn scale_event(&mut self, ctx: &mut Ctx<'_>, d: &Value, new_rs: &Arc<Value>, olds: &[Arc<Value>], surge: i32, rolling: bool) {
        let want = i32::try_from(ds::replicas(d)).unwrap_or(0);
        let mut active: Vec<&Arc<Value>> = olds.iter().chain(std::iter::once(new_rs)).filter(|rs| spec(rs) > 0).collect();
        // FindActiveOrLatest: one active ReplicaSet (or none: the new one) takes the new size.
        if active.len() <= 1 {
            let only = active.first().copied().unwrap_or(new_rs);
            if spec(only) != want {
                self.scale_rs(ctx, d, only, want, want, surge);
            }
            return;
        }
        let saturated = spec(new_rs) == want && annotation(new_rs, DESIRED_REPLICAS) == Some(want) && meta::at(new_rs, &["status", "availableReplicas"]).and_then(Value::as_i64) == Some(i64::from(want));
        if saturated {
            for old in olds.iter().filter(|rs| spec(rs) > 0) {
                self.scale_rs(ctx, d, old, 0, want, surge);
            }
            return;
        }
        if !rolling {
            return;
        }
        let total: i32 = active.iter().map(|rs| spec(rs)).sum();
        let adding = (if want > 0 { want + surge } else { 0 }) > total;
        let epoch = ctx.epoch();
        let created = |rs: &Value| meta::str_at(rs, &["metadata", "creationTimestamp"]).and_then(|t| epoch.parse(t)).map(|t| t.as_millis()).unwrap_or(0);
        // ReplicaSetsBySizeNewer when adding, ReplicaSetsBySizeOlder when removing.
        active.sort_by(|a, b| {
            let by_size = spec(b).cmp(&spec(a));
            let by_age = if adding { created(b).cmp(&created(a)) } else { created(a).cmp(&created(b)) };
            by_size.then(by_age).then_with(|| meta::name(a).cmp(meta::name(b)))
        });
        let sized: Vec<Sized> = active.iter().map(|rs| Sized { replicas: spec(rs), max_before: annotation(rs, MAX_REPLICAS) }).collect();
        let status_replicas = meta::at(d, &["status", "replicas"]).and_then(Value::as_i64).and_then(|n| i32::try_from(n).ok()).unwrap_or(0);
        let sizes = proportional(&sized, want, surge, status_replicas);
        for (rs, size) in active.into_iter().zip(sizes) {
            self.scale_rs(ctx, d, rs, size, want, surge);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(replicas: i32, max_before: i32) -> Sized {
        Sized { replicas, max_before: Some(max_before) }
    }

    #[test]
    fn shares_like_the_deployment_controller() {
        // (sets in sort order, want, surge, expected sizes)
        let cases: [(&[Sized], i32, i32, &[i32]); 5] = [
            // 10 replicas (+3 surge) mid-rollout 8 old / 5 new, scaled to 15 (+4 surge = 19).
            (&[s(8, 13), s(5, 13)], 15, 4, &[12, 7]),
            // Scaled down from 10 (max 13) to 5 (max 7): old 8 -> 4, new 5 -> 3.
            (&[s(8, 13), s(5, 13)], 5, 2, &[4, 3]),
            // Scaled to zero: everything goes.
            (&[s(3, 4), s(1, 4)], 0, 0, &[0, 0]),
            // Unknown annotation falls back to status.replicas (here 4).
            (&[Sized { replicas: 3, max_before: None }, s(1, 4)], 8, 2, &[8, 2]),
            // Nothing to add: sizes stay.
            (&[s(2, 4), s(2, 4)], 3, 1, &[2, 2]),
        ];
        for (sets, want, surge, expected) in cases {
            assert_eq!(proportional(sets, want, surge, 4), expected, "{sets:?} -> {want}+{surge}");
        }
    }

    #[test]
    fn never_exceeds_the_allowed_total() {
        for want in 0..30 {
            for a in 0..12 {
                for b in 1..12 {
                    let sizes = proportional(&[s(a, 13), s(b, 13)], want, 3, a + b);
                    let allowed = if want > 0 { want + 3 } else { 0 };
                    assert!(sizes.iter().all(|x| *x >= 0), "{sizes:?}");
                    assert!(sizes.iter().sum::<i32>() <= allowed.max(a + b), "{want} {a} {b} {sizes:?}");
                }
            }
        }
    }
}
