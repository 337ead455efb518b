//! The PersistentVolume controller (`pkg/controller/volume/persistentvolume`, running as the
//! `persistent-volume-binder` service account, events from `persistentvolume-controller`)
//! together with the PVC-in-use protection controller: it binds claims to volumes, hands
//! dynamic provisioning to the external provisioner (annotations + `ExternalProvisioning`),
//! says `WaitForFirstConsumer` until a pod using the claim is scheduled, moves volumes through
//! Available/Bound/Released, assigns the default StorageClass to claims without one
//! (retroactive default), and keeps `kubernetes.io/pvc-protection` on a claim while a pod uses
//! it. Claims and volumes are resynced every 15 s (`pvClaimBinderSyncPeriod`), which is why a
//! waiting claim's event count grows in `kubectl describe pvc`.
//!
//! One simplification: the scheduler's VolumeBinding PreBind annotation
//! `volume.kubernetes.io/selected-node` is written here as soon as the scheduler has bound the
//! pod, rather than by the scheduler before binding; the pod therefore shows its node while the
//! disk is still being provisioned. As in a real cluster, a pod created with `spec.nodeName`
//! never went through the scheduler and gets no selected node.

use super::persistentvolume_binding as binding;
use super::shared_informer::Registration;
use super::{Informer, event, sa_user, submit_obj};
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::request::ApiRequest;
use crate::time::SimDuration;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::Arc;

pub use super::persistentvolume_spec::{StorageSpec, default_storage_class};
pub use super::persistentvolume_view::{SharedView, StorageView};

/// Event source of the controller.
pub const NAME: &str = "persistentvolume-controller";
/// Its service account in kube-system.
pub const SERVICE_ACCOUNT: &str = "persistent-volume-binder";
pub const PVC_PROTECTION_FINALIZER: &str = "kubernetes.io/pvc-protection";
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
pub const ANN_DEFAULT_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
/// `pvClaimBinderSyncPeriod`.
pub const RESYNC: SimDuration = SimDuration(15_000);
const TOKEN_RESYNC: u64 = 1;

pub struct PersistentVolumeController {
    claims: Informer,
    volumes: Informer,
    classes: Informer,
    pods: Registration,
    view: SharedView,
    /// Pods (uid) the scheduler placed: only those get `selected-node` (a pod created with
    /// `spec.nodeName` bypasses the scheduler, so its delayed-binding claims stay Pending).
    scheduled: BTreeSet<String>,
    resync_armed: bool,
}

