use podlab_sim::{ApiRequest, ClusterSpec, SimTime, Simulation, invariants};
use serde_json::json;
#[test]
fn debug_loop() {
    let mut sim = Simulation::new(14, ClusterSpec::default());
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
    sim.submit(ApiRequest::create(d)).unwrap();
    let mut n = 0;
    while sim.step(SimTime(60_000)) { n += 1; let e = invariants::check(&sim); if !e.is_empty() { eprintln!("{e:?}"); break; } if n > 3000 { break; } }
    eprintln!("steps {n} now {:?} trace {}", sim.now(), sim.trace().len());
    for k in ["ReplicaSet", "Pod", "Event"] { eprintln!("{k}: {}", sim.list(k, None).len()); }
    for e in sim.trace().iter().filter(|e| !e.object.contains("Lease")) { eprintln!("{:?} {} {} {} {}", e.time, e.component, e.step, e.object, e.details.to_string().chars().take(150).collect::<String>()); }
    sim.submit(ApiRequest::delete("Deployment", "default", "web")).unwrap();
    let mut n = 0;
    while sim.step(SimTime(120_000)) { n += 1; if n > 3000 { break; } }
    eprintln!("steps {n} now {:?} trace {}", sim.now(), sim.trace().len());
}
