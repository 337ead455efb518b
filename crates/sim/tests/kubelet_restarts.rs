//! Failures and restarts through the kubelet: the crash-loop back-off sequence, image pull
//! back-off from a tag typo, CreateContainerConfigError, two nginx on port 80 and the fix on
//! 8080, a liveness restart, a pod held in Terminating by a finalizer, and exec's real errors.

#[path = "kubelet_support.rs"]
mod support;

use podlab_sim::{ApiOk, ApiRequest, PatchType, Simulation, Verb};
use serde_json::{json, Value};
use support::*;

fn pod_of(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
}

/// Every distinct `state.waiting.message` (or reason) of container 0 seen by a watch.
fn waiting_messages(s: &mut Simulation, name: &str, until_s: u64) -> Vec<String> {
    let w = s.watch("Pod", Some("default"), None).expect("watch");
    let mut out: Vec<String> = Vec::new();
    while s.now() < secs(until_s) {
        let next = s.now().plus(podlab_sim::SimDuration(250));
        s.advance_to(next);
        for ev in s.drain_watch(w) {
            let st = &ev.object["status"]["containerStatuses"][0]["state"]["waiting"];
            if ev.object["metadata"]["name"] != name || st.is_null() {
                continue;
            }
            let m = st["message"].as_str().unwrap_or_else(|| st["reason"].as_str().unwrap_or("")).to_string();
            if out.last() != Some(&m) {
                out.push(m);
            }
        }
    }
    out
}

#[test]
fn crash_loop_back_off_doubles_from_10s() {
    let mut s = sim();
    let p = apply(&mut s, pod_of("crasher", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}]})));
    let uid = p["metadata"]["uid"].as_str().unwrap_or("").to_string();
    let msgs = waiting_messages(&mut s, "crasher", 420);
    let backoffs: Vec<String> = msgs.iter().filter(|m| m.starts_with("back-off")).cloned().collect();
    let want: Vec<String> = ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s"]
        .iter()
        .map(|d| format!("back-off {d} restarting failed container=app pod=crasher_default({uid})"))
        .collect();
    assert_eq!(backoffs, want, "{msgs:?}");
    let st = &pod(&s, "crasher")["status"]["containerStatuses"][0];
    assert_eq!(st["lastState"]["terminated"]["reason"], "Error");
    assert_eq!(st["lastState"]["terminated"]["exitCode"], 1);
    assert!(st["restartCount"].as_i64().unwrap_or(0) >= 5, "{st}");
    let evs = events(&s, "crasher");
    assert!(evs.iter().any(|e| e.starts_with(&format!("Warning BackOff: Back-off restarting failed container app in pod crasher_default({uid})"))), "{evs:?}");
    assert_eq!(logs(&mut s, "crasher", None, true).as_deref(), Ok("boom\n"));
}

#[test]
fn image_tag_typo_gives_err_image_pull_then_image_pull_back_off() {
    let mut s = sim();
    apply(&mut s, pod_of("typo", json!({"containers": [{"name": "app", "image": "nginx:1.277"}]})));
    let msgs = waiting_messages(&mut s, "typo", 60);
    let err = "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.277\": failed to resolve reference \"docker.io/library/nginx:1.277\": docker.io/library/nginx:1.277: not found";
    assert_eq!(msgs[0], "ContainerCreating");
    assert_eq!(msgs[1], err);
    assert_eq!(msgs[2], format!("Back-off pulling image \"nginx:1.277\": ErrImagePull: {err}"));
    let evs = events(&s, "typo");
    for want in [
        "Normal Pulling: Pulling image \"nginx:1.277\"".to_string(),
        format!("Warning Failed: Failed to pull image \"nginx:1.277\": {err}"),
        "Warning Failed: Error: ErrImagePull".to_string(),
        "Normal BackOff: Back-off pulling image \"nginx:1.277\"".to_string(),
        "Warning Failed: Error: ImagePullBackOff".to_string(),
    ] {
        assert!(evs.iter().any(|e| e.starts_with(&want)), "missing {want}: {evs:?}");
    }
    assert_eq!(
        logs(&mut s, "typo", None, false),
        Err("container \"app\" in pod \"typo\" is waiting to start: trying and failing to pull image".into())
    );
}

