//! What a freshly installed kubeadm cluster already contains at time 0: the four system
//! namespaces with their `default` ServiceAccount and `kube-root-ca.crt` ConfigMap, the
//! `kubernetes` Service, bootstrap RBAC (cluster-admin/admin/edit/view and the scheduler's
//! role), the Node objects with kubelet-reported status, the control-plane components and,
//! when `ClusterSpec.addons` asks, kubeadm's add-ons (`bootstrap_addons`).
//! Objects from `ClusterSpec.objects` then go through the full API pipeline as the admin.

use crate::cluster::{NodeSpec, TaintSpec};
use crate::meta;
use crate::request::ApiRequest;
use crate::rng::Rng;
use crate::sim::Simulation;
use crate::trace::Outcome;
use serde_json::{json, Value};

pub const NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

pub(crate) const CA_CRT: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIPodlabSimCA0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNTAxMDExMjAwMDBaFw0zNTAxMDExMjAwMDBaMBUx\nEzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n-----END CERTIFICATE-----\n";

fn meta_obj(rng: &mut Rng, name: &str, ns: &str, created: &str) -> Value {
    let mut m = json!({"name": name, "uid": rng.uid(), "creationTimestamp": created});
    if !ns.is_empty() {
        m["namespace"] = json!(ns);
    }
    m
}

fn rule(groups: &[&str], resources: &[&str], verbs: &[&str]) -> Value {
    json!({"apiGroups": groups, "resources": resources, "verbs": verbs})
}

fn rbac_objects(rng: &mut Rng, created: &str) -> Vec<Value> {
    let rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    let ro = ["get", "list", "watch"];
    let workloads = ["pods", "pods/log", "pods/exec", "pods/attach", "pods/portforward", "services", "configmaps", "secrets", "persistentvolumeclaims", "serviceaccounts", "endpoints", "events"];
    let apps = ["deployments", "replicasets", "statefulsets", "daemonsets", "deployments/scale", "replicasets/scale"];
    let mut out = Vec::new();
    let mut role = |name: &str, rules: Vec<Value>| {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta_obj(rng, name, "", created), "rules": rules})
    };
    out.push(role("cluster-admin", vec![rule(&["*"], &["*"], &["*"])]));
    // ControllerRevisions (rollout history of DaemonSets) are read-only even for edit, which
    // aggregates view's read rule for them.
    let revisions = rule(&["apps"], &["controllerrevisions"], &ro);
    let edit = vec![rule(&[""], &workloads, &rw), rule(&["apps"], &apps, &rw), revisions.clone(), rule(&["batch"], &["jobs", "cronjobs"], &rw), rule(&["discovery.k8s.io"], &["endpointslices"], &ro)];
    let mut admin = edit.clone();
    admin.push(rule(&["rbac.authorization.k8s.io"], &["roles", "rolebindings"], &rw));
    out.push(role("admin", admin));
    out.push(role("edit", edit));
    let view_res = ["pods", "pods/log", "services", "configmaps", "persistentvolumeclaims", "serviceaccounts", "endpoints", "events", "limitranges", "resourcequotas", "namespaces"];
    out.push(role("view", vec![rule(&[""], &view_res, &ro), rule(&["apps"], &apps, &ro), revisions, rule(&["batch"], &["jobs", "cronjobs"], &ro)]));
    out.push(role(
        "system:kube-scheduler",
        vec![
            rule(&["", "events.k8s.io"], &["events"], &["create", "patch", "update"]),
            rule(&[""], &["pods/binding", "bindings"], &["create"]),
            rule(&[""], &["pods/status"], &["patch", "update"]),
            rule(&[""], &["pods", "nodes", "namespaces", "persistentvolumeclaims", "persistentvolumes", "services", "replicationcontrollers"], &ro),
            rule(&[""], &["pods"], &["delete"]),
            rule(&["coordination.k8s.io"], &["leases"], &["create", "get", "update"]),
        ],
    ));
    out.push(role("system:kube-controller-manager", vec![rule(&["*"], &["*"], &["*"])]));
    let mut binding = |name: &str, role: &str, kind: &str, subject: &str| {
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta_obj(rng, name, "", created),
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
               "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": subject}]})
    };
    out.push(binding("cluster-admin", "cluster-admin", "Group", "system:masters"));
    out.push(binding("system:kube-scheduler", "system:kube-scheduler", "User", "system:kube-scheduler"));
    out.push(binding("system:kube-controller-manager", "system:kube-controller-manager", "User", "system:kube-controller-manager"));
    out
}

