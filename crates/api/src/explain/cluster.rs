//! Explain data for cluster-level objects and storage: Node (spec, taints, status),
//! Namespace, PersistentVolumeClaim and PersistentVolume.

use super::{f, top_level, Schema};

const NODE: Schema = Schema {
    name: "Node",
    description: "A Node is a machine (virtual or physical) in the cluster that runs Pods. Its kubelet registers it and keeps its status up to date.",
    fields: top_level!("NodeSpec", "How the node is configured: its Pod address range, taints and whether it accepts new Pods.", "NodeStatus", "What the kubelet last reported: conditions, capacity, addresses and more. Read-only."),
};

const NODE_SPEC: Schema = Schema {
    name: "NodeSpec",
    description: "The desired state of a Node.",
    fields: &[
        f!("configSource", "NodeConfigSource", false, None, "Deprecated and no longer used."),
        f!("externalID", "string", false, None, "Deprecated and no longer used."),
        f!("podCIDR", "string", false, None, "The address range Pods on this node get their IPs from."),
        f!("podCIDRs", "[]string", false, None, "The Pod address ranges of the node, one per IP family."),
        f!("providerID", "string", false, None, "The cloud provider's ID of the machine."),
        f!("taints", "[]Taint", false, Some("Taint"), "Taints that repel Pods which do not tolerate them."),
        f!("unschedulable", "boolean", false, None, "When true (kubectl cordon), the scheduler places no new Pods on the node. Pods already there keep running."),
    ],
};

const TAINT: Schema = Schema {
    name: "Taint",
    description: "A mark on a node that keeps away Pods that do not tolerate it.",
    fields: &[
        f!("effect", "string", true, None, "What happens to Pods that do not tolerate the taint: NoSchedule keeps new ones away, PreferNoSchedule tries to, NoExecute also evicts those already running.", ["NoExecute", "NoSchedule", "PreferNoSchedule"]),
        f!("key", "string", true, None, "The taint key."),
        f!("timeAdded", "string", false, Some("Time"), "When a NoExecute taint was added."),
        f!("value", "string", false, None, "The taint value."),
    ],
};

const NODE_STATUS: Schema = Schema {
    name: "NodeStatus",
    description: "The most recently observed state of a Node.",
    fields: &[
        f!("addresses", "[]NodeAddress", false, None, "The node's addresses: InternalIP, Hostname and others."),
        f!("allocatable", "map[string]Quantity", false, Some("Quantity"), "The resources left for Pods once the system's reservations are taken out. The scheduler fits requests into this."),
        f!("capacity", "map[string]Quantity", false, Some("Quantity"), "The node's total resources: cpu, memory, pods, ephemeral-storage."),
        f!("conditions", "[]NodeCondition", false, None, "Ready, MemoryPressure, DiskPressure, PIDPressure and NetworkUnavailable."),
        f!("config", "NodeConfigStatus", false, None, "Deprecated and no longer used."),
        f!("daemonEndpoints", "NodeDaemonEndpoints", false, None, "The port the kubelet listens on."),
        f!("features", "NodeFeatures", false, None, "Optional features the node supports."),
        f!("images", "[]ContainerImage", false, None, "Images already present on the node."),
        f!("nodeInfo", "NodeSystemInfo", false, None, "Versions of the kubelet, container runtime, kernel and OS."),
        f!("phase", "string", false, None, "Deprecated and no longer set.", ["Pending", "Running", "Terminated"]),
        f!("runtimeHandlers", "[]NodeRuntimeHandler", false, None, "The runtime handlers the container runtime offers."),
        f!("volumesAttached", "[]AttachedVolume", false, None, "Volumes attached to the node."),
        f!("volumesInUse", "[]string", false, None, "Volumes in use (mounted) on the node."),
    ],
};

const NAMESPACE: Schema = Schema {
    name: "Namespace",
    description: "A Namespace is a scope for names: objects of one kind must have unique names within it. Deleting a Namespace deletes everything in it.",
    fields: top_level!("NamespaceSpec", "The finalizers that must run before the Namespace is removed.", "NamespaceStatus", "Whether the Namespace is Active or Terminating. Read-only."),
};

const NAMESPACE_SPEC: Schema = Schema {
    name: "NamespaceSpec",
    description: "The desired state of a Namespace.",
    fields: &[f!("finalizers", "[]string", false, None, "Clean-up steps that must finish before the Namespace is removed, such as kubernetes (deleting its contents).")],
};

const NAMESPACE_STATUS: Schema = Schema {
    name: "NamespaceStatus",
    description: "The most recently observed state of a Namespace.",
    fields: &[
        f!("conditions", "[]NamespaceCondition", false, None, "Conditions describing problems while the Namespace is being deleted."),
        f!("phase", "string", false, None, "Active, or Terminating while it is being deleted.", ["Active", "Terminating"]),
    ],
};

