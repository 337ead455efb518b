//! The pod worker: one per pod bound to this node, driven by the pod's watch events and its own
//! timers. Each sync follows the kubelet's `SyncPod`: write the status as it stands (so the
//! reason cache of the previous sync shows, like a real kubelet), then mount volumes, create
//! the sandbox, start init containers one by one, sidecars, then app containers, honouring
//! restart policies and back-offs. Pulls block the worker exactly like the real synchronous
//! `EnsureImageExists`. Deletion runs the termination sequence and ends with the kubelet's
//! grace-0 delete.

use super::backoff::Backoff;
use super::containers::{ContainerRt, Instance, Kind};
use super::images::{ImageStore, Pull};
use super::volumes::PodVolumes;
use crate::component::Ctx;
use crate::events::{EventRecord, EventType, ObjectRef};
use crate::meta;
use crate::request::{ApiOk, ApiRequest, DeleteOptions};
use crate::rng::Rng;
use crate::time::{SimDuration, SimTime};
use podlab_api::PodSpec;
use podlab_runtime::{FsTree, ResolvedImage};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The pod worker's requeue after a failed sync (`backOffPeriod`), before jitter.
pub const SYNC_ERROR_REQUEUE: SimDuration = SimDuration(10_000);
/// PLEG relist period: container state changes reach the pod worker on this grid.
pub const PLEG_RELIST_MS: u64 = 1_000;

/// Everything node-wide a pod worker may use during a sync.
pub struct NodeEnv<'a, 'c> {
    pub ctx: &'a mut Ctx<'c>,
    pub node: &'a str,
    pub host_ip: &'a str,
    pub images: &'a mut ImageStore,
    pub rng: &'a mut Rng,
    pub disks: &'a mut BTreeMap<String, FsTree>,
    pub crash_backoff: &'a mut Backoff,
    pub ips: &'a mut super::IpPool,
    /// CPUs of the node (programs such as nginx size their workers by it).
    pub node_cpus: u32,
}

impl NodeEnv<'_, '_> {
    pub fn now(&self) -> SimTime {
        self.ctx.now()
    }

    pub fn event(&mut self, pod: &Value, field_path: &str, warning: bool, reason: &str, message: String) {
        let ev = EventRecord {
            regarding: ObjectRef::of(pod).with_field_path(field_path),
            event_type: if warning { EventType::Warning } else { EventType::Normal },
            reason: reason.into(),
            message,
            component: "kubelet".into(),
            host: self.node.into(),
            action: String::new(),
        };
        self.ctx.record_event(&ev);
    }
}

/// A blocking runtime operation in progress.
#[derive(Clone, Debug)]
pub enum Op {
    Sandbox { done_at: SimTime },
    Pull { slot: usize, pull: Pull },
}

#[derive(Debug)]
pub struct PodWorker {
    /// The pod as last seen from the watch or the last status write: the store's own `Arc`
    /// (never copied: it is only read, and a status write builds its body separately).
    pub pod: Arc<Value>,
    pub spec: PodSpec,
    pub uid: String,
    pub containers: Vec<ContainerRt>,
    pub n_init: usize,
    /// The pod's port space: port → container slot.
    pub ports: BTreeMap<u16, usize>,
    pub volumes: Option<PodVolumes>,
    pub mount_failures: u32,
    pub mount_first_failure: Option<SimTime>,
    /// When the pod worker first waited for the pod's volumes (`WaitForAttachAndMount`).
    pub mount_wait_from: Option<SimTime>,
    pub ip: Option<String>,
    pub sandbox_ready: bool,
    pub op: Option<Op>,
    pub just_pulled: Option<(usize, ResolvedImage)>,
    /// The container whose pull just failed: not retried in the same sync.
    pub failed_pull: Option<usize>,
    pub sync_at: Option<SimTime>,
    pub start_time: Option<SimTime>,
    pub last_status: Option<Value>,
    /// No container will run again (finished pod, or every container stopped for deletion).
    pub terminal: bool,
    pub killing: bool,
    /// The kubelet's final delete was sent.
    pub deleted: bool,
    /// Removed from the API (force delete or finalizers done).
    pub removed: bool,
    /// The cluster DNS / Service routing view its processes' network uses.
    pub dataplane: std::sync::Arc<crate::controllers::services::Dataplane>,
    /// The pod network beyond this pod (set by the kubelet before the worker runs).
    pub remote: super::registry::Remote,
}

fn parse_spec(pod: &Value) -> PodSpec {
    pod.get("spec").and_then(|s| serde_json::from_value(s.clone()).ok()).unwrap_or_default()
}

