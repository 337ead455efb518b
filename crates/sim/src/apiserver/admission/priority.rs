//! The Priority admission plugin: resolves `priorityClassName` (or the global default class)
//! to `spec.priority` — 0 when there is none — and sets `preemptionPolicy`, rejecting unknown
//! classes and hand-written priorities with the plugin's own messages.

use super::super::Req;
use super::Touched;
use crate::meta;
use serde_json::{json, Value};

pub fn mutate(r: &mut Req, pod: &mut Value, touched: &mut Touched) -> Result<(), String> {
    touched.spec(pod, &["priority", "preemptionPolicy"]);
    let class_name = meta::str_at(pod, &["spec", "priorityClassName"]).unwrap_or("").to_string();
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
    let value = match class_name.as_str() {
        "system-node-critical" if class.is_none() => 2_000_001_000,
        "system-cluster-critical" if class.is_none() => 2_000_000_000,
        _ => class.and_then(|c| c.get("value")).and_then(Value::as_i64).unwrap_or(0),
    };
    let policy = class
        .and_then(|c| c.get("preemptionPolicy"))
        .and_then(Value::as_str)
        .unwrap_or("PreemptLowerPriority")
        .to_string();
    if let Some(given) = meta::at(pod, &["spec", "priority"]).and_then(Value::as_i64) {
        if given != value {
            return Err(format!(
                "the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {value} from the given PriorityClass name"
            ));
        }
    }
    let spec = meta::object_mut(pod, "spec");
    spec.insert("priority".into(), json!(value));
    if !spec.contains_key("preemptionPolicy") {
        spec.insert("preemptionPolicy".into(), json!(policy));
    }
    Ok(())
}
