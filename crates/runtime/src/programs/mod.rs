//! The programs images run and how an executable file maps to one. An executable in a root
//! layer is a small file naming its program (`\x7fELF` + `podlab-program=nginx`), so PATH
//! lookup, `cp /bin/sh /tmp/x` and `ls -l /usr/sbin` behave like on a real filesystem; a file
//! starting with `#!` is a script run by its interpreter. Each program implements `Program`,
//! the internal interface `Process` drives.

mod addons;
mod clients;
mod control_plane;
mod daemons;
mod databases;
mod nginx;
mod nginx_conf;
mod seed;
mod tools;

use crate::fs::FsView;
use crate::image::{Base, ProgramKind};
use crate::net::{HttpRequest, HttpResponse};
use crate::process::{ExecError, ProcState, ProcessCtx, Signal, Stream};
use crate::shell::{Flavor, ShellProgram};
use std::fmt;

pub use seed::seed_files;

/// What a program's step ended with (`Exec` replaces the program, like execve).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProgramStep {
    Yield,
    Idle(Option<u64>),
    Exited(i32),
    Exec(Vec<String>),
}

/// The interface every simulated program implements.
pub trait Program: fmt::Debug + Send {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, budget: u32) -> ProgramStep;
    /// Handle a (non-KILL) signal; `Some(code)` if the process ends now.
    fn signal(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> Option<i32> {
        let _ = ctx;
        default_signal(st, sig)
    }
    fn memory_bytes(&self) -> u64;
    fn serve_http(&mut self, _st: &mut ProcState, _ctx: &mut ProcessCtx, _port: u16, _req: &HttpRequest) -> Option<HttpResponse> {
        None
    }
    fn serve_tcp(&mut self, _st: &mut ProcState, _ctx: &mut ProcessCtx, _port: u16, _payload: &[u8]) -> Option<Vec<u8>> {
        None
    }
    fn command_line(&self) -> String;
}

/// The kernel's rule: PID 1 ignores signals it has no handler for; others die with 128+n.
pub fn default_signal(st: &ProcState, sig: Signal) -> Option<i32> {
    if st.pid1 {
        None
    } else {
        Some(128 + sig.number())
    }
}

const MARKER: &str = "podlab-program=";

/// The bytes of an executable file for `kind`.
pub fn executable_bytes(kind: ProgramKind) -> Vec<u8> {
    format!("\x7fELF\x02\x01\x01\n{MARKER}{kind:?}\n").into_bytes()
}

/// Which program an executable file runs.
pub fn identify(data: &[u8]) -> ProgramKind {
    if data.starts_with(b"#!") {
        return ProgramKind::Script;
    }
    let text = String::from_utf8_lossy(data);
    let Some(i) = text.find(MARKER) else { return ProgramKind::Unknown };
    let name = text[i + MARKER.len()..].lines().next().unwrap_or("").trim();
    use ProgramKind::*;
    let all = [
        Busybox, Dash, Bash, Nginx, NginxEntrypoint, Redis, RedisEntrypoint, Postgres, PostgresEntrypoint, Mysqld,
        MysqlEntrypoint, Stress, Curl, Python, FluentBit, Socat, NginxExporter, RedisCli, PgIsReady, MysqlAdmin, KubeProxy, CoreDns,
        Etcd, KubeApiserver, KubeControllerManager, KubeScheduler,
    ];
    all.into_iter().find(|k| format!("{k:?}") == name).unwrap_or(Unknown)
}

/// The shell flavour of the image's `/bin/sh`.
pub fn sh_flavor(base: Option<Base>) -> Flavor {
    match base {
        Some(Base::Debian) => Flavor::Dash,
        Some(Base::OracleLinux) => Flavor::Bash,
        _ => Flavor::Ash,
    }
}

/// Create the program for an executable found at `path`.
pub fn start(kind: ProgramKind, path: &str, argv: Vec<String>, fs: &FsView, st: &ProcState) -> Box<dyn Program> {
    use ProgramKind::*;
    let base = st.base;
    match kind {
        Busybox => ShellProgram::applet(argv, sh_flavor(base), base, st.tty),
        Dash => ShellProgram::shell(argv, Flavor::Dash, base, st.tty),
        Bash => ShellProgram::shell(argv, Flavor::Bash, base, st.tty),
        Script => script(path, argv, fs, st),
        Nginx => nginx::start(argv),
        NginxEntrypoint => nginx::entrypoint(argv),
        Redis => databases::redis(argv),
        RedisEntrypoint | PostgresEntrypoint | MysqlEntrypoint => databases::entrypoint(kind, argv),
        Postgres => databases::postgres(argv),
        Mysqld => databases::mysqld(argv),
        Stress => daemons::stress(argv),
        Curl => tools::curl(argv),
        Python => daemons::python(argv),
        FluentBit => daemons::fluent_bit(argv),
        Socat => daemons::socat(argv),
        NginxExporter => daemons::exporter(argv),
        RedisCli | PgIsReady | MysqlAdmin => clients::client(kind, argv),
        KubeProxy => addons::kube_proxy(argv),
        CoreDns => addons::coredns(argv),
        Etcd | KubeApiserver | KubeControllerManager | KubeScheduler => control_plane::control_plane(kind, argv),
        Unknown => tools::exec_format_error(path),
    }
}

/// `#!/bin/sh` scripts: run the interpreter with the script path and the original arguments.
fn script(path: &str, argv: Vec<String>, fs: &FsView, st: &ProcState) -> Box<dyn Program> {
    let text = fs.read_string(path).unwrap_or_default();
    // No `#!` line: the calling shell runs the file with /bin/sh.
    let line = text.lines().next().and_then(|l| l.strip_prefix("#!")).unwrap_or("").trim().to_string();
    let mut parts: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    if parts.is_empty() {
        parts.push("/bin/sh".into());
    }
    let mut new_argv = parts.clone();
    new_argv.push(path.to_string());
    new_argv.extend(argv.into_iter().skip(1));
    match crate::process::resolve_executable(fs, &st.env, &st.cwd, &parts[0]) {
        Ok((p, kind)) if kind != ProgramKind::Script => start(kind, &p, new_argv, fs, st),
        _ => tools::bad_interpreter(path, &parts[0]),
    }
}

/// What a shell prints when `exec` of a missing program fails inside the process.
pub fn exec_failure_message(st: &ProcState, name: &str, err: &ExecError) -> String {
    let what = match err {
        ExecError::PermissionDenied { .. } => "Permission denied",
        _ => "not found",
    };
    match sh_flavor(st.base) {
        Flavor::Ash => format!("sh: exec: line 0: {name}: {what}\n"),
        Flavor::Dash => format!("sh: 1: exec: {name}: {what}\n"),
        Flavor::Bash => format!("bash: line 1: exec: {name}: {what}\n"),
    }
}

/// Write to stdout/stderr (shorthand for programs).
pub fn out(st: &mut ProcState, ctx: &mut ProcessCtx, text: &str) {
    st.write(ctx, Stream::Stdout, text);
}

pub fn err(st: &mut ProcState, ctx: &mut ProcessCtx, text: &str) {
    st.write(ctx, Stream::Stderr, text);
}
