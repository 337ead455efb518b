//! Pod validation (ValidatePodCreate / ValidatePodSpec): volumes, the three container lists,
//! restart and DNS policy, node selector, security context, affinity, tolerations and the
//! pod-only checks, appended in Go's order so multi-error messages list the same way.

use super::container::*;
use super::field::{Error, ErrorList, Path};
use super::meta::{validate_labels, validate_object_meta, NameRule};
use super::names::*;
use super::scheduling::{validate_affinity, validate_tolerations};
use super::volumes::validate_volumes;
use crate::core::container::SeccompProfile;
use crate::core::pod::*;
use std::collections::BTreeSet;

/// ValidatePodCreate for a defaulted Pod (call `defaults::apply` first, as the API server does).
pub fn validate_pod_create(pod: &Pod) -> ErrorList {
    let mut errs = validate_pod_metadata_and_spec(pod);
    if !pod.spec.ephemeral_containers.is_empty() {
        errs.push(Error::forbidden(
            "spec.ephemeralContainers",
            "cannot be set on create",
        ));
    }
    if !pod.spec.node_name.is_empty() && !pod.spec.scheduling_gates.is_empty() {
        errs.push(Error::forbidden(
            "spec.nodeName",
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

pub fn validate_pod_metadata_and_spec(pod: &Pod) -> ErrorList {
    let meta = Path::new("metadata");
    let spec = Path::new("spec");
    let mut errs = validate_object_meta(&pod.metadata, true, NameRule::Subdomain, &meta);
    errs.extend(validate_pod_spec(&pod.spec, &spec));
    if pod.spec.service_account_name.is_empty() {
        for (vi, v) in pod.spec.volumes.iter().enumerate() {
            let Some(p) = &v.projected else { continue };
            for (si, s) in p.sources.iter().enumerate() {
                if s.service_account_token.is_some() {
                    let path = spec
                        .child("volumes")
                        .index(vi)
                        .child("projected")
                        .child("sources")
                        .index(si)
                        .child("serviceAccountToken");
                    errs.push(Error::forbidden(
                        path,
                        "must not be specified when serviceAccountName is not set",
                    ));
                }
            }
        }
    }
    for (list, name) in [
        (&pod.spec.containers, "containers"),
        (&pod.spec.init_containers, "initContainers"),
    ] {
        for (i, c) in list.iter().enumerate() {
            if c.image.trim() != c.image {
                errs.push(Error::invalid(
                    spec.child(name).index(i).child("image"),
                    &c.image,
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    errs
}

/// ValidatePodSpec, also used for pod templates (Deployment, ReplicaSet, Job).
pub fn validate_pod_spec(spec: &PodSpec, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if spec.termination_grace_period_seconds.is_none() {
        errs.push(Error::required(
            path.child("terminationGracePeriodSeconds"),
            "",
        ));
    }
    let grace = spec.termination_grace_period_seconds;
    let (volumes, verrs) = validate_volumes(&spec.volumes, &path.child("volumes"));
    errs.extend(verrs);
    errs.extend(validate_containers(
        &spec.containers,
        &volumes,
        grace,
        &path.child("containers"),
    ));
    errs.extend(validate_init_containers(
        &spec.init_containers,
        &spec.containers,
        &volumes,
        grace,
        &path.child("initContainers"),
    ));
    if spec.host_network {
        for (ci, c) in spec.containers.iter().enumerate() {
            for (pi, p) in c.ports.iter().enumerate() {
                if p.host_port != p.container_port {
                    let fp = path
                        .child("containers")
                        .index(ci)
                        .child("ports")
                        .index(pi)
                        .child("hostPort");
                    errs.push(Error::invalid(
                        fp,
                        p.host_port,
                        "must match `containerPort` when `hostNetwork` is true",
                    ));
                }
            }
        }
    }
    errs.extend(enum_field(
        &spec.restart_policy,
        &path.child("restartPolicy"),
        &["Always", "OnFailure", "Never"],
    ));
    errs.extend(enum_field(
        &spec.dns_policy,
        &path.child("dnsPolicy"),
        &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
    ));
    errs.extend(validate_labels(
        &spec.node_selector,
        &path.child("nodeSelector"),
    ));
    if let Some(sc) = &spec.security_context {
        errs.extend(validate_pod_security_context(
            sc,
            &path.child("securityContext"),
        ));
    }
    if let Some(a) = &spec.affinity {
        errs.extend(validate_affinity(a, &path.child("affinity")));
    }
    if spec.dns_policy == "None"
        && spec
            .dns_config
            .as_ref()
            .is_none_or(|c| c.nameservers.is_empty())
    {
        match &spec.dns_config {
            None => errs.push(Error::required(
                path.child("dnsConfig"),
                "must provide `dnsConfig` when `dnsPolicy` is None",
            )),
            Some(_) => errs.push(Error::required(
                path.child("dnsConfig").child("nameservers"),
                "must provide at least one DNS nameserver when `dnsPolicy` is None",
            )),
        }
    }
    for (i, g) in spec.readiness_gates.iter().enumerate() {
        for m in is_qualified_name(&g.condition_type) {
            errs.push(Error::invalid(
                path.child("readinessGates").index(i).child("conditionType"),
                &g.condition_type,
                m,
            ));
        }
    }
    errs.extend(validate_spec_names(spec, path));
    errs
}

/// The tail of ValidatePodSpec: names, deadlines, hostname, tolerations, priority.
fn validate_spec_names(spec: &PodSpec, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let subdomain = |errs: &mut ErrorList, field: &str, v: &str| {
        if !v.is_empty() {
            for m in name_is_dns_subdomain(v, false) {
                errs.push(Error::invalid(path.child(field), v, m));
            }
        }
    };
    subdomain(&mut errs, "serviceAccountName", &spec.service_account_name);
    subdomain(&mut errs, "nodeName", &spec.node_name);
    if let Some(v) = spec
        .active_deadline_seconds
        .filter(|v| *v < 1 || *v > i64::from(i32::MAX))
    {
        errs.push(Error::invalid(
            path.child("activeDeadlineSeconds"),
            v,
            inclusive_range_error(1, i64::from(i32::MAX)),
        ));
    }
    for (field, v) in [("hostname", &spec.hostname), ("subdomain", &spec.subdomain)] {
        if !v.is_empty() {
            for m in is_dns1123_label(v) {
                errs.push(Error::invalid(path.child(field), v, m));
            }
        }
    }
    errs.extend(validate_tolerations(
        &spec.tolerations,
        &path.child("tolerations"),
    ));
    subdomain(&mut errs, "priorityClassName", &spec.priority_class_name);
    if let Some(p) = &spec.preemption_policy {
        errs.extend(enum_field(
            p,
            &path.child("preemptionPolicy"),
            &["PreemptLowerPriority", "Never"],
        ));
    }
    errs
}

/// Required when empty, NotSupported when not one of `valid`.
pub fn enum_field(value: &str, path: &Path, valid: &[&str]) -> ErrorList {
    let mut errs = ErrorList::new();
    if value.is_empty() {
        errs.push(Error::required(path, ""));
    } else if !valid.contains(&value) {
        errs.push(Error::not_supported(path, value, valid));
    }
    errs
}

fn validate_containers(
    containers: &[crate::Container],
    volumes: &VolumeNames,
    grace: Option<i64>,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    if containers.is_empty() {
        errs.push(Error::required(path, ""));
        return errs;
    }
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let p = path.index(i);
        errs.extend(validate_container_common(c, volumes, &p));
        if !names.insert(c.name.clone()) {
            errs.push(Error::duplicate(p.child("name"), &c.name));
        }
        if let Some(l) = &c.lifecycle {
            errs.extend(validate_lifecycle(l, grace, &p.child("lifecycle")));
        }
        if let Some(pr) = &c.liveness_probe {
            errs.extend(validate_liveness_like(pr, grace, &p.child("livenessProbe")));
        }
        if let Some(pr) = &c.readiness_probe {
            errs.extend(validate_readiness(pr, grace, &p.child("readinessProbe")));
        }
        if let Some(pr) = &c.startup_probe {
            errs.extend(validate_liveness_like(pr, grace, &p.child("startupProbe")));
        }
        if c.restart_policy.is_some() {
            errs.push(Error::forbidden(
                p.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(host_port_conflicts(containers, path));
    errs
}

/// checkHostPortConflicts: `protocol/hostIP/port` must be unique.
fn host_port_conflicts(containers: &[crate::Container], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut seen = BTreeSet::new();
    for (ci, c) in containers.iter().enumerate() {
        for (pi, p) in c.ports.iter().enumerate() {
            if p.host_port == 0 {
                continue;
            }
            let key = format!("{}/{}/{}", p.protocol, p.host_ip, p.host_port);
            if !seen.insert(key.clone()) {
                errs.push(Error::duplicate(
                    path.index(ci).child("ports").index(pi).child("hostPort"),
                    key,
                ));
            }
        }
    }
    errs
}

fn validate_init_containers(
    inits: &[crate::Container],
    regular: &[crate::Container],
    volumes: &VolumeNames,
    grace: Option<i64>,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut names: BTreeSet<String> = regular.iter().map(|c| c.name.clone()).collect();
    const FORBIDDEN: &str = "may not be set for init containers without restartPolicy=Always";
    for (i, c) in inits.iter().enumerate() {
        let p = path.index(i);
        errs.extend(validate_container_common(c, volumes, &p));
        let mut sidecar = false;
        if let Some(rp) = &c.restart_policy {
            if rp != "Always" {
                errs.push(Error::not_supported(
                    p.child("restartPolicy"),
                    rp.as_str(),
                    &["Always"],
                ));
            }
            sidecar = rp == "Always";
        }
        if names.contains(&c.name) {
            errs.push(Error::duplicate(p.child("name"), &c.name));
        } else if !c.name.is_empty() {
            names.insert(c.name.clone());
        }
        errs.extend(host_port_conflicts(std::slice::from_ref(c), path));
        if sidecar {
            if let Some(l) = &c.lifecycle {
                errs.extend(validate_lifecycle(l, grace, &p.child("lifecycle")));
            }
            if let Some(pr) = &c.liveness_probe {
                errs.extend(validate_liveness_like(pr, grace, &p.child("livenessProbe")));
            }
            if let Some(pr) = &c.readiness_probe {
                errs.extend(validate_readiness(pr, grace, &p.child("readinessProbe")));
            }
            if let Some(pr) = &c.startup_probe {
                errs.extend(validate_liveness_like(pr, grace, &p.child("startupProbe")));
            }
        } else {
            for (field, set) in [
                ("lifecycle", c.lifecycle.is_some()),
                ("livenessProbe", c.liveness_probe.is_some()),
                ("readinessProbe", c.readiness_probe.is_some()),
                ("startupProbe", c.startup_probe.is_some()),
            ] {
                if set {
                    errs.push(Error::forbidden(p.child(field), FORBIDDEN));
                }
            }
        }
    }
    errs
}

fn validate_pod_security_context(sc: &PodSecurityContext, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let range = inclusive_range_error(0, 0xffff_ffff);
    let ok = |v: i64| (0..=0xffff_ffff).contains(&v);
    for (field, v) in [
        ("fsGroup", sc.fs_group),
        ("runAsUser", sc.run_as_user),
        ("runAsGroup", sc.run_as_group),
    ] {
        if let Some(v) = v.filter(|v| !ok(*v)) {
            errs.push(Error::invalid(path.child(field), v, range.clone()));
        }
    }
    for (i, g) in sc.supplemental_groups.iter().enumerate() {
        if !ok(*g) {
            errs.push(Error::invalid(
                path.child("supplementalGroups").index(i),
                *g,
                range.clone(),
            ));
        }
    }
    if let Some(p) = &sc.fs_group_change_policy {
        if p != "OnRootMismatch" && p != "Always" {
            errs.push(Error::not_supported(
                path.child("fsGroupChangePolicy"),
                p.as_str(),
                &["Always", "OnRootMismatch"],
            ));
        }
    }
    if let Some(sp) = &sc.seccomp_profile {
        errs.extend(validate_seccomp_profile(sp, &path.child("seccompProfile")));
    }
    errs
}

pub fn validate_seccomp_profile(sp: &SeccompProfile, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    match sp.type_.as_str() {
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        "" => errs.push(Error::required(
            path.child("type"),
            "type is required when seccompProfile is set",
        )),
        other => errs.push(Error::not_supported(
            path.child("type"),
            other,
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    if sp.type_ == "Localhost" && sp.localhost_profile.is_none() {
        errs.push(Error::required(
            path.child("localhostProfile"),
            "must be set when seccomp type is Localhost",
        ));
    }
    errs
}
