//! Pod termination as the 1.33 kubelet runs it: regular containers are signalled first, native
//! sidecars only after them and in reverse declaration order; a preStop hook's duration comes
//! off the grace period; a hook that fails reports `FailedPreStopHook` with the CRI error; and
//! a container that ignores SIGTERM is killed with 137 when the grace period ends.

#[path = "kubelet_support.rs"]
mod support;

use podlab_sim::{ApiRequest, Simulation};
use serde_json::{json, Value};
use support::*;

fn pod_of(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
}

/// A container that takes 2s to shut down after SIGTERM, then exits 0 (so the exits of
/// containers stopped one after the other fall in different seconds).
fn graceful(name: &str) -> Value {
    let script = format!("trap 'sleep 2; echo {name} done; exit 0' TERM; while true; do sleep 1; done");
    json!({"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script]})
}

/// `finishedAt` (Unix seconds) of every container of the last status seen, by name.
fn finished(p: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in ["initContainerStatuses", "containerStatuses"] {
        for c in p["status"][key].as_array().cloned().unwrap_or_default() {
            let at = c["state"]["terminated"]["finishedAt"].as_str().unwrap_or("-").to_string();
            out.push((c["name"].as_str().unwrap_or("").to_string(), at));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    out
}

/// Deletes `name` and returns its last status before it disappeared.
fn delete_and_watch(s: &mut Simulation, name: &str, until_s: u64) -> Value {
    let w = s.watch("Pod", Some("default"), None).expect("watch");
    s.submit(ApiRequest::delete("Pod", "default", name)).expect("delete");
    let mut last = Value::Null;
    while s.now() < secs(until_s) {
        let next = s.now().plus(podlab_sim::SimDuration(250));
        s.advance_to(next);
        for ev in s.drain_watch(w) {
            if ev.object["metadata"]["name"] == name && ev.event_type.as_str() != "DELETED" {
                last = (*ev.object).clone();
            }
        }
    }
    last
}

#[test]
fn sidecars_stop_after_the_app_in_reverse_order() {
    let mut s = sim();
    let mut first = graceful("first");
    first["restartPolicy"] = json!("Always");
    let mut second = graceful("second");
    second["restartPolicy"] = json!("Always");
    // The app takes 3s to shut down: the sidecars must still be up while it does.
    let app = json!({"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "trap 'sleep 3; echo app done; exit 0' TERM; while true; do sleep 1; done"]});
    apply(&mut s, pod_of("web", json!({"initContainers": [first, second], "containers": [app]})));
    s.advance_to(secs(20));
    assert_eq!(states(&pod(&s, "web")), "Running first=running/r0/ready second=running/r0/ready app=running/r0/ready");
    let last = delete_and_watch(&mut s, "web", 60);
    let order: Vec<String> = finished(&last).into_iter().map(|(n, _)| n).collect();
    assert_eq!(order, ["app", "second", "first"], "{last}");
    let evs = events(&s, "web");
    for name in ["app", "second", "first"] {
        assert!(evs.contains(&format!("Normal Killing: Stopping container {name}")), "{evs:?}");
    }
    assert!(s.get("Pod", "default", "web").is_none(), "deleted once everything stopped");
}

#[test]
fn pre_stop_sleep_delays_the_signal_and_its_time_comes_off_the_grace_period() {
    // sh as PID 1 ignores SIGTERM: with a 10s grace and a 4s preStop sleep, SIGTERM goes at
    // +4s and SIGKILL at +10s (4s + the 6s left), exit 137.
    let mut s = sim();
    let app = json!({"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"],
        "lifecycle": {"preStop": {"sleep": {"seconds": 4}}}});
    apply(&mut s, pod_of("slow", json!({"terminationGracePeriodSeconds": 10, "containers": [app]})));
    s.advance_to(secs(10));
    let last = delete_and_watch(&mut s, "slow", 30);
    let t = &last["status"]["containerStatuses"][0]["state"]["terminated"];
    assert_eq!(t["exitCode"], 137, "{last}");
    assert_eq!(t["finishedAt"], "2025-01-01T12:00:20Z", "{last}");
}

#[test]
fn pre_stop_longer_than_the_grace_period_still_gets_the_minimum_window() {
    let mut s = sim();
    let app = json!({"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"],
        "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "sleep 30"]}}}});
    apply(&mut s, pod_of("slow", json!({"terminationGracePeriodSeconds": 5, "containers": [app]})));
    s.advance_to(secs(10));
    let last = delete_and_watch(&mut s, "slow", 30);
    // The hook is cut at the 5s grace, then the 2s minimum shutdown window: 10 + 5 + 2.
    assert_eq!(last["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"], "2025-01-01T12:00:17Z", "{last}");
}

#[test]
fn failing_pre_stop_exec_hook_is_reported_with_the_cri_error() {
    let mut s = sim();
    let app = json!({"name": "app", "image": "nginx:1.27",
        "lifecycle": {"preStop": {"exec": {"command": ["sh", "-c", "echo draining; echo oops >&2; exit 3"]}}}});
    let p = apply(&mut s, pod_of("web", json!({"containers": [app]})));
    let uid = p["metadata"]["uid"].as_str().unwrap_or("").to_string();
    s.advance_to(secs(10));
    delete_and_watch(&mut s, "web", 20);
    let want = format!(
        "Warning FailedPreStopHook: Exec lifecycle hook ([sh -c echo draining; echo oops >&2; exit 3]) for Container \"app\" in Pod \"web_default({uid})\" failed - error: command 'sh -c echo draining; echo oops >&2; exit 3' exited with 3: oops\n, message: \"draining\\noops\\n\""
    );
    let evs = events(&s, "web");
    assert!(evs.contains(&want), "missing {want}\n{evs:?}");
    assert!(s.get("Pod", "default", "web").is_none());
}

#[test]
fn sidecar_that_ignores_sigterm_is_killed_when_the_grace_period_ends() {
    let mut s = sim();
    let side = json!({"name": "log", "image": "busybox:1.36", "restartPolicy": "Always", "command": ["sh", "-c", "sleep 3600"]});
    let app = json!({"name": "app", "image": "nginx:1.27"});
    apply(&mut s, pod_of("web", json!({"terminationGracePeriodSeconds": 8, "initContainers": [side], "containers": [app]})));
    s.advance_to(secs(10));
    let last = delete_and_watch(&mut s, "web", 40);
    let log = &last["status"]["initContainerStatuses"][0]["state"]["terminated"];
    // nginx exits at once; the sidecar gets SIGTERM then, ignores it and is killed at 10 + 8.
    assert_eq!((log["exitCode"].as_i64(), log["finishedAt"].as_str()), (Some(137), Some("2025-01-01T12:00:18Z")), "{last}");
    assert_eq!(last["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 0, "{last}");
}
