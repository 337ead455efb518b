//! The page's actions around lessons and scenarios: a task's route takes the workspace (its
//! cluster after setup, its files, a fresh terminal) and gives the sandbox back on leaving;
//! restart, replay of the reference solution, recording a solve, quiz answers, hints and
//! progress import/export. The judging itself happens in crates/lessons through the engine.

use crate::engine::Engine;
use crate::persist::{self, Slot, TaskSave};
use crate::route::Route;
use crate::state::Ui;
use crate::task::{find_task, starting_files};
use leptos::prelude::*;
use podlab_lessons::{Answer, Progress, Question, Task};

/// Seed of every task attempt: the learner, the reference replay and golf all see one cluster.
pub const TASK_SEED: u64 = 20250101;

impl Ui {
    /// Follows the route: a lesson or scenario takes the workspace for its task; home and the
    /// sandbox give the sandbox back.
    pub fn enter(&self, route: &Route) {
        let wanted = match route {
            Route::Lesson(s) | Route::Scenario(s) => find_task(s).map(|t| (s.clone(), t)),
            Route::Home | Route::Sandbox => None,
        };
        let current = self.task.get_untracked();
        match wanted {
            Some((slug, _)) if current.as_deref() == Some(slug.as_str()) => {}
            Some((slug, task)) => {
                if current.is_some() {
                    self.save_task();
                }
                self.start_task(&slug, &task, true);
            }
            None if current.is_some() => {
                self.save_task();
                self.leave_task();
            }
            None => {}
        }
    }

    /// Starts (or, with `resume`, continues the saved attempt at) `task`.
    fn start_task(&self, slug: &str, task: &Task, resume: bool) {
        let mut store_saved = None;
        if resume {
            let saved: persist::Loaded<TaskSave> = self.store.try_update_value(|s| persist::load(s, Slot::Task)).unwrap_or(persist::Loaded { value: TaskSave::default(), notice: None });
            if saved.value.slug == slug {
                store_saved = Some(saved.value);
            }
        }
        let resumed = store_saved.as_ref().filter(|s| !s.recording.inputs.is_empty()).and_then(|s| Engine::from_recording(s.recording.clone(), crate::attempt::Origin::Task(Box::new(task.clone()))).ok());
        let engine = match resumed {
            Some(e) => Ok(e),
            None => Engine::for_task(task, TASK_SEED),
        };
        let engine = match engine {
            Ok(e) => e,
            Err(e) => {
                self.notices.update(|n| n.push(format!("\"{}\" cannot start on this build: {e}", task.title)));
                if self.task.get_untracked().is_some() {
                    self.leave_task();
                }
                return;
            }
        };
        let files = store_saved.map(|s| s.files).filter(|f| !f.files.is_empty()).unwrap_or_else(|| starting_files(task));
        let now = engine.now();
        let old = self.engine.try_update_value(|e| std::mem::replace(e, engine));
        let old_files = self.files.get_untracked();
        // Coming from the sandbox: keep it, exactly as it was, for the way back.
        if let (Some(old), None) = (old, self.task.get_untracked()) {
            self.stash.set_value(Some((old, old_files, self.term.get_untracked())));
        }
        self.files.set(files);
        self.task.set(Some(slug.to_string()));
        self.solved.set(None);
        self.reset_panels(now);
        self.save_task();
    }

    fn reset_panels(&self, now: u64) {
        self.term.set(crate::state::Scrollback::default());
        self.markers.set(Vec::new());
        self.selected.set(None);
        self.clock.update_value(|c| c.sync(now));
        self.changed();
    }

    /// Gives the workspace back to the sandbox as it was left.
    fn leave_task(&self) {
        let stash = self.stash.try_update_value(Option::take).flatten();
        self.task.set(None);
        self.solved.set(None);
        let Some((engine, files, term)) = stash else { return };
        let now = engine.now();
        self.engine.set_value(engine);
        self.files.set(files);
        self.reset_panels(now);
        self.term.set(term);
    }

    /// The task being attempted.
    pub fn current_task(&self) -> Option<Task> {
        self.task.get_untracked().and_then(|s| find_task(&s))
    }

    /// A fresh attempt at the current task (its files back to how the task gives them).
    pub fn restart_task(&self) {
        if let (Some(slug), Some(task)) = (self.task.get_untracked(), self.current_task()) {
            self.start_task(&slug, &task, false);
        }
    }

    /// Plays the reference solution on a fresh attempt, at the page's speed.
    pub fn replay_reference(&self) {
        let Some(task) = self.current_task() else { return };
        match Engine::reference(&task, TASK_SEED) {
            Ok(engine) => {
                let now = engine.now();
                self.engine.set_value(engine);
                self.solved.set(None);
                self.playing.set(true);
                self.clock.update_value(|c| c.play());
                self.reset_panels(now);
            }
            Err(e) => self.notices.update(|n| n.push(format!("The reference solution cannot be replayed: {e}"))),
        }
    }

    /// After every change: records the first solve of this attempt in the progress.
    pub(crate) fn check_solved(&self) {
        let Some(slug) = self.task.get_untracked() else { return };
        let Some((report, reference)) = self.engine.try_update_value(|e| (e.solved(), e.reference_replay)) else { return };
        if report == self.solved.get_untracked() {
            return;
        }
        if let (Some(r), false) = (&report, reference) {
            self.progress.update(|p| p.complete(&slug, r.learner.commands, r.learner.sim_ms));
            self.save_progress();
        }
        self.solved.set(report);
    }

    /// Judges a quiz answer, remembers it and returns whether it was right.
    pub fn answer(&self, question: &Question, answer: Answer) -> bool {
        let Some(slug) = self.task.get_untracked() else { return false };
        let correct = question.is_correct(&answer);
        self.progress.update(|p| p.answer(&slug, &question.id, answer, correct));
        self.save_progress();
        correct
    }

    /// Reveals the next rung of the hint ladder.
    pub fn reveal_hint(&self, total: usize) {
        let Some(slug) = self.task.get_untracked() else { return };
        self.progress.update(|p| {
            let level = p.item(&slug).map_or(0, |i| i.hints_used);
            p.hint_used(&slug, (level + 1).min(total));
        });
        self.save_progress();
    }

    /// Merges an exported progress file into this browser's progress.
    pub fn import_progress(&self, text: &str) -> Result<(), String> {
        let theirs = Progress::from_json(text)?;
        self.progress.update(|p| p.merge(&theirs));
        self.save_progress();
        Ok(())
    }

    pub fn save_progress(&self) {
        let p = self.progress.get_untracked();
        self.save(Slot::Progress, &p);
    }

    pub fn save_layout(&self) {
        let l = self.layout.get_untracked();
        self.save(Slot::Layout, &l);
    }

    /// Saves the attempt (recording and files) so a reload continues it; a reference replay is
    /// not the learner's attempt and is never saved over it.
    pub fn save_task(&self) {
        let Some(slug) = self.task.get_untracked() else { return };
        let Some((recording, reference)) = self.engine.try_with_value(|e| (e.recording.clone(), e.reference_replay)) else { return };
        if reference {
            return;
        }
        let save = TaskSave { slug, recording, files: self.files.get_untracked() };
        self.save(Slot::Task, &save);
    }
}
