//! A create through the fast paths (the decode-and-default patch derived lazily from the
//! shared body, a plain pod admitted and prepared on its decoded form and serialised once
//! (`typed_create`), any other pod's wire form reordered into the canonical form instead of
//! serialised again) against the eager path: the same responses, errors, stored objects,
//! watch events and trace, for pods that take every branch (client status, existing volumes,
//! mounts and tolerations, LimitRange defaults, non-canonical quantities, no namespace,
//! generateName, invalid and undecodable bodies) and a kind that is not a pod.

use super::EAGER_CREATE;
use crate::cluster::ClusterSpec;
use crate::request::ApiRequest;
use crate::sim::Simulation;
use serde_json::{json, Value};

fn pod(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": {"app": name}}, "spec": spec})
}

fn bodies() -> Vec<Value> {
    let app = json!({"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}});
    let mut with_status = pod("status", json!({"containers": [app.clone()]}));
    with_status["status"] = json!({"phase": "Running", "podIP": "10.0.0.9"});
    let mut no_namespace = pod("nons", json!({"containers": [app.clone()]}));
    no_namespace["metadata"].as_object_mut().unwrap().shift_remove("namespace");
    let mut generated = pod("", json!({"containers": [app.clone()]}));
    generated["metadata"] = json!({"generateName": "gen-", "namespace": "default"});
    vec![
        json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "limited"},
            "spec": {"limits": [{"type": "Container", "default": {"cpu": "0.5", "memory": "256Mi"}, "defaultRequest": {"cpu": "0.25"}}]}}),
        pod("bench", json!({"containers": [app.clone()]})),
        with_status,
        pod("mounts", json!({"volumes": [{"name": "data", "emptyDir": {}}], "containers": [{"name": "a", "image": "busybox", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}]})),
        pod("init", json!({"initContainers": [{"name": "i", "image": "busybox:1.36", "command": ["true"]}], "containers": [app.clone()], "restartPolicy": "Never"})),
        pod("noautomount", json!({"automountServiceAccountToken": false, "containers": [app.clone()]})),
        pod("quantities", json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "0.1", "memory": "1e3"}, "limits": {"cpu": 1}}}]})),
        {
            let mut p = pod("limited", json!({"containers": [{"name": "a", "image": "x"}]}));
            p["metadata"]["namespace"] = json!("limited");
            p
        },
        no_namespace,
        {
            // NamespaceLifecycle's NotFound, before any plugin.
            let mut p = pod("ghost", json!({"containers": [{"name": "a", "image": "x"}]}));
            p["metadata"]["namespace"] = json!("ghost");
            p
        },
        generated,
        pod("invalid", json!({"containers": [{"name": "Bad_Name", "image": ""}]})),
        pod("undecodable", json!({"containers": [{"name": "a", "image": "x", "bogus": 1}]})),
        pod("priority", json!({"priority": 5, "containers": [app.clone()]})),
        // No container to mount the token in (so no volume), and a 422 for it.
        pod("empty", json!({"containers": [], "tolerations": [{"operator": "Exists"}]})),
        // Validation messages print quantities the client wrote in non-canonical form.
        pod("overcommit", json!({"containers": [{"name": "a", "image": "x", "resources": {"requests": {"cpu": "0.5", "memory": "2e6"}, "limits": {"cpu": "0.1", "memory": "1e6"}}}]})),
        pod("rich", json!({"containers": [{"name": "web", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}],
            "env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
            "readinessProbe": {"httpGet": {"path": "/", "port": "http"}}, "livenessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 5},
            "securityContext": {"runAsUser": 1000, "capabilities": {"drop": ["ALL"]}}, "volumeMounts": [{"name": "d", "mountPath": "/d", "readOnly": true}]}],
            "volumes": [{"name": "d", "emptyDir": {"sizeLimit": "0.5Gi"}}], "nodeSelector": {"disk": "ssd"}, "hostname": "h", "subdomain": "s",
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "k", "operator": "In", "values": ["v"]}]}]}}}})),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [app]}}}}),
    ]
}

/// Creates a namespace and every body; returns everything observable, in order.
fn run(eager: bool) -> Vec<String> {
    run_bodies(eager, &[], bodies())
}

/// `run` with `setup` objects created (and the cluster settled) before `bodies`.
fn run_bodies(eager: bool, setup: &[Value], bodies: Vec<Value>) -> Vec<String> {
    EAGER_CREATE.with(|w| w.set(eager));
    let mut sim = Simulation::new(7, ClusterSpec::workers(1));
    let watch = sim.watch("Pod", None, None).expect("watch");
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "limited"}});
    let mut seen = vec![format!("{:?}", sim.submit(ApiRequest::create(ns)).map(|_| ()))];
    for obj in setup {
        seen.push(format!("{:?}", sim.submit(ApiRequest::create(obj.clone())).map(|_| ())));
    }
    sim.run_until_idle(1_000);
    for body in bodies {
        let answer = sim.submit(ApiRequest::create(body));
        seen.push(serde_json::to_string(&answer.map(|ok| ok.into_object())).unwrap_or_else(|e| e.to_string()));
    }
    for event in sim.drain_watch(watch) {
        seen.push(serde_json::to_string(&event).expect("serialises"));
    }
    seen.extend(sim.trace().iter().map(|e| serde_json::to_string(e).expect("serialises")));
    EAGER_CREATE.with(|w| w.set(false));
    seen
}

