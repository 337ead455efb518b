//! `Simulation::port_forward_http`: one HTTP exchange through `pods/portforward` reaches the
//! container listening on the port inside the pod (from the pod's loopback), a port nothing
//! listens on gives the kubelet's `error forwarding port` text, and a missing or unscheduled
//! pod is refused by the API server before any stream opens. Each attempt is traced.

#[path = "kubelet_support.rs"]
mod support;

use podlab_runtime::HttpRequest;
use podlab_sim::kubelet::portforward::PortForwardError;
use podlab_sim::{ApiRequest, Simulation};
use serde_json::json;
use support::*;

fn cluster() -> Simulation {
    let mut s = sim();
    for (name, container) in [
        ("web", json!({"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]})),
        ("idle", json!({"name": "bb", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3600"]})),
    ] {
        apply(&mut s, json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": {"nodeName": "node01", "containers": [container]}}));
    }
    s.advance_to(secs(30));
    s
}

#[test]
fn forwarded_request_reaches_the_listening_container() {
    let mut s = cluster();
    let ok = s.port_forward_http("default", "web", 80, &HttpRequest::get("localhost:8080", "/")).expect("served");
    assert_eq!(ok.status, 200);
    assert!(String::from_utf8_lossy(&ok.body).contains("Welcome to nginx!"));
    let missing = s.port_forward_http("default", "web", 80, &HttpRequest::get("localhost:8080", "/nope")).expect("served");
    assert_eq!(missing.status, 404);
    assert!(s.trace().iter().any(|e| e.step == "portforward" && e.component == "kubelet/node01"));
}

#[test]
fn nothing_listening_is_the_kubelets_dial_error() {
    let mut s = cluster();
    match s.port_forward_http("default", "idle", 80, &HttpRequest::get("localhost:9000", "/")) {
        Err(PortForwardError::Dial(m)) => {
            assert!(m.starts_with("error forwarding port 80 to pod "), "{m}");
            assert!(m.contains("dial tcp4 127.0.0.1:80: connect: connection refused"), "{m}");
        }
        other => panic!("expected a dial error, got {other:?}"),
    }
}

#[test]
fn missing_or_unscheduled_pods_are_refused_by_the_api_server() {
    let mut s = cluster();
    let gone = s.port_forward_http("default", "ghost", 80, &HttpRequest::get("localhost", "/"));
    assert!(matches!(gone, Err(PortForwardError::Api(ref st)) if st.code == 404), "{gone:?}");
    let pending = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "pending", "namespace": "default"},
        "spec": {"nodeSelector": {"no": "such-node"}, "containers": [{"name": "c", "image": "nginx:1.27"}]}});
    s.submit(ApiRequest::create(pending)).expect("created");
    let r = s.port_forward_http("default", "pending", 80, &HttpRequest::get("localhost", "/"));
    assert!(matches!(r, Err(PortForwardError::Api(ref st)) if st.code == 400), "{r:?}");
}
