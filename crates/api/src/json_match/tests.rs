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
    wire.insert("apiVersion", json!("v1"));
    wire.insert("kind", json!("Pod"));
    for (k, v) in reversed_at(canonical(), &["spec"]).as_object().unwrap() {
        wire.insert(k.clone(), v.clone());
    }
    let mut wire = Value::Object(wire);
    assert!(canonicalize(&typed, &mut wire, 2));
    let mut want = Map::new();
    want.insert("apiVersion", json!("v1"));
    want.insert("kind", json!("Pod"));
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
                let mut entries: Vec<(String, Value)> = m.iter().map(|(k, x)| (k.to_string(), go(x, next))).collect();
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

/// The straightforward phase two `move_into_order` replaces: take every entry out and insert
/// them again in `order`.
fn rebuilt_in_order(map: &Map<String, Value>, order: &[usize]) -> Option<Map<String, Value>> {
    if order.len() != map.len() {
        return None;
    }
    let mut entries: Vec<Option<(String, Value)>> = map.clone().into_iter().map(Some).collect();
    let mut out = Map::new();
    for &at in order {
        let (k, v) = entries.get_mut(at).and_then(Option::take)?;
        out.insert(k, v);
    }
    Some(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    /// Moving the out-of-place entries gives the rebuilt map, key order included, for any
    /// permutation; an order that is no permutation (repeats, out of range, wrong length) is
    /// refused by both.
    #[test]
    fn moving_entries_equals_rebuilding(len in 0usize..24, perm_seed in any::<u64>(), broken in 0usize..4) {
        let map: Map<String, Value> = (0..len).map(|i| (format!("k{}", (i * 7) % 31), json!(i))).collect();
        let mut order: Vec<usize> = (0..map.len()).collect();
        let mut seed = perm_seed | 1;
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        match broken {
            1 if order.len() > 1 => order[0] = order[1],
            2 if !order.is_empty() => order[0] = map.len(),
            3 => order.push(0),
            _ => {}
        }
        let want = rebuilt_in_order(&map, &order);
        let mut moved = map.clone();
        let ok = super::move_into_order(&mut moved, &order);
        prop_assert_eq!(ok, want.is_some());
        if let Some(want) = want {
            prop_assert_eq!(ordered(&Value::Object(moved)), ordered(&Value::Object(want)));
        }
    }
}
