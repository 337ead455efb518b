//! The kubelet volume manager's wait for a pod's PersistentVolumeClaims
//! (`WaitForAttachAndMount`): each claim must be Bound, its CSI disk attached to this node by
//! the attach/detach controller and staged by the node plugin (with the mount latency) before
//! the pod's volumes are built. The wait is polled every 300 ms; after 2m3s the kubelet gives
//! up this sync with `FailedMount` `Unable to attach or mount volumes: unmounted volumes=[...],
//! unattached volumes=[...], failed to process volumes=[...]: context deadline exceeded` and
//! waits again after the pod worker's 10 s back-off. Claims whose volume is not a CSI disk
//! (hostPath or local PVs) are node-local disks and need no wait.

use super::csi::{Cloud, DRIVER, MountState};
use super::registry::Remote;
use super::volumes::fetch;
use super::worker::{NodeEnv, PodWorker, SYNC_ERROR_REQUEUE};
use crate::component::Ctx;
use crate::meta;
use crate::time::{SimDuration, SimTime};
use podlab_runtime::FsTree;
use serde_json::Value;
use std::collections::BTreeMap;

/// `podAttachAndMountTimeout`.
pub const ATTACH_AND_MOUNT_TIMEOUT: SimDuration = SimDuration(123_000);
/// `podAttachAndMountRetryInterval`.
pub const RETRY_INTERVAL: SimDuration = SimDuration(300);

/// A CSI disk published into one pod on one node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimMount {
    pub handle: String,
    pub node: String,
    pub pod_uid: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ClaimState {
    Ready,
    /// Not in the desired state of world (claim missing or not bound yet).
    NotProcessed,
    Unattached,
    Unmounted,
}

/// The cloud the kubelets of this simulation share.
pub fn cloud_of(remote: &Remote) -> Option<Cloud> {
    remote
        .registry
        .as_ref()
        .and_then(|r| r.try_borrow().ok().and_then(|r| r.cloud.clone()))
}

/// The claim's bound PersistentVolume, read through the API server.
fn bound_volume(ctx: &mut Ctx<'_>, ns: &str, claim: &str) -> Option<Value> {
    let pvc = fetch(ctx, "PersistentVolumeClaim", ns, claim)?;
    if meta::str_at(&pvc, &["status", "phase"]) != Some("Bound") {
        return None;
    }
    let name = meta::str_at(&pvc, &["spec", "volumeName"]).filter(|n| !n.is_empty())?;
    fetch(ctx, "PersistentVolume", "", name)
}

fn csi_handle(pv: &Value) -> Option<String> {
    (meta::str_at(pv, &["spec", "csi", "driver"]) == Some(DRIVER)).then(|| {
        meta::str_at(pv, &["spec", "csi", "volumeHandle"])
            .unwrap_or("")
            .to_string()
    })
}

fn claim_state(ctx: &mut Ctx<'_>, pod: &Value, claim: &str, cloud: Option<&Cloud>) -> ClaimState {
    let Some(pv) = bound_volume(ctx, meta::namespace(pod), claim) else {
        return ClaimState::NotProcessed;
    };
    let (Some(handle), Some(cloud)) = (csi_handle(&pv), cloud) else {
        return ClaimState::Ready;
    };
    let now = ctx.now();
    match cloud
        .borrow_mut()
        .mount(&handle, meta::node_name(pod), meta::uid(pod), now)
    {
        MountState::Mounted => ClaimState::Ready,
        MountState::Mounting(_) => ClaimState::Unmounted,
        MountState::Unattached => ClaimState::Unattached,
    }
}

/// Whether every claim of the pod is mounted; otherwise schedules the next poll (or reports
/// the timeout) and returns false.
pub fn claims_ready(w: &mut PodWorker, env: &mut NodeEnv) -> bool {
    let claims: Vec<(String, String)> = w
        .spec
        .volumes
        .iter()
        .filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| (v.name.clone(), c.claim_name.clone()))
        })
        .collect();
    if claims.is_empty() {
        return true;
    }
    let cloud = cloud_of(&w.remote);
    let (mut unmounted, mut unattached, mut unprocessed) = (Vec::new(), Vec::new(), Vec::new());
    for (volume, claim) in &claims {
        match claim_state(env.ctx, &w.pod, claim, cloud.as_ref()) {
            ClaimState::Ready => continue,
            ClaimState::NotProcessed => unprocessed.push(volume.clone()),
            ClaimState::Unattached => unattached.push(volume.clone()),
            ClaimState::Unmounted => {}
        }
        unmounted.push(volume.clone());
    }
    let now = env.now();
    if unmounted.is_empty() {
        w.mount_first_failure = None;
        return true;
    }
    let first = *w.mount_first_failure.get_or_insert(now);
    if now.since(first) >= ATTACH_AND_MOUNT_TIMEOUT {
        let msg = timeout_message(unmounted, unattached, unprocessed);
        env.event(&w.pod, "", true, "FailedMount", msg);
        let retry_at = now.plus(SYNC_ERROR_REQUEUE);
        w.mount_first_failure = Some(retry_at);
        w.request_sync(retry_at);
        return false;
    }
    let deadline = first.plus(ATTACH_AND_MOUNT_TIMEOUT);
    w.request_sync(SimTime(
        now.plus(RETRY_INTERVAL)
            .as_millis()
            .min(deadline.as_millis()),
    ));
    false
}

/// The volume manager's error as the kubelet's `FailedMount` event prints it (Go slices of
/// sorted names).
pub fn timeout_message(
    mut unmounted: Vec<String>,
    mut unattached: Vec<String>,
    mut unprocessed: Vec<String>,
) -> String {
    for l in [&mut unmounted, &mut unattached, &mut unprocessed] {
        l.sort();
    }
    format!(
        "Unable to attach or mount volumes: unmounted volumes=[{}], unattached volumes=[{}], failed to process volumes=[{}]: context deadline exceeded",
        unmounted.join(" "),
        unattached.join(" "),
        unprocessed.join(" ")
    )
}

/// The claim's filesystem for a pod being set up: the CSI disk's, taken from the cloud, or a
/// node-local disk for other volume types.
pub fn take_claim(
    ctx: &mut Ctx<'_>,
    pod: &Value,
    claim: &str,
    disks: &mut BTreeMap<String, FsTree>,
    cloud: Option<&Cloud>,
) -> (FsTree, Option<ClaimMount>) {
    let ns = meta::namespace(pod);
    let handle = bound_volume(ctx, ns, claim).and_then(|pv| csi_handle(&pv));
    match (handle, cloud) {
        (Some(handle), Some(cloud)) => {
            let tree = cloud.borrow_mut().take_data(&handle);
            (
                tree,
                Some(ClaimMount {
                    handle,
                    node: meta::node_name(pod).to_string(),
                    pod_uid: meta::uid(pod).to_string(),
                }),
            )
        }
        _ => (
            disks
                .remove(&format!("pvc:{ns}/{claim}"))
                .unwrap_or_default(),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeout_message_table() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let cases = [
            (
                s(&["data"]),
                s(&["data"]),
                s(&[]),
                "unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[]",
            ),
            (
                s(&["logs", "data"]),
                s(&[]),
                s(&["logs"]),
                "unmounted volumes=[data logs], unattached volumes=[], failed to process volumes=[logs]",
            ),
        ];
        for (a, b, c, want) in cases {
            let got = timeout_message(a, b, c);
            assert_eq!(
                got,
                format!("Unable to attach or mount volumes: {want}: context deadline exceeded")
            );
        }
    }
}
