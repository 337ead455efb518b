//! The kubectl commands, one module per family, all talking to the cluster only through the
//! simulated API server (`Simulation::submit`). This module holds what they share: the
//! per-command context, kubectl's error printing (`error: ...`, `Error from server (NotFound):
//! ...`, `error: You must be logged in to the server (Unauthorized)`), resource arguments
//! (`pods web`, `pod/web`, `pods,svc`), namespaces and `-o` output of objects.

pub mod apply;
pub mod create_pdb;
pub mod create_rbac;
pub mod create_service;
pub mod curl;
pub mod delete;
pub mod describe;
pub mod drain;
pub mod get;
pub mod exec;
pub mod explain;
pub mod follow;
pub mod info;
pub mod logs;
pub mod modify;
pub mod portforward;
pub mod rollout;
pub mod rollout_history;
pub mod run;
pub mod top;
pub mod wait;

use crate::cli::flags::Parsed;
use crate::output::CommandOutput;
use crate::session::Session;
use podlab_api::registry::{lookup, ResourceInfo};
use podlab_sim::{ApiOk, ApiRequest, ApiResponse, Status, Verb};
use serde_json::Value;
use std::sync::Arc;

/// Everything a command needs while it runs.
pub struct Ctx<'a> {
    pub session: &'a mut Session,
    pub flags: Parsed,
    pub stdin: Option<&'a str>,
    pub out: &'a mut CommandOutput,
    /// `kubectl get`, for usage hints.
    pub command: String,
}

/// Why a command failed; printing it sets exit code 1.
#[derive(Debug, Clone, PartialEq)]
pub enum Fail {
    /// `error: <msg>`.
    Error(String),
    /// Printed exactly as given (multi-line usage errors).
    Plain(String),
    /// An API error, printed the way kubectl's CheckErr prints it.
    Server(Status),
    /// The error was already printed; only the exit code remains.
    Printed,
}

pub type CmdResult = Result<(), Fail>;

/// Shorthand for `Err(Fail::Error(..))`.
pub fn fail<T>(msg: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::Error(msg.into()))
}

/// Podlab's answer for a kubectl command path it does not simulate (`"create quota"`).
pub fn not_supported<T>(path: &str) -> Result<T, Fail> {
    fail(format!("{path:?} is not supported in Podlab's simulated cluster"))
}

/// What kubectl appends to the operation it prints under `--dry-run`
/// (`PrintFlagsWithDryRunStrategy`).
pub fn dry_run_suffix(ctx: &Ctx) -> &'static str {
    match ctx.flags.get("dry-run") {
        Some("client") => " (dry run)",
        Some("server") => " (server dry run)",
        _ => "",
    }
}

/// kubectl's one-line rendering of an API error.
pub fn status_text(s: &Status) -> String {
    match s.reason.as_str() {
        "Unauthorized" => "error: You must be logged in to the server (Unauthorized)\n".to_string(),
        "Invalid" => format!("{}\n", s.message),
        "" => format!("Error from server: {}\n", s.message),
        r => format!("Error from server ({r}): {}\n", s.message),
    }
}

impl Fail {
    pub fn print(&self, out: &mut CommandOutput) {
        match self {
            Fail::Error(m) => out.err(&format!("error: {m}\n")),
            Fail::Plain(m) => out.err(m),
            Fail::Server(s) => out.err(&status_text(s)),
            Fail::Printed => {}
        }
        out.exit_code = 1;
    }
}

impl From<Status> for Fail {
    fn from(s: Status) -> Self {
        Fail::Server(s)
    }
}

impl<'a> Ctx<'a> {
    pub fn new(session: &'a mut Session, flags: Parsed, stdin: Option<&'a str>, out: &'a mut CommandOutput, command: String) -> Self {
        Ctx { session, flags, stdin, out, command }
    }

    /// `-n`, else the namespace of the context (`--context` or the current one), else `default`.
    pub fn namespace(&self) -> String {
        if let Some(ns) = self.flags.get("namespace") {
            return ns.to_string();
        }
        let cfg = &self.session.kubeconfig;
        let context = match self.flags.get("context") {
            Some(name) => cfg.contexts.iter().find(|c| c.name == name),
            None => cfg.current_context(),
        };
        let ctx_ns = context.map(|c| c.namespace.clone()).unwrap_or_default();
        if ctx_ns.is_empty() { "default".into() } else { ctx_ns }
    }

    pub fn all_namespaces(&self) -> bool {
        self.flags.bool("all-namespaces")
    }

    /// The wall-clock instant (epoch ms) the simulated cluster is at.
    pub fn now_ms(&self) -> i64 {
        self.session.sim.epoch().epoch_ms(self.session.sim.now())
    }

