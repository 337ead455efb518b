//! The kubelet's node-level duties beside its pods, as one component per node
//! (`node-lease/<node>`, paused and resumed with the node's kubelet): the heartbeat Lease in
//! kube-node-lease (renewed every 10s, leaseDurationSeconds 40, holderIdentity the node name,
//! no acquireTime — exactly what `kubectl describe node` shows under `Lease:`), the node status
//! sync (checked every nodeStatusUpdateFrequency of 10s but posted only when it changed or
//! every nodeStatusReportFrequency of 5m, which is when the conditions' lastHeartbeatTime
//! moves), and the kubelet's node events when it starts (`Starting kubelet.`, the three
//! `NodeHas…` condition events, `NodeAllocatableEnforced`, `NodeReady`). Like the real kubelet
//! its node events reference the node with the node *name* as uid, in namespace `default`.

use crate::component::{Component, Ctx, Wake};
use crate::controllers::nodelifecycle::{node_ready, LEASE_DURATION_SECS, LEASE_NAMESPACE, LEASE_RENEW};
use crate::controllers::{submit_obj, Informer};
use crate::events::{EventRecord, EventType, ObjectRef};
use crate::meta;
use crate::request::ApiRequest;
use crate::selector::FieldSelector;
use crate::store::WatchFilter;
use crate::time::{SimDuration, SimTime};
use serde_json::{json, Value};

/// kubelet `nodeStatusReportFrequency`: an unchanged status is still posted this often.
pub const NODE_STATUS_REPORT: SimDuration = SimDuration(300_000);
const TICK: u64 = 1;

/// The healthy conditions the kubelet's setters report: type, status, reason, message, and the
/// event a transition into that state records.
const HEALTHY: [(&str, &str, &str, &str, &str); 4] = [
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", "NodeHasSufficientMemory"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", "NodeHasSufficientPID"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status", "NodeReady"),
];

pub struct NodeHeartbeat {
    node: String,
    nodes: Informer,
    lease: Option<Value>,
    /// The kubelet process (re)started and has not yet recorded its start-up events.
    starting: bool,
    /// When the node status was last posted (the Node is registered with a fresh status at
    /// bootstrap, time 0).
    last_report: SimTime,
}

impl NodeHeartbeat {
    pub fn new(node: &str) -> Self {
        NodeHeartbeat { node: node.to_string(), nodes: Informer::default(), lease: None, starting: true, last_report: SimTime::ZERO }
    }

    /// `systemctl start kubelet` after a stop: a new kubelet process announces itself again.
    pub fn restarted(&mut self) {
        self.starting = true;
    }

    /// The kubelet's `nodeRef`: kind Node, the node name as both name and uid, no namespace.
    fn node_ref(&self) -> ObjectRef {
        ObjectRef { kind: "Node".into(), name: self.node.clone(), uid: self.node.clone(), ..ObjectRef::default() }
    }

    fn node_event(&self, ctx: &mut Ctx<'_>, reason: &str, message: String) {
        let ev = EventRecord {
            regarding: self.node_ref(),
            event_type: EventType::Normal,
            reason: reason.into(),
            message,
            component: "kubelet".into(),
            host: self.node.clone(),
            action: String::new(),
        };
        ctx.record_event(&ev);
    }

