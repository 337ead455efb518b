//! Traffic between pods over the simulated pod network: curl/wget/nc from one pod to another
//! pod's IP (same node and across nodes), to a Service by name (cluster DNS -> ClusterIP ->
//! kube-proxy's route -> a ready endpoint -> targetPort), refusals when nothing listens or no
//! endpoint is ready, time-outs for a powered-off node's pods (a stopped kubelet alone leaves
//! them answering on their IPs), and `localhost` inside a container.

#[path = "kubelet_support.rs"]
mod support;

use podlab_sim::{ApiOk, ApiRequest, Simulation, Verb};
use serde_json::{json, Value};
use support::*;

fn pinned(name: &str, node: &str, labels: Value, container: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"nodeName": node, "containers": [container]}})
}

fn nginx(name: &str, node: &str) -> Value {
    pinned(name, node, json!({"app": "web"}), json!({"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}))
}

fn busybox(name: &str, node: &str) -> Value {
    pinned(name, node, json!({"app": "client"}), json!({"name": "bb", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]}))
}

fn ip_of(s: &Simulation, name: &str) -> String {
    pod(s, name)["status"]["podIP"].as_str().unwrap_or("").to_string()
}

/// web-1 (nginx) on node01, clients on node01 and node02, Service web:80 -> 80.
fn cluster() -> Simulation {
    let mut s = sim();
    apply(&mut s, nginx("web-1", "node01"));
    apply(&mut s, busybox("near", "node01"));
    apply(&mut s, busybox("far", "node02"));
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}});
    s.submit(ApiRequest::create(svc)).expect("service");
    s.advance_to(secs(30));
    s
}

fn svc(name: &str, app: &str, port: u16, target: u16) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"app": app}, "ports": [{"port": port, "targetPort": target}]}})
}

fn cluster_ip(s: &Simulation, name: &str) -> String {
    s.get("Service", "default", name).and_then(|v| v["spec"]["clusterIP"].as_str().map(str::to_string)).unwrap_or_default()
}

fn logs(s: &mut Simulation, pod: &str) -> String {
    match s.submit(ApiRequest::new(Verb::Logs { namespace: "default".into(), pod: pod.into(), container: None, options: Default::default() })) {
        Ok(ApiOk::Logs(text)) => text,
        other => format!("{other:?}"),
    }
}

/// The access-log lines nginx wrote (client address and user agent).
fn access_log(s: &mut Simulation, pod: &str) -> Vec<String> {
    logs(s, pod).lines().filter(|l| l.contains("\"GET ")).map(|l| format!("{} {}", l.split(' ').next().unwrap_or(""), l.rsplit('"').nth(3).unwrap_or(""))).collect()
}

#[test]
fn pods_reach_a_pod_ip_and_a_service_from_the_same_and_another_node() {
    let mut s = cluster();
    let page = exec(&mut s, "web-1", &["cat", "/usr/share/nginx/html/index.html"]);
    assert!(page.0.contains("<title>Welcome to nginx!</title>"), "{page:?}");
    let ip = ip_of(&s, "web-1");
    let (near, far) = (ip_of(&s, "near"), ip_of(&s, "far"));
    assert!(ip.starts_with("10.244.1.") && near.starts_with("10.244.1.") && far.starts_with("10.244.2."), "{ip} {near} {far}");
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("near", vec!["wget".into(), "-qO-".into(), format!("http://{ip}")]),
        ("far", vec!["wget".into(), "-qO-".into(), format!("http://{ip}")]),
        ("near", vec!["wget".into(), "-qO-".into(), "http://web".into()]),
        ("far", vec!["wget".into(), "-qO-".into(), "http://web.default.svc.cluster.local".into()]),
        ("far", vec!["wget".into(), "-qO-".into(), format!("http://{}", cluster_ip(&s, "web"))]),
    ];
    for (client, cmd) in &cases {
        let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
        assert_eq!(exec(&mut s, client, &cmd), (page.0.clone(), Some(0)), "{client} {cmd:?}");
    }
    // nginx logged each request with the client pod's address (no SNAT inside the cluster).
    let expected: Vec<String> = ["near", "far", "near", "far", "far"].iter().map(|c| format!("{} Wget", ip_of(&s, c))).collect();
    assert_eq!(access_log(&mut s, "web-1"), expected);
}

