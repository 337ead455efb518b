//! The recorders' client-side memory. `Correlator` is client-go `record.EventCorrelator`
//! (aggregator → observer/logger → spam filter, in that order); `SeriesCache` is the
//! isomorphic-event cache of client-go `tools/events` with its 6-minute finish and 30-minute
//! refresh tickers. Both are bounded like client-go's LRU caches (4096 entries).

use super::{EventRecord, ObjectRef};
use crate::store::ObjectKey;
use crate::time::{SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const MAX_CACHE_ENTRIES: usize = 4096;
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL: SimDuration = SimDuration(600_000);
const SPAM_BURST: u64 = 25;
const SPAM_REFILL_MS: u64 = 300_000;
const SERIES_FINISH: SimDuration = SimDuration(360_000);
const SERIES_REFRESH: SimDuration = SimDuration(1_800_000);

/// The result of correlating one legacy event.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub message: String,
    pub count: u64,
    pub first_seen: SimTime,
    pub existing_name: Option<String>,
    key: String,
}

#[derive(Clone, Debug)]
struct Observation {
    count: u64,
    first_seen: SimTime,
    name: String,
    last_used: SimTime,
}

#[derive(Clone, Debug)]
struct Aggregate {
    local_keys: BTreeSet<String>,
    last: SimTime,
}

#[derive(Clone, Debug)]
struct Bucket {
    tokens: u64,
    last_refill: SimTime,
}

#[derive(Debug, Default)]
pub struct Correlator {
    aggregates: Lru<Aggregate>,
    observations: Lru<Observation>,
    buckets: Lru<Bucket>,
}

fn object_key(r: &ObjectRef) -> String {
    [r.kind.as_str(), &r.namespace, &r.name, &r.uid, &r.api_version].join("\u{1}")
}

/// A bounded map that evicts the least recently used key, like client-go's LRU caches, with
/// O(log n) touch and eviction. A key is stored once and shared by both indexes (the keys are
/// long joined strings, and every event touches one).
#[derive(Debug)]
pub struct Lru<V> {
    map: BTreeMap<Arc<str>, (V, u64)>,
    /// Use stamp → key; `order[map[k].1] == k` for every key.
    order: BTreeMap<u64, Arc<str>>,
    clock: u64,
}

impl<V> Default for Lru<V> {
    fn default() -> Self {
        Lru { map: BTreeMap::new(), order: BTreeMap::new(), clock: 0 }
    }
}

impl<V> Lru<V> {
    fn touch(&mut self, key: &str) {
        self.clock += 1;
        let stamp = self.clock;
        if let Some(slot) = self.map.get_mut(key) {
            if let Some(k) = self.order.remove(&slot.1) {
                self.order.insert(stamp, k);
            }
            slot.1 = stamp;
        }
    }

    /// The entry for `key` (created with `init` when absent), marked most recently used.
    pub fn entry(&mut self, key: &str, init: impl FnOnce() -> V) -> &mut V {
        if self.map.contains_key(key) {
            self.touch(key);
        } else {
            self.clock += 1;
            let k: Arc<str> = Arc::from(key);
            self.map.insert(Arc::clone(&k), (init(), self.clock));
            self.order.insert(self.clock, k);
            self.evict();
        }
        &mut self.map.get_mut(key).expect("present or just inserted").0
    }

    /// The value under `key`, marked most recently used, from one search of the map (a miss
    /// changes nothing: use stamps only order the keys, so skipping one is invisible).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let slot = self.map.get_mut(key)?;
        self.clock += 1;
        if let Some(k) = self.order.remove(&slot.1) {
            self.order.insert(self.clock, k);
        }
        slot.1 = self.clock;
        Some(&mut slot.0)
    }

    pub fn insert(&mut self, key: &str, value: V) {
        self.remove(key);
        self.entry(key, || value);
    }

    /// `insert` of a key the caller has just missed with `get_mut`: one insertion, without
    /// `insert`'s removal attempt and `entry`'s lookups.
    pub fn insert_absent(&mut self, key: &str, value: V) {
        debug_assert!(!self.map.contains_key(key), "insert_absent of a present key");
        self.clock += 1;
        let k: Arc<str> = Arc::from(key);
        self.map.insert(Arc::clone(&k), (value, self.clock));
        self.order.insert(self.clock, k);
        self.evict();
    }

    /// Drops the least recently used keys beyond the bound.
    fn evict(&mut self) {
        while self.map.len() > MAX_CACHE_ENTRIES {
            let Some((_, victim)) = self.order.pop_first() else { break };
            self.map.remove(&victim);
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let (v, stamp) = self.map.remove(key)?;
        self.order.remove(&stamp);
        Some(v)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.map.iter().map(|(k, (v, _))| (&**k, v))
    }
}

