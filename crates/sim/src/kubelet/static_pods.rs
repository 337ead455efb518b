//! Static pods: manifests a node's kubelet runs from its own config source (the
//! `staticPodPath` directory) without the scheduler. Like pkg/kubelet/config/common.go the
//! kubelet defaults each manifest (namespace `default`, `spec.nodeName`, the node name appended
//! to the pod name, a `kubernetes.io/config.hash` of the manifest, `config.source: file`, a
//! NoExecute toleration for everything) and, like pkg/kubelet/pod/mirror_client.go, creates a
//! mirror pod in the API (annotation `kubernetes.io/config.mirror` = the hash, a controller
//! ownerReference to its Node). The pod itself belongs to the kubelet: deleting the mirror pod
//! only makes the kubelet delete it for good and create it again; the containers keep running.

use super::Kubelet;
use crate::component::Ctx;
use crate::meta;
use crate::request::{ApiOk, ApiRequest, DeleteOptions, Verb};
use serde_json::{json, Value};

/// Timer token of the mirror-pod check (worker tokens count up from 1).
pub(crate) const STATIC_TOKEN: u64 = u64::MAX;
const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";
const HASH_ANNOTATION: &str = "kubernetes.io/config.hash";
const SEEN_ANNOTATION: &str = "kubernetes.io/config.seen";
/// How long until a mirror pod that could not be created is tried again.
const MIRROR_RETRY_MS: u64 = 10_000;

/// 32 hex digits derived from the manifest (the real kubelet uses an md5 of the object; this
/// is a deterministic stand-in of the same shape).
fn config_hash(manifest: &Value, node: &str) -> String {
    let text = format!("{node}\n{manifest}");
    (0u8..4).map(|i| format!("{:08x}", crate::controllers::hash::fnv32a(format!("{i}:{text}").as_bytes()))).collect()
}

/// The manifest as the kubelet's file source hands it on: defaulted and bound to `node`.
pub(crate) fn prepare(manifest: &Value, node: &str) -> Value {
    let mut pod = if manifest.is_object() { manifest.clone() } else { json!({}) };
    let hash = config_hash(manifest, node);
    let name = format!("{}-{}", meta::name(manifest), node.to_lowercase());
    let ns = meta::str_at(manifest, &["metadata", "namespace"]).filter(|s| !s.is_empty()).unwrap_or("default").to_string();
    pod["apiVersion"] = json!("v1");
    pod["kind"] = json!("Pod");
    if !pod["metadata"].is_object() {
        pod["metadata"] = json!({});
    }
    let m = &mut pod["metadata"];
    m["name"] = json!(name);
    m["namespace"] = json!(ns);
    if let Some(o) = m.as_object_mut() {
        o.remove("uid");
        o.remove("resourceVersion");
    }
    if !m["annotations"].is_object() {
        m["annotations"] = json!({});
    }
    m["annotations"][HASH_ANNOTATION] = json!(hash);
    m["annotations"]["kubernetes.io/config.source"] = json!("file");
    if !pod["spec"].is_object() {
        pod["spec"] = json!({});
    }
    pod["spec"]["nodeName"] = json!(node);
    let tolerate_all = json!({"operator": "Exists", "effect": "NoExecute"});
    match pod["spec"]["tolerations"].as_array_mut() {
        Some(t) if t.contains(&tolerate_all) => {}
        Some(t) => t.push(tolerate_all),
        None => pod["spec"]["tolerations"] = json!([tolerate_all]),
    }
    if let Some(o) = pod.as_object_mut() {
        o.remove("status");
    }
    pod
}

impl Kubelet {
    /// Is `pod` the mirror of one of this node's static pods?
    pub(crate) fn is_own_mirror(&self, pod: &Value) -> bool {
        meta::str_at(pod, &["metadata", "annotations", MIRROR_ANNOTATION]).is_some()
            && self.statics.iter().any(|s| meta::name(s) == meta::name(pod) && meta::namespace(s) == meta::namespace(pod))
    }

    /// Adds a manifest (the file appearing in the staticPodPath directory).
    pub(crate) fn add_static(&mut self, manifest: &Value) -> bool {
        // The file source skips manifests without a name (it logs the decode error).
        if meta::name(manifest).is_empty() {
            return false;
        }
        let pod = prepare(manifest, &self.node);
        if self.statics.iter().any(|s| meta::name(s) == meta::name(&pod) && meta::namespace(s) == meta::namespace(&pod)) {
            return false;
        }
        self.statics.push(pod);
        true
    }

    /// Makes every static pod's mirror exist and not be terminating (mirror_client.go: a
    /// mirror pod being deleted is deleted for good, then created again).
    pub(crate) fn ensure_mirrors(&mut self, ctx: &mut Ctx<'_>) {
        self.stamp_seen(ctx);
        let mut retry = false;
        for i in 0..self.statics.len() {
            let pod = self.statics[i].clone();
            let (ns, name) = (meta::namespace(&pod).to_string(), meta::name(&pod).to_string());
            match ctx.submit(ApiRequest::get("Pod", &ns, &name)) {
                Ok(ApiOk::Object(existing)) => {
                    let ours = meta::str_at(&existing, &["metadata", "annotations", MIRROR_ANNOTATION]).is_some();
                    if ours && meta::deletion_timestamp(&existing).is_some() {
                        let options = DeleteOptions { grace_period_seconds: Some(0), uid: Some(meta::uid(&existing).to_string()), ..DeleteOptions::default() };
                        let _ = ctx.submit(ApiRequest::new(Verb::Delete { kind: "Pod".into(), namespace: ns.clone(), name: name.clone(), options }));
                        retry |= !self.create_mirror(ctx, &pod);
                    }
                }
                Err(st) if st.code == 404 => retry |= !self.create_mirror(ctx, &pod),
                _ => retry = true,
            }
        }
        retry |= !self.delete_orphaned_mirrors(ctx);
        if retry {
            ctx.set_background_timer(ctx.now().plus(crate::time::SimDuration(MIRROR_RETRY_MS)), STATIC_TOKEN);
        }
    }

