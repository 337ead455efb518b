//! Store tests: the etcd contract (existence, preconditions, revisions), filtered watches
//! (an object that stops matching leaves as DELETED, one that starts matching arrives as
//! ADDED, live and replayed alike) and the property that replaying a watch stream — plain or
//! filtered, from the beginning or from any revision — rebuilds exactly the matching part of
//! the store.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn pod(name: &str, node: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")}, "spec": {"nodeName": node}})
}

fn labelled(name: &str, node: &str, app: &str) -> Value {
    let mut p = pod(name, node);
    if !app.is_empty() {
        p["metadata"]["labels"] = json!({"app": app});
    }
    p
}

fn filter(labels: &str, fields: &str) -> WatchFilter {
    let mut f = WatchFilter::kind("Pod");
    f.labels = crate::selector::LabelSelector::parse(labels).unwrap();
    f.fields = crate::selector::FieldSelector::parse("Pod", fields).unwrap();
    f
}

/// (type, app label, resourceVersion of the object) of each event.
fn summary(events: Vec<WatchEvent>) -> Vec<(WatchEventType, String, String, u64)> {
    events
        .into_iter()
        .map(|e| {
            let app = meta::label(&e.object, "app").unwrap_or("").to_string();
            (e.event_type, app, meta::resource_version(&e.object).to_string(), e.resource_version)
        })
        .collect()
}

#[test]
fn label_selected_watch_sees_relabel_as_deleted_then_added() {
    use WatchEventType::{Added, Deleted, Modified};
    let mut s = Store::default();
    s.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "first", "namespace": "default"}})).unwrap();
    let live = s.watch(filter("app=web", ""), None, None).unwrap();
    s.create(labelled("a", "", "web")).unwrap(); // rv 2
    s.update(labelled("a", "n1", "web"), None).unwrap(); // rv 3
    s.update(labelled("a", "n1", "db"), None).unwrap(); // rv 4: stops matching
    s.update(labelled("a", "n2", "db"), None).unwrap(); // rv 5: matched neither before nor after
    s.update(labelled("a", "n2", "web"), None).unwrap(); // rv 6: starts matching
    s.delete(&ObjectKey::new("Pod", "default", "a"), None).unwrap(); // rv 7
    let want = vec![
        (Added, "web".to_string(), "2".to_string(), 2),
        (Modified, "web".into(), "3".into(), 3),
        // The DELETED of an object that stopped matching carries its last matching state at
        // the change's revision, as the watch cache sends it.
        (Deleted, "web".into(), "4".into(), 4),
        (Added, "web".into(), "6".into(), 6),
        (Deleted, "web".into(), "7".into(), 7),
    ];
    assert_eq!(summary(s.watches.drain(live)), want);
    // Replay from a revision applies the same rule to the history.
    let replayed = s.watch(filter("app=web", ""), Some(1), None).unwrap();
    assert_eq!(summary(s.watches.drain(replayed)), want);
    let from_middle = s.watch(filter("app=web", ""), Some(3), None).unwrap();
    assert_eq!(summary(s.watches.drain(from_middle)), want[2..].to_vec());
    // A node-pinned field selector (the kubelet's watch) follows the same rule.
    let pinned = s.watch(filter("", "spec.nodeName=n1"), Some(1), None).unwrap();
    let types: Vec<_> = summary(s.watches.drain(pinned)).into_iter().map(|(t, _, _, rv)| (t, rv)).collect();
    assert_eq!(types, vec![(Added, 3), (Modified, 4), (Deleted, 5)]);
}

#[test]
fn etcd_contract_table() {
    let mut s = Store::default();
    s.create(pod("a", "")).unwrap();
    assert_eq!(s.create(pod("a", "")).unwrap_err().message, "pods \"a\" already exists");
    assert_eq!(s.update(pod("b", ""), None).unwrap_err().message, "pods \"b\" not found");
    let stale = s.update(pod("a", "n1"), Some("999")).unwrap_err();
    assert_eq!(stale.code, 409);
    assert!(stale.message.ends_with("the object has been modified; please apply your changes to the latest version and try again"));
    let (a, _) = s.update(pod("a", "n1"), Some("1")).unwrap();
    assert_eq!(meta::resource_version(&a), "2");
    assert_eq!(s.pods_on_node("n1").len(), 1);
    let wrong_uid = s.delete(&ObjectKey::new("Pod", "default", "a"), Some("other")).unwrap_err();
    assert_eq!(wrong_uid.code, 409);
    s.delete(&ObjectKey::new("Pod", "default", "a"), Some("uid-a")).unwrap();
    assert!(s.pods_on_node("n1").is_empty());
    assert_eq!(s.revision(), 3);
}

