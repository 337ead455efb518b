//! Commands that change live objects in place: `label`/`annotate` (`key=value`, `key-`,
//! `--overwrite`), `scale`, `patch` (merge, strategic, json), `edit`, `cordon`/`uncordon`,
//! `taint`; `rollout` lives in [`super::rollout`], `drain` in [`super::drain`].

use super::{fail, kind_prefix, parse_targets, resource, CmdResult, Ctx, Fail, Target};
use crate::value::{arr, at, b, s};
use podlab_sim::{PatchType, Verb};
use serde_json::{json, Map, Value};

pub use super::rollout::rollout;

/// Splits `label` arguments into resource words and `key=value` / `key-` changes.
fn split_changes(args: &[String]) -> (Vec<String>, Vec<(String, Option<String>)>) {
    let mut resources = Vec::new();
    let mut changes = Vec::new();
    for a in args {
        if let Some((k, v)) = a.split_once('=') {
            changes.push((k.to_string(), Some(v.to_string())));
        } else if let Some(k) = a.strip_suffix('-').filter(|_| !resources.is_empty()) {
            changes.push((k.to_string(), None));
        } else {
            resources.push(a.clone());
        }
    }
    (resources, changes)
}

/// Objects named by resource args or selected by `--all`/`-l`.
fn select(ctx: &mut Ctx, resources: &[String], verb: &str) -> Result<Vec<(Target, Value)>, Fail> {
    let targets = if !ctx.flags.all("filename").is_empty() { super::apply::targets_from_files(ctx)? } else { parse_targets(resources, verb)? };
    let ns = ctx.namespace();
    let mut out = Vec::new();
    for t in targets {
        if t.names.is_empty() {
            if !ctx.flags.bool("all") && !ctx.flags.has("selector") {
                return fail("resource(s) were provided, but no name was specified");
            }
            let sel = ctx.flags.get("selector").map(str::to_string);
            for o in ctx.list_objects(t.info, Some(&ns), sel.as_deref(), None)? {
                out.push((Target { info: t.info, names: vec![s(&o, "metadata.name").into()] }, o));
            }
            continue;
        }
        for n in &t.names {
            let o = ctx.get_object(t.info, &ns, n)?;
            out.push((Target { info: t.info, names: vec![n.clone()] }, o));
        }
    }
    Ok(out)
}

/// Sends a patch; under `--dry-run=client` nothing is sent (kubectl only prints what it would
/// do), and under `--dry-run=server` `Ctx::submit` marks the request dryRun=All.
fn patch_object(ctx: &mut Ctx, info: &podlab_api::ResourceInfo, obj: &Value, patch_type: PatchType, patch: Value) -> Result<Value, Fail> {
    if ctx.flags.get("dry-run") == Some("client") {
        return Ok(obj.clone());
    }
    let verb = Verb::Patch {
        kind: info.kind.into(),
        namespace: s(obj, "metadata.namespace").into(),
        name: s(obj, "metadata.name").into(),
        patch_type,
        patch,
    };
    Ok(ctx.submit(verb)?.into_object().unwrap_or(Value::Null))
}

/// `kubectl label` and `kubectl annotate` (`which` is the command name).
pub fn label(ctx: &mut Ctx, which: &str) -> CmdResult {
    let (resources, changes) = split_changes(&ctx.flags.positionals.clone());
    let field = if which == "label" { "labels" } else { "annotations" };
    if changes.is_empty() && !ctx.flags.bool("list") {
        return Err(Fail::Plain(format!("error: at least one {} update is required\n{}\n", if which == "label" { "label" } else { "annotation" }, ctx.usage_hint())));
    }
    if resources.is_empty() && ctx.flags.all("filename").is_empty() {
        return Err(Fail::Plain(format!("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n{}\n", ctx.usage_hint())));
    }
    let overwrite = ctx.flags.bool("overwrite");
    for (t, obj) in select(ctx, &resources, which)? {
        let current = at(&obj, &format!("metadata.{field}")).cloned().unwrap_or(json!({}));
        let mut patch = Map::new();
        for (k, v) in &changes {
            match (v, current.get(k)) {
                (Some(v), Some(old)) if old.as_str() != Some(v.as_str()) && !overwrite => {
                    return fail(format!("'{k}' already has a value ({}), and --overwrite is false", crate::value::scalar_text(old)));
                }
                (Some(v), _) => {
                    patch.insert(k.clone(), Value::String(v.clone()));
                }
                (None, Some(_)) => {
                    patch.insert(k.clone(), Value::Null);
                }
                // Only `label` reports a key it could not remove; `annotate` says nothing.
                (None, None) if which == "label" => ctx.stdout(&format!("label {k:?} not found.\n")),
                (None, None) => {}
            }
        }
        let unchanged = patch.iter().all(|(k, v)| current.get(k) == Some(v) || (v.is_null() && current.get(k).is_none()));
        let shrinks = patch.values().any(Value::is_null) && !patch.values().any(|v| !v.is_null());
        let word = match (which, unchanged, shrinks && !overwrite) {
            ("label", true, _) => "not labeled",
            ("label", false, true) => "unlabeled",
            ("label", false, false) => "labeled",
            _ => "annotated",
        };
        if !unchanged {
            patch_object(ctx, t.info, &obj, PatchType::Merge, json!({"metadata": {field: patch}}))?;
        }
        let dry = super::dry_run_suffix(ctx);
        ctx.stdout(&format!("{}/{} {word}{dry}\n", kind_prefix(t.info), s(&obj, "metadata.name")));
    }
    Ok(())
}

