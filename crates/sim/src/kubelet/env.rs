//! A container's environment as the kubelet's `makeEnvironmentVariables` builds it: envFrom
//! ConfigMaps/Secrets, env with values, `$(VAR)` references and valueFrom (configMapKeyRef,
//! secretKeyRef, fieldRef, resourceFieldRef), then the service links of the namespace. A
//! missing object or key yields the exact `CreateContainerConfigError` message. Also expands
//! `$(VAR)` in command and args the way Kubernetes does (`$$` escapes).

use super::volumes::{fetch, field_ref, object_data};
use crate::component::Ctx;
use crate::meta;
use podlab_api::Container;
use serde_json::Value;
use std::collections::BTreeMap;

/// `$(VAR)` expansion (k8s.io/kubernetes/third_party/forked/golang/expansion).
pub fn expand(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            if b[i + 1] == b'$' {
                out.push('$');
                i += 2;
                continue;
            }
            if b[i + 1] == b'(' {
                if let Some(end) = text[i + 2..].find(')') {
                    let name = &text[i + 2..i + 2 + end];
                    match vars.get(name) {
                        Some(v) => out.push_str(v),
                        None => out.push_str(&text[i..i + 3 + end]),
                    }
                    i += 3 + end;
                    continue;
                }
            }
        }
        let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

/// The Docker-link variables of one Service (`KUBERNETES_SERVICE_HOST`, ...).
fn service_env(svc: &Value, out: &mut BTreeMap<String, String>) {
    let ip = meta::str_at(svc, &["spec", "clusterIP"]).unwrap_or("");
    if ip.is_empty() || ip == "None" {
        return;
    }
    let prefix = meta::name(svc).to_ascii_uppercase().replace('-', "_");
    let ports = meta::at(svc, &["spec", "ports"]).and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, p) in ports.iter().enumerate() {
        let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        let lower = proto.to_ascii_lowercase();
        if i == 0 {
            out.insert(format!("{prefix}_SERVICE_HOST"), ip.into());
            out.insert(format!("{prefix}_SERVICE_PORT"), port.to_string());
            out.insert(format!("{prefix}_PORT"), format!("{lower}://{ip}:{port}"));
        }
        if let Some(name) = p.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
            out.insert(format!("{prefix}_SERVICE_PORT_{}", name.to_ascii_uppercase().replace('-', "_")), port.to_string());
        }
        let base = format!("{prefix}_PORT_{port}_{proto}");
        out.insert(base.clone(), format!("{lower}://{ip}:{port}"));
        out.insert(format!("{base}_PROTO"), lower);
        out.insert(format!("{base}_PORT"), port.to_string());
        out.insert(format!("{base}_ADDR"), ip.into());
    }
}

fn services(ctx: &mut Ctx<'_>, pod: &Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let ns = meta::namespace(pod);
    let links = meta::at(pod, &["spec", "enableServiceLinks"]).and_then(Value::as_bool).unwrap_or(true);
    if let Ok(crate::request::ApiOk::List { items, .. }) = ctx.submit(crate::request::ApiRequest::list("Service", Some(ns))) {
        for s in items.iter().filter(|_| links) {
            service_env(s, &mut out);
        }
    }
    if ns != "default" {
        if let Some(k) = fetch(ctx, "Service", "default", "kubernetes") {
            service_env(&k, &mut out);
        }
    }
    out
}

fn resource_field(c: &Container, resource: &str, divisor: Option<&podlab_api::Quantity>) -> String {
    let (kind, name) = resource.split_once('.').unwrap_or(("limits", resource));
    let list = if kind == "requests" { &c.resources.requests } else { &c.resources.limits };
    let raw = match list.get(name) {
        Some(q) if name == "cpu" => q.millis(),
        Some(q) => q.value(),
        None if name == "cpu" => 2000,
        None => 4 * 1024 * 1024 * 1024,
    };
    let div = match divisor {
        Some(d) if name == "cpu" => d.millis().max(1),
        Some(d) => d.value().max(1),
        None if name == "cpu" => 1000,
        None => 1,
    };
    // Kubernetes rounds resource values up to the divisor (ceil).
    ((raw + div - 1) / div).to_string()
}

