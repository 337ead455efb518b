//! Starting and stopping containers, as `kuberuntime_container.go` does it: the crash-loop
//! back-off check against the last instance's finishedAt, `EnsureImageExists`, the container
//! config (environment; a missing ConfigMap/Secret/key is CreateContainerConfigError), create
//! (`Created`), start (`Started`, or a `StartError` when runc cannot exec the command), and the
//! kill path (`Killing`, preStop, the stop signal, SIGKILL after the grace period). Also the
//! pod's termination sequence after a delete and the status it reports.

use super::containers::{Instance, Kind, WaitingReason};
use super::images::Ensure;
use super::worker::{format_pod, pleg_tick, NodeEnv, Op, PodWorker, Start};
use crate::meta;
use crate::time::SimTime;
use podlab_api::{PodCondition, PodStatus};
use podlab_runtime::{container_argv, FsView, Process, Signal, SpawnOptions};

/// `GetStableKey`: the crash-loop back-off key of a container. The real key ends with the
/// container's hash; the image is the only part of a container that can change, so it stands
/// in for the hash (a corrected image starts without the old back-off).
fn stable_key(w: &PodWorker, name: &str, image: &str) -> String {
    format!("{}_{}_{}_{name}_{image}", meta::name(&w.pod), meta::namespace(&w.pod), w.uid)
}

impl PodWorker {
    pub(super) fn try_start(&mut self, i: usize, env: &mut NodeEnv) -> Start {
        let now = env.now();
        let name = self.containers[i].name().to_string();
        let fp = self.containers[i].field_path();
        // A start resumed after its pull already passed the back-off check (one `startContainer`
        // call in the real kubelet: back-off, then `EnsureImageExists`, then create).
        let resumed = matches!(&self.just_pulled, Some((slot, _)) if *slot == i);
        let last_finished = match &self.containers[i].instance {
            Instance::Exited(t) if !resumed => Some(t.finished_at),
            _ => None,
        };
        if let Some(finished) = last_finished {
            let key = stable_key(self, &name, &self.containers[i].spec.image);
            if env.crash_backoff.in_backoff_since(&key, finished, now) {
                let pod = format_pod(&self.pod);
                env.event(&self.pod, &fp, true, "BackOff", format!("Back-off restarting failed container {name} in pod {pod}"));
                let message = format!("back-off {} restarting failed container={name} pod={pod}", env.crash_backoff.get(&key));
                self.containers[i].reason = Some(WaitingReason { reason: "CrashLoopBackOff".into(), message });
                return Start::Failed;
            }
            env.crash_backoff.next(&key, finished);
        }
        let image = match self.just_pulled.take() {
            Some((slot, r)) if slot == i => r,
            _ => match self.ensure_image(i, env) {
                Ok(r) => r,
                Err(s) => return s,
            },
        };
        let c = &self.containers[i];
        let env_vars = match super::env::build(env.ctx, &self.pod, &c.spec, &image.env()) {
            Ok(e) => e,
            Err(msg) => {
                env.event(&self.pod, &fp, true, "Failed", format!("Error: {msg}"));
                self.containers[i].reason = Some(WaitingReason { reason: "CreateContainerConfigError".into(), message: msg });
                return Start::Failed;
            }
        };
        self.create_and_start(i, env, image, env_vars)
    }

    fn ensure_image(&mut self, i: usize, env: &mut NodeEnv) -> Result<podlab_runtime::ResolvedImage, Start> {
        let fp = self.containers[i].field_path();
        let spec = &self.containers[i].spec;
        let (image, policy) = (spec.image.clone(), spec.image_pull_policy.clone());
        match env.images.ensure(&self.uid, &image, &policy, env.now()) {
            Ensure::Present(r) => {
                env.event(&self.pod, &fp, false, "Pulled", format!("Container image \"{image}\" already present on machine"));
                Ok(r)
            }
            Ensure::NeedPull => {
                env.event(&self.pod, &fp, false, "Pulling", format!("Pulling image \"{image}\""));
                let has_secret = !self.spec.image_pull_secrets.is_empty();
                let pull = env.images.start_pull(&image, has_secret, env.now(), env.rng);
                self.request_sync(pull.done_at);
                self.op = Some(Op::Pull { slot: i, pull });
                Err(Start::Blocked)
            }
            Ensure::Fail { reason, message, events } => {
                for (warning, r, m) in events {
                    env.event(&self.pod, &fp, warning, r, m);
                }
                self.containers[i].reason = Some(WaitingReason { reason: reason.into(), message });
                Err(Start::Failed)
            }
        }
    }

