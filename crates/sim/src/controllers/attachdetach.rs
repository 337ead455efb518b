//! The attach/detach controller (`pkg/controller/volume/attachdetach`): from its informers it
//! builds the desired state of world — which CSI disk must be attached to which node because a
//! scheduled, not yet terminated pod there uses a bound claim — and reconciles the cloud's
//! actual attachments towards it through the driver's ControllerPublish/Unpublish, with their
//! latency. Detaches run before attaches. A ReadWriteOnce disk still attached to another node
//! is never attached twice: the pods waiting for it get one `FailedAttachVolume`
//! `Multi-Attach error` each. A disk the old node still has mounted is not detached until the
//! kubelet unmounts it — or, if that node is unhealthy, until `maxWaitForUnmountDuration`
//! (6 min) has passed since the detach was first wanted, when it is force-detached.

use super::shared_informer::Registration;
use super::{Informer, event, sa_user};
use crate::component::{Component, Ctx, Wake};
use crate::kubelet::csi::{Cloud, DRIVER};
use crate::meta;
use crate::time::{SimDuration, SimTime};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

pub const NAME: &str = "attachdetach-controller";
/// `maxWaitForUnmountDuration`.
pub const MAX_WAIT_FOR_UNMOUNT: SimDuration = SimDuration(360_000);
/// How often the reconciler looks again while something is pending (the real loop runs every
/// 100 ms; kubelet unmounts reach it through node status, which this poll stands for).
const RECONCILE_POLL: SimDuration = SimDuration(1_000);
const TOKEN_POLL: u64 = 0;
/// The force-detach deadline of a disk on an unhealthy node.
const TOKEN_FORCE: u64 = u64::MAX;

type VolNode = (String, String);

/// One attachable volume wanted on one node.
#[derive(Clone, Debug)]
struct Wanted {
    pv_name: String,
    read_write_once: bool,
    /// Pods on the node that use it (namespace, name, object).
    pods: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OpKind {
    Attach,
    Detach,
}

pub struct AttachDetachController {
    cloud: Cloud,
    pods: Registration,
    claims: Informer,
    volumes: Informer,
    nodes: Informer,
    /// Timer token → operation in flight on (volume handle, node).
    ops: BTreeMap<u64, (VolNode, OpKind)>,
    busy: BTreeSet<String>,
    next_token: u64,
    detach_requested: BTreeMap<VolNode, SimTime>,
    multi_attach_reported: BTreeSet<VolNode>,
    /// Instants a force-detach check is already scheduled for.
    force_checks: BTreeSet<SimTime>,
    poll_armed: bool,
}

impl AttachDetachController {
    /// Uses the shared pod informer instead of a private one.
    pub fn with_pods(mut self, pods: Registration) -> Self {
        self.pods = pods;
        self
    }

    pub fn new(cloud: Cloud) -> Self {
        AttachDetachController {
            cloud,
            pods: Registration::default(),
            claims: Informer::new("PersistentVolumeClaim"),
            volumes: Informer::new("PersistentVolume"),
            nodes: Informer::new("Node"),
            ops: BTreeMap::new(),
            busy: BTreeSet::new(),
            next_token: 1,
            detach_requested: BTreeMap::new(),
            multi_attach_reported: BTreeSet::new(),
            force_checks: BTreeSet::new(),
            poll_armed: false,
        }
    }