/// The pod as `format.Pod` prints it in kubelet messages: `name_namespace(uid)`.
pub fn format_pod(pod: &Value) -> String {
    format!("{}_{}({})", meta::name(pod), meta::namespace(pod), meta::uid(pod))
}

/// `podAttachAndMountRetryInterval`: how often WaitForAttachAndMount looks again.
const MOUNT_POLL: SimDuration = SimDuration(300);

/// The next PLEG relist instant strictly after `now`.
pub fn pleg_tick(now: SimTime) -> SimTime {
    SimTime((now.0 / PLEG_RELIST_MS + 1) * PLEG_RELIST_MS)
}

impl PodWorker {
    pub fn new(pod: Arc<Value>) -> Self {
        let spec = parse_spec(&pod);
        let mut containers = Vec::new();
        for c in &spec.init_containers {
            let kind = if c.restart_policy.as_deref() == Some("Always") { Kind::Sidecar } else { Kind::Init };
            containers.push(ContainerRt::new(c.clone(), kind));
        }
        let n_init = containers.len();
        for c in &spec.containers {
            containers.push(ContainerRt::new(c.clone(), Kind::App));
        }
        PodWorker {
            dataplane: std::sync::Arc::default(),
            remote: super::registry::Remote::default(),
            uid: meta::uid(&pod).to_string(),
            pod,
            spec,
            containers,
            n_init,
            ports: BTreeMap::new(),
            volumes: None,
            mount_failures: 0,
            mount_first_failure: None,
            mount_wait_from: None,
            ip: None,
            sandbox_ready: false,
            op: None,
            just_pulled: None,
            failed_pull: None,
            sync_at: None,
            start_time: None,
            last_status: None,
            terminal: false,
            killing: false,
            deleted: false,
            removed: false,
        }
    }

    pub fn restart_policy(&self) -> &str {
        if self.spec.restart_policy.is_empty() {
            "Always"
        } else {
            &self.spec.restart_policy
        }
    }

    pub fn request_sync(&mut self, at: SimTime) {
        if self.sync_at.is_none_or(|t| at < t) {
            self.sync_at = Some(at);
        }
    }

    pub fn deleting(&self) -> bool {
        self.removed || meta::deletion_timestamp(&self.pod).is_some()
    }

    /// A pod update from the watch. Returns true when it needs a sync.
    pub fn update(&mut self, pod: Arc<Value>) -> bool {
        let newly_deleting = meta::deletion_timestamp(&pod).is_some() && meta::deletion_timestamp(&self.pod).is_none();
        let grace_changed = meta::at(&pod, &["metadata", "deletionGracePeriodSeconds"]) != meta::at(&self.pod, &["metadata", "deletionGracePeriodSeconds"]);
        // Only a container image may change in a pod's spec (see `spec_update`).
        let spec_changed = pod.get("spec") != self.pod.get("spec") && self.take_spec_update(parse_spec(&pod));
        self.pod = pod;
        newly_deleting || grace_changed || spec_changed
    }

    /// One wake-up: run processes, enforce kill deadlines and probes, then the pod sync if due.
    pub fn sync(&mut self, env: &mut NodeEnv) {
        let now = env.now();
        self.step_processes(env);
        self.enforce_deadlines(env);
        self.run_probes(env);
        if self.sync_at.is_some_and(|t| t <= now) {
            self.sync_at = None;
            self.sync_pod(env);
        }
    }

    fn sync_pod(&mut self, env: &mut NodeEnv) {
        if self.deleted {
            return;
        }
        if self.deleting() {
            self.sync_terminating(env);
            return;
        }
        let now = env.now();
        if let Some(op) = &self.op {
            let done_at = match op {
                Op::Sandbox { done_at } => *done_at,
                Op::Pull { pull, .. } => pull.done_at,
            };
            if done_at > now {
                self.request_sync(done_at);
                return;
            }
            self.complete_op(env);
            // The PLEG event of the new sandbox / the requeue after the pull: the next sync
            // writes the status this one produced (reason cache), like the real pod worker.
            self.request_sync(super::worker::pleg_tick(now));
        } else {
            if self.start_time.is_none() {
                self.start_time = Some(now);
            }
            self.write_status(env);
        }
        if self.terminal {
            return;
        }
        let errored = self.act(env);
        self.failed_pull = None;
        if errored {
            let jitter = env.rng.below(SYNC_ERROR_REQUEUE.0 / 2);
            self.request_sync(now.plus(SimDuration(SYNC_ERROR_REQUEUE.0 + jitter)));
        }
    }

