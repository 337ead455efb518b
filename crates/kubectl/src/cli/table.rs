//! kubectl 1.33's command tree as data: every command in the order kubectl registers it (the
//! order `Did you mean this?` suggestions come out in), its subcommands, and the flags each
//! accepts, so argv is parsed and rejected exactly where real kubectl would.

use super::flags::{flag, FlagKind::*, FlagSpec};

/// Persistent flags every command accepts (`kubectl options`).
pub static GLOBAL: &[FlagSpec] = &[
    FlagSpec { long: "namespace", short: Some('n'), kind: Str, global: true },
    FlagSpec { long: "context", short: None, kind: Str, global: true },
    FlagSpec { long: "cluster", short: None, kind: Str, global: true },
    FlagSpec { long: "user", short: None, kind: Str, global: true },
    FlagSpec { long: "kubeconfig", short: None, kind: Str, global: true },
    FlagSpec { long: "server", short: Some('s'), kind: Str, global: true },
    FlagSpec { long: "as", short: None, kind: Str, global: true },
    FlagSpec { long: "as-group", short: None, kind: List, global: true },
    FlagSpec { long: "as-uid", short: None, kind: Str, global: true },
    FlagSpec { long: "token", short: None, kind: Str, global: true },
    FlagSpec { long: "username", short: None, kind: Str, global: true },
    FlagSpec { long: "password", short: None, kind: Str, global: true },
    FlagSpec { long: "request-timeout", short: None, kind: Str, global: true },
    FlagSpec { long: "insecure-skip-tls-verify", short: None, kind: Bool, global: true },
    FlagSpec { long: "certificate-authority", short: None, kind: Str, global: true },
    FlagSpec { long: "client-certificate", short: None, kind: Str, global: true },
    FlagSpec { long: "client-key", short: None, kind: Str, global: true },
    FlagSpec { long: "tls-server-name", short: None, kind: Str, global: true },
    FlagSpec { long: "cache-dir", short: None, kind: Str, global: true },
    FlagSpec { long: "disable-compression", short: None, kind: Bool, global: true },
    FlagSpec { long: "match-server-version", short: None, kind: Bool, global: true },
    FlagSpec { long: "warnings-as-errors", short: None, kind: Bool, global: true },
    FlagSpec { long: "v", short: Some('v'), kind: Int, global: true },
    FlagSpec { long: "vmodule", short: None, kind: Str, global: true },
    FlagSpec { long: "log-flush-frequency", short: None, kind: Duration, global: true },
    FlagSpec { long: "profile", short: None, kind: Str, global: true },
    FlagSpec { long: "profile-output", short: None, kind: Str, global: true },
    FlagSpec { long: "help", short: Some('h'), kind: Bool, global: true },
];

const OUTPUT: FlagSpec = flag("output", Some('o'), Str);
const FILENAME: FlagSpec = flag("filename", Some('f'), Slice);
const RECURSIVE: FlagSpec = flag("recursive", Some('R'), Bool);
const SELECTOR: FlagSpec = flag("selector", Some('l'), Str);
const DRY_RUN: FlagSpec = flag("dry-run", None, OptStr("unchanged"));
const ALL_NS: FlagSpec = flag("all-namespaces", Some('A'), Bool);
const FIELD_SEL: FlagSpec = flag("field-selector", None, Str);
const KUSTOMIZE: FlagSpec = flag("kustomize", Some('k'), Str);
const TEMPLATE: FlagSpec = flag("template", None, Str);
const AMTK: FlagSpec = flag("allow-missing-template-keys", None, Bool);
const SHOW_MF: FlagSpec = flag("show-managed-fields", None, Bool);
const FIELD_MANAGER: FlagSpec = flag("field-manager", None, Str);
const VALIDATE: FlagSpec = flag("validate", None, OptStr("strict"));
const SAVE_CONFIG: FlagSpec = flag("save-config", None, Bool);
const NO_HEADERS: FlagSpec = flag("no-headers", None, Bool);
const TIMEOUT: FlagSpec = flag("timeout", None, Duration);

