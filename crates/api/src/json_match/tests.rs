//! `canonicalize` against `serde_json::to_value`: a `true` must mean byte-identical output.

use super::canonicalize;
use crate::Pod;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn pod() -> Pod {
    let wire = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "a"}, "annotations": {"x": "y"}},
        "spec": {
            "volumes": [{"name": "v", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}, {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}], "defaultMode": 420}}],
            "containers": [{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80}], "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                "volumeMounts": [{"name": "v", "readOnly": true, "mountPath": "/var/run"}], "imagePullPolicy": "IfNotPresent"}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "serviceAccountName": "default",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "priority": 0, "enableServiceLinks": true},
        "status": {"phase": "Pending", "qosClass": "Burstable"}});
    crate::object::Object::from_json_value(&wire).ok().and_then(|o| o.as_pod().cloned()).expect("the sample pod decodes")
}

fn canonical() -> Value {
    serde_json::to_value(pod()).expect("serialises")
}

/// Reverses the key order of every map along `path` (and the map it leads to).
fn reversed_at(mut v: Value, path: &[&str]) -> Value {
    fn rev(m: &mut Map<String, Value>) {
        let entries: Vec<(String, Value)> = std::mem::take(m).into_iter().rev().collect();
        *m = entries.into_iter().collect();
    }
    let mut cur = &mut v;
    for seg in path {
        if let Value::Object(m) = cur {
            rev(m);
        }
        cur = match seg.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[*seg],
        };
    }
    if let Value::Object(m) = cur {
        rev(m);
    }
    v
}

fn ordered(v: &Value) -> String {
    serde_json::to_string(v).expect("serialises")
}

#[test]
fn table() {
    let typed = pod();
    let want = ordered(&canonical());
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = canonical();
        f(&mut v);
        v
    };
    let cases: Vec<(&str, Value, bool)> = vec![
        ("canonical", canonical(), true),
        ("top level reversed", reversed_at(canonical(), &[]), true),
        ("spec and a container reversed", reversed_at(canonical(), &["spec", "containers", "0"]), true),
        ("a nested volume reversed", reversed_at(canonical(), &["spec", "volumes", "0", "projected"]), true),
        ("labels reversed", reversed_at(canonical(), &["metadata", "labels"]), true),
        ("extra key", edit(&|v| v["spec"]["bogus"] = json!(1)), false),
        ("missing key", edit(&|v| drop(v["spec"].as_object_mut().map(|m| m.shift_remove("dnsPolicy")))), false),
        ("other string", edit(&|v| v["spec"]["dnsPolicy"] = json!("Default")), false),
        ("float for an integer", edit(&|v| v["spec"]["terminationGracePeriodSeconds"] = json!(30.0)), false),
        ("string for an integer", edit(&|v| v["spec"]["priority"] = json!("0")), false),
        ("longer array", edit(&|v| v["spec"]["tolerations"].as_array_mut().unwrap().push(json!({}))), false),
        ("shorter array", edit(&|v| v["spec"]["containers"] = json!([])), false),
        ("null for a map", edit(&|v| v["metadata"]["labels"] = Value::Null), false),
        ("not an object", json!([1]), false),
    ];
    for (name, mut wire, ok) in cases {
        let unordered_equal = wire == canonical();
        assert_eq!(canonicalize(&typed, &mut wire, 0), ok, "{name}");
        assert_eq!(unordered_equal, ok, "{name}: the case itself");
        if ok {
            assert_eq!(ordered(&wire), want, "{name}");
        }
    }
}

/// `skip` keeps the header keys first and out of the comparison.
#[test]
fn skip_keeps_the_header() {
    let typed = pod();
    let mut wire = Map::new();
    wire.insert("apiVersion".into(), json!("v1"));
    wire.insert("kind".into(), json!("Pod"));
    for (k, v) in reversed_at(canonical(), &["spec"]).as_object().unwrap() {
        wire.insert(k.clone(), v.clone());
    }
    let mut wire = Value::Object(wire);
    assert!(canonicalize(&typed, &mut wire, 2));
    let mut want = Map::new();
    want.insert("apiVersion".into(), json!("v1"));
    want.insert("kind".into(), json!("Pod"));
    want.extend(canonical().as_object().unwrap().clone());
    assert_eq!(ordered(&wire), ordered(&Value::Object(want)));
    // A body key among the skipped ones is a mismatch.
    let mut short = json!({"apiVersion": "v1", "metadata": {}});
    assert!(!canonicalize(&typed, &mut short, 2));
}

/// Shuffles every map's keys with `seed`.
fn shuffled(v: &Value, seed: &mut u64) -> Value {
    let mut next = || {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    };
    fn go(v: &Value, next: &mut dyn FnMut() -> usize) -> Value {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(String, Value)> = m.iter().map(|(k, x)| (k.clone(), go(x, next))).collect();
                for i in (1..entries.len()).rev() {
                    entries.swap(i, next() % (i + 1));
                }
                Value::Object(entries.into_iter().collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| go(x, next)).collect()),
            other => other.clone(),
        }
    }
    go(v, &mut next)
}

proptest! {
    /// Any reordering canonicalizes to the exact serialisation; a changed leaf never matches.
    #[test]
    fn shuffles_match_and_edits_do_not(seed in any::<u64>(), edit in 0usize..4) {
        let typed = pod();
        let mut s = seed;
        let mut wire = shuffled(&canonical(), &mut s);
        prop_assert!(canonicalize(&typed, &mut wire, 0));
        prop_assert_eq!(ordered(&wire), ordered(&canonical()));
        let mut changed = shuffled(&canonical(), &mut s);
        match edit {
            0 => changed["metadata"]["labels"]["app"] = json!("other"),
            1 => changed["spec"]["containers"][0]["volumeMounts"][0]["readOnly"] = json!(false),
            2 => changed["status"]["extra"] = json!(1),
            _ => changed["spec"]["volumes"][0]["projected"]["defaultMode"] = json!(421),
        }
        prop_assert!(!canonicalize(&typed, &mut changed, 0));
    }
}
