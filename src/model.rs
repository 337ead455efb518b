//! The cluster view model: a pure function from the simulation's objects (Nodes, Pods, Events
//! as the API server stores them) to what the cluster view, the events table and the pod detail
//! show. Kubernetes rules are borrowed, not re-implemented: the pod STATUS/READY text is
//! kubectl's own `pod_summary`, effective requests are the scheduler's `pod_requests`. This
//! module only reads fields and picks colours, icons and words for them.

use podlab_kubectl::printers::pod::pod_summary;
use podlab_sim::podres::pod_requests;
use serde_json::Value;

/// A container's state, in the vocabulary shared by every view (colour + icon + text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CState {
    /// The pod is not on a node yet: nothing has started.
    NotStarted,
    Ready,
    RunningNotReady,
    /// ContainerCreating, PodInitializing, init wait...
    Waiting(String),
    /// CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError...
    BackOff(String),
    Completed,
    Failed { reason: String, exit_code: i64 },
}

impl CState {
    /// CSS modifier (`st-ready` etc.), shared with the timeline.
    pub fn class(&self) -> &'static str {
        match self {
            CState::NotStarted => "st-none",
            CState::Ready => "st-ready",
            CState::RunningNotReady => "st-notready",
            CState::Waiting(_) => "st-waiting",
            CState::BackOff(_) => "st-backoff",
            CState::Completed => "st-done",
            CState::Failed { .. } => "st-failed",
        }
    }

    /// An icon that tells the states apart without colour.
    pub fn icon(&self) -> &'static str {
        match self {
            CState::NotStarted => "○",
            CState::Ready => "✔",
            CState::RunningNotReady => "◐",
            CState::Waiting(_) => "⏳",
            CState::BackOff(_) => "↻",
            CState::Completed => "■",
            CState::Failed { .. } => "✖",
        }
    }

    /// The state in words, Kubernetes terms verbatim.
    pub fn text(&self) -> String {
        match self {
            CState::NotStarted => "not started".into(),
            CState::Ready => "Running, ready".into(),
            CState::RunningNotReady => "Running, not ready".into(),
            CState::Waiting(r) | CState::BackOff(r) => r.clone(),
            CState::Completed => "Completed".into(),
            CState::Failed { reason, exit_code } => format!("{reason} (exit code {exit_code})"),
        }
    }
}

fn s<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

fn arr<'a>(v: &'a Value, pointer: &str) -> &'a [Value] {
    v.pointer(pointer).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The state of one container status object (`status.containerStatuses[i]`).
