//! The cluster's pod network between nodes: every kubelet of one `Simulation` shares a
//! registry of node -> its pod workers, so a process on any node can reach a process listening
//! on another pod's IP (the flat, NAT-free pod network the CNI provides). Lookups walk ordered
//! maps only (deterministic), a worker being stepped is out of its node's map for the duration
//! of the step (so it is never borrowed twice), and a server answers on its own pod's network
//! one hop deeper, so a chain of forwarding proxies is capped at `HOPS_MAX` hops.
//! Pods of a powered-off node do not answer: the connection times out. Pods of a node whose
//! kubelet alone is stopped still answer on their IPs (their containers keep running).

use super::worker::PodWorker;
use super::network::PodNet;
use podlab_runtime::{NetError, OutputLine, Process, ProcessCtx};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// One node's pod workers by pod UID.
pub(crate) type WorkerMap = Rc<RefCell<BTreeMap<String, PodWorker>>>;

/// What every kubelet of one simulation shares.
#[derive(Default)]
pub(crate) struct Registry {
    pub nodes: BTreeMap<String, WorkerMap>,
    /// Nodes that are powered off (refreshed from the core before processes run).
    pub stopped: BTreeSet<String>,
    /// The CSI driver's disks, shared with the attach/detach controller.
    pub cloud: Option<super::csi::Cloud>,
}

pub(crate) type SharedRegistry = Rc<RefCell<Registry>>;

/// Records which nodes are powered off (out of the pod network).
pub(crate) fn refresh_stopped(reg: &SharedRegistry, core: &crate::sim::Core) {
    set_stopped(reg, unreachable_nodes(core));
}

pub(crate) fn set_stopped(reg: &SharedRegistry, stopped: BTreeSet<String>) {
    if let Ok(mut r) = reg.try_borrow_mut() {
        r.stopped = stopped;
    }
}

/// The nodes that do not answer on the pod network: powered-off machines only. A node whose
/// kubelet alone is stopped (`systemctl stop kubelet`) keeps its containers running, so their
/// pod IPs still answer; only Services stop routing to them once the pods turn Ready=False.
pub(crate) fn unreachable_nodes(core: &crate::sim::Core) -> BTreeSet<String> {
    core.powered_off.clone()
}

/// The nodes whose kubelet is not running (its service stopped, or the node off). A
/// port-forward is served by the target pod's kubelet, so it cannot reach their pods even
/// though the pods still answer other pods on the network.
pub(crate) fn stopped_nodes(core: &crate::sim::Core) -> BTreeSet<String> {
    core.paused.keys().filter_map(|id| core.component_names.get(*id)).filter_map(|n| n.strip_prefix("kubelet/")).map(str::to_string).collect()
}

/// Nested hops a request may take through servers that forward it (proxies): past this the
/// innermost connection times out, so a proxy chain that loops cannot run forever.
pub(crate) const HOPS_MAX: u8 = 4;

/// The route from one pod into the rest of the pod network.
#[derive(Clone, Default)]
pub(crate) struct Remote {
    pub registry: Option<SharedRegistry>,
    /// Servers already on the path of this request.
    pub depth: u8,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Remote(connected={}, depth={})", self.registry.is_some(), self.depth)
    }
}

impl Remote {
    /// The node and worker map of the live pod holding `ip` (None: no such pod).
    /// The pod answering on `ip`: hostNetwork pods share their node's IP, so among several
    /// the one listening on `port` wins.
    fn locate(&self, ip: &str, port: u16) -> Option<(bool, String, WorkerMap)> {
        let reg = self.registry.as_ref()?.try_borrow().ok()?;
        reg.nodes.iter().find_map(|(node, map)| {
            let m = map.try_borrow().ok()?;
            let mut on_ip = m.values().filter(|w| w.ip.as_deref() == Some(ip) && w.sandbox_ready);
            let first = on_ip.next()?;
            let w = if first.ports.contains_key(&port) { first } else { on_ip.find(|w| w.ports.contains_key(&port)).unwrap_or(first) };
            Some((reg.stopped.contains(node), w.uid.clone(), Rc::clone(map)))
        })
    }

    /// Runs `f` against the process listening on `ip:port` in another pod. Unknown IPs and
    /// stopped nodes time out; a pod with nothing on the port refuses. The target worker is
    /// out of its map while it serves (its own requests go on one hop deeper).
    pub fn serve<T>(&self, ip: &str, port: u16, now_ms: u64, f: impl FnOnce(&mut Process, &mut ProcessCtx) -> Option<T>) -> Result<T, NetError> {
        if self.depth >= HOPS_MAX {
            return Err(NetError::TimedOut);
        }
        let Some((stopped, uid, map)) = self.locate(ip, port) else { return Err(NetError::TimedOut) };
        if stopped {
            return Err(NetError::TimedOut);
        }
        let Some(mut w) = map.try_borrow_mut().ok().and_then(|mut m| m.remove(&uid)) else { return Err(NetError::TimedOut) };
        let next = Remote { registry: self.registry.clone(), depth: self.depth + 1 };
        let result = serve_in(&mut w, port, now_ms, next, f);
        if let Ok(mut m) = map.try_borrow_mut() {
            m.insert(uid, w);
        }
        result
    }

    /// Whether `ip` is a live pod on a running node (ICMP answers).
    pub fn reachable(&self, ip: &str) -> bool {
        self.locate(ip, 0).is_some_and(|(stopped, _, _)| !stopped)
    }
}

/// `f` runs in the container of `w` that listens on `port`, with the pod's live volumes and
/// the pod's own network (`remote` one hop deeper).
fn serve_in<T>(w: &mut PodWorker, port: u16, now_ms: u64, remote: Remote, f: impl FnOnce(&mut Process, &mut ProcessCtx) -> Option<T>) -> Result<T, NetError> {
    let Some(&slot) = w.ports.get(&port) else { return Err(NetError::ConnectionRefused) };
    // An exec session's process holds the port: it lives in the kubelet's session table,
    // not in the container, and cannot be reached from here.
    let Some(peer) = w.containers.get_mut(slot) else { return Err(NetError::ConnectionReset) };
    let Some(mut process) = peer.process.take() else { return Err(NetError::ConnectionRefused) };
    let mounts = std::mem::take(&mut peer.mounts);
    let cpu = peer.cpu_limit_millicores();
    let mut out: Vec<OutputLine> = Vec::new();
    let result = match w.volumes.as_mut() {
        None => None,
        Some(vols) => {
            let snapshot = w.ports.values().any(|s| *s != slot).then(|| vols.store.clone());
            let (dataplane, namespace) = (std::sync::Arc::clone(&w.dataplane), crate::meta::namespace(&w.pod).to_string());
            let mut net = PodNet { ip: w.ip.clone().unwrap_or_default(), ports: &mut w.ports, slot, peers: &mut w.containers, snapshot, now_ms, dataplane, namespace, remote };
            let mut ctx = ProcessCtx { now_ms, fs: podlab_runtime::FsView::new(&mut vols.store, &mounts), net: &mut net, output: &mut out, cpu_limit_millicores: cpu };
            f(&mut process, &mut ctx)
        }
    };
    if let Some(peer) = w.containers.get_mut(slot) {
        peer.process = Some(process);
        peer.mounts = mounts;
        for l in &out {
            peer.logs.push(l);
        }
    }
    result.ok_or(NetError::ConnectionReset)
}
