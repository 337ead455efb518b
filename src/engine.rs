//! The UI's handle on the simulated cluster: the sandbox's `podlab_kubectl::Session` or a task
//! attempt (`attempt.rs`, whose checker judges every command and tick), plus the recording
//! that makes time travel possible, the swimlanes observed along the way and the last apply
//! (for the journey panel and the editor's error markers). Everything the page does to the
//! cluster goes through here, so it is exercised natively, without a browser.

use crate::completion::Names;
use crate::lanes::Lanes;
use crate::localhost::{self, Fetch};
use crate::model::{cluster_model, ClusterModel};
use crate::attempt::{reference_recording, Attempt, Origin};
use crate::timetravel::{rebuild, Cursor, Input, Recording, Replayable};
use podlab_kubectl::output::CommandOutput;
use podlab_kubectl::session::Session;
use podlab_lessons::{Checklist, GolfReport, Task};
use podlab_sim::{ClusterSpec, SimTime};

/// The last `kubectl apply` from the editor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LastApply {
    pub file: String,
    pub object: String,
    /// Trace length before the apply: the journey reads entries from here on.
    pub trace_from: u64,
    pub at: u64,
    pub exit_code: i32,
    pub stderr: String,
}

/// A session that can be rebuilt at an earlier time.
pub struct Engine {
    attempt: Attempt,
    pub recording: Recording,
    cursor: Cursor,
    pub lanes: Lanes,
    pub last_apply: Option<LastApply>,
    origin: Origin,
    /// This attempt plays the reference solution back: solving it earns the learner nothing.
    pub reference_replay: bool,
    /// Golf of the first solve of this attempt (the reference replay runs once, then is kept).
    solved: Option<GolfReport>,
    /// Commands a replay applied since the UI last looked (echoed in the terminal).
    echoes: Vec<(String, CommandOutput)>,
    /// The localhost panel's latest fetch as of the session's present (replay re-sends it).
    pub last_fetch: Option<Fetch>,
    /// Simulated ms at which a fresh attempt hands the cluster to the learner (the default
    /// cluster has already run its add-ons' warm-up by then): the earliest time to travel to.
    start_ms: u64,
}

impl Engine {
    pub fn new(seed: u64, spec: ClusterSpec) -> Engine {
        let attempt = Attempt::Sandbox(Box::new(Session::new(seed, spec.clone())));
        Engine::with_attempt(attempt, Recording::new(seed), Origin::Sandbox(spec))
    }

    fn with_attempt(attempt: Attempt, recording: Recording, origin: Origin) -> Engine {
        let start_ms = attempt.session().sim().now().as_millis();
        let mut e = Engine { attempt, recording, cursor: Cursor::default(), lanes: Lanes::default(), last_apply: None, origin, reference_replay: false, solved: None, echoes: Vec::new(), last_fetch: None, start_ms };
        e.observe();
        e
    }

    /// A fresh attempt at a lesson exercise or scenario: its cluster, files and setup.
    pub fn for_task(task: &Task, seed: u64) -> Result<Engine, String> {
        let origin = Origin::Task(Box::new(task.clone()));
        let attempt = origin.start(seed)?;
        Ok(Engine::with_attempt(attempt, Recording::new(seed), origin))
    }

    /// A fresh attempt whose recording is the task's reference solution, played back as the
    /// page's clock moves (the learner watches it being typed, at the chosen speed).
    pub fn reference(task: &Task, seed: u64) -> Result<Engine, String> {
        let mut e = Engine::for_task(task, seed)?;
        e.recording = reference_recording(seed, e.now(), &task.solution);
        e.reference_replay = true;
        Ok(e)
    }

    /// Restores a saved recording: replays it up to where it had got.
    pub fn from_recording(rec: Recording, origin: Origin) -> Result<Engine, String> {
        let attempt = origin.start(rec.seed)?;
        let horizon = rec.horizon;
        let mut e = Engine::with_attempt(attempt, rec, origin);
        e.travel_to(horizon);
        Ok(e)
    }

    pub fn session(&self) -> &Session {
        self.attempt.session()
    }

    /// The task this attempt is at, if any (None in the sandbox).
    pub fn task(&self) -> Option<&Task> {
        self.origin.task()
    }

    pub fn now(&self) -> u64 {
        self.session().sim().now().as_millis()
    }

    /// The earliest simulated time of this attempt (where a fresh session starts).
    pub fn start_ms(&self) -> u64 {
        self.start_ms
    }

    /// Simulated ms as the RFC 3339 wall time of the cluster (epoch ms).
    pub fn epoch_ms(&self) -> i64 {
        self.session().sim().epoch().epoch_ms(self.session().sim().now())
    }

