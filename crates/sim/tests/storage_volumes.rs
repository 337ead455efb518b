//! Persistent volumes end to end through the simulated EBS-like CSI driver: a claim of the
//! default `WaitForFirstConsumer` class waits for its first pod, is provisioned and bound; the
//! disk is attached and mounted before the container starts; data outlives the pod and moves
//! with the disk to another node; a ReadWriteOnce disk still attached to a stopped node gives
//! the Multi-Attach error, FailedMount after 2m3s and is force-detached after 6 minutes; a
//! node whose unmount fails keeps the pod Terminating; and the scheduler's VolumeBinding
//! rejections.

mod common;

use common::{events_for, run_checked};
use podlab_sim::kubelet::LogOptions;
use podlab_sim::{ApiOk, ApiRequest, ClusterSpec, DeleteOptions, SimDuration, Simulation, Verb};
use serde_json::{Value, json};

fn advance(sim: &mut Simulation, secs: u64) {
    let t = sim.now().plus(SimDuration::from_secs(secs));
    run_checked(sim, t);
}

fn pvc(name: &str, class: Option<&str>) -> Value {
    let mut v = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
    if let Some(c) = class {
        v["spec"]["storageClassName"] = json!(c);
    }
    v
}

fn pod_with_claim(name: &str, node: Option<&str>, script: &str) -> Value {
    let mut v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "busybox", "command": ["sh", "-c", script], "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}});
    if let Some(n) = node {
        v["spec"]["nodeSelector"] = json!({"kubernetes.io/hostname": n});
    }
    v
}

fn phase(sim: &Simulation, kind: &str, ns: &str, name: &str) -> String {
    sim.get(kind, ns, name)
        .and_then(|o| o["status"]["phase"].as_str())
        .unwrap_or("")
        .to_string()
}

fn messages(sim: &Simulation, obj: &str, reason: &str) -> Vec<String> {
    events_for(sim, obj)
        .into_iter()
        .filter(|e| e["reason"] == reason)
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}

fn logs(sim: &mut Simulation, pod: &str) -> String {
    let req = ApiRequest::new(Verb::Logs {
        namespace: "default".into(),
        pod: pod.into(),
        container: None,
        options: LogOptions::default(),
    });
    match sim.submit(req) {
        Ok(ApiOk::Logs(s)) => s,
        other => panic!("logs: {other:?}"),
    }
}

fn force_delete(sim: &mut Simulation, pod: &str) {
    let options = DeleteOptions {
        grace_period_seconds: Some(0),
        ..DeleteOptions::default()
    };
    sim.submit(ApiRequest::new(Verb::Delete {
        kind: "Pod".into(),
        namespace: "default".into(),
        name: pod.into(),
        options,
    }))
    .unwrap();
}

