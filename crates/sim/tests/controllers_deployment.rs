//! Deployments end to end through the simulated API: a Deployment becomes a ReplicaSet named
//! by its pod-template hash and pods named after it, a deleted pod is replaced, scaling and a
//! rolling update read like a real cluster's events, `rollout undo` (a template patch) makes the
//! old ReplicaSet new again with the next revision, and deleting the Deployment garbage-collects
//! everything it owned.

mod common;

use common::run_checked;
use podlab_sim::{ApiRequest, ClusterSpec, PatchType, SimDuration, Simulation};
use serde_json::{json, Value};

fn deployment(name: &str, replicas: i64, image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "web", "image": image}]}}}})
}

fn advance(sim: &mut Simulation, secs: u64) {
    let t = sim.now().plus(SimDuration::from_secs(secs));
    run_checked(sim, t);
}

fn pods_of<'a>(sim: &'a Simulation, prefix: &str) -> Vec<&'a Value> {
    sim.list("Pod", Some("default")).into_iter().filter(|p| p["metadata"]["name"].as_str().unwrap_or("").starts_with(prefix)).collect()
}

fn live_pods<'a>(sim: &'a Simulation, prefix: &str) -> Vec<&'a Value> {
    pods_of(sim, prefix).into_iter().filter(|p| p["metadata"].get("deletionTimestamp").is_none()).collect()
}

fn events(sim: &Simulation, kind: &str, name: &str) -> Vec<(String, String)> {
    let mut evs: Vec<&Value> = sim.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["kind"] == kind && e["involvedObject"]["name"] == name).collect();
    evs.sort_by_key(|e| e["metadata"]["resourceVersion"].as_str().unwrap_or("").parse::<u64>().unwrap_or(0));
    evs.iter().map(|e| (e["reason"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string())).collect()
}

fn replica_sets(sim: &Simulation) -> Vec<Value> {
    sim.list("ReplicaSet", Some("default")).into_iter().cloned().collect()
}

#[test]
fn deployment_creates_hashed_replica_set_and_pods() {
    let mut sim = Simulation::new(11, ClusterSpec::default());
    sim.submit(ApiRequest::create(deployment("web", 3, "nginx:1.27"))).expect("created");
    advance(&mut sim, 60);
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let rs_name = rs["metadata"]["name"].as_str().unwrap().to_string();
    let hash = rs["metadata"]["labels"]["pod-template-hash"].as_str().unwrap().to_string();
    assert_eq!(rs_name, format!("web-{hash}"));
    assert!(!hash.is_empty() && hash.len() <= 10 && hash.bytes().all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)), "{hash}");
    assert_eq!(rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
    assert_eq!(rs["metadata"]["ownerReferences"][0]["kind"], "Deployment");
    assert_eq!(rs["metadata"]["ownerReferences"][0]["controller"], true);
    assert_eq!(rs["metadata"]["ownerReferences"][0]["blockOwnerDeletion"], true);
    let pods = live_pods(&sim, &format!("{rs_name}-"));
    assert_eq!(pods.len(), 3);
    for p in &pods {
        let suffix = &p["metadata"]["name"].as_str().unwrap()[rs_name.len() + 1..];
        assert_eq!(suffix.len(), 5, "{suffix}");
        assert_eq!(p["metadata"]["ownerReferences"][0]["name"], rs_name.as_str());
        assert_eq!(p["metadata"]["labels"]["pod-template-hash"], hash.as_str());
        assert_eq!(p["status"]["phase"], "Running");
    }
    assert_eq!(events(&sim, "Deployment", "web"), vec![("ScalingReplicaSet".to_string(), format!("Scaled up replica set {rs_name} from 0 to 3"))]);
    let created: Vec<(String, String)> = events(&sim, "ReplicaSet", &rs_name);
    assert_eq!(created.len(), 3);
    assert!(created.iter().all(|(r, m)| r == "SuccessfulCreate" && m.starts_with(&format!("Created pod: {rs_name}-"))), "{created:?}");
    let d = sim.get("Deployment", "default", "web").unwrap();
    assert_eq!(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "1");
    assert_eq!(d["status"]["availableReplicas"], 3);
    assert_eq!(d["status"]["updatedReplicas"], 3);
    let conds: Vec<(&str, &str, &str)> = d["status"]["conditions"].as_array().unwrap().iter().map(|c| (c["type"].as_str().unwrap(), c["status"].as_str().unwrap(), c["reason"].as_str().unwrap())).collect();
    assert_eq!(conds, vec![("Available", "True", "MinimumReplicasAvailable"), ("Progressing", "True", "NewReplicaSetAvailable")]);
}

