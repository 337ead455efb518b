//! `kubectl describe pod`, a port of describe.go's describePod: header fields, init/regular
//! containers with their state, probes, environment and mounts, conditions, volumes, QoS
//! class, node selectors, tolerations and events, in kubectl 1.33's exact layout.

use super::common::{annotations, events, go_slice, labels, time_field, tolerations};
use super::writer::{Writer, L0, L1, L2, L3};
use crate::printers::pod::since;
use crate::value::{arr, at, b, i, map, oi, s, scalar_text};
use serde_json::Value;

/// The whole describe text of `pod` with its `pod_events`.
pub fn describe_pod(pod: &Value, pod_events: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    w.write(L0, &format!("Name:\t{}\n", s(pod, "metadata.name")));
    w.write(L0, &format!("Namespace:\t{}\n", s(pod, "metadata.namespace")));
    if let Some(p) = oi(pod, "spec.priority") {
        w.write(L0, &format!("Priority:\t{p}\n"));
    }
    if !s(pod, "spec.priorityClassName").is_empty() {
        w.write(L0, &format!("Priority Class Name:\t{}\n", s(pod, "spec.priorityClassName")));
    }
    if !s(pod, "spec.runtimeClassName").is_empty() {
        w.write(L0, &format!("Runtime Class Name:\t{}\n", s(pod, "spec.runtimeClassName")));
    }
    if !s(pod, "spec.serviceAccountName").is_empty() {
        w.write(L0, &format!("Service Account:\t{}\n", s(pod, "spec.serviceAccountName")));
    }
    if s(pod, "spec.nodeName").is_empty() {
        w.write(L0, "Node:\t<none>\n");
    } else {
        w.write(L0, &format!("Node:\t{}/{}\n", s(pod, "spec.nodeName"), s(pod, "status.hostIP")));
    }
    if at(pod, "status.startTime").is_some_and(|t| !t.is_null()) {
        w.write(L0, &format!("Start Time:\t{}\n", time_field(pod, "status.startTime")));
    }
    labels(&mut w, "Labels", pod, "metadata.labels");
    annotations(&mut w, "Annotations", pod, "metadata.annotations");
    status_lines(&mut w, pod, now);
    w.write(L0, &format!("IP:\t{}\n", s(pod, "status.podIP")));
    let ips = arr(pod, "status.podIPs");
    if ips.is_empty() {
        w.write(L0, "IPs:\t<none>\n");
    } else {
        w.write(L0, "IPs:\n");
        for ip in ips {
            w.write(L1, &format!("IP:\t{}\n", s(ip, "ip")));
        }
    }
    if let Some(owner) = arr(pod, "metadata.ownerReferences").iter().find(|o| b(o, "controller")) {
        w.write(L0, &format!("Controlled By:\t{}/{}\n", s(owner, "kind"), s(owner, "name")));
    }
    if !s(pod, "status.nominatedNodeName").is_empty() {
        w.write(L0, &format!("NominatedNodeName:\t{}\n", s(pod, "status.nominatedNodeName")));
    }
    if !arr(pod, "spec.initContainers").is_empty() {
        containers(&mut w, pod, "", "Init Containers", "spec.initContainers", "status.initContainerStatuses");
    }
    containers(&mut w, pod, "", "Containers", "spec.containers", "status.containerStatuses");
    conditions(&mut w, pod);
    volumes(&mut w, "", arr(pod, "spec.volumes"));
    w.write(L0, &format!("QoS Class:\t{}\n", qos_class(pod)));
    labels(&mut w, "Node-Selectors", pod, "spec.nodeSelector");
    tolerations(&mut w, "", "Tolerations", "\t", arr(pod, "spec.tolerations"));
    if let Some(evs) = pod_events {
        events(&mut w, evs, now);
    }
    w.finish()
}

