//! `kubectl top pod|node` over the simulated metrics-server (`metrics.k8s.io/v1beta1`
//! PodMetrics/NodeMetrics). The layout is kubectl's `metricsutil` printer: every cell is
//! tab-terminated (so the tabwriter pads the last column too), CPU is printed as
//! `MilliValue()` (rounded up) plus `m`, memory as whole `Mi`, node percentages against
//! allocatable (capacity with `--show-capacity`). Default order is by name (namespace first
//! with `-A`); `--sort-by=cpu|memory` sorts descending.

use super::{fail, resource, CmdResult, Ctx, Fail};
use crate::tabwriter;
use crate::value::{arr, at, s};
use podlab_api::quantity::Quantity;
use podlab_sim::Status;
use serde_json::Value;
use std::collections::BTreeSet;

/// kubectl's `metricsCreationDelay`.
const METRICS_CREATION_DELAY_MS: i64 = 2 * 60 * 1000;

fn quantity(v: &Value, path: &str) -> Quantity {
    Quantity::parse(s(v, path)).unwrap_or_else(|_| Quantity::zero())
}

/// (cpu millicores, memory bytes) of one `usage` block.
fn usage(v: &Value) -> (i64, i64) {
    (quantity(v, "usage.cpu").millis(), quantity(v, "usage.memory").value())
}

