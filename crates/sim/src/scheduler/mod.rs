//! kube-scheduler. It learns about pods and nodes only through its watches, keeps the cache
//! (NodeInfo per node, with the pods assigned to it and incrementally maintained requests),
//! and runs one scheduling cycle per wake-up: PreFilter, Filter over a round-robin window of
//! nodes (`percentageOfNodesToScore`), PostFilter (preemption), Score with the default
//! weights, then binds through the pods/binding subresource and records events in the real
//! wording. Terminal pods are invisible to it, as with the real informer's field selector.

pub mod cycle;
pub mod filter_hot;
pub mod fit_error;
pub mod framework;
pub mod plugins;
pub mod preemption;
pub mod queue;
pub mod score;
pub mod score_hot;
pub mod slots;
mod spec_view;
pub mod trace_detail;
#[cfg(test)]
mod cache_tests;
#[cfg(test)]
mod node_events_tests;

use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::selector::FieldSelector;
use crate::store::{WatchEventType, WatchFilter, WatchId};
use crate::time::SimDuration;
use framework::{NodeInfo, PodUsage};
use queue::{ClusterEvent, PodKey, SchedulingQueue};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const SCHEDULER_NAME: &str = "default-scheduler";
const TOKEN_CYCLE: u64 = 1;
const TOKEN_FLUSH: u64 = 2;
/// Simulated duration of one scheduling cycle.
pub const CYCLE: SimDuration = SimDuration(1);

pub struct Scheduler {
    pub(crate) reporting_instance: String,
    pub(crate) nodes: BTreeMap<String, NodeInfo>,
    /// The nodes in cache order (round-robin filtering walks this), each with its summaries
    /// for the dense walk (`slots`), kept in step by `sync_slot`.
    pub(crate) node_order: Vec<slots::NodeSlot>,
    pub(crate) next_start_node_index: usize,
    /// Assigned pod → node.
    pub(crate) assigned: BTreeMap<PodKey, String>,
    /// Latest object of every pending pod.
    pub(crate) pending: BTreeMap<PodKey, Arc<Value>>,
    pub(crate) queue: SchedulingQueue,
    pub(crate) rng: Option<crate::rng::Rng>,
    /// Nodes per image (ImageLocality spread).
    pub(crate) image_nodes: BTreeMap<String, i64>,
    pod_watch: Option<WatchId>,
    node_watch: Option<WatchId>,
    /// PVC, PV and StorageClass watches (only with a volume binder).
    storage_watches: Vec<WatchId>,
    cycle_armed: bool,
    /// Node events changed the set of nodes: `node_order` and `image_nodes` are rebuilt once
    /// the batch of node events is drained.
    order_stale: bool,
    flush_armed_at: Option<crate::time::SimTime>,
    pub(crate) volume_binder: Option<Box<dyn plugins::volume_binding::VolumeBinder>>,
    /// The Score phase's buffers, kept from cycle to cycle.
    pub(crate) score_scratch: score::ScoreScratch,
}

impl Scheduler {
    pub fn new(control_plane_host: &str) -> Self {
        Scheduler {
            reporting_instance: format!("{SCHEDULER_NAME}-{control_plane_host}"),
            nodes: BTreeMap::new(),
            node_order: Vec::new(),
            next_start_node_index: 0,
            assigned: BTreeMap::new(),
            pending: BTreeMap::new(),
            queue: SchedulingQueue::default(),
            rng: None,
            image_nodes: BTreeMap::new(),
            pod_watch: None,
            node_watch: None,
            storage_watches: Vec::new(),
            cycle_armed: false,
            order_stale: false,
            flush_armed_at: None,
            volume_binder: None,
            score_scratch: score::ScoreScratch::default(),
        }
    }

    /// Installs the VolumeBinding PreFilter/Filter (the volume/CSI work).
    pub fn with_volume_binder(mut self, binder: Box<dyn plugins::volume_binding::VolumeBinder>) -> Self {
        self.volume_binder = Some(binder);
        self
    }

    fn rebuild_node_order(&mut self) {
        self.node_order = self.nodes.values().map(slots::NodeSlot::of).collect();
        debug_assert!(self.node_order.iter().map(|n| n.name.as_str()).eq(self.nodes.keys().map(String::as_str)), "named as in the cache");
        self.image_nodes.clear();
        for n in self.nodes.values() {
            for img in n.images.keys() {
                *self.image_nodes.entry(img.clone()).or_insert(0) += 1;
            }
        }
    }

