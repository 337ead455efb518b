//! The Deployment controller (`pkg/controller/deployment`): turns a Deployment into
//! ReplicaSets named `<deployment>-<pod-template-hash>`, rolls from old to new within
//! maxSurge/maxUnavailable (or Recreate: old to zero first), keeps revision annotations so
//! `rollout history|undo` work (an undo makes an old ReplicaSet new again with the next
//! revision), honours `revisionHistoryLimit`, and writes status and conditions. It watches
//! Deployments and ReplicaSets only; pod progress reaches it through ReplicaSet status.

use super::deployment_status::{self as ds, DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY};
use super::queue::{Key, WorkQueue};
use super::{event, hash, owner_ref, rolling, sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::time::SimDuration;
use serde_json::{json, Value};
use std::sync::Arc;

pub const NAME: &str = "deployment-controller";

/// Annotations a Deployment does not copy onto its ReplicaSets (`skipCopyAnnotation`).
const SKIP_COPY: [&str; 6] = ["kubectl.kubernetes.io/last-applied-configuration", REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to"];

#[derive(Default)]
pub struct DeploymentController {
    deps: Informer,
    rss: Informer,
    queue: WorkQueue,
}

impl Component for DeploymentController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.deps = Informer::new("Deployment");
        self.rss = Informer::new("ReplicaSet");
        self.deps.start(ctx);
        self.rss.start(ctx);
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        if let Wake::Timer(_) = wake {
            self.queue.release_due(ctx.now());
        }
        for c in self.deps.pump(ctx) {
            self.queue.mark(c.key);
        }
        for c in self.rss.pump(ctx) {
            self.queue.note_controlled(&c, "Deployment");
        }
        for key in self.queue.take_dirty() {
            self.sync(ctx, &key);
        }
    }
    fn describe(&self) -> Value {
        json!({"deployments": self.deps.objs.len(), "replicaSets": self.rss.objs.len()})
    }
}