/// One `valueFrom` reference. Err is the CreateContainerConfigError message; Ok(None) skips.
fn value_from(ctx: &mut Ctx<'_>, pod: &Value, c: &Container, src: &podlab_api::EnvVarSource) -> Result<Option<String>, String> {
    let ns = meta::namespace(pod).to_string();
    if let Some(r) = &src.config_map_key_ref {
        let optional = r.optional == Some(true);
        let Some(cm) = fetch(ctx, "ConfigMap", &ns, &r.name) else {
            return if optional { Ok(None) } else { Err(format!("configmap \"{}\" not found", r.name)) };
        };
        return match object_data(&cm).remove(&r.key) {
            Some(v) => Ok(Some(String::from_utf8_lossy(&v).into_owned())),
            None if optional => Ok(None),
            None => Err(format!("couldn't find key {} in ConfigMap {ns}/{}", r.key, r.name)),
        };
    }
    if let Some(r) = &src.secret_key_ref {
        let optional = r.optional == Some(true);
        let Some(s) = fetch(ctx, "Secret", &ns, &r.name) else {
            return if optional { Ok(None) } else { Err(format!("secret \"{}\" not found", r.name)) };
        };
        return match object_data(&s).remove(&r.key) {
            Some(v) => Ok(Some(String::from_utf8_lossy(&v).into_owned())),
            None if optional => Ok(None),
            None => Err(format!("couldn't find key {} in Secret {ns}/{}", r.key, r.name)),
        };
    }
    if let Some(f) = &src.field_ref {
        return Ok(field_ref(pod, &f.field_path));
    }
    if let Some(r) = &src.resource_field_ref {
        return Ok(Some(resource_field(c, &r.resource, Some(&r.divisor).filter(|d| !d.is_zero()))));
    }
    Ok(None)
}

/// The container's environment (image env first, then `HOSTNAME`, then the pod spec's).
pub fn build(ctx: &mut Ctx<'_>, pod: &Value, c: &Container, image_env: &[(String, String)]) -> Result<Vec<(String, String)>, String> {
    let ns = meta::namespace(pod).to_string();
    let mut declared: Vec<(String, String)> = Vec::new();
    let mut vars: BTreeMap<String, String> = BTreeMap::new();
    let set = |k: String, v: String, declared: &mut Vec<(String, String)>, vars: &mut BTreeMap<String, String>| {
        declared.retain(|(x, _)| *x != k);
        vars.insert(k.clone(), v.clone());
        declared.push((k, v));
    };
    for from in &c.env_from {
        let (kind, name, optional) = match (&from.config_map_ref, &from.secret_ref) {
            (Some(r), _) => ("ConfigMap", r.name.clone(), r.optional == Some(true)),
            (None, Some(r)) => ("Secret", r.name.clone(), r.optional == Some(true)),
            (None, None) => continue,
        };
        match fetch(ctx, kind, &ns, &name) {
            Some(obj) => {
                for (k, v) in object_data(&obj) {
                    set(format!("{}{k}", from.prefix), String::from_utf8_lossy(&v).into_owned(), &mut declared, &mut vars);
                }
            }
            None if optional => {}
            None => return Err(format!("{} \"{name}\" not found", kind.to_ascii_lowercase())),
        }
    }
    for e in &c.env {
        let value = match &e.value_from {
            Some(src) => match value_from(ctx, pod, c, src)? {
                Some(v) => v,
                None => continue,
            },
            None => expand(&e.value, &vars),
        };
        set(e.name.clone(), value, &mut declared, &mut vars);
    }
    let mut env: Vec<(String, String)> = image_env.to_vec();
    env.push(("HOSTNAME".into(), meta::name(pod).to_string()));
    for (k, v) in declared {
        env.retain(|(x, _)| *x != k);
        env.push((k, v));
    }
    for (k, v) in services(ctx, pod) {
        if !env.iter().any(|(x, _)| *x == k) {
            env.push((k, v));
        }
    }
    Ok(env)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_paren_expansion() {
        let vars: BTreeMap<String, String> = [("A".to_string(), "1".to_string())].into_iter().collect();
        assert_eq!(expand("x$(A)y", &vars), "x1y");
        assert_eq!(expand("$(B)", &vars), "$(B)");
        assert_eq!(expand("$$(A) $", &vars), "$(A) $");
        assert_eq!(expand("é$(A", &vars), "é$(A");
    }
}