    /// Removes a manifest (its file deleted from the staticPodPath directory); the mirror pod
    /// goes at the next `ensure_mirrors`. False when the node has no such static pod.
    pub(crate) fn remove_static(&mut self, namespace: &str, name: &str) -> bool {
        let before = self.statics.len();
        self.statics.retain(|s| !(meta::name(s) == name && meta::namespace(s) == namespace));
        self.statics.len() != before
    }

    /// The static pods this node runs, as defaulted from their manifests.
    pub(crate) fn static_manifests(&self) -> &[Value] {
        &self.statics
    }

    /// `deleteOrphanedMirrorPods`: a mirror pod whose manifest is gone is deleted (grace 0,
    /// UID precondition); the watch then tears its pod down. False when a delete failed.
    fn delete_orphaned_mirrors(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let orphans: Vec<(String, String, String)> = match self.workers.try_borrow() {
            Ok(m) => m
                .values()
                .filter(|w| meta::str_at(&w.pod, &["metadata", "annotations", MIRROR_ANNOTATION]).is_some() && !self.is_own_mirror(&w.pod))
                .map(|w| (meta::namespace(&w.pod).to_string(), meta::name(&w.pod).to_string(), w.uid.clone()))
                .collect(),
            Err(_) => return false,
        };
        let mut ok = true;
        for (namespace, name, uid) in orphans {
            let options = DeleteOptions { grace_period_seconds: Some(0), uid: Some(uid), ..DeleteOptions::default() };
            match ctx.submit(ApiRequest::new(Verb::Delete { kind: "Pod".into(), namespace, name, options })) {
                Ok(_) => {}
                Err(st) if st.code == 404 || st.code == 409 => {}
                Err(_) => ok = false,
            }
        }
        ok
    }

    /// `kubernetes.io/config.seen`: when the config source first saw each manifest, in Go's
    /// RFC3339Nano (trailing zeros of the fraction dropped).
    fn stamp_seen(&mut self, ctx: &Ctx<'_>) {
        let ms = ctx.epoch().epoch_ms(ctx.now());
        for pod in &mut self.statics {
            if pod["metadata"]["annotations"].get(SEEN_ANNOTATION).is_some() {
                continue;
            }
            let nanos = u64::try_from(ms.rem_euclid(1000)).unwrap_or(0) * 1_000_000 + self.rng.below(1_000_000);
            let base = podlab_api::time::Time::from_millis(ms).to_string();
            let mut fraction = format!("{nanos:09}");
            while fraction.ends_with('0') {
                fraction.pop();
            }
            let stamp = match base.strip_suffix('Z') {
                Some(b) if !fraction.is_empty() => format!("{b}.{fraction}Z"),
                _ => base,
            };
            pod["metadata"]["annotations"][SEEN_ANNOTATION] = json!(stamp);
        }
    }

    /// Creates the mirror pod; false when the API refused (the Node is not registered yet).
    fn create_mirror(&mut self, ctx: &mut Ctx<'_>, pod: &Value) -> bool {
        let node_uid = match ctx.submit(ApiRequest::get("Node", "", &self.node)) {
            Ok(ApiOk::Object(n)) => meta::uid(&n).to_string(),
            _ => return false,
        };
        let mut mirror = pod.clone();
        let hash = meta::str_at(pod, &["metadata", "annotations", HASH_ANNOTATION]).unwrap_or("").to_string();
        mirror["metadata"]["annotations"][MIRROR_ANNOTATION] = json!(hash);
        mirror["metadata"]["ownerReferences"] = json!([{"apiVersion": "v1", "kind": "Node", "name": self.node, "uid": node_uid, "controller": true}]);
        matches!(ctx.submit(ApiRequest::create(mirror)), Ok(ApiOk::Object(_)))
    }

    /// The worker of a static pod whose mirror was deleted takes the new mirror's UID (the
    /// pod keeps running; only its API object is new).
    pub(crate) fn adopt_mirror(&mut self, pod: &Value) -> bool {
        let new_uid = meta::uid(pod).to_string();
        let old_uid = {
            let Ok(m) = self.workers.try_borrow() else { return false };
            let found = m.values().find(|w| meta::name(&w.pod) == meta::name(pod) && meta::namespace(&w.pod) == meta::namespace(pod) && w.uid != new_uid);
            match found {
                Some(w) => w.uid.clone(),
                None => return false,
            }
        };
        let Ok(mut m) = self.workers.try_borrow_mut() else { return false };
        let Some(mut w) = m.remove(&old_uid) else { return false };
        w.uid.clone_from(&new_uid);
        w.pod = std::sync::Arc::new(pod.clone());
        w.last_status = None;
        m.insert(new_uid.clone(), w);
        drop(m);
        if let Some(a) = self.armed.remove(&old_uid) {
            self.by_token.insert(a.token, new_uid.clone());
            self.armed.insert(new_uid.clone(), a);
        }
        self.sessions.rename_pod(&old_uid, &new_uid);
        true
    }
}
