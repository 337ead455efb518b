//! The kubelet through the whole simulation: pods applied as the admin are scheduled, pulled,
//! started and restarted with the exact container states, events and timings of v1.33.

mod kubelet;

use kubelet::*;
use serde_json::{json, Value};

fn pod_of(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec})
}

fn show(name: &str, spec: Value, until: u64) -> (podlab_sim::Simulation, Vec<String>) {
    let mut s = sim();
    let mut tl = Timeline::new(&mut s);
    apply(&mut s, pod_of(name, spec));
    tl.run(&mut s, name, secs(until));
    let lines = tl.lines();
    println!("=== {name}");
    for l in &lines { println!("{l}"); }
    for e in events(&s, name) { println!("  {e}"); }
    (s, lines)
}

#[test]
fn debug_all() {
    show("crash", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo boom; exit 1"]}]}), 200);
    show("typo", json!({"containers": [{"name": "app", "image": "nginx:1.277"}]}), 100);
    show("oom", json!({"restartPolicy": "Never", "containers": [{"name": "app", "image": "polinux/stress", "command": ["stress"], "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"], "resources": {"limits": {"memory": "100Mi"}}}]}), 30);
    show("cfg", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sleep", "3600"], "env": [{"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "DB_HOST"}}}]}]}), 40);
    show("ready", json!({"containers": [{"name": "app", "image": "nginx:1.27", "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}}}]}), 45);
    show("once", json!({"restartPolicy": "Never", "containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "echo done"]}]}), 20);
    show("init", json!({"initContainers": [{"name": "init-wait", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5"]}], "containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}]}), 30);
    show("twonginx", json!({"containers": [{"name": "a", "image": "nginx:1.27"}, {"name": "b", "image": "nginx:1.27"}]}), 60);
}

#[test]
fn debug_more() {
    let (mut s, _) = show("multi-container-pod", json!({"volumes": [{"name": "shared-logs", "emptyDir": {}}], "containers": [
        {"name": "main-app", "image": "busybox", "command": ["sh", "-c", "while true; do echo $(date) Writing Logs >> /var/log/app.log; sleep 5; done"], "volumeMounts": [{"name": "shared-logs", "mountPath": "/var/log"}]},
        {"name": "sidecar-container", "image": "busybox", "command": ["sh", "-c", "tail -f /var/log/app.log"], "volumeMounts": [{"name": "shared-logs", "mountPath": "/var/log"}]}]}), 30);
    println!("{:?}", logs(&mut s, "multi-container-pod", Some("sidecar-container"), false));
    println!("{:?}", logs(&mut s, "multi-container-pod", None, false));
    let (mut s, _) = show("twonginx", json!({"containers": [{"name": "a", "image": "nginx:1.27"}, {"name": "b", "image": "nginx:1.27"}]}), 12);
    println!("{:?}", logs(&mut s, "twonginx", Some("b"), false));
    println!("{:?}", logs(&mut s, "twonginx", Some("b"), true));
    let (mut s, _) = show("live", json!({"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "touch /tmp/healthy; sleep 20; rm -f /tmp/healthy; sleep 600"], "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 5}}]}), 90);
    let _ = &mut s;
    // deletion of a sh PID 1 pod with a finalizer
    let mut s = sim();
    let mut tl = Timeline::new(&mut s);
    apply(&mut s, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "stuck", "finalizers": ["example.com/block"]}, "spec": {"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}]}}));
    tl.run(&mut s, "stuck", secs(10));
    let r = s.submit(podlab_sim::ApiRequest::delete("Pod", "default", "stuck"));
    println!("delete {:?}", r.map(|_| ()));
    tl.run(&mut s, "stuck", secs(60));
    for l in tl.lines() { println!("{l}"); }
    for e in events(&s, "stuck") { println!("  {e}"); }
    println!("{}", serde_json::to_string(&pod(&s, "stuck")["metadata"]).unwrap());
    // nginx graceful delete
    let mut s = sim();
    let mut tl = Timeline::new(&mut s);
    apply(&mut s, pod_of("web", json!({"containers": [{"name": "app", "image": "nginx:1.27"}]})));
    tl.run(&mut s, "web", secs(10));
    let _ = s.submit(podlab_sim::ApiRequest::delete("Pod", "default", "web"));
    tl.run(&mut s, "web", secs(20));
    for l in tl.lines() { println!("{l}"); }
    for e in events(&s, "web") { println!("  {e}"); }
    // exec
    let verb = podlab_sim::Verb::Exec { namespace: "default".into(), pod: "web".into(), container: None, command: vec!["bash".into()], stdin: None, tty: false };
    println!("{:?}", s.submit(podlab_sim::ApiRequest::new(verb)));
}
