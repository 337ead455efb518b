//! Describers for the kinds besides Pod and Node: ConfigMap, Secret, Namespace, Service,
//! Deployment, ReplicaSet, Job, PersistentVolumeClaim, each following its describe.go
//! function's field order and wording.

use super::common::{annotations, events, labels, labels_multiline, time_field, tolerations};
use super::pod::containers;
use super::volumes::volumes;
use super::writer::{Writer, L0, L1};
use crate::value::{arr, at, format_label_selector, format_labels, i, map, oi, s, scalar_text};
use serde_json::Value;
use std::sync::Arc;

pub(crate) fn head(w: &mut Writer, obj: &Value, namespaced: bool) {
    w.write(L0, &format!("Name:\t{}\n", s(obj, "metadata.name")));
    if namespaced {
        w.write(L0, &format!("Namespace:\t{}\n", s(obj, "metadata.namespace")));
    }
}

pub fn configmap(obj: &Value, evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, "\nData\n====\n");
    for (k, v) in map(obj, "data") {
        w.write(L0, &format!("{k}:\n----\n"));
        w.write(L0, &format!("{v}\n"));
        w.write(L0, "\n");
    }
    w.write(L0, "\nBinaryData\n====\n");
    for (k, v) in map(obj, "binaryData") {
        w.write(L0, &format!("{k}: {} bytes\n", base64_len(&v)));
    }
    w.write(L0, "\n");
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// Decoded length of base64 text (Secret data travels base64-encoded).
fn base64_len(text: &str) -> usize {
    let t = text.trim_end_matches('=');
    t.len() * 3 / 4
}

pub fn secret(obj: &Value, evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("\nType:\t{}\n", s(obj, "type")));
    w.write(L0, "\nData\n====\n");
    for (k, v) in map(obj, "data") {
        w.write(L0, &format!("{k}:\t{} bytes\n", base64_len(&v)));
    }
    let _ = (evs, now);
    w.finish()
}

pub fn namespace(obj: &Value, related: &[Arc<Value>]) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, false);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("Status:\t{}\n", s(obj, "status.phase")));
    let quotas: Vec<&Value> = related.iter().map(|o| &**o).filter(|o| s(o, "kind") == "ResourceQuota").collect();
    let limits: Vec<&Value> = related.iter().map(|o| &**o).filter(|o| s(o, "kind") == "LimitRange").collect();
    w.write(L0, "\n");
    if quotas.is_empty() {
        w.write(L0, "No resource quota.\n");
    } else {
        w.write(L0, "Resource Quotas\n");
        for q in quotas {
            w.write(L1, &format!("Name:\t{}\n", s(q, "metadata.name")));
            w.write(L1, "Resource\tUsed\tHard\n");
            w.write(L1, "--------\t---\t---\n");
            let used = map(q, "status.used");
            for (k, hard) in map(q, "status.hard") {
                let u = used.iter().find(|(uk, _)| *uk == k).map(|(_, v)| v.clone()).unwrap_or_else(|| "0".into());
                w.write(L1, &format!("{k}\t{u}\t{hard}\n"));
            }
        }
    }
    w.write(L0, "\n");
    if limits.is_empty() {
        w.write(L0, "No LimitRange resource.\n");
    } else {
        w.write(L0, "Resource Limits\n");
        w.write(L1, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n");
        w.write(L1, "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n");
        for l in limits {
            for item in arr(l, "spec.limits") {
                let mut names: Vec<String> = Vec::new();
                for f in ["min", "max", "default", "defaultRequest", "maxLimitRequestRatio"] {
                    names.extend(map(item, f).into_iter().map(|(k, _)| k.to_string()));
                }
                names.sort();
                names.dedup();
                for r in names {
                    let get = |f: &str| at(item, f).and_then(|m| m.get(&r)).map(scalar_text).unwrap_or_else(|| "-".into());
                    w.write(L1, &format!("{}\t{r}\t{}\t{}\t{}\t{}\t{}\n", s(item, "type"), get("min"), get("max"), get("defaultRequest"), get("default"), get("maxLimitRequestRatio")));
                }
            }
        }
    }
    w.finish()
}

/// `formatEndpointSlices`: the ready addresses of the slices' port named like the service
/// port, as `ip:port`, three at most then ` + N more...`.
fn endpoints_text(slices: &[Arc<Value>], port_name: &str) -> String {
    let mut list = Vec::new();
    for slice in slices {
        let Some(p) = arr(slice, "ports").iter().find(|p| s(p, "name") == port_name) else { continue };
        for ep in arr(slice, "endpoints") {
            if at(ep, "conditions.ready").and_then(Value::as_bool) == Some(false) {
                continue;
            }
            for a in arr(ep, "addresses") {
                list.push(format!("{}:{}", scalar_text(a), i(p, "port")));
            }
        }
    }
    if list.is_empty() {
        return "<none>".into();
    }
    if list.len() > 3 {
        return format!("{} + {} more...", list[..3].join(","), list.len() - 3);
    }
    list.join(",")
}