fn int(v: &Value, path: &[&str]) -> i64 {
    meta::at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn created_ms(epoch: crate::time::Epoch, v: &Value) -> u64 {
    meta::str_at(v, &["metadata", "creationTimestamp"]).and_then(|t| epoch.parse(t)).map(|t| t.as_millis()).unwrap_or(0)
}

impl DeploymentController {
    fn owned_rss(&self, ctx: &Ctx<'_>, d: &Value) -> Vec<Arc<Value>> {
        let uid = meta::uid(d);
        let mut v = self.queue.controlled(uid, &self.rss);
        let epoch = ctx.epoch();
        v.sort_by(|a, b| (created_ms(epoch, a), meta::name(a)).cmp(&(created_ms(epoch, b), meta::name(b))));
        v
    }

    fn sync(&mut self, ctx: &mut Ctx<'_>, key: &Key) {
        let Some(d) = self.deps.get(&key.0, &key.1).map(|a| (**a).clone()) else { return };
        if meta::deletion_timestamp(&d).is_some() {
            return;
        }
        let all = self.owned_rss(ctx, &d);
        let template = meta::at(&d, &["spec", "template"]).cloned().unwrap_or(json!({}));
        let new_rs = all.iter().find(|rs| meta::at(rs, &["spec", "template"]).is_some_and(|t| hash::equal_ignore_hash(t, &template))).cloned();
        let olds: Vec<Arc<Value>> = all.iter().filter(|rs| new_rs.as_ref().is_none_or(|n| meta::uid(n) != meta::uid(rs))).cloned().collect();
        let max_old_rev = olds.iter().map(|r| ds::revision_of(r)).max().unwrap_or(0);
        let paused = meta::at(&d, &["spec", "paused"]).and_then(Value::as_bool).unwrap_or(false);
        let mut d = d;
        let new_rs = match new_rs {
            Some(rs) => Some(self.refresh_new_rs(ctx, &mut d, &rs, max_old_rev + 1)),
            None if paused => None,
            None => self.create_new_rs(ctx, &mut d, &olds, max_old_rev + 1),
        };
        if let Some(n) = &new_rs {
            let want = i32::try_from(ds::replicas(&d)).unwrap_or(0);
            let all: Vec<&Value> = olds.iter().map(|r| &**r).chain(std::iter::once(&**n)).collect();
            // syncDeployment: a paused Deployment or a scaling event only scales; rollouts wait.
            if paused || super::deployment_scale::is_scaling_event(want, &all) {
                let (surge, _, rolling) = Self::surge_unavail(&d);
                self.scale_event(ctx, &d, n, &olds, surge, rolling);
            } else {
                self.rollout(ctx, &d, n, &olds);
            }
        }
        self.sync_status(ctx, &d, new_rs.as_deref());
    }

    fn surge_unavail(d: &Value) -> (i32, i32, bool) {
        let want = i32::try_from(ds::replicas(d)).unwrap_or(0);
        let rolling = meta::str_at(d, &["spec", "strategy", "type"]).unwrap_or("RollingUpdate") != "Recreate";
        let ru = meta::at(d, &["spec", "strategy", "rollingUpdate"]);
        let (s, u) = rolling::resolve_fenceposts(ru.and_then(|r| r.get("maxSurge")), ru.and_then(|r| r.get("maxUnavailable")), want);
        if rolling {
            (s, u, true)
        } else {
            (0, 0, false)
        }
    }

    /// `getNewReplicaSet` when none matches: creates `<name>-<hash>` (bumping collisionCount
    /// on a name clash) with the revision and replica annotations.
    fn create_new_rs(&mut self, ctx: &mut Ctx<'_>, d: &mut Value, olds: &[Arc<Value>], revision: i64) -> Option<Arc<Value>> {
        let collision = meta::at(d, &["status", "collisionCount"]).and_then(Value::as_u64).map(|c| c as u32);
        let template = meta::at(d, &["spec", "template"]).cloned().unwrap_or(json!({}));
        let h = hash::compute_hash(&template, collision);
        let want = i32::try_from(ds::replicas(d)).unwrap_or(0);
        let (surge, _, rolling) = Self::surge_unavail(d);
        let current: i32 = olds.iter().map(|r| int(r, &["spec", "replicas"]) as i32).sum();
        let old_active = olds.iter().any(|r| int(r, &["spec", "replicas"]) > 0 || int(r, &["status", "replicas"]) > 0);
        let n = if rolling { rolling::new_rs_new_replicas(want, surge, current, 0) } else if old_active { 0 } else { want };
        let mut rs_template = template.clone();
        rs_template["metadata"]["labels"]["pod-template-hash"] = json!(h);
        let mut selector = meta::at(d, &["spec", "selector"]).cloned().unwrap_or(json!({}));
        selector["matchLabels"]["pod-template-hash"] = json!(h);
        let mut annotations = serde_json::Map::new();
        for (k, v) in meta::string_map(d, &["metadata", "annotations"]) {
            if !SKIP_COPY.contains(&k) {
                annotations.insert(k.to_string(), json!(v));
            }
        }
        annotations.insert(DESIRED_REPLICAS, json!(want.to_string()));
        annotations.insert(MAX_REPLICAS, json!((want + surge).to_string()));
        annotations.insert(REVISION, json!(revision.to_string()));
        let name = format!("{}-{h}", meta::name(d));
        let mut spec = json!({"replicas": n, "selector": selector, "template": rs_template});
        if let Some(mrs) = meta::at(d, &["spec", "minReadySeconds"]).filter(|v| v.as_i64().unwrap_or(0) > 0) {
            spec["minReadySeconds"] = mrs.clone();
        }
        let rs = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "namespace": meta::namespace(d),
            "labels": rs_template["metadata"]["labels"].clone(), "annotations": annotations, "ownerReferences": [owner_ref(d)]}, "spec": spec});
        let now = ctx.epoch().rfc3339(ctx.now());
        match submit_obj(ctx, ApiRequest::create(rs)) {
            Ok(created) => {
                if n > 0 {
                    event(ctx, NAME, d, false, "ScalingReplicaSet", format!("Scaled up replica set {name} from 0 to {n}"));
                }
                self.track(&created, d);
                set_annotation(d, REVISION, &revision.to_string());
                self.update_deployment(ctx, d);
                let mut st = d.get("status").cloned().unwrap_or(json!({}));
                ds::set_condition(&mut st, ds::new_condition("Progressing", "True", "NewReplicaSetCreated", format!("Created new replica set \"{name}\""), &now));
                d["status"] = st;
                self.update_status(ctx, d);
                self.rss.get(meta::namespace(&created), meta::name(&created)).cloned()
            }
            Err(msg) if msg.contains("already exists") => {
                d["status"]["collisionCount"] = json!(collision.unwrap_or(0) + 1);
                self.update_status(ctx, d);
                None
            }
            Err(msg) => {
                event(ctx, NAME, d, true, "FailedCreate", format!("Failed to create new replica set \"{name}\": {msg}"));
                None
            }
        }
    }

    /// The existing new ReplicaSet: its revision becomes the newest (rollout undo), with the
    /// old number kept in `revision-history`; the Deployment's revision follows.
    fn refresh_new_rs(&mut self, ctx: &mut Ctx<'_>, d: &mut Value, rs: &Arc<Value>, next_revision: i64) -> Arc<Value> {
        let cur = ds::revision_of(rs);
        let mut result = Arc::clone(rs);
        if cur < next_revision && cur > 0 && next_revision > 1 {
            let mut copy = (**rs).clone();
            let hist = meta::str_at(rs, &["metadata", "annotations", REVISION_HISTORY]).map(|h| format!("{h},{cur}")).unwrap_or_else(|| cur.to_string());
            set_annotation(&mut copy, REVISION, &next_revision.to_string());
            set_annotation(&mut copy, REVISION_HISTORY, &hist);
            if let Ok(stored) = submit_obj(ctx, ApiRequest::update(copy)) {
                self.track(&stored, d);
                result = Arc::new(stored);
            }
        }
        let rev = ds::revision_of(&result).to_string();
        if ds::revision_of(d) != ds::revision_of(&result) {
            set_annotation(d, REVISION, &rev);
            self.update_deployment(ctx, d);
        }
        if ds::condition(d.get("status").unwrap_or(&Value::Null), "Progressing").is_none() {
            let now = ctx.epoch().rfc3339(ctx.now());
            let mut st = d.get("status").cloned().unwrap_or(json!({}));
            ds::set_condition(&mut st, ds::new_condition("Progressing", "True", "FoundNewReplicaSet", format!("Found new replica set \"{}\"", meta::name(&result)), &now));
            d["status"] = st;
            self.update_status(ctx, d);
        }
        result
    }

    fn track(&mut self, rs: &Value, d: &Value) {
        let key = super::NsName::new(meta::namespace(rs), meta::name(rs));
        self.queue.own(meta::uid(d), key);
        self.rss.assume(rs.clone());
    }

    fn update_deployment(&mut self, ctx: &mut Ctx<'_>, d: &mut Value) {
        if let Ok(stored) = submit_obj(ctx, ApiRequest::update(d.clone())) {
            *d = stored.clone();
            self.deps.assume(stored);
        }
    }

    fn update_status(&mut self, ctx: &mut Ctx<'_>, d: &mut Value) {
        if let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(d.clone())) {
            *d = stored.clone();
            self.deps.assume(stored);
        }
    }

    /// `rolloutRolling` / `rolloutRecreate`: one step of scaling new up and old down.
    fn rollout(&mut self, ctx: &mut Ctx<'_>, d: &Value, new_rs: &Arc<Value>, olds: &[Arc<Value>]) {
        let want = i32::try_from(ds::replicas(d)).unwrap_or(0);
        let (surge, unavail, is_rolling) = Self::surge_unavail(d);
        let spec = |r: &Value| int(r, &["spec", "replicas"]) as i32;
        let avail = |r: &Value| int(r, &["status", "availableReplicas"]) as i32;
        let new_spec = spec(new_rs);
        if !is_rolling {
            for o in olds.iter().filter(|o| spec(o) > 0) {
                self.scale_rs(ctx, d, o, 0, want, surge);
            }
            let old_pods: i64 = olds.iter().map(|o| int(o, &["status", "replicas"])).sum();
            if old_pods == 0 && olds.iter().all(|o| spec(o) == 0) && new_spec != want {
                self.scale_rs(ctx, d, new_rs, want, want, surge);
            }
            return;
        }
        let current: i32 = olds.iter().map(|o| spec(o)).sum::<i32>() + new_spec;
        let target = if new_spec > want { want } else { rolling::new_rs_new_replicas(want, surge, current, new_spec) };
        let new_spec = if target != new_spec { self.scale_rs(ctx, d, new_rs, target, want, surge) } else { new_spec };
        let old_spec: Vec<(i32, i32)> = olds.iter().map(|o| (spec(o), avail(o))).collect();
        if old_spec.iter().all(|o| o.0 == 0) {
            self.cleanup(ctx, d, olds);
            return;
        }
        let all_pods: i32 = old_spec.iter().map(|o| o.0).sum::<i32>() + new_spec;
        let budget = rolling::max_scaled_down(all_pods, want, unavail, new_spec, avail(new_rs));
        if budget <= 0 {
            return;
        }
        let (after_cleanup, _) = rolling::cleanup_unhealthy(&old_spec, budget);
        let staged: Vec<(i32, i32)> = after_cleanup.iter().zip(&old_spec).map(|(s, o)| (*s, o.1.min(*s))).collect();
        let total_available = staged.iter().map(|o| o.1).sum::<i32>() + avail(new_rs);
        let (after, _) = rolling::scale_down_old(&staged, want - unavail, total_available);
        for (o, n) in olds.iter().zip(after) {
            if n != spec(o) {
                self.scale_rs(ctx, d, o, n, want, surge);
            }
        }
    }

    /// `scaleReplicaSet`: new spec.replicas plus the desired/max annotations, and the
    /// `ScalingReplicaSet` event.
    pub(super) fn scale_rs(&mut self, ctx: &mut Ctx<'_>, d: &Value, rs: &Value, to: i32, want: i32, surge: i32) -> i32 {
        let from = int(rs, &["spec", "replicas"]) as i32;
        let mut copy = rs.clone();
        copy["spec"]["replicas"] = json!(to);
        set_annotation(&mut copy, DESIRED_REPLICAS, &want.to_string());
        set_annotation(&mut copy, MAX_REPLICAS, &(want + surge).to_string());
        match submit_obj(ctx, ApiRequest::update(copy)) {
            Ok(stored) => {
                if from != to {
                    let dir = if to > from { "up" } else { "down" };
                    event(ctx, NAME, d, false, "ScalingReplicaSet", format!("Scaled {dir} replica set {} from {from} to {to}", meta::name(rs)));
                }
                self.track(&stored, d);
                to
            }
            Err(_) => from,
        }
    }

    /// `cleanupDeployment`: old ReplicaSets scaled to zero beyond revisionHistoryLimit go,
    /// oldest first.
    fn cleanup(&mut self, ctx: &mut Ctx<'_>, d: &Value, olds: &[Arc<Value>]) {
        let limit = meta::at(d, &["spec", "revisionHistoryLimit"]).and_then(Value::as_i64).unwrap_or(10).max(0) as usize;
        let idle: Vec<&Arc<Value>> = olds.iter().filter(|o| int(o, &["spec", "replicas"]) == 0 && int(o, &["status", "replicas"]) == 0 && meta::deletion_timestamp(o).is_none()).collect();
        if idle.len() <= limit {
            return;
        }
        let mut by_rev: Vec<&Arc<Value>> = idle;
        by_rev.sort_by_key(|o| ds::revision_of(o));
        let n = by_rev.len() - limit;
        for o in by_rev.into_iter().take(n) {
            let _ = submit_obj(ctx, super::delete_req("ReplicaSet", meta::namespace(o), meta::name(o), meta::uid(o)));
        }
    }

    fn sync_status(&mut self, ctx: &mut Ctx<'_>, d: &Value, new_rs: Option<&Value>) {
        let all = self.owned_rss(ctx, d);
        let refs: Vec<&Value> = all.iter().map(|a| &**a).collect();
        let new_name = new_rs.map(|r| meta::name(r).to_string());
        let new_now = new_name.as_ref().and_then(|n| all.iter().find(|r| meta::name(r) == n)).map(|a| &**a);
        let c = ds::counts(&refs, new_now);
        let want = ds::replicas(d);
        let rolling = meta::str_at(d, &["spec", "strategy", "type"]).unwrap_or("RollingUpdate") != "Recreate";
        let ru = meta::at(d, &["spec", "strategy", "rollingUpdate"]);
        let mu = rolling::max_unavailable_for_availability(rolling, ru.and_then(|r| r.get("maxSurge")), ru.and_then(|r| r.get("maxUnavailable")), want as i32);
        let now_s = ctx.epoch().rfc3339(ctx.now());
        let deadline_secs = meta::at(d, &["spec", "progressDeadlineSeconds"]).and_then(Value::as_u64).unwrap_or(600);
        let last = ds::condition(d.get("status").unwrap_or(&Value::Null), "Progressing")
            .filter(|c| c["status"] == "True" && c["reason"] != "NewReplicaSetAvailable")
            .and_then(|c| c["lastUpdateTime"].as_str())
            .and_then(|t| ctx.epoch().parse(t));
        let timed_out = last.is_some_and(|t| t.plus(SimDuration::from_secs(deadline_secs)) <= ctx.now());
        let st = ds::calculate(d, &c, new_name.as_deref(), i64::from(mu), &now_s, timed_out);
        let complete = c.updated == want && c.replicas == want && c.available == want;
        if !complete && !timed_out {
            // Re-check the progress deadline when it would pass (the real controller requeues
            // with `requeueStuckDeployment`). Only a condition that can time out arms it: a
            // Progressing condition still saying NewReplicaSetAvailable (a finished rollout
            // that lost a pod) never times out, and re-arming its long-past deadline at `now`
            // would wake this controller forever at one instant.
            let from = ds::condition(&st, "Progressing")
                .filter(|c| c["status"] == "True" && c["reason"] != "NewReplicaSetAvailable")
                .and_then(|c| c["lastUpdateTime"].as_str())
                .and_then(|t| ctx.epoch().parse(t));
            let at = from.map(|f| f.plus(SimDuration::from_secs(deadline_secs)).plus(SimDuration::from_secs(1)));
            let key = super::NsName::new(meta::namespace(d), meta::name(d));
            if let Some(at) = at.filter(|at| *at > ctx.now()) {
                if self.queue.add_after(at, key) {
                    ctx.set_background_timer(at, 1);
                }
            }
        }
        let mut copy = d.clone();
        copy["status"] = st;
        if super::canonical(&copy).get("status") != super::canonical(d).get("status") {
            self.update_status(ctx, &mut copy);
        }
    }
}

fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    let m = meta::metadata_mut(obj);
    let a = m.entry("annotations".to_string()).or_insert_with(|| json!({}));
    if !a.is_object() {
        *a = json!({});
    }
    a[key] = json!(value);
}