impl Correlator {
    /// Returns None when the spam filter drops the event.
    pub fn correlate(&mut self, ev: &EventRecord, now: SimTime) -> Option<Outcome> {
        let obj = object_key(&ev.regarding);
        let source = format!("{}\u{1}{}", ev.component, ev.host);
        let aggregate_key = [source.as_str(), &obj, ev.event_type.as_str(), &ev.reason, &ev.component, &ev.host].join("\u{2}");
        let event_key =
            [source.as_str(), &obj, &ev.regarding.field_path, ev.event_type.as_str(), &ev.reason, &ev.message].join("\u{2}");
        let (message, key) = self.aggregate(&aggregate_key, event_key, &ev.message, now);
        let outcome = self.observe(key, message, now);
        self.allow(format!("{source}\u{2}{obj}"), now).then_some(outcome)
    }

    fn aggregate(&mut self, aggregate_key: &str, event_key: String, message: &str, now: SimTime) -> (String, String) {
        let rec = self.aggregates.entry(aggregate_key, || Aggregate { local_keys: BTreeSet::new(), last: now });
        if now.since(rec.last) > AGGREGATE_INTERVAL {
            rec.local_keys.clear();
        }
        rec.local_keys.insert(message.to_string());
        rec.last = now;
        if rec.local_keys.len() < AGGREGATE_MAX_EVENTS {
            return (message.to_string(), event_key);
        }
        // client-go pops an arbitrary key from a Go map; popping the smallest keeps us
        // deterministic with the same observable effect (the set stays at 9).
        rec.local_keys.pop_first();
        (format!("(combined from similar events): {message}"), aggregate_key.to_string())
    }

    fn observe(&mut self, key: String, message: String, now: SimTime) -> Outcome {
        match self.observations.get_mut(&key) {
            Some(o) => {
                o.count += 1;
                o.last_used = now;
                Outcome { message, count: o.count, first_seen: o.first_seen, existing_name: Some(o.name.clone()), key }
            }
            None => Outcome { message, count: 1, first_seen: now, existing_name: None, key },
        }
    }

    /// Remembers the name under which a new event was created, so repeats patch it.
    pub fn remember_name(&mut self, _ev: &EventRecord, outcome: &Outcome, name: &str) {
        let obs = Observation { count: outcome.count, first_seen: outcome.first_seen, name: name.to_string(), last_used: outcome.first_seen };
        self.observations.insert(&outcome.key, obs);
    }

    fn allow(&mut self, key: String, now: SimTime) -> bool {
        let b = self.buckets.entry(&key, || Bucket { tokens: SPAM_BURST, last_refill: now });
        let refills = now.since(b.last_refill).as_millis() / SPAM_REFILL_MS;
        if refills > 0 {
            b.tokens = (b.tokens + refills).min(SPAM_BURST);
            b.last_refill = b.last_refill.plus(SimDuration(refills * SPAM_REFILL_MS));
        }
        let ok = b.tokens > 0;
        if ok {
            b.tokens -= 1;
        }
        ok
    }
}

/// What the series cache decided for an events.k8s.io event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeriesStep {
    /// A new series: create the event under this name.
    First { name: String },
    Repeat { name: String, count: u64, write_now: bool },
}

#[derive(Clone, Debug)]
struct SeriesEntry {
    namespace: String,
    name: String,
    count: u64,
    event_time: SimTime,
    last_observed: SimTime,
}

#[derive(Debug, Default)]
pub struct SeriesCache {
    entries: Lru<SeriesEntry>,
    last_finish_tick: u64,
    last_refresh_tick: u64,
}

/// The isomorphism key of client-go's `getKey`, its fields ordered most-distinct first (the
/// order is private to the cache) so comparing keys in its B-tree stops at the object name
/// instead of after the common reason/component/host prefix.
fn series_key(ev: &EventRecord) -> String {
    let r = &ev.regarding;
    [
        &r.name,
        &r.uid,
        &r.namespace,
        &r.kind,
        &r.api_version,
        &r.resource_version,
        &r.field_path,
        ev.event_type.as_str(),
        &ev.action,
        &ev.reason,
        &ev.component,
        &ev.host,
    ]
    .join("\u{1}")
}

