//! Node health: the node lifecycle controller that registers each node (`RegisteredNode`) and
//! judges it from both heartbeats the kubelet sends (its Lease's renewTime, see
//! `kubelet::node_status`, and the Ready condition's lastHeartbeatTime), noticing a silent node
//! after the node-monitor grace period (50s, checked every 5s) — Ready and the pressure
//! conditions turn Unknown with "Kubelet stopped posting node status.", the node gets the
//! `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints and its pods Ready=False —
//! and the faults: `Simulation::stop_kubelet` / `start_kubelet` (the kubelet service alone
//! stops; containers keep running and answering on their pod IPs) and `stop_node` /
//! `start_node` (the machine powers off and drops out of the pod network). Either way the
//! kubelet resumes with everything it missed.

use super::shared_informer::Registration;
use super::{event, sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::sim::Simulation;
use crate::time::{SimDuration, SimTime};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const NAME: &str = "node-controller";
pub const LEASE_NAMESPACE: &str = "kube-node-lease";
pub const LEASE_DURATION_SECS: u64 = 40;
/// The kubelet renews its lease every 25% of the lease duration.
pub const LEASE_RENEW: SimDuration = SimDuration(10_000);
pub const NODE_MONITOR_PERIOD: SimDuration = SimDuration(5_000);
pub const NODE_MONITOR_GRACE: SimDuration = SimDuration(50_000);
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const STOPPED_MESSAGE: &str = "Kubelet stopped posting node status.";

/// One kubelet heartbeat component per node (see `kubelet::node_status`).
pub(crate) fn register_lease_renewers(sim: &mut Simulation) {
    let nodes: Vec<String> = sim.cluster().nodes.iter().map(|n| n.name.clone()).collect();
    for node in nodes {
        sim.register_component(Box::new(crate::kubelet::node_status::NodeHeartbeat::new(&node)));
    }
}

pub fn node_ready(node: &Value) -> &str {
    let conds = meta::at(node, &["status", "conditions"]).and_then(Value::as_array);
    conds.and_then(|a| a.iter().find(|c| c["type"] == "Ready")).and_then(|c| c["status"].as_str()).unwrap_or("Unknown")
}

pub fn has_taint(node: &Value, key: &str, effect: &str) -> bool {
    meta::at(node, &["spec", "taints"]).and_then(Value::as_array).is_some_and(|a| a.iter().any(|t| t["key"] == key && t["effect"] == effect))
}

/// The node lifecycle controller's health monitor (`monitorNodeHealth`).
#[derive(Default)]
pub struct NodeLifecycleController {
    nodes: Informer,
    leases: Informer,
    pods: Registration,
    /// Per node: the last observed heartbeat (Lease renewTime and Ready lastHeartbeatTime) and
    /// when this controller saw it change (`probeTimestamp`).
    probe: BTreeMap<String, (String, SimTime)>,
    /// Nodes already announced with `RegisteredNode` (`knownNodeSet`).
    known: std::collections::BTreeSet<String>,
}

impl Component for NodeLifecycleController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.nodes = Informer::new("Node");
        self.leases = Informer::new("Lease");
        for i in [&mut self.nodes, &mut self.leases] {
            i.start(ctx);
        }
        self.pods.start(ctx, "Pod");
        ctx.set_background_timer(ctx.now().plus(NODE_MONITOR_PERIOD), 1);
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        self.nodes.pump(ctx);
        self.pods.catch_up(ctx);
        self.leases.pump(ctx);
        if wake == Wake::Timer(1) {
            self.observe_heartbeats(ctx.now());
            self.monitor(ctx);
            ctx.set_background_timer(ctx.now().plus(NODE_MONITOR_PERIOD), 1);
        }
    }
}

