//! Store tests: the etcd contract (existence, preconditions, revisions) and the property that
//! replaying a watch stream from revision 0 rebuilds exactly the store's contents.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn pod(name: &str, node: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")}, "spec": {"nodeName": node}})
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
    s.history.pop_front();
    s.create(pod("b", "")).unwrap();
    let err = s.watch(WatchFilter::kind("Pod"), Some(0 + 1 - 1 + 0), None);
    assert!(err.is_ok(), "rv 0 means 'from now with initial list'");
    assert_eq!(s.watch(WatchFilter::kind("Pod"), Some(0), None).map(|_| ()), Ok(()));
    s.history.pop_front();
    s.create(pod("c", "")).unwrap();
    assert_eq!(s.watch(WatchFilter::kind("Pod"), Some(1), None).unwrap_err().code, 410);
}

#[derive(Clone, Debug)]
enum Op {
    Create(u8, u8),
    Update(u8, u8),
    Delete(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..6, 0u8..3).prop_map(|(n, node)| Op::Create(n, node)),
        (0u8..6, 0u8..3).prop_map(|(n, node)| Op::Update(n, node)),
        (0u8..6).prop_map(Op::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn replaying_the_watch_reproduces_the_store(ops in proptest::collection::vec(op(), 0..40)) {
        let mut s = Store::default();
        let w = s.watch(WatchFilter::kind("Pod"), None, None).unwrap();
        let mut last_rv = 0;
        for o in ops {
            let node = |n: u8| ["", "n1", "n2"][n as usize].to_string();
            let r = match o {
                Op::Create(n, d) => s.create(pod(&format!("p{n}"), &node(d))).map(|_| ()),
                Op::Update(n, d) => s.update(pod(&format!("p{n}"), &node(d)), None).map(|_| ()),
                Op::Delete(n) => s.delete(&ObjectKey::new("Pod", "default", &format!("p{n}")), None).map(|_| ()),
            };
            if r.is_ok() {
                prop_assert!(s.revision() > last_rv, "revisions only increase");
                last_rv = s.revision();
            }
        }
        let mut replica: BTreeMap<ObjectKey, Arc<Value>> = BTreeMap::new();
        let mut prev_rv = 0;
        for e in s.watches.drain(w) {
            prop_assert!(e.resource_version > prev_rv);
            prev_rv = e.resource_version;
            let key = ObjectKey::of(&e.object);
            match e.event_type {
                WatchEventType::Deleted => { replica.remove(&key); }
                _ => { replica.insert(key, e.object); }
            }
        }
        let live: BTreeMap<ObjectKey, Arc<Value>> = s.all().map(|(k, v)| (k.clone(), Arc::clone(v))).collect();
        prop_assert_eq!(replica, live);
        let replayed = s.watch(WatchFilter::kind("Pod"), Some(0), None).unwrap();
        prop_assert_eq!(s.watches.drain(replayed).len(), s.list("Pod", None).count());
    }
}
