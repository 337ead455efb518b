//! `Simulation`: the cluster as one deterministic state machine. `Core` holds the shared
//! machinery (clock, store, API server state, event recorder, trace, timer queue); components
//! (scheduler, kubelets, controllers) sit beside it and are run one at a time, each by a timer
//! or a watch wake-up, in (time, sequence) order. The clock only moves in `advance_to`, jumping
//! from one scheduled instant to the next; every loop has a step bound.

use crate::apiserver::ApiServer;
use crate::cluster::ClusterSpec;
use crate::component::{Component, ComponentId, Ctx, Wake};
use crate::events::{EventRecord, Recorded, Recorder};
use crate::request::{ApiRequest, ApiResponse};
use crate::status::Status;
use crate::store::{ObjectKey, Store, WatchEvent, WatchFilter, WatchId, Woken};
use crate::time::{Epoch, SimDuration, SimTime};
use crate::trace::{object_label, Details, Label, Outcome, Trace, TraceEntry};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Upper bound on wake-ups processed by one `advance_to` call (a runaway component cannot
/// freeze the page; the clock then stops at the last processed instant).
pub const MAX_STEPS_PER_ADVANCE: usize = 20_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Timer {
    component: ComponentId,
    wake: Wake,
    background: bool,
}

/// The shared machinery components reach through `Ctx`.
pub struct Core {
    pub(crate) now: SimTime,
    pub(crate) epoch: Epoch,
    pub(crate) seed: u64,
    pub(crate) store: Store,
    pub(crate) trace: Trace,
    pub(crate) recorder: Recorder,
    pub(crate) apiserver: ApiServer,
    timers: BTreeMap<(SimTime, u64), Timer>,
    timer_seq: u64,
    work_timers: usize,
    watch_wake_pending: Vec<bool>,
    latencies: Vec<SimDuration>,
    pub(crate) component_names: Vec<String>,
    /// The same names interned for the trace (a component's `Ctx` carries its own).
    component_labels: Vec<Label>,
    /// Each component's `user()`, asked once at registration instead of at every wake-up
    /// (it is formatted anew on each call).
    component_users: Vec<Label>,
    /// Components that are not running (a stopped kubelet, or a powered-off node's): the
    /// wake-ups they miss wait here until `start_kubelet` / `start_node` replays them.
    pub(crate) paused: BTreeMap<ComponentId, Vec<Wake>>,
    /// Nodes that are powered off (`Simulation::stop_node`), as opposed to nodes whose kubelet
    /// alone is stopped: only these drop out of the pod network, since the containers of a
    /// node with a stopped kubelet keep running and serving.
    pub(crate) powered_off: std::collections::BTreeSet<String>,
    /// What cluster DNS answers and kube-proxy routes (rebuilt by the kube-proxy component).
    pub(crate) dataplane: Arc<crate::controllers::services::Dataplane>,
}

impl Core {
    pub(crate) fn add_timer(&mut self, at: SimTime, component: ComponentId, wake: Wake, background: bool) {
        self.timer_seq += 1;
        if !background {
            self.work_timers += 1;
        }
        self.timers.insert((at, self.timer_seq), Timer { component, wake, background });
    }

    /// Schedules a watch wake-up for each component that received watch events.
    pub(crate) fn wake_watchers(&mut self, woken: Woken) {
        for c in woken {
            if c < self.watch_wake_pending.len() && !self.watch_wake_pending[c] {
                self.watch_wake_pending[c] = true;
                let at = self.now.plus(self.latencies[c]);
                self.add_timer(at, c, Wake::Watch, false);
            }
        }
    }

    pub(crate) fn record_event(&mut self, ev: &EventRecord, series: bool) -> Recorded {
        let (recorded, woken) = if series {
            self.recorder.record_series(&mut self.store, self.epoch, self.now, ev)
        } else {
            self.recorder.record_legacy(&mut self.store, self.epoch, self.now, ev)
        };
        self.wake_watchers(woken);
        let r = &ev.regarding;
        let outcome = if recorded == Recorded::DroppedBySpamFilter { Outcome::Denied } else { Outcome::Info };
        let details = crate::events::EventDetail::new(&mut self.trace, ev, &recorded);
        let label = Label::from(object_label(&r.kind, &r.namespace, &r.name));
        let component = self.trace.intern("event-recorder");
        self.trace.push_labeled(self.now, component, "event", outcome, None, label, Details::typed(details));
        recorded
    }

    fn next_due(&self) -> Option<(SimTime, bool)> {
        let timer = self.timers.keys().next().map(|(t, _)| *t);
        let rec = self.recorder.next_wakeup();
        match (timer, rec) {
            (Some(t), Some(r)) if r < t => Some((r, true)),
            (Some(t), _) => Some((t, false)),
            (None, Some(r)) => Some((r, true)),
            (None, None) => None,
        }
    }
}

/// A deterministic simulated Kubernetes v1.33 cluster.
pub struct Simulation {
    pub(crate) core: Core,
    components: Vec<Option<Box<dyn Component>>>,
    cluster: ClusterSpec,
}

/// An immutable view of the store at one instant (for the UI and the lessons checker).
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub time: SimTime,
    pub resource_version: u64,
    pub objects: Vec<Arc<Value>>,
}

