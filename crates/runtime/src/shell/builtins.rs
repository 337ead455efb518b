//! Builtins that act on the shell itself rather than on files: `cd`, `exit`, `export`,
//! `unset`, `set`, `shift`, `break`/`continue`/`return`, `exec`, `eval`/`.`, `trap`, `wait`,
//! `kill` of the shell's own jobs, `command -v`/`type`, `local`, `readonly`, `umask`.

use super::compile::compile;
use super::io::Fds;
use super::parse::{is_name, parse_script};
use super::vm::{ChildKind, Flow, Task, Vm, Wait};
use crate::fs::resolve_path;
use crate::process::{resolve_executable, ProcState, ProcessCtx, Signal};

fn set_pc(task: &mut Task, pc: usize) {
    if let Some(f) = task.frames.last_mut() {
        f.pc = pc;
    }
}

/// Where a builtin's messages go: its (redirected) stdout/stderr, prefixed like the shell.
pub struct Out<'o, 'a> {
    pub fds: &'o Fds,
    pub line: u32,
    pub st: &'o mut ProcState,
    pub ctx: &'o mut ProcessCtx<'a>,
}

impl Out<'_, '_> {
    fn err(&mut self, vm: &mut Vm, msg: &str) {
        let text = vm.diag(self.line, msg);
        vm.write_fd(&self.fds.stderr, self.st, self.ctx, &text);
    }
    fn out(&mut self, vm: &mut Vm, text: &str) {
        vm.write_fd(&self.fds.stdout, self.st, self.ctx, text);
    }
}

/// Handle `argv` if it is a special builtin. `None` = not one of these.
pub fn special(vm: &mut Vm, task: &mut Task, tid: usize, argv: &[String], o: &mut Out) -> Option<Flow> {
    let name = argv[0].as_str();
    let args = &argv[1..];
    task.status = 0;
    match name {
        "cd" => cd(vm, task, args, o),
        "exit" => return Some(exit(vm, task, tid, args, o)),
        "export" | "readonly" | "local" => export(vm, task, name, args, o),
        "unset" => {
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                task.vars.remove(a);
                vm.funcs.remove(a);
            }
        }
        "set" => set(vm, task, args, o),
        "shift" => {
            let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1);
            if n > task.positional.len() {
                o.err(vm, "shift: can't shift that many");
                task.status = 2;
            } else {
                task.positional.drain(..n);
            }
        }
        "break" | "continue" => loop_jump(vm, task, name == "break", args),
        "return" => ret(vm, task, args),
        "exec" => {
            if args.is_empty() {
                task.fds = o.fds.clone();
            } else if tid == 0 {
                vm.exec_request = Some(args.to_vec());
                task.done = Some(0);
            } else {
                return None;
            }
        }
        "eval" | "." | "source" => source(vm, task, name, args, o),
        "trap" => trap(vm, args),
        "wait" => {
            let ids = std::mem::take(&mut task.background);
            if !ids.is_empty() {
                task.wait = Wait::Children(ids, ChildKind::Wait);
            }
        }
        "command" | "type" if args.first().is_some_and(|a| a == "-v") || name == "type" => command_v(vm, task, name == "type", args, o),
        "umask" if args.is_empty() => o.out(vm, "0022\n"),
        "umask" => {}
        "kill" if kills_own_job(vm, task, args) => {}
        "kill" if !vm.applet_only => task.status = kill_failures(vm, args, o)?,
        _ => return None,
    }
    Some(Flow::Next)
}

/// The status a failing builtin returns: bash uses 1, ash and dash 2.
fn fail_status(vm: &Vm) -> i32 {
    if vm.flavor == super::Flavor::Bash { 1 } else { 2 }
}

fn cd(vm: &mut Vm, task: &mut Task, args: &[String], o: &mut Out) {
    let var = |task: &Task, k: &str| task.vars.get(k).map(|v| v.value.clone());
    let target = match args.first().map(String::as_str) {
        None => var(task, "HOME").unwrap_or_else(|| "/".into()),
        Some("-") => var(task, "OLDPWD").unwrap_or_else(|| task.cwd.clone()),
        Some(t) => t.to_string(),
    };
    let path = resolve_path(&task.cwd, &target);
    let why = match o.ctx.fs.stat(&path) {
        Ok(m) if m.is_dir => {
            let old = std::mem::replace(&mut task.cwd, path.clone());
            task.set_var("OLDPWD", old);
            task.set_var("PWD", path);
            return;
        }
        Ok(_) => "Not a directory".to_string(),
        Err(e) => e.to_string(),
    };
    let msg = vm.flavor.cd_error(&target, &why);
    o.err(vm, &msg);
    task.status = fail_status(vm);
}

