//! The simulated CSI driver's backend: an EBS-like cloud of ReadWriteOnce block disks, shared
//! by every kubelet (the node plugin that stages and publishes a disk) and by the
//! attach/detach controller (whose csi-attacher attaches a disk to one instance). A disk's
//! filesystem lives here, not on a node, so what one pod writes is what the next pod that
//! mounts the same claim reads, on whichever node it runs once the disk has moved there. The
//! state is a plain ordered map behind `Rc<RefCell>` (one simulation, one thread), handed to
//! each party at registration, never global.

use crate::time::{SimDuration, SimTime};
use podlab_runtime::FsTree;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// The CSI driver name of the default StorageClass's provisioner.
pub const DRIVER: &str = "ebs.csi.aws.com";

/// Latencies and faults of the simulated driver (`ClusterSpec.storage.csi`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct CsiSpec {
    /// CreateVolume: from the external provisioner's `Provisioning` to the PV.
    pub provision_latency_ms: u64,
    /// ControllerPublishVolume: from the attach/detach controller's request to attached.
    pub attach_latency_ms: u64,
    /// ControllerUnpublishVolume.
    pub detach_latency_ms: u64,
    /// NodeStageVolume + NodePublishVolume of a disk not yet staged on the node.
    pub mount_latency_ms: u64,
    /// Nodes whose NodeUnpublishVolume fails (a busy device): pods there that use a claim
    /// stay Terminating and the disk stays mounted, so it is never detached.
    pub unmount_failure_nodes: Vec<String>,
}

impl Default for CsiSpec {
    fn default() -> Self {
        CsiSpec {
            provision_latency_ms: 3_000,
            attach_latency_ms: 6_000,
            detach_latency_ms: 4_000,
            mount_latency_ms: 1_500,
            unmount_failure_nodes: Vec::new(),
        }
    }
}

/// One disk of the cloud.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    /// The filesystem while no node has it mounted (None while a pod holds it).
    pub data: Option<FsTree>,
    /// The instance it is attached to.
    pub attached_to: Option<String>,
    /// Node → when its stage (format + mount) finishes; present while mounted there.
    pub staged: BTreeMap<String, SimTime>,
    /// Pods (uid) that have the disk published, by node.
    pub published: BTreeMap<String, BTreeSet<String>>,
}

/// The cloud's disks by volume handle, and the driver's settings.
#[derive(Debug, Default)]
pub struct CloudState {
    pub spec: CsiSpec,
    pub disks: BTreeMap<String, Disk>,
}

pub type Cloud = Rc<RefCell<CloudState>>;

pub fn new_cloud(spec: CsiSpec) -> Cloud {
    Rc::new(RefCell::new(CloudState {
        spec,
        disks: BTreeMap::new(),
    }))
}

/// What the node plugin says about mounting a disk for a pod right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountState {
    /// Not attached to this node (the attach/detach controller has not attached it).
    Unattached,
    /// Staging in progress until the given instant.
    Mounting(SimTime),
    /// Mounted: the pod may take the filesystem.
    Mounted,
}

impl CloudState {
    /// CreateVolume: a fresh, empty disk.
    pub fn create_disk(&mut self, handle: &str) {
        self.disks
            .entry(handle.to_string())
            .or_insert_with(|| Disk {
                data: Some(FsTree::new()),
                ..Disk::default()
            });
    }

    /// DeleteVolume (only a detached disk can be deleted, as with EBS).
    pub fn delete_disk(&mut self, handle: &str) -> bool {
        match self.disks.get(handle) {
            Some(d) if d.attached_to.is_some() => false,
            _ => {
                self.disks.remove(handle);
                true
            }
        }
    }

    pub fn attached_node(&self, handle: &str) -> Option<&str> {
        self.disks
            .get(handle)
            .and_then(|d| d.attached_to.as_deref())
    }

    pub fn set_attached(&mut self, handle: &str, node: Option<&str>) {
        let d = self
            .disks
            .entry(handle.to_string())
            .or_insert_with(|| Disk {
                data: Some(FsTree::new()),
                ..Disk::default()
            });
        d.attached_to = node.map(str::to_string);
        if node.is_none() {
            d.staged.clear();
            d.published.clear();
        }
    }

    /// Whether the node still has the disk mounted (the kubelet's `volumesInUse`).
    pub fn mounted_by_node(&self, handle: &str, node: &str) -> bool {
        self.disks
            .get(handle)
            .is_some_and(|d| d.staged.contains_key(node))
    }

