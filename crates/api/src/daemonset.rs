//! DaemonSet (apps/v1): one Pod per eligible node, as kube-proxy and log shippers run. This
//! module owns the typed object (Go field order, strict), its API-server defaulting
//! (`SetDefaults_DaemonSet`: RollingUpdate with maxUnavailable 1 and maxSurge 0, revision
//! history 10) and its create validation (`ValidateDaemonSet` in pkg/apis/apps/validation),
//! kept apart from the other workloads so the DaemonSet controller's needs stay in one place.

use crate::intstr::IntOrString;
use crate::meta::{LabelSelector, ObjectMeta};
use crate::validation::field::{BadValue, Error, ErrorList, Path};
use crate::validation::meta::{validate_labels, NameRule};
use crate::validation::other::{go_map_literal, label_selector_string, meta_only};
use crate::validation::pod::validate_pod_spec;
use crate::workloads::PodTemplateSpec;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSet {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: DaemonSetSpec,
    #[serde(default)]
    pub status: DaemonSetStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSetSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(default)]
    pub template: PodTemplateSpec,
    #[serde(default)]
    pub update_strategy: DaemonSetUpdateStrategy,
    #[serde(default, skip_serializing_if = "crate::meta::is_default")]
    pub min_ready_seconds: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSetUpdateStrategy {
    #[serde(rename = "type", default, skip_serializing_if = "crate::meta::is_default")]
    pub type_: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDaemonSet>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RollingUpdateDaemonSet {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

/// The four counts without `omitempty` in Go are always written, as the API serves them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaemonSetStatus {
    #[serde(default)]
    pub current_number_scheduled: i32,
    #[serde(default)]
    pub number_misscheduled: i32,
    #[serde(default)]
    pub desired_number_scheduled: i32,
    #[serde(default)]
    pub number_ready: i32,
    #[serde(default, skip_serializing_if = "crate::meta::is_default")]
    pub observed_generation: i64,
    #[serde(default, skip_serializing_if = "crate::meta::is_default")]
    pub updated_number_scheduled: i32,
    #[serde(default, skip_serializing_if = "crate::meta::is_default")]
    pub number_available: i32,
    #[serde(default, skip_serializing_if = "crate::meta::is_default")]
    pub number_unavailable: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<crate::workloads::ReplicaSetCondition>,
}

/// apps/v1 `SetDefaults_DaemonSet` plus the pod template's defaults.
pub fn default_daemon_set(d: &mut DaemonSet) {
    let st = &mut d.spec.update_strategy;
    if st.type_.is_empty() {
        st.type_ = "RollingUpdate".into();
    }
    if st.type_ == "RollingUpdate" {
        let ru = st.rolling_update.get_or_insert_with(RollingUpdateDaemonSet::default);
        if ru.max_unavailable.is_none() {
            ru.max_unavailable = Some(IntOrString::Int(1));
        }
        if ru.max_surge.is_none() {
            ru.max_surge = Some(IntOrString::Int(0));
        }
    }
    // The apps/v1 strategy records the template generation for old clients.
    d.metadata.annotations.entry("deprecated.daemonset.template.generation".into()).or_insert_with(|| "1".into());
    if d.spec.revision_history_limit.is_none() {
        d.spec.revision_history_limit = Some(10);
    }
    crate::defaults::pod_spec(&mut d.spec.template.spec);
}

/// `ValidateDaemonSet` (create): metadata, selector against template labels, the template
/// (restartPolicy Always only, no activeDeadlineSeconds), minReadySeconds and updateStrategy.
pub fn validate_daemon_set(d: &DaemonSet) -> ErrorList {
    let mut errs = meta_only(&d.metadata, true, NameRule::Subdomain);
    let sp = Path::new("spec");
    let template = &d.spec.template;
    let labels_path = sp.child("template").child("metadata").child("labels");
    match &d.spec.selector {
        None => errs.push(Error::required(sp.child("selector"), "")),
        Some(sel) if sel.match_labels.is_empty() && sel.match_expressions.is_empty() => {
            errs.push(Error::invalid(sp.child("selector"), BadValue::Raw(label_selector_string(sel)), "empty selector is invalid for daemonset"));
        }
        Some(sel) => {
            errs.extend(validate_labels(&sel.match_labels, &sp.child("selector").child("matchLabels")));
            if !selector_matches(sel, &template.metadata.labels) {
                errs.push(Error::invalid(labels_path.clone(), BadValue::Raw(go_map_literal(&template.metadata.labels)), "`selector` does not match template `labels`"));
            }
        }
    }
    errs.extend(validate_labels(&template.metadata.labels, &labels_path));
    let tsp = sp.child("template").child("spec");
    errs.extend(validate_pod_spec(&template.spec, &tsp));
    if template.spec.restart_policy != "Always" {
        errs.push(Error::not_supported(tsp.child("restartPolicy"), template.spec.restart_policy.as_str(), &["Always"]));
    }
    if let Some(ads) = template.spec.active_deadline_seconds {
        errs.push(Error::invalid(tsp.child("activeDeadlineSeconds"), ads, "activeDeadlineSeconds in DaemonSet is not Supported"));
    }
    if d.spec.min_ready_seconds < 0 {
        errs.push(Error::invalid(sp.child("minReadySeconds"), d.spec.min_ready_seconds, "must be greater than or equal to 0"));
    }
    errs.extend(validate_update_strategy(&d.spec.update_strategy, &sp.child("updateStrategy")));
    errs
}

fn validate_update_strategy(st: &DaemonSetUpdateStrategy, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    match st.type_.as_str() {
        "OnDelete" => {}
        "RollingUpdate" => match &st.rolling_update {
            None => errs.push(Error::required(path.child("rollingUpdate"), "")),
            Some(ru) => errs.extend(validate_rolling_update(ru, &path.child("rollingUpdate"))),
        },
        other => errs.push(Error::not_supported(path.clone(), other, &["RollingUpdate", "OnDelete"])),
    }
    errs
}

/// `ValidateRollingUpdateDaemonSet`: non-negative int or percent, at most 100%, and not both 0.
fn validate_rolling_update(ru: &RollingUpdateDaemonSet, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut zero = 0;
    for (field, value) in [("maxUnavailable", &ru.max_unavailable), ("maxSurge", &ru.max_surge)] {
        let p = path.child(field);
        match value {
            None | Some(IntOrString::Int(0)) => zero += 1,
            Some(v) => errs.extend(validate_int_or_percent(v, &p)),
        }
        if matches!(value, Some(IntOrString::String(s)) if s == "0%") {
            zero += 1;
        }
    }
    if zero == 2 {
        let shown = ru.max_unavailable.as_ref().map_or(BadValue::Int(0), |v| match v {
            IntOrString::Int(i) => BadValue::Int(i64::from(*i)),
            IntOrString::String(s) => BadValue::Str(s.clone()),
        });
        errs.push(Error::invalid(path.child("maxUnavailable"), shown, "may not be 0 when `maxSurge` is 0"));
    }
    errs
}

/// `ValidatePositiveIntOrPercent` + `IsNotMoreThan100Percent` with the server's wording.
pub fn validate_int_or_percent(v: &IntOrString, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    match v {
        IntOrString::Int(i) if *i < 0 => errs.push(Error::invalid(path.clone(), *i, "must be greater than or equal to 0")),
        IntOrString::Int(_) => {}
        IntOrString::String(s) => match s.strip_suffix('%').and_then(|n| n.parse::<i64>().ok()) {
            None => errs.push(Error::invalid(path.clone(), s.as_str(), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")),
            Some(n) if n > 100 => errs.push(Error::invalid(path.clone(), s.as_str(), "must not be greater than 100%")),
            Some(_) => {}
        },
    }
    errs
}

fn selector_matches(sel: &LabelSelector, labels: &crate::meta::StringMap) -> bool {
    sel.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
        && sel.match_expressions.iter().all(|e| match e.operator.as_str() {
            "In" => labels.get(&e.key).is_some_and(|v| e.values.contains(v)),
            "NotIn" => labels.get(&e.key).is_none_or(|v| !e.values.contains(v)),
            "Exists" => labels.contains_key(&e.key),
            "DoesNotExist" => !labels.contains_key(&e.key),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Object;
    use serde_json::json;

    fn ds(spec: serde_json::Value) -> DaemonSet {
        let v = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "default"}, "spec": spec});
        match Object::from_json_value(&v) {
            Ok(Object::DaemonSet(d)) => d,
            other => panic!("decode: {other:?}"),
        }
    }

    fn template(labels: serde_json::Value, restart: &str) -> serde_json::Value {
        json!({"metadata": {"labels": labels}, "spec": {"restartPolicy": restart, "containers": [{"name": "a", "image": "busybox"}]}})
    }

    #[test]
    fn defaults_rolling_update_one_unavailable() {
        let mut d = ds(json!({"selector": {"matchLabels": {"app": "a"}}, "template": template(json!({"app": "a"}), "Always")}));
        default_daemon_set(&mut d);
        let ru = d.spec.update_strategy.rolling_update.clone().unwrap_or_default();
        assert_eq!(d.spec.update_strategy.type_, "RollingUpdate");
        assert_eq!(ru.max_unavailable, Some(IntOrString::Int(1)));
        assert_eq!(ru.max_surge, Some(IntOrString::Int(0)));
        assert_eq!(d.spec.revision_history_limit, Some(10));
    }

    #[test]
    fn validation_table() {
        let cases = [
            (json!({"selector": {"matchLabels": {"app": "a"}}, "template": template(json!({"app": "a"}), "Always")}), vec![]),
            (
                json!({"selector": {"matchLabels": {"app": "b"}}, "template": template(json!({"app": "a"}), "Always")}),
                vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"a\"}: `selector` does not match template `labels`"],
            ),
            (json!({"template": template(json!({"app": "a"}), "Always")}), vec!["spec.selector: Required value"]),
            (
                json!({"selector": {"matchLabels": {"app": "a"}}, "template": template(json!({"app": "a"}), "OnFailure")}),
                vec!["spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""],
            ),
            (
                json!({"selector": {"matchLabels": {"app": "a"}}, "template": template(json!({"app": "a"}), "Always"), "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}}),
                vec!["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"],
            ),
        ];
        for (spec, want) in cases {
            let mut d = ds(spec.clone());
            default_daemon_set(&mut d);
            let got: Vec<String> = validate_daemon_set(&d).iter().map(|e| e.to_string()).collect();
            assert_eq!(got, want, "{spec}");
        }
    }
}
