//! The add-ons `kubeadm init` installs in kube-system — the kube-proxy DaemonSet and the
//! CoreDNS Deployment (behind the `kube-dns` Service the controller manager's bootstrap
//! creates), with their ServiceAccounts and ConfigMaps — written as kubeadm v1.33 writes them,
//! so `kubectl get pods -A`, `describe node` and `kubectl drain` see what a learner meets on
//! a real cluster.
//!
//! Timing decision: a real cluster is already running when the learner arrives, so the
//! simulation starts `ADDON_WARMUP_MS` before `ClusterSpec.start_time` and runs the add-ons
//! up to it (their images are preloaded on every node, as on a kubeadm node that pulled them
//! at install). The learner's first command therefore still runs at `start_time` (12:00:00Z),
//! with every system Pod Running and Ready and the nodes a minute old. While the add-ons are
//! created and started the API server draws names and uids from a private stream, so the
//! names a learner's own objects get are the same with or without add-ons.

use crate::meta;
use crate::request::ApiRequest;
use crate::rng::Rng;
use crate::sim::Simulation;
use crate::time::SimTime;
use crate::trace::Outcome;
use serde_json::{json, Value};

/// How long before `start_time` the cluster starts (a multiple of the 10 s status periods).
pub const ADDON_WARMUP_MS: u64 = 60_000;
/// Bound on the wake-ups of the controllers' first syncs before the add-ons go in.
const INITIAL_SYNC_STEPS_MAX: usize = 10_000;
pub const KUBE_PROXY_IMAGE: &str = "registry.k8s.io/kube-proxy:v1.33.1";
pub const COREDNS_IMAGE: &str = "registry.k8s.io/coredns/coredns:v1.12.0";

const COREFILE: &str = ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n    loop\n    reload\n    loadbalance\n}\n";

const KUBE_PROXY_CONFIG: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\nclusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmode: \"\"\n";

const KUBE_PROXY_KUBECONFIG: &str = "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    server: https://controlplane:6443\n  name: default\ncontexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\nusers:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n";

fn kube_proxy_daemonset() -> Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
      "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
        "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
          "spec": {"containers": [{"name": "kube-proxy", "image": KUBE_PROXY_IMAGE, "imagePullPolicy": "IfNotPresent",
              "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
              "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
              "securityContext": {"privileged": true},
              "volumeMounts": [{"name": "kube-proxy", "mountPath": "/var/lib/kube-proxy"}, {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
                {"name": "lib-modules", "mountPath": "/lib/modules", "readOnly": true}]}],
            "hostNetwork": true, "nodeSelector": {"kubernetes.io/os": "linux"}, "priorityClassName": "system-node-critical",
            "serviceAccountName": "kube-proxy", "tolerations": [{"operator": "Exists"}],
            "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy"}}, {"name": "xtables-lock", "hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"}},
              {"name": "lib-modules", "hostPath": {"path": "/lib/modules", "type": ""}}]}},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}}})
}

fn coredns_deployment() -> Value {
    let probe = |path: &str, port: i64| json!({"httpGet": {"path": path, "port": port, "scheme": "HTTP"}});
    let mut liveness = probe("/health", 8080);
    for (k, v) in [("initialDelaySeconds", 60), ("timeoutSeconds", 5), ("successThreshold", 1), ("failureThreshold", 5)] {
        liveness[k] = json!(v);
    }
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
      "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
        "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}},
          "spec": {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
                "labelSelector": {"matchExpressions": [{"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]}, "topologyKey": "kubernetes.io/hostname"}}]}},
            "containers": [{"name": "coredns", "image": COREDNS_IMAGE, "imagePullPolicy": "IfNotPresent", "args": ["-conf", "/etc/coredns/Corefile"],
              "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
              "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": true}],
              "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"}, {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"}, {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
              "livenessProbe": liveness, "readinessProbe": probe("/ready", 8181),
              "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "readOnlyRootFilesystem": true}}],
            "dnsPolicy": "Default", "nodeSelector": {"kubernetes.io/os": "linux"}, "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns",
            "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
            "volumes": [{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]}}}})
}

