//! LimitRanger: applies the `default` (limits) and `defaultRequest` (requests) of the
//! namespace's LimitRanges to containers that leave them unset, records what it did in the
//! `kubernetes.io/limit-ranger` annotation, and in its validating half rejects containers
//! outside `min`/`max` with the plugin's messages.

use super::super::Req;
use super::Touched;
use crate::meta;
use crate::podres::amount;
use podlab_api::{LimitRange, LimitRangeItem, Quantity};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const ANNOTATION: &str = "kubernetes.io/limit-ranger";

fn container_items(r: &Req, ns: &str) -> Vec<LimitRangeItem> {
    r.core
        .store
        .list("LimitRange", Some(ns))
        .filter_map(|v| meta::typed::<LimitRange>(v))
        .flat_map(|lr| lr.spec.limits.into_iter().filter(|i| i.type_ == "Container"))
        .collect()
}

/// Sets missing entries of `field` from `defaults`; returns the resource names it set.
fn fill(c: &mut Value, field: &str, defaults: &BTreeMap<String, Quantity>) -> Vec<String> {
    let mut set = Vec::new();
    let resources = meta::object_mut(c, "resources");
    let target = resources.entry(field.to_string()).or_insert_with(|| json!({}));
    if let Some(m) = target.as_object_mut() {
        for (k, q) in defaults {
            if !m.contains_key(k) {
                m.insert(k.clone(), json!(q.canonical()));
                set.push(k.clone());
            }
        }
    }
    if target.as_object().is_some_and(|m| m.is_empty()) {
        resources.remove(field);
    }
    set
}

pub fn mutate(r: &mut Req, pod: &mut Value, touched: &mut Touched) -> Result<(), String> {
    let items = container_items(r, meta::namespace(pod));
    if items.is_empty() {
        return Ok(());
    }
    touched.metadata(pod, &["annotations"]);
    touched.spec(pod, &["initContainers", "containers"]);
    let mut notes = Vec::new();
    for (list, what) in [("initContainers", "init container"), ("containers", "container")] {
        let Some(cs) = pod.get_mut("spec").and_then(|s| s.get_mut(list)).and_then(Value::as_array_mut) else { continue };
        for c in cs.iter_mut() {
            let name = c.get("name").and_then(Value::as_str).unwrap_or("").to_string();
            let (mut reqs, mut lims) = (Vec::new(), Vec::new());
            for item in &items {
                let mut default_request = item.default_request.clone();
                for (k, q) in &item.default {
                    default_request.entry(k.clone()).or_insert_with(|| q.clone());
                }
                lims.extend(fill(c, "limits", &item.default));
                reqs.extend(fill(c, "requests", &default_request));
            }
            for (set, kind) in [(&mut reqs, "request"), (&mut lims, "limit")] {
                if !set.is_empty() {
                    set.sort();
                    notes.push(format!("{} {kind} for {what} {name}", set.join(", ")));
                }
            }
        }
    }
    if !notes.is_empty() {
        let meta = meta::metadata_mut(pod);
        let ann = meta.entry("annotations".to_string()).or_insert_with(|| json!({}));
        if let Some(m) = ann.as_object_mut() {
            m.insert(ANNOTATION, json!(format!("LimitRanger plugin set: {}", notes.join("; "))));
        }
    }
    Ok(())
}

fn container_violations(item: &LimitRangeItem, c: &podlab_api::Container, out: &mut Vec<String>) {
    for (res, min) in &item.min {
        match c.resources.requests.get(res) {
            None => out.push(format!("minimum {res} usage per Container is {}.  No request is specified", min.canonical())),
            Some(q) if amount(res, q) < amount(res, min) => {
                out.push(format!("minimum {res} usage per Container is {}, but request is {}", min.canonical(), q.canonical()))
            }
            _ => {}
        }
    }
    for (res, max) in &item.max {
        match c.resources.limits.get(res) {
            None => out.push(format!("maximum {res} usage per Container is {}.  No limit is specified", max.canonical())),
            Some(q) if amount(res, q) > amount(res, max) => {
                out.push(format!("maximum {res} usage per Container is {}, but limit is {}", max.canonical(), q.canonical()))
            }
            _ => {}
        }
    }
}

/// The validating half; Err is the cause for a 403.
pub fn validate(r: &Req, pod: &podlab_api::Pod) -> Result<(), String> {
    let items = container_items(r, pod.metadata.namespace());
    let mut errs = Vec::new();
    for item in &items {
        for c in pod.spec.init_containers.iter().chain(&pod.spec.containers) {
            container_violations(item, c, &mut errs);
        }
    }
    match errs.len() {
        0 => Ok(()),
        1 => Err(errs.remove(0)),
        _ => Err(format!("[{}]", errs.join(", "))),
    }
}
