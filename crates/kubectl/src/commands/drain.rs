//! `kubectl drain NODE...`: cordon, then evict every Pod on the node through the
//! `pods/eviction` subresource and wait for each to be gone, as k8s.io/kubectl/pkg/drain does
//! in v1.33. Pods pass kubectl's filters in its order (already deleted long enough ->
//! DaemonSet-managed -> mirror -> emptyDir -> no controller); the first filter that keeps a Pod
//! decides its fate, and only the last filter's warning survives, so `--delete-emptydir-data`
//! on a Deployment's Pod prints nothing. Refusals aggregate per message in the doubled wording
//! kubectl 1.33 really prints (`cannot delete cannot delete Pods that declare no controller
//! ...`). Simulated time advances while drain waits, so a Pod on a node whose kubelet is gone
//! keeps it waiting until `--timeout` (or the terminal's own limit) runs out, and an eviction a
//! PodDisruptionBudget refuses (429) is retried every 5 s with kubectl's retry line.

use super::{resource, CmdResult, Ctx, Fail};
use crate::value::{arr, at, b, s};
use podlab_sim::{DeleteOptions, PatchType, SimTime, Verb};
use serde_json::{json, Value};

const DAEMONSET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMONSET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str = "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
const UNMANAGED_FATAL: &str = "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";
/// How long drain may keep the terminal waiting without `--timeout` (kubectl's 0 = forever).
const WAIT_LIMIT_MS: u64 = 10 * 60 * 1000;

/// What the filters decided for one Pod.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fate {
    Evict,
    Skip,
    Warn { evict: bool, message: String },
    Refuse(String),
}

/// The Pods drain will evict, its warning line and its refusals (`cannot delete ...`).
struct Plan {
    victims: Vec<Value>,
    warnings: Vec<(String, Vec<String>)>,
    errors: Vec<(String, Vec<String>)>,
}

pub fn drain(ctx: &mut Ctx) -> CmdResult {
    let names = ctx.flags.positionals.clone();
    if names.is_empty() {
        return Err(Fail::Plain(format!("error: USAGE: drain NODE [flags]\n{}\n", ctx.usage_hint())));
    }
    let nodes_info = resource("nodes")?;
    let mut nodes = Vec::new();
    for name in &names {
        nodes.push(ctx.get_object(nodes_info, "", name)?);
    }
    for node in &nodes {
        cordon(ctx, node)?;
    }
    let mut fatal: Vec<String> = Vec::new();
    let mut remaining = Vec::new();
    for name in &names {
        match drain_node(ctx, name) {
            Ok(()) => ctx.stdout(&format!("node/{name} drained\n")),
            Err(errs) => {
                ctx.stderr(&format!("error: unable to drain node {name:?} due to error: {}, continuing command...\n", aggregate(&errs)));
                fatal.extend(errs);
                remaining.push(name.clone());
            }
        }
    }
    if remaining.is_empty() {
        return Ok(());
    }
    ctx.stderr("There are pending nodes to be drained:\n");
    for n in &remaining {
        ctx.stderr(&format!(" {n}\n"));
    }
    // CheckErr prints an aggregate one error per line, without the `error: ` prefix.
    ctx.stderr(&format!("{}\n", fatal.join("\n")));
    Err(Fail::Printed)
}

/// utilerrors.NewAggregate(...).Error(): one message as it is, several in brackets.
fn aggregate(errs: &[String]) -> String {
    match errs {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

fn cordon(ctx: &mut Ctx, node: &Value) -> CmdResult {
    let name = s(node, "metadata.name").to_string();
    if b(node, "spec.unschedulable") {
        ctx.stdout(&format!("node/{name} already cordoned\n"));
        return Ok(());
    }
    let patch = json!({"spec": {"unschedulable": true}});
    let verb = Verb::Patch { kind: "Node".into(), namespace: String::new(), name: name.clone(), patch_type: PatchType::Strategic, patch };
    match ctx.submit(verb) {
        Ok(_) => ctx.stdout(&format!("node/{name} cordoned\n")),
        Err(st) => ctx.stderr(&format!("error: unable to cordon node {name:?}: {}\n", super::status_text(&st))),
    }
    Ok(())
}

/// Evicts what the filters allow on `name` and waits for it; Err carries the messages.
fn drain_node(ctx: &mut Ctx, name: &str) -> Result<(), Vec<String>> {
    let plan = plan(ctx, name)?;
    if !plan.errors.is_empty() {
        return Err(plan.errors.iter().map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", "))).collect());
    }
    if !plan.warnings.is_empty() {
        let parts: Vec<String> = plan.warnings.iter().map(|(m, pods)| format!("{m}: {}", pods.join(", "))).collect();
        ctx.stderr(&format!("Warning: {}\n", parts.join("; ")));
    }
    let (waiting, refused) = evict_all(ctx, &plan.victims);
    // Pods whose eviction was granted are still waited for when others failed.
    let waited = wait_evicted(ctx, name, waiting);
    match (refused.is_empty(), waited) {
        (true, done) => done,
        (false, Ok(())) => Err(refused),
        (false, Err(more)) => Err(refused.into_iter().chain(more).collect()),
    }
}

