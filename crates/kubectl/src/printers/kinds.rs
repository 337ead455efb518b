//! Column definitions and cell functions for every kind `kubectl get` prints as a table, ported
//! from printers.go. Columns marked `wide` appear only with `-o wide`; most kinds' cell
//! functions return every cell in column order and the table drops the wide ones, Event's
//! writes only the cells kept (see [`Cells`]).

use super::pod::{age, pod_cells};
use crate::duration::human_duration;
use crate::value::{arr, at, b, format_label_selector, format_labels, i, map, oi, s, scalar_text, time_ms};
use serde_json::Value;

/// One column: header text as printed and whether it is an `-o wide` (priority 1) column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub wide: bool,
}

const fn c(name: &'static str) -> Column {
    Column { name, wide: false }
}
const fn w(name: &'static str) -> Column {
    Column { name, wide: true }
}

/// How a kind's rows are made.
#[derive(Debug, Clone, Copy)]
pub enum Cells {
    /// Every cell of one object as a String, in column order; the table drops the wide ones.
    All(fn(&Value, i64) -> Vec<String>),
    /// Writes one object's cells straight into the table text, tab-separated, the wide ones
    /// only when the flag (`-o wide`) says so. For kinds listed by the hundred whose wide cells
    /// cost as much as the rest (Event): the narrow table then builds nothing it drops.
    Write(fn(&Value, i64, bool, &mut String)),
}

/// A kind's table: its columns and how its rows are made.
pub struct KindTable {
    pub kind: &'static str,
    pub columns: &'static [Column],
    pub cells: Cells,
}

