//! The apply journey end to end: a pod goes through authentication, RBAC, admission,
//! validation and etcd, the scheduler places it and the events and conditions read exactly as
//! in a real v1.33 cluster.

mod common;

use common::{events_for, plain_pod, pod, run_checked};
use podlab_sim::{ApiOk, ApiRequest, ClusterSpec, SimTime, Simulation};
use serde_json::json;

#[test]
fn pod_is_admitted_defaulted_scheduled_and_announced() {
    let mut sim = Simulation::new(7, plain_cluster());
    let created = sim.submit(ApiRequest::create(plain_pod("web"))).expect("created").into_object().unwrap();
    let spec = &created["spec"];
    assert_eq!(spec["serviceAccountName"], "default");
    assert_eq!(spec["restartPolicy"], "Always");
    assert_eq!(spec["priority"], 0);
    let vol = spec["volumes"][0]["name"].as_str().unwrap();
    assert!(vol.starts_with("kube-api-access-") && vol.len() == "kube-api-access-".len() + 5, "{vol}");
    assert_eq!(spec["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"], 3607);
    assert_eq!(spec["containers"][0]["volumeMounts"][0], json!({"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": vol, "readOnly": true}));
    let tols: Vec<&str> = spec["tolerations"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert_eq!(tols, vec!["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]);
    assert_eq!(created["status"], json!({"phase": "Pending", "qosClass": "BestEffort"}));

    run_checked(&mut sim, SimTime(1_000));
    let stored = sim.get("Pod", "default", "web").unwrap();
    let node = stored["spec"]["nodeName"].as_str().unwrap().to_string();
    assert!(node == "node01" || node == "node02", "never the tainted control plane: {node}");
    let scheduled = stored["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "PodScheduled").unwrap();
    assert_eq!(scheduled["status"], "True");
    let evs: Vec<_> = events_for(&sim, "web").into_iter().filter(|e| e["reportingComponent"] == "default-scheduler").collect();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0]["reason"], "Scheduled");
    assert_eq!(evs[0]["message"], format!("Successfully assigned default/web to {node}"));
    assert_eq!(evs[0]["reportingComponent"], "default-scheduler");
    let steps: Vec<&str> = sim.trace().iter().filter(|e| e.component == "kube-apiserver" && e.request == Some(1)).map(|e| e.step.as_str()).collect();
    assert_eq!(&steps[..3], &["authentication", "authorization", "decode-and-default"]);
    assert!(steps.contains(&"mutating-admission") && steps.contains(&"validation") && steps.ends_with(&["persistence"]), "{steps:?}");
}

#[test]
fn failed_scheduling_reads_like_the_real_fit_error() {
    let mut sim = Simulation::new(1, plain_cluster());
    sim.submit(ApiRequest::create(pod("big", "3", "64Mi"))).unwrap();
    run_checked(&mut sim, SimTime(1_000));
    let want = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
    let evs = events_for(&sim, "big");
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0]["reason"], "FailedScheduling");
    assert_eq!(evs[0]["type"], "Warning");
    assert_eq!(evs[0]["message"], want);
    let p = sim.get("Pod", "default", "big").unwrap();
    let c = &p["status"]["conditions"][0];
    assert_eq!((c["type"].as_str(), c["status"].as_str(), c["reason"].as_str(), c["message"].as_str()), (Some("PodScheduled"), Some("False"), Some("Unschedulable"), Some(want)));
    run_checked(&mut sim, SimTime(60_000));
    let evs = events_for(&sim, "big");
    assert_eq!(evs.len(), 1, "no cluster event concerned the pod, so it was not retried within a minute");
}

#[test]
fn unschedulable_pod_is_retried_when_room_appears() {
    let mut sim = Simulation::new(3, plain_cluster());
    sim.submit(ApiRequest::create(pod("hog1", "1500m", "64Mi"))).unwrap();
    sim.submit(ApiRequest::create(pod("hog2", "1500m", "64Mi"))).unwrap();
    run_checked(&mut sim, SimTime(1_000));
    sim.submit(ApiRequest::create(pod("late", "1", "64Mi"))).unwrap();
    run_checked(&mut sim, SimTime(2_000));
    assert_eq!(sim.get("Pod", "default", "late").unwrap()["spec"]["nodeName"], json!(null));
    let r = sim.submit(ApiRequest::delete("Pod", "default", "hog1")).unwrap();
    assert!(matches!(r, ApiOk::Deleted { finished: false, .. }), "a bound pod is deleted gracefully");
    // Without a kubelet the pod stays Terminating; force-delete it like `--force --grace-period=0`.
    let mut force = ApiRequest::delete("Pod", "default", "hog1");
    if let podlab_sim::Verb::Delete { options, .. } = &mut force.verb {
        options.grace_period_seconds = Some(0);
    }
    assert!(matches!(sim.submit(force).unwrap(), ApiOk::Deleted { finished: true, .. }));
    run_checked(&mut sim, SimTime(20_000));
    assert!(sim.get("Pod", "default", "late").unwrap()["spec"]["nodeName"].is_string(), "retried after the assigned pod went away");
}

/// The kubeadm cluster without its add-ons: these journeys count requests from the first and
/// time from zero, and reason about the nodes' whole capacity.
fn plain_cluster() -> ClusterSpec {
    ClusterSpec { addons: false, ..ClusterSpec::default() }
}
