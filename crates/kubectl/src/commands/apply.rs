//! Manifest-driven commands: `apply -f` (client-side apply with the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation; `created`, `configured` or
//! `unchanged`), `create -f` and `replace -f` (also `--subresource=status` and `--force`), and
//! reading `-f` arguments (workspace files, directories, `-` for stdin, multi-document YAML).

use super::{dry_run_suffix, fail, kind_prefix, resource, CmdResult, Ctx, Fail, Target};
use crate::jsonfmt::to_compact;
use crate::value::s;
use podlab_api::decode::DecodeErrorKind;
use podlab_api::manifest;
use podlab_sim::{PatchType, Status, Verb};
use serde_json::{Map, Value};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// One object read from a manifest, with the file it came from.
pub struct Manifest {
    pub source: String,
    pub object: Value,
}

/// The files named by `-f` (a directory means its .yaml/.yml/.json files).
fn expand_files(ctx: &Ctx, names: &[String]) -> Result<Vec<(String, String)>, Fail> {
    let mut out = Vec::new();
    for name in names {
        if name == "-" {
            out.push(("STDIN".to_string(), ctx.stdin.unwrap_or("").to_string()));
            continue;
        }
        if let Some(text) = ctx.session.read_file(name) {
            out.push((name.clone(), text.to_string()));
            continue;
        }
        let dir = format!("{}/", crate::session::normalize_path(name));
        let in_dir: Vec<(String, String)> = ctx
            .session
            .files
            .iter()
            .filter(|(p, _)| p.starts_with(&dir) && [".yaml", ".yml", ".json"].iter().any(|e| p.ends_with(e)))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        if in_dir.is_empty() && !ctx.session.files.keys().any(|p| p.starts_with(&dir)) {
            return fail(format!("the path {name:?} does not exist"));
        }
        out.extend(in_dir);
    }
    Ok(out)
}

/// Reads and decodes every object of every `-f` file, failing the way kubectl's builder does.
pub fn read_manifests(ctx: &mut Ctx) -> Result<Vec<Manifest>, Fail> {
    let names = ctx.flags.all("filename");
    if names.is_empty() {
        return fail("must specify one of -f and -k");
    }
    let mut out = Vec::new();
    for (source, text) in expand_files(ctx, &names)? {
        for doc in manifest::parse(&text) {
            let doc = doc.map_err(|e| Fail::Error(format!("error parsing {source}: {}", e.message)))?;
            if doc.is_empty() {
                continue;
            }
            for item in doc.items() {
                check_decodable(&source, &item.json)?;
                out.push(Manifest { source: source.clone(), object: item.json });
            }
        }
    }
    if out.is_empty() {
        return fail("no objects passed to apply");
    }
    Ok(out)
}

/// The client-side checks kubectl makes before sending (kind present, kind known).
fn check_decodable(source: &str, json: &Value) -> CmdResult {
    match podlab_api::Object::from_json_value(json) {
        Err(e) if matches!(e.kind, DecodeErrorKind::MissingKind | DecodeErrorKind::MissingApiVersion) => {
            // Schema pre-check failures and decoder failures carry different kubectl prefixes.
            let prefix = if e.message.starts_with("error validating data") { "error validating" } else { "unable to decode" };
            fail(format!("{prefix} {source:?}: {}", e.message))
        }
        Err(e) if e.kind == DecodeErrorKind::NoKindMatch => fail(format!(
            "resource mapping not found for name: {:?} namespace: {:?} from {source:?}: {}\nensure CRDs are installed first",
            s(json, "metadata.name"),
            s(json, "metadata.namespace"),
            e.message
        )),
        _ => Ok(()),
    }
}

/// `-f` targets for get/describe/delete: one per object, by kind and name.
pub fn targets_from_files(ctx: &mut Ctx) -> Result<Vec<Target>, Fail> {
    let mut out: Vec<Target> = Vec::new();
    for m in read_manifests(ctx)? {
        let info = resource(s(&m.object, "kind"))?;
        out.push(Target { info, names: vec![s(&m.object, "metadata.name").to_string()] });
    }
    Ok(out)
}

