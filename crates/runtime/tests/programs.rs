//! The helper images' programs: curl, python http.server, the exporter, socat, fluent-bit,
//! and one-off commands as `kubectl exec pod -- cmd` runs them.

mod support;
use podlab_runtime::*;
use support::*;

fn ok_response(body: &str) -> HttpResponse {
    let mut r = HttpResponse::new(200, "text/html", body.as_bytes().to_vec());
    r.processing_ms = 1;
    r
}

#[test]
fn curl_messages_match_curl_8() {
    let cases: &[(&[&str], &str, &str, i32)] = &[
        (&["curl", "-s", "http://localhost:8080/"], "", "", 7),
        (&["curl", "-sS", "http://localhost:8080/"], "", "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n", 7),
        (&["curl", "-s", "http://db-service:3306"], "", "", 6),
        (&["curl", "http://db-service:3306"], "", "curl: (6) Could not resolve host: db-service\n", 6),
        (&["curl", "-s", "http://web/"], "hello\n", "", 0),
        (&["curl", "-sf", "http://gone/missing"], "", "", 22),
        (&["curl", "-f", "http://gone/missing"], "", "curl: (22) The requested URL returned error: 404\n", 22),
        (&["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://web/"], "200", "", 0),
    ];
    for (argv, out, err, code) in cases {
        let mut rig = Rig::new("curlimages/curl");
        rig.net.dns.insert("web".into(), "10.96.0.20".into());
        rig.net.http.insert(("10.96.0.20".into(), 80), ok_response("hello\n"));
        rig.net.dns.insert("gone".into(), "10.96.0.21".into());
        rig.net.http.insert(("10.96.0.21".into(), 80), HttpResponse::new(404, "text/html", b"nope".to_vec()));
        let mut args: Vec<&str> = vec!["/entrypoint.sh"];
        args.extend(argv.iter().skip(1));
        let mut p = rig.spawn(&args).unwrap();
        let (o, c) = rig.run_for(&mut p, 1000);
        assert_eq!((text(&o, Stream::Stdout).trim_end_matches('\n'), text(&o, Stream::Stderr), c), (out.trim_end_matches('\n'), err.to_string(), Some(*code)), "{argv:?}");
    }
}

#[test]
fn curl_timeout_blocks_in_simulated_time() {
    let mut rig = Rig::new("curlimages/curl");
    rig.net.dns.insert("slow".into(), "10.96.0.30".into());
    rig.net.timeouts.push("10.96.0.30".into());
    let mut p = rig.spawn(&["curl", "-sS", "-m", "5", "http://slow/"]).unwrap();
    let start = rig.now_ms;
    let (o, c) = rig.run_for(&mut p, 60_000);
    assert_eq!(c, Some(28));
    assert_eq!(rig.now_ms - start, 5000);
    assert_eq!(text(&o, Stream::Stderr), "curl: (28) Connection timed out after 5000 milliseconds\n");
}

#[test]
fn exec_one_off_commands() {
    let mut rig = Rig::new("busybox");
    rig.fs().mkdir_all("/var/log", 0).unwrap();
    rig.fs().write("/var/log/app.log", b"line\n", EPOCH_MS).unwrap();
    let opts = SpawnOptions::exec(vec!["ls".into(), "-l".into(), "/var/log".into()], rig.env(), false, false);
    let mut p = rig.spawn_opts(opts).unwrap();
    let (o, c) = rig.run_for(&mut p, 10);
    assert_eq!(c, Some(0));
    assert_eq!(text(&o, Stream::Stdout), "total 1\n-rw-r--r--    1 root     root             5 Jan  1 12:00 app.log\n");
    let opts = SpawnOptions::exec(vec!["printenv".into(), "HOSTNAME".into()], rig.env(), false, false);
    let mut p = rig.spawn_opts(opts).unwrap();
    assert_eq!(text(&rig.run_for(&mut p, 10).0, Stream::Stdout), "web\n");
    let opts = SpawnOptions::exec(vec!["cat".into(), "/tmp/healthy".into()], rig.env(), false, false);
    let mut p = rig.spawn_opts(opts).unwrap();
    let (o, c) = rig.run_for(&mut p, 10);
    assert_eq!((text(&o, Stream::Stderr), c), ("cat: can't open '/tmp/healthy': No such file or directory\n".to_string(), Some(1)));
}

