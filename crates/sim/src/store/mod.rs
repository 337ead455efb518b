//! The etcd of the simulated cluster: every object by kind/namespace/name in its wire form, a
//! single global revision counter that becomes each object's `metadata.resourceVersion`, a
//! bounded history of changes (etcd's compaction window) and the watch streams fed from it.
//! The store knows nothing about users, admission or defaults; the API server calls it only
//! after those passed, and it enforces just what etcd does: existence and preconditions.

pub mod history;
pub mod packed;
pub mod watch;

use crate::meta;
use crate::resources;
use crate::status::Status;
use serde_json::Value;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;
pub use history::HistoryEntry;
pub use watch::{WatchEvent, WatchEventType, WatchFilter, WatchId, Watches};

/// How many changes the history keeps before compacting (a watch from an older revision gets
/// 410 Gone, as from a compacted etcd).
pub const HISTORY_MAX: usize = 250_000;

/// Where an object lives. Cluster-scoped objects have an empty namespace. Ordered by kind,
/// namespace, then name, each in byte order (as derived), compared inline (`keys`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectKey {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Ord for ObjectKey {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        use crate::keys::str_cmp;
        str_cmp(&self.kind, &other.kind).then_with(|| str_cmp(&self.namespace, &other.namespace)).then_with(|| str_cmp(&self.name, &other.name))
    }
}

impl PartialOrd for ObjectKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl ObjectKey {
    pub fn new(kind: &str, namespace: &str, name: &str) -> Self {
        let scoped = resources::by_kind(kind).is_none_or(|r| r.namespaced);
        let namespace = if scoped { namespace } else { "" };
        ObjectKey { kind: kind.to_string(), namespace: namespace.to_string(), name: name.to_string() }
    }

    pub fn of(obj: &Value) -> Self {
        ObjectKey::new(meta::kind(obj), meta::namespace(obj), meta::name(obj))
    }

    /// The resource name used in error messages (`pods`, `roles.rbac.authorization.k8s.io`).
    pub fn qualified_resource(&self) -> String {
        resources::by_kind(&self.kind).map(|r| r.qualified()).unwrap_or_else(|| self.kind.to_ascii_lowercase())
    }
}

#[derive(Debug, Default)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Arc<Value>>,
    revision: u64,
    history: history::History,
    /// Pods by `spec.nodeName` (kubelet lists and field-selected lists use it).
    pods_by_node: BTreeMap<String, BTreeSet<crate::keys::NsName>>,
    /// Revision of the last change to a RoleBinding or ClusterRoleBinding (the API server's
    /// RBAC subject cache is valid while this stays the same).
    binding_revision: u64,
    /// Revision of the last change to any RBAC object (Role, ClusterRole and the two binding
    /// kinds): the API server's RBAC decision cache is valid while this stays the same.
    rbac_revision: u64,
    pub watches: Watches,
}

/// The owners (component indexes) whose watches received the change.
pub type Woken = Vec<usize>;

impl Store {
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Revision of the last committed change to any RoleBinding or ClusterRoleBinding.
    pub fn binding_revision(&self) -> u64 {
        self.binding_revision
    }

