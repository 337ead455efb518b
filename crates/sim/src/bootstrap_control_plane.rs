//! The control plane `kubeadm init` writes as static pod manifests into the control-plane
//! node's `/etc/kubernetes/manifests`: etcd, kube-apiserver, kube-controller-manager and
//! kube-scheduler, as kubeadm v1.33 writes them (commands and flags, probes on the health
//! ports, requests, hostPath volumes, hostNetwork, `system-node-critical`). The node's kubelet
//! runs them through its file source (`kubelet::static_pods`), so their mirror pods appear in
//! kube-system as `etcd-controlplane` and so on, `ssh controlplane` finds the files, and the
//! node's requests include them. Only the default cluster has them (`ClusterSpec::default`):
//! scenario clusters describe their own nodes and the scale benchmarks stay unchanged.

use crate::cluster::NodeSpec;
use serde_json::{json, Value};

pub const ETCD_IMAGE: &str = "registry.k8s.io/etcd:3.5.21-0";
pub const KUBE_APISERVER_IMAGE: &str = "registry.k8s.io/kube-apiserver:v1.33.1";
pub const KUBE_CONTROLLER_MANAGER_IMAGE: &str = "registry.k8s.io/kube-controller-manager:v1.33.1";
pub const KUBE_SCHEDULER_IMAGE: &str = "registry.k8s.io/kube-scheduler:v1.33.1";

/// The control-plane images kubeadm pulled on the control-plane node before `init`.
pub fn control_plane_images() -> [&'static str; 4] {
    [ETCD_IMAGE, KUBE_APISERVER_IMAGE, KUBE_CONTROLLER_MANAGER_IMAGE, KUBE_SCHEDULER_IMAGE]
}

/// kubeadm's httpGet probe: host, path, port (number or name), scheme and its timings.
fn probe(host: &str, path: &str, port: Value, scheme: &str, timings: &[(&str, i64)]) -> Value {
    let mut p = json!({"httpGet": {"host": host, "path": path, "port": port, "scheme": scheme}});
    for (k, v) in timings {
        p[*k] = json!(v);
    }
    p
}

fn liveness(host: &str, path: &str, port: Value, scheme: &str) -> Value {
    probe(host, path, port, scheme, &[("failureThreshold", 8), ("initialDelaySeconds", 10), ("periodSeconds", 10), ("timeoutSeconds", 15)])
}

fn startup(host: &str, path: &str, port: Value, scheme: &str) -> Value {
    probe(host, path, port, scheme, &[("failureThreshold", 24), ("initialDelaySeconds", 10), ("periodSeconds", 10), ("timeoutSeconds", 15)])
}

/// `(name, hostPath, mountPath, type, readOnly)` → the container's mounts and the volumes.
fn host_paths(list: &[(&str, &str, &str, &str, bool)]) -> (Value, Value) {
    let mut sorted: Vec<&(&str, &str, &str, &str, bool)> = list.iter().collect();
    let mounts: Vec<Value> = sorted
        .iter()
        .map(|(name, _, mount, _, ro)| if *ro { json!({"mountPath": mount, "name": name, "readOnly": true}) } else { json!({"mountPath": mount, "name": name}) })
        .collect();
    sorted.sort_by_key(|v| v.0);
    let volumes: Vec<Value> = sorted.iter().map(|(name, path, _, ty, _)| json!({"hostPath": {"path": path, "type": ty}, "name": name})).collect();
    (json!(mounts), json!(volumes))
}

/// One static pod in kubeadm's layout.
fn static_pod(name: &str, annotations: Value, container: Value, volumes: Value) -> Value {
    let mut meta = json!({"labels": {"component": name, "tier": "control-plane"}, "name": name, "namespace": "kube-system"});
    if annotations.as_object().is_some_and(|a| !a.is_empty()) {
        meta["annotations"] = annotations;
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {"containers": [container], "hostNetwork": true, "priority": 2000001000, "priorityClassName": "system-node-critical",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "volumes": volumes}})
}

