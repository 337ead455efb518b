//! Update validation: ValidatePodUpdate's "pod updates may not change fields other than ..."
//! rule (only container images, activeDeadlineSeconds, added tolerations and a negative grace
//! period raised to 1 may change) with the go-cmp diff the API server appends to it
//! ([`cmp`]), immutable ConfigMaps/Secrets, and immutable selectors.

pub mod cmp;

use super::field::{BadValue, Error, ErrorList, Path};
use super::meta::validate_object_meta_update;
use super::names::inclusive_range_error;
use super::other::label_selector_string;
use crate::core::pod::Pod;
use crate::object::Object;

pub const UPDATABLE_POD_SPEC_FIELDS: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// The munged-spec comparison of ValidatePodUpdate plus its specific checks.
pub fn pod_update(new: &Pod, old: &Pod) -> ErrorList {
    let mut errs =
        validate_object_meta_update(&new.metadata, &old.metadata, &Path::new("metadata"));
    errs.extend(super::pod::validate_pod_metadata_and_spec(new));
    let sp = Path::new("spec");
    for (field, n, o) in [
        ("containers", &new.spec.containers, &old.spec.containers),
        (
            "initContainers",
            &new.spec.init_containers,
            &old.spec.init_containers,
        ),
    ] {
        if n.len() != o.len() {
            errs.push(Error::forbidden(
                sp.child(field),
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
        for (i, c) in n.iter().enumerate() {
            if c.image.is_empty() {
                errs.push(Error::required(sp.child(field).index(i).child("image"), ""));
            }
        }
    }
    match (
        new.spec.active_deadline_seconds,
        old.spec.active_deadline_seconds,
    ) {
        (Some(n), _) if !(0..=i64::from(i32::MAX)).contains(&n) => {
            errs.push(Error::invalid(
                sp.child("activeDeadlineSeconds"),
                n,
                inclusive_range_error(0, i64::from(i32::MAX)),
            ));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(Error::invalid(
                sp.child("activeDeadlineSeconds"),
                n,
                "must be less than or equal to previous value",
            ));
            return errs;
        }
        (None, Some(_)) => errs.push(Error::invalid(
            sp.child("activeDeadlineSeconds"),
            BadValue::Null,
            "must not update from a positive integer to nil value",
        )),
        _ => {}
    }
    for old_t in &old.spec.tolerations {
        let kept = new.spec.tolerations.iter().any(|t| {
            t.key == old_t.key
                && t.operator == old_t.operator
                && t.value == old_t.value
                && t.effect == old_t.effect
        });
        if !kept {
            errs.push(Error::forbidden(
                sp.child("tolerations"),
                "existing toleration can not be modified except its tolerationSeconds",
            ));
            break;
        }
    }
    if new.spec == old.spec {
        return errs;
    }
    let mut munged = new.spec.clone();
    for (c, o) in munged.containers.iter_mut().zip(&old.spec.containers) {
        c.image = o.image.clone();
    }
    for (c, o) in munged
        .init_containers
        .iter_mut()
        .zip(&old.spec.init_containers)
    {
        c.image = o.image.clone();
    }
    munged.active_deadline_seconds = old.spec.active_deadline_seconds;
    munged.scheduling_gates = old.spec.scheduling_gates.clone();
    munged.tolerations = old.spec.tolerations.clone();
    if old
        .spec
        .termination_grace_period_seconds
        .is_some_and(|g| g < 0)
        && munged.termination_grace_period_seconds == Some(1)
    {
        munged.termination_grace_period_seconds = old.spec.termination_grace_period_seconds;
    }
    if munged != old.spec {
        let diff = spec_diff(&old.spec, &munged);
        errs.push(Error::forbidden(
            sp,
            format!(
                "pod updates may not change fields other than {UPDATABLE_POD_SPEC_FIELDS}\n{diff}"
            ),
        ));
    }
    errs
}

/// `cmp.Diff(oldPod.Spec, mungedPodSpec)` as go-cmp prints it (see [`cmp`]).
fn spec_diff(old: &crate::core::pod::PodSpec, new: &crate::core::pod::PodSpec) -> String {
    let (o, n) = (
        serde_json::to_value(old).unwrap_or_default(),
        serde_json::to_value(new).unwrap_or_default(),
    );
    cmp::pod_spec_diff(&o, &n)
}

fn immutable_data(
    new_immutable: Option<bool>,
    old_immutable: Option<bool>,
    data_changed: bool,
    errs: &mut ErrorList,
) {
    if old_immutable == Some(true) {
        if new_immutable != Some(true) {
            errs.push(Error::forbidden(
                "immutable",
                "field is immutable when `immutable` is set",
            ));
        }
        if data_changed {
            errs.push(Error::forbidden(
                "data",
                "field is immutable when `immutable` is set",
            ));
        }
    }
}

/// validate_update for every kind: metadata immutability plus the kind's own update rules,
/// then the kind's create-time validation of the new object.
pub fn validate_update(old: &Object, new: &Object) -> ErrorList {
    let mut errs = ErrorList::new();
    match (old, new) {
        (Object::Pod(o), Object::Pod(n)) => return pod_update(n, o),
        (Object::ConfigMap(o), Object::ConfigMap(n)) => {
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                &Path::new("metadata"),
            ));
            immutable_data(
                n.immutable,
                o.immutable,
                n.data != o.data || n.binary_data != o.binary_data,
                &mut errs,
            );
        }
        (Object::Secret(o), Object::Secret(n)) => {
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                &Path::new("metadata"),
            ));
            immutable_data(n.immutable, o.immutable, n.data != o.data, &mut errs);
            if n.type_ != o.type_ {
                errs.push(Error::invalid(
                    "type",
                    n.type_.as_str(),
                    "field is immutable",
                ));
            }
        }
        (Object::Deployment(o), Object::Deployment(n)) => {
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                &Path::new("metadata"),
            ));
            if n.spec.selector != o.spec.selector {
                let shown = n
                    .spec
                    .selector
                    .as_ref()
                    .map(label_selector_string)
                    .unwrap_or_else(|| "nil".into());
                errs.push(Error::invalid(
                    "spec.selector",
                    BadValue::Raw(shown),
                    "field is immutable",
                ));
            }
        }
        (Object::Job(o), Object::Job(n)) => {
            errs.extend(validate_object_meta_update(
                &n.metadata,
                &o.metadata,
                &Path::new("metadata"),
            ));
            if n.spec.template != o.spec.template {
                errs.push(Error::invalid(
                    "spec.template",
                    BadValue::Raw("core.PodTemplateSpec{...}".into()),
                    "field is immutable",
                ));
            }
        }
        (o, n) if o.kind() == n.kind() => {
            errs.extend(validate_object_meta_update(
                n.meta(),
                o.meta(),
                &Path::new("metadata"),
            ));
        }
        (o, n) => errs.push(Error::invalid(
            "kind",
            n.kind(),
            format!("must be {}", o.kind()),
        )),
    }
    errs.extend(super::validate_create_list(new));
    errs
}
