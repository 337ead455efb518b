//! The pod subresources the kubelet serves, reached the way kubectl reaches them: the API
//! server authenticates and authorizes `pods/log` (get) or `pods/exec` (create), validates the
//! container name against the pod, then proxies to the kubelet of the pod's node (which fails
//! as a refused dial while that kubelet is stopped, see `dial`). Log text follows
//! `validateContainerLogStatus`' errors word for word; exec sessions are polled.

use super::exec::{ExecHandle, ExecOutput, ExecSpec};
use super::logs::{render, LogOptions};
use super::status::container_status;
use super::Kubelet;
use crate::apiserver::{authn, rbac};
use crate::meta;
use crate::request::{ApiOk, ApiRequest, ApiResponse, Verb};
use crate::sim::Simulation;
use crate::status::Status;
use crate::store::ObjectKey;
use crate::time::{Epoch, SimDuration};
use crate::trace::Outcome;
use serde_json::{json, Value};

/// Container names of a pod's spec list.
fn names(pod: &Value, list: &str) -> Vec<String> {
    meta::at(pod, &["spec", list]).and_then(Value::as_array).map(|a| a.iter().filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string)).collect()).unwrap_or_default()
}

/// The API server's container resolution for logs/exec (`LogLocation`/`ExecLocation`).
fn resolve_container(pod: &Value, requested: Option<&str>) -> Result<String, Status> {
    let name = meta::name(pod);
    let (apps, inits) = (names(pod, "containers"), names(pod, "initContainers"));
    match requested.filter(|c| !c.is_empty()) {
        Some(c) if apps.iter().chain(inits.iter()).any(|n| n == c) => Ok(c.to_string()),
        Some(c) => Err(Status::bad_request(format!("container {c} is not valid for pod {name}"))),
        None if apps.len() == 1 => Ok(apps[0].clone()),
        None => {
            let mut msg = format!("a container name must be specified for pod {name}, choose one of: [{}]", apps.join(" "));
            if !inits.is_empty() {
                msg.push_str(&format!(" or one of the init containers: [{}]", inits.join(" ")));
            }
            Err(Status::bad_request(msg))
        }
    }
}

/// Authenticates and authorizes `verb` on `pods/<sub>`, then reads the pod.
fn admit(sim: &mut Simulation, req: &ApiRequest, verb: &str, sub: &str, ns: &str, name: &str) -> Result<Value, Status> {
    let core = sim.core_mut();
    let user = authn::authenticate(&core.apiserver.users, req.user.as_deref(), &req.groups)?;
    let attrs = rbac::Attributes { verb, api_group: "", resource: "pods", subresource: sub, namespace: ns, name };
    let d = rbac::authorize(&core.store, &user, &attrs);
    let label = format!("Pod {ns}/{name}");
    let outcome = if d.allowed { Outcome::Ok } else { Outcome::Denied };
    core.trace.push(core.now, crate::apiserver::COMPONENT, "authorization", outcome, None, label, json!({"user": user.name, "verb": verb, "resource": "pods", "subresource": sub, "matched": d.matched}));
    if !d.allowed {
        return Err(Status::forbidden("pods", name, &rbac::forbidden_cause(&user, &attrs, &d.errors)));
    }
    core.store.get(&ObjectKey::new("Pod", ns, name)).map(|p| (**p).clone()).ok_or_else(|| Status::not_found("pods", name))
}

fn kubelet_of<'a>(sim: &'a mut Simulation, pod: &Value) -> Result<&'a mut Kubelet, Status> {
    let node = meta::node_name(pod).to_string();
    if node.is_empty() {
        return Err(Status::bad_request(format!("pod {} does not have a host assigned", meta::name(pod))));
    }
    sim.component_mut(&format!("kubelet/{node}"))
        .and_then(|c| c.as_any_mut())
        .and_then(|a| a.downcast_mut::<Kubelet>())
        .ok_or_else(|| Status::internal(format!("no kubelet for node {node}")))
}

