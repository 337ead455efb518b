//! The learner's action log: every terminal command in order with its simulated time, and
//! which kubectl subcommand it was. It owns the question "what did the learner do", which the
//! checker needs for predicates like "looked at describe before changing anything" and which
//! golf needs for the command count. Classification reads only the command line's words: it
//! must agree with kubectl's grammar for the subcommand position, not reimplement kubectl.

use serde::{Deserialize, Serialize};

/// Subcommands that change cluster state. Everything else kubectl offers only reads.
const CHANGING: &[&str] = &[
    "apply", "create", "delete", "edit", "patch", "replace", "label", "annotate", "scale", "set",
    "taint", "cordon", "uncordon", "drain", "run", "expose", "rollout", "autoscale",
];

/// Global flags that take a separate value (`-n default`), so the value is not the subcommand.
const VALUE_FLAGS: &[&str] = &[
    "-n", "--namespace", "--as", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
    "--request-timeout", "-v", "--v",
];

/// One command the learner ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// The full line (first line for heredocs) as typed.
    pub line: String,
    /// Simulated milliseconds when it was run.
    pub at_ms: u64,
    /// kubectl subcommand (`describe`, `apply`), or the program name for other commands.
    pub verb: String,
    /// Whether the command asked the cluster to change (kubectl writes).
    pub changes_cluster: bool,
    pub exit_code: i32,
}

impl Action {
    pub fn new(line: &str, at_ms: u64, exit_code: i32) -> Action {
        let first = line.lines().next().unwrap_or("").trim().to_string();
        let verb = verb_of(&first);
        // `rollout status|history` only reads; every other rollout action writes.
        let changes = CHANGING.contains(&verb.as_str())
            && !(verb == "rollout" && first.split_whitespace().any(|w| w == "status" || w == "history"))
            && !first.split_whitespace().any(|w| w == "--dry-run=client" || w == "--dry-run");
        Action { line: first, at_ms, verb, changes_cluster: changes, exit_code }
    }
}

/// The kubectl subcommand of a line (`kubectl -n dev describe pod x` → `describe`), or the
/// first word for anything that is not kubectl (`sleep`, `cat`).
pub fn verb_of(line: &str) -> String {
    let mut words = line.split_whitespace();
    let Some(program) = words.next() else { return String::new() };
    if program != "kubectl" && program != "k" {
        return program.to_string();
    }
    let mut skip_value = false;
    for w in words {
        if skip_value {
            skip_value = false;
            continue;
        }
        if w.starts_with('-') {
            skip_value = VALUE_FLAGS.contains(&w);
            continue;
        }
        return w.to_string();
    }
    String::new()
}

/// The ordered log of a task attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionLog {
    pub actions: Vec<Action>,
}

impl ActionLog {
    pub fn push(&mut self, a: Action) {
        self.actions.push(a);
    }

    /// kubectl commands that reached the cluster (what golf counts; `sleep` is waiting).
    pub fn command_count(&self) -> usize {
        self.actions.iter().filter(|a| a.verb != "sleep" && !a.verb.is_empty()).count()
    }

    /// A successful run of `verb` (a mistyped `describe pod wrongname` shows the learner nothing).
    pub fn ran(&self, verb: &str, args_contain: Option<&str>) -> bool {
        self.actions
            .iter()
            .any(|a| a.exit_code == 0 && a.verb == verb && args_contain.is_none_or(|s| a.line.contains(s)))
    }

    /// One of `verbs` ran successfully before the first successful change to the cluster.
    pub fn ran_before_change(&self, verbs: &[String]) -> bool {
        for a in &self.actions {
            if a.exit_code == 0 && verbs.contains(&a.verb) {
                return true;
            }
            if a.changes_cluster && a.exit_code == 0 {
                return false;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_subcommand_behind_global_flags() {
        assert_eq!(verb_of("kubectl -n dev describe pod web"), "describe");
        assert_eq!(verb_of("kubectl --as=jane get pods"), "get");
        assert_eq!(verb_of("k logs web -c app"), "logs");
        assert_eq!(verb_of("sleep 30s"), "sleep");
        assert!(Action::new("kubectl apply -f pod.yaml", 0, 0).changes_cluster);
        assert!(!Action::new("kubectl rollout status deploy/web", 0, 0).changes_cluster);
        assert!(!Action::new("kubectl run x --image=nginx --dry-run=client -o yaml", 0, 0).changes_cluster);
    }

    #[test]
    fn investigation_must_come_before_the_first_change() {
        let mut log = ActionLog::default();
        log.push(Action::new("kubectl get pods", 0, 0));
        log.push(Action::new("kubectl delete pod web", 1, 0));
        log.push(Action::new("kubectl describe pod web", 2, 0));
        let want = vec!["describe".to_string(), "logs".to_string()];
        assert!(!log.ran_before_change(&want));
        assert!(log.ran("describe", Some("web")));
        let mut failed_first = ActionLog::default();
        failed_first.push(Action::new("kubectl apply -f missing.yaml", 0, 1));
        failed_first.push(Action::new("kubectl describe pod wrongname", 1, 1));
        assert!(!failed_first.ran_before_change(&want));
        failed_first.push(Action::new("kubectl logs web", 2, 0));
        assert!(failed_first.ran_before_change(&want));
    }
}
