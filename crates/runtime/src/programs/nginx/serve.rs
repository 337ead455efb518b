//! nginx request handling: server selection by port and Host, location matching (exact, then
//! longest prefix), `return`, `stub_status`, `proxy_pass`, static files with index and the
//! directory redirect, nginx's own error pages, the error-log line for a missing file and the
//! combined-format access-log line.

use super::{log_time, Location, Nginx, Server, NGINX_VERSION};
use crate::clock::strftime;
use crate::fs::resolve_path;
use crate::net::{reason_phrase, resolve_host, HttpRequest, HttpResponse};
use crate::process::{ProcState, ProcessCtx};

fn error_page(status: u16) -> Vec<u8> {
    let title = format!("{status} {}", reason_phrase(status));
    format!("<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx/{NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n").into_bytes()
}

fn base_headers(ctx: &ProcessCtx) -> Vec<(String, String)> {
    vec![("Server".into(), format!("nginx/{NGINX_VERSION}")), ("Date".into(), strftime("%a, %d %b %Y %H:%M:%S GMT", ctx.now_ms))]
}

fn respond(ctx: &ProcessCtx, status: u16, content_type: &str, body: Vec<u8>) -> HttpResponse {
    let mut headers = base_headers(ctx);
    headers.push(("Content-Type".into(), content_type.into()));
    headers.push(("Content-Length".into(), body.len().to_string()));
    headers.push(("Connection".into(), "keep-alive".into()));
    HttpResponse { status, headers, body, processing_ms: 1 }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" | "htm" | "shtml" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "txt" => "text/plain",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "xml" => "text/xml",
        _ => "application/octet-stream",
    }
}

fn choose_server<'a>(servers: &'a [Server], port: u16, host: &str) -> Option<&'a Server> {
    let on_port: Vec<&Server> = servers.iter().filter(|s| s.listens.iter().any(|(p, _, _)| *p == port)).collect();
    let host = host.split(':').next().unwrap_or("");
    on_port
        .iter()
        .find(|s| s.names.iter().any(|n| n == host))
        .or_else(|| on_port.iter().find(|s| s.listens.iter().any(|(p, _, d)| *p == port && *d)))
        .or_else(|| on_port.first())
        .copied()
}

fn choose_location<'a>(s: &'a Server, path: &str) -> Option<&'a Location> {
    if let Some(l) = s.locations.iter().find(|l| l.exact && l.prefix == path) {
        return Some(l);
    }
    s.locations.iter().filter(|l| !l.exact && !l.prefix.starts_with('\u{0}') && path.starts_with(&l.prefix)).max_by_key(|l| l.prefix.len())
}

pub fn handle(ng: &mut Nginx, st: &mut ProcState, ctx: &mut ProcessCtx, port: u16, req: &HttpRequest) -> HttpResponse {
    let Some(server) = choose_server(&ng.cfg.servers, port, &req.host).cloned() else {
        return respond(ctx, 404, "text/html", error_page(404));
    };
    let path = req.path.split('?').next().unwrap_or("/").to_string();
    let loc = choose_location(&server, &path).cloned().unwrap_or_default();
    if let Some((code, text)) = &loc.ret {
        return ret(ctx, *code, text.as_deref(), &ng.cfg.default_type);
    }
    if loc.stub_status {
        let body = format!(
            "Active connections: 1 \nserver accepts handled requests\n {} {} {} \nReading: 0 Writing: 1 Waiting: 0 \n",
            ng.connections, ng.connections, ng.requests
        );
        return respond(ctx, 200, "text/plain", body.into_bytes());
    }
    if let Some(upstream) = &loc.proxy_pass {
        return proxy(ng, st, ctx, upstream, req, &server);
    }
    let root = loc.root.clone().or(server.root.clone()).or(ng.cfg.http_root.clone()).unwrap_or_else(|| "/etc/nginx/html".into());
    let root = resolve_path("/etc/nginx", &root);
    let file = match &loc.alias {
        Some(a) => format!("{}{}", a.trim_end_matches('/'), &path[loc.prefix.len().min(path.len())..]).replace("//", "/"),
        None => format!("{}{}", root.trim_end_matches('/'), path),
    };
    let index = loc.index.clone().unwrap_or(server.index.clone());
    if path.ends_with('/') {
        for i in &index {
            let f = format!("{file}{i}");
            if let Ok(data) = ctx.fs.read(&f) {
                return file_response(ctx, &f, data);
            }
        }
        let status = if ctx.fs.is_dir(&file) { 403 } else { 404 };
        let what = if status == 403 { format!("directory index of \"{file}\" is forbidden") } else { format!("\"{file}{}\" is not found (2: No such file or directory)", index.first().cloned().unwrap_or_default()) };
        error_log(ng, st, ctx, &what, req, &server);
        return respond(ctx, status, "text/html", error_page(status));
    }
    match ctx.fs.stat(&file) {
        Ok(m) if m.is_dir => {
            let mut r = respond(ctx, 301, "text/html", error_page(301));
            r.headers.push(("Location".into(), format!("http://{}{}/", req.host, path)));
            r
        }
        Ok(_) => {
            let data = ctx.fs.read(&file).unwrap_or_default();
            file_response(ctx, &file, data)
        }
        Err(_) => {
            error_log(ng, st, ctx, &format!("open() \"{file}\" failed (2: No such file or directory)"), req, &server);
            respond(ctx, 404, "text/html", error_page(404))
        }
    }
}

