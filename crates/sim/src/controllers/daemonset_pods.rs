//! What the DaemonSet controller decides per node and how it shapes a daemon Pod, as pure
//! functions (pkg/controller/daemon/util and `NodeShouldRunDaemonPod`): whether a node should
//! run (or may keep running) the daemon, the tolerations every daemon Pod gets, the node
//! affinity pinning it to one node (`matchFields metadata.name`, which the scheduler then
//! honours), and the revision labels. Kept apart from the controller's event loop so they can
//! be tested without a cluster.

use super::tainteviction::tolerates;
use super::{owner_ref, selector_matches};
use crate::meta;
use serde_json::{json, Value};

/// `util.AddOrUpdateDaemonPodTolerations`, in the order the controller appends them.
const DAEMON_TOLERATIONS: [(&str, &str); 6] = [
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];
const NETWORK_UNAVAILABLE: (&str, &str) = ("node.kubernetes.io/network-unavailable", "NoSchedule");

/// Where a node stands for one DaemonSet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// A new daemon Pod should be created here.
    pub should_run: bool,
    /// An existing daemon Pod may stay (untolerated NoSchedule taints do not evict).
    pub should_continue: bool,
}

/// The template's tolerations plus the daemon ones (an existing toleration for the same key
/// and effect is replaced, as `AddOrUpdateTolerationInPodSpec` does).
pub fn daemon_tolerations(template_spec: &Value) -> Vec<Value> {
    let mut out: Vec<Value> = template_spec.get("tolerations").and_then(Value::as_array).cloned().unwrap_or_default();
    let host_network = template_spec.get("hostNetwork").and_then(Value::as_bool) == Some(true);
    let extra = DAEMON_TOLERATIONS.iter().chain(host_network.then_some(&NETWORK_UNAVAILABLE));
    for (key, effect) in extra {
        let t = json!({"key": key, "operator": "Exists", "effect": effect});
        let same = |o: &Value| o.get("key").and_then(Value::as_str) == Some(key) && o.get("effect").and_then(Value::as_str) == Some(effect);
        match out.iter_mut().find(|o| same(o)) {
            Some(slot) => *slot = t,
            None => out.push(t),
        }
    }
    out
}

