//! Field validation at the API server's validation step. The full v1.33 rule set belongs to
//! the object model crate; until its validators are available this module checks the rules
//! the simulation itself depends on (well-formed object names, a pod with named containers
//! that have images), worded exactly as the API server words them.

use podlab_api::Object;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_label)
}

/// Field errors in `path: message` form, in the API server's order.
pub fn validate(obj: &Object) -> Vec<String> {
    let mut errs = Vec::new();
    let name = obj.name();
    if !name.is_empty() {
        let namespace_like = matches!(obj, Object::Namespace(_));
        if namespace_like && !is_label(name) {
            errs.push(format!("metadata.name: Invalid value: {name:?}: {LABEL_MSG}"));
        } else if !namespace_like && !is_subdomain(name) {
            errs.push(format!("metadata.name: Invalid value: {name:?}: {SUBDOMAIN_MSG}"));
        }
    }
    if let Object::Pod(p) = obj {
        if p.spec.containers.is_empty() {
            errs.push("spec.containers: Required value".to_string());
        }
        for (list, cs) in [("initContainers", &p.spec.init_containers), ("containers", &p.spec.containers)] {
            for (i, c) in cs.iter().enumerate() {
                if c.name.is_empty() {
                    errs.push(format!("spec.{list}[{i}].name: Required value"));
                }
                if c.image.is_empty() {
                    errs.push(format!("spec.{list}[{i}].image: Required value"));
                }
            }
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validation_table() {
        let cases = [
            (json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}}), vec![]),
            (json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "app"}]}}), vec!["spec.containers[0].image: Required value"]),
            (json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {}}), vec!["spec.containers: Required value"]),
            (json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Bad_Name"}}), vec!["metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"]),
            (json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}}), vec!["metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label"]),
        ];
        for (v, want) in cases {
            let obj = Object::from_json_value(&v).unwrap();
            let got = validate(&obj);
            assert_eq!(got.len(), want.len(), "{v}: {got:?}");
            for (g, w) in got.iter().zip(&want) {
                assert!(g.starts_with(w), "{g} vs {w}");
            }
        }
    }
}