#[test]
fn node_pinned_watch_sees_bind_as_added_and_unbind_as_deleted() {
    let mut s = Store::default();
    let mut f = WatchFilter::kind("Pod");
    f.fields = crate::selector::FieldSelector::parse("Pod", "spec.nodeName=n1").unwrap();
    let w = s.watch(f, None, Some(7)).unwrap();
    s.create(pod("a", "")).unwrap();
    assert!(s.watches.drain(w).is_empty());
    let (_, woken) = s.update(pod("a", "n1"), None).unwrap();
    assert_eq!(woken, vec![7]);
    s.update(pod("a", "n2"), None).unwrap();
    let types: Vec<_> = s.watches.drain(w).into_iter().map(|e| e.event_type).collect();
    assert_eq!(types, vec![WatchEventType::Added, WatchEventType::Deleted]);
}

#[test]
fn compacted_history_is_gone() {
    let mut s = Store::default();
    s.create(pod("a", "")).unwrap();
    s.history.entries.pop_front();
    s.create(pod("b", "")).unwrap();
    let err = s.watch(WatchFilter::kind("Pod"), Some(0), None);
    assert!(err.is_ok(), "rv 0 means 'from now with initial list'");
    assert_eq!(s.watch(WatchFilter::kind("Pod"), Some(0), None).map(|_| ()), Ok(()));
    s.history.entries.pop_front();
    s.create(pod("c", "")).unwrap();
    assert_eq!(s.watch(WatchFilter::kind("Pod"), Some(1), None).unwrap_err().code, 410);
}

#[derive(Clone, Debug)]
enum Op {
    Create(u8, u8, u8),
    Update(u8, u8, u8),
    Delete(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..6, 0u8..3, 0u8..3).prop_map(|(n, node, app)| Op::Create(n, node, app)),
        (0u8..6, 0u8..3, 0u8..3).prop_map(|(n, node, app)| Op::Update(n, node, app)),
        (0u8..6).prop_map(Op::Delete),
    ]
}

fn apply(s: &mut Store, o: &Op) -> bool {
    let node = |n: u8| ["", "n1", "n2"][n as usize];
    let app = |a: u8| ["", "web", "db"][a as usize];
    let r = match *o {
        Op::Create(n, d, a) => s.create(labelled(&format!("p{n}"), node(d), app(a))).map(|_| ()),
        Op::Update(n, d, a) => s.update(labelled(&format!("p{n}"), node(d), app(a)), None).map(|_| ()),
        Op::Delete(n) => s.delete(&ObjectKey::new("Pod", "default", &format!("p{n}")), None).map(|_| ()),
    };
    r.is_ok()
}

type Replica = BTreeMap<ObjectKey, Arc<Value>>;

/// The objects of the store a filter selects.
fn selected(s: &Store, f: &WatchFilter) -> Replica {
    s.all().filter(|(_, v)| f.matches(v)).map(|(k, v)| (k.clone(), Arc::clone(v))).collect()
}

/// Applies a watch stream to a client-side copy, checking revisions only increase (`ordered`;
/// the synthetic ADDED list a watch without resourceVersion starts with is in key order).
fn replay_into(mut replica: Replica, events: Vec<WatchEvent>, ordered: bool) -> Result<Replica, TestCaseError> {
    let mut prev_rv = 0;
    for e in events {
        prop_assert!(!ordered || e.resource_version > prev_rv, "revisions only increase");
        prev_rv = e.resource_version;
        let key = ObjectKey::of(&e.object);
        match e.event_type {
            WatchEventType::Deleted => {
                prop_assert!(replica.remove(&key).is_some(), "DELETED for an object the client never had");
            }
            WatchEventType::Added => {
                prop_assert!(replica.insert(key, e.object).is_none(), "ADDED for an object the client already had");
            }
            _ => {
                prop_assert!(replica.insert(key, e.object).is_some(), "MODIFIED for an object the client never had");
            }
        }
    }
    Ok(replica)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn replaying_the_watch_reproduces_the_store(ops in proptest::collection::vec(op(), 0..40), cut in 0usize..40, which in 0usize..4) {
        let f = [filter("", ""), filter("app=web", ""), filter("app!=db", "spec.nodeName=n1"), filter("", "spec.nodeName!=n2")][which].clone();
        let mut s = Store::default();
        // Revision 1 is not a pod, so a replay "after 1" covers every pod change.
        s.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "first", "namespace": "default"}})).unwrap();
        let live = s.watch(f.clone(), None, None).unwrap();
        let mut last_rv = s.revision();
        let (mut cut_rv, mut cut_state) = (s.revision(), Replica::new());
        for (i, o) in ops.iter().enumerate() {
            if i == cut {
                (cut_rv, cut_state) = (s.revision(), selected(&s, &f));
            }
            if apply(&mut s, o) {
                prop_assert!(s.revision() > last_rv, "revisions only increase");
                last_rv = s.revision();
            }
        }
        let want = selected(&s, &f);
        let live_events = s.watches.drain(live);
        prop_assert_eq!(&replay_into(Replica::new(), live_events.clone(), true)?, &want);
        // Replaying the history from before the first pod gives the live stream, event for event.
        let replayed = s.watch(f.clone(), Some(1), None).unwrap();
        prop_assert_eq!(s.watches.drain(replayed), live_events);
        // A client that listed at some revision and watches from there converges too.
        let resumed = s.watch(f.clone(), Some(cut_rv), None).unwrap();
        prop_assert_eq!(&replay_into(cut_state, s.watches.drain(resumed), true)?, &want);
        // Without a revision the stream starts with the current matches.
        let fresh = s.watch(f, Some(0), None).unwrap();
        prop_assert_eq!(&replay_into(Replica::new(), s.watches.drain(fresh), false)?, &want);
    }
}

