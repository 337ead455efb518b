//! The create path of a pod only the built-in admission plugins can change: no LimitRange in
//! its namespace and no data-defined webhooks or policies (`plain`), the common case by far.
//! It stays on the pod the strict decode produced: the plugins change the typed pod and record
//! the patches their wire-form runs would (`admission::mutate_pod_typed`), `rest.BeforeCreate`
//! sets its metadata, `PrepareForCreate` its status, and after validation it is serialised once
//! into the canonical form the store keeps. The wire path (`write::create`) serialises the
//! defaulted pod for JSON plugins, then decodes or refreshes it for validation and reorders the
//! result; every response, stored object, watch event and trace entry of the two is the same
//! (the fast-versus-eager property test in `write_create_tests.rs`).

use super::write::{self, Candidate};
use super::{admission, label_of, pod_strategy, Req};
use crate::request::ApiResponse;
use crate::resources::ResourceInfo;
use crate::store::ObjectKey;
use podlab_api::Pod;

/// Whether admission can change nothing beyond what the built-in plugins write: no LimitRange
/// in the namespace (LimitRanger would edit resources and annotations) and no data-defined
/// webhooks or validating policies.
///
/// Never in the wasm build: the typed path is a speed-up for clusters of thousands of pods
/// (the native benchmark), the two paths give the same objects, trace and answers (the
/// property test in `write_create_tests.rs`), and leaving it out keeps ~4.5 KB gzip of code out
/// of the page (it paid for serde_json's vector map, `vendor/serde_json`).
pub(super) fn plain(r: &Req, ns: &str) -> bool {
    cfg!(not(target_arch = "wasm32"))
        && r.core.apiserver.policies.is_empty() && r.core.store.list("LimitRange", Some(ns)).next().is_none()
}

/// `write::create` from NamespaceLifecycle on, for a decoded, defaulted pod that is `plain`.
pub(super) fn create(r: &mut Req, info: &ResourceInfo, ns: &str, label: &str, mut pod: Pod, chain: admission::TypedChain) -> ApiResponse {
    admission::namespace_lifecycle(r, info.kind, ns, pod.metadata.name(), label)?;
    admission::mutate_pod_typed(r, &mut pod, chain, label)?;
    before_create(r, &mut pod, info);
    let label = label_of(info, ns, pod.metadata.name());
    pod_strategy::prepare_typed(&mut pod);
    let obj = write::validate(r, Candidate::Pod(Box::new(pod)), None, &label)?;
    // Validating admission (`write::validating_admission`) has nothing to check: LimitRanger's
    // min/max need a LimitRange and ValidatingAdmissionPolicy a policy, and `plain` saw none.
    write::persist_create(r, obj, &label)
}

/// `write::before_create` of a pod, on its metadata: generateName, uid, creationTimestamp,
/// no resourceVersion or deletion fields, generation 1. The status is `prepare_typed`'s.
fn before_create(r: &mut Req, pod: &mut Pod, info: &ResourceInfo) {
    let m = &mut pod.metadata;
    let generate = m.generate_name.as_deref().unwrap_or("");
    if m.name().is_empty() && !generate.is_empty() {
        // The real server retries a taken generated name (RetryGenerateName).
        for _ in 0..8 {
            let candidate = format!("{generate}{}", r.core.apiserver.rng.name_suffix(5));
            if r.core.store.get(&ObjectKey::new(info.kind, m.namespace(), &candidate)).is_none() {
                m.name = Some(candidate);
                break;
            }
        }
    }
    m.uid = Some(r.core.apiserver.rng.uid());
    // The wire path writes the RFC 3339 text, which holds whole seconds.
    m.creation_timestamp = Some(r.core.epoch.to_time(r.core.now).truncated());
    m.resource_version = None;
    m.deletion_timestamp = None;
    m.deletion_grace_period_seconds = None;
    super::generation::on_create_typed(info.kind, m);
}
