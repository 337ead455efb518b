//! The work queue every owner-driven controller (ReplicaSet, Deployment, Job) keeps: which
//! owners must be synced now, which at a later simulated time (client-go's `AddAfter`), and
//! which dependents each owner controls (by owner uid), so a sync reads its dependents from
//! the informer cache without scanning every object.

use std::collections::{BTreeMap, BTreeSet};

use super::shared_informer::Lister;
use super::{controller_ref, Change};
use serde_json::Value;
use std::sync::Arc;
use crate::time::SimTime;

/// (namespace, name) of an object.
pub type Key = super::NsName;

#[derive(Debug, Default)]
pub struct WorkQueue {
    owned: BTreeMap<String, BTreeSet<Key>>,
    dirty: BTreeSet<Key>,
    requeue: BTreeSet<(SimTime, Key)>,
}

impl WorkQueue {
    /// Marks an owner for syncing on this wake-up.
    pub fn mark(&mut self, key: Key) {
        self.dirty.insert(key);
    }

    /// Schedules an owner for syncing at `at`; false when that exact entry was already queued
    /// (so the caller arms no second timer).
    pub fn add_after(&mut self, at: SimTime, key: Key) -> bool {
        self.requeue.insert((at, key))
    }

    /// Moves every owner whose requeue time has come into the set to sync now.
    pub fn release_due(&mut self, now: SimTime) {
        while let Some((t, k)) = self.requeue.first().cloned() {
            if t > now {
                break;
            }
            self.requeue.pop_first();
            self.dirty.insert(k);
        }
    }

    /// Takes the owners to sync now, in key order (deterministic).
    pub fn take_dirty(&mut self) -> BTreeSet<Key> {
        std::mem::take(&mut self.dirty)
    }

    /// Indexes a dependent's change under its controlling owner when that owner is of
    /// `owner_kind`, and marks the owner for syncing.
    pub fn note_controlled(&mut self, change: &Change, owner_kind: &str) {
        for obj in [&change.old, &change.new].into_iter().flatten() {
            if let Some((kind, name, uid)) = controller_ref(obj) {
                if kind == owner_kind {
                    self.own(uid, change.key.clone());
                    self.dirty.insert(super::NsName(change.key.0.clone(), name.to_string()));
                }
            }
        }
    }

    /// Records that the owner with `owner_uid` controls the object at `key`.
    pub fn own(&mut self, owner_uid: &str, key: Key) {
        self.owned.entry(owner_uid.to_string()).or_default().insert(key);
    }

    /// Forgets a dependent that is gone.
    pub fn disown(&mut self, owner_uid: &str, key: &Key) {
        if let Some(set) = self.owned.get_mut(owner_uid) {
            set.remove(key);
        }
    }

    /// The cached dependents an owner still controls, in key order. The index may hold stale
    /// entries after an orphaning update, so the controller reference is checked again.
    pub fn controlled(&self, owner_uid: &str, cache: &impl Lister) -> Vec<Arc<Value>> {
        let keys = self.owned.get(owner_uid).into_iter().flatten();
        keys.filter_map(|k| cache.lookup(k)).filter(|obj| controller_ref(obj).is_some_and(|(_, _, uid)| uid == owner_uid)).collect()
    }

    /// How many delayed syncs are pending (for `describe`).
    pub fn requeued_len(&self) -> usize {
        self.requeue.len()
    }
}
