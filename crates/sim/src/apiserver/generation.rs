//! `metadata.generation`, the sequence number of an object's desired state, as the registry
//! strategies of v1.33 keep it: `PrepareForCreate` sets 1 (whatever the client sent) for the
//! kinds below — Pods included since v1.33 (KEP-5067, `pkg/registry/core/pod/strategy.go`) —
//! and `PrepareForUpdate` bumps it by one when the spec changed (for a Deployment also when its
//! annotations changed, because the controller copies them to its ReplicaSets). Status
//! subresource writes, the pods/binding subresource and metadata-only changes never bump it.
//! The first graceful deletion or finalizer-pending deletion of an object that has a
//! generation bumps it once (`rest.BeforeDelete`, `markAsDeleting`). Controllers compare it
//! with `status.observedGeneration`, so kubectl can tell a rollout it has not seen yet.

use crate::meta;
use serde_json::{json, Value};

/// Kinds whose strategy tracks generation, and whether annotation changes count (Deployment).
const TRACKED: [(&str, bool); 8] =
    [("Pod", false), ("Deployment", true), ("ReplicaSet", false), ("StatefulSet", false), ("DaemonSet", false), ("Job", false), ("CronJob", false), ("PodDisruptionBudget", false)];

fn tracked(kind: &str) -> Option<bool> {
    TRACKED.iter().find(|(k, _)| *k == kind).map(|(_, annotations)| *annotations)
}

fn generation_of(obj: &Value) -> i64 {
    meta::at(obj, &["metadata", "generation"]).and_then(Value::as_i64).unwrap_or(0)
}

fn set_generation(obj: &mut Value, g: i64) {
    meta::metadata_mut(obj).insert("generation", json!(g));
}

/// `PrepareForCreate`: generation 1 for the tracked kinds.
pub fn on_create(kind: &str, obj: &mut Value) {
    if tracked(kind).is_some() {
        set_generation(obj, 1);
    }
}

/// `on_create` of a decoded object's metadata (a plain pod create, `typed_create`).
pub fn on_create_typed(kind: &str, metadata: &mut podlab_api::ObjectMeta) {
    if tracked(kind).is_some() {
        metadata.generation = Some(1);
    }
}

/// `PrepareForUpdate` of the main resource: `new` carries `current`'s generation (clients
/// cannot set it); a changed spec (or, for a Deployment, changed annotations) adds one.
/// Both objects are in canonical wire form after defaulting, so JSON equality is the
/// semantic equality the real strategies use.
pub fn on_update(kind: &str, new: &mut Value, current: &Value) {
    let Some(annotations_count) = tracked(kind) else { return };
    let spec_changed = new.get("spec") != current.get("spec");
    let annotations = |v: &Value| meta::at(v, &["metadata", "annotations"]).filter(|a| a.as_object().is_some_and(|m| !m.is_empty())).cloned();
    let annotations_changed = annotations_count && annotations(new) != annotations(current);
    if spec_changed || annotations_changed {
        set_generation(new, generation_of(current) + 1);
    }
    if kind == "DaemonSet" {
        daemonset_template_generation(new, current);
    }
}

/// The DaemonSet strategy's `spec.templateGeneration`, which apps/v1 shows as the
/// `deprecated.daemonset.template.generation` annotation: an update cannot set it (the stored
/// value wins over whatever the client sent) and it goes up by one when the pod template
/// changed. The controller stamps it on its pods as `pod-template-generation`.
fn daemonset_template_generation(new: &mut Value, current: &Value) {
    let key = "deprecated.daemonset.template.generation";
    let stored = meta::str_at(current, &["metadata", "annotations", key]).and_then(|v| v.parse::<i64>().ok());
    let Some(stored) = stored else { return };
    // Compared in place: the templates are only read, so neither is copied.
    let changed = meta::at(new, &["spec", "template"]) != meta::at(current, &["spec", "template"]);
    let g = if changed { stored + 1 } else { stored };
    let annotations = meta::metadata_mut(new).entry("annotations").or_insert_with(|| json!({}));
    if !annotations.is_object() {
        *annotations = json!({});
    }
    annotations[key] = json!(g.to_string());
}