    fn on_node_event(&mut self, ctx: &mut Ctx<'_>, ty: WatchEventType, obj: &Value) {
        let name = meta::name(obj).to_string();
        if ty == WatchEventType::Deleted {
            self.nodes.remove(&name);
            self.order_stale = true;
            return;
        }
        let Some(node) = meta::typed::<podlab_api::Node>(obj) else { return };
        let fresh = NodeInfo::from_node(&node);
        let event = if self.nodes.contains_key(&name) { ClusterEvent::NodeUpdate } else { ClusterEvent::NodeAdd };
        // A node already in `node_order` (no names added by `assume` since the last rebuild)
        // keeps its place, so only its image counts change: O(images), not O(nodes), for the
        // status updates every node sends.
        let in_order = !self.order_stale && event == ClusterEvent::NodeUpdate && self.node_order.len() == self.nodes.len();
        let old_images: Vec<String> = self.nodes.get(&name).map(|n| n.images.keys().cloned().collect()).unwrap_or_default();
        self.nodes.entry(name.clone()).or_default().refresh_from(fresh.clone());
        if let Some(n) = self.nodes.get_mut(&name) {
            n.name = fresh.name;
        }
        if in_order {
            self.sync_slot(&name);
            self.recount_images(&name, &old_images);
        } else {
            self.order_stale = true;
        }
        self.queue.on_cluster_event(event, ctx.now());
    }

    /// Moves one node's contribution to `image_nodes` from `old_images` to its current set,
    /// dropping counts that reach zero as a full rebuild would.
    fn recount_images(&mut self, name: &str, old_images: &[String]) {
        let new_images: Vec<String> = self.nodes.get(name).map(|n| n.images.keys().cloned().collect()).unwrap_or_default();
        if new_images == old_images {
            return;
        }
        for img in old_images {
            if let Some(c) = self.image_nodes.get_mut(img) {
                *c -= 1;
                if *c <= 0 {
                    self.image_nodes.remove(img);
                }
            }
        }
        for img in new_images {
            *self.image_nodes.entry(img).or_insert(0) += 1;
        }
    }

    /// Copies node `name`'s summaries into its `node_order` slot after a change to it (a node
    /// not in `node_order` yet, added by `assume`, gets its slot at the next rebuild).
    pub(crate) fn sync_slot(&mut self, name: &str) {
        let Some(n) = self.nodes.get(name) else { return };
        if let Ok(i) = self.node_order.binary_search_by(|slot| slot.name.as_str().cmp(name)) {
            let slot = &mut self.node_order[i];
            slot.hot = n.hot;
            slot.score = n.score_hot;
        }
    }

    fn forget_assigned(&mut self, key: &PodKey) -> bool {
        match self.assigned.remove(key) {
            Some(node) => {
                if let Some(n) = self.nodes.get_mut(&node) {
                    n.remove_pod(key);
                }
                self.sync_slot(&node);
                true
            }
            None => false,
        }
    }

