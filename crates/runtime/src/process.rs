//! A running process as the kubelet drives it: created from an argv resolved against the
//! container's filesystem and `$PATH` (with the runc error when the executable is missing),
//! stepped in simulated time with a step budget, signalled, asked for its memory and CPU use,
//! and asked to answer HTTP/TCP connections on the ports it listens on. The program behind it
//! (busybox sh, nginx, redis, ...) is chosen by the executable file found in the image.

use crate::fs::{resolve_path, FsView};
use crate::image::{Base, Image, ProgramKind};
use crate::net::{HttpRequest, HttpResponse, Network};
use crate::programs::{self, Program, ProgramStep};
use std::fmt;

/// Which output stream a chunk of text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Output with the simulated time it was written. In log mode (`tty: false`) `text` is one
/// complete line without its '\n'; in tty mode it is raw text as written (prompts included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputLine {
    pub at_ms: u64,
    pub stream: Stream,
    pub text: String,
}

/// Everything the caller lends a process for one `step` call.
pub struct ProcessCtx<'a> {
    /// Simulated time now, in milliseconds since the simulation epoch (Unix ms).
    pub now_ms: u64,
    /// The container's filesystem view (mount table over the shared volumes).
    pub fs: FsView<'a>,
    /// The pod's network namespace.
    pub net: &'a mut dyn Network,
    /// Where the process's output goes (appended).
    pub output: &'a mut Vec<OutputLine>,
    /// CPU limit in millicores (`None` = unlimited). Below 1000 the step budget shrinks and
    /// servers answer more slowly.
    pub cpu_limit_millicores: Option<u32>,
}

/// What a `step` call ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The budget ran out while there is still work; call again (same or a later time).
    Yield,
    /// Nothing to do until `wake_at_ms` (a `sleep`) or until something outside changes (a
    /// file grows, stdin gets input, a connection arrives). `None` = only external events.
    /// Calling `step` earlier is always harmless.
    Idle { wake_at_ms: Option<u64> },
    /// The process is gone with this exit code (128+n after a fatal signal n).
    Exited(i32),
}

/// Signals the kubelet and `kill` deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    Hup = 1,
    Int = 2,
    Quit = 3,
    Kill = 9,
    Term = 15,
}

impl Signal {
    pub fn number(self) -> i32 {
        self as i32
    }
    pub fn from_name(name: &str) -> Option<Signal> {
        let n = name.trim_start_matches("SIG").to_ascii_uppercase();
        Some(match n.as_str() {
            "HUP" | "1" => Signal::Hup,
            "INT" | "2" => Signal::Int,
            "QUIT" | "3" => Signal::Quit,
            "KILL" | "9" => Signal::Kill,
            "TERM" | "15" => Signal::Term,
            _ => return None,
        })
    }
}

/// How a process is started. Build with `SpawnOptions::new` and set the fields you need
/// (new fields may be added later, so struct literals are not allowed outside this crate).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpawnOptions {
    /// argv as Kubernetes combined it (see `container_argv`), or an exec's command.
    pub argv: Vec<String>,
    /// Full environment: image ENV, then the container's env (later wins), HOSTNAME set by
    /// the caller.
    pub env: Vec<(String, String)>,
    /// workingDir or the image's WORKDIR.
    pub working_dir: String,
    /// The container's main process (PID 1: un-handled SIGTERM/SIGINT are ignored).
    pub pid1: bool,
    /// A terminal is attached (`exec -it`): output is raw text, shells print prompts.
    pub tty: bool,
    /// stdin stays open (`-i`, `stdin: true`); when false stdin is at EOF.
    pub stdin_open: bool,
    /// CPUs of the node (nginx `worker_processes auto` starts one worker per CPU).
    pub node_cpus: u32,
    /// For exec sessions: the container's main command line, so `ps` can list PID 1.
    pub pid1_cmdline: String,
}

impl SpawnOptions {
    /// A container's main process (PID 1, no tty, stdin at EOF, cwd `/`, 2 node CPUs).
    pub fn new(argv: Vec<String>, env: Vec<(String, String)>) -> Self {
        SpawnOptions { argv, env, working_dir: "/".into(), pid1: true, tty: false, stdin_open: false, node_cpus: 2, pid1_cmdline: String::new() }
    }

    /// An exec session (`kubectl exec [-i] [-t] -- argv`): not PID 1.
    pub fn exec(argv: Vec<String>, env: Vec<(String, String)>, stdin_open: bool, tty: bool) -> Self {
        SpawnOptions { argv, env, working_dir: "/".into(), pid1: false, tty, stdin_open, node_cpus: 2, pid1_cmdline: String::new() }
    }
}

