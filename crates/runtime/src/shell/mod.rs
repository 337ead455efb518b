//! The POSIX-sh subset interpreter that runs container commands: busybox ash (busybox,
//! alpine), dash (Debian's /bin/sh) and bash flavours, which differ only in their messages
//! and prompts. `ShellProgram` is the `Program` for `sh -c '...'`, scripts, interactive exec
//! sessions and busybox applets run directly as PID 1. Everything runs in simulated time in
//! bounded steps (see `vm`).

mod applets;
mod arith;
pub mod ast;
mod builtins;
mod compile;
mod exec;
mod expand;
mod io;
pub mod parse;
mod regex;
mod repl;
mod selfnet;
mod simple;
mod vm;

use crate::image::Base;
use crate::net::HttpRequest;
use crate::process::{ProcState, ProcessCtx, Signal, Stream};
use crate::programs::{default_signal, Program, ProgramStep};
use compile::compile;
use expand::Vars;
use io::{Fds, Io, Out};
use parse::{parse_script, ParseError};
use std::collections::BTreeMap;
use vm::{Run, Task, Vm, Wait};

pub use applets::all_names as applet_names;

/// `http://host:port/path` -> (host, port, path).
pub fn parse_http_url(u: &str) -> Option<(String, u16, String)> {
    applets::parse_url(u)
}

/// `5`, `0.5`, `2m`, `infinity` -> milliseconds (sleep's and curl's duration syntax).
pub fn duration_ms(s: &str) -> Option<u64> {
    applets::duration_ms(s)
}

/// `$(( ))` evaluation with no variables (for `expr`).
pub fn arith_eval(expr: &str) -> Result<i64, String> {
    arith::eval(expr, &|_| None)
}

/// Shell pattern matching (`*`, `?`, `[...]`); `pat` chars flagged `true` are metacharacters.
pub fn pattern_match(pat: &[(char, bool)], s: &[char]) -> bool {
    expand::pat_match(pat, s)
}

/// Which shell's wording and prompt to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Ash,
    Dash,
    Bash,
}

impl Flavor {
    pub fn not_found(self, name: &str) -> String {
        match self {
            Flavor::Bash => format!("{name}: command not found"),
            _ => format!("{name}: not found"),
        }
    }
    pub fn permission_denied(self, name: &str) -> String {
        format!("{name}: Permission denied")
    }
    pub fn cannot_create(self, target: &str, err: &str) -> String {
        match self {
            Flavor::Ash => format!("can't create {target}: {err}"),
            Flavor::Dash => format!("cannot create {target}: {err}"),
            Flavor::Bash => format!("{target}: {err}"),
        }
    }
    pub fn cannot_open(self, target: &str, err: &str) -> String {
        match self {
            Flavor::Ash => format!("can't open {target}: {err}"),
            Flavor::Dash => format!("cannot open {target}: {err}"),
            Flavor::Bash => format!("{target}: {err}"),
        }
    }
    pub fn cd_error(self, target: &str, err: &str) -> String {
        match self {
            Flavor::Ash => format!("cd: can't cd to {target}: {err}"),
            Flavor::Dash => format!("cd: can't cd to {target}"),
            Flavor::Bash => format!("cd: {target}: {err}"),
        }
    }
}

impl Vm {
    /// Prefix a message like the shell does (`sh: `, `sh: 1: `, `bash: line 1: `, `x.sh: line 3: `).
    pub fn diag(&self, line: u32, msg: &str) -> String {
        let line = if self.interactive { self.line_no.max(1) } else { line.max(1) };
        match self.flavor {
            Flavor::Ash if self.script => format!("{}: line {line}: {msg}\n", self.name),
            Flavor::Ash => format!("{}: {msg}\n", self.name),
            Flavor::Dash => format!("{}: {line}: {msg}\n", self.name),
            Flavor::Bash if self.interactive => format!("{}: {msg}\n", self.name),
            Flavor::Bash => format!("{}: line {line}: {msg}\n", self.name),
        }
    }

