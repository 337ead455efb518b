//! kubectl as a learner types it: argv parsing, requests to the simulated API server, and
//! printers that produce the same bytes real kubectl 1.33 prints. Also the `podlab` transcript
//! runner, the project's common test surface. It owns "what the terminal shows"; it must never
//! reach into the simulation's store directly or know about the browser.
//!
//! Entry points: [`session::Session`] (`execute`, `execute_with_stdin`, `advance`,
//! `poll_stream`, `interrupt`, `finish_edit`; exec mode after `kubectl exec -it`: `in_exec`,
//! `exec_reads_input`, `exec_send`, `exec_detach`; background jobs after `CMD &`:
//! `has_running_jobs`, their output arriving through `advance`) for the browser terminal and
//! lessons, and [`script::run_script`] for `podlab run` transcripts.

pub mod builtins;
pub mod cli;
pub mod commands;
pub mod describe;
pub mod duration;
pub mod help;
pub mod jsonfmt;
pub mod jobs;
pub mod jsonpath;
pub mod node_shell;
pub mod output;
pub mod printers;
mod shapes;
mod prefetch;
pub mod script;
pub mod session;
pub mod shell;
pub mod streams;
pub mod tabwriter;
pub mod value;
pub mod yaml;

pub use output::{CommandOutput, Stream};
pub use session::Session;