/// Sets the object's namespace from `-n`/context, rejecting a conflicting one.
fn place(ctx: &Ctx, obj: &mut Value) -> CmdResult {
    let info = resource(s(obj, "kind"))?;
    if !info.namespaced {
        return Ok(());
    }
    let ns = ctx.namespace();
    let own = s(obj, "metadata.namespace").to_string();
    if !own.is_empty() && own != ns && ctx.flags.has("namespace") {
        return fail(format!(
            "the namespace from the provided object {own:?} does not match the namespace {ns:?}. You must pass '--namespace={own}' to perform this operation."
        ));
    }
    if own.is_empty() {
        if let Some(m) = obj.as_object_mut() {
            let meta = m.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
            if let Some(mm) = meta.as_object_mut() {
                mm.insert("namespace", Value::String(ns));
            }
        }
    }
    Ok(())
}

/// kubectl's `error when creating "file": ...` wrapping of server errors.
fn wrap(st: Status, action: &str, source: &str) -> Fail {
    if st.reason == "Invalid" || st.reason == "Unauthorized" {
        return Fail::Server(st);
    }
    Fail::Server(Status { message: format!("error when {action} {source:?}: {}", st.message), ..st })
}

fn report(ctx: &mut Ctx, obj: &Value, verb: &str) -> CmdResult {
    let info = resource(s(obj, "kind"))?;
    match ctx.flags.get("output") {
        Some(o) if !o.is_empty() => {
            let format = super::get::parse_format(o)?;
            super::get::print_objects(ctx, &format, std::slice::from_ref(obj), true)
        }
        _ => {
            let suffix = dry_run_suffix(ctx);
            ctx.stdout(&format!("{}/{} {verb}{suffix}\n", kind_prefix(info), s(obj, "metadata.name")));
            Ok(())
        }
    }
}

fn with_annotation(obj: &Value, key: &str, value: &str) -> Value {
    let mut o = obj.clone();
    if let Some(m) = o.as_object_mut() {
        let meta = m.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
        if let Some(mm) = meta.as_object_mut() {
            let ann = mm.entry("annotations").or_insert_with(|| Value::Object(Map::new()));
            if let Some(a) = ann.as_object_mut() {
                a.insert(key, Value::String(value.into()));
            }
        }
    }
    o
}

/// The JSON kubectl records as last-applied: the config without that annotation, compact.
fn last_applied_text(obj: &Value) -> String {
    let mut o = obj.clone();
    if let Some(a) = o.pointer_mut("/metadata/annotations").and_then(Value::as_object_mut) {
        a.remove(LAST_APPLIED);
        if a.is_empty() {
            if let Some(m) = o.pointer_mut("/metadata").and_then(Value::as_object_mut) {
                m.remove("annotations");
            }
        }
    }
    format!("{}\n", to_compact(&o))
}

/// The strategic-merge key of a list of objects (`containers` by name, `ports` by
/// containerPort, `volumeMounts` by mountPath), if every element of `list` has it.
fn merge_key(list: &[Value]) -> Option<&'static str> {
    ["name", "containerPort", "mountPath", "ip", "devicePath"]
        .into_iter()
        .find(|k| !list.is_empty() && list.iter().all(|e| e.get(*k).is_some()))
}

/// Whether a keyed list in `modified` already holds in `live`: every element matches the
/// live element with the same key, ignoring fields the server filled in.
fn keyed_list_same(original: &Value, modified: &[Value], live: &[Value]) -> bool {
    let Some(key) = merge_key(modified) else { return false };
    if modified.len() != live.len() {
        return false;
    }
    modified.iter().all(|m| {
        let Some(l) = live.iter().find(|l| l.get(key) == m.get(key)) else { return false };
        let o = original.as_array().and_then(|a| a.iter().find(|o| o.get(key) == m.get(key))).unwrap_or(&Value::Null);
        match (m, l) {
            (Value::Object(_), Value::Object(_)) => three_way(o, m, l).is_empty(),
            _ => m == l,
        }
    })
}

