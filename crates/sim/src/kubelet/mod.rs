//! The kubelet: one watch-driven component per node. It learns about the pods bound to its
//! node only through a `spec.nodeName=<node>` watch, runs one pod worker per pod (volumes,
//! sandbox, image pulls, init containers, sidecars, containers, probes, restarts, termination),
//! writes pod status through the API server's `pods/status`, records events through the
//! client-go recorder, draws randomness (IPs, container IDs, jitter) from its own stream and
//! schedules its own timers. Logs and exec reach it through `Simulation` (see `api`).

pub mod api;
mod backoff;
mod containers;
pub mod csi;
mod csi_mount;
mod dial;
mod env;
pub mod exec;
mod exec_sync;
mod images;
mod lifecycle;
pub mod logs;
mod network;
pub mod node_status;
mod probes;
pub mod portforward;
mod registry;
mod run;
mod spec_update;
pub(crate) mod static_pods;
mod status;
mod termination;
mod volumes;
mod worker;

use crate::cluster::NodeSpec;
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::rng::Rng;
use crate::selector::FieldSelector;
use crate::store::{WatchEventType, WatchFilter, WatchId};
use crate::time::SimTime;
use backoff::Backoff;
use images::ImageStore;
use podlab_runtime::FsTree;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use worker::{NodeEnv, PodWorker};

pub use exec::{ExecChunk, ExecHandle, ExecOutput};
pub use logs::LogOptions;

/// host-local IPAM over the node's podCIDR: `.1` is the bridge, pods get `.2` upwards.
#[derive(Debug, Default)]
pub struct IpPool {
    prefix: String,
    next: u32,
}

impl IpPool {
    pub fn new(pod_cidr: &str) -> Self {
        let base = pod_cidr.split('/').next().unwrap_or("");
        let prefix = base.rsplit_once('.').map(|(p, _)| p.to_string()).unwrap_or_default();
        IpPool { prefix, next: 2 }
    }

    /// The next address; after .254 it wraps like host-local (addresses are not reused
    /// until then, so a restarted pod gets a new IP).
    pub fn allocate(&mut self) -> Option<String> {
        if self.prefix.is_empty() {
            return None;
        }
        let ip = format!("{}.{}", self.prefix, self.next);
        self.next = if self.next >= 254 { 2 } else { self.next + 1 };
        Some(ip)
    }
}

/// Per-worker timer bookkeeping: the token and the earliest armed work/background timers.
#[derive(Debug, Default, Clone, Copy)]
struct Armed {
    token: u64,
    work: Option<SimTime>,
    background: Option<SimTime>,
    /// Wake-ups armed for the current instant in a row: a safety net so no bookkeeping slip
    /// can spin at one instant (after `SAME_INSTANT_WAKES_MAX` the worker waits 1 ms).
    same_instant: (SimTime, u32),
}

const SAME_INSTANT_WAKES_MAX: u32 = 64;

pub struct Kubelet {
    node: String,
    host_ip: String,
    watch: Option<WatchId>,
    /// This node's pod workers, shared with the other kubelets through `registry`.
    workers: registry::WorkerMap,
    registry: registry::SharedRegistry,
    /// This node's static pod manifests, defaulted (see `static_pods`).
    statics: Vec<Value>,
    armed: BTreeMap<String, Armed>,
    by_token: BTreeMap<u64, String>,
    next_token: u64,
    images: ImageStore,
    rng: Rng,
    disks: BTreeMap<String, FsTree>,
    crash_backoff: Backoff,
    ips: IpPool,
    node_cpus: u32,
    pub(crate) sessions: exec::Sessions,
    /// The data plane as of the last exec request (exec sessions run outside `on_wake`).
    pub(crate) dataplane: std::sync::Arc<crate::controllers::services::Dataplane>,
}

impl Kubelet {
    /// A kubelet for `spec`; its random stream is opened in `start` (from the component name).
    pub fn new(spec: &NodeSpec) -> Self {
        Kubelet {
            node: spec.name.clone(),
            host_ip: spec.internal_ip.clone(),
            watch: None,
            workers: registry::WorkerMap::default(),
            registry: registry::SharedRegistry::default(),
            statics: spec.static_pods.iter().filter(|p| !meta::name(p).is_empty()).map(|p| static_pods::prepare(p, &spec.name)).collect(),
            armed: BTreeMap::new(),
            by_token: BTreeMap::new(),
            next_token: 1,
            images: ImageStore::new(&spec.images),
            rng: Rng::new(0),
            disks: BTreeMap::new(),
            crash_backoff: Backoff::default(),
            ips: IpPool::new(&spec.pod_cidr),
            node_cpus: podlab_api::Quantity::parse(&spec.cpu).map(|q| u32::try_from(q.value()).unwrap_or(2)).unwrap_or(2).max(1),
            sessions: exec::Sessions::default(),
            dataplane: std::sync::Arc::default(),
        }
    }

    pub fn node(&self) -> &str {
        &self.node
    }

