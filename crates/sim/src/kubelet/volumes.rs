//! The kubelet's volume manager for one pod: every volume of the spec becomes a real tree in
//! the pod's filesystem arena before any container starts — emptyDir (shared by the pod's
//! containers), configMap and secret files (read through the API server as the node, with the
//! real `MountVolume.SetUp failed` texts when an object or key is missing), the projected
//! service-account volume, downwardAPI, hostPath disks that outlive the pod on this node, and
//! PersistentVolumeClaims (see `claims`: CSI disks taken from the cloud once attached and
//! staged, given back on unmount). It also builds each container instance's mount table (root
//! layer, kubelet-managed /etc files, volumeMounts with subPath).

pub use super::csi_mount::{claims_ready, ClaimMount};
use super::csi::Cloud;
use crate::component::Ctx;
use crate::meta;
use crate::time::SimTime;
use crate::request::{ApiOk, ApiRequest};
use podlab_api::core::bytes::base64_decode;
use podlab_api::{Container, DownwardAPIVolumeFile, KeyToPath, PodSpec, Volume};
use podlab_runtime::{FsTree, MountTable, Volumes, VolumeId};
use serde_json::Value;
use std::collections::BTreeMap;

/// The pod's volume arena and the tree behind each named volume.
#[derive(Debug, Default)]
pub struct PodVolumes {
    pub store: Volumes,
    pub by_name: BTreeMap<String, VolumeId>,
    /// Disk-like volumes (hostPath, non-CSI PVC) and the node-level key they are written back to.
    pub disks: BTreeMap<String, VolumeId>,
    /// CSI disks of claims, given back to the cloud on unmount.
    pub claims: Vec<(ClaimMount, VolumeId)>,
    pub cloud: Option<Cloud>,
    /// A claim's unmount failed on this node (the fault stays until the pod is force-deleted).
    pub unmount_stuck: bool,
    /// When the claims' filesystems were last written back to their disks.
    pub flushed_at: Option<SimTime>,
}

/// Reads an object through the API server as this kubelet (the Node authorizer allows it).
pub fn fetch(ctx: &mut Ctx<'_>, kind: &str, ns: &str, name: &str) -> Option<Value> {
    match ctx.submit(ApiRequest::get(kind, ns, name)) {
        Ok(ApiOk::Object(v)) => Some(std::sync::Arc::unwrap_or_clone(v)),
        _ => None,
    }
}

/// `data` and `binaryData` of a ConfigMap, or the decoded `data` of a Secret.
pub fn object_data(obj: &Value) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let secret = meta::kind(obj) == "Secret";
    for (k, v) in meta::string_map(obj, &["data"]) {
        let bytes = if secret { base64_decode(v).unwrap_or_default() } else { v.as_bytes().to_vec() };
        out.insert(k.to_string(), bytes);
    }
    if !secret {
        for (k, v) in meta::string_map(obj, &["binaryData"]) {
            out.insert(k.to_string(), base64_decode(v).unwrap_or_default());
        }
    }
    for (k, v) in meta::string_map(obj, &["stringData"]) {
        out.insert(k.to_string(), v.as_bytes().to_vec());
    }
    out
}

fn mode_of(default_mode: Option<i32>, item_mode: Option<i32>) -> u32 {
    u32::try_from(item_mode.or(default_mode).unwrap_or(0o644)).unwrap_or(0o644)
}

/// Writes `data` (all keys, or `items`) into `tree` under `dir`. Err names a missing key.
fn project(tree: &mut FsTree, dir: &str, data: &BTreeMap<String, Vec<u8>>, items: &[KeyToPath], default_mode: Option<i32>, optional: bool) -> Result<(), String> {
    if items.is_empty() {
        for (k, v) in data {
            tree.put_file(&format!("{dir}/{k}"), v, mode_of(default_mode, None));
        }
        return Ok(());
    }
    for it in items {
        match data.get(&it.key) {
            Some(v) => tree.put_file(&format!("{dir}/{}", it.path), v, mode_of(default_mode, it.mode)),
            None if optional => {}
            None => return Err(it.key.clone()),
        }
    }
    Ok(())
}

/// A value of the downward API (`metadata.labels`, `metadata.name`, ...).
pub fn field_ref(pod: &Value, path: &str) -> Option<String> {
    let map_text = |key: &str| {
        let mut lines: Vec<String> = meta::string_map(pod, &["metadata", key]).into_iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
        lines.sort();
        lines.join("\n")
    };
    if let Some(rest) = path.strip_prefix("metadata.labels['").and_then(|r| r.strip_suffix("']")) {
        return meta::label(pod, rest).map(str::to_string);
    }
    if let Some(rest) = path.strip_prefix("metadata.annotations['").and_then(|r| r.strip_suffix("']")) {
        return meta::str_at(pod, &["metadata", "annotations", rest]).map(str::to_string);
    }
    Some(match path {
        "metadata.name" => meta::name(pod).to_string(),
        "metadata.namespace" => meta::namespace(pod).to_string(),
        "metadata.uid" => meta::uid(pod).to_string(),
        "metadata.labels" => map_text("labels"),
        "metadata.annotations" => map_text("annotations"),
        "spec.nodeName" => meta::node_name(pod).to_string(),
        "spec.serviceAccountName" => meta::str_at(pod, &["spec", "serviceAccountName"]).unwrap_or("").to_string(),
        "status.podIP" => meta::str_at(pod, &["status", "podIP"]).unwrap_or("").to_string(),
        "status.hostIP" => meta::str_at(pod, &["status", "hostIP"]).unwrap_or("").to_string(),
        _ => return None,
    })
}