pub fn service(obj: &Value, related: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("Selector:\t{}\n", format_labels(obj, "spec.selector")));
    w.write(L0, &format!("Type:\t{}\n", s(obj, "spec.type")));
    if !s(obj, "spec.ipFamilyPolicy").is_empty() {
        w.write(L0, &format!("IP Family Policy:\t{}\n", s(obj, "spec.ipFamilyPolicy")));
    }
    let fams: Vec<String> = arr(obj, "spec.ipFamilies").iter().map(scalar_text).collect();
    w.write(L0, &format!("IP Families:\t{}\n", if fams.is_empty() { "<none>".into() } else { fams.join(",") }));
    w.write(L0, &format!("IP:\t{}\n", s(obj, "spec.clusterIP")));
    let ips: Vec<String> = arr(obj, "spec.clusterIPs").iter().map(scalar_text).collect();
    w.write(L0, &format!("IPs:\t{}\n", if ips.is_empty() { "<none>".into() } else { ips.join(",") }));
    if !s(obj, "spec.externalName").is_empty() {
        w.write(L0, &format!("External Name:\t{}\n", s(obj, "spec.externalName")));
    }
    for p in arr(obj, "spec.ports") {
        let name = if s(p, "name").is_empty() { "<unset>" } else { s(p, "name") };
        let proto = s(p, "protocol");
        w.write(L0, &format!("Port:\t{name}\t{}/{proto}\n", i(p, "port")));
        let target = at(p, "targetPort").map(scalar_text).unwrap_or_default();
        w.write(L0, &format!("TargetPort:\t{target}/{proto}\n"));
        if i(p, "nodePort") != 0 {
            w.write(L0, &format!("NodePort:\t{name}\t{}/{proto}\n", i(p, "nodePort")));
        }
        w.write(L0, &format!("Endpoints:\t{}\n", endpoints_text(related, s(p, "name"))));
    }
    w.write(L0, &format!("Session Affinity:\t{}\n", s(obj, "spec.sessionAffinity")));
    if !s(obj, "spec.externalTrafficPolicy").is_empty() {
        w.write(L0, &format!("External Traffic Policy:\t{}\n", s(obj, "spec.externalTrafficPolicy")));
    }
    if !s(obj, "spec.internalTrafficPolicy").is_empty() {
        w.write(L0, &format!("Internal Traffic Policy:\t{}\n", s(obj, "spec.internalTrafficPolicy")));
    }
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// `DescribePodTemplate` inside a workload's describe.
pub(crate) fn pod_template(w: &mut Writer, tpl: &Value) {
    w.write(L0, "Pod Template:\n");
    labels_multiline(w, "  ", "Labels", "\t", tpl, "metadata.labels");
    let ann = map(tpl, "metadata.annotations");
    for (idx, (k, v)) in ann.iter().enumerate() {
        let title = if idx == 0 { "  Annotations:\t" } else { "  \t" };
        w.write(L0, &format!("{title}{k}: {v}\n"));
    }
    if !s(tpl, "spec.serviceAccountName").is_empty() {
        w.write(L0, &format!("  Service Account:\t{}\n", s(tpl, "spec.serviceAccountName")));
    }
    if !arr(tpl, "spec.initContainers").is_empty() {
        containers(w, tpl, "  ", "Init Containers", "spec.initContainers", "status.none");
    }
    containers(w, tpl, "  ", "Containers", "spec.containers", "status.none");
    volumes(w, "  ", arr(tpl, "spec.volumes"));
    topology_spread_constraints(w, tpl);
    if !s(tpl, "spec.priorityClassName").is_empty() {
        w.write(L0, &format!("  Priority Class Name:\t{}\n", s(tpl, "spec.priorityClassName")));
    }
    labels_multiline(w, "  ", "Node-Selectors", "\t", tpl, "spec.nodeSelector");
    tolerations(w, "  ", "Tolerations", "\t", arr(tpl, "spec.tolerations"));
}

