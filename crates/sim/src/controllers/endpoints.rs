//! The EndpointSlice controller and the legacy Endpoints controller
//! (`pkg/controller/endpointslice`, `pkg/controller/endpoint`), run as one component with two
//! identities: for every Service with a selector they publish the matching pods that have an IP
//! — an EndpointSlice `<svc>-xxxxx` whose endpoints carry the ready / serving / terminating
//! conditions (a terminating pod stays, not ready), and the `Endpoints` object `kubectl
//! describe svc` reads (ready pods under addresses, the rest under notReadyAddresses, terminating
//! ones dropped). Named targetPorts resolve against each pod's container ports.

use super::shared_informer::Registration;
use super::{event, owner_ref, pods, sa_user, selector_matches, submit_obj, Informer};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub const NAME: &str = "endpointslice-controller";
pub const ENDPOINTS_NAME: &str = "endpoint-controller";
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
type Key = super::NsName;

#[derive(Default)]
pub struct EndpointSliceController {
    services: Informer,
    pods: Registration,
    slices: Informer,
    endpoints: Informer,
    dirty: BTreeSet<Key>,
}

impl Component for EndpointSliceController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.services = Informer::new("Service");
        self.slices = Informer::new("EndpointSlice");
        self.endpoints = Informer::new("Endpoints");
        self.services.start(ctx);
        self.pods.start(ctx, "Pod");
        for i in [&mut self.slices, &mut self.endpoints] {
            i.start(ctx);
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        for c in self.services.pump(ctx) {
            self.dirty.insert(c.key);
        }
        for c in self.pods.pump(ctx) {
            let old = c.old.as_deref().map(meta::labels);
            let new = c.new.as_deref().map(meta::labels);
            // Unchanged labels select the same Services twice: look once (most pod writes are
            // status and binding, which keep the labels).
            let new = new.filter(|n| old.as_ref() != Some(n));
            for labels in [old, new].into_iter().flatten() {
                for s in self.services.in_namespace(&c.key.0) {
                    if selects(meta::at(s, &["spec", "selector"]), &labels) {
                        self.dirty.insert(super::NsName(c.key.0.clone(), meta::name(s).to_string()));
                    }
                }
            }
        }
        for c in self.slices.pump(ctx) {
            // A slice deleted or edited by hand is put back, as the real controller does.
            if let Some(svc) = [&c.old, &c.new].into_iter().flatten().find_map(|s| meta::label(s, "kubernetes.io/service-name").map(str::to_string)) {
                self.dirty.insert(super::NsName(c.key.0.clone(), svc));
            }
        }
        self.endpoints.pump(ctx);
        for key in std::mem::take(&mut self.dirty) {
            self.sync(ctx, &key);
        }
    }
}

/// A Service's `spec.selector` map as a `metav1.LabelSelector`.
fn sel_as_label_selector(sel: &Value) -> Value {
    json!({"matchLabels": sel})
}

/// Whether a Service's `spec.selector` selects a pod with `labels`: what
/// `selector_matches(Some(&sel_as_label_selector(sel)), labels)` answers, without building
/// that selector per pod change and Service (an absent selector selects nothing).
fn selects(sel: Option<&Value>, labels: &[(&str, &str)]) -> bool {
    let get = |k: &str| labels.iter().find(|(lk, _)| *lk == k).map(|(_, v)| *v);
    sel.is_some_and(|sel| sel.as_object().is_none_or(|m| m.iter().all(|(k, v)| get(k) == v.as_str())))
}

/// `ShouldPodBeInEndpoints` (terminating pods included for slices): has an IP and is not
/// finished.
pub fn pod_in_endpoints(pod: &Value) -> bool {
    let ip = meta::str_at(pod, &["status", "podIP"]).unwrap_or("");
    !ip.is_empty() && !matches!(pods::phase(pod), "Succeeded" | "Failed")
}

/// The EndpointSlice conditions of a pod: ready = Ready and not terminating; serving = Ready;
/// terminating = has a deletionTimestamp. `publishNotReadyAddresses` makes every pod ready.
pub fn endpoint_conditions(pod: &Value, publish_not_ready: bool) -> (bool, bool, bool) {
    let terminating = meta::deletion_timestamp(pod).is_some();
    let serving = pods::is_ready(pod) || publish_not_ready;
    ((serving && !terminating) || publish_not_ready, serving, terminating)
}

