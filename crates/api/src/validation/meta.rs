//! ObjectMeta validation (apimachinery `ValidateObjectMeta`): name or generateName, namespace
//! presence, labels, annotations, generation. Go walks label maps in random order; Podlab walks
//! them sorted so a message list is stable.

use super::field::{Error, ErrorList, Path};
use super::names::{
    is_qualified_name, is_valid_label_value, name_is_dns_label, name_is_dns_subdomain,
};
use crate::meta::{ObjectMeta, StringMap};

/// How a kind's names are checked (`ValidateNameFunc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// RFC 1123 subdomain (Pods, ConfigMaps, Secrets, Deployments ...).
    Subdomain,
    /// RFC 1123 label (Namespaces).
    Label,
    /// RFC 1035 label (Services).
    Dns1035,
    /// RBAC objects accept any name without '/' or '%' and not "." or "..".
    Path,
}

fn check_name(rule: NameRule, name: &str, prefix: bool) -> Vec<String> {
    match rule {
        NameRule::Subdomain => name_is_dns_subdomain(name, prefix),
        NameRule::Label => name_is_dns_label(name, prefix),
        NameRule::Dns1035 => super::names::name_is_dns1035_label(name, prefix),
        NameRule::Path => path_segment_name(name, prefix),
    }
}

/// apimachinery `path.IsValidPathSegmentName` (+ prefix variant).
fn path_segment_name(name: &str, prefix: bool) -> Vec<String> {
    let mut errs = Vec::new();
    if !prefix && (name == "." || name == "..") {
        errs.push(format!("may not be '{name}'"));
    }
    for bad in ["/", "%"] {
        if name.contains(bad) {
            errs.push(format!("may not contain '{bad}'"));
        }
    }
    errs
}

/// `ValidateLabels`: key errors and value errors both point at the `labels` path.
pub fn validate_labels(labels: &StringMap, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (k, v) in labels {
        for m in is_qualified_name(k) {
            errs.push(Error::invalid(path, k, m));
        }
        for m in is_valid_label_value(v) {
            errs.push(Error::invalid(path, v, m));
        }
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names (case-insensitive), total size <= 256 KiB.
pub fn validate_annotations(annotations: &StringMap, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut total = 0usize;
    for (k, v) in annotations {
        for m in is_qualified_name(&k.to_ascii_lowercase()) {
            errs.push(Error::invalid(path, k, m));
        }
        total += k.len() + v.len();
    }
    if total > 262_144 {
        errs.push(Error::too_long(path, 262_144));
    }
    errs
}

/// `ValidateObjectMeta(meta, requiresNamespace, nameFn, fldPath)`.
pub fn validate_object_meta(
    meta: &ObjectMeta,
    requires_namespace: bool,
    rule: NameRule,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(g) = meta.generate_name.as_deref().filter(|g| !g.is_empty()) {
        for m in check_name(rule, g, true) {
            errs.push(Error::invalid(path.child("generateName"), g, m));
        }
    }
    match meta.name.as_deref().unwrap_or("") {
        "" => errs.push(Error::required(
            path.child("name"),
            "name or generateName is required",
        )),
        name => {
            for m in check_name(rule, name, false) {
                errs.push(Error::invalid(path.child("name"), name, m));
            }
        }
    }
    let ns = meta.namespace.as_deref().unwrap_or("");
    if requires_namespace {
        if ns.is_empty() {
            errs.push(Error::required(path.child("namespace"), ""));
        } else {
            for m in name_is_dns_label(ns, false) {
                errs.push(Error::invalid(path.child("namespace"), ns, m));
            }
        }
    } else if !ns.is_empty() {
        errs.push(Error::forbidden(
            path.child("namespace"),
            "not allowed on this type",
        ));
    }
    if let Some(g) = meta.generation.filter(|g| *g < 0) {
        errs.push(Error::invalid(
            path.child("generation"),
            g,
            "must be greater than or equal to 0",
        ));
    }
    errs.extend(validate_labels(&meta.labels, &path.child("labels")));
    errs.extend(validate_annotations(
        &meta.annotations,
        &path.child("annotations"),
    ));
    errs
}

/// `ValidateObjectMetaUpdate`: name, namespace, uid, creationTimestamp and generateName are immutable.
pub fn validate_object_meta_update(new: &ObjectMeta, old: &ObjectMeta, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let immutable = |errs: &mut ErrorList, field: &str, a: &Option<String>, b: &Option<String>| {
        if a.as_deref().unwrap_or("") != b.as_deref().unwrap_or("") {
            errs.push(Error::invalid(
                path.child(field),
                a.clone().unwrap_or_default(),
                "field is immutable",
            ));
        }
    };
    immutable(&mut errs, "name", &new.name, &old.name);
    immutable(&mut errs, "namespace", &new.namespace, &old.namespace);
    immutable(&mut errs, "uid", &new.uid, &old.uid);
    if new.creation_timestamp != old.creation_timestamp && new.creation_timestamp.is_some() {
        let shown = new
            .creation_timestamp
            .map(|t| t.to_string())
            .unwrap_or_default();
        errs.push(Error::invalid(
            path.child("creationTimestamp"),
            super::field::BadValue::Raw(shown),
            "field is immutable",
        ));
    }
    errs.extend(validate_labels(&new.labels, &path.child("labels")));
    errs.extend(validate_annotations(
        &new.annotations,
        &path.child("annotations"),
    ));
    errs
}
