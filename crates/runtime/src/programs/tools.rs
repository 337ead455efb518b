//! curl 8 as a program (curlimages/curl, and the copy in the nginx and python images) with
//! its error codes and messages (`curl: (7) Failed to connect to localhost port 8080 after 0
//! ms: Couldn't connect to server`, `(6) Could not resolve host`, `(22)` with `-f`), the
//! progress meter it prints when stdout is not a terminal, `-I`, `-i`, `-o`, `-w`, `-v`;
//! plus the failures of files that cannot be executed.

use super::{err, out, Program, ProgramStep};
use crate::net::{reason_phrase, resolve_host, HttpRequest, HttpResponse, NetError};
use crate::process::{ProcState, ProcessCtx};

/// Linux gives up on an unanswered SYN after about this long.
const OS_CONNECT_TIMEOUT_MS: u64 = 130_000;

#[derive(Debug, Default)]
struct Opts {
    silent: bool,
    show_error: bool,
    fail: bool,
    head: bool,
    include: bool,
    verbose: bool,
    output: Option<String>,
    write_out: Option<String>,
    method: Option<String>,
    headers: Vec<(String, String)>,
    data: Option<String>,
    timeout_ms: Option<u64>,
    url: Option<String>,
}

#[derive(Debug)]
pub struct Curl {
    argv: Vec<String>,
    /// A connect that times out blocks until this time, then reports.
    pending_timeout: Option<(u64, String)>,
    /// A response the server needs time for (a throttled CPU): shown at this time.
    pending_response: Option<(u64, Pending)>,
}

/// An answered request waiting for its simulated arrival.
#[derive(Debug)]
struct Pending {
    host: String,
    ip: String,
    port: u16,
    req: HttpRequest,
    resp: HttpResponse,
}

pub fn curl(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Curl { argv, pending_timeout: None, pending_response: None })
}

fn secs_ms(s: &str) -> Option<u64> {
    crate::shell::duration_ms(s)
}

fn parse(argv: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        let next = argv.get(i + 1).cloned();
        let mut takes = true;
        match a {
            "-o" | "--output" => o.output = next,
            "-w" | "--write-out" => o.write_out = next,
            "-X" | "--request" => o.method = next,
            "-H" | "--header" => {
                if let Some((k, v)) = next.as_deref().and_then(|h| h.split_once(':')) {
                    o.headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "-d" | "--data" | "--data-raw" => o.data = next,
            "-m" | "--max-time" | "--connect-timeout" => o.timeout_ms = next.as_deref().and_then(secs_ms),
            "-A" | "--user-agent" | "-u" | "--user" | "-e" | "--retry" => {}
            _ => {
                takes = false;
                if let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-') && !f.is_empty()) {
                    for f in flags.chars() {
                        match f {
                            's' => o.silent = true,
                            'S' => o.show_error = true,
                            'f' => o.fail = true,
                            'I' => o.head = true,
                            'i' => o.include = true,
                            'v' => o.verbose = true,
                            'L' | 'k' | 'O' => {}
                            other => return Err(format!("curl: option -{other}: is unknown")),
                        }
                    }
                } else {
                    match a {
                        "--silent" => o.silent = true,
                        "--show-error" => o.show_error = true,
                        "--fail" => o.fail = true,
                        "--head" => o.head = true,
                        "--include" => o.include = true,
                        "--verbose" => o.verbose = true,
                        "--location" | "--insecure" => {}
                        _ if a.starts_with("--") => return Err(format!("curl: option {a}: is unknown")),
                        _ => o.url = Some(a.to_string()),
                    }
                }
            }
        }
        i += if takes { 2 } else { 1 };
    }
    Ok(o)
}

fn speed(bytes: u64, ms: u64) -> String {
    let per_s = bytes * 1000 / ms.max(1);
    if per_s < 100_000 {
        per_s.to_string()
    } else if per_s < 100 * 1024 * 1024 {
        format!("{}k", per_s / 1024)
    } else {
        format!("{}M", per_s / (1024 * 1024))
    }
}

