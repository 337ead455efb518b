//! What the engine drives: either the free sandbox session or an attempt at a lesson exercise or
//! scenario (`podlab_lessons::TaskRun`, whose setup and goal checker live in crates/lessons).
//! Both replay the same recorded inputs, so time travel, reload and "replay the reference
//! solution" work the same way in both; only a task attempt judges the cluster as it goes.

use crate::timetravel::{Input, Recording, Replayable, Stamped};
use podlab_kubectl::output::CommandOutput;
use podlab_kubectl::session::Session;
use podlab_lessons::runner::split_commands;
use podlab_lessons::{Step, Task, TaskRun};
use podlab_sim::ClusterSpec;

/// How a fresh attempt is made (time travel rebuilds from it).
#[derive(Clone, Debug)]
pub enum Origin {
    Sandbox(ClusterSpec),
    Task(Box<Task>),
}

/// A live session: the sandbox's or a task attempt's.
pub enum Attempt {
    Sandbox(Box<Session>),
    Task(Box<TaskRun>),
}

impl Origin {
    /// A fresh attempt on `seed`: the sandbox cluster, or the task's cluster after its setup.
    pub fn start(&self, seed: u64) -> Result<Attempt, String> {
        match self {
            Origin::Sandbox(spec) => Ok(Attempt::Sandbox(Box::new(Session::new(seed, spec.clone())))),
            Origin::Task(task) => TaskRun::start(task, seed).map(|r| Attempt::Task(Box::new(r))),
        }
    }

    pub fn task(&self) -> Option<&Task> {
        match self {
            Origin::Task(t) => Some(t),
            Origin::Sandbox(_) => None,
        }
    }
}

impl Attempt {
    pub fn session(&self) -> &Session {
        match self {
            Attempt::Sandbox(s) => s,
            Attempt::Task(r) => r.session(),
        }
    }

    pub fn session_mut(&mut self) -> &mut Session {
        match self {
            Attempt::Sandbox(s) => s,
            Attempt::Task(r) => r.session_mut(),
        }
    }

    pub fn task_run(&self) -> Option<&TaskRun> {
        match self {
            Attempt::Task(r) => Some(r),
            Attempt::Sandbox(_) => None,
        }
    }

    /// Runs a typed line (with its heredoc body). A task attempt records it for the checker and
    /// judges the goal afterwards; an empty line inside an exec shell only asks for a new prompt
    /// and is not a command the learner ran.
    /// Ctrl+C: SIGINT through an attached container shell's tty, else the open stream closes.
    pub fn interrupt(&mut self) -> CommandOutput {
        let session = self.session_mut();
        if session.exec_reads_input() {
            return session.exec_interrupt();
        }
        session.interrupt();
        CommandOutput::default()
    }

    pub fn command(&mut self, line: &str, stdin: Option<&str>) -> CommandOutput {
        let Attempt::Task(run) = self else {
            return self.session_mut().execute_with_stdin(line, stdin);
        };
        if line.trim().is_empty() {
            return run.session_mut().execute_with_stdin(line, stdin);
        }
        let text = match (stdin, Session::heredoc_delimiter(line)) {
            (Some(body), Some((delimiter, _))) if !run.session().in_exec() => format!("{line}\n{body}{delimiter}\n"),
            _ => line.to_string(),
        };
        let mut out = CommandOutput::default();
        for (_, o) in run.run(&text) {
            out.extend(o);
        }
        out
    }

    /// Lets `millis` of simulated time pass (a task attempt judges after every second).
    pub fn advance(&mut self, millis: u64) -> CommandOutput {
        match self {
            Attempt::Sandbox(s) => s.advance(millis),
            Attempt::Task(r) => r.advance(millis),
        }
    }

    pub fn write_file(&mut self, path: &str, content: &str) {
        match self {
            Attempt::Sandbox(s) => s.write_file(path, content),
            Attempt::Task(r) => r.edit(path, content),
        }
    }
}

impl Replayable for Attempt {
    type Output = CommandOutput;

    fn now(&self) -> u64 {
        self.session().sim().now().as_millis()
    }

    fn advance_to(&mut self, t: u64) {
        let now = Replayable::now(self);
        if t > now {
            let _ = self.advance(t - now);
        }
    }

