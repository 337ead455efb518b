//! The shell commands a lesson's terminal offers around kubectl: `cat` (print a workspace file
//! or write one from a heredoc), `ls`, `rm`, `echo`, `sleep` (advances simulated time),
//! `clear`, job control (`jobs`, `kill`, `fg`, `bg`: `jobs.rs`), and the filters `head`,
//! `tail`, `grep`, `wc -l` after a pipe. Anything else is `bash: <cmd>: command not found`
//! with exit code 127, as in bash.

use crate::duration::parse_duration_millis;
use crate::output::CommandOutput;
use crate::session::{normalize_path, Session};

/// Runs argv[0] as a shell command with optional heredoc stdin.
pub fn run(session: &mut Session, argv: &[String], stdin: Option<&str>, redirected: bool) -> CommandOutput {
    let mut out = CommandOutput::default();
    let Some(cmd) = argv.first() else { return out };
    let args = &argv[1..];
    match cmd.as_str() {
        "kubectl" | "k" => return crate::cli::run(session, args, stdin),
        "cat" => cat(session, args, stdin, &mut out),
        "ls" => {
            let names: Vec<&String> = session.files.keys().collect();
            if !names.is_empty() {
                let list: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                out.out(&format!("{}\n", list.join(if redirected { "\n" } else { "  " })));
            }
        }
        "rm" => {
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                if session.files.remove(&normalize_path(f)).is_none() && !args.iter().any(|a| a == "-f") {
                    out.err(&format!("rm: cannot remove '{f}': No such file or directory\n"));
                    out.exit_code = 1;
                }
            }
        }
        "echo" => {
            let (newline, words) = match args.first().map(String::as_str) {
                Some("-n") => (false, &args[1..]),
                _ => (true, args),
            };
            out.out(&format!("{}{}", words.join(" "), if newline { "\n" } else { "" }));
        }
        "sleep" => sleep(session, args, &mut out),
        "clear" | "true" | ":" => {}
        "pwd" => out.out("/root\n"),
        "curl" => crate::commands::portforward::curl(session, args, &mut out),
        "ssh" => return crate::node_shell::ssh(session, args),
        "jobs" => crate::jobs::jobs(session, args, &mut out),
        "kill" => crate::jobs::kill(session, args, &mut out),
        "fg" => crate::jobs::fg(session, args, &mut out),
        "bg" => crate::jobs::bg(session, args, &mut out),
        other => {
            out.err(&format!("bash: {other}: command not found\n"));
            out.exit_code = 127;
        }
    }
    out
}

fn cat(session: &mut Session, args: &[String], stdin: Option<&str>, out: &mut CommandOutput) {
    if args.is_empty() {
        out.out(stdin.unwrap_or(""));
        return;
    }
    for f in args {
        match session.read_file(f) {
            Some(text) => out.out(text),
            None => {
                out.err(&format!("cat: {f}: No such file or directory\n"));
                out.exit_code = 1;
            }
        }
    }
}

fn sleep(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let Some(arg) = args.first() else {
        out.err("sleep: missing operand\nTry 'sleep --help' for more information.\n");
        out.exit_code = 1;
        return;
    };
    match parse_duration_millis(arg) {
        Some(ms) if !arg.ends_with("ms") => out.extend(session.advance(ms as u64)),
        _ => {
            out.err(&format!("sleep: invalid time interval '{arg}'\nTry 'sleep --help' for more information.\n"));
            out.exit_code = 1;
        }
    }
}

/// Applies a `| head`/`| tail`/`| grep`/`| wc -l` filter to a command's stdout.
pub fn filter(input: CommandOutput, pipe: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    out.exit_code = input.exit_code;
    out.err(&input.stderr);
    let lines: Vec<&str> = input.stdout.lines().collect();
    let count = |args: &[String]| -> usize {
        let mut n = 10;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if a == "-n" {
                n = it.next().and_then(|v| v.parse().ok()).unwrap_or(n);
            } else if let Some(v) = a.strip_prefix("-n").or_else(|| a.strip_prefix('-')) {
                n = v.parse().unwrap_or(n);
            }
        }
        n
    };
    let selected: Vec<&str> = match pipe[0].as_str() {
        "head" => lines.iter().take(count(&pipe[1..])).copied().collect(),
        "tail" => {
            let n = count(&pipe[1..]);
            lines.iter().skip(lines.len().saturating_sub(n)).copied().collect()
        }
        "grep" => {
            let invert = pipe.iter().any(|a| a == "-v");
            let ignore_case = pipe.iter().any(|a| a == "-i");
            let pattern = pipe[1..].iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
            let matched: Vec<&str> = lines
                .iter()
                .filter(|l| {
                    let hit = if ignore_case { l.to_lowercase().contains(&pattern.to_lowercase()) } else { l.contains(&pattern) };
                    hit != invert
                })
                .copied()
                .collect();
            if matched.is_empty() {
                out.exit_code = 1;
            }
            // `grep -c` prints how many lines matched instead of the lines.
            if pipe[1..].iter().any(|a| a == "-c") {
                out.out(&format!("{}\n", matched.len()));
                return out;
            }
            matched
        }
        "wc" => {
            out.out(&format!("{}\n", lines.len()));
            return out;
        }
        other => {
            out.err(&format!("bash: {other}: command not found\n"));
            out.exit_code = 127;
            return out;
        }
    };
    for l in selected {
        out.out(&format!("{l}\n"));
    }
    out
}
