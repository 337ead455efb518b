//! Commands about the cluster and the client rather than one object: `version`, `config`
//! (get-contexts, current-context, use-context, set-context, view), `api-resources`,
//! `api-versions`, `cluster-info`, `auth can-i|whoami` and `events` (`explain` has its own module).

use super::{fail, resource, CmdResult, Ctx, Fail};
use crate::printers::event::event_times;
use crate::tabwriter::{layout, TABLE};
use crate::value::s;
use podlab_api::registry::resources;
use podlab_sim::{ApiRequest, Verb};
use serde_json::{json, Value};

const CLIENT_VERSION: &str = "v1.33.1";
const KUSTOMIZE_VERSION: &str = "v5.6.0";

pub fn version(ctx: &mut Ctx) -> CmdResult {
    let server = ctx.session.sim.cluster().kubernetes_version.clone();
    match ctx.flags.get("output") {
        None | Some("") => {
            ctx.stdout(&format!("Client Version: {CLIENT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n"));
            if !ctx.flags.bool("client") {
                ctx.stdout(&format!("Server Version: {server}\n"));
            }
            Ok(())
        }
        Some(o @ ("yaml" | "json")) => {
            // The kubectl 1.33.1 release binary and the API server were built minutes apart.
            let info = |v: &str, build_date: &str| {
                let minor = v.split('.').nth(1).unwrap_or("").to_string();
                json!({"buildDate": build_date, "compiler": "gc", "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828", "gitTreeState": "clean", "gitVersion": v, "goVersion": "go1.24.2", "major": "1", "minor": minor, "platform": "linux/amd64"})
            };
            let mut doc = json!({"clientVersion": info(CLIENT_VERSION, "2025-05-15T08:27:33Z"), "kustomizeVersion": KUSTOMIZE_VERSION});
            if !ctx.flags.bool("client") {
                doc["serverVersion"] = info(&server, "2025-05-15T08:19:21Z");
            }
            let text = if o == "yaml" { crate::yaml::to_yaml(&doc) } else { version_json(&doc) };
            ctx.stdout(&text);
            Ok(())
        }
        Some(_) => fail("--output must be 'yaml' or 'json'"),
    }
}

/// `kubectl version -o json`: `json.MarshalIndent` of version.Info, so the fields keep Go's
/// struct order (not sorted) and the indent is two spaces.
fn version_json(doc: &Value) -> String {
    const INFO_FIELDS: [&str; 9] = ["major", "minor", "gitVersion", "gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler", "platform"];
    let info = |v: &Value| -> String {
        let fields: Vec<String> = INFO_FIELDS.iter().map(|k| format!("    {:?}: {:?}", k, s(v, k))).collect();
        format!("{{\n{}\n  }}", fields.join(",\n"))
    };
    let mut parts = vec![format!("  \"clientVersion\": {}", info(&doc["clientVersion"])), format!("  \"kustomizeVersion\": {:?}", s(doc, "kustomizeVersion"))];
    if let Some(server) = doc.get("serverVersion") {
        parts.push(format!("  \"serverVersion\": {}", info(server)));
    }
    format!("{{\n{}\n}}\n", parts.join(",\n"))
}

pub fn config(ctx: &mut Ctx, sub: &str) -> CmdResult {
    let args = ctx.flags.positionals.clone();
    match sub {
        "current-context" => {
            let cur = ctx.session.kubeconfig.current.clone();
            ctx.stdout(&format!("{cur}\n"));
        }
        "get-contexts" => get_contexts(ctx, &args)?,
        "use-context" => {
            let Some(name) = args.first() else {
                // helpErrorf: the command's help on stdout, then the bare error.
                ctx.stdout(crate::help::help_for(&["config", "use-context"]).unwrap_or_default());
                return fail("Unexpected args: []");
            };
            if !ctx.session.kubeconfig.contexts.iter().any(|c| &c.name == name) {
                return fail(format!("no context exists with the name: {name:?}"));
            }
            ctx.session.kubeconfig.current = name.clone();
            ctx.stdout(&format!("Switched to context {name:?}.\n"));
        }
        "set-context" => set_context(ctx, &args)?,
        "view" => view(ctx),
        other => return fail(format!("config {other} is not supported in Podlab")),
    }
    Ok(())
}