pub static TABLES: &[KindTable] = &[
    KindTable { kind: "Pod", columns: &[c("NAME"), c("READY"), c("STATUS"), c("RESTARTS"), c("AGE"), w("IP"), w("NODE"), w("NOMINATED NODE"), w("READINESS GATES")], cells: Cells::All(pod_cells) },
    KindTable { kind: "Node", columns: &[c("NAME"), c("STATUS"), c("ROLES"), c("AGE"), c("VERSION"), w("INTERNAL-IP"), w("EXTERNAL-IP"), w("OS-IMAGE"), w("KERNEL-VERSION"), w("CONTAINER-RUNTIME")], cells: Cells::All(node_cells) },
    KindTable { kind: "Event", columns: &[c("LAST SEEN"), c("TYPE"), c("REASON"), c("OBJECT"), w("SUBOBJECT"), w("SOURCE"), c("MESSAGE"), w("FIRST SEEN"), w("COUNT"), w("NAME")], cells: Cells::Write(super::event::write_event_row) },
    KindTable { kind: "Service", columns: &[c("NAME"), c("TYPE"), c("CLUSTER-IP"), c("EXTERNAL-IP"), c("PORT(S)"), c("AGE"), w("SELECTOR")], cells: Cells::All(service_cells) },
    KindTable { kind: "Deployment", columns: &[c("NAME"), c("READY"), c("UP-TO-DATE"), c("AVAILABLE"), c("AGE"), w("CONTAINERS"), w("IMAGES"), w("SELECTOR")], cells: Cells::All(deployment_cells) },
    KindTable { kind: "ReplicaSet", columns: &[c("NAME"), c("DESIRED"), c("CURRENT"), c("READY"), c("AGE"), w("CONTAINERS"), w("IMAGES"), w("SELECTOR")], cells: Cells::All(replicaset_cells) },
    KindTable { kind: "DaemonSet", columns: &[c("NAME"), c("DESIRED"), c("CURRENT"), c("READY"), c("UP-TO-DATE"), c("AVAILABLE"), c("NODE SELECTOR"), c("AGE"), w("CONTAINERS"), w("IMAGES"), w("SELECTOR")], cells: Cells::All(super::daemonset::daemonset_cells) },
    KindTable { kind: "PodDisruptionBudget", columns: &[c("NAME"), c("MIN AVAILABLE"), c("MAX UNAVAILABLE"), c("ALLOWED DISRUPTIONS"), c("AGE")], cells: Cells::All(super::daemonset::pdb_cells) },
    KindTable { kind: "Job", columns: &[c("NAME"), c("STATUS"), c("COMPLETIONS"), c("DURATION"), c("AGE"), w("CONTAINERS"), w("IMAGES"), w("SELECTOR")], cells: Cells::All(job_cells) },
    KindTable { kind: "ConfigMap", columns: &[c("NAME"), c("DATA"), c("AGE")], cells: Cells::All(configmap_cells) },
    KindTable { kind: "Secret", columns: &[c("NAME"), c("TYPE"), c("DATA"), c("AGE")], cells: Cells::All(secret_cells) },
    KindTable { kind: "Namespace", columns: &[c("NAME"), c("STATUS"), c("AGE")], cells: Cells::All(namespace_cells) },
    KindTable { kind: "ServiceAccount", columns: &[c("NAME"), c("SECRETS"), c("AGE")], cells: Cells::All(serviceaccount_cells) },
    KindTable { kind: "PersistentVolumeClaim", columns: &[c("NAME"), c("STATUS"), c("VOLUME"), c("CAPACITY"), c("ACCESS MODES"), c("STORAGECLASS"), c("VOLUMEATTRIBUTESCLASS"), c("AGE"), w("VOLUMEMODE")], cells: Cells::All(pvc_cells) },
    KindTable { kind: "PersistentVolume", columns: &[c("NAME"), c("CAPACITY"), c("ACCESS MODES"), c("RECLAIM POLICY"), c("STATUS"), c("CLAIM"), c("STORAGECLASS"), c("VOLUMEATTRIBUTESCLASS"), c("REASON"), c("AGE"), w("VOLUMEMODE")], cells: Cells::All(pv_cells) },
    KindTable { kind: "StorageClass", columns: &[c("NAME"), c("PROVISIONER"), c("RECLAIMPOLICY"), c("VOLUMEBINDINGMODE"), c("ALLOWVOLUMEEXPANSION"), c("AGE")], cells: Cells::All(storageclass_cells) },
    KindTable { kind: "Endpoints", columns: &[c("NAME"), c("ENDPOINTS"), c("AGE")], cells: Cells::All(endpoints_cells) },
    KindTable { kind: "EndpointSlice", columns: &[c("NAME"), c("ADDRESSTYPE"), c("PORTS"), c("ENDPOINTS"), c("AGE")], cells: Cells::All(endpointslice_cells) },
    KindTable { kind: "Role", columns: &[c("NAME"), c("CREATED AT")], cells: Cells::All(created_at_cells) },
    KindTable { kind: "ClusterRole", columns: &[c("NAME"), c("CREATED AT")], cells: Cells::All(created_at_cells) },
    KindTable { kind: "RoleBinding", columns: &[c("NAME"), c("ROLE"), c("AGE"), w("USERS"), w("GROUPS"), w("SERVICEACCOUNTS")], cells: Cells::All(binding_cells) },
    KindTable { kind: "ClusterRoleBinding", columns: &[c("NAME"), c("ROLE"), c("AGE"), w("USERS"), w("GROUPS"), w("SERVICEACCOUNTS")], cells: Cells::All(binding_cells) },
    KindTable { kind: "LimitRange", columns: &[c("NAME"), c("CREATED AT")], cells: Cells::All(created_at_cells) },
    KindTable { kind: "ControllerRevision", columns: &[c("NAME"), c("CONTROLLER"), c("REVISION"), c("AGE")], cells: Cells::All(super::controllerrevision::controllerrevision_cells) },
    KindTable { kind: "Lease", columns: &[c("NAME"), c("HOLDER"), c("AGE")], cells: Cells::All(super::lease::lease_cells) },
    KindTable { kind: "ResourceQuota", columns: &[c("NAME"), c("AGE"), c("REQUEST"), c("LIMIT")], cells: Cells::All(quota_cells) },
];

/// Kinds without a table print NAME and AGE (the API server's default table).
pub static DEFAULT_TABLE: KindTable = KindTable { kind: "", columns: &[c("NAME"), c("AGE")], cells: Cells::All(default_cells) };

pub fn table_for(kind: &str) -> &'static KindTable {
    TABLES.iter().find(|t| t.kind == kind).unwrap_or(&DEFAULT_TABLE)
}

fn name(v: &Value) -> String {
    s(v, "metadata.name").to_string()
}

fn default_cells(v: &Value, now: i64) -> Vec<String> {
    vec![name(v), age(v, now)]
}

