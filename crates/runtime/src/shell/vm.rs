//! The shell's virtual machine. A shell process is a set of tasks (the main script, pipeline
//! stages, subshells, `$(...)` bodies, background jobs), each with a frame stack over compiled
//! code, a loop stack, variables, a cwd and fds. A task runs instructions until it blocks (an
//! applet sleeping or waiting for input, children not finished) or the step budget is spent;
//! all state lives in data, so the process can stop after any step and resume later in
//! simulated time. Every call does bounded work.

use super::applets::{Applet, Poll};
use super::compile::{compile, Code, Instr};
use super::expand::{count_substs, Env, Var, Vars};
use super::io::{Fds, Io, Shared};
use super::Flavor;
use crate::image::Base;
use crate::process::{ProcState, ProcessCtx};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Instructions one task may run before another task gets a turn.
const SLICE_STEPS: u32 = 64;
/// Live tasks per shell process (bounds `while true; do sleep 1 & done`).
pub const MAX_TASKS: usize = 256;
/// Frames per task (bounds runaway recursion `f() { f; }; f`).
const MAX_FRAMES: usize = 200;

#[derive(Debug)]
pub struct Frame {
    pub code: Arc<Code>,
    pub pc: usize,
    pub saved_fds: Option<Fds>,
    pub saved_positional: Option<Vec<String>>,
    /// Status to report when this frame is a trap handler returning.
    pub trap_status: Option<i32>,
}

#[derive(Debug)]
pub struct LoopState {
    pub frame: usize,
    pub brk: usize,
    pub cont: usize,
    pub items: Option<(Vec<String>, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    Pipeline,
    Subshell,
    Subst(usize),
    /// The `wait` builtin waiting for background jobs.
    Wait,
}

#[derive(Debug, Default)]
pub enum Wait {
    #[default]
    Nothing,
    Applet(Box<dyn Applet>, Fds),
    Children(Vec<usize>, ChildKind),
}

#[derive(Debug)]
pub struct Task {
    pub frames: Vec<Frame>,
    pub loops: Vec<LoopState>,
    pub vars: Vars,
    pub positional: Vec<String>,
    pub arg0: String,
    pub status: i32,
    pub cwd: String,
    pub fds: Fds,
    pub wait: Wait,
    pub substs: Vec<String>,
    pub subst_status: Option<i32>,
    pub done: Option<i32>,
    pub background: Vec<usize>,
    pub is_bg: bool,
    /// `$?` before the current builtin ran (for `exit`/`return` without an argument).
    pub prev_status: i32,
}

impl Task {
    pub fn new(code: Arc<Code>, vars: Vars, cwd: String, fds: Fds) -> Task {
        Task {
            frames: vec![Frame { code, pc: 0, saved_fds: None, saved_positional: None, trap_status: None }],
            loops: Vec::new(),
            vars,
            positional: Vec::new(),
            arg0: "sh".into(),
            status: 0,
            cwd,
            fds,
            wait: Wait::Nothing,
            substs: Vec::new(),
            subst_status: None,
            done: None,
            background: Vec::new(),
            is_bg: false,
            prev_status: 0,
        }
    }

    /// A child (subshell, stage, substitution) copies the parent's state.
    pub fn child(&self, code: Arc<Code>, fds: Fds) -> Task {
        let mut t = Task::new(code, self.vars.clone(), self.cwd.clone(), fds);
        t.positional = self.positional.clone();
        t.arg0 = self.arg0.clone();
        t.status = self.status;
        t
    }

    /// Exported variables in the order they were first set (what `env` prints).
    pub fn exported(&self) -> Vec<(String, String)> {
        let mut v: Vec<(&String, &Var)> = self.vars.iter().filter(|(_, v)| v.exported).collect();
        v.sort_by_key(|(_, var)| var.order);
        v.into_iter().map(|(k, var)| (k.clone(), var.value.clone())).collect()
    }

