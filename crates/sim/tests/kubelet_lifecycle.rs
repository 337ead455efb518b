//! The kubelet through the whole simulation (issue 4's acceptance list): pods applied as the
//! admin are scheduled, pulled, started, probed, restarted and stopped, and what a watch sees
//! (phase, container states, restart counts, readiness) and the events recorded are compared
//! with the expected v1.33 behaviour, with simulated times.

#[path = "kubelet_support.rs"]
mod support;

use serde_json::{json, Value};
use support::*;

fn pod_of(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
}

fn run(name: &str, spec: Value, until_s: u64) -> (podlab_sim::Simulation, Vec<String>) {
    let mut s = sim();
    let mut tl = Timeline::new(&mut s);
    apply(&mut s, pod_of(name, spec));
    tl.run(&mut s, name, secs(until_s));
    (s, tl.lines())
}

fn show(lines: &[String], events: &[String]) -> String {
    format!("timeline:\n{}\nevents:\n{}", lines.join("\n"), events.join("\n"))
}

#[test]
fn logging_sidecar_reads_what_the_main_app_wrote_to_the_shared_empty_dir() {
    let mount = json!([{"name": "shared-logs", "mountPath": "/var/log"}]);
    let spec = json!({"volumes": [{"name": "shared-logs", "emptyDir": {}}], "containers": [
        {"name": "main-app", "image": "busybox", "command": ["sh", "-c", "while true; do echo $(date) Writing Logs >> /var/log/app.log; sleep 5; done"], "volumeMounts": mount},
        {"name": "sidecar-container", "image": "busybox", "command": ["sh", "-c", "tail -f /var/log/app.log"], "volumeMounts": mount}]});
    let (mut s, lines) = run("multi-container-pod", spec, 30);
    assert_eq!(lines.last().map(String::as_str), Some("3.000s Running main-app=running/r0/ready sidecar-container=running/r0/ready"), "{lines:?}");
    let got = logs(&mut s, "multi-container-pod", Some("sidecar-container"), false).expect("logs");
    let want: String = [1, 6, 11, 16, 21, 26].iter().map(|sec| format!("Wed Jan 1 12:00:{sec:02} UTC 2025 Writing Logs\n")).collect();
    assert_eq!(got, want);
    // The main app writes to the file, not to stdout.
    assert_eq!(logs(&mut s, "multi-container-pod", Some("main-app"), false).as_deref(), Ok(""));
    assert_eq!(
        logs(&mut s, "multi-container-pod", None, false),
        Err("a container name must be specified for pod multi-container-pod, choose one of: [main-app sidecar-container]".into())
    );
}

#[test]
fn init_container_runs_first_then_the_app() {
    let spec = json!({"initContainers": [{"name": "install", "image": "busybox", "command": ["sh", "-c", "echo 'Setting up environment...'; sleep 10;"]}],
        "containers": [{"name": "main-app", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]}]});
    let (mut s, lines) = run("init-pod", spec, 20);
    let want = [
        "0.001s Pending",
        "0.002s Pending install=waiting:PodInitializing/r0/unready main-app=waiting:PodInitializing/r0/unready",
        "2.000s Pending install=running/r0/unready main-app=waiting:PodInitializing/r0/unready",
        "12.000s Pending install=terminated:Completed:0/r0/ready main-app=waiting:PodInitializing/r0/unready",
        "13.000s Running install=terminated:Completed:0/r0/ready main-app=running/r0/ready",
    ];
    assert_eq!(lines, want, "{}", show(&lines, &events(&s, "init-pod")));
    assert_eq!(logs(&mut s, "init-pod", Some("install"), false).as_deref(), Ok("Setting up environment...\n"));
    let p = pod(&s, "init-pod");
    let init = &p["status"]["conditions"][1];
    assert_eq!((init["type"].as_str(), init["status"].as_str()), (Some("Initialized"), Some("True")));
}

#[test]
fn one_shot_pod_completes() {
    let spec = json!({"restartPolicy": "Never", "containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo done"]}]});
    let (mut s, lines) = run("once", spec, 20);
    assert_eq!(lines.last().map(String::as_str), Some("2.000s Succeeded app=terminated:Completed:0/r0/unready"), "{lines:?}");
    let p = pod(&s, "once");
    let ready = &p["status"]["conditions"][2];
    assert_eq!((ready["type"].as_str(), ready["status"].as_str(), ready["reason"].as_str()), (Some("Ready"), Some("False"), Some("PodCompleted")));
    assert_eq!(p["status"]["conditions"][0]["status"], "False", "sandbox is gone once the pod finished");
    assert_eq!(logs(&mut s, "once", None, false).as_deref(), Ok("done\n"));
}

#[test]
fn memory_above_the_limit_is_oom_killed_with_137() {
    let spec = json!({"restartPolicy": "Never", "containers": [{"name": "app", "image": "polinux/stress", "command": ["stress"],
        "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], "resources": {"limits": {"memory": "100Mi"}}}]});
    let (s, lines) = run("oom", spec, 20);
    assert_eq!(lines.last().map(String::as_str), Some("3.000s Failed app=terminated:OOMKilled:137/r0/unready"), "{lines:?}");
    // OOMKilled is a container state, never an event.
    assert!(events(&s, "oom").iter().all(|e| !e.contains("OOM")));
}

#[test]
fn readiness_probe_on_the_wrong_port_keeps_the_pod_running_but_not_ready() {
    let spec = json!({"containers": [{"name": "app", "image": "nginx:1.27", "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}}]});
    let (s, lines) = run("ready", spec, 45);
    assert_eq!(lines.last().map(String::as_str), Some("5.000s Running app=running/r0/unready"), "{lines:?}");
    let evs = events(&s, "ready");
    let ip = pod(&s, "ready")["status"]["podIP"].as_str().unwrap_or("").to_string();
    let want = format!("Warning Unhealthy: Readiness probe failed: Get \"http://{ip}:8080/healthz\": dial tcp {ip}:8080: connect: connection refused (x5)");
    assert!(evs.contains(&want), "{evs:?}");
    let p = pod(&s, "ready");
    assert_eq!(p["status"]["conditions"][2]["message"], "containers with unready status: [app]");
}

#[test]
fn determinism_same_seed_same_story() {
    let spec = json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}]});
    let (a, la) = run("crash", spec.clone(), 120);
    let (b, lb) = run("crash", spec, 120);
    assert_eq!(la, lb);
    assert_eq!(events(&a, "crash"), events(&b, "crash"));
    assert_eq!(pod(&a, "crash")["status"], pod(&b, "crash")["status"]);
}
