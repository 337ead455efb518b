//! The disruption controller (`pkg/controller/disruption`): keeps each PodDisruptionBudget's
//! status current so the Eviction API can answer from it. Per PDB it finds the Pods its
//! selector matches, the number it expects (the Pods themselves for an integer
//! `minAvailable`, else the scale of their controllers: a Deployment's or ReplicaSet's
//! `spec.replicas`), the healthy count (Ready, not being deleted, not recently evicted) and
//! `disruptionsAllowed`, with the `DisruptionAllowed` condition (`SufficientPods` /
//! `InsufficientPods`). Evictions the API server granted stay in `disruptedPods` until their
//! Pod is deleted or two minutes pass, as the real controller's DeletionTimeout.

use super::shared_informer::Registration;
use super::{event, pods, sa_user, selector_matches, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::time::{SimDuration, SimTime};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

pub const NAME: &str = "disruption-controller";
/// How long an eviction the API server granted counts against the budget without the Pod
/// being deleted (`DeletionTimeout`).
const DELETION_TIMEOUT_SECS: u64 = 120;

#[derive(Default)]
pub struct DisruptionController {
    pdbs: Informer,
    pods: Registration,
    replicasets: Informer,
    deployments: Informer,
    dirty: BTreeSet<super::NsName>,
    /// (time, namespace, name) of PDBs to look at again when a disrupted entry expires.
    recheck: BTreeSet<(SimTime, String, String)>,
}

/// What the controller computes for one PDB.
#[derive(Debug, PartialEq, Eq)]
pub struct Budget {
    pub expected: i64,
    pub desired_healthy: i64,
    pub current_healthy: i64,
    pub allowed: i64,
}

impl Component for DisruptionController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.pdbs = Informer::new("PodDisruptionBudget");
        self.pdbs.start(ctx);
        self.pods.start(ctx, "Pod");
        for (inf, kind) in [(&mut self.replicasets, "ReplicaSet"), (&mut self.deployments, "Deployment")] {
            *inf = Informer::new(kind);
            inf.start(ctx);
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        let now = ctx.now();
        while let Some((t, ns, name)) = self.recheck.first().cloned() {
            if t > now {
                break;
            }
            self.recheck.pop_first();
            self.dirty.insert(super::NsName(ns, name));
        }
        self.pump(ctx);
        for key in std::mem::take(&mut self.dirty) {
            self.sync(ctx, &key);
        }
    }
    fn describe(&self) -> Value {
        json!({"podDisruptionBudgets": self.pdbs.objs.len()})
    }
}

