//! Simple commands: run pending `$(...)`, expand words, open redirections, then dispatch to
//! a special builtin, a function, a busybox/coreutils applet found on `$PATH`, or another
//! program of the image (nginx, curl, ...) run as a child; otherwise `sh: foo: not found`.

use super::applets::{self, External};
use super::ast::{Simple, Word};
use super::builtins;
use super::exec::open_redirs;
use super::expand::count_substs;
use super::vm::{Flow, Task, Vm, Wait};
use crate::image::ProgramKind;
use crate::process::{resolve_executable, ExecError, ProcState, ProcessCtx, Stream};
use std::sync::Arc;

/// Commands every flavour of `sh` has built in (they work without a file on `$PATH`).
const SHELL_BUILTINS: [&str; 10] = ["echo", "printf", "test", "[", "true", "false", "pwd", "kill", ":", "[["];

pub fn run(vm: &mut Vm, task: &mut Task, tid: usize, s: &Arc<Simple>, st: &mut ProcState, ctx: &mut ProcessCtx) -> Flow {
    let mut words: Vec<&Word> = s.assigns.iter().map(|(_, w)| w).collect();
    words.extend(s.words.iter());
    let redir_base = count_substs(&words).len();
    words.extend(s.redirs.iter().map(|r| &r.target));
    if !vm.ensure_substs(task, &words) {
        return Flow::Again;
    }
    let mut env = vm.env(task);
    let assigns: Vec<(String, String)> = s.assigns.iter().map(|(n, w)| (n.clone(), env.string(w))).collect();
    let mut argv = Vec::new();
    for w in &s.words {
        argv.extend(env.fields(w, Some(&ctx.fs)));
    }
    let error = env.error.take();
    let assigned = std::mem::take(&mut env.assigned);
    for (k, v) in assigned {
        task.set_var(&k, v);
    }
    if let Some(e) = error {
        st.write(ctx, Stream::Stderr, &vm.diag(s.line, &e));
        task.status = if vm.flavor == super::Flavor::Bash { 1 } else { 2 };
        if !vm.interactive {
            task.done = Some(task.status);
        }
        return Flow::Next;
    }
    let fds = match open_redirs(vm, task, &s.redirs, redir_base, st, ctx) {
        Ok(f) => f,
        Err(code) => {
            task.status = code;
            return Flow::Next;
        }
    };
    if argv.is_empty() {
        for (k, v) in assigns {
            task.set_var(&k, v);
        }
        task.status = task.subst_status.unwrap_or(0);
        return Flow::Next;
    }
    if argv[0] == "exec" && argv.len() > 1 && tid != 0 {
        argv.remove(0);
    }
    if vm.xtrace {
        let text = format!("+ {}\n", argv.join(" "));
        vm.write_fd(&fds.stderr, st, ctx, &text);
    }
    task.prev_status = task.status;
    let mut o = builtins::Out { fds: &fds, line: s.line, st, ctx };
    if let Some(flow) = builtins::special(vm, task, tid, &argv, &mut o) {
        return flow;
    }
    if let Some(code) = vm.funcs.get(&argv[0]).cloned() {
        let saved = std::mem::replace(&mut task.positional, argv[1..].to_vec());
        if !vm.push_frame(task, code, None, Some(saved.clone())) {
            task.positional = saved;
            st.write(ctx, Stream::Stderr, &vm.diag(s.line, "stack overflow"));
            task.status = 2;
        }
        return Flow::Next;
    }
    let mut env_list = task.exported();
    env_list.extend(assigns);
    launch(vm, task, argv, env_list, fds, s.line, st, ctx);
    Flow::Next
}

/// Start an applet or program for `argv` as the task's current wait.
#[allow(clippy::too_many_arguments)]
fn launch(vm: &mut Vm, task: &mut Task, mut argv: Vec<String>, env: Vec<(String, String)>, fds: super::io::Fds, line: u32, st: &mut ProcState, ctx: &mut ProcessCtx) {
    let name = argv[0].clone();
    if SHELL_BUILTINS.contains(&name.as_str()) && (name != "[[" || vm.flavor == super::Flavor::Bash) {
        if let Some(a) = applets::create(&name, argv.clone(), vm.flavor) {
            task.wait = Wait::Applet(a, fds);
            return;
        }
    }
    match resolve_executable(&ctx.fs, &env, &task.cwd, &name) {
        Ok((path, ProgramKind::Busybox)) => {
            let mut applet = path.rsplit('/').next().unwrap_or("").to_string();
            if applet == "busybox" && argv.len() > 1 {
                argv.remove(0);
                applet = argv[0].clone();
            }
            if matches!(applet.as_str(), "sh" | "ash" | "bash" | "dash") {
                // A nested shell is a child program with its own interpreter.
                let ext = External::new(ProgramKind::Busybox, &path, argv, env, &task.cwd, st.base, &ctx.fs);
                task.wait = Wait::Applet(Box::new(ext), fds);
                return;
            }
            match applets::create(&applet, argv, vm.flavor) {
                Some(a) => task.wait = Wait::Applet(a, fds),
                None => not_found(vm, task, &name, line, &fds, st, ctx),
            }
        }
        Ok((path, kind)) => {
            // execve's ENOEXEC on a text file: the shell runs it as a script itself.
            let kind = if kind == ProgramKind::Unknown { ProgramKind::Script } else { kind };
            let ext = External::new(kind, &path, argv, env, &task.cwd, st.base, &ctx.fs);
            task.wait = Wait::Applet(Box::new(ext), fds);
        }
        Err(ExecError::PermissionDenied { .. }) => {
            let msg = vm.flavor.permission_denied(&name);
            let text = vm.diag(line, &msg);
            vm.write_fd(&fds.stderr, st, ctx, &text);
            task.status = 126;
        }
        Err(_) => not_found(vm, task, &name, line, &fds, st, ctx),
    }
}

#[allow(clippy::too_many_arguments)]
fn not_found(vm: &mut Vm, task: &mut Task, name: &str, line: u32, fds: &super::io::Fds, st: &mut ProcState, ctx: &mut ProcessCtx) {
    let msg = vm.flavor.not_found(name);
    let text = vm.diag(line, &msg);
    vm.write_fd(&fds.stderr, st, ctx, &text);
    task.status = 127;
}
