//! The ambassador and adapter images. socat (`TCP-LISTEN:3306,fork TCP:db:3306`) binds a local
//! port and forwards each connection or HTTP request to the remote address, logging socat's
//! `E connect(...)` line when that fails. nginx-prometheus-exporter listens on :9113 and, per
//! scrape of /metrics, reads nginx's stub_status page and renders the Prometheus text format.

use crate::clock::strftime;
use crate::net::{resolve_host, HttpRequest, HttpResponse, NetError};
use crate::process::{ProcState, ProcessCtx};
use crate::programs::{err, Program, ProgramStep};

#[derive(Debug)]
pub struct Socat {
    argv: Vec<String>,
    listen_port: Option<u16>,
    target: Option<(String, u16)>,
    started: bool,
}

pub fn socat(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Socat { argv, listen_port: None, target: None, started: false })
}

fn socat_time(ms: u64) -> String {
    strftime("%Y/%m/%d %H:%M:%S", ms)
}

impl Socat {
    fn parse(&mut self) {
        for a in self.argv.iter().skip(1).filter(|a| !a.starts_with('-')) {
            let upper = a.to_ascii_uppercase();
            if let Some(rest) = upper.strip_prefix("TCP-LISTEN:").or_else(|| upper.strip_prefix("TCP4-LISTEN:")) {
                self.listen_port = rest.split(',').next().and_then(|p| p.parse().ok());
            } else if upper.starts_with("TCP:") || upper.starts_with("TCP4:") {
                let spec = &a[a.find(':').map(|i| i + 1).unwrap_or(0)..];
                let spec = spec.split(',').next().unwrap_or("");
                if let Some((h, p)) = spec.rsplit_once(':') {
                    self.target = p.parse().ok().map(|p| (h.to_string(), p));
                }
            }
        }
    }

    fn connect_failed(&self, st: &mut ProcState, ctx: &mut ProcessCtx, ip: &str, e: &NetError) {
        let (host, port) = self.target.clone().unwrap_or_default();
        let _ = host;
        let line = format!("{} socat[8] E connect(6, AF=2 {ip}:{port}, 16): {e}\n", socat_time(ctx.now_ms));
        err(st, ctx, &line);
    }
}

impl Program for Socat {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if self.started {
            return ProgramStep::Idle(None);
        }
        self.parse();
        let (Some(port), Some(_)) = (self.listen_port, self.target.clone()) else {
            err(st, ctx, &format!("{} socat[1] E exactly 2 addresses required (there are {}); use option \"-h\" for help\n", socat_time(ctx.now_ms), self.argv.len().saturating_sub(1)));
            return ProgramStep::Exited(1);
        };
        if st.listen(ctx, port).is_err() {
            err(st, ctx, &format!("{} socat[1] E bind(5, {{AF=2 0.0.0.0:{port}}}, 16): Address in use\n", socat_time(ctx.now_ms)));
            return ProgramStep::Exited(1);
        }
        self.started = true;
        ProgramStep::Idle(None)
    }

    fn serve_http(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        let (host, port) = self.target.clone()?;
        let ip = match resolve_host(ctx.net, &host) {
            Ok(ip) => ip,
            Err(_) => {
                err(st, ctx, &format!("{} socat[8] E getaddrinfo(\"{host}\", \"NULL\", {{0x20,2,1,6}}, {{}}): Name does not resolve\n", socat_time(ctx.now_ms)));
                return None;
            }
        };
        match ctx.net.http(&ip, port, req) {
            Ok(r) => Some(r),
            Err(e) => {
                self.connect_failed(st, ctx, &ip, &e);
                None
            }
        }
    }

    fn serve_tcp(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _port: u16, payload: &[u8]) -> Option<Vec<u8>> {
        let (host, port) = self.target.clone()?;
        let ip = resolve_host(ctx.net, &host).ok()?;
        match ctx.net.tcp_exchange(&ip, port, payload) {
            Ok(r) => Some(r),
            Err(e) => {
                self.connect_failed(st, ctx, &ip, &e);
                None
            }
        }
    }

    fn memory_bytes(&self) -> u64 {
        1024 * 1024
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}

#[derive(Debug)]
pub struct Exporter {
    argv: Vec<String>,
    scrape: String,
    port: u16,
    started: bool,
}

pub fn exporter(argv: Vec<String>) -> Box<dyn Program> {
    Box::new(Exporter { argv, scrape: "http://127.0.0.1:8080/stub_status".into(), port: 9113, started: false })
}

fn slog(ms: u64, level: &str, source: &str, msg: &str) -> String {
    format!("time={} level={level} source={source} msg={msg}\n", strftime("%Y-%m-%dT%H:%M:%S", ms) + &format!(".{:03}Z", ms % 1000))
}

const METRICS: [(&str, &str, &str); 7] = [
    ("nginx_connections_accepted", "Accepted client connections", "counter"),
    ("nginx_connections_active", "Active client connections", "gauge"),
    ("nginx_connections_handled", "Handled client connections", "counter"),
    ("nginx_connections_reading", "Connections where NGINX is reading the request header", "gauge"),
    ("nginx_connections_waiting", "Idle client connections", "gauge"),
    ("nginx_connections_writing", "Connections where NGINX is writing the response back to the client", "gauge"),
    ("nginx_http_requests_total", "Total http requests", "counter"),
];

