//! CPU limits as the kernel enforces them: CFS bandwidth control. The kubelet turns a limit of
//! `m` millicores into a quota of `m * 100` µs of CPU per 100 ms period (never below the
//! kernel's 1 ms minimum, as the kubelet's `milliCPUToQuota` clamps it). A request that needs
//! more CPU than the quota left in the current period is throttled until the next period
//! starts, so throttled latency grows in 100 ms steps rather than smoothly. This module owns
//! that arithmetic, in integer microseconds, so that request timings (curl `-w
//! %{time_total}`, probe timeouts) follow from the limit and the sim time deterministically.

/// The CFS period the kubelet configures (`cpu.cfs_period_us`, 100 ms).
pub const CFS_PERIOD_US: u64 = 100_000;

/// The smallest quota the kubelet writes (`MinQuotaPeriod`, 1 ms).
pub const MIN_QUOTA_US: u64 = 1_000;

/// Quota per period for a limit of `limit_millicores`, `None` when the limit does not
/// throttle a single thread (unlimited, or one core or more).
pub fn cfs_quota_us(limit_millicores: Option<u32>) -> Option<u64> {
    let m = u64::from(limit_millicores?);
    if m >= 1000 {
        return None;
    }
    Some((m * CFS_PERIOD_US / 1000).max(MIN_QUOTA_US))
}

/// Wall time a request needing `work_us` of CPU takes when it arrives at `now_ms` in a
/// container limited to `limit_millicores`. `saturated` says the container's other work
/// already uses its whole quota (a busy loop next to the server): that work burns the quota
/// from the start of each period, the request then waits for the next period and shares the
/// quota with it half and half, as CFS shares between two runnable threads.
pub fn throttled_latency_us(work_us: u64, limit_millicores: Option<u32>, saturated: bool, now_ms: u64) -> u64 {
    let Some(quota) = cfs_quota_us(limit_millicores) else { return work_us };
    let into_period = (now_ms % (CFS_PERIOD_US / 1000)) * 1000;
    // Quota still unused in the current period, and how many threads share it.
    let (left, share) = if saturated { (quota.saturating_sub(into_period), 2) } else { (quota, 1) };
    // Without saturation the request is alone: it may start a fresh quota at once.
    let first_cpu = left / share;
    if work_us <= first_cpu {
        return work_us * share;
    }
    let mut elapsed = if saturated { CFS_PERIOD_US - into_period } else { CFS_PERIOD_US };
    let rest = work_us - first_cpu;
    let per_period = (quota / share).max(1);
    // Full periods the rest still needs, then the remainder at the sharing speed.
    let full = (rest - 1) / per_period;
    elapsed += full * CFS_PERIOD_US;
    elapsed + (rest - full * per_period) * share
}

/// `throttled_latency_us` rounded up to whole milliseconds (the unit responses carry).
pub fn throttled_latency_ms(work_us: u64, limit_millicores: Option<u32>, saturated: bool, now_ms: u64) -> u64 {
    throttled_latency_us(work_us, limit_millicores, saturated, now_ms).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_follows_the_kubelet() {
        let cases = [(None, None), (Some(1000), None), (Some(2000), None), (Some(500), Some(50_000)), (Some(20), Some(2_000)), (Some(5), Some(1_000)), (Some(0), Some(1_000))];
        for (limit, want) in cases {
            assert_eq!(cfs_quota_us(limit), want, "limit {limit:?}");
        }
    }

    #[test]
    fn latency_table() {
        // (work µs, limit m, saturated, now ms, want µs)
        let cases = [
            (1_000, None, false, 0, 1_000),
            (1_000, Some(20), false, 37, 1_000),
            // 5 ms of work at 20m: 2 ms now, 100 ms wait, 2 ms, 100 ms wait, 1 ms.
            (5_000, Some(20), false, 0, 201_000),
            (2_000, Some(20), false, 0, 2_000),
            (2_001, Some(20), false, 0, 100_001),
            // Saturated, arriving after the busy loop burned the 2 ms quota: wait 63 ms,
            // then half the next quota (1 ms) at half speed.
            (1_000, Some(20), true, 37, 63_000 + 2_000),
            // Saturated, arriving at the start of a period: half of the 2 ms left.
            (1_000, Some(20), true, 100, 2_000),
            (1_000, Some(500), true, 10, 2_000),
            (1_000, Some(1000), true, 10, 1_000),
        ];
        for (work, limit, saturated, now, want) in cases {
            assert_eq!(throttled_latency_us(work, limit, saturated, now), want, "{work} {limit:?} {saturated} {now}");
        }
    }

    #[test]
    fn latency_never_shrinks_with_more_work_or_less_cpu() {
        for now in [0, 13, 99, 12_345] {
            for saturated in [false, true] {
                for m in [1, 10, 20, 100, 250, 999] {
                    let mut last = 0;
                    for work in (0..20_000).step_by(250) {
                        let t = throttled_latency_us(work, Some(m), saturated, now);
                        assert!(t >= work && t >= last, "m={m} work={work}");
                        last = t;
                    }
                    assert!(throttled_latency_us(3_000, Some(m), saturated, now) >= throttled_latency_us(3_000, Some(m + 1), saturated, now));
                }
            }
        }
    }

    #[test]
    fn ms_rounds_up() {
        assert_eq!(throttled_latency_ms(1, None, false, 0), 1);
        assert_eq!(throttled_latency_ms(5_000, Some(20), false, 0), 201);
    }
}
