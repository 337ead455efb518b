//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE... [--address ...]`, resolved the way
//! kubectl 1.33 resolves it: a Service, Deployment, ReplicaSet or Job stands for its most
//! active Pod (`AttachablePodForObjectFn`), a Service port is translated to the Pod's target
//! port and named ports to numbers, the Pod must be Running, and each local address must be
//! free (`Unable to listen on port ...`). Successful forwards print kubectl's
//! `Forwarding from 127.0.0.1:8080 -> 80` lines and are recorded in the session (the UI lists
//! the forwarded local ports); `curl` to a forwarded port carries HTTP into the Pod
//! (`super::curl`).

use super::{fail, resource, CmdResult, Ctx, Fail};
use crate::session::Session;
use crate::value::{arr, i, s};
use serde_json::Value;

/// Where the OS hands out a port for `:80` (local port 0); Linux's ephemeral range starts here.
const EPHEMERAL_PORT_FIRST: u16 = 32768;

/// `splitPort`: `8080:80` -> (8080, 80); `80` -> (80, 80).
fn split_port(spec: &str) -> (&str, &str) {
    spec.split_once(':').unwrap_or((spec, spec))
}

fn parse_u16(which: &str, text: &str) -> Result<u16, Fail> {
    let reason = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) { "value out of range" } else { "invalid syntax" };
    text.parse::<u16>().map_err(|_| Fail::Error(format!("error parsing {which} port '{text}': strconv.ParseUint: parsing {text:?}: {reason}")))
}

/// A container port of `pod` by name (`LookupContainerPortNumberByName`).
fn named_container_port(pod: &Value, name: &str) -> Result<String, Fail> {
    let all = arr(pod, "spec.containers").iter().chain(arr(pod, "spec.initContainers"));
    all.flat_map(|c| arr(c, "ports").iter())
        .find(|p| s(p, "name") == name)
        .map(|p| i(p, "containerPort").to_string())
        .ok_or_else(|| Fail::Error(format!("Pod '{}' does not have a named port '{name}'", s(pod, "metadata.name"))))
}

/// `translateServicePortToTargetPort` for one `[LOCAL:]REMOTE` spec against a Service.
fn service_port(svc: &Value, pod: &Value, spec: &str) -> Result<String, Fail> {
    let name = s(svc, "metadata.name");
    let (mut local, remote) = split_port(spec);
    let ports = arr(svc, "spec.ports");
    let port_num: i64 = match remote.parse::<i64>() {
        Ok(n) => n,
        Err(_) => {
            let p = ports.iter().find(|p| s(p, "name") == remote).ok_or_else(|| Fail::Error(format!("Service '{name}' does not have a named port '{remote}'")))?;
            i(p, "port")
        }
    };
    let by_name = remote.parse::<i64>().is_err();
    let svc_port = ports.iter().find(|p| i(p, "port") == port_num).ok_or_else(|| Fail::Error(format!("Service {name} does not have a service port {port_num}")))?;
    let target = match svc_port.get("targetPort") {
        _ if s(svc, "spec.clusterIP") == "None" => port_num.to_string(),
        Some(Value::String(n)) => named_container_port(pod, n)?,
        Some(Value::Number(n)) if n.as_i64() != Some(0) => n.to_string(),
        _ => port_num.to_string(),
    };
    let local_owned;
    if by_name && local == remote {
        local_owned = port_num.to_string();
        local = &local_owned;
    }
    Ok(if local != target { format!("{local}:{target}") } else { target })
}

/// `convertPodNamedPortToNumber` for one spec against a Pod.
fn pod_port(pod: &Value, spec: &str) -> Result<String, Fail> {
    let (local, remote) = split_port(spec);
    if remote.is_empty() {
        return fail("remote port cannot be empty");
    }
    let number = if remote.parse::<i64>().is_ok() { remote.to_string() } else { named_container_port(pod, remote)? };
    Ok(if local != remote { format!("{local}:{number}") } else { number })
}

/// `podutils.ActivePods` reversed: the Pod `kubectl port-forward svc/...` picks (bound before
/// unbound, Running before Pending, Ready before not, fewer restarts, older, then by name).
fn most_active(pods: Vec<Value>) -> Option<Value> {
    let rank = |p: &Value| {
        let phase = match s(p, "status.phase") {
            "Running" => 2,
            "Unknown" => 1,
            _ => 0,
        };
        let ready = arr(p, "status.conditions").iter().any(|c| s(c, "type") == "Ready" && s(c, "status") == "True");
        let restarts: i64 = arr(p, "status.containerStatuses").iter().map(|c| i(c, "restartCount")).sum();
        (!s(p, "spec.nodeName").is_empty(), phase, ready, -restarts)
    };
    let mut best: Option<Value> = None;
    for p in pods.into_iter().filter(|p| s(p, "metadata.deletionTimestamp").is_empty()) {
        let better = best.as_ref().is_none_or(|b| {
            let (rp, rb) = (rank(&p), rank(b));
            rp > rb || (rp == rb && (s(&p, "metadata.creationTimestamp"), s(&p, "metadata.name")) < (s(b, "metadata.creationTimestamp"), s(b, "metadata.name")))
        });
        if better {
            best = Some(p);
        }
    }
    best
}

