//! Running what is inside the containers in simulated time: each due process is stepped with a
//! fixed step budget (a busy `while true` loop costs bounded work per 100 ms of simulated time),
//! its output goes to the container log, the OOM killer ends it when its memory passes the
//! limit (exit 137, OOMKilled), and its exit reaches the pod worker at the next PLEG relist.
//! The prober's checks (httpGet, tcpSocket, exec) run here too, against the pod network.

use super::containers::ContainerRt;
use super::exec_sync::ExecSync;
use super::network::PodNet;
use super::probes::{self, ProbeKind};
use super::worker::{NodeEnv, PodWorker};
use crate::time::{SimDuration, SimTime};
use podlab_api::Probe;
use podlab_runtime::{FsView, HttpRequest, HttpResponse, NetError, NullNetwork, OutputLine, Process, ProcessCtx, Step};

/// Work units a process may use per wake-up.
pub const STEP_BUDGET: u32 = 1_500;
/// A process that used its whole budget runs again this much later.
pub const YIELD_QUANTUM: SimDuration = SimDuration(100);
/// A process idle without a timer (waiting on a file or stdin) is looked at again this often.
pub const IDLE_POLL: SimDuration = SimDuration(1_000);
/// An HTTP probe answered within this long (an unthrottled server) is handled in the same
/// kubelet wake; a slower answer (a CPU-throttled server) is recorded when it arrives.
const SLOW_ANSWER_MS: u64 = 1;
/// How long after a start a process gets `STARTUP_BOOST_ROUNDS` budgets per wake-up.
const STARTUP_BOOST_WINDOW: SimDuration = SimDuration(2_000);
const STARTUP_BOOST_ROUNDS: usize = 16;

/// Unix ms of a simulated instant.
pub fn unix_ms(env: &NodeEnv, t: SimTime) -> u64 {
    unix_ms_at(env.ctx.epoch(), t)
}

pub fn unix_ms_at(epoch: crate::time::Epoch, t: SimTime) -> u64 {
    u64::try_from(epoch.epoch_ms(t)).unwrap_or(0)
}

fn from_unix_ms(env: &NodeEnv, ms: u64) -> SimTime {
    let start = u64::try_from(env.ctx.epoch().start_epoch_ms).unwrap_or(0);
    SimTime(ms.saturating_sub(start))
}

/// Do any containers other than `slot` listen on a port (so a request could reach them)?
fn peers_listen(ports: &std::collections::BTreeMap<u16, usize>, slot: usize) -> bool {
    ports.values().any(|s| *s != slot)
}

/// Steps `p` once with the pod's filesystem and network; `slot` names the port owner.
pub fn step_in_pod(w: &mut PodWorker, slot: usize, mounts: &podlab_runtime::MountTable, p: &mut Process, now_ms: u64, cpu: Option<u32>, out: &mut Vec<OutputLine>) -> Step {
    let Some(vols) = w.volumes.as_mut() else { return Step::Idle { wake_at_ms: None } };
    let snapshot = peers_listen(&w.ports, slot).then(|| vols.store.clone());
    let (dataplane, namespace) = (std::sync::Arc::clone(&w.dataplane), crate::meta::namespace(&w.pod).to_string());
    let mut net = PodNet { ip: w.ip.clone().unwrap_or_default(), ports: &mut w.ports, slot, peers: &mut w.containers, snapshot, now_ms, dataplane, namespace, remote: w.remote.clone() };
    let mut ctx = ProcessCtx { now_ms, fs: FsView::new(&mut vols.store, mounts), net: &mut net, output: out, cpu_limit_millicores: cpu };
    p.step(&mut ctx, STEP_BUDGET)
}

impl PodWorker {
    pub(super) fn step_processes(&mut self, env: &mut NodeEnv) {
        self.dataplane = std::sync::Arc::clone(&env.ctx.core.dataplane);
        let now = env.now();
        let now_ms = unix_ms(env, now);
        for i in 0..self.containers.len() {
            let c = &mut self.containers[i];
            if c.process.is_none() || c.wake_at.is_none_or(|t| t > now) {
                continue;
            }
            let Some(mut p) = c.process.take() else { continue };
            let mounts = std::mem::take(&mut c.mounts);
            let cpu = c.cpu_limit_millicores();
            let mut out = Vec::new();
            // Right after start a process gets extra rounds (entrypoint scripts, config
            // parsing) so servers come up in well under a second; afterwards a busy loop is
            // held to one budget per quantum.
            let boost = now.since(c.probes.started_at) < STARTUP_BOOST_WINDOW;
            let rounds = if boost { STARTUP_BOOST_ROUNDS } else { 1 };
            let mut step = Step::Yield;
            for _ in 0..rounds {
                step = step_in_pod(self, i, &mounts, &mut p, now_ms, cpu, &mut out);
                if step != Step::Yield {
                    break;
                }
            }
            let c = &mut self.containers[i];
            c.mounts = mounts;
            for l in &out {
                c.logs.push(l);
            }
            let oom = c.memory_limit_bytes().is_some_and(|limit| p.memory_bytes() > limit);
            c.process = Some(p);
            if oom {
                c.oom_killed = true;
                if let Some(p) = c.process.as_mut() {
                    p.signal(podlab_runtime::Signal::Kill);
                }
                self.on_exit(i, env, 137);
                continue;
            }
            match step {
                Step::Exited(code) => self.on_exit(i, env, code),
                Step::Yield => c.wake_at = Some(now.plus(YIELD_QUANTUM)),
                Step::Idle { wake_at_ms: Some(ms) } => c.wake_at = Some(from_unix_ms(env, ms).max(now.plus(SimDuration(1)))),
                Step::Idle { wake_at_ms: None } => c.wake_at = Some(now.plus(IDLE_POLL)),
            }
        }
        if let Some(v) = self.volumes.as_mut() {
            v.flush_claims(now);
        }
    }