impl DisruptionController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    fn pump(&mut self, ctx: &mut Ctx<'_>) {
        for c in self.pdbs.pump(ctx) {
            self.dirty.insert(c.key);
        }
        let mut namespaces = BTreeSet::new();
        for c in self.pods.pump(ctx) {
            namespaces.insert(c.key.0);
        }
        for c in self.replicasets.pump(ctx).into_iter().chain(self.deployments.pump(ctx)) {
            namespaces.insert(c.key.0);
        }
        // A Pod or controller change matters to the PDBs of its namespace only.
        for ns in namespaces {
            let keys: Vec<super::NsName> = self.pdbs.in_namespace(&ns).map(|p| super::NsName(ns.clone(), meta::name(p).to_string())).collect();
            self.dirty.extend(keys);
        }
    }

    fn sync(&mut self, ctx: &mut Ctx<'_>, key: &super::NsName) {
        let Some(pdb) = self.pdbs.get(&key.0, &key.1).cloned() else { return };
        let selector = meta::at(&pdb, &["spec", "selector"]);
        let matched: Vec<Arc<Value>> = self.pods.in_namespace(&key.0).into_iter().filter(|p| selector_matches(selector, &meta::labels(p))).collect();
        let (epoch, now) = (ctx.epoch(), ctx.now());
        let mut disrupted = Map::new();
        let mut soonest: Option<SimTime> = None;
        for (name, at) in meta::at(&pdb, &["status", "disruptedPods"]).and_then(Value::as_object).into_iter().flatten() {
            let expires = at.as_str().and_then(|t| epoch.parse(t)).map(|t| t.plus(SimDuration::from_secs(DELETION_TIMEOUT_SECS)));
            let live = matched.iter().any(|p| meta::name(p) == name && meta::deletion_timestamp(p).is_none());
            if let Some(exp) = expires.filter(|e| live && *e > now) {
                disrupted.insert(name.clone(), at.clone());
                soonest = Some(soonest.map_or(exp, |s: SimTime| s.min(exp)));
            }
        }
        if let Some(at) = soonest {
            if self.recheck.insert((at, key.0.clone(), key.1.clone())) {
                ctx.set_timer(at, 1);
            }
        }
        let outcome = match self.expected_count(&pdb, &matched) {
            Ok(expected) => Ok(budget(&pdb, &matched, &disrupted, expected)),
            Err(msg) => Err(msg),
        };
        if let Err(msg) = &outcome {
            // The disruption controller records through a recorder named "controllermanager".
            event(ctx, "controllermanager", &pdb, true, "NoControllers", msg.clone());
        }
        self.write_status(ctx, &pdb, outcome, disrupted);
    }

    /// `getExpectedPodCount`: an integer minAvailable counts the Pods; otherwise the scale of
    /// every distinct controller of the matched Pods.
    fn expected_count(&self, pdb: &Value, matched: &[Arc<Value>]) -> Result<i64, String> {
        let min = meta::at(pdb, &["spec", "minAvailable"]);
        if min.is_some_and(Value::is_i64) {
            return Ok(matched.len() as i64);
        }
        let mut seen = BTreeSet::new();
        let mut total = 0;
        for p in matched {
            let Some((kind, name, uid)) = super::controller_ref(p) else {
                return Err(format!("found no controllers for pod {:?}", meta::name(p)));
            };
            let scale = match kind {
                "ReplicaSet" => self.replicaset_scale(meta::namespace(p), name),
                _ => None,
            };
            let Some((owner_uid, replicas)) = scale else {
                return Err(format!("found no controllers for pod {:?}", meta::name(p)));
            };
            if seen.insert(if owner_uid.is_empty() { uid.to_string() } else { owner_uid }) {
                total += replicas;
            }
        }
        Ok(total)
    }

    /// A ReplicaSet's scale, or its Deployment's when a Deployment controls it.
    fn replicaset_scale(&self, ns: &str, name: &str) -> Option<(String, i64)> {
        let rs = self.replicasets.get(ns, name)?;
        let replicas = |o: &Value| meta::at(o, &["spec", "replicas"]).and_then(Value::as_i64).unwrap_or(1);
        if let Some(("Deployment", dname, _)) = super::controller_ref(rs) {
            let d = self.deployments.get(ns, dname)?;
            return Some((meta::uid(d).to_string(), replicas(d)));
        }
        Some((meta::uid(rs).to_string(), replicas(rs)))
    }

    fn write_status(&mut self, ctx: &mut Ctx<'_>, pdb: &Value, outcome: Result<Budget, String>, disrupted: Map<String, Value>) {
        let generation = meta::at(pdb, &["metadata", "generation"]).and_then(Value::as_i64).unwrap_or(1);
        let cur = pdb.get("status").cloned().unwrap_or(json!({}));
        let (b, reason, message) = match outcome {
            Ok(b) if b.allowed > 0 => (b, "SufficientPods", String::new()),
            Ok(b) => (b, "InsufficientPods", String::new()),
            // failSafe: no disruptions while the budget cannot be computed.
            Err(msg) => {
                let keep = |k: &str| cur.get(k).and_then(Value::as_i64).unwrap_or(0);
                (Budget { expected: keep("expectedPods"), desired_healthy: keep("desiredHealthy"), current_healthy: keep("currentHealthy"), allowed: 0 }, "SyncFailed", msg)
            }
        };
        let status_word = if b.allowed > 0 { "True" } else { "False" };
        let old_cond = cur.get("conditions").and_then(Value::as_array).and_then(|a| a.iter().find(|c| c["type"] == "DisruptionAllowed")).cloned();
        let unchanged_cond = old_cond.as_ref().is_some_and(|c| c["status"] == status_word && c["reason"] == reason && c["message"] == message.as_str());
        let same = unchanged_cond
            && [("expectedPods", b.expected), ("desiredHealthy", b.desired_healthy), ("currentHealthy", b.current_healthy), ("disruptionsAllowed", b.allowed), ("observedGeneration", generation)]
                .iter()
                .all(|(k, v)| cur.get(*k).and_then(Value::as_i64).unwrap_or(0) == *v)
            && cur.get("disruptedPods").and_then(Value::as_object).cloned().unwrap_or_default() == disrupted;
        if same {
            return;
        }
        let transition = match old_cond.filter(|c| c["status"] == status_word) {
            Some(c) => c["lastTransitionTime"].clone(),
            None => json!(ctx.epoch().rfc3339(ctx.now())),
        };
        let mut status = json!({"observedGeneration": generation, "disruptionsAllowed": b.allowed, "currentHealthy": b.current_healthy,
            "desiredHealthy": b.desired_healthy, "expectedPods": b.expected,
            "conditions": [{"type": "DisruptionAllowed", "status": status_word, "observedGeneration": generation, "lastTransitionTime": transition, "reason": reason, "message": message}]});
        if !disrupted.is_empty() {
            status["disruptedPods"] = Value::Object(disrupted);
        }
        let mut obj = pdb.clone();
        obj["status"] = status;
        if let Ok(stored) = submit_obj(ctx, ApiRequest::update_status(obj)) {
            self.pdbs.assume(stored);
        }
    }
}

