//! Typed objects round-trip the JSON the API server serves: field names, nesting, `null`
//! timestamps Go writes for unset metav1.Time, and apiVersion/kind first. Also checks the
//! base64 []byte fields and the registry/Object mapping.

use podlab_api::{defaults, manifest, Object};
use serde_json::json;

fn running_pod() -> serde_json::Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "0b1f6c4e-1111-2222-3333-444455556666",
            "resourceVersion": "812",
            "creationTimestamp": "2025-01-01T12:00:00Z",
            "labels": {"app": "web"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-5d8f", "uid": "u1", "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": {
            "volumes": [{"name": "kube-api-access-x7k2p", "projected": {"sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}, {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}, {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}], "defaultMode": 420}}],
            "containers": [{
                "name": "web",
                "image": "nginx:1.27",
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "500m", "memory": "128Mi"}},
                "volumeMounts": [{"name": "kube-api-access-x7k2p", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                "livenessProbe": {"httpGet": {"path": "/", "port": 80, "scheme": "HTTP"}, "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3},
                "terminationMessagePath": "/dev/termination-log",
                "terminationMessagePolicy": "File",
                "imagePullPolicy": "IfNotPresent"
            }],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "serviceAccount": "default",
            "nodeName": "node-1",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "priority": 0,
            "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority"
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2025-01-01T12:00:05Z"}
            ],
            "hostIP": "10.0.0.11",
            "hostIPs": [{"ip": "10.0.0.11"}],
            "podIP": "10.244.1.7",
            "podIPs": [{"ip": "10.244.1.7"}],
            "startTime": "2025-01-01T12:00:00Z",
            "containerStatuses": [{
                "name": "web",
                "state": {"running": {"startedAt": "2025-01-01T12:00:04Z"}},
                "lastState": {},
                "ready": true,
                "restartCount": 0,
                "image": "docker.io/library/nginx:1.27",
                "imageID": "docker.io/library/nginx@sha256:abc",
                "containerID": "containerd://0123",
                "started": true
            }],
            "qosClass": "Guaranteed"
        }
    })
}

#[test]
fn pod_round_trips_exactly() {
    let v = running_pod();
    let obj = Object::from_json_value(&v).expect("decodes");
    assert_eq!(obj.kind(), "Pod");
    assert_eq!(obj.to_json(), v);
    let json = obj.to_json();
    let keys: Vec<&serde_json::map::Key> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec", "status"]);
}

#[test]
fn defaulting_is_idempotent_on_a_server_pod() {
    let v = running_pod();
    let mut obj = Object::from_json_value(&v).unwrap();
    defaults::apply(&mut obj);
    assert_eq!(obj.to_json(), v);
}

#[test]
fn fresh_pod_serialises_like_the_api() {
    let doc = manifest::parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n");
    let mut obj = doc[0].as_ref().unwrap().decode().remove(0).unwrap();
    defaults::apply(&mut obj);
    let got = obj.to_json();
    let want = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web"},
        "spec": {
            "containers": [{"name": "web", "image": "nginx", "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "Always"}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "securityContext": {}, "schedulerName": "default-scheduler", "enableServiceLinks": true
        },
        "status": {}
    });
    assert_eq!(got, want);
}

#[test]
fn secret_data_is_base64_on_the_wire() {
    let v = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"password": "czNjcjN0"}, "type": "Opaque"});
    let obj = Object::from_json_value(&v).unwrap();
    match &obj {
        Object::Secret(s) => assert_eq!(s.data["password"].0, b"s3cr3t"),
        other => panic!("{other:?}"),
    }
    assert_eq!(obj.to_json(), v);
}

#[test]
fn base64_matches_go_std_encoding() {
    use podlab_api::core::bytes::{base64_decode, base64_encode};
    let cases: &[(&[u8], &str)] = &[
        (b"", ""),
        (b"f", "Zg=="),
        (b"fo", "Zm8="),
        (b"foo", "Zm9v"),
        (b"foob", "Zm9vYg=="),
        (b"s3cr3t", "czNjcjN0"),
    ];
    for (raw, enc) in cases {
        assert_eq!(base64_encode(raw), *enc);
        assert_eq!(base64_decode(enc).as_deref(), Ok(*raw));
    }
    let bad: &[(&str, &str)] = &[
        ("p@ss", "illegal base64 data at input byte 1"),
        ("abc", "illegal base64 data at input byte 0"),
        ("Zg=", "illegal base64 data at input byte 3"),
        ("Zm8=x", "illegal base64 data at input byte 4"),
        ("Zg==Zg==", "illegal base64 data at input byte 4"),
        ("Z===", "illegal base64 data at input byte 1"),
    ];
    for (text, msg) in bad {
        assert_eq!(base64_decode(text).unwrap_err(), *msg, "{text}");
    }
}

#[test]
fn every_kind_round_trips_minimal_objects() {
    for (kind, api_version) in podlab_api::object::KINDS {
        let v = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}});
        let obj = Object::from_json_value(&v).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(obj.kind(), *kind);
        assert_eq!(obj.api_version(), *api_version);
        let back = Object::from_json_value(&obj.to_json()).unwrap();
        assert_eq!(back, obj, "{kind}");
    }
}

#[test]
fn status_types_are_reexported_at_the_crate_root() {
    let s = podlab_api::ContainerStatus {
        name: "web".into(),
        ..Default::default()
    };
    let p = podlab_api::PodStatus {
        container_statuses: vec![s],
        pod_ips: vec![podlab_api::PodIP {
            ip: "10.0.0.1".into(),
        }],
        host_ips: vec![podlab_api::HostIP {
            ip: "10.0.1.1".into(),
        }],
        ..Default::default()
    };
    assert_eq!(p.container_statuses[0].name, "web");
}
