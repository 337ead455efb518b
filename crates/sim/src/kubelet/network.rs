//! The pod's network namespace as the runtime's processes see it: one IP and one port space
//! shared by every container of the pod (a second nginx on port 80 gets EADDRINUSE), and
//! `localhost`/the pod IP routed to whichever container listens on the port. A request to a
//! peer container is served against a snapshot of the pod's volumes because the caller's own
//! filesystem view holds the live one for the duration of its step. Any other pod IP goes
//! over the cluster's pod network (`registry`) to the pod that holds it, on any node.

use super::containers::ContainerRt;
use podlab_runtime::{HttpRequest, HttpResponse, NetError, Network, NullNetwork, OutputLine, ProcessCtx, Volumes};
use std::collections::BTreeMap;
use std::sync::Arc;

pub const CLUSTER_DNS_IP: &str = "10.96.0.10";

/// The pod network as seen by the process of container `slot`.
pub struct PodNet<'a> {
    pub ip: String,
    pub ports: &'a mut BTreeMap<u16, usize>,
    pub slot: usize,
    pub peers: &'a mut [ContainerRt],
    /// Copy of the pod's volumes for peers answering requests (None: peers cannot serve).
    pub snapshot: Option<Volumes>,
    pub now_ms: u64,
    /// Cluster DNS records and kube-proxy's Service rules (see `controllers::services`).
    pub dataplane: Arc<crate::controllers::services::Dataplane>,
    /// The pod's namespace: the first search domain of its resolv.conf.
    pub namespace: String,
    /// The rest of the pod network (other pods, on this node or others).
    pub remote: super::registry::Remote,
}

impl PodNet<'_> {
    /// kube-proxy's DNAT for Service IPs: the chosen endpoint, REJECT (refused) without ready
    /// endpoints, or a drop (timeout) for a port the Service does not expose.
    fn route(&self, ip: &str, port: u16) -> Result<(String, u16), NetError> {
        use crate::controllers::services::Route;
        match self.dataplane.route(ip, port) {
            Route::Direct => Ok((ip.to_string(), port)),
            Route::Refused => Err(NetError::ConnectionRefused),
            Route::Dropped => Err(NetError::TimedOut),
            Route::To(ip, port) => Ok((ip, port)),
        }
    }

    fn is_local(&self, ip: &str) -> bool {
        ip == "127.0.0.1" || ip == self.ip || ip == "0.0.0.0"
    }

    /// The peer container listening on `port`, if any other container of the pod does.
    fn peer_for(&self, port: u16) -> Result<usize, NetError> {
        match self.ports.get(&port) {
            Some(&s) if s != self.slot && self.peers.get(s).is_some_and(|p| p.process.is_some()) => Ok(s),
            Some(_) => Err(NetError::ConnectionReset),
            None => Err(NetError::ConnectionRefused),
        }
    }

    fn serve<T>(&mut self, slot: usize, f: impl FnOnce(&mut podlab_runtime::Process, &mut ProcessCtx) -> Option<T>) -> Result<T, NetError> {
        let Some(vols) = self.snapshot.as_mut() else { return Err(NetError::ConnectionReset) };
        let peer = &mut self.peers[slot];
        let cpu = peer.cpu_limit_millicores();
        let Some(process) = peer.process.as_mut() else { return Err(NetError::ConnectionRefused) };
        let mut out: Vec<OutputLine> = Vec::new();
        let mut leaf = NullNetwork::default();
        let result = {
            let mut ctx = ProcessCtx {
                now_ms: self.now_ms,
                fs: podlab_runtime::FsView::new(vols, &peer.mounts),
                net: &mut leaf,
                output: &mut out,
                cpu_limit_millicores: cpu,
            };
            f(process, &mut ctx)
        };
        for l in &out {
            peer.logs.push(l);
        }
        result.ok_or(NetError::ConnectionReset)
    }
}

impl Network for PodNet<'_> {
    fn listen(&mut self, port: u16) -> Result<(), NetError> {
        if self.ports.contains_key(&port) {
            return Err(NetError::AddrInUse);
        }
        self.ports.insert(port, self.slot);
        Ok(())
    }
    fn unlisten(&mut self, port: u16) {
        if self.ports.get(&port) == Some(&self.slot) {
            self.ports.remove(&port);
        }
    }
    fn resolve(&mut self, name: &str) -> Result<String, NetError> {
        self.dataplane.resolve(name, &self.namespace).map(|(_, ip)| ip).ok_or(NetError::NameNotResolved)
    }
    fn canonical_name(&mut self, name: &str) -> String {
        self.dataplane.resolve(name, &self.namespace).map(|(fqdn, _)| fqdn).unwrap_or_else(|| name.to_string())
    }
    fn nameserver(&self) -> String {
        CLUSTER_DNS_IP.into()
    }
    fn pod_ip(&self) -> String {
        self.ip.clone()
    }
    fn connect(&mut self, ip: &str, port: u16) -> Result<(), NetError> {
        let (ip, port) = self.route(ip, port)?;
        let ip = ip.as_str();
        if !self.is_local(ip) {
            return self.remote.serve(ip, port, self.now_ms, |_, _| Some(()));
        }
        if self.ports.contains_key(&port) {
            Ok(())
        } else {
            Err(NetError::ConnectionRefused)
        }
    }
    fn http(&mut self, ip: &str, port: u16, request: &HttpRequest) -> Result<HttpResponse, NetError> {
        let (ip, port) = self.route(ip, port)?;
        let ip = ip.as_str();
        if !self.is_local(ip) {
            // The server sees the connecting pod's address (a proxy's request carries the
            // address of the client that reached the proxy: replace it).
            let mut req = request.clone();
            req.remote_addr.clone_from(&self.ip);
            return self.remote.serve(ip, port, self.now_ms, |p, ctx| p.serve_http(ctx, port, &req));
        }
        let slot = self.peer_for(port)?;
        let mut req = request.clone();
        if req.remote_addr.is_empty() {
            // The source address is the one the connection went to: loopback for localhost,
            // the pod's own address when it dialled its own IP.
            req.remote_addr = if ip == self.ip { self.ip.clone() } else { "127.0.0.1".into() };
        }
        self.serve(slot, |p, ctx| p.serve_http(ctx, port, &req))
    }
    fn tcp_exchange(&mut self, ip: &str, port: u16, payload: &[u8]) -> Result<Vec<u8>, NetError> {
        let (ip, port) = self.route(ip, port)?;
        let ip = ip.as_str();
        if !self.is_local(ip) {
            return self.remote.serve(ip, port, self.now_ms, |p, ctx| p.serve_tcp(ctx, port, payload));
        }
        let slot = self.peer_for(port)?;
        self.serve(slot, |p, ctx| p.serve_tcp(ctx, port, payload))
    }
    fn ping(&mut self, ip: &str) -> Result<u64, NetError> {
        if self.is_local(ip) {
            Ok(40)
        } else if self.remote.reachable(ip) {
            Ok(95)
        } else {
            Err(NetError::TimedOut)
        }
    }
}