/// The Pod a port-forward target stands for.
fn pod_for(ctx: &mut Ctx, kind: &str, obj: &Value) -> Result<Value, Fail> {
    let selector = match kind {
        "Pod" => return Ok(obj.clone()),
        "Service" => crate::value::map(obj, "spec.selector").iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        "Deployment" | "ReplicaSet" | "Job" => crate::value::map(obj, "spec.selector.matchLabels").iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        other => return fail(format!("cannot attach to *v1.{other}: not implemented")),
    };
    let ns = s(obj, "metadata.namespace").to_string();
    let pods = ctx.list_objects(resource("pods")?, Some(&ns), Some(&selector), None)?;
    // Real kubectl waits --pod-running-timeout (1m) for a Pod to appear, then gives up.
    most_active(pods).ok_or_else(|| Fail::Error("timed out waiting for the condition".into()))
}

/// The listen addresses of `--address` (`localhost` is both loopbacks, either may fail).
fn addresses(ctx: &Ctx) -> Result<Vec<(&'static str, String)>, Fail> {
    let mut given: Vec<String> = ctx.flags.all("address").iter().flat_map(|a| a.split(',').map(str::to_string)).collect();
    if given.is_empty() {
        given.push("localhost".into());
    }
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for a in given {
        let parsed: Vec<(&'static str, String)> = match a.as_str() {
            "localhost" => vec![("tcp4", "127.0.0.1".into()), ("tcp6", "::1".into())],
            ip if ip.parse::<std::net::Ipv4Addr>().is_ok() => vec![("tcp4", ip.to_string())],
            ip if ip.parse::<std::net::Ipv6Addr>().is_ok() => vec![("tcp6", ip.to_string())],
            other => return fail(format!("{other} is not a valid IP")),
        };
        for p in parsed {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") }
}

pub fn port_forward(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    if args.len() < 2 {
        return Err(Fail::Plain(format!("error: TYPE/NAME and list of ports are required for port-forward\n{}\n", ctx.usage_hint())));
    }
    let (kind, name) = args[0].split_once('/').unwrap_or(("pods", args[0].as_str()));
    let info = resource(kind)?;
    let ns = ctx.namespace();
    let obj = ctx.get_object(info, &ns, name)?;
    let pod = pod_for(ctx, info.kind, &obj)?;
    let specs: Vec<String> = args[1..]
        .iter()
        .map(|spec| if info.kind == "Service" { service_port(&obj, &pod, spec) } else { pod_port(&pod, spec) })
        .collect::<Result<_, _>>()?;
    let addrs = addresses(ctx)?;
    let phase = s(&pod, "status.phase");
    if phase != "Running" {
        return fail(format!("unable to forward port because pod is not running. Current status={phase}"));
    }
    let mut ports: Vec<(u16, u16)> = Vec::new();
    for spec in &specs {
        let (local, remote) = match spec.split(':').count() {
            1 => (spec.as_str(), spec.as_str()),
            2 => spec.split_once(':').map(|(l, r)| (if l.is_empty() { "0" } else { l }, r)).unwrap_or((spec.as_str(), spec.as_str())),
            _ => return fail(format!("invalid port format '{spec}'")),
        };
        let (local, remote) = (parse_u16("local", local)?, parse_u16("remote", remote)?);
        if remote == 0 {
            return fail("remote port must be > 0");
        }
        ports.push((local, remote));
    }
    // ForwardPorts upgrades the connection to the pod's kubelet before it listens locally.
    if let Err(st) = ctx.session.sim.port_forward_dial(&ns, s(&pod, "metadata.name")) {
        return fail(format!("error upgrading connection: {}", st.message));
    }
    listen(ctx, &ns, s(&pod, "metadata.name"), &addrs, &ports)
}

/// `ForwardPorts`: binds every address of every port, printing what kubectl prints.
fn listen(ctx: &mut Ctx, ns: &str, pod: &str, addrs: &[(&'static str, String)], ports: &[(u16, u16)]) -> CmdResult {
    let mut any = false;
    for &(local, remote) in ports {
        let local = if local == 0 { free_port(ctx.session) } else { local };
        let taken = ctx.session.port_forwards.iter().any(|f| f.0 == local);
        if taken {
            let errors: Vec<String> = addrs
                .iter()
                .map(|(proto, host)| format!("unable to create listener: Error listen {proto} {}: bind: address already in use", join_host_port(host, local)))
                .collect();
            ctx.stderr(&format!("Unable to listen on port {local}: Listeners failed to create with the following errors: [{}]\n", errors.join(" ")));
            continue;
        }
        any = true;
        for (_, host) in addrs {
            ctx.stdout(&format!("Forwarding from {} -> {remote}\n", join_host_port(host, local)));
        }
        ctx.session.port_forwards.push((local, ns.to_string(), pod.to_string(), remote));
    }
    if !any {
        let list: Vec<String> = ports.iter().map(|(l, r)| format!("{{{l} {r}}}")).collect();
        return fail(format!("unable to listen on any of the requested ports: [{}]", list.join(" ")));
    }
    ctx.out.streaming = true;
    Ok(())
}

/// The local port the OS would hand out for `:REMOTE`: the first free one of the ephemeral
/// range (deterministic, so transcripts are stable).
fn free_port(session: &Session) -> u16 {
    (EPHEMERAL_PORT_FIRST..=u16::MAX).find(|p| !session.port_forwards.iter().any(|f| f.0 == *p)).unwrap_or(EPHEMERAL_PORT_FIRST)
}

/// `curl` on the learner's machine: it reaches pods through the ports forwarded here.
pub use super::curl::curl;