#[test]
fn refusals_and_timeouts_use_the_tools_wording() {
    let mut s = cluster();
    s.submit(ApiRequest::create(svc("nobody", "none", 80, 80))).expect("service");
    s.advance_to(secs(40));
    let ip = ip_of(&s, "web-1");
    let nobody = cluster_ip(&s, "nobody");
    let cases: Vec<(Vec<String>, String, i32)> = vec![
        (vec!["wget".into(), "-qO-".into(), format!("http://{ip}:8080")], format!("wget: can't connect to remote host ({ip}): Connection refused\n"), 1),
        (vec!["wget".into(), "-qO-".into(), "http://nobody".into()], format!("wget: can't connect to remote host ({nobody}): Connection refused\n"), 1),
        (vec!["nc".into(), "-zv".into(), ip.clone(), "80".into()], format!("{ip} ({ip}:80) open\n"), 0),
        (vec!["wget".into(), "-qO-".into(), "http://10.244.2.200".into()], "wget: can't connect to remote host (10.244.2.200): Connection timed out\n".into(), 1),
    ];
    for (cmd, out, code) in &cases {
        let cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
        assert_eq!(exec(&mut s, "far", &cmd), (out.clone(), Some(*code)), "{cmd:?}");
    }
    // A stopped node's pods stop answering: the connection times out.
    assert!(s.stop_node("node01"));
    let url = format!("http://{ip}");
    assert_eq!(exec(&mut s, "far", &["wget", "-qO-", &url]), (format!("wget: can't connect to remote host ({ip}): Connection timed out\n"), Some(1)));
    assert_eq!(exec(&mut s, "far", &["ping", "-c", "1", "-W", "1", &ip]).1, Some(1));
}

#[test]
fn a_stopped_kubelet_keeps_pod_ips_answering_but_the_service_drops_its_pods() {
    let mut s = cluster();
    let ip = ip_of(&s, "web-1");
    let pod_url = format!("http://{ip}");
    let welcome = |out: &(String, Option<i32>)| out.0.contains("<title>Welcome to nginx!</title>") && out.1 == Some(0);
    // `systemctl stop kubelet` on node01: the containers keep running, so both paths work
    // while the node is still within its grace period.
    assert!(s.stop_kubelet("node01"));
    assert!(s.node_stopped("node01") && !s.node_powered_off("node01"));
    let direct = exec(&mut s, "far", &["wget", "-qO-", &pod_url]);
    assert!(welcome(&direct), "{direct:?}");
    let via_service = exec(&mut s, "far", &["wget", "-qO-", "http://web"]);
    assert!(welcome(&via_service), "{via_service:?}");
    // After the 50s grace the node controller marks the node NotReady and its pods
    // Ready=False; the endpoints controller drops web-1 and the Service has no endpoint left.
    s.advance_to(secs(100));
    let node = s.get("Node", "", "node01").expect("node01");
    let ready = node["status"]["conditions"].as_array().and_then(|c| c.iter().find(|c| c["type"] == "Ready")).map(|c| c["status"].clone());
    assert_eq!(ready, Some(json!("Unknown")));
    let pod_ready = pod(&s, "web-1")["status"]["conditions"].as_array().and_then(|c| c.iter().find(|c| c["type"] == "Ready")).map(|c| c["status"].clone());
    assert_eq!(pod_ready, Some(json!("False")));
    let refused = format!("wget: can't connect to remote host ({}): Connection refused\n", cluster_ip(&s, "web"));
    assert_eq!(exec(&mut s, "far", &["wget", "-qO-", "http://web"]), (refused, Some(1)), "endpoint removed");
    // The pod itself still answers on its IP: nothing stopped the container.
    let direct = exec(&mut s, "far", &["wget", "-qO-", &pod_url]);
    assert!(welcome(&direct), "{direct:?}");
    // The kubelet comes back: the node turns Ready and the Service routes to web-1 again.
    assert!(s.start_kubelet("node01"));
    s.advance_to(secs(110));
    let via_service = exec(&mut s, "far", &["wget", "-qO-", "http://web"]);
    assert!(welcome(&via_service), "{via_service:?}");
    // A powered-off node is different: its pod IPs time out, and no kubelet start revives it.
    assert!(s.stop_node("node01"));
    assert!(!s.start_kubelet("node01"));
    assert_eq!(exec(&mut s, "far", &["wget", "-qO-", &pod_url]), (format!("wget: can't connect to remote host ({ip}): Connection timed out\n"), Some(1)));
}

