//! `curl` in the lesson terminal (the learner's own machine, not a container): it reaches the
//! cluster only through the local ports `kubectl port-forward` listens on. Each request is
//! one connection the (backgrounded) port-forward accepts — it prints `Handling connection
//! for PORT` — and carries through the API server and the pod's kubelet into the pod
//! (`Simulation::port_forward_http`). When the kubelet cannot reach the pod's port, the
//! port-forward logs client-go's `an error occurred forwarding ...` and exits with
//! `error: lost connection to pod` (client-go closes the stream connection on a stream
//! error), while curl sees the connection close: `curl: (52) Empty reply from server`.

use crate::output::CommandOutput;
use crate::session::Session;
use podlab_runtime::net::reason_phrase;
use podlab_runtime::{HttpRequest, HttpResponse};
use podlab_sim::kubelet::portforward::PortForwardError;

/// The curl of the learner's machine (Ubuntu 24.04's package).
const CURL_VERSION: &str = "8.5.0";
/// The process id klog prints for the backgrounded `kubectl port-forward` (any stable value:
/// a real one differs every run).
const PORT_FORWARD_PID: u32 = 2417;

#[derive(Default)]
struct Opts {
    url: Option<String>,
    include: bool,
    head: bool,
    silent: bool,
    show_error: bool,
    verbose: bool,
    fail: bool,
    output: Option<String>,
    write_out: Option<String>,
    method: Option<String>,
    headers: Vec<(String, String)>,
}

/// Applies one option; `value` is its argument when it takes one.
fn apply(o: &mut Opts, flag: &str, value: Option<&str>) -> Result<(), String> {
    let v = || value.map(str::to_string);
    match flag {
        "i" | "include" => o.include = true,
        "I" | "head" => o.head = true,
        "s" | "silent" => o.silent = true,
        "S" | "show-error" => o.show_error = true,
        "v" | "verbose" => o.verbose = true,
        "f" | "fail" => o.fail = true,
        "L" | "location" | "k" | "insecure" => {}
        "o" | "output" => o.output = v(),
        "w" | "write-out" => o.write_out = v(),
        "X" | "request" => o.method = v(),
        "m" | "max-time" | "connect-timeout" => {}
        "H" | "header" => {
            if let Some((k, val)) = value.and_then(|h| h.split_once(':')) {
                o.headers.push((k.trim().to_string(), val.trim().to_string()));
            }
        }
        other if other.chars().count() == 1 => return Err(format!("curl: option -{other}: is unknown")),
        other => return Err(format!("curl: option --{other}: is unknown")),
    }
    Ok(())
}

fn takes_value(flag: &str) -> bool {
    matches!(flag, "o" | "output" | "w" | "write-out" | "X" | "request" | "H" | "header" | "m" | "max-time" | "connect-timeout")
}

/// curl's command line: short options may be bundled (`-sS`, `-so FILE`).
fn parse(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        let flags: Vec<String> = if let Some(long) = a.strip_prefix("--") {
            vec![long.to_string()]
        } else if a.len() > 1 && a.starts_with('-') {
            a[1..].chars().map(String::from).collect()
        } else {
            o.url = Some(a.to_string());
            continue;
        };
        let last = flags.len().saturating_sub(1);
        for (n, f) in flags.iter().enumerate() {
            if takes_value(f) {
                // The rest of a bundle is the value (`-w%{http_code}`), else the next word.
                let inline: String = flags[n + 1..].concat();
                let value = if n < last { Some(inline) } else { args.get(i).cloned() };
                let Some(value) = value else { return Err(format!("curl: option -{f}: requires parameter")) };
                if n == last {
                    i += 1;
                }
                apply(&mut o, f, Some(&value))?;
                break;
            }
            apply(&mut o, f, None)?;
        }
    }
    Ok(o)
}

