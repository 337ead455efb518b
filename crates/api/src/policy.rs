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

/// The `%#v`-like rendering the Go field error prints for the whole spec.
fn go_spec(spec: &PodDisruptionBudgetSpec) -> String {
    let ios = |v: &Option<IntOrString>| match v {
        None => "(*intstr.IntOrString)(nil)".to_string(),
        Some(IntOrString::Int(i)) => format!("(*intstr.IntOrString){{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        Some(IntOrString::String(s)) => format!("(*intstr.IntOrString){{Type:1, IntVal:0, StrVal:{s:?}}}"),
    };
    format!("policy.PodDisruptionBudgetSpec{{MinAvailable:{}, Selector:(*v1.LabelSelector)(...), MaxUnavailable:{}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}}", ios(&spec.min_available), ios(&spec.max_unavailable))
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
