//! The CSI driver's external provisioner (the csi-provisioner sidecar of the
//! `ebs-csi-controller` Deployment): it provisions claims the PersistentVolume controller
//! handed to `ebs.csi.aws.com` — once the scheduler picked a node for `WaitForFirstConsumer`
//! classes — with `Provisioning`, then after the CreateVolume latency a new disk in the cloud,
//! the PersistentVolume `pvc-<claim uid>` pre-bound to the claim and `ProvisioningSucceeded`.
//! It also deletes the disk and the volume when a `Delete`-policy volume is Released (EBS
//! refuses to delete an attached disk, so that waits for the detach).

use super::persistentvolume::{ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER};
use super::persistentvolume_spec::PROVISIONER_SERVICE_ACCOUNT;
use super::{Informer, delete_req, event, sa_user, submit_obj};
use crate::component::{Component, Ctx, Wake};
use crate::kubelet::csi::{Cloud, DRIVER};
use crate::meta;
use crate::request::ApiRequest;
use crate::rng::Rng;
use crate::time::SimDuration;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const TOKEN_RESYNC: u64 = 0;
const RESYNC: SimDuration = SimDuration(15_000);
const GI: i64 = 1 << 30;

pub struct ExternalProvisioner {
    /// Event source: `<driver>_<controller pod>_<uuid>`, as csi-provisioner identifies itself.
    identity: String,
    cloud: Cloud,
    claims: Informer,
    volumes: Informer,
    classes: Informer,
    /// Timer token → claim being provisioned.
    in_flight: BTreeMap<u64, super::NsName>,
    busy: BTreeSet<super::NsName>,
    next_token: u64,
    rng: Option<Rng>,
    resync_armed: bool,
}

impl ExternalProvisioner {
    pub fn new(cloud: Cloud, seed: u64) -> Self {
        let mut rng = Rng::stream(seed, "ebs-csi-controller");
        let identity = format!(
            "{DRIVER}_ebs-csi-controller-{}-{}_{}",
            name_suffix(&mut rng, 10),
            name_suffix(&mut rng, 5),
            rng.uid()
        );
        ExternalProvisioner {
            identity,
            cloud,
            claims: Informer::new("PersistentVolumeClaim"),
            volumes: Informer::new("PersistentVolume"),
            classes: Informer::new("StorageClass"),
            in_flight: BTreeMap::new(),
            busy: BTreeSet::new(),
            next_token: 1,
            rng: Some(rng),
            resync_armed: false,
        }
    }

    /// Whether the claim is ours and ready to provision.
    fn wants(&self, pvc: &Value) -> bool {
        let ours = meta::str_at(pvc, &["metadata", "annotations", ANN_STORAGE_PROVISIONER])
            == Some(DRIVER);
        let unbound = meta::str_at(pvc, &["spec", "volumeName"])
            .unwrap_or("")
            .is_empty();
        let class =
            meta::str_at(pvc, &["spec", "storageClassName"]).and_then(|c| self.classes.get("", c));
        let delayed = class.is_some_and(|c| {
            meta::str_at(c, &["volumeBindingMode"]) == Some("WaitForFirstConsumer")
        });
        let node_ok = !delayed
            || meta::str_at(pvc, &["metadata", "annotations", ANN_SELECTED_NODE]).is_some();
        let exists = self
            .volumes
            .get("", &format!("pvc-{}", meta::uid(pvc)))
            .is_some();
        ours && unbound
            && node_ok
            && !exists
            && class.is_some()
            && meta::deletion_timestamp(pvc).is_none()
    }

    fn start_provisioning(&mut self, ctx: &mut Ctx<'_>) {
        let ready: Vec<Value> = self
            .claims
            .objs
            .iter()
            .filter(|(k, v)| !self.busy.contains(*k) && self.wants(v))
            .map(|(_, v)| (**v).clone())
            .collect();
        let latency = SimDuration(self.cloud.borrow().spec.provision_latency_ms);
        for pvc in ready {
            let key = super::NsName::new(meta::namespace(&pvc), meta::name(&pvc));
            event_from(
                ctx,
                &self.identity,
                &pvc,
                false,
                "Provisioning",
                format!(
                    "External provisioner is provisioning volume for claim \"{}/{}\"",
                    key.0, key.1
                ),
            );
            let token = self.next_token;
            self.next_token += 1;
            self.busy.insert(key.clone());
            self.in_flight.insert(token, key);
            ctx.set_timer(ctx.now().plus(latency), token);
        }
    }

