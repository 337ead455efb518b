//! Property tests: any input to the parser, the interpreter, the nginx config parser and an
//! interactive shell neither panics nor runs unboundedly; every step returns and the number
//! of output lines per step stays within the budget.

mod support;
use podlab_runtime::*;
use proptest::prelude::*;
use support::*;

/// Shell-ish fragments, so random scripts hit real syntax rather than only `not found`.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("echo hi".to_string()),
        Just("; ".to_string()),
        Just(" && ".to_string()),
        Just(" || ".to_string()),
        Just(" | ".to_string()),
        Just("while true; do ".to_string()),
        Just("done".to_string()),
        Just("if true; then ".to_string()),
        Just("fi".to_string()),
        Just("for i in 1 2; do ".to_string()),
        Just("case x in x) ".to_string()),
        Just(";; esac".to_string()),
        Just("$(".to_string()),
        Just(")".to_string()),
        Just("`".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("$((1/0))".to_string()),
        Just("${x:-y}".to_string()),
        Just("sleep 1".to_string()),
        Just("yes".to_string()),
        Just("cat".to_string()),
        Just("f() { f; }; f".to_string()),
        Just("x=$x$x$x".to_string()),
        Just("> /tmp/a".to_string()),
        Just("< /tmp/a".to_string()),
        Just("2>&1".to_string()),
        Just("<<EOF\nbody\nEOF\n".to_string()),
        Just("&".to_string()),
        Just("exit 3".to_string()),
        Just("\n".to_string()),
        "[a-z{}()<>|&;$`'\"\\\\ \n*?=#!-]{0,12}",
    ]
}

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn parser_never_panics(src in "\\PC{0,200}") {
        let _ = podlab_runtime::shell::parse::parse_script(&src);
    }

    #[test]
    fn interpreter_is_bounded(src in script()) {
        for image in ["busybox", "nginx:1.27"] {
            let mut rig = Rig::new(image);
            let mut p = rig.spawn(&["sh", "-c", &src]).unwrap();
            for _ in 0..40 {
                let mut out = Vec::new();
                let step = rig.step(&mut p, 200, &mut out);
                prop_assert!(out.len() <= 2000, "too much output in one step: {}", out.len());
                match step {
                    Step::Exited(_) => break,
                    Step::Yield => {}
                    Step::Idle { wake_at_ms } => rig.now_ms = wake_at_ms.unwrap_or(rig.now_ms + 1000).max(rig.now_ms + 1).min(rig.now_ms + 10_000),
                }
            }
            prop_assert!(p.memory_bytes() < 64 * 1024 * 1024);
        }
    }

    #[test]
    fn interactive_shell_is_bounded(lines in prop::collection::vec(script(), 0..6)) {
        let mut rig = Rig::new("busybox");
        let opts = SpawnOptions::exec(vec!["sh".into()], rig.env(), true, true);
        let mut p = rig.spawn_opts(opts).unwrap();
        for l in &lines {
            p.write_stdin(l);
            p.write_stdin("\n");
            for _ in 0..10 {
                let mut out = Vec::new();
                if let Step::Exited(_) = rig.step(&mut p, 200, &mut out) { break; }
                rig.now_ms += 1000;
            }
        }
        p.signal(Signal::Int);
        p.close_stdin();
        let mut out = Vec::new();
        let _ = rig.step(&mut p, 200, &mut out);
    }

    #[test]
    fn applets_never_panic_on_any_arguments(
        name in prop::sample::select(podlab_runtime::shell::applet_names()),
        args in prop::collection::vec(prop_oneof![
            Just("-n".to_string()), Just("-c".to_string()), Just("-f".to_string()), Just("-l".to_string()),
            Just("-9".to_string()), Just("/etc/passwd".to_string()), Just("/".to_string()), Just("-".to_string()),
            Just("9223372036854775807".to_string()), Just("-1".to_string()), Just("0".to_string()),
            Just("http://web:80/x".to_string()), Just("s/a/b/g".to_string()), Just("{print $1}".to_string()),
            "\\PC{0,8}",
        ], 0..5),
    ) {
        let mut rig = Rig::new("busybox");
        let mut argv = vec![name];
        argv.extend(args.iter().map(String::as_str));
        let mut p = rig.spawn(&argv).unwrap();
        p.close_stdin();
        let _ = rig.run_for(&mut p, 3_000);
    }

    #[test]
    fn nginx_config_parser_never_panics(conf in "[a-z {};#\"'\n0-9:/.*_\\[\\]]{0,200}") {
        let mut rig = Rig::new("nginx:1.27");
        rig.fs().write("/etc/nginx/conf.d/default.conf", conf.as_bytes(), 0).unwrap();
        let mut p = rig.spawn(&["nginx", "-g", "daemon off;"]).unwrap();
        let _ = rig.run_for(&mut p, 5000);
        let mut t = rig.spawn(&["nginx", "-t"]).unwrap();
        let _ = rig.run_for(&mut t, 10);
    }
}
