//! Commands that generate objects from flags: `run` (a Pod, `--restart`, `--port`, `--env`,
//! `--labels`, `--command --`, `--dry-run=client -o yaml`), `create configmap|secret
//! generic|secret docker-registry|namespace|deployment|job|serviceaccount`, and `expose`.

use super::{fail, kind_prefix, resource, CmdResult, Ctx, Fail};
use crate::value::{at, s};
use podlab_sim::Verb;
use serde_json::{json, Map, Value};

/// Standard base64 (Secret data is sent encoded).
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Creates (or, with `--dry-run`/`-o`, prints) a generated object and reports it.
pub(super) fn emit(ctx: &mut Ctx, obj: Value, verb_word: &str) -> CmdResult {
    let info = resource(s(&obj, "kind"))?;
    let dry = ctx.flags.get("dry-run").map(str::to_string);
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let result = match dry.as_deref() {
        Some("client") => obj,
        Some("server") | None | Some("none") => {
            let mut o = obj;
            if info.namespaced {
                let ns = ctx.namespace();
                if let Some(m) = o.pointer_mut("/metadata").and_then(Value::as_object_mut) {
                    m.insert("namespace", Value::String(ns));
                }
            }
            let resp = ctx.submit(Verb::Create { object: o })?;
            resp.into_object().unwrap_or(Value::Null)
        }
        Some(other) => return fail(format!("Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".")),
    };
    if !output.is_empty() {
        let format = super::get::parse_format(&output)?;
        return super::get::print_objects(ctx, &format, &[result], true);
    }
    let suffix = super::dry_run_suffix(ctx);
    ctx.stdout(&format!("{}/{} {verb_word}{suffix}\n", kind_prefix(info), s(&result, "metadata.name")));
    Ok(())
}

fn parse_labels(text: &str) -> Result<Map<String, Value>, Fail> {
    let mut m = Map::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return fail(format!("invalid label spec: {part}"));
        };
        m.insert(k.to_string(), Value::String(v.to_string()));
    }
    Ok(m)
}

fn env_list(ctx: &Ctx) -> Result<Vec<Value>, Fail> {
    let mut env = Vec::new();
    for e in ctx.flags.all("env") {
        let Some((k, v)) = e.split_once('=') else {
            return fail(format!("invalid env: {e}"));
        };
        env.push(json!({"name": k, "value": v}));
    }
    Ok(env)
}

/// `kubectl run NAME --image=IMAGE [...] [-- COMMAND ARGS...]`.
pub fn run(ctx: &mut Ctx) -> CmdResult {
    let pos = ctx.flags.positionals.clone();
    let Some(name) = pos.first().filter(|_| ctx.flags.dash_at != Some(0)).cloned() else {
        return Err(Fail::Plain(format!("error: NAME is required for run\n{}\n", ctx.usage_hint())));
    };
    let Some(image) = ctx.flags.get("image").map(str::to_string) else {
        return fail("required flag(s) \"image\" not set");
    };
    let restart = ctx.flags.get("restart").unwrap_or("Always").to_string();
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        return fail(format!("invalid restart policy: {restart}"));
    }
    let labels = match ctx.flags.get("labels") {
        Some(l) => parse_labels(l)?,
        None => {
            let mut m = Map::new();
            m.insert("run", Value::String(name.clone()));
            m
        }
    };
    let mut container = Map::new();
    let rest: Vec<String> = pos[1..].to_vec();
    if !rest.is_empty() {
        let key = if ctx.flags.bool("command") { "command" } else { "args" };
        container.insert(key, json!(rest));
    }
    let env = env_list(ctx)?;
    if !env.is_empty() {
        container.insert("env", Value::Array(env));
    }
    container.insert("image", Value::String(image));
    if let Some(policy) = ctx.flags.get("image-pull-policy") {
        container.insert("imagePullPolicy", Value::String(policy.into()));
    }
    container.insert("name", Value::String(name.clone()));
    if let Some(port) = ctx.flags.get("port") {
        let p: i64 = port.parse().map_err(|_| Fail::Error(format!("strconv.Atoi: parsing {port:?}: invalid syntax")))?;
        container.insert("ports", json!([{"containerPort": p}]));
    }
    container.insert("resources", json!({}));
    let mut meta = Map::new();
    meta.insert("creationTimestamp", Value::Null);
    meta.insert("labels", Value::Object(labels));
    meta.insert("name", Value::String(name));
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {}
    });
    emit(ctx, pod, "created")
}

pub(super) fn name_arg(ctx: &Ctx) -> Result<String, Fail> {
    match ctx.flags.positionals.first() {
        Some(n) => Ok(n.clone()),
        None => Err(Fail::Plain(format!("error: exactly one NAME is required, got 0\n{}\n", ctx.usage_hint()))),
    }
}

