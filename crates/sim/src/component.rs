//! How in-cluster components plug in. The scheduler, each node's kubelet and the controllers
//! are `Component`s: they open watches, set timers, call the API server and record events
//! through a `Ctx`, and are woken only by their watches or timers — never by peeking into the
//! store — which is the guide's "everything talks to the API server" rule made structural.

use crate::events::{EventRecord, Recorded};
use crate::request::{ApiRequest, ApiResponse};
use crate::rng::Rng;
use crate::sim::Core;
use crate::status::Status;
use crate::store::{WatchEvent, WatchFilter, WatchId};
use crate::time::{Epoch, SimDuration, SimTime};
use crate::trace::{Details, Label, Outcome};
use serde_json::Value;

/// Index of a registered component.
pub type ComponentId = usize;

/// Why a component was woken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Wake {
    /// One or more of its watches have events to drain.
    Watch,
    /// A timer it set, with the token it chose.
    Timer(u64),
}

pub trait Component {
    /// Trace name: `kube-scheduler`, `kubelet/node01`, `replicaset-controller`.
    fn name(&self) -> String;
    /// The identity it authenticates as (`system:kube-scheduler`, `system:node:node01`). Read
    /// once, at registration (like its name): a component's identity never changes.
    fn user(&self) -> String;
    /// How long after a change its watch notices it (informer delivery delay).
    fn watch_latency(&self) -> SimDuration {
        SimDuration(1)
    }
    /// Called once at registration: open watches, set first timers.
    fn start(&mut self, ctx: &mut Ctx<'_>);
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake);
    /// Read-only state for the UI and tests (queues, caches), as JSON.
    fn describe(&self) -> Value {
        Value::Null
    }
    /// Typed access for subresources a component serves itself (the kubelet's logs/exec).
    fn as_any_mut(&mut self) -> Option<&mut dyn std::any::Any> {
        None
    }
}

/// A component's handle on the cluster while it runs.
pub struct Ctx<'a> {
    pub(crate) core: &'a mut Core,
    pub(crate) id: ComponentId,
    /// The component's name, interned at registration (every trace entry it records shares it).
    pub(crate) name: Label,
    /// Its user, kept from registration: copied into a request only when one is sent.
    pub(crate) user: Label,
}

impl Ctx<'_> {
    pub fn now(&self) -> SimTime {
        self.core.now
    }
    pub fn epoch(&self) -> Epoch {
        self.core.epoch
    }
    pub fn id(&self) -> ComponentId {
        self.id
    }
    /// A random stream private to this component and `label` (same seed → same draws).
    pub fn rng_stream(&self, label: &str) -> Rng {
        Rng::stream(self.core.seed, &format!("{}/{label}", self.name))
    }

    /// Calls the API server as this component (a `user` set on the request overrides).
    pub fn submit(&mut self, mut req: ApiRequest) -> ApiResponse {
        if req.user.is_none() {
            req.user = Some(self.user.as_str().to_string());
        }
        crate::apiserver::handle(self.core, req, Some(self.name.as_str()))
    }

    /// Opens a watch whose events wake this component.
    pub fn watch(&mut self, filter: WatchFilter, from_rv: Option<u64>) -> Result<WatchId, Status> {
        let id = self.core.store.watch(filter, from_rv, Some(self.id))?;
        if self.core.store.watches.pending(id) > 0 {
            self.core.wake_watchers(vec![self.id]);
        }
        Ok(id)
    }

    pub fn drain(&mut self, id: WatchId) -> Vec<WatchEvent> {
        self.core.store.watches.drain(id)
    }

    /// Wakes this component at `at` with `Wake::Timer(token)`. Work timers keep
    /// `run_until_idle` running; see `set_background_timer` for periodic housekeeping.
    pub fn set_timer(&mut self, at: SimTime, token: u64) {
        self.core.add_timer(at.max(self.core.now), self.id, Wake::Timer(token), false);
    }

    /// A timer for periodic housekeeping (heartbeats, resyncs) that does not count as pending
    /// work for `run_until_idle`.
    pub fn set_background_timer(&mut self, at: SimTime, token: u64) {
        self.core.add_timer(at.max(self.core.now), self.id, Wake::Timer(token), true);
    }

    /// Records an event through client-go's `record` recorder (kubelet, controllers).
    pub fn record_event(&mut self, ev: &EventRecord) -> Recorded {
        self.core.record_event(ev, false)
    }

    /// Records an event through the `events.k8s.io` recorder (the scheduler's).
    pub fn record_series_event(&mut self, ev: &EventRecord) -> Recorded {
        self.core.record_event(ev, true)
    }

    /// Records a step of this component; `details` is JSON or a typed `DetailSource`
    /// (`Details::typed`) that becomes JSON only when read.
    pub fn trace(&mut self, step: &str, outcome: Outcome, object: impl Into<Label>, details: impl Into<Details>) {
        let now = self.core.now;
        self.core.trace.push_labeled(now, self.name.clone(), step, outcome, None, object.into(), details.into());
    }

    /// The shared copy of a repeated string, for typed trace details.
    pub fn intern(&mut self, s: &str) -> Label {
        self.core.trace.intern(s)
    }

    /// How many nodes per cycle may carry per-node detail in the trace.
    pub fn trace_node_detail_max(&self) -> usize {
        self.core.trace.node_detail_max
    }
}