fn status_lines(w: &mut Writer, pod: &Value, now: i64) {
    let phase = s(pod, "status.phase");
    if !s(pod, "metadata.deletionTimestamp").is_empty() && phase != "Failed" && phase != "Succeeded" {
        w.write(L0, &format!("Status:\tTerminating (lasts {})\n", since(pod, "metadata.deletionTimestamp", now)));
        w.write(L0, &format!("Termination Grace Period:\t{}s\n", i(pod, "metadata.deletionGracePeriodSeconds")));
    } else {
        w.write(L0, &format!("Status:\t{phase}\n"));
    }
    if !s(pod, "status.reason").is_empty() {
        w.write(L0, &format!("Reason:\t{}\n", s(pod, "status.reason")));
    }
    if !s(pod, "status.message").is_empty() {
        w.write(L0, &format!("Message:\t{}\n", s(pod, "status.message")));
    }
    if let Some(t) = at(pod, "spec.securityContext.seccompProfile.type").and_then(Value::as_str) {
        w.write(L0, &format!("SeccompProfile:\t{t}\n"));
        if t == "Localhost" {
            w.write(L0, &format!("LocalhostProfile:\t{}\n", s(pod, "spec.securityContext.seccompProfile.localhostProfile")));
        }
    }
}

/// `describeContainers`; `space` is "  " inside a pod template (names then get one more space).
pub fn containers(w: &mut Writer, pod: &Value, space: &str, label: &str, spec_path: &str, status_path: &str) {
    let list = arr(pod, spec_path);
    w.write(L0, &format!("{space}{label}:{}\n", if list.is_empty() { " <none>" } else { "" }));
    let statuses = arr(pod, status_path);
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in list {
        let name = s(c, "name");
        let status = statuses.iter().rev().find(|st| s(st, "name") == name);
        w.write(L1, &format!("{name_indent}{name}:\n"));
        if let Some(st) = status {
            w.write(L2, &format!("Container ID:\t{}\n", s(st, "containerID")));
        }
        w.write(L2, &format!("Image:\t{}\n", s(c, "image")));
        if let Some(st) = status {
            w.write(L2, &format!("Image ID:\t{}\n", s(st, "imageID")));
        }
        ports(w, c);
        command(w, c);
        if let Some(st) = status {
            state(w, "State", at(st, "state"));
            if at(st, "lastState.terminated").is_some() {
                state(w, "Last State", at(st, "lastState"));
            }
            w.write(L2, &format!("Ready:\t{}\n", if b(st, "ready") { "True" } else { "False" }));
            w.write(L2, &format!("Restart Count:\t{}\n", i(st, "restartCount")));
        }
        resources(w, c, L2);
        probes(w, c);
        env_from(w, c);
        env(w, pod, c);
        mounts(w, c);
    }
}

fn ports(w: &mut Writer, c: &Value) {
    let ps = arr(c, "ports");
    let fmt = |field: &str| ps.iter().map(|p| format!("{}/{}", i(p, field), s(p, "protocol"))).collect::<Vec<_>>().join(", ");
    let (ports, host) = (fmt("containerPort"), fmt("hostPort"));
    let none = |x: &str| if x.is_empty() { "<none>".to_string() } else { x.to_string() };
    if ports.contains(',') {
        w.write(L2, &format!("Ports:\t{ports}\n"));
    } else {
        w.write(L2, &format!("Port:\t{}\n", none(&ports)));
    }
    if host.contains(',') {
        w.write(L2, &format!("Host Ports:\t{host}\n"));
    } else {
        w.write(L2, &format!("Host Port:\t{}\n", none(&host)));
    }
}

fn command(w: &mut Writer, c: &Value) {
    for (field, title) in [("command", "Command"), ("args", "Args")] {
        let items = arr(c, field);
        if items.is_empty() {
            continue;
        }
        w.write(L2, &format!("{title}:\n"));
        for item in items {
            for line in scalar_text(item).split('\n') {
                w.write(L3, &format!("{line}\n"));
            }
        }
    }
}

