//! A task attempt wired to the real thing: a kubectl `Session` over a fresh `Simulation`, the
//! task's files and setup applied, and a `Checker` fed after every command and every tick. The
//! UI drives a learner's attempt through it; the tests and the UI's "replay the reference
//! solution" drive the solution and the known-wrong fixes through exactly the same path.
//! Node faults (`fault: {stop_kubelet: node01, after: 90s}`) stop or start a node's kubelet
//! (or power the whole node off and on), at once or at their simulated instant while the
//! attempt's time advances.

use crate::checker::{Checker, Checklist, Golf};
use crate::schema::{Fault, FaultAction, Step, Task};
use crate::sim_view::SimView;
use podlab_kubectl::output::CommandOutput;
use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;

/// How often a `wait` step lets the checker look (simulated ms); `for:` clocks need samples.
pub const TICK_MS: u64 = 1_000;

/// One attempt at a task.
pub struct TaskRun {
    session: Session,
    checker: Checker,
    /// Faults due later (`fault: {..., after: 2m}`), in the order they strike.
    faults: PendingFaults,
}

/// Node faults waiting for their simulated time: (at ms, action, node).
#[derive(Default)]
struct PendingFaults(Vec<(u64, FaultAction, String)>);

impl PendingFaults {
    /// Applies `fault` now, or queues it when it has an `after`.
    fn schedule(&mut self, session: &mut Session, fault: &Fault) -> Result<(), String> {
        let (action, node) = fault.action().ok_or("a fault names exactly one of stop_kubelet / start_kubelet / stop_node / start_node")?;
        if !session.sim().cluster().nodes.iter().any(|n| n.name == node) {
            return Err(format!("fault: no node {node:?} in this cluster"));
        }
        match fault.after {
            Some(d) if d.as_millis() > 0 => {
                let at = session.sim().now().as_millis().saturating_add(d.as_millis());
                let pos = self.0.partition_point(|f| f.0 <= at);
                self.0.insert(pos, (at, action, node.to_string()));
            }
            _ => strike(session, action, node),
        }
        Ok(())
    }

    /// When the next queued fault strikes.
    fn next_at(&self) -> Option<u64> {
        self.0.first().map(|f| f.0)
    }

    /// Applies every fault due by now.
    fn apply_due(&mut self, session: &mut Session) {
        let now = session.sim().now().as_millis();
        let due = self.0.partition_point(|f| f.0 <= now);
        for (_, action, node) in self.0.drain(..due) {
            strike(session, action, &node);
        }
    }
}

/// `node`'s kubelet stops or starts (as `systemctl` does), or the whole node powers off or on.
fn strike(session: &mut Session, action: FaultAction, node: &str) {
    let sim = session.sim_mut();
    match action {
        FaultAction::StopNode => sim.stop_node(node),
        FaultAction::StartNode => sim.start_node(node),
        FaultAction::StopKubelet => sim.stop_kubelet(node),
        FaultAction::StartKubelet => sim.start_kubelet(node),
    };
    let now = sim.now();
    sim.advance_to(now);
}

/// Golf for the "solved" screen: commands and simulated time, the learner's and the reference's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GolfReport {
    pub learner: Golf,
    /// None if the reference solution could not be replayed on this build.
    pub reference_sim_ms: Option<u64>,
}

/// What replaying a list of steps produced.
#[derive(Clone, Debug)]
pub struct Replay {
    /// The terminal transcript: `$ <line>` then its output, as the podlab CLI prints it.
    pub transcript: String,
    pub checklist: Checklist,
    /// Simulated ms from the start of the task until the goal first held, if it did.
    pub solved_after_ms: Option<u64>,
    pub commands: usize,
}

