//! `kubectl create role|clusterrole|rolebinding|clusterrolebinding`: the imperative RBAC
//! generators (kubectl 1.33's `create_role.go`, `create_clusterrole.go`,
//! `create_rolebinding.go`, `create_clusterrolebinding.go`), with their flag handling, their
//! checks and messages in kubectl's order, and the objects they build; sending, `--dry-run` and
//! `-o` are `create`'s own ([`super::run::emit`]). The API server then authorises, validates
//! and stores the object like any other, so `kubectl auth can-i` sees the new rules at once.

use super::run::{emit, emit_or_refused, generated_meta as metadata, name_arg};
use super::{fail, CmdResult, Ctx, Fail};
use serde_json::{json, Map, Value};

/// Verbs `create role` takes without a warning (kubectl's `validResourceVerbs`).
const RESOURCE_VERBS: &[&str] = &["*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection", "use", "bind", "escalate", "impersonate"];
/// Verbs a non-resource URL rule may have (`validNonResourceVerbs`).
const NON_RESOURCE_VERBS: &[&str] = &["*", "get", "post", "put", "delete", "patch", "head", "options"];
/// Verbs that only mean something on particular resources (`specialVerbs`): (verb, group, resource).
const SPECIAL_VERBS: &[(&str, &str, &str)] = &[
    ("use", "policy", "podsecuritypolicies"),
    ("use", "extensions", "podsecuritypolicies"),
    ("bind", "rbac.authorization.k8s.io", "roles"),
    ("bind", "rbac.authorization.k8s.io", "clusterroles"),
    ("escalate", "rbac.authorization.k8s.io", "roles"),
    ("escalate", "rbac.authorization.k8s.io", "clusterroles"),
    ("impersonate", "", "users"),
    ("impersonate", "", "serviceaccounts"),
    ("impersonate", "", "groups"),
    ("impersonate", "authentication.k8s.io", "userextras"),
];
const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

/// One `--resource` entry: `resource.group/subresource`.
struct ResourceArg {
    resource: String,
    group: String,
    subresource: String,
}

