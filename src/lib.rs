//! The Podlab web app: Leptos components that show a simulation snapshot and turn the learner's
//! keys and clicks into kubectl commands and simulated time. It owns wall-clock time and the
//! DOM; it holds no Kubernetes logic (that lives in `crates/`). The plain-Rust modules (no
//! Leptos, tested natively) hold the UI's logic; the components only wire them to the page.

pub mod app;
pub mod attempt;
pub mod clock;
pub mod completion;
pub mod diagnostics;
pub mod engine;
pub mod editor_ops;
pub mod highlight;
pub mod model;
pub mod history;
pub mod journey;
pub mod lanes;
pub mod localhost;
pub mod layout;
pub mod panic;
pub mod persist;
pub mod route;
pub mod timetravel;
pub mod state;
pub mod state_task;
pub mod storage;
pub mod task;
pub mod termbuf;
pub mod ui_cluster;
pub mod ui_editor;
pub mod ui_localhost;
pub mod ui_task;
pub mod ui_terminal;
pub mod ui_timeline;