    fn complete_op(&mut self, env: &mut NodeEnv) {
        match self.op.take() {
            Some(Op::Sandbox { .. }) => self.sandbox_ready = true,
            Some(Op::Pull { slot, pull }) => {
                env.images.finish_pull(&self.uid, &pull);
                let fp = self.containers[slot].field_path();
                match &pull.result {
                    Ok(r) => {
                        env.event(&self.pod, &fp, false, "Pulled", pull.pulled_message(r.size_bytes));
                        self.just_pulled = Some((slot, r.clone()));
                    }
                    Err(msg) => {
                        env.event(&self.pod, &fp, true, "Failed", format!("Failed to pull image \"{}\": {msg}", pull.image));
                        env.event(&self.pod, &fp, true, "Failed", "Error: ErrImagePull".into());
                        self.containers[slot].reason = Some(super::containers::WaitingReason { reason: "ErrImagePull".into(), message: msg.clone() });
                        self.failed_pull = Some(slot);
                    }
                }
            }
            None => {}
        }
    }

    /// Mounts, sandbox, then containers. Returns true when the sync ended in an error.
    fn act(&mut self, env: &mut NodeEnv) -> bool {
        if self.volumes.is_none() {
            // WaitForAttachAndMount checks at once, then every 300ms; the volume manager's
            // populator and reconciler (100ms loops) only pick a new pod up after that first
            // check, so the earliest the worker goes on is one poll interval after it learned
            // the pod. Everything the kubelet does for the pod (sandbox, pulls, events) comes
            // after that, so it can never look older than the binding it learned from.
            let now = env.now();
            let ready_at = self.mount_wait_from.get_or_insert(now).plus(MOUNT_POLL);
            if now < ready_at {
                self.request_sync(ready_at);
                return false;
            }
            if !self.mount_volumes(env) {
                return false;
            }
        }
        if self.ip.is_none() {
            return self.create_sandbox(env);
        }
        self.restart_changed(env);
        if self.apps_done() {
            self.finish_pod(env);
            return false;
        }
        let mut errored = false;
        for i in 0..self.n_init {
            let c = &self.containers[i];
            match c.kind {
                Kind::Sidecar if c.is_running() => {
                    if !super::status::container_status(c, "", env.ctx.epoch()).started.unwrap_or(false) {
                        return false;
                    }
                    continue;
                }
                Kind::Init if c.succeeded() => continue,
                Kind::Init if c.is_running() => return false,
                Kind::Init if c.exited().is_some() && self.restart_policy() == "Never" => {
                    self.finish_pod(env);
                    return false;
                }
                _ => {}
            }
            if self.failed_pull == Some(i) {
                return true;
            }
            let started = self.try_start(i, env);
            // Init containers start one per sync; a started sidecar lets the next one go
            // at the following sync, once the runtime reports it running.
            return !matches!(started, Start::Started | Start::Blocked);
        }
        for i in self.n_init..self.containers.len() {
            let c = &self.containers[i];
            let wanted = match &c.instance {
                Instance::Running { .. } => false,
                Instance::None => true,
                Instance::Exited(t) => c.restart_pending || self.restart_policy() == "Always" || (self.restart_policy() == "OnFailure" && t.exit_code != 0),
            };
            if !wanted {
                continue;
            }
            if self.failed_pull == Some(i) {
                errored = true;
                continue;
            }
            match self.try_start(i, env) {
                Start::Started => {}
                Start::Blocked => return errored,
                Start::Failed => errored = true,
            }
        }
        errored
    }

    /// Every app container exited and the restart policy keeps it down.
    fn apps_done(&self) -> bool {
        let policy = self.restart_policy();
        self.containers[self.n_init..].iter().all(|c| match &c.instance {
            Instance::Exited(t) => c.reason.is_none() && !c.restart_pending && (policy == "Never" || (policy == "OnFailure" && t.exit_code == 0)),
            _ => false,
        })
    }

    /// Every app container finished for good: stop sidecars and the sandbox.
    fn finish_pod(&mut self, env: &mut NodeEnv) {
        if self.containers.iter().any(|c| c.process.is_some()) {
            self.stop_sidecars(env, self.spec.termination_grace_period_seconds.unwrap_or(30));
            return;
        }
        self.terminal = true;
        self.sandbox_ready = false;
        self.write_status(env);
    }