/// A merge patch taking `live` to `modified`, deleting what `original` had and `modified`
/// dropped; like kubectl's three-way strategic merge, fields the server defaulted are kept.
fn three_way(original: &Value, modified: &Value, live: &Value) -> Map<String, Value> {
    let mut patch = Map::new();
    if let (Some(m), Some(l)) = (modified.as_object(), live.as_object()) {
        for (k, mv) in m {
            match (mv, l.get(k)) {
                (Value::Object(_), Some(lv @ Value::Object(_))) => {
                    let sub = three_way(original.get(k).unwrap_or(&Value::Null), mv, lv);
                    if !sub.is_empty() {
                        patch.insert(k.clone(), Value::Object(sub));
                    }
                }
                (Value::Array(ma), Some(Value::Array(la))) if keyed_list_same(original.get(k).unwrap_or(&Value::Null), ma, la) => {}
                (mv, Some(lv)) if mv == lv => {}
                (mv, _) => {
                    patch.insert(k.clone(), mv.clone());
                }
            }
        }
    }
    if let (Some(o), Some(m)) = (original.as_object(), modified.as_object()) {
        for k in o.keys() {
            if !m.contains_key(k) && live.get(k).is_some() {
                patch.insert(k.clone(), Value::Null);
            }
        }
    }
    patch
}

