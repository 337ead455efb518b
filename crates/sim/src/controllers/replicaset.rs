//! The ReplicaSet controller (`pkg/controller/replicaset`): keeps `spec.replicas` active pods
//! owned by each ReplicaSet. It sees ReplicaSets and pods only through its informers, creates
//! pods from the template with `generateName: <rs>-` and a controller ownerReference (the API
//! server draws the 5-character suffix), adopts matching orphans, deletes surplus pods in the
//! real preference order (unscheduled, pending, not ready, doubled-up, recently ready, most
//! restarts, newest first) and publishes status (replicas, ready, available, observed
//! generation). Events carry the real reasons: SuccessfulCreate, SuccessfulDelete,
//! FailedCreate.

use super::queue::{Key, WorkQueue};
use super::shared_informer::Registration;
use super::{controller_ref, event, owner_ref, pods, sa_user, selector_matches, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::{ApiRequest, PatchType};
use crate::time::SimDuration;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const NAME: &str = "replicaset-controller";
/// `BurstReplicas`: at most this many creations or deletions per sync.
pub const BURST_REPLICAS: usize = 500;


#[derive(Default)]
pub struct ReplicaSetController {
    rs: Informer,
    pods: Registration,
    /// Pods by their controller's uid (the informer's owner index).
    queue: WorkQueue,
}

impl Component for ReplicaSetController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.rs = Informer::new("ReplicaSet");
        self.rs.start(ctx);
        self.pods.start(ctx, "Pod");
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
        json!({"replicaSets": self.rs.objs.len(), "pods": self.pods.len(), "requeued": self.queue.requeued_len()})
    }
}

