//! One node's machine as `ssh` shows it: an Ubuntu 22.04 root filesystem with the kubeadm files
//! a learner looks for (`/var/lib/kubelet/config.yaml` naming `staticPodPath:
//! /etc/kubernetes/manifests`, the kubelet's systemd unit), and the manifests directory
//! bound to the node kubelet's file source. The kubelet watches that directory (inotify plus a
//! periodic re-list in pkg/kubelet/config/file.go), so after every command the directory is
//! compared with what was last handed to the kubelet: a new file becomes a static pod, a
//! removed one stops it, an edited one replaces it. Files that do not decode to a named Pod
//! are skipped, as the kubelet logs and skips them; hidden files are ignored like the real
//! file source does.

use podlab_runtime::{Base, FsTree, FsView, Image, MountTable, Volumes};
use podlab_sim::time::SimTime;
use podlab_sim::Simulation;
use serde_json::Value;
use std::collections::BTreeMap;

/// The kubelet's `staticPodPath` on a kubeadm node.
pub const MANIFESTS_DIR: &str = "/etc/kubernetes/manifests";

/// The node's operating system image: Debian userland, `bash` for root's login shell. It is
/// never pulled; only its base decides the shell's flavour and the seeded files.
pub static NODE_IMAGE: Image = Image {
    registry: "localhost",
    repository: "podlab/node",
    tags: &[],
    entrypoint: &[],
    cmd: &["bash"],
    env: &[("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")],
    working_dir: "/root",
    base: Base::Debian,
    private: false,
    binaries: &[],
    baseline_memory_bytes: 0,
};

/// The OS image `kubectl describe node` reports for every node.
const OS_RELEASE: &str = "PRETTY_NAME=\"Ubuntu 22.04.5 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.5 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nUBUNTU_CODENAME=jammy\n";

const KUBELET_CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nauthentication:\n  anonymous:\n    enabled: false\n  webhook:\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\nauthorization:\n  mode: Webhook\ncgroupDriver: systemd\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\nkind: KubeletConfiguration\nstaticPodPath: /etc/kubernetes/manifests\n";

const KUBEADM_DROP_IN: &str = "# Note: This dropin only works with kubeadm and kubelet v1.11+\n[Service]\nEnvironment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"\nEnvironment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"\nEnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env\nEnvironmentFile=-/etc/default/kubelet\nExecStart=\nExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS\n";

/// A node's disk and what its kubelet was last told about the manifests directory.
pub struct Host {
    pub node: String,
    pub volumes: Volumes,
    pub mounts: MountTable,
    /// Manifest file path -> the text last handed to the kubelet.
    synced: BTreeMap<String, String>,
    /// Manifest file path -> (namespace, name) of the static pod it became.
    pods: BTreeMap<String, (String, String)>,
    /// When the kubelet unit last changed state through `systemctl` (None: since boot).
    pub kubelet_since: Option<SimTime>,
    /// The kubelet's main PID (a new one after every start).
    pub kubelet_pid: u32,
}

impl Host {
    /// The machine of `node`, its manifests directory holding the static pods its kubelet
    /// already runs (a lesson's prepared cluster), each as `<name>.yaml`.
    pub fn boot(sim: &mut Simulation, node: &str) -> Host {
        let mut root = FsTree::new();
        podlab_runtime::programs::seed_files(&NODE_IMAGE, &mut root);
        root.put_file("/etc/hostname", format!("{node}\n").as_bytes(), 0o644);
        root.put_file("/etc/os-release", OS_RELEASE.as_bytes(), 0o644);
        root.put_file("/var/lib/kubelet/config.yaml", KUBELET_CONFIG.as_bytes(), 0o644);
        root.put_file("/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", KUBEADM_DROP_IN.as_bytes(), 0o644);
        let _ = root.mkdir_all(&["etc", "kubernetes", "manifests"], 0);
        let _ = root.mkdir_all(&["root"], 0);
        let (mut synced, mut pods) = (BTreeMap::new(), BTreeMap::new());
        for pod in sim.static_pods(node) {
            let (path, text, key) = manifest_file(&pod, node);
            root.put_file(&path, text.as_bytes(), 0o600);
            synced.insert(path.clone(), text);
            pods.insert(path, key);
        }
        let mut volumes = Volumes::new();
        let mounts = MountTable::with_root(volumes.add(root));
        Host { node: node.to_string(), volumes, mounts, synced, pods, kubelet_since: None, kubelet_pid: 812 }
    }

