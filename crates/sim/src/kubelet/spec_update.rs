//! In-place pod updates: the one pod-spec change the API server lets through for a running pod
//! is a container's `image`. The real kubelet notices it as a changed container hash in
//! `computePodActions`: a running app container is killed with `Container app definition
//! changed, will be restarted` and started again with the new image *whatever the restart
//! policy*, a running native sidecar with `Init container log definition changed`; a container
//! that is not running (ImagePullBackOff, CrashLoopBackOff) simply uses the new image at its
//! next start, and because the crash-loop back-off key contains the container hash, a fixed
//! image is not held back by the old back-off. Completed regular init containers are left
//! alone. The kill and the following start happen in one `SyncPod`, so the restart follows the
//! container's exit at once instead of waiting for the next PLEG relist.

use super::containers::Kind;
use super::worker::{NodeEnv, PodWorker, Start, SYNC_ERROR_REQUEUE};
use crate::time::SimDuration;
use podlab_api::{Container, PodSpec};

/// The container of `spec` that container slot `kind`/`name` runs from.
fn find<'a>(spec: &'a PodSpec, kind: Kind, name: &str) -> Option<&'a Container> {
    let list = if kind == Kind::App { &spec.containers } else { &spec.init_containers };
    list.iter().find(|c| c.name == name)
}

impl PodWorker {
    /// Takes the new spec of an updated pod. True when a container's definition changed (the
    /// pod worker must sync).
    pub(super) fn take_spec_update(&mut self, new_spec: PodSpec) -> bool {
        let mut changed = false;
        for c in &mut self.containers {
            let Some(next) = find(&new_spec, c.kind, &c.spec.name) else { continue };
            if next.image != c.spec.image {
                c.spec = next.clone();
                c.definition_changed = true;
                changed = true;
            }
        }
        self.spec = new_spec;
        changed
    }

    /// `computePodActions`' changed-hash rule: kills every running container whose definition
    /// changed so that it restarts with the new spec.
    pub(super) fn restart_changed(&mut self, env: &mut NodeEnv) {
        let grace = self.spec.termination_grace_period_seconds.unwrap_or(30);
        for i in 0..self.containers.len() {
            let c = &mut self.containers[i];
            if !std::mem::take(&mut c.definition_changed) || c.process.is_none() {
                continue;
            }
            let message = match c.kind {
                Kind::App => format!("Container {} definition changed, will be restarted", c.spec.name),
                Kind::Sidecar => format!("Init container {} definition changed", c.spec.name),
                // A running regular init container is left to finish (only restartable init
                // containers are checked for a changed hash).
                Kind::Init => continue,
            };
            c.restart_pending = true;
            if c.kill_deadline.is_none() {
                self.kill_container(i, env, Some(message), grace);
            }
        }
    }

    /// Container `i`, killed for a changed definition, has stopped: the same `SyncPod` goes on
    /// to start it (crash-loop back-off is judged by the new hash, so it is not held back).
    pub(super) fn continue_restart(&mut self, i: usize, env: &mut NodeEnv) {
        if self.deleting() || self.op.is_some() {
            self.request_sync(env.now());
            return;
        }
        if self.try_start(i, env) == Start::Failed {
            // The pod worker's requeue after a failed sync, as in `sync_pod`.
            let jitter = env.rng.below(SYNC_ERROR_REQUEUE.0 / 2);
            self.request_sync(env.now().plus(SimDuration(SYNC_ERROR_REQUEUE.0 + jitter)));
        }
    }
}
