//! `--help` for every command kubectl 1.33 lists: a command Podlab runs prints its own captured
//! text (never kubectl's root help in its place), and one it does not simulate says so, as
//! running it would. The command names come from the captured root help and the groups' own
//! texts ("Available Commands:"), so a command added to the dispatcher without its help text,
//! or a text for a command that is not dispatched, fails here.

use podlab_kubectl::help::{help_for, ROOT_HELP};
use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;

/// The command names a help text lists: the first word of each line of its command sections
/// (the root's "Basic Commands (Beginner):" ... "Other Commands:", a group's "Available
/// Commands:"), which cobra indents by two spaces and ends with an empty line.
fn listed_commands(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_section = false;
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            in_section = line.contains("Commands");
        } else if line.is_empty() {
            in_section = false;
        } else if in_section && line.starts_with("  ") && !line.starts_with("   ") {
            names.extend(line.split_whitespace().next().map(str::to_string));
        }
    }
    names
}

fn not_supported(path: &str) -> String {
    format!("error: {path:?} is not supported in Podlab's simulated cluster\n")
}

/// What `kubectl <path>` says when Podlab does not run that command at all, if it says so.
fn unsimulated(s: &mut Session, path: &str) -> bool {
    let first = path.split(' ').next().unwrap_or(path);
    let out = s.execute(&format!("kubectl {path}"));
    out.stderr == not_supported(first) || out.stderr == not_supported(path) || out.stderr.contains(&format!("{path} is not supported in Podlab"))
}

#[test]
fn every_listed_command_has_its_own_help_or_says_it_is_not_simulated() {
    let mut s = Session::new(1, ClusterSpec::default());
    let roots = listed_commands(ROOT_HELP);
    assert!(roots.len() > 30 && roots.iter().any(|c| c == "get") && roots.iter().any(|c| c == "debug"), "{roots:?}");
    let mut paths: Vec<String> = Vec::new();
    for root in &roots {
        paths.push(root.clone());
        if let Some(text) = help_for(&[root.as_str()]) {
            // A group lists its subcommands; leaf commands list none.
            paths.extend(listed_commands(text).into_iter().filter(|c| c != root).map(|sub| format!("{root} {sub}")));
        }
    }
    let (mut with_text, mut without) = (0, 0);
    for path in &paths {
        let words: Vec<&str> = path.split(' ').collect();
        let out = s.execute(&format!("kubectl {path} --help"));
        match help_for(&words) {
            Some(text) => {
                with_text += 1;
                assert_eq!((out.exit_code, out.stdout.as_str(), out.stderr.as_str()), (0, text, ""), "kubectl {path} --help");
                assert_ne!(text, ROOT_HELP, "{path}");
                assert!(!unsimulated(&mut s, path), "{path} has a help text but is not simulated");
            }
            None => {
                without += 1;
                assert_eq!((out.exit_code, out.stdout.as_str()), (1, ""), "kubectl {path} --help");
                assert_eq!(out.stderr, not_supported(path), "kubectl {path} --help");
                assert!(unsimulated(&mut s, path), "{path} runs but has no help text");
            }
        }
    }
    // Both kinds occur (debug, cp, attach, proxy ... have no text; get, logs, exec ... do).
    assert!(with_text >= 40 && without >= 10, "{with_text} with a text, {without} without");
}

#[test]
fn commands_podlab_runs_print_their_captured_help() {
    let mut s = Session::new(1, ClusterSpec::default());
    for path in ["set image", "api-versions", "create serviceaccount", "config set-context", "auth whoami", "get", "logs"] {
        let words: Vec<&str> = path.split(' ').collect();
        let text = help_for(&words).unwrap_or_else(|| panic!("no help text for {path}"));
        assert_eq!(s.execute(&format!("kubectl {path} -h")).stdout, text, "{path}");
        assert!(!unsimulated(&mut s, path), "{path}");
    }
    assert_eq!(help_for(&[]), Some(ROOT_HELP));
    let out = s.execute("kubectl debug -it web --image=busybox --help");
    assert_eq!((out.exit_code, out.stderr.as_str()), (1, not_supported("debug").as_str()));
}
