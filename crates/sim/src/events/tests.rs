//! Recorder tests: client-go's dedup (count, first/last timestamps), aggregation after ten
//! similar events, the spam filter, the events.k8s.io series and the 1 h TTL.

use super::*;
use crate::time::SimDuration;

fn pod_ref() -> ObjectRef {
    ObjectRef { kind: "Pod".into(), namespace: "default".into(), name: "web".into(), uid: "u1".into(), api_version: "v1".into(), ..ObjectRef::default() }
}

fn kubelet(reason: &str, message: &str) -> EventRecord {
    EventRecord {
        regarding: pod_ref().with_field_path("spec.containers{app}"),
        event_type: EventType::Warning,
        reason: reason.into(),
        message: message.into(),
        component: "kubelet".into(),
        host: "node01".into(),
        action: String::new(),
    }
}

fn events(store: &Store) -> Vec<Value> {
    store.list("Event", Some("default")).map(|e| (**e).clone()).collect()
}

#[test]
fn identical_events_fold_into_a_count() {
    let (mut s, mut r, e) = (Store::default(), Recorder::new(1), Epoch::default());
    let ev = kubelet("BackOff", "Back-off restarting failed container app in pod web_default(u1)");
    r.record_legacy(&mut s, e, SimTime(1_000), &ev);
    r.record_legacy(&mut s, e, SimTime(11_000), &ev);
    let (rec, _) = r.record_legacy(&mut s, e, SimTime(31_000), &ev);
    assert!(matches!(rec, Recorded::Updated { count: 3, .. }));
    let all = events(&s);
    assert_eq!(all.len(), 1);
    let x = &all[0];
    assert_eq!((x["count"].as_u64(), x["firstTimestamp"].as_str(), x["lastTimestamp"].as_str()), (Some(3), Some("2025-01-01T12:00:01Z"), Some("2025-01-01T12:00:31Z")));
    assert_eq!(x["involvedObject"]["fieldPath"], "spec.containers{app}");
    assert_eq!(x["source"], serde_json::json!({"component": "kubelet", "host": "node01"}));
    assert!(x["metadata"]["name"].as_str().unwrap().starts_with("web."));
}

#[test]
fn ten_similar_events_are_combined() {
    let (mut s, mut r, e) = (Store::default(), Recorder::new(1), Epoch::default());
    for i in 0..10 {
        r.record_legacy(&mut s, e, SimTime(i * 1000), &kubelet("Unhealthy", &format!("Liveness probe failed: attempt {i}")));
    }
    let all = events(&s);
    assert_eq!(all.len(), 10);
    assert!(all.iter().any(|x| x["message"] == "(combined from similar events): Liveness probe failed: attempt 9"));
}

#[test]
fn spam_filter_allows_a_burst_of_25_then_one_per_five_minutes() {
    let (mut s, mut r, e) = (Store::default(), Recorder::new(1), Epoch::default());
    let mut dropped = 0;
    for i in 0..30 {
        let ev = kubelet(&format!("R{i}"), "m");
        if r.record_legacy(&mut s, e, SimTime(i), &ev).0 == Recorded::DroppedBySpamFilter {
            dropped += 1;
        }
    }
    assert_eq!(dropped, 5);
    assert_ne!(r.record_legacy(&mut s, e, SimTime(300_100), &kubelet("Late", "m")).0, Recorded::DroppedBySpamFilter);
}

#[test]
fn scheduler_series_and_ttl() {
    let (mut s, mut r, e) = (Store::default(), Recorder::new(1), Epoch::default());
    let ev = EventRecord {
        regarding: pod_ref(),
        event_type: EventType::Warning,
        reason: "FailedScheduling".into(),
        message: "0/3 nodes are available: 3 Insufficient cpu.".into(),
        component: "default-scheduler".into(),
        host: "default-scheduler-controlplane".into(),
        action: "Scheduling".into(),
    };
    assert!(matches!(r.record_series(&mut s, e, SimTime(0), &ev).0, Recorded::Created { .. }));
    assert!(matches!(r.record_series(&mut s, e, SimTime(5_000), &ev).0, Recorded::Updated { count: 2, .. }));
    assert!(matches!(r.record_series(&mut s, e, SimTime(9_000), &ev).0, Recorded::Cached { count: 3 }));
    let x = events(&s).remove(0);
    assert_eq!(x["series"]["count"], 2);
    assert_eq!(x["eventTime"], "2025-01-01T12:00:00.000000Z");
    assert!(x["firstTimestamp"].is_null() && x["source"] == serde_json::json!({}));
    // The 6-minute finish ticker writes the final count once the series has been quiet.
    let t = SimTime(720_000);
    r.expire(&mut s, e, t);
    assert_eq!(events(&s)[0]["series"]["count"], 3);
    // One hour after the last write the event is gone.
    assert!(r.next_wakeup().is_some());
    r.expire(&mut s, e, t.plus(EVENT_TTL).plus(SimDuration(1)));
    assert!(events(&s).is_empty());
}

/// `NameFirst` is a total order that tells apart exactly the keys `ObjectKey` tells apart
/// (keys equal in any two of kind, namespace and name), so `written` holds one entry per event.
#[test]
fn name_first_orders_keys_as_distinct_as_object_key() {
    let parts = ["", "a", "b", "default", "Event"];
    let mut keys = Vec::new();
    for k in parts {
        for ns in parts {
            for n in parts {
                keys.push(ObjectKey { kind: k.into(), namespace: ns.into(), name: n.into() });
            }
        }
    }
    for a in &keys {
        for b in &keys {
            let (x, y) = (NameFirst(Arc::new(a.clone())), NameFirst(Arc::new(b.clone())));
            assert_eq!(x == y, a == b, "{a:?} {b:?}");
            assert_eq!(x.cmp(&y), (&a.name, &a.namespace, &a.kind).cmp(&(&b.name, &b.namespace, &b.kind)));
            assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
        }
    }
    let map: BTreeMap<NameFirst, usize> = keys.iter().enumerate().map(|(i, k)| (NameFirst(Arc::new(k.clone())), i)).collect();
    assert_eq!(map.len(), keys.len());
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(map.get(&NameFirst(Arc::new(k.clone()))), Some(&i));
    }
}

/// A new events.k8s.io Event cloned from the template serialises exactly as the one built key
/// by key, for references with and without namespace, uid, resourceVersion and field path.
#[test]
fn series_event_from_the_template_equals_the_inserted_one() {
    let template = series_template();
    let node = ObjectRef { kind: "Node".into(), name: "node01".into(), ..ObjectRef::default() };
    let regardings = [pod_ref(), pod_ref().with_field_path("spec.containers{app}"), node, ObjectRef { resource_version: "42".into(), ..pod_ref() }];
    let e = Epoch::default();
    for (i, regarding) in regardings.into_iter().enumerate() {
        let ev = EventRecord { regarding, event_type: EventType::Normal, reason: "Scheduled".into(), message: format!("m{i}"), component: "default-scheduler".into(), host: "h".into(), action: "Binding".into() };
        let now = SimTime(1000 * i as u64);
        let want = series_event(&ev, "web.1", "default", format!("uid-{i}"), e, now);
        let got = series_event_from(&template, &ev, "web.1", "default", format!("uid-{i}"), e, now);
        assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());
        assert_eq!(got, want);
    }
}
