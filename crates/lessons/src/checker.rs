//! The goal checker of one task attempt: the learner's action log, the per-check "holding
//! since" clocks that `for: 60s` needs, the checklist the UI shows after every command and tick,
//! state-aware hints, and golf once solved. It is fed observations (`record_command`,
//! `evaluate` with a `ClusterView`) and never drives the simulation itself, so the UI and the
//! tests can call it at whatever cadence they tick.

use crate::actions::{Action, ActionLog};
use crate::predicate::{eval, Context};
use crate::schema::{Predicate, Step, Task};
use crate::view::ClusterView;
use serde::{Deserialize, Serialize};

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    pub text: String,
    /// Holds now, for as long as the check demands.
    pub holds: bool,
    /// Why it does not hold yet (empty when it holds); the UI shows it on request.
    pub why_not: String,
    /// How long the predicate has held so far, and how long it must (0 without `for`).
    pub held_ms: u64,
    pub needed_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub items: Vec<ChecklistItem>,
    pub solved: bool,
}

/// The learner's score against the reference solution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Golf {
    pub commands: usize,
    /// Simulated time from the start of the task to the moment the goal held.
    pub sim_ms: u64,
    pub reference_commands: usize,
}

#[derive(Clone, Debug, Default)]
struct Clock {
    since_ms: Option<u64>,
    fingerprint: String,
    /// Event checks stay met once met: the API server forgets events after an hour.
    latched: bool,
}

/// A task attempt in progress.
#[derive(Clone, Debug)]
pub struct Checker {
    task: Task,
    started_ms: u64,
    log: ActionLog,
    clocks: Vec<Clock>,
    last: Option<Checklist>,
    solved_at_ms: Option<u64>,
    solved_commands: usize,
}

impl Checker {
    /// Starts judging `task`; call after its setup ran, with the simulated time at that point.
    pub fn new(task: &Task, started_ms: u64) -> Checker {
        Checker {
            task: task.clone(),
            started_ms,
            log: ActionLog::default(),
            clocks: vec![Clock::default(); task.goal.len()],
            last: None,
            solved_at_ms: None,
            solved_commands: 0,
        }
    }

    pub fn task(&self) -> &Task {
        &self.task
    }

    pub fn started_ms(&self) -> u64 {
        self.started_ms
    }

    /// Records a command the learner ran (call it before `evaluate`).
    pub fn record_command(&mut self, line: &str, at_ms: u64, exit_code: i32) {
        self.log.push(Action::new(line, at_ms, exit_code));
    }

    pub fn actions(&self) -> &ActionLog {
        &self.log
    }

    /// Judges every check at the view's time and returns the checklist.
    pub fn evaluate(&mut self, view: &dyn ClusterView) -> Checklist {
        let now = view.now_ms();
        let cx = Context { view, log: &self.log, started_ms: self.started_ms };
        let mut items = Vec::with_capacity(self.task.goal.len());
        for (check, clock) in self.task.goal.iter().zip(self.clocks.iter_mut()) {
            let e = eval(&check.that, &cx);
            let needed = check.hold_for.map(|d| d.as_millis()).unwrap_or(0);
            let latching = matches!(check.that, Predicate::Event(_));
            if e.holds && latching {
                clock.latched = true;
            }
            let holds_now = e.holds || clock.latched;
            if !holds_now {
                clock.since_ms = None;
            } else if clock.since_ms.is_none() || (e.holds && clock.fingerprint != e.fingerprint) {
                clock.since_ms = Some(now);
                clock.fingerprint = e.fingerprint.clone();
            }
            let held = clock.since_ms.map(|s| now.saturating_sub(s)).unwrap_or(0);
            let ok = holds_now && held >= needed;
            let why_not = if ok {
                String::new()
            } else if holds_now {
                format!("holds, but only for {}s of the {}s required", held / 1000, needed / 1000)
            } else {
                e.why_not
            };
            items.push(ChecklistItem { text: check.text.clone(), holds: ok, why_not, held_ms: held, needed_ms: needed });
        }
        let solved = !items.is_empty() && items.iter().all(|i| i.holds);
        if solved && self.solved_at_ms.is_none() {
            self.solved_at_ms = Some(now);
            self.solved_commands = self.log.command_count();
        }
        let list = Checklist { items, solved };
        self.last = Some(list.clone());
        list
    }

    /// The checklist of the last evaluation (all unmet before the first one).
    pub fn checklist(&self) -> Checklist {
        self.last.clone().unwrap_or_else(|| Checklist {
            items: self
                .task
                .goal
                .iter()
                .map(|c| ChecklistItem { text: c.text.clone(), holds: false, why_not: "not checked yet".into(), held_ms: 0, needed_ms: c.hold_for.map(|d| d.as_millis()).unwrap_or(0) })
                .collect(),
            solved: false,
        })
    }

    /// Set once the whole goal held; stays set even if the learner breaks things afterwards.
    pub fn golf(&self) -> Option<Golf> {
        let at = self.solved_at_ms?;
        Some(Golf { commands: self.solved_commands, sim_ms: at.saturating_sub(self.started_ms), reference_commands: reference_commands(&self.task) })
    }

    /// State-aware hints whose condition holds right now (e.g. no `describe` run yet).
    pub fn state_hints(&self, view: &dyn ClusterView) -> Vec<String> {
        if self.solved_at_ms.is_some() {
            return Vec::new();
        }
        let cx = Context { view, log: &self.log, started_ms: self.started_ms };
        self.task.state_hints.iter().filter(|h| eval(&h.when, &cx).holds).map(|h| h.text.clone()).collect()
    }

    /// The first `level` rungs of the hint ladder.
    pub fn hints(&self, level: usize) -> &[String] {
        &self.task.hints[..level.min(self.task.hints.len())]
    }
}

/// Commands in the reference solution, counted the way golf counts the learner's.
pub fn reference_commands(task: &Task) -> usize {
    let mut log = ActionLog::default();
    for step in &task.solution {
        if let Step::Run(line) = step {
            log.push(Action::new(line, 0, 0));
        }
    }
    log.command_count()
}
