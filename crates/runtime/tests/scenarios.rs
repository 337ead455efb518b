//! The study guide's scenarios end to end at the process level: the logging sidecar over a
//! shared emptyDir, two nginx on one port, signals, memory, exec sessions, image programs.

mod support;
use podlab_runtime::*;
use support::*;

#[test]
fn logging_sidecar_reads_what_main_app_writes_to_shared_volume() {
    let mut rig = Rig::new("busybox");
    let shared = rig.volumes.add(FsTree::new());
    // Both containers get their own root layer and the same emptyDir at /var/log.
    let root2 = rig.volumes.add(rig.image.root_fs());
    rig.mounts.add("/var/log", shared, "", false);
    let mut sidecar_mounts = MountTable::with_root(root2);
    sidecar_mounts.add("/var/log", shared, "", false);
    let mut main = rig.spawn(&["sh", "-c", "while true; do echo $(date) Writing Logs >> /var/log/app.log; sleep 5; done"]).unwrap();
    let argv = vec!["sh".to_string(), "-c".into(), "tail -f /var/log/app.log".into()];
    let mut side = Process::spawn(rig.image.image, SpawnOptions::new(argv, rig.env()), &FsView::new(&mut rig.volumes, &sidecar_mounts)).unwrap();
    let mut main_out = Vec::new();
    let mut side_out = Vec::new();
    let start = rig.now_ms;
    // Tick both once per simulated second for 12 seconds.
    for t in 0..=12u64 {
        rig.now_ms = start + t * 1000;
        for (p, mounts, out) in [(&mut main, &rig.mounts.clone(), &mut main_out), (&mut side, &sidecar_mounts, &mut side_out)] {
            let mut ctx = ProcessCtx { now_ms: rig.now_ms, fs: FsView::new(&mut rig.volumes, mounts), net: &mut rig.net, output: out, cpu_limit_millicores: None };
            let step = p.step(&mut ctx, 1000);
            assert!(!matches!(step, Step::Exited(_)), "{step:?}");
        }
    }
    assert!(main_out.is_empty());
    let lines: Vec<(u64, String)> = side_out.iter().map(|l| (l.at_ms - start, l.text.clone())).collect();
    assert_eq!(
        lines,
        vec![
            (0, "Wed Jan 1 12:00:00 UTC 2025 Writing Logs".to_string()),
            (5000, "Wed Jan 1 12:00:05 UTC 2025 Writing Logs".to_string()),
            (10000, "Wed Jan 1 12:00:10 UTC 2025 Writing Logs".to_string()),
        ]
    );
}

#[test]
fn infinite_loop_yields_with_bounded_output() {
    let mut rig = Rig::new("busybox");
    let mut p = rig.spawn(&["sh", "-c", "while true; do echo hi; done"]).unwrap();
    for _ in 0..5 {
        let mut out = Vec::new();
        assert_eq!(rig.step(&mut p, 500, &mut out), Step::Yield);
        assert!(!out.is_empty() && out.len() <= 500, "{}", out.len());
    }
    let mut p = rig.spawn(&["sh", "-c", "while :; do :; done"]).unwrap();
    let mut out = Vec::new();
    assert_eq!(rig.step(&mut p, 500, &mut out), Step::Yield);
}

#[test]
fn sh_as_pid1_ignores_sigterm_and_sigkill_gives_137() {
    let mut rig = Rig::new("busybox");
    let mut p = rig.spawn(&["sh", "-c", "sleep 3600"]).unwrap();
    let (_, code) = rig.run_for(&mut p, 1000);
    assert_eq!(code, None);
    p.signal(Signal::Term);
    let (_, code) = rig.run_for(&mut p, 30_000);
    assert_eq!(code, None, "PID 1 without a handler ignores SIGTERM");
    p.signal(Signal::Kill);
    assert_eq!(rig.run_for(&mut p, 1).1, Some(137));
}

#[test]
fn trap_runs_on_sigterm_when_waiting() {
    let mut rig = Rig::new("busybox");
    let mut p = rig.spawn(&["sh", "-c", "trap 'echo bye; exit 0' TERM; sleep 3600 & wait"]).unwrap();
    assert_eq!(rig.run_for(&mut p, 1000).1, None);
    p.signal(Signal::Term);
    let (out, code) = rig.run_for(&mut p, 1000);
    assert_eq!((text(&out, Stream::Stdout), code), ("bye\n".to_string(), Some(0)));
}

#[test]
fn missing_executable_is_a_runc_error() {
    let mut rig = Rig::new("busybox");
    let e = rig.spawn(&["bash"]).unwrap_err();
    assert_eq!(e.reason(), "exec: \"bash\": executable file not found in $PATH");
    assert_eq!(
        e.create_message(),
        "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"bash\": executable file not found in $PATH: unknown"
    );
    let mut nginx = Rig::new("nginx:1.27");
    assert!(nginx.spawn(&["bash", "-c", "true"]).is_ok());
    let mut fb = Rig::new("fluent/fluent-bit:3.2");
    assert!(fb.spawn(&["sh"]).is_err(), "distroless has no shell");
}

#[test]
fn argv_combines_command_args_entrypoint_and_cmd() {
    let nginx = lookup("nginx").unwrap();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(container_argv(nginx.image, &[], &[]), s(&["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"]));
    assert_eq!(container_argv(nginx.image, &s(&["nginx"]), &[]), s(&["nginx"]));
    assert_eq!(container_argv(nginx.image, &[], &s(&["nginx", "-t"])), s(&["/docker-entrypoint.sh", "nginx", "-t"]));
    assert_eq!(container_argv(nginx.image, &s(&["sh", "-c"]), &s(&["echo hi"])), s(&["sh", "-c", "echo hi"]));
}