#[test]
fn fast_create_is_indistinguishable_from_the_eager_path() {
    let fast = run(false);
    let eager = run(true);
    assert_eq!(fast.len(), eager.len());
    for (a, b) in fast.iter().zip(&eager) {
        assert_eq!(a, b);
    }
    // The table reaches accepted pods, defaulting patches and both kinds of rejection.
    assert!(fast.iter().any(|l| l.contains("\"qosClass\":\"Burstable\"")));
    assert!(fast.iter().any(|l| l.contains("imagePullPolicy") && l.contains("decode-and-default")));
    assert!(fast.iter().any(|l| l.contains("is invalid")));
    assert!(fast.iter().any(|l| l.contains("unknown field")));
    assert!(fast.iter().any(|l| l.contains("ghost") && l.contains("not found")));
    assert!(fast.iter().any(|l| l.contains("overcommit") && l.contains("must be less than or equal to cpu limit of 100m")));
    assert!(fast.iter().any(|l| l.contains("\"hostname\":\"h\"") && l.contains("kube-api-access-") && l.contains("\"uid\"")));
}

mod random_pods {
    //! Random pods through the fast create path (plain pods admitted on their decoded form,
    //! `typed_create`; pods in a LimitRange namespace or with an out-of-range priority class
    //! through the JSON plugins) and the eager one (JSON plugins, decoded whole again): every
    //! response, stored object, watch event and trace entry (admission patches included) equal.
    use super::{pod, run_bodies};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    const SA_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

