//! The database images: redis-server (startup banner, port 6379, PING/SET/GET over TCP,
//! shutdown lines), the postgres and mysql docker entrypoints (the real "password is not
//! specified" errors, first-run initialisation that leaves its mark in the data directory so
//! a persistent volume skips it next time) and their servers listening on 5432/3306.

use super::{err, out, Program, ProgramStep};
use crate::clock::{strftime, MONTHS};
use crate::image::ProgramKind;
use crate::net::NetError;
use crate::process::{ProcState, ProcessCtx, Signal};
use std::collections::BTreeMap;

/// The entrypoint scripts: check the environment, then exec the server.
#[derive(Debug)]
pub struct Entrypoint {
    kind: ProgramKind,
    argv: Vec<String>,
}

pub fn entrypoint(kind: ProgramKind, argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Entrypoint { kind, argv })
}

const PG_NO_PASSWORD: &str = "Error: Database is uninitialized and superuser password is not specified.
       You must specify POSTGRES_PASSWORD to a non-empty value for the
       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".

       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all
       connections without a password. This is *not* recommended.

       See PostgreSQL documentation about \"trust\":
       https://www.postgresql.org/docs/current/auth-trust.html
";

fn mysql_note(ms: u64, level: &str, msg: &str) -> String {
    format!("{} [{level}] [Entrypoint]: {msg}\n", strftime("%Y-%m-%d %H:%M:%S+00:00", ms))
}

fn set(st: &ProcState, key: &str) -> bool {
    st.getenv(key).is_some_and(|v| !v.is_empty())
}

impl Program for Entrypoint {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        let mut rest: Vec<String> = self.argv.iter().skip(1).cloned().collect();
        let first = rest.first().cloned().unwrap_or_default();
        match self.kind {
            ProgramKind::RedisEntrypoint
                if (first.starts_with('-') || first.ends_with(".conf") || first.is_empty()) => {
                    rest.insert(0, "redis-server".into());
                }
            ProgramKind::PostgresEntrypoint => {
                if first.starts_with('-') || first.is_empty() {
                    rest.insert(0, "postgres".into());
                }
                let pgdata = st.getenv("PGDATA").unwrap_or("/var/lib/postgresql/data").to_string();
                let initialized = ctx.fs.exists(&format!("{pgdata}/PG_VERSION"));
                let trust = st.getenv("POSTGRES_HOST_AUTH_METHOD") == Some("trust");
                if rest[0] == "postgres" && !initialized && !set(st, "POSTGRES_PASSWORD") && !trust {
                    err(st, ctx, PG_NO_PASSWORD);
                    return ProgramStep::Exited(1);
                }
            }
            ProgramKind::MysqlEntrypoint => {
                if first.starts_with('-') || first.is_empty() {
                    rest.insert(0, "mysqld".into());
                }
                let version = st.getenv("MYSQL_VERSION").unwrap_or("8.4.4-1.el9").to_string();
                let started = format!("Entrypoint script for MySQL Server {version} started.");
                let now = ctx.now_ms;
                out(st, ctx, &mysql_note(now, "Note", &started));
                out(st, ctx, &mysql_note(now, "Note", "Switching to dedicated user 'mysql'"));
                out(st, ctx, &mysql_note(now, "Note", &started));
                let initialized = ctx.fs.exists("/var/lib/mysql/mysql");
                let has_pw = set(st, "MYSQL_ROOT_PASSWORD") || set(st, "MYSQL_ALLOW_EMPTY_PASSWORD") || set(st, "MYSQL_RANDOM_ROOT_PASSWORD");
                if rest[0] == "mysqld" && !initialized && !has_pw {
                    let msg = "Database is uninitialized and password option is not specified\n    You need to specify one of the following as an environment variable:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD";
                    err(st, ctx, &mysql_note(now, "ERROR", msg));
                    return ProgramStep::Exited(1);
                }
            }
            _ => {}
        }
        ProgramStep::Exec(rest)
    }
    fn memory_bytes(&self) -> u64 {
        700 * 1024
    }
    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

/// A server that binds one port after a start-up delay and then idles.
#[derive(Debug)]
pub struct Server {
    kind: ProgramKind,
    argv: Vec<String>,
    port: u16,
    ready_at_ms: Option<u64>,
    running: bool,
    memory_bytes: u64,
    kv: BTreeMap<String, String>,
}

fn server(kind: ProgramKind, argv: Vec<String>, default_port: u16, memory_bytes: u64) -> Box<dyn Program> {
    let port = argv.windows(2).find(|w| w[0] == "--port" || w[0] == "-p").and_then(|w| w[1].parse().ok()).unwrap_or(default_port);
    Box::new(Server { kind, argv, port, ready_at_ms: None, running: false, memory_bytes, kv: BTreeMap::new() })
}

pub fn redis(argv: Vec<String>) -> Box<dyn Program> {
    server(ProgramKind::Redis, argv, 6379, 3 * 1024 * 1024)
}
pub fn postgres(argv: Vec<String>) -> Box<dyn Program> {
    server(ProgramKind::Postgres, argv, 5432, 28 * 1024 * 1024)
}
pub fn mysqld(argv: Vec<String>) -> Box<dyn Program> {
    server(ProgramKind::Mysqld, argv, 3306, 380 * 1024 * 1024)
}

fn redis_time(ms: u64) -> String {
    let c = crate::clock::civil(ms);
    format!("{:02} {} {} {:02}:{:02}:{:02}.{:03}", c.day, MONTHS[(c.month - 1) as usize], c.year, c.hour, c.minute, c.second, c.millis)
}

fn pg_log(ms: u64, pid: u32, msg: &str) -> String {
    format!("{} UTC [{pid}] LOG:  {msg}\n", strftime("%Y-%m-%d %H:%M:%S", ms) + &format!(".{:03}", ms % 1000))
}

mod lines;

impl Program for Server {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if self.running {
            return ProgramStep::Idle(None);
        }
        let Some(ready) = self.ready_at_ms else {
            let delay = lines::starting(self, st, ctx);
            self.ready_at_ms = Some(ctx.now_ms + delay);
            return ProgramStep::Idle(Some(ctx.now_ms + delay));
        };
        if ctx.now_ms < ready {
            return ProgramStep::Idle(Some(ready));
        }
        match st.listen(ctx, self.port) {
            Ok(()) => {
                lines::ready(self, st, ctx);
                self.running = true;
                ProgramStep::Idle(None)
            }
            Err(NetError::AddrInUse) | Err(_) => ProgramStep::Exited(lines::bind_failed(self, st, ctx)),
        }
    }

    fn signal(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> Option<i32> {
        match sig {
            Signal::Term | Signal::Int | Signal::Quit => Some(lines::shutdown(self, st, ctx, sig)),
            Signal::Hup => None,
            Signal::Kill => Some(137),
        }
    }

    fn memory_bytes(&self) -> u64 {
        self.memory_bytes + self.kv.iter().map(|(k, v)| (k.len() + v.len()) as u64 + 64).sum::<u64>()
    }

    fn serve_tcp(&mut self, _st: &mut ProcState, _ctx: &mut ProcessCtx, _port: u16, payload: &[u8]) -> Option<Vec<u8>> {
        if self.kind != ProgramKind::Redis {
            return Some(Vec::new());
        }
        Some(lines::redis_reply(&mut self.kv, payload))
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}
