//! Exec probes as the 1.33 prober runs them through CRI `ExecSync`: `timeoutSeconds` is
//! enforced (`command timed out: "…" timed out after 1s`), a command within its timeout
//! passes, the output of a failing command is the `Unhealthy` message (stdout then stderr,
//! with its newline), and a probe whose executable does not exist errors (`probe errored and
//! resulted in unknown state`) without counting as a failure.

#[path = "kubelet_support.rs"]
mod support;

use serde_json::{json, Value};
use support::*;

fn probed(probe_kind: &str, command: &[&str], timeout_s: i64) -> Value {
    let mut c = json!({"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]});
    c[probe_kind] = json!({"exec": {"command": command}, "periodSeconds": 5, "timeoutSeconds": timeout_s});
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [c]}})
}

/// Raw event messages about pod `p` with the given reason (count folded away).
fn messages(s: &podlab_sim::Simulation, reason: &str) -> Vec<String> {
    let mut evs: Vec<&Value> = s.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["name"] == "p" && e["reason"] == reason).collect();
    evs.sort_by_key(|e| e["metadata"]["name"].as_str().unwrap_or("").to_string());
    evs.iter().map(|e| e["message"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn exec_probe_outcomes() {
    struct Case {
        kind: &'static str,
        command: &'static [&'static str],
        timeout_s: i64,
        unhealthy: &'static [&'static str],
        ready: bool,
        restarts: i64,
    }
    let cases = [
        Case {
            kind: "livenessProbe",
            command: &["sh", "-c", "sleep 5"],
            timeout_s: 1,
            unhealthy: &["Liveness probe failed: command timed out: \"sh -c sleep 5\" timed out after 1s"],
            ready: true,
            restarts: 1,
        },
        Case { kind: "livenessProbe", command: &["sh", "-c", "sleep 2"], timeout_s: 5, unhealthy: &[], ready: true, restarts: 0 },
        Case {
            kind: "readinessProbe",
            command: &["sh", "-c", "echo not yet; echo really >&2; exit 1"],
            timeout_s: 1,
            unhealthy: &["Readiness probe failed: not yet\nreally\n"],
            ready: false,
            restarts: 0,
        },
        Case { kind: "readinessProbe", command: &["true"], timeout_s: 1, unhealthy: &[], ready: true, restarts: 0 },
    ];
    for c in &cases {
        let mut s = sim();
        apply(&mut s, probed(c.kind, c.command, c.timeout_s));
        s.advance_to(secs(75));
        let st = &pod(&s, "p")["status"]["containerStatuses"][0];
        let mut got = messages(&s, "Unhealthy");
        got.dedup();
        assert_eq!(got, c.unhealthy, "{:?}", c.command);
        assert_eq!(st["ready"], c.ready, "{:?}: {st}", c.command);
        assert_eq!(st["restartCount"], c.restarts, "{:?}: {st}", c.command);
    }
}

#[test]
fn missing_probe_executable_errors_and_is_not_counted() {
    let mut s = sim();
    apply(&mut s, probed("livenessProbe", &["/bin/healthcheck"], 1));
    s.advance_to(secs(60));
    let got = messages(&s, "Unhealthy");
    let first = got.first().cloned().unwrap_or_default();
    let (head, tail) = first.split_once("failed to start exec \"").unwrap_or_default();
    assert_eq!(head, "Liveness probe errored and resulted in unknown state: rpc error: code = Unknown desc = failed to exec in container: ", "{got:?}");
    assert!(
        tail.ends_with(
            "\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/healthcheck\": stat /bin/healthcheck: no such file or directory: unknown"
        ),
        "{got:?}"
    );
    // An errored probe is thrown away: the container is never restarted for it.
    assert_eq!(pod(&s, "p")["status"]["containerStatuses"][0]["restartCount"], 0);
}