fn or_none(x: &str) -> String {
    if x.is_empty() { "<none>".into() } else { x.into() }
}

fn node_cells(v: &Value, now: i64) -> Vec<String> {
    let mut status: Vec<String> = Vec::new();
    if let Some(ready) = arr(v, "status.conditions").iter().rev().find(|c| s(c, "type") == "Ready") {
        status.push(if s(ready, "status") == "True" { "Ready".into() } else { "NotReady".into() });
    }
    if status.is_empty() {
        status.push("Unknown".into());
    }
    if b(v, "spec.unschedulable") {
        status.push("SchedulingDisabled".into());
    }
    let mut roles: Vec<String> = Vec::new();
    for (k, val) in map(v, "metadata.labels") {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role.to_string());
            }
        } else if k == "kubernetes.io/role" && !val.is_empty() {
            roles.push(val);
        }
    }
    roles.sort();
    roles.dedup();
    let addr = |t: &str| {
        arr(v, "status.addresses").iter().find(|a| s(a, "type") == t).map(|a| s(a, "address").to_string()).unwrap_or("<none>".into())
    };
    let unknown = |p: &str| if s(v, p).is_empty() { "<unknown>".to_string() } else { s(v, p).to_string() };
    vec![
        name(v), status.join(","), if roles.is_empty() { "<none>".into() } else { roles.join(",") }, age(v, now),
        s(v, "status.nodeInfo.kubeletVersion").to_string(), addr("InternalIP"), addr("ExternalIP"),
        unknown("status.nodeInfo.osImage"), unknown("status.nodeInfo.kernelVersion"), unknown("status.nodeInfo.containerRuntimeVersion"),
    ]
}

fn service_cells(v: &Value, now: i64) -> Vec<String> {
    let cluster_ip = arr(v, "spec.clusterIPs").first().and_then(Value::as_str).unwrap_or("<none>").to_string();
    let external: Vec<String> = arr(v, "spec.externalIPs").iter().map(scalar_text).collect();
    let external_ip = match s(v, "spec.type") {
        "ClusterIP" | "NodePort" if !external.is_empty() => external.join(","),
        "ClusterIP" | "NodePort" => "<none>".into(),
        "LoadBalancer" => {
            let mut lb: Vec<String> = arr(v, "status.loadBalancer.ingress")
                .iter()
                .map(|x| if s(x, "ip").is_empty() { s(x, "hostname").to_string() } else { s(x, "ip").to_string() })
                .filter(|x| !x.is_empty())
                .collect();
            lb.sort();
            lb.dedup();
            lb.extend(external);
            if lb.is_empty() { "<pending>".into() } else { lb.join(",") }
        }
        "ExternalName" => s(v, "spec.externalName").into(),
        _ => "<unknown>".into(),
    };
    let ports: Vec<String> = arr(v, "spec.ports")
        .iter()
        .map(|p| match oi(p, "nodePort").filter(|n| *n > 0) {
            Some(np) => format!("{}:{np}/{}", i(p, "port"), s(p, "protocol")),
            None => format!("{}/{}", i(p, "port"), s(p, "protocol")),
        })
        .collect();
    vec![
        name(v), s(v, "spec.type").into(), cluster_ip, external_ip, or_none(&ports.join(",")), age(v, now),
        format_labels(v, "spec.selector"),
    ]
}