fn get_contexts(ctx: &mut Ctx, args: &[String]) -> CmdResult {
    let cfg = ctx.session.kubeconfig.clone();
    let shown: Vec<_> = cfg.contexts.iter().filter(|c| args.is_empty() || args.contains(&c.name)).collect();
    // kubectl prints the contexts it found (and the header) before the aggregated errors.
    let missing: Vec<String> = args.iter().filter(|a| !cfg.contexts.iter().any(|c| &c.name == *a)).map(|a| format!("context {a} not found")).collect();
    let result = match missing.as_slice() {
        [] => Ok(()),
        [one] => fail(one.clone()),
        many => fail(format!("[{}]", many.join(", "))),
    };
    if ctx.flags.get("output") == Some("name") {
        for c in shown {
            ctx.stdout(&format!("{}\n", c.name));
        }
        return result;
    }
    let mut text = String::new();
    if !ctx.flags.bool("no-headers") {
        text.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
    }
    for c in shown {
        let mark = if c.name == cfg.current { "*" } else { "" };
        text.push_str(&format!("{mark}\t{}\t{}\t{}\t{}\n", c.name, c.cluster, c.user, c.namespace));
    }
    ctx.stdout(&layout(&text, TABLE));
    result
}

fn set_context(ctx: &mut Ctx, args: &[String]) -> CmdResult {
    let name = if ctx.flags.bool("current") { ctx.session.kubeconfig.current.clone() } else {
        match args.first() {
            Some(n) => n.clone(),
            None => return fail("you must specify a non-empty context name or --current"),
        }
    };
    let cfg = &mut ctx.session.kubeconfig;
    let existed = cfg.contexts.iter().any(|c| c.name == name);
    if !existed {
        cfg.contexts.push(crate::session::Context { name: name.clone(), cluster: String::new(), user: String::new(), namespace: String::new() });
    }
    if let Some(c) = cfg.contexts.iter_mut().find(|c| c.name == name) {
        if let Some(ns) = ctx.flags.values.get("namespace").and_then(|v| v.last()) {
            c.namespace = ns.clone();
        }
        if let Some(cl) = ctx.flags.values.get("cluster").and_then(|v| v.last()) {
            c.cluster = cl.clone();
        }
        if let Some(u) = ctx.flags.values.get("user").and_then(|v| v.last()) {
            c.user = u.clone();
        }
    }
    ctx.stdout(&format!("Context {name:?} {}.\n", if existed { "modified" } else { "created" }));
    Ok(())
}

fn server_url(ctx: &Ctx) -> String {
    let cp = ctx.session.sim.cluster().nodes.iter().find(|n| n.control_plane).map(|n| n.internal_ip.clone()).unwrap_or_default();
    format!("https://{}:6443", if cp.is_empty() { "controlplane".to_string() } else { cp })
}

