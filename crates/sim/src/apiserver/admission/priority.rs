//! The Priority admission plugin: resolves `priorityClassName` (or the global default class)
//! to `spec.priority` — 0 when there is none — and sets `preemptionPolicy`, rejecting unknown
//! classes and hand-written priorities with the plugin's own messages. `mutate` works on the
//! wire form, `mutate_typed` on the decoded pod of a plain create; both take the class from
//! `resolve`.

use super::super::trace_detail::PackedOps;
use super::super::Req;
use super::{add, Touched};
use crate::meta;
use serde_json::{json, Value};

/// The priority value and preemption policy `class_name` (empty: the global default class)
/// resolves to; Err is the 403 cause for an unknown class. Reads only the PriorityClasses, so
/// a plain create may resolve it before the plugins before this one ran.
pub fn resolve(r: &Req, class_name: &str) -> Result<(i64, String), String> {
    let classes: Vec<&Value> = r.core.store.list("PriorityClass", None).map(|a| &**a).collect();
    let class = if class_name.is_empty() {
        classes.iter().find(|c| c.get("globalDefault").and_then(Value::as_bool) == Some(true)).copied()
    } else {
        match classes.iter().find(|c| meta::name(c) == class_name) {
            Some(c) => Some(*c),
            None if class_name == "system-node-critical" => None,
            None if class_name == "system-cluster-critical" => None,
            None => return Err(format!("no PriorityClass with name {class_name} was found")),
        }
    };
    let value = match class_name {
        "system-node-critical" if class.is_none() => 2_000_001_000,
        "system-cluster-critical" if class.is_none() => 2_000_000_000,
        _ => class.and_then(|c| c.get("value")).and_then(Value::as_i64).unwrap_or(0),
    };
    let policy = class
        .and_then(|c| c.get("preemptionPolicy"))
        .and_then(Value::as_str)
        .unwrap_or("PreemptLowerPriority")
        .to_string();
    Ok((value, policy))
}

fn given_differs(given: i64, value: i64) -> String {
    format!("the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {value} from the given PriorityClass name")
}

pub fn mutate(r: &mut Req, pod: &mut Value, touched: &mut Touched) -> Result<(), String> {
    touched.spec(pod, &["priority", "preemptionPolicy"]);
    let (value, policy) = resolve(r, meta::str_at(pod, &["spec", "priorityClassName"]).unwrap_or(""))?;
    if let Some(given) = meta::at(pod, &["spec", "priority"]).and_then(Value::as_i64) {
        if given != value {
            return Err(given_differs(given, value));
        }
    }
    let spec = meta::object_mut(pod, "spec");
    spec.insert("priority", json!(value));
    if !spec.contains_key("preemptionPolicy") {
        spec.insert("preemptionPolicy", json!(policy));
    }
    Ok(())
}

/// `mutate` on a decoded pod, given `resolve`'s answer for its class (whose value
/// `admission::typed_chain` checked fits the field), with the operations the wire form's
/// scoped diff finds: a given priority can only be kept (anything else is rejected), so the
/// patch is the keys the pod did not have, `priority` then `preemptionPolicy`.
pub fn mutate_typed(pod: &mut podlab_api::Pod, resolved: Result<(i64, String), String>, ops: &mut PackedOps) -> Result<(), String> {
    let (value, policy) = resolved?;
    let spec = &mut pod.spec;
    if let Some(given) = spec.priority.map(i64::from).filter(|g| *g != value) {
        return Err(given_differs(given, value));
    }
    if spec.priority.is_none() {
        spec.priority = i32::try_from(value).ok();
        add(ops, "/spec/priority", &Value::from(value));
    }
    if spec.preemption_policy.is_none() {
        add(ops, "/spec/preemptionPolicy", &Value::from(policy.as_str()));
        spec.preemption_policy = Some(policy);
    }
    Ok(())
}