#[test]
fn claim_waits_for_first_consumer_then_binds_and_mounts() {
    let mut sim = Simulation::new(7, ClusterSpec::default());
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    advance(&mut sim, 20);
    let claim = sim
        .get("PersistentVolumeClaim", "default", "data")
        .unwrap()
        .clone();
    assert_eq!(claim["status"]["phase"], "Pending");
    assert_eq!(
        claim["spec"]["storageClassName"], "standard",
        "the default class is assigned"
    );
    assert_eq!(
        claim["metadata"]["finalizers"],
        json!(["kubernetes.io/pvc-protection"])
    );
    assert_eq!(
        messages(&sim, "data", "WaitForFirstConsumer"),
        vec!["waiting for first consumer to be created before binding"]
    );
    assert!(sim.list("PersistentVolume", None).is_empty());

    sim.submit(ApiRequest::create(pod_with_claim(
        "writer",
        None,
        "echo hello > /data/msg; sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 30);
    let claim = sim
        .get("PersistentVolumeClaim", "default", "data")
        .unwrap()
        .clone();
    let uid = claim["metadata"]["uid"].as_str().unwrap();
    assert_eq!(claim["status"]["phase"], "Bound");
    assert_eq!(claim["spec"]["volumeName"], format!("pvc-{uid}"));
    let node = sim.get("Pod", "default", "writer").unwrap()["spec"]["nodeName"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"],
        node.as_str()
    );
    assert_eq!(
        phase(&sim, "PersistentVolume", "", &format!("pvc-{uid}")),
        "Bound"
    );
    assert_eq!(phase(&sim, "Pod", "default", "writer"), "Running");
    assert_eq!(
        messages(&sim, "data", "ProvisioningSucceeded"),
        vec![format!("Successfully provisioned volume pvc-{uid}")]
    );
    assert_eq!(
        messages(&sim, "writer", "SuccessfulAttachVolume"),
        vec![format!(
            "AttachVolume.Attach succeeded for volume \"pvc-{uid}\""
        )]
    );
}

#[test]
fn data_survives_the_pod_and_moves_with_the_disk() {
    let mut sim = Simulation::new(8, ClusterSpec::default());
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    sim.submit(ApiRequest::create(pod_with_claim(
        "writer",
        Some("node01"),
        "echo kept > /data/msg; sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 30);
    assert_eq!(phase(&sim, "Pod", "default", "writer"), "Running");
    sim.submit(ApiRequest::delete("Pod", "default", "writer"))
        .unwrap();
    advance(&mut sim, 40);
    assert!(sim.get("Pod", "default", "writer").is_none());
    sim.submit(ApiRequest::create(pod_with_claim(
        "reader",
        Some("node02"),
        "cat /data/msg; sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 30);
    assert_eq!(phase(&sim, "Pod", "default", "reader"), "Running");
    assert_eq!(logs(&mut sim, "reader"), "kept\n");
}

#[test]
fn multi_attach_then_failed_mount_then_force_detach() {
    let mut sim = Simulation::new(9, ClusterSpec::default());
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    sim.submit(ApiRequest::create(pod_with_claim(
        "old",
        Some("node01"),
        "echo from-old > /data/msg; sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 30);
    assert_eq!(phase(&sim, "Pod", "default", "old"), "Running");
    let volume = sim.get("PersistentVolumeClaim", "default", "data").unwrap()["spec"]["volumeName"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(sim.stop_node("node01"));
    advance(&mut sim, 60);
    force_delete(&mut sim, "old");
    sim.submit(ApiRequest::create(pod_with_claim(
        "new",
        Some("node02"),
        "cat /data/msg; sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 10);
    let want = format!(
        "Multi-Attach error for volume \"{volume}\" Volume is already exclusively attached to one node and can't be attached to another"
    );
    assert_eq!(messages(&sim, "new", "FailedAttachVolume"), vec![want]);
    assert_eq!(phase(&sim, "Pod", "default", "new"), "Pending");
    advance(&mut sim, 120);
    let mount = "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[]: context deadline exceeded";
    assert_eq!(
        messages(&sim, "new", "FailedMount"),
        vec![mount.to_string()]
    );
    advance(&mut sim, 200);
    assert_eq!(
        phase(&sim, "Pod", "default", "new"),
        "Pending",
        "still inside maxWaitForUnmountDuration"
    );
    advance(&mut sim, 60);
    assert_eq!(
        phase(&sim, "Pod", "default", "new"),
        "Running",
        "force-detached after 6 minutes"
    );
    assert_eq!(logs(&mut sim, "new"), "from-old\n");
}

/// A Deployment whose rollout finished long ago loses its pod to a dead node and the
/// replacement waits for the disk: the progress deadline of the finished rollout (about 614 s)
/// must not re-arm at the same instant forever. Each simulated second stays a handful of
/// wake-ups, and the replacement still starts once the disk is force-detached.
#[test]
fn deployment_waiting_for_its_disk_does_not_spin() {
    let mut sim = Simulation::new(3, ClusterSpec::default());
    let mut pod = pod_with_claim("unused", None, "date >> /data/starts; cat /data/starts; sleep 86400");
    let template = json!({"metadata": {"labels": {"app": "db"}}, "spec": pod["spec"].take()});
    let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "db", "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "db"}}, "template": template}});
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    sim.submit(ApiRequest::create(deploy)).unwrap();
    advance(&mut sim, 30);
    let first = sim.list("Pod", Some("default"));
    let old = first[0]["metadata"]["name"].as_str().unwrap().to_string();
    let node = first[0]["spec"]["nodeName"].as_str().unwrap().to_string();
    assert_eq!(phase(&sim, "Pod", "default", &old), "Running");
    assert_eq!(logs(&mut sim, &old).lines().count(), 1);
    assert!(sim.stop_node(&node));
    let mut busiest = 0;
    for second in 0..1200 {
        if second == 500 {
            force_delete(&mut sim, &old);
        }
        let t = sim.now().plus(SimDuration::from_secs(1));
        busiest = busiest.max(sim.advance_to(t));
        assert_eq!(sim.now(), t, "the clock reached every second");
    }
    assert!(busiest < 500, "{busiest} wake-ups in one simulated second");
    let running: Vec<String> = sim.list("Pod", Some("default")).iter()
        .filter(|p| p["status"]["phase"] == "Running" && p["spec"]["nodeName"] != json!(node))
        .map(|p| p["metadata"]["name"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(running.len(), 1, "the replacement runs on the other node");
    let starts = logs(&mut sim, &running[0]);
    assert_eq!(starts.lines().count(), 2, "the replacement sees the first pod's line: {starts:?}");
}

/// kube-scheduler requeues a pod its VolumeBinding rejected when a claim, volume or class is
/// added or updated: a pod created before its claim is scheduled as soon as the claim exists,
/// not after the 5-minute unschedulable flush.
#[test]
fn pod_created_before_its_claim_schedules_when_the_claim_arrives() {
    let mut sim = Simulation::new(5, ClusterSpec::default());
    sim.submit(ApiRequest::create(pod_with_claim("early", None, "echo hi > /data/msg; sleep 3600"))).unwrap();
    advance(&mut sim, 20);
    let want = "0/3 nodes are available: persistentvolumeclaim \"data\" not found.";
    let failed = messages(&sim, "early", "FailedScheduling");
    assert!(failed.iter().any(|m| m.starts_with(want)), "{failed:?}");
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    advance(&mut sim, 30);
    assert_eq!(phase(&sim, "Pod", "default", "early"), "Running", "scheduled on the claim's arrival");
    assert_eq!(phase(&sim, "PersistentVolumeClaim", "default", "data"), "Bound");
}

#[test]
fn multi_attach_names_the_pod_still_using_the_disk() {
    let mut sim = Simulation::new(10, ClusterSpec::default());
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    sim.submit(ApiRequest::create(pod_with_claim(
        "first",
        Some("node01"),
        "sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 30);
    let volume = sim.get("PersistentVolumeClaim", "default", "data").unwrap()["spec"]["volumeName"]
        .as_str()
        .unwrap()
        .to_string();
    sim.submit(ApiRequest::create(pod_with_claim(
        "second",
        Some("node02"),
        "sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 10);
    assert_eq!(
        messages(&sim, "second", "FailedAttachVolume"),
        vec![format!(
            "Multi-Attach error for volume \"{volume}\" Volume is already used by pod(s) first"
        )]
    );
}

#[test]
fn failing_unmount_keeps_pod_and_claim_terminating() {
    let mut cluster = ClusterSpec::default();
    cluster.storage.csi.unmount_failure_nodes = vec!["node01".into()];
    let mut sim = Simulation::new(11, cluster);
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    sim.submit(ApiRequest::create(pod_with_claim(
        "stuck",
        Some("node01"),
        "sleep 3600",
    )))
    .unwrap();
    advance(&mut sim, 30);
    assert_eq!(phase(&sim, "Pod", "default", "stuck"), "Running");
    sim.submit(ApiRequest::delete("Pod", "default", "stuck"))
        .unwrap();
    sim.submit(ApiRequest::delete(
        "PersistentVolumeClaim",
        "default",
        "data",
    ))
    .unwrap();
    advance(&mut sim, 120);
    let pod = sim
        .get("Pod", "default", "stuck")
        .expect("pod stays while its volume cannot be unmounted");
    assert!(pod["metadata"]["deletionTimestamp"].is_string());
    let claim = sim
        .get("PersistentVolumeClaim", "default", "data")
        .expect("pvc-protection keeps the claim");
    assert!(claim["metadata"]["deletionTimestamp"].is_string());
    force_delete(&mut sim, "stuck");
    advance(&mut sim, 30);
    assert!(sim.get("Pod", "default", "stuck").is_none());
    assert!(
        sim.get("PersistentVolumeClaim", "default", "data")
            .is_none(),
        "protection released once no pod uses it"
    );
    assert_eq!(
        sim.list("PersistentVolume", None).len(),
        1,
        "the disk is still mounted on node01, so it cannot be deleted"
    );
}

#[test]
fn pod_bypassing_the_scheduler_leaves_a_delayed_claim_unbound() {
    let mut sim = Simulation::new(14, ClusterSpec::default());
    sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
    let mut p = pod_with_claim("pinned", None, "sleep 3600");
    p["spec"]["nodeName"] = json!("node01");
    sim.submit(ApiRequest::create(p)).unwrap();
    advance(&mut sim, 130);
    assert_eq!(
        phase(&sim, "PersistentVolumeClaim", "default", "data"),
        "Pending"
    );
    let mount = "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: context deadline exceeded";
    assert_eq!(
        messages(&sim, "pinned", "FailedMount"),
        vec![mount.to_string()]
    );
}

#[test]
fn volume_binding_rejections() {
    let immediate = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "manual"}, "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": "Immediate"});
    let mut cluster = ClusterSpec::default();
    cluster.storage.storage_classes.push(immediate);
    let cases: [(&str, Option<Value>, &str); 2] = [
        (
            "missing claim",
            None,
            "0/3 nodes are available: persistentvolumeclaim \"data\" not found.",
        ),
        (
            "unbound immediate claim",
            Some(pvc("data", Some("manual"))),
            "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
        ),
    ];
    for (name, claim, want) in cases {
        let mut sim = Simulation::new(12, cluster.clone());
        if let Some(c) = claim {
            sim.submit(ApiRequest::create(c)).unwrap();
        }
        advance(&mut sim, 2);
        sim.submit(ApiRequest::create(pod_with_claim(
            "web",
            None,
            "sleep 3600",
        )))
        .unwrap();
        advance(&mut sim, 5);
        let got = messages(&sim, "web", "FailedScheduling");
        assert!(
            got.first().is_some_and(|m| m.starts_with(want)),
            "{name}: {got:?}"
        );
    }
}

#[test]
fn same_seed_same_storage_story() {
    let run = || {
        let mut sim = Simulation::new(13, ClusterSpec::default());
        sim.submit(ApiRequest::create(pvc("data", None))).unwrap();
        sim.submit(ApiRequest::create(pod_with_claim("w", None, "sleep 3600")))
            .unwrap();
        advance(&mut sim, 40);
        let mut ev: Vec<String> = sim
            .list("Event", Some("default"))
            .iter()
            .map(|e| format!("{} {} {}", e["reason"], e["message"], e["source"]))
            .collect();
        ev.sort();
        (
            ev,
            sim.get("PersistentVolumeClaim", "default", "data").cloned(),
        )
    };
    assert_eq!(run(), run());
}