fn view(ctx: &mut Ctx) {
    let cfg = ctx.session.kubeconfig.clone();
    let contexts: Vec<Value> = cfg
        .contexts
        .iter()
        .map(|c| {
            let mut inner = json!({"cluster": c.cluster, "user": c.user});
            if !c.namespace.is_empty() {
                inner["namespace"] = json!(c.namespace);
            }
            json!({"context": inner, "name": c.name})
        })
        .collect();
    let doc = json!({
        "apiVersion": "v1",
        "clusters": [{"cluster": {"certificate-authority-data": "DATA+OMITTED", "server": server_url(ctx)}, "name": "kubernetes"}],
        "contexts": contexts, "current-context": cfg.current, "kind": "Config", "preferences": {},
        "users": [{"name": "kubernetes-admin", "user": {"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}}]
    });
    ctx.stdout(&crate::yaml::to_yaml(&doc));
}

/// Discovery order of the API groups Podlab serves.
const GROUP_ORDER: [&str; 6] = ["", "apps", "batch", "rbac.authorization.k8s.io", "storage.k8s.io", "discovery.k8s.io"];

pub fn api_resources(ctx: &mut Ctx) -> CmdResult {
    let mut list: Vec<_> = resources().iter().collect();
    list.sort_by_key(|r| (GROUP_ORDER.iter().position(|g| *g == r.group).unwrap_or(99), r.plural));
    if let Some(ns) = ctx.flags.get("namespaced") {
        let want = crate::cli::flags::parse_bool(ns).unwrap_or(true);
        list.retain(|r| r.namespaced == want);
    }
    if let Some(g) = ctx.flags.get("api-group") {
        list.retain(|r| r.group == g);
    }
    for verb in ctx.flags.all("verbs") {
        list.retain(|r| r.verbs.contains(&verb.as_str()));
    }
    let wide = ctx.flags.get("output") == Some("wide");
    if ctx.flags.get("output") == Some("name") {
        for r in list {
            let suffix = if r.group.is_empty() { String::new() } else { format!(".{}", r.group) };
            ctx.stdout(&format!("{}{suffix}\n", r.plural));
        }
        return Ok(());
    }
    let mut text = String::new();
    if !ctx.flags.bool("no-headers") {
        text.push_str(if wide { "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\tVERBS\tCATEGORIES\n" } else { "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n" });
    }
    for r in list {
        text.push_str(&format!("{}\t{}\t{}\t{}\t{}", r.plural, r.short_names.join(","), r.api_version(), r.namespaced, r.kind));
        if wide {
            text.push_str(&format!("\t{}\t", r.verbs.join(",")));
        }
        text.push('\n');
    }
    ctx.stdout(&layout(&text, TABLE));
    Ok(())
}

pub fn api_versions(ctx: &mut Ctx) -> CmdResult {
    let mut v: Vec<String> = resources().iter().map(|r| r.api_version()).collect();
    v.sort();
    v.dedup();
    ctx.stdout(&v.iter().map(|x| format!("{x}\n")).collect::<String>());
    Ok(())
}

pub fn cluster_info(ctx: &mut Ctx) -> CmdResult {
    if !ctx.flags.positionals.is_empty() {
        return fail(format!("unknown command {:?} for \"kubectl cluster-info\"", ctx.flags.positionals[0]));
    }
    let url = server_url(ctx);
    // kubectl colours these words with ANSI escapes (go-colortext), terminal or not.
    ctx.stdout(&format!("\x1b[0;32mKubernetes control plane\x1b[0m is running at \x1b[0;33m{url}\x1b[0m\n"));
    let svc = resource("services")?;
    let services = ctx.list_objects(svc, Some("kube-system"), Some("kubernetes.io/cluster-service=true"), None).unwrap_or_default();
    for sv in services {
        let name = crate::value::at(&sv, "metadata.labels").and_then(|l| l.get("kubernetes.io/name")).map(crate::value::scalar_text).unwrap_or_else(|| s(&sv, "metadata.name").to_string());
        let port = crate::value::arr(&sv, "spec.ports").first().map(|p| s(p, "name").to_string()).unwrap_or_default();
        let link = format!("{url}/api/v1/namespaces/kube-system/services/{}:{port}/proxy", s(&sv, "metadata.name"));
        ctx.stdout(&format!("\x1b[0;32m{name}\x1b[0m is running at \x1b[0;33m{link}\x1b[0m\n"));
    }
    ctx.stdout("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
    Ok(())
}

/// `kubectl auth can-i VERB RESOURCE [NAME]`, answered by asking the API server the way a
/// dry-run request would be authorized.
pub fn auth(ctx: &mut Ctx, sub: &str) -> CmdResult {
    if sub == "whoami" {
        let user = ctx.flags.get("as").unwrap_or("kubernetes-admin").to_string();
        let groups = if ctx.flags.has("as") { "[system:authenticated]".to_string() } else { "[kubeadm:cluster-admins system:authenticated]".to_string() };
        ctx.stdout(&layout(&format!("ATTRIBUTE\tVALUE\nUsername\t{user}\nGroups\t{groups}\n"), TABLE));
        return Ok(());
    }
    if sub != "can-i" {
        return fail(format!("auth {sub} is not supported in Podlab"));
    }
    let args = ctx.flags.positionals.clone();
    if args.len() < 2 {
        return Err(Fail::Plain(format!("error: you must specify two arguments: verb resource or verb resource/resourceName.\n{}\n", ctx.usage_hint())));
    }
    let (verb, res) = (args[0].as_str(), args[1].as_str());
    let (res, name) = res.split_once('/').unwrap_or((res, args.get(2).map(String::as_str).unwrap_or("")));
    let info = match podlab_api::registry::lookup(res) {
        Some(i) => i,
        None => {
            ctx.stderr(&format!("Warning: the server doesn't have a resource type '{res}'\n\n"));
            ctx.stdout("no\n");
            return Err(Fail::Printed);
        }
    };
    let ns = if ctx.all_namespaces() { String::new() } else { ctx.namespace() };
    let probe = if name.is_empty() { "podlab-can-i-probe" } else { name };
    let kind = info.kind.to_string();
    let request = match verb {
        "get" if !name.is_empty() => Verb::Get { kind, namespace: ns, name: probe.into() },
        "get" | "list" | "watch" => Verb::List { kind, namespace: (!ns.is_empty()).then_some(ns), label_selector: None, field_selector: None },
        "create" => Verb::Create { object: json!({"apiVersion": info.api_version(), "kind": info.kind, "metadata": {"name": probe, "namespace": ns}}) },
        "delete" => Verb::Delete { kind, namespace: ns, name: probe.into(), options: Default::default() },
        "update" | "patch" | "*" => Verb::Patch { kind, namespace: ns, name: probe.into(), patch_type: podlab_sim::PatchType::Merge, patch: json!({}) },
        _ => Verb::Get { kind, namespace: ns, name: probe.into() },
    };
    let mut req = ApiRequest::new(request);
    req.user = ctx.flags.get("as").map(str::to_string);
    req.groups = ctx.flags.all("as-group");
    req.dry_run = true;
    let allowed = !matches!(ctx.session.sim.submit(req), Err(st) if st.reason == "Forbidden");
    if !ctx.flags.bool("quiet") {
        ctx.stdout(if allowed { "yes\n" } else { "no\n" });
    }
    if allowed { Ok(()) } else { Err(Fail::Printed) }
}

/// `kubectl events`: the namespace's events oldest first, `--for`, `--types`, `-A`.
pub fn events(ctx: &mut Ctx) -> CmdResult {
    let info = resource("events")?;
    let ns = ctx.namespace();
    let scope = if ctx.all_namespaces() { None } else { Some(ns.as_str()) };
    let mut items = ctx.list_objects(info, scope, None, None)?;
    if let Some(target) = ctx.flags.get("for").map(str::to_string) {
        let (kind, name) = target.split_once('/').ok_or_else(|| Fail::Error(format!("--for must be in resource/name form")))?;
        let kinfo = resource(kind)?;
        items.retain(|e| s(e, "involvedObject.kind") == kinfo.kind && s(e, "involvedObject.name") == name);
    }
    let types: Vec<String> = ctx.flags.all("types");
    if !types.is_empty() {
        items.retain(|e| types.iter().any(|t| t.eq_ignore_ascii_case(s(e, "type"))));
    }
    if items.is_empty() {
        if ctx.all_namespaces() { ctx.stderr("No events found.\n") } else { ctx.stderr(&format!("No events found in {ns} namespace.\n")) }
        return Ok(());
    }
    let now = ctx.now_ms();
    let last_ms = |e: &Value| crate::value::time_ms(e, "lastTimestamp").or_else(|| crate::value::time_ms(e, "eventTime")).unwrap_or(0);
    items.sort_by_key(|e| last_ms(e));
    let mut text = String::new();
    let all = ctx.all_namespaces();
    if !ctx.flags.bool("no-headers") {
        text.push_str(if all { "NAMESPACE\tLAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n" } else { "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n" });
    }
    for e in &items {
        let (last, _, _) = event_times(e, now);
        if all {
            text.push_str(&format!("{}\t", s(e, "metadata.namespace")));
        }
        let object = format!("{}/{}", s(e, "involvedObject.kind"), s(e, "involvedObject.name"));
        text.push_str(&format!("{last}\t{}\t{}\t{object}\t{}\n", s(e, "type"), s(e, "reason"), s(e, "message").trim()));
    }
    ctx.stdout(&layout(&text, TABLE));
    Ok(())
}
