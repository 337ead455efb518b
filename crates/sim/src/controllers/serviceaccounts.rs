//! What every namespace gets from kube-controller-manager the moment it exists: the
//! serviceaccount controller's `default` ServiceAccount (pkg/controller/serviceaccount: it is
//! recreated if deleted) and the root-ca-cert-publisher's `kube-root-ca.crt` ConfigMap
//! (pkg/controller/certificates/rootcacertpublisher: the cluster CA bundle, put back if deleted
//! or edited). Without them the ServiceAccount admission plugin rejects every Pod in a new
//! namespace (`error looking up service account dev/default`), and the projected
//! `kube-api-access-*` volume has no CA to mount. Namespaces being deleted get nothing.

use super::{sa_user, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::rng::Rng;
use crate::selector::FieldSelector;
use crate::sim::Simulation;
use crate::store::WatchFilter;
use serde_json::{json, Value};

pub const SA_CONTROLLER: &str = "service-account-controller";
pub const CA_PUBLISHER: &str = "root-ca-cert-publisher";
const ROOT_CA: &str = "kube-root-ca.crt";
const ROOT_CA_DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service (kubernetes.default.svc). No other usage is guaranteed across distributions of Kubernetes clusters.";

/// Which of the two controllers a component is; they share the namespace walk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    ServiceAccounts,
    RootCa,
}

/// One of the two per-namespace publishers.
pub struct NamespacePublisher {
    role: Role,
    namespaces: Informer,
    /// `default` ServiceAccounts or `kube-root-ca.crt` ConfigMaps (a name-pinned watch).
    owned: Informer,
}

/// Registers both publishers and the namespace controller, with the RBAC of all three
/// (`system:controller:<name>` as kube-controller-manager's bootstrap policy has them).
pub(crate) fn register(sim: &mut Simulation) {
    bootstrap_rbac(sim);
    for role in [Role::ServiceAccounts, Role::RootCa] {
        sim.register_component(Box::new(NamespacePublisher { role, namespaces: Informer::default(), owned: Informer::default() }));
    }
    sim.register_component(Box::new(super::namespace::NamespaceController::default()));
}

fn bootstrap_rbac(sim: &mut Simulation) {
    let core = sim.core_mut();
    let mut rng = Rng::stream(core.seed, "namespace-publishers-bootstrap");
    let created = core.epoch.rfc3339(core.now);
    let events = json!({"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]});
    let roles = [
        (SA_CONTROLLER, json!([{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["create"]}, events])),
        (CA_PUBLISHER, json!([{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create", "update"]}, events])),
        (super::namespace::NAME, json!([{"apiGroups": [""], "resources": ["namespaces", "namespaces/finalize", "namespaces/status"], "verbs": ["get", "list", "watch", "update"]},
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch", "delete", "deletecollection"]}, events])),
    ];
    for (controller, rules) in roles {
        let name = format!("system:controller:{controller}");
        let m = |rng: &mut Rng| json!({"name": name, "uid": rng.uid(), "creationTimestamp": created, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}, "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}});
        let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": m(&mut rng), "rules": rules});
        let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": m(&mut rng),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": controller, "namespace": "kube-system"}]});
        for obj in [role, binding] {
            let _ = core.store.create(obj);
        }
    }
}

impl Component for NamespacePublisher {
    fn name(&self) -> String {
        match self.role {
            Role::ServiceAccounts => SA_CONTROLLER.into(),
            Role::RootCa => CA_PUBLISHER.into(),
        }
    }
    fn user(&self) -> String {
        sa_user(&self.name())
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.namespaces = Informer::new("Namespace");
        self.namespaces.start(ctx);
        let (kind, name) = match self.role {
            Role::ServiceAccounts => ("ServiceAccount", "default"),
            Role::RootCa => ("ConfigMap", ROOT_CA),
        };
        self.owned = Informer::new(kind);
        let fields = FieldSelector::parse(kind, &format!("metadata.name={name}")).unwrap_or_default();
        if let Ok(id) = ctx.watch(WatchFilter { fields, ..WatchFilter::kind(kind) }, None) {
            self.owned.set_watch(id);
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        self.namespaces.pump(ctx);
        self.owned.pump(ctx);
        let active: Vec<String> =
            self.namespaces.objs.values().filter(|n| meta::deletion_timestamp(n).is_none()).map(|n| meta::name(n).to_string()).collect();
        for ns in active {
            self.sync(ctx, &ns);
        }
    }
}

impl NamespacePublisher {
    /// Creates (or, for the CA bundle, repairs) this controller's object in `ns`.
    fn sync(&mut self, ctx: &mut Ctx<'_>, ns: &str) {
        match self.role {
            Role::ServiceAccounts => {
                if self.owned.get(ns, "default").is_none() {
                    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}});
                    if let Ok(stored) = submit_obj(ctx, ApiRequest::create(sa)) {
                        self.owned.assume(stored);
                    }
                }
            }
            Role::RootCa => {
                let want = json!({"ca.crt": crate::bootstrap::CA_CRT});
                let req = match self.owned.get(ns, ROOT_CA) {
                    None => ApiRequest::create(json!({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": ROOT_CA, "namespace": ns, "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}}, "data": want})),
                    Some(cm) if cm.get("data") != Some(&want) => {
                        let mut fixed: Value = (**cm).clone();
                        fixed["data"] = want;
                        if let Some(o) = fixed.as_object_mut() {
                            o.shift_remove("binaryData");
                        }
                        ApiRequest::update(fixed)
                    }
                    Some(_) => return,
                };
                if let Ok(stored) = submit_obj(ctx, req) {
                    self.owned.assume(stored);
                }
            }
        }
    }
}
