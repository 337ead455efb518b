//! Busybox-style applets (echo, cat, ls, sleep, tail -f, wget, ...) as resumable state
//! machines: `poll` is called until it returns `Done`, and may instead ask to sleep until a
//! simulated time, wait for input, or yield after a bounded amount of work. Also `External`,
//! which runs any other program of the image (nginx, curl, a script) as a child of the shell
//! with its output sent through the shell's fds.

mod files;
mod netcmds;
mod system;
mod text;

use super::io::{Input, Io};
use super::Flavor;
use crate::fs::FsView;
use crate::image::{Base, ProgramKind};
use crate::net::{HttpRequest, HttpResponse};
use crate::process::{OutputLine, ProcState, ProcessCtx, Stream};
use crate::programs::{self, Program, ProgramStep};
use std::fmt;

/// What one poll of an applet ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Poll {
    Done(i32),
    /// Nothing to do until this simulated time.
    Sleep(u64),
    /// Blocked on input (stdin, a growing file); poll again later.
    Wait,
    /// Did some work; more remains.
    Yield,
}

pub trait Applet: fmt::Debug + Send {
    fn poll(&mut self, io: &mut Io) -> Poll;
    /// `cd`-like effects on the calling task (unused by most applets).
    fn new_cwd(&self) -> Option<String> {
        None
    }
    /// Variables to set in the calling shell (`read`).
    fn assignments(&mut self) -> Vec<(String, String)> {
        Vec::new()
    }
    fn memory_bytes(&self) -> u64 {
        0
    }
    /// A server run from the shell (`sh -c '...; nginx -g "daemon off;"'`) answers here.
    fn serve_http(&mut self, _ctx: &mut ProcessCtx, _port: u16, _req: &HttpRequest) -> Option<HttpResponse> {
        None
    }
    fn serve_tcp(&mut self, _ctx: &mut ProcessCtx, _port: u16, _payload: &[u8]) -> Option<Vec<u8>> {
        None
    }
    /// Ports a server run from the shell listens on (its own shell may connect to them).
    fn listening_ports(&self) -> Vec<u16> {
        Vec::new()
    }
    /// Whether the applet may open connections (a client the shell's own servers may answer).
    fn may_connect(&self) -> bool {
        false
    }
}

/// An applet that finishes in one call.
pub struct OneShot {
    pub name: &'static str,
    pub args: Vec<String>,
    pub f: fn(&[String], &mut Io) -> i32,
}

impl fmt::Debug for OneShot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OneShot({})", self.name)
    }
}

impl Applet for OneShot {
    fn poll(&mut self, io: &mut Io) -> Poll {
        Poll::Done((self.f)(&self.args, io))
    }
    fn may_connect(&self) -> bool {
        self.name == "wget"
    }
}

/// Line-at-a-time processing shared by cat, grep, head, cut, sed, tr, tee, wc, sort, ...
pub trait LineFilter: fmt::Debug + Send {
    /// Handle one line (with its '\n' if it had one). `false` = stop reading (head -n).
    fn line(&mut self, io: &mut Io, line: &str) -> bool;
    fn finish(&mut self, io: &mut Io) -> i32;
}

/// Drives a `LineFilter` over named files, or stdin as data arrives.
#[derive(Debug)]
pub struct Filter<F: LineFilter> {
    pub prog: &'static str,
    pub files: Vec<String>,
    pub inner: F,
    pub failed: bool,
}

/// Lines processed per poll before yielding.
const LINES_PER_POLL: usize = 256;

impl<F: LineFilter> Applet for Filter<F> {
    fn poll(&mut self, io: &mut Io) -> Poll {
        // Named files are read at once; no operand or a lone `-` means stdin.
        let stdin_only = self.files.is_empty() || (self.files.len() == 1 && self.files[0] == "-");
        if !stdin_only {
            for f in std::mem::take(&mut self.files) {
                let data = if f == "-" {
                    Ok(String::new())
                } else {
                    io.ctx.fs.read(&io.path(&f)).map(|d| String::from_utf8_lossy(&d).into_owned())
                };
                match data {
                    Ok(text) => {
                        for l in text.split_inclusive('\n') {
                            if !self.inner.line(io, l) {
                                break;
                            }
                        }
                    }
                    Err(e) => {
                        io.err(&open_error(self.prog, &f, &e.to_string()));
                        self.failed = true;
                    }
                }
            }
            let code = self.inner.finish(io);
            // grep reports an unreadable file with 2 (its "error" status); the others with 1.
            let failed_code = if self.prog == "grep" || self.prog == "egrep" { 2 } else { 1 };
            return Poll::Done(if self.failed { code.max(failed_code) } else { code });
        }
        for _ in 0..LINES_PER_POLL {
            match io.read_line() {
                Input::Data(l) => {
                    if !self.inner.line(io, &l) {
                        return Poll::Done(self.inner.finish(io));
                    }
                }
                Input::Eof => return Poll::Done(self.inner.finish(io)),
                Input::Pending => return Poll::Wait,
            }
        }
        Poll::Yield
    }
}

