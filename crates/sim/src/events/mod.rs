//! The event recorder. Two real recorders are modelled because v1.33 components use both:
//! the kubelet's client-go `record` recorder (core/v1 Events with `source`, `count`,
//! `firstTimestamp`/`lastTimestamp`; identical events fold into a count, ten similar ones within
//! 10 minutes become "(combined from similar events): ...", and a per-object token bucket
//! drops spam) and the scheduler's `events.k8s.io` recorder (`eventTime`, `action`,
//! `reportingComponent`, and `series` for isomorphic repeats). Every write refreshes the 1 h
//! TTL the API server attaches to events; expired events are deleted in simulated time.

mod correlator;
mod detail;
#[cfg(test)]
mod tests;

use crate::meta;
use crate::rng::Rng;
use crate::store::{ObjectKey, Store, Woken};
use crate::time::{Epoch, SimDuration, SimTime};
use correlator::{Correlator, SeriesCache};
pub use detail::EventDetail;
use crate::apiserver::diff::fields;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// kube-apiserver `--event-ttl` default.
pub const EVENT_TTL: SimDuration = SimDuration(3_600_000);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// The object an event is about (`involvedObject` / `regarding`).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub api_version: String,
    pub resource_version: String,
    pub field_path: String,
}

impl ObjectRef {
    /// `ref.GetReference` of an object in wire form.
    pub fn of(obj: &Value) -> Self {
        ObjectRef {
            kind: meta::kind(obj).to_string(),
            namespace: meta::namespace(obj).to_string(),
            name: meta::name(obj).to_string(),
            uid: meta::uid(obj).to_string(),
            api_version: meta::str_at(obj, &["apiVersion"]).unwrap_or("v1").to_string(),
            resource_version: meta::resource_version(obj).to_string(),
            field_path: String::new(),
        }
    }

    /// A reference to one container of a pod: `spec.containers{app}` and friends.
    pub fn with_field_path(mut self, field_path: &str) -> Self {
        self.field_path = field_path.to_string();
        self
    }

    fn to_json(&self) -> Value {
        let mut m = serde_json::Map::with_capacity(7);
        m.insert("kind".to_string(), Value::String(self.kind.clone()));
        for (k, x) in [
            ("namespace", &self.namespace),
            ("name", &self.name),
            ("uid", &self.uid),
            ("apiVersion", &self.api_version),
            ("resourceVersion", &self.resource_version),
            ("fieldPath", &self.field_path),
        ] {
            if !x.is_empty() {
                m.insert(k.to_string(), Value::String(x.clone()));
            }
        }
        Value::Object(m)
    }
}

/// One event as a component reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRecord {
    pub regarding: ObjectRef,
    pub event_type: EventType,
    pub reason: String,
    pub message: String,
    /// `source.component` / `reportingComponent` (e.g. `kubelet`, `default-scheduler`).
    pub component: String,
    /// `source.host` / `reportingInstance` (the node for the kubelet).
    pub host: String,
    /// events.k8s.io `action` (`Scheduling`, `Binding`); empty for the legacy recorder.
    pub action: String,
}

/// What the recorder did with an event (for the trace).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    Created { name: String },
    Updated { name: String, count: u64 },
    /// Held in the series cache; the count reaches the API at the next series flush.
    Cached { count: u64 },
    DroppedBySpamFilter,
}

/// `<object>.<hex unix nanoseconds>` like client-go; nanoseconds are kept strictly
/// increasing (in `last_nanos`) so two events in one simulated millisecond still get distinct
/// names.
fn next_event_name(last_nanos: &mut u128, obj_name: &str, epoch: Epoch, now: SimTime) -> String {
    let nanos = (epoch.epoch_ms(now).max(0) as u128) * 1_000_000;
    *last_nanos = nanos.max(*last_nanos + 1);
    format!("{obj_name}.{:x}", *last_nanos)
}