fn downward_files(tree: &mut FsTree, pod: &Value, items: &[DownwardAPIVolumeFile], default_mode: Option<i32>) {
    for it in items {
        let value = it.field_ref.as_ref().and_then(|f| field_ref(pod, &f.field_path)).unwrap_or_default();
        tree.put_file(&format!("/{}", it.path), value.as_bytes(), mode_of(default_mode, it.mode));
    }
}

/// A token that looks like the projected service-account JWT (deterministic per pod).
fn service_account_token(pod: &Value) -> String {
    let sa = meta::str_at(pod, &["spec", "serviceAccountName"]).unwrap_or("default");
    let claims = format!("{{\"aud\":[\"https://kubernetes.default.svc.cluster.local\"],\"kubernetes.io\":{{\"namespace\":\"{}\",\"pod\":{{\"name\":\"{}\",\"uid\":\"{}\"}},\"serviceaccount\":{{\"name\":\"{sa}\"}}}},\"sub\":\"system:serviceaccount:{}:{sa}\"}}", meta::namespace(pod), meta::name(pod), meta::uid(pod), meta::namespace(pod));
    let enc = |s: &str| podlab_api::core::bytes::base64_encode(s.as_bytes()).trim_end_matches('=').replace('+', "-").replace('/', "_");
    format!("{}.{}.{}", enc("{\"alg\":\"RS256\",\"kid\":\"podlab\"}"), enc(&claims), enc(meta::uid(pod)))
}

/// Builds one volume's tree; Err is the FailedMount message.
fn build(ctx: &mut Ctx<'_>, pod: &Value, v: &Volume, disks: &mut BTreeMap<String, FsTree>) -> Result<(FsTree, Option<String>), String> {
    if v.persistent_volume_claim.is_some() {
        return Ok((FsTree::new(), None));
    }
    let ns = meta::namespace(pod).to_string();
    let fail = |what: String| format!("MountVolume.SetUp failed for volume \"{}\" : {what}", v.name);
    let mut tree = FsTree::new();
    if let Some(cm) = &v.config_map {
        let optional = cm.optional == Some(true);
        match fetch(ctx, "ConfigMap", &ns, &cm.name) {
            Some(obj) => project(&mut tree, "", &object_data(&obj), &cm.items, cm.default_mode, optional).map_err(|k| fail(format!("configmap references non-existent config key: {k}")))?,
            None if optional => {}
            None => return Err(fail(format!("configmap \"{}\" not found", cm.name))),
        }
    } else if let Some(s) = &v.secret {
        let optional = s.optional == Some(true);
        match fetch(ctx, "Secret", &ns, &s.secret_name) {
            Some(obj) => project(&mut tree, "", &object_data(&obj), &s.items, s.default_mode, optional).map_err(|k| fail(format!("references non-existent secret key: {k}")))?,
            None if optional => {}
            None => return Err(fail(format!("secret \"{}\" not found", s.secret_name))),
        }
    } else if let Some(p) = &v.projected {
        for src in &p.sources {
            if let Some(t) = &src.service_account_token {
                tree.put_file(&format!("/{}", t.path), service_account_token(pod).as_bytes(), mode_of(p.default_mode, None));
            }
            if let Some(cm) = &src.config_map {
                let obj = fetch(ctx, "ConfigMap", &ns, &cm.name).ok_or_else(|| fail(format!("configmap \"{}\" not found", cm.name)))?;
                project(&mut tree, "", &object_data(&obj), &cm.items, p.default_mode, cm.optional == Some(true)).map_err(|k| fail(format!("configmap references non-existent config key: {k}")))?;
            }
            if let Some(s) = &src.secret {
                let obj = fetch(ctx, "Secret", &ns, &s.name).ok_or_else(|| fail(format!("secret \"{}\" not found", s.name)))?;
                project(&mut tree, "", &object_data(&obj), &s.items, p.default_mode, s.optional == Some(true)).map_err(|k| fail(format!("references non-existent secret key: {k}")))?;
            }
            if let Some(d) = &src.downward_api {
                downward_files(&mut tree, pod, &d.items, p.default_mode);
            }
        }
    } else if let Some(d) = &v.downward_api {
        downward_files(&mut tree, pod, &d.items, d.default_mode);
    } else if let Some(h) = &v.host_path {
        let key = format!("hostPath:{}", h.path);
        return Ok((disks.remove(&key).unwrap_or_default_tree(), Some(key)));
    }
    Ok((tree, None))
}

