//! What the checker may read of the cluster: objects as the API server returns them (JSON with
//! Kubernetes field names) and the events it holds, plus the current simulated time. A trait,
//! so the checker is judged against API objects — never against YAML text or kubectl output —
//! and so its logic is testable with hand-built objects. Also the field-path language authors
//! use in `field` checks (`spec.containers[name=app].resources.limits.memory`).

use serde_json::Value;

/// A read-only view of the cluster at one simulated instant.
pub trait ClusterView {
    /// Simulated milliseconds since the simulation started.
    fn now_ms(&self) -> u64;
    /// The object as `kubectl get -o json` would show it, or None if it does not exist.
    fn object(&self, kind: &str, namespace: &str, name: &str) -> Option<Value>;
    /// All events currently stored (the API server drops them after 1h).
    fn events(&self) -> Vec<EventView>;
}

/// The parts of an Event the checker looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventView {
    pub uid: String,
    pub reason: String,
    pub event_type: String,
    pub message: String,
    pub object_kind: String,
    pub object_name: String,
    pub namespace: String,
    pub count: u64,
    /// Simulated milliseconds of the event's last occurrence (lastTimestamp / series).
    pub last_ms: u64,
}

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
    /// `[name=app]`: the list element whose `name` field equals `app`.
    Select(String, String),
}

/// Parses `a.b[0].c[name=x]["app.kubernetes.io/name"]`.
pub fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    let mut rest = path.trim();
    if rest.is_empty() {
        return Err("empty path".into());
    }
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(|| format!("unclosed [ in {path:?}"))?;
            let inner = &r[..end];
            segs.push(bracket(inner).ok_or_else(|| format!("bad selector [{inner}] in {path:?}"))?);
            rest = &r[end + 1..];
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return Err(format!("empty key in {path:?}"));
            }
            segs.push(Seg::Key(rest[..end].to_string()));
            rest = &rest[end..];
        }
        if let Some(r) = rest.strip_prefix('.') {
            if r.is_empty() || r.starts_with('.') {
                return Err(format!("empty key in {path:?}"));
            }
            rest = r;
        }
    }
    Ok(segs)
}

fn bracket(inner: &str) -> Option<Seg> {
    if let Ok(i) = inner.parse::<usize>() {
        return Some(Seg::Index(i));
    }
    if inner.len() >= 2 && inner.starts_with('"') && inner.ends_with('"') {
        return Some(Seg::Key(inner[1..inner.len() - 1].to_string()));
    }
    let (k, v) = inner.split_once('=')?;
    (!k.is_empty()).then(|| Seg::Select(k.trim().to_string(), v.trim().to_string()))
}

/// The value at `path`, or None where any step is missing.
pub fn lookup<'a>(root: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(root, |v, seg| match seg {
        Seg::Key(k) => v.get(k),
        Seg::Index(i) => v.get(*i),
        Seg::Select(k, want) => v.as_array()?.iter().find(|e| e.get(k).map(scalar_text).as_deref() == Some(want)),
    })
}

/// A scalar as text (`80`, `true`, `nginx`) so YAML authors can compare numbers and strings alike.
pub fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Loose equality: `80` matches `"80"`, so an author need not guess the API's JSON type.
pub fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => a == b,
        _ => scalar_text(a) == scalar_text(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_and_resolve() {
        let pod = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}},
            "spec": {"containers": [{"name": "app", "ports": [{"containerPort": 80}]}, {"name": "side"}]}});
        let get = |p: &str| lookup(&pod, &parse_path(p).unwrap()).cloned();
        assert_eq!(get("spec.containers[0].ports[0].containerPort"), Some(json!(80)));
        assert_eq!(get("spec.containers[name=side].name"), Some(json!("side")));
        assert_eq!(get("metadata.labels[\"app.kubernetes.io/name\"]"), Some(json!("web")));
        assert_eq!(get("spec.containers[5]"), None);
        assert!(loosely_equal(&json!(80), &json!("80")));
    }

    #[test]
    fn bad_paths_are_errors() {
        for p in ["", "a..b", "a[", "a[]", ".a", "a."] {
            assert!(parse_path(p).is_err(), "{p}");
        }
    }
}
