//! Lowering of the syntax tree to a flat instruction list. Control flow (if, loops, `&&`,
//! `||`) becomes jumps so the VM can stop after any instruction (a `sleep`, an exhausted step
//! budget) and resume exactly there; nested bodies that need their own frame (groups with
//! redirections, case arms, functions, pipeline stages) are separate `Code` blocks.

use super::ast::*;
use std::sync::Arc;

#[derive(Clone, Debug)]
pub enum Instr {
    Simple(Arc<Simple>),
    /// Pipeline of two or more stages, each run as its own task.
    Pipe(Arc<Vec<Arc<Code>>>),
    /// `{ }` (same task, fds redirected while it runs) or `( )` (child task).
    Group { code: Arc<Code>, redirs: Arc<Vec<Redir>>, subshell: bool },
    Jmp(usize),
    /// Jump when `$?` is zero / non-zero.
    JmpZ(usize),
    JmpNZ(usize),
    Not,
    SetStatus(i32),
    LoopEnter { brk: usize, cont: usize },
    LoopExit,
    ForInit { items: Option<Arc<Vec<Word>>>, brk: usize, cont: usize },
    ForNext { var: String, exit: usize },
    Case { word: Arc<Word>, arms: Arc<Vec<(Vec<Word>, Arc<Code>)>> },
    Func(String, Arc<Code>),
    Background(Arc<Code>),
    /// After a pipeline outside any condition: with `set -e`, a failure ends the shell.
    ErrExit,
}

pub type Code = Vec<Instr>;

pub fn compile(list: &List) -> Arc<Code> {
    let mut code = Vec::new();
    emit_list(&mut code, list, false);
    Arc::new(code)
}

/// `cond`: the list is an `if`/`while`/`until` condition, where failures never trip `set -e`.
fn emit_list(code: &mut Code, list: &List, cond: bool) {
    for item in &list.items {
        if item.background {
            let mut sub = Vec::new();
            emit_and_or(&mut sub, item, cond);
            code.push(Instr::Background(Arc::new(sub)));
        } else {
            emit_and_or(code, item, cond);
        }
    }
}

/// Only the last pipeline of `a && b || c` is checked by `set -e`, and only when it ran:
/// the jumps around it also skip its `ErrExit`.
fn emit_and_or(code: &mut Code, ao: &AndOr, cond: bool) {
    let checked = |p: &Pipeline| !cond && !p.negate;
    emit_pipeline(code, &ao.first);
    if ao.rest.is_empty() && checked(&ao.first) {
        code.push(Instr::ErrExit);
    }
    for (i, (is_and, p)) in ao.rest.iter().enumerate() {
        let at = code.len();
        code.push(Instr::Jmp(0));
        emit_pipeline(code, p);
        if i + 1 == ao.rest.len() && checked(p) {
            code.push(Instr::ErrExit);
        }
        let after = code.len();
        code[at] = if *is_and { Instr::JmpNZ(after) } else { Instr::JmpZ(after) };
    }
}

fn emit_pipeline(code: &mut Code, p: &Pipeline) {
    if p.cmds.len() == 1 {
        emit_cmd(code, &p.cmds[0]);
    } else {
        let stages = p
            .cmds
            .iter()
            .map(|c| {
                let mut sub = Vec::new();
                emit_cmd(&mut sub, c);
                Arc::new(sub)
            })
            .collect();
        code.push(Instr::Pipe(Arc::new(stages)));
    }
    if p.negate {
        code.push(Instr::Not);
    }
}

fn sub_code(list: &List) -> Arc<Code> {
    compile(list)
}

/// Compound commands with redirections run as a group frame carrying the redirections.
fn emit_cmd(code: &mut Code, cmd: &Cmd) {
    let redirs = match cmd {
        Cmd::If { redirs, .. } | Cmd::Loop { redirs, .. } | Cmd::For { redirs, .. } | Cmd::Case { redirs, .. } => redirs,
        _ => return emit_bare(code, cmd),
    };
    if redirs.is_empty() {
        return emit_bare(code, cmd);
    }
    let mut inner = Vec::new();
    emit_bare(&mut inner, cmd);
    code.push(Instr::Group { code: Arc::new(inner), redirs: Arc::new(redirs.clone()), subshell: false });
}

fn emit_bare(code: &mut Code, cmd: &Cmd) {
    match cmd {
        Cmd::Simple(s) => code.push(Instr::Simple(Arc::new(s.clone()))),
        Cmd::Group { body, subshell, redirs } => {
            code.push(Instr::Group { code: sub_code(body), redirs: Arc::new(redirs.clone()), subshell: *subshell })
        }
        Cmd::If { arms, otherwise, .. } => {
            let mut end_jumps = Vec::new();
            for (cond, body) in arms {
                emit_list(code, cond, true);
                let test_at = code.len();
                code.push(Instr::Jmp(0));
                emit_list(code, body, false);
                end_jumps.push(code.len());
                code.push(Instr::Jmp(0));
                let next = code.len();
                code[test_at] = Instr::JmpNZ(next);
            }
            match otherwise {
                Some(body) => emit_list(code, body, false),
                None => code.push(Instr::SetStatus(0)),
            }
            let end = code.len();
            for j in end_jumps {
                code[j] = Instr::Jmp(end);
            }
        }
        Cmd::Loop { until, cond, body, .. } => {
            let enter = code.len();
            code.push(Instr::LoopEnter { brk: 0, cont: 0 });
            let top = code.len();
            emit_list(code, cond, true);
            let test_at = code.len();
            code.push(Instr::Jmp(0));
            emit_list(code, body, false);
            code.push(Instr::Jmp(top));
            let exit = code.len();
            code[test_at] = if *until { Instr::JmpZ(exit) } else { Instr::JmpNZ(exit) };
            code.push(Instr::SetStatus(0));
            code.push(Instr::LoopExit);
            code[enter] = Instr::LoopEnter { brk: exit, cont: top };
        }
        Cmd::For { var, items, body, .. } => {
            let init_at = code.len();
            code.push(Instr::SetStatus(0));
            let top = code.len();
            code.push(Instr::ForNext { var: var.clone(), exit: 0 });
            emit_list(code, body, false);
            code.push(Instr::Jmp(top));
            let exit = code.len();
            code.push(Instr::LoopExit);
            code[top] = Instr::ForNext { var: var.clone(), exit };
            let items = items.as_ref().map(|w| Arc::new(w.clone()));
            code[init_at] = Instr::ForInit { items, brk: exit, cont: top };
        }
        Cmd::Case { word, arms, .. } => {
            let arms = arms.iter().map(|(pats, body)| (pats.clone(), sub_code(body))).collect();
            code.push(Instr::Case { word: Arc::new(word.clone()), arms: Arc::new(arms) });
        }
        Cmd::Func { name, body } => {
            let mut sub = Vec::new();
            emit_cmd(&mut sub, body);
            code.push(Instr::Func(name.clone(), Arc::new(sub)));
        }
    }
}
