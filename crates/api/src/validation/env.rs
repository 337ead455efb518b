//! Environment validation (ValidateEnv, validateEnvVarValueFrom, ValidateEnvFrom) and the
//! downward-API field selectors shared with volumes, worded as pkg/apis/core/validation.

use super::field::{Error, ErrorList, Path};
use super::names::*;
use crate::core::container::*;

const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];
/// Labels pods.ConvertDownwardAPIFieldLabel accepts at all (before the per-use allow list).
const CONVERTIBLE_FIELD_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
    "spec.host",
];
const RESOURCE_FIELD_PATHS: &[&str] = &[
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// `name['key']` subscripts as fieldpath.SplitMaybeSubscriptedPath reads them.
fn split_subscript(path: &str) -> Option<(&str, &str)> {
    let inner = path.strip_suffix("']")?;
    let (head, key) = inner.split_once("['")?;
    Some((head, key))
}

/// validateObjectFieldSelector (the apiVersion is defaulted to "v1").
pub fn validate_object_field_selector(
    fs: &ObjectFieldSelector,
    allowed: &[&str],
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    let api_version = if fs.api_version.is_empty() {
        "v1"
    } else {
        fs.api_version.as_str()
    };
    if fs.field_path.is_empty() {
        errs.push(Error::required(path.child("fieldPath"), ""));
        return errs;
    }
    let fp = fs.field_path.as_str();
    let convert_err = if api_version != "v1" {
        Some(format!("unsupported pod version: {api_version}"))
    } else if let Some((head, _)) = split_subscript(fp) {
        (!matches!(head, "metadata.annotations" | "metadata.labels"))
            .then(|| format!("field label does not support subscript: {fp}"))
    } else {
        (!CONVERTIBLE_FIELD_PATHS.contains(&fp)).then(|| format!("field label not supported: {fp}"))
    };
    if let Some(e) = convert_err {
        errs.push(Error::invalid(
            path.child("fieldPath"),
            fp,
            format!("error converting fieldPath: {e}"),
        ));
        return errs;
    }
    let internal = if fp == "spec.host" {
        "spec.nodeName"
    } else {
        fp
    };
    if let Some((head, key)) = split_subscript(internal) {
        let key = if head == "metadata.annotations" {
            key.to_ascii_lowercase()
        } else {
            key.to_string()
        };
        for m in is_qualified_name(&key) {
            errs.push(Error::invalid(path, key.as_str(), m));
        }
    } else if !allowed.contains(&internal) {
        errs.push(Error::not_supported(
            path.child("fieldPath"),
            internal,
            allowed,
        ));
    }
    errs
}

pub fn validate_resource_field_selector(
    fs: &ResourceFieldSelector,
    volume: bool,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    if volume && fs.container_name.is_empty() {
        errs.push(Error::required(path.child("containerName"), ""));
    } else if fs.resource.is_empty() {
        errs.push(Error::required(path.child("resource"), ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&fs.resource.as_str())
        && !fs.resource.starts_with("requests.hugepages-")
        && !fs.resource.starts_with("limits.hugepages-")
    {
        errs.push(Error::not_supported(
            path.child("resource"),
            fs.resource.as_str(),
            RESOURCE_FIELD_PATHS,
        ));
    }
    if !fs.divisor.is_zero() {
        let d = fs.divisor.to_string();
        let r = fs.resource.as_str();
        let mem_ok = [
            "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
        ]
        .contains(&d.as_str());
        let msg = match r {
            "limits.cpu" | "requests.cpu" if d != "1m" && d != "1" => Some("only divisor's values 1m and 1 are supported with the cpu resource"),
            "limits.memory" | "requests.memory" if !mem_ok => Some("only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"),
            "limits.ephemeral-storage" | "requests.ephemeral-storage" if !mem_ok => Some("only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"),
            _ => None,
        };
        if let Some(m) = msg {
            errs.push(Error::invalid(path.child("divisor"), r, m));
        }
    }
    errs
}

fn validate_key_selector(name: &str, key: &str, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for m in name_is_dns_subdomain(name, false) {
        errs.push(Error::invalid(path.child("name"), name, m));
    }
    if key.is_empty() {
        errs.push(Error::required(path.child("key"), ""));
    } else {
        for m in is_config_map_key(key) {
            errs.push(Error::invalid(path.child("key"), key, m));
        }
    }
    errs
}

pub(super) fn validate_env(env: &[EnvVar], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, ev) in env.iter().enumerate() {
        let p = path.index(i);
        if ev.name.is_empty() {
            errs.push(Error::required(p.child("name"), ""));
        } else {
            for m in is_relaxed_env_var_name(&ev.name) {
                errs.push(Error::invalid(p.child("name"), &ev.name, m));
            }
        }
        let Some(from) = &ev.value_from else { continue };
        let vp = p.child("valueFrom");
        let mut n = 0;
        if let Some(f) = &from.field_ref {
            n += 1;
            errs.extend(validate_object_field_selector(
                f,
                ENV_FIELD_PATHS,
                &vp.child("fieldRef"),
            ));
        }
        if let Some(r) = &from.resource_field_ref {
            n += 1;
            errs.extend(validate_resource_field_selector(
                r,
                false,
                &vp.child("resourceFieldRef"),
            ));
        }
        if let Some(c) = &from.config_map_key_ref {
            n += 1;
            errs.extend(validate_key_selector(
                &c.name,
                &c.key,
                &vp.child("configMapKeyRef"),
            ));
        }
        if let Some(s) = &from.secret_key_ref {
            n += 1;
            errs.extend(validate_key_selector(
                &s.name,
                &s.key,
                &vp.child("secretKeyRef"),
            ));
        }
        if n == 0 {
            errs.push(Error::invalid(&vp, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if !ev.value.is_empty() {
            errs.push(Error::invalid(
                &vp,
                "",
                "may not be specified when `value` is not empty",
            ));
        } else if n > 1 {
            errs.push(Error::invalid(
                &vp,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

pub(super) fn validate_env_from(list: &[EnvFromSource], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, ev) in list.iter().enumerate() {
        let p = path.index(i);
        if !ev.prefix.is_empty() {
            for m in is_relaxed_env_var_name(&ev.prefix) {
                errs.push(Error::invalid(p.child("prefix"), &ev.prefix, m));
            }
        }
        let mut n = 0;
        for (field, name) in [
            ("configMapRef", ev.config_map_ref.as_ref().map(|r| &r.name)),
            ("secretRef", ev.secret_ref.as_ref().map(|r| &r.name)),
        ] {
            let Some(name) = name else { continue };
            n += 1;
            let np = p.child(field).child("name");
            if name.is_empty() {
                errs.push(Error::required(np, ""));
            } else {
                for m in name_is_dns_subdomain(name, true) {
                    errs.push(Error::invalid(&np, name, m));
                }
            }
        }
        if n == 0 {
            errs.push(Error::invalid(
                path,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if n > 1 {
            errs.push(Error::invalid(
                path,
                "",
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}
