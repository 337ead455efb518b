//! What the database servers print: redis's banner and shutdown sequence, postgres's initdb
//! and "ready to accept connections" lines, mysqld's initialisation notes; plus the small RESP
//! command set redis answers (PING, ECHO, SET, GET, DEL) over `nc`/probes.

use super::{mysql_note, pg_log, redis_time, Server};
use crate::image::ProgramKind;
use crate::process::{ProcState, ProcessCtx, Signal};
use crate::programs::{err, out};
use std::collections::BTreeMap;

/// Print the start-up lines; returns the delay until the port is bound.
pub fn starting(s: &mut Server, st: &mut ProcState, ctx: &mut ProcessCtx) -> u64 {
    let now = ctx.now_ms;
    match s.kind {
        ProgramKind::Redis => {
            let t = redis_time(now);
            let v = st.getenv("REDIS_VERSION").unwrap_or("7.4.2").to_string();
            let text = format!(
                "1:C {t} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n1:C {t} * Redis version={v}, bits=64, commit=00000000, modified=0, pid=1, just started\n1:C {t} # Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf\n1:M {t} * monotonic clock: POSIX clock_gettime\n"
            );
            out(st, ctx, &text);
            5
        }
        ProgramKind::Postgres => {
            let pgdata = st.getenv("PGDATA").unwrap_or("/var/lib/postgresql/data").to_string();
            let marker = format!("{pgdata}/PG_VERSION");
            if ctx.fs.exists(&marker) {
                out(st, ctx, "\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n");
                return 300;
            }
            let text = format!("The files belonging to this database system will be owned by user \"postgres\".\nThis user must also own the server process.\n\nThe database cluster will be initialized with locale \"en_US.utf8\".\nThe default database encoding has accordingly been set to \"UTF8\".\nThe default text search configuration will be set to \"english\".\n\nData page checksums are disabled.\n\nfixing permissions on existing directory {pgdata} ... ok\ncreating subdirectories ... ok\nselecting dynamic shared memory implementation ... posix\nselecting default \"max_connections\" ... 100\nselecting default \"shared_buffers\" ... 128MB\nselecting default time zone ... Etc/UTC\ncreating configuration files ... ok\nrunning bootstrap script ... ok\nperforming post-bootstrap initialization ... ok\nsyncing data to disk ... ok\n\n\nSuccess. You can now start the database server using:\n\n    pg_ctl -D {pgdata} -l logfile start\n\n");
            out(st, ctx, &text);
            err(st, ctx, "initdb: warning: enabling \"trust\" authentication for local connections\ninitdb: hint: You can change this by editing pg_hba.conf or using the option -A, or --auth-local and --auth-host, the next time you run initdb.\n");
            out(st, ctx, "waiting for server to start.... done\nserver started\n\n/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*\n\nwaiting for server to shut down.... done\nserver stopped\n\nPostgreSQL init process complete; ready for start up.\n\n");
            let _ = ctx.fs.mkdir_all(&pgdata, now);
            let _ = ctx.fs.write(&marker, b"17\n", now);
            2000
        }
        _ => {
            let initialized = ctx.fs.exists("/var/lib/mysql/mysql");
            let mut text = String::new();
            if !initialized {
                text.push_str(&mysql_note(now, "Note", "Initializing database files"));
                text.push_str(&mysql_note(now, "Note", "Database files initialized"));
                text.push_str(&mysql_note(now, "Note", "Starting temporary server"));
                text.push_str(&mysql_note(now, "Note", "Temporary server started."));
                text.push_str(&mysql_note(now, "Note", "Stopping temporary server"));
                text.push_str(&mysql_note(now, "Note", "Temporary server stopped"));
                text.push('\n');
                text.push_str(&mysql_note(now, "Note", "MySQL init process done. Ready for start up."));
                text.push('\n');
                let _ = ctx.fs.mkdir_all("/var/lib/mysql/mysql", now);
            }
            out(st, ctx, &text);
            if initialized { 1500 } else { 9000 }
        }
    }
}

fn mysql_ts(ms: u64) -> String {
    crate::clock::strftime("%Y-%m-%dT%H:%M:%S", ms) + &format!(".{:03}000Z", ms % 1000)
}

pub fn ready(s: &mut Server, st: &mut ProcState, ctx: &mut ProcessCtx) {
    let now = ctx.now_ms;
    let port = s.port;
    let text = match s.kind {
        ProgramKind::Redis => {
            let t = redis_time(now);
            format!("1:M {t} * Running mode=standalone, port={port}.\n1:M {t} * Server initialized\n1:M {t} * Ready to accept connections tcp\n")
        }
        ProgramKind::Postgres => {
            let mut t = pg_log(now, 1, "starting PostgreSQL 17.2 (Debian 17.2-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit");
            t.push_str(&pg_log(now, 1, &format!("listening on IPv4 address \"0.0.0.0\", port {port}")));
            t.push_str(&pg_log(now, 1, &format!("listening on IPv6 address \"::\", port {port}")));
            t.push_str(&pg_log(now, 1, &format!("listening on Unix socket \"/var/run/postgresql/.s.PGSQL.{port}\"")));
            t.push_str(&pg_log(now, 62, &format!("database system was shut down at {} UTC", crate::clock::strftime("%Y-%m-%d %H:%M:%S", now))));
            t.push_str(&pg_log(now, 1, "database system is ready to accept connections"));
            t
        }
        _ => format!(
            "{} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.4'  socket: '/var/run/mysqld/mysqld.sock'  port: {port}  MySQL Community Server - GPL.\n",
            mysql_ts(now)
        ),
    };
    match s.kind {
        ProgramKind::Postgres => err(st, ctx, &text),
        _ => out(st, ctx, &text),
    }
}

