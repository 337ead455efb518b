//! Execution of the control instructions: jumps, loops, `for`/`case`, groups and subshells,
//! pipelines and background jobs, and the redirection setup they share with simple commands.
//! Simple commands themselves are in `simple`.

use super::ast::{Redir, RedirOp, Word};
use super::compile::{Code, Instr};
use super::io::{Fds, In, Out};
use super::vm::{ChildKind, Flow, LoopState, Task, Vm, Wait};
use crate::process::{ProcState, ProcessCtx, Stream};
use std::sync::Arc;

fn set_pc(task: &mut Task, pc: usize) {
    if let Some(f) = task.frames.last_mut() {
        f.pc = pc;
    }
}

pub fn exec(vm: &mut Vm, task: &mut Task, tid: usize, instr: &Instr, st: &mut ProcState, ctx: &mut ProcessCtx) -> Flow {
    match instr {
        Instr::Simple(s) => return super::simple::run(vm, task, tid, s, st, ctx),
        Instr::Jmp(t) => set_pc(task, *t),
        Instr::JmpZ(t) if task.status == 0 => set_pc(task, *t),
        Instr::JmpNZ(t) if task.status != 0 => set_pc(task, *t),
        Instr::JmpZ(_) | Instr::JmpNZ(_) => {}
        Instr::Not => task.status = i32::from(task.status == 0),
        Instr::SetStatus(s) => task.status = *s,
        Instr::LoopEnter { brk, cont } => {
            let frame = task.frames.len().saturating_sub(1);
            task.loops.push(LoopState { frame, brk: *brk, cont: *cont, items: None });
        }
        Instr::LoopExit => {
            task.loops.pop();
        }
        Instr::ForInit { items, brk, cont } => return for_init(vm, task, items.as_deref(), *brk, *cont, ctx),
        Instr::ForNext { var, exit } => {
            let next = task.loops.last_mut().and_then(|l| l.items.as_mut()).and_then(|(items, i)| {
                let v = items.get(*i).cloned();
                *i += 1;
                v
            });
            match next {
                Some(v) => task.set_var(var, v),
                None => set_pc(task, *exit),
            }
        }
        Instr::Case { word, arms } => return case(vm, task, word, arms),
        Instr::Func(name, code) => {
            vm.funcs.insert(name.clone(), code.clone());
            task.status = 0;
        }
        Instr::Background(code) => {
            let fds = Fds { stdin: In::Null, ..task.fds.clone() };
            retain_fds(vm, &fds);
            let mut child = task.child(code.clone(), fds);
            child.is_bg = true;
            if let Some(id) = vm.spawn(child) {
                task.background.push(id);
                vm.next_bg_pid += 1;
                vm.last_bg_pid = Some(vm.next_bg_pid);
            }
            task.status = 0;
        }
        Instr::Pipe(stages) => pipeline(vm, task, stages),
        Instr::ErrExit => {
            if vm.errexit && task.status != 0 && !vm.interactive {
                let code = task.status;
                if tid == 0 && vm.start_exit_trap(task, code) {
                    return Flow::Next;
                }
                task.done = Some(code);
                if tid == 0 {
                    vm.exit_code = Some(code);
                }
            }
        }
        Instr::Group { code, redirs, subshell } => return group(vm, task, code, redirs, *subshell, st, ctx),
    }
    Flow::Next
}

/// Expand a `for` list once (globbing included) and push the loop with it.
fn for_init(vm: &mut Vm, task: &mut Task, items: Option<&Vec<Word>>, brk: usize, cont: usize, ctx: &mut ProcessCtx) -> Flow {
    let list = match items {
        Some(words) => {
            let refs: Vec<&Word> = words.iter().collect();
            if !vm.ensure_substs(task, &refs) {
                return Flow::Again;
            }
            let mut env = vm.env(task);
            let mut out = Vec::new();
            for w in words {
                out.extend(env.fields(w, Some(&ctx.fs)));
            }
            out
        }
        None => task.positional.clone(),
    };
    let frame = task.frames.len().saturating_sub(1);
    task.loops.push(LoopState { frame, brk, cont, items: Some((list, 0)) });
    Flow::Next
}

fn case(vm: &mut Vm, task: &mut Task, word: &Arc<Word>, arms: &Arc<Vec<(Vec<Word>, Arc<Code>)>>) -> Flow {
    let mut refs: Vec<&Word> = vec![word];
    for (pats, _) in arms.iter() {
        refs.extend(pats.iter());
    }
    if !vm.ensure_substs(task, &refs) {
        return Flow::Again;
    }
    let mut env = vm.env(task);
    let subject: Vec<char> = env.string(word).chars().collect();
    let mut chosen = None;
    'arms: for (pats, code) in arms.iter() {
        for p in pats {
            let pat = env.pattern(p);
            if super::expand::pat_match(&pat, &subject) {
                chosen = Some(code.clone());
                break 'arms;
            }
        }
    }
    task.status = 0;
    if let Some(code) = chosen {
        vm.push_frame(task, code, None, None);
    }
    Flow::Next
}

/// A new task holds copies of its fds: count its pipe ends.
pub fn retain_fds(vm: &mut Vm, fds: &Fds) {
    vm.shared.retain(fds);
}

