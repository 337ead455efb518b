//! kubectl's genericDescriber (describe.go), used for kinds without a describer of their own,
//! such as ControllerRevision and Lease: name, namespace, labels and annotations, then every
//! other field of the object as `printUnstructuredContent` writes it (keys sorted, nested
//! maps indented, labels made readable by `smartLabelFor`: `apiVersion` -> `API Version`),
//! then the events.

use super::common::{annotations, events, labels};
use super::writer::{Writer, L0};
use crate::value::s;
use serde_json::Value;

/// Fields the header already printed (`.metadata.managedFields` is never shown).
const SKIPPED: [&str; 5] = [".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];
/// `commonAcronyms`: parts written in capitals.
const ACRONYMS: [&str; 5] = ["API", "URL", "UID", "OSB", "GUID"];
/// Deeper nesting than any API object has: a hand-made object cannot recurse without bound.
const DEPTH_MAX: usize = 64;

pub fn describe(obj: &Value, evs: Option<&[Value]>, now: i64) -> String {
    let mut w = Writer::new();
    w.write(L0, &format!("Name:\t{}\n", s(obj, "metadata.name")));
    w.write(L0, &format!("Namespace:\t{}\n", s(obj, "metadata.namespace")));
    labels(&mut w, "Labels", obj, "metadata.labels");
    annotations(&mut w, "Annotations", obj, "metadata.annotations");
    if let Value::Object(content) = obj {
        content_lines(&mut w, 0, content, "");
    }
    if let Some(e) = evs {
        events(&mut w, e, now);
    }
    w.finish()
}

/// `printUnstructuredContent`.
fn content_lines(w: &mut Writer, level: usize, content: &serde_json::Map<String, Value>, prefix: &str) {
    let mut keys: Vec<&serde_json::map::Key> = content.keys().collect();
    keys.sort();
    for key in keys {
        let path = format!("{prefix}.{key}");
        if SKIPPED.contains(&path.as_str()) || level > DEPTH_MAX {
            continue;
        }
        match &content[key] {
            Value::Object(m) => {
                w.write(level, &format!("{}:\n", smart_label(key)));
                content_lines(w, level + 1, m, &path);
            }
            Value::Array(items) => {
                w.write(level, &format!("{}:\n", smart_label(key)));
                for item in items {
                    match item {
                        Value::Object(m) => content_lines(w, level + 1, m, &path),
                        other => w.write(level + 1, &format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.write(level, &format!("{}:\t{}\n", smart_label(key), go_value(other))),
        }
    }
}

/// Go's `%v` of a decoded JSON value.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&serde_json::map::Key> = m.keys().collect();
            keys.sort();
            format!("map[{}]", keys.iter().map(|k| format!("{k}:{}", go_value(&m[k.as_str()]))).collect::<Vec<_>>().join(" "))
        }
    }
}

/// `camelcase.Split` (github.com/fatih/camelcase): runs of one character class (lower, upper,
/// digit, other), with the last capital of an upper-case run moved to a following lower-case
/// run (`APIVersion` -> `API`, `Version`).
fn camel_split(field: &str) -> Vec<String> {
    let class = |c: char| if c.is_lowercase() { 1 } else if c.is_uppercase() { 2 } else if c.is_numeric() { 3 } else { 4 };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in field.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase()) && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

/// `smartLabelFor`: a field name of letters and dashes split into title-cased words, common
/// acronyms in capitals; any other name as it is (`$patch`, `kubernetes.io/os`, `k8s-app`).
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    let words: Vec<String> = camel_split(field)
        .into_iter()
        .filter(|p| p != "_")
        .map(|p| {
            let upper = p.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                return upper;
            }
            let mut chars = p.chars();
            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn smart_labels_table() {
        let cases = [
            ("apiVersion", "API Version"),
            ("uid", "UID"),
            ("dnsPolicy", "Dns Policy"),
            ("terminationGracePeriodSeconds", "Termination Grace Period Seconds"),
            ("hostIP", "Host IP"),
            ("URLPath", "URL Path"),
            ("$patch", "$patch"),
            ("kubernetes.io/os", "kubernetes.io/os"),
            ("k8s-app", "k8s-app"),
            ("foo-bar", "Foo - Bar"),
        ];
        for (field, want) in cases {
            assert_eq!(smart_label(field), want, "{field}");
        }
    }

    #[test]
    fn content_is_sorted_nested_and_skips_the_header_fields() {
        let obj = json!({"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
            "metadata": {"name": "node01", "namespace": "kube-node-lease", "uid": "u1", "managedFields": [{"x": 1}]},
            "spec": {"holderIdentity": "node01", "leaseDurationSeconds": 40, "tags": ["a", "b"], "nothing": null}});
        let text = describe(&obj, None, 0);
        let want = "Name:         node01\nNamespace:    kube-node-lease\nLabels:       <none>\nAnnotations:  <none>\nAPI Version:  coordination.k8s.io/v1\nKind:         Lease\nMetadata:\n  UID:  u1\nSpec:\n  Holder Identity:         node01\n  Lease Duration Seconds:  40\n  Nothing:                 <nil>\n  Tags:\n    a\n    b\n";
        assert_eq!(text, want);
    }
}