/// desiredHealthy, currentHealthy and disruptionsAllowed from the spec and the matched Pods.
pub fn budget(pdb: &Value, matched: &[Arc<Value>], disrupted: &Map<String, Value>, expected: i64) -> Budget {
    let healthy = matched.iter().filter(|p| meta::deletion_timestamp(p).is_none() && !disrupted.contains_key(meta::name(p)) && pods::is_ready(p)).count() as i64;
    let scaled = |v: &Value, round_up: bool| super::rolling::scaled_value(Some(v), expected as i32, round_up) as i64;
    let desired = match (meta::at(pdb, &["spec", "minAvailable"]), meta::at(pdb, &["spec", "maxUnavailable"])) {
        (_, Some(max)) => (expected - scaled(max, true)).max(0),
        (Some(min), _) if min.is_i64() => min.as_i64().unwrap_or(0),
        (Some(min), _) => scaled(min, true),
        (None, None) => expected,
    };
    let mut allowed = healthy - desired;
    if expected <= 0 || allowed <= 0 {
        allowed = 0;
    }
    Budget { expected, desired_healthy: desired, current_healthy: healthy, allowed }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str, ready: bool, deleting: bool) -> Arc<Value> {
        let mut p = json!({"metadata": {"name": name}, "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}});
        if deleting {
            p["metadata"]["deletionTimestamp"] = json!("2025-01-01T12:00:00Z");
        }
        Arc::new(p)
    }

    #[test]
    fn budget_table() {
        let three = vec![pod("a", true, false), pod("b", true, false), pod("c", false, false)];
        let cases = [
            (json!({"minAvailable": 2}), 3, Budget { expected: 3, desired_healthy: 2, current_healthy: 2, allowed: 0 }),
            (json!({"minAvailable": 1}), 3, Budget { expected: 3, desired_healthy: 1, current_healthy: 2, allowed: 1 }),
            (json!({"maxUnavailable": 1}), 3, Budget { expected: 3, desired_healthy: 2, current_healthy: 2, allowed: 0 }),
            (json!({"maxUnavailable": "50%"}), 4, Budget { expected: 4, desired_healthy: 2, current_healthy: 2, allowed: 0 }),
            (json!({"minAvailable": "50%"}), 3, Budget { expected: 3, desired_healthy: 2, current_healthy: 2, allowed: 0 }),
            (json!({"minAvailable": 0}), 0, Budget { expected: 0, desired_healthy: 0, current_healthy: 2, allowed: 0 }),
        ];
        for (spec, expected, want) in cases {
            let pdb = json!({"spec": spec});
            assert_eq!(budget(&pdb, &three, &Map::new(), expected), want, "{spec}");
        }
        let mut disrupted = Map::new();
        disrupted.insert("a", json!("2025-01-01T12:00:00Z"));
        let b = budget(&json!({"spec": {"minAvailable": 1}}), &three, &disrupted, 3);
        assert_eq!((b.current_healthy, b.allowed), (1, 0));
    }
}