/// Each Pod's eviction loop of kubectl's `evictPods`: print `evicting pod`, ask, and on 429
/// (a disruption budget says no) print the retry line and try again 5 s later, until the
/// eviction is granted or `--timeout` runs out. The loops of all Pods advance together, one
/// 5-second round at a time, as the goroutines do.
fn evict_all(ctx: &mut Ctx, victims: &[Value]) -> (Vec<(String, String, String)>, Vec<String>) {
    let grace = ctx.flags.int("grace-period").filter(|g| *g >= 0);
    let limit_ms = ctx.flags.get("timeout").and_then(crate::duration::parse_duration_millis).filter(|t| *t > 0).map_or(WAIT_LIMIT_MS, |t| t as u64);
    let deadline = SimTime(ctx.session.sim.now().0.saturating_add(limit_ms));
    let mut pending: Vec<(String, String, String)> =
        victims.iter().map(|p| (s(p, "metadata.namespace").to_string(), s(p, "metadata.name").to_string(), podlab_sim::meta::uid(p).to_string())).collect();
    let mut waiting = Vec::new();
    let mut errors = Vec::new();
    while !pending.is_empty() {
        let mut retry = Vec::new();
        for (ns, pod_name, uid) in pending {
            ctx.stdout(&format!("evicting pod {ns}/{pod_name}\n"));
            if ctx.session.sim.now() >= deadline {
                errors.push(format!("error when evicting pods/{pod_name:?} -n {ns:?}: global timeout reached: {}", crate::duration::go_duration(limit_ms as i64)));
                continue;
            }
            let options = DeleteOptions { grace_period_seconds: grace, ..DeleteOptions::default() };
            match ctx.submit(Verb::Evict { namespace: ns.clone(), pod: pod_name.clone(), options }) {
                Ok(_) => waiting.push((ns, pod_name, uid)),
                Err(st) if st.reason == "NotFound" => {}
                Err(st) if st.code == 429 => {
                    ctx.stderr(&format!("error when evicting pods/{pod_name:?} -n {ns:?} (will retry after 5s): {}\n", st.message));
                    retry.push((ns, pod_name, uid));
                }
                Err(st) => errors.push(format!("error when evicting pods/{pod_name:?} -n {ns:?}: {}", super::status_text(&st))),
            }
        }
        if !retry.is_empty() {
            let next = SimTime(ctx.session.sim.now().0 + 5000);
            ctx.session.sim.advance_to(next);
        }
        pending = retry;
    }
    (waiting, errors)
}

/// Lists the node's Pods (`--pod-selector`) and runs kubectl's filters over them.
fn plan(ctx: &mut Ctx, name: &str) -> Result<Plan, Vec<String>> {
    let pods_info = resource("pods").map_err(|_| vec!["the server could not find the requested resource".to_string()])?;
    let selector = ctx.flags.get("pod-selector").map(str::to_string);
    let pods = ctx.list_objects(pods_info, None, selector.as_deref(), Some(&format!("spec.nodeName={name}"))).map_err(|f| vec![fail_text(&f)])?;
    let mut out = Plan { victims: Vec::new(), warnings: Vec::new(), errors: Vec::new() };
    for pod in pods {
        let key = format!("{}/{}", s(&pod, "metadata.namespace"), s(&pod, "metadata.name"));
        match fate(ctx, &pod) {
            Fate::Evict => out.victims.push(pod),
            Fate::Skip => {}
            Fate::Warn { evict, message } => {
                push_grouped(&mut out.warnings, message, key);
                if evict {
                    out.victims.push(pod);
                }
            }
            Fate::Refuse(message) => push_grouped(&mut out.errors, message, key),
        }
    }
    Ok(out)
}

fn push_grouped(list: &mut Vec<(String, Vec<String>)>, message: String, pod: String) {
    match list.iter_mut().find(|(m, _)| *m == message) {
        Some((_, pods)) => pods.push(pod),
        None => list.push((message, vec![pod])),
    }
}

fn fail_text(f: &Fail) -> String {
    match f {
        Fail::Error(m) | Fail::Plain(m) => m.trim_end().to_string(),
        Fail::Server(st) => super::status_text(st),
        Fail::Printed => String::new(),
    }
}

/// The filters in kubectl's order; the first that keeps the Pod decides, else the last one's
/// verdict stands.
fn fate(ctx: &mut Ctx, pod: &Value) -> Fate {
    let filters: [fn(&mut Ctx, &Value) -> Fate; 5] = [skip_deleted, daemonset, mirror, local_storage, unreplicated];
    let mut verdict = Fate::Evict;
    for f in filters {
        verdict = f(ctx, pod);
        let keeps = matches!(verdict, Fate::Skip | Fate::Refuse(_) | Fate::Warn { evict: false, .. });
        if keeps {
            break;
        }
    }
    verdict
}

fn terminal(pod: &Value) -> bool {
    matches!(s(pod, "status.phase"), "Succeeded" | "Failed")
}