    fn probe_of(c: &ContainerRt, kind: ProbeKind) -> Option<Probe> {
        match kind {
            ProbeKind::Startup => c.spec.startup_probe.clone(),
            ProbeKind::Liveness => c.spec.liveness_probe.clone(),
            ProbeKind::Readiness => c.spec.readiness_probe.clone(),
        }
    }

    pub(super) fn run_probes(&mut self, env: &mut NodeEnv) {
        let now = env.now();
        for i in 0..self.containers.len() {
            for kind in [ProbeKind::Startup, ProbeKind::Liveness, ProbeKind::Readiness] {
                let c = &mut self.containers[i];
                if c.process.is_none() || c.kill_deadline.is_some() {
                    continue;
                }
                let Some(probe) = Self::probe_of(c, kind) else {
                    c.probes.state_mut(kind).next_at = None;
                    continue;
                };
                // A probe still running: its result counts when it is known, not before.
                match c.probes.state_mut(kind).pending.take() {
                    Some((due, verdict)) if due <= now => self.apply_probe(i, kind, &probe, verdict, env),
                    Some(running) => {
                        c.probes.state_mut(kind).pending = Some(running);
                        continue;
                    }
                    None => {}
                }
                let c = &mut self.containers[i];
                if c.process.is_none() || c.kill_deadline.is_some() {
                    continue;
                }
                let startup_done = c.spec.startup_probe.is_none() || c.probes.startup.result == Some(true);
                let t = probes::timing(&probe);
                let started_at = c.probes.started_at;
                let st = c.probes.state_mut(kind);
                if st.next_at.is_none_or(|n| n > now) {
                    continue;
                }
                st.next_at = Some(now.plus(t.period));
                let gated = match kind {
                    ProbeKind::Startup => startup_done,
                    _ => !startup_done,
                };
                if gated || st.on_hold || now.since(started_at) < t.initial_delay {
                    continue;
                }
                // An errored probe's result is thrown away (`worker.doProbe`).
                let Some((verdict, took_ms)) = self.execute_probe(i, kind, &probe, env) else { continue };
                if took_ms == 0 {
                    self.apply_probe(i, kind, &probe, verdict, env);
                } else {
                    self.containers[i].probes.state_mut(kind).pending = Some((now.plus(SimDuration(took_ms)), verdict));
                }
            }
        }
    }

    fn apply_probe(&mut self, i: usize, kind: ProbeKind, probe: &Probe, verdict: Result<(), String>, env: &mut NodeEnv) {
        let fp = self.containers[i].field_path();
        if let Err(out) = &verdict {
            env.event(&self.pod, &fp, true, "Unhealthy", format!("{} probe failed: {out}", kind.label()));
        }
        let t = probes::timing(probe);
        let changed = self.containers[i].probes.state_mut(kind).record(verdict.is_ok(), &t);
        match (kind, changed) {
            (ProbeKind::Readiness, Some(_)) | (ProbeKind::Startup, Some(true)) => self.write_status(env),
            (ProbeKind::Liveness | ProbeKind::Startup, Some(false)) => {
                self.containers[i].probes.state_mut(kind).on_hold = true;
                let name = self.containers[i].spec.name.clone();
                let what = if kind == ProbeKind::Liveness { "liveness" } else { "startup" };
                let restarts = self.restart_policy() != "Never";
                let suffix = if restarts { ", will be restarted" } else { "" };
                let grace = probe.termination_grace_period_seconds.or(self.spec.termination_grace_period_seconds).unwrap_or(30);
                self.kill_container(i, env, Some(format!("Container {name} failed {what} probe{suffix}")), grace);
            }
            _ => {}
        }
    }

