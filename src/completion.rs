//! Tab completion for the terminal, bash-style: the word before the cursor is completed from
//! what fits its position — shell commands, kubectl subcommands, flags, resource kinds, then
//! object names (pods, nodes, namespaces), container names after `-c`, workspace files after
//! `-f`. Names come from a `Names` value the UI fills from a simulation snapshot, so this
//! module knows command-line shapes but no cluster state of its own.

/// Object names visible to completion (from a snapshot of the cluster and the workspace).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    /// (namespace, pod name, container names including init containers)
    pub pods: Vec<(String, String, Vec<String>)>,
    pub nodes: Vec<String>,
    pub namespaces: Vec<String>,
    pub files: Vec<String>,
    /// The session's current namespace (pods are completed from it unless `-n` says otherwise).
    pub namespace: String,
}

/// The outcome of pressing Tab.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The new input line and the cursor (byte offset) after inserting the completion.
    pub line: String,
    pub cursor: usize,
    /// All candidates when more than one fits (the terminal lists them, as bash does on a
    /// second Tab); empty when the completion was unique or nothing fits.
    pub candidates: Vec<String>,
}

const SHELL: &[&str] = &["cat", "clear", "curl", "echo", "kubectl", "ls", "pwd", "rm", "sleep"];
const SUBCOMMANDS: &[&str] = &[
    "annotate", "api-resources", "apply", "auth", "cluster-info", "config", "cordon", "create", "delete", "describe",
    "drain", "edit", "events", "exec", "explain", "expose", "get", "label", "logs", "patch", "port-forward", "replace",
    "rollout", "run", "scale", "taint", "top", "uncordon", "version", "wait",
];

/// Every resource the simulated API server lists, by plural (what bash completion offers after
/// `kubectl get`), read from the registry so a new kind is never missing here.
fn kinds() -> Vec<String> {
    let mut out: Vec<String> = podlab_api::registry::resources().iter().filter(|r| r.verbs.contains(&"list")).map(|r| r.plural.to_string()).collect();
    out.sort();
    out.dedup();
    out
}
const COMMON_FLAGS: &[&str] = &["--all-namespaces", "--namespace", "--output", "--selector", "--help"];
const OUTPUTS: &[&str] = &["json", "jsonpath=", "custom-columns=", "name", "wide", "yaml"];

fn flags_for(sub: &str) -> &'static [&'static str] {
    match sub {
        "get" => &["--all-namespaces", "--namespace", "--output", "--selector", "--show-labels", "--watch", "--field-selector", "--sort-by"],
        "logs" => &["--container", "--follow", "--previous", "--tail", "--timestamps", "--all-containers", "--namespace", "--since"],
        "exec" => &["--container", "--stdin", "--tty", "--namespace"],
        "apply" | "create" | "replace" => &["--filename", "--dry-run=client", "--dry-run=server", "--namespace", "--output"],
        "delete" => &["--filename", "--force", "--grace-period", "--now", "--namespace", "--selector", "--wait"],
        "describe" => &["--namespace", "--selector", "--show-events"],
        "run" => &["--image", "--command", "--restart", "--labels", "--env", "--port", "--dry-run=client", "--output", "--rm", "--stdin", "--tty"],
        _ => COMMON_FLAGS,
    }
}

/// Completes the word that ends at `cursor` (a byte offset into `line`).
pub fn complete(line: &str, cursor: usize, names: &Names) -> Completion {
    let cursor = clamp(line, cursor);
    let before = &line[..cursor];
    let word_start = before.rfind([' ', '\t']).map_or(0, |i| i + 1);
    let word = &before[word_start..];
    let words: Vec<&str> = before[..word_start].split_whitespace().collect();
    let (prefix, pool) = candidates(&words, word, names);
    let mut matching: Vec<String> = pool.into_iter().filter(|c| c.starts_with(word) && c.as_str() != prefix).collect();
    matching.sort();
    matching.dedup();
    let unchanged = Completion { line: line.to_string(), cursor, candidates: Vec::new() };
    let Some(first) = matching.first() else { return unchanged };
    let (insert, listed) = if matching.len() == 1 {
        let sep = if first.ends_with('=') || first.ends_with('/') { "" } else { " " };
        (format!("{first}{sep}"), Vec::new())
    } else {
        (common_prefix(&matching), matching.clone())
    };
    let mut new_line = String::with_capacity(line.len() + insert.len());
    new_line.push_str(&line[..word_start]);
    new_line.push_str(&insert);
    let new_cursor = new_line.len();
    new_line.push_str(&line[cursor..]);
    Completion { line: new_line, cursor: new_cursor, candidates: listed }
}