#[test]
fn deleted_pod_is_replaced_and_scaling_reads_like_kubernetes() {
    let mut sim = Simulation::new(12, ClusterSpec::default());
    sim.submit(ApiRequest::create(deployment("web", 2, "nginx:1.27"))).unwrap();
    advance(&mut sim, 60);
    let rs_name = replica_sets(&sim)[0]["metadata"]["name"].as_str().unwrap().to_string();
    let victim = live_pods(&sim, "web-")[0]["metadata"]["name"].as_str().unwrap().to_string();
    sim.submit(ApiRequest::delete("Pod", "default", &victim)).unwrap();
    advance(&mut sim, 60);
    let names: Vec<String> = live_pods(&sim, "web-").iter().map(|p| p["metadata"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.contains(&victim), "replaced by a new pod");
    assert!(pods_of(&sim, &victim).is_empty(), "the kubelet finished the deletion");

    let patch = json!({"spec": {"replicas": 4}});
    sim.submit(ApiRequest::patch("Deployment", "default", "web", PatchType::Merge, patch)).unwrap();
    advance(&mut sim, 60);
    assert_eq!(live_pods(&sim, "web-").len(), 4);
    sim.submit(ApiRequest::patch("Deployment", "default", "web", PatchType::Merge, json!({"spec": {"replicas": 1}}))).unwrap();
    advance(&mut sim, 60);
    assert_eq!(live_pods(&sim, "web-").len(), 1);
    let evs = events(&sim, "Deployment", "web");
    let msgs: Vec<&str> = evs.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(msgs, vec![format!("Scaled up replica set {rs_name} from 0 to 2"), format!("Scaled up replica set {rs_name} from 2 to 4"), format!("Scaled down replica set {rs_name} from 4 to 1")]);
    let rs_events = events(&sim, "ReplicaSet", &rs_name);
    assert_eq!(rs_events.iter().filter(|(r, _)| r == "SuccessfulDelete").count(), 3, "{rs_events:?}");
}

#[test]
fn rolling_update_and_undo_keep_revisions() {
    let mut sim = Simulation::new(13, ClusterSpec::default());
    sim.submit(ApiRequest::create(deployment("web", 3, "nginx:1.27"))).unwrap();
    advance(&mut sim, 60);
    let first = replica_sets(&sim)[0]["metadata"]["name"].as_str().unwrap().to_string();
    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}});
    sim.submit(ApiRequest::patch("Deployment", "default", "web", PatchType::Strategic, patch)).unwrap();
    advance(&mut sim, 180);
    let rss = replica_sets(&sim);
    assert_eq!(rss.len(), 2);
    let second = rss.iter().find(|r| r["metadata"]["name"] != first.as_str()).unwrap();
    let second_name = second["metadata"]["name"].as_str().unwrap().to_string();
    assert_eq!(second["spec"]["replicas"], 3);
    assert_eq!(second["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");
    let old = sim.get("ReplicaSet", "default", &first).unwrap();
    assert_eq!(old["spec"]["replicas"], 0);
    let live = live_pods(&sim, "web-");
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.26"));
    let evs = events(&sim, "Deployment", "web");
    assert_eq!(evs[1], ("ScalingReplicaSet".to_string(), format!("Scaled up replica set {second_name} from 0 to 1")));
    assert!(evs.iter().any(|(_, m)| m == &format!("Scaled down replica set {first} from 1 to 0")), "{evs:?}");
    let d = sim.get("Deployment", "default", "web").unwrap();
    assert_eq!(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");

    // `kubectl rollout undo` copies revision 1's template back into the Deployment.
    let undo = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
    sim.submit(ApiRequest::patch("Deployment", "default", "web", PatchType::Strategic, undo)).unwrap();
    advance(&mut sim, 180);
    let back = sim.get("ReplicaSet", "default", &first).unwrap();
    assert_eq!(back["spec"]["replicas"], 3);
    assert_eq!(back["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
    assert_eq!(back["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"], "1");
    assert_eq!(sim.get("Deployment", "default", "web").unwrap()["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
}

#[test]
fn deleting_a_deployment_collects_its_replica_sets_and_pods() {
    let mut sim = Simulation::new(14, ClusterSpec::default());
    sim.submit(ApiRequest::create(deployment("web", 2, "nginx:1.27"))).unwrap();
    advance(&mut sim, 60);
    sim.submit(ApiRequest::delete("Deployment", "default", "web")).unwrap();
    advance(&mut sim, 60);
    assert!(replica_sets(&sim).is_empty());
    assert!(pods_of(&sim, "web-").is_empty());
}

#[test]
fn same_seed_same_names() {
    let run = || {
        let mut sim = Simulation::new(99, ClusterSpec::default());
        sim.submit(ApiRequest::create(deployment("web", 3, "nginx:1.27"))).unwrap();
        advance(&mut sim, 30);
        let mut names: Vec<String> = pods_of(&sim, "web-").iter().map(|p| p["metadata"]["name"].as_str().unwrap().to_string()).collect();
        names.sort();
        (names, sim.resource_version())
    };
    assert_eq!(run(), run());
}