pub fn container_state(status: Option<&Value>) -> CState {
    let Some(cs) = status else { return CState::NotStarted };
    if cs.pointer("/state/running").is_some() {
        return if cs.get("ready").and_then(Value::as_bool) == Some(true) { CState::Ready } else { CState::RunningNotReady };
    }
    if let Some(t) = cs.pointer("/state/terminated") {
        let reason = s(t, "/reason").to_string();
        let exit_code = t.get("exitCode").and_then(Value::as_i64).unwrap_or(0);
        return if exit_code == 0 && (reason.is_empty() || reason == "Completed") { CState::Completed } else { CState::Failed { reason: if reason.is_empty() { "Error".into() } else { reason }, exit_code } };
    }
    let reason = s(cs, "/state/waiting/reason");
    match reason {
        "" => CState::Waiting("Waiting".into()),
        "ContainerCreating" | "PodInitializing" => CState::Waiting(reason.into()),
        r => CState::BackOff(r.into()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerCard {
    pub name: String,
    pub image: String,
    pub init: bool,
    pub state: CState,
    pub restarts: i64,
    /// The waiting/terminated message, when the kubelet gave one.
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodCard {
    pub namespace: String,
    pub name: String,
    pub node: String,
    pub phase: String,
    /// kubectl's STATUS column and READY `n/m`.
    pub status: String,
    pub ready: String,
    pub restarts: String,
    pub ip: String,
    pub volumes: Vec<(String, String)>,
    pub containers: Vec<ContainerCard>,
    /// Why the scheduler has not placed it (the PodScheduled=False message).
    pub pending_reason: Option<String>,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
}

fn volume_type(v: &Value) -> String {
    v.as_object().and_then(|m| m.keys().find(|k| *k != "name").map(|k| k.to_string())).unwrap_or_default()
}

fn requests(pod: &Value) -> (i64, i64) {
    let spec = pod.get("spec").cloned().and_then(|v| serde_json::from_value::<podlab_api::PodSpec>(v).ok());
    spec.map_or((0, 0), |spec| {
        let r = pod_requests(&spec);
        (r.get("cpu").copied().unwrap_or(0), r.get("memory").copied().unwrap_or(0))
    })
}

/// The card of one Pod object at simulated epoch time `now_epoch_ms`.
pub fn pod_card(pod: &Value, now_epoch_ms: i64) -> PodCard {
    let summary = pod_summary(pod, now_epoch_ms);
    let status_of = |list: &str, name: &str| arr(pod, list).iter().find(|c| s(c, "/name") == name);
    let mut containers = Vec::new();
    for (spec_list, status_list, init) in [("/spec/initContainers", "/status/initContainerStatuses", true), ("/spec/containers", "/status/containerStatuses", false)] {
        for c in arr(pod, spec_list) {
            let name = s(c, "/name");
            let st = status_of(status_list, name);
            let message = st.map(|v| [s(v, "/state/waiting/message"), s(v, "/state/terminated/message")].concat()).unwrap_or_default();
            containers.push(ContainerCard {
                name: name.to_string(),
                image: s(c, "/image").to_string(),
                init,
                state: container_state(st),
                restarts: st.and_then(|v| v.get("restartCount")).and_then(Value::as_i64).unwrap_or(0),
                message,
            });
        }
    }
    let pending_reason = arr(pod, "/status/conditions")
        .iter()
        .find(|c| s(c, "/type") == "PodScheduled" && s(c, "/status") == "False")
        .map(|c| if s(c, "/message").is_empty() { s(c, "/reason").to_string() } else { s(c, "/message").to_string() });
    let (cpu_milli, memory_bytes) = requests(pod);
    PodCard {
        namespace: s(pod, "/metadata/namespace").to_string(),
        name: s(pod, "/metadata/name").to_string(),
        node: s(pod, "/spec/nodeName").to_string(),
        phase: s(pod, "/status/phase").to_string(),
        status: summary.reason,
        ready: format!("{}/{}", summary.ready, summary.total),
        restarts: summary.restarts,
        ip: s(pod, "/status/podIP").to_string(),
        volumes: arr(pod, "/spec/volumes").iter().map(|v| (s(v, "/name").to_string(), volume_type(v))).collect(),
        containers,
        pending_reason,
        cpu_milli,
        memory_bytes,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeCard {
    pub name: String,
    pub ready: bool,
    pub unschedulable: bool,
    pub taints: Vec<String>,
    pub cpu_requested: i64,
    pub cpu_allocatable: i64,
    pub mem_requested: i64,
    pub mem_allocatable: i64,
    pub pods: Vec<PodCard>,
}

/// The whole cluster view: nodes with their pods, and pods waiting in orbit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterModel {
    pub nodes: Vec<NodeCard>,
    pub orbit: Vec<PodCard>,
}

fn quantity(v: &Value, pointer: &str, cpu: bool) -> i64 {
    podlab_api::Quantity::parse(s(v, pointer)).map(|q| if cpu { q.millis() } else { q.value() }).unwrap_or(0)
}

/// Builds the model from the store's objects (any kinds; others are ignored). `namespace`
/// limits pods shown (None = all namespaces).
pub fn cluster_model(objects: &[&Value], now_epoch_ms: i64, namespace: Option<&str>) -> ClusterModel {
    let kind = |o: &&Value, k: &str| s(o, "/kind") == k;
    let mut nodes: Vec<NodeCard> = objects
        .iter()
        .filter(|o| kind(o, "Node"))
        .map(|n| NodeCard {
            name: s(n, "/metadata/name").to_string(),
            ready: arr(n, "/status/conditions").iter().any(|c| s(c, "/type") == "Ready" && s(c, "/status") == "True"),
            unschedulable: n.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true),
            taints: arr(n, "/spec/taints").iter().map(|t| format!("{}{}{}:{}", s(t, "/key"), if s(t, "/value").is_empty() { "" } else { "=" }, s(t, "/value"), s(t, "/effect"))).collect(),
            cpu_requested: 0,
            cpu_allocatable: quantity(n, "/status/allocatable/cpu", true),
            mem_requested: 0,
            mem_allocatable: quantity(n, "/status/allocatable/memory", false),
            pods: Vec::new(),
        })
        .collect();
    let mut orbit = Vec::new();
    for pod in objects.iter().filter(|o| kind(o, "Pod")) {
        let card = pod_card(pod, now_epoch_ms);
        let terminal = card.phase == "Succeeded" || card.phase == "Failed";
        let node = nodes.iter_mut().find(|n| n.name == card.node);
        if let Some(node) = node {
            if !terminal {
                node.cpu_requested += card.cpu_milli;
                node.mem_requested += card.memory_bytes;
            }
            if namespace.is_none_or(|ns| ns == card.namespace) {
                node.pods.push(card);
            }
        } else if namespace.is_none_or(|ns| ns == card.namespace) {
            orbit.push(card);
        }
    }
    ClusterModel { nodes, orbit }
}

/// Namespaces Kubernetes itself populates: the add-ons and control plane (kube-system), the
/// cluster-info ConfigMap (kube-public) and node heartbeats (kube-node-lease).
pub const SYSTEM_NAMESPACES: [&str; 3] = ["kube-system", "kube-public", "kube-node-lease"];

pub fn is_system_namespace(namespace: &str) -> bool {
    SYSTEM_NAMESPACES.contains(&namespace)
}

impl ClusterModel {
    /// The learner's view: pods of their own namespaces, plus the system pods when asked for.
    /// Node bars keep counting every pod's requests (kube-proxy's CPU is requested all the
    /// same), so only the cards go.
    pub fn learner_view(mut self, show_system: bool) -> ClusterModel {
        if !show_system {
            for n in &mut self.nodes {
                n.pods.retain(|p| !is_system_namespace(&p.namespace));
            }
            self.orbit.retain(|p| !is_system_namespace(&p.namespace));
        }
        self
    }

    /// How many pods in the system namespaces the model holds (the toggle's count).
    pub fn system_pod_count(&self) -> usize {
        self.nodes.iter().flat_map(|n| n.pods.iter()).chain(self.orbit.iter()).filter(|p| is_system_namespace(&p.namespace)).count()
    }
}

/// One row of the events table (what `kubectl get events` shows, with sim time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub last_ms: u64,
    pub event_type: String,
    pub reason: String,
    pub object: String,
    pub message: String,
    pub count: u64,
}

/// Events sorted by last occurrence (oldest first, like `kubectl get events`). `to_sim` turns
/// an RFC 3339 timestamp into simulated ms.
pub fn event_rows(objects: &[&Value], to_sim: impl Fn(&str) -> Option<u64>) -> Vec<EventRow> {
    let mut rows: Vec<EventRow> = objects
        .iter()
        .filter(|o| s(o, "/kind") == "Event")
        .map(|e| {
            let when = ["/series/lastObservedTime", "/lastTimestamp", "/eventTime", "/metadata/creationTimestamp"].iter().find_map(|p| to_sim(s(e, p)));
            let (k, n) = (s(e, "/involvedObject/kind"), s(e, "/involvedObject/name"));
            EventRow {
                last_ms: when.unwrap_or(0),
                event_type: s(e, "/type").to_string(),
                reason: s(e, "/reason").to_string(),
                object: format!("{}/{}", k.to_lowercase(), n),
                message: s(e, "/message").to_string(),
                count: e.pointer("/series/count").or_else(|| e.get("count")).and_then(Value::as_u64).unwrap_or(1),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.last_ms.cmp(&b.last_ms).then_with(|| a.object.cmp(&b.object)));
    rows
}

/// Human units for the resource bars: `250m`/`2` CPU, `128Mi`/`4Gi` memory.
pub fn format_cpu(milli: i64) -> String {
    if milli % 1000 == 0 { format!("{}", milli / 1000) } else { format!("{milli}m") }
}

pub fn format_mem(bytes: i64) -> String {
    const GI: i64 = 1 << 30;
    const MI: i64 = 1 << 20;
    if bytes >= GI && bytes % GI == 0 { format!("{}Gi", bytes / GI) } else if bytes >= MI { format!("{}Mi", bytes / MI) } else { format!("{bytes}") }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