pub fn bind_failed(s: &mut Server, st: &mut ProcState, ctx: &mut ProcessCtx) -> i32 {
    let now = ctx.now_ms;
    let port = s.port;
    match s.kind {
        ProgramKind::Redis => {
            let t = redis_time(now);
            out(st, ctx, &format!("1:M {t} # Warning: Could not create server TCP listening socket *:{port}: bind: Address already in use\n1:M {t} # Failed listening on port {port} (tcp), aborting.\n"));
        }
        ProgramKind::Postgres => {
            let mut t = pg_log(now, 1, "could not bind IPv4 address \"0.0.0.0\": Address already in use");
            t.push_str(&format!("{} UTC [1] HINT:  Is another postmaster already running on port {port}? If not, wait a few seconds and retry.\n", crate::clock::strftime("%Y-%m-%d %H:%M:%S", now) + &format!(".{:03}", now % 1000)));
            t.push_str(&format!("{} UTC [1] FATAL:  could not create any TCP/IP sockets\n", crate::clock::strftime("%Y-%m-%d %H:%M:%S", now) + &format!(".{:03}", now % 1000)));
            err(st, ctx, &t);
        }
        _ => {
            out(st, ctx, &format!("{} 0 [ERROR] [MY-010262] [Server] Can't start server: Bind on TCP/IP port: Address already in use\n{} 0 [ERROR] [MY-010257] [Server] Do you already have another mysqld server running on port: {port} ?\n{} 0 [ERROR] [MY-010119] [Server] Aborting\n", mysql_ts(now), mysql_ts(now), mysql_ts(now)));
        }
    }
    1
}

pub fn shutdown(s: &mut Server, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> i32 {
    let now = ctx.now_ms;
    match s.kind {
        ProgramKind::Redis => {
            let t = redis_time(now);
            let name = if sig == Signal::Int { "SIGINT" } else { "SIGTERM" };
            out(st, ctx, &format!("1:signal-handler ({}) Received {name} scheduling shutdown...\n1:M {t} * User requested shutdown...\n1:M {t} * Saving the final RDB snapshot before exiting.\n1:M {t} * DB saved on disk\n1:M {t} # Redis is now ready to exit, bye bye...\n", now / 1000));
            0
        }
        ProgramKind::Postgres => {
            let kind = match sig {
                Signal::Int => "fast",
                Signal::Quit => "immediate",
                _ => "smart",
            };
            let mut t = pg_log(now, 1, &format!("received {kind} shutdown request"));
            t.push_str(&pg_log(now, 60, "shutting down"));
            t.push_str(&pg_log(now, 1, "database system is shut down"));
            err(st, ctx, &t);
            0
        }
        _ => {
            out(st, ctx, &format!("{} 0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.4.4).\n{} 0 [System] [MY-010910] [Server] /usr/sbin/mysqld: Shutdown complete (mysqld 8.4.4)  MySQL Community Server - GPL.\n", mysql_ts(now), mysql_ts(now)));
            0
        }
    }
}

/// Parse inline or RESP commands and answer them.
pub fn redis_reply(kv: &mut BTreeMap<String, String>, payload: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(payload);
    let mut out = String::new();
    let mut lines = text.split("\r\n").flat_map(|l| l.split('\n')).filter(|l| !l.is_empty()).peekable();
    while let Some(l) = lines.next() {
        let args: Vec<String> = if let Some(n) = l.strip_prefix('*') {
            let n: usize = n.parse().unwrap_or(0).min(64);
            let mut v = Vec::new();
            for _ in 0..n {
                let _len = lines.next();
                v.extend(lines.next().map(str::to_string));
            }
            v
        } else {
            l.split_whitespace().map(str::to_string).collect()
        };
        let Some(cmd) = args.first() else { continue };
        let reply = match (cmd.to_ascii_uppercase().as_str(), args.len()) {
            ("PING", 1) => "+PONG\r\n".to_string(),
            ("PING", _) | ("ECHO", 2) => format!("${}\r\n{}\r\n", args[1].len(), args[1]),
            ("SET", 3) => {
                kv.insert(args[1].clone(), args[2].clone());
                "+OK\r\n".to_string()
            }
            ("GET", 2) => match kv.get(&args[1]) {
                Some(v) => format!("${}\r\n{v}\r\n", v.len()),
                None => "$-1\r\n".to_string(),
            },
            ("DEL", n) if n > 1 => format!(":{}\r\n", args[1..].iter().filter(|k| kv.remove(*k).is_some()).count()),
            ("QUIT", _) => return (out + "+OK\r\n").into_bytes(),
            (c, _) => format!("-ERR unknown command '{}', with args beginning with: \r\n", c.to_ascii_lowercase()),
        };
        out.push_str(&reply);
    }
    out.into_bytes()
}