fn file_response(ctx: &ProcessCtx, path: &str, data: Vec<u8>) -> HttpResponse {
    let meta = ctx.fs.stat(path).ok();
    let mut r = respond(ctx, 200, content_type(path), data);
    if let Some(m) = meta {
        r.headers.push(("Last-Modified".into(), strftime("%a, %d %b %Y %H:%M:%S GMT", m.mtime_ms)));
        r.headers.push(("ETag".into(), format!("\"{:x}-{:x}\"", m.mtime_ms / 1000, m.size_bytes)));
    }
    r.headers.push(("Accept-Ranges".into(), "bytes".into()));
    r
}

fn ret(ctx: &ProcessCtx, code: u16, text: Option<&str>, default_type: &str) -> HttpResponse {
    if matches!(code, 301 | 302 | 303 | 307 | 308) {
        let mut r = respond(ctx, code, "text/html", error_page(code));
        if let Some(url) = text {
            r.headers.push(("Location".into(), url.to_string()));
        }
        return r;
    }
    match text {
        Some(t) => respond(ctx, code, default_type, t.as_bytes().to_vec()),
        None => respond(ctx, code, "text/html", if code >= 400 { error_page(code) } else { Vec::new() }),
    }
}

fn proxy(ng: &mut Nginx, st: &mut ProcState, ctx: &mut ProcessCtx, upstream: &str, req: &HttpRequest, server: &Server) -> HttpResponse {
    let Some(url) = crate::shell::parse_http_url(upstream) else {
        return respond(ctx, 502, "text/html", error_page(502));
    };
    let ip = match resolve_host(ctx.net, &url.0) {
        Ok(ip) => ip,
        Err(_) => {
            error_log(ng, st, ctx, &format!("{} could not be resolved (3: Host not found)", url.0), req, server);
            return respond(ctx, 502, "text/html", error_page(502));
        }
    };
    let mut fwd = req.clone();
    fwd.host = url.0.clone();
    match ctx.net.http(&ip, url.1, &fwd) {
        Ok(mut r) => {
            r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("server"));
            r.headers.insert(0, ("Server".into(), format!("nginx/{NGINX_VERSION}")));
            r
        }
        Err(e) => {
            let (errno, text) = match e {
                crate::net::NetError::TimedOut => (110, "Connection timed out"),
                _ => (111, "Connection refused"),
            };
            let what = format!("connect() failed ({errno}: {text}) while connecting to upstream");
            error_log(ng, st, ctx, &what, req, server);
            let status = if errno == 110 { 504 } else { 502 };
            respond(ctx, status, "text/html", error_page(status))
        }
    }
}

fn error_log(ng: &Nginx, st: &mut ProcState, ctx: &mut ProcessCtx, what: &str, req: &HttpRequest, server: &Server) {
    let w = ng.workers.first().copied().unwrap_or(1);
    let t = log_time(ctx.now_ms);
    let name = server.names.first().cloned().unwrap_or_default();
    let client = if req.remote_addr.is_empty() { "127.0.0.1" } else { &req.remote_addr };
    let line = format!(
        "{t} [error] {w}#{w}: *{} {what}, client: {client}, server: {name}, request: \"{} {} HTTP/1.1\", host: \"{}\"\n",
        ng.connections, req.method, req.path, req.host
    );
    super::err(st, ctx, &line);
}

/// `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"`
pub fn access_log(_ng: &Nginx, st: &mut ProcState, ctx: &mut ProcessCtx, req: &HttpRequest, resp: &HttpResponse) {
    let remote = if req.remote_addr.is_empty() { "127.0.0.1" } else { &req.remote_addr };
    let t = strftime("%d/%b/%Y:%H:%M:%S +0000", ctx.now_ms);
    let h = |n: &str| req.header(n).map(str::to_string).unwrap_or_else(|| "-".into());
    let line = format!(
        "{remote} - - [{t}] \"{} {} HTTP/1.1\" {} {} \"{}\" \"{}\" \"{}\"\n",
        req.method,
        req.path,
        resp.status,
        resp.body.len(),
        h("Referer"),
        h("User-Agent"),
        h("X-Forwarded-For")
    );
    super::out(st, ctx, &line);
}
