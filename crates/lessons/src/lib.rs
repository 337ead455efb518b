//! Lessons and troubleshooting scenarios as data: their schema, the loader for `lessons/`, and
//! the goal checker that judges the simulated cluster after every command. It owns "what the
//! learner is asked to do and whether it is done"; it must never know about the browser.
//!
//! The UI's entry points: `Catalog::embedded()` (all content, lesson HTML rendered at build
//! time), `Checker` (checklist, why-not, state hints, golf), `Progress` (localStorage/export
//! JSON) and `Question::is_correct`.

pub mod actions;
pub mod catalog;
pub mod checker;
pub mod duration;
pub mod predicate;
pub mod progress;
pub mod quiz;
pub mod runner;
pub mod schema;
pub mod sim_view;
mod validate;
pub mod view;

pub use catalog::{Catalog, LoadError, Lesson, TaskDoc};
pub use checker::{Checker, Checklist, ChecklistItem, Golf};
pub use duration::Dur;
pub use progress::{ItemProgress, Progress, TrackProgress, PROGRESS_VERSION};
pub use quiz::Answer;
pub use runner::{GolfReport, Replay, TaskRun};
pub use schema::{Predicate, Question, Step, Task};
pub use validate::KNOWN_KINDS;
pub use sim_view::SimView;
pub use view::{ClusterView, EventView};