/// `kubectl scale TYPE NAME --replicas=N`.
pub fn scale(ctx: &mut Ctx) -> CmdResult {
    let Some(replicas) = ctx.flags.int("replicas") else {
        return fail("required flag(s) \"replicas\" not set");
    };
    if replicas < 0 {
        return fail("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
    }
    let positionals = ctx.flags.positionals.clone();
    if positionals.is_empty() && ctx.flags.all("filename").is_empty() {
        return Err(Fail::Plain(format!("error: required resource not specified\n{}\n", ctx.usage_hint())));
    }
    for (t, obj) in select(ctx, &positionals, "scale")? {
        if !matches!(t.info.kind, "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" | "Job") {
            return fail(format!("cannot scale {}", t.info.plural));
        }
        if let Some(cur) = ctx.flags.int("current-replicas") {
            let have = crate::value::i(&obj, "spec.replicas");
            if cur != have {
                return fail(format!("Expected replicas to be {cur}, was {have}"));
            }
        }
        let field = if t.info.kind == "Job" { "parallelism" } else { "replicas" };
        patch_object(ctx, t.info, &obj, PatchType::Merge, json!({"spec": {field: replicas}}))?;
        let dry = super::dry_run_suffix(ctx);
        ctx.stdout(&format!("{}/{} scaled{dry}\n", kind_prefix(t.info), s(&obj, "metadata.name")));
    }
    Ok(())
}

/// Reads a patch given as JSON or YAML, as kubectl does.
fn parse_patch(text: &str) -> Result<Value, Fail> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Ok(v);
    }
    match podlab_api::manifest::parse(text).into_iter().next() {
        Some(Ok(doc)) => Ok(doc.into_json()),
        Some(Err(e)) => fail(format!("unable to parse {text:?}: {}", e.message.trim_start_matches("error converting YAML to JSON: "))),
        None => fail(format!("unable to parse {text:?}: empty patch")),
    }
}

/// `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`.
pub fn patch(ctx: &mut Ctx) -> CmdResult {
    let text = match (ctx.flags.get("patch"), ctx.flags.get("patch-file")) {
        (Some(p), _) => p.to_string(),
        (None, Some(f)) => ctx.session.read_file(f).map(str::to_string).ok_or_else(|| Fail::Error(format!("unable to read patch file: open {f}: no such file or directory")))?,
        (None, None) => return fail("must specify --patch or --patch-file containing the contents of the patch"),
    };
    let patch_type = match ctx.flags.get("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => return fail(format!("--type must be one of [json merge strategic], not {other:?}")),
    };
    let patch = parse_patch(&text)?;
    let positionals = ctx.flags.positionals.clone();
    for (t, obj) in select(ctx, &positionals, "patch")? {
        if ctx.flags.get("dry-run") == Some("client") {
            // Patched locally, nothing sent. A JSON patch is taken to change the object; merge
            // and strategic patches are merged (list merge keys aside) to tell "no change".
            let mut local = obj.clone();
            json_merge(&mut local, &patch);
            let word = if patch_type != PatchType::Json && local == obj { "patched (no change)" } else { "patched" };
            // Unlike label or scale, kubectl's patch prints no "(dry run)" (checked on 1.33.1).
            ctx.stdout(&format!("{}/{} {word}\n", kind_prefix(t.info), s(&obj, "metadata.name")));
            continue;
        }
        let response = if ctx.flags.get("subresource") == Some("status") {
            let mut merged = obj.clone();
            json_merge(&mut merged, &patch);
            ctx.submit(Verb::UpdateStatus { object: merged })?
        } else {
            let verb = Verb::Patch { kind: t.info.kind.into(), namespace: s(&obj, "metadata.namespace").into(), name: s(&obj, "metadata.name").into(), patch_type, patch: patch.clone() };
            ctx.submit(verb)?
        };
        // A patch that removed the last finalizer of a deleted object made the API server
        // delete it: that is a change even though the answer carries the object as it was.
        let finalized = matches!(response, podlab_sim::ApiOk::Deleted { finished: true, .. });
        let patched = response.into_object().unwrap_or(Value::Null);
        let same = !finalized && strip_rv(&patched) == strip_rv(&obj);
        let word = if same { "patched (no change)" } else { "patched" };
        ctx.stdout(&format!("{}/{} {word}\n", kind_prefix(t.info), s(&obj, "metadata.name")));
    }
    Ok(())
}