/// `describeTopologySpreadConstraints`: sorted by topology key, one per line.
fn topology_spread_constraints(w: &mut Writer, tpl: &Value) {
    let mut tscs: Vec<&Value> = arr(tpl, "spec.topologySpreadConstraints").iter().collect();
    if tscs.is_empty() {
        return;
    }
    tscs.sort_by(|a, b| s(a, "topologyKey").cmp(s(b, "topologyKey")));
    for (idx, t) in tscs.iter().enumerate() {
        let title = if idx == 0 { "  Topology Spread Constraints:\t" } else { "  \t" };
        let mut line = format!("{title}{}:{} when max skew {} is exceeded", s(t, "topologyKey"), s(t, "whenUnsatisfiable"), i(t, "maxSkew"));
        if at(t, "labelSelector").is_some() {
            line.push_str(&format!(" for selector {}", format_label_selector(t, "labelSelector")));
        }
        line.push('\n');
        w.write(L0, &line);
    }
}

fn conditions_table(w: &mut Writer, obj: &Value) {
    let conds = arr(obj, "status.conditions");
    if conds.is_empty() {
        return;
    }
    w.write(L0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(L1, "----\t------\t------\n");
    for c in conds {
        w.write(L1, &format!("{}\t{}\t{}\n", s(c, "type"), s(c, "status"), s(c, "reason")));
    }
}

pub fn deployment(obj: &Value, related: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    w.write(L0, &format!("CreationTimestamp:\t{}\n", time_field(obj, "metadata.creationTimestamp")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("Selector:\t{}\n", format_label_selector(obj, "spec.selector")));
    let (desired, updated, total, avail) = (i(obj, "spec.replicas"), i(obj, "status.updatedReplicas"), i(obj, "status.replicas"), i(obj, "status.availableReplicas"));
    w.write(L0, &format!("Replicas:\t{desired} desired | {updated} updated | {total} total | {avail} available | {} unavailable\n", i(obj, "status.unavailableReplicas")));
    let strategy = s(obj, "spec.strategy.type");
    w.write(L0, &format!("StrategyType:\t{strategy}\n"));
    w.write(L0, &format!("MinReadySeconds:\t{}\n", i(obj, "spec.minReadySeconds")));
    if strategy == "RollingUpdate" {
        let mu = at(obj, "spec.strategy.rollingUpdate.maxUnavailable").map(scalar_text).unwrap_or_default();
        let ms = at(obj, "spec.strategy.rollingUpdate.maxSurge").map(scalar_text).unwrap_or_default();
        w.write(L0, &format!("RollingUpdateStrategy:\t{mu} max unavailable, {ms} max surge\n"));
    }
    pod_template(&mut w, at(obj, "spec.template").unwrap_or(&Value::Null));
    conditions_table(&mut w, obj);
    let uid = s(obj, "metadata.uid");
    let owned: Vec<&Value> = related
        .iter()
        .map(|rs| &**rs)
        .filter(|rs| arr(rs, "metadata.ownerReferences").iter().any(|o| s(o, "uid") == uid))
        .collect();
    let template_hash = |rs: &Value| crate::value::at(rs, "metadata.labels").and_then(|l| l.get("pod-template-hash")).map(scalar_text).unwrap_or_default();
    let newest = owned.iter().max_by_key(|rs| crate::value::at(rs, "metadata.annotations").and_then(|a| a.get("deployment.kubernetes.io/revision")).map(scalar_text).and_then(|r| r.parse::<i64>().ok()).unwrap_or(0));
    let fmt_rs = |rs: &Value| format!("{} ({}/{} replicas created)", s(rs, "metadata.name"), i(rs, "status.replicas"), i(rs, "spec.replicas"));
    let old: Vec<String> = owned.iter().filter(|rs| Some(*rs) != newest && i(rs, "spec.replicas") > 0).map(|rs| fmt_rs(rs)).collect();
    w.write(L0, &format!("OldReplicaSets:\t{}\n", if old.is_empty() { "<none>".into() } else { old.join(", ") }));
    w.write(L0, &format!("NewReplicaSet:\t{}\n", newest.map(|rs| fmt_rs(rs)).unwrap_or_else(|| "<none>".into())));
    let _ = template_hash;
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

pub(crate) fn pod_phase_counts(obj: &Value, pods: &[Arc<Value>]) -> (usize, usize, usize, usize) {
    let uid = s(obj, "metadata.uid");
    let mine = pods.iter().filter(|p| arr(p, "metadata.ownerReferences").iter().any(|o| s(o, "uid") == uid));
    let (mut r, mut wt, mut sc, mut f) = (0, 0, 0, 0);
    for p in mine {
        match s(p, "status.phase") {
            "Running" => r += 1,
            "Pending" => wt += 1,
            "Succeeded" => sc += 1,
            "Failed" => f += 1,
            _ => {}
        }
    }
    (r, wt, sc, f)
}

pub fn replicaset(obj: &Value, related: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    w.write(L0, &format!("Selector:\t{}\n", format_label_selector(obj, "spec.selector")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    if let Some(owner) = arr(obj, "metadata.ownerReferences").iter().find(|o| o.get("controller").and_then(Value::as_bool) == Some(true)) {
        w.write(L0, &format!("Controlled By:\t{}/{}\n", s(owner, "kind"), s(owner, "name")));
    }
    w.write(L0, &format!("Replicas:\t{} current / {} desired\n", i(obj, "status.replicas"), i(obj, "spec.replicas")));
    let (r, wt, sc, f) = pod_phase_counts(obj, related);
    w.write(L0, &format!("Pods Status:\t{r} Running / {wt} Waiting / {sc} Succeeded / {f} Failed\n"));
    pod_template(&mut w, at(obj, "spec.template").unwrap_or(&Value::Null));
    conditions_table(&mut w, obj);
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

pub fn job(obj: &Value, related: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    w.write(L0, &format!("Selector:\t{}\n", format_label_selector(obj, "spec.selector")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("Parallelism:\t{}\n", i(obj, "spec.parallelism")));
    match oi(obj, "spec.completions") {
        Some(c) => w.write(L0, &format!("Completions:\t{c}\n")),
        None => w.write(L0, "Completions:\t<unset>\n"),
    }
    if !s(obj, "spec.completionMode").is_empty() {
        w.write(L0, &format!("Completion Mode:\t{}\n", s(obj, "spec.completionMode")));
    }
    if !s(obj, "status.startTime").is_empty() {
        w.write(L0, &format!("Start Time:\t{}\n", time_field(obj, "status.startTime")));
    }
    if !s(obj, "status.completionTime").is_empty() {
        w.write(L0, &format!("Completed At:\t{}\n", time_field(obj, "status.completionTime")));
    }
    let (r, _wt, sc, f) = pod_phase_counts(obj, related);
    w.write(L0, &format!("Pods Statuses:\t{} Active ({} Ready) / {sc} Succeeded / {f} Failed\n", i(obj, "status.active"), i(obj, "status.ready")));
    let _ = r;
    pod_template(&mut w, at(obj, "spec.template").unwrap_or(&Value::Null));
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

pub fn pvc(obj: &Value, related: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, true);
    w.write(L0, &format!("StorageClass:\t{}\n", s(obj, "spec.storageClassName")));
    if s(obj, "metadata.deletionTimestamp").is_empty() {
        w.write(L0, &format!("Status:\t{}\n", s(obj, "status.phase")));
    } else {
        w.write(L0, &format!("Status:\tTerminating (lasts {})\n", crate::printers::pod::since(obj, "metadata.deletionTimestamp", now)));
    }
    w.write(L0, &format!("Volume:\t{}\n", s(obj, "spec.volumeName")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, &format!("Finalizers:\t{}\n", super::common::go_slice(obj, "metadata.finalizers")));
    let bound = !s(obj, "spec.volumeName").is_empty();
    let capacity = if bound { s(obj, "status.capacity.storage").to_string() } else { String::new() };
    let modes = if bound { arr(obj, "status.accessModes").iter().map(scalar_text).map(|m| short_mode(&m)).collect::<Vec<_>>().join(",") } else { String::new() };
    w.write(L0, &format!("Capacity:\t{capacity}\n"));
    w.write(L0, &format!("Access Modes:\t{modes}\n"));
    if !s(obj, "spec.volumeMode").is_empty() {
        w.write(L0, &format!("VolumeMode:\t{}\n", s(obj, "spec.volumeMode")));
    }
    let name = s(obj, "metadata.name");
    let users: Vec<&str> = related
        .iter()
        .filter(|p| arr(p, "spec.volumes").iter().any(|v| s(v, "persistentVolumeClaim.claimName") == name))
        .map(|p| s(p, "metadata.name"))
        .collect();
    w.write(L0, "Used By:\t");
    if users.is_empty() {
        w.line("<none>");
    } else {
        for (idx, u) in users.iter().enumerate() {
            if idx > 0 {
                w.write(L0, "\t");
            }
            w.write(L0, &format!("{u}\n"));
        }
    }
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// `GetAccessModesAsString`'s abbreviations (`RWO`, `ROX`, ...), shared by PVC and PV.
pub(super) fn short_mode(m: &str) -> String {
    match m {
        "ReadWriteOnce" => "RWO".into(),
        "ReadOnlyMany" => "ROX".into(),
        "ReadWriteMany" => "RWX".into(),
        "ReadWriteOncePod" => "RWOP".into(),
        other => other.into(),
    }
}
