//! Authorization: the privileged-group short cut for system:masters, a simplified Node
//! authorizer for kubelets, then RBAC evaluated over the real Role/ClusterRole/RoleBinding/
//! ClusterRoleBinding objects in the store (ClusterRoleBindings first, then RoleBindings of the
//! request's namespace, each in name order). A denial is worded exactly like the API server's
//! `forbiddenMessage`, with RBAC's "RBAC: ..." reason appended when a binding pointed at a
//! role that does not exist.

use super::authn::UserInfo;
use crate::meta;
use crate::store::{ObjectKey, Store};
use serde_json::Value;
use std::collections::BTreeMap;

/// What is being asked, as `authorizer.Attributes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attributes<'a> {
    pub verb: &'a str,
    pub api_group: &'a str,
    pub resource: &'a str,
    pub subresource: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// Which authorizer / binding / role / rule allowed it.
    pub matched: String,
    /// RBAC evaluation errors (missing roles), appended to a denial as its reason.
    pub errors: Vec<String>,
}

fn has(list: Option<&Value>, want: &str) -> bool {
    list.and_then(Value::as_array).is_some_and(|a| a.iter().any(|v| v.as_str() == Some("*") || v.as_str() == Some(want)))
}

/// `ResourceMatches`: `*`, the resource (`pods`), the resource with its subresource
/// (`pods/status`) or any resource with that subresource (`*/status`). Compared piecewise so
/// the check allocates nothing: it runs for every rule of every binding on every request.
fn resource_matches(r: &str, a: &Attributes) -> bool {
    if r == "*" {
        return true;
    }
    match r.split_once('/') {
        None => a.subresource.is_empty() && r == a.resource,
        Some((res, sub)) => !a.subresource.is_empty() && sub == a.subresource && (res == a.resource || res == "*"),
    }
}

/// `rbac.RuleAllows` for a resource request.
pub fn rule_allows(rule: &Value, a: &Attributes) -> bool {
    rule_verdict(rule, a).allows
}

/// A rule's answer, and whether the request's name took part in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RuleVerdict {
    allows: bool,
    /// The rule's verbs, API groups and resources matched and it lists `resourceNames`, so
    /// the same request for another name may get another answer.
    names_checked: bool,
}

fn rule_verdict(rule: &Value, a: &Attributes) -> RuleVerdict {
    let resource_ok = meta::member(rule, "resources").and_then(Value::as_array).is_some_and(|rs| rs.iter().filter_map(Value::as_str).any(|r| resource_matches(r, a)));
    if !(has(meta::member(rule, "verbs"), a.verb) && has(meta::member(rule, "apiGroups"), a.api_group) && resource_ok) {
        return RuleVerdict { allows: false, names_checked: false };
    }
    match meta::member(rule, "resourceNames").and_then(Value::as_array) {
        Some(n) if !n.is_empty() => RuleVerdict { allows: !a.name.is_empty() && n.iter().any(|x| x.as_str() == Some(a.name)), names_checked: true },
        _ => RuleVerdict { allows: true, names_checked: false },
    }
}

fn subject_matches(s: &Value, user: &UserInfo, binding_ns: &str) -> bool {
    let kind = meta::str_at(s, &["kind"]).unwrap_or("");
    let name = meta::str_at(s, &["name"]).unwrap_or("");
    match kind {
        "User" => name == user.name,
        "Group" => user.in_group(name),
        "ServiceAccount" => {
            let ns = meta::str_at(s, &["namespace"]).filter(|n| !n.is_empty()).unwrap_or(binding_ns);
            // `system:serviceaccount:<ns>:<name>`, compared without building the string.
            user.name.strip_prefix("system:serviceaccount:").and_then(|rest| rest.split_once(':')) == Some((ns, name))
        }
        _ => false,
    }
}

/// Checks one binding; Ok(Some(matched)) when a rule of its role allows the request. Sets
/// `names_checked` when a rule it consulted looked at the request's name.
fn check_binding(store: &Store, binding: &Value, user: &UserInfo, a: &Attributes, names_checked: &mut bool) -> Result<Option<String>, String> {
    let binding_ns = meta::namespace(binding);
    let subjects = meta::member(binding, "subjects").and_then(Value::as_array);
    if !subjects.is_some_and(|s| s.iter().any(|s| subject_matches(s, user, binding_ns))) {
        return Ok(None);
    }
    let role_kind = meta::str_at(binding, &["roleRef", "kind"]).unwrap_or("");
    let role_name = meta::str_at(binding, &["roleRef", "name"]).unwrap_or("");
    let (key, err_res) = match role_kind {
        "Role" => (ObjectKey::new("Role", binding_ns, role_name), "roles.rbac.authorization.k8s.io"),
        _ => (ObjectKey::new("ClusterRole", "", role_name), "clusterroles.rbac.authorization.k8s.io"),
    };
    let Some(role) = store.get(&key) else {
        return Err(format!("{err_res} {role_name:?} not found"));
    };
    let rules = meta::member(role, "rules").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let allowing = rules.iter().position(|r| {
        let v = rule_verdict(r, a);
        *names_checked |= v.names_checked;
        v.allows
    });
    Ok(allowing.map(|i| format!("{} {} -> {role_kind} {role_name} rules[{i}]", meta::kind(binding), meta::name(binding))))
}

