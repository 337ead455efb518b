//! coordination.k8s.io/v1 Lease: the object every kubelet renews in `kube-node-lease` as its
//! heartbeat (holderIdentity = the node name, leaseDurationSeconds 40, renewTime every 10s),
//! and the one the node lifecycle controller and `kubectl describe node` read. Own structs
//! with the API's field names and Go field order, strict like the other kinds.

use crate::meta::ObjectMeta;
use crate::time::MicroTime;
use crate::validation::field::{Error, ErrorList, Path};
use crate::validation::meta::NameRule;
use crate::validation::other::meta_only;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lease {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: LeaseSpec,
}

/// `LeaseSpec`: every field optional, as in the API (`kubectl describe node` prints `<unset>`
/// for an absent acquireTime or renewTime).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeaseSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquire_time: Option<MicroTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<MicroTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_transitions: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_holder: Option<String>,
}

/// `ValidateLease`: the object meta, then the spec's numeric bounds.
pub fn validate_lease(lease: &Lease) -> ErrorList {
    let mut errs = meta_only(&lease.metadata, true, NameRule::Subdomain);
    let sp = Path::new("spec");
    if let Some(d) = lease.spec.lease_duration_seconds.filter(|d| *d <= 0) {
        errs.push(Error::invalid(sp.child("leaseDurationSeconds"), d, "must be greater than 0"));
    }
    if let Some(t) = lease.spec.lease_transitions.filter(|t| *t < 0) {
        errs.push(Error::invalid(sp.child("leaseTransitions"), t, "must be greater than or equal to 0"));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_a_node_lease_in_go_field_order() {
        let v = json!({"metadata": {"name": "node01", "namespace": "kube-node-lease"},
            "spec": {"holderIdentity": "node01", "leaseDurationSeconds": 40, "renewTime": "2025-01-01T12:00:10.000000Z"}});
        let lease: Lease = serde_json::from_value(v.clone()).expect("decodes");
        assert_eq!(lease.spec.holder_identity.as_deref(), Some("node01"));
        assert_eq!(lease.spec.acquire_time, None);
        assert_eq!(serde_json::to_value(&lease).expect("encodes"), v);
    }

    #[test]
    fn rejects_unknown_spec_fields() {
        let bad = json!({"spec": {"holder": "node01"}});
        assert!(serde_json::from_value::<Lease>(bad).is_err());
    }

    #[test]
    fn validates_spec_bounds() {
        let cases = [(Some(40), None, 0), (Some(0), None, 1), (Some(-1), Some(-2), 2), (None, Some(0), 0)];
        for (duration, transitions, want) in cases {
            let mut lease = Lease::default();
            lease.metadata.name = Some("node01".into());
            lease.metadata.namespace = Some("kube-node-lease".into());
            lease.spec.lease_duration_seconds = duration;
            lease.spec.lease_transitions = transitions;
            assert_eq!(validate_lease(&lease).len(), want, "{duration:?} {transitions:?}");
        }
    }
}
