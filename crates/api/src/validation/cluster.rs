//! Validation for cluster plumbing kinds: RBAC roles and bindings, PersistentVolumeClaims,
//! PersistentVolumes, StorageClasses, LimitRanges and ResourceQuotas.

use super::field::{BadValue, Error, ErrorList, Path};
use super::meta::NameRule;
use super::other::meta_only;
use crate::core::misc::*;
use crate::core::storage::*;
use crate::rbac::*;

fn rules(rules: &[PolicyRule]) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, r) in rules.iter().enumerate() {
        let p = Path::new("rules").index(i);
        if r.verbs.is_empty() {
            errs.push(Error::required(
                p.child("verbs"),
                "verbs must contain at least one value",
            ));
        }
        if !r.non_resource_urls.is_empty() && (!r.api_groups.is_empty() || !r.resources.is_empty())
        {
            errs.push(Error::invalid(
                p.child("nonResourceURLs"),
                BadValue::Raw(format!("{:?}", r.non_resource_urls)),
                "rules cannot apply to both regular resources and non-resource URLs",
            ));
        }
        if r.non_resource_urls.is_empty() {
            if r.api_groups.is_empty() {
                errs.push(Error::required(
                    p.child("apiGroups"),
                    "resource rules must supply at least one api group",
                ));
            }
            if r.resources.is_empty() {
                errs.push(Error::required(
                    p.child("resources"),
                    "resource rules must supply at least one resource",
                ));
            }
        }
    }
    errs
}

pub fn role(r: &Role) -> ErrorList {
    let mut errs = meta_only(&r.metadata, true, NameRule::Path);
    errs.extend(rules(&r.rules));
    errs
}
pub fn cluster_role(r: &ClusterRole) -> ErrorList {
    let mut errs = meta_only(&r.metadata, false, NameRule::Path);
    errs.extend(rules(&r.rules));
    errs
}

fn binding(role_ref: &RoleRef, subjects: &[Subject], namespaced: bool) -> ErrorList {
    let mut errs = ErrorList::new();
    let rp = Path::new("roleRef");
    if role_ref.api_group != "rbac.authorization.k8s.io" {
        errs.push(Error::not_supported(
            rp.child("apiGroup"),
            role_ref.api_group.as_str(),
            &["rbac.authorization.k8s.io"],
        ));
    }
    let kinds: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kinds.contains(&role_ref.kind.as_str()) {
        errs.push(Error::not_supported(
            rp.child("kind"),
            role_ref.kind.as_str(),
            kinds,
        ));
    }
    if role_ref.name.is_empty() {
        errs.push(Error::required(rp.child("name"), ""));
    }
    for (i, s) in subjects.iter().enumerate() {
        let p = Path::new("subjects").index(i);
        if s.name.is_empty() {
            errs.push(Error::required(p.child("name"), ""));
        }
        match s.kind.as_str() {
            "ServiceAccount" => {
                if !s.api_group.is_empty() {
                    errs.push(Error::not_supported(
                        p.child("apiGroup"),
                        s.api_group.as_str(),
                        &[""],
                    ));
                }
                if !namespaced && s.namespace.is_empty() {
                    errs.push(Error::required(p.child("namespace"), ""));
                }
            }
            "User" | "Group" => {
                if s.api_group != "rbac.authorization.k8s.io" {
                    errs.push(Error::not_supported(
                        p.child("apiGroup"),
                        s.api_group.as_str(),
                        &["rbac.authorization.k8s.io"],
                    ));
                }
            }
            other => errs.push(Error::not_supported(
                p.child("kind"),
                other,
                &["ServiceAccount", "User", "Group"],
            )),
        }
    }
    errs
}

pub fn role_binding(b: &RoleBinding) -> ErrorList {
    let mut errs = meta_only(&b.metadata, true, NameRule::Path);
    errs.extend(binding(&b.role_ref, &b.subjects, true));
    errs
}
pub fn cluster_role_binding(b: &ClusterRoleBinding) -> ErrorList {
    let mut errs = meta_only(&b.metadata, false, NameRule::Path);
    errs.extend(binding(&b.role_ref, &b.subjects, false));
    errs
}

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

pub fn pvc(c: &PersistentVolumeClaim) -> ErrorList {
    let mut errs = meta_only(&c.metadata, true, NameRule::Subdomain);
    let sp = Path::new("spec");
    if c.spec.access_modes.is_empty() {
        errs.push(Error::required(
            sp.child("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    for m in &c.spec.access_modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(Error::not_supported(
                sp.child("accessModes"),
                m.as_str(),
                ACCESS_MODES,
            ));
        }
    }
    let rp = sp.child("resources").key("storage");
    match c.spec.resources.requests.get("storage") {
        None => errs.push(Error::required(rp, "")),
        Some(q) if q.is_negative() || q.is_zero() => errs.push(Error::invalid(
            rp,
            q.to_string(),
            "must be greater than zero",
        )),
        Some(_) => {}
    }
    errs
}

pub fn pv(v: &PersistentVolume) -> ErrorList {
    let mut errs = meta_only(&v.metadata, false, NameRule::Subdomain);
    let sp = Path::new("spec");
    if v.spec.access_modes.is_empty() {
        errs.push(Error::required(sp.child("accessModes"), ""));
    }
    if v.spec.capacity.is_empty() {
        errs.push(Error::required(sp.child("capacity"), ""));
    }
    let sources = [
        v.spec.host_path.is_some(),
        v.spec.nfs.is_some(),
        v.spec.local.is_some(),
        v.spec.csi.is_some(),
    ];
    if !sources.iter().any(|s| *s) {
        errs.push(Error::required(&sp, "must specify a volume type"));
    }
    errs
}

pub fn storage_class(s: &StorageClass) -> ErrorList {
    let mut errs = meta_only(&s.metadata, false, NameRule::Subdomain);
    if s.provisioner.is_empty() {
        errs.push(Error::required("provisioner", ""));
    }
    if let Some(m) = s
        .volume_binding_mode
        .as_deref()
        .filter(|m| *m != "Immediate" && *m != "WaitForFirstConsumer")
    {
        errs.push(Error::not_supported(
            "volumeBindingMode",
            m,
            &["Immediate", "WaitForFirstConsumer"],
        ));
    }
    errs
}

pub fn limit_range(l: &LimitRange) -> ErrorList {
    let mut errs = meta_only(&l.metadata, true, NameRule::Subdomain);
    for (i, item) in l.spec.limits.iter().enumerate() {
        let p = Path::new("spec").child("limits").index(i);
        if !["Pod", "Container", "PersistentVolumeClaim"].contains(&item.type_.as_str()) {
            errs.push(Error::not_supported(
                p.child("type"),
                item.type_.as_str(),
                &["Container", "PersistentVolumeClaim", "Pod"],
            ));
        }
        for (name, min) in &item.min {
            if let Some(max) = item.max.get(name).filter(|max| min > *max) {
                errs.push(Error::invalid(
                    p.child("min").key(name),
                    min.to_string(),
                    format!("min value {min} is greater than max value {max}"),
                ));
            }
        }
    }
    errs
}

pub fn resource_quota(q: &ResourceQuota) -> ErrorList {
    let mut errs = meta_only(&q.metadata, true, NameRule::Subdomain);
    for (name, v) in &q.spec.hard {
        if v.is_negative() {
            errs.push(Error::invalid(
                Path::new("spec").child("hard").key(name),
                v.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    errs
}
