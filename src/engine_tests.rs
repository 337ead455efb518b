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
    // Times are relative to where a fresh session starts (after the add-ons' warm-up).
    let start = e.now();
    e.advance_to(start + 2_000);
    e.apply_file("pod.yaml", SIDECAR);
    e.advance_to(start + 40_000);
    let live = pods_line(&mut e);
    let live_model = e.model(None);
    e.travel_to(start + 1_000);
    assert!(e.model(Some("default")).orbit.is_empty() && e.model(Some("default")).nodes.iter().all(|n| n.pods.is_empty()));
    assert!(e.in_past());
    e.travel_to(start + 40_000);
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

fn scenario(slug: &str) -> podlab_lessons::Task {
    crate::task::find_task(slug).expect("scenario in the catalog")
}

fn held(e: &Engine) -> Vec<bool> {
    e.checklist().unwrap().items.iter().map(|i| i.holds).collect()
}

#[test]
fn a_scenario_is_solved_through_the_engine_as_a_learner_would() {
    let task = scenario("missing-configmap");
    let mut e = Engine::for_task(&task, 5).unwrap();
    assert_eq!(held(&e), [false, false, false], "the start state does not satisfy the goal");
    assert!(!e.state_hints().is_empty(), "nothing inspected yet: the state hint shows");
    let out = e.run("kubectl describe pod frontend", None);
    assert!(out.stdout.contains("configmap \"frontend-config\" not found"), "{}", out.stdout);
    assert_eq!(held(&e)[0], true);
    assert!(e.state_hints().is_empty());
    e.run("kubectl create configmap frontend-config --from-literal=API_URL=http://api.default.svc:8080", None);
    assert_eq!(held(&e)[1], true);
    assert!(e.solved().is_none());
    let start = e.now();
    while e.solved().is_none() && e.now() < start + 120_000 {
        let t = e.now() + 1_000;
        e.advance_to(t);
    }
    let golf = e.solved().expect("solved after the kubelet retried");
    assert_eq!(golf.learner.commands, 2);
    assert_eq!(golf.learner.reference_commands, 3);
    assert!(golf.reference_sim_ms.is_some());
    // Time travel to before the fix un-solves the attempt; forward again solves it again.
    let end = e.now();
    e.travel_to(start - 1);
    assert!(e.solved().is_none());
    assert_eq!(held(&e)[1], false);
    e.travel_to(end);
    assert_eq!(e.solved().map(|g| g.learner), Some(golf.learner));
}

#[test]
fn the_reference_replay_types_the_solution_in_simulated_time() {
    let task = scenario("missing-configmap");
    let mut e = Engine::reference(&task, 5).unwrap();
    assert!(e.reference_replay && e.in_past());
    let start = e.now();
    let mut echoed = Vec::new();
    while e.now() < e.recording.horizon {
        let t = e.now() + 1_000;
        e.advance_to(t);
        echoed.extend(e.take_echoes().into_iter().map(|(line, _)| line));
    }
    assert_eq!(echoed.len(), 3, "{echoed:?}");
    assert!(echoed[1].starts_with("kubectl create configmap frontend-config"));
    assert!(e.solved().is_some(), "the reference solves its own task by {}", e.now() - start);
}

#[test]
fn an_attempt_survives_a_reload_through_its_recording() {
    let task = scenario("missing-configmap");
    let mut e = Engine::for_task(&task, 5).unwrap();
    e.run("kubectl describe pod frontend", None);
    e.advance_to(e.now() + 3_000);
    let rec = e.recording.clone();
    let back = Engine::from_recording(rec, crate::attempt::Origin::Task(Box::new(task))).unwrap();
    assert_eq!(back.now(), e.now());
    assert_eq!(back.checklist(), e.checklist());
}

