//! Network applets over the caller's `Network`: busybox wget, nc, nslookup and ping, with the
//! messages busybox prints ("wget: can't connect to remote host (10.96.0.10): Connection
//! refused", "wget: bad address 'db'", "** server can't find db: NXDOMAIN").

use super::{Applet, OneShot, Poll};
use crate::net::{reason_phrase, resolve_host, HttpRequest, NetError};
use crate::shell::io::{Input, Io};

pub const NAMES: &[&str] = &["wget", "nc", "nslookup", "ping"];

pub fn create(name: &str, args: &[String]) -> Option<Box<dyn Applet>> {
    let f: fn(&[String], &mut Io) -> i32 = match name {
        "wget" => wget,
        "nslookup" => nslookup,
        "nc" => return Some(Box::new(Nc { args: args.to_vec(), input: String::new() })),
        "ping" => return Some(Box::new(Ping { args: args.to_vec(), sent: 0, received: 0, rtts_us: Vec::new(), next_ms: None, target: None })),
        _ => return None,
    };
    let name = NAMES.iter().find(|n| **n == name).copied().unwrap_or("?");
    Some(Box::new(OneShot { name, args: args.to_vec(), f }))
}

/// A parsed `http://host:port/path` URL.
pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

pub fn parse_url(u: &str) -> Option<Url> {
    let rest = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://")).unwrap_or(u);
    let default_port = if u.starts_with("https://") { 443 } else { 80 };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().ok()?),
        None => (hostport.to_string(), default_port),
    };
    (!host.is_empty()).then_some(Url { host, port, path })
}

struct WgetOpts {
    quiet: bool,
    out_file: Option<String>,
    spider: bool,
    urls: Vec<String>,
}

fn wget_opts(args: &[String]) -> WgetOpts {
    let mut o = WgetOpts { quiet: false, out_file: None, spider: false, urls: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        match a {
            "-q" => o.quiet = true,
            "-O" => {
                o.out_file = args.get(i + 1).cloned();
                i += 1;
            }
            "--spider" => o.spider = true,
            "-T" | "-t" | "--timeout" | "-U" | "--header" => i += 1,
            _ if a.starts_with('-') && !a.starts_with("--") => {
                // Combined short flags: `-qO-`, `-qO file`, `-O/tmp/x`.
                for (k, c) in a.char_indices().skip(1) {
                    match c {
                        'q' => o.quiet = true,
                        'O' => {
                            let rest = &a[k + 1..];
                            if rest.is_empty() {
                                o.out_file = args.get(i + 1).cloned();
                                i += 1;
                            } else {
                                o.out_file = Some(rest.to_string());
                            }
                            break;
                        }
                        _ => {}
                    }
                }
            }
            _ if a.starts_with('-') => {}
            _ => o.urls.push(a.to_string()),
        }
        i += 1;
    }
    o
}

fn wget(args: &[String], io: &mut Io) -> i32 {
    let WgetOpts { quiet, out_file, spider, urls } = wget_opts(args);
    let Some(url) = urls.first().and_then(|u| parse_url(u)) else {
        io.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n");
        return 1;
    };
    let ip = match resolve_host(io.ctx.net, &url.host) {
        Ok(ip) => ip,
        Err(_) => {
            io.err(&format!("wget: bad address '{}'\n", url.host));
            return 1;
        }
    };
    if !quiet {
        // busybox prints the host part of the URL as written (with its :port if any).
        let written = urls[0].split("://").last().unwrap_or("").split('/').next().unwrap_or("");
        io.err(&format!("Connecting to {written} ({ip}:{})\n", url.port));
    }
    let mut req = HttpRequest::get(&url.host, &url.path);
    req.headers.push(("User-Agent".into(), "Wget".into()));
    let resp = match io.ctx.net.http(&ip, url.port, &req) {
        Ok(r) => r,
        Err(NetError::ConnectionReset) => {
            io.err("wget: error getting response: Connection reset by peer\n");
            return 1;
        }
        Err(e) => {
            io.err(&format!("wget: can't connect to remote host ({ip}): {e}\n"));
            return 1;
        }
    };
    if resp.status >= 400 {
        io.err(&format!("wget: server returned error: HTTP/1.1 {} {}\n", resp.status, reason_phrase(resp.status)));
        return 1;
    }
    if spider {
        if !quiet {
            io.err("remote file exists\n");
        }
        return 0;
    }
    let name = url.path.split('?').next().unwrap_or("").rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("index.html").to_string();
    let target = out_file.unwrap_or(name);
    let body = String::from_utf8_lossy(&resp.body).into_owned();
    if target == "-" {
        io.out(&body);
        return 0;
    }
    if !quiet {
        io.err(&format!("saving to '{target}'\n"));
    }
    let path = io.path(&target);
    let now = io.now_ms();
    if let Err(e) = io.ctx.fs.write(&path, &resp.body, now) {
        io.err(&format!("wget: can't open '{target}': {e}\n"));
        return 1;
    }
    if !quiet {
        io.err(&format!("{:<20} 100% |********************************| {:>5}  0:00:00 ETA\n'{target}' saved\n", target, resp.body.len()));
    }
    0
}

