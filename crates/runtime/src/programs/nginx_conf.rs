//! nginx's configuration: the files the official image ships (nginx.conf, conf.d/default.conf,
//! index.html, 50x.html) and a parser for the directive language with `include` globbing,
//! producing the servers (listen ports, server_name, root, index, locations with `return`,
//! `root`, `alias`, `stub_status`, `proxy_pass`). Errors carry nginx's `[emerg]` wording and
//! the file:line they point at.

use crate::fs::FsView;

pub const NGINX_VERSION: &str = "1.27.4";

pub const NGINX_CONF: &str = "\nuser  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\n\nevents {\n    worker_connections  1024;\n}\n\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n\n    log_format  main  '$remote_addr - $remote_user [$time_local] \"$request\" '\n                      '$status $body_bytes_sent \"$http_referer\" '\n                      '\"$http_user_agent\" \"$http_x_forwarded_for\"';\n\n    access_log  /var/log/nginx/access.log  main;\n\n    sendfile        on;\n    #tcp_nopush     on;\n\n    keepalive_timeout  65;\n\n    #gzip  on;\n\n    include /etc/nginx/conf.d/*.conf;\n}\n";

pub const DEFAULT_CONF: &str = "server {\n    listen       80;\n    server_name  localhost;\n\n    #access_log  /var/log/nginx/host.access.log  main;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n\n    #error_page  404              /404.html;\n\n    # redirect server error pages to the static page /50x.html\n    #\n    error_page   500 502 503 504  /50x.html;\n    location = /50x.html {\n        root   /usr/share/nginx/html;\n    }\n\n    # proxy the PHP scripts to Apache listening on 127.0.0.1:80\n    #\n    #location ~ \\.php$ {\n    #    proxy_pass   http://127.0.0.1;\n    #}\n\n    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000\n    #\n    #location ~ \\.php$ {\n    #    root           html;\n    #    fastcgi_pass   127.0.0.1:9000;\n    #    fastcgi_index  index.php;\n    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;\n    #    include        fastcgi_params;\n    #}\n\n    # deny access to .htaccess files, if Apache's document root\n    # concurs with nginx's one\n    #\n    #location ~ /\\.ht {\n    #    deny  all;\n    #}\n}\n\n";

pub const INDEX_HTML: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

pub const NGINX_50X_HTML: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n<p>If you are the system administrator of this resource then you should check\nthe error log for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n";

pub const MIME_TYPES: &str = "\ntypes {\n    text/html                                        html htm shtml;\n    text/css                                         css;\n    text/xml                                         xml;\n    image/gif                                        gif;\n    image/jpeg                                       jpeg jpg;\n    application/javascript                           js;\n    text/plain                                       txt;\n    image/png                                        png;\n    image/svg+xml                                    svg svgz;\n    application/json                                 json;\n}\n";

/// One parsed directive: name, arguments, optional block, where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Directive {
    pub name: String,
    pub args: Vec<String>,
    pub block: Option<Vec<Directive>>,
    pub file: String,
    pub line: u32,
}

/// Directives this simulation accepts (others are `unknown directive`).
const KNOWN: &[&str] = &[
    "user", "worker_processes", "error_log", "pid", "events", "worker_connections", "http", "include", "default_type", "log_format",
    "access_log", "sendfile", "tcp_nopush", "tcp_nodelay", "keepalive_timeout", "gzip", "server", "listen", "server_name", "location",
    "root", "index", "error_page", "return", "alias", "try_files", "stub_status", "proxy_pass", "proxy_set_header", "add_header", "types",
    "client_max_body_size", "server_tokens", "autoindex", "expires", "rewrite", "allow", "deny", "upstream", "proxy_http_version",
    "proxy_read_timeout", "proxy_connect_timeout", "charset", "resolver", "ssl_certificate", "ssl_certificate_key", "map",
    "worker_rlimit_nofile", "multi_accept", "use", "gzip_types", "set", "if", "limit_except", "internal",
];

/// A config error: nginx prints `[emerg] <msg> in <file>:<line>`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfError(pub String);

struct Lexer<'a> {
    cs: Vec<char>,
    pos: usize,
    line: u32,
    file: &'a str,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Semi,
    Open,
    Close,
    Eof,
}

