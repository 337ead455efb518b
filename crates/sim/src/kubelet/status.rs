//! `generateAPIPodStatus`: the pod status the kubelet writes through `pods/status` — container
//! statuses (waiting reason from the reason cache, running, terminated, lastState, restart
//! count, ready/started), the phase by `getPhase`'s counting rules, and the four kubelet-owned
//! conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady) with the
//! scheduler's PodScheduled kept last; lastTransitionTime moves only when a status flips.

use super::containers::{ContainerRt, Instance, Kind, Terminated};
use crate::time::{Epoch, SimTime};
use podlab_api::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting, ContainerStatus, PodCondition, PodStatus,
    VolumeMountStatus,
};

fn terminated(t: &Terminated, epoch: Epoch) -> ContainerStateTerminated {
    ContainerStateTerminated {
        exit_code: t.exit_code,
        signal: t.signal,
        reason: t.reason.clone(),
        message: t.message.clone(),
        // A container that never ran (StartError) reports the zero time, printed as 1970.
        started_at: Some(if t.started_at == SimTime(0) && t.reason == "StartError" { podlab_api::Time::from_millis(0) } else { epoch.to_time(t.started_at) }),
        finished_at: Some(epoch.to_time(t.finished_at)),
        container_id: t.container_id.clone(),
    }
}

/// The status of one container. `default_waiting` is ContainerCreating or PodInitializing.
pub fn container_status(c: &ContainerRt, default_waiting: &str, epoch: Epoch) -> ContainerStatus {
    let mut s = ContainerStatus { name: c.spec.name.clone(), image: c.spec.image.clone(), restart_count: c.restart_count, ..ContainerStatus::default() };
    if let Some(img) = &c.image {
        s.image = img.full_reference.clone();
        s.image_id = format!("{}/{}@{}", img.image.registry, img.image.repository, img.digest);
    }
    let waiting = |reason: &str, message: &str| ContainerState {
        waiting: Some(ContainerStateWaiting { reason: reason.into(), message: message.into() }),
        ..ContainerState::default()
    };
    let last = c.last.as_ref().map(|t| ContainerState { terminated: Some(terminated(t, epoch)), ..ContainerState::default() });
    s.last_state = last.unwrap_or_default();
    match (&c.reason, &c.instance) {
        (Some(r), Instance::Exited(t)) => {
            s.state = waiting(&r.reason, &r.message);
            s.last_state = ContainerState { terminated: Some(terminated(t, epoch)), ..ContainerState::default() };
        }
        (Some(r), _) => s.state = waiting(&r.reason, &r.message),
        (None, Instance::Running { started_at, container_id }) => {
            s.state = ContainerState { running: Some(ContainerStateRunning { started_at: Some(epoch.to_time(*started_at)) }), ..ContainerState::default() };
            s.container_id = container_id.clone();
        }
        (None, Instance::Exited(t)) => {
            s.state = ContainerState { terminated: Some(terminated(t, epoch)), ..ContainerState::default() };
            s.container_id = t.container_id.clone();
        }
        (None, Instance::None) => s.state = waiting(default_waiting, ""),
    }
    let started = c.is_running() && c.probes.startup.result != Some(false) && (c.spec.startup_probe.is_none() || c.probes.startup.result == Some(true));
    s.started = Some(started);
    s.ready = match c.kind {
        Kind::Init => c.succeeded() && c.reason.is_none(),
        _ => started && (c.spec.readiness_probe.is_none() || c.probes.readiness.result == Some(true)),
    };
    if !matches!(c.instance, Instance::None) {
        s.volume_mounts = c
            .spec
            .volume_mounts
            .iter()
            .map(|m| VolumeMountStatus {
                name: m.name.clone(),
                mount_path: m.mount_path.clone(),
                read_only: m.read_only,
                recursive_read_only: m.read_only.then(|| "Disabled".to_string()),
            })
            .collect();
    }
    s
}