fn etcd(node: &NodeSpec) -> Value {
    let ip = &node.internal_ip;
    let command = vec![
        "etcd".to_string(),
        format!("--advertise-client-urls=https://{ip}:2379"),
        "--cert-file=/etc/kubernetes/pki/etcd/server.crt".into(),
        "--client-cert-auth=true".into(),
        "--data-dir=/var/lib/etcd".into(),
        "--experimental-initial-corrupt-check=true".into(),
        "--experimental-watch-progress-notify-interval=5s".into(),
        format!("--initial-advertise-peer-urls=https://{ip}:2380"),
        format!("--initial-cluster={}=https://{ip}:2380", node.name),
        "--key-file=/etc/kubernetes/pki/etcd/server.key".into(),
        format!("--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379"),
        "--listen-metrics-urls=http://127.0.0.1:2381".into(),
        format!("--listen-peer-urls=https://{ip}:2380"),
        format!("--name={}", node.name),
        "--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt".into(),
        "--peer-client-cert-auth=true".into(),
        "--peer-key-file=/etc/kubernetes/pki/etcd/peer.key".into(),
        "--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
        "--snapshot-count=10000".into(),
        "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt".into(),
    ];
    let (mounts, volumes) = host_paths(&[("etcd-data", "/var/lib/etcd", "/var/lib/etcd", "DirectoryOrCreate", false), ("etcd-certs", "/etc/kubernetes/pki/etcd", "/etc/kubernetes/pki/etcd", "DirectoryOrCreate", false)]);
    let readiness = probe("127.0.0.1", "/readyz", json!(2381), "HTTP", &[("failureThreshold", 3), ("periodSeconds", 1), ("timeoutSeconds", 15)]);
    let container = json!({"command": command, "image": ETCD_IMAGE, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": liveness("127.0.0.1", "/livez", json!(2381), "HTTP"), "name": "etcd", "readinessProbe": readiness,
        "resources": {"requests": {"cpu": "100m", "memory": "100Mi"}}, "startupProbe": startup("127.0.0.1", "/readyz", json!(2381), "HTTP"), "volumeMounts": mounts});
    static_pod("etcd", json!({"kubeadm.kubernetes.io/etcd.advertise-client-urls": format!("https://{ip}:2379")}), container, volumes)
}

