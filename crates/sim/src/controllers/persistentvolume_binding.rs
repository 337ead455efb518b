//! The matching rules shared by the PersistentVolume controller, the attach/detach controller
//! and the scheduler's VolumeBinding plugin: which claims a pod uses, whether a pod still
//! counts as using them, a volume's claimRef, and `findMatchingVolume` — the smallest
//! Available volume of the claim's class whose capacity and access modes satisfy it, a volume
//! pre-bound to the claim winning over any other.

use crate::meta;
use podlab_api::Quantity;
use serde_json::Value;

/// Names of the PersistentVolumeClaims a pod's volumes reference, in spec order.
pub fn pod_claims(pod: &Value) -> Vec<String> {
    let vols = meta::at(pod, &["spec", "volumes"]).and_then(Value::as_array);
    vols.map(|a| {
        a.iter()
            .filter_map(|v| meta::str_at(v, &["persistentVolumeClaim", "claimName"]))
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// Not Succeeded/Failed: such a pod may still have the claim mounted (a Terminating pod counts).
pub fn pod_is_active(pod: &Value) -> bool {
    !matches!(
        meta::str_at(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

/// The pvc-protection rule (`podUsesPVC`): a scheduled pod naming the claim keeps it, in any
/// phase — a Completed pod still holds its claim until the pod is deleted.
pub fn pod_uses_claim(pod: &Value, claim: &str) -> bool {
    !meta::node_name(pod).is_empty() && pod_claims(pod).iter().any(|c| c == claim)
}

/// (namespace, name) of a volume's claimRef.
pub fn claim_ref(pv: &Value) -> Option<(String, String)> {
    let name = meta::str_at(pv, &["spec", "claimRef", "name"]).filter(|n| !n.is_empty())?;
    Some((
        meta::str_at(pv, &["spec", "claimRef", "namespace"])
            .unwrap_or("")
            .to_string(),
        name.to_string(),
    ))
}

fn quantity(v: Option<&Value>) -> Option<Quantity> {
    v.and_then(Value::as_str)
        .and_then(|s| Quantity::parse(s).ok())
}

fn strings(v: Option<&Value>) -> Vec<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether `pv` can serve `pvc` (class, access modes, capacity, not claimed by another claim).
pub fn volume_fits(pvc: &Value, pv: &Value) -> bool {
    if meta::deletion_timestamp(pv).is_some() {
        return false;
    }
    if let Some((ns, name)) = claim_ref(pv) {
        let uid = meta::str_at(pv, &["spec", "claimRef", "uid"]).unwrap_or("");
        if ns != meta::namespace(pvc)
            || name != meta::name(pvc)
            || (!uid.is_empty() && uid != meta::uid(pvc))
        {
            return false;
        }
    } else if meta::str_at(pv, &["status", "phase"]).is_some_and(|p| p != "Available") {
        return false;
    }
    let class = meta::str_at(pvc, &["spec", "storageClassName"]).unwrap_or("");
    if meta::str_at(pv, &["spec", "storageClassName"]).unwrap_or("") != class {
        return false;
    }
    let have = strings(meta::at(pv, &["spec", "accessModes"]));
    if !strings(meta::at(pvc, &["spec", "accessModes"]))
        .iter()
        .all(|m| have.contains(m))
    {
        return false;
    }
    let want = quantity(meta::at(pvc, &["spec", "resources", "requests", "storage"]));
    let cap = quantity(meta::at(pv, &["spec", "capacity", "storage"]));
    match (want, cap) {
        (Some(w), Some(c)) => c >= w,
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// `findMatchingVolume`: a volume pre-bound to the claim first, else the smallest that fits
/// (ties by name, so the choice is deterministic).
pub fn find_matching_volume(pvc: &Value, volumes: &[Value]) -> Option<Value> {
    let fitting = volumes.iter().filter(|pv| volume_fits(pvc, pv));
    let key = |pv: &&Value| {
        (
            claim_ref(pv).is_none(),
            quantity(meta::at(pv, &["spec", "capacity", "storage"])),
            meta::name(pv).to_string(),
        )
    };
    fitting.min_by_key(key).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pvc(size: &str, class: &str) -> Value {
        json!({"metadata": {"name": "data", "namespace": "default", "uid": "u1"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class, "resources": {"requests": {"storage": size}}}})
    }

    fn pv(name: &str, size: &str, class: &str, modes: &[&str], claim: Option<&str>) -> Value {
        let mut v = json!({"metadata": {"name": name}, "spec": {"capacity": {"storage": size}, "accessModes": modes, "storageClassName": class}, "status": {"phase": "Available"}});
        if let Some(c) = claim {
            v["spec"]["claimRef"] = json!({"name": c, "namespace": "default"});
        }
        v
    }

    #[test]
    fn matching_table() {
        let rwo = ["ReadWriteOnce"];
        let cases: Vec<(&str, Value, Vec<Value>, Option<&str>)> = vec![
            (
                "too small",
                pvc("2Gi", "manual"),
                vec![pv("a", "1Gi", "manual", &rwo, None)],
                None,
            ),
            (
                "other class",
                pvc("1Gi", "manual"),
                vec![pv("a", "1Gi", "fast", &rwo, None)],
                None,
            ),
            (
                "mode missing",
                pvc("1Gi", "manual"),
                vec![pv("a", "5Gi", "manual", &["ReadOnlyMany"], None)],
                None,
            ),
            (
                "smallest wins",
                pvc("1Gi", "manual"),
                vec![
                    pv("big", "10Gi", "manual", &rwo, None),
                    pv("small", "2Gi", "manual", &rwo, None),
                ],
                Some("small"),
            ),
            (
                "pre-bound wins",
                pvc("1Gi", "manual"),
                vec![
                    pv("small", "1Gi", "manual", &rwo, None),
                    pv("mine", "5Gi", "manual", &rwo, Some("data")),
                ],
                Some("mine"),
            ),
            (
                "claimed by another",
                pvc("1Gi", "manual"),
                vec![pv("a", "1Gi", "manual", &rwo, Some("other"))],
                None,
            ),
        ];
        for (name, claim, vols, want) in cases {
            let got = find_matching_volume(&claim, &vols);
            assert_eq!(got.as_ref().map(meta::name), want, "{name}");
        }
    }

    #[test]
    fn pod_claims_and_use() {
        let pod = json!({"spec": {"nodeName": "node01", "volumes": [{"name": "x", "emptyDir": {}}, {"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}, "status": {"phase": "Running"}});
        assert_eq!(pod_claims(&pod), vec!["data".to_string()]);
        assert!(pod_uses_claim(&pod, "data"));
        assert!(!pod_uses_claim(&pod, "other"));
        let done = json!({"spec": pod["spec"].clone(), "status": {"phase": "Succeeded"}});
        assert!(
            pod_uses_claim(&done, "data"),
            "a completed pod still holds its claim"
        );
        assert!(pod_is_active(&pod) && !pod_is_active(&done));
        let pending = json!({"spec": {"volumes": pod["spec"]["volumes"].clone()}});
        assert!(
            !pod_uses_claim(&pending, "data"),
            "unscheduled pods do not count"
        );
    }
}
