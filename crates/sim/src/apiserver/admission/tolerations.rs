//! DefaultTolerationSeconds: every pod that does not already tolerate them gets
//! `node.kubernetes.io/not-ready:NoExecute` and `node.kubernetes.io/unreachable:NoExecute`
//! tolerations for 300 s — the reason pods on a dead node are evicted after five minutes.
//! `mutate` works on the wire form, `mutate_typed` on the decoded pod of a plain create.

use super::super::trace_detail::PackedOps;
use super::super::Req;
use super::{add, Touched};
use crate::meta;
use crate::store::packed::Packed;
use podlab_api::Toleration;
use serde_json::{json, Value};
use std::sync::OnceLock;

pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// Whether one of the tolerations, as (key, operator, effect) with "" for an unset field,
/// tolerates `key:NoExecute`.
fn tolerates_no_execute<'a>(tols: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>, key: &str) -> bool {
    tols.into_iter().any(|(k, op, effect)| {
        let op = if op.is_empty() { "Equal" } else { op };
        (k == key || (k.is_empty() && op == "Exists")) && (effect.is_empty() || effect == "NoExecute")
    })
}

/// The two tolerations the plugin adds, the same for every pod: built once and cloned.
fn defaults() -> &'static [Value; 2] {
    static DEFAULTS: OnceLock<[Value; 2]> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        [NOT_READY, UNREACHABLE].map(|key| json!({"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}))
    })
}

pub fn mutate(_r: &mut Req, pod: &mut Value, touched: &mut Touched) -> Result<(), String> {
    touched.spec(pod, &["tolerations"]);
    let spec = pod.get_mut("spec").ok_or("pod has no spec")?;
    let tols = meta::array_mut(spec, "tolerations");
    for (key, toleration) in [NOT_READY, UNREACHABLE].into_iter().zip(defaults()) {
        let fields = tols.iter().map(|t| (meta::member_str(t, "key").unwrap_or(""), meta::member_str(t, "operator").unwrap_or(""), meta::member_str(t, "effect").unwrap_or("")));
        if !tolerates_no_execute(fields, key) {
            tols.push(toleration.clone());
        }
    }
    Ok(())
}

/// `defaults()` packed for the trace: each alone, and the list of both.
fn packed() -> &'static ([Packed; 2], Packed) {
    static PACKED: OnceLock<([Packed; 2], Packed)> = OnceLock::new();
    PACKED.get_or_init(|| (defaults().each_ref().map(Packed::pack), Packed::pack(&Value::Array(defaults().to_vec()))))
}

/// `mutate` on a decoded pod, with the operations the wire form's scoped diff finds: each
/// added toleration at its index, or the whole list when the pod had none (the wire form had
/// no `tolerations` key, so it was appended; tolerating nothing, it gains both).
pub fn mutate_typed(pod: &mut podlab_api::Pod, ops: &mut PackedOps) {
    let tols = &mut pod.spec.tolerations;
    let had = tols.len();
    let mut added = Vec::new();
    for (i, key) in [NOT_READY, UNREACHABLE].into_iter().enumerate() {
        if !tolerates_no_execute(tols.iter().map(|t| (t.key.as_str(), t.operator.as_str(), t.effect.as_str())), key) {
            let effect = "NoExecute".to_string();
            tols.push(Toleration { key: key.into(), operator: "Exists".into(), effect, toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS), ..Toleration::default() });
            added.push(i);
        }
    }
    let (each, both) = packed();
    match (had, added.as_slice()) {
        (0, [0, 1]) => ops.push_packed("add", "/spec/tolerations", both.clone()),
        (0, _) => add(ops, "/spec/tolerations", &Value::Array(added.iter().filter_map(|i| defaults().get(*i).cloned()).collect())),
        _ => {
            for (n, i) in added.into_iter().enumerate() {
                if let Some(p) = each.get(i) {
                    ops.push_packed("add", &format!("/spec/tolerations/{}", had + n), p.clone());
                }
            }
        }
    }
}