/// The runc error when argv[0] cannot be executed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExecError {
    /// `exec: "bash": executable file not found in $PATH` (or `no such file or directory`
    /// for a path with a slash).
    NotFound { executable: String, had_slash: bool },
    /// The file exists but has no execute bit.
    PermissionDenied { executable: String },
    /// Neither command nor image ENTRYPOINT/CMD: nothing to run.
    NoCommand,
}

impl ExecError {
    /// The innermost reason, as runc words it.
    pub fn reason(&self) -> String {
        match self {
            ExecError::NotFound { executable, had_slash: false } => {
                format!("exec: \"{executable}\": executable file not found in $PATH")
            }
            ExecError::NotFound { executable, had_slash: true } => {
                format!("exec: \"{executable}\": stat {executable}: no such file or directory")
            }
            ExecError::PermissionDenied { executable } => format!("exec: \"{executable}\": permission denied"),
            ExecError::NoCommand => "no command specified".into(),
        }
    }

    /// Container start failure as containerd 1.7/2.0 + runc 1.2 report it (the message of
    /// the `Failed` event after "Error: " and of `state.terminated.message`).
    pub fn create_message(&self) -> String {
        if *self == ExecError::NoCommand {
            return "failed to create containerd container: no command specified: unknown".into();
        }
        format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {}: unknown",
            self.reason()
        )
    }

    /// `kubectl exec` failure (the text after "error: " is the caller's to add).
    pub fn exec_message(&self, exec_id: &str) -> String {
        format!(
            "Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{exec_id}\": OCI runtime exec failed: exec failed: unable to start container process: {}: unknown",
            self.reason()
        )
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

/// Kubernetes' rule: `command` replaces ENTRYPOINT and drops CMD; `args` replaces CMD.
pub fn container_argv(image: &Image, command: &[String], args: &[String]) -> Vec<String> {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut argv = if command.is_empty() { own(image.entrypoint) } else { command.to_vec() };
    if !args.is_empty() {
        argv.extend(args.iter().cloned());
    } else if command.is_empty() {
        argv.extend(own(image.cmd));
    }
    argv
}

/// Find argv[0] like execvp: a path with '/' is used as is, otherwise each `$PATH` entry.
/// Returns the absolute path of the executable and the program it runs.
pub fn resolve_executable(fs: &FsView, env: &[(String, String)], cwd: &str, name: &str) -> Result<(String, ProgramKind), ExecError> {
    if name.is_empty() {
        return Err(ExecError::NotFound { executable: name.into(), had_slash: false });
    }
    let candidates: Vec<String> = if name.contains('/') {
        vec![resolve_path(cwd, name)]
    } else {
        let path = env.iter().rev().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str()).unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        path.split(':').filter(|d| !d.is_empty()).map(|d| resolve_path(d, name)).collect()
    };
    for path in &candidates {
        let Ok(meta) = fs.stat(path) else { continue };
        if meta.is_dir {
            continue;
        }
        if meta.mode & 0o111 == 0 {
            return Err(ExecError::PermissionDenied { executable: name.into() });
        }
        let data = fs.read(path).unwrap_or_default();
        return Ok((path.clone(), programs::identify(&data)));
    }
    Err(ExecError::NotFound { executable: name.into(), had_slash: name.contains('/') })
}

/// Per-process state shared by every program: stdin, output buffers, ports, identity.
#[derive(Debug, Default)]
pub struct ProcState {
    pub env: Vec<(String, String)>,
    pub cwd: String,
    pub pid1: bool,
    pub tty: bool,
    pub stdin: Vec<u8>,
    pub stdin_closed: bool,
    pub ports: Vec<u16>,
    pub base: Option<Base>,
    pub(crate) partial_out: String,
    pub(crate) partial_err: String,
    pub last_cpu_millicores: u32,
    /// The last step used all the CPU it was given (a busy loop): a CPU limit is then
    /// saturated and requests this process serves wait for the next CFS period.
    pub busy_last_step: bool,
    /// The command line `ps` shows for this process.
    pub cmdline: String,
    /// PID inside the container (1 for the main process; exec sessions get later ones).
    pub pid: u32,
    /// Signals the process sent itself (`kill 1` from its own shell).
    pub self_signals: Vec<Signal>,
    /// Signals an exec session sent to the container's PID 1 (`kubectl exec pod -- kill 1`).
    pub pid1_signals: Vec<Signal>,
    /// The container's PID 1 command line as `ps` shows it (exec sessions).
    pub pid1_cmdline: String,
    pub node_cpus: u32,
}