impl ReplicaSetController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    fn pump(&mut self, ctx: &mut Ctx<'_>) {
        for c in self.rs.pump(ctx) {
            self.queue.mark(c.key);
        }
        for c in self.pods.pump(ctx) {
            for obj in [&c.old, &c.new].into_iter().flatten() {
                self.note_pod(&c.key, obj);
            }
            if c.new.is_none() {
                if let Some((_, _, uid)) = c.old.as_deref().and_then(controller_ref) {
                    self.queue.disown(uid, &c.key);
                }
            }
        }
    }

    /// Marks the owning ReplicaSet dirty (or, for an orphan, every ReplicaSet whose selector
    /// matches it, for adoption) and keeps the owner index.
    fn note_pod(&mut self, key: &Key, pod: &Arc<Value>) {
        match controller_ref(pod) {
            Some((kind, name, uid)) if kind == "ReplicaSet" => {
                self.queue.own(uid, key.clone());
                self.queue.mark(super::NsName(key.0.clone(), name.to_string()));
            }
            Some(_) => {}
            None => {
                let labels = meta::labels(pod);
                for rs in self.rs.in_namespace(&key.0) {
                    if selector_matches(meta::at(rs, &["spec", "selector"]), &labels) {
                        self.queue.mark(super::NsName(key.0.clone(), meta::name(rs).to_string()));
                    }
                }
            }
        }
    }

    fn owned_pods(&self, uid: &str) -> Vec<Arc<Value>> {
        self.queue.controlled(uid, &self.pods)
    }

    fn sync(&mut self, ctx: &mut Ctx<'_>, key: &Key) {
        let Some(rs) = self.rs.get(&key.0, &key.1).cloned() else { return };
        if meta::deletion_timestamp(&rs).is_some() {
            return;
        }
        self.adopt_orphans(ctx, &rs);
        let all = self.owned_pods(meta::uid(&rs));
        let active: Vec<Arc<Value>> = all.iter().filter(|p| pods::is_active(p)).cloned().collect();
        let want = meta::at(&rs, &["spec", "replicas"]).and_then(Value::as_i64).unwrap_or(1).max(0) as usize;
        if active.len() < want {
            self.create_pods(ctx, &rs, (want - active.len()).min(BURST_REPLICAS));
        } else if active.len() > want {
            let victims = pods_to_delete(&active, active.len() - want, ctx.epoch());
            for p in victims.into_iter().take(BURST_REPLICAS) {
                self.delete_pod(ctx, &rs, &p);
            }
        }
        let all = self.owned_pods(meta::uid(&rs));
        self.update_status(ctx, &rs, &all);
    }

    fn adopt_orphans(&mut self, ctx: &mut Ctx<'_>, rs: &Value) {
        let sel = meta::at(rs, &["spec", "selector"]);
        let orphans: Vec<Arc<Value>> = self
            .pods
            .in_namespace(meta::namespace(rs))
            .into_iter()
            .filter(|p| controller_ref(p).is_none() && pods::is_active(p) && selector_matches(sel, &meta::labels(p)))
            .collect();
        for p in orphans {
            let patch = json!({"metadata": {"ownerReferences": [owner_ref(rs)], "uid": meta::uid(&p)}});
            let req = ApiRequest::patch("Pod", meta::namespace(&p), meta::name(&p), PatchType::Strategic, patch);
            if let Ok(obj) = submit_obj(ctx, req) {
                let key = super::NsName::new(meta::namespace(&obj), meta::name(&obj));
                self.queue.own(meta::uid(rs), key);
                self.pods.assume(obj);
            }
        }
    }

    fn create_pods(&mut self, ctx: &mut Ctx<'_>, rs: &Value, n: usize) {
        let pod = pod_from_template(rs);
        for _ in 0..n {
            match submit_obj(ctx, ApiRequest::create(pod.clone())) {
                Ok(obj) => {
                    event(ctx, NAME, rs, false, "SuccessfulCreate", format!("Created pod: {}", meta::name(&obj)));
                    let key = super::NsName::new(meta::namespace(&obj), meta::name(&obj));
                    self.queue.own(meta::uid(rs), key);
                    self.pods.assume(obj);
                }
                Err(msg) => {
                    event(ctx, NAME, rs, true, "FailedCreate", format!("Error creating: {msg}"));
                    // The real controller retries with rate-limited back-off.
                    let at = ctx.now().plus(SimDuration::from_secs(5));
                    self.queue.add_after(at, super::NsName::new(meta::namespace(rs), meta::name(rs)));
                    ctx.set_timer(at, 1);
                    return;
                }
            }
        }
    }

    fn delete_pod(&mut self, ctx: &mut Ctx<'_>, rs: &Value, pod: &Value) {
        let req = super::delete_req("Pod", meta::namespace(pod), meta::name(pod), meta::uid(pod));
        match submit_obj(ctx, req) {
            Ok(obj) => {
                event(ctx, NAME, rs, false, "SuccessfulDelete", format!("Deleted pod: {}", meta::name(pod)));
                if obj.is_object() && meta::deletion_timestamp(&obj).is_some() {
                    self.pods.assume(obj);
                }
            }
            Err(msg) => event(ctx, NAME, rs, true, "FailedDelete", format!("Error deleting: {msg}")),
        }
    }

    fn update_status(&mut self, ctx: &mut Ctx<'_>, rs: &Value, all: &[Arc<Value>]) {
        let now = ctx.now();
        let epoch = ctx.epoch();
        let min_ready = meta::at(rs, &["spec", "minReadySeconds"]).and_then(Value::as_u64).unwrap_or(0);
        let template_labels: Vec<(String, String)> =
            meta::string_map(rs, &["spec", "template", "metadata", "labels"]).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let active: Vec<&Arc<Value>> = all.iter().filter(|p| pods::is_active(p)).collect();
        let fully = active.iter().filter(|p| template_labels.iter().all(|(k, v)| meta::label(p, k) == Some(v.as_str()))).count();
        let ready = active.iter().filter(|p| pods::is_ready(p)).count();
        let available = active.iter().filter(|p| pods::is_available(epoch, p, min_ready, now)).count();
        if ready > available {
            // Ready pods become available after minReadySeconds: look again then.
            let soonest = active.iter().filter_map(|p| pods::ready_since(epoch, p)).map(|t| t.plus(SimDuration::from_secs(min_ready))).filter(|t| *t > now).min();
            if let Some(at) = soonest {
                self.queue.add_after(at, super::NsName::new(meta::namespace(rs), meta::name(rs)));
                ctx.set_timer(at, 1);
            }
        }
        let generation = meta::at(rs, &["metadata", "generation"]).and_then(Value::as_i64).unwrap_or(1);
        let want = json!({"replicas": active.len(), "fullyLabeledReplicas": fully, "readyReplicas": ready, "availableReplicas": available, "observedGeneration": generation});
        let cur = rs.get("status").cloned().unwrap_or(json!({}));
        let same = ["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"]
            .iter()
            .all(|k| cur.get(*k).and_then(Value::as_i64).unwrap_or(0) == want[*k].as_i64().unwrap_or(0));
        if same {
            return;
        }
        let mut obj = rs.clone();
        let mut status = cur;
        for (k, v) in want.as_object().into_iter().flatten() {
            status[k] = v.clone();
        }
        obj["status"] = status;
        if let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(obj)) {
            self.rs.assume(stored);
        }
    }
}

