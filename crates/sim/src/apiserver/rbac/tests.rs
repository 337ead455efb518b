//! RBAC tests: rule matching and the exact denial wording, over real binding objects.

use super::*;
use crate::apiserver::authn::authenticate;
use serde_json::json;

fn store_with(objects: Vec<Value>) -> Store {
    let mut s = Store::default();
    for o in objects {
        s.create(o).unwrap();
    }
    s
}

fn role(kind: &str, ns: &str, name: &str, rules: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": name, "namespace": ns}, "rules": rules})
}

fn binding(kind: &str, ns: &str, name: &str, role_kind: &str, role: &str, subject: Value) -> Value {
    json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"name": name, "namespace": ns},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role}, "subjects": [subject]})
}

/// Every request twice (a miss that fills the cache, then hits) through the cache and
/// through the uncached walk: the same answer each time.
fn cached_answers_like_the_walk(s: &Store, cache: &mut SubjectCache, users: &[crate::cluster::UserSpec], requests: &[(&str, Attributes<'_>)]) {
    for _ in 0..2 {
        for (user, a) in requests {
            let u = authenticate(users, Some(user), &[]).unwrap();
            assert_eq!(authorize_cached(s, cache, &u, a), authorize(s, &u, a), "{user} {a:?}");
        }
    }
}

fn attrs<'a>(verb: &'a str, resource: &'a str, sub: &'a str, ns: &'a str, name: &'a str) -> Attributes<'a> {
    Attributes { verb, api_group: "", resource, subresource: sub, namespace: ns, name }
}