impl ProcState {
    pub fn getenv(&self, key: &str) -> Option<&str> {
        self.env.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Write text to a stream: raw chunks in tty mode, whole lines otherwise.
    pub fn write(&mut self, ctx: &mut ProcessCtx, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.tty {
            ctx.output.push(OutputLine { at_ms: ctx.now_ms, stream, text: text.into() });
            return;
        }
        let buf = match stream {
            Stream::Stdout => &mut self.partial_out,
            Stream::Stderr => &mut self.partial_err,
        };
        buf.push_str(text);
        while let Some(i) = buf.find('\n') {
            let line: String = buf.drain(..=i).collect();
            ctx.output.push(OutputLine { at_ms: ctx.now_ms, stream, text: line[..line.len() - 1].to_string() });
        }
    }

    /// Flush unterminated lines (at exit).
    pub fn flush(&mut self, ctx: &mut ProcessCtx) {
        for (stream, buf) in [(Stream::Stdout, &mut self.partial_out), (Stream::Stderr, &mut self.partial_err)] {
            if !buf.is_empty() {
                let text = std::mem::take(buf);
                ctx.output.push(OutputLine { at_ms: ctx.now_ms, stream, text });
            }
        }
    }

    pub fn listen(&mut self, ctx: &mut ProcessCtx, port: u16) -> Result<(), crate::net::NetError> {
        ctx.net.listen(port)?;
        self.ports.push(port);
        Ok(())
    }
}

/// A process in a container.
#[derive(Debug)]
pub struct Process {
    state: ProcState,
    program: Box<dyn Program>,
    pending_signals: Vec<Signal>,
    exit_code: Option<i32>,
    /// Safety net: execs chained without running (`exec sh -c 'exec ...'`) are bounded.
    exec_depth: u32,
}

impl Process {
    /// Resolve argv[0] in the container's filesystem and start it. `image` gives the
    /// distribution (shell flavour, prompt).
    pub fn spawn(image: &Image, opts: SpawnOptions, fs: &FsView) -> Result<Process, ExecError> {
        let argv0 = opts.argv.first().ok_or(ExecError::NoCommand)?;
        let cwd = if opts.working_dir.is_empty() { "/".to_string() } else { opts.working_dir.clone() };
        let (path, kind) = resolve_executable(fs, &opts.env, &cwd, argv0)?;
        let state = ProcState {
            env: opts.env,
            cwd,
            pid1: opts.pid1,
            tty: opts.tty,
            stdin_closed: !opts.stdin_open,
            base: Some(image.base),
            node_cpus: opts.node_cpus,
            pid: if opts.pid1 { 1 } else { 7 },
            cmdline: opts.argv.join(" "),
            pid1_cmdline: opts.pid1_cmdline.clone(),
            ..Default::default()
        };
        let program = programs::start(kind, &path, opts.argv, fs, &state);
        Ok(Process { state, program, pending_signals: Vec::new(), exit_code: None, exec_depth: 0 })
    }

    /// Run for at most `budget_steps` units of work at `ctx.now_ms`.
    pub fn step(&mut self, ctx: &mut ProcessCtx, budget_steps: u32) -> Step {
        if let Some(code) = self.exit_code {
            // Killed between steps: give its ports back now.
            for port in std::mem::take(&mut self.state.ports) {
                ctx.net.unlisten(port);
            }
            return Step::Exited(code);
        }
        let budget = match ctx.cpu_limit_millicores {
            Some(m) if m < 1000 => (u64::from(budget_steps) * u64::from(m.max(1)) / 1000).max(1) as u32,
            _ => budget_steps,
        };
        for sig in std::mem::take(&mut self.pending_signals) {
            if let Some(code) = self.program.signal(&mut self.state, ctx, sig) {
                return self.finish(ctx, code);
            }
        }
        let step = self.program.step(&mut self.state, ctx, budget);
        for sig in std::mem::take(&mut self.state.self_signals) {
            if sig == Signal::Kill {
                return self.finish(ctx, 137);
            }
            if let Some(code) = self.program.signal(&mut self.state, ctx, sig) {
                return self.finish(ctx, code);
            }
        }
        match step {
            ProgramStep::Yield => {
                self.state.last_cpu_millicores = ctx.cpu_limit_millicores.unwrap_or(1000).min(1000);
                self.state.busy_last_step = true;
                Step::Yield
            }
            ProgramStep::Idle(wake_at_ms) => {
                self.state.last_cpu_millicores = 1;
                self.state.busy_last_step = false;
                Step::Idle { wake_at_ms }
            }
            ProgramStep::Exited(code) => self.finish(ctx, code),
            ProgramStep::Exec(argv) => self.exec(ctx, argv),
        }
    }