    fn create_and_start(&mut self, i: usize, env: &mut NodeEnv, image: podlab_runtime::ResolvedImage, env_vars: Vec<(String, String)>) -> Start {
        let now = env.now();
        let ip = self.ip.clone().unwrap_or_default();
        let Some(vols) = self.volumes.as_mut() else { return Start::Failed };
        let mut root = image.root_fs();
        super::volumes::etc_files(&mut root, &self.pod, &ip);
        if let Some(old) = self.containers[i].mounts.mounts.first().map(|m| m.volume) {
            vols.store.remove(old);
        }
        let root_id = vols.store.add(root);
        let c = &mut self.containers[i];
        c.mounts = super::volumes::mount_table(vols, root_id, &c.spec);
        let vars: std::collections::BTreeMap<String, String> = env_vars.iter().cloned().collect();
        let command: Vec<String> = c.spec.command.iter().map(|s| super::env::expand(s, &vars)).collect();
        let args: Vec<String> = c.spec.args.iter().map(|s| super::env::expand(s, &vars)).collect();
        let working_dir = if c.spec.working_dir.is_empty() { image.image.working_dir.to_string() } else { c.spec.working_dir.clone() };
        let mut opts = SpawnOptions::new(container_argv(image.image, &command, &args), env_vars.clone());
        opts.working_dir = if working_dir.is_empty() { "/".into() } else { working_dir };
        opts.tty = c.spec.tty;
        opts.stdin_open = c.spec.stdin;
        opts.node_cpus = env.node_cpus;
        let container_id = format!("containerd://{}", env.rng.hex(32));
        let fp = c.field_path();
        let name = c.spec.name.clone();
        env.event(&self.pod, &fp, false, "Created", format!("Created container: {name}"));
        let spawned = Process::spawn(image.image, opts, &FsView::new(&mut vols.store, &c.mounts));
        c.image = Some(image);
        c.env = env_vars;
        env.ctx.trace("start-container", crate::trace::Outcome::Info, format!("Pod {}/{}", meta::namespace(&self.pod), meta::name(&self.pod)), serde_json::json!({"container": name, "containerID": container_id}));
        match spawned {
            Ok(p) => {
                env.event(&self.pod, &fp, false, "Started", format!("Started container {name}"));
                c.mark_running(now, container_id);
                c.process = Some(p);
                c.wake_at = Some(now);
                self.request_sync(pleg_tick(now));
                Start::Started
            }
            Err(e) => {
                let msg = e.create_message();
                env.event(&self.pod, &fp, true, "Failed", format!("Error: {msg}"));
                c.mark_start_error(now, container_id, msg);
                self.request_sync(pleg_tick(now));
                Start::Failed
            }
        }
    }

    /// The runtime saw container `i`'s process end with `code`.
    pub(super) fn on_exit(&mut self, i: usize, env: &mut NodeEnv, code: i32) {
        let now = env.now();
        self.ports.retain(|_, slot| *slot != i);
        self.containers[i].mark_exited(now, code);
        if self.containers[i].restart_pending {
            self.continue_restart(i, env);
            return;
        }
        self.request_sync(pleg_tick(now));
    }

    pub(super) fn build_status(&self, env: &NodeEnv) -> PodStatus {
        let epoch = env.ctx.epoch();
        let default_waiting = if self.n_init > 0 { "PodInitializing" } else { "ContainerCreating" };
        let init: Vec<(Kind, podlab_api::ContainerStatus)> = self.containers[..self.n_init].iter().map(|c| (c.kind, super::status::container_status(c, default_waiting, epoch))).collect();
        let apps: Vec<podlab_api::ContainerStatus> = self.containers[self.n_init..].iter().map(|c| super::status::container_status(c, default_waiting, epoch)).collect();
        let phase = super::status::phase(&init, &apps, self.restart_policy(), self.terminal);
        let mut st = PodStatus { phase: phase.into(), ..PodStatus::default() };
        st.host_ip = env.host_ip.to_string();
        st.host_ips = vec![podlab_api::HostIP { ip: env.host_ip.to_string() }];
        if let Some(ip) = self.ip.as_ref().filter(|_| self.sandbox_ready || self.terminal) {
            st.pod_ip = ip.clone();
            st.pod_ips = vec![podlab_api::PodIP { ip: ip.clone() }];
        }
        st.start_time = self.start_time.map(|t| epoch.to_time(t));
        st.init_container_statuses = init.into_iter().map(|(_, s)| s).collect();
        st.container_statuses = apps;
        st.qos_class = meta::str_at(&self.pod, &["status", "qosClass"]).unwrap_or("").to_string();
        let sidecars: Vec<String> = self.containers[..self.n_init].iter().filter(|c| c.kind == Kind::Sidecar).map(|c| c.spec.name.clone()).collect();
        let mut conds = super::status::conditions(&st, self.sandbox_ready, &sidecars);
        let old: Vec<PodCondition> = self.pod.get("status").and_then(|s| s.get("conditions")).and_then(|c| serde_json::from_value(c.clone()).ok()).unwrap_or_default();
        let now_t = epoch.to_time(env.now());
        super::status::stamp_transitions(&mut conds, &old, now_t);
        let scheduled = old.iter().find(|c| c.type_ == "PodScheduled").cloned().unwrap_or(PodCondition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_transition_time: Some(now_t),
            ..PodCondition::default()
        });
        conds.push(scheduled);
        st.conditions = conds;
        st
    }

    /// The next instant this worker needs to run, and whether it is lifecycle work (true) or
    /// only process/probe housekeeping (false).
    pub fn next_wake(&self) -> Option<(SimTime, bool)> {
        let mut best: Option<(SimTime, bool)> = self.sync_at.map(|t| (t, true));
        let mut consider = |t: Option<SimTime>, work: bool| {
            if let Some(t) = t {
                if best.is_none_or(|(b, _)| t < b) {
                    best = Some((t, work));
                }
            }
        };
        for (i, c) in self.containers.iter().enumerate() {
            consider(c.kill_deadline, true);
            consider(self.term_due_at(i), true);
            if c.process.is_some() {
                consider(c.wake_at, false);
                // A container being stopped is not probed.
                if c.kill_deadline.is_none() {
                    consider(c.probes.next_wake(), false);
                }
            }
        }
        best
    }

    /// Force deletion or teardown: kill every process now and give disks back.
    pub fn teardown(&mut self, env: &mut NodeEnv) {
        for i in 0..self.containers.len() {
            if let Some(p) = self.containers[i].process.as_mut() {
                p.signal(Signal::Kill);
                let fp = self.containers[i].field_path();
                env.event(&self.pod, &fp, false, "Killing", format!("Stopping container {}", self.containers[i].spec.name));
                self.on_exit(i, env, 137);
            }
        }
        if let Some(v) = self.volumes.as_mut() {
            v.release(env.disks);
        }
        self.sync_at = None;
    }
}
