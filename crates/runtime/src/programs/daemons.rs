//! Helper images' programs: `stress` (allocates `--vm-bytes` per worker so the caller can
//! OOM-kill, burns CPU with `--cpu`), `python3 -m http.server`, the fluent-bit log shipper
//! (tails files and prints records), the socat ambassador (forwards a local port to a remote
//! host:port) and nginx-prometheus-exporter (turns stub_status into Prometheus text).

use super::{err, out, Program, ProgramStep};
use crate::clock::strftime;
use crate::net::{HttpRequest, HttpResponse, NetError};
use crate::process::{ProcState, ProcessCtx, Signal};

mod shipper;
pub use shipper::fluent_bit;

const STRESS_USAGE: &str = "`stress' imposes certain types of compute stress on your system\n\nUsage: stress [OPTION [ARG]] ...\n -?, --help         show this help statement\n     --version      show version statement\n -v, --verbose      be verbose\n -q, --quiet        be quiet\n -n, --dry-run      show what would have been done\n -t, --timeout N    timeout after N seconds\n     --backoff N    wait factor of N microseconds before work starts\n -c, --cpu N        spawn N workers spinning on sqrt()\n -i, --io N         spawn N workers spinning on sync()\n -m, --vm N         spawn N workers spinning on malloc()/free()\n     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)\n     --vm-stride B  touch a byte every B bytes (default is 4096)\n     --vm-hang N    sleep N secs before free (default none, 0 is inf)\n     --vm-keep      redirty memory instead of freeing and reallocating\n -d, --hdd N        spawn N workers spinning on write()/unlink()\n     --hdd-bytes B  write B bytes per hdd worker (default is 1GB)\n\nExample: stress --cpu 8 --io 4 --vm 2 --vm-bytes 128M --timeout 10s\n\nNote: Numbers may be suffixed with s,m,h,d,y (time) or B,K,M,G (size).\n";

/// `250M` -> bytes, stress's suffixes (powers of 1024).
pub fn size_bytes(s: &str) -> Option<u64> {
    let (num, mult) = match s.chars().last()? {
        'b' | 'B' => (&s[..s.len() - 1], 1),
        'k' | 'K' => (&s[..s.len() - 1], 1024),
        'm' | 'M' => (&s[..s.len() - 1], 1024 * 1024),
        'g' | 'G' => (&s[..s.len() - 1], 1024 * 1024 * 1024),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

fn secs(s: &str) -> Option<u64> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1),
        'm' => (&s[..s.len() - 1], 60),
        'h' => (&s[..s.len() - 1], 3600),
        'd' => (&s[..s.len() - 1], 86_400),
        _ => (s, 1),
    };
    num.parse::<u64>().ok()?.checked_mul(mult)
}

#[derive(Debug)]
pub struct Stress {
    argv: Vec<String>,
    cpu: u64,
    vm: u64,
    vm_bytes: u64,
    timeout_s: Option<u64>,
    started_ms: Option<u64>,
    allocated: bool,
}

pub fn stress(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Stress { argv, cpu: 0, vm: 0, vm_bytes: 256 * 1024 * 1024, timeout_s: None, started_ms: None, allocated: false })
}

/// Time for a vm worker to malloc and touch its bytes (~1 GiB per simulated second).
fn alloc_ms(bytes: u64) -> u64 {
    (bytes / (1024 * 1024)).max(1)
}

impl Stress {
    fn parse(&mut self) -> Result<(), String> {
        let a = &self.argv;
        let mut i = 1;
        while i < a.len() {
            let val = a.get(i + 1).cloned().unwrap_or_default();
            match a[i].as_str() {
                "-c" | "--cpu" => self.cpu = val.parse().map_err(|_| format!("invalid number in cpu: {val}"))?,
                "-m" | "--vm" => self.vm = val.parse().map_err(|_| format!("invalid number in vm: {val}"))?,
                "--vm-bytes" => self.vm_bytes = size_bytes(&val).ok_or_else(|| format!("invalid number in vm-bytes: {val}"))?,
                "-t" | "--timeout" => self.timeout_s = Some(secs(&val).ok_or_else(|| format!("invalid number in timeout: {val}"))?),
                "-i" | "--io" | "-d" | "--hdd" | "--vm-hang" | "--vm-stride" | "--backoff" | "--hdd-bytes" => {}
                "-v" | "--verbose" | "-q" | "--quiet" | "--vm-keep" | "-n" | "--dry-run" => {
                    i += 1;
                    continue;
                }
                "-?" | "--help" => return Err(String::new()),
                other => return Err(format!("unrecognized option: {other}")),
            }
            i += 2;
        }
        Ok(())
    }
}

