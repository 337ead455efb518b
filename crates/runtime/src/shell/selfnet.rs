//! A shell that talks to its own server: `httpd -p 8080 & sleep 1; wget -qO- localhost:8080`
//! or `nginx & curl localhost`. The server is a sibling task of the same shell process, so the
//! pod's network (which routes to processes) cannot reach it while that process is the one
//! running. This wrapper sits between a network client applet and the pod's network: a
//! connection to the pod's own address on a port a sibling task listens on is served by that
//! task directly; everything else goes to the pod's network unchanged. The server sees a
//! snapshot of the filesystem (as a server in another container does) and what it prints is
//! handed back to the shell's output afterwards.

use super::vm::{Task, Wait};
use crate::fs::{FsView, MountTable, Volumes};
use crate::net::{HttpRequest, HttpResponse, NetError, Network, NullNetwork};
use crate::process::{OutputLine, ProcessCtx};

pub struct SelfNet<'n> {
    pub inner: &'n mut dyn Network,
    /// The shell's other tasks (the running one is taken out of the list).
    pub siblings: &'n mut [Option<Task>],
    pub volumes: Volumes,
    pub mounts: MountTable,
    pub now_ms: u64,
    pub cpu_limit_millicores: Option<u32>,
    /// What the serving task printed (access logs), for the shell's output.
    pub out: Vec<OutputLine>,
}

/// Whether any task of the shell listens (only then is the wrapper worth its snapshot).
pub fn any_listener(tasks: &[Option<Task>]) -> bool {
    tasks.iter().flatten().any(|t| matches!(&t.wait, Wait::Applet(a, _) if !a.listening_ports().is_empty()))
}

impl SelfNet<'_> {
    fn is_local(&self, ip: &str) -> bool {
        ip == "127.0.0.1" || ip == "0.0.0.0" || ip == self.inner.pod_ip()
    }

    /// `f` run by the sibling listening on `port`; `None` when no sibling listens there.
    fn serve<T>(&mut self, ip: &str, port: u16, f: impl FnOnce(&mut dyn super::applets::Applet, &mut ProcessCtx) -> Option<T>) -> Option<Result<T, NetError>> {
        if !self.is_local(ip) {
            return None;
        }
        let applet = self.siblings.iter_mut().flatten().find_map(|t| match &mut t.wait {
            Wait::Applet(a, _) if a.listening_ports().contains(&port) => Some(a),
            _ => None,
        })?;
        // The server's own outgoing connections are not followed one hop deeper from here.
        let mut leaf = NullNetwork::default();
        let mut ctx = ProcessCtx { now_ms: self.now_ms, fs: FsView::new(&mut self.volumes, &self.mounts), net: &mut leaf, output: &mut self.out, cpu_limit_millicores: self.cpu_limit_millicores };
        Some(f(applet.as_mut(), &mut ctx).ok_or(NetError::ConnectionReset))
    }
}

impl Network for SelfNet<'_> {
    fn listen(&mut self, port: u16) -> Result<(), NetError> {
        self.inner.listen(port)
    }
    fn unlisten(&mut self, port: u16) {
        self.inner.unlisten(port)
    }
    fn resolve(&mut self, name: &str) -> Result<String, NetError> {
        self.inner.resolve(name)
    }
    fn nameserver(&self) -> String {
        self.inner.nameserver()
    }
    fn pod_ip(&self) -> String {
        self.inner.pod_ip()
    }
    fn connect(&mut self, ip: &str, port: u16) -> Result<(), NetError> {
        let local = self.is_local(ip) && self.siblings.iter().flatten().any(|t| matches!(&t.wait, Wait::Applet(a, _) if a.listening_ports().contains(&port)));
        if local {
            return Ok(());
        }
        self.inner.connect(ip, port)
    }
    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> Result<HttpResponse, NetError> {
        let (now_ms, cpu) = (self.now_ms, self.cpu_limit_millicores);
        let mut req = request.clone();
        // The kernel picks the source address from the destination: loopback or the pod IP.
        req.remote_addr = if ip == self.inner.pod_ip() { ip.to_string() } else { "127.0.0.1".into() };
        let served = self.serve(ip, port, |a, ctx| {
            let mut resp = a.serve_http(ctx, port, &req)?;
            // Same CPU as the client: the limit stretches the work the same way.
            resp.processing_ms = crate::cpu::throttled_latency_ms(resp.processing_ms.max(1) * 1000, cpu, false, now_ms);
            Some(resp)
        });
        served.unwrap_or_else(|| self.inner.http(ip, port, request))
    }
    fn tcp_exchange(&mut self, ip: &str, port: u16, payload: &[u8]) -> Result<Vec<u8>, NetError> {
        match self.serve(ip, port, |a, ctx| a.serve_tcp(ctx, port, payload)) {
            Some(r) => r,
            None => self.inner.tcp_exchange(ip, port, payload),
        }
    }
    fn canonical_name(&mut self, name: &str) -> String {
        self.inner.canonical_name(name)
    }
    fn ping(&mut self, ip: &str) -> Result<u64, NetError> {
        self.inner.ping(ip)
    }
}