/// The curl an image ships: Debian bookworm's package (nginx, python, postgres images) or the
/// current release (curlimages/curl, Alpine-based images).
fn curl_version(st: &ProcState) -> &'static str {
    if st.base == Some(crate::image::Base::Debian) {
        "7.88.1"
    } else {
        "8.12.1"
    }
}

impl Curl {
    fn fail(&self, st: &mut ProcState, ctx: &mut ProcessCtx, o: &Opts, code: i32, msg: &str) -> ProgramStep {
        if !o.silent || o.show_error {
            err(st, ctx, &format!("curl: ({code}) {msg}\n"));
        }
        ProgramStep::Exited(code)
    }

    fn run(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, o: &Opts) -> ProgramStep {
        let Some(url_text) = o.url.clone() else {
            err(st, ctx, "curl: try 'curl --help' or 'curl --manual' for more information\n");
            return ProgramStep::Exited(2);
        };
        let Some(url) = crate::shell::parse_http_url(&url_text) else {
            return self.fail(st, ctx, o, 3, "URL rejected: Bad hostname");
        };
        let (host, port, path) = url;
        let ip = match resolve_host(ctx.net, &host) {
            Ok(ip) => ip,
            Err(_) => return self.fail(st, ctx, o, 6, &format!("Could not resolve host: {host}")),
        };
        if o.verbose {
            err(st, ctx, &format!("*   Trying {ip}:{port}...\n"));
        }
        let mut req = HttpRequest::get(&format!("{host}{}", if port == 80 { String::new() } else { format!(":{port}") }), &path);
        req.method = o.method.clone().unwrap_or_else(|| if o.head { "HEAD".into() } else if o.data.is_some() { "POST".into() } else { "GET".into() });
        req.headers.push(("User-Agent".into(), format!("curl/{}", curl_version(st))));
        req.headers.push(("Accept".into(), "*/*".into()));
        req.headers.extend(o.headers.iter().cloned());
        req.body = o.data.clone().unwrap_or_default().into_bytes();
        let resp = match ctx.net.http(&ip, port, &req) {
            Ok(r) => r,
            Err(NetError::TimedOut) => {
                let wait = o.timeout_ms.unwrap_or(OS_CONNECT_TIMEOUT_MS);
                let msg = match o.timeout_ms {
                    Some(ms) => format!("28\u{0}Connection timed out after {ms} milliseconds"),
                    None => format!("28\u{0}Failed to connect to {host} port {port} after {wait} ms: Couldn't connect to server"),
                };
                self.pending_timeout = Some((ctx.now_ms + wait, msg));
                return ProgramStep::Idle(Some(ctx.now_ms + wait));
            }
            Err(NetError::ConnectionReset) => return self.fail(st, ctx, o, 52, "Empty reply from server"),
            Err(NetError::HostUnreachable) => return self.fail(st, ctx, o, 7, &format!("Failed to connect to {host} port {port} after 3 ms: Couldn't connect to server")),
            Err(_) => return self.fail(st, ctx, o, 7, &format!("Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server")),
        };
        // A slow (throttled) server: -m gives up first, otherwise the answer arrives later.
        if let Some(limit) = o.timeout_ms.filter(|t| resp.processing_ms > *t) {
            let msg = format!("28\u{0}Operation timed out after {limit} milliseconds with 0 bytes received");
            self.pending_timeout = Some((ctx.now_ms + limit, msg));
            return ProgramStep::Idle(Some(ctx.now_ms + limit));
        }
        if resp.processing_ms > 1 {
            let at = ctx.now_ms + resp.processing_ms;
            self.pending_response = Some((at, Pending { host, ip, port, req, resp }));
            return ProgramStep::Idle(Some(at));
        }
        self.deliver(st, ctx, o, &host, &ip, port, &req, resp)
    }