impl PersistentVolumeController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    pub fn new(view: SharedView) -> Self {
        PersistentVolumeController {
            claims: Informer::new("PersistentVolumeClaim"),
            volumes: Informer::new("PersistentVolume"),
            classes: Informer::new("StorageClass"),
            pods: Registration::default(),
            view,
            scheduled: BTreeSet::new(),
            resync_armed: false,
        }
    }

    /// Applies watch events; returns the claims and volumes to sync.
    fn pump(&mut self, ctx: &mut Ctx<'_>) -> (BTreeSet<super::NsName>, BTreeSet<String>) {
        let mut claims = BTreeSet::new();
        let mut volumes = BTreeSet::new();
        for c in self.classes.pump(ctx) {
            // A new default class is applied to claims without a class (retroactive default).
            if c.new.is_some() {
                claims.extend(self.claims.objs.keys().cloned());
            }
        }
        for c in self.claims.pump(ctx) {
            claims.insert(c.key.clone());
            if let Some(v) = c
                .new
                .as_ref()
                .or(c.old.as_ref())
                .and_then(|o| meta::str_at(o, &["spec", "volumeName"]))
                .filter(|v| !v.is_empty())
            {
                volumes.insert(v.to_string());
            }
        }
        for c in self.volumes.pump(ctx) {
            volumes.insert(c.key.1.clone());
            if let Some((ns, name)) = c.new.as_deref().and_then(binding::claim_ref) {
                claims.insert(super::NsName(ns, name));
            }
        }
        for c in self.pods.pump(ctx) {
            let was_pending = c
                .old
                .as_ref()
                .is_some_and(|o| meta::node_name(o).is_empty());
            match c.new.as_ref() {
                Some(new) if was_pending && !meta::node_name(new).is_empty() => {
                    self.scheduled.insert(meta::uid(new).to_string());
                }
                Some(_) => {}
                None => {
                    self.scheduled
                        .remove(c.old.as_ref().map(|o| meta::uid(o)).unwrap_or(""));
                }
            }
            for obj in [c.old.as_ref(), c.new.as_ref()].into_iter().flatten() {
                let ns = meta::namespace(obj).to_string();
                claims.extend(
                    binding::pod_claims(obj)
                        .into_iter()
                        .map(|n| super::NsName(ns.clone(), n)),
                );
            }
        }
        self.refresh_view();
        (claims, volumes)
    }

    fn refresh_view(&mut self) {
        let Ok(mut v) = self.view.try_borrow_mut() else {
            return;
        };
        v.claims = self.claims.objs.clone();
        v.volumes = self
            .volumes
            .objs
            .iter()
            .map(|(super::NsName(_, n), o)| (n.clone(), Arc::clone(o)))
            .collect();
        v.classes = self
            .classes
            .objs
            .iter()
            .map(|(super::NsName(_, n), o)| (n.clone(), Arc::clone(o)))
            .collect();
    }

    fn sync(
        &mut self,
        ctx: &mut Ctx<'_>,
        claims: BTreeSet<super::NsName>,
        volumes: BTreeSet<String>,
    ) {
        for name in volumes {
            if let Some(pv) = self.volumes.get("", &name).map(|v| (**v).clone()) {
                self.sync_volume(ctx, &pv);
            }
        }
        for key in claims {
            if let Some(pvc) = self.claims.get(&key.0, &key.1).map(|v| (**v).clone()) {
                self.sync_claim(ctx, &pvc);
            }
        }
        self.refresh_view();
    }

    fn update(&mut self, ctx: &mut Ctx<'_>, obj: Value, status: bool) -> Option<Value> {
        let req = if status {
            ApiRequest::update_status(obj)
        } else {
            ApiRequest::update(obj)
        };
        let stored = submit_obj(ctx, req).ok()?;
        match meta::kind(&stored) {
            "PersistentVolume" => self.volumes.assume(stored.clone()),
            _ => self.claims.assume(stored.clone()),
        }
        Some(stored)
    }

    fn sync_claim(&mut self, ctx: &mut Ctx<'_>, pvc: &Value) {
        if meta::deletion_timestamp(pvc).is_some() {
            return self.release_protection(ctx, pvc);
        }
        let Some(pvc) = self.admit(ctx, pvc) else {
            return;
        };
        let volume_name = meta::str_at(&pvc, &["spec", "volumeName"])
            .unwrap_or("")
            .to_string();
        if volume_name.is_empty() {
            self.sync_unbound_claim(ctx, &pvc);
        } else {
            self.sync_bound_claim(ctx, &pvc, &volume_name);
        }
    }

    /// What the API server's admission (StorageObjectInUseProtection, DefaultStorageClass)
    /// and create strategy would have set: the protection finalizer, the default class for a
    /// claim naming none, phase Pending. None when a write failed (retried on the next event).
    fn admit(&mut self, ctx: &mut Ctx<'_>, pvc: &Value) -> Option<Value> {
        let mut pvc = pvc.clone();
        let mut copy = pvc.clone();
        if !meta::finalizers(&pvc).contains(&PVC_PROTECTION_FINALIZER) {
            meta::array_mut(&mut copy["metadata"], "finalizers")
                .push(json!(PVC_PROTECTION_FINALIZER));
        }
        if meta::at(&pvc, &["spec", "storageClassName"]).is_none() {
            let default = self
                .view
                .try_borrow()
                .ok()
                .and_then(|v| v.default_class().map(|c| meta::name(c).to_string()));
            if let Some(class) = default {
                copy["spec"]["storageClassName"] = json!(class);
            }
        }
        if copy != pvc {
            pvc = self.update(ctx, copy, false)?;
        }
        if meta::str_at(&pvc, &["status", "phase"])
            .unwrap_or("")
            .is_empty()
        {
            let mut copy = pvc.clone();
            copy["status"] = json!({"phase": "Pending"});
            pvc = self.update(ctx, copy, true)?;
        }
        Some(pvc)
    }

    fn sync_bound_claim(&mut self, ctx: &mut Ctx<'_>, pvc: &Value, volume_name: &str) {
        let Some(pv) = self.volumes.get("", volume_name).map(|v| (**v).clone()) else {
            if meta::str_at(pvc, &["status", "phase"]) == Some("Bound") {
                let mut copy = pvc.clone();
                copy["status"]["phase"] = json!("Lost");
                self.update(ctx, copy, true);
                event(
                    ctx,
                    NAME,
                    pvc,
                    true,
                    "ClaimLost",
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into(),
                );
            }
            return;
        };
        if meta::str_at(pvc, &["status", "phase"]) != Some("Bound")
            && binding::claim_ref(&pv)
                .is_some_and(|(ns, n)| ns == meta::namespace(pvc) && n == meta::name(pvc))
        {
            self.bind(ctx, pvc, &pv);
        }
    }

    fn sync_unbound_claim(&mut self, ctx: &mut Ctx<'_>, pvc: &Value) {
        let candidates: Vec<Value> = self.volumes.objs.values().map(|v| (**v).clone()).collect();
        let delayed = self
            .view
            .try_borrow()
            .map(|v| v.delayed_binding(pvc))
            .unwrap_or(false);
        let selected = meta::str_at(pvc, &["metadata", "annotations", ANN_SELECTED_NODE]).is_some();
        if !delayed || selected {
            if let Some(pv) = binding::find_matching_volume(pvc, &candidates) {
                return self.bind(ctx, pvc, &pv);
            }
        }
        if delayed && !selected {
            event(
                ctx,
                NAME,
                pvc,
                false,
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".into(),
            );
            return;
        }
        self.provision(ctx, pvc);
    }

    /// Hands the claim to its class's external provisioner.
    fn provision(&mut self, ctx: &mut Ctx<'_>, pvc: &Value) {
        let class_name = meta::str_at(pvc, &["spec", "storageClassName"])
            .unwrap_or("")
            .to_string();
        if class_name.is_empty() {
            event(
                ctx,
                NAME,
                pvc,
                false,
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set".into(),
            );
            return;
        }
        let class = self.classes.get("", &class_name).map(|c| (**c).clone());
        let Some(class) = class else {
            event(
                ctx,
                NAME,
                pvc,
                true,
                "ProvisioningFailed",
                format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
            );
            return;
        };
        let provisioner = meta::str_at(&class, &["provisioner"])
            .unwrap_or("")
            .to_string();
        if provisioner == "kubernetes.io/no-provisioner" {
            event(
                ctx,
                NAME,
                pvc,
                false,
                "WaitForPodScheduled",
                format!("waiting for pod {} to be scheduled", meta::name(pvc)),
            );
            return;
        }
        if meta::str_at(pvc, &["metadata", "annotations", ANN_STORAGE_PROVISIONER])
            != Some(provisioner.as_str())
        {
            let mut copy = pvc.clone();
            let ann = meta::object_mut(&mut copy["metadata"], "annotations");
            ann.insert(ANN_BETA_STORAGE_PROVISIONER, json!(provisioner));
            ann.insert(ANN_STORAGE_PROVISIONER, json!(provisioner));
            self.update(ctx, copy, false);
        }
        let msg = format!(
            "Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
        );
        event(ctx, NAME, pvc, false, "ExternalProvisioning", msg);
    }

    /// Binds claim and volume: the volume's claimRef and phase first, then the claim.
    fn bind(&mut self, ctx: &mut Ctx<'_>, pvc: &Value, pv: &Value) {
        let mut pv = pv.clone();
        if binding::claim_ref(&pv).is_none() {
            pv["spec"]["claimRef"] = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": meta::name(pvc), "namespace": meta::namespace(pvc), "resourceVersion": meta::resource_version(pvc), "uid": meta::uid(pvc)});
            meta::object_mut(&mut pv["metadata"], "annotations")
                .insert("pv.kubernetes.io/bound-by-controller", json!("yes"));
            let Some(stored) = self.update(ctx, pv, false) else {
                return;
            };
            pv = stored;
        }
        if meta::str_at(&pv, &["status", "phase"]) != Some("Bound") {
            pv["status"]["phase"] = json!("Bound");
            let Some(stored) = self.update(ctx, pv, true) else {
                return;
            };
            pv = stored;
        }
        let mut claim = pvc.clone();
        if meta::str_at(&claim, &["spec", "volumeName"])
            .unwrap_or("")
            .is_empty()
        {
            claim["spec"]["volumeName"] = json!(meta::name(&pv));
            let ann = meta::object_mut(&mut claim["metadata"], "annotations");
            ann.insert("pv.kubernetes.io/bind-completed", json!("yes"));
            ann.insert("pv.kubernetes.io/bound-by-controller", json!("yes"));
            let Some(stored) = self.update(ctx, claim, false) else {
                return;
            };
            claim = stored;
        }
        claim["status"] = json!({"phase": "Bound", "accessModes": pv["spec"]["accessModes"].clone(), "capacity": pv["spec"]["capacity"].clone()});
        self.update(ctx, claim, true);
    }

    fn sync_volume(&mut self, ctx: &mut Ctx<'_>, pv: &Value) {
        let phase = meta::str_at(pv, &["status", "phase"]).unwrap_or("");
        let want = match binding::claim_ref(pv) {
            None => "Available",
            Some((ns, name)) => {
                let uid = meta::str_at(pv, &["spec", "claimRef", "uid"]).unwrap_or("");
                match self.claims.get(&ns, &name) {
                    Some(c) if uid.is_empty() || meta::uid(c) == uid => {
                        if meta::str_at(c, &["spec", "volumeName"]) == Some(meta::name(pv)) {
                            "Bound"
                        } else {
                            // Pre-bound or provisioned for the claim: binding completes from the claim side.
                            if phase.is_empty() { "Available" } else { phase }
                        }
                    }
                    _ => "Released",
                }
            }
        };
        // A Released volume is then reclaimed by its provisioner (Delete) or kept (Retain).
        if phase != want {
            let mut copy = pv.clone();
            copy["status"]["phase"] = json!(want);
            self.update(ctx, copy, true);
        }
    }

    /// pvc-protection-controller: drops the finalizer once no pod uses the claim.
    fn release_protection(&mut self, ctx: &mut Ctx<'_>, pvc: &Value) {
        if !meta::finalizers(pvc).contains(&PVC_PROTECTION_FINALIZER) {
            return;
        }
        let ns = meta::namespace(pvc);
        let in_use = self
            .pods
            .in_namespace(ns)
            .into_iter()
            .any(|p| binding::pod_uses_claim(&p, meta::name(pvc)));
        if in_use {
            return;
        }
        let mut copy = pvc.clone();
        let fin = meta::array_mut(&mut copy["metadata"], "finalizers");
        fin.retain(|f| f.as_str() != Some(PVC_PROTECTION_FINALIZER));
        let _ = submit_obj(ctx, ApiRequest::update(copy));
    }

    /// The scheduler's PreBind annotation for delayed-binding claims of a bound pod.
    fn annotate_selected_nodes(&mut self, ctx: &mut Ctx<'_>) {
        // Without claims no pod can need one: skip the pod scan, which would otherwise make
        // every wake cost O(pods) in a cluster that uses no persistent volumes at all.
        if self.claims.objs.is_empty() {
            return;
        }
        let mut todo: Vec<(Value, String)> = Vec::new();
        for pod in &self.pods.values() {
            let node = meta::node_name(pod);
            if node.is_empty()
                || !binding::pod_is_active(pod)
                || !self.scheduled.contains(meta::uid(pod))
            {
                continue;
            }
            for claim in binding::pod_claims(pod) {
                let Some(pvc) = self.claims.get(meta::namespace(pod), &claim) else {
                    continue;
                };
                let unbound = meta::str_at(pvc, &["spec", "volumeName"])
                    .unwrap_or("")
                    .is_empty();
                let delayed = self
                    .view
                    .try_borrow()
                    .map(|v| v.delayed_binding(pvc))
                    .unwrap_or(false);
                if unbound
                    && delayed
                    && meta::str_at(pvc, &["metadata", "annotations", ANN_SELECTED_NODE]).is_none()
                    && meta::deletion_timestamp(pvc).is_none()
                {
                    todo.push(((**pvc).clone(), node.to_string()));
                }
            }
        }
        for (mut pvc, node) in todo {
            meta::object_mut(&mut pvc["metadata"], "annotations")
                .insert(ANN_SELECTED_NODE, json!(node));
            if let Ok(stored) = submit_obj(ctx, ApiRequest::update(pvc)) {
                self.claims.assume(stored);
            }
        }
    }
}

impl Component for PersistentVolumeController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(SERVICE_ACCOUNT)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        for i in [
            &mut self.classes,
            &mut self.volumes,
            &mut self.claims,
        ] {
            i.start(ctx);
        }
        self.pods.start(ctx, "Pod");
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        let (mut claims, mut volumes) = self.pump(ctx);
        if wake == Wake::Timer(TOKEN_RESYNC) {
            self.resync_armed = false;
            claims.extend(self.claims.objs.keys().cloned());
            volumes.extend(self.volumes.objs.keys().map(|super::NsName(_, n)| n.clone()));
        }
        self.annotate_selected_nodes(ctx);
        self.sync(ctx, claims, volumes);
        if !self.resync_armed && !self.claims.objs.is_empty() {
            self.resync_armed = true;
            ctx.set_background_timer(ctx.now().plus(RESYNC), TOKEN_RESYNC);
        }
    }
    fn describe(&self) -> Value {
        json!({"claims": self.claims.objs.len(), "volumes": self.volumes.objs.len(), "classes": self.classes.objs.len()})
    }
}
