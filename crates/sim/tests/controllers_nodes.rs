//! Node failure end to end with the real delays: a stopped node's lease goes stale, after the
//! 50s node-monitor grace period (checked every 5s) the node is Unknown with the unreachable
//! taints and its pods Ready=False; 300s later the taint-eviction controller deletes them and
//! the Deployment's replacements run on the healthy node; a restarted node is Ready again.

mod common;

use common::run_checked;
use podlab_sim::{ApiRequest, ClusterSpec, SimDuration, Simulation};
use serde_json::{json, Value};

fn advance(sim: &mut Simulation, secs: u64) {
    let t = sim.now().plus(SimDuration::from_secs(secs));
    run_checked(sim, t);
}

fn ready(node: &Value) -> String {
    node["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "Ready").unwrap()["status"].as_str().unwrap().to_string()
}

fn taints(node: &Value) -> Vec<String> {
    node["spec"]["taints"].as_array().map(|a| a.iter().map(|t| format!("{}:{}", t["key"].as_str().unwrap(), t["effect"].as_str().unwrap())).collect()).unwrap_or_default()
}

#[test]
fn stopped_node_pods_are_evicted_and_rescheduled() {
    let mut sim = Simulation::new(31, ClusterSpec::default());
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
    sim.submit(ApiRequest::create(d)).unwrap();
    advance(&mut sim, 30);
    let on_node01: Vec<String> = sim.list("Pod", Some("default")).iter().filter(|p| p["spec"]["nodeName"] == "node01").map(|p| p["metadata"]["name"].as_str().unwrap().to_string()).collect();
    assert!(!on_node01.is_empty(), "spread puts a pod on node01");
    assert!(sim.stop_node("node01"));
    assert!(!sim.stop_node("nope"));

    advance(&mut sim, 45);
    assert_eq!(ready(sim.get("Node", "", "node01").unwrap()), "True", "still inside the 50s grace period");
    advance(&mut sim, 20);
    let node = sim.get("Node", "", "node01").unwrap().clone();
    assert_eq!(ready(&node), "Unknown");
    let cond = node["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "Ready").unwrap().clone();
    assert_eq!(cond["reason"], "NodeStatusUnknown");
    assert_eq!(cond["message"], "Kubelet stopped posting node status.");
    assert_eq!(taints(&node), vec!["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]);
    for name in &on_node01 {
        let p = sim.get("Pod", "default", name).unwrap();
        let r = p["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "Ready").unwrap();
        assert_eq!(r["status"], "False", "{name}");
    }

    advance(&mut sim, 290);
    for name in &on_node01 {
        assert!(sim.get("Pod", "default", name).unwrap()["metadata"].get("deletionTimestamp").is_none(), "the 300s toleration has not run out");
    }
    advance(&mut sim, 30);
    for name in &on_node01 {
        let p = sim.get("Pod", "default", name).expect("kept Terminating while the kubelet is away");
        assert!(p["metadata"]["deletionTimestamp"].is_string());
        let dt = p["status"]["conditions"].as_array().unwrap().iter().find(|c| c["type"] == "DisruptionTarget").unwrap();
        assert_eq!(dt["reason"], "DeletionByTaintManager");
        let evs: Vec<&Value> = sim.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["name"] == name.as_str() && e["reason"] == "TaintManagerEviction").collect();
        assert_eq!(evs[0]["message"], format!("Marking for deletion Pod default/{name}"));
    }
    let live: Vec<&Value> = sim.list("Pod", Some("default")).into_iter().filter(|p| p["metadata"].get("deletionTimestamp").is_none()).collect();
    assert_eq!(live.len(), 2);
    assert!(live.iter().all(|p| p["spec"]["nodeName"] == "node02"), "replacements avoid the tainted node");

    assert!(sim.start_node("node01"));
    advance(&mut sim, 60);
    let node = sim.get("Node", "", "node01").unwrap();
    assert_eq!(ready(node), "True");
    assert!(taints(node).is_empty(), "{:?}", taints(node));
    for name in &on_node01 {
        assert!(sim.get("Pod", "default", name).is_none(), "the returning kubelet finished the deletion");
    }
}
