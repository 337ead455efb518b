//! The network as a process sees it. The caller (the simulated node) implements `Network` for
//! one pod's network namespace: one port space shared by the pod's containers, `localhost`
//! meaning the pod itself, DNS through the cluster's resolver, and connections routed to
//! whichever process listens on the target pod and port. Everything is synchronous and
//! deterministic; the runtime only formats the errors the real tools print.

use std::fmt;

/// Network failures, worded like the kernel/libc strings the tools print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// ECONNREFUSED: nothing listens on that port.
    ConnectionRefused,
    /// ETIMEDOUT: the address exists but nothing answers (dropped packets, dead node).
    TimedOut,
    /// EHOSTUNREACH / no route.
    HostUnreachable,
    /// EADDRINUSE on listen.
    AddrInUse,
    /// DNS: the name does not resolve (NXDOMAIN).
    NameNotResolved,
    /// The peer accepted the connection but closed it without answering.
    ConnectionReset,
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetError::ConnectionRefused => "Connection refused",
            NetError::TimedOut => "Connection timed out",
            NetError::HostUnreachable => "No route to host",
            NetError::AddrInUse => "Address already in use",
            NetError::NameNotResolved => "Name does not resolve",
            NetError::ConnectionReset => "Connection reset by peer",
        })
    }
}

/// An HTTP/1.1 request as a client sends it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HttpRequest {
    pub method: String,
    /// Path with query ("/index.html?x=1").
    pub path: String,
    /// Host header value.
    pub host: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Client address (for access logs); filled by the caller that routes the request.
    pub remote_addr: String,
}

impl HttpRequest {
    pub fn get(host: &str, path: &str) -> Self {
        HttpRequest { method: "GET".into(), path: path.into(), host: host.into(), ..Default::default() }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// An HTTP response.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Simulated time the server spent on it (grows when the server's CPU is throttled).
    pub processing_ms: u64,
}

impl HttpResponse {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        HttpResponse { status, headers: vec![("Content-Type".into(), content_type.into())], body, processing_ms: 0 }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The standard reason phrase of a status code.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        _ => "",
    }
}

/// One pod's network namespace, implemented by the caller.
///
/// Addresses are IPv4 strings. `127.0.0.1` is the pod itself. The runtime resolves `localhost`
/// and IP literals itself and calls `resolve` only for names.
pub trait Network {
    /// Bind `port` on all addresses of the pod for the calling process. `AddrInUse` if any
    /// container of the pod already listens there.
    fn listen(&mut self, port: u16) -> Result<(), NetError>;
    /// Release a port (the process exited or closed it).
    fn unlisten(&mut self, port: u16);
    /// DNS lookup through the pod's resolv.conf (search domains applied by the caller).
    /// Returns the IPv4 address; the caller also reports the nameserver via `nameserver`.
    fn resolve(&mut self, name: &str) -> Result<String, NetError>;
    /// The nameserver address from resolv.conf (nslookup prints it).
    fn nameserver(&self) -> String;
    /// The pod's own IP (for `hostname -i`, nginx logs).
    fn pod_ip(&self) -> String;
    /// Open a TCP connection and immediately close it (nc -z, tcpSocket-like checks).
    fn connect(&mut self, ip: &str, port: u16) -> Result<(), NetError>;
    /// Send one HTTP request to `ip:port` and wait for the response.
    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> Result<HttpResponse, NetError>;
    /// Send raw bytes over TCP to `ip:port` and read what the server answers (nc, redis-cli).
    fn tcp_exchange(&mut self, ip: &str, port: u16, payload: &[u8]) -> Result<Vec<u8>, NetError>;
    /// The fully qualified name a lookup of `name` found or tried (nslookup prints it), e.g.
    /// `web.default.svc.cluster.local`. Default: the name as given.
    fn canonical_name(&mut self, name: &str) -> String {
        name.to_string()
    }
    /// ICMP echo to `ip`: round-trip time in microseconds. Service (virtual) IPs never
    /// answer. Default: no reply.
    fn ping(&mut self, ip: &str) -> Result<u64, NetError> {
        let _ = ip;
        Err(NetError::TimedOut)
    }
}

/// Resolve what a client tool was given: IP literals and `localhost` locally, names by DNS.
pub fn resolve_host(net: &mut dyn Network, host: &str) -> Result<String, NetError> {
    if host == "localhost" || host == "localhost.localdomain" {
        return Ok("127.0.0.1".into());
    }
    if is_ipv4(host) {
        return Ok(host.into());
    }
    net.resolve(host)
}

pub fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

/// A network with nothing in it: every connect is refused, every name unknown, every port free.
/// Useful for tests and for containers whose pod has no network yet.
#[derive(Clone, Debug, Default)]
pub struct NullNetwork {
    pub bound: Vec<u16>,
}

impl Network for NullNetwork {
    fn listen(&mut self, port: u16) -> Result<(), NetError> {
        if self.bound.contains(&port) {
            return Err(NetError::AddrInUse);
        }
        self.bound.push(port);
        Ok(())
    }
    fn unlisten(&mut self, port: u16) {
        self.bound.retain(|p| *p != port);
    }
    fn resolve(&mut self, _name: &str) -> Result<String, NetError> {
        Err(NetError::NameNotResolved)
    }
    fn nameserver(&self) -> String {
        "10.96.0.10".into()
    }
    fn pod_ip(&self) -> String {
        "10.244.0.2".into()
    }
    fn connect(&mut self, _ip: &str, _port: u16) -> Result<(), NetError> {
        Err(NetError::ConnectionRefused)
    }
    fn http(&mut self, _ip: &str, _port: u16, _request: &HttpRequest) -> Result<HttpResponse, NetError> {
        Err(NetError::ConnectionRefused)
    }
    fn tcp_exchange(&mut self, _ip: &str, _port: u16, _payload: &[u8]) -> Result<Vec<u8>, NetError> {
        Err(NetError::ConnectionRefused)
    }
}