    /// Advances the mount of `handle` on `node` for pod `pod_uid`: stage once per node (with
    /// latency), then publish to the pod.
    pub fn mount(&mut self, handle: &str, node: &str, pod_uid: &str, now: SimTime) -> MountState {
        let latency = SimDuration(self.spec.mount_latency_ms);
        let Some(d) = self.disks.get_mut(handle) else {
            return MountState::Unattached;
        };
        if d.attached_to.as_deref() != Some(node) {
            return MountState::Unattached;
        }
        let ready_at = *d
            .staged
            .entry(node.to_string())
            .or_insert_with(|| now.plus(latency));
        if now < ready_at {
            return MountState::Mounting(ready_at);
        }
        d.published
            .entry(node.to_string())
            .or_default()
            .insert(pod_uid.to_string());
        MountState::Mounted
    }

    /// Takes the disk's filesystem for a pod; a second pod on the same node gets a copy (it
    /// cannot share the first pod's arena).
    pub fn take_data(&mut self, handle: &str) -> FsTree {
        self.disks
            .get_mut(handle)
            .and_then(|d| d.data.take())
            .unwrap_or_default()
    }

    /// NodeUnpublishVolume (+ unstage when the last pod on the node is gone). Returns false
    /// when the node's unmount fails: the data is written back but the disk stays mounted.
    pub fn unmount(&mut self, handle: &str, node: &str, pod_uid: &str, data: FsTree) -> bool {
        let fails = self.spec.unmount_failure_nodes.iter().any(|n| n == node);
        let Some(d) = self.disks.get_mut(handle) else {
            return true;
        };
        // A node the disk was (force-)detached from no longer has the device to write to.
        if d.attached_to.as_deref() == Some(node) {
            d.data = Some(data);
        }
        if fails {
            return false;
        }
        let now_empty = match d.published.get_mut(node) {
            Some(p) => {
                p.remove(pod_uid);
                p.is_empty()
            }
            None => true,
        };
        if now_empty {
            d.published.remove(node);
            d.staged.remove(node);
        }
        true
    }

    /// Writeback of a mounted disk's filesystem (what survives a force-detach of a node that
    /// never unmounted it).
    pub fn flush(&mut self, handle: &str, node: &str, data: &FsTree) {
        if let Some(d) = self
            .disks
            .get_mut(handle)
            .filter(|d| d.attached_to.as_deref() == Some(node))
        {
            // Comparing costs no allocation; most steps leave the disk unchanged.
            if d.data.as_ref() != Some(data) {
                d.data = Some(data.clone());
            }
        }
    }

    pub fn unmount_fails(&self, node: &str) -> bool {
        self.spec.unmount_failure_nodes.iter().any(|n| n == node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_moves_between_nodes_with_its_data() {
        let cloud = new_cloud(CsiSpec::default());
        let mut c = cloud.borrow_mut();
        c.create_disk("vol-1");
        assert_eq!(
            c.mount("vol-1", "node01", "p1", SimTime(0)),
            MountState::Unattached
        );
        c.set_attached("vol-1", Some("node01"));
        assert_eq!(
            c.mount("vol-1", "node01", "p1", SimTime(0)),
            MountState::Mounting(SimTime(1_500))
        );
        assert_eq!(
            c.mount("vol-1", "node01", "p1", SimTime(1_500)),
            MountState::Mounted
        );
        let mut t = c.take_data("vol-1");
        t.put_file("/hello", b"world", 0o644);
        assert!(c.mounted_by_node("vol-1", "node01"));
        assert!(c.unmount("vol-1", "node01", "p1", t));
        assert!(!c.mounted_by_node("vol-1", "node01"));
        assert!(!c.delete_disk("vol-1"), "attached disks cannot be deleted");
        c.set_attached("vol-1", None);
        c.set_attached("vol-1", Some("node02"));
        assert_eq!(
            c.mount("vol-1", "node02", "p2", SimTime(10_000)),
            MountState::Mounting(SimTime(11_500))
        );
        assert_eq!(
            c.mount("vol-1", "node02", "p2", SimTime(11_500)),
            MountState::Mounted
        );
        assert_eq!(
            c.take_data("vol-1").read(&["hello"]).ok(),
            Some(&b"world"[..])
        );
    }

    #[test]
    fn unmount_fault_keeps_the_disk_mounted() {
        let cloud = new_cloud(CsiSpec {
            unmount_failure_nodes: vec!["node01".into()],
            ..CsiSpec::default()
        });
        let mut c = cloud.borrow_mut();
        c.create_disk("vol-1");
        c.set_attached("vol-1", Some("node01"));
        c.mount("vol-1", "node01", "p1", SimTime(0));
        assert_eq!(
            c.mount("vol-1", "node01", "p1", SimTime(2_000)),
            MountState::Mounted
        );
        let t = c.take_data("vol-1");
        assert!(!c.unmount("vol-1", "node01", "p1", t));
        assert!(c.mounted_by_node("vol-1", "node01"));
    }
}