fn state(w: &mut Writer, title: &str, st: Option<&Value>) {
    let st = st.cloned().unwrap_or(Value::Null);
    if let Some(r) = at(&st, "running") {
        w.write(L2, &format!("{title}:\tRunning\n"));
        w.write(L3, &format!("Started:\t{}\n", time_field(r, "startedAt")));
    } else if let Some(wt) = at(&st, "waiting") {
        w.write(L2, &format!("{title}:\tWaiting\n"));
        if !s(wt, "reason").is_empty() {
            w.write(L3, &format!("Reason:\t{}\n", s(wt, "reason")));
        }
    } else if let Some(t) = at(&st, "terminated") {
        w.write(L2, &format!("{title}:\tTerminated\n"));
        if !s(t, "reason").is_empty() {
            w.write(L3, &format!("Reason:\t{}\n", s(t, "reason")));
        }
        if !s(t, "message").is_empty() {
            w.write(L3, &format!("Message:\t{}\n", s(t, "message")));
        }
        w.write(L3, &format!("Exit Code:\t{}\n", i(t, "exitCode")));
        if i(t, "signal") > 0 {
            w.write(L3, &format!("Signal:\t{}\n", i(t, "signal")));
        }
        w.write(L3, &format!("Started:\t{}\n", time_field(t, "startedAt")));
        w.write(L3, &format!("Finished:\t{}\n", time_field(t, "finishedAt")));
    } else {
        w.write(L2, &format!("{title}:\tWaiting\n"));
    }
}

/// `describeResources`: Limits then Requests, resource names sorted.
pub fn resources(w: &mut Writer, c: &Value, level: usize) {
    for (field, title) in [("resources.limits", "Limits"), ("resources.requests", "Requests")] {
        let m = map(c, field);
        if !m.is_empty() {
            w.write(level, &format!("{title}:\n"));
        }
        for (k, v) in m {
            w.write(level + 1, &format!("{k}:\t{}\n", super::node::canonical(&v)));
        }
    }
}

/// `DescribeProbe`.
pub fn probe_text(p: &Value) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        i(p, "initialDelaySeconds"), i(p, "timeoutSeconds"), i(p, "periodSeconds"), i(p, "successThreshold"), i(p, "failureThreshold")
    );
    if let Some(e) = at(p, "exec") {
        format!("exec {} {attrs}", go_slice(e, "command"))
    } else if let Some(h) = at(p, "httpGet") {
        let port = at(h, "port").map(scalar_text).unwrap_or_default();
        let host = s(h, "host");
        let hostport = if port.is_empty() { host.to_string() } else if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
        format!("http-get {}://{hostport}{} {attrs}", s(h, "scheme").to_lowercase(), s(h, "path"))
    } else if let Some(t) = at(p, "tcpSocket") {
        format!("tcp-socket {}:{} {attrs}", s(t, "host"), at(t, "port").map(scalar_text).unwrap_or_default())
    } else if let Some(g) = at(p, "grpc") {
        format!("grpc <pod>:{} {} {attrs}", i(g, "port"), s(g, "service"))
    } else {
        format!("unknown {attrs}")
    }
}

fn probes(w: &mut Writer, c: &Value) {
    for (field, title) in [("livenessProbe", "Liveness"), ("readinessProbe", "Readiness"), ("startupProbe", "Startup")] {
        if let Some(p) = at(c, field) {
            w.write(L2, &format!("{title}:\t{}\n", probe_text(p)));
        }
    }
}

fn env_from(w: &mut Writer, c: &Value) {
    let list = arr(c, "envFrom");
    if list.is_empty() {
        return;
    }
    w.write(L2, "Environment Variables from:\n");
    for e in list {
        let (from, r) = if let Some(r) = at(e, "configMapRef") { ("ConfigMap", r) } else if let Some(r) = at(e, "secretRef") { ("Secret", r) } else { ("", e) };
        let optional = b(r, "optional");
        if s(e, "prefix").is_empty() {
            w.write(L3, &format!("{}\t{from}\tOptional: {optional}\n", s(r, "name")));
        } else {
            w.write(L3, &format!("{}\t{from} with prefix '{}'\tOptional: {optional}\n", s(r, "name"), s(e, "prefix")));
        }
    }
}

/// What `EnvValueRetriever` finds for a fieldRef: kubectl's client scheme only converts
/// `metadata.name` and `metadata.namespace`, so every other path shows as empty.
fn field_ref_value(pod: &Value, path: &str) -> String {
    match path {
        "metadata.name" | "metadata.namespace" => s(pod, path).to_string(),
        _ => String::new(),
    }
}

