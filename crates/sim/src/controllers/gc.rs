//! The garbage collector (`pkg/controller/garbagecollector`) for background propagation:
//! it keeps an owner graph from its informers (every object's ownerReferences by owner uid)
//! and, when an owner disappears, deletes the dependents none of whose owners still exist —
//! which is why `kubectl delete deployment web` takes its ReplicaSets and then their pods with
//! it, one level per pass, as in a real cluster.

use super::shared_informer::Registration;
use super::{sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::{ApiRequest, DeleteOptions, Propagation, Verb};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub const NAME: &str = "generic-garbage-collector";
/// Kinds whose objects own or are owned by others in this cluster.
pub const KINDS: [&str; 8] = ["Deployment", "ReplicaSet", "Pod", "Job", "Service", "EndpointSlice", "DaemonSet", "ControllerRevision"];

type Node = (String, String, String);

#[derive(Default)]
pub struct GarbageCollector {
    /// One informer per kind of `KINDS` but Pod, in that order.
    informers: Vec<Informer>,
    pods: Registration,
    /// uid -> object identity, for every object seen.
    alive: BTreeMap<String, Node>,
    /// owner uid -> dependents (kind, namespace, name).
    dependents: BTreeMap<String, BTreeSet<Node>>,
    /// Owners whose deletion is being processed.
    gone: BTreeSet<String>,
}

fn owner_uids(obj: &Value) -> Vec<String> {
    let refs = meta::at(obj, &["metadata", "ownerReferences"]).and_then(Value::as_array);
    refs.map(|a| a.iter().filter_map(|r| r.get("uid").and_then(Value::as_str)).map(str::to_string).collect()).unwrap_or_default()
}

impl Component for GarbageCollector {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        // Watches open in `KINDS` order, pods through the shared informer.
        self.informers.clear();
        for kind in KINDS {
            if kind == "Pod" {
                self.pods.start(ctx, kind);
                continue;
            }
            let mut informer = Informer::new(kind);
            informer.start(ctx);
            self.informers.push(informer);
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        let mut changes = Vec::new();
        let mut others = self.informers.iter_mut();
        for kind in KINDS {
            let pumped = if kind == "Pod" { self.pods.pump(ctx) } else { others.next().map(|i| i.pump(ctx)).unwrap_or_default() };
            changes.extend(pumped);
        }
        for c in changes {
            if let Some(new) = &c.new {
                // Most changes are updates of an object already in the graph: leave its entries
                // alone instead of rebuilding the same keys (the maps end up the same).
                let uid = meta::uid(new);
                let known = self.alive.get(uid).is_some_and(|(k, ns, n)| k == meta::kind(new) && *ns == c.key.0 && *n == c.key.1);
                let owners = owner_uids(new);
                if known && owners.is_empty() {
                    continue;
                }
                let node = (meta::kind(new).to_string(), c.key.0.clone(), c.key.1.clone());
                if !known {
                    self.alive.insert(uid.to_string(), node.clone());
                }
                for o in owners {
                    let deps = self.dependents.entry(o).or_default();
                    if !deps.contains(&node) {
                        deps.insert(node.clone());
                    }
                }
            } else if let Some(old) = &c.old {
                let uid = meta::uid(old).to_string();
                self.alive.remove(&uid);
                if self.dependents.contains_key(&uid) {
                    self.gone.insert(uid);
                }
            }
        }
        for uid in std::mem::take(&mut self.gone) {
            self.collect(ctx, &uid);
        }
    }
    fn describe(&self) -> Value {
        json!({"objects": self.alive.len(), "owners": self.dependents.len()})
    }
}

impl GarbageCollector {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    /// Deletes the dependents of a vanished owner whose other owners are gone too.
    fn collect(&mut self, ctx: &mut Ctx<'_>, owner_uid: &str) {
        let Some(deps) = self.dependents.remove(owner_uid) else { return };
        for (kind, ns, name) in deps {
            let Some(obj) = self.lookup(&kind, &ns, &name) else { continue };
            let owners = owner_uids(&obj);
            if !owners.iter().any(|o| o == owner_uid) || owners.iter().any(|o| self.alive.contains_key(o)) {
                continue;
            }
            if meta::deletion_timestamp(&obj).is_some() {
                continue;
            }
            let options = DeleteOptions { propagation: Propagation::Background, uid: Some(meta::uid(&obj).to_string()), ..DeleteOptions::default() };
            let req = ApiRequest::new(Verb::Delete { kind: kind.clone(), namespace: ns.clone(), name: name.clone(), options });
            let _ = submit_obj(ctx, req);
        }
    }

    fn lookup(&self, kind: &str, ns: &str, name: &str) -> Option<Value> {
        if kind == "Pod" {
            return self.pods.get(ns, name).map(std::sync::Arc::unwrap_or_clone);
        }
        let i = KINDS.iter().filter(|k| **k != "Pod").position(|k| *k == kind)?;
        self.informers.get(i)?.get(ns, name).map(|a| (**a).clone())
    }
}