    /// `IsPodTerminated`: terminal phase, or being deleted with no container running.
    fn pod_terminated(pod: &Value) -> bool {
        if matches!(
            meta::str_at(pod, &["status", "phase"]),
            Some("Succeeded" | "Failed")
        ) {
            return true;
        }
        let running = |key: &str| {
            meta::at(pod, &["status", key])
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|c| c.pointer("/state/running").is_some()))
        };
        meta::deletion_timestamp(pod).is_some()
            && !running("containerStatuses")
            && !running("initContainerStatuses")
    }

    /// The desired state of world: (volume handle, node) → what wants it.
    fn desired(&self) -> BTreeMap<VolNode, Wanted> {
        let mut out: BTreeMap<VolNode, Wanted> = BTreeMap::new();
        // No claim, no CSI volume to want: skip the O(pods) scan on every wake.
        if self.claims.objs.is_empty() {
            return out;
        }
        for pod in &self.pods.values() {
            let node = meta::node_name(pod);
            if node.is_empty() || Self::pod_terminated(pod) || self.nodes.get("", node).is_none() {
                continue;
            }
            for claim in super::persistentvolume_binding::pod_claims(pod) {
                let Some(pvc) = self.claims.get(meta::namespace(pod), &claim) else {
                    continue;
                };
                let Some(pv) = meta::str_at(pvc, &["spec", "volumeName"])
                    .and_then(|v| self.volumes.get("", v))
                else {
                    continue;
                };
                if meta::str_at(pv, &["spec", "csi", "driver"]) != Some(DRIVER) {
                    continue;
                }
                let handle = meta::str_at(pv, &["spec", "csi", "volumeHandle"])
                    .unwrap_or("")
                    .to_string();
                let modes: Vec<&str> = meta::at(pv, &["spec", "accessModes"])
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let rwo = !modes
                    .iter()
                    .any(|m| *m == "ReadWriteMany" || *m == "ReadOnlyMany");
                let w = out
                    .entry((handle, node.to_string()))
                    .or_insert_with(|| Wanted {
                        pv_name: meta::name(pv).to_string(),
                        read_write_once: rwo,
                        pods: Vec::new(),
                    });
                w.pods.push((**pod).clone());
            }
        }
        out
    }

    fn node_healthy(&self, node: &str) -> bool {
        self.nodes
            .get("", node)
            .is_some_and(|n| super::nodelifecycle::node_ready(n) == "True")
    }

    fn start_op(&mut self, ctx: &mut Ctx<'_>, key: VolNode, kind: OpKind) {
        let spec = self.cloud.borrow().spec.clone();
        let latency_ms = if kind == OpKind::Attach {
            spec.attach_latency_ms
        } else {
            spec.detach_latency_ms
        };
        let token = self.next_token;
        self.next_token += 1;
        self.busy.insert(key.0.clone());
        self.ops.insert(token, (key, kind));
        ctx.set_timer(ctx.now().plus(SimDuration(latency_ms)), token);
    }

    fn reconcile(&mut self, ctx: &mut Ctx<'_>) -> bool {
        let desired = self.desired();
        let mut pending = self.reconcile_detaches(ctx, &desired);
        self.multi_attach_reported
            .retain(|k| desired.contains_key(k));
        for (key, wanted) in &desired {
            let attached = self
                .cloud
                .borrow()
                .attached_node(&key.0)
                .map(str::to_string);
            if attached.as_deref() == Some(key.1.as_str()) {
                self.detach_requested.remove(key);
                continue;
            }
            if self.busy.contains(&key.0) {
                continue;
            }
            match attached {
                Some(_) if wanted.read_write_once => {
                    pending = true;
                    self.report_multi_attach(ctx, key, wanted, &desired);
                }
                _ => self.start_op(ctx, key.clone(), OpKind::Attach),
            }
        }
        pending
    }

    /// Detaches disks no pod on their node wants any more; true while one waits.
    fn reconcile_detaches(
        &mut self,
        ctx: &mut Ctx<'_>,
        desired: &BTreeMap<VolNode, Wanted>,
    ) -> bool {
        let attached: Vec<VolNode> = self
            .cloud
            .borrow()
            .disks
            .iter()
            .filter_map(|(h, d)| d.attached_to.clone().map(|n| (h.clone(), n)))
            .collect();
        let mut waiting = false;
        for key in attached {
            if desired.contains_key(&key) || self.busy.contains(&key.0) {
                continue;
            }
            let since = *self
                .detach_requested
                .entry(key.clone())
                .or_insert(ctx.now());
            let timeout = ctx.now().since(since) > MAX_WAIT_FOR_UNMOUNT;
            let mounted = self.cloud.borrow().mounted_by_node(&key.0, &key.1);
            let force = timeout && !self.node_healthy(&key.1);
            if mounted && !force {
                waiting = true;
                let deadline = since.plus(MAX_WAIT_FOR_UNMOUNT).plus(SimDuration(1));
                if !self.node_healthy(&key.1) && self.force_checks.insert(deadline) {
                    ctx.set_timer(deadline, TOKEN_FORCE);
                }
                continue;
            }
            self.detach_requested.remove(&key);
            self.start_op(ctx, key, OpKind::Detach);
        }
        waiting
    }

    /// `reportMultiAttachError`, once per volume and node while it is wanted there.
    fn report_multi_attach(
        &mut self,
        ctx: &mut Ctx<'_>,
        key: &VolNode,
        wanted: &Wanted,
        desired: &BTreeMap<VolNode, Wanted>,
    ) {
        if !self.multi_attach_reported.insert(key.clone()) {
            return;
        }
        for pod in &wanted.pods {
            let ns = meta::namespace(pod);
            let others: Vec<&Value> = desired
                .iter()
                .filter(|((h, n), _)| *h == key.0 && *n != key.1)
                .flat_map(|(_, w)| w.pods.iter())
                .collect();
            let same_ns: Vec<&str> = others
                .iter()
                .filter(|p| meta::namespace(p) == ns)
                .map(|p| meta::name(p))
                .collect();
            let other_ns = others.len() - same_ns.len();
            let detail = if !same_ns.is_empty() {
                format!("Volume is already used by pod(s) {}", same_ns.join(", "))
            } else if other_ns > 0 {
                format!("Volume is already used by {other_ns} pod(s) in different namespaces")
            } else {
                "Volume is already exclusively attached to one node and can't be attached to another".to_string()
            };
            event(
                ctx,
                NAME,
                pod,
                true,
                "FailedAttachVolume",
                format!(
                    "Multi-Attach error for volume \"{}\" {detail}",
                    wanted.pv_name
                ),
            );
        }
    }

    fn finish(&mut self, ctx: &mut Ctx<'_>, token: u64) {
        let Some(((handle, node), kind)) = self.ops.remove(&token) else {
            return;
        };
        self.busy.remove(&handle);
        match kind {
            OpKind::Detach => self.cloud.borrow_mut().set_attached(&handle, None),
            OpKind::Attach => {
                if self.cloud.borrow().attached_node(&handle).is_some() {
                    return;
                }
                self.cloud.borrow_mut().set_attached(&handle, Some(&node));
                let desired = self.desired();
                if let Some(w) = desired.get(&(handle.clone(), node.clone())) {
                    for pod in &w.pods {
                        event(
                            ctx,
                            NAME,
                            pod,
                            false,
                            "SuccessfulAttachVolume",
                            format!("AttachVolume.Attach succeeded for volume \"{}\"", w.pv_name),
                        );
                    }
                }
            }
        }
    }
}