fn nslookup(args: &[String], io: &mut Io) -> i32 {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        io.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n");
        return 1;
    };
    let server = io.ctx.net.nameserver();
    let mut out = format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n");
    match resolve_host(io.ctx.net, name) {
        Ok(ip) => {
            let fqdn = io.ctx.net.canonical_name(name);
            out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n\n"));
        }
        Err(_) => {
            let fqdn = io.ctx.net.canonical_name(name);
            out.push_str(&format!("** server can't find {fqdn}: NXDOMAIN\n\n"));
        }
    }
    io.out(&out);
    // busybox's nslookup exits 0 even when the name does not resolve.
    0
}

/// `nc [-z] [-v] [-w N] HOST PORT`: send stdin, print the reply.
#[derive(Debug)]
struct Nc {
    args: Vec<String>,
    input: String,
}

impl Applet for Nc {
    fn may_connect(&self) -> bool {
        true
    }
    fn poll(&mut self, io: &mut Io) -> Poll {
        let flags: String = self.args.iter().filter(|a| a.starts_with('-')).flat_map(|a| a.chars().skip(1)).collect();
        let ops: Vec<&String> = self.args.iter().filter(|a| !a.starts_with('-') && a.parse::<u32>().is_err() || a.parse::<u16>().is_ok()).collect();
        if flags.contains('l') {
            io.err("nc: listening is not supported in this container\n");
            return Poll::Done(1);
        }
        let (Some(host), Some(port)) = (ops.first(), ops.get(1).and_then(|p| p.parse::<u16>().ok())) else {
            io.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\n");
            return Poll::Done(1);
        };
        let ip = match resolve_host(io.ctx.net, host) {
            Ok(ip) => ip,
            Err(_) => {
                io.err(&format!("nc: bad address '{host}'\n"));
                return Poll::Done(1);
            }
        };
        if flags.contains('z') {
            return Poll::Done(match io.ctx.net.connect(&ip, port) {
                Ok(()) => {
                    if flags.contains('v') {
                        io.err(&format!("{host} ({ip}:{port}) open\n"));
                    }
                    0
                }
                Err(e) => {
                    if flags.contains('v') {
                        io.err(&format!("nc: {host} ({ip}:{port}): {e}\n"));
                    }
                    1
                }
            });
        }
        match io.read() {
            Input::Data(d) => {
                self.input.push_str(&d);
                return Poll::Yield;
            }
            Input::Pending => return Poll::Wait,
            Input::Eof => {}
        }
        match io.ctx.net.tcp_exchange(&ip, port, self.input.as_bytes()) {
            Ok(reply) => {
                io.out(&String::from_utf8_lossy(&reply));
                Poll::Done(0)
            }
            Err(e) => {
                io.err(&format!("nc: can't connect to remote host ({ip}): {e}\n"));
                Poll::Done(1)
            }
        }
    }
}

/// `ping [-c N] HOST`: one echo request per simulated second.
#[derive(Debug)]
struct Ping {
    args: Vec<String>,
    sent: u32,
    received: u32,
    rtts_us: Vec<u64>,
    next_ms: Option<u64>,
    target: Option<(String, String)>,
}

fn us(v: u64) -> String {
    format!("{}.{:03}", v / 1000, v % 1000)
}

impl Applet for Ping {
    fn poll(&mut self, io: &mut Io) -> Poll {
        let count: Option<u32> = self.args.windows(2).find(|w| w[0] == "-c").and_then(|w| w[1].parse().ok());
        let Some(host) = self.args.iter().enumerate().filter(|(i, a)| !a.starts_with('-') && (*i == 0 || self.args[i - 1] != "-c")).map(|(_, a)| a.clone()).next_back() else {
            io.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n");
            return Poll::Done(1);
        };
        if self.target.is_none() {
            let ip = match resolve_host(io.ctx.net, &host) {
                Ok(ip) => ip,
                Err(_) => {
                    io.err(&format!("ping: bad address '{host}'\n"));
                    return Poll::Done(1);
                }
            };
            io.out(&format!("PING {host} ({ip}): 56 data bytes\n"));
            self.target = Some((host.clone(), ip));
        }
        let (_, ip) = self.target.clone().unwrap_or_default();
        if self.next_ms.is_some_and(|t| io.now_ms() < t) {
            return Poll::Sleep(self.next_ms.unwrap_or(0));
        }
        if count.is_some_and(|c| self.sent >= c) {
            let loss = ((self.sent - self.received) * 100).checked_div(self.sent).unwrap_or(0);
            let mut out = format!("\n--- {host} ping statistics ---\n{} packets transmitted, {} packets received, {loss}% packet loss\n", self.sent, self.received);
            if !self.rtts_us.is_empty() {
                let min = self.rtts_us.iter().min().copied().unwrap_or(0);
                let max = self.rtts_us.iter().max().copied().unwrap_or(0);
                let avg = self.rtts_us.iter().sum::<u64>() / self.rtts_us.len() as u64;
                out.push_str(&format!("round-trip min/avg/max = {}/{}/{} ms\n", us(min), us(avg), us(max)));
            }
            io.out(&out);
            return Poll::Done(if self.received > 0 { 0 } else { 1 });
        }
        if let Ok(rtt) = io.ctx.net.ping(&ip) {
            io.out(&format!("64 bytes from {ip}: seq={} ttl=64 time={} ms\n", self.sent, us(rtt)));
            self.received += 1;
            self.rtts_us.push(rtt);
        }
        self.sent += 1;
        let next = io.now_ms() + 1000;
        self.next_ms = Some(next);
        Poll::Sleep(next)
    }
}
