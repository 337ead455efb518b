//! Patch application for `kubectl patch` and `kubectl apply`'s PATCH: JSON merge patch (RFC
//! 7386), strategic merge patch (merge patch plus merging of lists keyed the way the Go types
//! declare `patchMergeKey`, e.g. containers by `name`, and the `$patch: delete` directive) and
//! JSON patch (RFC 6902). Errors carry the API server's wording.

use crate::request::PatchType;
use serde_json::{Map, Value};

/// Lists the Kubernetes types merge by key under strategic merge patch.
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers" | "initContainers" | "ephemeralContainers" | "volumes" | "env" | "imagePullSecrets" | "readinessGates" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "ports" => Some("containerPort"),
        "tolerations" | "finalizers" => None,
        "conditions" => Some("type"),
        "hostAliases" => Some("ip"),
        "ownerReferences" => Some("uid"),
        _ => None,
    }
}

pub fn apply(target: &Value, patch_type: PatchType, patch: &Value) -> Result<Value, String> {
    match patch_type {
        PatchType::Merge => Ok(merge(target, patch, false, 0)),
        PatchType::Strategic => Ok(merge(target, patch, true, 0)),
        PatchType::Json => json_patch(target, patch),
    }
}

fn merge(target: &Value, patch: &Value, strategic: bool, depth: usize) -> Value {
    let Value::Object(p) = patch else { return patch.clone() };
    // Strategic `$patch: replace` on a map: the map replaces the target's (kubectl rollout
    // undo ds sends a ControllerRevision's `{"spec":{"template":{"$patch":"replace",...}}}`).
    if strategic && p.get("$patch").and_then(Value::as_str) == Some("replace") {
        let mut without = p.clone();
        without.shift_remove("$patch");
        return merge(&Value::Null, &Value::Object(without), strategic, depth + 1);
    }
    let mut out = match target {
        Value::Object(t) => t.clone(),
        _ => Map::new(),
    };
    for (k, pv) in p {
        if depth > 64 || k.starts_with("$") {
            continue;
        }
        if pv.is_null() {
            out.shift_remove(k);
            continue;
        }
        let merged = match (out.get(k), pv) {
            (Some(tv @ Value::Object(_)), Value::Object(_)) => merge(tv, pv, strategic, depth + 1),
            (Some(Value::Array(ta)), Value::Array(pa)) if strategic => match merge_key(k) {
                Some(key) => merge_list(ta, pa, key, depth),
                None => pv.clone(),
            },
            _ => merge(&Value::Null, pv, strategic, depth + 1),
        };
        out.insert(k.clone(), merged);
    }
    Value::Object(out)
}

fn merge_list(target: &[Value], patch: &[Value], key: &str, depth: usize) -> Value {
    let mut out: Vec<Value> = target.to_vec();
    for item in patch {
        let id = item.get(key);
        let pos = id.and_then(|id| out.iter().position(|t| t.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (pos, delete) {
            (Some(i), true) => {
                out.remove(i);
            }
            (Some(i), false) => out[i] = merge(&out[i], item, true, depth + 1),
            (None, false) => out.push(merge(&Value::Null, item, true, depth + 1)),
            (None, true) => {}
        }
    }
    Value::Array(out)
}

fn pointer_parts(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let rest = path.strip_prefix('/').ok_or_else(|| format!("JSON pointer {path:?} must start with '/'"))?;
    Ok(rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect())
}

fn json_patch(target: &Value, patch: &Value) -> Result<Value, String> {
    let ops = patch.as_array().ok_or("json: cannot unmarshal object into Go value of type jsonpatch.Patch")?;
    let mut doc = target.clone();
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let parts = pointer_parts(path)?;
        match kind {
            "add" | "replace" => {
                let value = op.get("value").cloned().ok_or_else(|| format!("missing value for {kind} operation"))?;
                set(&mut doc, &parts, value, kind == "add").map_err(|_| format!("{kind} operation does not apply: doc is missing path: {path:?}"))?
            }
            "remove" => remove(&mut doc, &parts).map_err(|_| format!("remove operation does not apply: doc is missing path: {path:?}"))?,
            "test" => {
                let want = op.get("value").unwrap_or(&Value::Null);
                if doc.pointer(path) != Some(want) {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

fn parent<'a>(doc: &'a mut Value, parts: &[String]) -> Result<&'a mut Value, ()> {
    let mut cur = doc;
    for p in parts {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).ok_or(())?,
            Value::Array(a) => a.get_mut(p.parse::<usize>().map_err(|_| ())?).ok_or(())?,
            _ => return Err(()),
        };
    }
    Ok(cur)
}

fn set(doc: &mut Value, parts: &[String], value: Value, add: bool) -> Result<(), ()> {
    let Some((last, init)) = parts.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent(doc, init)? {
        Value::Object(m) if add || m.contains_key(last) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) if last == "-" && add => {
            a.push(value);
            Ok(())
        }
        Value::Array(a) => {
            let i = last.parse::<usize>().map_err(|_| ())?;
            match (add, i <= a.len(), i < a.len()) {
                (true, true, _) => a.insert(i, value),
                (false, _, true) => a[i] = value,
                _ => return Err(()),
            }
            Ok(())
        }
        _ => Err(()),
    }
}

fn remove(doc: &mut Value, parts: &[String]) -> Result<(), ()> {
    let (last, init) = parts.split_last().ok_or(())?;
    match parent(doc, init)? {
        Value::Object(m) => m.shift_remove(last).map(|_| ()).ok_or(()),
        Value::Array(a) => {
            let i = last.parse::<usize>().map_err(|_| ())?;
            if i < a.len() {
                a.remove(i);
                Ok(())
            } else {
                Err(())
            }
        }
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn patch_table() {
        let pod = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.26"}, {"name": "side", "image": "busybox"}]}});
        let cases = [
            (PatchType::Merge, json!({"metadata": {"labels": {"b": "2", "a": null}}}), Some(json!({"b": "2"})), "/metadata/labels"),
            (PatchType::Strategic, json!({"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}), Some(json!("nginx:1.27")), "/spec/containers/0/image"),
            (PatchType::Strategic, json!({"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}), Some(json!(1)), "len"),
            (PatchType::Merge, json!({"spec": {"containers": [{"name": "only"}]}}), Some(json!(1)), "len"),
            (PatchType::Strategic, json!({"metadata": {"$patch": "replace", "labels": {"z": "9"}}}), Some(json!({"z": "9"})), "/metadata/labels"),
            (PatchType::Json, json!([{"op": "replace", "path": "/spec/containers/0/image", "value": "x"}]), Some(json!("x")), "/spec/containers/0/image"),
            (PatchType::Json, json!([{"op": "add", "path": "/metadata/labels/c", "value": "3"}]), Some(json!("3")), "/metadata/labels/c"),
            (PatchType::Json, json!([{"op": "remove", "path": "/nope"}]), None, ""),
            (PatchType::Json, json!({"op": "add"}), None, ""),
        ];
        for (ty, p, want, ptr) in cases {
            let got = apply(&pod, ty, &p);
            match want {
                None => assert!(got.is_err(), "{p}"),
                Some(w) if ptr == "len" => assert_eq!(json!(got.unwrap()["spec"]["containers"].as_array().unwrap().len()), w, "{p}"),
                Some(w) => assert_eq!(got.unwrap().pointer(ptr).cloned(), Some(w), "{p}"),
            }
        }
    }
}
