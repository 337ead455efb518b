//! The checker against hand-built API objects: `for:` clocks reset when the pod is replaced
//! or restarts, event checks latch, learner predicates follow the action log, state hints and
//! golf appear when they should. The same code runs against the simulation in `replay.rs`.

use podlab_lessons::catalog::decode_value;
use podlab_lessons::{Checker, ClusterView, EventView, Task};
use serde_json::{json, Value};
use std::collections::BTreeMap;

#[derive(Default)]
struct Fake {
    now: u64,
    objects: BTreeMap<(String, String), Value>,
    events: Vec<EventView>,
}

impl ClusterView for Fake {
    fn now_ms(&self) -> u64 {
        self.now
    }
    fn object(&self, kind: &str, _ns: &str, name: &str) -> Option<Value> {
        self.objects.get(&(kind.to_string(), name.to_string())).cloned()
    }
    fn events(&self) -> Vec<EventView> {
        self.events.clone()
    }
}

fn pod(uid: &str, phase: &str, ready: bool, restarts: u64) -> Value {
    json!({"metadata": {"name": "web", "uid": uid},
           "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
           "status": {"phase": phase,
                      "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}],
                      "containerStatuses": [{"name": "web", "ready": ready, "restartCount": restarts,
                                             "state": if ready { json!({"running": {}}) } else { json!({"waiting": {"reason": "CrashLoopBackOff"}}) }}]}})
}

fn task() -> Task {
    let v = json!({
        "slug": "t", "title": "T", "track": "x", "difficulty": "beginner", "story": "s",
        "goal": [
            {"text": "stable", "that": {"restarts_stable": {"pod": "web"}}, "for": "60s"},
            {"text": "image", "that": {"field": {"kind": "Pod", "name": "web", "path": "spec.containers[name=web].image", "equals": "nginx:1.27"}}},
            {"text": "looked", "that": {"ran_before_change": {"any_of": ["describe", "logs"]}}},
            {"text": "pulled", "that": {"event": {"reason": "Pulled", "object": "web"}}}
        ],
        "hints": ["h"],
        "state_hints": [{"when": {"not": {"ran": {"verb": "describe"}}}, "text": "look at the Events"}],
        "solution": [{"run": "kubectl describe pod web"}, {"run": "kubectl delete pod web"}, {"wait": "30s"}, {"run": "sleep 10s"}]
    });
    decode_value("test.yaml", v).expect("test task decodes")
}

fn pulled(at: u64) -> EventView {
    EventView { uid: "e1".into(), reason: "Pulled".into(), event_type: "Normal".into(), message: String::new(),
        object_kind: "Pod".into(), object_name: "web".into(), namespace: "default".into(), count: 1, last_ms: at }
}

#[test]
fn for_clock_resets_on_restart_and_replacement() {
    let mut view = Fake::default();
    let mut c = Checker::new(&task(), 0);
    view.objects.insert(("Pod".into(), "web".into()), pod("u1", "Running", true, 0));
    view.now = 1_000;
    assert!(!c.evaluate(&view).items[0].holds);
    view.now = 40_000;
    let list = c.evaluate(&view);
    assert!(!list.items[0].holds);
    assert!(list.items[0].why_not.contains("39s of the 60s"), "{}", list.items[0].why_not);
    // A restart changes the fingerprint: the clock starts over.
    view.objects.insert(("Pod".into(), "web".into()), pod("u1", "Running", true, 1));
    view.now = 70_000;
    assert!(!c.evaluate(&view).items[0].holds);
    view.now = 130_000;
    assert!(c.evaluate(&view).items[0].holds);
    // A replacement Pod (new uid) also restarts the clock.
    view.objects.insert(("Pod".into(), "web".into()), pod("u2", "Running", true, 1));
    view.now = 131_000;
    assert!(!c.evaluate(&view).items[0].holds);
}

#[test]
fn learner_predicates_events_hints_and_golf() {
    let mut view = Fake::default();
    view.objects.insert(("Pod".into(), "web".into()), pod("u1", "Running", true, 0));
    let mut c = Checker::new(&task(), 5_000);
    assert_eq!(c.state_hints(&view), vec!["look at the Events".to_string()]);
    // Events from before the task started do not count.
    view.events.push(pulled(1_000));
    view.now = 6_000;
    let list = c.evaluate(&view);
    assert!(!list.items[3].holds);
    assert_eq!(list.items[2].why_not, "investigate first: run `kubectl describe` or `kubectl logs` before changing anything");
    c.record_command("kubectl describe pod web", 7_000, 0);
    c.record_command("kubectl delete pod web", 8_000, 0);
    view.events.push(pulled(9_000));
    view.now = 10_000;
    assert!(c.evaluate(&view).items[3].holds);
    // The event expires (1h TTL) but the check stays met.
    view.events.clear();
    view.now = 70_000;
    let list = c.evaluate(&view);
    assert!(list.items.iter().all(|i| i.holds), "{list:?}");
    assert!(list.solved);
    let golf = c.golf().expect("solved");
    assert_eq!((golf.commands, golf.sim_ms, golf.reference_commands), (2, 65_000, 2));
    assert!(c.state_hints(&view).is_empty());
}

#[test]
fn why_not_names_object_and_value() {
    let mut view = Fake::default();
    let mut broken = pod("u1", "Running", false, 3);
    broken["spec"]["containers"][0]["image"] = json!("nginx:1.277");
    view.objects.insert(("Pod".into(), "web".into()), broken);
    let mut c = Checker::new(&task(), 0);
    let list = c.evaluate(&view);
    assert_eq!(list.items[0].why_not, "container \"web\" of pod \"web\" is waiting (CrashLoopBackOff), not running");
    assert_eq!(list.items[1].why_not, "Pod \"web\" spec.containers[name=web].image is nginx:1.277, want nginx:1.27");
    view.objects.clear();
    assert_eq!(c.evaluate(&view).items[0].why_not, "pod \"web\" does not exist");
}
