//! `kubectl exec`: a process started inside a running container's filesystem, environment and
//! network namespace (PID > 1, so it dies on SIGTERM), with containerd's real errors when the
//! container is not running or the executable is missing. One-off commands and interactive
//! shells are the same thing here: a session that is stepped when the caller polls or sends
//! input, so a `sleep` inside it follows simulated time and nothing ever blocks the page.

use super::run::{step_in_pod, unix_ms_at};
use super::worker::PodWorker;
use super::Kubelet;
use crate::status::Status;
use crate::time::{Epoch, SimTime};
use podlab_runtime::{FsView, MountTable, Process, SpawnOptions, Step, Stream};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rounds of the step budget one poll may use before it hands control back.
const POLL_ROUNDS_MAX: usize = 32;

/// Names an exec session: the node whose kubelet runs it and the session number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ExecHandle {
    pub node: String,
    pub id: u64,
}

/// Output produced since the previous call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExecChunk {
    /// "stdout" or "stderr" (a tty merges both into "stdout").
    pub stream: &'static str,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExecOutput {
    pub handle: ExecHandle,
    pub chunks: Vec<ExecChunk>,
    /// Set once the process has exited (kubectl: `command terminated with exit code N`).
    pub exit_code: Option<i32>,
    /// When the process next wants to run (a `sleep`); None when it waits for input or exited.
    pub wake_at: Option<SimTime>,
}

impl ExecOutput {
    /// All chunks' text concatenated (stdout and stderr interleaved as written).
    pub fn text(&self) -> String {
        self.chunks.iter().map(|c| c.text.as_str()).collect()
    }
}

#[derive(Debug)]
struct Session {
    pod_uid: String,
    container: usize,
    process: Process,
    mounts: MountTable,
    cpu: Option<u32>,
    tty: bool,
    wake_at: Option<SimTime>,
}

#[derive(Debug, Default)]
pub struct Sessions {
    next: u64,
    map: BTreeMap<u64, Session>,
}

impl Sessions {
    pub fn drop_pod(&mut self, uid: &str) {
        self.map.retain(|_, s| s.pod_uid != uid);
    }

    /// A static pod's worker took a new mirror pod's UID.
    pub fn rename_pod(&mut self, old: &str, new: &str) {
        for s in self.map.values_mut().filter(|s| s.pod_uid == old) {
            s.pod_uid = new.to_string();
        }
    }
}

/// What to run.
pub struct ExecSpec<'a> {
    pub namespace: &'a str,
    pub pod: &'a str,
    pub container: &'a str,
    pub command: &'a [String],
    pub stdin: Option<&'a str>,
    pub tty: bool,
}

fn step_session(w: &mut PodWorker, s: &mut Session, now: SimTime, epoch: Epoch) -> (Vec<ExecChunk>, Option<i32>) {
    let now_ms = unix_ms_at(epoch, now);
    let mut out = Vec::new();
    let mut code = s.process.exit_code();
    s.wake_at = None;
    for _ in 0..POLL_ROUNDS_MAX {
        if code.is_some() {
            break;
        }
        match step_in_pod(w, usize::MAX - s.container, &s.mounts, &mut s.process, now_ms, s.cpu, &mut out) {
            Step::Exited(c) => code = Some(c),
            Step::Yield => continue,
            Step::Idle { wake_at_ms } => {
                let start = u64::try_from(epoch.start_epoch_ms).unwrap_or(0);
                s.wake_at = wake_at_ms.map(|ms| SimTime(ms.saturating_sub(start)));
                break;
            }
        }
    }
    let chunks = out
        .into_iter()
        .map(|l| {
            let stream = if l.stream == Stream::Stderr && !s.tty { "stderr" } else { "stdout" };
            let text = if s.tty { l.text } else { format!("{}\n", l.text) };
            ExecChunk { stream, text }
        })
        .collect();
    (chunks, code)
}

impl Kubelet {
    /// Starts an exec in a running container and runs it as far as it can go now.
    pub fn exec_start(&mut self, spec: &ExecSpec, now: SimTime, epoch: Epoch) -> Result<ExecOutput, Status> {
        let not_found = || Status::bad_request(format!("unable to upgrade connection: container not found (\"{}\")", spec.container));
        let uid = self.worker_uid(spec.namespace, spec.pod).ok_or_else(not_found)?;
        let mut w = self.take_worker(&uid).ok_or_else(not_found)?;
        let result = self.exec_start_in(&mut w, spec, now, epoch);
        self.put_worker(w);
        result
    }

