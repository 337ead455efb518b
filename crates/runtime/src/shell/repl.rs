//! The read-eval loop of a shell reading commands from stdin (`kubectl exec -it pod -- sh`, or
//! `sh` fed a script on stdin): print the prompt (`/ # `, `# `, `root@web:/# `), read a line,
//! ask for more with `> ` while a construct is open, then run the parsed commands.

use super::compile::compile;
use super::parse::{parse_script, ParseError};
use super::vm::{Run, Task, Vm};
use super::Flavor;
use crate::image::Base;
use crate::process::{ProcState, ProcessCtx, Stream};

/// The primary prompt each image's shell shows for root.
pub fn prompt(vm: &Vm, task: &Task, ctx: &ProcessCtx) -> String {
    let home = task.vars.get("HOME").map(|v| v.value.clone()).unwrap_or_else(|| "/root".into());
    let w = if task.cwd == home { "~".to_string() } else { task.cwd.clone() };
    match vm.flavor {
        Flavor::Ash => format!("{w} # "),
        Flavor::Dash => "# ".to_string(),
        Flavor::Bash if vm.base == Some(Base::OracleLinux) => "bash-5.1# ".to_string(),
        Flavor::Bash => {
            let host = ctx
                .fs
                .read_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .or_else(|| task.vars.get("HOSTNAME").map(|v| v.value.clone()))
                .unwrap_or_else(|| "localhost".into());
            let short = host.split('.').next().unwrap_or("").to_string();
            format!("root@{short}:{w}# ")
        }
    }
}

pub fn step(vm: &mut Vm, task: &mut Task, st: &mut ProcState, ctx: &mut ProcessCtx) -> Option<Run> {
    if vm.prompts && !vm.prompt_shown {
        let p = if vm.line_buf.is_empty() { prompt(vm, task, ctx) } else { "> ".to_string() };
        st.write(ctx, Stream::Stdout, &p);
        vm.prompt_shown = true;
    }
    let Some(nl) = st.stdin.iter().position(|b| *b == b'\n') else {
        if st.stdin_closed {
            let rest: Vec<u8> = std::mem::take(&mut st.stdin);
            if !rest.is_empty() {
                st.stdin = rest;
                st.stdin.push(b'\n');
                return None;
            }
            if vm.prompts && vm.flavor == Flavor::Bash {
                st.write(ctx, Stream::Stdout, "exit\n");
            }
            task.done = Some(task.status);
            vm.exit_code = Some(task.status);
            return Some(Run::Done);
        }
        return Some(Run::Blocked(None));
    };
    let line: Vec<u8> = st.stdin.drain(..=nl).collect();
    vm.line_buf.push_str(&String::from_utf8_lossy(&line));
    vm.line_no += 1;
    vm.prompt_shown = false;
    match parse_script(&vm.line_buf) {
        Ok(list) => {
            vm.line_buf.clear();
            if !list.items.is_empty() {
                task.frames.push(super::vm::Frame { code: compile(&list), pc: 0, saved_fds: None, saved_positional: None, trap_status: None });
            }
        }
        Err(ParseError::Incomplete { .. }) => {}
        Err(e) => {
            let src = std::mem::take(&mut vm.line_buf);
            let msg = vm.syntax_error(&e, src.trim_end());
            st.write(ctx, Stream::Stderr, &msg);
            task.status = 2;
        }
    }
    None
}