/// The "can't open" wording of each busybox applet.
pub fn open_error(prog: &str, file: &str, err: &str) -> String {
    match prog {
        "grep" | "sort" | "uniq" | "cut" | "sed" | "tr" => format!("{prog}: {file}: {err}\n"),
        _ => format!("{prog}: can't open '{file}': {err}\n"),
    }
}

/// `http://host:port/path` -> (host, port, path).
pub fn parse_url(u: &str) -> Option<(String, u16, String)> {
    netcmds::parse_url(u).map(|x| (x.host, x.port, x.path))
}

pub use system::duration_ms;

/// Create the applet `name` (None if this busybox does not have it).
pub fn create(name: &str, argv: Vec<String>, flavor: Flavor) -> Option<Box<dyn Applet>> {
    let args: Vec<String> = argv.into_iter().skip(1).collect();
    if let Some(a) = text::create(name, &args, flavor) {
        return Some(a);
    }
    if let Some(a) = files::create(name, &args) {
        return Some(a);
    }
    if let Some(a) = system::create(name, &args, flavor) {
        return Some(a);
    }
    netcmds::create(name, &args)
}

/// Names of every applet (the busybox image installs one file per applet).
pub fn all_names() -> Vec<&'static str> {
    let mut v = Vec::new();
    v.extend_from_slice(text::NAMES);
    v.extend_from_slice(files::NAMES);
    v.extend_from_slice(system::NAMES);
    v.extend_from_slice(netcmds::NAMES);
    v
}

/// Another program of the image run from the shell (`nginx -t`, `curl ...`, `./script.sh`).
#[derive(Debug)]
pub struct External {
    prog: Box<dyn Program>,
    st: ProcState,
    execs: u32,
}

impl External {
    pub fn new(kind: ProgramKind, path: &str, argv: Vec<String>, env: Vec<(String, String)>, cwd: &str, base: Option<Base>, fs: &FsView) -> External {
        let st = ProcState { env, cwd: cwd.to_string(), base, stdin_closed: true, ..Default::default() };
        let prog = programs::start(kind, path, argv, fs, &st);
        External { prog, st, execs: 0 }
    }
}

impl Applet for External {
    fn poll(&mut self, io: &mut Io) -> Poll {
        if let Input::Data(d) = io.read() {
            self.st.stdin.extend_from_slice(d.as_bytes());
        }
        let mut lines: Vec<OutputLine> = Vec::new();
        let before = self.st.ports.clone();
        let step = {
            let mut ctx = ProcessCtx {
                now_ms: io.ctx.now_ms,
                fs: FsView::new(io.ctx.fs.volumes, io.ctx.fs.mounts),
                net: &mut *io.ctx.net,
                output: &mut lines,
                cpu_limit_millicores: io.ctx.cpu_limit_millicores,
            };
            let s = self.prog.step(&mut self.st, &mut ctx, 64);
            if matches!(s, ProgramStep::Exited(_)) {
                self.st.flush(&mut ctx);
                for p in std::mem::take(&mut self.st.ports) {
                    ctx.net.unlisten(p);
                }
            }
            s
        };
        // The shell process owns its children's listening ports (so requests reach it).
        io.st.ports.retain(|p| !before.contains(p) || self.st.ports.contains(p));
        for p in &self.st.ports {
            if !io.st.ports.contains(p) {
                io.st.ports.push(*p);
            }
        }
        for l in lines {
            let text = format!("{}\n", l.text);
            match l.stream {
                Stream::Stdout => {
                    io.out(&text);
                }
                Stream::Stderr => io.err(&text),
            }
        }
        match step {
            ProgramStep::Yield => Poll::Yield,
            ProgramStep::Idle(Some(t)) => Poll::Sleep(t),
            ProgramStep::Idle(None) => Poll::Wait,
            ProgramStep::Exited(c) => Poll::Done(c),
            ProgramStep::Exec(argv) => {
                self.execs += 1;
                let resolved = crate::process::resolve_executable(&io.ctx.fs, &self.st.env, &self.st.cwd, argv.first().map(String::as_str).unwrap_or(""));
                match resolved {
                    Ok((path, kind)) if self.execs < 16 => {
                        self.prog = programs::start(kind, &path, argv, &io.ctx.fs, &self.st);
                        Poll::Yield
                    }
                    _ => {
                        let name = argv.first().cloned().unwrap_or_default();
                        io.err(&format!("{name}: not found\n"));
                        Poll::Done(127)
                    }
                }
            }
        }
    }

    fn memory_bytes(&self) -> u64 {
        self.prog.memory_bytes()
    }

    fn serve_http(&mut self, ctx: &mut ProcessCtx, port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        if !self.st.ports.contains(&port) {
            return None;
        }
        self.prog.serve_http(&mut self.st, ctx, port, req)
    }

    fn serve_tcp(&mut self, ctx: &mut ProcessCtx, port: u16, payload: &[u8]) -> Option<Vec<u8>> {
        if !self.st.ports.contains(&port) {
            return None;
        }
        self.prog.serve_tcp(&mut self.st, ctx, port, payload)
    }
    fn listening_ports(&self) -> Vec<u16> {
        self.st.ports.clone()
    }
    fn may_connect(&self) -> bool {
        true
    }
}
