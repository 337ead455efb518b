//! Describers for Role, ClusterRole, RoleBinding and ClusterRoleBinding (describe.go's
//! `RoleDescriber` and siblings). A role's rules are shown the way kubectl shows them: broken
//! down to one verb, resource and resource name each (`rbac.BreakdownRule`), merged back per
//! group, resource and resource name with their verbs in order (`CompactRules`), and sorted by
//! the text of Go's generated `PolicyRule.String()`, so a learner sees the same table, in the
//! same order, as on a real cluster. No namespace line and no events, as kubectl prints none.
//! A ServiceAccount lists its image pull secrets, mountable secrets and token Secrets, marking
//! the names no Secret of its namespace has as `(not found)`.

use super::common::{annotations, events, labels};
use super::kinds::head;
use super::writer::{Writer, L0, L1};
use crate::value::{arr, s};
use serde_json::Value;
use std::sync::Arc;

/// A policy rule as lists of strings, in `PolicyRule` field order.
#[derive(Clone, Default, PartialEq)]
struct Rule {
    verbs: Vec<String>,
    api_groups: Vec<String>,
    resources: Vec<String>,
    resource_names: Vec<String>,
    non_resource_urls: Vec<String>,
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key).and_then(Value::as_array).map(|a| a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

/// Go's `%v` of a `[]string`: `[a b c]`.
fn go_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

impl Rule {
    fn of(v: &Value) -> Rule {
        Rule {
            verbs: strings(v, "verbs"),
            api_groups: strings(v, "apiGroups"),
            resources: strings(v, "resources"),
            resource_names: strings(v, "resourceNames"),
            non_resource_urls: strings(v, "nonResourceURLs"),
        }
    }

    /// The generated `PolicyRule.String()`, which the describer sorts by.
    fn go_string(&self) -> String {
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            go_list(&self.verbs),
            go_list(&self.api_groups),
            go_list(&self.resources),
            go_list(&self.resource_names),
            go_list(&self.non_resource_urls)
        )
    }

    fn one(group: &str, resource: &str, verb: &str, name: Option<&str>) -> Rule {
        Rule {
            verbs: vec![verb.to_string()],
            api_groups: vec![group.to_string()],
            resources: vec![resource.to_string()],
            resource_names: name.map(|n| vec![n.to_string()]).unwrap_or_default(),
            non_resource_urls: Vec::new(),
        }
    }
}

/// `BreakdownRule`: one rule per group x resource x verb (x resource name), then one per
/// non-resource URL x verb.
fn breakdown(rule: &Rule) -> Vec<Rule> {
    let mut out = Vec::new();
    for g in &rule.api_groups {
        for r in &rule.resources {
            for v in &rule.verbs {
                if rule.resource_names.is_empty() {
                    out.push(Rule::one(g, r, v, None));
                } else {
                    out.extend(rule.resource_names.iter().map(|n| Rule::one(g, r, v, Some(n))));
                }
            }
        }
    }
    for u in &rule.non_resource_urls {
        for v in &rule.verbs {
            out.push(Rule { verbs: vec![v.clone()], non_resource_urls: vec![u.clone()], ..Rule::default() });
        }
    }
    out
}

/// `CompactRules`: rules of one group, one resource and at most one resource name merge their
/// verbs (in the order met); the rest stay as they are.
fn compact(rules: Vec<Rule>) -> Vec<Rule> {
    let mut complex = Vec::new();
    let mut simple: Vec<Rule> = Vec::new();
    for rule in rules {
        let is_simple = rule.resource_names.len() <= 1 && rule.non_resource_urls.is_empty() && rule.api_groups.len() == 1 && rule.resources.len() == 1;
        if !is_simple {
            complex.push(rule);
            continue;
        }
        let same = simple.iter_mut().find(|r| r.api_groups == rule.api_groups && r.resources == rule.resources && r.resource_names == rule.resource_names);
        match same {
            Some(existing) => existing.verbs.extend(rule.verbs),
            None => simple.push(rule),
        }
    }
    complex.extend(simple);
    complex
}

