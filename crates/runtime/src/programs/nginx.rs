//! nginx 1.27 as the official image runs it: `/docker-entrypoint.sh` (its configuration log
//! lines, the IPv6 listen edit of default.conf) then `nginx -g 'daemon off;'`, which parses
//! its configuration, binds every listen port (five tries 500 ms apart, then "still could not
//! bind()" and exit 1), logs the startup notices, serves files/returns/stub_status/proxy_pass
//! with combined-format access lines on stdout, and shuts down on SIGTERM/SIGQUIT.

use super::nginx_conf::{load, Config, Location, Server, DEFAULT_CONF, NGINX_VERSION};
use super::{err, out, Program, ProgramStep};
use crate::clock::strftime;
use crate::net::{HttpRequest, HttpResponse, NetError};
use crate::process::{ProcState, ProcessCtx, Signal};

fn log_time(ms: u64) -> String {
    strftime("%Y/%m/%d %H:%M:%S", ms)
}

/// `/docker-entrypoint.sh`: prints the configuration steps, edits default.conf, execs nginx.
#[derive(Debug)]
pub struct Entrypoint {
    argv: Vec<String>,
}

pub fn entrypoint(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Entrypoint { argv })
}

impl Program for Entrypoint {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        let me = self.argv.first().cloned().unwrap_or_else(|| "/docker-entrypoint.sh".into());
        let rest: Vec<String> = self.argv.iter().skip(1).cloned().collect();
        let quiet = st.getenv("NGINX_ENTRYPOINT_QUIET_LOGS").is_some_and(|v| !v.is_empty());
        let first = rest.first().map(String::as_str);
        if matches!(first, Some("nginx") | Some("nginx-debug")) {
            let mut log = String::new();
            configure(&me, st, ctx, &mut log);
            if !quiet {
                out(st, ctx, &log);
            }
        }
        if rest.is_empty() {
            return ProgramStep::Exited(0);
        }
        ProgramStep::Exec(rest)
    }
    fn memory_bytes(&self) -> u64 {
        600 * 1024
    }
    fn command_line(&self) -> String {
        format!("/bin/sh {}", self.argv.join(" "))
    }
}

fn configure(me: &str, st: &ProcState, ctx: &mut ProcessCtx, log: &mut String) {
    let dir = "/docker-entrypoint.d";
    let mut files: Vec<(String, u32)> = ctx.fs.list(dir).unwrap_or_default().into_iter().filter(|(_, m)| !m.is_dir).map(|(n, m)| (n, m.mode)).collect();
    files.sort();
    if files.is_empty() {
        log.push_str(&format!("{me}: No files found in /docker-entrypoint.d/, skipping configuration\n"));
        return;
    }
    log.push_str(&format!("{me}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n"));
    log.push_str(&format!("{me}: Looking for shell scripts in /docker-entrypoint.d/\n"));
    for (name, mode) in files {
        let f = format!("/docker-entrypoint.d/{name}");
        let exec = mode & 0o111 != 0;
        if name.ends_with(".envsh") {
            log.push_str(&if exec { format!("{me}: Sourcing {f}\n") } else { format!("{me}: Ignoring {f}, not executable\n") });
        } else if name.ends_with(".sh") {
            if !exec {
                log.push_str(&format!("{me}: Ignoring {f}, not executable\n"));
                continue;
            }
            log.push_str(&format!("{me}: Launching {f}\n"));
            if name == "10-listen-on-ipv6-by-default.sh" {
                listen_ipv6(&name, ctx, log);
            }
        } else {
            log.push_str(&format!("{me}: Ignoring {f}\n"));
        }
    }
    let _ = st;
    log.push_str(&format!("{me}: Configuration complete; ready for start up\n"));
}

/// What 10-listen-on-ipv6-by-default.sh does and says.
fn listen_ipv6(me: &str, ctx: &mut ProcessCtx, log: &mut String) {
    let conf = "/etc/nginx/conf.d/default.conf";
    let Ok(text) = ctx.fs.read_string(conf) else {
        log.push_str(&format!("{me}: info: {conf} is not a file or does not exist\n"));
        return;
    };
    let now = ctx.now_ms;
    if ctx.fs.append(conf, b"", now).is_err() {
        log.push_str(&format!("{me}: info: can not modify {conf} (read-only file system?)\n"));
        return;
    }
    if text.contains("listen  [::]:80;") {
        log.push_str(&format!("{me}: info: IPv6 listen already enabled\n"));
        return;
    }
    log.push_str(&format!("{me}: info: Getting the checksum of {conf}\n"));
    if text != DEFAULT_CONF {
        log.push_str(&format!("{me}: info: {conf} differs from the packaged version\n"));
        return;
    }
    let edited = text.replacen("listen       80;", "listen       80;\n    listen  [::]:80;", 1);
    let _ = ctx.fs.write(conf, edited.as_bytes(), now);
    log.push_str(&format!("{me}: info: Enabled listen on IPv6 in {conf}\n"));
}