fn pipeline(vm: &mut Vm, task: &mut Task, stages: &Arc<Vec<Arc<Code>>>) {
    let mut ids = Vec::new();
    let mut stdin = task.fds.stdin.clone();
    for (i, code) in stages.iter().enumerate() {
        let last = i + 1 == stages.len();
        let (stdout, next_in) = if last {
            (task.fds.stdout.clone(), None)
        } else {
            let p = vm.shared.new_pipe();
            (Out::Pipe(p), Some(In::Pipe(p)))
        };
        let fds = Fds { stdin: stdin.clone(), stdout, stderr: task.fds.stderr.clone() };
        retain_fds(vm, &fds);
        match vm.spawn(task.child(code.clone(), fds.clone())) {
            Some(id) => ids.push(id),
            None => vm.shared.release(&fds),
        }
        if let Some(n) = next_in {
            stdin = n;
        }
    }
    task.wait = Wait::Children(ids, ChildKind::Pipeline);
}

fn group(vm: &mut Vm, task: &mut Task, code: &Arc<Code>, redirs: &Arc<Vec<Redir>>, subshell: bool, st: &mut ProcState, ctx: &mut ProcessCtx) -> Flow {
    let targets: Vec<&Word> = redirs.iter().map(|r| &r.target).collect();
    if !vm.ensure_substs(task, &targets) {
        return Flow::Again;
    }
    let fds = match open_redirs(vm, task, redirs, 0, st, ctx) {
        Ok(f) => f,
        Err(code) => {
            task.status = code;
            return Flow::Next;
        }
    };
    if subshell {
        retain_fds(vm, &fds);
        if let Some(id) = vm.spawn(task.child(code.clone(), fds)) {
            task.wait = Wait::Children(vec![id], ChildKind::Subshell);
        }
    } else {
        let saved = std::mem::replace(&mut task.fds, fds);
        if !vm.push_frame(task, code.clone(), Some(saved.clone()), None) {
            task.fds = saved;
        }
    }
    Flow::Next
}

/// Apply redirections on top of the task's fds. Errors are printed; `Err(status)`.
/// `subst_base` is the index of the first substitution result belonging to the targets.
pub fn open_redirs(vm: &mut Vm, task: &Task, redirs: &[Redir], subst_base: usize, st: &mut ProcState, ctx: &mut ProcessCtx) -> Result<Fds, i32> {
    let mut fds = task.fds.clone();
    let mut env = vm.env(task);
    env.next_subst = subst_base;
    for r in redirs {
        let target = env.string(&r.target);
        let path = crate::fs::resolve_path(&task.cwd, &target);
        let out = |fds: &mut Fds, o: Out| {
            if r.fd == 2 {
                fds.stderr = o
            } else if r.fd == 1 {
                fds.stdout = o
            }
        };
        match r.op {
            RedirOp::Out | RedirOp::Append => {
                let special = match path.as_str() {
                    "/dev/null" => Some(Out::Null),
                    "/dev/stdout" | "/proc/self/fd/1" | "/proc/1/fd/1" => Some(Out::Proc(Stream::Stdout)),
                    "/dev/stderr" | "/proc/self/fd/2" | "/proc/1/fd/2" => Some(Out::Proc(Stream::Stderr)),
                    _ => None,
                };
                if let Some(o) = special {
                    out(&mut fds, o);
                    continue;
                }
                let now = ctx.now_ms;
                let res = if r.op == RedirOp::Out { ctx.fs.write(&path, b"", now) } else { ctx.fs.append(&path, b"", now) };
                if let Err(e) = res {
                    let why = match (vm.flavor, e) {
                        (super::Flavor::Ash, crate::fs::FsError::NotFound) => "nonexistent directory".to_string(),
                        (super::Flavor::Dash, crate::fs::FsError::NotFound) => "Directory nonexistent".to_string(),
                        _ => e.to_string(),
                    };
                    let msg = vm.flavor.cannot_create(&target, &why);
                    { let text = vm.diag(0, &msg); let err_out = task.fds.stderr.clone(); vm.write_fd(&err_out, st, ctx, &text); }
                    return Err(if vm.flavor == super::Flavor::Ash { 1 } else { 2 });
                }
                out(&mut fds, Out::File(path));
            }
            RedirOp::In => {
                if path == "/dev/null" {
                    fds.stdin = In::Null;
                    continue;
                }
                match ctx.fs.read(&path) {
                    Ok(data) => fds.stdin = In::Buf(vm.shared.new_buf(data)),
                    Err(e) => {
                        let why = match (vm.flavor, e) {
                            (super::Flavor::Ash, crate::fs::FsError::NotFound) => "no such file".to_string(),
                            (super::Flavor::Dash, crate::fs::FsError::NotFound) => "No such file".to_string(),
                            _ => e.to_string(),
                        };
                        let msg = vm.flavor.cannot_open(&target, &why);
                        { let text = vm.diag(0, &msg); let err_out = task.fds.stderr.clone(); vm.write_fd(&err_out, st, ctx, &text); }
                        return Err(if vm.flavor == super::Flavor::Ash { 1 } else { 2 });
                    }
                }
            }
            RedirOp::HereDoc => fds.stdin = In::Buf(vm.shared.new_buf(target.into_bytes())),
            RedirOp::Dup => match (r.fd, target.as_str()) {
                (2, "1") => fds.stderr = fds.stdout.clone(),
                (1, "2") => fds.stdout = fds.stderr.clone(),
                (_, "-") => out(&mut fds, Out::Null),
                (0, _) => {}
                _ => {}
            },
        }
    }
    Ok(fds)
}