#[test]
fn rbac_table() {
    let s = store_with(vec![
        role("Role", "default", "pod-reader", json!([{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list", "watch"]}])),
        binding("RoleBinding", "default", "jane-reads", "Role", "pod-reader", json!({"kind": "User", "name": "jane"})),
        binding("RoleBinding", "default", "dangling", "Role", "missing-role", json!({"kind": "User", "name": "bob"})),
        role("ClusterRole", "", "named-only", json!([{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"], "verbs": ["get", "create"]}])),
        binding("ClusterRoleBinding", "", "ops", "ClusterRole", "named-only", json!({"kind": "Group", "name": "ops"})),
        binding("RoleBinding", "dev", "sa", "Role", "pod-reader", json!({"kind": "ServiceAccount", "name": "app"})),
        role("Role", "dev", "pod-reader", json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["*"]}])),
    ]);
    let users = vec![crate::cluster::UserSpec { name: "ann".into(), groups: vec!["ops".into()], credential_valid: true }];
    let cases: Vec<(&str, Attributes, bool)> = vec![
        ("jane", attrs("get", "pods", "", "default", "web"), true),
        ("jane", attrs("list", "pods", "", "default", ""), true),
        ("jane", attrs("get", "pods", "log", "default", "web"), true),
        ("jane", attrs("create", "pods", "", "default", ""), false),
        ("jane", attrs("get", "pods", "", "kube-system", "web"), false),
        ("jane", attrs("create", "pods", "exec", "default", "web"), false),
        ("ann", attrs("get", "configmaps", "", "default", "app"), true),
        ("ann", attrs("get", "configmaps", "", "default", "other"), false),
        ("ann", attrs("create", "configmaps", "", "default", ""), false),
        ("system:serviceaccount:dev:app", attrs("delete", "pods", "", "dev", "x"), true),
        ("system:serviceaccount:default:app", attrs("delete", "pods", "", "dev", "x"), false),
    ];
    for (user, a, want) in cases {
        let u = authenticate(&users, Some(user), &[]).unwrap();
        assert_eq!(authorize(&s, &u, &a).allowed, want, "{user} {a:?}");
    }
    let bob = authenticate(&users, Some("bob"), &[]).unwrap();
    let a = attrs("list", "pods", "", "default", "");
    let d = authorize(&s, &bob, &a);
    assert_eq!(
        forbidden_cause(&bob, &a, &d.errors),
        "User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\": RBAC: roles.rbac.authorization.k8s.io \"missing-role\" not found"
    );
}

#[test]
fn denial_wording_table() {
    let jane = authenticate(&[], Some("jane"), &[]).unwrap();
    let cases = [
        (attrs("create", "pods", "", "default", ""), "User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""),
        (attrs("list", "nodes", "", "", ""), "User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"),
        (attrs("create", "pods", "exec", "default", "web"), "User \"jane\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"default\""),
    ];
    for (a, want) in cases {
        assert_eq!(forbidden_cause(&jane, &a, &[]), want);
    }
}

#[test]
fn resource_matches_table() {
    // (rule resource, requested resource, subresource, allowed)
    let cases = [
        ("*", "pods", "", true),
        ("*", "pods", "status", true),
        ("pods", "pods", "", true),
        ("pods", "pods", "status", false),
        ("pods/status", "pods", "status", true),
        ("pods/status", "pods", "", false),
        ("pods/status", "nodes", "status", false),
        ("*/status", "nodes", "status", true),
        ("*/status", "nodes", "", false),
        ("pods/*", "pods", "log", false),
        ("deployments", "pods", "", false),
    ];
    for (rule, resource, sub, want) in cases {
        let a = attrs("get", resource, sub, "default", "");
        assert_eq!(resource_matches(rule, &a), want, "{rule} vs {resource}/{sub}");
    }
}

#[test]
fn subject_cache_gives_the_same_decisions_and_follows_binding_changes() {
    let mut s = store_with(vec![
        role("Role", "default", "pod-reader", json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}])),
        binding("RoleBinding", "default", "dangling", "Role", "missing-role", json!({"kind": "User", "name": "bob"})),
        role("ClusterRole", "", "binder", json!([{"apiGroups": [""], "resources": ["pods/binding"], "verbs": ["create"]}])),
        binding("ClusterRoleBinding", "", "sched", "ClusterRole", "binder", json!({"kind": "User", "name": "system:kube-scheduler"})),
        binding("ClusterRoleBinding", "", "ops", "ClusterRole", "binder", json!({"kind": "Group", "name": "ops"})),
    ]);
    let users = vec![crate::cluster::UserSpec { name: "ann".into(), groups: vec!["ops".into()], credential_valid: true }];
    let mut cache = SubjectCache::default();
    let requests = [
        ("system:kube-scheduler", attrs("create", "pods", "binding", "default", "web")),
        ("system:kube-scheduler", attrs("get", "pods", "", "default", "web")),
        ("bob", attrs("list", "pods", "", "default", "")),
        ("bob", attrs("list", "pods", "", "kube-system", "")),
        ("ann", attrs("create", "pods", "binding", "dev", "x")),
        ("jane", attrs("get", "pods", "", "default", "web")),
        ("kubernetes-admin", attrs("delete", "nodes", "", "", "n1")),
        ("system:node:n1", attrs("get", "secrets", "", "default", "s")),
    ];
    let check = |s: &Store, cache: &mut SubjectCache| cached_answers_like_the_walk(s, cache, &users, &requests);
    check(&s, &mut cache);
    // A new binding for jane, and bob's dangling one fixed: the cache must see both.
    s.create(binding("RoleBinding", "default", "jane-reads", "Role", "pod-reader", json!({"kind": "User", "name": "jane"}))).unwrap();
    s.delete(&ObjectKey::new("RoleBinding", "default", "dangling"), None).unwrap();
    let jane = authenticate(&users, Some("jane"), &[]).unwrap();
    assert!(authorize_cached(&s, &mut cache, &jane, &attrs("get", "pods", "", "default", "web")).allowed);
    check(&s, &mut cache);
    // Role changes need no invalidation: roles are read at decision time.
    s.delete(&ObjectKey::new("Role", "default", "pod-reader"), None).unwrap();
    assert!(!authorize_cached(&s, &mut cache, &jane, &attrs("get", "pods", "", "default", "web")).allowed);
    check(&s, &mut cache);
}

/// The decision cache against the uncached walk: names matter only where a consulted rule
/// lists `resourceNames`; role edits (which leave the binding revision alone) must reach it.
#[test]
fn decision_cache_answers_like_the_walk_across_names_and_role_edits() {
    let named = |verbs: Value| role("ClusterRole", "", "named", json!([
        {"apiGroups": [""], "resources": ["configmaps"], "resourceNames": ["app"], "verbs": verbs},
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["list"]},
    ]));
    let mut s = store_with(vec![
        named(json!(["get"])),
        binding("ClusterRoleBinding", "", "ops", "ClusterRole", "named", json!({"kind": "Group", "name": "ops"})),
        role("ClusterRole", "", "binder", json!([{"apiGroups": [""], "resources": ["pods/binding"], "verbs": ["create"]}])),
        binding("ClusterRoleBinding", "", "sched", "ClusterRole", "binder", json!({"kind": "User", "name": "system:kube-scheduler"})),
    ]);
    let users = vec![crate::cluster::UserSpec { name: "ann".into(), groups: vec!["ops".into()], credential_valid: true }];
    let requests = [
        ("ann", attrs("get", "configmaps", "", "default", "app")),
        ("ann", attrs("get", "configmaps", "", "default", "other")),
        ("ann", attrs("get", "configmaps", "", "default", "")),
        ("ann", attrs("list", "configmaps", "", "default", "")),
        ("ann", attrs("list", "configmaps", "", "default", "app")),
        ("ann", attrs("get", "configmaps", "", "default", "app")),
        ("system:kube-scheduler", attrs("create", "pods", "binding", "default", "a")),
        ("system:kube-scheduler", attrs("create", "pods", "binding", "default", "b")),
        ("system:kube-scheduler", attrs("create", "pods", "binding", "kube-system", "a")),
        ("system:kube-scheduler", attrs("create", "pods", "", "default", "")),
    ];
    let mut cache = SubjectCache::default();
    let check = |s: &Store, cache: &mut SubjectCache| cached_answers_like_the_walk(s, cache, &users, &requests);
    check(&s, &mut cache);
    // The named rule now allows `list` by name only, so `list` of `app` matches rule 0.
    let mut edited = named(json!(["get", "list"]));
    edited["metadata"]["resourceVersion"] = json!("");
    s.update(edited, None).unwrap();
    check(&s, &mut cache);
    // The scheduler's role loses the binding permission: a cached allow must not survive.
    let sched = authenticate(&users, Some("system:kube-scheduler"), &[]).unwrap();
    s.delete(&ObjectKey::new("ClusterRole", "", "binder"), None).unwrap();
    assert!(!authorize_cached(&s, &mut cache, &sched, &attrs("create", "pods", "binding", "default", "a")).allowed);
    check(&s, &mut cache);
    s.create(role("ClusterRole", "", "binder", json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["create"]}]))).unwrap();
    assert!(authorize_cached(&s, &mut cache, &sched, &attrs("create", "pods", "", "default", "")).allowed);
    check(&s, &mut cache);
}