/// Every task's reference solution, played back through the engine's recording exactly as the
/// page's "Replay the reference solution" does, meets its goal whenever crates/lessons' own
/// replay (`TaskRun::replay`) does: the page's path and the content tests' path agree. (Which
/// tasks this simulation cannot solve yet is crates/lessons' tests' business.)
#[test]
fn every_reference_replay_agrees_with_the_lessons_replay() {
    let tasks: Vec<podlab_lessons::Task> = crate::task::with_catalog(|c| {
        let c = c.expect("catalog");
        c.lessons.iter().map(|l| l.exercise.task.clone()).chain(c.scenarios.iter().map(|(_, d)| d.task.clone())).collect()
    });
    let seed = crate::state_task::TASK_SEED;
    let mut disagree = Vec::new();
    let mut solved = 0;
    for task in &tasks {
        let Ok(mut e) = Engine::reference(task, seed) else { continue };
        let settle_ms = 60_000;
        let end = e.recording.horizon + settle_ms;
        while e.solved().is_none() && e.now() < end {
            let t = e.now() + 1_000;
            e.advance_to(t);
        }
        let theirs = podlab_lessons::TaskRun::replay(task, &task.solution, seed, settle_ms).ok().and_then(|r| r.solved_after_ms).is_some();
        if e.solved().is_some() != theirs {
            disagree.push(task.slug.clone());
        }
        solved += usize::from(theirs);
    }
    assert!(disagree.is_empty(), "the engine's replay and TaskRun::replay disagree on: {disagree:?}");
    assert!(solved * 2 > tasks.len(), "most reference solutions solve their task ({solved} of {})", tasks.len());
}

#[test]
fn a_node_shell_attaches_like_a_container_shell() {
    let mut e = Engine::new(1, ClusterSpec::default());
    let out = e.run("ssh node01", None);
    assert!(e.in_shell(), "{out:?}");
    let mut screen = crate::termbuf::Scrollback::default();
    screen.append(&out, true);
    assert!(screen.partial.ends_with("# "), "a pending prompt: {screen:?}");
    e.run("hostname", None);
    let out = e.exec_eof();
    assert!(!e.in_shell(), "{out:?}");
}

#[test]
fn ctrl_c_in_a_container_shell_interrupts_the_foreground_command() {
    let mut e = Engine::new(1, ClusterSpec::default());
    e.run("kubectl run box --image=busybox:1.36 -- sleep 3600", None);
    let t = e.now() + 60_000;
    e.advance_to(t);
    e.run("kubectl exec -it box -- sh", None);
    assert!(e.session().exec_reads_input(), "not attached");
    // Nothing runs: Ctrl+C at the prompt is echoed by the tty and the shell prompts again.
    let idle = e.interrupt();
    assert_eq!(idle.text(), "^C\n/ # ");
    e.run("sleep 100", None);
    let out = e.interrupt();
    assert_eq!(out.text(), "^C\n/ # ", "{out:?}");
    let status = e.run("echo $?", None);
    assert_eq!(status.text(), "130\n/ # ");
    // Recorded like every input: travelling back and forward replays the interrupt.
    let now = e.now();
    e.travel_to(30_000);
    e.travel_to(now);
    assert!(e.session().exec_reads_input());
    assert_eq!(e.run("echo again $?", None).text(), "again 0\n/ # ");
}

/// nginx up and `kubectl port-forward pod/web 8080:80` open.
fn forwarded_nginx() -> Engine {
    let mut e = Engine::new(1, ClusterSpec::default());
    assert_eq!(e.run("kubectl run web --image=nginx:1.27 --port=80", None).exit_code, 0);
    // Bounded wait for Running, read from the model so the wait itself records nothing.
    let running = |e: &Engine| e.model(Some("default")).nodes.iter().flat_map(|n| n.pods.iter()).any(|p| p.name == "web" && p.status == "Running");
    for _ in 0..120 {
        if running(&e) {
            break;
        }
        let t = e.now() + 1_000;
        e.advance_to(t);
    }
    assert!(running(&e), "nginx never ran");
    let out = e.run("kubectl port-forward pod/web 8080:80", None);
    assert!(out.stdout.contains("Forwarding from 127.0.0.1:8080 -> 80"), "{out:?}");
    e
}

