//! The event recorder's trace detail: which event a component reported and what the recorder
//! did with it (created, counted, cached in a series, dropped by the spam filter). Recorded for
//! every event, so it is typed — reasons, sources and field paths are interned — and becomes
//! the JSON the timeline reads only when read.

use super::{EventRecord, EventType, Recorded};
use crate::apiserver::diff::fields;
use crate::trace::{DetailSource, Label, Trace};
use serde_json::Value;

#[derive(Debug)]
pub struct EventDetail {
    event_type: EventType,
    reason: Label,
    message: String,
    source: Label,
    host: Label,
    field_path: Label,
    result: Recorded,
}

impl EventDetail {
    pub fn new(trace: &mut Trace, ev: &EventRecord, recorded: &Recorded) -> Self {
        EventDetail {
            event_type: ev.event_type,
            reason: trace.intern(&ev.reason),
            message: ev.message.clone(),
            source: trace.intern(&ev.component),
            host: trace.intern(&ev.host),
            field_path: trace.intern(&ev.regarding.field_path),
            result: recorded.clone(),
        }
    }
}

fn text(s: &str) -> Value {
    Value::String(s.to_string())
}

impl DetailSource for EventDetail {
    fn to_json(&self) -> Value {
        let result = match &self.result {
            Recorded::Created { name } => fields([("created", text(name))]),
            Recorded::Updated { name, count } => fields([("updated", text(name)), ("count", Value::from(*count))]),
            Recorded::Cached { count } => fields([("seriesCount", Value::from(*count))]),
            Recorded::DroppedBySpamFilter => fields([("dropped", text("spam filter"))]),
        };
        fields([
            ("type", text(self.event_type.as_str())),
            ("reason", text(&self.reason)),
            ("message", text(&self.message)),
            ("source", text(&self.source)),
            ("host", text(&self.host)),
            ("fieldPath", text(&self.field_path)),
            ("result", result),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::ObjectRef;
    use serde_json::json;

    /// The JSON `Core::record_event` built before the detail was typed.
    fn old_json(ev: &EventRecord, recorded: &Recorded) -> Value {
        let what = match recorded {
            Recorded::Created { name } => json!({"created": name}),
            Recorded::Updated { name, count } => json!({"updated": name, "count": count}),
            Recorded::Cached { count } => json!({"seriesCount": count}),
            Recorded::DroppedBySpamFilter => json!({"dropped": "spam filter"}),
        };
        json!({
            "type": ev.event_type.as_str(), "reason": ev.reason, "message": ev.message,
            "source": ev.component, "host": ev.host, "fieldPath": ev.regarding.field_path, "result": what,
        })
    }

    #[test]
    fn same_json_as_before_for_every_outcome() {
        let pod = ObjectRef { kind: "Pod".into(), namespace: "default".into(), name: "web".into(), ..ObjectRef::default() };
        let evs = [
            EventRecord { regarding: pod.clone(), event_type: EventType::Normal, reason: "Scheduled".into(), message: "Successfully assigned default/web to node01".into(), component: "default-scheduler".into(), host: "default-scheduler-controlplane".into(), action: "Binding".into() },
            EventRecord { regarding: pod.with_field_path("spec.containers{app}"), event_type: EventType::Warning, reason: "BackOff".into(), message: "Back-off \"x\"\n".into(), component: "kubelet".into(), host: String::new(), action: String::new() },
        ];
        let results = [
            Recorded::Created { name: "web.1".into() },
            Recorded::Updated { name: "web.1".into(), count: 3 },
            Recorded::Cached { count: 7 },
            Recorded::DroppedBySpamFilter,
        ];
        let mut trace = Trace::new(0);
        for ev in &evs {
            for r in &results {
                let got = EventDetail::new(&mut trace, ev, r).to_json();
                let want = old_json(ev, r);
                assert_eq!(serde_json::to_string(&got).unwrap(), serde_json::to_string(&want).unwrap());
            }
        }
    }
}
