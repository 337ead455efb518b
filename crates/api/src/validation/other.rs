//! Basic validation for the kinds around Pods: Namespace, Node, ConfigMap, Secret,
//! ServiceAccount, Service, workload controllers (pod templates, selectors, restart
//! policies), Job, RBAC, PVC/PV/StorageClass, LimitRange, ResourceQuota. Each follows the
//! matching Go validator's wording for the mistakes learners make; rarer checks are omitted.

use super::field::{BadValue, Error, ErrorList, Path};
use super::meta::{validate_labels, validate_object_meta, NameRule};
use super::names::*;
use super::pod::{enum_field, validate_pod_spec};
use crate::core::misc::*;
use crate::meta::{LabelSelector, ObjectMeta};
use crate::workloads::*;

pub fn meta_only(meta: &ObjectMeta, namespaced: bool, rule: NameRule) -> ErrorList {
    validate_object_meta(meta, namespaced, rule, &Path::new("metadata"))
}

fn data_keys<'a>(keys: impl Iterator<Item = &'a String>, field: &str, errs: &mut ErrorList) {
    for k in keys {
        for m in is_config_map_key(k) {
            errs.push(Error::invalid(Path::new(field).key(k), k, m));
        }
    }
}

pub fn config_map(cm: &ConfigMap) -> ErrorList {
    let mut errs = meta_only(&cm.metadata, true, NameRule::Subdomain);
    let mut total = 0usize;
    for (k, v) in &cm.data {
        for m in is_config_map_key(k) {
            errs.push(Error::invalid(Path::new("data").key(k), k, m));
        }
        if cm.binary_data.contains_key(k) {
            errs.push(Error::invalid(
                Path::new("data").key(k),
                k,
                "duplicate of key present in binaryData",
            ));
        }
        total += v.len();
    }
    data_keys(cm.binary_data.keys(), "binaryData", &mut errs);
    total += cm.binary_data.values().map(|b| b.0.len()).sum::<usize>();
    if total > 1 << 20 {
        errs.push(Error::too_long("", 1 << 20));
    }
    errs
}

pub fn secret(s: &Secret) -> ErrorList {
    let mut errs = meta_only(&s.metadata, true, NameRule::Subdomain);
    data_keys(s.data.keys(), "data", &mut errs);
    let total: usize = s.data.values().map(|b| b.0.len()).sum();
    if total > 1 << 20 {
        errs.push(Error::too_long("data", 1 << 20));
    }
    let need = |errs: &mut ErrorList, key: &str| {
        if !s.data.contains_key(key) {
            errs.push(Error::required(Path::new("data").key(key), ""));
        }
    };
    match s.type_.as_str() {
        "kubernetes.io/tls" => {
            need(&mut errs, "tls.crt");
            need(&mut errs, "tls.key");
        }
        "kubernetes.io/dockerconfigjson" => need(&mut errs, ".dockerconfigjson"),
        "kubernetes.io/basic-auth"
            if !s.data.contains_key("username") && !s.data.contains_key("password") =>
        {
            errs.push(Error::required(Path::new("data").key("username"), ""));
            errs.push(Error::required(Path::new("data").key("password"), ""));
        }
        "kubernetes.io/ssh-auth" => need(&mut errs, "ssh-privatekey"),
        _ => {}
    }
    errs
}

pub fn service(svc: &Service) -> ErrorList {
    let mut errs = meta_only(&svc.metadata, true, NameRule::Dns1035);
    let sp = Path::new("spec");
    let spec = &svc.spec;
    let headless = spec.cluster_ip == "None";
    if spec.ports.is_empty() && !headless && spec.type_ != "ExternalName" {
        errs.push(Error::required(sp.child("ports"), ""));
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let pp = sp.child("ports").index(i);
        if spec.ports.len() > 1 && p.name.is_empty() {
            errs.push(Error::required(pp.child("name"), ""));
        } else if !p.name.is_empty() {
            for m in is_dns1123_label(&p.name) {
                errs.push(Error::invalid(pp.child("name"), &p.name, m));
            }
            if !names.insert(p.name.clone()) {
                errs.push(Error::duplicate(pp.child("name"), &p.name));
            }
        }
        for m in is_valid_port_num(i64::from(p.port)) {
            errs.push(Error::invalid(pp.child("port"), p.port, m));
        }
        errs.extend(enum_field(
            &p.protocol,
            &pp.child("protocol"),
            &["SCTP", "TCP", "UDP"],
        ));
        if let Some(t) = &p.target_port {
            errs.extend(super::container::validate_port_num_or_name(
                t,
                &pp.child("targetPort"),
            ));
        }
    }
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&spec.type_.as_str()) {
        errs.push(Error::not_supported(
            sp.child("type"),
            spec.type_.as_str(),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ));
    }
    errs.extend(validate_labels(&spec.selector, &sp.child("selector")));
    errs
}

/// `&LabelSelector{...}` as the protobuf-generated String() prints it in field errors.
pub fn label_selector_string(s: &LabelSelector) -> String {
    let labels: String = s
        .match_labels
        .iter()
        .map(|(k, v)| format!("{k}: {v},"))
        .collect();
    let exprs: String = s
        .match_expressions
        .iter()
        .map(|e| {
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[]string{{{}}},}},",
                e.key,
                e.operator,
                e.values
                    .iter()
                    .map(|v| format!("{v:?}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    format!("&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{exprs}}},}}")
}