/// `getPhase` over the statuses just generated.
pub fn phase(init: &[(Kind, ContainerStatus)], apps: &[ContainerStatus], restart_policy: &str, terminal: bool) -> &'static str {
    let (mut pending_init, mut failed_init) = (0, 0);
    for (kind, s) in init {
        let last_term = s.last_state.terminated.as_ref();
        if *kind == Kind::Sidecar {
            if (s.state.running.is_some() && s.started != Some(true)) || (s.state.waiting.is_some() && last_term.is_none()) {
                pending_init += 1;
            }
            continue;
        }
        if s.state.running.is_some() {
            pending_init += 1;
        } else if let Some(t) = &s.state.terminated {
            failed_init += i32::from(t.exit_code != 0);
        } else if let Some(t) = last_term {
            failed_init += i32::from(t.exit_code != 0);
        } else {
            pending_init += 1;
        }
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    let mut any_started = false;
    for s in apps {
        if s.state.running.is_some() {
            running += 1;
            any_started = true;
        } else if let Some(t) = &s.state.terminated {
            stopped += 1;
            succeeded += i32::from(t.exit_code == 0);
            any_started = true;
        } else if let Some(t) = &s.last_state.terminated {
            stopped += 1;
            succeeded += i32::from(t.exit_code == 0);
            any_started = true;
        } else {
            waiting += 1;
        }
    }
    if failed_init > 0 && restart_policy == "Never" {
        return "Failed";
    }
    if (pending_init > 0 && !any_started) || waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped == 0 {
        return "Pending";
    }
    if terminal {
        return if stopped == succeeded { "Succeeded" } else { "Failed" };
    }
    match restart_policy {
        "Always" => "Running",
        _ if stopped == succeeded => "Succeeded",
        "Never" => "Failed",
        _ => "Running",
    }
}

fn cond(ty: &str, ok: bool, reason: &str, message: &str) -> PodCondition {
    PodCondition { type_: ty.into(), status: if ok { "True" } else { "False" }.into(), reason: reason.into(), message: message.into(), ..PodCondition::default() }
}

fn names_message(prefix: &str, names: &[String]) -> String {
    format!("{prefix}: [{}]", names.join(" "))
}

/// The kubelet-owned conditions, in the order the kubelet writes them.
pub fn conditions(st: &PodStatus, sandbox_ready: bool, sidecars: &[String]) -> Vec<PodCondition> {
    let mut out = vec![cond("PodReadyToStartContainers", sandbox_ready, "", "")];
    let incomplete: Vec<String> = st.init_container_statuses.iter().filter(|s| !s.ready && !(sidecars.contains(&s.name) && s.started == Some(true))).map(|s| s.name.clone()).collect();
    let initialized = incomplete.is_empty() || st.phase == "Succeeded";
    out.push(if initialized { cond("Initialized", true, "", "") } else { cond("Initialized", false, "ContainersNotInitialized", &names_message("containers with incomplete status", &incomplete)) });
    let mut unready: Vec<String> = st.init_container_statuses.iter().filter(|s| sidecars.contains(&s.name) && !s.ready).map(|s| s.name.clone()).collect();
    unready.extend(st.container_statuses.iter().filter(|s| !s.ready).map(|s| s.name.clone()));
    let containers_ready = if st.phase == "Succeeded" {
        cond("ContainersReady", false, "PodCompleted", "")
    } else if unready.is_empty() {
        cond("ContainersReady", true, "", "")
    } else {
        cond("ContainersReady", false, "ContainersNotReady", &names_message("containers with unready status", &unready))
    };
    let mut ready = containers_ready.clone();
    ready.type_ = "Ready".into();
    out.push(ready);
    out.push(containers_ready);
    out
}

/// Carries lastTransitionTime over from `old` when the status did not change.
pub fn stamp_transitions(new: &mut [PodCondition], old: &[PodCondition], now: podlab_api::Time) {
    for c in new.iter_mut() {
        let prev = old.iter().find(|o| o.type_ == c.type_ && o.status == c.status);
        c.last_transition_time = Some(prev.and_then(|p| p.last_transition_time).unwrap_or(now));
        c.last_probe_time = None;
    }
}
