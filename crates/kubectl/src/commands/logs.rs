//! `kubectl logs`: the client side kubectl performs (finding the pod, `TYPE/NAME` forms,
//! choosing the container with the `Defaulted container "app" out of: app, sidecar` notice,
//! `--all-containers` and `--prefix`, flag validation) and the `pods/log` requests to the
//! simulated API server. `logs -f` prints what is there and leaves a [`LogStream`] open that
//! polls `pods/log` as simulated time advances (see `follow.rs`).

use super::follow::{Followed, LogStream};
use super::{fail, resource, CmdResult, Ctx, Fail};
use crate::value::{arr, at, s, scalar_text};
use podlab_sim::kubelet::LogOptions;
use podlab_sim::{ApiOk, Verb};
use serde_json::Value;

/// `allContainerNames`: `app, sidecar, init-db (init)`.
fn all_container_names(pod: &Value) -> String {
    let mut names: Vec<String> = arr(pod, "spec.containers").iter().map(|c| s(c, "name").to_string()).collect();
    names.extend(arr(pod, "spec.initContainers").iter().map(|c| format!("{} (init)", s(c, "name"))));
    names.extend(arr(pod, "spec.ephemeralContainers").iter().map(|c| format!("{} (ephem)", s(c, "name"))));
    names.join(", ")
}

/// Resolves the pod a `POD` or `TYPE/NAME` argument means (a workload's first pod).
/// `for_logs`: pick the pod the way `kubectl logs` does (`podutils.ByLogging`) and say so
/// (`Found 3 pods, using pod/web-...`) when the workload has several.
pub(crate) fn find_pod(ctx: &mut Ctx, arg: &str, for_logs: bool) -> Result<Value, Fail> {
    let ns = ctx.namespace();
    let pods = resource("pods")?;
    // `kubectl logs` wraps the builder's NotFound with the namespace it looked in.
    let in_namespace = |f: Fail| match f {
        Fail::Server(st) if for_logs && st.reason == "NotFound" => Fail::Error(format!("error from server (NotFound): {} in namespace {ns:?}", st.message)),
        other => other,
    };
    let Some((kind, name)) = arg.split_once('/') else {
        return ctx.get_object(pods, &ns, arg).map_err(in_namespace);
    };
    let info = resource(kind)?;
    let obj = ctx.get_object(info, &ns, name).map_err(in_namespace)?;
    if info.kind == "Pod" {
        return Ok(obj);
    }
    let selector = match info.kind {
        "Deployment" | "ReplicaSet" | "Job" => crate::value::format_label_selector(&obj, "spec.selector"),
        "Service" => crate::value::format_labels(&obj, "spec.selector"),
        other => return fail(format!("cannot attach to *v1.{other}: selector for *v1.{other} not implemented")),
    };
    let mut list = ctx.list_objects(pods, Some(&ns), Some(&selector), None)?;
    if for_logs {
        list.sort_by(by_logging);
        if list.len() > 1 {
            let first = s(&list[0], "metadata.name").to_string();
            ctx.stderr(&format!("Found {} pods, using pod/{first}\n", list.len()));
        }
    }
    list.into_iter().next().ok_or_else(|| Fail::Error("timed out waiting for the condition".to_string()))
}

/// `podutils.ByLogging`: assigned, then Running < Unknown < Pending (other phases count as
/// Running, as in kubectl's map), ready, ready longest, most restarts, oldest.
fn by_logging(a: &Value, b: &Value) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let assigned = |p: &Value| !s(p, "spec.nodeName").is_empty();
    let phase = |p: &Value| match s(p, "status.phase") {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    let ready_since = |p: &Value| {
        arr(p, "status.conditions").iter().find(|c| s(c, "type") == "Ready" && s(c, "status") == "True").map(|c| s(c, "lastTransitionTime").to_string())
    };
    let restarts = |p: &Value| arr(p, "status.containerStatuses").iter().filter_map(|c| at(c, "restartCount").and_then(Value::as_i64)).max().unwrap_or(0);
    // afterOrZero: empty timestamps sort last.
    let earlier_first = |x: &str, y: &str| match (x.is_empty(), y.is_empty()) {
        (false, true) => Ordering::Less,
        (true, false) => Ordering::Greater,
        _ => x.cmp(y),
    };
    assigned(b).cmp(&assigned(a))
        .then(phase(a).cmp(&phase(b)))
        .then(ready_since(b).is_some().cmp(&ready_since(a).is_some()))
        .then_with(|| match (ready_since(a), ready_since(b)) {
            (Some(x), Some(y)) => earlier_first(&x, &y),
            _ => Ordering::Equal,
        })
        .then(restarts(b).cmp(&restarts(a)))
        .then_with(|| earlier_first(s(a, "metadata.creationTimestamp"), s(b, "metadata.creationTimestamp")))
}