fn controller_of(pod: &Value) -> Option<(String, String)> {
    arr(pod, "metadata.ownerReferences").iter().find(|o| b(o, "controller")).map(|o| (s(o, "kind").to_string(), s(o, "name").to_string()))
}

/// `--skip-wait-for-delete-timeout=N`: Pods deleted more than N seconds ago are left alone.
fn skip_deleted(ctx: &mut Ctx, pod: &Value) -> Fate {
    let timeout = ctx.flags.int("skip-wait-for-delete-timeout").unwrap_or(0);
    let deleted_ms = podlab_api::time::parse_rfc3339_millis(s(pod, "metadata.deletionTimestamp")).ok();
    match deleted_ms {
        Some(t) if timeout > 0 && (ctx.now_ms() - t) / 1000 > timeout => Fate::Skip,
        _ => Fate::Evict,
    }
}

fn daemonset(ctx: &mut Ctx, pod: &Value) -> Fate {
    let Some((_, owner)) = controller_of(pod).filter(|(k, _)| k == "DaemonSet") else { return Fate::Evict };
    if terminal(pod) {
        return Fate::Evict;
    }
    let ns = s(pod, "metadata.namespace").to_string();
    let found = resource("daemonsets").and_then(|info| ctx.get_object(info, &ns, &owner));
    if let Err(f) = found {
        let message = fail_text(&f);
        let gone = matches!(&f, Fail::Server(st) if st.reason == "NotFound");
        return if gone && ctx.flags.bool("force") { Fate::Warn { evict: true, message } } else { Fate::Refuse(message) };
    }
    if !ctx.flags.bool("ignore-daemonsets") {
        return Fate::Refuse(DAEMONSET_FATAL.into());
    }
    Fate::Warn { evict: false, message: DAEMONSET_WARNING.into() }
}

/// Mirror Pods cannot be deleted through the API server: drain leaves them to their kubelet.
fn mirror(_: &mut Ctx, pod: &Value) -> Fate {
    let annotated = at(pod, "metadata.annotations").and_then(|a| a.get("kubernetes.io/config.mirror")).is_some();
    if annotated {
        Fate::Skip
    } else {
        Fate::Evict
    }
}

fn local_storage(ctx: &mut Ctx, pod: &Value) -> Fate {
    let has_empty_dir = arr(pod, "spec.volumes").iter().any(|v| v.get("emptyDir").is_some());
    if !has_empty_dir || terminal(pod) {
        return Fate::Evict;
    }
    if !ctx.flags.bool("delete-emptydir-data") {
        return Fate::Refuse(LOCAL_STORAGE_FATAL.into());
    }
    Fate::Warn { evict: true, message: LOCAL_STORAGE_WARNING.into() }
}

fn unreplicated(ctx: &mut Ctx, pod: &Value) -> Fate {
    if terminal(pod) || controller_of(pod).is_some() {
        return Fate::Evict;
    }
    if ctx.flags.bool("force") {
        return Fate::Warn { evict: true, message: UNMANAGED_WARNING.into() };
    }
    Fate::Refuse(UNMANAGED_FATAL.into())
}

/// Polls every second (simulated) until each evicted Pod is gone or replaced by a new UID,
/// printing `pod/<name> evicted` as each goes; `--timeout` (or the terminal's limit) ends it.
fn wait_evicted(ctx: &mut Ctx, node: &str, mut waiting: Vec<(String, String, String)>) -> Result<(), Vec<String>> {
    let Ok(info) = resource("pods") else { return Ok(()) };
    let limit_ms = ctx.flags.get("timeout").and_then(crate::duration::parse_duration_millis).filter(|t| *t > 0).map_or(WAIT_LIMIT_MS, |t| t as u64);
    let deadline = SimTime(ctx.session.sim.now().0.saturating_add(limit_ms));
    loop {
        let mut still = Vec::new();
        for (ns, name, uid) in waiting {
            let gone = match ctx.get_object(info, &ns, &name) {
                Err(Fail::Server(st)) => st.reason == "NotFound",
                Ok(p) => podlab_sim::meta::uid(&p) != uid,
                Err(_) => false,
            };
            if gone {
                ctx.stdout(&format!("pod/{name} evicted\n"));
            } else {
                still.push((ns, name, uid));
            }
        }
        waiting = still;
        if waiting.is_empty() {
            return Ok(());
        }
        if ctx.session.sim.now() >= deadline {
            break;
        }
        let next = SimTime(ctx.session.sim.now().0 + 1000);
        ctx.session.sim.advance_to(next);
    }
    // Each eviction goroutine reports its own timeout; they aggregate in Pod order.
    let errs: Vec<String> = waiting.iter().map(|(ns, name, _)| format!("error when waiting for pod {name:?} in namespace {ns:?} to terminate: context deadline exceeded")).collect();
    ctx.stderr(&format!("There are pending pods in node {node:?} when an error occurred: {}\n", aggregate(&errs)));
    for (_, p, _) in &waiting {
        ctx.stderr(&format!("pod/{p}\n"));
    }
    Err(errs)
}
