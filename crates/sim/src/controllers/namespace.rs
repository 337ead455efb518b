//! The namespace controller (pkg/controller/namespace): a deleted Namespace stays in phase
//! `Terminating` while its `kubernetes` finalizer (in `spec.finalizers`) holds it; this
//! controller deletes everything namespaced inside it, waits until nothing is left (Pods go
//! through their grace period, so `kubectl delete ns` takes as long as the slowest Pod), then
//! removes the finalizer and the API server deletes the Namespace. It re-checks every second
//! while content remains, as the real controller requeues a namespace with content left.

use super::{sa_user, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::{ApiOk, ApiRequest};
use crate::resources::RESOURCES;
use crate::time::SimDuration;
use serde_json::{json, Value};

pub const NAME: &str = "namespace-controller";
const FINALIZER: &str = "kubernetes";
const RECHECK: SimDuration = SimDuration(1_000);
/// Timer token of the re-check.
const RECHECK_TOKEN: u64 = 1;

#[derive(Default)]
pub struct NamespaceController {
    namespaces: Informer,
}

impl Component for NamespaceController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.namespaces = Informer::new("Namespace");
        self.namespaces.start(ctx);
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        self.namespaces.pump(ctx);
        let terminating: Vec<Value> = self
            .namespaces
            .objs
            .values()
            .filter(|n| meta::deletion_timestamp(n).is_some() && has_finalizer(n))
            .map(|n| (**n).clone())
            .collect();
        let mut pending = false;
        for ns in terminating {
            pending |= !self.sync(ctx, &ns);
        }
        if pending {
            ctx.set_timer(ctx.now().plus(RECHECK), RECHECK_TOKEN);
        }
    }
}

fn has_finalizer(ns: &Value) -> bool {
    meta::at(ns, &["spec", "finalizers"]).and_then(Value::as_array).is_some_and(|f| f.iter().any(|x| x == FINALIZER))
}

impl NamespaceController {
    /// Deletes what is left in `ns`; true once it was empty and the finalizer is gone.
    fn sync(&mut self, ctx: &mut Ctx<'_>, ns: &Value) -> bool {
        let name = meta::name(ns).to_string();
        let mut left = 0usize;
        // Binding is a create-only subresource, never stored.
        for info in RESOURCES.iter().filter(|i| i.namespaced && i.kind != "Binding") {
            let Ok(ApiOk::List { items, .. }) = ctx.submit(ApiRequest::list(info.kind, Some(&name))) else { continue };
            for obj in &items {
                left += 1;
                if meta::deletion_timestamp(obj).is_none() {
                    let _ = ctx.submit(ApiRequest::delete(info.kind, &name, meta::name(obj)));
                }
            }
        }
        if left > 0 {
            return false;
        }
        let mut finalized = ns.clone();
        let rest: Vec<Value> = meta::at(ns, &["spec", "finalizers"]).and_then(Value::as_array).map(|f| f.iter().filter(|x| *x != FINALIZER).cloned().collect()).unwrap_or_default();
        finalized["spec"]["finalizers"] = json!(rest);
        match ctx.submit(ApiRequest::update(finalized)) {
            Ok(ApiOk::Object(stored)) => self.namespaces.assume(stored),
            Ok(_) => {}
            Err(_) => return false,
        }
        true
    }
}
