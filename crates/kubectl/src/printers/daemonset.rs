//! Table rows for DaemonSets and PodDisruptionBudgets (`printDaemonSet`,
//! `printPodDisruptionBudget` in printers.go): the DaemonSet's per-node counts and node
//! selector, and a budget's bounds (`N/A` for the unset one) with its allowed disruptions.

use super::pod::age;
use crate::value::{arr, at, format_label_selector, format_labels, i, s, scalar_text};
use serde_json::Value;

pub fn daemonset_cells(v: &Value, now: i64) -> Vec<String> {
    let cs = arr(v, "spec.template.spec.containers");
    let names: Vec<&str> = cs.iter().map(|c| s(c, "name")).collect();
    let images: Vec<&str> = cs.iter().map(|c| s(c, "image")).collect();
    vec![
        s(v, "metadata.name").to_string(),
        i(v, "status.desiredNumberScheduled").to_string(),
        i(v, "status.currentNumberScheduled").to_string(),
        i(v, "status.numberReady").to_string(),
        i(v, "status.updatedNumberScheduled").to_string(),
        i(v, "status.numberAvailable").to_string(),
        format_labels(v, "spec.template.spec.nodeSelector"),
        age(v, now),
        names.join(","),
        images.join(","),
        format_label_selector(v, "spec.selector"),
    ]
}

pub fn pdb_cells(v: &Value, now: i64) -> Vec<String> {
    let bound = |path: &str| at(v, path).map_or_else(|| "N/A".to_string(), scalar_text);
    vec![
        s(v, "metadata.name").to_string(),
        bound("spec.minAvailable"),
        bound("spec.maxUnavailable"),
        i(v, "status.disruptionsAllowed").to_string(),
        age(v, now),
    ]
}

/// `DaemonSetStatusViewer` (`kubectl rollout status ds/NAME`): the progress line and
/// whether the rollout is done.
pub fn rollout_status_line(d: &Value) -> (String, bool) {
    let name = s(d, "metadata.name");
    if i(d, "metadata.generation") > i(d, "status.observedGeneration") {
        return ("Waiting for daemon set spec update to be observed...\n".into(), false);
    }
    let (desired, updated, available) = (i(d, "status.desiredNumberScheduled"), i(d, "status.updatedNumberScheduled"), i(d, "status.numberAvailable"));
    if updated < desired {
        return (format!("Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated...\n"), false);
    }
    if available < desired {
        return (format!("Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available...\n"), false);
    }
    (format!("daemon set {name:?} successfully rolled out\n"), true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows() {
        let ds = json!({"metadata": {"name": "kube-proxy", "creationTimestamp": "2025-01-01T12:00:00Z"},
            "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}}, "template": {"spec": {"nodeSelector": {"kubernetes.io/os": "linux"}, "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.33.1"}]}}},
            "status": {"desiredNumberScheduled": 3, "currentNumberScheduled": 3, "numberReady": 2, "updatedNumberScheduled": 3, "numberAvailable": 2}});
        let now = podlab_api::time::parse_rfc3339_millis("2025-01-01T12:05:00Z").unwrap_or(0);
        assert_eq!(daemonset_cells(&ds, now), ["kube-proxy", "3", "3", "2", "3", "2", "kubernetes.io/os=linux", "5m", "kube-proxy", "registry.k8s.io/kube-proxy:v1.33.1", "k8s-app=kube-proxy"]);
        let pdb = json!({"metadata": {"name": "web", "creationTimestamp": "2025-01-01T12:00:00Z"}, "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}});
        assert_eq!(pdb_cells(&pdb, now), ["web", "50%", "N/A", "1", "5m"]);
    }
}