impl Program for Stress {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        let now = ctx.now_ms;
        let Some(start) = self.started_ms else {
            if self.argv.len() <= 1 {
                out(st, ctx, STRESS_USAGE);
                return ProgramStep::Exited(0);
            }
            if let Err(e) = self.parse() {
                if e.is_empty() {
                    out(st, ctx, STRESS_USAGE);
                    return ProgramStep::Exited(0);
                }
                err(st, ctx, &format!("stress: FAIL: [1] (244) {e}\n"));
                return ProgramStep::Exited(1);
            }
            out(st, ctx, &format!("stress: info: [1] dispatching hogs: {} cpu, 0 io, {} vm, 0 hdd\n", self.cpu, self.vm));
            self.started_ms = Some(now);
            return ProgramStep::Idle(Some(now + alloc_ms(self.vm_bytes)));
        };
        if !self.allocated && now >= start + alloc_ms(self.vm_bytes) {
            self.allocated = true;
        }
        if let Some(t) = self.timeout_s {
            let end = start + t * 1000;
            if now >= end {
                out(st, ctx, &format!("stress: info: [1] successful run completed in {t}s\n"));
                return ProgramStep::Exited(0);
            }
            if self.cpu == 0 {
                return ProgramStep::Idle(Some(if self.allocated { end } else { (start + alloc_ms(self.vm_bytes)).min(end) }));
            }
        }
        if self.cpu > 0 {
            // Spinning on sqrt(): always runnable, uses all the CPU it is given.
            return ProgramStep::Yield;
        }
        if self.allocated {
            ProgramStep::Idle(None)
        } else {
            ProgramStep::Idle(Some(start + alloc_ms(self.vm_bytes)))
        }
    }

    fn memory_bytes(&self) -> u64 {
        let base = 300 * 1024;
        if self.allocated {
            base + self.vm * self.vm_bytes
        } else {
            base
        }
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

/// `python3 [-m http.server [PORT] [--bind ADDR] [--directory DIR]]`.
#[derive(Debug)]
pub struct Python {
    argv: Vec<String>,
    port: u16,
    dir: String,
    serving: bool,
    /// Block-buffered stdout (not a tty, no PYTHONUNBUFFERED): nothing reaches the log.
    held_stdout: String,
}

pub fn python(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Python { argv, port: 8000, dir: String::new(), serving: false, held_stdout: String::new() })
}

