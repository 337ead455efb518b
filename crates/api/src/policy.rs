//! PodDisruptionBudget (policy/v1): how many of an application's Pods voluntary disruptions
//! (`kubectl drain`, the Eviction API) may take down at once. This module owns the typed
//! object in Go field order and its create validation (`ValidatePodDisruptionBudgetSpec` in
//! pkg/apis/policy/validation); the disruption controller fills the status and the eviction
//! subresource reads it.

use crate::daemonset::validate_int_or_percent;
use crate::intstr::IntOrString;
use crate::meta::{Condition, LabelSelector, ObjectMeta};
use crate::time::Time;
use crate::validation::field::{BadValue, Error, ErrorList, Path};
use crate::validation::meta::{validate_labels, NameRule};
use crate::validation::other::meta_only;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodDisruptionBudget {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: PodDisruptionBudgetSpec,
    #[serde(default)]
    pub status: PodDisruptionBudgetStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodDisruptionBudgetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_pod_eviction_policy: Option<String>,
}

/// The four counts without `omitempty` in Go are always written.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodDisruptionBudgetStatus {
    #[serde(default, skip_serializing_if = "crate::meta::is_default")]
    pub observed_generation: i64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub disrupted_pods: BTreeMap<String, Time>,
    #[serde(default)]
    pub disruptions_allowed: i32,
    #[serde(default)]
    pub current_healthy: i32,
    #[serde(default)]
    pub desired_healthy: i32,
    #[serde(default)]
    pub expected_pods: i32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// `ValidatePodDisruptionBudget` (create).
pub fn validate_pdb(p: &PodDisruptionBudget) -> ErrorList {
    let mut errs = meta_only(&p.metadata, true, NameRule::Subdomain);
    let sp = Path::new("spec");
    let spec = &p.spec;
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        errs.push(Error::invalid(sp.clone(), BadValue::Raw(go_spec(spec)), "minAvailable and maxUnavailable cannot be both set"));
    }
    if let Some(v) = &spec.min_available {
        errs.extend(validate_int_or_percent(v, &sp.child("minAvailable")));
    }
    if let Some(v) = &spec.max_unavailable {
        errs.extend(validate_int_or_percent(v, &sp.child("maxUnavailable")));
    }
    if let Some(sel) = &spec.selector {
        errs.extend(validate_labels(&sel.match_labels, &sp.child("selector").child("matchLabels")));
    }
    if let Some(policy) = spec.unhealthy_pod_eviction_policy.as_deref() {
        if policy != "IfHealthyBudget" && policy != "AlwaysAllow" {
            errs.push(Error::not_supported(sp.child("unhealthyPodEvictionPolicy"), policy, &["AlwaysAllow", "IfHealthyBudget"]));
        }
    }
    errs
}

/// Go's `%#v` of the internal spec, which is what the field error prints for a struct: its
/// pointer fields show as addresses (fixed here, since a real one varies per request).
fn go_spec(spec: &PodDisruptionBudgetSpec) -> String {
    let ptr = |set: bool, ty: &str, addr: &str| if set { format!("(*{ty})({addr})") } else { format!("(*{ty})(nil)") };
    format!(
        "policy.PodDisruptionBudgetSpec{{MinAvailable:{}, Selector:{}, MaxUnavailable:{}, UnhealthyPodEvictionPolicy:{}}}",
        ptr(spec.min_available.is_some(), "intstr.IntOrString", "0xc000b1e0a0"),
        ptr(spec.selector.is_some(), "v1.LabelSelector", "0xc000b1e0c0"),
        ptr(spec.max_unavailable.is_some(), "intstr.IntOrString", "0xc000b1e0e0"),
        ptr(spec.unhealthy_pod_eviction_policy.is_some(), "policy.UnhealthyPodEvictionPolicyType", "0xc000b1e100"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Object;
    use serde_json::json;

    #[test]
    fn validation_table() {
        let cases = [
            (json!({"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}), 0),
            (json!({"maxUnavailable": "50%", "selector": {"matchLabels": {"app": "web"}}}), 0),
            (json!({"minAvailable": 1, "maxUnavailable": 1}), 1),
            (json!({"minAvailable": -1}), 1),
            (json!({"maxUnavailable": "150%"}), 1),
            (json!({"maxUnavailable": "x%"}), 1),
        ];
        for (spec, want) in cases {
            let v = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "default"}, "spec": spec});
            let Ok(Object::PodDisruptionBudget(p)) = Object::from_json_value(&v) else { panic!("decode {spec}") };
            assert_eq!(validate_pdb(&p).len(), want, "{spec}");
        }
    }
}