impl NodeLifecycleController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    /// `tryUpdateNodeHealth`'s probe: a node is heard from when its Lease's renewTime or its
    /// Ready condition's lastHeartbeatTime changed since the last look.
    fn observe_heartbeats(&mut self, now: SimTime) {
        for (super::NsName(_, name), node) in &self.nodes.objs {
            let lease = self.leases.get(LEASE_NAMESPACE, name).and_then(|l| meta::str_at(l, &["spec", "renewTime"])).unwrap_or("");
            let conds = meta::at(node, &["status", "conditions"]).and_then(Value::as_array);
            let beat = conds.and_then(|a| a.iter().find(|c| c["type"] == "Ready")).and_then(|c| c["lastHeartbeatTime"].as_str()).unwrap_or("");
            let seen = format!("{lease}|{beat}");
            let entry = self.probe.entry(name.clone()).or_insert((String::new(), now));
            if entry.0 != seen {
                *entry = (seen, now);
            }
        }
    }

    fn monitor(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        // The cache's own copies (a pass every 5 s over every node; a deep copy of each, with its
        // image list, cost more than the pass itself).
        let nodes: Vec<Arc<Value>> = self.nodes.objs.values().cloned().collect();
        for node in nodes {
            let name = meta::name(&node).to_string();
            if self.known.insert(name.clone()) {
                node_event(ctx, &node, "RegisteredNode", format!("Node {name} event: Registered Node {name} in Controller"));
            }
            let seen = self.probe.get(&name).map(|p| p.1).unwrap_or(SimTime::ZERO);
            let silent = now.since(seen) > NODE_MONITOR_GRACE;
            let ready = node_ready(&node).to_string();
            if silent && ready != "Unknown" {
                self.mark_unknown(ctx, &node);
            } else if !silent && ready == "True" && (has_taint(&node, UNREACHABLE, "NoExecute") || has_taint(&node, UNREACHABLE, "NoSchedule")) {
                self.set_taints(ctx, &node, false);
            }
        }
    }

    fn mark_unknown(&mut self, ctx: &mut Ctx<'_>, node: &Value) {
        let now = ctx.epoch().rfc3339(ctx.now());
        let name = meta::name(node).to_string();
        let mut copy = node.clone();
        if let Some(conds) = copy.pointer_mut("/status/conditions").and_then(Value::as_array_mut) {
            for c in conds.iter_mut() {
                c["status"] = json!("Unknown");
                c["reason"] = json!("NodeStatusUnknown");
                c["message"] = json!(STOPPED_MESSAGE);
                c["lastTransitionTime"] = json!(now);
            }
        }
        let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(copy)) else { return };
        self.nodes.assume(stored.clone());
        node_event(ctx, &stored, "NodeNotReady", format!("Node {name} status is now: NodeNotReady"));
        self.set_taints(ctx, &stored, true);
        let pods: Vec<Value> = self.pods.values().into_iter().filter(|p| meta::node_name(p) == name).map(Arc::unwrap_or_clone).collect();
        for pod in pods {
            mark_pod_not_ready(ctx, &pod, &now);
        }
    }

    /// Adds (or removes) the unreachable NoSchedule and NoExecute taints.
    fn set_taints(&mut self, ctx: &mut Ctx<'_>, node: &Value, add: bool) {
        let Some(cur) = self.nodes.get("", meta::name(node)).map(|n| (**n).clone()) else { return };
        let mut copy = cur.clone();
        let now = ctx.epoch().rfc3339(ctx.now());
        let mut taints: Vec<Value> = meta::at(&cur, &["spec", "taints"]).and_then(Value::as_array).cloned().unwrap_or_default();
        taints.retain(|t| t["key"] != UNREACHABLE && t["key"] != NOT_READY);
        if add {
            taints.push(json!({"key": UNREACHABLE, "effect": "NoSchedule", "timeAdded": now}));
            taints.push(json!({"key": UNREACHABLE, "effect": "NoExecute", "timeAdded": now}));
        }
        if taints.is_empty() {
            if let Some(m) = copy.get_mut("spec").and_then(Value::as_object_mut) {
                m.shift_remove("taints");
            }
        } else {
            copy["spec"]["taints"] = json!(taints);
        }
        if copy != cur {
            if let Ok(stored) = submit_obj(ctx, ApiRequest::update(copy)) {
                self.nodes.assume(stored);
            }
        }
    }
}

/// `RecordNodeEvent` / `RecordNodeStatusChange`: a Normal event on the node, referenced by
/// apiVersion, kind, name and uid only.
fn node_event(ctx: &mut Ctx<'_>, node: &Value, reason: &str, message: String) {
    let regarding = crate::events::ObjectRef { kind: "Node".into(), name: meta::name(node).to_string(), uid: meta::uid(node).to_string(), api_version: "v1".into(), ..Default::default() };
    let ev = crate::events::EventRecord {
        regarding,
        event_type: crate::events::EventType::Normal,
        reason: reason.into(),
        message,
        component: NAME.into(),
        host: String::new(),
        action: String::new(),
    };
    ctx.record_event(&ev);
}