#[test]
fn python_http_server_buffers_its_banner_unless_unbuffered() {
    let mut rig = Rig::new("python:3.13");
    rig.fs().write("/index.html", b"<h1>hi</h1>\n", 0).unwrap();
    let mut p = rig.spawn(&["python3", "-m", "http.server", "8000"]).unwrap();
    let (o, c) = rig.run_for(&mut p, 1000);
    assert_eq!((o.len(), c), (0, None), "stdout is block-buffered without a tty");
    assert_eq!(p.listening_ports(), vec![8000]);
    let mut req = HttpRequest::get("x", "/");
    req.remote_addr = "10.244.0.1".into();
    let (resp, out) = rig.serve(&mut p, 8000, &req);
    assert_eq!(resp.unwrap().body, b"<h1>hi</h1>\n".to_vec());
    assert_eq!(text(&out, Stream::Stderr), "10.244.0.1 - - [01/Jan/2025 12:00:01] \"GET / HTTP/1.1\" 200 -\n");

    let mut rig = Rig::new("python:3.13");
    let opts = { let mut o = SpawnOptions::new(vec!["python3".into(), "-m".into(), "http.server".into()], rig.env()); o.env.push(("PYTHONUNBUFFERED".into(), "1".into())); o };
    let mut p = rig.spawn_opts(opts).unwrap();
    let (o, _) = rig.run_for(&mut p, 1000);
    assert_eq!(text(&o, Stream::Stdout), "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...\n");
}

#[test]
fn exporter_turns_stub_status_into_prometheus_text() {
    let mut rig = Rig::new("nginx/nginx-prometheus-exporter:1.4");
    let status = "Active connections: 2 \nserver accepts handled requests\n 10 10 25 \nReading: 0 Writing: 1 Waiting: 1 \n";
    rig.net.http.insert(("127.0.0.1".into(), 8080), ok_response(status));
    let mut p = rig.spawn(&["/usr/bin/nginx-prometheus-exporter", "--nginx.scrape-uri=http://localhost:8080/stub_status"]).unwrap();
    let (o, c) = rig.run_for(&mut p, 100);
    assert_eq!(c, None);
    assert!(text(&o, Stream::Stderr).contains("msg=\"Listening on\" address=[::]:9113"));
    let (resp, _) = rig.serve(&mut p, 9113, &HttpRequest::get("x", "/metrics"));
    let body = String::from_utf8(resp.unwrap().body).unwrap();
    for line in ["nginx_connections_accepted 10", "nginx_connections_active 2", "nginx_connections_waiting 1", "nginx_http_requests_total 25", "nginx_up 1"] {
        assert!(body.lines().any(|l| l == line), "{line} missing in\n{body}");
    }
    rig.net.http.clear();
    let (resp, out) = rig.serve(&mut p, 9113, &HttpRequest::get("x", "/metrics"));
    assert!(String::from_utf8(resp.unwrap().body).unwrap().ends_with("nginx_up 0\n"));
    assert!(text(&out, Stream::Stderr).contains("dial tcp 127.0.0.1:8080: connect: connection refused"));
}

#[test]
fn socat_forwards_local_port_to_remote_service() {
    let mut rig = Rig::new("alpine/socat");
    rig.net.dns.insert("db".into(), "10.96.0.40".into());
    rig.net.tcp.insert(("10.96.0.40".into(), 3306), b"mysql-handshake".to_vec());
    let mut p = rig.spawn(&["socat", "TCP-LISTEN:3306,fork,reuseaddr", "TCP:db:3306"]).unwrap();
    assert_eq!(rig.run_for(&mut p, 100).1, None);
    assert_eq!(p.listening_ports(), vec![3306]);
    let mut o = Vec::new();
    let mut ctx = ProcessCtx { now_ms: rig.now_ms, fs: FsView::new(&mut rig.volumes, &rig.mounts), net: &mut rig.net, output: &mut o, cpu_limit_millicores: None };
    assert_eq!(p.serve_tcp(&mut ctx, 3306, b"hello"), Some(b"mysql-handshake".to_vec()));
}

