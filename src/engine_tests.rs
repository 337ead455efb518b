//! The guide's logging-sidecar flow through the real engine, natively: apply, watch the pod
//! start, travel back and forward. (`kubectl logs` is checked once the simulated API server
//! serves pods/log.)
use super::*;

pub const SIDECAR: &str = include_str!("templates/multi-container-pod.yaml");

fn pods_line(e: &mut Engine) -> String {
    e.run("kubectl get pods", None).stdout
}

#[test]
fn sidecar_pod_starts_and_runs() {
    let mut e = Engine::new(1, ClusterSpec::default());
    let (line, out) = e.apply_file("pod.yaml", SIDECAR);
    assert_eq!(line, "kubectl apply -f pod.yaml");
    assert_eq!(out.stdout, "pod/multi-container-pod created\n", "{out:?}");
    assert_eq!(e.last_apply.as_ref().unwrap().object, "Pod/default/multi-container-pod");
    let mut seen = Vec::new();
    for _ in 0..120 {
        let t = e.now() + 500;
        e.advance_to(t);
        let m = e.model(Some("default"));
        let card = m.nodes.iter().flat_map(|n| n.pods.iter()).chain(m.orbit.iter()).next().cloned().unwrap();
        if seen.last() != Some(&card.status) {
            seen.push(card.status.clone());
        }
    }
    assert!(seen.contains(&"ContainerCreating".to_string()), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("Running"), "{seen:?}");
    let table = pods_line(&mut e);
    assert!(table.contains("multi-container-pod   2/2     Running"), "{table}");
}

#[test]
fn time_travel_back_and_forward_gives_the_same_state() {
    let mut e = Engine::new(3, ClusterSpec::default());
    e.advance_to(2_000);
    e.apply_file("pod.yaml", SIDECAR);
    e.advance_to(40_000);
    let live = pods_line(&mut e);
    let live_model = e.model(None);
    e.travel_to(1_000);
    assert!(e.model(Some("default")).orbit.is_empty() && e.model(Some("default")).nodes.iter().all(|n| n.pods.is_empty()));
    assert!(e.in_past());
    e.travel_to(40_000);
    assert_eq!(e.model(None), live_model);
    // `kubectl get pods` itself was recorded at 40 s, so replaying re-ran it: compare again.
    assert_eq!(pods_line(&mut e), live);
}

#[test]
fn invalid_manifest_is_marked_at_its_line() {
    let mut e = Engine::new(1, ClusterSpec::default());
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: app\n    image: \"\"\n";
    let (_, out) = e.apply_file("pod.yaml", text);
    assert_ne!(out.exit_code, 0);
    let markers = crate::diagnostics::markers(text, &out.stderr);
    assert_eq!(markers.first().map(|m| m.line), Some(8), "{out:?} {markers:?}");
}