/// `layoutContainerCells`: container names and images joined by commas.
fn containers(v: &Value, path: &str) -> (String, String) {
    let cs = arr(v, path);
    let names: Vec<&str> = cs.iter().map(|c| s(c, "name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| s(c, "image")).collect();
    (names.join(","), images.join(","))
}

fn deployment_cells(v: &Value, now: i64) -> Vec<String> {
    let (names, images) = containers(v, "spec.template.spec.containers");
    vec![
        name(v), format!("{}/{}", i(v, "status.readyReplicas"), i(v, "spec.replicas")), i(v, "status.updatedReplicas").to_string(),
        i(v, "status.availableReplicas").to_string(), age(v, now), names, images, format_label_selector(v, "spec.selector"),
    ]
}

fn replicaset_cells(v: &Value, now: i64) -> Vec<String> {
    let (names, images) = containers(v, "spec.template.spec.containers");
    vec![
        name(v), i(v, "spec.replicas").to_string(), i(v, "status.replicas").to_string(), i(v, "status.readyReplicas").to_string(),
        age(v, now), names, images, format_label_selector(v, "spec.selector"),
    ]
}

fn job_condition(v: &Value, kind: &str) -> bool {
    arr(v, "status.conditions").iter().find(|c| s(c, "type") == kind).is_some_and(|c| s(c, "status") == "True")
}

fn job_cells(v: &Value, now: i64) -> Vec<String> {
    let succeeded = i(v, "status.succeeded");
    let completions = match oi(v, "spec.completions") {
        Some(n) => format!("{succeeded}/{n}"),
        None if i(v, "spec.parallelism") > 1 => format!("{succeeded}/1 of {}", i(v, "spec.parallelism")),
        None => format!("{succeeded}/1"),
    };
    let duration = match (time_ms(v, "status.startTime"), time_ms(v, "status.completionTime")) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now - start),
        (Some(start), Some(end)) => human_duration(end - start),
    };
    let status = if job_condition(v, "Complete") {
        "Complete"
    } else if job_condition(v, "Failed") {
        "Failed"
    } else if !s(v, "metadata.deletionTimestamp").is_empty() {
        "Terminating"
    } else if job_condition(v, "Suspended") {
        "Suspended"
    } else if job_condition(v, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = containers(v, "spec.template.spec.containers");
    vec![name(v), status.into(), completions, duration, age(v, now), names, images, format_label_selector(v, "spec.selector")]
}

fn count_keys(v: &Value, paths: &[&str]) -> usize {
    paths.iter().map(|p| at(v, p).and_then(Value::as_object).map_or(0, |m| m.len())).sum()
}

fn configmap_cells(v: &Value, now: i64) -> Vec<String> {
    vec![name(v), count_keys(v, &["data", "binaryData"]).to_string(), age(v, now)]
}

fn secret_cells(v: &Value, now: i64) -> Vec<String> {
    vec![name(v), s(v, "type").into(), count_keys(v, &["data"]).to_string(), age(v, now)]
}

fn namespace_cells(v: &Value, now: i64) -> Vec<String> {
    vec![name(v), s(v, "status.phase").into(), age(v, now)]
}

fn serviceaccount_cells(v: &Value, now: i64) -> Vec<String> {
    vec![name(v), arr(v, "secrets").len().to_string(), age(v, now)]
}

fn access_modes(v: &Value, path: &str) -> String {
    let short = |m: &str| match m {
        "ReadWriteOnce" => "RWO",
        "ReadOnlyMany" => "ROX",
        "ReadWriteMany" => "RWX",
        "ReadWriteOncePod" => "RWOP",
        _ => "",
    };
    let mut out: Vec<&str> = Vec::new();
    for m in arr(v, path).iter().filter_map(Value::as_str) {
        let x = short(m);
        if !x.is_empty() && !out.contains(&x) {
            out.push(x);
        }
    }
    // GetAccessModesAsString lists them in a fixed order.
    let order = ["RWO", "ROX", "RWX", "RWOP"];
    out.sort_by_key(|m| order.iter().position(|o| o == m));
    out.join(",")
}

fn unset(x: &str) -> String {
    if x.is_empty() { "<unset>".into() } else { x.into() }
}

fn pvc_cells(v: &Value, now: i64) -> Vec<String> {
    let phase = if s(v, "metadata.deletionTimestamp").is_empty() { s(v, "status.phase") } else { "Terminating" };
    let bound = !s(v, "spec.volumeName").is_empty();
    let capacity = if bound { s(v, "status.capacity.storage").to_string() } else { String::new() };
    let modes = if bound { access_modes(v, "status.accessModes") } else { String::new() };
    vec![
        name(v), phase.into(), s(v, "spec.volumeName").into(), capacity, modes, s(v, "spec.storageClassName").into(),
        unset(s(v, "status.currentVolumeAttributesClassName")), age(v, now), or_none(s(v, "spec.volumeMode")),
    ]
}

fn pv_cells(v: &Value, now: i64) -> Vec<String> {
    let claim = if s(v, "spec.claimRef.name").is_empty() {
        String::new()
    } else {
        format!("{}/{}", s(v, "spec.claimRef.namespace"), s(v, "spec.claimRef.name"))
    };
    let phase = if s(v, "metadata.deletionTimestamp").is_empty() { s(v, "status.phase") } else { "Terminating" };
    vec![
        name(v), s(v, "spec.capacity.storage").into(), access_modes(v, "spec.accessModes"),
        s(v, "spec.persistentVolumeReclaimPolicy").into(), phase.into(), claim, s(v, "spec.storageClassName").into(),
        unset(s(v, "spec.volumeAttributesClassName")), s(v, "status.reason").into(), age(v, now), or_none(s(v, "spec.volumeMode")),
    ]
}

fn storageclass_cells(v: &Value, now: i64) -> Vec<String> {
    let annotations = map(v, "metadata.annotations");
    let is_default = annotations.iter().any(|(k, x)| {
        (*k == "storageclass.kubernetes.io/is-default-class" || *k == "storageclass.beta.kubernetes.io/is-default-class") && x == "true"
    });
    let n = if is_default { format!("{} (default)", name(v)) } else { name(v) };
    let reclaim = if s(v, "reclaimPolicy").is_empty() { "Delete" } else { s(v, "reclaimPolicy") };
    let binding = if s(v, "volumeBindingMode").is_empty() { "Immediate" } else { s(v, "volumeBindingMode") };
    vec![n, s(v, "provisioner").into(), reclaim.into(), binding.into(), b(v, "allowVolumeExpansion").to_string(), age(v, now)]
}

/// Lists up to three entries then ` + N more...`, as formatEndpoints does.
fn first_three(list: Vec<String>, empty: &str) -> String {
    if list.is_empty() {
        return empty.into();
    }
    if list.len() > 3 {
        return format!("{} + {} more...", list[..3].join(","), list.len() - 3);
    }
    list.join(",")
}

fn endpoints_cells(v: &Value, now: i64) -> Vec<String> {
    let mut list = Vec::new();
    for subset in arr(v, "subsets") {
        let ports = arr(subset, "ports");
        for addr in arr(subset, "addresses") {
            let ip = s(addr, "ip");
            if ports.is_empty() {
                list.push(ip.to_string());
            }
            list.extend(ports.iter().map(|p| format!("{ip}:{}", i(p, "port"))));
        }
    }
    vec![name(v), first_three(list, "<none>"), age(v, now)]
}

fn endpointslice_cells(v: &Value, now: i64) -> Vec<String> {
    let ports: Vec<String> = arr(v, "ports").iter().filter_map(|p| oi(p, "port")).map(|p| p.to_string()).collect();
    let addrs: Vec<String> = arr(v, "endpoints").iter().flat_map(|e| arr(e, "addresses").iter().map(scalar_text)).collect();
    let ports_text = if ports.is_empty() { "<unset>".to_string() } else { ports.join(",") };
    vec![name(v), s(v, "addressType").into(), ports_text, first_three(addrs, "<unset>"), age(v, now)]
}

fn created_at_cells(v: &Value, _now: i64) -> Vec<String> {
    vec![name(v), s(v, "metadata.creationTimestamp").into()]
}

fn binding_cells(v: &Value, now: i64) -> Vec<String> {
    let subjects = |kind: &str| -> String {
        arr(v, "subjects")
            .iter()
            .filter(|x| s(x, "kind") == kind)
            .map(|x| {
                if kind == "ServiceAccount" { format!("{}/{}", s(x, "namespace"), s(x, "name")) } else { s(x, "name").to_string() }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        name(v), format!("{}/{}", s(v, "roleRef.kind"), s(v, "roleRef.name")), age(v, now), subjects("User"), subjects("Group"),
        subjects("ServiceAccount"),
    ]
}

fn quota_cells(v: &Value, now: i64) -> Vec<String> {
    let (mut requests, mut limits) = (Vec::new(), Vec::new());
    let used = map(v, "status.used");
    for (k, hard) in map(v, "status.hard") {
        let u = used.iter().find(|(uk, _)| *uk == k).map(|(_, x)| x.clone()).unwrap_or_else(|| "0".into());
        let text = format!("{k}: {u}/{hard}");
        if k.starts_with("limits.") { limits.push(text) } else { requests.push(text) }
    }
    vec![name(v), age(v, now), requests.join(", "), limits.join(", ")]
}