#[test]
fn the_localhost_panel_fetches_through_a_forwarded_port() {
    let mut e = Engine::new(1, ClusterSpec::default());
    assert!(e.forwarded_ports().is_empty());
    let refused = e.fetch("http://localhost:8080/");
    assert_eq!(refused.outcome, Err("Failed to connect to localhost port 8080: Couldn't connect to server".into()));
    let mut e = forwarded_nginx();
    assert_eq!(e.forwarded_ports(), [8080]);
    let targets: Vec<String> = e.port_forwards().iter().map(|f| f.target()).collect();
    assert_eq!(targets, ["pod/web:80"]);
    let page = e.fetch("http://localhost:8080/");
    assert_eq!(page.status_line().as_deref(), Some("HTTP/1.1 200 OK"));
    assert!(page.outcome.as_ref().unwrap().1.contains("<title>Welcome to nginx!</title>"), "{page:?}");
    let missing = e.fetch("localhost:8080/missing");
    assert_eq!((missing.url.as_str(), missing.status_line().as_deref()), ("http://localhost:8080/missing", Some("HTTP/1.1 404 Not Found")));
    // An address that is not a local port never reaches the cluster: nothing is recorded.
    let inputs = e.recording.inputs.len();
    assert!(e.fetch("http://web:80/").outcome.is_err());
    assert_eq!(e.recording.inputs.len(), inputs);
    // nginx saw both requests: its access log says so.
    let logs = e.run("kubectl logs web", None).stdout;
    assert!(logs.contains("\"GET / HTTP/1.1\" 200") && logs.contains("\"GET /missing HTTP/1.1\" 404"), "{logs}");
}

#[test]
fn time_travel_and_reload_replay_the_fetches() {
    let mut e = forwarded_nginx();
    let forwarded_at = e.now();
    e.advance_to(forwarded_at + 5_000);
    let page = e.fetch("http://localhost:8080/");
    e.advance_to(forwarded_at + 10_000);
    let logs = e.run("kubectl logs web", None).stdout;
    e.travel_to(forwarded_at + 2_000);
    assert_eq!(e.last_fetch, None, "the fetch 5 s after forwarding has not happened yet");
    e.travel_to(forwarded_at + 10_000);
    assert_eq!(e.last_fetch.as_ref(), Some(&page));
    // Reload: the saved recording (through JSON, as localStorage keeps it) replays the same.
    let json = serde_json::to_string(&e.recording).unwrap();
    let loaded = Engine::from_recording(serde_json::from_str(&json).unwrap(), Origin::Sandbox(ClusterSpec::default())).unwrap();
    assert_eq!(loaded.last_fetch.as_ref(), Some(&page));
    let mut loaded = loaded;
    assert_eq!(loaded.run("kubectl logs web", None).stdout, logs);
}

/// Ten running pods in kube-system (a stand-in for kube-proxy, coredns and the control-plane
/// static pods other work adds to the default cluster), applied through the API server.
fn with_system_pods(e: &mut Engine) {
    for i in 0..10 {
        let pod = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: sys-{i}\n  namespace: kube-system\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n    command: [\"sleep\", \"3600\"]\n    resources:\n      requests:\n        cpu: 10m\n");
        assert_eq!(e.run("kubectl apply -f - <<EOF", Some(&pod)).exit_code, 0);
    }
}

#[test]
fn system_pods_stay_out_of_the_learners_view_and_replay_stays_fast() {
    let mut e = Engine::new(1, ClusterSpec::default());
    with_system_pods(&mut e);
    e.apply_file("pod.yaml", SIDECAR);
    e.advance_to(120_000);
    let full = e.model(None);
    assert!(full.system_pod_count() >= 10, "{}", full.system_pod_count());
    let mine = full.clone().learner_view(false);
    let names: Vec<&str> = mine.nodes.iter().flat_map(|n| n.pods.iter()).chain(mine.orbit.iter()).map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["multi-container-pod"]);
    assert!(full.nodes.iter().flat_map(|n| n.pods.iter()).filter(|p| p.namespace == "kube-system").all(|p| p.status == "Running"));
    // Wall-clock cost of what the page does on load and on a scrub (printed for the report;
    // `cargo test -- --nocapture`). Debug builds are several times slower than the release page.
    let rec = e.recording.clone();
    let started = std::time::Instant::now();
    let mut loaded = Engine::from_recording(rec, Origin::Sandbox(ClusterSpec::default())).unwrap();
    let load_ms = started.elapsed().as_millis();
    let started = std::time::Instant::now();
    loaded.travel_to(60_000);
    let travel_ms = started.elapsed().as_millis();
    println!("load (replay to 120 s, 10 system pods): {load_ms} ms; travel to 60 s: {travel_ms} ms");
    assert_eq!(loaded.model(None).learner_view(true).system_pod_count(), full.system_pod_count());
}
