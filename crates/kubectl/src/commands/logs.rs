//! `kubectl logs`, `kubectl exec` and `kubectl top`: the client side kubectl performs before
//! streaming (finding the pod, `TYPE/NAME` forms, choosing the container with the
//! `Defaulted container "app" out of: app, sidecar` notice, the errors for unknown
//! containers and containers that are not running). The simulated API server does not yet
//! serve `pods/log` and `pods/exec`, so those requests end in an error saying so.

use super::{fail, resource, CmdResult, Ctx, Fail};
use crate::output::CommandOutput;
use crate::session::Session;
use crate::value::{arr, at, s, scalar_text};
use podlab_sim::Status;
use serde_json::Value;

/// A `logs -f` stream (kept for when the API serves pods/log).
pub struct LogStream;

impl LogStream {
    pub fn poll(&mut self, _session: &mut Session) -> CommandOutput {
        CommandOutput::default()
    }
}

/// `allContainerNames`: `app, sidecar, init-db (init)`.
fn all_container_names(pod: &Value) -> String {
    let mut names: Vec<String> = arr(pod, "spec.containers").iter().map(|c| s(c, "name").to_string()).collect();
    names.extend(arr(pod, "spec.initContainers").iter().map(|c| format!("{} (init)", s(c, "name"))));
    names.extend(arr(pod, "spec.ephemeralContainers").iter().map(|c| format!("{} (ephem)", s(c, "name"))));
    names.join(", ")
}

/// Resolves the pod a `POD` or `TYPE/NAME` argument means (a workload's first pod).
fn find_pod(ctx: &mut Ctx, arg: &str) -> Result<Value, Fail> {
    let ns = ctx.namespace();
    let pods = resource("pods")?;
    let Some((kind, name)) = arg.split_once('/') else {
        return ctx.get_object(pods, &ns, arg);
    };
    let info = resource(kind)?;
    let obj = ctx.get_object(info, &ns, name)?;
    if info.kind == "Pod" {
        return Ok(obj);
    }
    let selector = match info.kind {
        "Deployment" | "ReplicaSet" | "Job" => crate::value::format_label_selector(&obj, "spec.selector"),
        "Service" => crate::value::format_labels(&obj, "spec.selector"),
        other => return fail(format!("cannot attach to *v1.{other}: selector for *v1.{other} not implemented")),
    };
    let list = ctx.list_objects(pods, Some(&ns), Some(&selector), None)?;
    list.into_iter().next().ok_or_else(|| Fail::Error(format!("timed out waiting for the condition")))
}

/// Picks the container (`-c`, the default-container annotation, or the first one).
fn choose_container(ctx: &mut Ctx, pod: &Value) -> Result<String, Fail> {
    let pod_name = s(pod, "metadata.name");
    if let Some(c) = ctx.flags.get("container").map(str::to_string) {
        let known = ["spec.containers", "spec.initContainers", "spec.ephemeralContainers"]
            .iter()
            .any(|p| arr(pod, p).iter().any(|x| s(x, "name") == c));
        if !known {
            return fail(format!("container {c} is not valid for pod {pod_name}"));
        }
        return Ok(c);
    }
    let annotated = at(pod, "metadata.annotations").and_then(|a| a.get("kubectl.kubernetes.io/default-container")).map(scalar_text);
    let first = arr(pod, "spec.containers").first().map(|c| s(c, "name").to_string()).unwrap_or_default();
    let chosen = annotated.filter(|a| arr(pod, "spec.containers").iter().any(|c| s(c, "name") == a)).unwrap_or(first);
    let many = arr(pod, "spec.containers").len() > 1 || !arr(pod, "spec.initContainers").is_empty() || !arr(pod, "spec.ephemeralContainers").is_empty();
    if many && !ctx.flags.bool("quiet") {
        ctx.stderr(&format!("Defaulted container {chosen:?} out of: {}\n", all_container_names(pod)));
    }
    Ok(chosen)
}

/// The API server's refusal for a container that has not started.
fn not_started(pod: &Value, container: &str) -> Option<Status> {
    let statuses: Vec<&Value> = arr(pod, "status.containerStatuses").iter().chain(arr(pod, "status.initContainerStatuses")).collect();
    let pod_name = s(pod, "metadata.name");
    match statuses.iter().find(|c| s(c, "name") == container) {
        Some(c) if at(c, "state.waiting").is_some() && at(c, "lastState.terminated").is_none() => {
            let reason = s(c, "state.waiting.reason");
            Some(Status::bad_request(format!("container {container:?} in pod {pod_name:?} is waiting to start: {reason}")))
        }
        None => Some(Status::bad_request(format!("container {container:?} in pod {pod_name:?} is waiting to start: ContainerCreating"))),
        _ => None,
    }
}

fn not_served(what: &str) -> Fail {
    Fail::Error(format!("podlab: the simulated API server does not serve {what} yet"))
}

pub fn logs(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    let Some(target) = args.first() else {
        return Err(Fail::Plain(format!("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\n{}\n", ctx.usage_hint())));
    };
    if args.len() > 2 {
        return Err(Fail::Plain(format!("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\n{}\n", ctx.usage_hint())));
    }
    if args.len() == 2 {
        if ctx.flags.has("container") {
            return fail("only one of -c or an inline [CONTAINER] arg is allowed");
        }
        ctx.flags.values.insert("container", vec![args[1].clone()]);
    }
    let pod = find_pod(ctx, target)?;
    let container = if ctx.flags.bool("all-containers") { String::new() } else { choose_container(ctx, &pod)? };
    if !container.is_empty() && !ctx.flags.bool("previous") {
        if let Some(st) = not_started(&pod, &container) {
            return Err(Fail::Server(st));
        }
    }
    Err(not_served("pods/log"))
}

pub fn exec(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    let Some(target) = args.first().filter(|_| ctx.flags.dash_at != Some(0)) else {
        return Err(Fail::Plain(format!("error: pod, type/name or --filename must be specified\n{}\n", ctx.usage_hint())));
    };
    let command: Vec<String> = match ctx.flags.dash_at {
        Some(d) => args[d..].to_vec(),
        None if args.len() > 1 => {
            return fail(format!("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"));
        }
        None => Vec::new(),
    };
    if command.is_empty() {
        return fail("you must specify at least one command for the container");
    }
    let pod = find_pod(ctx, target)?;
    let phase = s(&pod, "status.phase");
    if phase == "Succeeded" || phase == "Failed" {
        return fail(format!("cannot exec into a container in a completed pod; current phase is {phase}"));
    }
    let container = choose_container(ctx, &pod)?;
    let running = arr(&pod, "status.containerStatuses").iter().chain(arr(&pod, "status.initContainerStatuses")).any(|c| s(c, "name") == container && at(c, "state.running").is_some());
    if !running {
        return fail(format!("unable to upgrade connection: container not found ({container:?})"));
    }
    Err(not_served("pods/exec"))
}

/// `kubectl top pod|node`: Podlab's cluster runs no metrics-server, so kubectl's own answer applies.
pub fn top(ctx: &mut Ctx, _sub: &str) -> CmdResult {
    let _ = ctx;
    fail("Metrics API not available")
}