    /// A parse error as each shell words it.
    pub fn syntax_error(&self, e: &ParseError, src: &str) -> String {
        let quote_missing = |exp: &Option<String>| exp.as_deref().is_some_and(|x| x == "'" || x == "\"" || x == "`");
        match (self.flavor, e) {
            (Flavor::Ash, ParseError::Unexpected { token, line }) => {
                let tok = if token == "newline" { "newline".to_string() } else { format!("\"{token}\"") };
                self.diag(*line, &format!("syntax error: unexpected {tok}"))
            }
            (Flavor::Ash, ParseError::Incomplete { expecting, line }) if quote_missing(expecting) => {
                self.diag(*line, "syntax error: unterminated quoted string")
            }
            (Flavor::Ash, ParseError::Incomplete { expecting, line }) => match expecting {
                Some(x) => self.diag(*line, &format!("syntax error: unexpected end of file (expecting \"{x}\")")),
                None => self.diag(*line, "syntax error: unexpected end of file"),
            },
            (Flavor::Dash, ParseError::Unexpected { token, line }) => {
                let tok = if token == "newline" { "newline".to_string() } else { format!("\"{token}\"") };
                self.diag(*line, &format!("Syntax error: {tok} unexpected"))
            }
            (Flavor::Dash, ParseError::Incomplete { expecting, line }) if quote_missing(expecting) => {
                self.diag(*line, "Syntax error: Unterminated quoted string")
            }
            (Flavor::Dash, ParseError::Incomplete { expecting, line }) => match expecting {
                Some(x) => self.diag(*line, &format!("Syntax error: end of file unexpected (expecting \"{x}\")")),
                None => self.diag(*line, "Syntax error: end of file unexpected"),
            },
            (Flavor::Bash, ParseError::Unexpected { token, line }) => {
                let where_ = if self.interactive { String::new() } else { format!("-c: line {line}: ") };
                let src_line = src.lines().nth((*line as usize).saturating_sub(1)).unwrap_or(src);
                format!("{n}: {where_}syntax error near unexpected token `{token}'\n{n}: {where_}`{src_line}'\n", n = self.name)
            }
            (Flavor::Bash, ParseError::Incomplete { line, .. }) => {
                let where_ = if self.interactive { String::new() } else { format!("-c: line {line}: ") };
                format!("{}: {where_}syntax error: unexpected end of file\n", self.name)
            }
        }
    }

    /// Write to one of the shell's outputs (builtins' stdout/stderr honour redirections).
    pub fn write_fd(&mut self, out: &Out, st: &mut ProcState, ctx: &mut ProcessCtx, text: &str) {
        let fds = Fds::default();
        let env: Vec<(String, String)> = Vec::new();
        let mut io = Io { ctx, st, sh: &mut self.shared, fds: &fds, cwd: "/", env: &env };
        io.write_to(out, text);
    }
}

/// How the shell was started.
#[derive(Debug)]
enum Init {
    Command { src: String },
    Script { path: String },
    Stdin,
    /// A busybox applet as the process itself (`command: ["sleep", "3600"]`).
    Applet { argv: Vec<String> },
    Error { msg: String, code: i32 },
}

#[derive(Debug)]
pub struct ShellProgram {
    vm: Vm,
    init: Option<Init>,
    cmdline: String,
}

/// The environment the process starts with; runc adds HOME when the image does not set it,
/// and a shell (not a plain applet) exports PWD.
fn base_vars(st: &ProcState, shell: bool) -> Vars {
    let mut vars = BTreeMap::new();
    for (k, v) in &st.env {
        expand::put_var(&mut vars, k, v.clone(), true);
    }
    if !vars.contains_key("HOME") {
        expand::put_var(&mut vars, "HOME", "/root".into(), true);
    }
    if shell && !vars.contains_key("PWD") {
        expand::put_var(&mut vars, "PWD", st.cwd.clone(), true);
    }
    expand::put_var(&mut vars, "IFS", " \t\n".into(), false);
    vars
}

impl ShellProgram {
    fn new(name: &str, flavor: Flavor, base: Option<Base>, init: Init, cmdline: String) -> Box<ShellProgram> {
        let vm = Vm {
            tasks: Vec::new(),
            shared: Default::default(),
            funcs: BTreeMap::new(),
            flavor,
            base,
            name: name.to_string(),
            script: false,
            interactive: false,
            traps: BTreeMap::new(),
            pending_traps: Vec::new(),
            next_bg_pid: 0,
            last_bg_pid: None,
            pid: 1,
            exit_code: None,
            exec_request: None,
            xtrace: false,
            errexit: false,
            line_no: 0,
            prompts: false,
            prompt_shown: false,
            line_buf: String::new(),
            running: None,
            exit_trap_ran: false,
            applet_only: false,
        };
        Box::new(ShellProgram { vm, init: Some(init), cmdline })
    }