impl Lexer<'_> {
    fn next(&mut self) -> Result<Tok, ConfError> {
        loop {
            match self.cs.get(self.pos) {
                Some('\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(c) if c.is_whitespace() => self.pos += 1,
                Some('#') => {
                    while self.cs.get(self.pos).is_some_and(|c| *c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(&c) = self.cs.get(self.pos) else { return Ok(Tok::Eof) };
        self.pos += 1;
        match c {
            ';' => Ok(Tok::Semi),
            '{' => Ok(Tok::Open),
            '}' => Ok(Tok::Close),
            '"' | '\'' => {
                let mut s = String::new();
                loop {
                    match self.cs.get(self.pos) {
                        None => return Err(ConfError(format!("unexpected end of file, expecting \";\" or \"}}\" in {}:{}", self.file, self.line))),
                        Some(&q) if q == c => {
                            self.pos += 1;
                            break;
                        }
                        Some('\\') if self.cs.get(self.pos + 1).is_some() => {
                            s.push(self.cs[self.pos + 1]);
                            self.pos += 2;
                        }
                        Some(&ch) => {
                            if ch == '\n' {
                                self.line += 1;
                            }
                            s.push(ch);
                            self.pos += 1;
                        }
                    }
                }
                Ok(Tok::Word(s))
            }
            _ => {
                let mut s = c.to_string();
                while let Some(&ch) = self.cs.get(self.pos) {
                    if ch.is_whitespace() || ch == ';' || ch == '{' || ch == '}' {
                        break;
                    }
                    s.push(ch);
                    self.pos += 1;
                }
                Ok(Tok::Word(s))
            }
        }
    }
}

/// Parse one file (and its includes). `depth` bounds include recursion.
pub fn parse_file(fs: &FsView, path: &str, depth: u32) -> Result<Vec<Directive>, ConfError> {
    let text = fs.read_string(path).map_err(|e| ConfError(format!("open() \"{path}\" failed ({}: {e})", errno(e))))?;
    let mut lx = Lexer { cs: text.chars().collect(), pos: 0, line: 1, file: path };
    let list = parse_block(&mut lx, fs, false, false, depth)?;
    Ok(list)
}

fn errno(e: crate::fs::FsError) -> u32 {
    match e {
        crate::fs::FsError::NotFound => 2,
        crate::fs::FsError::ReadOnly => 30,
        crate::fs::FsError::IsDir => 21,
        crate::fs::FsError::NotDir => 20,
        _ => 1,
    }
}

/// `free`: inside `types`/`map`, where entries are data, not directives.
fn parse_block(lx: &mut Lexer, fs: &FsView, nested: bool, free: bool, depth: u32) -> Result<Vec<Directive>, ConfError> {
    let mut out = Vec::new();
    loop {
        let t = lx.next()?;
        // nginx reports the line where it stopped reading: the end of the directive.
        let mut line;
        let name = match t {
            Tok::Eof if nested => return Err(ConfError(format!("unexpected end of file, expecting \"}}\" in {}:{}", lx.file, lx.line))),
            Tok::Eof => return Ok(out),
            Tok::Close if nested => return Ok(out),
            Tok::Close => return Err(ConfError(format!("unexpected \"}}\" in {}:{}", lx.file, lx.line))),
            Tok::Semi => return Err(ConfError(format!("unexpected \";\" in {}:{}", lx.file, lx.line))),
            Tok::Open => return Err(ConfError(format!("unexpected \"{{\" in {}:{}", lx.file, lx.line))),
            Tok::Word(w) => w,
        };
        let mut args = Vec::new();
        let block = loop {
            let t = lx.next()?;
            line = lx.line;
            match t {
                Tok::Word(w) => args.push(w),
                Tok::Semi => break None,
                Tok::Open => {
                    if !free && !KNOWN.contains(&name.as_str()) {
                        return Err(ConfError(format!("unknown directive \"{name}\" in {}:{}", lx.file, line)));
                    }
                    break Some(parse_block(lx, fs, true, name == "types" || name == "map", depth)?);
                }
                Tok::Close | Tok::Eof => {
                    return Err(ConfError(format!("directive \"{name}\" is not terminated by \";\" in {}:{}", lx.file, line)));
                }
            }
        };
        if !free && !KNOWN.contains(&name.as_str()) {
            return Err(ConfError(format!("unknown directive \"{name}\" in {}:{}", lx.file, line)));
        }
        if name == "include" {
            let pattern = args.first().cloned().unwrap_or_default();
            if depth > 8 {
                return Err(ConfError(format!("include depth exceeded in {}:{}", lx.file, line)));
            }
            for f in include_files(fs, &pattern) {
                out.extend(parse_file(fs, &f, depth + 1)?);
            }
            continue;
        }
        out.push(Directive { name, args, block, file: lx.file.to_string(), line });
    }
}

/// Files matched by an include pattern (relative paths are under /etc/nginx).
fn include_files(fs: &FsView, pattern: &str) -> Vec<String> {
    let full = if pattern.starts_with('/') { pattern.to_string() } else { format!("/etc/nginx/{pattern}") };
    let (dir, file_pat) = full.rsplit_once('/').unwrap_or(("/", &full));
    if !file_pat.contains('*') {
        return vec![full.clone()];
    }
    let pat: Vec<(char, bool)> = file_pat.chars().map(|c| (c, true)).collect();
    let mut out: Vec<String> = fs
        .list(if dir.is_empty() { "/" } else { dir })
        .unwrap_or_default()
        .into_iter()
        .filter(|(n, m)| !m.is_dir && glob_match(&pat, n))
        .map(|(n, _)| format!("{dir}/{n}"))
        .collect();
    out.sort();
    out
}

pub fn glob_match(pat: &[(char, bool)], name: &str) -> bool {
    let cs: Vec<char> = name.chars().collect();
    crate::shell::pattern_match(pat, &cs)
}

/// A location block.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Location {
    pub exact: bool,
    pub prefix: String,
    pub root: Option<String>,
    pub alias: Option<String>,
    pub index: Option<Vec<String>>,
    pub ret: Option<(u16, Option<String>)>,
    pub stub_status: bool,
    pub proxy_pass: Option<String>,
}

/// A server block.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Server {
    /// (port, ipv6, default_server)
    pub listens: Vec<(u16, bool, bool)>,
    pub names: Vec<String>,
    pub root: Option<String>,
    pub index: Vec<String>,
    pub locations: Vec<Location>,
}

/// The parts of the configuration the simulation uses.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    pub servers: Vec<Server>,
    pub http_root: Option<String>,
    pub default_type: String,
    pub worker_processes: Option<u32>,
}

fn parse_listen(d: &Directive) -> Result<(u16, bool, bool), ConfError> {
    let a = d.args.first().cloned().unwrap_or_default();
    let ipv6 = a.starts_with('[');
    let port_text = if ipv6 { a.rsplit_once("]:").map(|x| x.1).unwrap_or("80") } else { a.rsplit(':').next().unwrap_or(&a) };
    let port: u16 = port_text
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| ConfError(format!("invalid port in \"{a}\" of the \"listen\" directive in {}:{}", d.file, d.line)))?;
    Ok((port, ipv6, d.args.iter().any(|x| x == "default_server" || x == "default")))
}