    /// CreateVolume finished: the disk exists; create the PersistentVolume.
    fn finish(&mut self, ctx: &mut Ctx<'_>, token: u64) {
        let Some(key) = self.in_flight.remove(&token) else {
            return;
        };
        self.busy.remove(&key);
        let Some(pvc) = self.claims.get(&key.0, &key.1).map(|v| (**v).clone()) else {
            return;
        };
        if !self.wants(&pvc) {
            return;
        }
        let Some(class) = meta::str_at(&pvc, &["spec", "storageClassName"])
            .and_then(|c| self.classes.get("", c))
            .map(|c| (**c).clone())
        else {
            return;
        };
        let rng = self.rng.get_or_insert_with(|| Rng::new(0));
        let handle = format!("vol-0{}", rng.hex(8).chars().take(16).collect::<String>());
        let pv = volume_for(&pvc, &class, &handle, ctx.now().as_millis());
        self.cloud.borrow_mut().create_disk(&handle);
        match submit_obj(ctx, ApiRequest::create(pv)) {
            Ok(stored) => {
                let msg = format!("Successfully provisioned volume {}", meta::name(&stored));
                event_from(
                    ctx,
                    &self.identity,
                    &pvc,
                    false,
                    "ProvisioningSucceeded",
                    msg,
                );
                self.volumes.assume(stored);
            }
            Err(e) => {
                self.cloud.borrow_mut().delete_disk(&handle);
                event_from(
                    ctx,
                    &self.identity,
                    &pvc,
                    true,
                    "ProvisioningFailed",
                    format!(
                        "failed to provision volume with StorageClass \"{}\": {e}",
                        meta::name(&class)
                    ),
                );
            }
        }
    }

    /// Deletes Released volumes with the Delete policy that this driver provisioned.
    fn reclaim(&mut self, ctx: &mut Ctx<'_>) {
        let released: Vec<Value> = self
            .volumes
            .objs
            .values()
            .filter(|v| {
                meta::str_at(v, &["status", "phase"]) == Some("Released")
                    && meta::str_at(v, &["spec", "persistentVolumeReclaimPolicy"]) == Some("Delete")
            })
            .filter(|v| {
                meta::str_at(
                    v,
                    &["metadata", "annotations", "pv.kubernetes.io/provisioned-by"],
                ) == Some(DRIVER)
                    && meta::deletion_timestamp(v).is_none()
            })
            .map(|v| (**v).clone())
            .collect();
        for pv in released {
            let handle = meta::str_at(&pv, &["spec", "csi", "volumeHandle"]).unwrap_or("");
            if !self.cloud.borrow_mut().delete_disk(handle) {
                continue;
            }
            let _ = submit_obj(
                ctx,
                delete_req("PersistentVolume", "", meta::name(&pv), meta::uid(&pv)),
            );
        }
    }
}

/// Characters of generated name suffixes (`rand.String`: no vowels, no look-alikes).
fn name_suffix(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char)
        .collect()
}

/// The PersistentVolume csi-provisioner creates for a claim (capacity rounded up to whole
/// GiB, as EBS allocates).
fn volume_for(pvc: &Value, class: &Value, handle: &str, now_ms: u64) -> Value {
    let request = meta::str_at(pvc, &["spec", "resources", "requests", "storage"])
        .and_then(|s| podlab_api::Quantity::parse(s).ok())
        .map(|q| q.value())
        .unwrap_or(GI);
    let gib = ((request.max(1) + GI - 1) / GI).max(1);
    let policy = meta::str_at(class, &["reclaimPolicy"]).unwrap_or("Delete");
    let fs_type =
        meta::str_at(class, &["parameters", "csi.storage.k8s.io/fstype"]).unwrap_or("ext4");
    json!({"apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": format!("pvc-{}", meta::uid(pvc)), "annotations": {"pv.kubernetes.io/provisioned-by": DRIVER, "volume.kubernetes.io/provisioner-deletion-secret-name": "", "volume.kubernetes.io/provisioner-deletion-secret-namespace": ""}},
        "spec": {"accessModes": pvc["spec"]["accessModes"].clone(), "capacity": {"storage": format!("{gib}Gi")},
            "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": meta::name(pvc), "namespace": meta::namespace(pvc), "resourceVersion": meta::resource_version(pvc), "uid": meta::uid(pvc)},
            "csi": {"driver": DRIVER, "fsType": fs_type, "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": format!("{now_ms}-8081-{DRIVER}")}, "volumeHandle": handle},
            "persistentVolumeReclaimPolicy": policy, "storageClassName": meta::name(class), "volumeMode": "Filesystem"}})
}

fn event_from(
    ctx: &mut Ctx<'_>,
    source: &str,
    obj: &Value,
    warning: bool,
    reason: &str,
    message: String,
) {
    event(ctx, source, obj, warning, reason, message);
}

impl Component for ExternalProvisioner {
    fn name(&self) -> String {
        "ebs-csi-controller".into()
    }
    fn user(&self) -> String {
        sa_user(PROVISIONER_SERVICE_ACCOUNT)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        for i in [&mut self.classes, &mut self.volumes, &mut self.claims] {
            i.start(ctx);
        }
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        self.classes.pump(ctx);
        self.volumes.pump(ctx);
        self.claims.pump(ctx);
        match wake {
            Wake::Timer(TOKEN_RESYNC) => self.resync_armed = false,
            Wake::Timer(token) => self.finish(ctx, token),
            Wake::Watch => {}
        }
        self.start_provisioning(ctx);
        self.reclaim(ctx);
        if !self.resync_armed && !self.volumes.objs.is_empty() {
            self.resync_armed = true;
            ctx.set_background_timer(ctx.now().plus(RESYNC), TOKEN_RESYNC);
        }
    }
    fn describe(&self) -> Value {
        json!({"provisioning": self.busy.iter().map(|k| k.to_string()).collect::<Vec<_>>()})
    }
}