    /// Runs a typed line (with its heredoc body) and records it.
    pub fn run(&mut self, line: &str, stdin: Option<&str>) -> CommandOutput {
        self.record(Input::Command { line: line.to_string(), stdin: stdin.map(str::to_string) });
        let out = self.attempt.command(line, stdin);
        self.observe();
        out
    }

    /// Ctrl+C: stops an open stream (`get -w`, `logs -f`); in a container's shell the tty
    /// turns it into SIGINT for the foreground command, and the shell prompts again.
    pub fn interrupt(&mut self) -> CommandOutput {
        if !self.accepts_interrupt() {
            return CommandOutput::default();
        }
        self.record(Input::Interrupt);
        let out = self.attempt.interrupt();
        self.observe();
        out
    }

    /// Whether Ctrl+C reaches the session (a stream is open or a container shell reads input);
    /// otherwise the terminal itself abandons the typed line.
    pub fn accepts_interrupt(&self) -> bool {
        self.session().is_streaming() || self.session().exec_reads_input()
    }

    /// Attached to a container's shell (`kubectl exec -it`) or a node's (`ssh node01`).
    pub fn in_shell(&self) -> bool {
        self.session().in_exec() || self.session().in_node_shell()
    }

    /// Ctrl+D in an attached shell: closes a container shell's stdin, as a terminal's
    /// end-of-file does; a node's login shell logs out as `exit` does.
    pub fn exec_eof(&mut self) -> CommandOutput {
        if self.session().in_node_shell() {
            return self.run("exit", None);
        }
        if !self.session().in_exec() {
            return CommandOutput::default();
        }
        self.record(Input::Eof);
        let out = self.attempt.apply(&Input::Eof);
        self.observe();
        out
    }

    /// The editor's apply: writes the file into the workspace, then `kubectl apply -f <file>`.
    pub fn apply_file(&mut self, file: &str, text: &str) -> (String, CommandOutput) {
        self.record(Input::WriteFile { path: file.to_string(), content: text.to_string() });
        self.attempt.write_file(file, text);
        let trace_from = self.session().sim().trace().last().map_or(0, |e| e.seq + 1);
        let line = format!("kubectl apply -f {file}");
        let out = self.run(&line, None);
        self.last_apply = Some(LastApply { file: file.to_string(), object: applied_object(text), trace_from, at: self.now(), exit_code: out.exit_code, stderr: out.stderr.clone() });
        (line, out)
    }

    /// The localhost panel's Fetch: GET `address` through a port `kubectl port-forward`
    /// forwards. Recorded like a command (the pod sees the request); an address that names no
    /// local port never reaches the cluster and is not recorded.
    pub fn fetch(&mut self, address: &str) -> Fetch {
        let fetch = match localhost::parse_address(address) {
            Ok(a) => {
                let input = Input::HttpGet { port: a.port, path: a.path.clone() };
                self.record(input.clone());
                let out = self.attempt.apply(&input);
                self.observe();
                Fetch { url: a.url(), outcome: localhost::decode(&out) }
            }
            Err(e) => Fetch { url: address.trim().to_string(), outcome: Err(e) },
        };
        self.last_fetch = Some(fetch.clone());
        fetch
    }

    /// Local ports `kubectl port-forward` listens on right now.
    pub fn forwarded_ports(&self) -> Vec<u16> {
        self.session().forwarded_ports()
    }

    /// The forwards listening right now, with the pod port each reaches.
    pub fn port_forwards(&self) -> Vec<podlab_kubectl::session::PortForward> {
        self.session().port_forwards()
    }

    /// Keeps what replay applied visible: a replayed fetch becomes the panel's latest result.
    fn replayed(&mut self, input: Option<&Input>, out: &CommandOutput) {
        if let Some(Input::HttpGet { port, path }) = input {
            let url = localhost::Address { port: *port, path: path.clone() }.url();
            self.last_fetch = Some(Fetch { url, outcome: localhost::decode(out) });
        }
    }

    fn record(&mut self, input: Input) {
        let at = self.now();
        self.recording.record(at, input);
        self.cursor.next = self.recording.inputs.len();
    }

    /// Advances to `target` (applying recorded inputs when replaying the future after time
    /// travel) and returns what an open stream printed; replayed commands wait in `echoes`.
    pub fn advance_to(&mut self, target: u64) -> CommandOutput {
        let mut out = CommandOutput::default();
        if self.cursor.in_past(&self.recording) {
            let rec = self.recording.clone();
            for (i, o) in self.cursor.advance(&mut self.attempt, &rec, target) {
                let input = rec.inputs.get(i).map(|s| &s.input);
                self.replayed(input, &o);
                if let Some(Input::Command { line, .. }) = input {
                    self.echoes.push((line.clone(), o));
                }
            }
        } else if target > self.now() {
            out = self.attempt.advance(target - self.now());
        }
        self.recording.reached(self.now());
        self.observe();
        out
    }

