//! Jobs and Services end to end: a Job runs its pods to `Complete` with the 1.33 conditions
//! and events, a failing Job stops at its backoffLimit after pod-failure back-off, a Service
//! gets a ClusterIP from 10.96.0.0/12 next to the boot-time `kubernetes` and `kube-dns`
//! Services, and its EndpointSlice and Endpoints follow pod readiness.

mod common;

use common::run_checked;
use podlab_sim::{ApiRequest, ClusterSpec, SimDuration, Simulation};
use serde_json::{json, Value};

fn advance(sim: &mut Simulation, secs: u64) {
    let t = sim.now().plus(SimDuration::from_secs(secs));
    run_checked(sim, t);
}

fn job(name: &str, script: &str, completions: i64, backoff_limit: i64) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
        "spec": {"completions": completions, "backoffLimit": backoff_limit, "template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "work", "image": "busybox:1.36", "command": ["sh", "-c", script]}]}}}})
}

fn condition<'a>(obj: &'a Value, ty: &str) -> Option<&'a Value> {
    obj["status"]["conditions"].as_array()?.iter().find(|c| c["type"] == ty)
}

fn event_messages(sim: &Simulation, kind: &str, name: &str) -> Vec<(String, String)> {
    let mut evs: Vec<&Value> = sim.list("Event", Some("default")).into_iter().filter(|e| e["involvedObject"]["kind"] == kind && e["involvedObject"]["name"] == name).collect();
    evs.sort_by_key(|e| e["metadata"]["resourceVersion"].as_str().unwrap_or("").parse::<u64>().unwrap_or(0));
    evs.iter().map(|e| (e["reason"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string())).collect()
}

#[test]
fn job_runs_to_complete() {
    let mut sim = Simulation::new(21, ClusterSpec::default());
    sim.submit(ApiRequest::create(job("pi", "echo 3.14159", 2, 6))).unwrap();
    advance(&mut sim, 120);
    let j = sim.get("Job", "default", "pi").unwrap();
    assert_eq!(j["status"]["succeeded"], 2, "{}", j["status"]);
    let complete = condition(j, "Complete").expect("Complete condition");
    assert_eq!(complete["status"], "True");
    assert_eq!(complete["reason"], "CompletionsReached");
    assert_eq!(condition(j, "SuccessCriteriaMet").unwrap()["message"], "Reached expected number of succeeded pods");
    assert!(j["status"]["completionTime"].is_string());
    let evs = event_messages(&sim, "Job", "pi");
    assert_eq!(evs.iter().filter(|(r, m)| r == "SuccessfulCreate" && m.starts_with("Created pod: pi-")).count(), 2, "{evs:?}");
    assert_eq!(evs.last().unwrap(), &("Completed".to_string(), "Job completed".to_string()));
    let pods: Vec<&Value> = sim.list("Pod", Some("default")).into_iter().filter(|p| p["metadata"]["labels"]["job-name"] == "pi").collect();
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p["status"]["phase"] == "Succeeded" && p["metadata"]["labels"]["batch.kubernetes.io/controller-uid"] == j["metadata"]["uid"]));
}

#[test]
fn failing_job_stops_at_backoff_limit() {
    let mut sim = Simulation::new(22, ClusterSpec::default());
    sim.submit(ApiRequest::create(job("fail", "exit 1", 1, 1))).unwrap();
    advance(&mut sim, 8);
    let failed_pods = |sim: &Simulation| sim.list("Pod", Some("default")).into_iter().filter(|p| p["status"]["phase"] == "Failed").count();
    assert_eq!(failed_pods(&sim), 1, "first pod failed");
    assert_eq!(sim.list("Pod", Some("default")).len(), 1, "its replacement waits for the 10s pod-failure back-off");
    advance(&mut sim, 8);
    assert_eq!(sim.list("Pod", Some("default")).len(), 2, "replacement created once the back-off ran out");
    advance(&mut sim, 120);
    let j = sim.get("Job", "default", "fail").unwrap();
    assert_eq!(j["status"]["failed"], 2);
    let failed = condition(j, "Failed").expect("Failed condition");
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
    assert_eq!(failed["message"], "Job has reached the specified backoff limit");
    assert_eq!(condition(j, "FailureTarget").unwrap()["reason"], "BackoffLimitExceeded");
    let evs = event_messages(&sim, "Job", "fail");
    assert!(evs.contains(&("BackoffLimitExceeded".to_string(), "Job has reached the specified backoff limit".to_string())), "{evs:?}");
}

fn web_pod(name: &str, ready_port: u16) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"name": "http", "containerPort": 80}],
            "readinessProbe": {"httpGet": {"path": "/", "port": ready_port}, "periodSeconds": 2}}]}})
}

#[test]
fn service_endpoints_follow_readiness() {
    let mut sim = Simulation::new(23, ClusterSpec::default());
    assert_eq!(sim.get("Service", "kube-system", "kube-dns").unwrap()["spec"]["clusterIP"], "10.96.0.10");
    assert_eq!(sim.get("Service", "default", "kubernetes").unwrap()["spec"]["clusterIP"], "10.96.0.1");
    sim.submit(ApiRequest::create(web_pod("ready", 80))).unwrap();
    sim.submit(ApiRequest::create(web_pod("unready", 81))).unwrap();
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 8080, "targetPort": "http"}]}});
    let created = sim.submit(ApiRequest::create(svc)).unwrap().into_object().unwrap();
    let ip = created["spec"]["clusterIP"].as_str().unwrap().to_string();
    let octets: Vec<u32> = ip.split('.').map(|o| o.parse().unwrap()).collect();
    assert!(octets[0] == 10 && (96..=111).contains(&octets[1]) && !(octets[1] == 96 && octets[2] == 0), "{ip}");
    assert_eq!(created["spec"]["clusterIPs"], json!([ip]));
    advance(&mut sim, 60);
    let slices: Vec<&Value> = sim.list("EndpointSlice", Some("default")).into_iter().filter(|s| s["metadata"]["labels"]["kubernetes.io/service-name"] == "web").collect();
    assert_eq!(slices.len(), 1);
    let slice = slices[0];
    assert!(slice["metadata"]["name"].as_str().unwrap().starts_with("web-"));
    assert_eq!(slice["ports"][0]["port"], 80, "named targetPort resolved");
    let by_pod: Vec<(String, bool)> = slice["endpoints"].as_array().unwrap().iter().map(|e| (e["targetRef"]["name"].as_str().unwrap().to_string(), e["conditions"]["ready"].as_bool().unwrap())).collect();
    assert_eq!(by_pod, vec![("ready".to_string(), true), ("unready".to_string(), false)]);
    let ep = sim.get("Endpoints", "default", "web").unwrap();
    assert_eq!(ep["subsets"][0]["addresses"].as_array().unwrap().len(), 1);
    assert_eq!(ep["subsets"][0]["notReadyAddresses"][0]["targetRef"]["name"], "unready");
    assert_eq!(ep["subsets"][0]["ports"][0]["port"], 80);

    sim.submit(ApiRequest::delete("Pod", "default", "ready")).unwrap();
    advance(&mut sim, 1);
    let slice = sim.list("EndpointSlice", Some("default")).into_iter().find(|s| s["metadata"]["labels"]["kubernetes.io/service-name"] == "web").unwrap().clone();
    let terminating = slice["endpoints"].as_array().unwrap().iter().find(|e| e["targetRef"]["name"] == "ready").expect("terminating endpoint kept");
    assert_eq!(terminating["conditions"], json!({"ready": false, "serving": true, "terminating": true}));
}