    /// One probe: Some((verdict, how long it took in ms)), or None when the probe errored (its
    /// event is recorded here).
    fn execute_probe(&mut self, i: usize, kind: ProbeKind, probe: &Probe, env: &mut NodeEnv) -> Option<(Result<(), String>, u64)> {
        let pod_ip = self.ip.clone().unwrap_or_default();
        let c = &self.containers[i];
        if let Some(h) = &probe.http_get {
            let ip = if h.host.is_empty() { pod_ip.clone() } else { h.host.clone() };
            let port = probes::resolve_port(&h.port, &c.spec).unwrap_or(0);
            let path = if h.path.starts_with('/') { h.path.clone() } else { format!("/{}", h.path) };
            let scheme = if h.scheme.is_empty() { "http".to_string() } else { h.scheme.to_ascii_lowercase() };
            let url = format!("{scheme}://{ip}:{port}{path}");
            let mut req = HttpRequest::get(&format!("{ip}:{port}"), &path);
            req.headers = vec![("User-Agent".into(), "kube-probe/1.33".into()), ("Accept".into(), "*/*".into())];
            req.headers.extend(h.http_headers.iter().map(|x| (x.name.clone(), x.value.clone())));
            req.remote_addr = gateway_of(&pod_ip);
            // The prober runs in the host's network namespace: a hostNetwork pod is also
            // reachable on the host's loopback (etcd's probes ask 127.0.0.1).
            let own = ip == pod_ip || (self.spec.host_network && ip == "127.0.0.1");
            let resp = if own { self.serve_http(port, &req, env) } else { Err(NetError::TimedOut) };
            let timeout = probes::timing(probe).timeout;
            // A throttled server answers late; the prober gives up at its timeout.
            let took_ms = match &resp {
                Ok(r) if r.processing_ms > SLOW_ANSWER_MS => r.processing_ms.min(timeout.0),
                _ => 0,
            };
            return Some((probes::http_verdict(&url, &ip, port, timeout, resp), took_ms));
        }
        if let Some(tcp) = &probe.tcp_socket {
            let ip = if tcp.host.is_empty() { pod_ip.clone() } else { tcp.host.clone() };
            let port = probes::resolve_port(&tcp.port, &c.spec).unwrap_or(0);
            let r = if ip == pod_ip && self.ports.contains_key(&port) { Ok(()) } else { Err(NetError::ConnectionRefused) };
            return Some((probes::tcp_verdict(&ip, port, r), 0));
        }
        if let Some(e) = &probe.exec {
            let timeout_ms = probes::timing(probe).timeout.0;
            let result = self.exec_sync(i, env, &e.command, timeout_ms);
            let took_ms = match &result {
                ExecSync::Exited { elapsed_ms, .. } => *elapsed_ms,
                ExecSync::TimedOut { .. } => timeout_ms,
                ExecSync::Error { .. } => 0,
            };
            return match result.probe_verdict() {
                Ok(verdict) => Some((verdict, took_ms)),
                Err(message) => {
                    let fp = self.containers[i].field_path();
                    env.event(&self.pod, &fp, true, "Unhealthy", format!("{} probe errored and resulted in unknown state: {message}", kind.label()));
                    None
                }
            };
        }
        if let Some(g) = &probe.grpc {
            let port = u16::try_from(g.port).unwrap_or(0);
            let r = if self.ports.contains_key(&port) { Ok(()) } else { Err(NetError::ConnectionRefused) };
            return Some((r.map_err(|_| format!("timeout: failed to connect service \"{pod_ip}:{port}\" within 1s: context deadline exceeded")), 0));
        }
        Some((Ok(()), 0))
    }

    /// Sends an HTTP request from the node to whichever container listens on `port`.
    pub(super) fn serve_http(&mut self, port: u16, req: &HttpRequest, env: &NodeEnv) -> Result<HttpResponse, NetError> {
        let slot = *self.ports.get(&port).ok_or(NetError::ConnectionRefused)?;
        let now_ms = unix_ms(env, env.now());
        let vols = self.volumes.as_mut().ok_or(NetError::ConnectionRefused)?;
        // An exec session may own the port (`nc -l`); it cannot answer the node's probes.
        let c = self.containers.get_mut(slot).ok_or(NetError::ConnectionReset)?;
        let cpu = c.cpu_limit_millicores();
        let p = c.process.as_mut().ok_or(NetError::ConnectionRefused)?;
        let mut leaf = NullNetwork::default();
        let mut out = Vec::new();
        let r = {
            let mut ctx = ProcessCtx { now_ms, fs: FsView::new(&mut vols.store, &c.mounts), net: &mut leaf, output: &mut out, cpu_limit_millicores: cpu };
            p.serve_http(&mut ctx, port, req)
        };
        for l in &out {
            c.logs.push(l);
        }
        r.ok_or(NetError::ConnectionReset)
    }
}

/// The node side of the pod's bridge (`10.244.1.1` for `10.244.1.5`): where probes come from.
fn gateway_of(ip: &str) -> String {
    match ip.rsplit_once('.') {
        Some((net, _)) => format!("{net}.1"),
        None => ip.to_string(),
    }
}