/// Every add-on object in the order kubeadm's `addon` phase creates them.
pub fn addon_objects() -> Vec<Value> {
    let cm = |name: &str, data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "kube-system"}, "data": data});
    let sa = |name: &str| json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": "kube-system"}});
    vec![
        sa("coredns"),
        cm("coredns", json!({"Corefile": COREFILE})),
        coredns_deployment(),
        sa("kube-proxy"),
        cm("kube-proxy", json!({"config.conf": KUBE_PROXY_CONFIG, "kubeconfig.conf": KUBE_PROXY_KUBECONFIG})),
        kube_proxy_daemonset(),
    ]
}

/// The images every node has preloaded when add-ons are on.
pub fn addon_images() -> [&'static str; 2] {
    [KUBE_PROXY_IMAGE, COREDNS_IMAGE]
}

/// Creates the add-ons through the API server (as kubeadm does, as the admin) and runs the
/// cluster up to `start_time`, with the API server's random draws on a private stream.
pub(crate) fn install(sim: &mut Simulation) {
    // The controllers' first syncs (the EndpointSlices of `kubernetes` and `kube-dns`, ...)
    // run first with the API server's own stream, as they would without add-ons, so the
    // generated names of everything created afterwards stay where they were.
    sim.run_until_idle(INITIAL_SYNC_STEPS_MAX);
    let seed = sim.core_mut().seed;
    let saved = std::mem::replace(&mut sim.core_mut().apiserver.rng, Rng::stream(seed, "kubeadm-addons"));
    for obj in addon_objects() {
        let label = crate::trace::object_label(meta::kind(&obj), meta::namespace(&obj), meta::name(&obj));
        if let Err(st) = sim.submit(ApiRequest::create(obj)) {
            let core = sim.core_mut();
            core.trace.push(core.now, "kubeadm", "addons", Outcome::Error, None, label, json!({"error": st.message}));
        }
    }
    sim.advance_to(SimTime(ADDON_WARMUP_MS));
    sim.core_mut().apiserver.rng = saved;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addon_objects_pass_validation() {
        for obj in addon_objects() {
            let decoded = podlab_api::Object::from_json_value(&obj);
            let Ok(mut o) = decoded else { panic!("{}: {:?}", meta::name(&obj), decoded.err()) };
            podlab_api::defaults::apply(&mut o);
            let checked = podlab_api::validation::validate_create(&o);
            assert!(checked.is_ok(), "{}: {:?}", meta::name(&obj), checked.err().map(|e| e.iter().map(|x| x.to_string()).collect::<Vec<_>>()));
        }
    }

    /// The add-ons draw from their own stream: afterwards the API server's stream is where a
    /// cluster without add-ons has it once its first syncs ran, so learners' objects get the
    /// same generated names either way.
    #[test]
    fn addons_leave_the_api_server_stream_aligned() {
        for seed in [1, 7, 42] {
            let mut plain = Simulation::new(seed, crate::ClusterSpec { addons: false, ..crate::ClusterSpec::default() });
            plain.run_until_idle(INITIAL_SYNC_STEPS_MAX);
            let with = Simulation::new(seed, crate::ClusterSpec::default());
            assert_eq!(with.core.apiserver.rng, plain.core.apiserver.rng, "seed {seed}");
            assert_eq!(with.now(), SimTime(ADDON_WARMUP_MS));
        }
    }

    #[test]
    fn system_pods_run_before_the_first_command() {
        let sim = Simulation::new(1, crate::ClusterSpec::default());
        let pods = sim.core.store.list("Pod", Some("kube-system"));
        let phases: Vec<(String, String)> = pods.map(|p| (meta::name(p).to_string(), meta::str_at(p, &["status", "phase"]).unwrap_or("").to_string())).collect();
        assert_eq!(phases.iter().filter(|(n, _)| n.starts_with("kube-proxy-")).count(), 3, "{phases:?}");
        assert_eq!(phases.iter().filter(|(n, _)| n.starts_with("coredns-")).count(), 2, "{phases:?}");
        assert!(phases.iter().all(|(_, p)| p == "Running"), "{phases:?}");
        let ds = sim.core.store.list("DaemonSet", Some("kube-system")).next().map(|d| (**d).clone()).unwrap_or_default();
        assert_eq!(meta::at(&ds, &["status", "numberReady"]).and_then(Value::as_i64), Some(3));
    }
}