    /// Sends a request as the kubeconfig user (or `--as`), printing any API warnings.
    pub fn submit(&mut self, verb: Verb) -> ApiResponse {
        let mut req = ApiRequest::new(verb);
        req.user = self.flags.get("as").map(str::to_string);
        req.groups = self.flags.all("as-group");
        // `--dry-run=server` sends every request with dryRun=All: the API server admits and
        // validates the change but does not persist it.
        req.dry_run = self.flags.get("dry-run") == Some("server");
        let resp = self.session.sim.submit(req);
        let warnings: Vec<String> = self.session.sim.last_warnings().to_vec();
        for w in warnings {
            if w.starts_with("Warning:") {
                self.out.err(&format!("{w}\n"));
            } else {
                self.out.err(&format!("Warning: {w}\n"));
            }
        }
        resp
    }

    pub fn get_object(&mut self, info: &ResourceInfo, ns: &str, name: &str) -> Result<Value, Fail> {
        let ns = if info.namespaced { ns } else { "" };
        let resp = self.submit(Verb::Get { kind: info.kind.into(), namespace: ns.into(), name: name.into() })?;
        resp.into_object().ok_or_else(|| Fail::Error("unexpected response".into()))
    }

    /// A list as owned objects, for commands that change what they read.
    pub fn list_objects(&mut self, info: &ResourceInfo, ns: Option<&str>, labels: Option<&str>, fields: Option<&str>) -> Result<Vec<Value>, Fail> {
        Ok(self.list_shared(info, ns, labels, fields)?.into_iter().map(Arc::unwrap_or_clone).collect())
    }

    /// A list sharing the API server's copies of the objects: what printers use, so `get` on a
    /// large namespace copies nothing.
    pub fn list_shared(&mut self, info: &ResourceInfo, ns: Option<&str>, labels: Option<&str>, fields: Option<&str>) -> Result<Vec<Arc<Value>>, Fail> {
        let namespace = if info.namespaced { ns.map(str::to_string) } else { None };
        let verb = Verb::List {
            kind: info.kind.into(),
            namespace,
            label_selector: labels.map(str::to_string),
            field_selector: fields.map(str::to_string),
        };
        match self.submit(verb)? {
            ApiOk::List { items, .. } => Ok(items),
            _ => Ok(Vec::new()),
        }
    }

    pub fn stdout(&mut self, text: &str) {
        self.out.out(text);
    }

    pub fn stderr(&mut self, text: &str) {
        self.out.err(text);
    }

    /// The `-h/--help` usage hint line kubectl appends to argument errors.
    pub fn usage_hint(&self) -> String {
        format!("See '{} -h' for help and examples", self.command)
    }
}

/// What the user asked for: one resource type and the names of it (empty: all of them).
#[derive(Debug, Clone)]
pub struct Target {
    pub info: &'static ResourceInfo,
    pub names: Vec<String>,
}

/// Resolves a typed resource name or fails with kubectl's message.
pub fn resource(name: &str) -> Result<&'static ResourceInfo, Fail> {
    lookup(name).ok_or_else(|| Fail::Error(format!("the server doesn't have a resource type {name:?}")))
}

/// kubectl's resource builder over positional args: `TYPE[,TYPE] [NAME...]` or `TYPE/NAME...`.
pub fn parse_targets(args: &[String], verb: &str) -> Result<Vec<Target>, Fail> {
    let slash = args.iter().filter(|a| a.contains('/')).count();
    if slash > 0 && slash < args.len() {
        return fail(format!(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' instead of 'kubectl {verb} resource resource/<resource_name>'"
        ));
    }
    if slash > 0 {
        let mut out: Vec<Target> = Vec::new();
        for a in args {
            let (kind, name) = a.split_once('/').unwrap_or((a, ""));
            if kind.is_empty() || name.is_empty() || name.contains('/') {
                return fail("arguments in resource/name form must have a single resource and name");
            }
            let info = resource(kind)?;
            match out.last_mut() {
                Some(t) if t.info.kind == info.kind => t.names.push(name.to_string()),
                _ => out.push(Target { info, names: vec![name.to_string()] }),
            }
        }
        return Ok(out);
    }
    let Some(types) = args.first() else { return Ok(Vec::new()) };
    let names: Vec<String> = args[1..].to_vec();
    let mut out = Vec::new();
    for t in types.split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            for k in ["pods", "services", "deployments", "replicasets", "jobs"] {
                out.push(Target { info: resource(k)?, names: names.clone() });
            }
            continue;
        }
        out.push(Target { info: resource(t)?, names: names.clone() });
    }
    Ok(out)
}

/// The resource builder's error when neither arguments nor `-f` name anything.
pub fn missing_resources() -> Fail {
    Fail::Plain(
        "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(),
    )
}

/// What the resource builder visits (`delete`, `wait`): the `-f` files' objects, else the
/// positional `TYPE NAME...` / `TYPE/NAME` arguments; its error when neither names anything.
pub fn builder_targets(ctx: &mut Ctx, verb: &str) -> Result<Vec<Target>, Fail> {
    let args = ctx.flags.positionals.clone();
    if !ctx.flags.all("filename").is_empty() {
        return apply::targets_from_files(ctx);
    }
    if args.is_empty() {
        return Err(missing_resources());
    }
    parse_targets(&args, verb)
}