fn exit(vm: &mut Vm, task: &mut Task, tid: usize, args: &[String], o: &mut Out) -> Flow {
    let code = match args.first() {
        None => task.status_before_builtin(),
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                o.err(vm, &format!("exit: Illegal number: {a}"));
                2
            }
        },
    };
    task.status = code;
    if tid == 0 && vm.interactive && vm.prompts && vm.flavor == super::Flavor::Bash {
        // Interactive bash says goodbye on stderr.
        vm.write_fd(&super::io::Out::Proc(crate::process::Stream::Stderr), o.st, o.ctx, "exit\n");
    }
    if tid == 0 && vm.start_exit_trap(task, code) {
        return Flow::Next;
    }
    task.done = Some(code);
    if tid == 0 {
        vm.exit_code = Some(code);
    }
    Flow::Next
}

fn export(vm: &mut Vm, task: &mut Task, name: &str, args: &[String], o: &mut Out) {
    for a in args {
        let (k, v) = match a.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        if !is_name(&k) {
            o.err(vm, &format!("{name}: {a}: bad variable name"));
            task.status = 2;
            continue;
        }
        let old = task.vars.get(&k).cloned();
        let value = v.or(old.as_ref().map(|o| o.value.clone())).unwrap_or_default();
        let exported = name == "export" || old.is_some_and(|o| o.exported);
        super::expand::put_var(&mut task.vars, &k, value, exported);
    }
    if name == "export" && args.is_empty() {
        let listing: String = task.exported().iter().map(|(k, v)| format!("export {k}='{v}'\n")).collect();
        o.out(vm, &listing);
    }
}

/// `break N` / `continue N`: unwind to the Nth enclosing loop and jump.
fn loop_jump(vm: &mut Vm, task: &mut Task, brk: bool, args: &[String]) {
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1).max(1);
    if task.loops.is_empty() {
        return;
    }
    let target = task.loops.len() - n.min(task.loops.len());
    while task.frames.len() > task.loops[target].frame + 1 {
        vm.pop_frame(task);
    }
    let (b, c) = (task.loops[target].brk, task.loops[target].cont);
    task.loops.truncate(target + 1);
    set_pc(task, if brk { b } else { c });
}

fn ret(vm: &mut Vm, task: &mut Task, args: &[String]) {
    let code = args.first().and_then(|a| a.parse::<i32>().ok()).unwrap_or(task.status_before_builtin());
    while let Some(f) = task.frames.last() {
        let is_func = f.saved_positional.is_some();
        vm.pop_frame(task);
        if is_func || task.frames.len() <= 1 {
            break;
        }
    }
    task.status = code;
    if task.frames.is_empty() {
        task.done = Some(code);
    }
}

/// `eval ARGS` and `. FILE`: parse and run in the current task.
fn source(vm: &mut Vm, task: &mut Task, name: &str, args: &[String], o: &mut Out) {
    let src = if name == "eval" {
        args.join(" ")
    } else {
        let Some(file) = args.first() else {
            o.err(vm, &format!("{name}: filename argument required"));
            task.status = 2;
            return;
        };
        match o.ctx.fs.read_string(&resolve_path(&task.cwd, file)) {
            Ok(s) => s,
            Err(_) => {
                o.err(vm, &format!("{name}: can't open '{file}'"));
                task.status = fail_status(vm);
                return;
            }
        }
    };
    match parse_script(&src) {
        Ok(list) => {
            vm.push_frame(task, compile(&list), None, None);
        }
        Err(e) => {
            let msg = vm.syntax_error(&e, &src);
            vm.write_fd(&o.fds.stderr, o.st, o.ctx, &msg);
            task.status = 2;
        }
    }
}

/// `command -v NAME` / `type NAME`.
fn command_v(vm: &mut Vm, task: &mut Task, type_: bool, args: &[String], o: &mut Out) {
    let env = task.exported();
    let mut out = String::new();
    for n in args.iter().filter(|a| !a.starts_with('-')) {
        if vm.funcs.contains_key(n.as_str()) {
            out.push_str(&if type_ { format!("{n} is a function\n") } else { format!("{n}\n") });
        } else if let Ok((p, _)) = resolve_executable(&o.ctx.fs, &env, &task.cwd, n) {
            out.push_str(&if type_ { format!("{n} is {p}\n") } else { format!("{p}\n") });
        } else if type_ {
            task.status = 127;
            out.push_str(&format!("{n}: not found\n"));
        } else {
            task.status = 1;
        }
    }
    o.out(vm, &out);
}

impl Task {
    /// `$?` as it was before the builtin started (builtins reset status to 0 first).
    fn status_before_builtin(&self) -> i32 {
        self.prev_status
    }
}