    pub fn set_var(&mut self, name: &str, value: String) {
        let exported = self.vars.get(name).is_some_and(|v| v.exported);
        super::expand::put_var(&mut self.vars, name, value, exported);
    }
}

/// Result of running one task for a while.
#[derive(Debug, PartialEq, Eq)]
pub enum Run {
    Progress,
    Blocked(Option<u64>),
    Done,
}

/// The whole shell: tasks plus shared buffers and functions.
#[derive(Debug)]
pub struct Vm {
    pub tasks: Vec<Option<Task>>,
    pub shared: Shared,
    pub funcs: BTreeMap<String, Arc<Code>>,
    pub flavor: Flavor,
    pub base: Option<Base>,
    /// `$0` for messages: "sh", "bash" or the script path.
    pub name: String,
    /// Running a script file (messages then carry "line N").
    pub script: bool,
    pub interactive: bool,
    pub traps: BTreeMap<i32, String>,
    pub pending_traps: Vec<i32>,
    pub next_bg_pid: u32,
    pub last_bg_pid: Option<u32>,
    pub pid: u32,
    pub exit_code: Option<i32>,
    /// `exec cmd` in the main task: the process replaces its program.
    pub exec_request: Option<Vec<String>>,
    pub xtrace: bool,
    pub errexit: bool,
    /// Interactive input line counter (dash numbers messages with it).
    pub line_no: u32,
    /// Print PS1/PS2 prompts (a terminal is attached).
    pub prompts: bool,
    pub prompt_shown: bool,
    /// Input read so far for a command that is not complete yet.
    pub line_buf: String,
    /// Index of the task currently taken out of `tasks` to run.
    pub running: Option<usize>,
    pub exit_trap_ran: bool,
    /// Running one applet directly (`kubectl exec pod -- kill 42`), not a shell: builtins
    /// then leave their messages to the applet, which words them as the standalone tool.
    pub applet_only: bool,
}

pub enum Flow {
    /// Instruction finished; go on.
    Next,
    /// Instruction must run again later (waiting on a child); task is blocked for now.
    Again,
}

impl Vm {
    pub fn spawn(&mut self, task: Task) -> Option<usize> {
        if self.tasks.iter().filter(|t| t.is_some()).count() >= MAX_TASKS {
            return None;
        }
        // The slot of the task being run is empty while it runs: never hand it out.
        let running = self.running;
        if let Some(i) = self.tasks.iter().enumerate().position(|(i, t)| t.is_none() && Some(i) != running) {
            self.tasks[i] = Some(task);
            Some(i)
        } else {
            self.tasks.push(Some(task));
            Some(self.tasks.len() - 1)
        }
    }

    /// Run every runnable task until all block or `budget` is spent. Returns the steps used and
    /// the earliest wake time if everything blocked.
    pub fn run(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, budget: u32) -> (u32, Run) {
        let mut used = 0u32;
        loop {
            let mut progressed = false;
            let mut wake: Option<u64> = None;
            for tid in 0..self.tasks.len() {
                if self.tasks[tid].as_ref().is_none_or(|t| t.done.is_some()) {
                    continue;
                }
                let slice = SLICE_STEPS.min(budget.saturating_sub(used)).max(1);
                let (n, r) = self.run_task(tid, st, ctx, slice);
                used += n;
                match r {
                    Run::Progress | Run::Done => progressed = true,
                    Run::Blocked(w) => wake = min_wake(wake, w),
                }
                if self.exit_code.is_some() || self.tasks.first().and_then(Option::as_ref).is_none_or(|t| t.done.is_some()) {
                    return (used, Run::Done);
                }
                // A signal the shell sent itself (`kill 1`) takes effect before anything else runs.
                if used >= budget || !st.self_signals.is_empty() {
                    return (used, Run::Progress);
                }
            }
            if !progressed {
                return (used, Run::Blocked(wake));
            }
        }
    }

    fn run_task(&mut self, tid: usize, st: &mut ProcState, ctx: &mut ProcessCtx, slice: u32) -> (u32, Run) {
        let Some(mut task) = self.tasks[tid].take() else { return (0, Run::Done) };
        self.running = Some(tid);
        let mut used: u32 = 0;
        let result = loop {
            used = used.saturating_add(std::mem::take(&mut self.shared.lines_written));
            if used >= slice || !st.self_signals.is_empty() {
                break Run::Progress;
            }
            used += 1;
            match self.poll_wait(&mut task, tid, st, ctx) {
                Some(Run::Progress) => continue,
                Some(other) => break if used > 1 && matches!(other, Run::Blocked(_)) { Run::Progress } else { other },
                None => {}
            }
            if tid == 0 && !self.pending_traps.is_empty() && self.run_trap(&mut task) {
                continue;
            }
            match self.step_instr(&mut task, tid, st, ctx) {
                Some(r) => break r,
                None => continue,
            }
        };
        used = used.saturating_add(std::mem::take(&mut self.shared.lines_written));
        if let Run::Done = result {
            self.finish_task(&mut task, tid);
        }
        self.tasks[tid] = Some(task);
        self.running = None;
        (used, result)
    }

    fn finish_task(&mut self, task: &mut Task, tid: usize) {
        while let Some(f) = task.frames.pop() {
            if let Some(saved) = f.saved_fds {
                task.fds = saved;
            }
        }
        let fds = task.fds.clone();
        self.shared.release(&fds);
        task.done.get_or_insert(task.status);
        if tid == 0 && !self.interactive {
            self.exit_code.get_or_insert(task.status);
        }
    }