/// `CombineResourceGroup`: `resource.group/subresource` of a rule's first resource and group.
fn resource_group(rule: &Rule) -> String {
    let Some(first) = rule.resources.first() else { return String::new() };
    let (resource, sub) = first.split_once('/').map_or((first.as_str(), None), |(r, s)| (r, Some(s)));
    let mut out = resource.to_string();
    if let Some(g) = rule.api_groups.first().filter(|g| !g.is_empty()) {
        out.push('.');
        out.push_str(g);
    }
    if let Some(sub) = sub {
        out.push('/');
        out.push_str(sub);
    }
    out
}

/// The PolicyRule table's rows: resource, non-resource URLs, resource names, verbs.
fn rule_rows(obj: &Value) -> Vec<[String; 4]> {
    let mut rules = compact(arr(obj, "rules").iter().flat_map(|r| breakdown(&Rule::of(r))).collect());
    // A stable sort on the Go text, as `sort.Stable(SortableRuleSlice(...))`.
    rules.sort_by_cached_key(Rule::go_string);
    rules.iter().map(|r| [resource_group(r), go_list(&r.non_resource_urls), go_list(&r.resource_names), go_list(&r.verbs)]).collect()
}

/// Role and ClusterRole: identity, then the PolicyRule table.
pub fn role(obj: &Value) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, false);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, "PolicyRule:\n");
    w.write(L1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    w.write(L1, "---------\t-----------------\t--------------\t-----\n");
    for [resource, urls, names, verbs] in rule_rows(obj) {
        w.write(L1, &format!("{resource}\t{urls}\t{names}\t{verbs}\n"));
    }
    w.finish()
}

/// RoleBinding and ClusterRoleBinding: identity, the role referred to, and the subjects.
pub fn binding(obj: &Value) -> String {
    let mut w = Writer::new();
    head(&mut w, obj, false);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    w.write(L0, "Role:\n");
    w.write(L1, &format!("Kind:\t{}\n", s(obj, "roleRef.kind")));
    w.write(L1, &format!("Name:\t{}\n", s(obj, "roleRef.name")));
    w.write(L0, "Subjects:\n");
    w.write(L1, "Kind\tName\tNamespace\n");
    w.write(L1, "----\t----\t---------\n");
    for subject in arr(obj, "subjects") {
        w.write(L1, &format!("{}\t{}\t{}\n", s(subject, "kind"), s(subject, "name"), s(subject, "namespace")));
    }
    w.finish()
}