/// The pod a ReplicaSet creates: template labels/annotations, `generateName: <rs>-`, the
/// controller ownerReference and the template's spec.
pub fn pod_from_template(rs: &Value) -> Value {
    let tm = meta::at(rs, &["spec", "template", "metadata"]).cloned().unwrap_or(json!({}));
    let mut m = json!({"generateName": format!("{}-", meta::name(rs)), "namespace": meta::namespace(rs)});
    for k in ["labels", "annotations", "finalizers"] {
        if let Some(v) = tm.get(k).filter(|v| !v.is_null()) {
            m[k] = v.clone();
        }
    }
    m["ownerReferences"] = json!([owner_ref(rs)]);
    let spec = meta::at(rs, &["spec", "template", "spec"]).cloned().unwrap_or(json!({}));
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec})
}

/// `getPodsToDelete` with `ActivePodsWithRanks`: the `n` pods a scale-down removes first.
pub fn pods_to_delete(active: &[Arc<Value>], n: usize, epoch: crate::time::Epoch) -> Vec<Arc<Value>> {
    let mut on_node: BTreeMap<&str, i64> = BTreeMap::new();
    for p in active {
        *on_node.entry(meta::node_name(p)).or_default() += 1;
    }
    let mut ranked: Vec<(DeletionRank, &Arc<Value>)> = active
        .iter()
        .map(|p| {
            let node = meta::node_name(p);
            let colocated = if node.is_empty() { 0 } else { on_node.get(node).copied().unwrap_or(0) };
            (deletion_rank(p, colocated, epoch), p)
        })
        .collect();
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    ranked.into_iter().take(n).map(|(_, p)| Arc::clone(p)).collect()
}

/// Smaller sorts first (deleted first). Fields mirror `ActivePodsWithRanks.Less`.
pub type DeletionRank = (bool, u8, bool, i64, i64, i64, i64, String);

pub fn deletion_rank(p: &Value, colocated: i64, epoch: crate::time::Epoch) -> DeletionRank {
    let assigned = !meta::node_name(p).is_empty();
    let phase_rank = match pods::phase(p) {
        "Pending" => 0,
        "Unknown" | "" => 1,
        _ => 2,
    };
    let ready = pods::is_ready(p);
    // Ready more recently -> deleted first; missing ready time sorts first (empty < set).
    let ready_ms = if ready { pods::ready_since(epoch, p).map(|t| t.as_millis() as i64).unwrap_or(i64::MAX) } else { i64::MAX };
    let created = meta::str_at(p, &["metadata", "creationTimestamp"]).and_then(|t| epoch.parse(t)).map(|t| t.as_millis() as i64).unwrap_or(0);
    (assigned, phase_rank, ready, -colocated, -ready_ms, -pods::restarts(p), -created, meta::uid(p).to_string())
}