    fn setup(global_default: bool) -> Vec<Value> {
        let sa = |name: &str, automount: Option<bool>| {
            let mut v = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": "default"}});
            if let Some(a) = automount {
                v["automountServiceAccountToken"] = json!(a);
            }
            v
        };
        vec![
            sa("robot", Some(false)),
            sa("builder", Some(true)),
            sa("plain", None),
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000, "preemptionPolicy": "Never"}),
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "huge"}, "value": 2_000_000_000_i64}),
            // Beyond `spec.priority`'s i32 either way, and not an integer: only the wire path
            // gives their outcome (an undecodable admitted pod stored as it is).
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "giant"}, "value": 3_000_000_000_i64}),
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "abyss"}, "value": -3_000_000_000_i64}),
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "vague"}, "value": "high"}),
            json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "fallback"}, "value": 7, "globalDefault": global_default}),
            // Pods in `limited` take the whole decode (LimitRanger edits their resources).
            json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "limited"},
                "spec": {"limits": [{"type": "Container", "default": {"cpu": "200m"}, "defaultRequest": {"memory": "64Mi"}}]}}),
        ]
    }

    fn pick<T: Clone + std::fmt::Debug + 'static>(items: Vec<T>) -> impl Strategy<Value = T> {
        proptest::sample::select(items)
    }

    fn mounts() -> impl Strategy<Value = Option<Value>> {
        let m = |path: &str| json!({"name": "data", "mountPath": path});
        pick(vec![None, Some(json!([])), Some(json!([m("/data")])), Some(json!([m(SA_PATH)])), Some(json!([m("/data"), m(SA_PATH)]))])
    }

    fn container(prefix: &'static str) -> impl Strategy<Value = Value> {
        (0..3_usize, mounts(), any::<bool>(), 0..12_u8).prop_map(move |(i, mounts, requests, odd)| {
            let mut c = json!({"name": format!("{prefix}{i}"), "image": "busybox:1.36"});
            match odd {
                // A native sidecar (an init container that keeps running); on a regular
                // container, a validation error.
                0 => c["restartPolicy"] = json!("Always"),
                1 => c["name"] = json!("Bad_Name"),
                _ => {}
            }
            if let Some(m) = mounts {
                c["volumeMounts"] = m;
            }
            if requests {
                c["resources"] = json!({"requests": {"cpu": "100m"}});
            }
            c
        })
    }

    fn toleration() -> impl Strategy<Value = Value> {
        pick(vec![
            json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}),
            json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}),
            json!({"operator": "Exists"}),
            json!({"operator": "Exists", "effect": "NoSchedule"}),
            json!({"key": "node.kubernetes.io/not-ready", "operator": "Equal", "value": "x", "effect": "NoSchedule"}),
            json!({"key": "node.kubernetes.io/unreachable"}),
            json!({"key": "dedicated", "operator": "Equal", "value": "gpu"}),
            json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}),
            json!({"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}),
            json!({"key": "node.kubernetes.io/unreachable", "operator": "Equal", "effect": "NoExecute"}),
        ])
    }

    fn optional(v: Vec<Value>) -> impl Strategy<Value = Option<Value>> {
        proptest::option::of(pick(v))
    }

    fn spec_keys() -> impl Strategy<Value = Vec<(&'static str, Option<Value>)>> {
        (
            optional(vec![json!("default"), json!(""), json!("robot"), json!("builder"), json!("plain"), json!("missing")]),
            optional(vec![json!("default"), json!("robot"), json!("other")]),
            optional(vec![json!(true), json!(false)]),
            optional(vec![
                json!([]),
                json!([{"name": "data", "emptyDir": {}}]),
                json!([{"name": "data", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}]),
                // A volume already named like the plugin's, and a size in non-canonical form.
                json!([{"name": "kube-api-access-abcde", "emptyDir": {"sizeLimit": "0.5Gi"}}]),
            ]),
            optional(vec![json!("high"), json!("huge"), json!("system-node-critical"), json!("system-cluster-critical"), json!("missing"), json!("giant"), json!("abyss"), json!("vague"), json!("fallback")]),
            optional(vec![json!(0), json!(5), json!(7), json!(1000), json!(2_000_001_000)]),
            optional(vec![json!("Never"), json!("PreemptLowerPriority")]),
            proptest::option::of(proptest::collection::vec(toleration(), 0..4).prop_map(Value::from)),
        )
            .prop_map(|(sa, sa_alias, automount, volumes, class, priority, policy, tolerations)| {
                vec![
                    ("serviceAccountName", sa),
                    ("serviceAccount", sa_alias),
                    ("automountServiceAccountToken", automount),
                    ("volumes", volumes),
                    ("priorityClassName", class),
                    ("priority", priority),
                    ("preemptionPolicy", policy),
                    ("tolerations", tolerations),
                ]
            })
    }

    /// Metadata and status a client may send: a fixed name (a second one is AlreadyExists),
    /// fields `rest.BeforeCreate` replaces or drops, a status `PrepareForCreate` replaces.
    fn extras() -> impl Strategy<Value = Vec<(&'static str, Value)>> {
        proptest::collection::vec(
            pick(vec![
                ("name", json!("fixed")),
                ("uid", json!("0000-client")),
                ("resourceVersion", json!("42")),
                ("generation", json!(9)),
                ("creationTimestamp", json!("2020-01-01T00:00:00Z")),
                ("deletionTimestamp", json!("2020-01-01T00:00:00Z")),
                ("deletionGracePeriodSeconds", json!(30)),
                ("labels", json!({"tier": "x"})),
                ("status", json!({"phase": "Running", "podIP": "10.0.0.9"})),
            ]),
            0..3,
        )
    }

    fn random_pod() -> impl Strategy<Value = Value> {
        let containers = proptest::collection::vec(container("c"), 1..3);
        let inits = proptest::option::of(proptest::collection::vec(container("i"), 0..3));
        let ephemeral = proptest::option::of(Just(json!([{"name": "debug", "image": "busybox:1.36"}])));
        let shape = (any::<bool>(), any::<bool>(), ephemeral, extras());
        (containers, inits, spec_keys(), shape).prop_map(|(cs, inits, keys, (limited, mirror, ephemeral, extras))| {
            let mut spec = json!({});
            if let Some(i) = inits {
                spec["initContainers"] = Value::from(i);
            }
            if let Some(e) = ephemeral {
                spec["ephemeralContainers"] = e;
            }
            spec["containers"] = Value::from(cs);
            for (k, v) in keys {
                if let Some(v) = v {
                    spec[k] = v;
                }
            }
            let mut p = pod("", spec);
            p["metadata"]["generateName"] = json!("p-");
            if limited {
                p["metadata"]["namespace"] = json!("limited");
            }
            if mirror {
                p["metadata"]["annotations"] = json!({"kubernetes.io/config.mirror": "x"});
            }
            for (key, v) in extras {
                match key {
                    "status" => p["status"] = v,
                    _ => p["metadata"][key] = v,
                }
            }
            p
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn random_pods_take_the_fast_path_unseen(bodies in proptest::collection::vec(random_pod(), 1..6), global_default in any::<bool>()) {
            let fast = run_bodies(false, &setup(global_default), bodies.clone());
            let eager = run_bodies(true, &setup(global_default), bodies);
            prop_assert_eq!(fast.len(), eager.len());
            for (a, b) in fast.iter().zip(&eager) {
                prop_assert_eq!(a, b);
            }
        }
    }
}
