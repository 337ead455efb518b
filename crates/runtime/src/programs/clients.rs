//! The database images' client tools used by exec probes and exec sessions: `redis-cli`
//! (PING/GET/SET over TCP), `pg_isready` and `mysqladmin ping`, with their real output and
//! exit codes when the server is up or not (yet) listening.

use super::{err, out, Program, ProgramStep};
use crate::image::ProgramKind;
use crate::net::resolve_host;
use crate::process::{ProcState, ProcessCtx};

#[derive(Debug)]
pub struct Client {
    kind: ProgramKind,
    argv: Vec<String>,
}

pub fn client(kind: ProgramKind, argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Client { kind, argv })
}

/// Value of `-h HOST` / `-p PORT` style options (also `--host=`, `-hHOST`).
fn opt(argv: &[String], short: &str, long: &str) -> Option<String> {
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        if a == short || a == long {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix(&format!("{long}=")) {
            return Some(v.to_string());
        }
        if let Some(v) = a.strip_prefix(short).filter(|v| !v.is_empty() && !short.is_empty() && short.len() == 2) {
            return Some(v.to_string());
        }
    }
    None
}

impl Client {
    fn redis_cli(&self, st: &mut ProcState, ctx: &mut ProcessCtx) -> i32 {
        let host = opt(&self.argv, "-h", "--host").unwrap_or_else(|| "127.0.0.1".into());
        let port: u16 = opt(&self.argv, "-p", "--port").and_then(|p| p.parse().ok()).unwrap_or(6379);
        let words: Vec<String> = {
            let mut v = Vec::new();
            let mut it = self.argv.iter().skip(1);
            while let Some(a) = it.next() {
                if a == "-h" || a == "-p" || a == "-a" || a == "-n" {
                    it.next();
                } else if !a.starts_with('-') {
                    v.push(a.clone());
                }
            }
            v
        };
        let Some(cmd) = words.first() else {
            // No tty: the interactive prompt reads commands from stdin, which is at EOF.
            return 0;
        };
        let ip = resolve_host(ctx.net, &host).unwrap_or(host.clone());
        let payload = format!("{}\r\n", words.join(" "));
        match ctx.net.tcp_exchange(&ip, port, payload.as_bytes()) {
            Ok(reply) => {
                let text = String::from_utf8_lossy(&reply).into_owned();
                let shown = if let Some(s) = text.strip_prefix('+') {
                    s.trim_end().to_string()
                } else if let Some(e) = text.strip_prefix('-') {
                    format!("(error) {}", e.trim_end())
                } else if let Some(n) = text.strip_prefix(':') {
                    format!("(integer) {}", n.trim_end())
                } else if text.starts_with("$-1") {
                    "(nil)".to_string()
                } else if text.starts_with('$') {
                    format!("\"{}\"", text.split("\r\n").nth(1).unwrap_or(""))
                } else {
                    text.trim_end().to_string()
                };
                let _ = cmd;
                out(st, ctx, &format!("{shown}\n"));
                0
            }
            Err(_) => {
                err(st, ctx, &format!("Could not connect to Redis at {host}:{port}: Connection refused\n"));
                1
            }
        }
    }

    fn pg_isready(&self, st: &mut ProcState, ctx: &mut ProcessCtx) -> i32 {
        let host = opt(&self.argv, "-h", "--host");
        let port: u16 = opt(&self.argv, "-p", "--port").and_then(|p| p.parse().ok()).unwrap_or(5432);
        let shown = match &host {
            Some(h) => format!("{h}:{port}"),
            None => format!("/var/run/postgresql:{port}"),
        };
        let ip = resolve_host(ctx.net, host.as_deref().unwrap_or("127.0.0.1")).unwrap_or_default();
        let quiet = self.argv.iter().any(|a| a == "-q" || a == "--quiet");
        let (msg, code) = match ctx.net.connect(&ip, port) {
            Ok(()) => ("accepting connections", 0),
            Err(_) => ("no response", 2),
        };
        if !quiet {
            out(st, ctx, &format!("{shown} - {msg}\n"));
        }
        code
    }

    fn mysqladmin(&self, st: &mut ProcState, ctx: &mut ProcessCtx) -> i32 {
        let host = opt(&self.argv, "-h", "--host").unwrap_or_else(|| "localhost".into());
        let port: u16 = opt(&self.argv, "-P", "--port").and_then(|p| p.parse().ok()).unwrap_or(3306);
        if !self.argv.iter().any(|a| a == "ping") {
            err(st, ctx, "mysqladmin: no command given\n");
            return 1;
        }
        let ip = resolve_host(ctx.net, &host).unwrap_or_default();
        match ctx.net.connect(&ip, port) {
            Ok(()) => {
                out(st, ctx, "mysqld is alive\n");
                0
            }
            Err(_) => {
                let target = if host == "localhost" { "server at 'localhost'".to_string() } else { format!("server at '{host}'") };
                let why = if host == "localhost" {
                    "Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)".to_string()
                } else {
                    format!("Can't connect to MySQL server on '{host}:{port}' (111)")
                };
                err(st, ctx, &format!("mysqladmin: connect to {target} failed\nerror: '{why}'\nCheck that mysqld is running and that the socket: '/var/run/mysqld/mysqld.sock' exists!\n"));
                1
            }
        }
    }
}

impl Program for Client {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        let code = match self.kind {
            ProgramKind::RedisCli => self.redis_cli(st, ctx),
            ProgramKind::PgIsReady => self.pg_isready(st, ctx),
            _ => self.mysqladmin(st, ctx),
        };
        ProgramStep::Exited(code)
    }
    fn memory_bytes(&self) -> u64 {
        1024 * 1024
    }
    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}