fn strip_rv(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.pointer_mut("/metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
        m.remove("managedFields");
        m.remove("generation");
    }
    v
}

/// RFC 7386 merge of `patch` into `target`.
pub fn json_merge(target: &mut Value, patch: &Value) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    if let Value::Object(t) = target {
        for (k, v) in p {
            if v.is_null() {
                t.remove(k);
            } else {
                json_merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
    }
}

const EDIT_HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// `kubectl edit TYPE NAME`: with a heredoc the heredoc is the edited text; without one the
/// session keeps the edit open for the terminal's editor (see `Session::finish_edit`).
pub fn edit(ctx: &mut Ctx) -> CmdResult {
    let positionals = ctx.flags.positionals.clone();
    if positionals.is_empty() && ctx.flags.all("filename").is_empty() {
        return Err(Fail::Plain("error: you must provide one or more resources by argument or filename\n".into()));
    }
    let objs = select(ctx, &positionals, "edit")?;
    let Some((t, obj)) = objs.into_iter().next() else { return Ok(()) };
    let shown = super::get::for_output(obj.clone(), false);
    let original = format!("{EDIT_HEADER}{}", crate::yaml::to_yaml(&shown));
    match ctx.stdin {
        Some(edited) => {
            let edited = edited.to_string();
            save_edit(ctx, t.info, &obj, &original, &edited)
        }
        None => {
            ctx.session.pending_edit = Some(crate::session::PendingEdit { kind: t.info.kind, object: obj, text: original.clone() });
            ctx.stdout(&original);
            Ok(())
        }
    }
}

/// Submits an edited text the way kubectl edit does after the editor closes.
pub fn save_edit(ctx: &mut Ctx, info: &podlab_api::ResourceInfo, live: &Value, original: &str, edited: &str) -> CmdResult {
    let strip = |t: &str| t.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    if strip(edited).trim().is_empty() {
        ctx.stdout("Edit cancelled, saved file was empty.\n");
        return Ok(());
    }
    if strip(edited) == strip(original) {
        ctx.stdout("Edit cancelled, no changes made.\n");
        return Ok(());
    }
    let new = parse_patch(&strip(edited))?;
    let mut obj = new;
    if let (Some(m), Some(rv)) = (obj.pointer_mut("/metadata").and_then(Value::as_object_mut), live.pointer("/metadata/resourceVersion")) {
        m.insert("resourceVersion", rv.clone());
    }
    ctx.submit(Verb::Update { object: obj })?;
    ctx.stdout(&format!("{}/{} edited\n", kind_prefix(info), s(live, "metadata.name")));
    Ok(())
}

/// `kubectl cordon|uncordon NODE`.
pub fn cordon(ctx: &mut Ctx, on: bool) -> CmdResult {
    let names = ctx.flags.positionals.clone();
    if names.is_empty() && !ctx.flags.has("selector") {
        return Err(Fail::Plain(format!("error: USAGE: {} NODE [flags]\n{}\n", if on { "cordon" } else { "uncordon" }, ctx.usage_hint())));
    }
    let info = resource("nodes")?;
    for name in names {
        let node = ctx.get_object(info, "", &name)?;
        let word = if on { "cordoned" } else { "uncordoned" };
        if b(&node, "spec.unschedulable") == on {
            ctx.stdout(&format!("node/{name} already {word}\n"));
            continue;
        }
        let value = if on { json!(true) } else { Value::Null };
        patch_object(ctx, info, &node, PatchType::Strategic, json!({"spec": {"unschedulable": value}}))?;
        let dry = super::dry_run_suffix(ctx);
        ctx.stdout(&format!("node/{name} {word}{dry}\n"));
    }
    Ok(())
}

/// `kubectl taint nodes NODE key[=value]:Effect` (and `key[:Effect]-` to remove).
pub fn taint(ctx: &mut Ctx) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    if args.len() < 2 {
        return Err(Fail::Plain(format!("error: at least one taint update is required\n{}\n", ctx.usage_hint())));
    }
    let (res, specs): (Vec<String>, Vec<String>) = if args[0].contains('/') { (vec![args[0].clone()], args[1..].to_vec()) } else { (args[..2].to_vec(), args[2..].to_vec()) };
    if specs.is_empty() {
        return Err(Fail::Plain(format!("error: at least one taint update is required\n{}\n", ctx.usage_hint())));
    }
    for (t, node) in select(ctx, &res, "taint")? {
        let mut taints: Vec<Value> = arr(&node, "spec.taints").to_vec();
        let mut removed = false;
        let mut added = false;
        for spec in &specs {
            if let Some(rm) = spec.strip_suffix('-') {
                let (key, effect) = rm.split_once(':').map(|(k, e)| (k, Some(e))).unwrap_or((rm, None));
                let before = taints.len();
                taints.retain(|x| !(s(x, "key") == key && effect.is_none_or(|e| s(x, "effect") == e)));
                if taints.len() == before {
                    return fail(format!("taint {key:?} not found"));
                }
                removed = true;
                continue;
            }
            let Some((kv, effect)) = spec.rsplit_once(':') else {
                return fail(format!("unknown taint spec: {spec}"));
            };
            if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect) {
                return fail(format!("invalid taint effect: {effect}, unsupported taint effect"));
            }
            let (key, value) = kv.split_once('=').unwrap_or((kv, ""));
            if taints.iter().any(|x| s(x, "key") == key && s(x, "effect") == effect) {
                if !ctx.flags.bool("overwrite") {
                    return fail(format!("node {} already has {key} taint(s) with same effect(s) and --overwrite is false", s(&node, "metadata.name")));
                }
                taints.retain(|x| !(s(x, "key") == key && s(x, "effect") == effect));
            }
            let mut taint = json!({"effect": effect, "key": key});
            if !value.is_empty() {
                taint["value"] = json!(value);
            }
            taints.push(taint);
            added = true;
        }
        let value = if taints.is_empty() { Value::Null } else { Value::Array(taints) };
        patch_object(ctx, t.info, &node, PatchType::Merge, json!({"spec": {"taints": value}}))?;
        let word = if removed && !added { "untainted" } else { "tainted" };
        // taint prints no "(dry run)" (checked on kubectl 1.33.1), unlike cordon.
        ctx.stdout(&format!("node/{} {word}\n", s(&node, "metadata.name")));
    }
    Ok(())
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...` (`*=IMAGE` sets every container).
pub fn set_image(ctx: &mut Ctx) -> CmdResult {
    let (resources, changes) = split_changes(&ctx.flags.positionals.clone());
    if changes.is_empty() {
        return Err(Fail::Plain(format!("error: at least one image update is required\n{}\n", ctx.usage_hint())));
    }
    for (t, obj) in select(ctx, &resources, "set")? {
        let path = if t.info.kind == "Pod" { "spec" } else { "spec.template.spec" };
        let mut containers: Vec<Value> = arr(&obj, &format!("{path}.containers")).to_vec();
        for (name, image) in &changes {
            let image = image.clone().unwrap_or_default();
            let mut hit = false;
            for c in containers.iter_mut().filter(|c| name.as_str() == "*" || s(c, "name") == name.as_str()) {
                c["image"] = Value::String(image.clone());
                hit = true;
            }
            if !hit {
                return fail(format!("unable to find container named {name:?}"));
            }
        }
        let mut patch = json!({"containers": containers});
        for seg in path.split('.').rev() {
            patch = json!({ seg: patch });
        }
        patch_object(ctx, t.info, &obj, PatchType::Strategic, patch)?;
        let dry = super::dry_run_suffix(ctx);
        ctx.stdout(&format!("{}/{} image updated{dry}\n", kind_prefix(t.info), s(&obj, "metadata.name")));
    }
    Ok(())
}