fn meta(name: &str) -> Value {
    json!({"creationTimestamp": null, "name": name})
}

/// `--from-literal` and `--from-file` into a data map (values base64-encoded for Secrets).
fn data_from(ctx: &Ctx, encode: bool) -> Result<Map<String, Value>, Fail> {
    let mut data = Map::new();
    for lit in ctx.flags.all("from-literal") {
        let Some((k, v)) = lit.split_once('=') else {
            return fail(format!("invalid literal source {lit}, expected key=value"));
        };
        let value = if encode { base64(v.as_bytes()) } else { v.to_string() };
        data.insert(k.to_string(), Value::String(value));
    }
    for f in ctx.flags.all("from-file") {
        let (key, path) = match f.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (f.rsplit('/').next().unwrap_or(&f).to_string(), f.clone()),
        };
        let Some(text) = ctx.session.read_file(&path) else {
            return fail(format!("error reading {path}: no such file or directory"));
        };
        let value = if encode { base64(text.as_bytes()) } else { text.to_string() };
        data.insert(key, Value::String(value));
    }
    for f in ctx.flags.all("from-env-file") {
        let Some(text) = ctx.session.read_file(&f) else {
            return fail(format!("error reading {f}: no such file or directory"));
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            let value = if encode { base64(v.as_bytes()) } else { v.to_string() };
            data.insert(k.to_string(), Value::String(value));
        }
    }
    Ok(data)
}

/// `kubectl create <sub> NAME ...` for the generators without a module of their own; any
/// other subcommand parses (the CLI table knows it) and is not simulated.
pub fn create_sub(ctx: &mut Ctx, sub: &str) -> CmdResult {
    let build: fn(&Ctx, &str) -> Result<Value, Fail> = match sub {
        "configmap" => |ctx, name| {
            let data = data_from(ctx, false)?;
            let mut obj = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(name)});
            if !data.is_empty() {
                obj["data"] = Value::Object(data);
            }
            Ok(obj)
        },
        "namespace" => |_, name| Ok(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": meta(name), "spec": {}, "status": {}})),
        "serviceaccount" => |_, name| Ok(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(name)})),
        "deployment" => deployment,
        "job" => job,
        other => return super::not_supported(&format!("create {other}")),
    };
    let name = name_arg(ctx)?;
    let obj = build(ctx, &name)?;
    emit(ctx, obj, "created")
}

/// `metadata` of an object a `create` generator builds: the namespace only when `-n` was
/// given (kubectl's `EnforceNamespace`); the API server fills it in otherwise.
pub(super) fn generated_meta(ctx: &Ctx, name: &str, namespaced: bool) -> Value {
    let mut m = meta(name);
    if let Some(ns) = ctx.flags.get("namespace").filter(|_| namespaced) {
        m["namespace"] = json!(ns);
    }
    m
}

/// [`emit`] for the generators that word the API server's refusal themselves
/// (`failed to create rolebinding: ...`, `failed to create ClusterIP service: ...`).
pub(super) fn emit_or_refused(ctx: &mut Ctx, obj: Value, what: &str) -> CmdResult {
    emit(ctx, obj, "created").map_err(|e| match e {
        Fail::Server(status) => Fail::Error(format!("failed to create {what}: {}", status.message)),
        other => other,
    })
}

/// The container name kubectl derives from an image (`nginx:1.27` -> `nginx`).
fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(['@', ':']).next().unwrap_or(base);
    base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect()
}

fn deployment(ctx: &Ctx, name: &str) -> Result<Value, Fail> {
    let images = ctx.flags.all("image");
    if images.is_empty() {
        return fail("required flag(s) \"image\" not set");
    }
    let command: Vec<String> = ctx.flags.positionals[1..].to_vec();
    let port = ctx.flags.int("port");
    let containers: Vec<Value> = images
        .iter()
        .map(|img| {
            let mut c = json!({"image": img, "name": container_name(img), "resources": {}});
            if !command.is_empty() {
                c["command"] = json!(command);
            }
            if let Some(p) = port.filter(|p| *p >= 0) {
                c["ports"] = json!([{"containerPort": p}]);
            }
            c
        })
        .collect();
    let labels = json!({"app": name});
    Ok(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"creationTimestamp": null, "labels": labels, "name": name},
        "spec": {"replicas": ctx.flags.int("replicas").unwrap_or(1), "selector": {"matchLabels": labels}, "strategy": {},
            "template": {"metadata": {"creationTimestamp": null, "labels": labels}, "spec": {"containers": containers}}},
        "status": {}
    }))
}

