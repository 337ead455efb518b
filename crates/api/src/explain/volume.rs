//! Explain data for Pod volumes: the Volume with every source the v1.33 API lists, and the
//! sources learners use most (emptyDir, configMap, secret, persistentVolumeClaim, hostPath).

use super::{f, Schema};

const VOLUME: Schema = Schema {
    name: "Volume",
    description: "A named piece of storage the Pod's containers can mount. Exactly one source must be set.",
    fields: &[
        f!("awsElasticBlockStore", "AWSElasticBlockStoreVolumeSource", false, None, "Deprecated: an AWS EBS disk. Use a CSI driver through a PersistentVolumeClaim instead."),
        f!("azureDisk", "AzureDiskVolumeSource", false, None, "Deprecated: an Azure data disk. Use a CSI driver instead."),
        f!("azureFile", "AzureFileVolumeSource", false, None, "Deprecated: an Azure File share. Use a CSI driver instead."),
        f!("cephfs", "CephFSVolumeSource", false, None, "Deprecated: a CephFS mount."),
        f!("cinder", "CinderVolumeSource", false, None, "Deprecated: an OpenStack Cinder volume. Use a CSI driver instead."),
        f!("configMap", "ConfigMapVolumeSource", false, Some("ConfigMapVolumeSource"), "Files made from the keys of a ConfigMap."),
        f!("csi", "CSIVolumeSource", false, None, "An ephemeral volume provided by a CSI driver."),
        f!("downwardAPI", "DownwardAPIVolumeSource", false, None, "Files holding facts about the Pod itself, such as its labels and annotations."),
        f!("emptyDir", "EmptyDirVolumeSource", false, Some("EmptyDirVolumeSource"), "A scratch directory created empty when the Pod starts on a node and deleted with the Pod."),
        f!("ephemeral", "EphemeralVolumeSource", false, None, "A PersistentVolumeClaim created with the Pod and deleted with it."),
        f!("fc", "FCVolumeSource", false, None, "A Fibre Channel disk attached to the node."),
        f!("flexVolume", "FlexVolumeSource", false, None, "Deprecated: a volume from a FlexVolume driver."),
        f!("flocker", "FlockerVolumeSource", false, None, "Deprecated: a Flocker dataset."),
        f!("gcePersistentDisk", "GCEPersistentDiskVolumeSource", false, None, "Deprecated: a Google Compute Engine persistent disk. Use a CSI driver instead."),
        f!("gitRepo", "GitRepoVolumeSource", false, None, "Deprecated: a directory cloned from a git repository. Use an init container that clones into an emptyDir instead."),
        f!("glusterfs", "GlusterfsVolumeSource", false, None, "Deprecated: a Glusterfs mount."),
        f!("hostPath", "HostPathVolumeSource", false, Some("HostPathVolumeSource"), "A file or directory from the node's own filesystem. Ties the Pod to that node's contents and is a security risk."),
        f!("image", "ImageVolumeSource", false, None, "The contents of an OCI image or artifact, mounted read-only."),
        f!("iscsi", "ISCSIVolumeSource", false, None, "An iSCSI disk attached to the node."),
        f!("name", "string", true, None, "The volume's name, a DNS label unique within the Pod, used by volumeMounts."),
        f!("nfs", "NFSVolumeSource", false, None, "An NFS share mounted on the node."),
        f!("persistentVolumeClaim", "PersistentVolumeClaimVolumeSource", false, Some("PersistentVolumeClaimVolumeSource"), "Durable storage obtained through a PersistentVolumeClaim in the same namespace."),
        f!("photonPersistentDisk", "PhotonPersistentDiskVolumeSource", false, None, "Deprecated: a Photon Controller persistent disk."),
        f!("portworxVolume", "PortworxVolumeSource", false, None, "Deprecated: a Portworx volume."),
        f!("projected", "ProjectedVolumeSource", false, None, "Several sources (ServiceAccount token, ConfigMaps, Secrets, downward API) combined into one directory."),
        f!("quobyte", "QuobyteVolumeSource", false, None, "Deprecated: a Quobyte mount."),
        f!("rbd", "RBDVolumeSource", false, None, "Deprecated: a Rados Block Device."),
        f!("scaleIO", "ScaleIOVolumeSource", false, None, "Deprecated: a ScaleIO volume."),
        f!("secret", "SecretVolumeSource", false, Some("SecretVolumeSource"), "Files made from the keys of a Secret, kept in memory on the node."),
        f!("storageos", "StorageOSVolumeSource", false, None, "Deprecated: a StorageOS volume."),
        f!("vsphereVolume", "VsphereVirtualDiskVolumeSource", false, None, "Deprecated: a vSphere disk. Use a CSI driver instead."),
    ],
};

const CONFIG_MAP_SOURCE: Schema = Schema {
    name: "ConfigMapVolumeSource",
    description: "Files made from a ConfigMap: by default one file per key, named after the key.",
    fields: &[
        f!("defaultMode", "integer", false, None, "Permission bits of the files, such as 0644 (the default) written in octal in YAML."),
        f!("items", "[]KeyToPath", false, None, "Only these keys, each at the path given. Without it every key becomes a file."),
        f!("name", "string", false, None, "The ConfigMap's name, in the Pod's namespace."),
        f!("optional", "boolean", false, None, "Start the Pod even when the ConfigMap or a listed key is missing."),
    ],
};

const SECRET_SOURCE: Schema = Schema {
    name: "SecretVolumeSource",
    description: "Files made from a Secret: by default one file per key, holding the decoded value.",
    fields: &[
        f!("defaultMode", "integer", false, None, "Permission bits of the files, such as 0644 (the default) written in octal in YAML."),
        f!("items", "[]KeyToPath", false, None, "Only these keys, each at the path given. Without it every key becomes a file."),
        f!("optional", "boolean", false, None, "Start the Pod even when the Secret or a listed key is missing."),
        f!("secretName", "string", false, None, "The Secret's name, in the Pod's namespace."),
    ],
};

const EMPTY_DIR_SOURCE: Schema = Schema {
    name: "EmptyDirVolumeSource",
    description: "An empty directory that lives as long as the Pod on its node.",
    fields: &[
        f!("medium", "string", false, None, "Where the directory is stored: empty for the node's disk, Memory for a RAM-backed tmpfs counted against the container's memory."),
        f!("sizeLimit", "Quantity", false, Some("Quantity"), "The most the directory may hold; beyond it the kubelet evicts the Pod."),
    ],
};

const HOST_PATH_SOURCE: Schema = Schema {
    name: "HostPathVolumeSource",
    description: "A path on the node's filesystem.",
    fields: &[
        f!("path", "string", true, None, "The path on the node. A symlink is followed."),
        f!("type", "string", false, None, "What must exist at the path before mounting. Empty skips the check; DirectoryOrCreate and FileOrCreate create it.", ["\"\"", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"]),
    ],
};

const PVC_SOURCE: Schema = Schema {
    name: "PersistentVolumeClaimVolumeSource",
    description: "A reference to a PersistentVolumeClaim in the Pod's namespace.",
    fields: &[
        f!("claimName", "string", true, None, "The claim's name."),
        f!("readOnly", "boolean", false, None, "Mount the claimed volume read-only."),
    ],
};

pub(super) const SCHEMAS: &[Schema] = &[VOLUME, CONFIG_MAP_SOURCE, SECRET_SOURCE, EMPTY_DIR_SOURCE, HOST_PATH_SOURCE, PVC_SOURCE];