    pub fn view(&mut self) -> FsView<'_> {
        FsView::new(&mut self.volumes, &self.mounts)
    }

    /// Hands the kubelet what changed in the manifests directory since the last call.
    pub fn sync_manifests(&mut self, sim: &mut Simulation) {
        let now: BTreeMap<String, String> = self.manifest_files();
        let gone: Vec<String> = self.synced.keys().filter(|p| now.get(*p) != self.synced.get(*p)).cloned().collect();
        for path in gone {
            self.synced.remove(&path);
            if let Some((ns, name)) = self.pods.remove(&path) {
                sim.remove_static_pod(&self.node, &ns, &name);
                // The old pod is torn down before a replacement with the same name arrives.
                let t = sim.now();
                sim.advance_to(t);
            }
        }
        for (path, text) in now {
            if self.synced.contains_key(&path) {
                continue;
            }
            if let Some(pod) = decode_pod(&text) {
                let key = (podlab_sim::meta::namespace(&pod).to_string(), podlab_sim::meta::name(&pod).to_string());
                let key = (if key.0.is_empty() { "default".to_string() } else { key.0 }, key.1);
                if sim.add_static_pod(&self.node, &pod) {
                    self.pods.insert(path.clone(), key);
                }
            }
            self.synced.insert(path, text);
        }
    }

    /// The regular, non-hidden files directly in the manifests directory.
    fn manifest_files(&mut self) -> BTreeMap<String, String> {
        let view = self.view();
        let entries = view.list(MANIFESTS_DIR).unwrap_or_default();
        entries
            .into_iter()
            .filter(|(name, meta)| !meta.is_dir && !name.starts_with('.'))
            .filter_map(|(name, _)| {
                let path = format!("{MANIFESTS_DIR}/{name}");
                view.read_string(&path).ok().map(|t| (path, t))
            })
            .collect()
    }
}

/// What the kubelet's file source accepts: one document that is a Pod with a name.
fn decode_pod(text: &str) -> Option<Value> {
    let doc = podlab_api::manifest::parse(text).into_iter().next()?.ok()?;
    let pod = doc.into_json();
    let is_pod = pod["kind"] == "Pod" && pod["apiVersion"] == "v1";
    let named = pod["metadata"]["name"].as_str().is_some_and(|n| !n.is_empty());
    (is_pod && named).then_some(pod)
}

/// A running static pod written back as the file it came from: the kubelet's defaults
/// (node suffix, config annotations, nodeName, the catch-all toleration) taken off again.
fn manifest_file(pod: &Value, node: &str) -> (String, String, (String, String)) {
    let mut m = pod.clone();
    let full = podlab_sim::meta::name(pod).to_string();
    let name = full.strip_suffix(&format!("-{}", node.to_lowercase())).unwrap_or(&full).to_string();
    let namespace = podlab_sim::meta::namespace(pod).to_string();
    m["metadata"]["name"] = Value::String(name.clone());
    if let Some(a) = m["metadata"]["annotations"].as_object_mut() {
        a.retain(|k, _| !k.starts_with("kubernetes.io/config."));
        if a.is_empty() {
            m["metadata"].as_object_mut().map(|o| o.shift_remove("annotations"));
        }
    }
    if let Some(spec) = m["spec"].as_object_mut() {
        spec.shift_remove("nodeName");
        let catch_all = serde_json::json!({"operator": "Exists", "effect": "NoExecute"});
        if let Some(t) = spec.get_mut("tolerations").and_then(Value::as_array_mut) {
            t.retain(|x| *x != catch_all);
        }
        if spec.get("tolerations").and_then(Value::as_array).is_some_and(Vec::is_empty) {
            spec.shift_remove("tolerations");
        }
    }
    (format!("{MANIFESTS_DIR}/{name}.yaml"), crate::yaml::to_yaml(&m), (namespace, name))
}
