//! The control-plane components every cluster starts with — the scheduler, one kubelet per
//! node, and kube-controller-manager's controllers (ReplicaSet, Deployment, Job, EndpointSlice,
//! Endpoints, garbage collector, node lifecycle, taint eviction) — registered in a fixed order
//! so component ids (and therefore tie-breaks between wake-ups at the same instant) are
//! deterministic. Controllers learn only through watches (`Informer`; pods through the one
//! `shared_informer::SharedInformer` every pod-watching controller registers with) and act only
//! through the API server as their own service account, as kube-controller-manager does with
//! `--use-service-account-credentials`; this module also owns the RBAC those identities need.

pub mod attachdetach;
pub mod daemonset;
pub mod daemonset_history;
pub mod daemonset_pods;
pub mod deployment;
pub mod deployment_scale;
pub mod deployment_status;
pub mod disruption;
pub mod endpoints;
pub mod gc;
pub mod hash;
pub mod job;
pub mod metrics;
pub mod namespace;
pub mod nodelifecycle;
pub mod persistentvolume;
pub mod persistentvolume_binding;
pub mod persistentvolume_provisioner;
pub mod persistentvolume_spec;
pub mod persistentvolume_view;
pub mod queue;
pub mod replicaset;
pub mod rolling;
pub mod services;
pub mod serviceaccounts;
pub mod shared_informer;
pub mod tainteviction;

use crate::component::Ctx;
use crate::events::{EventRecord, EventType, ObjectRef};
pub use crate::keys::NsName;
use crate::meta;
use crate::request::{ApiOk, ApiRequest, DeleteOptions, Verb};
use crate::rng::Rng;
use crate::scheduler::Scheduler;
use crate::sim::Simulation;
use crate::store::{WatchEventType, WatchFilter, WatchId};
use crate::time::SimTime;
use crate::trace::Outcome;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Names of the kube-controller-manager controllers this cluster runs (service accounts in
/// kube-system, ClusterRoles `system:controller:<name>`).
pub const CONTROLLERS: [&str; 10] = [
    "deployment-controller",
    "replicaset-controller",
    "job-controller",
    "endpointslice-controller",
    "endpoint-controller",
    "generic-garbage-collector",
    "node-controller",
    "taint-eviction-controller",
    "daemon-set-controller",
    "disruption-controller",
];

pub(crate) fn register_defaults(sim: &mut Simulation) {
    let host = sim.cluster().nodes.iter().find(|n| n.control_plane).map(|n| n.name.clone()).unwrap_or_else(|| "controlplane".to_string());
    let storage = sim.cluster().storage.clone();
    let view = persistentvolume::SharedView::default();
    let cloud = crate::kubelet::csi::new_cloud(storage.csi.clone());
    let binder = crate::scheduler::plugins::volume_binding::StorageBinder { view: std::rc::Rc::clone(&view) };
    sim.register_component(Box::new(Scheduler::new(&host).with_volume_binder(Box::new(binder))));
    crate::kubelet::register(sim, std::rc::Rc::clone(&cloud));
    bootstrap_objects(sim);
    // One pod informer for kube-controller-manager (its SharedInformerFactory), not one each.
    let pods = shared_informer::SharedInformer::new("Pod");
    sim.register_component(Box::new(replicaset::ReplicaSetController::default().with_pods(pods.register())));
    sim.register_component(Box::new(deployment::DeploymentController::default()));
    sim.register_component(Box::new(job::JobController::default().with_pods(pods.register())));
    sim.register_component(Box::new(endpoints::EndpointSliceController::default().with_pods(pods.register())));
    sim.register_component(Box::new(gc::GarbageCollector::default().with_pods(pods.register())));
    sim.register_component(Box::new(nodelifecycle::NodeLifecycleController::default().with_pods(pods.register())));
    sim.register_component(Box::new(tainteviction::TaintEvictionController::default().with_pods(pods.register())));
    sim.register_component(Box::new(services::KubeProxy::default()));
    nodelifecycle::register_lease_renewers(sim);
    persistentvolume_spec::bootstrap(sim.core_mut(), &storage);
    sim.register_component(Box::new(persistentvolume::PersistentVolumeController::new(view).with_pods(pods.register())));
    let seed = sim.core_mut().seed;
    sim.register_component(Box::new(persistentvolume_provisioner::ExternalProvisioner::new(std::rc::Rc::clone(&cloud), seed)));
    sim.register_component(Box::new(attachdetach::AttachDetachController::new(cloud).with_pods(pods.register())));
    serviceaccounts::register(sim);
    sim.register_component(Box::new(daemonset::DaemonSetController::default().with_pods(pods.register())));
    sim.register_component(Box::new(disruption::DisruptionController::default().with_pods(pods.register())));
}

/// The service-account identity a controller authenticates as.
pub fn sa_user(controller: &str) -> String {
    format!("system:serviceaccount:kube-system:{controller}")
}

/// ClusterRoles/Bindings for the controllers' service accounts and the kube-dns Service, as
/// kube-controller-manager and kubeadm create them at install. They go straight to the store
/// (like the rest of the bootstrap) with uids from a private stream, so adding them does not
/// shift the API server's random draws that user-visible names come from.
fn bootstrap_objects(sim: &mut Simulation) {
    let core = sim.core_mut();
    let mut rng = Rng::stream(core.seed, "controller-manager-bootstrap");
    let created = core.epoch.rfc3339(core.now);
    let mut objects = Vec::new();
    for c in CONTROLLERS {
        let name = format!("system:controller:{c}");
        let m = |rng: &mut Rng| json!({"name": name, "uid": rng.uid(), "creationTimestamp": created, "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}, "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"}});
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": m(&mut rng), "rules": controller_rules(c)}));
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": m(&mut rng),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": c, "namespace": "kube-system"}]}));
    }
    objects.push(services::kube_dns_service(&mut rng, &created));
    for obj in objects {
        let label = crate::trace::object_label(meta::kind(&obj), meta::namespace(&obj), meta::name(&obj));
        let outcome = if core.store.create(obj).is_ok() { Outcome::Ok } else { Outcome::Error };
        core.trace.push(core.now, "kube-controller-manager", "bootstrap", outcome, None, label, json!({}));
    }
}

