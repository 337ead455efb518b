//! The trace: a structured record of every step the cluster takes — each API request's
//! authentication, authorization (with the RBAC rule that matched), admission diff, validation
//! and etcd write, every watch notification a component acted on, each scheduling cycle's
//! per-node filter reasons and per-plugin scores, and every event recorded. The UI's apply
//! journey and timeline are built from it alone, so details are data, not prose.
//!
//! Entries are kept for the whole session, so they are compact: component and step names are
//! interned `Label`s, the bulky per-cycle details are typed values that become JSON only
//! when read, and details given as JSON are packed as they are pushed (`details`).

mod details;

pub use details::{DetailSource, Details, Interner, Label};

use crate::time::SimTime;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The step passed / succeeded.
    Ok,
    /// A policy said no (RBAC denial, admission rejection, unschedulable).
    Denied,
    /// The request or object was malformed (decode or validation failure, not found).
    Error,
    /// A step that only reports (watch delivery, event recorded).
    Info,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEntry {
    /// Position in the trace (stable identifier for the UI).
    pub seq: u64,
    pub time: SimTime,
    /// `kube-apiserver`, `etcd`, `kube-scheduler`, `kubelet/node01`, `event-recorder`, ...
    pub component: Label,
    /// `authentication`, `authorization`, `mutating-admission`, `validation`, `persistence`,
    /// `filter`, `score`, `bind`, ...
    pub step: Label,
    pub outcome: Outcome,
    /// The API request this step belongs to, when it belongs to one.
    pub request: Option<u64>,
    /// `Kind/namespace/name` of the object concerned ("" when none).
    pub object: Label,
    /// Reads as the step's JSON details (`Deref<Target = serde_json::Value>`).
    pub details: Details,
}

/// Traces are bounded: a browser tab left running for days drops the oldest half instead of
/// growing without end; `dropped` says how many entries went.
pub const TRACE_MAX: usize = 1_000_000;

#[derive(Debug, Default)]
pub struct Trace {
    entries: Vec<TraceEntry>,
    next_seq: u64,
    dropped: u64,
    /// Scheduler per-node detail is capped at this many nodes per cycle (0 = no per-node detail).
    pub node_detail_max: usize,
    names: Interner,
    /// Scratch space for packing JSON details (reused, so a detail costs one allocation).
    pack_buf: Vec<u8>,
}

impl Trace {
    pub fn new(node_detail_max: usize) -> Self {
        Trace { node_detail_max, ..Trace::default() }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push(&mut self, time: SimTime, component: &str, step: &str, outcome: Outcome, request: Option<u64>, object: impl Into<Label>, details: impl Into<Details>) {
        let component = self.names.intern(component);
        self.push_labeled(time, component, step, outcome, request, object.into(), details.into());
    }

    /// `push` for a caller holding its component's interned label (a component's `Ctx`).
    #[allow(clippy::too_many_arguments)]
    pub fn push_labeled(&mut self, time: SimTime, component: Label, step: &str, outcome: Outcome, request: Option<u64>, object: Label, details: Details) {
        if self.entries.len() >= TRACE_MAX {
            let half = TRACE_MAX / 2;
            self.entries.drain(..half);
            self.dropped += half as u64;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let step = self.names.intern(step);
        let details = details.packed(&mut self.pack_buf);
        self.entries.push(TraceEntry { seq, time, component, step, outcome, request, object, details });
    }

    /// The shared copy of a repeated string (component names, event reasons and sources).
    pub fn intern(&mut self, s: &str) -> Label {
        self.names.intern(s)
    }

    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries
    }

    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Entries of one API request, in order (the apply journey of that request).
    pub fn for_request(&self, request: u64) -> impl Iterator<Item = &TraceEntry> {
        self.entries.iter().filter(move |e| e.request == Some(request))
    }
}

/// `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects).
pub fn object_label(kind: &str, namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{namespace}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// What a trace keeps reads, serialises, compares and prints exactly as the detail it was
    /// given, for every shape of JSON a producer hands it; and an entry stays small.
    #[test]
    fn pushed_details_read_as_given() {
        let cases = [
            json!(null),
            json!({}),
            json!([]),
            json!("text"),
            json!({"op": "create", "resourceVersion": "162"}),
            json!({"plugin": "ServiceAccount", "patch": [{"op": "add", "path": "/spec/volumes", "value": [{"name": "kube-api-access-4k9q9", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}], "defaultMode": 420}}]}]}),
            json!({"errors": [{"field": "spec.containers[0].image", "detail": "Required value"}], "ratio": 0.25, "delta": -3, "big": u64::MAX}),
        ];
        let mut trace = Trace::new(0);
        for (i, v) in cases.iter().enumerate() {
            trace.push(SimTime(i as u64), "kube-apiserver", "validation", Outcome::Ok, Some(1), "Pod/default/web", v.clone());
        }
        for (e, v) in trace.entries().iter().zip(&cases) {
            let given = Details::from(v.clone());
            assert_eq!(serde_json::to_string(&e.details).unwrap(), serde_json::to_string(v).unwrap());
            assert_eq!(format!("{:?}", e.details), format!("{given:?}"));
            assert_eq!(e.details, given);
            assert_eq!(e.details, *v);
            assert_eq!(e.details.to_value(), *v);
            let read: &Value = &e.details;
            assert_eq!(read, v);
        }
        assert_eq!(std::mem::size_of::<Details>(), 16);
        assert!(std::mem::size_of::<TraceEntry>() <= 80, "{}", std::mem::size_of::<TraceEntry>());
        // Labels are one pointer wide and a score row is a quarter of its old 64 bytes.
        assert_eq!(std::mem::size_of::<Label>(), 8);
        assert_eq!(std::mem::size_of::<crate::scheduler::trace_detail::ScoreRow>(), 16);
    }
}