/// Go's `%#v` of a `map[string]string` (keys sorted, as fmt prints maps).
pub fn go_map_literal(m: &crate::meta::StringMap) -> String {
    let body: Vec<String> = m
        .iter()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                super::field::go_quote(k),
                super::field::go_quote(v)
            )
        })
        .collect();
    format!("map[string]string{{{}}}", body.join(", "))
}

fn selector_matches(sel: &LabelSelector, labels: &crate::meta::StringMap) -> bool {
    sel.match_labels
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
        && sel
            .match_expressions
            .iter()
            .all(|e| match e.operator.as_str() {
                "In" => labels.get(&e.key).is_some_and(|v| e.values.contains(v)),
                "NotIn" => labels.get(&e.key).is_none_or(|v| !e.values.contains(v)),
                "Exists" => labels.contains_key(&e.key),
                "DoesNotExist" => !labels.contains_key(&e.key),
                _ => false,
            })
}

/// Selector + template checks shared by Deployment and ReplicaSet (ValidatePodTemplateSpecForReplicaSet).
fn controller_spec(
    replicas: Option<i32>,
    selector: &Option<LabelSelector>,
    template: &PodTemplateSpec,
    kind_word: &str,
    sp: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(r) = replicas.filter(|r| *r < 0) {
        errs.push(Error::invalid(
            sp.child("replicas"),
            r,
            "must be greater than or equal to 0",
        ));
    }
    let mismatch = |errs: &mut ErrorList| {
        errs.push(Error::invalid(
            sp.child("template").child("metadata").child("labels"),
            BadValue::Raw(go_map_literal(&template.metadata.labels)),
            "`selector` does not match template `labels`",
        ));
    };
    match selector {
        None => {
            errs.push(Error::required(sp.child("selector"), ""));
            // A nil selector converts to labels.Nothing(), which matches no template.
            mismatch(&mut errs);
        }
        Some(sel) if sel.match_labels.is_empty() && sel.match_expressions.is_empty() => {
            errs.push(Error::invalid(
                sp.child("selector"),
                BadValue::Raw(label_selector_string(sel)),
                format!("empty selector is invalid for {kind_word}"),
            ));
        }
        Some(sel) => {
            errs.extend(validate_labels(
                &sel.match_labels,
                &sp.child("selector").child("matchLabels"),
            ));
            if !selector_matches(sel, &template.metadata.labels) {
                mismatch(&mut errs);
            }
        }
    }
    let tp = sp.child("template");
    errs.extend(validate_labels(
        &template.metadata.labels,
        &tp.child("metadata").child("labels"),
    ));
    errs.extend(validate_pod_spec(&template.spec, &tp.child("spec")));
    if template.spec.restart_policy != "Always" {
        errs.push(Error::not_supported(
            tp.child("spec").child("restartPolicy"),
            template.spec.restart_policy.as_str(),
            &["Always"],
        ));
    }
    if let Some(ads) = template.spec.active_deadline_seconds {
        errs.push(Error::invalid(
            tp.child("spec").child("activeDeadlineSeconds"),
            ads,
            "activeDeadlineSeconds in ReplicaSet is not Supported",
        ));
    }
    errs
}

pub fn deployment(d: &Deployment) -> ErrorList {
    let mut errs = meta_only(&d.metadata, true, NameRule::Subdomain);
    let sp = Path::new("spec");
    errs.extend(controller_spec(
        d.spec.replicas,
        &d.spec.selector,
        &d.spec.template,
        "deployment",
        &sp,
    ));
    let st = &d.spec.strategy;
    if !st.type_.is_empty() && st.type_ != "RollingUpdate" && st.type_ != "Recreate" {
        errs.push(Error::not_supported(
            sp.child("strategy").child("type"),
            st.type_.as_str(),
            &["Recreate", "RollingUpdate"],
        ));
    }
    errs
}

pub fn replica_set(r: &ReplicaSet) -> ErrorList {
    let mut errs = meta_only(&r.metadata, true, NameRule::Subdomain);
    errs.extend(controller_spec(
        r.spec.replicas,
        &r.spec.selector,
        &r.spec.template,
        "replicaset",
        &Path::new("spec"),
    ));
    errs
}

pub fn job(j: &Job) -> ErrorList {
    let mut errs = meta_only(&j.metadata, true, NameRule::Subdomain);
    let sp = Path::new("spec");
    for (field, v) in [
        ("parallelism", j.spec.parallelism),
        ("completions", j.spec.completions),
        ("backoffLimit", j.spec.backoff_limit),
    ] {
        if let Some(v) = v.filter(|v| *v < 0) {
            errs.push(Error::invalid(
                sp.child(field),
                v,
                "must be greater than or equal to 0",
            ));
        }
    }
    let tp = sp.child("template");
    errs.extend(validate_labels(
        &j.spec.template.metadata.labels,
        &tp.child("metadata").child("labels"),
    ));
    errs.extend(validate_pod_spec(&j.spec.template.spec, &tp.child("spec")));
    let rp = j.spec.template.spec.restart_policy.as_str();
    if rp != "OnFailure" && rp != "Never" {
        errs.push(Error::not_supported(
            tp.child("spec").child("restartPolicy"),
            rp,
            &["OnFailure", "Never"],
        ));
    }
    errs
}

pub use super::cluster::*;
