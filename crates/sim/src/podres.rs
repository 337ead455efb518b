//! Pod resource arithmetic shared by the scheduler, LimitRanger and the API server's QoS
//! class: effective pod requests with the init-container max rule and native sidecars
//! (`resourcehelper.PodRequests`), the scheduler's non-zero defaults for scoring (100m CPU,
//! 200Mi memory per container without requests) and `GetPodQOS`. Amounts are integers: CPU in
//! millicores, everything else in base units (bytes, counts).

use podlab_api::{Container, PodSpec, Quantity};
use std::collections::BTreeMap;

/// Resource name → amount (cpu in millicores, others in base units).
pub type ResourceList = BTreeMap<String, i64>;

pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

pub fn amount(resource: &str, q: &Quantity) -> i64 {
    if resource == "cpu" {
        q.millis()
    } else {
        q.value()
    }
}

pub fn to_list(map: &BTreeMap<String, Quantity>) -> ResourceList {
    map.iter().map(|(k, q)| (k.clone(), amount(k, q))).collect()
}

fn add(into: &mut ResourceList, from: &ResourceList) {
    for (k, v) in from {
        *into.entry(k.clone()).or_insert(0) = into.get(k).copied().unwrap_or(0).saturating_add(*v);
    }
}

fn max_into(into: &mut ResourceList, from: &ResourceList) {
    for (k, v) in from {
        let e = into.entry(k.clone()).or_insert(0);
        *e = (*e).max(*v);
    }
}

pub fn container_requests(c: &Container) -> ResourceList {
    to_list(&c.resources.requests)
}

fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// Effective requests of a pod: regular containers and sidecars summed, compared with the
/// peak of each init container (plus the sidecars started before it), plus overhead.
pub fn pod_requests_with(spec: &PodSpec, per_container: impl Fn(&Container) -> ResourceList) -> ResourceList {
    let mut reqs = ResourceList::new();
    for c in &spec.containers {
        add(&mut reqs, &per_container(c));
    }
    let mut sidecars = ResourceList::new();
    let mut init_peak = ResourceList::new();
    for c in &spec.init_containers {
        let mut this = per_container(c);
        if is_sidecar(c) {
            add(&mut reqs, &this);
            add(&mut sidecars, &this);
            this = sidecars.clone();
        } else {
            add(&mut this, &sidecars);
        }
        max_into(&mut init_peak, &this);
    }
    max_into(&mut reqs, &init_peak);
    add(&mut reqs, &to_list(&spec.overhead));
    reqs
}

pub fn pod_requests(spec: &PodSpec) -> ResourceList {
    pod_requests_with(spec, container_requests)
}

/// Requests as the scoring plugins see them: containers without a CPU or memory request count
/// 100m / 200Mi (`schedutil.GetNonzeroRequests`).
pub fn pod_nonzero_requests(spec: &PodSpec) -> (i64, i64) {
    let r = pod_requests_with(spec, |c| {
        let mut l = container_requests(c);
        let cpu = l.get("cpu").copied().unwrap_or(0);
        let mem = l.get("memory").copied().unwrap_or(0);
        l.insert("cpu".into(), if cpu == 0 { DEFAULT_MILLI_CPU_REQUEST } else { cpu });
        l.insert("memory".into(), if mem == 0 { DEFAULT_MEMORY_REQUEST } else { mem });
        l
    });
    (r.get("cpu").copied().unwrap_or(0), r.get("memory").copied().unwrap_or(0))
}

/// `qos.GetPodQOS`: Guaranteed, Burstable or BestEffort.
pub fn qos_class(spec: &PodSpec) -> &'static str {
    let mut requests = ResourceList::new();
    let mut limits = ResourceList::new();
    let mut guaranteed = true;
    for c in spec.init_containers.iter().chain(&spec.containers) {
        for (name, q) in &c.resources.requests {
            if (name == "cpu" || name == "memory") && !q.is_zero() {
                *requests.entry(name.clone()).or_insert(0) += amount(name, q);
            }
        }
        let mut has = 0;
        for (name, q) in &c.resources.limits {
            if (name == "cpu" || name == "memory") && !q.is_zero() {
                *limits.entry(name.clone()).or_insert(0) += amount(name, q);
                has += 1;
            }
        }
        if has < 2 {
            guaranteed = false;
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed && requests == limits {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(v: serde_json::Value) -> PodSpec {
        serde_json::from_value(v).unwrap()
    }

    fn c(name: &str, cpu: &str, mem: &str) -> serde_json::Value {
        json!({"name": name, "image": "x", "resources": {"requests": {"cpu": cpu, "memory": mem}}})
    }

    #[test]
    fn pod_requests_table() {
        let mut sidecar = c("side", "200m", "64Mi");
        sidecar["restartPolicy"] = json!("Always");
        let cases = [
            (json!({"containers": [c("a", "100m", "1Mi"), c("b", "250m", "1Mi")]}), 350),
            (json!({"initContainers": [c("i", "1", "1Mi")], "containers": [c("a", "100m", "1Mi")]}), 1000),
            (json!({"initContainers": [c("i", "50m", "1Mi")], "containers": [c("a", "100m", "1Mi")]}), 100),
            (json!({"initContainers": [sidecar.clone(), c("i", "900m", "1Mi")], "containers": [c("a", "100m", "1Mi")]}), 1100),
            (json!({"initContainers": [sidecar, c("i", "50m", "1Mi")], "containers": [c("a", "100m", "1Mi")]}), 300),
            (json!({"containers": [{"name": "a", "image": "x"}]}), 0),
        ];
        for (s, cpu) in cases {
            let sp = spec(s.clone());
            assert_eq!(pod_requests(&sp).get("cpu").copied().unwrap_or(0), cpu, "{s}");
        }
        assert_eq!(pod_nonzero_requests(&spec(json!({"containers": [{"name": "a", "image": "x"}]}))), (100, 200 * 1024 * 1024));
    }

    #[test]
    fn qos_table() {
        let g = json!({"containers": [{"name": "a", "image": "x", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}}]});
        let b = json!({"containers": [c("a", "100m", "1Mi")]});
        let be = json!({"containers": [{"name": "a", "image": "x"}]});
        assert_eq!(qos_class(&spec(g)), "Guaranteed");
        assert_eq!(qos_class(&spec(b)), "Burstable");
        assert_eq!(qos_class(&spec(be)), "BestEffort");
    }
}
