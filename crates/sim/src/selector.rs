//! Label and field selectors for List and watch, with apimachinery's syntax: equality-based
//! (`a=b`, `a==b`, `a!=b`) and set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`) label
//! requirements, and the small set of field labels each kind supports (the API server rejects
//! other field labels with `field label not supported: <label>`).

use crate::meta;
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A parsed label selector: all requirements must hold (empty selects everything).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector(pub Vec<Requirement>);

fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_set(key: &str, rest: &str) -> Result<Vec<String>, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("unable to parse requirement: found '{rest}', expected: '(' for {key}"))?;
    Ok(inner.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
}

fn parse_requirement(raw: &str) -> Result<Requirement, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("unable to parse requirement: found '', expected: identifier".to_string());
    }
    if let Some(key) = s.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key.trim().to_string()));
    }
    if let Some((k, v)) = s.split_once("!=") {
        return Ok(Requirement::NotEquals(k.trim().to_string(), v.trim().to_string()));
    }
    if let Some((k, v)) = s.split_once("==").or_else(|| s.split_once('=')) {
        return Ok(Requirement::Equals(k.trim().to_string(), v.trim().to_string()));
    }
    let mut words = s.splitn(2, char::is_whitespace);
    let key = words.next().unwrap_or("").to_string();
    match words.next().map(str::trim_start) {
        None => Ok(Requirement::Exists(key)),
        Some(rest) if rest.starts_with("notin") => Ok(Requirement::NotIn(key.clone(), parse_set(&key, &rest[5..])?)),
        Some(rest) if rest.starts_with("in") => Ok(Requirement::In(key.clone(), parse_set(&key, &rest[2..])?)),
        Some(rest) => Err(format!("unable to parse requirement: found '{rest}', expected: in, notin, =, ==, !=, gt, lt")),
    }
}

impl LabelSelector {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(LabelSelector::default());
        }
        split_top_level(text).into_iter().map(parse_requirement).collect::<Result<Vec<_>, _>>().map(LabelSelector)
    }

    /// Whether a label set (ordered key/value pairs) satisfies every requirement.
    pub fn matches(&self, labels: &[(&str, &str)]) -> bool {
        let get = |k: &str| labels.iter().find(|(lk, _)| *lk == k).map(|(_, v)| *v);
        self.0.iter().all(|r| match r {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        })
    }
}

/// A parsed field selector: `field=value` / `field==value` / `field!=value` terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector(pub Vec<(String, bool, String)>);

/// Field labels the API server accepts per kind (pods have the richest set).
fn supported_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Event" => &[
            "metadata.name",
            "metadata.namespace",
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        "Node" => &["metadata.name", "spec.unschedulable"],
        "Secret" => &["metadata.name", "metadata.namespace", "type"],
        "Namespace" => &["metadata.name", "status.phase"],
        _ => &["metadata.name", "metadata.namespace"],
    }
}

/// The string value of a field label on an object (booleans print as `true`/`false`).
pub fn field_value(obj: &Value, field: &str) -> String {
    if field == "source" {
        return meta::str_at(obj, &["source", "component"]).unwrap_or("").to_string();
    }
    let path: Vec<&str> = field.split('.').collect();
    match meta::at(obj, &path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ if field == "spec.hostNetwork" || field == "spec.unschedulable" => "false".to_string(),
        _ => String::new(),
    }
}

impl FieldSelector {
    pub fn parse(kind: &str, text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        if text.trim().is_empty() {
            return Ok(FieldSelector(terms));
        }
        for raw in text.split(',') {
            let (field, eq, value) = if let Some((f, v)) = raw.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = raw.split_once("==").or_else(|| raw.split_once('=')) {
                (f, true, v)
            } else {
                return Err(format!("invalid selector: '{text}'; can't understand '{raw}'"));
            };
            let field = field.trim();
            if !supported_fields(kind).contains(&field) {
                return Err(format!("field label not supported: {field}"));
            }
            terms.push((field.to_string(), eq, value.trim().to_string()));
        }
        Ok(FieldSelector(terms))
    }

    pub fn matches(&self, obj: &Value) -> bool {
        self.0.iter().all(|(f, eq, v)| (field_value(obj, f) == *v) == *eq)
    }

    /// The node a selector pins to (`spec.nodeName=<node>`), used to index kubelet watches.
    pub fn node_name(&self) -> Option<&str> {
        self.0.iter().find(|(f, eq, _)| f == "spec.nodeName" && *eq).map(|(_, _, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selector_table() {
        let labels = [("app", "web"), ("tier", "frontend")];
        let cases = [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app=web,tier=backend", false),
            ("tier in (frontend, backend)", true),
            ("tier notin (frontend)", false),
            ("env notin (prod)", true),
            ("app", true),
            ("!app", false),
            ("!env", true),
        ];
        for (sel, want) in cases {
            assert_eq!(LabelSelector::parse(sel).unwrap().matches(&labels), want, "{sel}");
        }
        assert!(LabelSelector::parse("app in web").is_err());
        assert!(LabelSelector::parse("app,,x").is_err());
    }

    #[test]
    fn field_selector_table() {
        let pod = json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {"nodeName": "node01"}, "status": {"phase": "Running"}});
        let cases = [
            ("spec.nodeName=node01", true),
            ("spec.nodeName!=node01", false),
            ("status.phase=Running,metadata.name=web", true),
            ("metadata.namespace=kube-system", false),
        ];
        for (sel, want) in cases {
            assert_eq!(FieldSelector::parse("Pod", sel).unwrap().matches(&pod), want, "{sel}");
        }
        assert_eq!(FieldSelector::parse("Pod", "spec.image=x").unwrap_err(), "field label not supported: spec.image");
        assert_eq!(FieldSelector::parse("Pod", "spec.nodeName=n1").unwrap().node_name(), Some("n1"));
    }
}