impl Simulation {
    pub fn new(seed: u64, cluster: ClusterSpec) -> Simulation {
        let epoch = podlab_api::time::Time::parse(&cluster.start_time)
            .map(|t| Epoch { start_epoch_ms: t.millis() })
            .unwrap_or_default();
        let core = Core {
            now: SimTime::ZERO,
            epoch,
            seed,
            store: Store::default(),
            trace: Trace::new(cluster.trace_node_detail_max),
            recorder: Recorder::new(seed),
            apiserver: ApiServer::new(seed, &cluster),
            timers: BTreeMap::new(),
            timer_seq: 0,
            work_timers: 0,
            watch_wake_pending: Vec::new(),
            latencies: Vec::new(),
            component_names: Vec::new(),
            component_labels: Vec::new(),
            component_users: Vec::new(),
            paused: BTreeMap::new(),
            powered_off: std::collections::BTreeSet::new(),
            dataplane: Arc::default(),
        };
        let mut sim = Simulation { core, components: Vec::new(), cluster };
        crate::bootstrap::bootstrap(&mut sim);
        sim
    }

    pub fn cluster(&self) -> &ClusterSpec {
        &self.cluster
    }

    /// Adds a component (kubelet, controller) and runs its `start` at the current time.
    pub fn register_component(&mut self, component: Box<dyn Component>) -> ComponentId {
        let id = self.components.len();
        self.core.watch_wake_pending.push(false);
        self.core.latencies.push(component.watch_latency());
        let name = component.name();
        let label = self.core.trace.intern(&name);
        self.core.component_labels.push(label);
        self.core.component_users.push(Label::from(component.user()));
        self.core.component_names.push(name);
        self.components.push(Some(component));
        self.run_component(id, None);
        id
    }

    fn run_component(&mut self, id: ComponentId, wake: Option<Wake>) {
        if let (Some(w), Some(missed)) = (wake, self.core.paused.get_mut(&id)) {
            if !missed.contains(&w) {
                missed.push(w);
            }
            return;
        }
        let Some(mut c) = self.components.get_mut(id).and_then(Option::take) else { return };
        let name = self.core.component_labels[id].clone();
        let user = self.core.component_users[id].clone();
        let mut ctx = Ctx { core: &mut self.core, id, name, user };
        match wake {
            None => c.start(&mut ctx),
            Some(w) => c.on_wake(&mut ctx, w),
        }
        self.components[id] = Some(c);
    }

    /// A synchronous API call at the current simulated time.
    pub fn submit(&mut self, req: ApiRequest) -> ApiResponse {
        // pods/log and pods/exec are proxied by the API server to the node's kubelet.
        if matches!(req.verb, crate::request::Verb::Logs { .. } | crate::request::Verb::Exec { .. }) {
            return crate::kubelet::api::route(self, req);
        }
        crate::apiserver::handle(&mut self.core, req, None)
    }

    /// The registered component named `name` (the kubelet's logs/exec routing).
    pub(crate) fn component_mut(&mut self, name: &str) -> Option<&mut (dyn Component + 'static)> {
        self.components.iter_mut().flatten().find(|c| c.name() == name).map(|b| b.as_mut())
    }

    /// Warnings (`Warning: ...` lines kubectl prints) of the last request.
    pub fn last_warnings(&self) -> &[String] {
        &self.core.apiserver.last_warnings
    }

    pub fn now(&self) -> SimTime {
        self.core.now
    }

    pub fn epoch(&self) -> Epoch {
        self.core.epoch
    }

    /// The next instant anything is scheduled (work or housekeeping).
    pub fn next_wakeup(&self) -> Option<SimTime> {
        self.core.next_due().map(|(t, _)| t)
    }