    /// Poll a network client while another task of this shell listens: its connections to
    /// the pod's own address reach that task (see `selfnet`).
    fn poll_with_self_net(&mut self, applet: &mut dyn Applet, fds: &Fds, cwd: &str, env: &[(String, String)], st: &mut ProcState, ctx: &mut ProcessCtx) -> Poll {
        let mut net = super::selfnet::SelfNet {
            inner: &mut *ctx.net,
            siblings: &mut self.tasks,
            volumes: ctx.fs.volumes.clone(),
            mounts: ctx.fs.mounts.clone(),
            now_ms: ctx.now_ms,
            cpu_limit_millicores: ctx.cpu_limit_millicores,
            out: Vec::new(),
        };
        let poll = {
            let mut client = ProcessCtx { now_ms: ctx.now_ms, fs: crate::fs::FsView::new(&mut *ctx.fs.volumes, ctx.fs.mounts), net: &mut net, output: &mut *ctx.output, cpu_limit_millicores: ctx.cpu_limit_millicores };
            applet.poll(&mut Io { ctx: &mut client, st, sh: &mut self.shared, fds, cwd, env })
        };
        let served = std::mem::take(&mut net.out);
        ctx.output.extend(served);
        poll
    }

    /// Poll what the task waits on. `None` = not waiting, run instructions.
    fn poll_wait(&mut self, task: &mut Task, tid: usize, st: &mut ProcState, ctx: &mut ProcessCtx) -> Option<Run> {
        match std::mem::take(&mut task.wait) {
            Wait::Nothing => None,
            Wait::Applet(mut applet, fds) => {
                let env = task.exported();
                let cwd = task.cwd.clone();
                let poll = if applet.may_connect() && super::selfnet::any_listener(&self.tasks) {
                    self.poll_with_self_net(applet.as_mut(), &fds, &cwd, &env, st, ctx)
                } else {
                    applet.poll(&mut Io { ctx, st, sh: &mut self.shared, fds: &fds, cwd: &cwd, env: &env })
                };
                match poll {
                    Poll::Done(code) => {
                        if let Some(cwd) = applet.new_cwd() {
                            task.cwd = cwd;
                        }
                        for (k, v) in applet.assignments() {
                            task.set_var(&k, v);
                        }
                        task.status = code;
                        Some(Run::Progress)
                    }
                    poll => {
                        task.wait = Wait::Applet(applet, fds);
                        Some(match poll {
                            Poll::Sleep(t) => Run::Blocked(Some(t)),
                            Poll::Wait => Run::Blocked(None),
                            _ => Run::Progress,
                        })
                    }
                }
            }
            Wait::Children(ids, kind) => {
                let all_done = ids.iter().all(|i| self.tasks.get(*i).and_then(Option::as_ref).is_none_or(|t| t.done.is_some()));
                // A trapped signal interrupts the `wait` builtin (not a foreground command).
                if !all_done && kind == ChildKind::Wait && tid == 0 && !self.pending_traps.is_empty() {
                    task.status = 128 + self.pending_traps[0];
                    return Some(Run::Progress);
                }
                if !all_done {
                    task.wait = Wait::Children(ids, kind);
                    return Some(Run::Blocked(None));
                }
                let mut last = 0;
                for i in &ids {
                    if let Some(t) = self.tasks.get_mut(*i).and_then(Option::take) {
                        last = t.done.unwrap_or(0);
                    }
                }
                match kind {
                    ChildKind::Subst(cap) => {
                        let text = self.shared.captures.get_mut(cap).and_then(Option::take).unwrap_or_default();
                        task.substs.push(text.trim_end_matches('\n').to_string());
                        task.subst_status = Some(last);
                    }
                    ChildKind::Wait => {
                        task.background.clear();
                        task.status = 0;
                    }
                    _ => task.status = last,
                }
                Some(Run::Progress)
            }
        }
    }

    /// Start a pending trap handler on the main task, if it is between commands.
    fn run_trap(&mut self, task: &mut Task) -> bool {
        let sig = self.pending_traps.remove(0);
        let Some(action) = self.traps.get(&sig).cloned() else { return false };
        match super::parse::parse_script(&action) {
            Ok(list) if !action.trim().is_empty() => {
                let status = task.status;
                task.frames.push(Frame { code: compile(&list), pc: 0, saved_fds: None, saved_positional: None, trap_status: Some(status) });
                true
            }
            _ => false,
        }
    }