/// The CA and certificate directories the Kubernetes components mount read-only.
const CERT_DIRS: [(&str, &str, &str); 4] = [
    ("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
    ("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
    ("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
    ("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate"),
];

fn kube_apiserver(node: &NodeSpec) -> Value {
    let ip = &node.internal_ip;
    let mut command = vec!["kube-apiserver".to_string(), format!("--advertise-address={ip}")];
    command.extend(
        [
            "--allow-privileged=true", "--authorization-mode=Node,RBAC", "--client-ca-file=/etc/kubernetes/pki/ca.crt", "--enable-admission-plugins=NodeRestriction",
            "--enable-bootstrap-token-auth=true", "--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt", "--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
            "--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key", "--etcd-servers=https://127.0.0.1:2379",
            "--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt", "--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname", "--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
            "--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key", "--requestheader-allowed-names=front-proxy-client",
            "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt", "--requestheader-extra-headers-prefix=X-Remote-Extra-",
            "--requestheader-group-headers=X-Remote-Group", "--requestheader-username-headers=X-Remote-User", "--secure-port=6443",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local", "--service-account-key-file=/etc/kubernetes/pki/sa.pub",
            "--service-account-signing-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=10.96.0.0/12",
            "--tls-cert-file=/etc/kubernetes/pki/apiserver.crt", "--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
        ]
        .map(str::to_string),
    );
    let mut dirs: Vec<(&str, &str, &str, &str, bool)> = CERT_DIRS.iter().map(|(n, p, t)| (*n, *p, *p, *t, true)).collect();
    dirs.insert(2, ("k8s-certs", "/etc/kubernetes/pki", "/etc/kubernetes/pki", "DirectoryOrCreate", true));
    let (mounts, volumes) = host_paths(&dirs);
    let port = json!("probe-port");
    let readiness = probe(ip, "/readyz", port.clone(), "HTTPS", &[("failureThreshold", 3), ("periodSeconds", 1), ("timeoutSeconds", 15)]);
    let container = json!({"command": command, "image": KUBE_APISERVER_IMAGE, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": liveness(ip, "/livez", port.clone(), "HTTPS"), "name": "kube-apiserver",
        // kubeadm writes no hostPort; the API server's hostNetwork defaulting (which Podlab's
        // defaults do not apply yet) sets it to the containerPort, as the mirror pod shows.
        "ports": [{"containerPort": 6443, "hostPort": 6443, "name": "probe-port", "protocol": "TCP"}], "readinessProbe": readiness,
        "resources": {"requests": {"cpu": "250m"}}, "startupProbe": startup(ip, "/livez", port, "HTTPS"), "volumeMounts": mounts});
    static_pod("kube-apiserver", json!({"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": format!("{ip}:6443")}), container, volumes)
}

fn kube_controller_manager(node: &NodeSpec) -> Value {
    let _ = node;
    let command: Vec<String> = [
        "kube-controller-manager", "--allocate-node-cidrs=true", "--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
        "--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf", "--bind-address=127.0.0.1", "--client-ca-file=/etc/kubernetes/pki/ca.crt",
        "--cluster-cidr=10.244.0.0/16", "--cluster-name=kubernetes", "--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
        "--cluster-signing-key-file=/etc/kubernetes/pki/ca.key", "--controllers=*,bootstrapsigner,tokencleaner", "--kubeconfig=/etc/kubernetes/controller-manager.conf",
        "--leader-elect=true", "--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt", "--root-ca-file=/etc/kubernetes/pki/ca.crt",
        "--service-account-private-key-file=/etc/kubernetes/pki/sa.key", "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true",
    ]
    .map(str::to_string)
    .to_vec();
    let mut dirs: Vec<(&str, &str, &str, &str, bool)> = CERT_DIRS.iter().map(|(n, p, t)| (*n, *p, *p, *t, true)).collect();
    dirs.insert(2, ("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "DirectoryOrCreate", false));
    dirs.insert(3, ("k8s-certs", "/etc/kubernetes/pki", "/etc/kubernetes/pki", "DirectoryOrCreate", true));
    dirs.insert(4, ("kubeconfig", "/etc/kubernetes/controller-manager.conf", "/etc/kubernetes/controller-manager.conf", "FileOrCreate", true));
    let (mounts, volumes) = host_paths(&dirs);
    let container = json!({"command": command, "image": KUBE_CONTROLLER_MANAGER_IMAGE, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": liveness("127.0.0.1", "/healthz", json!(10257), "HTTPS"), "name": "kube-controller-manager",
        "resources": {"requests": {"cpu": "200m"}}, "startupProbe": startup("127.0.0.1", "/healthz", json!(10257), "HTTPS"), "volumeMounts": mounts});
    static_pod("kube-controller-manager", json!({}), container, volumes)
}

fn kube_scheduler(node: &NodeSpec) -> Value {
    let _ = node;
    let command: Vec<String> = [
        "kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf", "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
        "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true",
    ]
    .map(str::to_string)
    .to_vec();
    let (mounts, volumes) = host_paths(&[("kubeconfig", "/etc/kubernetes/scheduler.conf", "/etc/kubernetes/scheduler.conf", "FileOrCreate", true)]);
    let readiness = probe("127.0.0.1", "/readyz", json!(10259), "HTTPS", &[("failureThreshold", 3), ("periodSeconds", 1), ("timeoutSeconds", 15)]);
    let container = json!({"command": command, "image": KUBE_SCHEDULER_IMAGE, "imagePullPolicy": "IfNotPresent",
        "livenessProbe": liveness("127.0.0.1", "/livez", json!(10259), "HTTPS"), "name": "kube-scheduler", "readinessProbe": readiness,
        "resources": {"requests": {"cpu": "100m"}}, "startupProbe": startup("127.0.0.1", "/livez", json!(10259), "HTTPS"), "volumeMounts": mounts});
    static_pod("kube-scheduler", json!({}), container, volumes)
}

/// The four manifests, in the order kubeadm's control-plane phase writes them.
pub fn control_plane_manifests(node: &NodeSpec) -> Vec<Value> {
    vec![etcd(node), kube_apiserver(node), kube_controller_manager(node), kube_scheduler(node)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_have_kubeadms_names_images_and_requests() {
        let node = NodeSpec::worker("controlplane", 0);
        let pods = control_plane_manifests(&node);
        let want = [
            ("etcd", ETCD_IMAGE, "100m", Some("100Mi")),
            ("kube-apiserver", KUBE_APISERVER_IMAGE, "250m", None),
            ("kube-controller-manager", KUBE_CONTROLLER_MANAGER_IMAGE, "200m", None),
            ("kube-scheduler", KUBE_SCHEDULER_IMAGE, "100m", None),
        ];
        assert_eq!(pods.len(), want.len());
        for (pod, (name, image, cpu, memory)) in pods.iter().zip(want) {
            let c = &pod["spec"]["containers"][0];
            assert_eq!(pod["metadata"]["name"], name);
            assert_eq!(pod["metadata"]["namespace"], "kube-system");
            assert_eq!(pod["spec"]["hostNetwork"], true);
            assert_eq!(pod["spec"]["priorityClassName"], "system-node-critical");
            assert_eq!(c["image"], image);
            assert_eq!(c["resources"]["requests"]["cpu"], cpu);
            assert_eq!(c["resources"]["requests"]["memory"].as_str(), memory);
            let mounts = c["volumeMounts"].as_array().map(Vec::len);
            assert_eq!(mounts, pod["spec"]["volumes"].as_array().map(Vec::len), "{name}");
        }
        assert_eq!(pods[1]["spec"]["containers"][0]["command"][1], "--advertise-address=192.168.10.10");
    }

    #[test]
    fn mirror_pods_pass_validation() {
        for manifest in control_plane_manifests(&NodeSpec::worker("controlplane", 0)) {
            let pod = crate::kubelet::static_pods::prepare(&manifest, "controlplane");
            let decoded = podlab_api::Object::from_json_value(&pod);
            let Ok(mut o) = decoded else { panic!("{}: {:?}", manifest["metadata"]["name"], decoded.err()) };
            podlab_api::defaults::apply(&mut o);
            let checked = podlab_api::validation::validate_create(&o);
            assert!(checked.is_ok(), "{}: {:?}", manifest["metadata"]["name"], checked.err().map(|e| e.iter().map(|x| x.to_string()).collect::<Vec<_>>()));
        }
    }
}
