//! `kubectl describe node`, after describe.go's describeNode: identity, taints, the node's
//! heartbeat Lease (from kube-node-lease), conditions, addresses, capacity and allocatable,
//! system info, pod CIDRs, the non-terminated pods with their requests and limits, the
//! allocated-resources summary and events.

use super::common::{annotations, events, labels, time_field};
use super::writer::{Writer, L0, L1};
use crate::printers::pod::age;
use crate::value::{arr, b, map, s};
use serde_json::Value;
use std::sync::Arc;

/// `related` holds the node's pods and its Lease (kind `Lease`), as the describe command
/// fetched them.
pub fn describe_node(node: &Value, related: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let pods: Vec<&Value> = related.iter().map(|v| &**v).filter(|v| s(v, "kind") != "Lease").collect();
    let lease = related.iter().map(|v| &**v).find(|v| s(v, "kind") == "Lease");
    let mut w = Writer::new();
    w.write(L0, &format!("Name:\t{}\n", s(node, "metadata.name")));
    let mut roles: Vec<String> = map(node, "metadata.labels")
        .into_iter()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/").filter(|r| !r.is_empty()).map(str::to_string))
        .collect();
    roles.sort();
    w.write(L0, &format!("Roles:\t{}\n", if roles.is_empty() { "<none>".into() } else { roles.join(",") }));
    labels(&mut w, "Labels", node, "metadata.labels");
    annotations(&mut w, "Annotations", node, "metadata.annotations");
    w.write(L0, &format!("CreationTimestamp:\t{}\n", time_field(node, "metadata.creationTimestamp")));
    // printTaintsMultilineWithIndent sorts by "<effect>,<key>", not the stored order.
    let mut taints: Vec<&Value> = arr(node, "spec.taints").iter().collect();
    taints.sort_by_key(|t| format!("{},{}", s(t, "effect"), s(t, "key")));
    w.write(L0, "Taints:\t");
    if taints.is_empty() {
        w.line("<none>");
    }
    for (idx, t) in taints.iter().enumerate() {
        if idx > 0 {
            w.write(L0, "\t");
        }
        let value = if s(t, "value").is_empty() { String::new() } else { format!("={}", s(t, "value")) };
        w.write(L0, &format!("{}{value}:{}\n", s(t, "key"), s(t, "effect")));
    }
    w.write(L0, &format!("Unschedulable:\t{}\n", b(node, "spec.unschedulable")));
    lease_section(&mut w, node, lease);
    conditions(&mut w, node);
    w.write(L0, "Addresses:\n");
    for a in arr(node, "status.addresses") {
        w.write(L1, &format!("{}:\t{}\n", s(a, "type"), s(a, "address")));
    }
    for (field, title) in [("status.capacity", "Capacity"), ("status.allocatable", "Allocatable")] {
        w.write(L0, &format!("{title}:\n"));
        for (k, v) in map(node, field) {
            w.write(L1, &format!("{k}:\t{}\n", canonical(&v)));
        }
    }
    system_info(&mut w, node);
    let cidrs: Vec<String> = arr(node, "spec.podCIDRs").iter().map(crate::value::scalar_text).collect();
    if !s(node, "spec.podCIDR").is_empty() {
        w.write(L0, &format!("PodCIDR:\t{}\n", s(node, "spec.podCIDR")));
    }
    if !cidrs.is_empty() {
        w.write(L0, &format!("PodCIDRs:\t{}\n", cidrs.join(",")));
    }
    if !s(node, "spec.providerID").is_empty() {
        w.write(L0, &format!("ProviderID:\t{}\n", s(node, "spec.providerID")));
    }
    pods_table(&mut w, node, &pods, now);
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// The `Lease:` block: holder, acquire and renew times (`<unset>` when absent), or kubectl's
/// error line when the node has no Lease.
fn lease_section(w: &mut Writer, node: &Value, lease: Option<&Value>) {
    let Some(lease) = lease else {
        w.write(L0, &format!("Lease:\tFailed to get lease: leases.coordination.k8s.io \"{}\" not found\n", s(node, "metadata.name")));
        return;
    };
    w.write(L0, "Lease:\n");
    let or_unset = |text: String| if text.is_empty() { "<unset>".to_string() } else { text };
    let time = |path: &str| crate::value::time_ms(lease, path).map(super::common::rfc1123z).unwrap_or_default();
    w.write(L1, &format!("HolderIdentity:\t{}\n", or_unset(s(lease, "spec.holderIdentity").to_string())));
    w.write(L1, &format!("AcquireTime:\t{}\n", or_unset(time("spec.acquireTime"))));
    w.write(L1, &format!("RenewTime:\t{}\n", or_unset(time("spec.renewTime"))));
}

fn conditions(w: &mut Writer, node: &Value) {
    let conds = arr(node, "status.conditions");
    if conds.is_empty() {
        return;
    }
    w.write(L0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(L1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for c in conds {
        w.write(
            L1,
            &format!(
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                s(c, "type"), s(c, "status"), time_field(c, "lastHeartbeatTime"), time_field(c, "lastTransitionTime"), s(c, "reason"), s(c, "message")
            ),
        );
    }
}

fn system_info(w: &mut Writer, node: &Value) {
    let f = |k: &str| s(node, &format!("status.nodeInfo.{k}")).to_string();
    w.write(L0, "System Info:\n");
    for (title, key) in [
        ("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"), ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"), ("Kubelet Version", "kubeletVersion"),
    ] {
        w.write(L1, &format!("{title}:\t{}\n", f(key)));
    }
    w.write(L1, &format!("Kube-Proxy Version:\t{}\n", f("kubeProxyVersion")));
}

/// A quantity in canonical form, as kubectl prints the typed `resource.Quantity`.
pub fn canonical(q: &str) -> String {
    podlab_api::Quantity::parse(q).map(|v| v.canonical()).unwrap_or_else(|_| q.to_string())
}

/// Milli-units of a cpu quantity or bytes of a memory quantity (enough for requests sums).
fn quantity_value(q: &str, cpu: bool) -> i64 {
    match podlab_api::Quantity::parse(q) {
        Ok(v) if cpu => v.millis(),
        Ok(v) => v.value(),
        Err(_) => 0,
    }
}

fn pods_table(w: &mut Writer, node: &Value, pods: &[&Value], now: i64) {
    let active: Vec<&Value> = pods.iter().copied().filter(|p| !matches!(s(p, "status.phase"), "Succeeded" | "Failed")).collect();
    w.write(L0, &format!("Non-terminated Pods:\t({} in total)\n", active.len()));
    w.write(L1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
    w.write(L1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
    let alloc_cpu = quantity_value(s(node, "status.allocatable.cpu"), true);
    let alloc_mem = quantity_value(s(node, "status.allocatable.memory"), false);
    let pct = |v: i64, total: i64| if total == 0 { 0 } else { v * 100 / total };
    let (mut tr_cpu, mut tl_cpu, mut tr_mem, mut tl_mem) = (0, 0, 0, 0);
    for p in &active {
        let sum = |field: &str, res: &str| -> (i64, String) {
            let mut total = 0;
            for c in arr(p, "spec.containers") {
                total += quantity_value(s(c, &format!("resources.{field}.{res}")), res == "cpu");
            }
            let text = if res == "cpu" { format_milli(total) } else { format_bytes(total) };
            (total, text)
        };
        let (rc, rct) = sum("requests", "cpu");
        let (lc, lct) = sum("limits", "cpu");
        let (rm, rmt) = sum("requests", "memory");
        let (lm, lmt) = sum("limits", "memory");
        tr_cpu += rc;
        tl_cpu += lc;
        tr_mem += rm;
        tl_mem += lm;
        w.write(
            L1,
            &format!(
                "{}\t{}\t\t{rct} ({}%)\t{lct} ({}%)\t{rmt} ({}%)\t{lmt} ({}%)\t{}\n",
                s(p, "metadata.namespace"), s(p, "metadata.name"), pct(rc, alloc_cpu), pct(lc, alloc_cpu), pct(rm, alloc_mem), pct(lm, alloc_mem), age(p, now)
            ),
        );
    }
    w.write(L0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
    w.write(L1, "Resource\tRequests\tLimits\n");
    w.write(L1, "--------\t--------\t------\n");
    w.write(L1, &format!("cpu\t{} ({}%)\t{} ({}%)\n", format_milli(tr_cpu), pct(tr_cpu, alloc_cpu), format_milli(tl_cpu), pct(tl_cpu, alloc_cpu)));
    w.write(L1, &format!("memory\t{} ({}%)\t{} ({}%)\n", format_bytes(tr_mem), pct(tr_mem, alloc_mem), format_bytes(tl_mem), pct(tl_mem, alloc_mem)));
    w.write(L1, "ephemeral-storage\t0 (0%)\t0 (0%)\n");
    w.write(L1, "hugepages-1Gi\t0 (0%)\t0 (0%)\n");
    w.write(L1, "hugepages-2Mi\t0 (0%)\t0 (0%)\n");
}

fn format_milli(m: i64) -> String {
    if m % 1000 == 0 { (m / 1000).to_string() } else { format!("{m}m") }
}

fn format_bytes(b: i64) -> String {
    const UNITS: [(&str, i64); 4] = [("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)];
    if b == 0 {
        return "0".into();
    }
    for (u, f) in UNITS {
        if b % f == 0 {
            return format!("{}{u}", b / f);
        }
    }
    b.to_string()
}