/// The top-level keys of a new events.k8s.io Event, in the order the API server keeps.
const SERIES_KEYS: [&str; 14] = [
    "apiVersion",
    "kind",
    "metadata",
    "involvedObject",
    "reason",
    "message",
    "source",
    "firstTimestamp",
    "lastTimestamp",
    "type",
    "eventTime",
    "action",
    "reportingComponent",
    "reportingInstance",
];

/// The values of a new events.k8s.io Event, in `SERIES_KEYS` order, built with exact-capacity
/// maps and moved strings (`json!` serialises each value again).
fn series_values(ev: &EventRecord, name: &str, ns: &str, uid: String, epoch: Epoch, now: SimTime) -> [Value; 14] {
    let s = |x: &str| Value::String(x.to_string());
    let metadata = fields([("name", s(name)), ("namespace", s(ns)), ("uid", Value::String(uid)), ("creationTimestamp", Value::String(epoch.rfc3339(now)))]);
    [
        s("v1"),
        s("Event"),
        metadata,
        ev.regarding.to_json(),
        s(&ev.reason),
        s(&ev.message),
        Value::Object(serde_json::Map::new()),
        Value::Null,
        Value::Null,
        s(ev.event_type.as_str()),
        Value::String(epoch.rfc3339_micro(now)),
        s(&ev.action),
        s(&ev.component),
        s(&ev.host),
    ]
}

