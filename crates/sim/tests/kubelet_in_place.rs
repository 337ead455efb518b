//! In-place image updates as the kubelet acts on them: a pod in ImagePullBackOff recovers when
//! its tag is corrected, a running container is killed with `Container app definition changed,
//! will be restarted` and comes back with the new image (whatever the restart policy), a
//! crash-looping container with a new image starts without the old back-off, and a crash loop
//! whose image is pulled on every start still restarts right after the pull.

#[path = "kubelet_support.rs"]
mod support;

use podlab_sim::{ApiRequest, PatchType, Simulation};
use serde_json::{json, Value};
use support::*;

fn pod_of(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
}

fn set_image(s: &mut Simulation, pod: &str, container: &str, image: &str) {
    let patch = json!({"spec": {"containers": [{"name": container, "image": image}]}});
    s.submit(ApiRequest::patch("Pod", "default", pod, PatchType::Strategic, patch)).expect("patch image");
}

fn advance(s: &mut Simulation, to_s: u64) {
    s.advance_to(secs(to_s));
}

/// The events of `pod` from the first one whose text starts with `from` on, without counts.
fn events_from(s: &Simulation, pod: &str, from: &str) -> Vec<String> {
    let all = events(s, pod);
    let start = all.iter().position(|e| e.starts_with(from)).unwrap_or(all.len());
    all[start..].iter().map(|e| e.split(" (x").next().unwrap_or("").to_string()).collect()
}

#[test]
fn corrected_tag_recovers_from_image_pull_back_off() {
    let mut s = sim();
    apply(&mut s, pod_of("web", json!({"containers": [{"name": "app", "image": "nginx:1.2777"}]})));
    advance(&mut s, 30);
    assert_eq!(states(&pod(&s, "web")), "Pending app=waiting:ImagePullBackOff/r0/unready");
    set_image(&mut s, "web", "app", "nginx:1.27");
    advance(&mut s, 40);
    let p = pod(&s, "web");
    assert_eq!(states(&p), "Running app=running/r0/ready");
    assert_eq!(p["status"]["containerStatuses"][0]["image"], "docker.io/library/nginx:1.27");
    let evs = events_from(&s, "web", "Normal Pulling: Pulling image \"nginx:1.27\"");
    assert_eq!(evs.len(), 4, "{evs:?}");
    assert!(evs[1].starts_with("Normal Pulled: Successfully pulled image \"nginx:1.27\" in "), "{evs:?}");
    assert_eq!(evs[2..], ["Normal Created: Created container: app", "Normal Started: Started container app"]);
}

#[test]
fn running_container_is_killed_and_restarted_with_the_new_image() {
    for policy in ["Always", "OnFailure", "Never"] {
        let mut s = sim();
        apply(&mut s, pod_of("web", json!({"restartPolicy": policy, "containers": [{"name": "app", "image": "nginx:1.27"}]})));
        advance(&mut s, 20);
        assert_eq!(states(&pod(&s, "web")), "Running app=running/r0/ready", "{policy}");
        set_image(&mut s, "web", "app", "nginx:1.26");
        advance(&mut s, 40);
        let p = pod(&s, "web");
        let st = &p["status"]["containerStatuses"][0];
        assert_eq!(states(&p), "Running app=running/r1/ready", "{policy}");
        assert_eq!(st["image"], "docker.io/library/nginx:1.26", "{policy}");
        assert_eq!(st["lastState"]["terminated"]["reason"], "Completed", "{policy}");
        assert_eq!(st["lastState"]["terminated"]["exitCode"], 0, "{policy}");
        let evs = events_from(&s, "web", "Normal Killing:");
        assert_eq!(evs[0], "Normal Killing: Container app definition changed, will be restarted", "{policy}");
        assert_eq!(evs[1], "Normal Pulling: Pulling image \"nginx:1.26\"", "{policy}");
        assert!(evs[2].starts_with("Normal Pulled: Successfully pulled image \"nginx:1.26\" in "), "{policy}: {evs:?}");
        // The second Created/Started fold into the first ones' event series.
        let all = events(&s, "web");
        for want in ["Normal Created: Created container: app (x2)", "Normal Started: Started container app (x2)"] {
            assert!(all.iter().any(|e| e == want), "{policy}: missing {want}: {all:?}");
        }
    }
}