const PVC: Schema = Schema {
    name: "PersistentVolumeClaim",
    description: "A PersistentVolumeClaim is a request for durable storage: a size and access mode that the cluster satisfies by binding a PersistentVolume, often one provisioned on demand through a StorageClass.",
    fields: top_level!("PersistentVolumeClaimSpec", "The storage you ask for.", "PersistentVolumeClaimStatus", "Whether the claim is bound, and what it got. Read-only."),
};

const PVC_SPEC: Schema = Schema {
    name: "PersistentVolumeClaimSpec",
    description: "The desired state of a PersistentVolumeClaim.",
    fields: &[
        f!("accessModes", "[]string", false, None, "How the volume may be mounted: ReadWriteOnce (one node), ReadOnlyMany, ReadWriteMany, ReadWriteOncePod (one Pod)."),
        f!("dataSource", "TypedLocalObjectReference", false, None, "Fill the new volume from a snapshot or another claim."),
        f!("dataSourceRef", "TypedObjectReference", false, None, "Fill the new volume from any populator object, possibly in another namespace."),
        f!("resources", "VolumeResourceRequirements", false, Some("VolumeResourceRequirements"), "The size of storage requested."),
        f!("selector", "LabelSelector", false, Some("LabelSelector"), "Only bind PersistentVolumes with these labels."),
        f!("storageClassName", "string", false, None, "The StorageClass to provision from. Empty string means no class; unset means the default class."),
        f!("volumeAttributesClassName", "string", false, None, "The VolumeAttributesClass describing performance settings of the volume."),
        f!("volumeMode", "string", false, None, "Filesystem (the default) mounts a filesystem; Block hands the raw device to the container.", ["Block", "Filesystem"]),
        f!("volumeName", "string", false, None, "Bind to this PersistentVolume by name."),
    ],
};

const VOLUME_RESOURCES: Schema = Schema {
    name: "VolumeResourceRequirements",
    description: "Storage resources of a claim.",
    fields: &[
        f!("limits", "map[string]Quantity", false, Some("Quantity"), "The most storage the claim may use."),
        f!("requests", "map[string]Quantity", false, Some("Quantity"), "The storage the claim needs, such as storage: 1Gi."),
    ],
};

const PVC_STATUS: Schema = Schema {
    name: "PersistentVolumeClaimStatus",
    description: "The most recently observed state of a PersistentVolumeClaim.",
    fields: &[
        f!("accessModes", "[]string", false, None, "The access modes of the bound volume."),
        f!("allocatedResourceStatuses", "map[string]string", false, None, "The progress of a resize of the claim."),
        f!("allocatedResources", "map[string]Quantity", false, Some("Quantity"), "The storage assigned to the claim during a resize."),
        f!("capacity", "map[string]Quantity", false, Some("Quantity"), "The size of the bound volume."),
        f!("conditions", "[]PersistentVolumeClaimCondition", false, None, "Conditions such as Resizing."),
        f!("currentVolumeAttributesClassName", "string", false, None, "The VolumeAttributesClass currently applied."),
        f!("modifyVolumeStatus", "ModifyVolumeStatus", false, None, "The progress of a change of VolumeAttributesClass."),
        f!("phase", "string", false, None, "Pending until a volume is bound, then Bound; Lost when the bound volume disappeared.", ["Bound", "Lost", "Pending"]),
    ],
};

const PV: Schema = Schema {
    name: "PersistentVolume",
    description: "A PersistentVolume is a piece of storage in the cluster, provisioned by an administrator or on demand, that a PersistentVolumeClaim binds to.",
    fields: &[
        f!("apiVersion", "string", false, None, "The versioned schema this object is written in, such as v1 or apps/v1. The API server converts between versions it serves."),
        f!("kind", "string", false, None, "The type of object this is, in CamelCase. It selects which schema the rest of the document follows."),
        f!("metadata", "ObjectMeta", false, Some("ObjectMeta"), "Identity and bookkeeping shared by every object: name, namespace, labels, annotations and more."),
        f!("spec", "PersistentVolumeSpec", false, None, "The storage: its capacity, access modes, source and what happens to it when released."),
        f!("status", "PersistentVolumeStatus", false, None, "Whether the volume is Available, Bound, Released or Failed. Read-only."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[NODE, NODE_SPEC, TAINT, NODE_STATUS, NAMESPACE, NAMESPACE_SPEC, NAMESPACE_STATUS, PVC, PVC_SPEC, VOLUME_RESOURCES, PVC_STATUS, PV];
