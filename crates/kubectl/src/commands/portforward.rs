//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE`: checks the pod is running, records the
//! forward in the session (the UI lists the forwarded local ports) and prints kubectl's
//! `Forwarding from 127.0.0.1:8080 -> 80` lines. `curl` on a forwarded port needs the
//! simulated network to answer HTTP, which it does not do yet.

use super::{fail, resource, CmdResult, Ctx, Fail};
use crate::output::CommandOutput;
use crate::session::Session;
use crate::value::s;

fn parse_ports(spec: &str) -> Result<(u16, u16), Fail> {
    let (local, remote) = spec.split_once(':').unwrap_or((spec, spec));
    let local = if local.is_empty() { remote } else { local };
    let p = |x: &str| x.parse::<u16>().map_err(|_| Fail::Error(format!("Error parsing local port '{x}': strconv.ParseUint: parsing {x:?}: invalid syntax")));
    Ok((p(local)?, p(remote)?))
}

pub fn port_forward(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    if args.len() < 2 {
        return Err(Fail::Plain(format!("error: TYPE/NAME and list of ports are required for port-forward\n{}\n", ctx.usage_hint())));
    }
    let target = &args[0];
    let (kind, name) = target.split_once('/').unwrap_or(("pods", target));
    let info = resource(kind)?;
    let ns = ctx.namespace();
    let obj = ctx.get_object(info, &ns, name)?;
    if info.kind == "Pod" && s(&obj, "status.phase") != "Running" {
        return fail(format!("unable to forward port because pod is not running. Current status={}", s(&obj, "status.phase")));
    }
    let mut forwards = Vec::new();
    for spec in &args[1..] {
        forwards.push(parse_ports(spec)?);
    }
    for (local, remote) in &forwards {
        ctx.stdout(&format!("Forwarding from 127.0.0.1:{local} -> {remote}\nForwarding from [::1]:{local} -> {remote}\n"));
        ctx.session.port_forwards.push((*local, ns.clone(), name.to_string(), *remote));
    }
    ctx.out.streaming = true;
    Ok(())
}

/// `curl http://localhost:PORT/...` in the lesson terminal.
pub fn curl(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let Some(url) = args.iter().find(|a| !a.starts_with('-')) else {
        out.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
        out.exit_code = 2;
        return;
    };
    let rest = url.trim_start_matches("http://");
    let hostport = rest.split('/').next().unwrap_or(rest);
    let (host, port) = hostport.split_once(':').unwrap_or((hostport, "80"));
    let port: u16 = port.parse().unwrap_or(80);
    let local = matches!(host, "localhost" | "127.0.0.1");
    if !local || !session.port_forwards.iter().any(|p| p.0 == port) {
        let shown = if local { "localhost" } else { host };
        out.err(&format!("curl: (7) Failed to connect to {shown} port {port} after 0 ms: Couldn't connect to server\n"));
        out.exit_code = 7;
        return;
    }
    // The port is forwarded, but the simulated network cannot carry HTTP to the pod yet.
    out.err("podlab: HTTP through a forwarded port is not simulated yet\n");
    out.exit_code = 1;
}
