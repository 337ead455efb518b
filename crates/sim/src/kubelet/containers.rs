//! One container of a pod as the kubelet and containerd see it: its spec, its current instance
//! (a runtime `Process` with a containerd ID), the last terminated instance, the restart count,
//! the "reason cache" entry of the last failed start (ErrImagePull, CreateContainerConfigError,
//! CrashLoopBackOff ...), its probe workers and its logs. Stepping a process, noticing its exit
//! and the OOM killer live here because they are about one container at a time.

use super::logs::LogBuffer;
use super::probes::ProbeSet;
use crate::time::SimTime;
use podlab_api::Container;
use podlab_runtime::{MountTable, Process, ResolvedImage};

/// `state.terminated` of an instance, in simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminated {
    pub exit_code: i32,
    pub signal: i32,
    /// `Completed`, `Error`, `OOMKilled`, `StartError`.
    pub reason: String,
    pub message: String,
    pub started_at: SimTime,
    pub finished_at: SimTime,
    pub container_id: String,
}

/// What the runtime knows about the newest instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Instance {
    /// No instance was ever created.
    None,
    Running { started_at: SimTime, container_id: String },
    Exited(Terminated),
}

/// A start attempt that failed (the kubelet's `reasonCache`): shown as `state.waiting`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingReason {
    pub reason: String,
    pub message: String,
}

/// Which list of the spec a container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Init,
    /// An init container with `restartPolicy: Always`.
    Sidecar,
    App,
}

#[derive(Debug)]
pub struct ContainerRt {
    pub spec: Container,
    pub kind: Kind,
    pub instance: Instance,
    pub last: Option<Terminated>,
    pub restart_count: i32,
    pub reason: Option<WaitingReason>,
    pub process: Option<Process>,
    /// The image of the current instance (for exec and status `imageID`).
    pub image: Option<ResolvedImage>,
    /// Mounts of the current instance (root layer first).
    pub mounts: MountTable,
    pub env: Vec<(String, String)>,
    /// When the process asked to be stepped again.
    pub wake_at: Option<SimTime>,
    pub logs: LogBuffer,
    pub previous_logs: LogBuffer,
    pub probes: ProbeSet,
    /// A liveness/startup failure or deletion asked this instance to stop at this deadline;
    /// SIGKILL follows if it is still running then.
    pub kill_deadline: Option<SimTime>,
    /// When the stop signal is due (after the preStop hook), if a stop is in progress.
    pub term_at: Option<SimTime>,
    /// The latest the stop signal may wait for `wait_for` (the grace period's end).
    pub turn_by: Option<SimTime>,
    /// Containers (slots) that must exit before this one is signalled: a sidecar waits for
    /// the regular containers and the sidecars declared after it.
    pub wait_for: Vec<usize>,
    /// Grace left after the preStop hook, in whole seconds (as ms).
    pub grace_left_ms: u64,
    /// The OOM killer ended the instance.
    pub oom_killed: bool,
    /// The pod update changed this container's image; the next sync acts on it.
    pub definition_changed: bool,
    /// Killed for a changed definition: restarted whatever the restart policy says.
    pub restart_pending: bool,
}

impl ContainerRt {
    pub fn new(spec: Container, kind: Kind) -> Self {
        ContainerRt {
            spec,
            kind,
            instance: Instance::None,
            last: None,
            restart_count: 0,
            reason: None,
            process: None,
            image: None,
            mounts: MountTable::default(),
            env: Vec::new(),
            wake_at: None,
            logs: LogBuffer::default(),
            previous_logs: LogBuffer::default(),
            probes: ProbeSet::default(),
            kill_deadline: None,
            term_at: None,
            turn_by: None,
            wait_for: Vec::new(),
            grace_left_ms: 0,
            oom_killed: false,
            definition_changed: false,
            restart_pending: false,
        }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// `spec.containers{app}` / `spec.initContainers{init}`: the event's fieldPath.
    pub fn field_path(&self) -> String {
        match self.kind {
            Kind::App => format!("spec.containers{{{}}}", self.spec.name),
            Kind::Init | Kind::Sidecar => format!("spec.initContainers{{{}}}", self.spec.name),
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.instance, Instance::Running { .. })
    }

    pub fn exited(&self) -> Option<&Terminated> {
        match &self.instance {
            Instance::Exited(t) => Some(t),
            _ => None,
        }
    }

    pub fn succeeded(&self) -> bool {
        self.exited().is_some_and(|t| t.exit_code == 0)
    }

    /// The memory limit in bytes, if any (the OOM killer's threshold).
    pub fn memory_limit_bytes(&self) -> Option<u64> {
        self.spec.resources.limits.get("memory").map(|q| q.value()).and_then(|v| u64::try_from(v).ok()).filter(|v| *v > 0)
    }

    pub fn cpu_limit_millicores(&self) -> Option<u32> {
        self.spec.resources.limits.get("cpu").map(|q| q.millis()).and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 0)
    }

    /// Records a new running instance; the previous one becomes `lastState`.
    pub fn mark_running(&mut self, now: SimTime, container_id: String) {
        if let Instance::Exited(t) = std::mem::replace(&mut self.instance, Instance::Running { started_at: now, container_id }) {
            self.last = Some(t);
            self.restart_count += 1;
            self.previous_logs = std::mem::take(&mut self.logs);
        } else if self.last.is_some() || !self.logs.is_empty() {
            self.previous_logs = std::mem::take(&mut self.logs);
        }
        self.reason = None;
        self.clear_stop();
        self.oom_killed = false;
        self.restart_pending = false;
        self.probes.reset(now);
    }

    /// A created container whose process could not start (`StartError`, exit 128).
    pub fn mark_start_error(&mut self, now: SimTime, container_id: String, message: String) {
        let t = Terminated {
            exit_code: 128,
            signal: 0,
            reason: "StartError".into(),
            message,
            started_at: SimTime(0),
            finished_at: now,
            container_id,
        };
        if let Instance::Exited(prev) = std::mem::replace(&mut self.instance, Instance::Exited(t)) {
            self.last = Some(prev);
            self.restart_count += 1;
        }
        self.previous_logs = std::mem::take(&mut self.logs);
        self.reason = None;
        self.restart_pending = false;
    }

    /// The process ended with `code` at `now`.
    pub fn mark_exited(&mut self, now: SimTime, code: i32) {
        let Instance::Running { started_at, container_id } = &self.instance else { return };
        let reason = if self.oom_killed {
            "OOMKilled"
        } else if code == 0 {
            "Completed"
        } else {
            "Error"
        };
        let t = Terminated {
            exit_code: code,
            signal: 0,
            reason: reason.into(),
            message: String::new(),
            started_at: *started_at,
            finished_at: now,
            container_id: container_id.clone(),
        };
        self.instance = Instance::Exited(t);
        self.process = None;
        self.wake_at = None;
        self.clear_stop();
        self.probes.stop();
    }

    /// Forgets a stop in progress (the instance ended or a new one started).
    fn clear_stop(&mut self) {
        self.kill_deadline = None;
        self.term_at = None;
        self.turn_by = None;
        self.wait_for.clear();
        self.grace_left_ms = 0;
    }
}