mod decision_cache_props {
    use super::*;
    use proptest::prelude::*;

    const USERS: [&str; 3] = ["ann", "bob", "system:kube-scheduler"];
    const NAMES: [&str; 3] = ["", "app", "web"];
    const RESOURCES: [&str; 3] = ["pods", "pods/binding", "configmaps"];
    const VERBS: [&str; 3] = ["get", "create", "*"];

    /// One random RBAC object: a role (with or without `resourceNames`) or a binding of one
    /// of the users or the `ops` group to a role that may not exist.
    fn rbac_object(pick: [usize; 6]) -> Value {
        let [kind, name, verb, res, names, subject] = pick;
        let rules = json!([{"apiGroups": [""], "resources": [RESOURCES[res % 3]], "verbs": [VERBS[verb % 3]],
            "resourceNames": if names % 3 == 0 { json!([]) } else { json!([NAMES[names % 3]]) }}]);
        let role_name = ["r0", "r1"][name % 2];
        let subject = match subject % 4 {
            3 => json!({"kind": "Group", "name": "ops"}),
            i => json!({"kind": "User", "name": USERS[i]}),
        };
        match kind % 4 {
            0 => role("Role", "default", role_name, rules),
            1 => role("ClusterRole", "", role_name, rules),
            2 => binding("RoleBinding", "default", ["b0", "b1"][verb % 2], ["Role", "ClusterRole"][res % 2], role_name, subject),
            _ => binding("ClusterRoleBinding", "", ["b0", "b1"][verb % 2], ["Role", "ClusterRole"][res % 2], role_name, subject),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn cached_decisions_equal_the_walk(steps in proptest::collection::vec((any::<bool>(), any::<[usize; 6]>()), 1..60)) {
            let users = vec![crate::cluster::UserSpec { name: "ann".into(), groups: vec!["ops".into()], credential_valid: true }];
            let mut s = Store::default();
            let mut cache = SubjectCache::default();
            for (write, pick) in steps {
                if write {
                    let obj = rbac_object(pick);
                    let key = ObjectKey::of(&obj);
                    if s.get(&key).is_some() && pick[5] % 3 == 0 {
                        s.delete(&key, None).unwrap();
                    } else if s.get(&key).is_some() {
                        s.update(obj, None).unwrap();
                    } else {
                        s.create(obj).unwrap();
                    }
                    continue;
                }
                let (resource, sub) = RESOURCES[pick[3] % 3].split_once('/').unwrap_or((RESOURCES[pick[3] % 3], ""));
                let a = attrs(["get", "create"][pick[2] % 2], resource, sub, ["default", "dev", ""][pick[1] % 3], NAMES[pick[4] % 3]);
                let u = authenticate(&users, Some(USERS[pick[0] % 3]), &[]).unwrap();
                prop_assert_eq!(authorize_cached(&s, &mut cache, &u, &a), authorize(&s, &u, &a));
            }
        }
    }
}