    /// A shell started as `sh ...`/`bash ...` with its options.
    pub fn shell(argv: Vec<String>, flavor: Flavor, base: Option<Base>, tty: bool) -> Box<dyn Program> {
        let name = argv.first().cloned().unwrap_or_else(|| "sh".into());
        let cmdline = argv.join(" ");
        let mut i = 1;
        let mut command = false;
        let mut xtrace = false;
        let mut errexit = false;
        while let Some(a) = argv.get(i) {
            if a == "--" {
                i += 1;
                break;
            }
            if !a.starts_with('-') || a.len() < 2 {
                break;
            }
            command |= a.contains('c');
            xtrace |= a.contains('x');
            errexit |= a.contains('e');
            i += 1;
        }
        let rest: Vec<String> = argv[i.min(argv.len())..].to_vec();
        let (init, positional, arg0) = if command {
            match rest.split_first() {
                Some((src, more)) => {
                    let arg0 = more.first().cloned().unwrap_or_else(|| name.clone());
                    (Init::Command { src: src.clone() }, more.iter().skip(1).cloned().collect(), arg0)
                }
                None => (Init::Error { msg: format!("{name}: -c requires an argument\n"), code: 2 }, Vec::new(), name.clone()),
            }
        } else if let Some((script, more)) = rest.split_first() {
            (Init::Script { path: script.clone() }, more.to_vec(), script.clone())
        } else {
            (Init::Stdin, Vec::new(), name.clone())
        };
        let mut prog = ShellProgram::new(&name, flavor, base, init, cmdline);
        prog.vm.xtrace = xtrace;
        prog.vm.errexit = errexit;
        prog.vm.prompts = tty && matches!(prog.init, Some(Init::Stdin));
        prog.vm.tasks.push(None);
        prog.pending_positional(positional, arg0);
        prog
    }

    fn pending_positional(&mut self, positional: Vec<String>, arg0: String) {
        let mut t = Task::new(std::sync::Arc::new(Vec::new()), Vars::new(), "/".into(), Fds::default());
        t.positional = positional;
        t.arg0 = arg0;
        self.vm.tasks[0] = Some(t);
    }

    /// A busybox binary run directly: `sh`/`ash` become a shell, anything else an applet.
    pub fn applet(argv: Vec<String>, flavor: Flavor, base: Option<Base>, tty: bool) -> Box<dyn Program> {
        let applet = argv.first().map(|a| a.rsplit('/').next().unwrap_or(a).to_string()).unwrap_or_default();
        let (applet, argv) = if applet == "busybox" && argv.len() > 1 { (argv[1].clone(), argv[1..].to_vec()) } else { (applet, argv) };
        match applet.as_str() {
            "sh" | "ash" => ShellProgram::shell(argv, Flavor::Ash, base, tty),
            "bash" => ShellProgram::shell(argv, Flavor::Bash, base, tty),
            "dash" => ShellProgram::shell(argv, Flavor::Dash, base, tty),
            _ => {
                let cmdline = argv.join(" ");
                let mut p = ShellProgram::new("sh", flavor, base, Init::Applet { argv }, cmdline);
                p.vm.tasks.push(None);
                p.pending_positional(Vec::new(), "sh".into());
                p
            }
        }
    }

    /// First step: read the script, parse, set up the main task.
    fn initialize(&mut self, init: Init, st: &mut ProcState, ctx: &mut ProcessCtx) -> Result<(), i32> {
        let mut task = self.vm.tasks[0].take().unwrap_or_else(|| Task::new(std::sync::Arc::new(Vec::new()), Vars::new(), "/".into(), Fds::default()));
        task.vars = base_vars(st, !matches!(init, Init::Applet { .. }));
        task.cwd = if st.cwd.is_empty() { "/".into() } else { st.cwd.clone() };
        st.cmdline = self.cmdline.clone();
        st.pid = if st.pid1 { 1 } else { 7 };
        self.vm.pid = st.pid;
        self.vm.next_bg_pid = st.pid;
        let src = match init {
            Init::Error { msg, code } => {
                st.write(ctx, Stream::Stderr, &msg);
                return Err(code);
            }
            Init::Command { src } => src,
            Init::Script { path } => {
                let full = crate::fs::resolve_path(&task.cwd, &path);
                match ctx.fs.read_string(&full) {
                    Ok(s) => {
                        self.vm.script = true;
                        self.vm.name = path;
                        s
                    }
                    Err(e) => {
                        let (msg, code) = match self.vm.flavor {
                            Flavor::Ash => (format!("{}: can't open '{path}': {e}\n", self.vm.name), 2),
                            Flavor::Dash => (format!("{}: 0: cannot open {path}: No such file\n", self.vm.name), 2),
                            Flavor::Bash => (format!("{}: {path}: {e}\n", self.vm.name), 127),
                        };
                        st.write(ctx, Stream::Stderr, &msg);
                        return Err(code);
                    }
                }
            }
            Init::Stdin => {
                self.vm.interactive = true;
                task.frames.clear();
                self.vm.tasks[0] = Some(task);
                return Ok(());
            }
            Init::Applet { argv } => {
                let words = argv.iter().map(|a| vec![ast::Part::Quoted(a.clone())]).collect();
                let simple = ast::Simple { assigns: Vec::new(), words, redirs: Vec::new(), line: 1 };
                task.frames[0].code = std::sync::Arc::new(vec![compile::Instr::Simple(std::sync::Arc::new(simple))]);
                self.vm.applet_only = true;
                self.vm.tasks[0] = Some(task);
                return Ok(());
            }
        };
        match parse_script(&src) {
            Ok(list) => {
                task.frames[0].code = compile(&list);
                self.vm.tasks[0] = Some(task);
                Ok(())
            }
            Err(e) => {
                let msg = self.vm.syntax_error(&e, &src);
                st.write(ctx, Stream::Stderr, &msg);
                Err(2)
            }
        }
    }
}