    /// Revision of the last committed change to any Role, ClusterRole, RoleBinding or
    /// ClusterRoleBinding.
    pub fn rbac_revision(&self) -> u64 {
        self.rbac_revision
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Arc<Value>> {
        self.objects.get(key)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// Objects of a kind, optionally within one namespace, in key order.
    pub fn list(&self, kind: &str, namespace: Option<&str>) -> impl Iterator<Item = &Arc<Value>> {
        let lo = ObjectKey { kind: kind.to_string(), namespace: namespace.unwrap_or("").to_string(), name: String::new() };
        let kind_owned = kind.to_string();
        let ns_owned = namespace.map(str::to_string);
        self.objects
            .range(lo..)
            .take_while(move |(k, _)| k.kind == kind_owned && ns_owned.as_ref().is_none_or(|n| *n == k.namespace))
            .map(|(_, v)| v)
    }

    /// Pods bound to a node, through the node index.
    pub fn pods_on_node(&self, node: &str) -> Vec<&Arc<Value>> {
        self.pods_by_node
            .get(node)
            .map(|set| set.iter().filter_map(|k| self.objects.get(&ObjectKey::new("Pod", &k.0, &k.1))).collect())
            .unwrap_or_default()
    }

    /// All objects, for snapshots and the invariant checker.
    pub fn all(&self) -> impl Iterator<Item = (&ObjectKey, &Arc<Value>)> {
        self.objects.iter()
    }

    pub fn history(&self) -> &VecDeque<HistoryEntry> {
        self.history.entries()
    }

    /// Creates an object; fails with AlreadyExists when the key is taken.
    pub fn create(&mut self, mut obj: Value) -> Result<(Arc<Value>, Woken), Status> {
        // One search of `objects` (an entry) for the existence check and the insert: with
        // three-string keys in a map of every object, each search is thousands of
        // instructions at 10 000 pods.
        let slot = match self.objects.entry(ObjectKey::of(&obj)) {
            Entry::Occupied(e) => return Err(Status::already_exists(&e.key().qualified_resource(), &e.key().name)),
            Entry::Vacant(slot) => slot,
        };
        let key = slot.key().clone();
        self.revision += 1;
        meta::set_meta_str(&mut obj, "resourceVersion", &self.revision.to_string());
        let obj = Arc::new(obj);
        slot.insert(Arc::clone(&obj));
        let woken = self.commit(&key, None, Arc::clone(&obj), false);
        Ok((obj, woken))
    }

    /// Replaces an object. `expected_rv` is the optimistic-concurrency precondition (the
    /// resourceVersion the writer read); a mismatch is the real 409 Conflict.
    pub fn update(&mut self, mut obj: Value, expected_rv: Option<&str>) -> Result<(Arc<Value>, Woken), Status> {
        let key = ObjectKey::of(&obj);
        // One search: the stored version is checked and replaced in place.
        let Some(current) = self.objects.get_mut(&key) else {
            return Err(Status::not_found(&key.qualified_resource(), &key.name));
        };
        if let Some(rv) = expected_rv.filter(|rv| !rv.is_empty()) {
            if rv != meta::resource_version(current) {
                return Err(Status::conflict_modified(&key.qualified_resource(), &key.name));
            }
        }
        self.revision += 1;
        meta::set_meta_str(&mut obj, "resourceVersion", &self.revision.to_string());
        let obj = Arc::new(obj);
        let prev = std::mem::replace(current, Arc::clone(&obj));
        let woken = self.commit(&key, Some(prev), Arc::clone(&obj), false);
        Ok((obj, woken))
    }

    /// Removes an object; `expected_uid` guards against deleting a re-created namesake.
    pub fn delete(&mut self, key: &ObjectKey, expected_uid: Option<&str>) -> Result<(Arc<Value>, Woken), Status> {
        let Some(current) = self.objects.get(key) else {
            return Err(Status::not_found(&key.qualified_resource(), &key.name));
        };
        if let Some(uid) = expected_uid.filter(|u| !u.is_empty()) {
            if uid != meta::uid(current) {
                let cause = format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {}", meta::uid(current));
                return Err(Status::conflict(&key.qualified_resource(), &key.name, &cause));
            }
        }
        let prev = Arc::clone(current);
        self.revision += 1;
        let mut last = (*prev).clone();
        meta::set_meta_str(&mut last, "resourceVersion", &self.revision.to_string());
        let last = Arc::new(last);
        self.objects.remove(key);
        let woken = self.commit(key, Some(prev), Arc::clone(&last), true);
        Ok((last, woken))
    }

    /// What every change does after `objects` holds its outcome (the caller inserted, replaced
    /// or removed the entry): indexes, watch delivery, history.
    fn commit(&mut self, key: &ObjectKey, prev: Option<Arc<Value>>, obj: Arc<Value>, deleted: bool) -> Woken {
        if matches!(key.kind.as_str(), "RoleBinding" | "ClusterRoleBinding") {
            self.binding_revision = self.revision;
        }
        if matches!(key.kind.as_str(), "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding") {
            self.rbac_revision = self.revision;
        }
        if key.kind == "Pod" {
            // A pod without a node was never indexed (no lookup of "").
            if let Some(p) = prev.as_ref().filter(|p| !meta::node_name(p).is_empty()) {
                self.unindex_pod(key, meta::node_name(p).to_string());
            }
            if !deleted {
                let node = meta::node_name(&obj);
                if !node.is_empty() {
                    // The node's set usually exists: find it without allocating its name.
                    let member = crate::keys::NsName(key.namespace.clone(), key.name.clone());
                    match self.pods_by_node.get_mut(node) {
                        Some(set) => {
                            set.insert(member);
                        }
                        None => {
                            self.pods_by_node.insert(node.to_string(), BTreeSet::from([member]));
                        }
                    }
                }
            }
        }
        let event_type = match (deleted, prev.is_some()) {
            (true, _) => WatchEventType::Deleted,
            (false, true) => WatchEventType::Modified,
            (false, false) => WatchEventType::Added,
        };
        let woken = self.watches.deliver(&key.kind, prev.as_ref(), &obj, deleted, self.revision);
        self.history.record(HISTORY_MAX, self.revision, event_type, &key.kind, &obj, prev.as_ref());
        woken
    }

    fn unindex_pod(&mut self, key: &ObjectKey, node: String) {
        if let Some(set) = self.pods_by_node.get_mut(&node) {
            set.remove(&crate::keys::NsName(key.namespace.clone(), key.name.clone()));
            if set.is_empty() {
                self.pods_by_node.remove(&node);
            }
        }
    }

    /// Opens a watch. Without `from_rv` (or with 0) the stream starts with a synthetic ADDED
    /// for every current match, like a watch without resourceVersion; with a revision it
    /// replays the history after it — with the same started/stopped-matching rule as live
    /// delivery — or fails with 410 when that history was compacted.
    pub fn watch(&mut self, filter: WatchFilter, from_rv: Option<u64>, owner: Option<usize>) -> Result<WatchId, Status> {
        let initial = match from_rv.filter(|rv| *rv > 0) {
            None => self
                .initial_candidates(&filter)
                .filter(|o| filter.matches(o))
                .map(|o| WatchEvent {
                    event_type: WatchEventType::Added,
                    object: Arc::clone(o),
                    resource_version: meta::resource_version(o).parse().unwrap_or(0),
                })
                .collect(),
            Some(rv) => self.replay(&filter, rv)?,
        };
        Ok(self.watches.open(filter, owner, initial))
    }

    /// The objects a new watch's initial ADDED events are chosen from: the one object a watch
    /// pinned to a name within a known namespace (or of a cluster-scoped kind) can match — each
    /// node's heartbeat opens one, and listing every Node for each made a 1 000-node cluster's
    /// start quadratic — otherwise the kind's objects (in the namespace), in key order.
    fn initial_candidates<'a>(&'a self, filter: &WatchFilter) -> Box<dyn Iterator<Item = &'a Arc<Value>> + 'a> {
        let scoped = resources::by_kind(&filter.kind).is_none_or(|r| r.namespaced);
        match (watch::pinned_name(filter), filter.namespace.as_deref()) {
            (Some(name), Some(ns)) => Box::new(self.get(&ObjectKey::new(&filter.kind, ns, name)).into_iter()),
            (Some(name), None) if !scoped => Box::new(self.get(&ObjectKey::new(&filter.kind, "", name)).into_iter()),
            _ => Box::new(self.list(&filter.kind, filter.namespace.as_deref())),
        }
    }

    fn replay(&self, filter: &WatchFilter, from_rv: u64) -> Result<Vec<WatchEvent>, Status> {
        let history = self.history.entries();
        let oldest = history.front().map_or(self.revision + 1, |e| e.resource_version);
        if from_rv + 1 < oldest {
            return Err(Status::gone(format!("too old resource version: {from_rv} ({})", oldest - 1)));
        }
        let start = history.partition_point(|e| e.resource_version <= from_rv);
        Ok(history
            .range(start..)
            .filter(|e| e.kind() == filter.kind)
            .filter_map(|e| watch::transition(filter, e.prev().as_ref(), &e.object(), e.event_type == WatchEventType::Deleted, e.resource_version))
            .collect())
    }
}

#[cfg(test)]
mod tests;