    /// Usage of every running container (the kubelet's resource metrics endpoint that
    /// metrics-server scrapes; see `controllers::metrics`).
    pub fn container_usage(&self) -> Vec<crate::controllers::metrics::ContainerUsage> {
        let mut out = Vec::new();
        let Ok(workers) = self.workers.try_borrow() else { return out };
        for w in workers.values() {
            for c in w.containers.iter() {
                let Some(p) = c.process.as_ref() else { continue };
                out.push(crate::controllers::metrics::ContainerUsage {
                    namespace: meta::namespace(&w.pod).to_string(),
                    pod: meta::name(&w.pod).to_string(),
                    container: c.spec.name.clone(),
                    cpu_millicores: u64::from(p.cpu_millicores()),
                    memory_bytes: p.memory_bytes(),
                });
            }
        }
        out
    }

    /// Joins the cluster's pod network (`register` hands every kubelet the same registry).
    fn join(&mut self, reg: registry::SharedRegistry) {
        if let Ok(mut r) = reg.try_borrow_mut() {
            r.nodes.insert(self.node.clone(), std::rc::Rc::clone(&self.workers));
        }
        self.registry = reg;
    }

    /// Takes a worker out of the node's map while it runs (other pods reach the rest).
    fn take_worker(&mut self, uid: &str) -> Option<PodWorker> {
        let mut w = self.workers.try_borrow_mut().ok()?.remove(uid)?;
        w.remote = registry::Remote { registry: Some(std::rc::Rc::clone(&self.registry)), depth: 0 };
        Some(w)
    }

    fn put_worker(&mut self, w: PodWorker) {
        if let Ok(mut m) = self.workers.try_borrow_mut() {
            m.insert(w.uid.clone(), w);
        }
    }

    fn sync_worker(&mut self, ctx: &mut Ctx<'_>, uid: &str) {
        registry::refresh_stopped(&self.registry, ctx.core);
        let Some(mut w) = self.take_worker(uid) else { return };
        let mut env = NodeEnv {
            ctx,
            node: &self.node,
            host_ip: &self.host_ip,
            images: &mut self.images,
            rng: &mut self.rng,
            disks: &mut self.disks,
            crash_backoff: &mut self.crash_backoff,
            ips: &mut self.ips,
            node_cpus: self.node_cpus,
        };
        w.sync(&mut env);
        self.put_worker(w);
        self.rearm(ctx, uid);
    }

    fn rearm(&mut self, ctx: &mut Ctx<'_>, uid: &str) {
        let Some(next) = self.workers.try_borrow().ok().and_then(|m| m.get(uid).map(PodWorker::next_wake)) else { return };
        let now = ctx.now();
        let a = self.armed.entry(uid.to_string()).or_default();
        if a.token == 0 {
            a.token = self.next_token;
            self.next_token += 1;
            self.by_token.insert(a.token, uid.to_string());
        }
        a.work = a.work.filter(|t| *t > now);
        a.background = a.background.filter(|t| *t > now);
        let Some((at, work)) = next else { return };
        let mut at = at.max(now);
        if at == now {
            a.same_instant = if a.same_instant.0 == now { (now, a.same_instant.1 + 1) } else { (now, 1) };
            if a.same_instant.1 > SAME_INSTANT_WAKES_MAX {
                at = now.plus(crate::time::SimDuration(1));
            }
        }
        let slot = if work { &mut a.work } else { &mut a.background };
        if slot.is_some_and(|t| t <= at) {
            return;
        }
        *slot = Some(at);
        if work {
            ctx.set_timer(at, a.token);
        } else {
            ctx.set_background_timer(at, a.token);
        }
    }

    fn on_watch(&mut self, ctx: &mut Ctx<'_>) {
        let Some(id) = self.watch else { return };
        let mut touched: Vec<String> = Vec::new();
        let mut mirrors_changed = false;
        for ev in ctx.drain(id) {
            let pod = std::sync::Arc::clone(&ev.object);
            let uid = meta::uid(&pod).to_string();
            // A static pod's mirror being deleted does not touch the pod itself.
            if self.is_own_mirror(&pod) {
                let gone = ev.event_type == WatchEventType::Deleted || meta::deletion_timestamp(&pod).is_some();
                if gone {
                    mirrors_changed = true;
                    continue;
                }
                if self.adopt_mirror(&pod) {
                    if let Some(w) = self.workers.try_borrow_mut().ok().as_mut().and_then(|m| m.get_mut(&uid)) {
                        w.request_sync(ctx.now());
                    }
                    touched.push(uid);
                    continue;
                }
            }
            match ev.event_type {
                WatchEventType::Added | WatchEventType::Modified => {
                    let now = ctx.now();
                    let Ok(mut workers) = self.workers.try_borrow_mut() else { continue };
                    match workers.get_mut(&uid) {
                        Some(w) => {
                            // The status manager's reconcile: another writer (the node
                            // lifecycle controller, while this kubelet was stopped) changed
                            // the Ready condition the kubelet last wrote, so its cached status
                            // is forgotten and the next sync writes the kubelet's view again.
                            let overwritten = w.last_status.as_ref().is_some_and(|last| ready_status(last) != ready_status(&pod["status"]));
                            if overwritten {
                                w.last_status = None;
                            }
                            if w.update(pod) || overwritten {
                                w.request_sync(now);
                            }
                        }
                        None => {
                            let mut w = PodWorker::new(pod);
                            w.request_sync(now);
                            workers.insert(uid.clone(), w);
                        }
                    }
                    touched.push(uid);
                }
                WatchEventType::Deleted => self.forget(ctx, &uid),
                WatchEventType::Error => self.watch = None,
            }
        }
        touched.dedup();
        if mirrors_changed {
            self.ensure_mirrors(ctx);
        }
        for uid in touched {
            self.sync_worker(ctx, &uid);
        }
        if self.watch.is_none() {
            self.open_watch(ctx);
        }
    }

