//! `kubectl get leases` rows, after printers.go's printLease: NAME, HOLDER (the holder
//! identity, empty when unset) and AGE. Node heartbeats in kube-node-lease are the leases a
//! learner meets first.

use super::pod::age;
use crate::value::s;
use serde_json::Value;

pub fn lease_cells(v: &Value, now: i64) -> Vec<String> {
    vec![s(v, "metadata.name").to_string(), s(v, "spec.holderIdentity").to_string(), age(v, now)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn holder_is_empty_when_unset() {
        let now = 1_735_732_800_000 + 90_000;
        let cases = [
            (json!({"metadata": {"name": "node01", "creationTimestamp": "2025-01-01T12:00:00Z"}, "spec": {"holderIdentity": "node01"}}), ["node01", "node01", "90s"]),
            (json!({"metadata": {"name": "lock", "creationTimestamp": "2025-01-01T12:00:00Z"}, "spec": {}}), ["lock", "", "90s"]),
        ];
        for (lease, want) in cases {
            assert_eq!(lease_cells(&lease, now), want.map(str::to_string).to_vec());
        }
    }
}
