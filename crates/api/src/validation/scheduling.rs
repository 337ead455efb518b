//! Scheduling-related Pod validation: tolerations, node selector terms and node/pod
//! (anti-)affinity, with ValidateTolerations' and ValidateNodeSelectorRequirement's wording.

use super::field::{Error, ErrorList, Path};
use super::names::*;
use crate::core::pod::*;

/// ValidateTolerations.
pub fn validate_tolerations(tolerations: &[Toleration], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, t) in tolerations.iter().enumerate() {
        let p = path.index(i);
        if !t.key.is_empty() {
            for m in is_qualified_name(&t.key) {
                errs.push(Error::invalid(p.child("key"), &t.key, m));
            }
        }
        if t.key.is_empty() && t.operator != "Exists" {
            errs.push(Error::invalid(p.child("operator"), &t.operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
        }
        if t.toleration_seconds.is_some() && t.effect != "NoExecute" {
            errs.push(Error::invalid(
                p.child("effect"),
                &t.effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match t.operator.as_str() {
            "Equal" | "" => {
                let msgs = is_valid_label_value(&t.value);
                if !msgs.is_empty() {
                    errs.push(Error::invalid(
                        p.child("operator"),
                        &t.value,
                        msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !t.value.is_empty() {
                    errs.push(Error::invalid(
                        p.child("operator"),
                        &t.value,
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(Error::not_supported(
                p.child("operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if !t.effect.is_empty()
            && !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&t.effect.as_str())
        {
            errs.push(Error::not_supported(
                p.child("effect"),
                t.effect.as_str(),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
    }
    errs
}

fn validate_node_selector_requirement(
    rq: &NodeSelectorRequirement,
    allow_invalid_values: bool,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    match rq.operator.as_str() {
        "In" | "NotIn" if rq.values.is_empty() => errs.push(Error::required(
            path.child("values"),
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        "Exists" | "DoesNotExist" if !rq.values.is_empty() => errs.push(Error::forbidden(
            path.child("values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        "Gt" | "Lt" if rq.values.len() != 1 => errs.push(Error::required(
            path.child("values"),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
        other => errs.push(Error::invalid(
            path.child("operator"),
            other,
            "not a valid selector operator",
        )),
    }
    for m in is_qualified_name(&rq.key) {
        errs.push(Error::invalid(path.child("key"), &rq.key, m));
    }
    if !allow_invalid_values {
        for (i, v) in rq.values.iter().enumerate() {
            for m in is_valid_label_value(v) {
                errs.push(Error::invalid(path.child("values").index(i), v, m));
            }
        }
    }
    errs
}

fn validate_node_selector_term(
    term: &NodeSelectorTerm,
    allow_invalid_values: bool,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    for (j, rq) in term.match_expressions.iter().enumerate() {
        errs.extend(validate_node_selector_requirement(
            rq,
            allow_invalid_values,
            &path.child("matchExpressions").index(j),
        ));
    }
    for (j, rq) in term.match_fields.iter().enumerate() {
        let p = path.child("matchFields").index(j);
        if !(matches!(rq.operator.as_str(), "In" | "NotIn")) {
            errs.push(Error::invalid(
                p.child("operator"),
                &rq.operator,
                "not a valid selector operator",
            ));
        } else if rq.values.len() != 1 {
            errs.push(Error::required(
                p.child("values"),
                "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
            ));
        }
        if rq.key != "metadata.name" {
            errs.push(Error::invalid(
                p.child("key"),
                &rq.key,
                "not a valid field selector key",
            ));
        }
    }
    errs
}

fn validate_pod_affinity_terms(terms: &[PodAffinityTerm], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (i, t) in terms.iter().enumerate() {
        errs.extend(validate_pod_affinity_term(t, &path.index(i)));
    }
    errs
}

fn validate_pod_affinity_term(t: &PodAffinityTerm, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for ns in &t.namespaces {
        for m in is_dns1123_label(ns) {
            errs.push(Error::invalid(path.child("namespace"), ns, m));
        }
    }
    if t.topology_key.is_empty() {
        errs.push(Error::required(
            path.child("topologyKey"),
            "can not be empty",
        ));
    }
    for m in is_qualified_name(&t.topology_key) {
        errs.push(Error::invalid(
            path.child("topologyKey"),
            &t.topology_key,
            m,
        ));
    }
    errs
}

fn validate_weighted_terms(terms: &[WeightedPodAffinityTerm], path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (j, w) in terms.iter().enumerate() {
        if w.weight <= 0 || w.weight > 100 {
            errs.push(Error::invalid(
                path.index(j).child("weight"),
                w.weight,
                "must be in the range 1-100",
            ));
        }
        errs.extend(validate_pod_affinity_term(
            &w.pod_affinity_term,
            &path.index(j).child("podAffinityTerm"),
        ));
    }
    errs
}

pub(super) fn validate_affinity(a: &Affinity, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    const REQ: &str = "requiredDuringSchedulingIgnoredDuringExecution";
    const PREF: &str = "preferredDuringSchedulingIgnoredDuringExecution";
    if let Some(na) = &a.node_affinity {
        let np = path.child("nodeAffinity");
        if let Some(sel) = &na.required_during_scheduling_ignored_during_execution {
            let tp = np.child(REQ).child("nodeSelectorTerms");
            if sel.node_selector_terms.is_empty() {
                errs.push(Error::required(
                    &tp,
                    "must have at least one node selector term",
                ));
            }
            for (i, term) in sel.node_selector_terms.iter().enumerate() {
                errs.extend(validate_node_selector_term(term, false, &tp.index(i)));
            }
        }
        for (i, t) in na
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .enumerate()
        {
            let tp = np.child(PREF).index(i);
            if t.weight <= 0 || t.weight > 100 {
                errs.push(Error::invalid(
                    tp.child("weight"),
                    t.weight,
                    "must be in the range 1-100",
                ));
            }
            errs.extend(validate_node_selector_term(
                &t.preference,
                true,
                &tp.child("preference"),
            ));
        }
    }
    if let Some(pa) = &a.pod_affinity {
        let pp = path.child("podAffinity");
        errs.extend(validate_pod_affinity_terms(
            &pa.required_during_scheduling_ignored_during_execution,
            &pp.child(REQ),
        ));
        errs.extend(validate_weighted_terms(
            &pa.preferred_during_scheduling_ignored_during_execution,
            &pp.child(PREF),
        ));
    }
    if let Some(pa) = &a.pod_anti_affinity {
        let pp = path.child("podAntiAffinity");
        errs.extend(validate_pod_affinity_terms(
            &pa.required_during_scheduling_ignored_during_execution,
            &pp.child(REQ),
        ));
        errs.extend(validate_weighted_terms(
            &pa.preferred_during_scheduling_ignored_during_execution,
            &pp.child(PREF),
        ));
    }
    errs
}
