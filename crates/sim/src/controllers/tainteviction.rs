//! The taint-eviction controller (`pkg/controller/tainteviction`): pods on a node with
//! NoExecute taints they do not tolerate are deleted at once; pods tolerating them for
//! `tolerationSeconds` (300s for unreachable/not-ready, added by the DefaultTolerationSeconds
//! admission plugin) are deleted when that runs out, counted from when the controller noticed
//! the taint, unless the taint goes away first. Each deletion gets a DisruptionTarget condition
//! and a `TaintManagerEviction` event, which is how a dead node's pods move elsewhere.
//! Work per wake is proportional to what changed: pods are indexed by node and scheduled
//! deletions sit in a deadline queue, so neither the pod cache nor the schedule is scanned.

use super::shared_informer::{Lister, Registration};
use super::{event, sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::time::{SimDuration, SimTime};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const NAME: &str = "taint-eviction-controller";
type PodKey = (String, String, String);

#[derive(Default)]
pub struct TaintEvictionController {
    nodes: Informer,
    pods: Registration,
    /// Scheduled deletions: pod (namespace, name, uid) -> (noticed at, fire at).
    scheduled: BTreeMap<PodKey, (SimTime, SimTime)>,
    /// The same deletions ordered by fire time, so `fire_due` touches only the due ones.
    deadlines: BTreeSet<(SimTime, PodKey)>,
    /// Pod cache keys by `spec.nodeName`, so reconciling a node does not scan every pod.
    by_node: BTreeMap<String, BTreeSet<super::NsName>>,
}

/// `Toleration.ToleratesTaint` on wire-form values.
pub fn tolerates(t: &Value, taint: &Value) -> bool {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    if !s(t, "effect").is_empty() && s(t, "effect") != s(taint, "effect") {
        return false;
    }
    if !s(t, "key").is_empty() && s(t, "key") != s(taint, "key") {
        return false;
    }
    match s(t, "operator").as_str() {
        "" | "Equal" => s(t, "value") == s(taint, "value"),
        "Exists" => true,
        _ => false,
    }
}

/// Whether a node carries a NoExecute taint.
fn has_no_execute(node: &Value) -> bool {
    meta::at(node, &["spec", "taints"]).and_then(Value::as_array).is_some_and(|a| a.iter().any(|t| t["effect"] == "NoExecute"))
}

/// How long a pod may stay on a node with these NoExecute taints: None = forever (all
/// tolerated without tolerationSeconds), Some(0) = not tolerated, else the minimum
/// tolerationSeconds of the tolerations used (`getMinTolerationTime`).
pub fn toleration_secs(tolerations: &[Value], taints: &[Value]) -> Option<u64> {
    let mut min: Option<u64> = None;
    for taint in taints.iter().filter(|t| t["effect"] == "NoExecute") {
        let used: Vec<&Value> = tolerations.iter().filter(|t| tolerates(t, taint)).collect();
        if used.is_empty() {
            return Some(0);
        }
        for t in used {
            if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
                let secs = secs.max(0) as u64;
                min = Some(min.map_or(secs, |m| m.min(secs)));
            }
        }
    }
    min
}

impl Component for TaintEvictionController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.nodes = Informer::new("Node");
        self.nodes.start(ctx);
        self.pods.start(ctx, "Pod");
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        let mut touched: BTreeSet<String> = BTreeSet::new();
        for c in self.nodes.pump(ctx) {
            touched.insert(c.key.1);
        }
        for c in self.pods.pump(ctx) {
            self.index_pod(&c);
            if let Some(p) = &c.new {
                touched.insert(meta::node_name(p).to_string());
            }
        }
        touched.remove("");
        for node in touched {
            self.reconcile_node(ctx, &node);
        }
        self.fire_due(ctx);
    }
}