    fn apply(&mut self, input: &Input) -> CommandOutput {
        match input {
            Input::Command { line, stdin } => self.command(line, stdin.as_deref()),
            Input::WriteFile { path, content } => {
                self.write_file(path, content);
                CommandOutput::default()
            }
            Input::Interrupt => self.interrupt(),
            Input::Eof => self.session_mut().exec_send(None, true),
            Input::HttpGet { port, path } => crate::localhost::encode(&self.session_mut().forward_http(*port, path)),
            Input::Fault(f) => {
                let mut out = CommandOutput::default();
                if let Attempt::Task(run) = self {
                    let mut transcript = String::new();
                    if let Err(e) = run.step(&Step::Fault(f.clone()), &mut transcript) {
                        out.err(&format!("{e}\n"));
                    }
                }
                out
            }
        }
    }
}

/// Simulated time the reference replay lets pass after its last step, so the goal's `for:`
/// clocks and the last command's effects are visible before the replay ends.
pub const REFERENCE_SETTLE_MS: u64 = 5_000;

/// The reference solution as a recording that starts at `start_ms` (when the task's setup
/// ended): each command and editor change stamped at the time it happens, `wait` steps moving
/// the clock. Played back by the engine's cursor, it runs at the page's speed like the learner's
/// own typing would.
pub fn reference_recording(seed: u64, start_ms: u64, steps: &[Step]) -> Recording {
    let mut rec = Recording::new(seed);
    let mut at = start_ms;
    for step in steps {
        match step {
            Step::Run(text) => {
                for (line, stdin) in split_commands(text) {
                    rec.inputs.push(Stamped { at, input: Input::Command { line, stdin } });
                }
            }
            Step::Edit(f) => rec.inputs.push(Stamped { at, input: Input::WriteFile { path: f.name.clone(), content: f.content.clone() } }),
            Step::Wait(d) => at = at.saturating_add(d.as_millis()),
            Step::Fault(f) => rec.inputs.push(Stamped { at, input: Input::Fault(f.clone()) }),
        }
    }
    rec.horizon = at.saturating_add(REFERENCE_SETTLE_MS);
    rec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_steps_are_stamped_in_simulated_time() {
        let task = podlab_lessons::Catalog::embedded().unwrap().scenario("missing-configmap").unwrap().task.clone();
        let rec = reference_recording(7, 40_000, &task.solution);
        let times: Vec<u64> = rec.inputs.iter().map(|s| s.at).collect();
        assert_eq!(times, [40_000, 40_000, 70_000]);
        assert_eq!(rec.horizon, 70_000 + REFERENCE_SETTLE_MS);
        assert!(matches!(&rec.inputs[1].input, Input::Command { line, .. } if line.starts_with("kubectl create configmap")));
    }

    #[test]
    fn reference_faults_are_recorded_at_their_step() {
        let steps: Vec<Step> = serde_json::from_value(serde_json::json!([
            {"run": "kubectl get nodes"}, {"wait": "10s"}, {"fault": {"stop_node": "node01"}}, {"wait": "5s"}
        ]))
        .unwrap();
        let rec = reference_recording(1, 0, &steps);
        assert_eq!(rec.inputs.len(), 2);
        assert_eq!(rec.inputs[1].at, 10_000);
        assert!(matches!(rec.inputs[1].input, Input::Fault(_)));
        assert_eq!(rec.horizon, 15_000 + REFERENCE_SETTLE_MS);
    }

    #[test]
    fn task_commands_reach_the_checker_with_heredocs_intact() {
        let task = podlab_lessons::Catalog::embedded().unwrap().scenario("missing-configmap").unwrap().task.clone();
        let mut a = Origin::Task(Box::new(task)).start(1).unwrap();
        let body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: v\n";
        let out = a.command("kubectl apply -f - <<EOF", Some(body));
        assert_eq!(out.stdout, "configmap/x created\n", "{out:?}");
        assert_eq!(a.task_run().unwrap().checker().actions().command_count(), 1);
        let out = a.command("kubectl get configmap x -o jsonpath={.data.k}", None);
        assert_eq!((out.stdout.as_str(), out.exit_code), ("v", 0));
    }
}