fn pod_usage(m: &Value) -> (i64, i64) {
    arr(m, "containers").iter().map(usage).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// `printAllResourceUsages`: `12m\t` and `34Mi\t`, with `N%\t` after each when known.
fn usage_cells(cpu: i64, mem: i64, available: Option<(i64, i64)>) -> String {
    let pct = |used: i64, total: i64| if total > 0 { format!("{}%\t", (used as f64 / total as f64 * 100.0) as i64) } else { String::new() };
    let mut out = format!("{cpu}m\t");
    if let Some((c, _)) = available {
        out.push_str(&pct(cpu, c));
    }
    out.push_str(&format!("{}Mi\t", mem / (1024 * 1024)));
    if let Some((_, m)) = available {
        // memory percentages use MilliValue() on both sides; the ratio is the same.
        out.push_str(&pct(mem, m));
    }
    out
}

fn sort_by(ctx: &Ctx) -> Result<String, Fail> {
    let by = ctx.flags.get("sort-by").unwrap_or_default().to_string();
    if !by.is_empty() && by != "cpu" && by != "memory" {
        return fail("--sort-by accepts only cpu or memory");
    }
    Ok(by)
}

fn sort_metrics(items: &mut [(Value, (i64, i64))], by: &str, with_ns: bool) {
    match by {
        "cpu" => items.sort_by_key(|x| std::cmp::Reverse(x.1 .0)),
        "memory" => items.sort_by_key(|x| std::cmp::Reverse(x.1 .1)),
        _ => items.sort_by(|a, b| {
            let key = |v: &Value| (if with_ns { s(v, "metadata.namespace").to_string() } else { String::new() }, s(v, "metadata.name").to_string());
            key(&a.0).cmp(&key(&b.0))
        }),
    }
}

pub fn top(ctx: &mut Ctx, sub: &str) -> CmdResult {
    match sub {
        "pod" | "pods" | "po" => top_pod(ctx),
        "node" | "nodes" | "no" => top_node(ctx),
        other => fail(format!("unknown command {other:?} for \"kubectl top\"")),
    }
}

/// `verifyEmptyMetrics`: why a metrics list came back empty.
fn verify_empty(ctx: &Ctx, pods: &[Value]) -> Result<(), Fail> {
    if pods.is_empty() {
        return Ok(());
    }
    let now = ctx.now_ms();
    for p in pods {
        let created = podlab_api::time::Time::parse(s(p, "metadata.creationTimestamp")).map(|t| t.millis()).unwrap_or(now);
        let age = now - created;
        if age > METRICS_CREATION_DELAY_MS {
            return fail(format!("Metrics not available for pod {}/{}, age: {}", s(p, "metadata.namespace"), s(p, "metadata.name"), crate::duration::go_duration(age)));
        }
    }
    fail("metrics not available yet")
}

fn top_pod(ctx: &mut Ctx) -> CmdResult {
    if ctx.flags.bool("sum") {
        return fail("podlab: kubectl top pod --sum is not supported yet");
    }
    let by = sort_by(ctx)?;
    let all = ctx.all_namespaces();
    let ns = ctx.namespace();
    let name = ctx.flags.positionals.first().cloned();
    let pods_info = resource("pods")?;
    let metrics = ctx.session.sim.pod_metrics((!all).then_some(ns.as_str()));
    // A named pod's metrics are fetched first: `podmetrics.metrics.k8s.io "default/web" not found`.
    if let Some(n) = &name {
        if !metrics.iter().any(|m| s(m, "metadata.name") == n && s(m, "metadata.namespace") == ns) {
            return Err(Fail::Server(Status::not_found("podmetrics.metrics.k8s.io", &format!("{ns}/{n}"))));
        }
    }
    let pods = match &name {
        Some(n) => vec![ctx.get_object(pods_info, &ns, n)?],
        None => ctx.list_objects(pods_info, (!all).then_some(ns.as_str()), ctx.flags.get("selector").map(str::to_string).as_deref(), ctx.flags.get("field-selector").map(str::to_string).as_deref())?,
    };
    let wanted: BTreeSet<(String, String)> = pods.iter().map(|p| (s(p, "metadata.namespace").to_string(), s(p, "metadata.name").to_string())).collect();
    let mut items: Vec<(Value, (i64, i64))> = metrics.into_iter().filter(|m| wanted.contains(&(s(m, "metadata.namespace").to_string(), s(m, "metadata.name").to_string()))).map(|m| { let u = pod_usage(&m); (m, u) }).collect();
    if items.is_empty() {
        verify_empty(ctx, &pods)?;
        ctx.stderr(&if all { "No resources found\n".to_string() } else { format!("No resources found in {ns} namespace.\n") });
        return Ok(());
    }
    sort_metrics(&mut items, &by, all);
    let containers = ctx.flags.bool("containers");
    let mut text = String::new();
    if !ctx.flags.bool("no-headers") {
        text.push_str(if all { "NAMESPACE\t" } else { "" });
        text.push_str(if containers { "POD\t" } else { "" });
        text.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
    }
    for (m, total) in &items {
        let lead = if all { format!("{}\t", s(m, "metadata.namespace")) } else { String::new() };
        if !containers {
            text.push_str(&format!("{lead}{}\t{}\n", s(m, "metadata.name"), usage_cells(total.0, total.1, None)));
            continue;
        }
        let mut cs: Vec<(Value, (i64, i64))> = arr(m, "containers").iter().map(|c| (c.clone(), usage(c))).collect();
        match by.as_str() {
            "cpu" => cs.sort_by_key(|x| std::cmp::Reverse(x.1 .0)),
            "memory" => cs.sort_by_key(|x| std::cmp::Reverse(x.1 .1)),
            _ => {}
        }
        for (c, u) in cs {
            text.push_str(&format!("{lead}{}\t{}\t{}\n", s(m, "metadata.name"), s(&c, "name"), usage_cells(u.0, u.1, None)));
        }
    }
    ctx.stdout(&tabwriter::layout(&text, tabwriter::TABLE));
    Ok(())
}

fn top_node(ctx: &mut Ctx) -> CmdResult {
    let by = sort_by(ctx)?;
    let nodes_info = resource("nodes")?;
    let name = ctx.flags.positionals.first().cloned();
    let metrics = ctx.session.sim.node_metrics();
    if let Some(n) = &name {
        if !metrics.iter().any(|m| s(m, "metadata.name") == n) {
            return Err(Fail::Server(Status::not_found("nodemetrics.metrics.k8s.io", n)));
        }
    }
    let nodes = match &name {
        Some(n) => vec![ctx.get_object(nodes_info, "", n)?],
        None => ctx.list_objects(nodes_info, None, ctx.flags.get("selector").map(str::to_string).as_deref(), None)?,
    };
    let field = if ctx.flags.bool("show-capacity") { "status.capacity" } else { "status.allocatable" };
    let available = |node: &Value| {
        let list = at(node, field).cloned().unwrap_or(Value::Null);
        (quantity(&list, "cpu").millis(), quantity(&list, "memory").value())
    };
    let mut items: Vec<(Value, (i64, i64))> = metrics.into_iter().filter(|m| nodes.iter().any(|n| s(n, "metadata.name") == s(m, "metadata.name"))).map(|m| { let u = usage(&m); (m, u) }).collect();
    sort_metrics(&mut items, &by, false);
    let mut text = String::new();
    if !ctx.flags.bool("no-headers") {
        text.push_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    for (m, (cpu, mem)) in &items {
        let node = nodes.iter().find(|n| s(n, "metadata.name") == s(m, "metadata.name"));
        text.push_str(&format!("{}\t{}\n", s(m, "metadata.name"), usage_cells(*cpu, *mem, node.map(available))));
    }
    // printMissingMetricsNodeLine, for nodes the metrics-server has nothing from.
    for n in nodes.iter().filter(|n| !items.iter().any(|(m, _)| s(m, "metadata.name") == s(n, "metadata.name"))) {
        text.push_str(&format!("{}\t{}\n", s(n, "metadata.name"), "<unknown>\t\t\t".repeat(4)));
    }
    ctx.stdout(&tabwriter::layout(&text, tabwriter::TABLE));
    Ok(())
}