    /// The pod is gone from the API: stop whatever still runs and drop the worker.
    fn forget(&mut self, ctx: &mut Ctx<'_>, uid: &str) {
        let removed = self.workers.try_borrow_mut().ok().and_then(|mut m| m.remove(uid));
        if let Some(mut w) = removed {
            w.removed = true;
            let mut env = NodeEnv {
                ctx,
                node: &self.node,
                host_ip: &self.host_ip,
                images: &mut self.images,
                rng: &mut self.rng,
                disks: &mut self.disks,
                crash_backoff: &mut self.crash_backoff,
                ips: &mut self.ips,
                node_cpus: self.node_cpus,
            };
            w.teardown(&mut env);
            self.crash_backoff.forget_prefix(&format!("{}_{}_{uid}_", meta::name(&w.pod), meta::namespace(&w.pod)));
            self.images.backoff.forget_prefix(&format!("{uid}_"));
        }
        if let Some(a) = self.armed.remove(uid) {
            self.by_token.remove(&a.token);
        }
        self.sessions.drop_pod(uid);
    }

    fn open_watch(&mut self, ctx: &mut Ctx<'_>) {
        let Ok(fields) = FieldSelector::parse("Pod", &format!("spec.nodeName={}", self.node)) else { return };
        let filter = WatchFilter { kind: "Pod".into(), fields, ..WatchFilter::default() };
        self.watch = ctx.watch(filter, None).ok();
    }

    pub(crate) fn worker(&self, namespace: &str, name: &str) -> Option<std::cell::Ref<'_, PodWorker>> {
        let m = self.workers.try_borrow().ok()?;
        std::cell::Ref::filter_map(m, |m| m.values().find(|w| meta::namespace(&w.pod) == namespace && meta::name(&w.pod) == name)).ok()
    }

    /// The UID of the worker running `namespace/name`.
    pub(crate) fn worker_uid(&self, namespace: &str, name: &str) -> Option<String> {
        self.worker(namespace, name).map(|w| w.uid.clone())
    }
}

impl Component for Kubelet {
    fn name(&self) -> String {
        format!("kubelet/{}", self.node)
    }

    fn user(&self) -> String {
        format!("system:node:{}", self.node)
    }

    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.rng = ctx.rng_stream("runtime");
        self.open_watch(ctx);
        if !self.statics.is_empty() {
            // The file source's first pass runs as soon as the clock moves, not inside
            // registration: with kubeadm's add-ons that is their install window, whose
            // private name stream keeps the names of a learner's objects unchanged.
            ctx.set_background_timer(ctx.now(), static_pods::STATIC_TOKEN);
        }
    }

    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        match wake {
            Wake::Watch => self.on_watch(ctx),
            Wake::Timer(static_pods::STATIC_TOKEN) => self.ensure_mirrors(ctx),
            Wake::Timer(token) => {
                if let Some(uid) = self.by_token.get(&token).cloned() {
                    self.sync_worker(ctx, &uid);
                }
            }
        }
    }

    fn describe(&self) -> Value {
        let Ok(workers) = self.workers.try_borrow() else { return Value::Null };
        let pods: Vec<Value> = workers
            .values()
            .map(|w| {
                let containers: Vec<Value> = w.containers.iter().map(|c| json!({"name": c.spec.name, "running": c.is_running(), "restartCount": c.restart_count})).collect();
                json!({"namespace": meta::namespace(&w.pod), "name": meta::name(&w.pod), "ip": w.ip, "containers": containers})
            })
            .collect();
        let images: Vec<&String> = self.images.present.keys().collect();
        json!({"node": self.node, "pods": pods, "images": images})
    }

    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        Some(self)
    }
}

/// One kubelet per node of the cluster, in node order (deterministic component ids).
pub(crate) fn register(sim: &mut crate::sim::Simulation, cloud: csi::Cloud) {
    let nodes = sim.cluster().nodes.clone();
    let reg = registry::SharedRegistry::default();
    reg.borrow_mut().cloud = Some(cloud);
    for n in &nodes {
        let mut k = Kubelet::new(n);
        k.join(std::rc::Rc::clone(&reg));
        sim.register_component(Box::new(k));
    }
}

/// The status of a pod status's `Ready` condition ("" when it has none).
fn ready_status(status: &serde_json::Value) -> &str {
    status["conditions"].as_array().and_then(|cs| cs.iter().find(|c| c["type"] == "Ready")).and_then(|c| c["status"].as_str()).unwrap_or("")
}