/// `curl [options] http://localhost:PORT/PATH` on the learner's machine.
pub fn curl(session: &mut Session, args: &[String], out: &mut CommandOutput) {
    let o = match parse(args) {
        Ok(o) => o,
        Err(msg) => {
            out.err(&format!("{msg}\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
            out.exit_code = 2;
            return;
        }
    };
    let Some(url) = o.url.clone() else {
        out.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
        out.exit_code = 2;
        return;
    };
    let Some((host, port, path)) = podlab_runtime::shell::parse_http_url(&url) else {
        return fail(out, &o, 3, "URL rejected: Bad hostname");
    };
    // kubectl listens on both loopbacks (`--address localhost`).
    let local = matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1");
    let forward = session.port_forwards.iter().find(|f| local && f.0 == port).cloned();
    let Some((_, ns, pod, remote)) = forward else {
        let shown = if local { "localhost" } else { host.as_str() };
        return fail(out, &o, 7, &format!("Failed to connect to {shown} port {port} after 0 ms: Couldn't connect to server"));
    };
    let req = request(&o, &host, port, &path);
    let name = host.trim_start_matches('[').trim_end_matches(']');
    if o.verbose {
        // `localhost` resolves to both loopbacks; curl tries IPv6 first and kubectl listens there.
        let addr = if name == "127.0.0.1" { "127.0.0.1" } else { "::1" };
        let trying = if addr.contains(':') { format!("[{addr}]") } else { addr.to_string() };
        out.err(&format!("*   Trying {trying}:{port}...\n* Connected to {name} ({addr}) port {port}\n"));
    }
    // The port-forward in the background accepts the connection before curl sends anything.
    // Its line reaches the terminal, not curl's stdout: a pipe (`| grep`) or a redirect
    // (`> page.html`) never sees it. Stderr is the channel that bypasses both here.
    out.err(&format!("Handling connection for {port}\n"));
    if o.verbose {
        out.err(&format!("> {} {} HTTP/1.1\n> Host: {}\n> User-Agent: curl/{CURL_VERSION}\n> Accept: */*\n>\n", req.method, req.path, req.host));
    }
    match session.sim.port_forward_http(&ns, &pod, remote, &req) {
        Ok(resp) => deliver(out, &o, &resp, name),
        Err(e) => {
            lost_connection(session, out, port, remote, &e);
            fail(out, &o, 52, "Empty reply from server");
        }
    }
}

fn request(o: &Opts, host: &str, port: u16, path: &str) -> HttpRequest {
    let host_header = if port == 80 { host.to_string() } else { format!("{host}:{port}") };
    let mut req = HttpRequest::get(&host_header, path);
    req.method = o.method.clone().unwrap_or_else(|| if o.head { "HEAD".into() } else { "GET".into() });
    req.headers.push(("User-Agent".into(), format!("curl/{CURL_VERSION}")));
    req.headers.push(("Accept".into(), "*/*".into()));
    req.headers.extend(o.headers.iter().cloned());
    req
}

/// curl's error line (hidden by `-s` unless `-S`) and exit code.
fn fail(out: &mut CommandOutput, o: &Opts, code: i32, msg: &str) {
    if !o.silent || o.show_error {
        out.err(&format!("curl: ({code}) {msg}\n"));
    }
    out.exit_code = code;
}

/// Prints the response as curl does: `-v` headers on stderr, `-i`/`-I` headers with the body,
/// `-o FILE` elsewhere (only `/dev/null` and `-` exist on this machine's terminal), `-w`.
fn deliver(out: &mut CommandOutput, o: &Opts, resp: &HttpResponse, host: &str) {
    if o.verbose {
        let mut v = format!("< HTTP/1.1 {} {}\n", resp.status, reason_phrase(resp.status));
        for (k, val) in &resp.headers {
            v.push_str(&format!("< {k}: {val}\n"));
        }
        v.push_str("<\n");
        out.err(&v);
    }
    if o.fail && resp.status >= 400 {
        return fail(out, o, 22, &format!("The requested URL returned error: {}", resp.status));
    }
    let mut shown = String::new();
    if o.include || o.head {
        shown.push_str(&format!("HTTP/1.1 {} {}\n", resp.status, reason_phrase(resp.status)));
        for (k, v) in &resp.headers {
            shown.push_str(&format!("{k}: {v}\n"));
        }
        shown.push('\n');
    }
    if !o.head {
        shown.push_str(&String::from_utf8_lossy(&resp.body));
    }
    match o.output.as_deref() {
        None | Some("-") => out.out(&shown),
        Some("/dev/null") => {}
        Some(f) => return fail(out, o, 23, &format!("Failure writing output to destination, passed {} returned 0: {f}", shown.len())),
    }
    if let Some(w) = &o.write_out {
        out.out(&w.replace("%{http_code}", &resp.status.to_string()).replace("%{size_download}", &resp.body.len().to_string()).replace("\\n", "\n"));
    }
    if o.verbose {
        out.err(&format!("* Connection #0 to host {host} left intact\n"));
    }
}

/// The port-forward side of a failed connection: client-go's `HandleError` log line (klog
/// header: severity, date, time, pid, source line), then kubectl exits and the port is free.
fn lost_connection(session: &mut Session, out: &mut CommandOutput, local: u16, remote: u16, e: &PortForwardError) {
    if let PortForwardError::Dial(msg) = e {
        let (now, epoch) = (session.sim.now(), session.sim.epoch());
        let stamp = epoch.rfc3339_micro(now);
        // `2026-11-24T03:13:05.123456Z` -> `1124 03:13:05.123456`
        let (date, time) = stamp.trim_end_matches('Z').split_once('T').unwrap_or((stamp.as_str(), ""));
        let md: String = date.split('-').skip(1).collect();
        let err = format!("an error occurred forwarding {local} -> {remote}: {msg}").replace('\\', "\\\\").replace('"', "\\\"");
        out.err(&format!("E{md} {time} {PORT_FORWARD_PID:>7} portforward.go:424] \"Unhandled Error\" err=\"{err}\"\n"));
    }
    out.err("error: lost connection to pod\n");
    session.port_forwards.retain(|f| f.0 != local);
}

impl Session {
    /// One GET of `path` through the forwarded local port `local_port` (the UI's "open
    /// http://localhost:PORT"): the status and body, or why nothing came back. A failed
    /// connection ends that port-forward, as it ends kubectl's.
    pub fn forward_http(&mut self, local_port: u16, path: &str) -> Result<(u16, String), String> {
        let Some((_, ns, pod, remote)) = self.port_forwards.iter().find(|f| f.0 == local_port).cloned() else {
            return Err(format!("Failed to connect to localhost port {local_port}: Couldn't connect to server"));
        };
        let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
        let req = request(&Opts::default(), "localhost", local_port, &path);
        match self.sim.port_forward_http(&ns, &pod, remote, &req) {
            Ok(resp) => Ok((resp.status, String::from_utf8_lossy(&resp.body).into_owned())),
            Err(e) => {
                self.port_forwards.retain(|f| f.0 != local_port);
                Err(match e {
                    PortForwardError::Dial(msg) => format!("an error occurred forwarding {local_port} -> {remote}: {msg}"),
                    PortForwardError::Api(_) => "lost connection to pod".to_string(),
                })
            }
        }
    }
}
