//! The DaemonSet controller (`pkg/controller/daemon`): one daemon Pod on every node that should
//! run it. It watches DaemonSets, Pods and Nodes; per DaemonSet it creates a Pod (pinned by
//! node affinity, carrying the daemon tolerations and the `controller-revision-hash` label) on
//! each eligible node that has none, deletes Pods from nodes that may no longer run them, extra
//! Pods on one node and Failed Pods, replaces Pods of an older template revision under the
//! RollingUpdate strategy (at most `maxUnavailable` unavailable nodes at a time, surge 0), and
//! publishes status (desired/current/ready/available/updated/misscheduled, observedGeneration).
//! Each sync first brings the rollout history up to date (`daemonset_history`: the
//! ControllerRevisions `kubectl rollout history|undo ds` read) and takes the Pods' revision
//! hash from the current revision, then trims old revisions after acting on the Pods.
//! Events carry the real reasons: SuccessfulCreate, SuccessfulDelete, FailedCreate,
//! FailedDaemonPod.

use super::daemonset_history::{cleanup_history, construct_history, HASH_LABEL};
use super::daemonset_pods::{daemon_pod, placement, pod_node};
use super::queue::{Key, WorkQueue};
use super::shared_informer::Registration;
use super::{event, pods, sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::time::SimDuration;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const NAME: &str = "daemon-set-controller";
/// The component name its events carry (`From` in describe), which differs from its
/// service account's name.
const EVENT_SOURCE: &str = "daemonset-controller";

#[derive(Default)]
pub struct DaemonSetController {
    ds: Informer,
    pods: Registration,
    nodes: Informer,
    revisions: Informer,
    queue: WorkQueue,
}

/// One DaemonSet's view of the cluster: its Pods grouped by node.
struct NodePods {
    by_node: BTreeMap<String, Vec<Arc<Value>>>,
}

impl Component for DaemonSetController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.ds = Informer::new("DaemonSet");
        self.nodes = Informer::new("Node");
        self.revisions = Informer::new("ControllerRevision");
        self.ds.start(ctx);
        self.pods.start(ctx, "Pod");
        self.nodes.start(ctx);
        self.revisions.start(ctx);
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        if let Wake::Timer(_) = wake {
            self.queue.release_due(ctx.now());
        }
        self.pump(ctx);
        for key in self.queue.take_dirty() {
            self.sync(ctx, &key);
        }
    }
    fn describe(&self) -> Value {
        json!({"daemonSets": self.ds.objs.len(), "nodes": self.nodes.objs.len(), "requeued": self.queue.requeued_len()})
    }
}