/// The candidates for a word after `words`; the first value is a prefix the candidates carry
/// (`pod/` in `pod/na`), which alone is not a completion.
fn candidates(words: &[&str], word: &str, names: &Names) -> (String, Vec<String>) {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let Some(&cmd) = words.first() else { return (String::new(), own(SHELL)) };
    if cmd != "kubectl" && cmd != "k" {
        return (String::new(), if cmd == "cat" || cmd == "rm" { names.files.clone() } else { Vec::new() });
    }
    let Some(&sub) = words.get(1) else { return (String::new(), own(SUBCOMMANDS)) };
    let prev = words.last().copied().unwrap_or("");
    let namespace = namespace_flag(words).unwrap_or(names.namespace.as_str());
    match prev {
        "-n" | "--namespace" => return (String::new(), names.namespaces.clone()),
        "-f" | "--filename" => return (String::new(), names.files.clone()),
        "-o" | "--output" => return (String::new(), own(OUTPUTS)),
        "-c" | "--container" => return (String::new(), containers_of(words, namespace, names)),
        _ => {}
    }
    if word.starts_with('-') {
        return (String::new(), own(flags_for(sub)));
    }
    if let Some((kind, _)) = word.split_once('/') {
        let prefix = format!("{kind}/");
        let objs = objects(kind, namespace, names).into_iter().map(|n| format!("{prefix}{n}")).collect();
        return (prefix, objs);
    }
    let args: Vec<&str> = positional(&words[2..]);
    match sub {
        "logs" | "exec" | "port-forward" | "attach" if args.is_empty() => (String::new(), pods_in(namespace, names)),
        "get" | "describe" | "delete" | "label" | "annotate" | "edit" | "patch" | "explain" => match args.first() {
            None => (String::new(), kinds()),
            Some(kind) if sub != "explain" => (String::new(), objects(kind, namespace, names)),
            Some(_) => (String::new(), Vec::new()),
        },
        "top" if args.is_empty() => (String::new(), own(&["node", "pod"])),
        "cordon" | "uncordon" | "drain" | "taint" if args.is_empty() || sub == "taint" && args == ["nodes"] => {
            (String::new(), if sub == "taint" && args.is_empty() { own(&["nodes"]) } else { names.nodes.clone() })
        }
        _ => (String::new(), Vec::new()),
    }
}

/// Words that are not flags or flag values (flags taking a value consume the next word).
fn positional<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in words {
        if skip {
            skip = false;
        } else if w.starts_with('-') {
            skip = !w.contains('=') && matches!(*w, "-n" | "--namespace" | "-c" | "--container" | "-o" | "--output" | "-f" | "--filename" | "-l" | "--selector" | "--tail" | "--image");
        } else if *w == "--" {
            break;
        } else {
            out.push(*w);
        }
    }
    out
}

fn namespace_flag<'a>(words: &[&'a str]) -> Option<&'a str> {
    let mut it = words.iter();
    while let Some(w) = it.next() {
        if *w == "-n" || *w == "--namespace" {
            return it.next().copied();
        }
        if let Some(v) = w.strip_prefix("--namespace=").or_else(|| w.strip_prefix("-n=")) {
            return Some(v);
        }
    }
    None
}

fn pods_in(namespace: &str, names: &Names) -> Vec<String> {
    names.pods.iter().filter(|p| p.0 == namespace).map(|p| p.1.clone()).collect()
}

fn objects(kind: &str, namespace: &str, names: &Names) -> Vec<String> {
    match kind {
        "pods" | "pod" | "po" => pods_in(namespace, names),
        "nodes" | "node" | "no" => names.nodes.clone(),
        "namespaces" | "namespace" | "ns" => names.namespaces.clone(),
        _ => Vec::new(),
    }
}