    /// What kubelet.Run records: `Starting` and the container manager's allocatable
    /// enforcement. At bootstrap the node was registered with its first status in the same
    /// instant, so the setters' condition events and NodeReady come with them; after a restart
    /// they come from the status sync, for the conditions that actually transition.
    fn announce_start(&mut self, ctx: &mut Ctx<'_>, first_start: bool) {
        self.starting = false;
        self.node_event(ctx, "Starting", "Starting kubelet.".into());
        if first_start {
            for (.., event) in &HEALTHY[..3] {
                self.node_event(ctx, event, format!("Node {} status is now: {event}", self.node));
            }
        }
        self.node_event(ctx, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods".into());
        if first_start {
            self.node_event(ctx, "NodeReady", format!("Node {} status is now: NodeReady", self.node));
        }
    }

    fn renew(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.epoch().rfc3339_micro(ctx.now());
        let req = match self.lease.take() {
            Some(mut l) => {
                l["spec"]["renewTime"] = json!(now);
                ApiRequest::update(l)
            }
            None => {
                let owner = self.nodes.get("", &self.node).map(|n| json!([{"apiVersion": "v1", "kind": "Node", "name": self.node, "uid": meta::uid(n)}])).unwrap_or(json!([]));
                ApiRequest::create(json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": {"name": self.node, "namespace": LEASE_NAMESPACE, "ownerReferences": owner},
                    "spec": {"holderIdentity": self.node, "leaseDurationSeconds": LEASE_DURATION_SECS, "renewTime": now}}))
            }
        };
        self.lease = submit_obj(ctx, req).ok();
    }

    /// `tryUpdateNodeStatus`: a node that is not Ready (the node lifecycle controller marked it
    /// Unknown while this kubelet was away) gets the healthy conditions back with NodeReady and
    /// its condition events; an unchanged one gets a fresh lastHeartbeatTime every 5 minutes.
    fn sync_status(&mut self, ctx: &mut Ctx<'_>) {
        let Some(node) = self.nodes.get("", &self.node).map(|n| (**n).clone()) else { return };
        let recovering = node_ready(&node) != "True";
        if !recovering && ctx.now().since(self.last_report) < NODE_STATUS_REPORT {
            return;
        }
        let now = ctx.epoch().rfc3339(ctx.now());
        let mut copy = node.clone();
        let old: Vec<Value> = meta::at(&node, &["status", "conditions"]).and_then(Value::as_array).cloned().unwrap_or_default();
        let mut transitions: Vec<&str> = Vec::new();
        let conds: Vec<Value> = HEALTHY
            .iter()
            .map(|(t, s, r, m, event)| {
                let prev = old.iter().find(|c| c["type"] == *t);
                let same = prev.is_some_and(|c| c["status"] == *s);
                if !same {
                    transitions.push(event);
                }
                let since = prev.filter(|_| same).and_then(|c| c["lastTransitionTime"].as_str()).unwrap_or(&now).to_string();
                json!({"type": t, "status": s, "lastHeartbeatTime": now, "lastTransitionTime": since, "reason": r, "message": m})
            })
            .collect();
        copy["status"]["conditions"] = json!(conds);
        if let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(copy)) {
            self.last_report = ctx.now();
            for event in transitions {
                self.node_event(ctx, event, format!("Node {} status is now: {event}", self.node));
            }
            self.nodes.assume(stored);
        }
    }
}

impl Component for NodeHeartbeat {
    fn name(&self) -> String {
        format!("node-lease/{}", self.node)
    }
    fn user(&self) -> String {
        format!("system:node:{}", self.node)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.nodes = Informer::new("Node");
        let fields = FieldSelector::parse("Node", &format!("metadata.name={}", self.node)).unwrap_or_default();
        let filter = WatchFilter { fields, ..WatchFilter::kind("Node") };
        if let Ok(id) = ctx.watch(filter, None) {
            self.nodes.set_watch(id);
        }
        // The first renewal runs as a timer, not inside registration, so bootstrap issues no
        // API requests of its own.
        ctx.set_background_timer(ctx.now(), TICK);
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        self.nodes.pump(ctx);
        if self.starting {
            let first_start = self.lease.is_none() && self.last_report == SimTime::ZERO;
            self.announce_start(ctx, first_start);
        }
        if wake == Wake::Timer(TICK) {
            self.renew(ctx);
            ctx.set_background_timer(ctx.now().plus(LEASE_RENEW), TICK);
        }
        self.sync_status(ctx);
    }
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_conditions_name_their_transition_events() {
        let events: Vec<&str> = HEALTHY.iter().map(|h| h.4).collect();
        assert_eq!(events, ["NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID", "NodeReady"]);
        assert_eq!(NODE_STATUS_REPORT.0, 30 * LEASE_RENEW.0);
    }
}