/// `describeServiceAccount`; `secrets` are the Secrets of the account's namespace.
pub fn service_account(obj: &Value, secrets: &[Arc<Value>], evs: Option<&[Value]>, now: i64) -> String {
    let (name, uid) = (s(obj, "metadata.name"), s(obj, "metadata.uid"));
    let tokens: Vec<&str> = secrets
        .iter()
        .filter(|sec| s(sec, "type") == "kubernetes.io/service-account-token")
        .filter(|sec| {
            let ann = |k: &str| sec.get("metadata").and_then(|m| m.get("annotations")).and_then(|a| a.get(k)).and_then(Value::as_str).unwrap_or_default();
            ann("kubernetes.io/service-account.name") == name && ann("kubernetes.io/service-account.uid") == uid
        })
        .map(|sec| s(sec, "metadata.name"))
        .collect();
    let names = |key: &str| -> Vec<&str> { arr(obj, key).iter().map(|r| s(r, "name")).collect() };
    let exists = |n: &str| secrets.iter().any(|sec| s(sec, "metadata.name") == n);
    let mut w = Writer::new();
    head(&mut w, obj, true);
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    // kubectl walks its three lists in the sorted order of their headers.
    for (header, list, checked) in [("Image pull secrets:", names("imagePullSecrets"), true), ("Mountable secrets:", names("secrets"), true), ("Tokens:", tokens, false)] {
        if list.is_empty() {
            w.write(L0, &format!("{header}\t<none>\n"));
        }
        for (i, n) in list.iter().enumerate() {
            let lead = if i == 0 { header } else { "" };
            let missing = if checked && !exists(n) { " (not found)" } else { "" };
            w.write(L0, &format!("{lead}\t{n}{missing}\n"));
        }
    }
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Breakdown, compaction and the Go-text order: verbs merge per resource in the order met,
    /// resource names split a resource, non-resource URLs stay one row per verb, and rows sort
    /// by their verbs first (`&PolicyRule{Verbs:[...`).
    #[test]
    fn rules_read_as_kubectl_lays_them_out() {
        let cr = json!({"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": [
            {"apiGroups": ["", "apps"], "resources": ["pods", "deployments/scale"], "verbs": ["get", "list"]},
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch"]},
            {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["a", "b"], "verbs": ["get"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get", "head"]}
        ]});
        let rows = rule_rows(&cr);
        // "[get list watch]" sorts before "[get list]" (a space is below `]`), and "[]" groups
        // before named ones.
        assert_eq!(
            rows,
            [
                ["pods", "[]", "[]", "[get list watch]"],
                ["deployments/scale", "[]", "[]", "[get list]"],
                ["deployments.apps/scale", "[]", "[]", "[get list]"],
                ["pods.apps", "[]", "[]", "[get list]"],
                ["", "[/healthz]", "[]", "[get]"],
                ["secrets", "[]", "[a]", "[get]"],
                ["secrets", "[]", "[b]", "[get]"],
                ["", "[/healthz]", "[]", "[head]"],
            ]
        );
        let text = role(&cr);
        assert!(text.starts_with("Name:         r\nLabels:       <none>\nAnnotations:  <none>\nPolicyRule:\n  Resources               Non-Resource URLs  Resource Names  Verbs\n"), "{text}");
    }

    /// The objects of a kubectl-oracle run (kubectl 1.33.1) and the text it printed: a missing
    /// secret is marked in both lists, a token Secret counts only with the account's name and
    /// uid, continuation lines leave the header cell empty.
    #[test]
    fn service_account_matches_kubectl_1_33() {
        let sa = json!({"kind": "ServiceAccount", "metadata": {"name": "ci", "namespace": "default", "uid": "u2"},
            "imagePullSecrets": [{"name": "regcred"}, {"name": "other"}], "secrets": [{"name": "ci-token"}, {"name": "regcred"}]});
        let secret = |name: &str, ty: &str, sa_name: &str, uid: &str| {
            Arc::new(json!({"kind": "Secret", "metadata": {"name": name, "namespace": "default",
                "annotations": {"kubernetes.io/service-account.name": sa_name, "kubernetes.io/service-account.uid": uid}}, "type": ty}))
        };
        let secrets = [
            secret("ci-token-abc", "kubernetes.io/service-account-token", "ci", "u2"),
            secret("other-uid", "kubernetes.io/service-account-token", "ci", "u9"),
            secret("regcred", "kubernetes.io/dockerconfigjson", "", ""),
        ];
        let want = "Name:                ci\nNamespace:           default\nLabels:              <none>\nAnnotations:         <none>\n\
            Image pull secrets:  regcred\n                     other (not found)\n\
            Mountable secrets:   ci-token (not found)\n                     regcred\n\
            Tokens:              ci-token-abc\nEvents:              <none>\n";
        assert_eq!(service_account(&sa, &secrets, Some(&[]), 0), want);
    }

    #[test]
    fn bindings_list_the_role_and_subjects() {
        let rb = json!({"kind": "RoleBinding", "metadata": {"name": "jane-reads", "namespace": "default"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
            "subjects": [{"kind": "User", "name": "jane", "apiGroup": "rbac.authorization.k8s.io"}, {"kind": "ServiceAccount", "name": "ci", "namespace": "build"}]});
        assert_eq!(
            binding(&rb),
            "Name:         jane-reads\nLabels:       <none>\nAnnotations:  <none>\nRole:\n  Kind:  Role\n  Name:  pod-reader\nSubjects:\n  Kind            Name  Namespace\n  ----            ----  ---------\n  User            jane  \n  ServiceAccount  ci    build\n"
        );
    }
}
