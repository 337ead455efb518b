//! Simulated time. The cluster's clock is an integer count of milliseconds since the cluster
//! started (`SimTime(0)`); it only moves when the simulation processes its timer queue, so two
//! runs with the same seed and inputs see exactly the same instants. Conversion to wall-clock
//! text (RFC 3339, as the API writes `metav1.Time`) goes through an epoch offset that the
//! `ClusterSpec` configures (2025-01-01T12:00:00Z by default).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds since the Unix epoch of 2025-01-01T12:00:00Z, the default cluster start.
pub const DEFAULT_START_EPOCH_MS: i64 = 1_735_732_800_000;

/// An instant of simulated time: milliseconds since the cluster started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub u64);

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_millis(ms: u64) -> Self {
        SimTime(ms)
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }
    /// Adding never wraps: the far future saturates instead of panicking.
    pub fn plus(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    /// Time elapsed since `earlier` (zero when `earlier` is in the future).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }
    pub fn from_secs(s: u64) -> Self {
        SimDuration(s.saturating_mul(1000))
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }
    /// Go's `time.Duration.String()` for whole milliseconds ("850ms", "4.512s", "1m2.345s",
    /// "5m0s"), because Kubernetes messages embed durations in that form.
    pub fn go_string(self) -> String {
        go_duration(self.0)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.go_string())
    }
}

fn go_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let frac = ms % 1000;
    let total_secs = ms / 1000;
    let (h, m, s) = (total_secs / 3600, total_secs / 60 % 60, total_secs % 60);
    let secs = if frac == 0 {
        format!("{s}s")
    } else {
        let digits = format!("{frac:03}");
        format!("{s}.{}s", digits.trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

/// Maps simulated instants to wall-clock epoch milliseconds for the API's timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epoch {
    pub start_epoch_ms: i64,
}

impl Default for Epoch {
    fn default() -> Self {
        Epoch { start_epoch_ms: DEFAULT_START_EPOCH_MS }
    }
}

impl Epoch {
    pub fn epoch_ms(self, t: SimTime) -> i64 {
        self.start_epoch_ms.saturating_add(i64::try_from(t.0).unwrap_or(i64::MAX))
    }
    /// `metav1.Time` text (whole seconds) of a simulated instant.
    pub fn rfc3339(self, t: SimTime) -> String {
        podlab_api::time::Time::from_millis(self.epoch_ms(t)).to_string()
    }
    /// `metav1.MicroTime` text (six fractional digits) of a simulated instant.
    pub fn rfc3339_micro(self, t: SimTime) -> String {
        podlab_api::time::MicroTime::from_millis(self.epoch_ms(t)).to_string()
    }
    pub fn to_time(self, t: SimTime) -> podlab_api::time::Time {
        podlab_api::time::Time::from_millis(self.epoch_ms(t))
    }
    pub fn to_micro_time(self, t: SimTime) -> podlab_api::time::MicroTime {
        podlab_api::time::MicroTime::from_millis(self.epoch_ms(t))
    }
    /// The simulated instant of an RFC 3339 text; instants before the cluster start clamp to 0.
    pub fn parse(self, text: &str) -> Option<SimTime> {
        let ms = podlab_api::time::parse_rfc3339_millis(text).ok()?;
        Some(SimTime(u64::try_from(ms.saturating_sub(self.start_epoch_ms)).unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_duration_strings() {
        let cases: &[(u64, &str)] = &[
            (0, "0s"),
            (850, "850ms"),
            (1000, "1s"),
            (4512, "4.512s"),
            (4500, "4.5s"),
            (62_345, "1m2.345s"),
            (300_000, "5m0s"),
            (80_000, "1m20s"),
            (3_600_000, "1h0m0s"),
        ];
        for (ms, want) in cases {
            assert_eq!(SimDuration(*ms).go_string(), *want, "{ms}");
        }
    }

    #[test]
    fn epoch_conversion_round_trips() {
        let e = Epoch::default();
        assert_eq!(e.rfc3339(SimTime(0)), "2025-01-01T12:00:00Z");
        assert_eq!(e.rfc3339(SimTime(61_500)), "2025-01-01T12:01:01Z");
        assert_eq!(e.rfc3339_micro(SimTime(1_234)), "2025-01-01T12:00:01.234000Z");
        assert_eq!(e.parse("2025-01-01T12:01:01Z"), Some(SimTime(61_000)));
        assert_eq!(e.parse("2024-01-01T00:00:00Z"), Some(SimTime(0)));
        assert_eq!(e.parse("garbage"), None);
    }

    #[test]
    fn arithmetic_saturates() {
        assert_eq!(SimTime(u64::MAX).plus(SimDuration(5)), SimTime(u64::MAX));
        assert_eq!(SimTime(3).since(SimTime(10)), SimDuration(0));
    }
}