/// The first deletion that sets `deletionTimestamp` (graceful, or pending finalizers) bumps a
/// generation that is set; later ones (a shorter grace period) do not.
pub fn on_deletion_start(obj: &mut Value, current: &Value) {
    let g = generation_of(current);
    if g > 0 && meta::deletion_timestamp(current).is_none() {
        set_generation(obj, g + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(kind: &str, generation: i64, spec: Value, annotations: Value) -> Value {
        json!({"kind": kind, "metadata": {"name": "x", "generation": generation, "annotations": annotations}, "spec": spec})
    }

    #[test]
    fn create_table() {
        // (kind, generation the client sent, generation stored)
        let cases = [("Pod", Some(7), Some(1)), ("Deployment", None, Some(1)), ("Job", None, Some(1)), ("CronJob", None, Some(1)), ("ConfigMap", None, None), ("Service", Some(4), Some(4))];
        for (kind, sent, want) in cases {
            let mut o = json!({"kind": kind, "metadata": {"name": "x"}});
            if let Some(g) = sent {
                o["metadata"]["generation"] = json!(g);
            }
            on_create(kind, &mut o);
            assert_eq!(o["metadata"].get("generation").and_then(Value::as_i64), want, "{kind}");
        }
    }

    #[test]
    fn update_table() {
        let spec = json!({"replicas": 1});
        let cases = [
            ("Pod", json!({"replicas": 2}), json!({}), 4),
            ("Pod", spec.clone(), json!({"a": "b"}), 3),
            ("Deployment", spec.clone(), json!({"a": "b"}), 4),
            ("Deployment", spec.clone(), json!({}), 3),
            ("ReplicaSet", spec.clone(), json!({"a": "b"}), 3),
            ("ReplicaSet", json!({"replicas": 5}), json!({}), 4),
            ("ConfigMap", json!({"replicas": 5}), json!({}), 3),
        ];
        for (kind, new_spec, new_annotations, want) in cases {
            let current = obj(kind, 3, spec.clone(), json!({}));
            let mut new = obj(kind, 3, new_spec.clone(), new_annotations.clone());
            on_update(kind, &mut new, &current);
            assert_eq!(new["metadata"]["generation"], json!(want), "{kind} {new_spec} {new_annotations}");
        }
    }

    #[test]
    fn daemonset_template_generation_table() {
        let key = "deprecated.daemonset.template.generation";
        let spec = |image: &str, min_ready: i64| json!({"minReadySeconds": min_ready, "template": {"spec": {"containers": [{"name": "a", "image": image}]}}});
        // (new spec, annotation the client sent, generation and template generation afterwards)
        let cases = [
            (spec("agent:1", 0), json!({key: "2"}), 3, "2"),
            (spec("agent:2", 0), json!({key: "2"}), 4, "3"),
            (spec("agent:1", 5), json!({key: "2"}), 4, "2"),
            (spec("agent:1", 0), json!({}), 3, "2"),
            (spec("agent:2", 0), json!({key: "9"}), 4, "3"),
        ];
        for (new_spec, sent, generation, template_generation) in cases {
            let current = obj("DaemonSet", 3, spec("agent:1", 0), json!({key: "2"}));
            let mut new = obj("DaemonSet", 3, new_spec.clone(), sent.clone());
            on_update("DaemonSet", &mut new, &current);
            assert_eq!(new["metadata"]["generation"], json!(generation), "{new_spec} {sent}");
            assert_eq!(new["metadata"]["annotations"][key], json!(template_generation), "{new_spec} {sent}");
        }
    }

    /// Through the whole API server: which writes bump a Pod's and a Deployment's generation.
    #[test]
    fn api_writes_table() {
        use crate::request::{ApiRequest, PatchType};
        let mut sim = crate::Simulation::new(7, crate::ClusterSpec::default());
        let get = |sim: &crate::Simulation, kind: &str, name: &str| sim.get(kind, "default", name).cloned().unwrap_or_default();
        let generation = |v: &Value| v["metadata"]["generation"].as_i64();
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "generation": 9}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}});
        sim.submit(ApiRequest::create(pod)).expect("pod created");
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d"}},
            "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}});
        sim.submit(ApiRequest::create(deploy)).expect("deployment created");
        let label = json!({"metadata": {"labels": {"tier": "x"}}});
        let image = json!({"spec": {"containers": [{"name": "app", "image": "nginx:1.28"}]}});
        let annotate = json!({"metadata": {"annotations": {"note": "y"}}});
        let scale = json!({"spec": {"replicas": 3}});
        // (kind, name, request, generation afterwards)
        type Request<'a> = Box<dyn Fn(&crate::Simulation) -> ApiRequest + 'a>;
        let cases: Vec<(&str, &str, Request<'_>, i64)> = vec![
            ("Pod", "web", Box::new(|_: &crate::Simulation| ApiRequest::get("Pod", "default", "web")), 1),
            ("Pod", "web", Box::new(move |_: &crate::Simulation| ApiRequest::patch("Pod", "default", "web", PatchType::Strategic, label.clone())), 1),
            ("Pod", "web", Box::new(|_: &crate::Simulation| ApiRequest::bind("default", "web", "node01")), 1),
            ("Pod", "web", Box::new(move |s: &crate::Simulation| { let mut p = get(s, "Pod", "web"); p["status"]["message"] = json!("hi"); ApiRequest::update_status(p) }), 1),
            ("Pod", "web", Box::new(move |_: &crate::Simulation| ApiRequest::patch("Pod", "default", "web", PatchType::Strategic, image.clone())), 2),
            ("Deployment", "d", Box::new(move |_: &crate::Simulation| ApiRequest::patch("Deployment", "default", "d", PatchType::Merge, annotate.clone())), 2),
            ("Deployment", "d", Box::new(move |_: &crate::Simulation| ApiRequest::patch("Deployment", "default", "d", PatchType::Merge, scale.clone())), 3),
            ("Deployment", "d", Box::new(|s: &crate::Simulation| { let mut d = get(s, "Deployment", "d"); d["status"]["observedGeneration"] = json!(3); ApiRequest::update_status(d) }), 3),
            ("Pod", "web", Box::new(|_: &crate::Simulation| ApiRequest::delete("Pod", "default", "web")), 3),
        ];
        for (i, (kind, name, req, want)) in cases.into_iter().enumerate() {
            let r = req(&sim);
            sim.submit(r).unwrap_or_else(|e| panic!("case {i}: {}", e.message));
            assert_eq!(generation(&get(&sim, kind, name)), Some(want), "case {i} ({kind})");
        }
        // A second, shorter graceful delete does not bump again.
        let mut again = ApiRequest::delete("Pod", "default", "web");
        if let crate::request::Verb::Delete { options, .. } = &mut again.verb {
            options.grace_period_seconds = Some(5);
        }
        sim.submit(again).expect("shorter grace accepted");
        assert_eq!(generation(&get(&sim, "Pod", "web")), Some(3));
    }

    #[test]
    fn deletion_table() {
        let cases = [(2, None, 3), (0, None, 0), (2, Some("2026-01-01T00:00:00Z"), 2)];
        for (generation, deleting, want) in cases {
            let mut current = json!({"metadata": {"name": "x", "generation": generation}});
            if let Some(t) = deleting {
                current["metadata"]["deletionTimestamp"] = json!(t);
            }
            let mut new = current.clone();
            on_deletion_start(&mut new, &current);
            assert_eq!(new["metadata"]["generation"], json!(want), "{generation} {deleting:?}");
        }
    }
}