/// Load `/etc/nginx/nginx.conf` (or `path`) into a `Config`.
pub fn load(fs: &FsView, path: &str) -> Result<Config, ConfError> {
    let top = parse_file(fs, path, 0)?;
    let mut cfg = Config { default_type: "text/plain".into(), ..Default::default() };
    for d in &top {
        if d.name == "worker_processes" {
            cfg.worker_processes = d.args.first().and_then(|a| a.parse().ok());
        }
        if d.name != "http" {
            continue;
        }
        for h in d.block.iter().flatten() {
            match h.name.as_str() {
                "root" => cfg.http_root = h.args.first().cloned(),
                "default_type" => cfg.default_type = h.args.first().cloned().unwrap_or_default(),
                "server" => cfg.servers.push(server(h)?),
                _ => {}
            }
        }
    }
    Ok(cfg)
}

fn server(d: &Directive) -> Result<Server, ConfError> {
    let mut s = Server { index: vec!["index.html".into()], ..Default::default() };
    for x in d.block.iter().flatten() {
        match x.name.as_str() {
            "listen" => s.listens.push(parse_listen(x)?),
            "server_name" => s.names = x.args.clone(),
            "root" => s.root = x.args.first().cloned(),
            "index" => s.index = x.args.clone(),
            "location" => s.locations.push(location(x)),
            "return" => s.locations.insert(0, Location { prefix: "/".into(), ret: ret(x), ..Default::default() }),
            _ => {}
        }
    }
    if s.listens.is_empty() {
        s.listens.push((80, false, false));
    }
    Ok(s)
}

fn ret(d: &Directive) -> Option<(u16, Option<String>)> {
    let first = d.args.first()?;
    match first.parse::<u16>() {
        Ok(code) => Some((code, d.args.get(1).cloned())),
        Err(_) => Some((302, Some(first.clone()))),
    }
}

fn location(d: &Directive) -> Location {
    let (exact, prefix) = match d.args.as_slice() {
        [m, p, ..] if m == "=" => (true, p.clone()),
        [m, p, ..] if m == "^~" => (false, p.clone()),
        [m, p, ..] if m == "~" || m == "~*" => (false, format!("\u{0}regex:{p}")),
        [p, ..] => (false, p.clone()),
        [] => (false, "/".into()),
    };
    let mut l = Location { exact, prefix, ..Default::default() };
    for x in d.block.iter().flatten() {
        match x.name.as_str() {
            "root" => l.root = x.args.first().cloned(),
            "alias" => l.alias = x.args.first().cloned(),
            "index" => l.index = Some(x.args.clone()),
            "return" => l.ret = ret(x),
            "stub_status" => l.stub_status = true,
            "proxy_pass" => l.proxy_pass = x.args.first().cloned(),
            _ => {}
        }
    }
    l
}
