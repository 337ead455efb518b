//! Service networking: ClusterIP allocation from the 10.96.0.0/12 service CIDR (the API
//! server's allocator: random in the upper band, the first 256 addresses left for static
//! choices such as kube-dns's 10.96.0.10), the kube-dns Service kubeadm installs, and the
//! data plane — what CoreDNS answers and what kube-proxy's iptables rules do — rebuilt by the
//! `kube-proxy` component from Service and EndpointSlice watches only. A pod's network asks it
//! to resolve `web`, `web.ns`, `web.ns.svc`, `web.ns.svc.cluster.local` through the pod's
//! search path, and to route a virtual IP: a random ready endpoint, or connection refused when
//! there is none (kube-proxy's REJECT rule for services without endpoints).

use super::Informer;
use crate::component::{Component, Ctx, Wake};
use crate::meta;
use crate::rng::Rng;
use crate::sim::Core;
use crate::status::Status;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub const SERVICE_CIDR_BASE: u32 = 0x0A60_0000; // 10.96.0.0
pub const SERVICE_CIDR_SIZE: u32 = 1 << 20; // /12
/// Addresses below this offset are only handed out when asked for (static band).
pub const STATIC_BAND: u32 = 256;
pub const CLUSTER_DOMAIN: &str = "cluster.local";
pub const NODE_PORT_MIN: u16 = 30000;
pub const NODE_PORT_MAX: u16 = 32767;

pub fn ip_string(v: u32) -> String {
    format!("{}.{}.{}.{}", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)
}

pub fn parse_ip(s: &str) -> Option<u32> {
    let parts: Vec<u32> = s.split('.').map(|p| p.parse::<u32>().ok().filter(|x| *x < 256)).collect::<Option<Vec<_>>>()?;
    (parts.len() == 4).then(|| (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3])
}

/// The `kube-dns` Service of a kubeadm cluster (CoreDNS behind the well-known 10.96.0.10).
pub fn kube_dns_service(rng: &mut Rng, created: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system", "uid": rng.uid(), "creationTimestamp": created,
        "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
        "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
      "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "internalTrafficPolicy": "Cluster", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
        "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53}, {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}, {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}],
        "selector": {"k8s-app": "kube-dns"}, "sessionAffinity": "None", "type": "ClusterIP"},
      "status": {"loadBalancer": {}}})
}

fn invalid(name: &str, field: &str, shown: &str, detail: &str) -> Status {
    Status::invalid("Service", name, &[format!("{field}: Invalid value: {shown}: {detail}")])
}