#[test]
fn stress_reports_the_memory_it_allocates() {
    let mut rig = Rig::new("polinux/stress");
    let mut p = rig.spawn(&["stress", "--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]).unwrap();
    let (out, code) = rig.run_for(&mut p, 2000);
    assert_eq!(code, None);
    assert_eq!(text(&out, Stream::Stdout), "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd\n");
    assert!(p.memory_bytes() >= 250 * 1024 * 1024 && p.memory_bytes() < 251 * 1024 * 1024);
}

#[test]
fn database_images_fail_without_password() {
    let mut rig = Rig::new("postgres:17");
    let argv = container_argv(rig.image.image, &[], &[]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let mut p = rig.spawn(&argv).unwrap();
    let (out, code) = rig.run_for(&mut p, 1000);
    assert_eq!(code, Some(1));
    assert!(text(&out, Stream::Stderr).starts_with("Error: Database is uninitialized and superuser password is not specified.\n"));
    let mut rig = Rig::new("mysql:8.4");
    let mut p = rig.spawn(&["docker-entrypoint.sh", "mysqld"]).unwrap();
    let (out, code) = rig.run_for(&mut p, 1000);
    assert_eq!(code, Some(1));
    assert!(text(&out, Stream::Stderr).contains("[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified"));
}

#[test]
fn redis_listens_and_answers_ping() {
    let mut rig = Rig::new("redis:7.4");
    let mut p = rig.spawn(&["docker-entrypoint.sh", "redis-server"]).unwrap();
    let (out, code) = rig.run_for(&mut p, 1000);
    assert_eq!(code, None);
    assert!(text(&out, Stream::Stdout).ends_with("* Ready to accept connections tcp\n"));
    assert_eq!(p.listening_ports(), vec![6379]);
    let mut o = Vec::new();
    let mut ctx = ProcessCtx { now_ms: rig.now_ms, fs: FsView::new(&mut rig.volumes, &rig.mounts), net: &mut rig.net, output: &mut o, cpu_limit_millicores: None };
    assert_eq!(p.serve_tcp(&mut ctx, 6379, b"PING\r\n"), Some(b"+PONG\r\n".to_vec()));
}

#[test]
fn interactive_exec_shell_prompts_and_keeps_state() {
    let mut rig = Rig::new("busybox");
    let opts = SpawnOptions::exec(vec!["sh".into()], rig.env(), true, true);
    let mut p = rig.spawn_opts(opts).unwrap();
    let mut out = Vec::new();
    assert!(matches!(rig.step(&mut p, 1000, &mut out), Step::Idle { wake_at_ms: None }));
    p.write_stdin("cd /tmp\n");
    rig.step(&mut p, 1000, &mut out);
    p.write_stdin("pwd; foo\n");
    rig.step(&mut p, 1000, &mut out);
    p.write_stdin("exit 3\n");
    assert_eq!(rig.step(&mut p, 1000, &mut out), Step::Exited(3));
    let all: String = out.iter().map(|l| l.text.clone()).collect();
    assert_eq!(all, "/ # /tmp # /tmp\nsh: foo: not found\n/tmp # ");

    let mut rig = Rig::new("nginx:1.27");
    let opts = SpawnOptions::exec(vec!["bash".into()], rig.env(), true, true);
    let mut p = rig.spawn_opts(opts).unwrap();
    let mut out = Vec::new();
    rig.step(&mut p, 1000, &mut out);
    p.write_stdin("ls /usr/share/nginx/html\n");
    rig.step(&mut p, 1000, &mut out);
    let all: String = out.iter().map(|l| l.text.clone()).collect();
    assert_eq!(all, "root@web:/# 50x.html  index.html\nroot@web:/# ");
}

#[test]
fn catalogue_lookups_and_variants() {
    let r = lookup("busybox").unwrap();
    assert_eq!((r.full_reference.as_str(), r.tag.as_str()), ("docker.io/library/busybox:latest", "latest"));
    assert!(r.digest.starts_with("sha256:") && r.digest.len() == 71);
    assert_eq!(lookup("nginx:1.27").unwrap().size_bytes, 72_188_133);
    assert_eq!(lookup("nginx:alpine").unwrap().image.base, Base::Alpine);
    assert_eq!(lookup("nginx:1.27").unwrap().image.base, Base::Debian);
    assert_eq!(lookup("nginx:1.277"), Err(ImageLookupError::UnknownTag { full_reference: "docker.io/library/nginx:1.277".into() }));
    assert_eq!(lookup("ngnix"), Err(ImageLookupError::UnknownRepository { full_reference: "docker.io/library/ngnix:latest".into() }));
    assert!(matches!(lookup("NGINX"), Err(ImageLookupError::InvalidReference(_))));
    assert!(lookup("registry.example.com/team/api:1.0").unwrap().image.private);
    let mut alpine = Rig::new("nginx:alpine");
    assert!(alpine.spawn(&["bash"]).is_err(), "nginx:alpine has no bash");
    assert!(alpine.spawn(&["sh", "-c", "true"]).is_ok());
}

#[test]
fn kill_1_from_exec_session_is_handed_to_the_caller() {
    let mut rig = Rig::new("busybox");
    let opts = SpawnOptions::exec(vec!["kill".into(), "1".into()], rig.env(), false, false);
    let mut p = rig.spawn_opts(opts).unwrap();
    assert_eq!(rig.run_for(&mut p, 10).1, Some(0));
    assert_eq!(p.take_pid1_signals(), vec![Signal::Term]);
    let mut main = rig.spawn(&["sh", "-c", "kill -9 1; echo unreachable"]).unwrap();
    let (o, c) = rig.run_for(&mut main, 10);
    assert_eq!((o.len(), c), (0, Some(137)));
}
