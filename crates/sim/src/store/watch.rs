//! Watch streams. Every committed change is pushed into the queue of each watch whose filter
//! it affects, with the watch cache's filtered-watch semantics (`cacheWatcher`): an object
//! that starts matching arrives as ADDED, one that stops matching as DELETED carrying its last
//! matching state at the change's resourceVersion; replay from a resourceVersion applies the
//! same rule to the history (`transition`). Watches pinned to a node
//! (`spec.nodeName=<node>`, how a kubelet watches) are indexed by node so a change costs work
//! proportional to the watchers it concerns, not to the number of nodes. Watches pinned to
//! one object name (`metadata.name=<name>`, how each node's heartbeat watches its Node) are
//! indexed the same way, so a Node update does not test every node's heartbeat watch.

use crate::meta::member;
use crate::selector::{FieldSelector, LabelSelector};
use crate::status::Status;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Identifies a watch returned by `Simulation::watch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct WatchId(pub u64);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum WatchEventType {
    #[serde(rename = "ADDED")]
    Added,
    #[serde(rename = "MODIFIED")]
    Modified,
    #[serde(rename = "DELETED")]
    Deleted,
    /// The watch was closed by the server; `object` is a `metav1.Status`.
    #[serde(rename = "ERROR")]
    Error,
}

impl WatchEventType {
    pub fn as_str(self) -> &'static str {
        match self {
            WatchEventType::Added => "ADDED",
            WatchEventType::Modified => "MODIFIED",
            WatchEventType::Deleted => "DELETED",
            WatchEventType::Error => "ERROR",
        }
    }
}

/// One event of a watch stream, as `kubectl get -w --output-watch-events` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WatchEvent {
    #[serde(rename = "type")]
    pub event_type: WatchEventType,
    pub object: Arc<Value>,
    /// The etcd revision of the change (the object's resourceVersion, or the deletion's).
    pub resource_version: u64,
}

/// What a watch selects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WatchFilter {
    pub kind: String,
    pub namespace: Option<String>,
    pub labels: LabelSelector,
    pub fields: FieldSelector,
}

impl WatchFilter {
    pub fn kind(kind: &str) -> Self {
        WatchFilter { kind: kind.to_string(), ..WatchFilter::default() }
    }

    pub fn matches(&self, obj: &Value) -> bool {
        if str_of(member(obj, "kind")) != self.kind {
            return false;
        }
        if let Some(ns) = &self.namespace {
            if str_of(member(member(obj, "metadata").unwrap_or(&Value::Null), "namespace")) != ns {
                return false;
            }
        }
        // Every commit tests every watch of its kind, so the common cases allocate nothing:
        // no label list for an empty label selector, no owned copy of a string field.
        (self.labels.0.is_empty() || self.labels.matches(&crate::meta::labels(obj))) && self.fields.0.iter().all(|(f, eq, v)| field_equals(obj, f, v) == *eq)
    }
}

fn str_of(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).unwrap_or("")
}

/// `selector::field_value(obj, field) == want`, comparing a string field in place.
fn field_equals(obj: &Value, field: &str, want: &str) -> bool {
    if field != "source" {
        let mut cur = Some(obj);
        for part in field.split('.') {
            cur = cur.and_then(|c| member(c, part));
        }
        if let Some(Value::String(s)) = cur {
            return s == want;
        }
    }
    crate::selector::field_value(obj, field) == want
}

/// What a watch with `filter` sees of one committed change (`prev` → `new` at revision `rv`,
/// `new` being the deleted object's last state when `deleted`), as the watch cache's
/// `convertToWatchEvent` decides it: ADDED when the object starts matching, MODIFIED while it
/// keeps matching, DELETED when it is deleted or stops matching — then carrying the previous,
/// still-matching state with the change's resourceVersion, so the client's copy goes away with
/// what it last knew — and nothing when it matched neither before nor after.
pub fn transition(filter: &WatchFilter, prev: Option<&Arc<Value>>, new: &Arc<Value>, deleted: bool, rv: u64) -> Option<WatchEvent> {
    let was = prev.is_some_and(|p| filter.matches(p));
    let is = !deleted && filter.matches(new);
    let (event_type, object) = match (was, is) {
        (false, true) => (WatchEventType::Added, Arc::clone(new)),
        (true, true) => (WatchEventType::Modified, Arc::clone(new)),
        // A real deletion: `new` already is the previous state at the deletion's revision.
        (true, false) if deleted => (WatchEventType::Deleted, Arc::clone(new)),
        (true, false) => (WatchEventType::Deleted, Arc::new(at_revision(prev?, rv))),
        (false, false) => return None,
    };
    Some(WatchEvent { event_type, object, resource_version: rv })
}

/// A copy of `obj` carrying `metadata.resourceVersion` `rv`.
fn at_revision(obj: &Value, rv: u64) -> Value {
    let mut copy = obj.clone();
    crate::meta::set_meta_str(&mut copy, "resourceVersion", &rv.to_string());
    copy
}

/// A watch queue is bounded: a consumer that never drains (a forgotten `kubectl get -w` tab)
/// gets its watch closed with 410 Gone instead of growing memory without limit.
pub const WATCH_QUEUE_MAX: usize = 200_000;

#[derive(Debug)]
struct Watch {
    filter: WatchFilter,
    queue: VecDeque<WatchEvent>,
    owner: Option<usize>,
    /// Further components woken by this watch: the controllers sharing one informer
    /// (`controllers::shared_informer`), which all learn from the one stream.
    co_owners: Vec<usize>,
    closed: bool,
}

/// All open watches with their indexes.
#[derive(Debug, Default)]
pub struct Watches {
    next_id: u64,
    /// Watch `n` (ids are handed out in sequence from 1) lives in slot `n - 1`, None once
    /// closed: a direct index instead of a B-tree search on every delivery and every drain
    /// (thousands of watches in a large cluster, one per node heartbeat). Boxed, so a closed
    /// watch's slot costs one pointer (a 1 000-node cluster opens and closes tens of
    /// thousands of watches as it starts, and slots are never reused).
    watches: Vec<Option<Box<Watch>>>,
    /// How many slots hold an open watch.
    open_count: usize,
    by_kind: BTreeMap<String, Vec<WatchId>>,
    /// kind → node → watches; nested so a delivery looks up with borrowed strings.
    by_node: BTreeMap<String, BTreeMap<String, Vec<WatchId>>>,
    /// kind → object name → watches.
    by_name: BTreeMap<String, BTreeMap<String, Vec<WatchId>>>,
}

/// Which index list a watch lives in: pinned to a node, pinned to one name, or by kind only.
enum Pin<'a> {
    Node(&'a str),
    Name(&'a str),
    Kind,
}

fn pin(filter: &WatchFilter) -> Pin<'_> {
    if let Some(node) = filter.fields.node_name() {
        return Pin::Node(node);
    }
    match filter.fields.0.iter().find(|(f, eq, _)| f == "metadata.name" && *eq) {
        Some((_, _, name)) => Pin::Name(name.as_str()),
        None => Pin::Kind,
    }
}

/// The name a watch is pinned to (`metadata.name=<name>`), if any.
pub(crate) fn pinned_name(filter: &WatchFilter) -> Option<&str> {
    match pin(filter) {
        Pin::Name(name) => Some(name),
        Pin::Node(_) | Pin::Kind => None,
    }
}

impl Watches {
    /// Opens a watch; `owner` is the component to wake when events arrive.
    pub fn open(&mut self, filter: WatchFilter, owner: Option<usize>, initial: Vec<WatchEvent>) -> WatchId {
        self.next_id += 1;
        let id = WatchId(self.next_id);
        match pin(&filter) {
            Pin::Node(node) => self.by_node.entry(filter.kind.clone()).or_default().entry(node.to_string()).or_default().push(id),
            Pin::Name(name) => self.by_name.entry(filter.kind.clone()).or_default().entry(name.to_string()).or_default().push(id),
            Pin::Kind => self.by_kind.entry(filter.kind.clone()).or_default().push(id),
        }
        // `next_id` counts every watch ever opened, so this slot is the next one.
        self.watches.push(Some(Box::new(Watch { filter, queue: initial.into(), owner, co_owners: Vec::new(), closed: false })));
        self.open_count += 1;
        id
    }

    fn slot_index(id: WatchId) -> Option<usize> {
        usize::try_from(id.0).ok()?.checked_sub(1)
    }

    fn get(&self, id: WatchId) -> Option<&Watch> {
        self.watches.get(Self::slot_index(id)?)?.as_deref()
    }

    fn get_mut(&mut self, id: WatchId) -> Option<&mut Watch> {
        self.watches.get_mut(Self::slot_index(id)?)?.as_deref_mut()
    }

    /// Adds a component to wake on this watch's deliveries (a second handler of a shared
    /// informer); false for an unknown watch.
    pub fn add_owner(&mut self, id: WatchId, owner: usize) -> bool {
        let Some(w) = self.get_mut(id) else { return false };
        if w.owner != Some(owner) && !w.co_owners.contains(&owner) {
            w.co_owners.push(owner);
        }
        true
    }

    pub fn close(&mut self, id: WatchId) {
        let removed = Self::slot_index(id).and_then(|i| self.watches.get_mut(i)).and_then(Option::take);
        if let Some(w) = removed {
            self.open_count -= 1;
            let list = match pin(&w.filter) {
                Pin::Node(node) => self.by_node.get_mut(&w.filter.kind).and_then(|m| m.get_mut(node)),
                Pin::Name(name) => self.by_name.get_mut(&w.filter.kind).and_then(|m| m.get_mut(name)),
                Pin::Kind => self.by_kind.get_mut(&w.filter.kind),
            };
            if let Some(list) = list {
                list.retain(|x| *x != id);
            }
        }
    }

    pub fn drain(&mut self, id: WatchId) -> Vec<WatchEvent> {
        self.get_mut(id).map(|w| w.queue.drain(..).collect()).unwrap_or_default()
    }

    pub fn is_open(&self, id: WatchId) -> bool {
        self.get(id).is_some_and(|w| !w.closed)
    }

    pub fn pending(&self, id: WatchId) -> usize {
        self.get(id).map_or(0, |w| w.queue.len())
    }

    /// Delivers one committed change; returns the owners of watches that received an event.
    pub fn deliver(&mut self, kind: &str, prev: Option<&Arc<Value>>, new: &Arc<Value>, deleted: bool, rv: u64) -> Vec<usize> {
        let mut ids: Vec<WatchId> = self.by_kind.get(kind).cloned().unwrap_or_default();
        // prev and new share a name (the store key), so one name lookup covers both.
        if let Some(list) = self.by_name.get(kind).and_then(|m| m.get(crate::meta::name(new))) {
            ids.extend(list.iter().copied());
        }
        if let Some(by_node) = self.by_node.get(kind) {
            let new_node = crate::meta::node_name(new);
            let prev_node = prev.map_or("", |p| crate::meta::node_name(p));
            // A pod moving between nodes concerns both nodes' watches; staying, only one.
            let nodes = if prev_node == new_node { [new_node, ""] } else { [new_node, prev_node] };
            for list in nodes.into_iter().filter(|n| !n.is_empty()).filter_map(|n| by_node.get(n)) {
                ids.extend(list.iter().copied());
            }
        }
        let mut woken = Vec::new();
        for id in ids {
            let Some(w) = self.get_mut(id) else { continue };
            if w.closed {
                continue;
            }
            let Some(event) = transition(&w.filter, prev, new, deleted, rv) else { continue };
            if w.queue.len() >= WATCH_QUEUE_MAX {
                w.queue.clear();
                w.closed = true;
                let status = Status::gone("watch queue overflowed; the client must re-list");
                w.queue.push_back(WatchEvent { event_type: WatchEventType::Error, object: Arc::new(status.to_json()), resource_version: rv });
            } else {
                w.queue.push_back(event);
            }
            woken.extend(w.owner);
            woken.extend_from_slice(&w.co_owners);
        }
        woken.sort_unstable();
        woken.dedup();
        woken
    }

    pub fn count(&self) -> usize {
        self.open_count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Watches live in slots by id: closed and never-issued ids (0, past the last, huge) are
    /// unknown to every accessor, open ones keep their own queue, and `count` follows.
    #[test]
    fn slots_follow_open_and_close() {
        let pod = Arc::new(json!({"kind": "Pod", "metadata": {"name": "a", "namespace": "default"}}));
        let mut w = Watches::default();
        let a = w.open(WatchFilter::kind("Pod"), Some(1), Vec::new());
        let b = w.open(WatchFilter::kind("Pod"), Some(2), Vec::new());
        assert_eq!((a, b, w.count()), (WatchId(1), WatchId(2), 2));
        assert_eq!(w.deliver("Pod", None, &pod, false, 5), vec![1, 2]);
        w.close(a);
        w.close(a);
        assert_eq!(w.count(), 1);
        for unknown in [a, WatchId(0), WatchId(3), WatchId(u64::MAX)] {
            assert!(!w.is_open(unknown) && w.pending(unknown) == 0 && w.drain(unknown).is_empty() && !w.add_owner(unknown, 9));
            w.close(unknown);
        }
        assert_eq!(w.count(), 1);
        assert_eq!(w.deliver("Pod", None, &pod, false, 6), vec![2]);
        assert!(w.add_owner(b, 7));
        assert_eq!(w.deliver("Pod", None, &pod, false, 7), vec![2, 7]);
        assert_eq!(w.pending(b), 3);
        assert_eq!(w.drain(b).iter().map(|e| e.resource_version).collect::<Vec<_>>(), [5, 6, 7]);
        assert_eq!(w.open(WatchFilter::kind("Pod"), None, Vec::new()), WatchId(3));
        assert_eq!(w.count(), 2);
    }

    #[test]
    fn member_and_matches_agree_with_get() {
        let wide: serde_json::Map<String, Value> = (0..12).map(|i| (format!("k{i}"), json!(i))).collect();
        let objs = [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}}, "spec": {"nodeName": "node01"}}),
            json!({"metadata": {"namespace": "team", "name": "x"}, "kind": "Pod"}),
            json!({"kind": "Node", "metadata": {"name": "node01"}}),
            json!({"kind": 3, "metadata": []}),
            json!([1, 2]),
            json!(null),
            Value::Object(wide),
        ];
        let filters = [
            WatchFilter::kind("Pod"),
            WatchFilter { namespace: Some("default".into()), ..WatchFilter::kind("Pod") },
            WatchFilter { namespace: Some("".into()), ..WatchFilter::kind("Node") },
            WatchFilter { fields: FieldSelector::parse("Pod", "spec.nodeName=node01").unwrap(), ..WatchFilter::kind("Pod") },
            WatchFilter { labels: LabelSelector::parse("app=web").unwrap(), ..WatchFilter::kind("Pod") },
            WatchFilter::kind(""),
        ];
        for obj in &objs {
            for key in ["kind", "metadata", "k0", "k11", "k12", "absent"] {
                assert_eq!(member(obj, key), obj.as_object().and_then(|m| m.get(key)), "{obj} {key}");
            }
            for f in &filters {
                let kind_ok = crate::meta::kind(obj) == f.kind;
                let ns_ok = f.namespace.as_ref().is_none_or(|ns| crate::meta::namespace(obj) == ns);
                let rest = f.labels.matches(&crate::meta::labels(obj)) && f.fields.0.iter().all(|(k, eq, v)| (crate::selector::field_value(obj, k) == *v) == *eq);
                assert_eq!(f.matches(obj), kind_ok && ns_ok && rest, "{obj} {f:?}");
            }
        }
    }

    #[test]
    fn field_equals_agrees_with_field_value() {
        let objs = [
            json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {"nodeName": "node01", "hostNetwork": true}, "status": {"phase": "Running"}}),
            json!({"metadata": {"name": "web"}, "spec": {"replicas": 3}, "source": {"component": "kubelet"}}),
            json!({"metadata": "oops", "spec": []}),
            json!({}),
        ];
        let fields = ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase", "spec.hostNetwork", "spec.unschedulable", "spec.replicas", "source"];
        let wants = ["", "web", "node01", "Running", "true", "false", "3", "kubelet", "default"];
        for obj in &objs {
            for f in fields {
                for want in wants {
                    assert_eq!(field_equals(obj, f, want), crate::selector::field_value(obj, f) == want, "{obj} {f} {want}");
                }
            }
        }
    }
}