    /// Execute one instruction. `Some(run)` ends this turn of the task.
    fn step_instr(&mut self, task: &mut Task, tid: usize, st: &mut ProcState, ctx: &mut ProcessCtx) -> Option<Run> {
        let Some(frame) = task.frames.last() else {
            if tid == 0 && self.interactive {
                return self.repl(task, st, ctx);
            }
            if tid == 0 && self.start_exit_trap(task, task.status) {
                return None;
            }
            return Some(Run::Done);
        };
        if frame.pc >= frame.code.len() {
            self.pop_frame(task);
            if task.frames.is_empty() && !(tid == 0 && self.interactive) {
                if tid == 0 && self.start_exit_trap(task, task.status) {
                    return None;
                }
                return Some(Run::Done);
            }
            return None;
        }
        let (depth, pc) = (task.frames.len(), frame.pc);
        let instr = frame.code[frame.pc].clone();
        let flow = self.exec(task, tid, &instr, st, ctx);
        if let Flow::Next = flow {
            task.substs.clear();
            task.subst_status = None;
            // Jumps, pushed or popped frames already placed the pc; otherwise move on.
            if task.frames.len() == depth {
                if let Some(f) = task.frames.last_mut().filter(|f| f.pc == pc) {
                    f.pc += 1;
                }
            }
        }
        if task.done.is_some() {
            return Some(Run::Done);
        }
        match flow {
            Flow::Again if !matches!(task.wait, Wait::Nothing) => None,
            _ => None,
        }
    }

    /// `trap '...' EXIT`: run the handler once when the main script ends or calls `exit`;
    /// the script's exit status is kept unless the handler exits itself.
    pub fn start_exit_trap(&mut self, task: &mut Task, status: i32) -> bool {
        if self.interactive || self.exit_trap_ran {
            return false;
        }
        let Some(action) = self.traps.get(&0).cloned() else { return false };
        self.exit_trap_ran = true;
        let Ok(list) = super::parse::parse_script(&action) else { return false };
        while !task.frames.is_empty() {
            self.pop_frame(task);
        }
        task.loops.clear();
        task.done = None;
        task.frames.push(Frame { code: compile(&list), pc: 0, saved_fds: None, saved_positional: None, trap_status: Some(status) });
        true
    }

    pub fn pop_frame(&mut self, task: &mut Task) {
        if let Some(f) = task.frames.pop() {
            if let Some(saved) = f.saved_fds {
                task.fds = saved;
            }
            if let Some(p) = f.saved_positional {
                task.positional = p;
            }
            if let Some(s) = f.trap_status {
                task.status = s;
            }
            let depth = task.frames.len();
            task.loops.retain(|l| l.frame < depth);
        }
    }

    pub fn push_frame(&mut self, task: &mut Task, code: Arc<Code>, saved_fds: Option<Fds>, saved_positional: Option<Vec<String>>) -> bool {
        if task.frames.len() >= MAX_FRAMES {
            return false;
        }
        // Advance the caller past the instruction first: the frame resumes after it.
        if let Some(f) = task.frames.last_mut() {
            f.pc += 1;
        }
        task.frames.push(Frame { code, pc: 0, saved_fds, saved_positional, trap_status: None });
        true
    }

    /// Expansion environment for `task` with its substitution results.
    pub fn env<'x>(&self, task: &'x Task) -> Env<'x> {
        Env {
            vars: &task.vars,
            positional: &task.positional,
            arg0: &task.arg0,
            status: task.status,
            pid: self.pid,
            last_bg: self.last_bg_pid,
            substs: &task.substs,
            next_subst: 0,
            cwd: &task.cwd,
            assigned: Vec::new(),
            error: None,
        }
    }

    /// Make sure every `$(...)` in `words` has run. `false` = a child was started; wait.
    pub fn ensure_substs(&mut self, task: &mut Task, words: &[&super::ast::Word]) -> bool {
        let lists = count_substs(words);
        if task.substs.len() >= lists.len() {
            return true;
        }
        let list = &lists[task.substs.len()];
        let cap = self.shared.new_capture();
        let fds = Fds { stdin: task.fds.stdin.clone(), stdout: super::io::Out::Capture(cap), stderr: task.fds.stderr.clone() };
        self.shared.retain(&fds);
        let child = task.child(compile(list), fds);
        match self.spawn(child) {
            Some(id) => task.wait = Wait::Children(vec![id], ChildKind::Subst(cap)),
            None => {
                self.shared.captures[cap] = None;
                task.substs.push(String::new());
            }
        }
        false
    }

    pub fn exec(&mut self, task: &mut Task, tid: usize, instr: &Instr, st: &mut ProcState, ctx: &mut ProcessCtx) -> Flow {
        super::exec::exec(self, task, tid, instr, st, ctx)
    }

    fn repl(&mut self, task: &mut Task, st: &mut ProcState, ctx: &mut ProcessCtx) -> Option<Run> {
        super::repl::step(self, task, st, ctx)
    }
}

pub fn min_wake(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