#[test]
fn curl_localhost_inside_the_nginx_container() {
    let mut s = cluster();
    let (out, code) = exec(&mut s, "web-1", &["curl", "-s", "localhost"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("<h1>Welcome to nginx!</h1>"), "{out}");
    assert_eq!(access_log(&mut s, "web-1"), vec!["127.0.0.1 curl/7.88.1".to_string()]);
}

#[test]
fn readiness_failure_removes_the_endpoint_and_the_service_refuses() {
    let mut s = sim();
    let probe = json!({"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 1, "failureThreshold": 1});
    apply(&mut s, pinned("flaky", "node01", json!({"app": "flaky"}), json!({"name": "nginx", "image": "nginx:1.27", "readinessProbe": probe})));
    apply(&mut s, busybox("far", "node02"));
    s.submit(ApiRequest::create(svc("flaky", "flaky", 80, 80))).expect("service");
    s.advance_to(secs(20));
    let refused = format!("wget: can't connect to remote host ({}): Connection refused\n", cluster_ip(&s, "flaky"));
    assert_eq!(exec(&mut s, "far", &["wget", "-qO-", "http://flaky"]), (refused.clone(), Some(1)), "never ready yet");
    assert_eq!(exec(&mut s, "flaky", &["touch", "/tmp/ready"]).1, Some(0));
    s.advance_to(secs(30));
    let ok = exec(&mut s, "far", &["wget", "-qO-", "http://flaky"]);
    assert!(ok.0.contains("<title>Welcome to nginx!</title>") && ok.1 == Some(0), "{ok:?}");
    assert_eq!(exec(&mut s, "flaky", &["rm", "/tmp/ready"]).1, Some(0));
    s.advance_to(secs(40));
    assert_eq!(exec(&mut s, "far", &["wget", "-qO-", "http://flaky"]), (refused, Some(1)), "endpoint removed");
}

fn proxy(name: &str, node: &str, upstream: &str) -> (Value, Value) {
    let conf = format!("server {{\n    listen 80;\n    location / {{\n        proxy_pass {upstream};\n    }}\n}}\n");
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("{name}-conf"), "namespace": "default"}, "data": {"default.conf": conf}});
    let mut pod = pinned(name, node, json!({"app": name}), json!({"name": "nginx", "image": "nginx:1.27", "volumeMounts": [{"name": "conf", "mountPath": "/etc/nginx/conf.d"}]}));
    pod["spec"]["volumes"] = json!([{"name": "conf", "configMap": {"name": format!("{name}-conf")}}]);
    (cm, pod)
}

#[test]
fn a_proxy_forwards_across_nodes_and_a_proxy_loop_ends() {
    let mut s = cluster();
    for (name, node, upstream) in [("front", "node02", "http://web"), ("loop", "node01", "http://loop")] {
        let (cm, pod) = proxy(name, node, upstream);
        s.submit(ApiRequest::create(cm)).expect("configmap");
        apply(&mut s, pod);
        s.submit(ApiRequest::create(svc(name, name, 80, 80))).expect("service");
    }
    s.advance_to(secs(60));
    let page = exec(&mut s, "web-1", &["cat", "/usr/share/nginx/html/index.html"]).0;
    assert_eq!(exec(&mut s, "near", &["wget", "-qO-", "http://front"]), (page, Some(0)));
    // front's nginx connected to web-1 from its own pod IP.
    assert_eq!(access_log(&mut s, "web-1").last().map(|l| l.split(' ').next().unwrap_or("").to_string()), Some(ip_of(&s, "front")));
    let (out, code) = exec(&mut s, "far", &["wget", "-qO-", "http://loop"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.starts_with("wget: server returned error: HTTP/1.1 50"), "{out}");
}

#[test]
fn same_seed_same_traffic() {
    let run = || {
        let mut s = cluster();
        let out = exec(&mut s, "far", &["wget", "-qO-", "http://web"]);
        s.advance_to(secs(45));
        (out, logs(&mut s, "web-1"), s.snapshot().resource_version)
    };
    assert_eq!(run(), run());
}