#[test]
fn new_image_of_a_crash_looping_container_starts_without_the_old_back_off() {
    let mut s = sim();
    let crash = json!(["sh", "-c", "echo boom; exit 1"]);
    apply(&mut s, pod_of("crasher", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": crash}]})));
    // Restarts at about 0s, 10s, 30s, 70s: at 75s the back-off is 1m20s.
    advance(&mut s, 75);
    let before = pod(&s, "crasher")["status"]["containerStatuses"][0]["restartCount"].as_i64().unwrap_or(0);
    assert_eq!(states(&pod(&s, "crasher")), format!("Running app=waiting:CrashLoopBackOff/r{before}/unready"));
    set_image(&mut s, "crasher", "app", "busybox:1.37");
    advance(&mut s, 80);
    let after = pod(&s, "crasher")["status"]["containerStatuses"][0]["restartCount"].as_i64().unwrap_or(0);
    assert_eq!(after, before + 1, "{:?}", events(&s, "crasher"));
    let evs = events_from(&s, "crasher", "Normal Pulling: Pulling image \"busybox:1.37\"");
    assert_eq!(evs.len(), 2, "no back-off after the new image's pull: {evs:?}");
}

#[test]
fn a_crash_loop_that_pulls_every_time_restarts_right_after_the_pull() {
    // `busybox` untagged means imagePullPolicy Always: every restart pulls first. The pull must
    // not trip the back-off that the same start just armed.
    let mut s = sim();
    apply(&mut s, pod_of("crasher", json!({"containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", "exit 1"]}]})));
    let mut t = Timeline::new(&mut s);
    t.run(&mut s, "crasher", secs(45));
    // The simulated second each new restartCount first shows.
    let mut seen = Vec::new();
    for (ms, st) in &t.entries {
        let r = st.split("/r").nth(1).and_then(|x| x.split('/').next()).unwrap_or("").to_string();
        if !r.is_empty() && seen.last().is_none_or(|(_, last): &(u64, String)| *last != r) {
            seen.push((ms / 1000, r));
        }
    }
    let counts: Vec<&str> = seen.iter().map(|(_, r)| r.as_str()).collect();
    assert_eq!(counts, ["0", "1", "2", "3"], "{:?}", t.lines());
    // Created at 0s, first restart right after the first crash, then 10s and 20s of back-off (each plus a pull and the requeue).
    let gaps: Vec<u64> = seen.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(gaps[0] <= 4 && (10..=13).contains(&gaps[1]) && (20..=24).contains(&gaps[2]), "{gaps:?} {:?}", t.lines());
}

#[test]
fn sidecar_with_a_new_image_is_restarted_as_an_init_container() {
    let mut s = sim();
    let spec = json!({
        "initContainers": [{"name": "log", "image": "busybox:1.36", "restartPolicy": "Always", "command": ["sh", "-c", "sleep 3600"]}],
        "containers": [{"name": "app", "image": "nginx:1.27"}]
    });
    apply(&mut s, pod_of("web", spec));
    advance(&mut s, 20);
    let patch = json!({"spec": {"initContainers": [{"name": "log", "image": "busybox:1.37"}]}});
    s.submit(ApiRequest::patch("Pod", "default", "web", PatchType::Strategic, patch)).expect("patch");
    advance(&mut s, 80);
    let evs = events_from(&s, "web", "Normal Killing:");
    assert_eq!(evs.first().map(String::as_str), Some("Normal Killing: Init container log definition changed"), "{evs:?}");
    let p = pod(&s, "web");
    assert_eq!(p["status"]["initContainerStatuses"][0]["restartCount"], 1, "{}", states(&p));
    assert_eq!(p["status"]["containerStatuses"][0]["restartCount"], 0, "{}", states(&p));
}