/// Containers of the pod named on the line (`logs web -c <Tab>`, `exec pod/web -c <Tab>`).
fn containers_of(words: &[&str], namespace: &str, names: &Names) -> Vec<String> {
    let args = positional(&words[2.min(words.len())..]);
    let pod = args.iter().map(|a| a.strip_prefix("pod/").or_else(|| a.strip_prefix("pods/")).unwrap_or(a)).find(|a| names.pods.iter().any(|p| p.0 == namespace && p.1 == *a));
    match pod {
        Some(name) => names.pods.iter().filter(|p| p.0 == namespace && p.1 == name).flat_map(|p| p.2.clone()).collect(),
        None => Vec::new(),
    }
}

fn common_prefix(items: &[String]) -> String {
    let first = &items[0];
    let mut len = first.len();
    for s in &items[1..] {
        len = first.bytes().zip(s.bytes()).take(len).take_while(|(a, b)| a == b).count();
    }
    clamp(first, len);
    first[..clamp(first, len)].to_string()
}

fn clamp(s: &str, mut b: usize) -> usize {
    b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            pods: vec![
                ("default".into(), "multi-container-pod".into(), vec!["main-app".into(), "sidecar-container".into()]),
                ("default".into(), "init-pod".into(), vec!["install".into(), "main-app".into()]),
                ("kube-system".into(), "etcd-controlplane".into(), vec!["etcd".into()]),
            ],
            nodes: vec!["controlplane".into(), "node01".into()],
            namespaces: vec!["default".into(), "kube-system".into()],
            files: vec!["pod.yaml".into()],
            namespace: "default".into(),
        }
    }

    fn tab(line: &str) -> Completion {
        complete(line, line.len(), &names())
    }

    #[test]
    fn completes_commands_and_subcommands() {
        assert_eq!(tab("kub").line, "kubectl ");
        assert_eq!(tab("kubectl ge").line, "kubectl get ");
        let c = tab("kubectl de");
        assert_eq!(c.line, "kubectl de");
        assert_eq!(c.candidates, ["delete", "describe"]);
    }

    #[test]
    fn completes_kinds_then_names() {
        assert_eq!(tab("kubectl get depl").line, "kubectl get deployments ");
        assert_eq!(tab("kubectl get daemons").line, "kubectl get daemonsets ");
        let c = tab("kubectl get po");
        assert_eq!(c.line, "kubectl get pod");
        assert!(c.candidates.iter().any(|k| k == "poddisruptionbudgets") && c.candidates.iter().any(|k| k == "pods"), "{:?}", c.candidates);
        assert_eq!(tab("kubectl get pods mu").line, "kubectl get pods multi-container-pod ");
        assert_eq!(tab("kubectl describe pod/i").line, "kubectl describe pod/init-pod ");
        assert_eq!(tab("kubectl get nodes n").line, "kubectl get nodes node01 ");
        assert_eq!(tab("kubectl get pods -n kube-system e").line, "kubectl get pods -n kube-system etcd-controlplane ");
    }

    #[test]
    fn completes_pods_and_containers_for_logs() {
        assert_eq!(tab("kubectl logs m").line, "kubectl logs multi-container-pod ");
        assert_eq!(tab("kubectl logs multi-container-pod -c s").line, "kubectl logs multi-container-pod -c sidecar-container ");
        assert_eq!(tab("kubectl exec -it init-pod -c i").line, "kubectl exec -it init-pod -c install ");
    }

    #[test]
    fn completes_flags_files_namespaces_outputs() {
        assert_eq!(tab("kubectl apply -f p").line, "kubectl apply -f pod.yaml ");
        assert_eq!(tab("kubectl get pods -n ku").line, "kubectl get pods -n kube-system ");
        assert_eq!(tab("kubectl get pods -o y").line, "kubectl get pods -o yaml ");
        assert_eq!(tab("kubectl logs --fol").line, "kubectl logs --follow ");
        assert_eq!(tab("cat p").line, "cat pod.yaml ");
    }

    #[test]
    fn keeps_text_after_the_cursor() {
        let c = complete("kubectl ge pods", 10, &names());
        assert_eq!(c.line, "kubectl get  pods");
        assert_eq!(c.cursor, 12);
    }

    #[test]
    fn nothing_fits_leaves_the_line() {
        assert_eq!(tab("kubectl get pods zz").line, "kubectl get pods zz");
        assert_eq!(tab("").candidates.len(), SHELL.len());
        let _ = complete("é", 1, &names());
    }
}
