//! Shared helpers for the kubelet tests: a cluster, a pod applied as the admin, and a watch
//! based timeline of what `kubectl get pods -w` and `kubectl get events` would show.

#![allow(dead_code)]

use podlab_sim::{ApiOk, ApiRequest, ClusterSpec, SimDuration, SimTime, Simulation, Verb, WatchId};
use serde_json::Value;

/// The kubeadm cluster without its add-ons: kubelet tests read times from zero and the
/// nodes' whole capacity.
pub fn sim() -> Simulation {
    Simulation::new(7, ClusterSpec { addons: false, ..ClusterSpec::default() })
}

pub fn apply(sim: &mut Simulation, pod: Value) -> Value {
    match sim.submit(ApiRequest::create(pod)) {
        Ok(ApiOk::Object(v)) => std::sync::Arc::unwrap_or_clone(v),
        other => panic!("create failed: {other:?}"),
    }
}

pub fn pod(sim: &Simulation, name: &str) -> Value {
    sim.get("Pod", "default", name).cloned().unwrap_or(Value::Null)
}

/// `reason: message` of every event about `name`, in creation order, with count.
pub fn events(sim: &Simulation, name: &str) -> Vec<String> {
    let mut evs: Vec<&Value> = sim.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["name"] == name).collect();
    evs.sort_by_key(|e| e["metadata"]["name"].as_str().unwrap_or("").to_string());
    evs.iter()
        .map(|e| {
            let count = e["count"].as_u64().unwrap_or(1);
            let mut s = format!("{} {}: {}", e["type"].as_str().unwrap_or(""), e["reason"].as_str().unwrap_or(""), e["message"].as_str().unwrap_or(""));
            if count > 1 {
                s.push_str(&format!(" (x{count})"));
            }
            s
        })
        .collect()
}

/// A short state of each container: `app=running`, `app=waiting:CrashLoopBackOff`, ...
pub fn states(p: &Value) -> String {
    let mut parts = vec![p["status"]["phase"].as_str().unwrap_or("-").to_string()];
    for key in ["initContainerStatuses", "containerStatuses"] {
        for c in p["status"][key].as_array().cloned().unwrap_or_default() {
            let st = &c["state"];
            let s = if st.get("running").is_some() {
                "running".to_string()
            } else if let Some(t) = st.get("terminated") {
                format!("terminated:{}:{}", t["reason"].as_str().unwrap_or(""), t["exitCode"])
            } else {
                format!("waiting:{}", st["waiting"]["reason"].as_str().unwrap_or(""))
            };
            parts.push(format!("{}={}/r{}/{}", c["name"].as_str().unwrap_or(""), s, c["restartCount"], if c["ready"] == true { "ready" } else { "unready" }));
        }
    }
    parts.join(" ")
}

/// Watches pods and returns each distinct state with the simulated second it appeared.
pub struct Timeline {
    watch: WatchId,
    pub entries: Vec<(u64, String)>,
}

impl Timeline {
    pub fn new(sim: &mut Simulation) -> Self {
        Timeline { watch: sim.watch("Pod", Some("default"), None).expect("watch"), entries: Vec::new() }
    }

    /// Advances to `t` in small steps, recording state changes of pod `name`.
    pub fn run(&mut self, sim: &mut Simulation, name: &str, t: SimTime) {
        while sim.now() < t {
            let next = sim.next_wakeup().unwrap_or(t).min(t).max(sim.now());
            sim.advance_to(if next == sim.now() { sim.now().plus(SimDuration(1)).min(t) } else { next });
            for ev in sim.drain_watch(self.watch) {
                if ev.object["metadata"]["name"] != name {
                    continue;
                }
                let s = if ev.event_type.as_str() == "DELETED" { "DELETED".to_string() } else { states(&ev.object) };
                if self.entries.last().is_none_or(|(_, last)| *last != s) {
                    self.entries.push((sim.now().as_millis(), s));
                }
            }
        }
    }

    pub fn lines(&self) -> Vec<String> {
        self.entries.iter().map(|(ms, s)| format!("{}.{:03}s {s}", ms / 1000, ms % 1000)).collect()
    }
}

pub fn logs(sim: &mut Simulation, pod: &str, container: Option<&str>, previous: bool) -> Result<String, String> {
    let options = podlab_sim::kubelet::LogOptions { previous, ..Default::default() };
    let verb = Verb::Logs { namespace: "default".into(), pod: pod.into(), container: container.map(str::to_string), options };
    match sim.submit(ApiRequest::new(verb)) {
        Ok(ApiOk::Logs(s)) => Ok(s),
        Ok(other) => Err(format!("unexpected {other:?}")),
        Err(st) => Err(st.message),
    }
}

pub fn secs(s: u64) -> SimTime {
    SimTime(s * 1000)
}

/// A one-off `kubectl exec POD -- COMMAND` in the default namespace, waited for up to 200 s of
/// simulated time: its output and exit code (None when it did not finish or was refused).
pub fn exec(s: &mut Simulation, pod: &str, command: &[&str]) -> (String, Option<i32>) {
    let verb = Verb::Exec { namespace: "default".into(), pod: pod.into(), container: None, command: command.iter().map(|c| c.to_string()).collect(), stdin: None, tty: false };
    match s.submit(ApiRequest::new(verb)) {
        Ok(ApiOk::Exec(out)) => match s.exec_wait(out, podlab_sim::SimDuration(200_000)) {
            Ok(out) => (out.text(), out.exit_code),
            Err(e) => (format!("exec_wait: {}", e.message), None),
        },
        other => (format!("{other:?}"), None),
    }
}
