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
