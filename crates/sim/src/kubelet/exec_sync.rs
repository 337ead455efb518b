//! CRI `ExecSync` for the kubelet's own commands (exec probes and exec lifecycle hooks): the
//! command runs inside the container to completion or until its timeout, and the result is
//! what the kubelet gets back from containerd — the exit code with stdout followed by stderr
//! (`RunInContainer` appends them), a `DeadlineExceeded` turned into cri-client's
//! `command timed out: "sh -c sleep 5" timed out after 1s` (`ErrCommandTimedOut`),
//! or the runtime's error when the process cannot even start. The command runs in virtual
//! time: its sleeps advance its own clock (never the cluster's), a busy loop pays
//! `YIELD_QUANTUM` per budget, and the number of rounds is bounded, so a hook that never ends
//! costs bounded work and simply reaches its deadline.

use super::run::{step_in_pod, unix_ms, YIELD_QUANTUM};
use super::worker::{NodeEnv, PodWorker};
use crate::time::SimDuration;
use podlab_api::validation::field::go_quote;
use podlab_runtime::{FsView, Process, SpawnOptions, Step, Stream};

/// Rounds of the step budget one ExecSync may use before it counts as timed out.
const EXEC_ROUNDS_MAX: usize = 256;
/// The exec prober keeps at most this much output (`maxReadLength`, 10 KiB).
const PROBE_OUTPUT_MAX_BYTES: usize = 10 * 1024;

/// What `ExecSync` returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecSync {
    /// The command ran to its end after `elapsed_ms` of its own time.
    Exited { code: i32, stdout: String, stderr: String, elapsed_ms: u64 },
    /// The deadline passed first: `command timed out: "sh -c sleep 5" timed out after 1s`.
    TimedOut { message: String },
    /// The runtime could not run it (`rpc error: … executable file not found in $PATH …`).
    Error { message: String },
}

impl ExecSync {
    /// The exec prober's verdict: Ok(()) on exit 0, Err(output) on a failure, and the probe
    /// error (result thrown away, `probe errored` event) as `Ok(Err(message))`.
    pub fn probe_verdict(self) -> Result<Result<(), String>, String> {
        match self {
            ExecSync::Exited { code: 0, .. } => Ok(Ok(())),
            ExecSync::Exited { stdout, stderr, .. } => Ok(Err(limit(stdout + &stderr))),
            ExecSync::TimedOut { message } => Ok(Err(message)),
            ExecSync::Error { message } => Err(message),
        }
    }
}

impl PodWorker {
    /// Runs `command` in container `i` with a deadline of `timeout_ms` (its virtual time).
    pub(super) fn exec_sync(&mut self, i: usize, env: &mut NodeEnv, command: &[String], timeout_ms: u64) -> ExecSync {
        let start_ms = unix_ms(env, env.now());
        let deadline_ms = start_ms.saturating_add(timeout_ms);
        let timed_out = || ExecSync::TimedOut { message: format!("command timed out: {} timed out after {}", go_quote(&command.join(" ")), SimDuration(timeout_ms).go_string()) };
        let c = &self.containers[i];
        let (Some(image), Some(vols)) = (c.image.as_ref().map(|r| r.image), self.volumes.as_mut()) else {
            return ExecSync::Error { message: "rpc error: code = NotFound desc = container is not running".into() };
        };
        let mut opts = SpawnOptions::exec(command.to_vec(), c.env.clone(), false, false);
        opts.working_dir = if c.spec.working_dir.is_empty() { image.working_dir.to_string() } else { c.spec.working_dir.clone() };
        let mounts = c.mounts.clone();
        let cpu = c.cpu_limit_millicores();
        let mut p = match Process::spawn(image, opts, &FsView::new(&mut vols.store, &mounts)) {
            Ok(p) => p,
            Err(e) => {
                let exec_id = env.rng.hex(32);
                let message = format!(
                    "rpc error: code = Unknown desc = failed to exec in container: failed to start exec {}: OCI runtime exec failed: exec failed: unable to start container process: {}: unknown",
                    go_quote(&exec_id),
                    e.reason()
                );
                return ExecSync::Error { message };
            }
        };
        let mut out = Vec::new();
        let mut t_ms = start_ms;
        for _ in 0..EXEC_ROUNDS_MAX {
            match step_in_pod(self, usize::MAX, &mounts, &mut p, t_ms, cpu, &mut out) {
                Step::Exited(code) => {
                    let elapsed_ms = t_ms - start_ms;
                    return ExecSync::Exited { code, stdout: text_of(&out, Stream::Stdout), stderr: text_of(&out, Stream::Stderr), elapsed_ms };
                }
                Step::Yield => t_ms += YIELD_QUANTUM.0,
                Step::Idle { wake_at_ms: Some(w) } => t_ms = t_ms.max(w),
                // Waiting for stdin or a file that nothing will write: only the deadline ends it.
                Step::Idle { wake_at_ms: None } => return timed_out(),
            }
            if t_ms > deadline_ms {
                return timed_out();
            }
        }
        timed_out()
    }
}

/// What the command wrote to `stream`, one `\n` per line.
fn text_of(out: &[podlab_runtime::OutputLine], stream: Stream) -> String {
    let mut s = String::new();
    for l in out.iter().filter(|l| l.stream == stream) {
        s.push_str(&l.text);
        s.push('\n');
    }
    s
}

/// The exec prober's output, cut at its read limit.
fn limit(mut s: String) -> String {
    if s.len() > PROBE_OUTPUT_MAX_BYTES {
        let mut cut = PROBE_OUTPUT_MAX_BYTES;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}