#[test]
fn missing_config_map_or_key_is_create_container_config_error() {
    let env = json!([{"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "DB_HOST"}}}]);
    let mut s = sim();
    apply(&mut s, pod_of("cfg", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"], "env": env}]})));
    s.advance_to(secs(5));
    let w = &pod(&s, "cfg")["status"]["containerStatuses"][0]["state"]["waiting"];
    assert_eq!((w["reason"].as_str(), w["message"].as_str()), (Some("CreateContainerConfigError"), Some("configmap \"app-config\" not found")));
    assert!(events(&s, "cfg").iter().any(|e| e.starts_with("Warning Failed: Error: configmap \"app-config\" not found")));
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config", "namespace": "default"}, "data": {"DB_PORT": "5432"}});
    s.submit(ApiRequest::create(cm)).expect("configmap");
    s.advance_to(secs(40));
    let w = &pod(&s, "cfg")["status"]["containerStatuses"][0]["state"]["waiting"];
    assert_eq!(w["message"], "couldn't find key DB_HOST in ConfigMap default/app-config");
    let patch = json!({"data": {"DB_HOST": "db.default.svc"}});
    s.submit(ApiRequest::patch("ConfigMap", "default", "app-config", PatchType::Merge, patch)).expect("patch");
    s.advance_to(secs(75));
    let st = &pod(&s, "cfg")["status"]["containerStatuses"][0];
    assert!(st["state"]["running"].is_object(), "{st}");
}

#[test]
fn two_nginx_on_port_80_crash_loop_and_8080_fixes_it() {
    let mut s = sim();
    apply(&mut s, pod_of("two", json!({"containers": [{"name": "a", "image": "nginx:1.27"}, {"name": "b", "image": "nginx:1.27"}]})));
    s.advance_to(secs(40));
    let p = pod(&s, "two");
    let b = &p["status"]["containerStatuses"][1];
    assert!(b["restartCount"].as_i64().unwrap_or(0) >= 2, "{b}");
    assert_eq!(p["status"]["containerStatuses"][0]["ready"], true);
    let log = logs(&mut s, "two", Some("b"), true).unwrap_or_default();
    assert!(log.contains("nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n"), "{log}");

    let conf = "server {\n    listen 8080;\n    location / {\n        root /usr/share/nginx/html;\n    }\n}\n";
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "nginx-8080", "namespace": "default"}, "data": {"default.conf": conf}});
    s.submit(ApiRequest::create(cm)).expect("configmap");
    let fixed = json!({"volumes": [{"name": "conf", "configMap": {"name": "nginx-8080"}}], "containers": [
        {"name": "a", "image": "nginx:1.27"},
        {"name": "b", "image": "nginx:1.27", "volumeMounts": [{"name": "conf", "mountPath": "/etc/nginx/conf.d"}]}]});
    apply(&mut s, pod_of("fixed", fixed));
    s.advance_to(secs(80));
    let p = pod(&s, "fixed");
    for c in p["status"]["containerStatuses"].as_array().cloned().unwrap_or_default() {
        assert_eq!((c["ready"].as_bool(), c["restartCount"].as_i64()), (Some(true), Some(0)), "{c}");
    }
}

#[test]
fn failing_liveness_probe_restarts_the_container() {
    let mut s = sim();
    let spec = json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "touch /tmp/healthy; sleep 20; rm -f /tmp/healthy; sleep 600"],
        "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5}}]});
    apply(&mut s, pod_of("live", spec));
    s.advance_to(secs(70));
    let evs = events(&s, "live");
    assert!(evs.iter().any(|e| e.starts_with("Warning Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory")), "{evs:?}");
    assert!(evs.contains(&"Normal Killing: Container app failed liveness probe, will be restarted".to_string()), "{evs:?}");
    let st = &pod(&s, "live")["status"]["containerStatuses"][0];
    assert_eq!(st["restartCount"], 1);
    // sh as PID 1 ignores SIGTERM: killed after the 30s grace period.
    assert_eq!(st["lastState"]["terminated"]["exitCode"], 137);
}

#[test]
fn finalizer_keeps_a_deleted_pod_in_terminating_until_removed() {
    let mut s = sim();
    let mut p = pod_of("stuck", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}]}));
    p["metadata"]["finalizers"] = json!(["example.com/block"]);
    apply(&mut s, p);
    s.advance_to(secs(10));
    s.submit(ApiRequest::delete("Pod", "default", "stuck")).expect("delete");
    s.advance_to(secs(20));
    assert!(events(&s, "stuck").contains(&"Normal Killing: Stopping container app".to_string()));
    assert!(pod(&s, "stuck")["status"]["containerStatuses"][0]["state"]["running"].is_object(), "still in its grace period");
    s.advance_to(secs(60));
    let p = pod(&s, "stuck");
    assert!(p["metadata"]["deletionTimestamp"].is_string());
    assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 0, "the kubelet's final delete");
    assert_eq!(p["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"], 137);
    let patch = json!({"metadata": {"finalizers": null}});
    s.submit(ApiRequest::patch("Pod", "default", "stuck", PatchType::Merge, patch)).expect("patch");
    s.advance_to(secs(61));
    assert!(s.get("Pod", "default", "stuck").is_none());
}