/// `NodeShouldRunDaemonPod`: nodeName, nodeSelector and required node affinity must match,
/// and every NoSchedule/NoExecute taint must be tolerated by the daemon Pod's tolerations.
pub fn placement(template_spec: &Value, node: &Value) -> Placement {
    let never = Placement { should_run: false, should_continue: false };
    let node_name = meta::name(node);
    let pinned = template_spec.get("nodeName").and_then(Value::as_str).unwrap_or("");
    if !pinned.is_empty() && pinned != node_name {
        return never;
    }
    let labels = meta::labels(node);
    let get = |k: &str| labels.iter().find(|(lk, _)| *lk == k).map(|(_, v)| *v);
    let selector_ok = template_spec.get("nodeSelector").and_then(Value::as_object).is_none_or(|m| m.iter().all(|(k, v)| get(k) == v.as_str()));
    if !selector_ok || !required_affinity_matches(template_spec, node_name, &labels) {
        return never;
    }
    let tolerations = daemon_tolerations(template_spec);
    let taints = meta::at(node, &["spec", "taints"]).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let untolerated = |effect: &str| {
        taints.iter().filter(|t| t.get("effect").and_then(Value::as_str) == Some(effect)).any(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
    };
    if untolerated("NoExecute") {
        return never;
    }
    Placement { should_run: !untolerated("NoSchedule"), should_continue: true }
}

fn required_affinity_matches(spec: &Value, node_name: &str, labels: &[(&str, &str)]) -> bool {
    let terms = spec.pointer("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms").and_then(Value::as_array);
    let Some(terms) = terms else { return true };
    terms.iter().any(|term| {
        let exprs = term.get("matchExpressions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        let fields = term.get("matchFields").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        if exprs.is_empty() && fields.is_empty() {
            return false;
        }
        let sel = json!({"matchExpressions": exprs});
        let label_ok = exprs.is_empty() || selector_matches(Some(&sel), labels);
        let field_ok = fields.iter().all(|f| {
            let vals: Vec<&str> = f.get("values").and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let is_name = f.get("key").and_then(Value::as_str) == Some("metadata.name");
            match f.get("operator").and_then(Value::as_str) {
                Some("In") => is_name && vals.contains(&node_name),
                Some("NotIn") => is_name && !vals.contains(&node_name),
                _ => false,
            }
        });
        label_ok && field_ok
    })
}

/// `util.ReplaceDaemonSetPodNodeNameNodeAffinity`: the required terms become one term pinning
/// the Pod to `node` by `metadata.name`; preferred terms stay.
pub fn pin_to_node(spec: &mut Value, node: &str) {
    let term = json!({"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]});
    let Some(obj) = spec.as_object_mut() else { return };
    let affinity = obj.entry("affinity").or_insert_with(|| json!({}));
    if !affinity.is_object() {
        *affinity = json!({});
    }
    let na = &mut affinity["nodeAffinity"];
    if !na.is_object() {
        *na = json!({});
    }
    na["requiredDuringSchedulingIgnoredDuringExecution"] = json!({"nodeSelectorTerms": [term]});
}

/// The Pod the controller creates for `node`: template metadata plus the revision labels,
/// `generateName: <ds>-`, the controller reference, the daemon tolerations and the pin.
pub fn daemon_pod(ds: &Value, node: &str, revision_hash: &str) -> Value {
    let tm = meta::at(ds, &["spec", "template", "metadata"]).cloned().unwrap_or(json!({}));
    let mut labels = tm.get("labels").cloned().filter(Value::is_object).unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(revision_hash);
    // `util.GetTemplateGeneration`: the strategy's template generation, not metadata.generation
    // (which also counts spec changes outside the template); no annotation, no label.
    if let Some(g) = meta::str_at(ds, &["metadata", "annotations", "deprecated.daemonset.template.generation"]) {
        labels["pod-template-generation"] = json!(g);
    }
    let mut m = json!({"generateName": format!("{}-", meta::name(ds)), "namespace": meta::namespace(ds), "labels": labels});
    if let Some(a) = tm.get("annotations").filter(|v| !v.is_null()) {
        m["annotations"] = a.clone();
    }
    m["ownerReferences"] = json!([owner_ref(ds)]);
    let mut spec = meta::at(ds, &["spec", "template", "spec"]).cloned().unwrap_or(json!({}));
    spec["tolerations"] = Value::Array(daemon_tolerations(&spec));
    pin_to_node(&mut spec, node);
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": m, "spec": spec})
}

/// The node a daemon Pod is bound or pinned to.
pub fn pod_node(pod: &Value) -> String {
    let bound = meta::node_name(pod);
    if !bound.is_empty() {
        return bound.to_string();
    }
    let terms = pod.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0");
    terms.and_then(Value::as_str).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, taints: Value) -> Value {
        json!({"metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "disk": "ssd"}}, "spec": {"taints": taints}})
    }

    #[test]
    fn placement_table() {
        let cp_taint = json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
        let cases = [
            (json!({}), node("n1", json!([])), (true, true)),
            (json!({}), node("cp", cp_taint.clone()), (false, true)),
            (json!({"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]}), node("cp", cp_taint), (true, true)),
            (json!({}), node("n1", json!([{"key": "node.kubernetes.io/unreachable", "effect": "NoExecute"}])), (true, true)),
            (json!({}), node("n1", json!([{"key": "gpu", "effect": "NoExecute"}])), (false, false)),
            (json!({"nodeSelector": {"disk": "hdd"}}), node("n1", json!([])), (false, false)),
            (json!({"nodeName": "n2"}), node("n1", json!([])), (false, false)),
        ];
        for (spec, n, (run, cont)) in cases {
            let p = placement(&spec, &n);
            assert_eq!((p.should_run, p.should_continue), (run, cont), "{spec} on {n}");
        }
    }

    #[test]
    fn daemon_pod_is_pinned_and_tolerant() {
        let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "kube-system", "uid": "u1", "generation": 5,
            "annotations": {"deprecated.daemonset.template.generation": "2"}},
            "spec": {"template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"hostNetwork": true, "containers": []}}}});
        let pod = daemon_pod(&ds, "node01", "abc");
        assert_eq!(pod_node(&pod), "node01");
        assert_eq!(meta::label(&pod, "controller-revision-hash"), Some("abc"));
        assert_eq!(meta::label(&pod, "pod-template-generation"), Some("2"));
        let tols = pod["spec"]["tolerations"].as_array().map(Vec::len);
        assert_eq!(tols, Some(7));
    }
}
