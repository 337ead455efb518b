//! Runtime behaviours seen through the kubelet: a CPU limit stretches request timings the way
//! CFS bandwidth control does (a saturated container answers after the next 100 ms period, an
//! idle one at once), a container's shell reaches a server it started itself in the background
//! over `localhost` and the pod IP, and `kill` of a missing pid is worded per shell.

#[path = "kubelet_support.rs"]
mod support;

use serde_json::{json, Value};
use support::*;

fn pinned(name: &str, node: &str, container: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
        "spec": {"nodeName": node, "containers": [container]}})
}

/// A python http.server next to a busy loop, with the given CPU limit (or none).
fn server(name: &str, cpu_limit: Option<&str>) -> Value {
    let mut c = json!({"name": "web", "image": "python:3.12", "command": ["sh", "-c", "python3 -m http.server 8080 & sleep 2; while true; do :; done"]});
    if let Some(l) = cpu_limit {
        c["resources"] = json!({"limits": {"cpu": l, "memory": "64Mi"}});
    }
    pinned(name, "node01", c)
}

#[test]
fn a_saturated_cpu_limit_delays_requests_to_the_next_period() {
    let mut s = sim();
    apply(&mut s, server("limited", Some("20m")));
    apply(&mut s, server("free", None));
    apply(&mut s, pinned("client", "node02", json!({"name": "curl", "image": "curlimages/curl:8.12.1", "command": ["sleep", "3600"]})));
    s.advance_to(secs(60));
    let loop3 = |ip: &str| format!("for i in 1 2 3; do curl -s -o /dev/null -w '%{{time_total}}\\n' {ip}:8080; done");
    // (pod, expected time_total lines): 20m is a 2 ms quota per 100 ms; the busy loop spends
    // it, so after the first request (at a period start) each one waits for the next period.
    let cases = [("limited", "0.002000\n0.100000\n0.100000\n"), ("free", "0.001000\n0.001000\n0.001000\n")];
    for (name, want) in cases {
        let ip = pod(&s, name)["status"]["podIP"].as_str().unwrap_or("").to_string();
        let (out, code) = exec(&mut s, "client", &["sh", "-c", &loop3(&ip)]);
        assert_eq!((out.as_str(), code), (want, Some(0)), "{name}");
    }
    let ip = pod(&s, "limited")["status"]["podIP"].as_str().unwrap_or("").to_string();
    let (out, code) = exec(&mut s, "client", &["sh", "-c", &format!("curl -s {ip}:8080 >/dev/null; curl -sS -m 0.05 {ip}:8080")]);
    assert_eq!((out.as_str(), code), ("curl: (28) Operation timed out after 50 milliseconds with 0 bytes received\n", Some(28)));
}

#[test]
fn a_shell_reaches_its_own_background_server() {
    // (client command after `nginx &`, expected line in the container's log)
    let cases = [
        ("curl -s -o /dev/null -w 'code=%{http_code}\\n' localhost", "code=200"),
        ("curl -s -o /dev/null -w 'code=%{http_code}\\n' 127.0.0.1:80", "code=200"),
        ("curl -s -o /dev/null -w 'code=%{http_code}\\n' $(hostname -i)", "code=200"),
        ("curl -sS localhost:81", "curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server"),
    ];
    for (i, (client, want)) in cases.iter().enumerate() {
        let mut s = sim();
        let script = format!("nginx -g 'daemon off;' & sleep 1; {client}; sleep 3600");
        let name = format!("self-{i}");
        apply(&mut s, pinned(&name, "node01", json!({"name": "web", "image": "nginx:1.27", "command": ["sh", "-c", script]})));
        s.advance_to(secs(20));
        let log = logs(&mut s, &name, None, false).unwrap_or_default();
        assert!(log.lines().any(|l| l == *want), "{client}: {log}");
    }
}

#[test]
fn kill_of_a_missing_pid_is_worded_per_shell() {
    let mut s = sim();
    apply(&mut s, pinned("bb", "node01", json!({"name": "bb", "image": "busybox:1.36", "command": ["sleep", "3600"]})));
    apply(&mut s, pinned("web", "node01", json!({"name": "web", "image": "nginx:1.27"})));
    apply(&mut s, pinned("db", "node01", json!({"name": "db", "image": "postgres:16", "env": [{"name": "POSTGRES_PASSWORD", "value": "x"}]})));
    s.advance_to(secs(40));
    // (pod, command, output, exit code)
    let cases: [(&str, &[&str], &str, Option<i32>); 7] = [
        ("bb", &["sh", "-c", "kill 4242"], "sh: can't kill pid 4242: No such process\n", Some(1)),
        ("bb", &["sh", "-c", "kill 11 12"], "sh: can't kill pid 11: No such process\nsh: can't kill pid 12: No such process\n", Some(2)),
        ("bb", &["sh", "-c", "kill -9 x"], "sh: invalid number 'x'\n", Some(1)),
        ("bb", &["kill", "4242"], "kill: can't kill pid 4242: No such process\n", Some(1)),
        ("web", &["sh", "-c", "kill 4242"], "sh: 1: kill: No such process\n", Some(1)),
        ("web", &["sh", "-c", "kill x"], "sh: 1: kill: Illegal number: x\n", Some(2)),
        ("db", &["bash", "-c", "kill 4242"], "bash: line 1: kill: (4242) - No such process\n", Some(1)),
    ];
    for (pod_name, cmd, want, code) in cases {
        assert_eq!(exec(&mut s, pod_name, cmd), (want.to_string(), code), "{pod_name} {cmd:?}");
    }
}

/// Seconds of the day of an RFC 3339 timestamp (`2025-01-01T12:00:03Z`).
fn day_secs(ts: &str) -> Option<u64> {
    let hms = ts.get(11..19)?;
    let mut parts = hms.split(':').map(|p| p.parse::<u64>().ok());
    Some(parts.next()?? * 3600 + parts.next()?? * 60 + parts.next()??)
}

#[test]
fn exec_probe_events_are_stamped_when_the_result_is_known() {
    // (probe command, timeoutSeconds, seconds the event comes after the instant probe's)
    let cases = [("exit 1", 5, 0), ("sleep 2; exit 1", 5, 2), ("sleep 9", 3, 3)];
    let mut delays = Vec::new();
    for (i, (cmd, timeout, _)) in cases.iter().enumerate() {
        let mut s = sim();
        let name = format!("probe-{i}");
        let probe = json!({"exec": {"command": ["sh", "-c", cmd]}, "timeoutSeconds": timeout, "periodSeconds": 30});
        apply(&mut s, pinned(&name, "node01", json!({"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"], "readinessProbe": probe})));
        s.advance_to(secs(25));
        let started = pod(&s, &name)["status"]["containerStatuses"][0]["state"]["running"]["startedAt"].as_str().and_then(day_secs);
        let first = s.list("Event", Some("default")).into_iter().find(|e| e["involvedObject"]["name"] == name.as_str() && e["reason"] == "Unhealthy").and_then(|e| e["firstTimestamp"].as_str().and_then(day_secs));
        match (started, first) {
            (Some(a), Some(b)) => delays.push(b.saturating_sub(a)),
            other => panic!("{cmd}: no start or no Unhealthy event: {other:?}"),
        }
    }
    for ((cmd, _, want), got) in cases.iter().zip(&delays) {
        assert_eq!(got - delays[0], *want, "{cmd}: {delays:?}");
    }
}
