//! The checker's window onto the real simulation: `ClusterView` implemented over
//! `podlab_sim::Simulation`'s read-only API (`get`, `list`, `now`, `epoch`). Objects are read as
//! the API server stores them and events as the Event objects the recorders wrote, so the
//! checker judges exactly what `kubectl get -o json` would show, never kubectl's text.

use crate::view::{scalar_text, ClusterView, EventView};
use podlab_sim::Simulation;
use serde_json::Value;

/// Kinds without a namespace: the store keys them with an empty namespace.
const CLUSTER_SCOPED: &[&str] = &["Node", "Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"];

/// A borrowed view of a simulation at its current instant.
pub struct SimView<'a> {
    pub sim: &'a Simulation,
}

impl<'a> SimView<'a> {
    pub fn new(sim: &'a Simulation) -> SimView<'a> {
        SimView { sim }
    }

    /// An event's last occurrence in simulated ms: core/v1 `lastTimestamp`, or the
    /// events.k8s.io `series.lastObservedTime` / `eventTime` the scheduler writes.
    fn event_ms(&self, ev: &Value) -> u64 {
        let text = ["/lastTimestamp", "/series/lastObservedTime", "/eventTime", "/metadata/creationTimestamp"]
            .iter()
            .find_map(|p| ev.pointer(p).and_then(Value::as_str));
        text.and_then(|t| self.sim.epoch().parse(t)).map(|t| t.as_millis()).unwrap_or(0)
    }
}

impl ClusterView for SimView<'_> {
    fn now_ms(&self) -> u64 {
        self.sim.now().as_millis()
    }

    fn object(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let ns = if CLUSTER_SCOPED.contains(&kind) { "" } else { namespace };
        self.sim.get(kind, ns, name).cloned()
    }

    fn events(&self) -> Vec<EventView> {
        self.sim
            .list("Event", None)
            .into_iter()
            .map(|ev| {
                let text = |p: &str| ev.pointer(p).map(scalar_text).unwrap_or_default();
                EventView {
                    uid: text("/metadata/uid"),
                    reason: text("/reason"),
                    event_type: text("/type"),
                    message: text("/message"),
                    object_kind: text("/involvedObject/kind"),
                    object_name: text("/involvedObject/name"),
                    namespace: text("/metadata/namespace"),
                    count: ev.pointer("/series/count").or_else(|| ev.get("count")).and_then(Value::as_u64).unwrap_or(1),
                    last_ms: self.event_ms(ev),
                }
            })
            .collect()
    }
}
