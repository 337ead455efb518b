//! The garbage collector (`pkg/controller/garbagecollector`) for background propagation:
//! it keeps an owner graph from its informers (every object's ownerReferences by owner uid)
//! and, when an owner disappears, deletes the dependents none of whose owners still exist —
//! which is why `kubectl delete deployment web` takes its ReplicaSets and then their pods with
//! it, one level per pass, as in a real cluster.

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
    informers: Vec<Informer>,
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
        self.informers = KINDS.iter().map(|k| Informer::new(k)).collect();
        for i in &mut self.informers {
            i.start(ctx);
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        let mut changes = Vec::new();
        for i in &mut self.informers {
            changes.extend(i.pump(ctx));
        }
        for c in changes {
            if let Some(new) = &c.new {
                let node = (meta::kind(new).to_string(), c.key.0.clone(), c.key.1.clone());
                self.alive.insert(meta::uid(new).to_string(), node.clone());
                for o in owner_uids(new) {
                    self.dependents.entry(o).or_default().insert(node.clone());
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
        let i = KINDS.iter().position(|k| *k == kind)?;
        self.informers.get(i)?.get(ns, name).map(|a| (**a).clone())
    }
}
