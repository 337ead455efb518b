//! The Session API the browser terminal uses for `kubectl exec -it` (exec mode: typed lines go
//! to the remote shell, `exit` leaves) and for `kubectl logs -f` (new lines arrive as simulated
//! time advances, Ctrl-C closes the stream, a container exit ends it by itself).

use podlab_kubectl::Session;
use podlab_sim::ClusterSpec;

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ticker\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"i=0; while true; do i=$((i+1)); echo tick $i; sleep 5; done\"]\n";

fn running_session() -> Session {
    let mut s = Session::new(1, ClusterSpec::default());
    let out = s.execute_with_stdin("kubectl apply -f -", Some(POD));
    assert_eq!(out.exit_code, 0, "{}", out.text());
    s.advance(12_000);
    s
}

#[test]
fn exec_mode_sends_lines_to_the_shell_until_exit() {
    let mut s = running_session();
    let out = s.execute("kubectl exec -it ticker -- sh");
    assert!(s.in_exec() && s.exec_reads_input(), "{}", out.text());
    assert!(out.text().ends_with("/ # "), "{:?}", out.text());
    let out = s.execute("echo hello");
    assert_eq!(out.text(), "hello\n/ # ");
    let out = s.execute("kubectl get pods");
    assert!(out.text().contains("kubectl: not found"), "{:?}", out.text());
    let out = s.execute("exit 4");
    assert!(!s.in_exec());
    assert_eq!(out.exit_code, 4);
    assert_eq!(out.stderr, "command terminated with exit code 4\n");
    // Back at the kubectl prompt.
    assert_eq!(s.execute("kubectl get pods ticker -o name").stdout, "pod/ticker\n");
}

#[test]
fn logs_follow_prints_new_lines_as_time_passes() {
    let mut s = running_session();
    let first = s.execute("kubectl logs -f ticker");
    assert!(first.streaming && s.is_streaming());
    let before = first.stdout.lines().count();
    assert!(before >= 2, "{:?}", first.stdout);
    let more = s.advance(10_000);
    assert_eq!(more.stdout.lines().count(), 2, "{:?}", more.stdout);
    assert_eq!(more.stdout.lines().next(), Some(format!("tick {}", before + 1).as_str()));
    s.interrupt();
    assert!(!s.is_streaming());
    assert_eq!(s.advance(10_000).stdout, "");
}

#[test]
fn a_long_one_off_exec_stays_attached_until_ctrl_c() {
    let mut s = running_session();
    let out = s.execute("kubectl exec ticker -- sh -c 'sleep 45; echo late'");
    assert!(out.streaming && s.is_streaming() && !s.exec_reads_input(), "{}", out.text());
    // The sleep outlasts ONE_OFF_WAIT: the terminal is handed back at once, and the output
    // arrives while time advances.
    assert_eq!(s.advance(40_000).stdout, "");
    let later = s.advance(10_000);
    assert_eq!(later.stdout, "late\n");
    assert!(!s.is_streaming());
    let out = s.execute("kubectl exec ticker -- sleep 100");
    assert!(out.streaming);
    s.interrupt();
    assert!(!s.in_exec());
}