fn namespace_objects(rng: &mut Rng, created: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for ns in NAMESPACES {
        out.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "uid": rng.uid(), "creationTimestamp": created, "labels": {"kubernetes.io/metadata.name": ns}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}));
    }
    for ns in NAMESPACES {
        out.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta_obj(rng, "default", ns, created)}));
        let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta_obj(rng, "kube-root-ca.crt", ns, created), "data": {"ca.crt": CA_CRT}});
        cm["metadata"]["annotations"] = json!({"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service (kubernetes.default.svc). No other usage is guaranteed across distributions of Kubernetes clusters."});
        out.push(cm);
    }
    let mut svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": meta_obj(rng, "kubernetes", "default", created)});
    svc["metadata"]["labels"] = json!({"component": "apiserver", "provider": "kubernetes"});
    svc["spec"] = json!({"clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
        "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}], "sessionAffinity": "None", "type": "ClusterIP"});
    svc["status"] = json!({"loadBalancer": {}});
    out.push(svc);
    out
}

fn taint_json(t: &TaintSpec) -> Value {
    let mut v = json!({"key": t.key, "effect": t.effect});
    if !t.value.is_empty() {
        v["value"] = json!(t.value);
    }
    v
}

/// Allocatable memory is capacity minus the kubelet's default hard eviction threshold (100Mi).
fn allocatable_memory(capacity: &str) -> String {
    match podlab_api::Quantity::parse(capacity) {
        Ok(q) => format!("{}Ki", (q.value() - 100 * 1024 * 1024).max(0) / 1024),
        Err(_) => capacity.to_string(),
    }
}

/// A Node as a kubeadm-installed kubelet registers it and reports its first status.
pub fn node_object(rng: &mut Rng, n: &NodeSpec, version: &str, created: &str) -> Value {
    let mut labels = json!({"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": n.name, "kubernetes.io/os": "linux"});
    if n.control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
    }
    for (k, v) in &n.labels {
        labels[k] = json!(v);
    }
    let mut capacity = json!({"cpu": n.cpu, "ephemeral-storage": n.ephemeral_storage, "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": n.memory, "pods": n.pods.to_string()});
    for (k, v) in &n.extended_resources {
        capacity[k] = json!(v);
    }
    let mut allocatable = capacity.clone();
    allocatable["memory"] = json!(allocatable_memory(&n.memory));
    let cond = |ty: &str, status: &str, reason: &str, msg: &str| {
        json!({"type": ty, "status": status, "lastHeartbeatTime": created, "lastTransitionTime": created, "reason": reason, "message": msg})
    };
    let mut spec = json!({"podCIDR": n.pod_cidr, "podCIDRs": [n.pod_cidr]});
    if !n.taints.is_empty() {
        spec["taints"] = json!(n.taints.iter().map(taint_json).collect::<Vec<_>>());
    }
    if n.unschedulable {
        spec["unschedulable"] = json!(true);
    }
    let images: Vec<Value> = n.images.iter().map(|i| json!({"names": [i], "sizeBytes": 0})).collect();
    let mut meta = meta_obj(rng, &n.name, "", created);
    meta["labels"] = labels;
    meta["annotations"] = json!({"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"});
    json!({"apiVersion": "v1", "kind": "Node", "metadata": meta, "spec": spec, "status": {
        "capacity": capacity, "allocatable": allocatable,
        "conditions": [
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ],
        "addresses": [{"type": "InternalIP", "address": n.internal_ip}, {"type": "Hostname", "address": n.name}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {"machineID": rng.hex(16), "systemUUID": rng.uid(), "bootID": rng.uid(), "kernelVersion": "5.15.0-138-generic",
            "osImage": "Ubuntu 22.04.5 LTS", "containerRuntimeVersion": "containerd://1.7.27", "kubeletVersion": version,
            "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64"},
        "images": images,
    }})
}

pub(crate) fn bootstrap(sim: &mut Simulation) {
    let cluster = sim.cluster().clone();
    let core = sim.core_mut();
    if cluster.addons {
        // The cluster was installed a minute before the learner arrives (bootstrap_addons).
        core.epoch.start_epoch_ms -= crate::bootstrap_addons::ADDON_WARMUP_MS as i64;
    }
    let mut rng = Rng::stream(core.seed, "bootstrap");
    let created = core.epoch.rfc3339(core.now);
    let mut objects = namespace_objects(&mut rng, &created);
    objects.extend(rbac_objects(&mut rng, &created));
    for n in &cluster.nodes {
        objects.push(node_object(&mut rng, n, &cluster.kubernetes_version, &created));
    }
    for obj in objects {
        let label = crate::trace::object_label(meta::kind(&obj), meta::namespace(&obj), meta::name(&obj));
        let outcome = match core.store.create(obj) {
            Ok(_) => Outcome::Ok,
            Err(_) => Outcome::Error,
        };
        core.trace.push(core.now, "kubeadm", "bootstrap", outcome, None, label, json!({}));
    }
    crate::controllers::register_defaults(sim);
    if cluster.addons {
        crate::bootstrap_addons::install(sim);
    }
    for obj in cluster.objects {
        let label = crate::trace::object_label(meta::kind(&obj), meta::namespace(&obj), meta::name(&obj));
        if let Err(st) = sim.submit(ApiRequest::create(obj)) {
            let core = sim.core_mut();
            core.trace.push(core.now, "kubeadm", "cluster-objects", Outcome::Error, None, label, json!({"error": st.message}));
        }
    }
}
