//! Time travel by replay. The simulation is deterministic, so a session is fully described by
//! its seed plus the learner's inputs stamped with the simulated time they happened at (a
//! command, a file the editor saved into the workspace, a Ctrl+C). Scrubbing back to time t
//! rebuilds a fresh session and re-applies the inputs up to t; the later inputs stay recorded,
//! so moving forward again re-applies them at their times and reaches the same state. A new
//! input while in the past starts a new branch: the old future is dropped ("what if").

use serde::{Deserialize, Serialize};

/// Something the learner did to the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Input {
    /// A typed (or clicked) command line, with its heredoc body if any.
    Command { line: String, stdin: Option<String> },
    /// The editor wrote a file into the session's workspace (before `kubectl apply -f`).
    WriteFile { path: String, content: String },
    /// Ctrl+C.
    Interrupt,
    /// Ctrl+D in an exec shell: end of its input.
    Eof,
    /// A node fault of a task's reference solution (a kubelet stopping or starting).
    Fault(podlab_lessons::schema::Fault),
    /// The localhost panel fetched `http://localhost:PORT/path` through a forwarded port (the
    /// pod's server sees the request and logs it, so replay must send it again). Added after
    /// the first saved states: those simply never contain it, and still load.
    HttpGet { port: u16, path: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamped {
    /// Simulated milliseconds since cluster start.
    pub at: u64,
    pub input: Input,
}

/// The seed and every input, in time order; plus how far the session got.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recording {
    pub seed: u64,
    pub inputs: Vec<Stamped>,
    /// The latest simulated time ever reached (the end of the time-travel slider).
    pub horizon: u64,
}

/// Bound on stored inputs so a long sandbox session cannot fill localStorage.
pub const MAX_INPUTS: usize = 2_000;

impl Recording {
    pub fn new(seed: u64) -> Recording {
        Recording { seed, inputs: Vec::new(), horizon: 0 }
    }

    /// Records an input at `at`. Inputs later than `at` belong to an abandoned future and go.
    pub fn record(&mut self, at: u64, input: Input) {
        self.inputs.retain(|s| s.at <= at);
        if self.inputs.len() >= MAX_INPUTS {
            // Replay needs every input from the start, so a full recording stops growing; the
            // live session goes on, only time travel past this point is lost.
            return;
        }
        self.inputs.push(Stamped { at, input });
        self.horizon = at;
    }

    /// Notes that the live session reached `at`.
    pub fn reached(&mut self, at: u64) {
        self.horizon = self.horizon.max(at);
    }

    /// Whether the recording is full (time travel then stops at its last input).
    pub fn is_full(&self) -> bool {
        self.inputs.len() >= MAX_INPUTS
    }
}

/// What replay needs from a session (the real one is `podlab_kubectl::Session`; tests use a
/// fake). `advance_to` may be asked for a time it already passed; it must then do nothing.
pub trait Replayable {
    /// What applying an input printed (the engine echoes replayed commands in the terminal).
    type Output;
    fn now(&self) -> u64;
    fn advance_to(&mut self, t: u64);
    fn apply(&mut self, input: &Input) -> Self::Output;
}

/// Replays inputs onto a session, from `next` onwards, as time moves forward.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Index of the first input not yet applied.
    pub next: usize,
}

impl Cursor {
    /// Moves `session` to `target`, applying each recorded input at its own time on the way.
    /// Returns the indices of the inputs applied with what each printed (so the UI can echo
    /// them in the terminal).
    pub fn advance<S: Replayable>(&mut self, session: &mut S, rec: &Recording, target: u64) -> Vec<(usize, S::Output)> {
        let mut applied = Vec::new();
        while let Some(s) = rec.inputs.get(self.next) {
            if s.at > target {
                break;
            }
            session.advance_to(s.at);
            let out = session.apply(&s.input);
            applied.push((self.next, out));
            self.next += 1;
        }
        session.advance_to(target);
        applied
    }

    /// True while recorded inputs lie ahead (the learner is in the past).
    pub fn in_past(&self, rec: &Recording) -> bool {
        self.next < rec.inputs.len()
    }
}

