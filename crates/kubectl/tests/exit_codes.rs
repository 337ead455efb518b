//! Exit codes and stream separation, which transcripts do not show: kubectl exits 1 on every
//! error (flag, usage, API), 0 on success; help for a bare command group exits 1; bash's
//! unknown command exits 127; errors go to stderr and results to stdout.

use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;

fn run(s: &mut Session, line: &str) -> (i32, String, String) {
    let out = s.execute(line);
    (out.exit_code, out.stdout, out.stderr)
}

#[test]
fn kubectl_exit_codes() {
    let mut s = Session::new(1, ClusterSpec::default());
    let cases = [
        ("kubectl get nodes", 0),
        ("kubectl get pod nope", 1),
        ("kubectl get podz", 1),
        ("kubectl get pods --foo", 1),
        ("kubectl gett", 1),
        ("kubectl rollout", 1),
        ("kubectl get pods", 0),
        ("kubectl auth can-i delete nodes --as=jane", 1),
        ("kubectl auth can-i get pods", 0),
        ("kubectl version", 0),
        ("frobnicate", 127),
        ("kubectl run web --image=nginx", 0),
        ("kubectl run web --image=nginx", 1),
    ];
    for (line, code) in cases {
        let (got, out, err) = run(&mut s, line);
        assert_eq!(got, code, "{line}\nstdout: {out}\nstderr: {err}");
    }
}

#[test]
fn errors_go_to_stderr_and_results_to_stdout() {
    let mut s = Session::new(1, ClusterSpec::default());
    let (_, out, err) = run(&mut s, "kubectl get pod nope");
    assert!(out.is_empty());
    assert_eq!(err, "Error from server (NotFound): pods \"nope\" not found\n");
    let (_, out, err) = run(&mut s, "kubectl get pods");
    assert!(out.is_empty());
    assert_eq!(err, "No resources found in default namespace.\n");
    let (_, out, _) = run(&mut s, "kubectl get ns default -o name");
    assert_eq!(out, "namespace/default\n");
}

#[test]
fn workspace_files_and_redirects() {
    let mut s = Session::new(1, ClusterSpec::default());
    s.execute("kubectl get ns default -o yaml > ns.yaml");
    assert!(s.read_file("ns.yaml").is_some_and(|t| t.starts_with("apiVersion: v1\nkind: Namespace\n")));
    let out = s.execute_with_stdin("cat > cm.yaml <<EOF", Some("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"));
    assert_eq!(out.exit_code, 0);
    assert_eq!(s.execute("kubectl apply -f ./cm.yaml").stdout, "configmap/c created\n");
    assert_eq!(s.execute("kubectl apply -f cm.yaml").stdout, "configmap/c unchanged\n");
}
