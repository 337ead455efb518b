//! `kubectl delete` by name, `kind/name`, `-f`, `--all` and `-l`, with `--grace-period`,
//! `--now`, `--force` (and its warning), `--cascade` and `--wait`: like kubectl it prints
//! `pod "web" deleted` as soon as the API accepts the delete, then waits (advancing
//! simulated time) until the objects are really gone.

use super::{fail, CmdResult, Ctx, Fail, Target};
use crate::value::s;
use podlab_sim::{DeleteOptions, Propagation, SimTime, Verb};

const FORCE_WARNING: &str = "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n";

/// How long `--wait` may keep the terminal busy before giving up (simulated).
const WAIT_LIMIT_MS: u64 = 10 * 60 * 1000;

fn options(ctx: &Ctx) -> Result<(DeleteOptions, bool), Fail> {
    let force = ctx.flags.bool("force");
    let mut grace = ctx.flags.int("grace-period").unwrap_or(-1);
    if ctx.flags.bool("now") {
        if ctx.flags.has("grace-period") {
            return fail("--now and --grace-period cannot be specified together");
        }
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    let propagation = match ctx.flags.get("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => return fail(format!("invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"")),
    };
    let grace_period_seconds = if grace < 0 { None } else { Some(grace) };
    Ok((DeleteOptions { grace_period_seconds, propagation, uid: None }, force && grace == 0))
}

/// Resolves what to delete: (resource, namespace, name) triples.
fn collect(ctx: &mut Ctx) -> Result<Vec<(Target, String)>, Fail> {
    let ns = ctx.namespace();
    let targets = super::builder_targets(ctx, "delete")?;
    let mut out = Vec::new();
    for t in targets {
        if !t.names.is_empty() {
            if ctx.flags.bool("all") {
                return fail("name cannot be provided when a selector is specified");
            }
            out.push((t, ns.clone()));
            continue;
        }
        for o in super::selected_objects(ctx, t.info)? {
            let obj_ns = s(&o, "metadata.namespace").to_string();
            out.push((Target { info: t.info, names: vec![s(&o, "metadata.name").to_string()] }, obj_ns));
        }
    }
    Ok(out)
}

pub fn delete(ctx: &mut Ctx) -> CmdResult {
    let (opts, immediate) = options(ctx)?;
    let items = collect(ctx)?;
    if items.is_empty() {
        ctx.stderr("No resources found\n");
        return Ok(());
    }
    if immediate {
        ctx.stderr(FORCE_WARNING);
    }
    let mut errors = Vec::new();
    let mut pending: Vec<(&'static str, String, String, String)> = Vec::new();
    // A client dry run sends nothing; a server one sends each DELETE with dryRun=All (see
    // `Ctx::submit`), so the API server's answers (NotFound, Forbidden) still show.
    let dry = super::dry_run_suffix(ctx);
    for (t, ns) in &items {
        for name in &t.names {
            if ctx.flags.get("dry-run") == Some("client") {
                ctx.stdout(&format!("{} {name:?} deleted{dry}\n", super::kind_prefix(t.info)));
                continue;
            }
            let verb = Verb::Delete { kind: t.info.kind.into(), namespace: ns.clone(), name: name.clone(), options: opts.clone() };
            match ctx.submit(verb) {
                Ok(ok) => {
                    let word = if immediate { "force deleted" } else { "deleted" };
                    ctx.stdout(&format!("{} {name:?} {word}{dry}\n", super::kind_prefix(t.info)));
                    if !dry.is_empty() {
                        continue;
                    }
                    if let podlab_sim::ApiOk::Deleted { finished: false, object } = ok {
                        let uid = podlab_sim::meta::uid(&object).to_string();
                        pending.push((t.info.kind, ns.clone(), name.clone(), uid));
                    }
                }
                Err(st) if st.reason == "NotFound" && ctx.flags.bool("ignore-not-found") => {}
                Err(st) => errors.push(Fail::Server(st)),
            }
        }
    }
    if ctx.flags.bool_or("wait", true) && !pending.is_empty() {
        wait_gone(ctx, &pending);
    }
    super::get::finish(ctx, errors)
}

/// Advances simulated time until every object in `pending` is gone (kubectl's `--wait`). Like
/// kubectl's `IsDeleted` with its UID map, an object recreated under the same name (a static
/// pod's mirror, a StatefulSet's pod) counts as gone.
fn wait_gone(ctx: &mut Ctx, pending: &[(&'static str, String, String, String)]) {
    let start = ctx.session.sim.now();
    let limit = SimTime(start.0 + WAIT_LIMIT_MS);
    loop {
        let gone = pending.iter().all(|(k, ns, n, uid)| {
            let info = podlab_api::registry::lookup(k);
            info.is_none_or(|i| match ctx.get_object(i, ns, n) {
                Err(Fail::Server(st)) => st.reason == "NotFound",
                Ok(obj) => !uid.is_empty() && podlab_sim::meta::uid(&obj) != uid.as_str(),
                Err(_) => false,
            })
        });
        if gone || ctx.session.sim.now() >= limit {
            return;
        }
        let next = SimTime(ctx.session.sim.now().0 + 1000);
        ctx.session.sim.advance_to(next);
    }
}
