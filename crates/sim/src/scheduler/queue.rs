//! The scheduling queue as kube-scheduler v1.33 runs it: activeQ ordered by PrioritySort
//! (higher priority first, then earlier enqueue time), backoffQ (1 s initial back-off doubling
//! to 10 s, flushed on the scheduler's 1 s tick) and the unschedulable pool, whose pods move
//! back when a cluster event concerns a plugin that rejected them, or after 5 minutes (checked
//! on a 30 s tick).

use crate::time::{SimDuration, SimTime};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

pub type PodKey = crate::keys::NsName;

pub const INITIAL_BACKOFF: SimDuration = SimDuration(1_000);
pub const MAX_BACKOFF: SimDuration = SimDuration(10_000);
pub const MAX_IN_UNSCHEDULABLE: SimDuration = SimDuration(300_000);
const BACKOFF_TICK_MS: u64 = 1_000;
const LEFTOVER_TICK_MS: u64 = 30_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Active,
    Backoff,
    Unschedulable,
    InFlight,
}

#[derive(Clone, Debug)]
struct Entry {
    priority: i32,
    timestamp: SimTime,
    attempts: u32,
    place: Place,
    seq: u64,
    backoff_until: SimTime,
    rejectors: BTreeSet<&'static str>,
}

/// What happened in the cluster (for queueing hints).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterEvent {
    NodeAdd,
    /// A node changed; the plugins whose inputs changed are listed by the caller.
    NodeUpdate,
    AssignedPodDelete,
    /// A PersistentVolumeClaim, PersistentVolume or StorageClass was added or updated
    /// (VolumeBinding's registered events): a pod waiting for a late claim retries now.
    StorageChange,
}

impl ClusterEvent {
    fn concerns(self, plugin: &str) -> bool {
        match self {
            ClusterEvent::NodeAdd | ClusterEvent::NodeUpdate => true,
            ClusterEvent::AssignedPodDelete => matches!(plugin, "NodeResourcesFit" | "NodePorts" | "VolumeBinding"),
            ClusterEvent::StorageChange => plugin == "VolumeBinding",
        }
    }
}

#[derive(Debug, Default)]
pub struct SchedulingQueue {
    entries: BTreeMap<PodKey, Entry>,
    active: BTreeSet<(Reverse<i32>, SimTime, u64, PodKey)>,
    backoff: BTreeSet<(SimTime, u64, PodKey)>,
    /// Unschedulable pods by the time they got there (oldest first).
    unschedulable: BTreeSet<(SimTime, PodKey)>,
    seq: u64,
}

/// `1s * 2^(attempts-1)`, capped at 10 s.
pub fn backoff_duration(attempts: u32) -> SimDuration {
    let shift = attempts.saturating_sub(1).min(16);
    SimDuration((INITIAL_BACKOFF.as_millis() << shift).min(MAX_BACKOFF.as_millis()))
}

fn next_tick(t: SimTime, tick: u64) -> SimTime {
    SimTime(t.as_millis().div_ceil(tick) * tick)
}