impl Program for ShellProgram {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, budget: u32) -> ProgramStep {
        if let Some(init) = self.init.take() {
            if let Err(code) = self.initialize(init, st, ctx) {
                return ProgramStep::Exited(code);
            }
        }
        let (_, run) = self.vm.run(st, ctx, budget.max(1));
        if let Some(argv) = self.vm.exec_request.take() {
            return ProgramStep::Exec(argv);
        }
        if let Some(code) = self.vm.exit_code {
            return ProgramStep::Exited(code);
        }
        match run {
            Run::Progress => ProgramStep::Yield,
            Run::Blocked(w) => ProgramStep::Idle(w),
            Run::Done => {
                let code = self.vm.tasks.first().and_then(Option::as_ref).and_then(|t| t.done).unwrap_or(0);
                ProgramStep::Exited(code)
            }
        }
    }

    fn signal(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> Option<i32> {
        let num = sig.number();
        if let Some(action) = self.vm.traps.get(&num) {
            if !action.is_empty() {
                self.vm.pending_traps.push(num);
            }
            return None;
        }
        if self.vm.interactive && self.vm.prompts {
            if sig == Signal::Int {
                self.cancel_foreground(st, ctx);
            }
            return None;
        }
        default_signal(st, sig)
    }

    fn memory_bytes(&self) -> u64 {
        let base: u64 = match self.vm.flavor {
            Flavor::Ash => 420 * 1024,
            Flavor::Dash => 560 * 1024,
            Flavor::Bash => 3 * 1024 * 1024,
        };
        let buffers: u64 = self.vm.shared.pipes.iter().flatten().map(|p| p.data.len() as u64).sum::<u64>()
            + self.vm.shared.captures.iter().flatten().map(|c| c.len() as u64).sum::<u64>();
        let tasks = self.vm.tasks.iter().flatten().count() as u64 * 64 * 1024;
        let applets: u64 = self
            .vm
            .tasks
            .iter()
            .flatten()
            .map(|t| match &t.wait {
                Wait::Applet(a, _) => a.memory_bytes(),
                _ => 0,
            })
            .sum();
        base + buffers + tasks + applets
    }

    /// Requests go to the child program (nginx, python, ...) that listens on the port.
    fn serve_http(&mut self, _st: &mut ProcState, ctx: &mut ProcessCtx, port: u16, req: &HttpRequest) -> Option<crate::net::HttpResponse> {
        self.vm.tasks.iter_mut().flatten().find_map(|t| match &mut t.wait {
            Wait::Applet(a, _) => a.serve_http(ctx, port, req),
            _ => None,
        })
    }

    fn serve_tcp(&mut self, _st: &mut ProcState, ctx: &mut ProcessCtx, port: u16, payload: &[u8]) -> Option<Vec<u8>> {
        self.vm.tasks.iter_mut().flatten().find_map(|t| match &mut t.wait {
            Wait::Applet(a, _) => a.serve_tcp(ctx, port, payload),
            _ => None,
        })
    }

    fn command_line(&self) -> String {
        self.cmdline.clone()
    }
}

impl ShellProgram {
    /// Ctrl-C in an interactive shell: abandon the running command, show a fresh prompt.
    fn cancel_foreground(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx) {
        for slot in self.vm.tasks.iter_mut().skip(1) {
            *slot = None;
        }
        if let Some(Some(t)) = self.vm.tasks.get_mut(0) {
            t.wait = Wait::Nothing;
            t.frames.clear();
            t.loops.clear();
            t.status = 130;
        }
        self.vm.line_buf.clear();
        self.vm.prompt_shown = false;
        st.write(ctx, Stream::Stdout, "^C\n");
    }
}