#[derive(Debug, PartialEq)]
enum Phase {
    Start,
    Binding { attempt: u32, next_ms: u64 },
    Running,
}

#[derive(Debug)]
pub struct Nginx {
    argv: Vec<String>,
    phase: Phase,
    cfg: Config,
    requests: u64,
    connections: u64,
    workers: Vec<u32>,
}

pub fn start(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Nginx { argv, phase: Phase::Start, cfg: Config::default(), requests: 0, connections: 0, workers: Vec::new() })
}

impl Nginx {
    fn emerg(&self, st: &mut ProcState, ctx: &mut ProcessCtx, msg: &str) {
        let t = log_time(ctx.now_ms);
        err(st, ctx, &format!("{t} [emerg] 1#1: {msg}\nnginx: [emerg] {msg}\n"));
    }

    fn notice(&self, st: &mut ProcState, ctx: &mut ProcessCtx, pid: u32, msg: &str) {
        let t = log_time(ctx.now_ms);
        err(st, ctx, &format!("{t} [notice] {pid}#{pid}: {msg}\n"));
    }

    fn conf_path(&self) -> String {
        self.argv.windows(2).find(|w| w[0] == "-c").map(|w| w[1].clone()).unwrap_or_else(|| "/etc/nginx/nginx.conf".into())
    }

    /// Options that end at once: -v, -V, -t, -T, and daemon mode.
    fn one_shot(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx) -> Option<i32> {
        let has = |f: &str| self.argv.iter().skip(1).any(|a| a == f);
        if has("-v") || has("-V") {
            err(st, ctx, &format!("nginx version: nginx/{NGINX_VERSION}\n"));
            if has("-V") {
                err(st, ctx, "built by gcc 12.2.0 (Debian 12.2.0-14)\nbuilt with OpenSSL 3.0.15 3 Sep 2024\nTLS SNI support enabled\n");
            }
            return Some(0);
        }
        if let Some(sig) = self.argv.windows(2).find(|w| w[0] == "-s").map(|w| w[1].clone()) {
            // `nginx -s reload|stop|quit|reopen` signals the master (PID 1 in the container).
            let signal = match sig.as_str() {
                "reload" => Signal::Hup,
                "stop" => Signal::Term,
                "quit" => Signal::Quit,
                "reopen" => return Some(0),
                other => {
                    err(st, ctx, &format!("nginx: invalid option: \"-s {other}\"\n"));
                    return Some(1);
                }
            };
            let t = log_time(ctx.now_ms);
            err(st, ctx, &format!("{t} [notice] {pid}#{pid}: signal process started\n", pid = st.pid));
            if st.pid1 {
                st.self_signals.push(signal);
            } else {
                st.pid1_signals.push(signal);
            }
            return Some(0);
        }
        let path = self.conf_path();
        let cfg = load(&ctx.fs, &path);
        if has("-t") || has("-T") {
            return Some(match cfg {
                Ok(_) => {
                    err(st, ctx, &format!("nginx: the configuration file {path} syntax is ok\nnginx: configuration file {path} test is successful\n"));
                    0
                }
                Err(e) => {
                    err(st, ctx, &format!("nginx: [emerg] {}\nnginx: configuration file {path} test failed\n", e.0));
                    1
                }
            });
        }
        match cfg {
            Ok(c) => self.cfg = c,
            Err(e) => {
                self.emerg(st, ctx, &e.0);
                return Some(1);
            }
        }
        let daemon_off = self.argv.windows(2).any(|w| w[0] == "-g" && w[1].replace(' ', "").contains("daemonoff;"));
        if !daemon_off {
            // The master forks into the background and the foreground process exits.
            return Some(0);
        }
        None
    }

    /// Try to bind every port still unbound; print the failures of this round.
    fn bind_round(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx) -> bool {
        let mut ok = true;
        let listens: Vec<(u16, bool)> = self.cfg.servers.iter().flat_map(|s| s.listens.iter().map(|(p, v6, _)| (*p, *v6))).collect();
        let mut seen: Vec<(u16, bool)> = Vec::new();
        for (port, v6) in listens {
            if seen.contains(&(port, v6)) {
                continue;
            }
            seen.push((port, v6));
            if st.ports.contains(&port) {
                continue;
            }
            let addr = if v6 { format!("[::]:{port}") } else { format!("0.0.0.0:{port}") };
            match ctx.net.listen(port) {
                Ok(()) => st.ports.push(port),
                Err(NetError::AddrInUse) | Err(_) => {
                    ok = false;
                    self.emerg(st, ctx, &format!("bind() to {addr} failed (98: Address already in use)"));
                }
            }
        }
        ok
    }