#[test]
fn graceful_delete_of_nginx_finishes_quickly() {
    let mut s = sim();
    apply(&mut s, pod_of("web", json!({"containers": [{"name": "app", "image": "nginx:1.27"}]})));
    s.advance_to(secs(10));
    s.submit(ApiRequest::delete("Pod", "default", "web")).expect("delete");
    s.advance_to(secs(13));
    assert!(s.get("Pod", "default", "web").is_none());
}

fn exec(s: &mut Simulation, pod: &str, command: &[&str]) -> Result<(String, Option<i32>), String> {
    let verb = Verb::Exec { namespace: "default".into(), pod: pod.into(), container: None, command: command.iter().map(|c| c.to_string()).collect(), stdin: None, tty: false };
    match s.submit(ApiRequest::new(verb)) {
        Ok(ApiOk::Exec(out)) => {
            let out = s.exec_wait(out, podlab_sim::SimDuration(10_000)).map_err(|e| e.message)?;
            Ok((out.text(), out.exit_code))
        }
        Ok(other) => Err(format!("{other:?}")),
        Err(st) => Err(st.message),
    }
}

#[test]
fn exec_runs_in_the_container_with_real_errors() {
    let mut s = sim();
    apply(&mut s, pod_of("bb", json!({"volumes": [{"name": "data", "emptyDir": {}}], "containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo hi > /data/x; sleep 3600"], "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]})));
    s.advance_to(secs(10));
    assert_eq!(exec(&mut s, "bb", &["cat", "/data/x"]), Ok(("hi\n".into(), Some(0))));
    assert_eq!(exec(&mut s, "bb", &["sh", "-c", "sleep 2; echo late"]), Ok(("late\n".into(), Some(0))));
    assert_eq!(exec(&mut s, "bb", &["hostname"]), Ok(("bb\n".into(), Some(0))));
    let err = exec(&mut s, "bb", &["bash"]).expect_err("no bash in busybox");
    assert!(err.ends_with("OCI runtime exec failed: exec failed: unable to start container process: exec: \"bash\": executable file not found in $PATH: unknown"), "{err}");
    apply(&mut s, pod_of("done", json!({"restartPolicy": "Never", "containers": [{"name": "app", "image": "busybox:1.36", "command": ["true"]}]})));
    s.advance_to(secs(20));
    assert_eq!(exec(&mut s, "done", &["ls"]), Err("unable to upgrade connection: container not found (\"app\")".into()));
}