/// `MarkPodsNotReady`: the pod's Ready condition turns False, with the Warning event.
fn mark_pod_not_ready(ctx: &mut Ctx<'_>, pod: &Value, now: &str) {
    let mut copy = pod.clone();
    let mut changed = false;
    if let Some(conds) = copy.pointer_mut("/status/conditions").and_then(Value::as_array_mut) {
        for c in conds.iter_mut().filter(|c| c["type"] == "Ready" && c["status"] != "False") {
            c["status"] = json!("False");
            c["lastTransitionTime"] = json!(now);
            changed = true;
        }
    }
    if changed && submit_obj(ctx, ApiRequest::update_status(copy)).is_ok() {
        event(ctx, NAME, pod, true, "NodeNotReady", "Node is not ready".into());
    }
}

impl Simulation {
    /// Powers node `name` off: its kubelet and heartbeat stop, and its pods drop out of the
    /// pod network (connections to their IPs time out), until `start_node`. Returns false for
    /// an unknown node.
    pub fn stop_node(&mut self, name: &str) -> bool {
        if !self.pause_kubelet(name) {
            return false;
        }
        self.core.powered_off.insert(name.to_string());
        true
    }

    /// Powers node `name` back on: its pods answer on the network again and its kubelet
    /// resumes with everything it missed (see `start_kubelet`).
    pub fn start_node(&mut self, name: &str) -> bool {
        if !self.resume_kubelet(name) {
            return false;
        }
        self.core.powered_off.remove(name);
        true
    }

    /// Stops only node `name`'s kubelet service (`systemctl stop kubelet`): no pod syncs,
    /// probes, restarts, status writes or heartbeats until `start_kubelet`, but the containers
    /// it started keep running and their pod IPs keep answering. The node still turns
    /// NotReady after the grace period, and its pods' Ready=False takes them out of Service
    /// endpoints. Returns false for an unknown node or a powered-off one (nothing to stop).
    pub fn stop_kubelet(&mut self, name: &str) -> bool {
        if self.core.powered_off.contains(name) {
            return false;
        }
        self.pause_kubelet(name)
    }

    /// Starts node `name`'s kubelet service again. Returns false for an unknown node or a
    /// powered-off one (a kubelet cannot start on a machine that is off; use `start_node`).
    pub fn start_kubelet(&mut self, name: &str) -> bool {
        if self.core.powered_off.contains(name) {
            return false;
        }
        self.resume_kubelet(name)
    }

    /// Whether node `name`'s kubelet is not running (its service stopped, or the node off).
    pub fn node_stopped(&self, name: &str) -> bool {
        self.node_component_ids(name).iter().any(|id| self.core.paused.contains_key(id))
    }

    /// Whether node `name` is powered off with `stop_node`.
    pub fn node_powered_off(&self, name: &str) -> bool {
        self.core.powered_off.contains(name)
    }

    fn pause_kubelet(&mut self, name: &str) -> bool {
        let ids = self.node_component_ids(name);
        for id in &ids {
            self.core.paused.entry(*id).or_default();
        }
        !ids.is_empty()
    }

    /// The wake-ups the kubelet missed run now: its lease is renewed and it reports Ready.
    fn resume_kubelet(&mut self, name: &str) -> bool {
        let ids = self.node_component_ids(name);
        if !ids.iter().any(|id| self.core.paused.contains_key(id)) {
            return !ids.is_empty();
        }
        let heartbeat = self.component_mut(&format!("node-lease/{name}")).and_then(|c| c.as_any_mut()).and_then(|a| a.downcast_mut::<crate::kubelet::node_status::NodeHeartbeat>());
        if let Some(hb) = heartbeat {
            hb.restarted();
        }
        for id in &ids {
            let missed = self.core.paused.remove(id).unwrap_or_default();
            let mut seen_watch = false;
            for w in missed {
                if w == Wake::Watch {
                    if !seen_watch {
                        self.core.wake_watchers(vec![*id]);
                    }
                    seen_watch = true;
                } else {
                    let now = self.core.now;
                    self.core.add_timer(now, *id, w, false);
                }
            }
        }
        !ids.is_empty()
    }

    fn node_component_ids(&self, name: &str) -> Vec<usize> {
        let wanted = [format!("kubelet/{name}"), format!("node-lease/{name}")];
        self.core.component_names.iter().enumerate().filter(|(_, n)| wanted.contains(n)).map(|(i, _)| i).collect()
    }
}