impl TaskRun {
    /// A fresh cluster for `task` (its `cluster` spec or the default), its files written to the
    /// workspace and its setup run; the checker starts when the learner gets the terminal.
    pub fn start(task: &Task, seed: u64) -> Result<TaskRun, String> {
        let spec = match &task.cluster {
            Some(v) => ClusterSpec::from_json(v).map_err(|e| format!("cluster: {e}"))?,
            None => ClusterSpec::default(),
        };
        let mut session = Session::new(seed, spec);
        for f in &task.files {
            session.write_file(&f.name, &f.content);
        }
        let mut transcript = String::new();
        let mut faults = PendingFaults::default();
        for (i, step) in task.setup.iter().enumerate() {
            apply_setup_step(&mut session, &mut faults, step, &mut transcript).map_err(|e| format!("setup[{i}]: {e}"))?;
        }
        let started = session.sim().now().as_millis();
        let checker = Checker::new(task, started);
        let mut run = TaskRun { session, checker, faults };
        run.evaluate();
        Ok(run)
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The terminal session (the UI's terminal types into it through `run`).
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Judges the cluster now.
    pub fn evaluate(&mut self) -> Checklist {
        let view = SimView::new(self.session.sim());
        self.checker.evaluate(&view)
    }

    /// State-aware hints that apply right now.
    pub fn state_hints(&self) -> Vec<String> {
        self.checker.state_hints(&SimView::new(self.session.sim()))
    }

    /// Runs what the learner typed (one line, or a line plus its heredoc body), records it and
    /// re-evaluates the goal.
    pub fn run(&mut self, text: &str) -> Vec<(String, CommandOutput)> {
        let mut results = Vec::new();
        for (line, stdin) in split_commands(text) {
            self.faults.apply_due(&mut self.session);
            let at = self.session.sim().now().as_millis();
            let out = self.session.execute_with_stdin(&line, stdin.as_deref());
            let recorded = match &stdin {
                Some(body) => format!("{line}\n{body}"),
                None => line.clone(),
            };
            self.checker.record_command(&recorded, at, out.exit_code);
            self.evaluate();
            results.push((line, out));
        }
        results
    }

    /// An editor save: the file's new content is what `-f <name>` reads from now on.
    pub fn edit(&mut self, name: &str, content: &str) {
        self.session.write_file(name, content);
    }

    /// Lets simulated time pass in ticks, judging after each; returns what open streams printed.
    pub fn advance(&mut self, millis: u64) -> CommandOutput {
        let mut out = CommandOutput::default();
        let mut left = millis;
        while left > 0 {
            self.faults.apply_due(&mut self.session);
            let now = self.session.sim().now().as_millis();
            // A queued fault strikes at its own instant, not at the end of a tick.
            let until_fault = self.faults.next_at().map_or(u64::MAX, |t| t.saturating_sub(now).max(1));
            let slice = left.min(TICK_MS).min(until_fault);
            let o = self.session.advance(slice);
            out.append(&o);
            out.streaming = o.streaming;
            left -= slice;
            self.faults.apply_due(&mut self.session);
            self.evaluate();
        }
        out
    }

    /// Applies one solution or wrong-fix step as a learner would, appending to `transcript`.
    pub fn step(&mut self, step: &Step, transcript: &mut String) -> Result<(), String> {
        match step {
            Step::Run(text) => {
                for (line, out) in self.run(text) {
                    push_transcript(transcript, &line, &out);
                }
            }
            Step::Edit(f) => self.edit(&f.name, &f.content),
            Step::Wait(d) => {
                self.advance(d.as_millis());
            }
            Step::Fault(f) => {
                self.faults.schedule(&mut self.session, f)?;
                self.evaluate();
            }
        }
        Ok(())
    }

    /// The learner's golf next to the reference solution's, replayed on the same seed (the
    /// reference's simulated time is measured, not stored, so it follows the simulation).
    pub fn golf_report(&self, seed: u64) -> Option<GolfReport> {
        let learner = self.checker.golf()?;
        let task = self.checker.task();
        let reference = TaskRun::replay(task, &task.solution, seed, 0).ok();
        Some(GolfReport { reference_sim_ms: reference.and_then(|r| r.solved_after_ms), learner })
    }

    /// Replays `steps` on a fresh attempt and lets `settle_ms` more pass, judging throughout.
    pub fn replay(task: &Task, steps: &[Step], seed: u64, settle_ms: u64) -> Result<Replay, String> {
        let mut run = TaskRun::start(task, seed)?;
        let mut transcript = String::new();
        for (i, s) in steps.iter().enumerate() {
            run.step(s, &mut transcript).map_err(|e| format!("step {i}: {e}"))?;
        }
        run.advance(settle_ms);
        let checklist = run.evaluate();
        let golf = run.checker.golf();
        Ok(Replay {
            transcript,
            checklist,
            solved_after_ms: golf.as_ref().map(|g| g.sim_ms),
            commands: run.checker.actions().command_count(),
        })
    }
}

fn apply_setup_step(session: &mut Session, faults: &mut PendingFaults, step: &Step, transcript: &mut String) -> Result<(), String> {
    match step {
        Step::Run(text) => {
            for (line, stdin) in split_commands(text) {
                let out = session.execute_with_stdin(&line, stdin.as_deref());
                push_transcript(transcript, &line, &out);
                if out.exit_code != 0 {
                    return Err(format!("`{line}` failed: {}", out.stderr.trim()));
                }
            }
        }
        Step::Edit(f) => session.write_file(&f.name, &f.content),
        Step::Wait(d) => {
            session.advance(d.as_millis());
        }
        Step::Fault(f) => faults.schedule(session, f)?,
    }
    Ok(())
}

fn push_transcript(transcript: &mut String, line: &str, out: &CommandOutput) {
    transcript.push_str("$ ");
    transcript.push_str(line);
    transcript.push('\n');
    for (_, text) in out.chunks() {
        transcript.push_str(text);
    }
}

/// Splits terminal text into commands: each line is one, and a line opening a heredoc takes
/// the following lines up to its delimiter as stdin (as the browser terminal collects them).
pub fn split_commands(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        match Session::heredoc_delimiter(line) {
            Some((delim, strip_tabs)) => {
                let mut body = String::new();
                for l in lines.by_ref() {
                    let l = if strip_tabs { l.trim_start_matches('\t') } else { l };
                    if l == delim {
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                out.push((line.to_string(), Some(body)));
            }
            None => out.push((line.to_string(), None)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{split_commands, TaskRun};
    use crate::schema::Task;
    use serde_json::json;

    fn task_with_setup(setup: serde_json::Value) -> Task {
        serde_json::from_value(json!({"slug": "t", "title": "t", "track": "x", "difficulty": "beginner", "story": "s", "setup": setup,
            "goal": [{"text": "g", "that": {"exists": {"kind": "Pod", "name": "nope"}}}], "hints": ["h"], "solution": [{"run": "kubectl get nodes"}]}))
        .expect("a valid task")
    }

    #[test]
    fn faults_strike_at_once_or_at_their_instant() {
        let run = TaskRun::start(&task_with_setup(json!([{"fault": {"stop_node": "node02"}}])), 1).expect("starts");
        assert!(run.session().sim().node_stopped("node02"));
        let mut run = TaskRun::start(&task_with_setup(json!([{"fault": {"stop_node": "node01", "after": "90s"}}, {"fault": {"start_node": "node01", "after": "2m"}}])), 1).expect("starts");
        let stopped = |r: &TaskRun| r.session().sim().node_stopped("node01");
        run.advance(89_500);
        assert!(!stopped(&run), "not before 90s");
        run.advance(500);
        assert!(stopped(&run), "at 90s");
        run.advance(30_000);
        assert!(!stopped(&run), "started again at 2m");
    }

    #[test]
    fn a_kubelet_fault_leaves_the_node_powered_on() {
        let run = TaskRun::start(&task_with_setup(json!([{"fault": {"stop_kubelet": "node02"}}])), 1).expect("starts");
        let sim = run.session().sim();
        assert!(sim.node_stopped("node02") && !sim.node_powered_off("node02"));
        let run = TaskRun::start(&task_with_setup(json!([{"fault": {"stop_node": "node02"}}, {"fault": {"start_kubelet": "node02"}}])), 1).expect("starts");
        let sim = run.session().sim();
        assert!(sim.node_stopped("node02") && sim.node_powered_off("node02"), "a kubelet cannot start on a machine that is off");
        let run = TaskRun::start(&task_with_setup(json!([{"fault": {"stop_kubelet": "node02"}}, {"fault": {"start_kubelet": "node02"}}])), 1).expect("starts");
        assert!(!run.session().sim().node_stopped("node02"));
    }

    #[test]
    fn bad_faults_fail_the_start_with_a_reason() {
        let cases = [
            (json!([{"fault": {"stop_node": "node09"}}]), "no node \"node09\""),
            (json!([{"fault": {"after": "1m"}}]), "exactly one"),
            (json!([{"fault": {"stop_node": "node01", "start_node": "node01"}}]), "exactly one"),
            (json!([{"fault": {"stop_kubelet": "node01", "stop_node": "node01"}}]), "exactly one"),
        ];
        for (setup, want) in cases {
            let err = TaskRun::start(&task_with_setup(setup.clone()), 1).err().unwrap_or_default();
            assert!(err.contains(want), "{setup}: {err}");
        }
    }

    #[test]
    fn heredocs_become_stdin() {
        let text = "kubectl get pods\nkubectl apply -f - <<EOF\nkind: Pod\nEOF\n\nsleep 5s\n";
        let cmds = split_commands(text);
        assert_eq!(cmds.len(), 3);
        assert_eq!(cmds[1], ("kubectl apply -f - <<EOF".to_string(), Some("kind: Pod\n".to_string())));
        assert_eq!(cmds[2].0, "sleep 5s");
    }
}
