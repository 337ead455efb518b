//! nginx as the official image runs it: entrypoint lines, bind conflicts, serving, shutdown.

mod support;
use podlab_runtime::*;
use support::*;

fn start_nginx(rig: &mut Rig) -> (Process, Vec<OutputLine>) {
    let argv = container_argv(rig.image.image, &[], &[]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let mut p = rig.spawn(&argv).unwrap();
    let (out, code) = rig.run_for(&mut p, 100);
    assert_eq!(code, None, "{out:?}");
    (p, out)
}

#[test]
fn entrypoint_configures_then_nginx_starts_workers() {
    let mut rig = Rig::new("nginx:1.27");
    let (p, out) = start_nginx(&mut rig);
    assert_eq!(
        text(&out, Stream::Stdout),
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh
10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf
10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf
/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh
/docker-entrypoint.sh: Configuration complete; ready for start up
"
    );
    assert_eq!(
        text(&out, Stream::Stderr),
        "2025/01/01 12:00:00 [notice] 1#1: using the \"epoll\" event method
2025/01/01 12:00:00 [notice] 1#1: nginx/1.27.4
2025/01/01 12:00:00 [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) 
2025/01/01 12:00:00 [notice] 1#1: OS: Linux 6.1.0-27-amd64
2025/01/01 12:00:00 [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576
2025/01/01 12:00:00 [notice] 1#1: start worker processes
2025/01/01 12:00:00 [notice] 1#1: start worker process 29
2025/01/01 12:00:00 [notice] 1#1: start worker process 30
"
    );
    assert_eq!(p.listening_ports(), vec![80]);
}

#[test]
fn second_nginx_on_port_80_fails_to_bind_and_exits_1() {
    let mut rig = Rig::new("nginx:1.27");
    let (_first, _) = start_nginx(&mut rig);
    let argv = container_argv(rig.image.image, &[], &[]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let mut second = rig.spawn(&argv).unwrap();
    let (out, code) = rig.run_for(&mut second, 10_000);
    assert_eq!(code, Some(1));
    let err = text(&out, Stream::Stderr);
    let pair = "[emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n";
    assert_eq!(err.matches(pair).count(), 5, "{err}");
    assert_eq!(err.matches("bind() to [::]:80 failed").count(), 10);
    assert_eq!(err.matches("[notice] 1#1: try again to bind() after 500ms\n").count(), 5);
    assert!(err.ends_with("2025/01/01 12:00:02 [emerg] 1#1: still could not bind()\nnginx: [emerg] still could not bind()\n"), "{err}");
}

#[test]
fn serves_index_404_and_writes_access_log() {
    let mut rig = Rig::new("nginx:1.27");
    let (mut p, _) = start_nginx(&mut rig);
    let mut req = HttpRequest::get("10.244.1.5", "/");
    req.remote_addr = "10.244.0.1".into();
    req.headers.push(("User-Agent".into(), "curl/8.12.1".into()));
    let (resp, out) = rig.serve(&mut p, 80, &req);
    let resp = resp.unwrap();
    assert_eq!((resp.status, resp.body.len()), (200, 615));
    assert_eq!(text(&out, Stream::Stdout), "10.244.0.1 - - [01/Jan/2025:12:00:00 +0000] \"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.12.1\" \"-\"\n");
    req.path = "/missing".into();
    let (resp, out) = rig.serve(&mut p, 80, &req);
    let resp = resp.unwrap();
    assert_eq!(resp.status, 404);
    assert!(String::from_utf8_lossy(&resp.body).contains("<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.4</center>"));
    assert!(text(&out, Stream::Stderr).contains("[error] 29#29: *2 open() \"/usr/share/nginx/html/missing\" failed (2: No such file or directory), client: 10.244.0.1, server: localhost, request: \"GET /missing HTTP/1.1\", host: \"10.244.1.5\""));
}

#[test]
fn custom_conf_on_8080_and_sigterm_shutdown() {
    let mut rig = Rig::new("nginx:1.27");
    rig.fs().write("/etc/nginx/conf.d/default.conf", b"server {\n  listen 8080;\n  location /healthz { return 200 'ok'; }\n  location /nginx_status { stub_status; }\n}\n", 0).unwrap();
    let (mut p, out) = start_nginx(&mut rig);
    assert!(text(&out, Stream::Stdout).contains("10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf differs from the packaged version\n"));
    assert_eq!(p.listening_ports(), vec![8080]);
    let (resp, _) = rig.serve(&mut p, 8080, &HttpRequest::get("x", "/healthz"));
    assert_eq!(resp.unwrap().body, b"ok".to_vec());
    let (resp, _) = rig.serve(&mut p, 8080, &HttpRequest::get("x", "/nginx_status"));
    assert_eq!(String::from_utf8(resp.unwrap().body).unwrap(), "Active connections: 1 \nserver accepts handled requests\n 2 2 2 \nReading: 0 Writing: 1 Waiting: 0 \n");
    p.signal(Signal::Term);
    let (out, code) = rig.run_for(&mut p, 100);
    assert_eq!(code, Some(0));
    let err = text(&out, Stream::Stderr);
    assert!(err.starts_with("2025/01/01 12:00:00 [notice] 1#1: signal 15 (SIGTERM) received, exiting\n"), "{err}");
    assert!(err.ends_with("[notice] 1#1: exit\n"));
    assert!(rig.net.bound.is_empty(), "ports released on exit");
}

#[test]
fn broken_config_is_an_emerg_and_exit_1() {
    let mut rig = Rig::new("nginx:1.27");
    rig.fs().write("/etc/nginx/conf.d/default.conf", b"server {\n  listn 80;\n}\n", 0).unwrap();
    let mut p = rig.spawn(&["nginx", "-g", "daemon off;"]).unwrap();
    let (out, code) = rig.run_for(&mut p, 100);
    assert_eq!(code, Some(1));
    assert_eq!(
        text(&out, Stream::Stderr),
        "2025/01/01 12:00:00 [emerg] 1#1: unknown directive \"listn\" in /etc/nginx/conf.d/default.conf:2\nnginx: [emerg] unknown directive \"listn\" in /etc/nginx/conf.d/default.conf:2\n"
    );
    let mut t = rig.spawn(&["nginx", "-t"]).unwrap();
    let (out, code) = rig.run_for(&mut t, 100);
    assert_eq!(code, Some(1));
    assert!(text(&out, Stream::Stderr).ends_with("nginx: configuration file /etc/nginx/nginx.conf test failed\n"));
}

#[test]
fn exec_form_and_reload_signal() {
    let mut rig = Rig::new("nginx:1.27");
    let mut p = rig.spawn(&["sh", "-c", "echo starting; exec nginx -g 'daemon off;'"]).unwrap();
    let (out, code) = rig.run_for(&mut p, 100);
    assert_eq!(code, None);
    assert_eq!(text(&out, Stream::Stdout), "starting\n");
    assert_eq!(p.listening_ports(), vec![80]);
    let opts = SpawnOptions::exec(vec!["nginx".into(), "-s".into(), "reload".into()], rig.env(), false, false);
    let mut e = rig.spawn_opts(opts).unwrap();
    let (out, code) = rig.run_for(&mut e, 10);
    assert_eq!((text(&out, Stream::Stderr), code), ("2025/01/01 12:00:00 [notice] 7#7: signal process started\n".to_string(), Some(0)));
    for s in e.take_pid1_signals() {
        p.signal(s);
    }
    let (out, code) = rig.run_for(&mut p, 10);
    assert_eq!(code, None);
    assert!(text(&out, Stream::Stderr).contains("signal 1 (SIGHUP) received, reconfiguring"));
}

#[test]
fn nginx_started_by_a_shell_serves_and_ignores_sigterm_through_sh() {
    let mut rig = Rig::new("nginx:1.27");
    let mut p = rig.spawn(&["sh", "-c", "echo custom > /usr/share/nginx/html/index.html && nginx -g 'daemon off;'"]).unwrap();
    let (_, code) = rig.run_for(&mut p, 100);
    assert_eq!(code, None);
    assert_eq!(p.listening_ports(), vec![80]);
    let (resp, out) = rig.serve(&mut p, 80, &HttpRequest::get("x", "/"));
    assert_eq!(resp.unwrap().body, b"custom\n".to_vec());
    assert_eq!(text(&out, Stream::Stdout).matches("\"GET / HTTP/1.1\" 200 7").count(), 1);
    // PID 1 is sh, which ignores SIGTERM, so nginx never hears it.
    p.signal(Signal::Term);
    assert_eq!(rig.run_for(&mut p, 30_000).1, None);
    assert!(p.memory_bytes() > 5 * 1024 * 1024, "nginx's memory counts for the container");
}