    /// One of ngx_open_listening_sockets' five rounds: bind, or log and retry in 500 ms.
    fn try_bind(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, attempt: u32) -> ProgramStep {
        if self.bind_round(st, ctx) {
            self.started(st, ctx);
            return ProgramStep::Idle(None);
        }
        self.notice(st, ctx, 1, "try again to bind() after 500ms");
        let next_ms = ctx.now_ms + 500;
        self.phase = Phase::Binding { attempt: attempt + 1, next_ms };
        ProgramStep::Idle(Some(next_ms))
    }

    fn started(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx) {
        self.notice(st, ctx, 1, "using the \"epoll\" event method");
        self.notice(st, ctx, 1, &format!("nginx/{NGINX_VERSION}"));
        // nginx prints the compiler string with a trailing space.
        let compiler = if st.base == Some(crate::image::Base::Alpine) { "gcc 14.2.0 (Alpine 14.2.0) " } else { "gcc 12.2.0 (Debian 12.2.0-14) " };
        self.notice(st, ctx, 1, &format!("built by {compiler}"));
        self.notice(st, ctx, 1, "OS: Linux 6.1.0-27-amd64");
        self.notice(st, ctx, 1, "getrlimit(RLIMIT_NOFILE): 1048576:1048576");
        self.notice(st, ctx, 1, "start worker processes");
        let n = self.cfg.worker_processes.unwrap_or(st.node_cpus.max(1)).clamp(1, 64);
        self.workers = (0..n).map(|i| 29 + i).collect();
        for w in self.workers.clone() {
            self.notice(st, ctx, 1, &format!("start worker process {w}"));
        }
        self.phase = Phase::Running;
    }
}

impl Program for Nginx {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        match self.phase {
            Phase::Start => {
                if let Some(code) = self.one_shot(st, ctx) {
                    return ProgramStep::Exited(code);
                }
                self.try_bind(st, ctx, 1)
            }
            Phase::Binding { attempt, next_ms } => {
                if ctx.now_ms < next_ms {
                    return ProgramStep::Idle(Some(next_ms));
                }
                if attempt > 5 {
                    self.emerg(st, ctx, "still could not bind()");
                    return ProgramStep::Exited(1);
                }
                self.try_bind(st, ctx, attempt)
            }
            Phase::Running => ProgramStep::Idle(None),
        }
    }

    fn signal(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> Option<i32> {
        if self.phase != Phase::Running {
            return Some(0);
        }
        let (name, how) = match sig {
            Signal::Term | Signal::Int => (if sig == Signal::Term { "signal 15 (SIGTERM)" } else { "signal 2 (SIGINT)" }, "exiting"),
            Signal::Quit => ("signal 3 (SIGQUIT)", "shutting down"),
            Signal::Hup => {
                self.notice(st, ctx, 1, "signal 1 (SIGHUP) received, reconfiguring");
                self.notice(st, ctx, 1, "reconfiguring");
                if let Ok(c) = load(&ctx.fs, &self.conf_path()) {
                    self.cfg = c;
                }
                return None;
            }
            Signal::Kill => return Some(137),
        };
        self.notice(st, ctx, 1, &format!("{name} received, {how}"));
        for w in self.workers.clone() {
            if sig == Signal::Quit {
                self.notice(st, ctx, w, "gracefully shutting down");
            }
            self.notice(st, ctx, w, "exiting");
            self.notice(st, ctx, w, "exit");
        }
        for w in self.workers.clone() {
            self.notice(st, ctx, 1, &format!("signal 17 (SIGCHLD) received from {w}"));
            self.notice(st, ctx, 1, &format!("worker process {w} exited with code 0"));
        }
        self.notice(st, ctx, 1, "exit");
        Some(0)
    }

    fn memory_bytes(&self) -> u64 {
        3 * 1024 * 1024 + self.workers.len() as u64 * 2560 * 1024
    }

    fn serve_http(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        if self.phase != Phase::Running {
            return None;
        }
        self.requests += 1;
        self.connections += 1;
        let resp = serve::handle(self, st, ctx, port, req);
        serve::access_log(self, st, ctx, req, &resp);
        Some(resp)
    }

    fn command_line(&self) -> String {
        "nginx: master process nginx -g daemon off;".into()
    }
}

mod serve;