/// Serves `Verb::Logs` and `Verb::Exec`; other verbs are not routed here.
pub(crate) fn route(sim: &mut Simulation, req: ApiRequest) -> ApiResponse {
    let (now, epoch) = (sim.now(), sim.epoch());
    match &req.verb {
        Verb::Logs { namespace, pod, container, options } => {
            let obj = admit(sim, &req, "get", "log", namespace, pod)?;
            let container = resolve_container(&obj, container.as_deref())?;
            // `LogLocation` has no location for a pod without a node: the API server streams
            // an empty body (no error), unlike exec's "does not have a host assigned".
            if meta::node_name(&obj).is_empty() {
                return Ok(ApiOk::Logs(String::new()));
            }
            super::dial::check_logs(sim, meta::node_name(&obj), namespace, pod, &container, options)?;
            let kubelet = kubelet_of(sim, &obj)?;
            kubelet.logs(namespace, pod, &container, options, epoch.epoch_ms(now), epoch).map(ApiOk::Logs)
        }
        Verb::Exec { namespace, pod, container, command, stdin, tty } => {
            let obj = admit(sim, &req, "create", "exec", namespace, pod)?;
            let container = resolve_container(&obj, container.as_deref())?;
            if !meta::node_name(&obj).is_empty() {
                super::dial::check_upgrade(sim, meta::node_name(&obj))?;
            }
            let dataplane = std::sync::Arc::clone(&sim.core.dataplane);
            let stopped = super::registry::unreachable_nodes(&sim.core);
            let kubelet = kubelet_of(sim, &obj)?;
            kubelet.dataplane = dataplane;
            super::registry::set_stopped(&kubelet.registry, stopped);
            let spec = ExecSpec { namespace, pod, container: &container, command, stdin: stdin.as_deref(), tty: *tty };
            kubelet.exec_start(&spec, now, epoch).map(ApiOk::Exec)
        }
        _ => Err(Status::bad_request("only pods/log and pods/exec are served by the kubelet")),
    }
}

impl Kubelet {
    /// `kubectl logs` for one container (after the API server's container check).
    pub fn logs(&self, ns: &str, pod: &str, container: &str, opts: &LogOptions, now_ms: i64, epoch: Epoch) -> Result<String, Status> {
        let waiting = |reason: &str| Status::bad_request(format!("container \"{container}\" in pod \"{pod}\" is waiting to start: {reason}"));
        let Some(w) = self.worker(ns, pod) else { return Err(waiting("ContainerCreating")) };
        let Some(c) = w.containers.iter().find(|c| c.spec.name == container) else { return Err(waiting("ContainerCreating")) };
        let default_waiting = if w.n_init > 0 { "PodInitializing" } else { "ContainerCreating" };
        let st = container_status(c, default_waiting, epoch);
        // The log of the instance shown in lastState: still `logs` while the exited instance
        // waits to restart, `previous_logs` once a newer instance runs.
        let last_logs = if c.exited().is_some() && c.reason.is_some() { &c.logs } else { &c.previous_logs };
        let buf = if opts.previous {
            if st.last_state.terminated.as_ref().is_none_or(|t| t.container_id.is_empty()) {
                return Err(Status::bad_request(format!("previous terminated container \"{container}\" in pod \"{pod}\" not found")));
            }
            last_logs
        } else if st.state.running.is_some() {
            &c.logs
        } else if let Some(t) = &st.state.terminated {
            if t.container_id.is_empty() {
                return Err(Status::bad_request(format!("container \"{container}\" in pod \"{pod}\" is terminated")));
            }
            &c.logs
        } else if st.last_state.terminated.is_some() {
            last_logs
        } else {
            let reason = st.state.waiting.as_ref().map(|wt| wt.reason.clone()).unwrap_or_default();
            return Err(waiting(match reason.as_str() {
                "ErrImagePull" => "image can't be pulled",
                "ImagePullBackOff" => "trying and failing to pull image",
                r => r,
            }));
        };
        Ok(render(buf, opts, now_ms, epoch))
    }
}

impl Simulation {
    fn kubelet_named(&mut self, node: &str) -> Result<&mut Kubelet, Status> {
        self.component_mut(&format!("kubelet/{node}"))
            .and_then(|c| c.as_any_mut())
            .and_then(|a| a.downcast_mut::<Kubelet>())
            .ok_or_else(|| Status::not_found("nodes", node))
    }