    fn mount_volumes(&mut self, env: &mut NodeEnv) -> bool {
        if !super::volumes::claims_ready(self, env) {
            return false;
        }
        let now = env.now();
        let cloud = super::csi_mount::cloud_of(&self.remote);
        match super::volumes::mount_all(env.ctx, &self.pod, &self.spec, env.disks, cloud.as_ref()) {
            Ok(v) => {
                self.volumes = Some(v);
                true
            }
            Err(messages) => {
                for m in messages {
                    env.event(&self.pod, "", true, "FailedMount", m);
                }
                let first = *self.mount_first_failure.get_or_insert(now);
                // operationexecutor's exponential back-off: 500ms doubling, capped at 2m2s.
                let delay_ms = (500u64 << self.mount_failures.min(8)).min(122_000);
                self.mount_failures += 1;
                if now.since(first) >= SimDuration(123_000) && self.mount_failures % 2 == 0 {
                    let names: Vec<String> = self.spec.volumes.iter().map(|v| v.name.clone()).collect();
                    let msg = format!("Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[{}], failed to process volumes=[]: context deadline exceeded", names.join(" "), names.join(" "));
                    env.event(&self.pod, "", true, "FailedMount", msg);
                }
                self.request_sync(now.plus(SimDuration(delay_ms)));
                false
            }
        }
    }

    fn create_sandbox(&mut self, env: &mut NodeEnv) -> bool {
        // A hostNetwork pod lives in the node's network namespace: its IP is the node's.
        let ip = if self.spec.host_network { Some(env.host_ip.to_string()) } else { env.ips.allocate() };
        let Some(ip) = ip else {
            return true;
        };
        self.ip = Some(ip);
        let done_at = env.now().plus(SimDuration(700 + env.rng.below(600)));
        self.op = Some(Op::Sandbox { done_at });
        self.request_sync(done_at);
        false
    }

    /// Writes the status if it changed since the last write.
    pub fn write_status(&mut self, env: &mut NodeEnv) {
        if self.removed {
            return;
        }
        let st = self.build_status(env);
        let Ok(v) = serde_json::to_value(&st) else { return };
        if self.last_status.as_ref() == Some(&v) {
            return;
        }
        let obj = status_body(&self.pod, v.clone());
        if let Ok(ApiOk::Object(o)) = env.ctx.submit(ApiRequest::update_status(obj)) {
            self.pod = o;
            self.last_status = Some(v);
        }
    }

    /// The kubelet's final delete once every container has stopped (status manager).
    pub fn send_final_delete(&mut self, env: &mut NodeEnv) {
        // The volume manager must have unmounted the pod's claims first (a failing unmount
        // keeps the pod Terminating).
        if self.volumes.as_mut().is_some_and(|v| !v.unmount_claims()) {
            return;
        }
        self.deleted = true;
        let mut req = ApiRequest::delete("Pod", meta::namespace(&self.pod), meta::name(&self.pod));
        if let crate::request::Verb::Delete { options, .. } = &mut req.verb {
            *options = DeleteOptions { grace_period_seconds: Some(0), uid: Some(self.uid.clone()), ..DeleteOptions::default() };
        }
        let _ = env.ctx.submit(req);
    }
}

/// The body of a status write: the pod with `status` replaced and without
/// `metadata.resourceVersion`, built without first copying the old status. Keys and their
/// order are what cloning the pod, assigning `status` and removing the resourceVersion give
/// (`Map::remove` swaps the last key into the removed one's place; so does this).
fn status_body(pod: &Value, status: Value) -> Value {
    let Some(m) = pod.as_object() else {
        // Pods from the store are objects; anything else is sent as it is (a null becomes
        // `{"status": ..}`, as assigning into it would make it).
        return if pod.is_null() { Value::Object(Map::from_iter([("status".to_string(), status)])) } else { pod.clone() };
    };
    let mut out = Map::with_capacity(m.len() + usize::from(!m.contains_key("status")));
    let mut status = Some(status);
    for (k, v) in m {
        let v = if k == "status" { status.take().unwrap_or(Value::Null) } else { v.clone() };
        out.insert(k.clone(), v);
    }
    if let Some(s) = status {
        out.insert("status".to_string(), s);
    }
    if let Some(md) = out.get_mut("metadata").and_then(Value::as_object_mut) {
        md.remove("resourceVersion");
    }
    Value::Object(out)
}

/// How a start attempt went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    Started,
    /// A pull is in progress; the worker resumes when it completes.
    Blocked,
    Failed,
}

#[cfg(test)]
#[path = "worker_tests.rs"]
mod tests;