/// The service REST storage's allocation on create: clusterIP(s), IP family fields and node
/// ports. Runs inside the API server after defaulting; draws from a stream keyed by the store
/// revision so the API server's own random draws (generated names, uids) are not shifted.
pub fn allocate_on_create(core: &mut Core, svc: &mut Value) -> Result<(), Status> {
    let name = meta::name(svc).to_string();
    let ty = meta::str_at(svc, &["spec", "type"]).unwrap_or("ClusterIP").to_string();
    if ty == "ExternalName" {
        return Ok(());
    }
    let taken: Vec<u32> = core.store.list("Service", None).filter_map(|s| meta::str_at(s, &["spec", "clusterIP"]).and_then(parse_ip)).collect();
    let mut rng = Rng::stream(core.seed, &format!("service-ip/{}", core.store.revision()));
    let requested = meta::str_at(svc, &["spec", "clusterIP"]).unwrap_or("").to_string();
    let ip = if requested == "None" {
        "None".to_string()
    } else if !requested.is_empty() {
        let shown = format!("[]string{{\"{requested}\"}}");
        let Some(v) = parse_ip(&requested).filter(|v| v.wrapping_sub(SERVICE_CIDR_BASE) < SERVICE_CIDR_SIZE) else {
            return Err(invalid(&name, "spec.clusterIPs", &shown, &format!("failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is 10.96.0.0/12")));
        };
        if taken.contains(&v) {
            return Err(invalid(&name, "spec.clusterIPs", &shown, &format!("failed to allocate IP {requested}: provided IP is already allocated")));
        }
        requested
    } else {
        let span = SERVICE_CIDR_SIZE - STATIC_BAND - 1;
        let start = rng.below(u64::from(span)) as u32;
        let free = (0..span).map(|i| SERVICE_CIDR_BASE + STATIC_BAND + (start + i) % span).find(|v| !taken.contains(v));
        match free {
            Some(v) => ip_string(v),
            None => return Err(Status::new(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full")),
        }
    };
    let spec = meta::object_mut(svc, "spec");
    spec.insert("clusterIP", json!(ip));
    spec.insert("clusterIPs", json!([ip]));
    if ip != "None" || !spec.contains_key("ipFamilies") {
        spec.insert("ipFamilies", json!(["IPv4"]));
        spec.insert("ipFamilyPolicy", json!("SingleStack"));
    }
    if matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
        allocate_node_ports(core, svc, &mut rng).map_err(|(i, port, detail)| invalid(&name, &format!("spec.ports[{i}].nodePort"), &port.to_string(), detail))?;
    }
    if svc.get("status").is_none() {
        svc["status"] = json!({"loadBalancer": {}});
    }
    Ok(())
}

/// Node ports: each one asked for must be in the range and free (the port allocator's checks,
/// first failure reported as (port index, port, message)); the rest are drawn from the range.
fn allocate_node_ports(core: &Core, svc: &mut Value, rng: &mut Rng) -> Result<(), (usize, i64, &'static str)> {
    let mut taken: Vec<u64> = Vec::new();
    for s in core.store.list("Service", None) {
        for p in meta::at(s, &["spec", "ports"]).and_then(Value::as_array).into_iter().flatten() {
            taken.extend(p.get("nodePort").and_then(Value::as_u64));
        }
    }
    let span = u64::from(NODE_PORT_MAX - NODE_PORT_MIN) + 1;
    let Some(ports) = svc.pointer_mut("/spec/ports").and_then(Value::as_array_mut) else { return Ok(()) };
    for (i, p) in ports.iter().enumerate() {
        let Some(n) = p.get("nodePort").and_then(Value::as_i64).filter(|n| *n != 0) else { continue };
        if !(i64::from(NODE_PORT_MIN)..=i64::from(NODE_PORT_MAX)).contains(&n) {
            return Err((i, n, "provided port is not in the valid range. The range of valid ports is 30000-32767"));
        }
        if taken.contains(&(n as u64)) {
            return Err((i, n, "provided port is already allocated"));
        }
        taken.push(n as u64);
    }
    for p in ports.iter_mut() {
        if p.get("nodePort").and_then(Value::as_u64).is_some_and(|n| n > 0) {
            continue;
        }
        let start = rng.below(span);
        let free = (0..span).map(|i| u64::from(NODE_PORT_MIN) + (start + i) % span).find(|n| !taken.contains(n));
        if let Some(n) = free {
            taken.push(n);
            p["nodePort"] = json!(n);
        }
    }
    Ok(())
}

/// One Service as the data plane sees it.
#[derive(Clone, Debug, Default)]
pub struct ServiceEntry {
    pub cluster_ip: String,
    /// (port, protocol, port name)
    pub ports: Vec<(u16, String, String)>,
    /// Ready endpoints per port name: (pod IP, target port).
    pub ready: BTreeMap<String, Vec<(String, u16)>>,
}

/// CoreDNS's records and kube-proxy's rules at one instant.
#[derive(Debug, Default)]
pub struct Dataplane {
    pub services: BTreeMap<(String, String), ServiceEntry>,
    pub by_ip: BTreeMap<String, (String, String)>,
    seed: u64,
    picks: AtomicU64,
}

/// Where a connection to a virtual IP goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Not a Service IP: deliver as addressed.
    Direct,
    /// A Service port with no ready endpoint: REJECT (connection refused).
    Refused,
    /// A Service IP on a port it does not expose: packets are dropped (timeout).
    Dropped,
    /// DNAT to this pod IP and port.
    To(String, u16),
}