impl SchedulingQueue {
    pub fn contains(&self, key: &PodKey) -> bool {
        self.entries.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn active_len(&self) -> usize {
        self.active.len()
    }

    fn activate(&mut self, key: &PodKey, now: SimTime) {
        self.seq += 1;
        let seq = self.seq;
        if let Some(e) = self.entries.get_mut(key) {
            e.place = Place::Active;
            e.seq = seq;
            e.timestamp = now;
            self.active.insert((Reverse(e.priority), e.timestamp, seq, key.clone()));
        }
    }

    /// A new pending pod.
    pub fn add(&mut self, key: PodKey, priority: i32, now: SimTime) {
        // One search of `entries` for the check and the insert, and the new entry made active
        // in place (what `activate` does to it), instead of a lookup, an insert and a second
        // lookup: three string-keyed searches per pending pod.
        let std::collections::btree_map::Entry::Vacant(slot) = self.entries.entry(key) else { return };
        self.seq += 1;
        let seq = self.seq;
        let active = (Reverse(priority), now, seq, slot.key().clone());
        slot.insert(Entry { priority, timestamp: now, attempts: 0, place: Place::Active, seq, backoff_until: now, rejectors: BTreeSet::new() });
        self.active.insert(active);
    }

    /// The pending pod itself changed: an unschedulable pod gets another chance.
    pub fn update(&mut self, key: &PodKey, now: SimTime) {
        if self.entries.get(key).is_some_and(|e| e.place == Place::Unschedulable) {
            self.requeue(key, now);
        }
    }

    pub fn remove(&mut self, key: &PodKey) {
        // The removed entry's own key goes from probe to probe (a set is searched with a
        // whole tuple, and a copy per probe was six string allocations per scheduled pod).
        if let Some((key, e)) = self.entries.remove_entry(key) {
            let probe = (e.timestamp, key);
            self.unschedulable.remove(&probe);
            let probe = (Reverse(e.priority), e.timestamp, e.seq, probe.1);
            self.active.remove(&probe);
            self.backoff.remove(&(e.backoff_until, e.seq, probe.3));
        }
    }

    /// Takes the next pod to schedule.
    pub fn pop(&mut self) -> Option<PodKey> {
        let (_, _, _, key) = self.active.pop_first()?;
        if let Some(e) = self.entries.get_mut(&key) {
            e.place = Place::InFlight;
            e.attempts += 1;
        }
        Some(key)
    }

    pub fn attempts(&self, key: &PodKey) -> u32 {
        self.entries.get(key).map_or(0, |e| e.attempts)
    }

    /// Scheduling failed: the pod waits in the unschedulable pool.
    pub fn unschedulable(&mut self, key: &PodKey, rejectors: BTreeSet<&'static str>, now: SimTime) {
        if let Some(e) = self.entries.get_mut(key) {
            e.place = Place::Unschedulable;
            e.timestamp = now;
            e.backoff_until = now.plus(backoff_duration(e.attempts));
            e.rejectors = rejectors;
            self.unschedulable.insert((now, key.clone()));
        }
    }

    /// Scheduled (or gone): forget the pod.
    pub fn done(&mut self, key: &PodKey) {
        self.remove(key);
    }

    /// Moves a pod out of the unschedulable pool into backoffQ or activeQ.
    fn requeue(&mut self, key: &PodKey, now: SimTime) {
        let Some(e) = self.entries.get_mut(key) else { return };
        if e.place == Place::Unschedulable {
            self.unschedulable.remove(&(e.timestamp, key.clone()));
        }
        if e.backoff_until > now {
            self.seq += 1;
            e.place = Place::Backoff;
            e.seq = self.seq;
            self.backoff.insert((e.backoff_until, e.seq, key.clone()));
        } else {
            self.activate(key, now);
        }
    }

    /// `MoveAllToActiveOrBackoffQueue` for pods a plugin concerned by `event` rejected.
    pub fn on_cluster_event(&mut self, event: ClusterEvent, now: SimTime) -> usize {
        let keys: Vec<PodKey> = self
            .unschedulable
            .iter()
            .filter(|(_, k)| self.entries.get(k).is_some_and(|e| e.rejectors.is_empty() || e.rejectors.iter().any(|p| event.concerns(p))))
            .map(|(_, k)| k.clone())
            .collect();
        for k in &keys {
            self.requeue(k, now);
        }
        keys.len()
    }

    /// Runs the 1 s back-off flush and the 30 s leftover flush that are due at `now`.
    pub fn flush(&mut self, now: SimTime) {
        while let Some((until, seq, key)) = self.backoff.first().cloned() {
            if next_tick(until, BACKOFF_TICK_MS) > now {
                break;
            }
            self.backoff.remove(&(until, seq, key.clone()));
            self.activate(&key, now);
        }
        if now.as_millis() % LEFTOVER_TICK_MS == 0 {
            let stale: Vec<PodKey> = self
                .unschedulable
                .iter()
                .take_while(|(since, _)| now.since(*since) > MAX_IN_UNSCHEDULABLE)
                .map(|(_, k)| k.clone())
                .collect();
            for k in &stale {
                self.requeue(k, now);
            }
        }
    }

    /// When the next back-off flush has work (a work wake-up).
    pub fn next_backoff_flush(&self) -> Option<SimTime> {
        self.backoff.first().map(|(t, _, _)| next_tick(*t, BACKOFF_TICK_MS))
    }

    /// When the next leftover check could move a pod (a background wake-up).
    pub fn next_leftover_flush(&self) -> Option<SimTime> {
        let oldest = self.unschedulable.first().map(|(t, _)| *t)?;
        Some(next_tick(oldest.plus(MAX_IN_UNSCHEDULABLE).plus(SimDuration(1)), LEFTOVER_TICK_MS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: &str) -> PodKey {
        crate::keys::NsName("default".into(), n.into())
    }

    #[test]
    fn backoff_table() {
        for (attempts, ms) in [(1, 1000), (2, 2000), (3, 4000), (4, 8000), (5, 10_000), (40, 10_000)] {
            assert_eq!(backoff_duration(attempts), SimDuration(ms));
        }
    }

    /// `add` leaves the queue exactly as inserting the entry and then `activate` did: same
    /// entries, active order, sequence numbers; a second add of a queued pod changes nothing.
    #[test]
    fn add_equals_insert_then_activate() {
        let adds = [("a", 0, 5), ("b", 3, 5), ("a", 9, 1), ("c", 0, 2), ("b", 0, 7), ("d", -1, 2)];
        let mut fast = SchedulingQueue::default();
        let mut slow = SchedulingQueue::default();
        for (name, priority, t) in adds {
            fast.add(k(name), priority, SimTime(t));
            if !slow.entries.contains_key(&k(name)) {
                let e = Entry { priority, timestamp: SimTime(t), attempts: 0, place: Place::Active, seq: 0, backoff_until: SimTime(t), rejectors: BTreeSet::new() };
                slow.entries.insert(k(name), e);
                slow.activate(&k(name), SimTime(t));
            }
            assert_eq!(format!("{:?}", (&fast.entries, &fast.active, fast.seq)), format!("{:?}", (&slow.entries, &slow.active, slow.seq)));
        }
        assert_eq!(fast.pop(), Some(k("b")));
        assert_eq!(fast.pop(), Some(k("c")));
    }

    #[test]
    fn priority_then_fifo() {
        let mut q = SchedulingQueue::default();
        q.add(k("low-early"), 0, SimTime(1));
        q.add(k("high"), 10, SimTime(5));
        q.add(k("low-late"), 0, SimTime(3));
        assert_eq!(q.pop(), Some(k("high")));
        assert_eq!(q.pop(), Some(k("low-early")));
        assert_eq!(q.pop(), Some(k("low-late")));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn unschedulable_pods_move_on_relevant_events_and_after_five_minutes() {
        let mut q = SchedulingQueue::default();
        q.add(k("a"), 0, SimTime(0));
        q.add(k("b"), 0, SimTime(0));
        let a = q.pop().unwrap();
        let b = q.pop().unwrap();
        q.unschedulable(&a, ["NodeResourcesFit"].into_iter().collect(), SimTime(100));
        q.unschedulable(&b, ["TaintToleration"].into_iter().collect(), SimTime(100));
        assert_eq!(q.on_cluster_event(ClusterEvent::AssignedPodDelete, SimTime(500)), 1);
        assert_eq!(q.active_len(), 0, "still backing off until 1.1s");
        assert_eq!(q.next_backoff_flush(), Some(SimTime(2000)));
        q.flush(SimTime(2000));
        assert_eq!(q.pop(), Some(k("a")));
        assert_eq!(q.next_leftover_flush(), Some(SimTime(330_000)));
        q.flush(SimTime(330_000));
        assert_eq!(q.pop(), Some(k("b")));
    }
}