/// A name-pinned watch's initial events come from one key lookup; they must be exactly the
/// list-and-filter result, for namespaced and cluster-scoped kinds, with and without a
/// namespace, and with a second field term.
#[test]
fn name_pinned_watch_starts_with_the_same_events_as_a_listed_one() {
    let mut s = Store::default();
    for (name, ns) in [("a", "default"), ("a", "other"), ("b", "default")] {
        s.create(json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns}, "spec": {"nodeName": "n1"}})).unwrap();
    }
    for name in ["node01", "node02"] {
        s.create(json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}})).unwrap();
    }
    let cases = [
        ("Pod", Some("default"), "metadata.name=a"),
        ("Pod", Some("other"), "metadata.name=a"),
        ("Pod", Some("default"), "metadata.name=zz"),
        ("Pod", None, "metadata.name=a"),
        ("Pod", Some("default"), "metadata.name=a,spec.nodeName=n2"),
        ("Node", None, "metadata.name=node02"),
        ("Node", Some("default"), "metadata.name=node02"),
        ("Node", Some(""), "metadata.name=node01"),
        ("Node", None, "metadata.name!=node02"),
    ];
    for (kind, ns, fields) in cases {
        let mut f = WatchFilter::kind(kind);
        f.namespace = ns.map(str::to_string);
        f.fields = crate::selector::FieldSelector::parse(kind, fields).unwrap();
        let want: Vec<String> = s.list(kind, ns).filter(|o| f.matches(o)).map(|o| format!("{}/{}", meta::namespace(o), meta::name(o))).collect();
        let id = s.watch(f, None, None).unwrap();
        let got: Vec<String> = s.watches.drain(id).iter().map(|e| format!("{}/{}", meta::namespace(&e.object), meta::name(&e.object))).collect();
        assert_eq!(got, want, "{kind} {ns:?} {fields}");
    }
}

/// The history answers with the versions each write made and replaced, whether it still holds
/// them live or has packed them: a table of creates, updates and deletes, checked entry by
/// entry against the `Arc`s the writes returned.
#[test]
fn history_entries_read_as_the_versions_written() {
    let mut s = Store::default();
    let mut written: Vec<(u64, Arc<Value>)> = Vec::new();
    let steps = [("create", "a", ""), ("create", "b", ""), ("update", "a", "n1"), ("update", "a", "n2"), ("delete", "b", ""), ("update", "a", ""), ("create", "b", "n1")];
    for (op, name, node) in steps {
        let (obj, _) = match op {
            "create" => s.create(pod(name, node)).unwrap(),
            "update" => s.update(pod(name, node), None).unwrap(),
            _ => s.delete(&ObjectKey::new("Pod", "default", name), None).unwrap(),
        };
        written.push((s.revision(), obj));
    }
    let history: Vec<&HistoryEntry> = s.history().iter().collect();
    assert_eq!(history.len(), written.len());
    let mut last_of: BTreeMap<String, Arc<Value>> = BTreeMap::new();
    for (e, (rv, obj)) in history.iter().zip(&written) {
        assert_eq!(e.resource_version, *rv);
        assert_eq!(e.kind(), "Pod");
        assert_eq!(*e.object(), **obj, "object at {rv}");
        assert_eq!(serde_json::to_string(&*e.object()).unwrap(), serde_json::to_string(&**obj).unwrap());
        let name = meta::name(obj).to_string();
        assert_eq!(e.prev().as_deref(), last_of.get(&name).map(|p| &**p), "prev at {rv}");
        if e.event_type == WatchEventType::Deleted {
            last_of.remove(&name);
        } else {
            last_of.insert(name, Arc::clone(obj));
        }
    }
    // Only the versions the store still serves stay shared with it; the rest were packed.
    let served: Vec<u64> = s.all().map(|(_, v)| meta::resource_version(v).parse().unwrap()).collect();
    for e in s.history() {
        let shared = s.all().any(|(_, v)| Arc::ptr_eq(v, &e.object()));
        assert_eq!(shared, served.contains(&e.resource_version) && e.event_type != WatchEventType::Deleted, "entry {}", e.resource_version);
    }
}
