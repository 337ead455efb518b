//! The Podlab web app: Leptos components that show a simulation snapshot and turn the learner's
//! keys and clicks into kubectl commands and simulated time. It owns wall-clock time and the
//! DOM; it holds no Kubernetes logic (that lives in `crates/`).

pub mod app;
pub mod panic;