impl Component for AttachDetachController {
    fn name(&self) -> String {
        NAME.into()
    }
    fn user(&self) -> String {
        sa_user(NAME)
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        for i in [
            &mut self.nodes,
            &mut self.volumes,
            &mut self.claims,
        ] {
            i.start(ctx);
        }
        self.pods.start(ctx, "Pod");
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, wake: Wake) {
        for i in [
            &mut self.nodes,
            &mut self.volumes,
            &mut self.claims,
        ] {
            i.pump(ctx);
        }
        self.pods.catch_up(ctx);
        match wake {
            Wake::Timer(TOKEN_POLL) => self.poll_armed = false,
            Wake::Timer(TOKEN_FORCE) => {
                let now = ctx.now();
                self.force_checks.retain(|t| *t > now);
            }
            Wake::Timer(token) => self.finish(ctx, token),
            Wake::Watch => {}
        }
        if self.reconcile(ctx) && !self.poll_armed {
            self.poll_armed = true;
            ctx.set_background_timer(ctx.now().plus(RECONCILE_POLL), TOKEN_POLL);
        }
    }
    fn describe(&self) -> Value {
        let c = self.cloud.borrow();
        let attached: Vec<String> = c
            .disks
            .iter()
            .filter_map(|(h, d)| d.attached_to.as_ref().map(|n| format!("{h}@{n}")))
            .collect();
        json!({"attached": attached, "operations": self.ops.len()})
    }
}