    /// Replace the program (the `exec` builtin, entrypoint scripts ending in `exec "$@"`).
    fn exec(&mut self, ctx: &mut ProcessCtx, argv: Vec<String>) -> Step {
        self.exec_depth += 1;
        let Some(argv0) = argv.first() else { return self.finish(ctx, 0) };
        match resolve_executable(&ctx.fs, &self.state.env, &self.state.cwd, argv0) {
            Ok((path, kind)) if self.exec_depth < 64 => {
                self.program = programs::start(kind, &path, argv, &ctx.fs, &self.state);
                Step::Yield
            }
            Ok(_) => self.finish(ctx, 126),
            Err(e) => {
                let msg = programs::exec_failure_message(&self.state, argv0, &e);
                self.state.write(ctx, Stream::Stderr, &msg);
                let code = if matches!(e, ExecError::PermissionDenied { .. }) { 126 } else { 127 };
                self.finish(ctx, code)
            }
        }
    }

    fn finish(&mut self, ctx: &mut ProcessCtx, code: i32) -> Step {
        self.state.flush(ctx);
        for port in std::mem::take(&mut self.state.ports) {
            ctx.net.unlisten(port);
        }
        self.exit_code = Some(code);
        Step::Exited(code)
    }

    /// Deliver a signal. SIGKILL ends the process at once (exit 137; the caller frees the
    /// ports in `listening_ports()`); others are handled at the next `step`.
    pub fn signal(&mut self, sig: Signal) {
        if self.exit_code.is_some() {
            return;
        }
        if sig == Signal::Kill {
            self.exit_code = Some(128 + Signal::Kill.number());
        } else {
            self.pending_signals.push(sig);
        }
    }

    /// Give input to the process's stdin (exec -i, interactive shells).
    pub fn write_stdin(&mut self, text: &str) {
        if !self.state.stdin_closed {
            self.state.stdin.extend_from_slice(text.as_bytes());
        }
    }

    /// EOF on stdin (Ctrl-D, the exec client went away).
    pub fn close_stdin(&mut self) {
        self.state.stdin_closed = true;
    }

    pub fn exit_code(&self) -> Option<i32> {
        self.exit_code
    }

    /// Bytes of memory in use now (program working set plus its allocations).
    pub fn memory_bytes(&self) -> u64 {
        self.program.memory_bytes()
    }

    /// CPU used during the last step, in millicores (for `kubectl top`).
    pub fn cpu_millicores(&self) -> u32 {
        self.state.last_cpu_millicores
    }

    /// Ports this process listens on.
    pub fn listening_ports(&self) -> Vec<u16> {
        self.state.ports.clone()
    }

    /// Answer an HTTP request that the caller routed to `port` of this process. `None` if the
    /// process does not speak HTTP there (the client then sees an empty reply / reset).
    pub fn serve_http(&mut self, ctx: &mut ProcessCtx, port: u16, request: &HttpRequest) -> Option<HttpResponse> {
        if self.exit_code.is_some() || !self.state.ports.contains(&port) {
            return None;
        }
        let mut resp = self.program.serve_http(&mut self.state, ctx, port, request)?;
        // The program states the CPU the request needs; the limit turns it into wall time.
        let work_us = resp.processing_ms.max(1) * 1000;
        resp.processing_ms = crate::cpu::throttled_latency_ms(work_us, ctx.cpu_limit_millicores, self.state.busy_last_step, ctx.now_ms);
        Some(resp)
    }

    /// Answer raw TCP bytes sent to `port` (redis PING, nc). `None` = connection closed.
    pub fn serve_tcp(&mut self, ctx: &mut ProcessCtx, port: u16, payload: &[u8]) -> Option<Vec<u8>> {
        if self.exit_code.is_some() || !self.state.ports.contains(&port) {
            return None;
        }
        self.program.serve_tcp(&mut self.state, ctx, port, payload)
    }

    /// Signals this (exec) process sent to the container's main process with `kill 1`;
    /// the caller delivers them to that process with `signal`.
    pub fn take_pid1_signals(&mut self) -> Vec<Signal> {
        std::mem::take(&mut self.state.pid1_signals)
    }

    /// The program's name as `ps` shows it (argv joined).
    pub fn command_line(&self) -> String {
        self.program.command_line()
    }
}