/// A new events.k8s.io event in core/v1 wire form, each key inserted (the straightforward
/// build `series_event_from` is checked against).
#[cfg(test)]
fn series_event(ev: &EventRecord, name: &str, ns: &str, uid: String, epoch: Epoch, now: SimTime) -> Value {
    let mut m = serde_json::Map::with_capacity(SERIES_KEYS.len());
    for (k, v) in SERIES_KEYS.into_iter().zip(series_values(ev, name, ns, uid, epoch, now)) {
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

/// A map of `SERIES_KEYS` (values null), made once per recorder.
fn series_template() -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::with_capacity(SERIES_KEYS.len());
    for k in SERIES_KEYS {
        m.insert(k.to_string(), Value::Null);
    }
    m
}

/// `series_event` from a clone of the recorder's template: a clone copies the key strings and
/// the hash table as they are, so no key is hashed (an insert hashes each), and a
/// table sized for 14 keys clones to the same capacity. The values go in by position.
fn series_event_from(template: &serde_json::Map<String, Value>, ev: &EventRecord, name: &str, ns: &str, uid: String, epoch: Epoch, now: SimTime) -> Value {
    let mut m = template.clone();
    for (slot, v) in m.values_mut().zip(series_values(ev, name, ns, uid, epoch, now)) {
        *slot = v;
    }
    Value::Object(m)
}

/// A new client-go (core/v1) event in wire form, like `series_event`.
fn legacy_event(ev: &EventRecord, outcome: &correlator::Outcome, name: &str, ns: &str, uid: String, epoch: Epoch, now: SimTime) -> Value {
    let s = |x: &str| Value::String(x.to_string());
    let metadata = fields([("name", s(name)), ("namespace", s(ns)), ("uid", Value::String(uid)), ("creationTimestamp", Value::String(epoch.rfc3339(now)))]);
    fields([
        ("apiVersion", s("v1")),
        ("kind", s("Event")),
        ("metadata", metadata),
        ("involvedObject", ev.regarding.to_json()),
        ("reason", s(&ev.reason)),
        ("message", s(&outcome.message)),
        ("source", fields([("component", s(&ev.component)), ("host", s(&ev.host))])),
        ("firstTimestamp", Value::String(epoch.rfc3339(outcome.first_seen))),
        ("lastTimestamp", Value::String(epoch.rfc3339(now))),
        ("count", Value::from(outcome.count)),
        ("type", s(ev.event_type.as_str())),
        ("eventTime", Value::Null),
        ("reportingComponent", s(&ev.component)),
        ("reportingInstance", s(&ev.host)),
    ])
}

/// An event's key ordered by name, then namespace and kind: `ObjectKey`'s own order compares
/// the kind and the namespace first, the same for nearly every event, so a search of a large
/// map compared three strings per step where one tells the keys apart.
#[derive(Clone, Debug)]
struct NameFirst(Arc<ObjectKey>);

impl NameFirst {
    fn parts(&self) -> (&str, &str, &str) {
        (&self.0.name, &self.0.namespace, &self.0.kind)
    }
}

impl PartialEq for NameFirst {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for NameFirst {}

impl PartialOrd for NameFirst {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for NameFirst {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// Event recorder state plus the TTL bookkeeping.
#[derive(Debug)]
pub struct Recorder {
    correlator: Correlator,
    series: SeriesCache,
    rng: Rng,
    /// When each stored event was last written (the TTL counts from there). The key is shared
    /// with `expiry`, not copied; this map is only searched, never walked, so it orders keys by
    /// name first (`NameFirst`): every key is an Event, nearly all in one namespace.
    written: BTreeMap<NameFirst, SimTime>,
    expiry: BTreeSet<(SimTime, Arc<ObjectKey>)>,
    last_name_nanos: u128,
    /// The top-level map every new events.k8s.io Event is cloned from (`series_event_from`).
    series_template: serde_json::Map<String, Value>,
}

impl Recorder {
    pub fn new(seed: u64) -> Self {
        Recorder {
            correlator: Correlator::default(),
            series: SeriesCache::default(),
            rng: Rng::stream(seed, "event-recorder"),
            written: BTreeMap::new(),
            expiry: BTreeSet::new(),
            last_name_nanos: 0,
            series_template: series_template(),
        }
    }

    /// `<object>.<hex unix nanoseconds>` like client-go; nanoseconds are kept strictly
    /// increasing so two events in one simulated millisecond still get distinct names.
    fn event_name(&mut self, obj_name: &str, epoch: Epoch, now: SimTime) -> String {
        next_event_name(&mut self.last_name_nanos, obj_name, epoch, now)
    }

    /// Records through the kubelet-style (client-go `record`) path.
    pub fn record_legacy(&mut self, store: &mut Store, epoch: Epoch, now: SimTime, ev: &EventRecord) -> (Recorded, Woken) {
        let Some(outcome) = self.correlator.correlate(ev, now) else {
            return (Recorded::DroppedBySpamFilter, Vec::new());
        };
        let ns = if ev.regarding.namespace.is_empty() { "default" } else { ev.regarding.namespace.as_str() };
        if let Some(name) = &outcome.existing_name {
            let key = ObjectKey::new("Event", ns, name);
            if let Some(current) = store.get(&key) {
                let mut obj = (**current).clone();
                obj["count"] = json!(outcome.count);
                obj["message"] = json!(outcome.message);
                obj["lastTimestamp"] = json!(epoch.rfc3339(now));
                if let Ok((_, woken)) = store.update(obj, None) {
                    self.touch(key, now);
                    return (Recorded::Updated { name: name.clone(), count: outcome.count }, woken);
                }
            }
        }
        let name = outcome.existing_name.clone().unwrap_or_else(|| self.event_name(&ev.regarding.name, epoch, now));
        self.correlator.remember_name(ev, &outcome, &name);
        let obj = legacy_event(ev, &outcome, &name, ns, self.rng.uid(), epoch, now);
        self.create(store, obj, now, name, outcome.count)
    }

    /// Records through the events.k8s.io path the scheduler uses.
    pub fn record_series(&mut self, store: &mut Store, epoch: Epoch, now: SimTime, ev: &EventRecord) -> (Recorded, Woken) {
        let ns = if ev.regarding.namespace.is_empty() { "default" } else { ev.regarding.namespace.as_str() };
        let last_name_nanos = &mut self.last_name_nanos;
        match self.series.observe(ev, now, || next_event_name(last_name_nanos, &ev.regarding.name, epoch, now)) {
            correlator::SeriesStep::First { name } => {
                let obj = series_event_from(&self.series_template, ev, &name, ns, self.rng.uid(), epoch, now);
                self.create(store, obj, now, name, 1)
            }
            // The first repeat is written at once (count 2); later repeats stay in the cache
            // until the series is flushed, exactly like client-go's eventBroadcaster.
            correlator::SeriesStep::Repeat { name, count, write_now } if write_now => {
                let key = ObjectKey::new("Event", ns, &name);
                let woken = self.write_series(store, epoch, &key, count, now);
                (Recorded::Updated { name, count }, woken)
            }
            correlator::SeriesStep::Repeat { count, .. } => (Recorded::Cached { count }, Vec::new()),
        }
    }

    fn write_series(&mut self, store: &mut Store, epoch: Epoch, key: &ObjectKey, count: u64, observed: SimTime) -> Woken {
        let Some(current) = store.get(key) else { return Vec::new() };
        let mut obj = (**current).clone();
        obj["series"] = json!({"count": count, "lastObservedTime": epoch.rfc3339_micro(observed)});
        match store.update(obj, None) {
            Ok((_, woken)) => {
                self.touch(key.clone(), observed);
                woken
            }
            Err(_) => Vec::new(),
        }
    }

    fn create(&mut self, store: &mut Store, obj: Value, now: SimTime, name: String, count: u64) -> (Recorded, Woken) {
        // The key of the event just built (Events are namespaced), without reading it back out
        // of the object and looking its kind up in the registry.
        let key = ObjectKey { kind: "Event".to_string(), namespace: meta::namespace(&obj).to_string(), name: name.clone() };
        debug_assert_eq!(key, ObjectKey::of(&obj));
        match store.create(obj) {
            Ok((_, woken)) => {
                self.touch(key, now);
                let r = if count > 1 { Recorded::Updated { name, count } } else { Recorded::Created { name } };
                (r, woken)
            }
            Err(_) => (Recorded::DroppedBySpamFilter, Vec::new()),
        }
    }

    fn touch(&mut self, key: ObjectKey, now: SimTime) {
        // One search of `written` (an entry) instead of a lookup and then an insert.
        let key = match self.written.entry(NameFirst(Arc::new(key))) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                let old = std::mem::replace(e.get_mut(), now);
                let key = Arc::clone(&e.key().0);
                self.expiry.remove(&(old.plus(EVENT_TTL), Arc::clone(&key)));
                key
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                let key = Arc::clone(&e.key().0);
                e.insert(now);
                key
            }
        };
        self.expiry.insert((now.plus(EVENT_TTL), key));
    }

    /// The next instant something time-driven happens here (TTL expiry or series flush).
    pub fn next_wakeup(&self) -> Option<SimTime> {
        let ttl = self.expiry.iter().next().map(|(t, _)| *t);
        match (ttl, self.series.next_flush()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Deletes events whose TTL ran out and flushes finished series; returns the deleted keys.
    pub fn expire(&mut self, store: &mut Store, epoch: Epoch, now: SimTime) -> (Vec<ObjectKey>, Woken) {
        let mut woken = Vec::new();
        for (key, count, observed) in self.series.flush(now) {
            woken.extend(self.write_series(store, epoch, &key, count, observed));
        }
        let mut deleted = Vec::new();
        while let Some((t, key)) = self.expiry.iter().next().cloned() {
            if t > now {
                break;
            }
            self.expiry.remove(&(t, Arc::clone(&key)));
            self.written.remove(&NameFirst(Arc::clone(&key)));
            if let Ok((_, w)) = store.delete(&key, None) {
                woken.extend(w);
                deleted.push(ObjectKey::clone(&key));
            }
        }
        (deleted, woken)
    }
}