impl DaemonSetController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    fn pump(&mut self, ctx: &mut Ctx<'_>) {
        for c in self.ds.pump(ctx) {
            self.queue.mark(c.key);
        }
        for c in self.pods.pump(ctx) {
            self.queue.note_controlled(&c, "DaemonSet");
            if c.new.is_none() {
                if let Some((_, _, uid)) = c.old.as_deref().and_then(super::controller_ref) {
                    self.queue.disown(uid, &c.key);
                }
            }
        }
        // A revision changed by someone else (deleted, relabelled) makes its owner rebuild
        // its history.
        for c in self.revisions.pump(ctx) {
            for obj in [&c.old, &c.new].into_iter().flatten() {
                if let Some(("DaemonSet", name, _)) = super::controller_ref(obj) {
                    self.queue.mark(super::NsName(c.key.0.clone(), name.to_string()));
                }
            }
        }
        // A node added, removed, relabelled or (un)tainted can change every DaemonSet's plan.
        let node_changed = !self.nodes.pump(ctx).is_empty();
        if node_changed {
            let keys: Vec<Key> = self.ds.objs.keys().cloned().collect();
            for k in keys {
                self.queue.mark(k);
            }
        }
    }

    fn requeue(&mut self, ctx: &mut Ctx<'_>, ds: &Value, after_secs: u64) {
        let at = ctx.now().plus(SimDuration::from_secs(after_secs));
        if self.queue.add_after(at, super::NsName::new(meta::namespace(ds), meta::name(ds))) {
            ctx.set_timer(at, 1);
        }
    }

    fn node_pods(&self, ds: &Value) -> NodePods {
        let mut by_node: BTreeMap<String, Vec<Arc<Value>>> = BTreeMap::new();
        for p in self.queue.controlled(meta::uid(ds), &self.pods) {
            if meta::deletion_timestamp(&p).is_none() {
                by_node.entry(pod_node(&p)).or_default().push(p);
            }
        }
        NodePods { by_node }
    }

    fn sync(&mut self, ctx: &mut Ctx<'_>, key: &Key) {
        let Some(ds) = self.ds.get(&key.0, &key.1).cloned() else { return };
        if meta::deletion_timestamp(&ds).is_some() {
            return;
        }
        let Some(history) = construct_history(ctx, &mut self.revisions, &ds) else {
            self.requeue(ctx, &ds, 1);
            return;
        };
        let hash = history.hash;
        let template_spec = meta::at(&ds, &["spec", "template", "spec"]).cloned().unwrap_or(json!({}));
        let mut current = self.node_pods(&ds);
        let mut creates = Vec::new();
        let mut deletes: Vec<Arc<Value>> = Vec::new();
        let nodes: Vec<Arc<Value>> = self.nodes.objs.values().cloned().collect();
        for node in &nodes {
            let name = meta::name(node);
            let place = placement(&template_spec, node);
            let mut on_node = current.by_node.remove(name).unwrap_or_default();
            // Failed daemon Pods are killed so a fresh one can start.
            for p in on_node.iter().filter(|p| pods::phase(p) == "Failed") {
                let msg = format!("Found failed daemon pod {}/{} on node {name}, will try to kill it", meta::namespace(p), meta::name(p));
                event(ctx, EVENT_SOURCE, &ds, true, "FailedDaemonPod", msg);
                deletes.push(Arc::clone(p));
            }
            on_node.retain(|p| pods::phase(p) != "Failed");
            if !place.should_continue {
                deletes.extend(on_node);
                continue;
            }
            if on_node.is_empty() {
                if place.should_run {
                    creates.push(name.to_string());
                }
                continue;
            }
            // Keep the oldest Pod on a node, delete the rest.
            on_node.sort_by(|a, b| meta::str_at(a, &["metadata", "creationTimestamp"]).cmp(&meta::str_at(b, &["metadata", "creationTimestamp"])).then_with(|| meta::name(a).cmp(meta::name(b))));
            deletes.extend(on_node.drain(1..));
        }
        // Pods on nodes that no longer exist.
        for (_, left) in current.by_node.iter_mut() {
            deletes.append(left);
        }
        if deletes.is_empty() && creates.is_empty() {
            deletes.extend(self.rolling_update_victims(ctx, &ds, &nodes, &hash));
        }
        for node in creates {
            if !self.create_pod(ctx, &ds, &node, &hash) {
                break;
            }
        }
        for p in deletes {
            self.delete_pod(ctx, &ds, &p);
        }
        let live: BTreeSet<String> = self.queue.controlled(meta::uid(&ds), &self.pods).iter().filter_map(|p| meta::label(p, HASH_LABEL)).map(str::to_string).collect();
        cleanup_history(ctx, &ds, history.old, &live);
        self.update_status(ctx, &ds, &nodes, &hash);
    }

    /// The RollingUpdate step with maxSurge 0: old Pods that are unavailable go at once; old
    /// available ones go while fewer than `maxUnavailable` nodes lack an available daemon.
    fn rolling_update_victims(&mut self, ctx: &mut Ctx<'_>, ds: &Value, nodes: &[Arc<Value>], hash: &str) -> Vec<Arc<Value>> {
        if meta::str_at(ds, &["spec", "updateStrategy", "type"]) != Some("RollingUpdate") {
            return Vec::new();
        }
        let template_spec = meta::at(ds, &["spec", "template", "spec"]).cloned().unwrap_or(json!({}));
        let (epoch, now) = (ctx.epoch(), ctx.now());
        let min_ready = meta::at(ds, &["spec", "minReadySeconds"]).and_then(Value::as_u64).unwrap_or(0);
        let mut by_node = self.node_pods(ds).by_node;
        let desired: Vec<&Arc<Value>> = nodes.iter().filter(|n| placement(&template_spec, n).should_run).collect();
        let max_unavailable = super::rolling::scaled_value(meta::at(ds, &["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"]), desired.len() as i32, true).max(1);
        let mut unavailable = 0;
        let mut old_available = Vec::new();
        let mut victims = Vec::new();
        for n in desired {
            let Some(p) = by_node.remove(meta::name(n)).and_then(|v| v.into_iter().next()) else {
                unavailable += 1;
                continue;
            };
            let available = pods::is_available(epoch, &p, min_ready, now);
            let old = meta::label(&p, "controller-revision-hash") != Some(hash);
            match (old, available) {
                (true, false) => {
                    unavailable += 1;
                    victims.push(p);
                }
                (true, true) => old_available.push(p),
                (false, false) => unavailable += 1,
                (false, true) => {}
            }
        }
        for p in old_available {
            if unavailable >= max_unavailable {
                break;
            }
            unavailable += 1;
            victims.push(p);
        }
        victims
    }

    fn create_pod(&mut self, ctx: &mut Ctx<'_>, ds: &Value, node: &str, hash: &str) -> bool {
        match submit_obj(ctx, ApiRequest::create(daemon_pod(ds, node, hash))) {
            Ok(obj) => {
                event(ctx, EVENT_SOURCE, ds, false, "SuccessfulCreate", format!("Created pod: {}", meta::name(&obj)));
                let key = super::NsName::new(meta::namespace(&obj), meta::name(&obj));
                self.queue.own(meta::uid(ds), key);
                self.pods.assume(obj);
                true
            }
            Err(msg) => {
                event(ctx, EVENT_SOURCE, ds, true, "FailedCreate", format!("Error creating: {msg}"));
                self.requeue(ctx, ds, 5);
                false
            }
        }
    }

    fn delete_pod(&mut self, ctx: &mut Ctx<'_>, ds: &Value, pod: &Value) {
        let req = super::delete_req("Pod", meta::namespace(pod), meta::name(pod), meta::uid(pod));
        match submit_obj(ctx, req) {
            Ok(obj) => {
                event(ctx, EVENT_SOURCE, ds, false, "SuccessfulDelete", format!("Deleted pod: {}", meta::name(pod)));
                if obj.is_object() && meta::deletion_timestamp(&obj).is_some() {
                    self.pods.assume(obj);
                }
            }
            Err(msg) => event(ctx, EVENT_SOURCE, ds, true, "FailedDelete", format!("Error deleting: {msg}")),
        }
    }

    fn update_status(&mut self, ctx: &mut Ctx<'_>, ds: &Value, nodes: &[Arc<Value>], hash: &str) {
        let (epoch, now) = (ctx.epoch(), ctx.now());
        let min_ready = meta::at(ds, &["spec", "minReadySeconds"]).and_then(Value::as_u64).unwrap_or(0);
        let template_spec = meta::at(ds, &["spec", "template", "spec"]).cloned().unwrap_or(json!({}));
        let by_node = self.node_pods(ds).by_node;
        let (mut desired, mut current, mut misscheduled, mut ready, mut available, mut updated) = (0, 0, 0, 0, 0, 0);
        let mut waiting_for_available = false;
        for n in nodes {
            let should_run = placement(&template_spec, n).should_run;
            let pod = by_node.get(meta::name(n)).and_then(|v| v.first());
            desired += i64::from(should_run);
            let Some(p) = pod else { continue };
            if !should_run {
                misscheduled += 1;
                continue;
            }
            current += 1;
            ready += i64::from(pods::is_ready(p));
            let avail = pods::is_available(epoch, p, min_ready, now);
            available += i64::from(avail);
            waiting_for_available |= pods::is_ready(p) && !avail;
            updated += i64::from(meta::label(p, "controller-revision-hash") == Some(hash));
        }
        if waiting_for_available {
            self.requeue(ctx, ds, min_ready.max(1));
        }
        let generation = meta::at(ds, &["metadata", "generation"]).and_then(Value::as_i64).unwrap_or(1);
        let want = json!({"currentNumberScheduled": current, "numberMisscheduled": misscheduled, "desiredNumberScheduled": desired, "numberReady": ready,
            "observedGeneration": generation, "updatedNumberScheduled": updated, "numberAvailable": available, "numberUnavailable": desired - available});
        let cur = ds.get("status").cloned().unwrap_or(json!({}));
        let same = want.as_object().into_iter().flatten().all(|(k, v)| cur.get(k).and_then(Value::as_i64).unwrap_or(0) == v.as_i64().unwrap_or(0));
        if same {
            return;
        }
        let mut obj = ds.clone();
        let mut status = cur;
        for (k, v) in want.as_object().into_iter().flatten() {
            status[k] = v.clone();
        }
        obj["status"] = status;
        if let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(obj)) {
            self.ds.assume(stored);
        }
    }
}

/// The hash of the DaemonSet's current template and collision count, which names a new
/// ControllerRevision (`<ds>-<hash>`) and becomes its `controller-revision-hash` label; the
/// same hash the Deployment controller uses.
pub fn revision_hash(ds: &Value) -> String {
    let template = meta::at(ds, &["spec", "template"]).cloned().unwrap_or(json!({}));
    let collisions = meta::at(ds, &["status", "collisionCount"]).and_then(Value::as_u64).and_then(|c| u32::try_from(c).ok());
    super::hash::compute_hash(&template, collisions)
}