/// Rebuilds a session at time `t` from the recording: `fresh` makes a new session from the
/// seed, then every input up to `t` is applied at its time.
pub fn rebuild<S: Replayable>(rec: &Recording, t: u64, fresh: impl FnOnce(u64) -> S) -> (S, Cursor) {
    let mut session = fresh(rec.seed);
    let mut cursor = Cursor::default();
    cursor.advance(&mut session, rec, t);
    (session, cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic fake: state is a log of (time, input) and a seed-derived value.
    #[derive(Debug, PartialEq, Clone)]
    struct Fake {
        now: u64,
        log: Vec<(u64, String)>,
        seed: u64,
    }

    impl Replayable for Fake {
        type Output = ();
        fn now(&self) -> u64 {
            self.now
        }
        fn advance_to(&mut self, t: u64) {
            self.now = self.now.max(t);
        }
        fn apply(&mut self, input: &Input) {
            let s = match input {
                Input::Command { line, .. } => line.clone(),
                Input::WriteFile { path, .. } => format!("write {path}"),
                Input::Interrupt => "^C".into(),
                Input::Eof => "^D".into(),
                Input::Fault(_) => "fault".into(),
                Input::HttpGet { port, path } => format!("GET localhost:{port}{path}"),
            };
            self.log.push((self.now, s));
        }
    }

    fn fresh(seed: u64) -> Fake {
        Fake { now: 0, log: Vec::new(), seed }
    }

    fn cmd(s: &str) -> Input {
        Input::Command { line: s.into(), stdin: None }
    }

    fn recording() -> Recording {
        let mut r = Recording::new(7);
        r.record(1_000, Input::WriteFile { path: "pod.yaml".into(), content: "x".into() });
        r.record(1_000, cmd("kubectl apply -f pod.yaml"));
        r.record(30_000, cmd("kubectl delete pod web"));
        r.reached(60_000);
        r
    }

    #[test]
    fn live_and_replayed_sessions_agree() {
        let rec = recording();
        let (live, _) = rebuild(&rec, 60_000, fresh);
        let (mut back, mut cursor) = rebuild(&rec, 10_000, fresh);
        assert_eq!(back.log.len(), 2);
        assert!(cursor.in_past(&rec));
        cursor.advance(&mut back, &rec, 60_000);
        assert_eq!(back, live);
        assert!(!cursor.in_past(&rec));
        assert_eq!(live.seed, 7);
    }

    #[test]
    fn inputs_apply_at_their_own_time() {
        let (s, _) = rebuild(&recording(), 45_000, fresh);
        assert_eq!(s.log, vec![(1_000, "write pod.yaml".into()), (1_000, "kubectl apply -f pod.yaml".into()), (30_000, "kubectl delete pod web".into())]);
        assert_eq!(s.now, 45_000);
    }

    #[test]
    fn a_new_input_in_the_past_drops_the_old_future() {
        let mut rec = recording();
        rec.record(5_000, cmd("kubectl get pods"));
        assert_eq!(rec.inputs.len(), 3);
        assert_eq!(rec.inputs[2].input, cmd("kubectl get pods"));
        // The slider now ends at the branch point: the old future no longer exists.
        assert_eq!(rec.horizon, 5_000);
    }

    #[test]
    fn recording_is_bounded_and_serializable() {
        let mut rec = Recording::new(1);
        for i in 0..MAX_INPUTS + 5 {
            rec.record(i as u64, Input::Interrupt);
        }
        assert!(rec.is_full());
        assert_eq!(rec.inputs.len(), MAX_INPUTS);
        let json = serde_json::to_string(&recording()).unwrap();
        assert_eq!(serde_json::from_str::<Recording>(&json).unwrap(), recording());
    }

    #[test]
    fn saved_states_from_before_the_localhost_panel_still_load() {
        // Verbatim shape of a recording saved before `HttpGet` existed.
        let old = r#"{"seed":20250101,"inputs":[{"at":0,"input":{"type":"writeFile","path":"pod.yaml","content":"x"}},{"at":0,"input":{"type":"command","line":"kubectl get pods","stdin":null}},{"at":5,"input":{"type":"interrupt"}},{"at":6,"input":{"type":"eof"}}],"horizon":9000}"#;
        let rec: Recording = serde_json::from_str(old).unwrap();
        assert_eq!(rec.inputs.len(), 4);
        assert_eq!(rec.inputs[1].input, cmd("kubectl get pods"));
        assert_eq!(rec.horizon, 9_000);
        let mut new = rec.clone();
        new.record(9_000, Input::HttpGet { port: 8080, path: "/".into() });
        let json = serde_json::to_string(&new).unwrap();
        assert!(json.contains(r#"{"type":"httpGet","port":8080,"path":"/"}"#), "{json}");
        assert_eq!(serde_json::from_str::<Recording>(&json).unwrap(), new);
    }
}