    /// Commands a replay applied since the last call, with their output.
    pub fn take_echoes(&mut self) -> Vec<(String, CommandOutput)> {
        std::mem::take(&mut self.echoes)
    }

    /// The goal's checklist as of the last command or tick (None in the sandbox).
    pub fn checklist(&self) -> Option<Checklist> {
        self.attempt.task_run().map(|r| r.checker().checklist())
    }

    /// State-aware hints that hold right now.
    pub fn state_hints(&self) -> Vec<String> {
        self.attempt.task_run().map(|r| r.state_hints()).unwrap_or_default()
    }

    /// Golf once the goal has held: the learner's commands and simulated time against the
    /// reference solution replayed on the same seed (measured once per attempt).
    pub fn solved(&mut self) -> Option<GolfReport> {
        let run = self.attempt.task_run()?;
        if run.checker().golf().is_none() {
            self.solved = None;
            return None;
        }
        if self.solved.is_none() {
            self.solved = run.golf_report(self.recording.seed);
        }
        self.solved.clone()
    }

    /// Scrubs to any time up to the horizon: a fresh session with the same seed, inputs replayed
    /// up to `t`. A fresh session cannot be earlier than `start_ms`; a `t` before it gives the
    /// state before any input, even those recorded at the very start.
    pub fn travel_to(&mut self, t: u64) {
        let t = t.min(self.recording.horizon.max(self.now()));
        let rec = self.recording.clone();
        // The origin started cleanly once on this seed and is deterministic, so it starts again.
        let Ok(fresh) = self.origin.start(rec.seed) else { return };
        let mut lanes = Lanes::default();
        // Replay in one-second slices, observing, so the swimlanes are rebuilt too.
        let (attempt, cursor) = rebuild(&rec, 0, |_| fresh);
        self.attempt = attempt;
        self.cursor = cursor;
        self.echoes.clear();
        self.last_fetch = None;
        let mut at = self.start_ms.min(t);
        loop {
            for (i, o) in self.cursor.advance(&mut self.attempt, &rec, at) {
                self.replayed(rec.inputs.get(i).map(|s| &s.input), &o);
            }
            lanes.observe(at, &self.model(None));
            if at >= t {
                break;
            }
            at = (at + 1_000).min(t);
        }
        self.lanes = lanes;
        if self.last_apply.as_ref().is_some_and(|a| a.at > t) {
            self.last_apply = None;
        }
    }

    /// The time of the next scheduled thing in the cluster, if any.
    pub fn next_event(&self) -> Option<u64> {
        self.session().sim().next_wakeup().map(SimTime::as_millis)
    }

    pub fn in_past(&self) -> bool {
        self.cursor.in_past(&self.recording)
    }

    fn observe(&mut self) {
        let now = self.now();
        let model = self.model(None);
        self.lanes.observe(now, &model);
    }

    /// The cluster view model (all namespaces, or one).
    pub fn model(&self, namespace: Option<&str>) -> ClusterModel {
        let sim = self.session().sim();
        let mut objects = sim.list("Node", None);
        objects.extend(sim.list("Pod", None));
        cluster_model(&objects, self.epoch_ms(), namespace)
    }

    /// Names for Tab completion.
    pub fn names(&self) -> Names {
        let sim = self.session().sim();
        let s = |v: &serde_json::Value, p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let pods = sim
            .list("Pod", None)
            .iter()
            .map(|p| {
                let containers = ["/spec/initContainers", "/spec/containers"].iter().flat_map(|l| p.pointer(l).and_then(|a| a.as_array()).cloned().unwrap_or_default()).map(|c| s(&c, "/name")).collect();
                (s(p, "/metadata/namespace"), s(p, "/metadata/name"), containers)
            })
            .collect();
        let namespace = self.session().kubeconfig().current_context().map(|c| c.namespace.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "default".into());
        Names {
            pods,
            nodes: sim.list("Node", None).iter().map(|n| s(n, "/metadata/name")).collect(),
            namespaces: sim.list("Namespace", None).iter().map(|n| s(n, "/metadata/name")).collect(),
            files: self.session().files().keys().cloned().collect(),
            namespace,
        }
    }
}

/// `Kind/namespace/name` of the first object in a manifest (the journey follows it).
pub fn applied_object(text: &str) -> String {
    let doc = podlab_api::manifest::parse(text).into_iter().find_map(|d| d.ok().filter(|d| !d.is_empty()));
    let Some(doc) = doc else { return String::new() };
    let j = doc.json();
    let get = |p: &str| j.pointer(p).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let ns = get("/metadata/namespace");
    format!("{}/{}/{}", get("/kind"), if ns.is_empty() { "default".into() } else { ns }, get("/metadata/name"))
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