    /// Accounts the pod on `node` (taking it off the node it was assumed on before). One
    /// search of `assigned` for the old node and the new entry, and no key string for a node
    /// the cache already has.
    pub(crate) fn assume(&mut self, key: PodKey, node: &str, usage: PodUsage) {
        let previous = match self.assigned.entry(key.clone()) {
            std::collections::btree_map::Entry::Occupied(mut e) => Some(std::mem::replace(e.get_mut(), node.to_string())),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(node.to_string());
                None
            }
        };
        if let Some(prev) = previous {
            if let Some(n) = self.nodes.get_mut(&prev) {
                n.remove_pod(&key);
            }
            self.sync_slot(&prev);
        }
        match self.nodes.get_mut(node) {
            Some(n) => n.add_pod(key, usage),
            None => {
                let mut n = NodeInfo { name: node.into(), ..NodeInfo::default() };
                n.add_pod(key, usage);
                self.nodes.insert(node.to_string(), n);
            }
        }
        self.sync_slot(node);
    }

    fn on_pod_event(&mut self, ctx: &mut Ctx<'_>, ty: WatchEventType, obj: &Arc<Value>) {
        let key = PodKey::new(meta::namespace(obj), meta::name(obj));
        if ty == WatchEventType::Deleted {
            self.pending.remove(&key);
            self.queue.remove(&key);
            if self.forget_assigned(&key) {
                self.queue.on_cluster_event(ClusterEvent::AssignedPodDelete, ctx.now());
            }
            return;
        }
        let node = meta::node_name(obj);
        if !node.is_empty() {
            // Already assumed on this node (our own bind, or an earlier event of the same
            // binding): pending and the queue let go of it then, so there is nothing to remove.
            if self.assigned.get(&key).is_some_and(|n| n == node) {
                debug_assert!(!self.pending.contains_key(&key) && !self.queue.contains(&key), "an assumed pod is still pending");
                return;
            }
            self.pending.remove(&key);
            self.queue.done(&key);
            if let Some(info) = framework::PodInfo::from_object(obj) {
                self.assume(key, node, PodUsage::from(&info));
            }
            return;
        }
        let ours = meta::str_at(obj, &["spec", "schedulerName"]).unwrap_or(SCHEDULER_NAME) == SCHEDULER_NAME;
        let gated = meta::at(obj, &["spec", "schedulingGates"]).and_then(Value::as_array).is_some_and(|g| !g.is_empty());
        if !ours || meta::deletion_timestamp(obj).is_some() || gated {
            self.pending.remove(&key);
            self.queue.remove(&key);
            return;
        }
        let priority = meta::at(obj, &["spec", "priority"]).and_then(Value::as_i64).unwrap_or(0) as i32;
        // The insert hands back the version it replaces: one search instead of a get first.
        let old = self.pending.insert(key.clone(), Arc::clone(obj));
        let Some(old) = old else {
            // Not pending before, so no spec change to react to: `add` alone (it leaves a pod
            // already queued as it is, as the branch below would) saves the `contains` search.
            self.queue.add(key, priority, ctx.now());
            return;
        };
        let changed_spec = old.get("spec") != obj.get("spec") || old.get("metadata").and_then(|m| m.get("labels")) != obj.get("metadata").and_then(|m| m.get("labels"));
        if self.queue.contains(&key) {
            if changed_spec {
                self.queue.update(&key, ctx.now());
            }
        } else {
            self.queue.add(key, priority, ctx.now());
        }
    }

    fn drain_watches(&mut self, ctx: &mut Ctx<'_>) {
        if let Some(w) = self.node_watch {
            for e in ctx.drain(w) {
                self.on_node_event(ctx, e.event_type, &e.object);
            }
        }
        // Once per batch of node events, not once per added node (a new cluster's 1 000
        // ADDED events were 1 000 rebuilds over all nodes). Before any pod event, so a node an
        // `assume` adds stays out of `node_order` exactly as before.
        if std::mem::take(&mut self.order_stale) {
            self.rebuild_node_order();
        }
        if let Some(w) = self.pod_watch {
            for e in ctx.drain(w) {
                self.on_pod_event(ctx, e.event_type, &e.object);
            }
        }
        // VolumeBinding's events: only adds and updates can make a rejected pod fit. The
        // retry runs in a later cycle timer, after the PV controller (whose listers the binder
        // reads) has seen the same change.
        let mut storage_changed = false;
        for w in self.storage_watches.clone() {
            storage_changed |= ctx.drain(w).iter().any(|e| e.event_type != WatchEventType::Deleted);
        }
        if storage_changed {
            self.queue.on_cluster_event(ClusterEvent::StorageChange, ctx.now());
        }
    }

    /// Keeps exactly one cycle timer while activeQ has pods, and a flush timer for back-off.
    fn arm(&mut self, ctx: &mut Ctx<'_>) {
        if !self.cycle_armed && self.queue.active_len() > 0 {
            self.cycle_armed = true;
            ctx.set_timer(ctx.now(), TOKEN_CYCLE);
        }
        let work = self.queue.next_backoff_flush();
        let next = match (work, self.queue.next_leftover_flush()) {
            (Some(a), Some(b)) => Some((a.min(b), a <= b)),
            (Some(a), None) => Some((a, true)),
            (None, Some(b)) => Some((b, false)),
            (None, None) => None,
        };
        if let Some((at, is_work)) = next {
            if self.flush_armed_at.is_none_or(|t| t > at || t < ctx.now()) {
                self.flush_armed_at = Some(at);
                if is_work {
                    ctx.set_timer(at, TOKEN_FLUSH);
                } else {
                    ctx.set_background_timer(at, TOKEN_FLUSH);
                }
            }
        }
    }
}

impl Component for Scheduler {
    fn name(&self) -> String {
        "kube-scheduler".to_string()
    }

    fn user(&self) -> String {
        "system:kube-scheduler".to_string()
    }

    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.rng = Some(ctx.rng_stream("select-host"));
        let mut pods = WatchFilter::kind("Pod");
        pods.fields = FieldSelector::parse("Pod", "status.phase!=Succeeded,status.phase!=Failed").unwrap_or_default();
        self.pod_watch = ctx.watch(pods, None).ok();
        self.node_watch = ctx.watch(WatchFilter::kind("Node"), None).ok();
        if self.volume_binder.is_some() {
            for kind in ["PersistentVolumeClaim", "PersistentVolume", "StorageClass"] {
                self.storage_watches.extend(ctx.watch(WatchFilter::kind(kind), None).ok());
            }
        }
    }

    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        match wake {
            Wake::Watch => self.drain_watches(ctx),
            Wake::Timer(TOKEN_FLUSH) => {
                if self.flush_armed_at == Some(ctx.now()) {
                    self.flush_armed_at = None;
                }
                self.queue.flush(ctx.now());
            }
            Wake::Timer(_) => {
                self.cycle_armed = false;
                self.drain_watches(ctx);
                if let Some(key) = self.queue.pop() {
                    cycle::schedule_one(self, ctx, key);
                }
                if self.queue.active_len() > 0 {
                    self.cycle_armed = true;
                    ctx.set_timer(ctx.now().plus(CYCLE), TOKEN_CYCLE);
                }
            }
        }
        self.arm(ctx);
    }

    fn describe(&self) -> Value {
        json!({
            "nodes": self.nodes.len(),
            "assignedPods": self.assigned.len(),
            "pendingPods": self.pending.keys().map(|k| k.to_string()).collect::<Vec<_>>(),
            "activeQ": self.queue.active_len(),
        })
    }
}
