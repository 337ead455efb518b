//! Table-driven checks of the shell interpreter against what busybox sh prints.

mod support;
use support::*;

#[test]
fn scripts_print_what_busybox_prints() {
    let cases: &[(&str, &str, &str, i32)] = &[
        ("echo hello world", "hello world\n", "", 0),
        ("echo 'a  b' \"c  d\" e\\ f", "a  b c  d e f\n", "", 0),
        ("x=5; echo $x ${x} \"$x\"", "5 5 5\n", "", 0),
        ("false; echo $?", "1\n", "", 0),
        ("true && echo yes || echo no", "yes\n", "", 0),
        ("false && echo yes || echo no", "no\n", "", 0),
        ("if [ 1 -lt 2 ]; then echo lt; else echo ge; fi", "lt\n", "", 0),
        ("if false; then echo a; elif true; then echo b; fi", "b\n", "", 0),
        ("for i in 1 2 3; do echo $i; done", "1\n2\n3\n", "", 0),
        ("i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done", "0\n1\n2\n", "", 0),
        ("i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i", "2\n", "", 0),
        ("echo $((2 + 3 * 4)) $((10 / 3)) $((10 % 3))", "14 3 1\n", "", 0),
        ("echo $(echo inner) `echo back`", "inner back\n", "", 0),
        ("a=$(echo one; echo two); echo \"$a\"", "one\ntwo\n", "", 0),
        ("echo abc | tr a-z A-Z", "ABC\n", "", 0),
        ("printf '%s-%d\\n' a 1 b 2", "a-1\nb-2\n", "", 0),
        ("printf '%5s|%-3s|%03d\\n' x y 7", "    x|y  |007\n", "", 0),
        ("case foo.log in *.txt) echo txt;; *.log) echo log;; esac", "log\n", "", 0),
        ("foo", "", "sh: foo: not found\n", 127),
        ("exit 3", "", "", 3),
        ("echo a; exit 0; echo b", "a\n", "", 0),
        ("f() { echo in f $1; return 4; }; f x; echo $?", "in f x\n4\n", "", 0),
        ("for i in 1 2 3 4; do if [ $i = 3 ]; then break; fi; echo $i; done", "1\n2\n", "", 0),
        ("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done", "1\n3\n", "", 0),
        ("echo ${UNSET:-default} ${#PATH}", "default 60\n", "", 0),
        ("v=file.tar.gz; echo ${v%.gz} ${v#*.} ${v##*.}", "file.tar tar.gz gz\n", "", 0),
        ("seq 3 | wc -l", "3\n", "", 0),
        ("echo one two three | cut -d' ' -f2", "two\n", "", 0),
        ("printf 'b\\na\\nc\\n' | sort", "a\nb\nc\n", "", 0),
        ("printf 'x\\ny\\nx\\n' | grep -c x", "2\n", "", 0),
        ("echo hello | sed 's/l/L/g'", "heLLo\n", "", 0),
        ("yes | head -n 2", "y\ny\n", "", 0),
        ("echo $HOSTNAME; hostname", "web\nweb\n", "", 0),
        ("date", "Wed Jan  1 12:00:00 UTC 2025\n", "", 0),
        ("date +%Y-%m-%dT%H:%M:%S", "2025-01-01T12:00:00\n", "", 0),
        ("sleep 2; date +%s", "1735732802\n", "", 0),
        ("cd /tmp && pwd; cd /nope", "/tmp\n", "sh: cd: can't cd to /nope: No such file or directory\n", 2),
        ("echo x > /tmp/f; echo y >> /tmp/f; cat /tmp/f; wc -l < /tmp/f", "x\ny\n2\n", "", 0),
        ("cat /nope", "", "cat: can't open '/nope': No such file or directory\n", 1),
        ("echo hi > /nodir/x", "", "sh: can't create /nodir/x: nonexistent directory\n", 1),
        ("ls /nope", "", "ls: /nope: No such file or directory\n", 1),
        ("mkdir -p /a/b/c && ls /a/b", "c\n", "", 0),
        ("touch /tmp/z; rm /tmp/z; rm /tmp/z", "", "rm: can't remove '/tmp/z': No such file or directory\n", 1),
        ("echo hi 2>/dev/null 1>&2", "", "", 0),
        ("foo 2>/dev/null; echo $?", "127\n", "", 0),
        ("{ echo a; echo b; } > /tmp/g; cat /tmp/g", "a\nb\n", "", 0),
        ("(exit 7); echo $?", "7\n", "", 0),
        ("x=1; (x=2); echo $x", "1\n", "", 0),
        ("cat <<EOF\nhello $HOSTNAME\nEOF", "hello web\n", "", 0),
        ("echo a b c | while read x y; do echo \"$y\"; done", "b c\n", "", 0),
        ("test -f /etc/passwd && echo file", "file\n", "", 0),
        ("[ -d /etc ] && [ ! -e /nope ] && echo ok", "ok\n", "", 0),
        ("set -- a b c; echo $# $2; shift; echo $1", "3 b\nb\n", "", 0),
        ("echo /etc/host*", "/etc/hostname\n", "", 0),
        ("export A=1; env | grep '^A='", "A=1\n", "", 0),
        ("id; whoami", "uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n", "", 0),
        ("nslookup db", "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find db.default.svc.cluster.local: NXDOMAIN\n\n", "", 0),
        ("wget -qO- http://db:80/", "", "wget: bad address 'db'\n", 1),
        ("bash -c 'echo hi'", "", "sh: bash: not found\n", 127),
        ("set -e; false || echo rescued; if false; then :; fi; cp /nope /x; echo after", "rescued\n", "cp: can't stat '/nope': No such file or directory\n", 1),
        ("set -e; ! true; false && echo no; echo still", "still\n", "", 0),
        ("echo 'a b c' | awk '{print $2}'", "b\n", "", 0),
        ("awk -F: '{print $1, $NF}' /etc/passwd | head -n 1", "root /bin/sh\n", "", 0),
        ("printf 'x 1\\ny 2\\n' | awk '/y/ {print $2} END {print NR}'", "2\n2\n", "", 0),
        ("sh -c 'echo nested $0' x; sh -c 'exit 5'; echo $?", "nested x\n5\n", "", 0),
        ("echo 'echo from script \"$1\"' > /tmp/s.sh; sh /tmp/s.sh arg; chmod +x /tmp/s.sh; /tmp/s.sh b", "from script arg\nfrom script b\n", "", 0),
        ("i=1; i=$(expr $i + 1); echo $i; expr 3 \\* 4", "2\n12\n", "", 0),
        ("echo hello | head -c 3; echo", "hel\n", "", 0),
        ("ps", "PID   USER     TIME  COMMAND\n    1 root      0:00 sh -c ps\n    7 root      0:00 ps\n", "", 0),
        ("trap 'echo cleanup' EXIT; echo work; exit 4", "work\ncleanup\n", "", 4),
        ("trap 'echo bye' EXIT; false", "bye\n", "", 1),
        ("printf 'a\\nb\\n' > /tmp/l; while read line; do echo \"<$line>\"; done < /tmp/l", "<a>\n<b>\n", "", 0),
        ("echo 'Setting up environment...'; sleep 10;", "Setting up environment...\n", "", 0),
        ("touch /tmp/healthy; sleep 1; rm -f /tmp/healthy; cat /tmp/healthy", "", "cat: can't open '/tmp/healthy': No such file or directory\n", 1),
    ];
    let mut failures = Vec::new();
    for (script, out, err, code) in cases {
        let (o, e, c) = sh(script);
        if (o.as_str(), e.as_str(), c) != (*out, *err, Some(*code)) {
            failures.push(format!("{script:?}\n   got {:?}\n  want {:?}", (o, e, c), (out, err, code)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn syntax_errors_are_worded_like_each_shell() {
    let cases: &[(&str, &str, &str)] = &[
        ("busybox", "echo a; fi", "sh: syntax error: unexpected \"fi\"\n"),
        ("busybox", "if true; then echo a", "sh: syntax error: unexpected end of file (expecting \"fi\")\n"),
        ("busybox", "echo 'unterminated", "sh: syntax error: unterminated quoted string\n"),
        ("nginx:1.27", "echo a; fi", "sh: 1: Syntax error: \"fi\" unexpected\n"),
        ("nginx:1.27", "foo", "sh: 1: foo: not found\n"),
    ];
    for (image, script, err) in cases {
        let (o, e, c) = sh_in(image, script);
        assert_eq!(o, "", "{script}");
        assert_eq!(e, *err, "{image}: {script}");
        assert_eq!(c, Some(if *err == "sh: 1: foo: not found\n" { 127 } else { 2 }));
    }
}
