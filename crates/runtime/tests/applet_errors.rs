//! Failing busybox applets: the message each prints on stderr and its exit code, as busybox
//! 1.36 does (so `echo $?` and `kubectl exec`'s "command terminated with exit code N" match a
//! real container).

mod support;
use support::*;

#[test]
fn failing_applets_print_busybox_messages_and_exit_codes() {
    let cases: &[(&str, &str, i32)] = &[
        ("ls /missing", "ls: /missing: No such file or directory\n", 1),
        ("cat /missing", "cat: can't open '/missing': No such file or directory\n", 1),
        ("head /missing", "head: can't open '/missing': No such file or directory\n", 1),
        ("tail /missing", "tail: can't open '/missing': No such file or directory\n", 1),
        ("wc -l /missing", "wc: can't open '/missing': No such file or directory\n", 1),
        ("grep x /missing", "grep: /missing: No such file or directory\n", 2),
        ("grep nothing /etc/hostname", "", 1),
        ("rm /missing", "rm: can't remove '/missing': No such file or directory\n", 1),
        ("mkdir /etc", "mkdir: can't create directory '/etc': File exists\n", 1),
        ("mkdir /a/b", "mkdir: can't create directory '/a/b': No such file or directory\n", 1),
        ("touch /nodir/x", "touch: /nodir/x: No such file or directory\n", 1),
        ("cp /missing /tmp/x", "cp: can't stat '/missing': No such file or directory\n", 1),
        ("sleep abc", "sleep: invalid number 'abc'\n", 1),
        ("wget -qO- localhost:81", "wget: can't connect to remote host (127.0.0.1): Connection refused\n", 1),
        ("nc -zv localhost 81", "nc: localhost (127.0.0.1:81): Connection refused\n", 1),
        ("nosuchcmd", "sh: nosuchcmd: not found\n", 127),
        ("/etc/hostname", "sh: /etc/hostname: Permission denied\n", 126),
    ];
    let mut failures = Vec::new();
    for (script, want_err, want_code) in cases {
        let (_, err, code) = sh(script);
        if err != *want_err || code != Some(*want_code) {
            failures.push(format!("{script}: got ({err:?}, {code:?}), want ({want_err:?}, {want_code})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