/// The authorizers before RBAC: the privileged group and the Node authorizer.
fn short_cut(user: &UserInfo) -> Option<Decision> {
    if user.in_group("system:masters") {
        return Some(Decision { allowed: true, matched: "privileged group system:masters".into(), errors: vec![] });
    }
    if user.in_group("system:nodes") && user.name.starts_with("system:node:") {
        return Some(Decision { allowed: true, matched: "Node authorizer".into(), errors: vec![] });
    }
    None
}

/// The bindings RBAC consults for a request in `namespace`, in evaluation order:
/// ClusterRoleBindings, then the namespace's RoleBindings, each in name order.
fn bindings<'s>(store: &'s Store, namespace: &str) -> impl Iterator<Item = &'s std::sync::Arc<Value>> {
    let cluster = store.list("ClusterRoleBinding", None);
    let local = if namespace.is_empty() { None } else { Some(store.list("RoleBinding", Some(namespace))) };
    cluster.chain(local.into_iter().flatten())
}

/// RBAC's verdict over `candidates` (bindings in evaluation order), and whether any rule it
/// consulted looked at the request's name (see `RuleVerdict::names_checked`).
fn decide<'s>(store: &Store, candidates: impl Iterator<Item = &'s std::sync::Arc<Value>>, user: &UserInfo, a: &Attributes) -> (Decision, bool) {
    let mut errors = Vec::new();
    let mut names_checked = false;
    for binding in candidates {
        match check_binding(store, binding, user, a, &mut names_checked) {
            Ok(Some(matched)) => return (Decision { allowed: true, matched, errors }, names_checked),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    (Decision { allowed: false, matched: String::new(), errors }, names_checked)
}

pub fn authorize(store: &Store, user: &UserInfo, a: &Attributes) -> Decision {
    if let Some(d) = short_cut(user) {
        return d;
    }
    decide(store, bindings(store, a.namespace), user, a).0
}

/// How many (user, groups, namespace) entries the subject cache keeps before starting over.
const SUBJECT_CACHE_MAX: usize = 1024;

/// For each (user, groups, namespace) the bindings whose subjects name that user, valid for
/// one `Store::binding_revision`. Only a binding whose subjects match can allow a request or
/// report a missing role, so evaluating just these, in the same order, gives the same
/// decision as walking every binding, which every in-cluster component's request otherwise
/// did (the scheduler's bind of every pod, the controllers' writes). In front of it, the
/// decisions themselves (`decisions::DecisionCache`), valid for one `Store::rbac_revision`.
#[derive(Debug, Default)]
pub struct SubjectCache {
    revision: Option<u64>,
    entries: BTreeMap<(String, Vec<String>, String), Vec<ObjectKey>>,
    decisions: decisions::DecisionCache,
}

/// `authorize` through the subject and decision caches; the same decision, errors and
/// matched text.
pub fn authorize_cached(store: &Store, cache: &mut SubjectCache, user: &UserInfo, a: &Attributes) -> Decision {
    if let Some(d) = short_cut(user) {
        return d;
    }
    if let Some(d) = cache.decisions.get(store.rbac_revision(), user, a) {
        return d.clone();
    }
    if cache.revision != Some(store.binding_revision()) || cache.entries.len() >= SUBJECT_CACHE_MAX {
        cache.entries.clear();
        cache.revision = Some(store.binding_revision());
    }
    let key = (user.name.clone(), user.groups.clone(), a.namespace.to_string());
    let keys = cache.entries.entry(key).or_insert_with(|| {
        bindings(store, a.namespace)
            .filter(|b| b.get("subjects").and_then(Value::as_array).is_some_and(|s| s.iter().any(|s| subject_matches(s, user, meta::namespace(b)))))
            .map(|b| ObjectKey::of(b))
            .collect()
    });
    let (d, names_checked) = decide(store, keys.iter().filter_map(|k| store.get(k)), user, a);
    if !names_checked {
        cache.decisions.insert(store.rbac_revision(), user, a, &d);
    }
    d
}

/// The API server's `forbiddenMessage` plus the authorizer's reason.
pub fn forbidden_cause(user: &UserInfo, a: &Attributes, errors: &[String]) -> String {
    let resource = if a.subresource.is_empty() { a.resource.to_string() } else { format!("{}/{}", a.resource, a.subresource) };
    let mut msg = if a.namespace.is_empty() {
        format!("User {:?} cannot {} resource {resource:?} in API group {:?} at the cluster scope", user.name, a.verb, a.api_group)
    } else {
        format!("User {:?} cannot {} resource {resource:?} in API group {:?} in the namespace {:?}", user.name, a.verb, a.api_group, a.namespace)
    };
    match errors {
        [] => {}
        [one] => msg.push_str(&format!(": RBAC: {one}")),
        many => msg.push_str(&format!(": RBAC: [{}]", many.join(", "))),
    }
    msg
}

mod decisions;
#[cfg(test)]
mod tests;