    fn exec_start_in(&mut self, w: &mut PodWorker, spec: &ExecSpec, now: SimTime, epoch: Epoch) -> Result<ExecOutput, Status> {
        let node = self.node().to_string();
        let exec_id = self.rng.hex(32);
        let not_found = || Status::bad_request(format!("unable to upgrade connection: container not found (\"{}\")", spec.container));
        w.dataplane = std::sync::Arc::clone(&self.dataplane);
        let slot = w.containers.iter().position(|c| c.spec.name == spec.container).ok_or_else(not_found)?;
        let c = &w.containers[slot];
        if c.process.is_none() {
            return Err(not_found());
        }
        let image = c.image.as_ref().map(|r| r.image).ok_or_else(not_found)?;
        let mut opts = SpawnOptions::exec(spec.command.to_vec(), c.env.clone(), spec.stdin.is_some() || spec.tty, spec.tty);
        opts.working_dir = if c.spec.working_dir.is_empty() { image.working_dir.to_string() } else { c.spec.working_dir.clone() };
        let mounts = c.mounts.clone();
        let cpu = c.cpu_limit_millicores();
        let vols = w.volumes.as_mut().ok_or_else(not_found)?;
        let mut process = Process::spawn(image, opts, &FsView::new(&mut vols.store, &mounts))
            .map_err(|e| Status::new(500, "InternalError", e.exec_message(&exec_id)))?;
        if let Some(input) = spec.stdin {
            process.write_stdin(input);
            if !spec.tty {
                process.close_stdin();
            }
        }
        let mut s = Session { pod_uid: w.uid.clone(), container: slot, process, mounts, cpu, tty: spec.tty, wake_at: None };
        let (chunks, exit_code) = step_session(w, &mut s, now, epoch);
        self.sessions.next += 1;
        let id = self.sessions.next;
        let wake_at = s.wake_at;
        if exit_code.is_none() {
            self.sessions.map.insert(id, s);
        }
        Ok(ExecOutput { handle: ExecHandle { node, id }, chunks, exit_code, wake_at })
    }

    /// Sends `input` to the session's stdin (if any) and runs it as far as it can go now.
    /// `close` ends stdin afterwards (Ctrl-D / the client going away).
    pub fn exec_poll(&mut self, id: u64, input: Option<&str>, close: bool, now: SimTime, epoch: Epoch) -> Result<ExecOutput, Status> {
        let handle = ExecHandle { node: self.node().to_string(), id };
        let gone = || Status::not_found("exec sessions", &id.to_string());
        let mut s = self.sessions.map.remove(&id).ok_or_else(gone)?;
        if let Some(text) = input {
            s.process.write_stdin(text);
        }
        if close {
            s.process.close_stdin();
        }
        let Some(mut w) = self.take_worker(&s.pod_uid) else { return Err(gone()) };
        w.dataplane = std::sync::Arc::clone(&self.dataplane);
        // The container stopped under the session: its processes went with it.
        if w.containers.get(s.container).is_none_or(|c| c.process.is_none()) {
            self.put_worker(w);
            return Ok(ExecOutput { handle, chunks: Vec::new(), exit_code: Some(137), wake_at: None });
        }
        let (chunks, exit_code) = step_session(&mut w, &mut s, now, epoch);
        self.put_worker(w);
        let wake_at = s.wake_at;
        if exit_code.is_none() {
            self.sessions.map.insert(id, s);
        }
        Ok(ExecOutput { handle, chunks, exit_code, wake_at })
    }

    /// Delivers `sig` to a session's process (Ctrl-C on a tty sends SIGINT to the foreground
    /// process group); it is handled at the session's next step.
    pub fn exec_signal(&mut self, id: u64, sig: podlab_runtime::Signal) -> bool {
        match self.sessions.map.get_mut(&id) {
            Some(s) => {
                s.process.signal(sig);
                true
            }
            None => false,
        }
    }

    /// Ends a session (the client disconnected): the process is killed.
    pub fn exec_close(&mut self, id: u64) {
        if let Some(mut s) = self.sessions.map.remove(&id) {
            s.process.signal(podlab_runtime::Signal::Kill);
            // A killed process cannot unlisten itself: free the ports it held in the pod.
            if let Some(w) = self.workers.try_borrow_mut().ok().as_mut().and_then(|m| m.get_mut(&s.pod_uid)) {
                let slot = usize::MAX - s.container;
                w.ports.retain(|_, owner| *owner != slot);
            }
        }
    }
}