trait OrEmpty {
    fn unwrap_or_default_tree(self) -> FsTree;
}

impl OrEmpty for Option<FsTree> {
    fn unwrap_or_default_tree(self) -> FsTree {
        self.unwrap_or_else(FsTree::new)
    }
}

/// Sets up every volume of the pod. Err carries one FailedMount message per failing volume.
/// Claims must be ready (`claims_ready`): their disks are taken from the cloud here.
pub fn mount_all(ctx: &mut Ctx<'_>, pod: &Value, spec: &PodSpec, disks: &mut BTreeMap<String, FsTree>, cloud: Option<&Cloud>) -> Result<PodVolumes, Vec<String>> {
    let mut out = PodVolumes { cloud: cloud.cloned(), ..PodVolumes::default() };
    let mut errors = Vec::new();
    for v in &spec.volumes {
        if let Some(c) = &v.persistent_volume_claim {
            let (tree, mount) = super::csi_mount::take_claim(ctx, pod, &c.claim_name, disks, cloud);
            let id = out.store.add(tree);
            out.by_name.insert(v.name.clone(), id);
            match mount {
                Some(m) => out.claims.push((m, id)),
                None => {
                    out.disks.insert(format!("pvc:{}/{}", meta::namespace(pod), c.claim_name), id);
                }
            }
            continue;
        }
        match build(ctx, pod, v, disks) {
            Ok((tree, disk_key)) => {
                let id = out.store.add(tree);
                out.by_name.insert(v.name.clone(), id);
                if let Some(k) = disk_key {
                    out.disks.insert(k, id);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        out.release(disks);
        Err(errors)
    }
}

impl PodVolumes {
    /// Gives hostPath / PVC trees back to the node so the next pod there sees the data, and
    /// CSI disks back to the cloud.
    pub fn release(&mut self, disks: &mut BTreeMap<String, FsTree>) {
        for (key, id) in std::mem::take(&mut self.disks) {
            if let Some(tree) = self.store.remove(id) {
                disks.insert(key, tree);
            }
        }
        self.unmount_claims();
    }

    /// Writes the claims' filesystems back to their disks after every step of the pod's
    /// processes (the page cache's writeback), so a disk force-detached from a dead node keeps
    /// what its pod wrote. Not throttled by time: a pod that writes and then sleeps for a day
    /// is stepped again only a day later, so a skipped writeback would lose its data; the
    /// cloud copies a tree only when it changed.
    pub fn flush_claims(&mut self, now: SimTime) {
        if self.claims.is_empty() {
            return;
        }
        let Some(cloud) = self.cloud.clone() else { return };
        self.flushed_at = Some(now);
        for (m, id) in &self.claims {
            if let Some(tree) = self.store.get(*id) {
                cloud.borrow_mut().flush(&m.handle, &m.node, tree);
            }
        }
    }

    /// Unmounts the CSI disks (NodeUnpublish/NodeUnstage). False while a node's unmount fails:
    /// the kubelet then keeps the pod (Terminating) until it succeeds.
    pub fn unmount_claims(&mut self) -> bool {
        let Some(cloud) = self.cloud.clone() else { return true };
        let mut ok = true;
        for (m, id) in std::mem::take(&mut self.claims) {
            let tree = self.store.remove(id).unwrap_or_default();
            ok &= cloud.borrow_mut().unmount(&m.handle, &m.node, &m.pod_uid, tree);
        }
        self.unmount_stuck |= !ok;
        !self.unmount_stuck
    }
}

/// The kubelet-managed /etc files every container gets.
pub fn etc_files(root: &mut FsTree, pod: &Value, pod_ip: &str) {
    let hostname = meta::name(pod);
    let ns = meta::namespace(pod);
    root.put_file("/etc/hostname", format!("{hostname}\n").as_bytes(), 0o644);
    let hosts = format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{pod_ip}\t{hostname}\n");
    root.put_file("/etc/hosts", hosts.as_bytes(), 0o644);
    let resolv = format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver {}\noptions ndots:5\n", super::network::CLUSTER_DNS_IP);
    root.put_file("/etc/resolv.conf", resolv.as_bytes(), 0o644);
    root.put_file("/dev/termination-log", b"", 0o666);
}

/// The mount table of a new container instance whose root layer is `root`.
pub fn mount_table(vols: &mut PodVolumes, root: VolumeId, c: &Container) -> MountTable {
    let mut table = MountTable::with_root(root);
    for m in &c.volume_mounts {
        let Some(&id) = vols.by_name.get(&m.name) else { continue };
        if !m.sub_path.is_empty() {
            // The kubelet creates a missing subPath directory inside the volume.
            if let Some(tree) = vols.store.get_mut(id) {
                let comps = podlab_runtime::fs::components(&m.sub_path);
                if tree.stat(&comps).is_err() {
                    let _ = tree.mkdir_all(&comps, 0);
                }
            }
        }
        table.add(&m.mount_path, id, &m.sub_path, m.read_only);
    }
    table
}