/// One command: its name, the flags it adds to the globals, and its subcommands.
pub struct CommandSpec {
    pub name: &'static str,
    pub flags: &'static [FlagSpec],
    pub subcommands: &'static [CommandSpec],
    /// Whether it takes positional arguments that are not subcommands (e.g. `create -f`).
    pub runs_itself: bool,
}

const fn cmd(name: &'static str, flags: &'static [FlagSpec]) -> CommandSpec {
    CommandSpec { name, flags, subcommands: &[], runs_itself: true }
}

const fn group(name: &'static str, flags: &'static [FlagSpec], subcommands: &'static [CommandSpec], runs_itself: bool) -> CommandSpec {
    CommandSpec { name, flags, subcommands, runs_itself }
}

static CREATE_COMMON: &[FlagSpec] = &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG];

pub static COMMANDS: &[CommandSpec] = &[
    group("create", &[FILENAME, OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, RECURSIVE, SELECTOR, KUSTOMIZE,
        flag("edit", None, Bool), flag("raw", None, Str), flag("record", None, Bool), flag("windows-line-endings", None, Bool)], &[
        cmd("configmap", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("from-literal", None, List), flag("from-file", None, List), flag("from-env-file", None, List), flag("append-hash", None, Bool)]),
        group("secret", &[], &[
            cmd("generic", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("from-literal", None, List), flag("from-file", None, List), flag("from-env-file", None, List), flag("type", None, Str), flag("append-hash", None, Bool)]),
            cmd("docker-registry", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("docker-server", None, Str), flag("docker-username", None, Str), flag("docker-password", None, Str), flag("docker-email", None, Str), flag("from-file", None, List), flag("append-hash", None, Bool)]),
            cmd("tls", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("cert", None, Str), flag("key", None, Str), flag("append-hash", None, Bool)]),
        ], false),
        cmd("namespace", CREATE_COMMON),
        cmd("deployment", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("image", None, List), flag("port", None, Int32), flag("replicas", Some('r'), Int32)]),
        cmd("job", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("image", None, Str), flag("from", None, Str)]),
        cmd("serviceaccount", CREATE_COMMON),
        // The rest of kubectl 1.33's `create` subcommands, with their flags, so each reaches
        // its own answer (run or "not supported") instead of `create`'s "unknown flag".
        cmd("clusterrole", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("verb", None, Slice), flag("resource", None, Slice), flag("resource-name", None, List), flag("non-resource-url", None, Slice), flag("aggregation-rule", None, Str)]),
        cmd("clusterrolebinding", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("clusterrole", None, Str), flag("user", None, List), flag("group", None, List), flag("serviceaccount", None, List)]),
        cmd("cronjob", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("image", None, Str), flag("restart", None, Str), flag("schedule", None, Str)]),
        cmd("ingress", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("annotation", None, List), flag("class", None, Str), flag("default-backend", None, Str), flag("rule", None, List)]),
        cmd("poddisruptionbudget", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("max-unavailable", None, Str), flag("min-available", None, Str), flag("selector", None, Str)]),
        cmd("priorityclass", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("description", None, Str), flag("global-default", None, Bool), flag("preemption-policy", None, Str), flag("value", None, Int32)]),
        cmd("quota", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("hard", None, Str), flag("scopes", None, Str)]),
        cmd("role", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("verb", None, Slice), flag("resource", None, Slice), flag("resource-name", None, List)]),
        cmd("rolebinding", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("role", None, Str), flag("clusterrole", None, Str), flag("user", None, List), flag("group", None, List), flag("serviceaccount", None, List)]),
        group("service", &[], &[
            cmd("clusterip", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("clusterip", None, Str), flag("tcp", None, Slice)]),
            cmd("externalname", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("external-name", None, Str), flag("tcp", None, Slice)]),
            cmd("loadbalancer", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("tcp", None, Slice)]),
            cmd("nodeport", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("node-port", None, Int), flag("tcp", None, Slice)]),
        ], false),
        cmd("token", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, flag("audience", None, List), flag("bound-object-kind", None, Str), flag("bound-object-name", None, Str), flag("bound-object-uid", None, Str), flag("duration", None, Duration)]),
    ], true),
    cmd("expose", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, KUSTOMIZE, flag("port", None, Str), flag("target-port", None, Str), flag("protocol", None, Str), flag("type", None, Str), flag("name", None, Str), flag("selector", None, Str), flag("labels", Some('l'), Str), flag("cluster-ip", None, Str), flag("external-ip", None, Str), flag("load-balancer-ip", None, Str), flag("session-affinity", None, Str), flag("override-type", None, Str), flag("overrides", None, Str)]),
    cmd("run", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, flag("image", None, Str), flag("restart", None, Str), flag("command", None, Bool), flag("env", None, List), flag("port", None, Str), flag("labels", Some('l'), Str), flag("annotations", None, List), flag("image-pull-policy", None, Str), flag("stdin", Some('i'), Bool), flag("tty", Some('t'), Bool), flag("rm", None, Bool), flag("attach", None, Bool), flag("quiet", Some('q'), Bool), flag("expose", None, Bool), flag("overrides", None, Str), flag("override-type", None, Str), flag("privileged", None, Bool), flag("leave-stdin-open", None, Bool), flag("pod-running-timeout", None, Duration), SAVE_CONFIG]),
    group("set", &[], &[
        cmd("image", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool), flag("local", None, Bool)]),
        // Not simulated; parsed as kubectl 1.33 does so they reach the "not supported" answer.
        cmd("env", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool), flag("local", None, Bool), flag("containers", Some('c'), Str), flag("env", Some('e'), List), flag("from", None, Str), flag("keys", None, Slice), flag("list", None, Bool), flag("overwrite", None, Bool), flag("prefix", None, Str), flag("resolve", None, Bool)]),
        cmd("resources", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool), flag("local", None, Bool), flag("containers", Some('c'), Str), flag("limits", None, Str), flag("requests", None, Str)]),
        cmd("selector", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, flag("all", None, Bool), flag("local", None, Bool), flag("resource-version", None, Str)]),
        cmd("serviceaccount", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, KUSTOMIZE, flag("all", None, Bool), flag("local", None, Bool)]),
        cmd("subject", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool), flag("local", None, Bool), flag("group", None, List), flag("serviceaccount", None, List), flag("user", None, List)]),
    ], false),
    cmd("explain", &[OUTPUT, flag("api-version", None, Str), flag("recursive", None, Bool)]),
    cmd("get", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, ALL_NS, FIELD_SEL, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, NO_HEADERS, flag("chunk-size", None, Int), flag("ignore-not-found", None, Bool), flag("label-columns", Some('L'), Slice), flag("output-watch-events", None, Bool), flag("raw", None, Str), flag("server-print", None, Bool), flag("show-kind", None, Bool), flag("show-labels", None, Bool), flag("sort-by", None, Str), flag("subresource", None, Str), flag("watch", Some('w'), Bool), flag("watch-only", None, Bool)]),
    cmd("edit", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, FILENAME, RECURSIVE, KUSTOMIZE, FIELD_MANAGER, VALIDATE, SAVE_CONFIG, flag("output-patch", None, Bool), flag("record", None, Bool), flag("subresource", None, Str), flag("windows-line-endings", None, Bool)]),
    cmd("delete", &[OUTPUT, ALL_NS, FIELD_SEL, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, DRY_RUN, TIMEOUT, flag("all", None, Bool), flag("cascade", None, OptStr("background")), flag("force", None, Bool), flag("grace-period", None, Int), flag("ignore-not-found", None, Bool), flag("interactive", Some('i'), Bool), flag("now", None, Bool), flag("raw", None, Str), flag("wait", None, Bool)]),
    group("rollout", &[], &[
        cmd("history", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("revision", None, Int)]),
        cmd("pause", &[OUTPUT, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, FIELD_MANAGER]),
        cmd("restart", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, FIELD_MANAGER, DRY_RUN]),
        cmd("resume", &[OUTPUT, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, FIELD_MANAGER]),
        cmd("status", &[FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, TIMEOUT, flag("revision", None, Int), flag("watch", Some('w'), Bool)]),
        cmd("undo", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, DRY_RUN, flag("to-revision", None, Int)]),
    ], false),
    cmd("scale", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, DRY_RUN, TIMEOUT, flag("all", None, Bool), flag("current-replicas", None, Int), flag("replicas", None, Int), flag("resource-version", None, Str)]),
    // Not simulated (no HorizontalPodAutoscaler controller), but its flags parse as kubectl 1.33's
    // do, so a learner's `--min/--max/--cpu-percent` reach the "not supported" answer instead
    // of an "unknown flag" kubectl would never print.
    cmd("autoscale", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, KUSTOMIZE, SAVE_CONFIG, flag("cpu-percent", None, Int32), flag("max", None, Int32), flag("min", None, Int32), flag("name", None, Str)]),
    group("certificate", &[], &[], false),
    group("cluster-info", &[], &[cmd("dump", &[OUTPUT, ALL_NS, flag("namespaces", None, Slice), flag("output-directory", None, Str), flag("pod-running-timeout", None, Duration)])], true),
    group("top", &[], &[
        cmd("node", &[SELECTOR, NO_HEADERS, flag("show-capacity", None, Bool), flag("sort-by", None, Str), flag("use-protocol-buffers", None, Bool)]),
        cmd("pod", &[ALL_NS, FIELD_SEL, SELECTOR, NO_HEADERS, flag("containers", None, Bool), flag("sort-by", None, Str), flag("sum", None, Bool), flag("use-protocol-buffers", None, Bool)]),
    ], false),
    cmd("cordon", &[SELECTOR, DRY_RUN]),
    cmd("uncordon", &[SELECTOR, DRY_RUN]),
    cmd("drain", &[SELECTOR, DRY_RUN, TIMEOUT, flag("chunk-size", None, Int), flag("delete-emptydir-data", None, Bool), flag("disable-eviction", None, Bool), flag("force", None, Bool), flag("grace-period", None, Int), flag("ignore-daemonsets", None, Bool), flag("pod-selector", None, Str), flag("skip-wait-for-delete-timeout", None, Int)]),
    cmd("taint", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, SELECTOR, DRY_RUN, FIELD_MANAGER, VALIDATE, flag("all", None, Bool), flag("overwrite", None, Bool)]),
    cmd("describe", &[ALL_NS, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("chunk-size", None, Int), flag("show-events", None, Bool)]),
    cmd("logs", &[SELECTOR, flag("all-containers", None, Bool), flag("all-pods", None, Bool), flag("container", Some('c'), Str), flag("follow", Some('f'), Bool), flag("ignore-errors", None, Bool), flag("insecure-skip-tls-verify-backend", None, Bool), flag("limit-bytes", None, Int), flag("max-log-requests", None, Int), flag("pod-running-timeout", None, Duration), flag("prefix", None, Bool), flag("previous", Some('p'), Bool), flag("since", None, Duration), flag("since-time", None, Str), flag("tail", None, Int), flag("timestamps", None, Bool)]),
    cmd("attach", &[flag("container", Some('c'), Str), flag("stdin", Some('i'), Bool), flag("tty", Some('t'), Bool), flag("quiet", Some('q'), Bool), flag("pod-running-timeout", None, Duration)]),
    cmd("exec", &[FILENAME, flag("container", Some('c'), Str), flag("stdin", Some('i'), Bool), flag("tty", Some('t'), Bool), flag("quiet", Some('q'), Bool), flag("pod-running-timeout", None, Duration)]),
    cmd("port-forward", &[flag("address", None, Slice), flag("pod-running-timeout", None, Duration)]),
    cmd("proxy", &[flag("port", Some('p'), Int), flag("address", None, Str)]),
    cmd("cp", &[flag("container", Some('c'), Str), flag("no-preserve", None, Bool), flag("retries", None, Int)]),
    group("auth", &[], &[
        cmd("can-i", &[ALL_NS, NO_HEADERS, flag("list", None, Bool), flag("quiet", Some('q'), Bool), flag("subresource", None, Str)]),
        cmd("whoami", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF]),
        cmd("reconcile", &[FILENAME, RECURSIVE, KUSTOMIZE, DRY_RUN, OUTPUT, flag("remove-extra-permissions", None, Bool), flag("remove-extra-subjects", None, Bool)]),
    ], false),
    cmd("debug", &[flag("image", None, Str), flag("container", Some('c'), Str), flag("stdin", Some('i'), Bool), flag("tty", Some('t'), Bool), flag("target", None, Str), flag("profile", None, Str), flag("copy-to", None, Str)]),
    cmd("events", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, ALL_NS, NO_HEADERS, flag("chunk-size", None, Int), flag("for", None, Str), flag("types", None, Slice), flag("watch", Some('w'), Bool)]),
    cmd("diff", &[FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, FIELD_MANAGER, flag("server-side", None, Bool), flag("force-conflicts", None, Bool), flag("prune", None, Bool), flag("concurrency", None, Int)]),
    group("apply", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, TIMEOUT, flag("all", None, Bool), flag("cascade", None, OptStr("background")), flag("force", None, Bool), flag("force-conflicts", None, Bool), flag("grace-period", None, Int), flag("openapi-patch", None, Bool), flag("overwrite", None, Bool), flag("prune", None, Bool), flag("server-side", None, Bool), flag("wait", None, Bool)], &[
        cmd("edit-last-applied", &[OUTPUT, FILENAME, RECURSIVE, KUSTOMIZE, FIELD_MANAGER]),
        cmd("set-last-applied", &[OUTPUT, FILENAME, DRY_RUN, flag("create-annotation", None, Bool)]),
        cmd("view-last-applied", &[OUTPUT, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool)]),
    ], true),
    cmd("patch", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, FILENAME, RECURSIVE, KUSTOMIZE, flag("local", None, Bool), flag("patch", Some('p'), Str), flag("patch-file", None, Str), flag("subresource", None, Str), flag("type", None, Str)]),
    cmd("replace", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, VALIDATE, FILENAME, RECURSIVE, KUSTOMIZE, SAVE_CONFIG, TIMEOUT, flag("cascade", None, OptStr("background")), flag("force", None, Bool), flag("grace-period", None, Int), flag("raw", None, Str), flag("subresource", None, Str), flag("wait", None, Bool)]),
    cmd("wait", &[ALL_NS, FIELD_SEL, FILENAME, RECURSIVE, SELECTOR, OUTPUT, TIMEOUT, flag("all", None, Bool), flag("for", None, Str), flag("local", None, Bool)]),
    cmd("kustomize", &[OUTPUT]),
    cmd("label", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, ALL_NS, FIELD_SEL, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool), flag("list", None, Bool), flag("local", None, Bool), flag("overwrite", None, Bool), flag("resource-version", None, Str)]),
    cmd("annotate", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, DRY_RUN, FIELD_MANAGER, ALL_NS, FIELD_SEL, FILENAME, RECURSIVE, SELECTOR, KUSTOMIZE, flag("all", None, Bool), flag("list", None, Bool), flag("local", None, Bool), flag("overwrite", None, Bool), flag("resource-version", None, Str)]),
    cmd("completion", &[]),
    group("config", &[], &[
        cmd("current-context", &[]),
        cmd("delete-cluster", &[]),
        cmd("delete-context", &[]),
        cmd("delete-user", &[]),
        cmd("get-contexts", &[OUTPUT, NO_HEADERS]),
        cmd("get-clusters", &[]),
        cmd("get-users", &[]),
        cmd("set-context", &[flag("current", None, Bool), flag("namespace", None, Str), flag("cluster", None, Str), flag("user", None, Str)]),
        cmd("rename-context", &[]),
        cmd("set", &[flag("set-raw-bytes", None, Bool)]),
        cmd("set-cluster", &[flag("certificate-authority", None, Str), flag("embed-certs", None, Bool), flag("insecure-skip-tls-verify", None, Bool), flag("proxy-url", None, Str), flag("server", None, Str), flag("tls-server-name", None, Str)]),
        cmd("set-credentials", &[flag("auth-provider", None, Str), flag("auth-provider-arg", None, Slice), flag("client-certificate", None, Str), flag("client-key", None, Str), flag("embed-certs", None, Bool), flag("exec-api-version", None, Str), flag("exec-arg", None, Slice), flag("exec-command", None, Str), flag("exec-env", None, List), flag("exec-interactive-mode", None, Str), flag("exec-provide-cluster-info", None, Bool), flag("password", None, Str), flag("token", None, Str), flag("username", None, Str)]),
        cmd("unset", &[]),
        cmd("use-context", &[]),
        cmd("view", &[OUTPUT, TEMPLATE, AMTK, SHOW_MF, flag("flatten", None, Bool), flag("minify", None, Bool), flag("raw", None, Bool), flag("merge", None, Bool)]),
    ], false),
    group("plugin", &[], &[cmd("list", &[flag("name-only", None, Bool)])], false),
    cmd("version", &[OUTPUT, flag("client", None, Bool)]),
    cmd("api-versions", &[]),
    cmd("api-resources", &[OUTPUT, NO_HEADERS, flag("api-group", None, Str), flag("cached", None, Bool), flag("categories", None, Slice), flag("namespaced", None, Bool), flag("sort-by", None, Str), flag("verbs", None, Slice)]),
    cmd("options", &[]),
    cmd("help", &[]),
];