impl Dataplane {
    /// Resolves `name` through a pod's resolv.conf (`search <ns>.svc.cluster.local
    /// svc.cluster.local cluster.local`, `ndots:5`): the fully qualified name and the address.
    pub fn resolve(&self, name: &str, pod_ns: &str) -> Option<(String, String)> {
        let name = name.trim_end_matches('.');
        let mut candidates: Vec<String> = [format!("{pod_ns}.svc.{CLUSTER_DOMAIN}"), format!("svc.{CLUSTER_DOMAIN}"), CLUSTER_DOMAIN.to_string()]
            .iter()
            .map(|s| format!("{name}.{s}"))
            .collect();
        candidates.push(name.to_string());
        candidates.into_iter().find_map(|fqdn| self.lookup_fqdn(&fqdn).map(|ip| (fqdn, ip)))
    }

    fn lookup_fqdn(&self, fqdn: &str) -> Option<String> {
        let rest = fqdn.strip_suffix(&format!(".svc.{CLUSTER_DOMAIN}"))?;
        let (svc, ns) = rest.split_once('.')?;
        if ns.contains('.') {
            return None;
        }
        let e = self.services.get(&(ns.to_string(), svc.to_string()))?;
        if e.cluster_ip == "None" {
            // Headless: the A records are the ready endpoints' addresses.
            return e.ready.values().flatten().map(|(ip, _)| ip.clone()).next();
        }
        Some(e.cluster_ip.clone())
    }

    pub fn is_service_ip(&self, ip: &str) -> bool {
        self.by_ip.contains_key(ip)
    }

    /// kube-proxy's decision for a TCP connection to `ip:port`; the endpoint is chosen at
    /// random (iptables' statistic match) from a deterministic seeded sequence.
    pub fn route(&self, ip: &str, port: u16) -> Route {
        let Some(key) = self.by_ip.get(ip) else { return Route::Direct };
        let Some(e) = self.services.get(key) else { return Route::Direct };
        let Some((_, _, pname)) = e.ports.iter().find(|(p, proto, _)| *p == port && proto == "TCP") else { return Route::Dropped };
        let eps = e.ready.get(pname).map(Vec::as_slice).unwrap_or(&[]);
        if eps.is_empty() {
            return Route::Refused;
        }
        let n = self.picks.fetch_add(1, Ordering::Relaxed);
        let mut r = Rng::stream(self.seed, &format!("kube-proxy/{n}"));
        let (ip, port) = &eps[r.below(eps.len() as u64) as usize];
        Route::To(ip.clone(), *port)
    }
}

/// Builds the data plane from Services and EndpointSlices.
pub fn build(seed: u64, services: &Informer, slices: &Informer, picks: u64) -> Dataplane {
    let mut dp = Dataplane { seed, picks: AtomicU64::new(picks), ..Dataplane::default() };
    for (super::NsName(ns, name), s) in &services.objs {
        let ip = meta::str_at(s, &["spec", "clusterIP"]).unwrap_or("").to_string();
        if ip.is_empty() {
            continue;
        }
        let ports = meta::at(s, &["spec", "ports"]).and_then(Value::as_array).into_iter().flatten();
        let ports = ports
            .map(|p| (p["port"].as_u64().unwrap_or(0) as u16, p["protocol"].as_str().unwrap_or("TCP").to_string(), p["name"].as_str().unwrap_or("").to_string()))
            .collect();
        if ip != "None" {
            dp.by_ip.insert(ip.clone(), (ns.clone(), name.clone()));
        }
        dp.services.insert((ns.clone(), name.clone()), ServiceEntry { cluster_ip: ip, ports, ready: BTreeMap::new() });
    }
    for s in slices.objs.values() {
        let Some(svc) = meta::label(s, "kubernetes.io/service-name") else { continue };
        let Some(e) = dp.services.get_mut(&(meta::namespace(s).to_string(), svc.to_string())) else { continue };
        let ports: Vec<(String, u16)> = s.get("ports").and_then(Value::as_array).into_iter().flatten().map(|p| (p["name"].as_str().unwrap_or("").to_string(), p["port"].as_u64().unwrap_or(0) as u16)).collect();
        for ep in s.get("endpoints").and_then(Value::as_array).into_iter().flatten() {
            if ep.pointer("/conditions/ready").and_then(Value::as_bool) != Some(true) {
                continue;
            }
            for addr in ep.get("addresses").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                for (pname, port) in &ports {
                    e.ready.entry(pname.clone()).or_default().push((addr.to_string(), *port));
                }
            }
        }
    }
    dp
}