fn controller_rules(c: &str) -> Value {
    let rw = ["create", "delete", "get", "list", "patch", "update", "watch"];
    let events = json!({"apiGroups": ["", "events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch", "update"]});
    let rule = |groups: &[&str], res: &[&str]| json!({"apiGroups": groups, "resources": res, "verbs": rw});
    let rules = match c {
        "deployment-controller" => vec![rule(&["apps", "extensions"], &["deployments", "deployments/status", "replicasets"]), rule(&[""], &["pods"])],
        "replicaset-controller" => vec![rule(&["apps", "extensions"], &["replicasets", "replicasets/status"]), rule(&[""], &["pods"])],
        "job-controller" => vec![rule(&["batch"], &["jobs", "jobs/status", "jobs/finalizers"]), rule(&[""], &["pods", "pods/status"])],
        "endpointslice-controller" => vec![rule(&["discovery.k8s.io"], &["endpointslices"]), rule(&[""], &["services", "pods", "nodes"])],
        "endpoint-controller" => vec![rule(&[""], &["endpoints", "services", "pods"])],
        "node-controller" => vec![rule(&[""], &["nodes", "nodes/status", "pods", "pods/status"]), rule(&["coordination.k8s.io"], &["leases"])],
        "taint-eviction-controller" => vec![rule(&[""], &["pods", "pods/status", "nodes"])],
        "daemon-set-controller" => vec![rule(&["apps", "extensions"], &["daemonsets", "daemonsets/status", "controllerrevisions"]), rule(&[""], &["pods", "nodes"])],
        "disruption-controller" => vec![rule(&["policy"], &["poddisruptionbudgets", "poddisruptionbudgets/status"]), rule(&[""], &["pods"]), rule(&["apps"], &["deployments", "replicasets", "statefulsets"])],
        _ => vec![rule(&["*"], &["*"])],
    };
    let mut all = rules;
    all.push(events);
    Value::Array(all)
}

/// A client-go informer reduced to what the simulation needs: a watch on one kind and a
/// local cache keyed by (namespace, name), kept current by draining the watch.
#[derive(Debug, Default)]
pub struct Informer {
    kind: String,
    watch: Option<WatchId>,
    pub objs: BTreeMap<NsName, Arc<Value>>,
}

impl Informer {
    pub fn new(kind: &str) -> Self {
        Informer { kind: kind.to_string(), watch: None, objs: BTreeMap::new() }
    }