fn env(w: &mut Writer, pod: &Value, c: &Value) {
    let list = arr(c, "env");
    w.write(L2, &format!("Environment:{}\n", if list.is_empty() { "\t<none>" } else { "" }));
    for e in list {
        let name = s(e, "name");
        let Some(from) = at(e, "valueFrom") else {
            for (idx, line) in s(e, "value").split('\n').enumerate() {
                if idx == 0 {
                    w.write(L3, &format!("{name}:\t{line}\n"));
                } else {
                    w.write(L3, &format!("\t{line}\n"));
                }
            }
            continue;
        };
        if let Some(f) = at(from, "fieldRef") {
            let value = field_ref_value(pod, s(f, "fieldPath"));
            w.write(L3, &format!("{name}:\t{value} ({}:{})\n", s(f, "apiVersion"), s(f, "fieldPath")));
        } else if let Some(r) = at(from, "resourceFieldRef") {
            w.write(L3, &format!("{name}:\t{} ({})\n", resource_field_value(c, s(r, "resource")), s(r, "resource")));
        } else if let Some(k) = at(from, "secretKeyRef") {
            w.write(L3, &format!("{name}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n", s(k, "key"), s(k, "name"), b(k, "optional")));
        } else if let Some(k) = at(from, "configMapKeyRef") {
            w.write(L3, &format!("{name}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n", s(k, "key"), s(k, "name"), b(k, "optional")));
        }
    }
}

fn resource_field_value(c: &Value, resource: &str) -> String {
    let v = s(c, &format!("resources.{resource}"));
    if v.is_empty() && (resource == "limits.cpu" || resource == "limits.memory") {
        "node allocatable".into()
    } else if v.is_empty() {
        "0".into()
    } else {
        v.to_string()
    }
}

fn mounts(w: &mut Writer, c: &Value) {
    let mut list: Vec<&Value> = arr(c, "volumeMounts").iter().collect();
    w.write(L2, &format!("Mounts:{}\n", if list.is_empty() { "\t<none>" } else { "" }));
    list.sort_by(|a, b| s(a, "mountPath").cmp(s(b, "mountPath")));
    for m in list {
        let mut flags = vec![if b(m, "readOnly") { "ro".to_string() } else { "rw".to_string() }];
        if !s(m, "subPath").is_empty() {
            flags.push(format!("path={:?}", s(m, "subPath")));
        }
        w.write(L3, &format!("{} from {} ({})\n", s(m, "mountPath"), s(m, "name"), flags.join(",")));
    }
}

fn conditions(w: &mut Writer, pod: &Value) {
    let gates = arr(pod, "spec.readinessGates");
    let conds = arr(pod, "status.conditions");
    if !gates.is_empty() {
        w.write(L0, "Readiness Gates:\n  Type\tStatus\n");
        for g in gates {
            let status = conds.iter().find(|c| s(c, "type") == s(g, "conditionType")).map(|c| s(c, "status")).unwrap_or("<none>");
            w.write(L1, &format!("{} \t{status} \n", s(g, "conditionType")));
        }
    }
    if !conds.is_empty() {
        w.write(L0, "Conditions:\n  Type\tStatus\n");
        for c in conds {
            w.write(L1, &format!("{} \t{} \n", s(c, "type"), s(c, "status")));
        }
    }
}

pub use super::volumes::volumes;

/// `qos.GetPodQOS`: the recorded class, else computed from requests and limits.
pub fn qos_class(pod: &Value) -> String {
    let recorded = s(pod, "status.qosClass");
    if !recorded.is_empty() {
        return recorded.to_string();
    }
    let all: Vec<&Value> = arr(pod, "spec.containers").iter().chain(arr(pod, "spec.initContainers")).collect();
    let (mut any, mut guaranteed) = (false, true);
    for c in &all {
        let req = map(c, "resources.requests");
        let lim = map(c, "resources.limits");
        let relevant = |m: &Vec<(&str, String)>| m.iter().any(|(k, v)| (*k == "cpu" || *k == "memory") && !is_zero(v));
        if relevant(&req) || relevant(&lim) {
            any = true;
        }
        for r in ["cpu", "memory"] {
            let l = lim.iter().find(|(k, _)| *k == r).map(|(_, v)| v.clone());
            let q = req.iter().find(|(k, _)| *k == r).map(|(_, v)| v.clone()).or_else(|| l.clone());
            if l.is_none() || l != q {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}

fn is_zero(q: &str) -> bool {
    q.trim_start_matches('0').trim_start_matches('.').trim_start_matches('0').chars().next().is_none_or(|c| !c.is_ascii_digit())
        && q.chars().all(|c| !('1'..='9').contains(&c))
}
