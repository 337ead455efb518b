//! DefaultTolerationSeconds: every pod that does not already tolerate them gets
//! `node.kubernetes.io/not-ready:NoExecute` and `node.kubernetes.io/unreachable:NoExecute`
//! tolerations for 300 s — the reason pods on a dead node are evicted after five minutes.

use super::super::Req;
use super::Touched;
use crate::meta;
use serde_json::{json, Value};
use std::sync::OnceLock;

pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

fn tolerates_no_execute(tols: &[Value], key: &str) -> bool {
    tols.iter().any(|t| {
        let k = meta::member_str(t, "key").unwrap_or("");
        let op = meta::member_str(t, "operator").unwrap_or("Equal");
        let effect = meta::member_str(t, "effect").unwrap_or("");
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
        if !tolerates_no_execute(tols, key) {
            tols.push(toleration.clone());
        }
    }
    Ok(())
}
