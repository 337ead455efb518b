//! Container validation (validateContainerCommon and friends in pkg/apis/core/validation):
//! names, image, ports, env and valueFrom, envFrom, volume mounts, resources, probes,
//! lifecycle and security context, in the same order Go appends its errors.

use super::env::{validate_env, validate_env_from};
use super::field::{BadValue, Error, ErrorList, Path};
use super::names::*;
use crate::core::container::*;
use crate::intstr::IntOrString;
use crate::quantity::Quantity;
use std::collections::BTreeSet;

/// Volume names declared by the pod, for volumeMount lookups.
pub type VolumeNames = BTreeSet<String>;

const STANDARD_CONTAINER_RESOURCES: &[&str] = &["cpu", "memory", "ephemeral-storage"];
const STANDARD_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "requests.storage",
    "storage",
    "services.nodeports",
    "services.loadbalancers",
];
const INTEGER_RESOURCES: &[&str] = &[
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "persistentvolumeclaims",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
];

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}
fn is_extended(name: &str) -> bool {
    !is_native(name)
        && !name.starts_with("requests.")
        && is_qualified_name(&format!("requests.{name}")).is_empty()
}
fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_hugepages(name)
}

/// validateResourceName + validateContainerResourceName.
fn validate_container_resource_name(name: &str, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let raw = || BadValue::Raw(name.to_string());
    for m in is_qualified_name(name) {
        errs.push(Error::invalid(path, raw(), m));
    }
    if errs.is_empty()
        && !name.contains('/')
        && !(STANDARD_RESOURCES.contains(&name) || is_hugepages(name))
    {
        errs.push(Error::invalid(
            path,
            raw(),
            "must be a standard resource type or fully qualified",
        ));
    }
    if !name.contains('/') {
        if !(STANDARD_CONTAINER_RESOURCES.contains(&name) || is_hugepages(name)) {
            errs.push(Error::invalid(
                path,
                raw(),
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name) && !is_extended(name) {
        errs.push(Error::invalid(
            path,
            raw(),
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// ValidateResourceQuantityValue: non-negative, whole for integer resources.
fn validate_quantity_value(name: &str, q: &Quantity, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if q.is_negative() {
        errs.push(Error::invalid(
            path,
            q.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    if (INTEGER_RESOURCES.contains(&name) || is_extended(name)) && q.millis() % 1000 != 0 {
        errs.push(Error::invalid(
            path,
            BadValue::Raw(q.to_string()),
            "must be an integer",
        ));
    }
    errs
}

/// ValidateContainerResourceRequirements.
pub fn validate_resources(r: &ResourceRequirements, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let lim_path = path.child("limits");
    let req_path = path.child("requests");
    for (name, q) in &r.limits {
        let p = lim_path.key(name);
        errs.extend(validate_container_resource_name(name, &p));
        errs.extend(validate_quantity_value(name, q, &p));
    }
    for (name, q) in &r.requests {
        let p = req_path.key(name);
        errs.extend(validate_container_resource_name(name, &p));
        errs.extend(validate_quantity_value(name, q, &p));
        match r.limits.get(name) {
            Some(limit) if q != limit && !overcommit_allowed(name) => {
                errs.push(Error::invalid(
                    &req_path,
                    q.to_string(),
                    format!("must be equal to {name} limit of {limit}"),
                ));
            }
            Some(limit) if q > limit => {
                errs.push(Error::invalid(
                    &req_path,
                    q.to_string(),
                    format!("must be less than or equal to {name} limit of {limit}"),
                ));
            }
            None if !overcommit_allowed(name) => {
                errs.push(Error::required(
                    &lim_path,
                    "Limit must be set for non overcommitable resources",
                ));
            }
            _ => {}
        }
    }
    errs
}

fn validate_ports(ports: &[ContainerPort], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let p = path.index(i);
        if !port.name.is_empty() {
            let msgs = is_valid_port_name(&port.name);
            if !msgs.is_empty() {
                for m in msgs {
                    errs.push(Error::invalid(p.child("name"), &port.name, m));
                }
            } else if !names.insert(port.name.clone()) {
                errs.push(Error::duplicate(p.child("name"), &port.name));
            }
        }
        if port.container_port == 0 {
            errs.push(Error::required(p.child("containerPort"), ""));
        } else {
            for m in is_valid_port_num(i64::from(port.container_port)) {
                errs.push(Error::invalid(
                    p.child("containerPort"),
                    port.container_port,
                    m,
                ));
            }
        }
        if port.host_port != 0 {
            for m in is_valid_port_num(i64::from(port.host_port)) {
                errs.push(Error::invalid(p.child("hostPort"), port.host_port, m));
            }
        }
        match port.protocol.as_str() {
            "" => errs.push(Error::required(p.child("protocol"), "")),
            "TCP" | "UDP" | "SCTP" => {}
            other => errs.push(Error::not_supported(
                p.child("protocol"),
                other,
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    errs
}

/// validateLocalDescendingPath: relative, no '..' element.
pub fn validate_local_descending_path(target: &str, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if target.starts_with('/') {
        errs.push(Error::invalid(path, target, "must be a relative path"));
    }
    if target.split(['/', '\\']).any(|part| part == "..") {
        errs.push(Error::invalid(path, target, "must not contain '..'"));
    }
    errs
}

fn validate_volume_mounts(mounts: &[VolumeMount], volumes: &VolumeNames, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut seen = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let p = path.index(i);
        if m.name.is_empty() {
            errs.push(Error::required(p.child("name"), ""));
        }
        if !volumes.contains(&m.name) {
            errs.push(Error::not_found(p.child("name"), &m.name));
        }
        if m.mount_path.is_empty() {
            errs.push(Error::required(p.child("mountPath"), ""));
        }
        if !seen.insert(m.mount_path.clone()) {
            errs.push(Error::invalid(
                p.child("mountPath"),
                &m.mount_path,
                "must be unique",
            ));
        }
        if !m.sub_path.is_empty() {
            // Go passes the list path here, not the item path; keep that.
            errs.extend(validate_local_descending_path(
                &m.sub_path,
                &path.child("subPath"),
            ));
        }
        if !m.sub_path_expr.is_empty() {
            if !m.sub_path.is_empty() {
                errs.push(Error::invalid(
                    p.child("subPathExpr"),
                    &m.sub_path_expr,
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(validate_local_descending_path(
                &m.sub_path_expr,
                &path.child("subPathExpr"),
            ));
        }
    }
    errs
}

pub fn validate_port_num_or_name(port: &IntOrString, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    match port {
        IntOrString::Int(n) => {
            for m in is_valid_port_num(i64::from(*n)) {
                errs.push(Error::invalid(path, *n, m));
            }
        }
        IntOrString::String(s) => {
            for m in is_valid_port_name(s) {
                errs.push(Error::invalid(path, s, m));
            }
        }
    }
    errs
}

/// validateHandler over the probe/lifecycle handler fields that are set.
fn validate_handler(
    exec: Option<&ExecAction>,
    http: Option<&HTTPGetAction>,
    tcp: Option<&TCPSocketAction>,
    grpc: Option<&GRPCAction>,
    sleep: Option<&SleepAction>,
    grace: Option<i64>,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut n = 0;
    let mut more = |errs: &mut ErrorList, name: &str| -> bool {
        if n > 0 {
            errs.push(Error::forbidden(
                path.child(name),
                "may not specify more than 1 handler type",
            ));
            false
        } else {
            n += 1;
            true
        }
    };
    if let Some(e) = exec {
        if more(&mut errs, "exec") && e.command.is_empty() {
            errs.push(Error::required(path.child("exec").child("command"), ""));
        }
    }
    if let Some(h) = http {
        if more(&mut errs, "httpGet") {
            let hp = path.child("httpGet");
            if h.path.is_empty() {
                errs.push(Error::required(hp.child("path"), ""));
            }
            errs.extend(validate_port_num_or_name(&h.port, &hp.child("port")));
            if h.scheme != "HTTP" && h.scheme != "HTTPS" {
                errs.push(Error::not_supported(
                    hp.child("scheme"),
                    h.scheme.as_str(),
                    &["HTTP", "HTTPS"],
                ));
            }
            for header in &h.http_headers {
                for m in is_http_header_name(&header.name) {
                    errs.push(Error::invalid(hp.child("httpHeaders"), &header.name, m));
                }
            }
        }
    }
    if let Some(t) = tcp {
        if more(&mut errs, "tcpSocket") {
            errs.extend(validate_port_num_or_name(
                &t.port,
                &path.child("tcpSocket").child("port"),
            ));
        }
    }
    if let Some(g) = grpc {
        if more(&mut errs, "grpc") {
            errs.extend(validate_port_num_or_name(
                &IntOrString::Int(g.port),
                &path.child("grpc").child("port"),
            ));
        }
    }
    if let Some(s) = sleep {
        if more(&mut errs, "sleep") {
            if let Some(g) = grace.filter(|g| s.seconds < 0 || s.seconds > *g) {
                errs.push(Error::invalid(
                    path.child("sleep"),
                    s.seconds,
                    format!(
                        "must be non-negative and less than terminationGracePeriodSeconds ({g})"
                    ),
                ));
            }
        }
    }
    if n == 0 {
        errs.push(Error::required(path, "must specify a handler type"));
    }
    errs
}

pub fn validate_probe(p: &Probe, grace: Option<i64>, path: &Path) -> ErrorList {
    let mut errs = validate_handler(
        p.exec.as_ref(),
        p.http_get.as_ref(),
        p.tcp_socket.as_ref(),
        p.grpc.as_ref(),
        None,
        grace,
        path,
    );
    for (name, v) in [
        ("initialDelaySeconds", p.initial_delay_seconds),
        ("timeoutSeconds", p.timeout_seconds),
        ("periodSeconds", p.period_seconds),
        ("successThreshold", p.success_threshold),
        ("failureThreshold", p.failure_threshold),
    ] {
        if v < 0 {
            errs.push(Error::invalid(
                path.child(name),
                i64::from(v),
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(t) = p.termination_grace_period_seconds.filter(|t| *t <= 0) {
        errs.push(Error::invalid(
            path.child("terminationGracePeriodSeconds"),
            t,
            "must be greater than 0",
        ));
    }
    errs
}

/// Liveness and startup probes: the probe checks plus `successThreshold` must be 1.
pub fn validate_liveness_like(p: &Probe, grace: Option<i64>, path: &Path) -> ErrorList {
    let mut errs = validate_probe(p, grace, path);
    if p.success_threshold != 1 {
        errs.push(Error::invalid(
            path.child("successThreshold"),
            p.success_threshold,
            "must be 1",
        ));
    }
    errs
}

pub fn validate_readiness(p: &Probe, grace: Option<i64>, path: &Path) -> ErrorList {
    let mut errs = validate_probe(p, grace, path);
    if let Some(t) = p.termination_grace_period_seconds {
        errs.push(Error::invalid(
            path.child("terminationGracePeriodSeconds"),
            t,
            "must not be set for readinessProbes",
        ));
    }
    errs
}

pub fn validate_lifecycle(l: &Lifecycle, grace: Option<i64>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (name, h) in [("postStart", &l.post_start), ("preStop", &l.pre_stop)] {
        if let Some(h) = h {
            errs.extend(validate_handler(
                h.exec.as_ref(),
                h.http_get.as_ref(),
                h.tcp_socket.as_ref(),
                None,
                h.sleep.as_ref(),
                grace,
                &path.child(name),
            ));
        }
    }
    errs
}

fn validate_security_context(sc: &SecurityContext, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(u) = sc.run_as_user.filter(|u| !(0..=0xffff_ffff).contains(u)) {
        errs.push(Error::invalid(
            path.child("runAsUser"),
            u,
            inclusive_range_error(0, 0xffff_ffff),
        ));
    }
    if let Some(g) = sc.run_as_group.filter(|g| !(0..=0xffff_ffff).contains(g)) {
        errs.push(Error::invalid(
            path.child("runAsGroup"),
            g,
            inclusive_range_error(0, 0xffff_ffff),
        ));
    }
    if let Some(sp) = &sc.seccomp_profile {
        errs.extend(super::pod::validate_seccomp_profile(
            sp,
            &path.child("seccompProfile"),
        ));
    }
    errs
}

/// validateContainerCommon: checks shared by regular, init and ephemeral containers.
pub fn validate_container_common(c: &Container, volumes: &VolumeNames, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if c.name.is_empty() {
        errs.push(Error::required(path.child("name"), ""));
    } else {
        for m in is_dns1123_label(&c.name) {
            errs.push(Error::invalid(path.child("name"), &c.name, m));
        }
    }
    if c.image.is_empty() {
        errs.push(Error::required(path.child("image"), ""));
    }
    match c.termination_message_policy.as_str() {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(Error::required(path.child("terminationMessagePolicy"), "")),
        other => errs.push(Error::not_supported(
            path.child("terminationMessagePolicy"),
            other,
            &["File", "FallbackToLogsOnError"],
        )),
    }
    errs.extend(validate_ports(&c.ports, &path.child("ports")));
    errs.extend(validate_env(&c.env, &path.child("env")));
    errs.extend(validate_env_from(&c.env_from, &path.child("envFrom")));
    errs.extend(validate_volume_mounts(
        &c.volume_mounts,
        volumes,
        &path.child("volumeMounts"),
    ));
    match c.image_pull_policy.as_str() {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(Error::required(path.child("imagePullPolicy"), "")),
        other => errs.push(Error::not_supported(
            path.child("imagePullPolicy"),
            other,
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    errs.extend(validate_resources(&c.resources, &path.child("resources")));
    if let Some(sc) = &c.security_context {
        errs.extend(validate_security_context(
            sc,
            &path.child("securityContext"),
        ));
    }
    errs
}