fn set(vm: &mut Vm, task: &mut Task, args: &[String], o: &mut Out) {
    if args.is_empty() {
        let listing: String = task.vars.iter().map(|(k, v)| format!("{k}='{}'\n", v.value)).collect();
        o.out(vm, &listing);
        return;
    }
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            task.positional = args[i + 1..].to_vec();
            return;
        }
        if let Some(flags) = a.strip_prefix('-').or_else(|| a.strip_prefix('+')) {
            let on = a.starts_with('-');
            if flags == "o" {
                i += 2;
                continue;
            }
            for f in flags.chars() {
                match f {
                    'x' => vm.xtrace = on,
                    'e' => vm.errexit = on,
                    _ => {}
                }
            }
            i += 1;
            continue;
        }
        task.positional = args[i..].to_vec();
        return;
    }
}

fn trap(vm: &mut Vm, args: &[String]) {
    let Some((action, sigs)) = args.split_first() else { return };
    for s in sigs {
        let num = match s.trim_start_matches("SIG").to_ascii_uppercase().as_str() {
            "EXIT" | "0" => 0,
            other => match Signal::from_name(other) {
                Some(sig) => sig.number(),
                None => continue,
            },
        };
        if action == "-" {
            vm.traps.remove(&num);
        } else {
            vm.traps.insert(num, action.clone());
        }
    }
}

/// `kill %1` / `kill $!`: signal one of this shell's background jobs.
fn kills_own_job(vm: &mut Vm, task: &mut Task, args: &[String]) -> bool {
    let Some(target) = args.iter().find(|a| !a.starts_with('-')) else { return false };
    let Ok(pid) = target.trim_start_matches('%').parse::<u32>() else { return false };
    let first_bg = vm.pid + 1;
    if pid < first_bg || pid > vm.next_bg_pid || target.starts_with('%') {
        return false;
    }
    let index = (pid - first_bg) as usize;
    let ids: Vec<usize> = task.background.clone();
    if let Some(id) = ids.get(index) {
        if let Some(t) = vm.tasks.get_mut(*id).and_then(Option::as_mut) {
            t.done.get_or_insert(143);
        }
    }
    task.status = 0;
    true
}

/// `kill` naming a process this container does not have, or a pid that is not a number: the
/// shell's own builtin reports it, worded per shell (busybox ash `sh: can't kill pid 42: No
/// such process` with one error counted per pid, dash `sh: 1: kill: No such process`, bash
/// `bash: line 1: kill: (42) - No such process`). `None` when every target exists (PID 1,
/// the shell itself): the kill applet delivers those signals.
fn kill_failures(vm: &mut Vm, args: &[String], o: &mut Out) -> Option<i32> {
    use super::Flavor;
    let mut sig = Signal::Term;
    let mut i = 0;
    let mut targets: Vec<&String> = Vec::new();
    while let Some(a) = args.get(i) {
        i += 1;
        if targets.is_empty() && a == "--" {
            targets.extend(args[i..].iter());
            break;
        }
        if targets.is_empty() && a.len() > 1 && a.starts_with('-') {
            let name = if a == "-s" { args.get(i).inspect(|_| i += 1).map(String::as_str).unwrap_or("") } else { &a[1..] };
            // `-l` and signals this runtime does not model stay with the applet.
            sig = Signal::from_name(name)?;
            continue;
        }
        targets.push(a);
    }
    let pid_of = |t: &str| t.parse::<u32>().ok();
    if targets.iter().all(|t| pid_of(t).is_some_and(|p| p == 1 || p == o.st.pid)) {
        return None;
    }
    let mut errors = 0;
    for t in targets {
        let text = match (pid_of(t), vm.flavor) {
            (Some(1), _) if o.st.pid1 => {
                o.st.self_signals.push(sig);
                continue;
            }
            (Some(1), _) => {
                o.st.pid1_signals.push(sig);
                continue;
            }
            (Some(p), _) if p == o.st.pid => {
                o.st.self_signals.push(sig);
                continue;
            }
            (Some(p), Flavor::Ash) => format!("{}: can't kill pid {p}: No such process\n", vm.name),
            (None, Flavor::Ash) => format!("{}: invalid number '{t}'\n", vm.name),
            (Some(_), Flavor::Dash) => vm.diag(o.line, "kill: No such process"),
            // dash's number() raises an error: the builtin stops at the first bad pid.
            (None, Flavor::Dash) => {
                o.err(vm, &format!("kill: Illegal number: {t}"));
                return Some(2);
            }
            (Some(p), Flavor::Bash) => vm.diag(o.line, &format!("kill: ({p}) - No such process")),
            (None, Flavor::Bash) => vm.diag(o.line, &format!("kill: {t}: arguments must be process or job IDs")),
        };
        vm.write_fd(&o.fds.stderr, o.st, o.ctx, &text);
        errors += 1;
    }
    // busybox returns the number of failures; dash and bash return 1.
    Some(if vm.flavor == Flavor::Ash { errors } else { errors.min(1) })
}