    pub fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.watch = ctx.watch(WatchFilter::kind(&self.kind), None).ok();
    }

    /// Uses a watch opened by the caller (a filtered one).
    pub fn set_watch(&mut self, id: WatchId) {
        self.watch = Some(id);
    }

    /// Applies pending watch events to the cache; returns the (namespace, name) keys touched
    /// together with the object before and after (None when absent).
    /// Per-event hot (see `apply_event`).
    pub fn pump(&mut self, ctx: &mut Ctx<'_>) -> Vec<Change> {
        let Some(id) = self.watch else { return Vec::new() };
        ctx.drain(id).into_iter().filter_map(|ev| apply_event(&mut self.objs, ev)).collect()
    }

    /// Records the result of this controller's own write before its watch delivers it, the
    /// way client-go's expectations keep a controller from acting twice on stale data.
    pub fn assume(&mut self, obj: impl Into<Arc<Value>>) {
        let obj = obj.into();
        let key = NsName::new(meta::namespace(&obj), meta::name(&obj));
        self.objs.insert(key, obj);
    }

    pub fn get(&self, ns: &str, name: &str) -> Option<&Arc<Value>> {
        self.objs.get(&NsName::new(ns, name))
    }

    pub fn in_namespace<'a>(&'a self, ns: &'a str) -> impl Iterator<Item = &'a Arc<Value>> + 'a {
        self.objs.range(NsName::new(ns, "")..).take_while(move |(NsName(n, _), _)| n == ns).map(|(_, v)| v)
    }
}

/// (namespace, name) of an object, reading `metadata` once. The keys are found by a linear
/// scan: `apiVersion, kind, metadata` and `name, namespace` lead their maps, so a few string
/// compares beat hashing each key (`Map::get`), on a path every pod write takes per informer.
fn object_key(obj: &Value) -> NsName {
    fn field<'a>(v: Option<&'a Value>, key: &str) -> Option<&'a Value> {
        v?.as_object()?.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
    }
    let m = field(Some(obj), "metadata");
    let s = |k: &str| field(m, k).and_then(Value::as_str).unwrap_or("").to_string();
    NsName(s("namespace"), s("name"))
}

/// One cache change seen by an informer.
#[derive(Debug, Clone)]
pub struct Change {
    pub key: NsName,
    pub old: Option<Arc<Value>>,
    pub new: Option<Arc<Value>>,
}

/// Applies one watch event to an informer cache (`objs`, by namespace/name) and returns the
/// change with the object before and after; an `Error` event changes nothing. An object
/// already cached is replaced in place (no second key copy, no second search), and the new
/// object is the event's own `Arc`.
pub(crate) fn apply_event(objs: &mut BTreeMap<NsName, Arc<Value>>, ev: crate::store::WatchEvent) -> Option<Change> {
    let key = object_key(&ev.object);
    let (old, new) = match ev.event_type {
        WatchEventType::Added | WatchEventType::Modified => {
            let old = match objs.get_mut(&key) {
                Some(slot) => Some(std::mem::replace(slot, Arc::clone(&ev.object))),
                None => objs.insert(key.clone(), Arc::clone(&ev.object)),
            };
            (old, Some(ev.object))
        }
        WatchEventType::Deleted => (objs.remove(&key), None),
        WatchEventType::Error => return None,
    };
    Some(Change { key, old, new })
}

/// The controller ownerReference of an object, if any: (kind, name, uid).
pub fn controller_ref(obj: &Value) -> Option<(&str, &str, &str)> {
    let refs = meta::at(obj, &["metadata", "ownerReferences"])?.as_array()?;
    refs.iter().find(|r| r.get("controller").and_then(Value::as_bool) == Some(true)).map(|r| {
        let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
        (s("kind"), s("name"), s("uid"))
    })
}

/// `metav1.NewControllerRef`: what a controller stamps on the objects it creates.
pub fn owner_ref(owner: &Value) -> Value {
    json!({"apiVersion": meta::str_at(owner, &["apiVersion"]).unwrap_or("v1"), "kind": meta::kind(owner), "name": meta::name(owner),
        "uid": meta::uid(owner), "controller": true, "blockOwnerDeletion": true})
}