    /// Processes the single next due wake-up if it is at or before `limit`.
    pub fn step(&mut self, limit: SimTime) -> bool {
        let Some((at, recorder_first)) = self.core.next_due() else { return false };
        if at > limit {
            return false;
        }
        self.core.now = self.core.now.max(at);
        if recorder_first {
            let (deleted, woken) = self.core.recorder.expire(&mut self.core.store, self.core.epoch, self.core.now);
            self.core.wake_watchers(woken);
            for k in deleted {
                let label = object_label(&k.kind, &k.namespace, &k.name);
                self.core.trace.push(self.core.now, "kube-apiserver", "event-ttl", Outcome::Info, None, label, json!({"ttl": "1h0m0s"}));
            }
            return true;
        }
        let Some((key, timer)) = self.core.timers.pop_first() else { return false };
        debug_assert_eq!(key.0, at);
        if !timer.background {
            self.core.work_timers -= 1;
        }
        if timer.wake == Wake::Watch {
            self.core.watch_wake_pending[timer.component] = false;
        }
        self.run_component(timer.component, Some(timer.wake));
        true
    }

    /// Processes everything scheduled up to `t` and sets the clock to `t`. Returns the number
    /// of wake-ups processed. If `MAX_STEPS_PER_ADVANCE` is reached the clock stays at the
    /// last processed instant.
    pub fn advance_to(&mut self, t: SimTime) -> usize {
        let mut steps = 0;
        while steps < MAX_STEPS_PER_ADVANCE && self.step(t) {
            steps += 1;
        }
        if steps < MAX_STEPS_PER_ADVANCE {
            self.core.now = self.core.now.max(t);
        }
        steps
    }

    pub fn advance_by(&mut self, d: SimDuration) -> usize {
        self.advance_to(self.core.now.plus(d))
    }

    /// Runs until no work (non-background timer or watch delivery) is pending, or `steps_max`
    /// wake-ups were processed. Returns true when the cluster became idle.
    pub fn run_until_idle(&mut self, steps_max: usize) -> bool {
        for _ in 0..steps_max {
            if self.core.work_timers == 0 {
                return true;
            }
            let Some(next) = self.next_wakeup() else { return true };
            self.step(next);
        }
        self.core.work_timers == 0
    }

    pub fn trace(&self) -> &[TraceEntry] {
        self.core.trace.entries()
    }

    /// Opens a watch (`kubectl get -w`). `from_rv` None/0: start with the current objects as
    /// ADDED; otherwise replay history after that resourceVersion (410 when compacted).
    pub fn watch(&mut self, kind: &str, namespace: Option<&str>, from_rv: Option<u64>) -> Result<WatchId, Status> {
        let filter = WatchFilter { kind: kind.to_string(), namespace: namespace.map(str::to_string), ..WatchFilter::default() };
        self.core.store.watch(filter, from_rv, None)
    }

    /// Like `watch` with label/field selectors.
    pub fn watch_filtered(&mut self, filter: WatchFilter, from_rv: Option<u64>) -> Result<WatchId, Status> {
        self.core.store.watch(filter, from_rv, None)
    }

    pub fn drain_watch(&mut self, id: WatchId) -> Vec<WatchEvent> {
        self.core.store.watches.drain(id)
    }

    pub fn close_watch(&mut self, id: WatchId) {
        self.core.store.watches.close(id);
    }

    /// Read-only object access for the UI and lessons checker (no RBAC, no trace).
    pub fn get(&self, kind: &str, namespace: &str, name: &str) -> Option<&Value> {
        self.core.store.get(&ObjectKey::new(kind, namespace, name)).map(|a| &**a)
    }

    pub fn list(&self, kind: &str, namespace: Option<&str>) -> Vec<&Value> {
        self.core.store.list(kind, namespace).map(|a| &**a).collect()
    }

    pub fn resource_version(&self) -> u64 {
        self.core.store.revision()
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            time: self.core.now,
            resource_version: self.core.store.revision(),
            objects: self.core.store.all().map(|(_, v)| Arc::clone(v)).collect(),
        }
    }

    /// Names of the registered components and their self-description.
    pub fn components(&self) -> Vec<(String, Value)> {
        self.components.iter().flatten().map(|c| (c.name(), c.describe())).collect()
    }

    /// Replaces the data-defined admission policies (a scenario switching one on).
    pub fn set_admission_policies(&mut self, policies: Vec<crate::admission_policy::AdmissionPolicy>) {
        self.core.apiserver.policies = policies;
    }

    pub(crate) fn core_mut(&mut self) -> &mut Core {
        &mut self.core
    }

    pub(crate) fn store(&self) -> &Store {
        &self.core.store
    }
}