/// Resolves a Service port's targetPort for one pod (a name looks up container ports).
pub fn target_port(port: &Value, pod: &Value) -> Option<u64> {
    match port.get("targetPort") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(name)) => {
            let cs = meta::at(pod, &["spec", "containers"]).and_then(Value::as_array)?;
            cs.iter().flat_map(|c| c.get("ports").and_then(Value::as_array).into_iter().flatten()).find(|p| p["name"] == *name).and_then(|p| p["containerPort"].as_u64())
        }
        _ => port.get("port").and_then(Value::as_u64),
    }
}

impl EndpointSliceController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    fn sync(&mut self, ctx: &mut Ctx<'_>, key: &Key) {
        let Some(svc) = self.services.get(&key.0, &key.1).map(|a| (**a).clone()) else { return };
        let Some(sel) = svc.pointer("/spec/selector").filter(|s| s.as_object().is_some_and(|m| !m.is_empty())) else { return };
        let sel = sel_as_label_selector(sel);
        let publish = svc.pointer("/spec/publishNotReadyAddresses").and_then(Value::as_bool).unwrap_or(false);
        let mut members: Vec<Value> = self.pods.in_namespace(&key.0).into_iter().filter(|p| selector_matches(Some(&sel), &meta::labels(p)) && pod_in_endpoints(p)).map(std::sync::Arc::unwrap_or_clone).collect();
        members.sort_by(|a, b| meta::name(a).cmp(meta::name(b)));
        let svc_ports: Vec<Value> = svc.pointer("/spec/ports").and_then(Value::as_array).cloned().unwrap_or_default();
        self.sync_slice(ctx, &svc, &members, &svc_ports, publish);
        self.sync_endpoints(ctx, &svc, &members, &svc_ports, publish);
    }

    fn sync_slice(&mut self, ctx: &mut Ctx<'_>, svc: &Value, members: &[Value], svc_ports: &[Value], publish: bool) {
        let first = members.first();
        let ports: Vec<Value> = svc_ports
            .iter()
            .map(|p| {
                let port = first.and_then(|pod| target_port(p, pod)).or_else(|| p["targetPort"].as_u64()).unwrap_or(0);
                json!({"name": p.get("name").and_then(Value::as_str).unwrap_or(""), "port": port, "protocol": p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")})
            })
            .collect();
        let endpoints: Vec<Value> = members
            .iter()
            .map(|pod| {
                let (ready, serving, terminating) = endpoint_conditions(pod, publish);
                json!({"addresses": [meta::str_at(pod, &["status", "podIP"]).unwrap_or("")],
                    "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
                    "nodeName": meta::node_name(pod),
                    "targetRef": {"kind": "Pod", "name": meta::name(pod), "namespace": meta::namespace(pod), "uid": meta::uid(pod)}})
            })
            .collect();
        let (ns, name) = (meta::namespace(svc), meta::name(svc));
        let existing = self.slices.in_namespace(ns).find(|s| meta::label(s, "kubernetes.io/service-name") == Some(name) && meta::label(s, "endpointslice.kubernetes.io/managed-by") == Some(MANAGED_BY)).cloned();
        let mut labels = json!({"endpointslice.kubernetes.io/managed-by": MANAGED_BY, "kubernetes.io/service-name": name});
        for (k, v) in meta::labels(svc) {
            labels[k] = json!(v);
        }
        let body = match &existing {
            Some(cur) => {
                let mut s = (**cur).clone();
                s["endpoints"] = json!(endpoints);
                s["ports"] = json!(ports);
                if super::canonical(&s) == super::canonical(cur) {
                    return;
                }
                ApiRequest::update(s)
            }
            None => ApiRequest::create(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"generateName": format!("{name}-"), "namespace": ns, "labels": labels, "ownerReferences": [owner_ref(svc)]},
                "addressType": "IPv4", "endpoints": endpoints, "ports": ports})),
        };
        match submit_obj(ctx, body) {
            Ok(obj) => self.slices.assume(obj),
            Err(msg) => event(ctx, NAME, svc, true, "FailedToUpdateEndpointSlices", format!("Error updating Endpoint Slices for Service {ns}/{name}: {msg}")),
        }
    }

    fn sync_endpoints(&mut self, ctx: &mut Ctx<'_>, svc: &Value, members: &[Value], svc_ports: &[Value], publish: bool) {
        let (ns, name) = (meta::namespace(svc), meta::name(svc));
        let (mut ready, mut not_ready) = (Vec::new(), Vec::new());
        for pod in members.iter().filter(|p| meta::deletion_timestamp(p).is_none()) {
            let addr = json!({"ip": meta::str_at(pod, &["status", "podIP"]).unwrap_or(""), "nodeName": meta::node_name(pod),
                "targetRef": {"kind": "Pod", "name": meta::name(pod), "namespace": ns, "uid": meta::uid(pod)}});
            if pods::is_ready(pod) || publish {
                ready.push(addr);
            } else {
                not_ready.push(addr);
            }
        }
        let first = members.first();
        let ports: Vec<Value> = svc_ports
            .iter()
            .map(|p| {
                let mut v = json!({"port": first.and_then(|pod| target_port(p, pod)).unwrap_or(0), "protocol": p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")});
                if let Some(n) = p.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                    v["name"] = json!(n);
                }
                v
            })
            .collect();
        let mut subset = json!({});
        if !ready.is_empty() {
            subset["addresses"] = json!(ready);
        }
        if !not_ready.is_empty() {
            subset["notReadyAddresses"] = json!(not_ready);
        }
        let subsets = if ready.is_empty() && not_ready.is_empty() {
            None
        } else {
            subset["ports"] = json!(ports);
            Some(json!([subset]))
        };
        let existing = self.endpoints.get(ns, name).cloned();
        let req = match &existing {
            Some(cur) => {
                let mut e = (**cur).clone();
                match &subsets {
                    Some(s) => e["subsets"] = s.clone(),
                    None => {
                        if let Some(m) = e.as_object_mut() {
                            m.shift_remove("subsets");
                        }
                    }
                }
                if super::canonical(&e) == super::canonical(cur) {
                    return;
                }
                ApiRequest::update(e)
            }
            None => {
                let mut e = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns, "labels": svc.pointer("/metadata/labels").cloned().unwrap_or(json!({}))}});
                if let Some(s) = &subsets {
                    e["subsets"] = s.clone();
                }
                ApiRequest::create(e)
            }
        };
        if let Ok(obj) = submit_obj(ctx, req.as_user(&sa_user(ENDPOINTS_NAME))) {
            self.endpoints.assume(obj);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(ready: bool, deleting: bool, ip: &str, phase: &str) -> Value {
        let mut p = json!({"metadata": {"name": "p"}, "status": {"phase": phase, "podIP": ip, "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}});
        if deleting {
            p["metadata"]["deletionTimestamp"] = json!("2025-01-01T12:00:30Z");
        }
        p
    }

    #[test]
    fn endpoint_conditions_follow_readiness_table() {
        // (ready, deleting, publishNotReady) -> (ready, serving, terminating)
        let cases = [
            (true, false, false, (true, true, false)),
            (false, false, false, (false, false, false)),
            (true, true, false, (false, true, true)),
            (false, true, false, (false, false, true)),
            (false, false, true, (true, true, false)),
        ];
        for (r, d, publish, want) in cases {
            assert_eq!(endpoint_conditions(&pod(r, d, "10.244.1.2", "Running"), publish), want, "{r} {d} {publish}");
        }
        assert!(pod_in_endpoints(&pod(false, false, "10.244.1.2", "Pending")));
        assert!(!pod_in_endpoints(&pod(true, false, "", "Pending")));
        assert!(!pod_in_endpoints(&pod(false, false, "10.244.1.2", "Succeeded")));
    }

    #[test]
    fn selects_answers_as_the_built_label_selector() {
        let services = [
            json!({}),
            json!({"spec": {}}),
            json!({"spec": {"selector": {}}}),
            json!({"spec": {"selector": {"app": "web"}}}),
            json!({"spec": {"selector": {"app": "web", "tier": "front"}}}),
            json!({"spec": {"selector": {"app": 3}}}),
            json!({"spec": {"selector": "app=web"}}),
            json!({"spec": {"selector": null}}),
            json!({"spec": [{"selector": {"app": "web"}}]}),
        ];
        let label_sets: [&[(&str, &str)]; 4] = [&[], &[("app", "web")], &[("app", "db")], &[("app", "web"), ("tier", "front")]];
        for svc in &services {
            for labels in label_sets {
                let old = selector_matches(svc.pointer("/spec/selector").map(sel_as_label_selector).as_ref(), labels);
                assert_eq!(selects(meta::at(svc, &["spec", "selector"]), labels), old, "{svc} {labels:?}");
            }
        }
    }

    #[test]
    fn named_target_ports_resolve_per_pod() {
        let pod = json!({"spec": {"containers": [{"name": "web", "ports": [{"name": "http", "containerPort": 8080}]}]}});
        assert_eq!(target_port(&json!({"port": 80, "targetPort": "http"}), &pod), Some(8080));
        assert_eq!(target_port(&json!({"port": 80, "targetPort": 9090}), &pod), Some(9090));
        assert_eq!(target_port(&json!({"port": 80, "targetPort": "grpc"}), &pod), None);
        assert_eq!(target_port(&json!({"port": 80}), &pod), Some(80));
    }
}