    #[allow(clippy::too_many_arguments)]
    fn deliver(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, o: &Opts, host: &str, ip: &str, port: u16, req: &HttpRequest, resp: HttpResponse) -> ProgramStep {
        if o.verbose {
            let ua = curl_version(st);
            let mut v = format!("* Connected to {host} ({ip}) port {port}\n> {} {} HTTP/1.1\n> Host: {}\n> User-Agent: curl/{ua}\n> Accept: */*\n>\n", req.method, req.path, req.host);
            v.push_str(&format!("< HTTP/1.1 {} {}\n", resp.status, reason_phrase(resp.status)));
            for (k, val) in &resp.headers {
                v.push_str(&format!("< {k}: {val}\n"));
            }
            v.push_str("<\n");
            err(st, ctx, &v);
        }
        if o.fail && resp.status >= 400 {
            return self.fail(st, ctx, o, 22, &format!("The requested URL returned error: {}", resp.status));
        }
        let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason_phrase(resp.status));
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut body_out = String::new();
        if o.head || o.include {
            body_out.push_str(&head);
        }
        if !o.head {
            body_out.push_str(&String::from_utf8_lossy(&resp.body));
        }
        let shown = body_out.len() as u64;
        if !o.silent && (!st.tty || o.output.is_some()) {
            let sp = speed(shown, resp.processing_ms);
            err(st, ctx, &format!("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100 {shown:>5}  100 {shown:>5}    0     0 {sp:>6}      0 --:--:-- --:--:-- --:--:-- {sp:>6}\n"));
        }
        match &o.output {
            Some(f) if f != "-" => {
                let path = crate::fs::resolve_path(&st.cwd, f);
                let now = ctx.now_ms;
                if ctx.fs.write(&path, body_out.as_bytes(), now).is_err() {
                    return self.fail(st, ctx, o, 23, &format!("Failure writing output to destination, passed {shown} returned 0"));
                }
            }
            _ => out(st, ctx, &body_out),
        }
        if let Some(w) = &o.write_out {
            let total = format!("{}.{:06}", resp.processing_ms / 1000, (resp.processing_ms % 1000) * 1000);
            let text = w.replace("%{http_code}", &resp.status.to_string()).replace("%{size_download}", &resp.body.len().to_string()).replace("%{time_total}", &total).replace("\\n", "\n");
            out(st, ctx, &text);
        }
        ProgramStep::Exited(0)
    }
}

impl Program for Curl {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        let o = match parse(&self.argv) {
            Ok(o) => o,
            Err(msg) => {
                err(st, ctx, &format!("{msg}\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                return ProgramStep::Exited(2);
            }
        };
        if let Some((until, msg)) = self.pending_timeout.clone() {
            if ctx.now_ms < until {
                return ProgramStep::Idle(Some(until));
            }
            let (code, text) = msg.split_once('\u{0}').unwrap_or(("28", &msg));
            return self.fail(st, ctx, &o, code.parse().unwrap_or(28), text);
        }
        if let Some((at, p)) = self.pending_response.take() {
            if ctx.now_ms < at {
                let wake = Some(at);
                self.pending_response = Some((at, p));
                return ProgramStep::Idle(wake);
            }
            return self.deliver(st, ctx, &o, &p.host, &p.ip, p.port, &p.req, p.resp);
        }
        self.run(st, ctx, &o)
    }

    fn memory_bytes(&self) -> u64 {
        2 * 1024 * 1024
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

/// A file with the execute bit that is not a program (`exec format error`).
#[derive(Debug)]
pub struct Unrunnable {
    msg: String,
    code: i32,
}

impl Program for Unrunnable {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        err(st, ctx, &self.msg);
        ProgramStep::Exited(self.code)
    }
    fn memory_bytes(&self) -> u64 {
        0
    }
    fn command_line(&self) -> String {
        String::new()
    }
}

pub fn exec_format_error(path: &str) -> Box<dyn Program> {
    Box::new(Unrunnable { msg: format!("exec {path}: exec format error\n"), code: 255 })
}

pub fn bad_interpreter(path: &str, interp: &str) -> Box<dyn Program> {
    Box::new(Unrunnable { msg: { let _ = interp; format!("exec {path}: no such file or directory\n") }, code: 127 })
}