fn job(ctx: &Ctx, name: &str) -> Result<Value, Fail> {
    let Some(image) = ctx.flags.get("image") else {
        return fail("either --image or --from must be specified");
    };
    let command: Vec<String> = ctx.flags.positionals[1..].to_vec();
    let mut c = json!({"image": image, "name": name, "resources": {}});
    if !command.is_empty() {
        c["command"] = json!(command);
    }
    Ok(json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": meta(name),
        "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {"containers": [c], "restartPolicy": "Never"}}},
        "status": {}
    }))
}

/// `kubectl create secret generic|docker-registry|tls NAME ...`.
pub fn create_secret(ctx: &mut Ctx, sub: &str) -> CmdResult {
    let name = name_arg(ctx)?;
    let obj = match sub {
        "generic" => {
            let kind_type = ctx.flags.get("type").unwrap_or("").to_string();
            let mut o = json!({"apiVersion": "v1", "kind": "Secret", "metadata": meta(&name), "data": data_from(ctx, true)?});
            if !kind_type.is_empty() {
                o["type"] = Value::String(kind_type);
            }
            if o["data"].as_object().is_some_and(|d| d.is_empty()) {
                o.as_object_mut().map(|m| m.remove("data"));
            }
            o
        }
        "docker-registry" => {
            let server = ctx.flags.get("docker-server").unwrap_or("https://index.docker.io/v1/").to_string();
            let (Some(user), Some(pass)) = (ctx.flags.get("docker-username"), ctx.flags.get("docker-password")) else {
                return fail("missing either --docker-username, --docker-password or --from-file");
            };
            let email = ctx.flags.get("docker-email").unwrap_or("");
            let mut entry = json!({"username": user, "password": pass, "auth": base64(format!("{user}:{pass}").as_bytes())});
            if !email.is_empty() {
                entry["email"] = Value::String(email.into());
            }
            let mut auths = Map::new();
            auths.insert(server, entry);
            let config = crate::jsonfmt::to_compact(&json!({"auths": auths}));
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": meta(&name), "type": "kubernetes.io/dockerconfigjson",
                "data": {".dockerconfigjson": base64(config.as_bytes())}})
        }
        other => return fail(format!("creating secrets of type {other:?} is not supported in Podlab")),
    };
    emit(ctx, obj, "created")
}

/// `kubectl expose (pod|deployment|service|replicaset) NAME --port=...`.
pub fn expose(ctx: &mut Ctx) -> CmdResult {
    let targets = super::parse_targets(&ctx.flags.positionals.clone(), "expose")?;
    let Some(t) = targets.first().filter(|t| t.names.len() == 1) else {
        return Err(super::missing_resources());
    };
    let ns = ctx.namespace();
    let source = ctx.get_object(t.info, &ns, &t.names[0])?;
    let selector = match t.info.kind {
        "Pod" => at(&source, "metadata.labels").cloned(),
        "Service" => at(&source, "spec.selector").cloned(),
        "Deployment" | "ReplicaSet" => at(&source, "spec.selector.matchLabels").cloned(),
        other => return fail(format!("cannot expose a {other}")),
    };
    let selector = match (ctx.flags.get("selector"), selector) {
        (Some(sel), _) => Value::Object(parse_labels(sel)?),
        (None, Some(sel)) if sel.as_object().is_some_and(|m| !m.is_empty()) => sel,
        _ => return fail(format!("couldn't retrieve selectors via --selector flag or introspection: the {} has no labels", t.info.singular)),
    };
    let containers = match t.info.kind {
        "Pod" => crate::value::arr(&source, "spec.containers").to_vec(),
        _ => crate::value::arr(&source, "spec.template.spec.containers").to_vec(),
    };
    let port_text = match ctx.flags.get("port") {
        Some(p) => p.to_string(),
        None => match containers.iter().flat_map(|c| crate::value::arr(c, "ports").to_vec()).next() {
            Some(p) => crate::value::i(&p, "containerPort").to_string(),
            None => return fail("couldn't find port via --port flag or introspection"),
        },
    };
    let port: i64 = port_text.parse().map_err(|_| Fail::Error(format!("invalid port {port_text:?}")))?;
    let protocol = ctx.flags.get("protocol").unwrap_or("TCP").to_string();
    let mut sp = json!({"port": port, "protocol": protocol});
    match ctx.flags.get("target-port") {
        Some(tp) => sp["targetPort"] = tp.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(tp.into())),
        None => sp["targetPort"] = json!(port),
    }
    let name = ctx.flags.get("name").map(str::to_string).unwrap_or_else(|| t.names[0].clone());
    let mut spec = json!({"ports": [sp], "selector": selector});
    if let Some(ty) = ctx.flags.get("type") {
        spec["type"] = Value::String(ty.into());
    }
    let labels = at(&source, "metadata.labels").cloned().unwrap_or(json!({}));
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"creationTimestamp": null, "labels": labels, "name": name}, "spec": spec, "status": {"loadBalancer": {}}});
    emit(ctx, svc, "exposed")
}
