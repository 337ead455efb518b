//! VolumeBinding hook. The scheduler asks a `VolumeBinder` (installed by the volume/CSI work)
//! whether the pod's PersistentVolumeClaims allow scheduling at all (PreFilter: e.g.
//! `persistentvolumeclaim "data" not found`) and whether a node can reach the volumes
//! (Filter). Without a binder installed, claims are not checked here.

use super::super::framework::{FilterStatus, NodeInfo, PodInfo};

pub const NAME: &str = "VolumeBinding";

pub trait VolumeBinder {
    /// A whole-pod rejection message (goes into the FitError instead of a node histogram).
    fn pre_filter(&self, pod: &PodInfo) -> Option<String>;
    fn filter(&self, pod: &PodInfo, node: &NodeInfo) -> Option<FilterStatus>;
}