/// Picks the container (`-c`, the default-container annotation, or the first one).
pub(crate) fn choose_container(ctx: &mut Ctx, pod: &Value) -> Result<String, Fail> {
    let pod_name = s(pod, "metadata.name");
    if let Some(c) = ctx.flags.get("container").map(str::to_string) {
        let known = ["spec.containers", "spec.initContainers", "spec.ephemeralContainers"]
            .iter()
            .any(|p| arr(pod, p).iter().any(|x| s(x, "name") == c));
        if !known {
            return fail(format!("container {c} is not valid for pod {pod_name} out of: {}", all_container_names(pod)));
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

const LOGS_USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\n";

/// The `PodLogOptions` kubectl builds from its flags (`LogsOptions.Validate` errors included).
fn log_options(ctx: &Ctx) -> Result<LogOptions, Fail> {
    let mut opts = LogOptions { previous: ctx.flags.bool("previous"), timestamps: ctx.flags.bool("timestamps"), ..LogOptions::default() };
    let since_time = ctx.flags.get("since-time").filter(|t| !t.is_empty()).map(str::to_string);
    let since_ms = ctx.flags.get("since").and_then(crate::duration::parse_duration_millis).unwrap_or(0);
    if since_time.is_some() && since_ms != 0 {
        return fail("at most one of `sinceTime` or `sinceSeconds` may be specified");
    }
    if since_ms != 0 {
        // math.Ceil(float64(o.SinceSeconds) / float64(time.Second))
        opts.since_seconds = Some((since_ms + 999).div_euclid(1000));
    }
    opts.since_time = since_time;
    match ctx.flags.int("limit-bytes") {
        Some(n) if n < 0 => return fail("--limit-bytes must be greater than 0"),
        Some(n) if n > 0 => opts.limit_bytes = Some(n),
        _ => {}
    }
    match ctx.flags.int("tail") {
        Some(n) if n < -1 => return fail("--tail must be greater than or equal to -1"),
        Some(n) if n >= 0 => opts.tail_lines = Some(n),
        _ => {}
    }
    Ok(opts)
}

/// Every container of the pod in kubectl's `--all-containers` order: init, app, ephemeral.
fn every_container(pod: &Value) -> Vec<String> {
    ["spec.initContainers", "spec.containers", "spec.ephemeralContainers"].iter().flat_map(|p| arr(pod, p).iter().map(|c| s(c, "name").to_string())).collect()
}

/// One `GET pods/log` request.
pub(crate) fn fetch(ctx: &mut Ctx, ns: &str, pod: &str, container: &str, options: LogOptions) -> Result<String, Fail> {
    let verb = Verb::Logs { namespace: ns.into(), pod: pod.into(), container: Some(container.into()), options };
    match ctx.submit(verb)? {
        ApiOk::Logs(text) => Ok(text),
        _ => Ok(String::new()),
    }
}

/// `[pod/web/app] ` before every line (`--prefix`).
fn prefixed(text: &str, prefix: Option<&str>) -> String {
    match prefix {
        None => text.to_string(),
        Some(p) => text.split_inclusive('\n').map(|l| format!("{p}{l}")).collect(),
    }
}

pub fn logs(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    let selector = ctx.flags.get("selector").map(str::to_string);
    if args.len() > 2 || (args.is_empty() && selector.is_none()) {
        return Err(Fail::Plain(format!("{LOGS_USAGE}{}\n", ctx.usage_hint())));
    }
    if args.len() == 1 && selector.is_some() {
        return Err(Fail::Plain(format!("error: only a selector (-l) or a POD name is allowed\n{}\n", ctx.usage_hint())));
    }
    if args.len() == 2 {
        if ctx.flags.has("container") {
            return fail("only one of -c or an inline [CONTAINER] arg is allowed");
        }
        ctx.flags.values.insert("container", vec![args[1].clone()]);
    }
    let all = ctx.flags.bool("all-containers");
    if all && ctx.flags.has("container") {
        return fail(format!("--all-containers=true should not be specified with container name {}", ctx.flags.get("container").unwrap_or_default()));
    }
    let mut opts = log_options(ctx)?;
    let Some(selector) = selector else {
        let pod = find_pod(ctx, &args[0], true)?;
        if let Some(stream) = pod_logs(ctx, &pod, &opts)? {
            ctx.session.stream = Some(crate::streams::ActiveStream::Logs(vec![stream]));
            ctx.out.streaming = true;
        }
        return Ok(());
    };
    // With a selector kubectl shows the last 10 lines of each pod unless --tail says otherwise.
    if !ctx.flags.has("tail") {
        opts.tail_lines = Some(SELECTOR_TAIL_LINES);
    }
    let ns = ctx.namespace();
    let pods = ctx.list_objects(resource("pods")?, Some(&ns), Some(&selector), None)?;
    if pods.is_empty() {
        ctx.stderr(&format!("No resources found in {ns} namespace.\n"));
        return Ok(());
    }
    let max = ctx.flags.int("max-log-requests").unwrap_or(MAX_FOLLOW_CONCURRENCY);
    let streams_wanted: i64 = pods.iter().map(|p| if all { every_container(p).len() as i64 } else { 1 }).sum();
    if ctx.flags.bool("follow") && streams_wanted > max {
        return fail(format!("you are attempting to follow {streams_wanted} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit"));
    }
    let mut streams = Vec::new();
    for pod in &pods {
        if let Some(stream) = pod_logs(ctx, pod, &opts)? {
            streams.push(stream);
        }
    }
    if !streams.is_empty() {
        ctx.session.stream = Some(crate::streams::ActiveStream::Logs(streams));
        ctx.out.streaming = true;
    }
    Ok(())
}

/// `--tail` kubectl uses with `-l` when none is given (`selectorTail`).
const SELECTOR_TAIL_LINES: i64 = 10;
/// `--max-log-requests` default: concurrent streams `-f` may follow.
const MAX_FOLLOW_CONCURRENCY: i64 = 5;

/// Prints one pod's logs (its chosen or all containers) and, with `-f`, returns the stream
/// that keeps following them.
fn pod_logs(ctx: &mut Ctx, pod: &Value, opts: &LogOptions) -> Result<Option<LogStream>, Fail> {
    let all = ctx.flags.bool("all-containers");
    let containers = if all { every_container(pod) } else { vec![choose_container(ctx, pod)?] };
    let (ns, name) = (s(pod, "metadata.namespace").to_string(), s(pod, "metadata.name").to_string());
    if s(pod, "spec.nodeName").is_empty() {
        // LogLocation: a pod not yet assigned to a node has an empty log (200, no body).
        // The simulated API server answers BadRequest here instead; this keeps kubectl's output.
        return Ok(None);
    }
    let follow = ctx.flags.bool("follow");
    let want_prefix = ctx.flags.bool("prefix");
    let mut followed = Vec::new();
    for c in containers {
        let prefix = want_prefix.then(|| format!("[pod/{name}/{c}] "));
        let text = match fetch(ctx, &ns, &name, &c, opts.clone()) {
            Ok(t) => t,
            Err(_) if ctx.flags.bool("ignore-errors") => continue,
            Err(e) => return Err(e),
        };
        let mut f = Followed::new(&c, prefix.clone());
        if follow {
            // Following tells new lines by their timestamps: everything logged so far counts
            // as seen, including what --tail or --limit-bytes left out of the first print.
            let whole = LogOptions { timestamps: true, tail_lines: None, limit_bytes: None, since_seconds: None, since_time: None, ..opts.clone() };
            let seen = fetch(ctx, &ns, &name, &c, whole)?;
            let _ = f.take(&seen, true);
        }
        ctx.stdout(&prefixed(&text, prefix.as_deref()));
        followed.push(f);
    }
    if !follow {
        return Ok(None);
    }
    let mut stream_opts = opts.clone();
    stream_opts.tail_lines = None;
    stream_opts.limit_bytes = None;
    let stream = LogStream::new(ns, name, stream_opts, followed);
    Ok(stream.still_running(ctx.session).then_some(stream))
}