/// kube-proxy (and CoreDNS's kubernetes plugin): watches Services and EndpointSlices and
/// reprograms the shared data plane the pods' network consults.
#[derive(Default)]
pub struct KubeProxy {
    services: Informer,
    slices: Informer,
}

impl Component for KubeProxy {
    fn name(&self) -> String {
        "kube-proxy".into()
    }
    fn user(&self) -> String {
        "system:kube-proxy".into()
    }
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        self.services = Informer::new("Service");
        self.slices = Informer::new("EndpointSlice");
        self.services.start(ctx);
        self.slices.start(ctx);
    }
    fn on_wake(&mut self, ctx: &mut Ctx<'_>, _wake: Wake) {
        let a = self.services.pump(ctx).len();
        let b = self.slices.pump(ctx).len();
        if a + b == 0 {
            return;
        }
        let picks = ctx.core.dataplane.picks.load(Ordering::Relaxed);
        ctx.core.dataplane = Arc::new(build(ctx.core.seed, &self.services, &self.slices, picks));
    }
    fn describe(&self) -> Value {
        json!({"services": self.services.objs.len(), "endpointSlices": self.slices.objs.len()})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane() -> Dataplane {
        let mut dp = Dataplane { seed: 5, ..Dataplane::default() };
        let mut ready = BTreeMap::new();
        ready.insert("http".to_string(), vec![("10.244.1.5".to_string(), 8080), ("10.244.2.7".to_string(), 8080)]);
        let ports = vec![(80, "TCP".to_string(), "http".to_string())];
        dp.services.insert(("prod".into(), "web".into()), ServiceEntry { cluster_ip: "10.100.3.4".into(), ports: ports.clone(), ready });
        dp.services.insert(("prod".into(), "db".into()), ServiceEntry { cluster_ip: "10.100.9.9".into(), ports, ready: BTreeMap::new() });
        dp.by_ip.insert("10.100.3.4".into(), ("prod".into(), "web".into()));
        dp.by_ip.insert("10.100.9.9".into(), ("prod".into(), "db".into()));
        dp
    }

    #[test]
    fn dns_follows_the_pod_search_path() {
        let dp = plane();
        let fq = "web.prod.svc.cluster.local";
        let cases = [("web", "prod", Some(fq)), ("web.prod", "default", Some(fq)), ("web.prod.svc", "default", Some(fq)), (fq, "default", Some(fq)), ("web", "default", None), ("nope", "prod", None)];
        for (name, ns, want) in cases {
            assert_eq!(dp.resolve(name, ns).map(|(f, _)| f).as_deref(), want, "{name} from {ns}");
        }
        assert_eq!(dp.resolve("web", "prod").unwrap().1, "10.100.3.4");
    }

    #[test]
    fn kube_proxy_routes_refuses_and_drops() {
        let dp = plane();
        assert_eq!(dp.route("10.244.1.9", 80), Route::Direct);
        assert_eq!(dp.route("10.100.9.9", 80), Route::Refused, "no ready endpoints: REJECT");
        assert_eq!(dp.route("10.100.3.4", 443), Route::Dropped, "port not exposed");
        let picks: std::collections::BTreeSet<String> = (0..32)
            .map(|_| match dp.route("10.100.3.4", 80) {
                Route::To(ip, port) => {
                    assert_eq!(port, 8080);
                    ip
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(picks.len(), 2, "both endpoints get traffic");
    }

    #[test]
    fn ip_helpers_round_trip() {
        assert_eq!(parse_ip("10.96.0.10").map(ip_string).as_deref(), Some("10.96.0.10"));
        assert_eq!(parse_ip("10.96.0"), None);
        assert_eq!(parse_ip("300.1.1.1"), None);
        assert_eq!(ip_string(SERVICE_CIDR_BASE + SERVICE_CIDR_SIZE - 1), "10.111.255.255");
    }
}