/// stub_status text -> [accepted, active, handled, reading, waiting, writing, requests].
fn parse_stub_status(body: &str) -> Option<[u64; 7]> {
    let nums: Vec<u64> = body.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    // Active, accepts, handled, requests, Reading, Writing, Waiting
    if nums.len() < 7 {
        return None;
    }
    Some([nums[1], nums[0], nums[2], nums[4], nums[6], nums[5], nums[3]])
}

impl Exporter {
    fn scrape(&self, ctx: &mut ProcessCtx) -> Result<[u64; 7], String> {
        let url = crate::shell::parse_http_url(&self.scrape).ok_or_else(|| format!("invalid scrape URI {}", self.scrape))?;
        let ip = resolve_host(ctx.net, &url.0).map_err(|_| format!("failed to get {}: Get \"{}\": dial tcp: lookup {} on {}:53: no such host", self.scrape, self.scrape, url.0, ctx.net.nameserver()))?;
        let req = HttpRequest::get(&url.0, &url.2);
        match ctx.net.http(&ip, url.1, &req) {
            Ok(r) if r.status == 200 => parse_stub_status(&String::from_utf8_lossy(&r.body)).ok_or_else(|| format!("failed to parse response body {:?}", String::from_utf8_lossy(&r.body))),
            Ok(r) => Err(format!("expected 200 response, got {}", r.status)),
            Err(e) => Err(format!("failed to get {s}: Get \"{s}\": dial tcp {ip}:{}: connect: {}", url.1, e.to_string().to_lowercase(), s = self.scrape)),
        }
    }
}

impl Program for Exporter {
    fn step(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _budget: u32) -> ProgramStep {
        if self.started {
            return ProgramStep::Idle(None);
        }
        for a in self.argv.iter().skip(1) {
            let a = a.trim_start_matches('-');
            if let Some(v) = a.strip_prefix("nginx.scrape-uri=") {
                self.scrape = v.to_string();
            } else if let Some(v) = a.strip_prefix("web.listen-address=") {
                self.port = v.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(self.port);
            }
        }
        let now = ctx.now_ms;
        let mut text = slog(now, "INFO", "exporter.go:217", "nginx-prometheus-exporter version=\"(version=1.4.1, branch=HEAD, revision=4c9f5ed)\"");
        text.push_str(&slog(now, "INFO", "exporter.go:218", "\"build context\" build_context=\"(go=go1.23.5, platform=linux/amd64, user=goreleaser, tags=unknown)\""));
        if st.listen(ctx, self.port).is_err() {
            text.push_str(&slog(now, "ERROR", "exporter.go:262", &format!("\"listen tcp :{}: bind: address already in use\"", self.port)));
            err(st, ctx, &text);
            return ProgramStep::Exited(1);
        }
        text.push_str(&slog(now, "INFO", "tls_config.go:347", &format!("\"Listening on\" address=[::]:{}", self.port)));
        text.push_str(&slog(now, "INFO", "tls_config.go:350", &format!("\"TLS is disabled.\" http2=false address=[::]:{}", self.port)));
        err(st, ctx, &text);
        self.started = true;
        ProgramStep::Idle(None)
    }

    fn serve_http(&mut self, st: &mut ProcState, ctx: &mut ProcessCtx, _port: u16, req: &HttpRequest) -> Option<HttpResponse> {
        let path = req.path.split('?').next().unwrap_or("/");
        if path != "/metrics" {
            let body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>NGINX Prometheus Exporter</title>\n</head>\n<body>\n<h1>NGINX Prometheus Exporter</h1>\n<ul><li><a href=\"/metrics\">Metrics</a></li></ul>\n</body>\n</html>\n";
            return Some(HttpResponse::new(if path == "/" { 200 } else { 404 }, "text/html; charset=UTF-8", body.as_bytes().to_vec()));
        }
        let mut text = String::new();
        let up = match self.scrape(ctx) {
            Ok(values) => {
                for ((name, help, kind), v) in METRICS.iter().zip(values) {
                    text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}\n"));
                }
                1
            }
            Err(e) => {
                let line = slog(ctx.now_ms, "ERROR", "collector.go:73", &format!("\"error getting stats\" error=\"{}\"", e.replace('"', "\\\"")));
                err(st, ctx, &line);
                0
            }
        };
        text.push_str(&format!("# HELP nginx_up Status of the last metric scrape\n# TYPE nginx_up gauge\nnginx_up {up}\n"));
        Some(HttpResponse::new(200, "text/plain; version=0.0.4; charset=utf-8; escaping=underscores", text.into_bytes()))
    }

    fn memory_bytes(&self) -> u64 {
        7 * 1024 * 1024
    }

    fn command_line(&self) -> String {
        self.argv.join(" ")
    }
}
