//! client-go's `flowcontrol.Backoff` as the kubelet uses it for crash-loop restarts and image
//! pulls: per key, a delay that starts at 10s, doubles on every `next` up to 5m0s, and is
//! forgotten when the event being judged is more than 2 × max (10 min) after the last bump.
//! Integer milliseconds only, so every run takes exactly the same decisions.

use crate::time::{SimDuration, SimTime};
use std::collections::BTreeMap;

/// `initialCrashLoopBackOff` / `imageBackOffPeriod`.
pub const INITIAL_BACKOFF: SimDuration = SimDuration(10_000);
/// `MaxContainerBackOff` / `MaxImageBackOff`.
pub const MAX_BACKOFF: SimDuration = SimDuration(300_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    backoff: SimDuration,
    last_update: SimTime,
}

/// A back-off table keyed by strings (container stable keys, `<podUID>_<image>`).
#[derive(Clone, Debug, Default)]
pub struct Backoff {
    entries: BTreeMap<String, Entry>,
}

fn has_expired(event_time: SimTime, last_update: SimTime) -> bool {
    event_time.since(last_update).0 > 2 * MAX_BACKOFF.0
}

impl Backoff {
    /// `IsInBackOffSince`: true while `now - event_time` is below the current delay.
    pub fn in_backoff_since(&self, key: &str, event_time: SimTime, now: SimTime) -> bool {
        let Some(e) = self.entries.get(key) else { return false };
        if has_expired(event_time, e.last_update) {
            return false;
        }
        now.since(event_time) < e.backoff
    }

    /// `IsInBackOffSinceUpdate`: true while `now - last_update` is below the current delay.
    pub fn in_backoff_since_update(&self, key: &str, now: SimTime) -> bool {
        let Some(e) = self.entries.get(key) else { return false };
        if has_expired(now, e.last_update) {
            return false;
        }
        now.since(e.last_update) < e.backoff
    }

    /// `Next`: first call (or after expiry) sets 10s, later calls double up to 5m.
    pub fn next(&mut self, key: &str, event_time: SimTime) {
        let entry = match self.entries.get(key) {
            Some(e) if !has_expired(event_time, e.last_update) => {
                Entry { backoff: SimDuration((e.backoff.0 * 2).min(MAX_BACKOFF.0)), last_update: event_time }
            }
            _ => Entry { backoff: INITIAL_BACKOFF, last_update: event_time },
        };
        self.entries.insert(key.to_string(), entry);
    }

    /// The current delay (`Get`), zero when unknown.
    pub fn get(&self, key: &str) -> SimDuration {
        self.entries.get(key).map(|e| e.backoff).unwrap_or(SimDuration::ZERO)
    }

    pub fn forget(&mut self, key: &str) {
        self.entries.remove(key);
    }

    /// Drops every key starting with `prefix` (a pod's entries when it goes away).
    pub fn forget_prefix(&mut self, prefix: &str) {
        self.entries.retain(|k, _| !k.starts_with(prefix));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_five_minutes_then_resets_after_ten() {
        let mut b = Backoff::default();
        let mut t = SimTime(0);
        let mut seen = Vec::new();
        for _ in 0..7 {
            b.next("k", t);
            seen.push(b.get("k").go_string());
            t = t.plus(SimDuration(1_000));
        }
        assert_eq!(seen, ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s"]);
        assert!(b.in_backoff_since("k", t, t.plus(SimDuration(299_999))));
        assert!(!b.in_backoff_since("k", t, t.plus(SimDuration(300_000))));
        let late = t.plus(SimDuration(600_001));
        assert!(!b.in_backoff_since("k", late, late));
        b.next("k", late);
        assert_eq!(b.get("k").go_string(), "10s");
    }

    #[test]
    fn unknown_key_is_never_in_backoff() {
        let b = Backoff::default();
        assert!(!b.in_backoff_since("x", SimTime(5), SimTime(6)));
        assert!(!b.in_backoff_since_update("x", SimTime(6)));
    }
}