impl Program for Python {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if self.serving {
            return ProgramStep::Idle(None);
        }
        let args: Vec<String> = self.argv.iter().skip(1).cloned().collect();
        let is_server = args.windows(2).any(|w| w[0] == "-m" && w[1] == "http.server");
        if !is_server {
            if let Some(script) = args.iter().find(|a| !a.starts_with('-')) {
                let path = crate::fs::resolve_path(&st.cwd, script);
                if !ctx.fs.exists(&path) {
                    err(st, ctx, &format!("{}: can't open file '{path}': [Errno 2] No such file or directory\n", self.argv[0].rsplit('/').next().unwrap_or("python3")));
                    return ProgramStep::Exited(2);
                }
            }
            // Interactive interpreter without a terminal: reads stdin to EOF and exits.
            if !st.stdin_closed {
                return ProgramStep::Idle(None);
            }
            return ProgramStep::Exited(0);
        }
        let mut it = args.iter().skip_while(|a| *a != "http.server").skip(1);
        while let Some(a) = it.next() {
            match a.as_str() {
                "--directory" | "-d" => self.dir = it.next().cloned().unwrap_or_default(),
                "--bind" | "-b" => {
                    it.next();
                }
                p => self.port = p.parse().unwrap_or(self.port),
            }
        }
        if self.dir.is_empty() {
            self.dir = st.cwd.clone();
        }
        if let Err(e) = st.listen(ctx, self.port) {
            let msg = if e == NetError::AddrInUse { "[Errno 98] Address already in use" } else { "[Errno 99] Cannot assign requested address" };
            err(st, ctx, &format!("Traceback (most recent call last):\n  File \"<frozen runpy>\", line 198, in _run_module_as_main\n  File \"<frozen runpy>\", line 88, in _run_code\n  File \"/usr/local/lib/python3.13/http/server.py\", line 1323, in <module>\n    test(\nOSError: {msg}\n"));
            return ProgramStep::Exited(1);
        }
        let line = format!("Serving HTTP on 0.0.0.0 port {p} (http://0.0.0.0:{p}/) ...\n", p = self.port);
        if st.tty || st.getenv("PYTHONUNBUFFERED").is_some_and(|v| !v.is_empty()) {
            out(st, ctx, &line);
        } else {
            self.held_stdout.push_str(&line);
        }
        self.serving = true;
        ProgramStep::Idle(None)
    }

    fn memory_bytes(&self) -> u64 {
        14 * 1024 * 1024
    }

    fn serve_http(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        let path = req.path.split('?').next().unwrap_or("/");
        let full = crate::fs::resolve_path(&self.dir, path.trim_start_matches('/'));
        let (status, body, ctype) = if ctx.fs.is_dir(&full) {
            match ctx.fs.read(&format!("{}/index.html", full.trim_end_matches('/'))) {
                Ok(b) => (200, b, "text/html"),
                Err(_) => {
                    let entries = ctx.fs.list(&full).unwrap_or_default();
                    let items: String = entries.iter().map(|(n, m)| {
                        let n = if m.is_dir { format!("{n}/") } else { n.clone() };
                        format!("<li><a href=\"{n}\">{n}</a></li>\n")
                    }).collect();
                    let html = format!("<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Directory listing for {path}</title>\n</head>\n<body>\n<h1>Directory listing for {path}</h1>\n<hr>\n<ul>\n{items}</ul>\n<hr>\n</body>\n</html>\n");
                    (200, html.into_bytes(), "text/html; charset=utf-8")
                }
            }
        } else {
            match ctx.fs.read(&full) {
                Ok(b) => (200, b, "application/octet-stream"),
                Err(_) => (404, b"<!DOCTYPE HTML>\n<html lang=\"en\">\n    <head>\n        <meta charset=\"utf-8\">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: 404</p>\n        <p>Message: File not found.</p>\n        <p>Error code explanation: 404 - Nothing matches the given URI.</p>\n    </body>\n</html>\n".to_vec(), "text/html;charset=utf-8"),
            }
        };
        let remote = if req.remote_addr.is_empty() { "127.0.0.1" } else { &req.remote_addr };
        let t = strftime("%d/%b/%Y %H:%M:%S", ctx.now_ms);
        // http.server logs "-" for the size of every response.
        let size = "-";
        let line = if status == 404 {
            format!("{remote} - - [{t}] code 404, message File not found\n{remote} - - [{t}] \"{} {} HTTP/1.1\" 404 {size}\n", req.method, req.path)
        } else {
            format!("{remote} - - [{t}] \"{} {} HTTP/1.1\" {status} {size}\n", req.method, req.path)
        };
        err(st, ctx, &line);
        let mut r = HttpResponse::new(status, ctype, body);
        r.headers.insert(0, ("Server".into(), "SimpleHTTP/0.6 Python/3.13.2".into()));
        Some(r)
    }

    fn signal(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, sig: Signal) -> Option<i32> {
        // Python installs a SIGINT handler (KeyboardInterrupt) even as PID 1.
        if sig == Signal::Int && self.serving {
            err(st, ctx, "\nKeyboard interrupt received, exiting.\n");
            return Some(0);
        }
        super::default_signal(st, sig)
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

mod proxy;
pub use proxy::{exporter, socat};