/// Whether a label set satisfies a `metav1.LabelSelector` (matchLabels + matchExpressions).
/// An absent or empty selector matches nothing here, as controllers treat it.
pub fn selector_matches(selector: Option<&Value>, labels: &[(&str, &str)]) -> bool {
    let Some(sel) = selector.filter(|s| s.as_object().is_some_and(|m| !m.is_empty())) else { return false };
    let get = |k: &str| labels.iter().find(|(lk, _)| *lk == k).map(|(_, v)| *v);
    let ml = sel.get("matchLabels").and_then(Value::as_object);
    let labels_ok = ml.is_none_or(|m| m.iter().all(|(k, v)| get(k) == v.as_str()));
    let exprs = sel.get("matchExpressions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let exprs_ok = exprs.iter().all(|e| {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let vals: Vec<&str> = e.get("values").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        match e.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" => get(key).is_some_and(|v| vals.contains(&v)),
            "NotIn" => get(key).is_none_or(|v| !vals.contains(&v)),
            "Exists" => get(key).is_some(),
            "DoesNotExist" => get(key).is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// An object as the API server would store it (strict decoding, defaults, Go field order),
/// so a controller compares what it wants with what is stored without being fooled by
/// fields the server drops (zero counts, empty names) into rewriting it forever.
pub fn canonical(v: &Value) -> Value {
    match podlab_api::Object::from_json_value(v) {
        Ok(mut o) => {
            podlab_api::defaults::apply(&mut o);
            o.to_json()
        }
        Err(_) => v.clone(),
    }
}

/// Records a client-go (core/v1) event about `obj` from `component`.
pub fn event(ctx: &mut Ctx<'_>, component: &str, obj: &Value, warning: bool, reason: &str, message: String) {
    let ev = EventRecord {
        regarding: ObjectRef::of(obj),
        event_type: if warning { EventType::Warning } else { EventType::Normal },
        reason: reason.to_string(),
        message,
        component: component.to_string(),
        host: String::new(),
        action: String::new(),
    };
    ctx.record_event(&ev);
}

/// Submits and traces a failure; returns the answered object on success.
pub fn submit_obj(ctx: &mut Ctx<'_>, req: ApiRequest) -> Result<Value, String> {
    match ctx.submit(req) {
        Ok(ok) => Ok(match ok {
            ApiOk::Object(v) => Arc::unwrap_or_clone(v),
            ApiOk::Deleted { object: v, .. } => v,
            _ => Value::Null,
        }),
        Err(st) => Err(st.message),
    }
}

pub fn delete_req(kind: &str, ns: &str, name: &str, uid: &str) -> ApiRequest {
    let options = DeleteOptions { uid: Some(uid.to_string()), ..DeleteOptions::default() };
    ApiRequest::new(Verb::Delete { kind: kind.into(), namespace: ns.into(), name: name.into(), options })
}

/// Pod helpers shared by the workload controllers (`pkg/controller/controller_utils.go`).
pub mod pods {
    use super::*;

    pub fn phase(pod: &Value) -> &str {
        meta::str_at(pod, &["status", "phase"]).unwrap_or("")
    }

    /// `IsPodActive`: not terminal and not being deleted.
    pub fn is_active(pod: &Value) -> bool {
        !matches!(phase(pod), "Succeeded" | "Failed") && meta::deletion_timestamp(pod).is_none()
    }

    pub fn condition<'a>(pod: &'a Value, ty: &str) -> Option<&'a Value> {
        meta::at(pod, &["status", "conditions"])?.as_array()?.iter().find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
    }

    pub fn is_ready(pod: &Value) -> bool {
        condition(pod, "Ready").and_then(|c| c.get("status")).and_then(Value::as_str) == Some("True")
    }

    /// When the pod turned Ready (lastTransitionTime of the Ready condition).
    pub fn ready_since(ctx_epoch: crate::time::Epoch, pod: &Value) -> Option<SimTime> {
        let c = condition(pod, "Ready")?;
        ctx_epoch.parse(c.get("lastTransitionTime")?.as_str()?)
    }

    /// `IsPodAvailable`: ready for at least minReadySeconds.
    pub fn is_available(epoch: crate::time::Epoch, pod: &Value, min_ready_secs: u64, now: SimTime) -> bool {
        if !is_ready(pod) {
            return false;
        }
        min_ready_secs == 0 || ready_since(epoch, pod).is_some_and(|t| t.plus(crate::time::SimDuration::from_secs(min_ready_secs)) <= now)
    }

    pub fn restarts(pod: &Value) -> i64 {
        let cs = meta::at(pod, &["status", "containerStatuses"]).and_then(Value::as_array);
        cs.map(|a| a.iter().filter_map(|c| c.get("restartCount").and_then(Value::as_i64)).sum()).unwrap_or(0)
    }
}
