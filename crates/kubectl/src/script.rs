//! The `podlab run` transcript format, the project's common test surface. A script is what a
//! learner types, one command per line: `kubectl ...`, shell builtins, `sleep 30s` (advances
//! simulated time), heredocs (`<<EOF` ... `EOF`) and `# comments`. The transcript echoes each
//! command as `$ <command>` (heredoc lines as `> <line>`) followed by exactly what the
//! terminal shows, stdout and stderr in order. Comments and blank lines are copied as they are.
//! After an interactive `kubectl exec -it POD -- sh`, the following lines are typed into the
//! remote shell until it exits: each appears as the terminal shows it, right after the
//! shell's prompt (`/ # ls`), followed by the shell's output. `ssh node01` works the same
//! way: the following lines are typed into the node's root shell (`root@node01:~# `) until
//! `exit`, so a script can `sudo systemctl stop kubelet` or write a static pod manifest into
//! `/etc/kubernetes/manifests/` and then, back at `$`, watch the cluster react. `CMD &` starts
//! a background job (`[1] 4243`); its later output shows after the `sleep` lines that let
//! simulated time pass, and `jobs`, `kill %1` and `fg` work as in bash.

use crate::session::Session;

/// Runs `script` in `session` and returns the transcript.
pub fn run_script(session: &mut Session, script: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = script.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        out.push_str(&format!("$ {trimmed}\n"));
        let stdin = Session::heredoc_delimiter(trimmed).map(|(delim, strip_tabs)| read_heredoc(&lines, &mut i, &delim, strip_tabs, &mut out));
        let result = session.execute_with_stdin(trimmed, stdin.as_deref());
        out.push_str(&result.text());
        if session.exec_reads_input() || session.in_node_shell() {
            i = type_into_shell(session, &lines, i, &mut out);
            continue;
        }
        if result.streaming {
            // The stream stays open until the next command; sleeps in between show its output.
            while i < lines.len() {
                let next = lines[i].trim();
                if !next.starts_with("sleep ") {
                    break;
                }
                i += 1;
                out.push_str(&format!("$ {next}\n"));
                let ms = crate::duration::parse_duration_millis(next.trim_start_matches("sleep ").trim()).unwrap_or(0);
                out.push_str(&session.advance(ms as u64).text());
                if !session.is_streaming() {
                    break;
                }
            }
            if session.is_streaming() {
                session.interrupt();
                out.push_str("^C\n");
            }
        }
    }
    out
}

/// Collects a heredoc body from line `i` on up to its delimiter line, echoing each line as
/// the terminal shows it (`> line`).
fn read_heredoc(lines: &[&str], i: &mut usize, delim: &str, strip_tabs: bool, out: &mut String) -> String {
    let mut body = String::new();
    while *i < lines.len() {
        let raw = lines[*i];
        *i += 1;
        out.push_str(&format!("> {raw}\n"));
        let l = if strip_tabs { raw.trim_start_matches('\t') } else { raw };
        if l == delim {
            break;
        }
        body.push_str(l);
        body.push('\n');
    }
    body
}

/// Sends script lines from `i` on to the attached exec shell until it exits (or the script
/// ends, which closes the session); returns the index of the first line not consumed.
fn type_into_shell(session: &mut Session, lines: &[&str], mut i: usize, out: &mut String) -> usize {
    while i < lines.len() && (session.exec_reads_input() || session.in_node_shell()) {
        let typed = lines[i].trim();
        i += 1;
        // `^C` alone on a line is Ctrl-C in an exec shell (the remote tty echoes the `^C`).
        if typed == "^C" && session.exec_reads_input() {
            out.push_str(&session.exec_interrupt().text());
            continue;
        }
        // The terminal echoes what is typed after the prompt the shell printed.
        out.push_str(typed);
        out.push('\n');
        // A node shell's heredoc is collected like the terminal does at `$` (the runtime's
        // shell reads whole commands).
        let heredoc = if session.in_node_shell() { Session::heredoc_delimiter(typed) } else { None };
        let stdin = heredoc.map(|(delim, strip_tabs)| read_heredoc(lines, &mut i, &delim, strip_tabs, out));
        out.push_str(&session.execute_with_stdin(typed, stdin.as_deref()).text());
    }
    if session.exec_reads_input() {
        session.exec_detach();
    }
    session.node_shell_close();
    i
}
