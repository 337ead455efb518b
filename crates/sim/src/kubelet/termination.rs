//! Stopping containers as `killContainer` does it in 1.33: the `Killing` event, the preStop
//! hook (exec, httpGet or sleep) whose duration, in whole seconds, comes off the grace period,
//! then — for a pod with native sidecars (KEP-753) — the termination ordering: regular
//! containers get their stop signal at once, each sidecar only after every regular container
//! and every sidecar declared after it has exited (or the grace period ran out), then the stop
//! signal, and SIGKILL once the remaining grace (never less than the 2s minimum shutdown window)
//! is over. Deleting a pod runs this for every running container, reports the terminal status
//! and ends with the kubelet's grace-0 delete.

use super::containers::Kind;
use super::worker::{format_pod, NodeEnv, PodWorker};
use crate::meta;
use crate::time::{SimDuration, SimTime};
use podlab_api::LifecycleHandler;
use podlab_runtime::{HttpRequest, Signal};

/// `minimumGracePeriodInSeconds`: the shortest shutdown window the kubelet ever gives.
const MINIMUM_GRACE_MS: u64 = 2_000;

/// Whole seconds of `ms`, the way the kubelet's int64 second arithmetic truncates them.
fn whole_seconds_ms(ms: u64) -> u64 {
    ms / 1_000 * 1_000
}

impl PodWorker {
    /// Begins stopping container `i` with no ordering constraint. `message` None = "Stopping
    /// container <name>".
    pub(super) fn kill_container(&mut self, i: usize, env: &mut NodeEnv, message: Option<String>, grace_seconds: i64) {
        self.kill_container_after(i, env, message, grace_seconds, Vec::new());
    }

    /// Begins stopping container `i`; its stop signal waits for the containers in `wait_for`
    /// to exit (the sidecar termination ordering), at most for the remaining grace period.
    pub(super) fn kill_container_after(&mut self, i: usize, env: &mut NodeEnv, message: Option<String>, grace_seconds: i64, wait_for: Vec<usize>) {
        let now = env.now();
        let c = &self.containers[i];
        let fp = c.field_path();
        let msg = message.unwrap_or_else(|| format!("Stopping container {}", c.spec.name));
        env.event(&self.pod, &fp, false, "Killing", msg);
        let grace_ms = u64::try_from(grace_seconds.max(0)).unwrap_or(0).saturating_mul(1_000);
        let pre_stop = c.spec.lifecycle.as_ref().and_then(|l| l.pre_stop.clone());
        let hook_ms = match pre_stop {
            Some(h) if grace_ms > 0 => self.run_pre_stop(i, env, &h, grace_ms).min(grace_ms),
            _ => 0,
        };
        let grace_left_ms = grace_ms - whole_seconds_ms(hook_ms);
        let term_at = now.plus(SimDuration(hook_ms));
        let c = &mut self.containers[i];
        c.term_at = Some(term_at);
        // Without time left the ordering is skipped (`waitForTurn` is only called with a
        // positive grace period).
        c.wait_for = if grace_left_ms > 0 { wait_for } else { Vec::new() };
        c.turn_by = Some(term_at.plus(SimDuration(grace_left_ms)));
        c.grace_left_ms = grace_left_ms;
        // Provisional: the latest the container can still be running; fixed at the signal.
        c.kill_deadline = Some(term_at.plus(SimDuration(grace_left_ms.max(MINIMUM_GRACE_MS))));
        c.wake_at = Some(term_at);
    }

    /// Runs a preStop hook; returns how long it took (ms), at most `grace_ms`.
    fn run_pre_stop(&mut self, i: usize, env: &mut NodeEnv, h: &LifecycleHandler, grace_ms: u64) -> u64 {
        let fp = self.containers[i].field_path();
        let name = self.containers[i].spec.name.clone();
        let pod = format_pod(&self.pod);
        if let Some(s) = &h.sleep {
            return u64::try_from(s.seconds.max(0)).unwrap_or(0).saturating_mul(1_000);
        }
        if let Some(e) = &h.exec {
            let argv = format!("[{}]", e.command.join(" "));
            let (elapsed_ms, failure) = match self.exec_sync(i, env, &e.command, grace_ms) {
                super::exec_sync::ExecSync::Exited { code: 0, elapsed_ms, .. } => (elapsed_ms, None),
                super::exec_sync::ExecSync::Exited { code, stdout, stderr, elapsed_ms } => {
                    // CRI's CodeExitError carries stderr; the message quotes stdout + stderr.
                    let err = format!("command '{}' exited with {code}: {stderr}", e.command.join(" "));
                    (elapsed_ms, Some((err, stdout + &stderr)))
                }
                // The kubelet stops waiting at the end of the grace period; no event then.
                super::exec_sync::ExecSync::TimedOut { .. } => (grace_ms, None),
                super::exec_sync::ExecSync::Error { message } => (0, Some((message, String::new()))),
            };
            if let Some((err, output)) = failure {
                let msg = format!("Exec lifecycle hook ({argv}) for Container {} in Pod {} failed - error: {err}, message: {}", go_quote(&name), go_quote(&pod), go_quote(&output));
                env.event(&self.pod, &fp, true, "FailedPreStopHook", msg);
            }
            return elapsed_ms;
        }
        if let Some(g) = &h.http_get {
            let ip = if g.host.is_empty() { self.ip.clone().unwrap_or_default() } else { g.host.clone() };
            let port = super::probes::resolve_port(&g.port, &self.containers[i].spec).unwrap_or(0);
            let path = if g.path.starts_with('/') { g.path.clone() } else { format!("/{}", g.path) };
            let req = HttpRequest::get(&format!("{ip}:{port}"), &path);
            let result = if Some(&ip) == self.ip.as_ref() { self.serve_http(port, &req, env) } else { Err(podlab_runtime::NetError::TimedOut) };
            if let Err(e) = result {
                let url = format!("http://{ip}:{port}{path}");
                let err = super::probes::http_verdict(&url, &ip, port, SimDuration(grace_ms), Err(e)).err().unwrap_or_default();
                let msg = format!("HTTP lifecycle hook ({}) for Container {} in Pod {} failed - error: {err}", g.path, go_quote(&name), go_quote(&pod));
                env.event(&self.pod, &fp, true, "FailedPreStopHook", msg);
            }
        }
        0
    }

