//! `kubectl rollout status|restart|history|undo` for Deployments and DaemonSets: status
//! follows the object as simulated time advances and prints kubectl's progress lines; restart
//! stamps `kubectl.kubernetes.io/restartedAt`; history (`rollout_history`) lists the
//! ReplicaSets' or ControllerRevisions' revisions; undo rolls the pod template back to the
//! previous (or `--to-revision`) revision.

use super::{fail, kind_prefix, parse_targets, resource, CmdResult, Ctx, Fail};
use crate::value::{arr, at, i, s, scalar_text};
use podlab_sim::{PatchType, SimTime, Verb};
use serde_json::{json, Value};

const REVISION: &str = "deployment.kubernetes.io/revision";

/// The object `rollout SUB` acts on. kubectl fetches it first (NotFound wins), then asks the
/// polymorphic helper for the kind, whose refusal names the GroupKind (`Pod`, `Job.batch`).
fn target(ctx: &mut Ctx, sub: &str) -> Result<(&'static podlab_api::ResourceInfo, Value), Fail> {
    let args = ctx.flags.positionals.clone();
    if args.is_empty() {
        return Err(Fail::Plain(format!("error: required resource not specified\n{}\n", ctx.usage_hint())));
    }
    let targets = parse_targets(&args, "rollout")?;
    let Some(t) = targets.first().filter(|t| !t.names.is_empty()) else {
        return fail("resource(s) were provided, but no name was specified");
    };
    let ns = ctx.namespace();
    let obj = ctx.get_object(t.info, &ns, &t.names[0])?;
    if t.info.kind != "Deployment" && t.info.kind != "DaemonSet" {
        let group_kind = if t.info.group.is_empty() { t.info.kind.to_string() } else { format!("{}.{}", t.info.kind, t.info.group) };
        return fail(match sub {
            "status" => format!("no status viewer has been implemented for {group_kind}"),
            "history" => format!("no history viewer has been implemented for {group_kind:?}"),
            "restart" => format!("error: {} {:?} restarting is not supported", t.info.plural, t.names[0]),
            _ => format!("no rollbacker has been implemented for {group_kind:?}"),
        });
    }
    Ok((t.info, obj))
}

fn revision(v: &Value) -> i64 {
    at(v, "metadata.annotations").and_then(|a| a.get(REVISION)).map(scalar_text).and_then(|r| r.parse().ok()).unwrap_or(0)
}

fn owned_replicasets(ctx: &mut Ctx, dep: &Value) -> Result<Vec<Value>, Fail> {
    let info = resource("replicasets")?;
    let uid = s(dep, "metadata.uid").to_string();
    let all = ctx.list_objects(info, Some(s(dep, "metadata.namespace")), None, None)?;
    let mut mine: Vec<Value> = all.into_iter().filter(|rs| arr(rs, "metadata.ownerReferences").iter().any(|o| s(o, "uid") == uid)).collect();
    mine.sort_by_key(revision);
    Ok(mine)
}

pub fn rollout(ctx: &mut Ctx, sub: &str) -> CmdResult {
    match sub {
        "status" => status(ctx),
        "restart" => restart(ctx),
        "history" => history(ctx),
        "undo" => undo(ctx),
        other => fail(format!("rollout {other} is not supported in Podlab")),
    }
}

/// The line `rollout status` prints for a deployment, and whether it is done.
fn status_line(d: &Value) -> (String, bool) {
    if s(d, "kind") == "DaemonSet" {
        return crate::printers::daemonset::rollout_status_line(d);
    }
    let name = s(d, "metadata.name");
    let want = i(d, "spec.replicas");
    let (updated, total, avail) = (i(d, "status.updatedReplicas"), i(d, "status.replicas"), i(d, "status.availableReplicas"));
    if i(d, "metadata.generation") > i(d, "status.observedGeneration") {
        return (format!("Waiting for deployment spec update to be observed...\n"), false);
    }
    if updated < want {
        return (format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {want} new replicas have been updated...\n"), false);
    }
    if total > updated {
        return (format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n", total - updated), false);
    }
    if avail < updated {
        return (format!("Waiting for deployment {name:?} rollout to finish: {avail} of {updated} updated replicas are available...\n"), false);
    }
    (format!("deployment {name:?} successfully rolled out\n"), true)
}

fn status(ctx: &mut Ctx) -> CmdResult {
    let (info, mut dep) = target(ctx, "status")?;
    let (ns, name) = (s(&dep, "metadata.namespace").to_string(), s(&dep, "metadata.name").to_string());
    let limit = ctx.session.sim.now().0 + 10 * 60 * 1000;
    let mut last = String::new();
    loop {
        let (line, done) = status_line(&dep);
        if line != last {
            ctx.stdout(&line);
            last = line;
        }
        if done || !ctx.flags.bool_or("watch", true) {
            return Ok(());
        }
        if ctx.session.sim.now().0 >= limit {
            return fail("timed out waiting for the condition");
        }
        let next = SimTime(ctx.session.sim.now().0 + 1000);
        ctx.session.sim.advance_to(next);
        dep = ctx.get_object(info, &ns, &name)?;
    }
}

fn restart(ctx: &mut Ctx) -> CmdResult {
    let (info, dep) = target(ctx, "restart")?;
    let now = podlab_api::time::Time::from_millis(ctx.now_ms()).to_string();
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now}}}}});
    let verb = Verb::Patch { kind: info.kind.into(), namespace: s(&dep, "metadata.namespace").into(), name: s(&dep, "metadata.name").into(), patch_type: PatchType::Strategic, patch };
    ctx.submit(verb)?;
    ctx.stdout(&format!("{}/{} restarted\n", kind_prefix(info), s(&dep, "metadata.name")));
    Ok(())
}

fn history(ctx: &mut Ctx) -> CmdResult {
    let (info, obj) = target(ctx, "history")?;
    super::rollout_history::history(ctx, info, &obj)
}

fn undo(ctx: &mut Ctx) -> CmdResult {
    let (info, dep) = target(ctx, "undo")?;
    if info.kind == "DaemonSet" {
        return super::rollout_history::undo_daemonset(ctx, info, &dep);
    }
    let sets = owned_replicasets(ctx, &dep)?;
    let current = revision(&dep);
    let wanted = ctx.flags.int("to-revision").unwrap_or(0);
    let chosen = if wanted > 0 {
        sets.iter().find(|rs| revision(rs) == wanted)
    } else {
        sets.iter().rev().find(|rs| revision(rs) < current)
    };
    let Some(rs) = chosen else {
        return if wanted > 0 { fail(format!("unable to find specified revision {wanted} in history")) } else { fail("no rollout history found for deployment \"".to_string() + s(&dep, "metadata.name") + "\"") };
    };
    let mut template = at(rs, "spec.template").cloned().unwrap_or(json!({}));
    if let Some(labels) = template.pointer_mut("/metadata/labels").and_then(Value::as_object_mut) {
        labels.remove("pod-template-hash");
    }
    let patch = json!({"spec": {"template": template}});
    let verb = Verb::Patch { kind: info.kind.into(), namespace: s(&dep, "metadata.namespace").into(), name: s(&dep, "metadata.name").into(), patch_type: PatchType::Merge, patch };
    ctx.submit(verb)?;
    ctx.stdout(&format!("{}/{} rolled back\n", kind_prefix(info), s(&dep, "metadata.name")));
    Ok(())
}