/// The rule inputs of `create role` and `create clusterrole`, de-duplicated as kubectl does.
struct RuleArgs {
    verbs: Vec<String>,
    resources: Vec<ResourceArg>,
    resource_names: Vec<String>,
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn rule_args(ctx: &Ctx) -> RuleArgs {
    let mut verbs = ctx.flags.all("verb");
    // `*` stands for every verb and replaces the rest.
    if verbs.iter().any(|v| v == "*") {
        verbs = vec!["*".to_string()];
    }
    let mut resources = Vec::new();
    for r in ctx.flags.all("resource") {
        let (head, subresource) = r.split_once('/').map_or((r.as_str(), ""), |(h, s)| (h, s));
        let (resource, group) = head.split_once('.').unwrap_or((head, ""));
        let arg = ResourceArg { resource: resource.to_string(), group: group.to_string(), subresource: subresource.to_string() };
        if r == "*" {
            // A bare `*` is every resource of the core group, and ends the list.
            resources = vec![arg];
            break;
        }
        resources.push(arg);
    }
    RuleArgs { verbs: dedup(verbs), resources, resource_names: dedup(ctx.flags.all("resource-name")) }
}

/// The REST mapper's answer for a `--resource`: its plural name and group, or kubectl's error.
/// It reads the same resource table as every other kubectl command (what the server serves).
fn map_resource(r: &ResourceArg) -> Result<(String, String), String> {
    let typed = if r.group.is_empty() { r.resource.clone() } else { format!("{}.{}", r.resource, r.group) };
    match podlab_api::registry::lookup(&typed) {
        Some(info) => Ok((info.plural.to_string(), info.group.to_string())),
        None if r.group.is_empty() => Err(format!("the server doesn't have a resource type {:?}", r.resource)),
        None => Err(format!("the server doesn't have a resource type {:?} in group {:?}", r.resource, r.group)),
    }
}

/// `validateResource`: every resource named, special verbs only on their resources, and
/// every resource known to the server (a `*` ends the checks).
fn validate_resources(args: &RuleArgs) -> CmdResult {
    for r in &args.resources {
        if r.resource.is_empty() {
            return fail("resource must be specified if apiGroup/subresource specified");
        }
        if r.resource == "*" {
            return Ok(());
        }
        let mapped = map_resource(r);
        let (resource, group) = mapped.clone().unwrap_or_else(|_| (r.resource.clone(), r.group.clone()));
        let mut special_match = false;
        for v in &args.verbs {
            let allowed: Vec<_> = SPECIAL_VERBS.iter().filter(|(sv, _, _)| sv == v).collect();
            if allowed.is_empty() {
                continue;
            }
            if !allowed.iter().any(|(_, g, res)| *res == resource && *g == group) {
                return fail(format!("can not perform '{v}' on '{resource}' in group '{group}'"));
            }
            special_match = true;
        }
        if let (Err(e), false) = (mapped, special_match) {
            // The mapper's error, which kubectl prints without an `error: ` prefix.
            return Err(Fail::Plain(format!("{e}\n")));
        }
    }
    Ok(())
}

fn warn_nonstandard_verbs(ctx: &mut Ctx, verbs: &[String]) {
    for v in verbs.iter().filter(|v| !RESOURCE_VERBS.contains(&v.as_str())) {
        ctx.out.err(&format!("Warning: '{v}' is not a standard resource verb\n"));
    }
}

/// `generateResourcePolicyRules`: one rule per API group (groups in byte order), then one for
/// the non-resource URLs.
fn policy_rules(args: &RuleArgs, non_resource_urls: &[String]) -> Vec<Value> {
    let mut by_group: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for r in &args.resources {
        let (mut resource, group) = map_resource(r).unwrap_or_else(|_| (r.resource.clone(), r.group.clone()));
        if !r.subresource.is_empty() {
            resource = format!("{resource}/{}", r.subresource);
        }
        let list = by_group.entry(group).or_default();
        if !list.contains(&resource) {
            list.push(resource);
        }
    }
    let mut rules: Vec<Value> = by_group
        .into_iter()
        .map(|(group, resources)| {
            let mut rule = json!({"apiGroups": [group], "resources": resources, "verbs": args.verbs});
            if !args.resource_names.is_empty() {
                rule["resourceNames"] = json!(args.resource_names);
            }
            rule
        })
        .collect();
    if !non_resource_urls.is_empty() {
        rules.push(json!({"nonResourceURLs": non_resource_urls, "verbs": args.verbs}));
    }
    rules
}

/// `kubectl create role NAME --verb=... --resource=... [--resource-name=...]`.
pub fn create_role(ctx: &mut Ctx) -> CmdResult {
    let name = name_arg(ctx)?;
    let args = rule_args(ctx);
    if args.verbs.is_empty() {
        return fail("at least one verb must be specified");
    }
    warn_nonstandard_verbs(ctx, &args.verbs);
    if args.resources.is_empty() {
        return fail("at least one resource must be specified");
    }
    validate_resources(&args)?;
    let obj = json!({"apiVersion": format!("{RBAC_GROUP}/v1"), "kind": "Role", "metadata": metadata(ctx, &name, true), "rules": policy_rules(&args, &[])});
    emit(ctx, obj, "created")
}

/// `kubectl create clusterrole NAME` with rules (`--verb`, `--resource`, `--resource-name`,
/// `--non-resource-url`) or an `--aggregation-rule`.
pub fn create_clusterrole(ctx: &mut Ctx) -> CmdResult {
    // A malformed flag value fails while the flags are parsed, before the name is looked at.
    let aggregation = match ctx.flags.get("aggregation-rule").filter(|a| !a.is_empty()) {
        Some(text) => Some(label_map(text)?),
        None => None,
    };
    let name = name_arg(ctx)?;
    let urls = dedup(ctx.flags.all("non-resource-url"));
    let args = rule_args(ctx);
    let mut obj = json!({"apiVersion": format!("{RBAC_GROUP}/v1"), "kind": "ClusterRole", "metadata": metadata(ctx, &name, false)});
    if let Some(labels) = aggregation {
        if !urls.is_empty() || !args.verbs.is_empty() || !args.resources.is_empty() || !args.resource_names.is_empty() {
            return fail("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames");
        }
        obj["aggregationRule"] = json!({"clusterRoleSelectors": [{"matchLabels": labels}]});
        // The generated object has no rules: `rules: null`, as kubectl sends it.
        obj["rules"] = Value::Null;
        return emit(ctx, obj, "created");
    }
    validate_cluster_rules(ctx, &args, &urls)?;
    obj["rules"] = json!(policy_rules(&args, &urls));
    emit(ctx, obj, "created")
}

/// `CreateClusterRoleOptions.Validate` past the aggregation rule.
fn validate_cluster_rules(ctx: &mut Ctx, args: &RuleArgs, urls: &[String]) -> CmdResult {
    if args.verbs.is_empty() {
        return fail("at least one verb must be specified");
    }
    if args.resources.is_empty() && urls.is_empty() {
        return fail("one of resource or nonResourceURL must be specified");
    }
    if !args.resources.is_empty() {
        warn_nonstandard_verbs(ctx, &args.verbs);
        validate_resources(args)?;
    }
    if !urls.is_empty() {
        if let Some(v) = args.verbs.iter().find(|v| !NON_RESOURCE_VERBS.contains(&v.as_str())) {
            return fail(format!("invalid verb: '{v}' for nonResourceURL"));
        }
        for url in urls.iter().filter(|u| *u != "*") {
            if !url.starts_with('/') {
                return fail("nonResourceURL should start with /");
            }
            // Bytes, as Go's `nonResourceURL[:len-1]`: a str slice could split a character.
            if url.as_bytes()[..url.len() - 1].contains(&b'*') {
                return fail("nonResourceURL only supports wildcard matches when '*' is at the end");
            }
        }
    }
    Ok(())
}

/// A `key=value,key2=value2` flag (pflag's mapStringString), as kubectl parses it.
fn label_map(text: &str) -> Result<Map<String, Value>, Fail> {
    let mut m = Map::new();
    for pair in text.split(',') {
        match pair.split_once('=') {
            Some((k, v)) => {
                m.insert(k.to_string(), Value::String(v.to_string()));
            }
            None => {
                let hint = "See 'kubectl create clusterrole --help' for usage.";
                return Err(Fail::Plain(format!("error: invalid argument {text:?} for \"--aggregation-rule\" flag: malformed pair, expect string=string\n{hint}\n")));
            }
        }
    }
    Ok(m)
}

/// Users, groups, then service accounts (`namespace:name`), as both binding commands list them.
fn subjects(ctx: &Ctx) -> Result<Vec<Value>, Fail> {
    let mut out = Vec::new();
    for user in ctx.flags.all("user") {
        out.push(json!({"apiGroup": RBAC_GROUP, "kind": "User", "name": user}));
    }
    for group in ctx.flags.all("group") {
        out.push(json!({"apiGroup": RBAC_GROUP, "kind": "Group", "name": group}));
    }
    for sa in ctx.flags.all("serviceaccount") {
        match sa.split(':').collect::<Vec<_>>()[..] {
            [ns, name] if !ns.is_empty() && !name.is_empty() => out.push(json!({"kind": "ServiceAccount", "name": name, "namespace": ns})),
            _ => return fail("serviceaccount must be <namespace>:<name>"),
        }
    }
    Ok(out)
}

/// `kubectl create rolebinding NAME --role=R|--clusterrole=CR [--user=...] [--group=...]
/// [--serviceaccount=ns:name]`.
pub fn create_rolebinding(ctx: &mut Ctx) -> CmdResult {
    let name = name_arg(ctx)?;
    let role = ctx.flags.get("role").unwrap_or("").to_string();
    let cluster_role = ctx.flags.get("clusterrole").unwrap_or("").to_string();
    if role.is_empty() == cluster_role.is_empty() {
        return fail("exactly one of clusterrole or role must be specified");
    }
    let (kind, role_name) = if role.is_empty() { ("ClusterRole", cluster_role) } else { ("Role", role) };
    binding(ctx, "RoleBinding", metadata(ctx, &name, true), kind, &role_name)
}

/// `kubectl create clusterrolebinding NAME --clusterrole=CR [subjects]`.
pub fn create_clusterrolebinding(ctx: &mut Ctx) -> CmdResult {
    // cobra checks a required flag before the command runs, so before the name.
    let Some(cluster_role) = ctx.flags.get("clusterrole").map(str::to_string) else {
        return fail("required flag(s) \"clusterrole\" not set");
    };
    let name = name_arg(ctx)?;
    binding(ctx, "ClusterRoleBinding", metadata(ctx, &name, false), "ClusterRole", &cluster_role)
}

fn binding(ctx: &mut Ctx, kind: &str, metadata: Value, role_kind: &str, role_name: &str) -> CmdResult {
    let mut obj = json!({"apiVersion": format!("{RBAC_GROUP}/v1"), "kind": kind, "metadata": metadata,
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": role_kind, "name": role_name}});
    let subjects = subjects(ctx)?;
    if !subjects.is_empty() {
        obj["subjects"] = Value::Array(subjects);
    }
    // Both commands word the API server's refusal themselves.
    emit_or_refused(ctx, obj, &kind.to_ascii_lowercase())
}