    /// When container `i`'s stop signal is due: after its preStop, once the containers it
    /// waits for have exited, or when its grace period runs out regardless.
    pub(super) fn term_due_at(&self, i: usize) -> Option<SimTime> {
        let c = &self.containers[i];
        let term_at = c.term_at?;
        let waiting = c.wait_for.iter().any(|d| self.containers.get(*d).is_some_and(|o| o.process.is_some()));
        if waiting {
            c.turn_by.map(|t| t.max(term_at))
        } else {
            Some(term_at)
        }
    }

    /// Delivers due stop signals and SIGKILLs containers past their grace deadline.
    pub(super) fn enforce_deadlines(&mut self, env: &mut NodeEnv) {
        let now = env.now();
        for i in 0..self.containers.len() {
            let due = self.term_due_at(i).is_some_and(|t| t <= now);
            let c = &mut self.containers[i];
            let Some(p) = c.process.as_mut() else { continue };
            if due {
                let waited_ms = c.term_at.map_or(0, |t| now.since(t).0);
                let remaining_ms = whole_seconds_ms(c.grace_left_ms.saturating_sub(waited_ms));
                c.term_at = None;
                c.turn_by = None;
                c.wait_for.clear();
                c.kill_deadline = Some(now.plus(SimDuration(remaining_ms.max(MINIMUM_GRACE_MS))));
                let sig = c.spec.lifecycle.as_ref().and_then(|l| l.stop_signal.as_deref()).and_then(Signal::from_name).unwrap_or(Signal::Term);
                p.signal(sig);
                c.wake_at = Some(now);
            }
            if c.term_at.is_none() && c.kill_deadline.is_some_and(|t| t <= now) {
                p.signal(Signal::Kill);
                self.on_exit(i, env, 137);
            }
        }
    }

    /// Stops the running sidecars after the pod's regular containers are done, last declared
    /// first (`killPodWithSyncResult` with its termination ordering).
    pub(super) fn stop_sidecars(&mut self, env: &mut NodeEnv, grace_seconds: i64) {
        let sidecars: Vec<usize> = (0..self.n_init).filter(|s| self.containers[*s].kind == Kind::Sidecar).collect();
        for &s in sidecars.iter().rev() {
            let c = &self.containers[s];
            if c.process.is_none() || c.kill_deadline.is_some() {
                continue;
            }
            let later: Vec<usize> = sidecars.iter().copied().filter(|o| *o > s).collect();
            self.kill_container_after(s, env, None, grace_seconds, later);
        }
    }

    /// Deletion: stop everything, report the terminal status, then delete with grace 0.
    pub(super) fn sync_terminating(&mut self, env: &mut NodeEnv) {
        if !self.killing {
            self.killing = true;
            self.op = None;
            let grace = meta::at(&self.pod, &["metadata", "deletionGracePeriodSeconds"]).and_then(serde_json::Value::as_i64).unwrap_or(30);
            let apps: Vec<usize> = (self.n_init..self.containers.len()).collect();
            for &i in &apps {
                if self.containers[i].process.is_some() {
                    self.kill_container(i, env, None, grace);
                }
            }
            // A regular init container still running is stopped like an app container.
            for i in 0..self.n_init {
                if self.containers[i].kind == Kind::Init && self.containers[i].process.is_some() {
                    self.kill_container(i, env, None, grace);
                }
            }
            let sidecars: Vec<usize> = (0..self.n_init).filter(|s| self.containers[*s].kind == Kind::Sidecar).collect();
            for &s in sidecars.iter().rev() {
                if self.containers[s].process.is_some() {
                    let wait_for: Vec<usize> = apps.iter().copied().chain(sidecars.iter().copied().filter(|o| *o > s)).collect();
                    self.kill_container_after(s, env, None, grace, wait_for);
                }
            }
        }
        if self.containers.iter().any(|c| c.process.is_some()) {
            return;
        }
        self.terminal = true;
        self.sandbox_ready = false;
        self.write_status(env);
        if !self.removed {
            self.send_final_delete(env);
        }
    }
}

fn go_quote(s: &str) -> String {
    podlab_api::validation::field::go_quote(s)
}