/// The objects of a type given without names, as the builder selects them: with `--all`, `-l`
/// or `--field-selector` (in the namespace, or all of them with `-A`), else kubectl's error.
pub fn selected_objects(ctx: &mut Ctx, info: &ResourceInfo) -> Result<Vec<Arc<Value>>, Fail> {
    let selective = ctx.flags.bool("all") || ctx.flags.has("selector") || ctx.flags.has("field-selector");
    if !selective {
        return fail("resource(s) were provided, but no name was specified");
    }
    let ns = ctx.namespace();
    let scope = if ctx.all_namespaces() { None } else { Some(ns.as_str()) };
    let labels = ctx.flags.get("selector").map(str::to_string);
    let fields = ctx.flags.get("field-selector").map(str::to_string);
    ctx.list_shared(info, scope, labels.as_deref(), fields.as_deref())
}

/// `pod` or `deployment.apps`: how kubectl names a kind in `-o name` and `kind/name` output.
pub fn kind_prefix(info: &ResourceInfo) -> String {
    if info.group.is_empty() {
        info.kind.to_lowercase()
    } else {
        format!("{}.{}", info.kind.to_lowercase(), info.group)
    }
}

/// Runs the command at `path` (`["get"]`, `["create", "configmap"]`).
pub fn run(ctx: &mut Ctx, path: &[&str]) -> CmdResult {
    if ctx.flags.bool("help") {
        return match crate::help::help_for(path) {
            Some(text) => {
                ctx.stdout(text);
                Ok(())
            }
            // Not another command's help: what running it would say.
            None => not_supported(&path.join(" ")),
        };
    }
    // Loading the kubeconfig fails before anything is sent when --context names no context
    // (the `config` commands edit the file itself and do not need one).
    if let Some(name) = ctx.flags.get("context").filter(|_| path.first() != Some(&"config")) {
        if !ctx.session.kubeconfig.contexts.iter().any(|c| c.name == name) {
            return Err(Fail::Plain(format!("Error in configuration: context was not found for specified context: {name}\n")));
        }
    }
    match path {
        ["get"] => get::get(ctx),
        ["describe"] => describe::describe(ctx),
        ["apply"] => apply::apply(ctx),
        ["create"] => apply::create_from_file(ctx),
        ["replace"] => apply::replace(ctx),
        ["delete"] => delete::delete(ctx),
        ["run"] => run::run(ctx),
        ["create", "secret"] | ["create", "service"] => {
            ctx.stdout(crate::help::help_for(path).unwrap_or(crate::help::ROOT_HELP));
            Err(Fail::Printed)
        }
        ["create", "service", kind] => create_service::create_service(ctx, kind),
        ["create", "poddisruptionbudget"] => create_pdb::create_pdb(ctx),
        ["create", "role"] => create_rbac::create_role(ctx),
        ["create", "clusterrole"] => create_rbac::create_clusterrole(ctx),
        ["create", "rolebinding"] => create_rbac::create_rolebinding(ctx),
        ["create", "clusterrolebinding"] => create_rbac::create_clusterrolebinding(ctx),
        ["create", sub] => run::create_sub(ctx, sub),
        ["create", "secret", sub] => run::create_secret(ctx, sub),
        ["expose"] => run::expose(ctx),
        ["label"] => modify::label(ctx, "label"),
        ["annotate"] => modify::label(ctx, "annotate"),
        ["scale"] => modify::scale(ctx),
        ["set", "image"] => modify::set_image(ctx),
        ["set", sub] => not_supported(&format!("set {sub}")),
        ["patch"] => modify::patch(ctx),
        ["edit"] => modify::edit(ctx),
        ["cordon"] => modify::cordon(ctx, true),
        ["uncordon"] => modify::cordon(ctx, false),
        ["drain"] => drain::drain(ctx),
        ["taint"] => modify::taint(ctx),
        ["rollout", sub] => modify::rollout(ctx, sub),
        ["version"] => info::version(ctx),
        ["config", sub] => info::config(ctx, sub),
        ["api-resources"] => info::api_resources(ctx),
        ["api-versions"] => info::api_versions(ctx),
        ["cluster-info"] => info::cluster_info(ctx),
        ["explain"] => explain::explain(ctx),
        ["auth", sub] => info::auth(ctx, sub),
        ["events"] => info::events(ctx),
        ["logs"] => logs::logs(ctx),
        ["exec"] => exec::exec(ctx),
        ["top", sub] => top::top(ctx, sub),
        ["port-forward"] => portforward::port_forward(ctx),
        ["wait"] => wait::wait(ctx),
        ["rollout" | "config" | "top" | "auth" | "set", ..] => {
            // A command group typed without its subcommand prints its help and exits 1.
            ctx.stdout(crate::help::help_for(path).unwrap_or(crate::help::ROOT_HELP));
            Err(Fail::Printed)
        }
        [_, ..] => not_supported(&path.join(" ")),
        [] => Ok(()),
    }
}