fn apply_one(ctx: &mut Ctx, m: &Manifest) -> CmdResult {
    let mut obj = m.object.clone();
    place(ctx, &mut obj)?;
    let info = resource(s(&obj, "kind"))?;
    let name = s(&obj, "metadata.name").to_string();
    let ns = s(&obj, "metadata.namespace").to_string();
    let applied = with_annotation(&obj, LAST_APPLIED, &last_applied_text(&obj));
    let live = match ctx.get_object(info, &ns, &name) {
        Ok(v) => Some(v),
        Err(Fail::Server(st)) if st.reason == "NotFound" => None,
        Err(Fail::Server(st)) => return Err(wrap(st, "retrieving current configuration of:", &m.source)),
        Err(e) => return Err(e),
    };
    let dry = ctx.flags.get("dry-run").is_some_and(|d| d == "client");
    let Some(live) = live else {
        if dry {
            return report(ctx, &applied, "created");
        }
        let created = ctx.submit(Verb::Create { object: applied }).map_err(|st| wrap(st, "creating", &m.source))?;
        return report(ctx, created.object().unwrap_or(&Value::Null), "created");
    };
    let original: Value = crate::value::at(&live, "metadata.annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let patch = three_way(&original, &applied, &live);
    if patch.is_empty() {
        return report(ctx, &live, "unchanged");
    }
    if dry {
        return report(ctx, &live, "configured");
    }
    let verb = Verb::Patch { kind: info.kind.into(), namespace: ns, name, patch_type: PatchType::Strategic, patch: Value::Object(patch) };
    let patched = ctx.submit(verb).map_err(|st| wrap(st, "patching", &m.source))?;
    report(ctx, patched.object().unwrap_or(&live), "configured")
}

/// `kubectl apply -f`.
pub fn apply(ctx: &mut Ctx) -> CmdResult {
    if ctx.flags.all("filename").is_empty() && !ctx.flags.has("kustomize") {
        return fail("must specify one of -f and -k");
    }
    let manifests = read_manifests(ctx)?;
    let mut errors = Vec::new();
    for m in &manifests {
        if let Err(e) = apply_one(ctx, m) {
            errors.push(e);
        }
    }
    super::get::finish(ctx, errors)
}

/// `kubectl create -f`.
pub fn create_from_file(ctx: &mut Ctx) -> CmdResult {
    if !ctx.flags.positionals.is_empty() {
        let args = ctx.flags.positionals.join(" ");
        return Err(Fail::Plain(format!("error: Unexpected args: [{args}]\n{}\n", ctx.usage_hint())));
    }
    if ctx.flags.all("filename").is_empty() {
        return fail("must specify one of -f and -k");
    }
    let manifests = read_manifests(ctx)?;
    let mut errors = Vec::new();
    for m in &manifests {
        let mut obj = m.object.clone();
        let result = place(ctx, &mut obj).and_then(|_| {
            if ctx.flags.bool("save-config") {
                obj = with_annotation(&obj, LAST_APPLIED, &last_applied_text(&obj));
            }
            if ctx.flags.get("dry-run") == Some("client") {
                return report(ctx, &obj, "created");
            }
            let created = ctx.submit(Verb::Create { object: obj.clone() }).map_err(|st| wrap(st, "creating", &m.source))?;
            report(ctx, created.object().unwrap_or(&obj), "created")
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
    super::get::finish(ctx, errors)
}

/// `kubectl replace -f` (PUT; `--subresource=status` writes only status; `--force` deletes first).
pub fn replace(ctx: &mut Ctx) -> CmdResult {
    if ctx.flags.all("filename").is_empty() {
        // Complete builds the resource builder before Validate could say "must specify
        // --filename to replace", so this is the error kubectl 1.33 prints.
        return fail("must specify one of -f and -k");
    }
    let manifests = read_manifests(ctx)?;
    let status_only = match ctx.flags.get("subresource") {
        None => false,
        Some("status") => true,
        // kubectl 1.33 accepts `scale`, but a Scale manifest has no REST mapping (reading it
        // already failed with kubectl's `no matches for kind "Scale"` error, as on a real
        // cluster), and PUTting a workload manifest to its scale subresource needs the API
        // server's scale endpoint, which the simulated API server does not serve.
        Some("scale") => return fail("replace --subresource=scale is not supported in Podlab's simulated cluster"),
        Some(other) => return fail(format!("invalid subresource value: {other:?}. Must be one of [status scale]")),
    };
    let mut errors = Vec::new();
    for m in &manifests {
        let mut obj = m.object.clone();
        let result = place(ctx, &mut obj).and_then(|_| replace_one(ctx, obj, &m.source, status_only));
        if let Err(e) = result {
            errors.push(e);
        }
    }
    super::get::finish(ctx, errors)
}

fn replace_one(ctx: &mut Ctx, obj: Value, source: &str, status_only: bool) -> CmdResult {
    let info = resource(s(&obj, "kind"))?;
    let (ns, name) = (s(&obj, "metadata.namespace").to_string(), s(&obj, "metadata.name").to_string());
    if ctx.flags.bool("force") {
        let del = Verb::Delete { kind: info.kind.into(), namespace: ns.clone(), name: name.clone(), options: Default::default() };
        ctx.submit(del).map_err(|st| wrap(st, "deleting", source))?;
        ctx.stdout(&format!("{} {name:?} deleted\n", kind_prefix(info)));
        let created = ctx.submit(Verb::Create { object: obj.clone() }).map_err(|st| wrap(st, "creating", source))?;
        return report(ctx, created.object().unwrap_or(&obj), "replaced");
    }
    let mut obj = obj;
    if s(&obj, "metadata.resourceVersion").is_empty() {
        // kubectl replace sends what the file says; without a resourceVersion the server
        // treats it as an unconditional update, which needs the live object to exist.
        let live = ctx.get_object(info, &ns, &name).map_err(|e| match e {
            Fail::Server(st) => wrap(st, "replacing", source),
            other => other,
        })?;
        if let (Some(m), Some(rv)) = (obj.pointer_mut("/metadata").and_then(Value::as_object_mut), live.pointer("/metadata/resourceVersion")) {
            m.insert("resourceVersion", rv.clone());
        }
    }
    let verb = if status_only { Verb::UpdateStatus { object: obj.clone() } } else { Verb::Update { object: obj.clone() } };
    let updated = ctx.submit(verb).map_err(|st| wrap(st, "replacing", source))?;
    report(ctx, updated.object().unwrap_or(&obj), "replaced")
}