impl SeriesCache {
    /// Counts `ev` into its series; a new series takes its event name from `new_name`.
    pub fn observe(&mut self, ev: &EventRecord, now: SimTime, new_name: impl FnOnce() -> String) -> SeriesStep {
        let key = series_key(ev);
        match self.entries.get_mut(&key) {
            Some(e) => {
                e.count += 1;
                e.last_observed = now;
                SeriesStep::Repeat { name: e.name.clone(), count: e.count, write_now: e.count == 2 }
            }
            None => {
                let namespace = if ev.regarding.namespace.is_empty() { "default" } else { &ev.regarding.namespace };
                let name = new_name();
                let entry = SeriesEntry { namespace: namespace.to_string(), name: name.clone(), count: 1, event_time: now, last_observed: now };
                // `get_mut` just missed it.
                self.entries.insert_absent(&key, entry);
                SeriesStep::First { name }
            }
        }
    }

    pub fn next_flush(&self) -> Option<SimTime> {
        if self.entries.is_empty() {
            return None;
        }
        let finish = (self.last_finish_tick + 1) * SERIES_FINISH.as_millis();
        let refresh = (self.last_refresh_tick + 1) * SERIES_REFRESH.as_millis();
        Some(SimTime(finish.min(refresh)))
    }

    /// Runs the finish and refresh tickers that fell due by `now`; returns the series counts
    /// to write as (event key, count, lastObservedTime).
    pub fn flush(&mut self, now: SimTime) -> Vec<(ObjectKey, u64, SimTime)> {
        let mut writes = Vec::new();
        let refresh_tick = now.as_millis() / SERIES_REFRESH.as_millis();
        if refresh_tick > self.last_refresh_tick {
            self.last_refresh_tick = refresh_tick;
            for (_, e) in self.entries.iter().filter(|(_, e)| e.count > 1) {
                writes.push((ObjectKey::new("Event", &e.namespace, &e.name), e.count, e.last_observed));
            }
        }
        let finish_tick = now.as_millis() / SERIES_FINISH.as_millis();
        if finish_tick > self.last_finish_tick {
            self.last_finish_tick = finish_tick;
            let tick_time = SimTime(finish_tick * SERIES_FINISH.as_millis());
            let horizon = SimTime(tick_time.as_millis().saturating_sub(SERIES_FINISH.as_millis()));
            let done: Vec<String> = self
                .entries
                .iter()
                .filter(|(_, e)| if e.count > 1 { e.last_observed < horizon } else { e.event_time < horizon })
                .map(|(k, _)| k.to_string())
                .collect();
            for k in done {
                if let Some(e) = self.entries.remove(&k) {
                    if e.count > 2 {
                        writes.push((ObjectKey::new("Event", &e.namespace, &e.name), e.count, e.last_observed));
                    }
                }
            }
        }
        writes.sort_by(|a, b| a.0.cmp(&b.0));
        writes.dedup_by(|a, b| a.0 == b.0);
        writes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// The LRU as a list in use order (front = least recently used), the straightforward model.
    struct Model(VecDeque<(String, u32)>);

    impl Model {
        fn get_mut(&mut self, key: &str) -> Option<u32> {
            let i = self.0.iter().position(|(k, _)| k == key)?;
            let e = self.0.remove(i)?;
            self.0.push_back(e.clone());
            Some(e.1)
        }
        fn insert(&mut self, key: &str, v: u32) {
            self.0.retain(|(k, _)| k != key);
            self.0.push_back((key.to_string(), v));
            while self.0.len() > MAX_CACHE_ENTRIES {
                self.0.pop_front();
            }
        }
    }

    /// Hits, misses followed by `insert_absent`, plain inserts, entries and removals, past the
    /// bound so eviction runs: the same contents in the same use order as the model.
    #[test]
    fn lru_follows_the_model() {
        let (mut lru, mut model) = (Lru::<u32>::default(), Model(VecDeque::new()));
        let mut rng = crate::rng::Rng::new(7);
        for step in 0..(MAX_CACHE_ENTRIES as u32 + 1500) {
            let key = format!("k{}", rng.below(u64::from(step / 2 + 1)));
            match rng.below(4) {
                0 | 1 => match lru.get_mut(&key) {
                    Some(v) => assert_eq!(Some(*v), model.get_mut(&key), "{key}"),
                    None => {
                        assert_eq!(model.get_mut(&key), None);
                        lru.insert_absent(&key, step);
                        model.insert(&key, step);
                    }
                },
                2 => {
                    lru.insert(&key, step);
                    model.insert(&key, step);
                }
                _ => {
                    let got = *lru.entry(&key, || step);
                    let want = model.get_mut(&key).unwrap_or_else(|| {
                        model.insert(&key, step);
                        step
                    });
                    assert_eq!(got, want);
                }
            }
            if step % 97 == 0 || step > MAX_CACHE_ENTRIES as u32 {
                let order: Vec<(&str, u32)> = lru.order.values().map(|k| (&**k, lru.map[k].0)).collect();
                let want: Vec<(&str, u32)> = model.0.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                assert_eq!(order, want, "step {step}");
            }
        }
    }
}