impl TaintEvictionController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    /// Keeps `by_node` in step with the pod cache (a pod's node can only go from unset to
    /// set, but the old entry is dropped generally so the index never holds stale keys).
    fn index_pod(&mut self, c: &super::Change) {
        let old = c.old.as_deref().map(meta::node_name).unwrap_or("");
        let new = c.new.as_deref().map(meta::node_name).unwrap_or("");
        if old == new && c.new.is_some() {
            return;
        }
        if let Some(set) = self.by_node.get_mut(old) {
            set.remove(&c.key);
            if set.is_empty() {
                self.by_node.remove(old);
            }
        }
        if c.new.is_some() {
            // The node's set usually exists (every pending pod shares ""): no name copy then.
            match self.by_node.get_mut(new) {
                Some(set) => {
                    set.insert(c.key.clone());
                }
                None => {
                    self.by_node.insert(new.to_string(), BTreeSet::from([c.key.clone()]));
                }
            }
        }
    }

    fn schedule(&mut self, key: PodKey, noticed: SimTime, at: SimTime) {
        if let Some((_, old_at)) = self.scheduled.insert(key.clone(), (noticed, at)) {
            self.deadlines.remove(&(old_at, key.clone()));
        }
        self.deadlines.insert((at, key));
    }

    fn unschedule(&mut self, key: &PodKey) -> bool {
        let Some((_, at)) = self.scheduled.remove(key) else { return false };
        self.deadlines.remove(&(at, key.clone()));
        true
    }

    fn reconcile_node(&mut self, ctx: &mut Ctx<'_>, node: &str) {
        let now = ctx.now();
        if self.scheduled.is_empty() && !self.nodes.get("", node).is_some_and(|n| has_no_execute(n)) {
            // Nothing to evict and nothing to cancel (the common case, checked without copying
            // the taints).
            return;
        }
        let taints: Vec<Value> = self
            .nodes
            .get("", node)
            .and_then(|n| meta::at(n, &["spec", "taints"]).and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .into_iter()
            .filter(|t| t["effect"] == "NoExecute")
            .collect();
        if taints.is_empty() && self.scheduled.is_empty() {
            // Nothing to evict and nothing to cancel: skip the pod scan (keeps large rollouts
            // linear).
            return;
        }
        let keys = self.by_node.get(node).into_iter().flatten();
        let pods: Vec<Value> = keys.filter_map(|k| self.pods.lookup(k)).filter(|p| meta::deletion_timestamp(p).is_none()).map(Arc::unwrap_or_clone).collect();
        for pod in pods {
            let key = (meta::namespace(&pod).to_string(), meta::name(&pod).to_string(), meta::uid(&pod).to_string());
            let tolerations = meta::at(&pod, &["spec", "tolerations"]).and_then(Value::as_array).cloned().unwrap_or_default();
            let limit = if taints.is_empty() { None } else { Some(toleration_secs(&tolerations, &taints)) };
            match limit {
                None | Some(None) => {
                    if self.unschedule(&key) {
                        event(ctx, NAME, &pod, false, "TaintManagerEviction", format!("Cancelling deletion of Pod {}/{}", key.0, key.1));
                    }
                }
                Some(Some(secs)) => {
                    let noticed = self.scheduled.get(&key).map(|s| s.0).unwrap_or(now);
                    let at = noticed.plus(SimDuration::from_secs(secs));
                    if self.scheduled.get(&key).map(|s| s.1) != Some(at) {
                        self.schedule(key, noticed, at);
                        ctx.set_background_timer(at, 1);
                    }
                }
            }
        }
    }

    fn fire_due(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        // Due deletions come off the deadline queue, then run in pod-key order as before.
        let mut due: Vec<PodKey> = Vec::new();
        while self.deadlines.first().is_some_and(|(at, _)| *at <= now) {
            if let Some((_, key)) = self.deadlines.pop_first() {
                due.push(key);
            }
        }
        due.sort();
        for key in due {
            self.scheduled.remove(&key);
            let Some(pod) = self.pods.get(&key.0, &key.1).map(Arc::unwrap_or_clone).filter(|p| meta::uid(p) == key.2) else { continue };
            event(ctx, NAME, &pod, false, "TaintManagerEviction", format!("Marking for deletion Pod {}/{}", key.0, key.1));
            let stamp = ctx.epoch().rfc3339(now);
            let mut copy = pod.clone();
            crate::apiserver::set_pod_condition(
                &mut copy,
                json!({"type": "DisruptionTarget", "status": "True", "lastProbeTime": null, "lastTransitionTime": stamp, "reason": "DeletionByTaintManager", "message": "Taint manager: deleting due to NoExecute taint"}),
            );
            let _ = submit_obj(ctx, ApiRequest::update_status(copy));
            let _ = submit_obj(ctx, super::delete_req("Pod", &key.0, &key.1, &key.2));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toleration_seconds_table() {
        let unreachable = json!({"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"});
        let default_tol = json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300});
        let short = json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30});
        let forever = json!({"operator": "Exists"});
        assert_eq!(toleration_secs(&[default_tol.clone()], &[unreachable.clone()]), Some(300));
        assert_eq!(toleration_secs(&[default_tol.clone(), short], &[unreachable.clone()]), Some(30));
        assert_eq!(toleration_secs(&[forever], &[unreachable.clone()]), None);
        assert_eq!(toleration_secs(&[], &[unreachable.clone()]), Some(0));
        let other = json!({"key": "dedicated", "value": "gpu", "effect": "NoExecute"});
        assert_eq!(toleration_secs(&[default_tol], &[unreachable, other]), Some(0));
    }
}