/// cobra aliases of subcommands (`kubectl top pods`, `kubectl create cm`).
const ALIASES: &[(&str, &str)] = &[
    ("pods", "pod"), ("po", "pod"), ("nodes", "node"), ("no", "node"), ("cm", "configmap"), ("ns", "namespace"),
    ("deploy", "deployment"), ("sa", "serviceaccount"), ("svc", "service"), ("cj", "cronjob"), ("pdb", "poddisruptionbudget"),
    ("pc", "priorityclass"), ("resourcequota", "quota"),
];

/// Finds a command (or subcommand) by name or alias among `list`.
pub fn find<'a>(list: &'a [CommandSpec], name: &str) -> Option<&'a CommandSpec> {
    let canonical = ALIASES.iter().find(|(a, _)| *a == name).map_or(name, |(_, c)| *c);
    list.iter().find(|c| c.name == name).or_else(|| list.iter().find(|c| c.name == canonical))
}

/// cobra's `ld`: Levenshtein distance, case-insensitive.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// cobra's `SuggestionsFor` (minimum distance 2, or a prefix match).
pub fn suggestions(list: &[CommandSpec], typed: &str) -> Vec<&'static str> {
    list.iter()
        .filter(|c| levenshtein(typed, c.name) <= 2 || c.name.to_lowercase().starts_with(&typed.to_lowercase()))
        .map(|c| c.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_registration_order() {
        assert_eq!(suggestions(COMMANDS, "gett"), ["set", "get"]);
        assert_eq!(suggestions(COMMANDS, "foo"), ["top"]);
        assert_eq!(suggestions(COMMANDS, "desribe"), ["describe"]);
        assert_eq!(suggestions(COMMANDS, "lgs"), ["logs"]);
        assert!(suggestions(COMMANDS, "xyzzyq").is_empty());
    }
}
