//! kubectl's command line: the flag grammar ([`flags`]), the command tree ([`table`]), and
//! here the walk from argv to a command (global flags may come first, `kubectl -n x get po`),
//! cobra's unknown-command and flag errors, and the hand-off to the command's implementation.

pub mod flags;
pub mod table;

use crate::commands::{self, Ctx};
use crate::output::CommandOutput;
use crate::session::Session;
use flags::{FlagSpec, Parsed};
use table::{CommandSpec, COMMANDS, GLOBAL};

/// Does this flag word consume the next word (`-n web`, `--output yaml`)?
fn takes_value(arg: &str, specs: &[FlagSpec]) -> bool {
    if arg.contains('=') {
        return false;
    }
    let needs = |f: &FlagSpec| !matches!(f.kind, flags::FlagKind::Bool | flags::FlagKind::OptStr(_));
    if let Some(long) = arg.strip_prefix("--") {
        return specs.iter().any(|f| f.long == long && needs(f));
    }
    // In a group like `-it` or `-nweb` only a value flag at the very end takes the next word.
    let shorts: Vec<char> = arg[1..].chars().collect();
    for (k, c) in shorts.iter().enumerate() {
        match specs.iter().find(|f| f.short == Some(*c)) {
            Some(f) if needs(f) => return k + 1 == shorts.len(),
            Some(_) => continue,
            None => return false,
        }
    }
    false
}

/// Splits argv into the command path (`["create", "secret", "generic"]`) and the rest.
fn command_path(args: &[String]) -> (Vec<&'static CommandSpec>, Vec<String>, Option<String>, usize) {
    let mut pre_len = 0;
    let mut path: Vec<&'static CommandSpec> = Vec::new();
    let mut rest = Vec::new();
    let mut positional_seen = false;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            rest.extend(args[i - 1..].iter().cloned());
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            rest.push(a.clone());
            let specs: Vec<FlagSpec> = GLOBAL.iter().chain(path.last().map_or(&[][..], |c| c.flags)).copied().collect();
            if takes_value(a, &specs) && i < args.len() {
                rest.push(args[i].clone());
                i += 1;
            }
            continue;
        }
        let level: &'static [CommandSpec] = path.last().map_or(COMMANDS, |c| c.subcommands);
        match table::find(level, a) {
            Some(c) if !positional_seen => {
                if path.is_empty() {
                    pre_len = rest.len();
                }
                path.push(c);
            }
            _ if path.is_empty() => {
                pre_len = rest.len();
                rest.extend(args[i..].iter().cloned());
                return (path, rest, Some(a.clone()), pre_len);
            }
            _ => {
                positional_seen = true;
                rest.push(a.clone());
            }
        }
    }
    if path.is_empty() {
        pre_len = rest.len();
    }
    (path, rest, None, pre_len)
}

fn command_name(path: &[&CommandSpec]) -> String {
    let mut name = String::from("kubectl");
    for c in path {
        name.push(' ');
        name.push_str(c.name);
    }
    name
}

/// Runs `kubectl <args>` in `session`.
pub fn run(session: &mut Session, args: &[String], stdin: Option<&str>) -> CommandOutput {
    let mut out = CommandOutput::default();
    let (path, rest, unknown, pre_len) = command_path(args);
    // Flags before the command word are parsed as the root command's, as cobra does.
    if let Err(e) = flags::parse(&rest[..pre_len], GLOBAL) {
        let prefix = if e.global { "Error" } else { "error" };
        out.err(&format!("{prefix}: {}\nSee 'kubectl --help' for usage.\n", e.message));
        out.exit_code = 1;
        return out;
    }
    let specs: Vec<FlagSpec> = GLOBAL.iter().chain(path.last().map_or(&[][..], |c| c.flags)).copied().collect();
    let parsed = match flags::parse(&rest, &specs) {
        Ok(p) => p,
        Err(e) => {
            let prefix = if e.global { "Error" } else { "error" };
            out.err(&format!("{prefix}: {}\nSee '{} --help' for usage.\n", e.message, command_name(&path)));
            out.exit_code = 1;
            return out;
        }
    };
    if let Some(word) = unknown {
        unknown_command(&mut out, "kubectl", COMMANDS, &word);
        return out;
    }
    let Some(cmd) = path.last() else {
        out.out(crate::help::ROOT_HELP);
        return out;
    };
    if !cmd.subcommands.is_empty() && !cmd.runs_itself {
        if let Some(word) = parsed.positionals.first() {
            unknown_command(&mut out, &command_name(&path), cmd.subcommands, word);
            return out;
        }
    }
    let names: Vec<&str> = path.iter().map(|c| c.name).collect();
    dispatch(session, &names, parsed, stdin, &mut out);
    out
}

fn unknown_command(out: &mut CommandOutput, parent: &str, list: &[CommandSpec], word: &str) {
    let mut msg = format!("error: unknown command {word:?} for {parent:?}");
    let suggestions = table::suggestions(list, word);
    if !suggestions.is_empty() {
        msg.push_str("\n\nDid you mean this?\n");
        for s in suggestions {
            msg.push_str(&format!("\t{s}\n"));
        }
    } else {
        msg.push('\n');
    }
    out.err(&msg);
    out.exit_code = 1;
}

fn dispatch(session: &mut Session, path: &[&str], parsed: Parsed, stdin: Option<&str>, out: &mut CommandOutput) {
    let mut ctx = Ctx::new(session, parsed, stdin, out, command_name_str(path));
    let result = commands::run(&mut ctx, path);
    if let Err(fail) = result {
        fail.print(ctx.out);
    }
}

fn command_name_str(path: &[&str]) -> String {
    std::iter::once("kubectl").chain(path.iter().copied()).collect::<Vec<_>>().join(" ")
}
