//! The UI's handle on the simulated cluster: a `podlab_kubectl::Session` plus the recording
//! that makes time travel possible, the swimlanes observed along the way and the last apply
//! (for the journey panel and the editor's error markers). Everything the page does to the
//! cluster goes through here, so it is exercised natively, without a browser.

use crate::completion::Names;
use crate::lanes::Lanes;
use crate::model::{cluster_model, ClusterModel};
use crate::timetravel::{rebuild, Cursor, Input, Recording, Replayable};
use podlab_kubectl::output::CommandOutput;
use podlab_kubectl::session::Session;
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
    pub session: Session,
    pub recording: Recording,
    cursor: Cursor,
    pub lanes: Lanes,
    pub last_apply: Option<LastApply>,
    spec: ClusterSpec,
}

impl Replayable for Session {
    fn now(&self) -> u64 {
        self.sim().now().as_millis()
    }
    fn advance_to(&mut self, t: u64) {
        let now = Replayable::now(self);
        if t > now {
            let _ = self.advance(t - now);
        }
    }
    fn apply(&mut self, input: &Input) {
        match input {
            Input::Command { line, stdin } => {
                let _ = self.execute_with_stdin(line, stdin.as_deref());
            }
            Input::WriteFile { path, content } => self.write_file(path, content),
            Input::Interrupt => self.interrupt(),
        }
    }
}

impl Engine {
    pub fn new(seed: u64, spec: ClusterSpec) -> Engine {
        let session = Session::new(seed, spec.clone());
        let mut e = Engine { session, recording: Recording::new(seed), cursor: Cursor::default(), lanes: Lanes::default(), last_apply: None, spec };
        e.observe();
        e
    }

    /// Restores a saved recording: replays it up to where it had got.
    pub fn from_recording(rec: Recording, spec: ClusterSpec) -> Engine {
        let mut e = Engine::new(rec.seed, spec);
        let horizon = rec.horizon;
        e.recording = rec;
        e.travel_to(horizon);
        e
    }

    pub fn now(&self) -> u64 {
        self.session.sim().now().as_millis()
    }

    /// Simulated ms as the RFC 3339 wall time of the cluster (epoch ms).
    pub fn epoch_ms(&self) -> i64 {
        self.session.sim().epoch().epoch_ms(self.session.sim().now())
    }

    /// Runs a typed line (with its heredoc body) and records it.
    pub fn run(&mut self, line: &str, stdin: Option<&str>) -> CommandOutput {
        self.record(Input::Command { line: line.to_string(), stdin: stdin.map(str::to_string) });
        let out = self.session.execute_with_stdin(line, stdin);
        self.observe();
        out
    }

    /// Ctrl+C: stops an open stream.
    pub fn interrupt(&mut self) {
        if self.session.is_streaming() {
            self.record(Input::Interrupt);
            self.session.interrupt();
        }
    }

    /// The editor's apply: writes the file into the workspace, then `kubectl apply -f <file>`.
    pub fn apply_file(&mut self, file: &str, text: &str) -> (String, CommandOutput) {
        self.record(Input::WriteFile { path: file.to_string(), content: text.to_string() });
        self.session.write_file(file, text);
        let trace_from = self.session.sim().trace().last().map_or(0, |e| e.seq + 1);
        let line = format!("kubectl apply -f {file}");
        let out = self.run(&line, None);
        self.last_apply = Some(LastApply { file: file.to_string(), object: applied_object(text), trace_from, at: self.now(), exit_code: out.exit_code, stderr: out.stderr.clone() });
        (line, out)
    }

    fn record(&mut self, input: Input) {
        let at = self.now();
        self.recording.record(at, input);
        self.cursor.next = self.recording.inputs.len();
    }

    /// Advances to `target` (applying recorded inputs when replaying the future after time
    /// travel) and returns what an open stream printed, plus the echo of replayed commands.
    pub fn advance_to(&mut self, target: u64) -> CommandOutput {
        let mut out = CommandOutput::default();
        if self.cursor.in_past(&self.recording) {
            let rec = self.recording.clone();
            self.cursor.advance(&mut self.session, &rec, target);
        } else if target > self.now() {
            out = self.session.advance(target - self.now());
        }
        self.recording.reached(self.now());
        self.observe();
        out
    }

    /// Scrubs to any time in [0, horizon]: a fresh session with the same seed, inputs replayed.
    pub fn travel_to(&mut self, t: u64) {
        let t = t.min(self.recording.horizon.max(self.now()));
        let spec = self.spec.clone();
        let rec = self.recording.clone();
        self.lanes = Lanes::default();
        let mut lanes = Lanes::default();
        // Replay in one-second slices, observing, so the swimlanes are rebuilt too.
        let (session, cursor) = rebuild(&rec, 0, |seed| Session::new(seed, spec));
        self.session = session;
        self.cursor = cursor;
        let mut at = 0;
        loop {
            let rec = self.recording.clone();
            self.cursor.advance(&mut self.session, &rec, at);
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
        self.session.sim().next_wakeup().map(SimTime::as_millis)
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
        let sim = self.session.sim();
        let mut objects = sim.list("Node", None);
        objects.extend(sim.list("Pod", None));
        cluster_model(&objects, self.epoch_ms(), namespace)
    }

    /// Names for Tab completion.
    pub fn names(&self) -> Names {
        let sim = self.session.sim();
        let s = |v: &serde_json::Value, p: &str| v.pointer(p).and_then(|x| x.as_str()).unwrap_or("").to_string();
        let pods = sim
            .list("Pod", None)
            .iter()
            .map(|p| {
                let containers = ["/spec/initContainers", "/spec/containers"].iter().flat_map(|l| p.pointer(l).and_then(|a| a.as_array()).cloned().unwrap_or_default()).map(|c| s(&c, "/name")).collect();
                (s(p, "/metadata/namespace"), s(p, "/metadata/name"), containers)
            })
            .collect();
        let namespace = self.session.kubeconfig().current_context().map(|c| c.namespace.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| "default".into());
        Names {
            pods,
            nodes: sim.list("Node", None).iter().map(|n| s(n, "/metadata/name")).collect(),
            namespaces: sim.list("Namespace", None).iter().map(|n| s(n, "/metadata/name")).collect(),
            files: self.session.files().keys().cloned().collect(),
            namespace,
        }
    }
}

/// `Kind/namespace/name` of the first object in a manifest (the journey follows it).
pub fn applied_object(text: &str) -> String {
    let doc = podlab_api::manifest::parse(text).into_iter().find_map(|d| d.ok().filter(|d| !d.is_empty()));
    let Some(doc) = doc else { return String::new() };
    let j = &doc.json;
    let get = |p: &str| j.pointer(p).and_then(|v| v.as_str()).unwrap_or("").to_string();
    let ns = get("/metadata/namespace");
    format!("{}/{}/{}", get("/kind"), if ns.is_empty() { "default".into() } else { ns }, get("/metadata/name"))
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
