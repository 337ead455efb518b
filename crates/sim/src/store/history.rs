//! The store's history: every committed change, in revision order, as a watch replayed from a
//! resourceVersion reads it (etcd's window before compaction, `HISTORY_MAX` changes long).
//!
//! It is most of what a long-lived simulation keeps: each change holds the object version it
//! made and the one it replaced. A version the store still serves is shared with the store
//! (`Version::Live`, the same `Arc`); once a later write supersedes it, nothing but the history
//! and a few not yet drained watch queues hold it, so the history swaps its copy for a packed
//! one (`Packed`, about the size of its JSON text instead of ~7x that as a `serde_json` value),
//! shared by the entry that made the version and the one that replaced it. A replay unpacks
//! into values equal to the originals, so every watch event reads as before.

use super::packed::Packed;
use super::watch::WatchEventType;
use crate::meta;
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

/// One object version as the history holds it.
#[derive(Clone, Debug)]
enum Version {
    /// Still the stored object (or still shared with its readers): the store's own `Arc`.
    Live(Arc<Value>),
    /// Superseded: packed, shared by the entries that made and replaced it.
    Packed(Arc<Packed>),
}

impl Version {
    fn value(&self) -> Arc<Value> {
        match self {
            Version::Live(v) => Arc::clone(v),
            Version::Packed(p) => Arc::new(p.unpack()),
        }
    }
}

/// One committed change. `prev` is the state it replaced (None for a create), so a filtered
/// watch replayed from here can tell an object that started or stopped matching.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub resource_version: u64,
    pub event_type: WatchEventType,
    kind: Arc<str>,
    object: Version,
    prev: Option<Version>,
}

impl HistoryEntry {
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The object as this change left it (at a deletion: the last state, at its revision).
    pub fn object(&self) -> Arc<Value> {
        self.object.value()
    }

    /// The state this change replaced.
    pub fn prev(&self) -> Option<Arc<Value>> {
        self.prev.as_ref().map(Version::value)
    }
}

/// The entries plus what recording them needs: the interned kind names (a few dozen) and the
/// packing scratch buffer.
#[derive(Debug, Default)]
pub struct History {
    pub(super) entries: VecDeque<HistoryEntry>,
    kinds: BTreeSet<Arc<str>>,
    buf: Vec<u8>,
}

impl History {
    /// Records a change. `prev` is the version it replaced; a deletion's `obj` (a copy of
    /// `prev` at the deletion's revision, held by no store slot) is packed at once.
    pub(super) fn record(&mut self, max: usize, rv: u64, event_type: WatchEventType, kind: &str, obj: &Arc<Value>, prev: Option<&Arc<Value>>) {
        let kind = match self.kinds.get(kind) {
            Some(k) => Arc::clone(k),
            None => {
                let k: Arc<str> = Arc::from(kind);
                self.kinds.insert(Arc::clone(&k));
                k
            }
        };
        let prev = prev.map(|p| self.supersede(p));
        let object = if event_type == WatchEventType::Deleted {
            Version::Packed(Arc::new(Packed::pack_with(obj, &mut self.buf)))
        } else {
            Version::Live(Arc::clone(obj))
        };
        if self.entries.len() >= max {
            self.entries.pop_front();
        }
        self.entries.push_back(HistoryEntry { resource_version: rv, event_type, kind, object, prev });
    }

    /// Packs a version a write just replaced and points the entry that made it (when still in
    /// the window) at the packed copy, so the two share it and the live value can go.
    fn supersede(&mut self, prev: &Arc<Value>) -> Version {
        let packed = Arc::new(Packed::pack_with(prev, &mut self.buf));
        if let Ok(rv) = meta::resource_version(prev).parse::<u64>() {
            let at = self.entries.partition_point(|e| e.resource_version < rv);
            if let Some(e) = self.entries.get_mut(at) {
                if matches!(&e.object, Version::Live(v) if Arc::ptr_eq(v, prev)) {
                    e.object = Version::Packed(Arc::clone(&packed));
                }
            }
        }
        Version::Packed(packed)
    }

    pub fn entries(&self) -> &VecDeque<HistoryEntry> {
        &self.entries
    }
}