    /// Runs an exec session as far as it can go at the current time (`input` goes to stdin
    /// first; `close` sends EOF after it).
    pub fn exec_poll(&mut self, h: &ExecHandle, input: Option<&str>, close: bool) -> Result<ExecOutput, Status> {
        let (now, epoch) = (self.now(), self.epoch());
        let dataplane = std::sync::Arc::clone(&self.core.dataplane);
        let stopped = super::registry::unreachable_nodes(&self.core);
        let k = self.kubelet_named(&h.node)?;
        k.dataplane = dataplane;
        super::registry::set_stopped(&k.registry, stopped);
        k.exec_poll(h.id, input, close, now, epoch)
    }

    /// Puts a static pod manifest on `node` (a file appearing in its staticPodPath): the
    /// kubelet runs it and creates its mirror pod right away. False for an unknown node or a
    /// manifest whose pod name the node already has.
    pub fn add_static_pod(&mut self, node: &str, manifest: &serde_json::Value) -> bool {
        let name = format!("kubelet/{node}");
        let Some(id) = self.core.component_names.iter().position(|n| *n == name) else { return false };
        let Ok(k) = self.kubelet_named(node) else { return false };
        if !k.add_static(manifest) {
            return false;
        }
        let now = self.now();
        self.core.add_timer(now, id, crate::component::Wake::Timer(super::static_pods::STATIC_TOKEN), false);
        true
    }

    /// Takes a static pod manifest off `node` (its file removed): the kubelet deletes the
    /// mirror pod and stops the pod. `name` is the manifest's own name (without the node
    /// suffix). False for an unknown node or a pod the node does not run.
    pub fn remove_static_pod(&mut self, node: &str, namespace: &str, name: &str) -> bool {
        let kubelet = format!("kubelet/{node}");
        let Some(id) = self.core.component_names.iter().position(|n| *n == kubelet) else { return false };
        let pod_name = format!("{name}-{}", node.to_lowercase());
        let Ok(k) = self.kubelet_named(node) else { return false };
        if !k.remove_static(namespace, &pod_name) {
            return false;
        }
        let now = self.now();
        self.core.add_timer(now, id, crate::component::Wake::Timer(super::static_pods::STATIC_TOKEN), false);
        true
    }

    /// The static pods `node` runs, as its kubelet defaulted them (name `<name>-<node>`).
    pub fn static_pods(&mut self, node: &str) -> Vec<serde_json::Value> {
        self.kubelet_named(node).map(|k| k.static_manifests().to_vec()).unwrap_or_default()
    }

    /// Ctrl-C in an interactive `kubectl exec -it` session: the terminal sends SIGINT to the
    /// foreground process group. An interactive shell abandons its running command, prints
    /// `^C` and prompts again; a program without a handler ends (exit 130). Returns what the
    /// session printed as it handled the signal.
    pub fn exec_interrupt(&mut self, h: &ExecHandle) -> Result<ExecOutput, Status> {
        let k = self.kubelet_named(&h.node)?;
        if !k.exec_signal(h.id, podlab_runtime::Signal::Int) {
            return Err(Status::not_found("exec sessions", &h.id.to_string()));
        }
        self.exec_poll(h, None, false)
    }

    /// Ends an interactive session (the client disconnected).
    pub fn exec_close(&mut self, h: &ExecHandle) {
        if let Ok(k) = self.kubelet_named(&h.node) {
            k.exec_close(h.id);
        }
    }

    /// Advances simulated time until the session exits or `limit` passes, collecting its
    /// output: what a blocking one-off `kubectl exec` waits for.
    pub fn exec_wait(&mut self, first: ExecOutput, limit: SimDuration) -> Result<ExecOutput, Status> {
        let deadline = self.now().plus(limit);
        let mut acc = first;
        let mut rounds = 0;
        while acc.exit_code.is_none() && rounds < 10_000 {
            rounds += 1;
            let next = acc.wake_at.unwrap_or_else(|| self.now().plus(SimDuration(1_000))).max(self.now().plus(SimDuration(1)));
            if next > deadline {
                break;
            }
            self.advance_to(next);
            let step = self.exec_poll(&acc.handle, None, false)?;
            acc.chunks.extend(step.chunks);
            acc.exit_code = step.exit_code;
            acc.wake_at = step.wake_at;
        }
        Ok(acc)
    }
}