#[test]
fn fluent_bit_ships_appended_lines() {
    let mut rig = Rig::new("fluent/fluent-bit:3.2");
    let conf = "[INPUT]\n    Name tail\n    Path /var/log/*.log\n\n[OUTPUT]\n    Name stdout\n    Match *\n";
    rig.fs().write("/fluent-bit/etc/fluent-bit.conf", conf.as_bytes(), 0).unwrap();
    rig.fs().mkdir_all("/var/log", 0).unwrap();
    rig.fs().write("/var/log/app.log", b"old\n", 0).unwrap();
    let mut p = rig.spawn(&["/fluent-bit/bin/fluent-bit", "-c", "/fluent-bit/etc/fluent-bit.conf"]).unwrap();
    let (o, _) = rig.run_for(&mut p, 500);
    assert!(text(&o, Stream::Stdout).contains("name=/var/log/app.log"));
    rig.fs().append("/var/log/app.log", b"new line\n", 0).unwrap();
    let (o, c) = rig.run_for(&mut p, 1500);
    assert_eq!(c, None);
    assert_eq!(text(&o, Stream::Stdout), "[0] tail.0: [[1735732801.000000000, {}], {\"log\"=>\"new line\"}]\n");
}

#[test]
fn cpu_limit_shrinks_the_step_budget() {
    let mut rig = Rig::new("busybox");
    rig.cpu_limit_millicores = Some(100);
    let mut p = rig.spawn(&["sh", "-c", "while true; do echo x; done"]).unwrap();
    let mut out = Vec::new();
    assert_eq!(rig.step(&mut p, 1000, &mut out), Step::Yield);
    assert!(out.len() <= 100, "{}", out.len());
    assert_eq!(p.cpu_millicores(), 100);
}

#[test]
fn database_client_tools_for_exec_probes() {
    let mut rig = Rig::new("redis:7.4");
    let mut p = rig.spawn(&["redis-cli", "ping"]).unwrap();
    let (o, c) = rig.run_for(&mut p, 10);
    assert_eq!((text(&o, Stream::Stderr), c), ("Could not connect to Redis at 127.0.0.1:6379: Connection refused\n".to_string(), Some(1)));
    rig.net.tcp.insert(("127.0.0.1".into(), 6379), b"+PONG\r\n".to_vec());
    let mut p = rig.spawn(&["redis-cli", "ping"]).unwrap();
    let (o, c) = rig.run_for(&mut p, 10);
    assert_eq!((text(&o, Stream::Stdout), c), ("PONG\n".to_string(), Some(0)));

    let mut rig = Rig::new("postgres:17");
    let mut p = rig.spawn(&["pg_isready", "-U", "postgres"]).unwrap();
    let (o, c) = rig.run_for(&mut p, 10);
    assert_eq!((text(&o, Stream::Stdout), c), ("/var/run/postgresql:5432 - no response\n".to_string(), Some(2)));
    rig.net.tcp.insert(("127.0.0.1".into(), 5432), Vec::new());
    let mut p = rig.spawn(&["pg_isready"]).unwrap();
    assert_eq!(text(&rig.run_for(&mut p, 10).0, Stream::Stdout), "/var/run/postgresql:5432 - accepting connections\n");

    let mut rig = Rig::new("mysql:8.4");
    rig.net.tcp.insert(("127.0.0.1".into(), 3306), Vec::new());
    let mut p = rig.spawn(&["mysqladmin", "ping", "-h", "127.0.0.1"]).unwrap();
    assert_eq!(text(&rig.run_for(&mut p, 10).0, Stream::Stdout), "mysqld is alive\n");
}

#[test]
fn busybox_wget_messages() {
    let run = |script: &str| {
        let mut rig = Rig::new("busybox");
        rig.net.dns.insert("web".into(), "10.96.0.20".into());
        rig.net.dns.insert("down".into(), "10.96.0.10".into());
        rig.net.http.insert(("10.96.0.20".into(), 80), ok_response("hello\n"));
        let mut p = rig.spawn(&["sh", "-c", script]).unwrap();
        let (o, c) = rig.run_for(&mut p, 1000);
        (text(&o, Stream::Stdout), text(&o, Stream::Stderr), c)
    };
    assert_eq!(run("wget -qO- http://web"), ("hello\n".into(), "".into(), Some(0)));
    assert_eq!(run("wget -O- http://down:8080/x"), ("".into(), "Connecting to down:8080 (10.96.0.10:8080)\nwget: can't connect to remote host (10.96.0.10): Connection refused\n".into(), Some(1)));
    let (_, err, code) = run("cd /tmp && wget http://web/ && cat index.html");
    assert_eq!(code, Some(0));
    assert!(err.starts_with("Connecting to web (10.96.0.20:80)\nsaving to 'index.html'\n"), "{err}");
}
