//! The cluster view: nodes as planets (requested vs allocatable CPU and memory, taints as
//! flags), pods as space pods on them (IP on the hull, volumes as lockers, containers as
//! astronauts coloured by state with text and icon), unscheduled pods in orbit with the
//! scheduler's reason. Clicking a pod opens its detail with quick actions that type the real
//! kubectl command into the terminal. Every visual has its words next to it.

use crate::model::{format_cpu, format_mem, is_system_namespace, ContainerCard, NodeCard, PodCard};
use crate::ui_localhost::LocalhostPanel;
use crate::state::Ui;
use leptos::prelude::*;

fn pct(used: i64, total: i64) -> i64 {
    if total <= 0 { 0 } else { (used * 100 / total).clamp(0, 100) }
}

#[component]
fn Bar(label: &'static str, used: String, total: String, percent: i64) -> impl IntoView {
    let text = format!("{label} requested {used} of {total} allocatable ({percent}%)");
    view! {
        <div class="bar-row">
            <span class="bar-label">{label}</span>
            <span class="bar" role="img" aria-label=text.clone()><span class="bar-fill" style=format!("width:{percent}%")></span></span>
            <span class="bar-text">{format!("{used}/{total}")}</span>
        </div>
    }
}

fn astronaut(c: &ContainerCard) -> impl IntoView {
    let state = c.state.clone();
    let label = format!("{}container {}: {}", if c.init { "init " } else { "" }, c.name, state.text());
    view! {
        <li class=format!("astronaut {}", state.class()) data-container=c.name.clone() data-state=state.text() title=label.clone()>
            <span class="icon" aria-hidden="true">{state.icon()}</span>
            <span class="c-name">{if c.init { format!("{} (init)", c.name) } else { c.name.clone() }}</span>
            <span class="c-state">{state.text()}</span>
        </li>
    }
}

fn pod_view(ui: Ui, p: PodCard) -> impl IntoView {
    let key = (p.namespace.clone(), p.name.clone());
    let selected = {
        let key = key.clone();
        move || ui.selected.get().as_ref() == Some(&key)
    };
    let system = is_system_namespace(&p.namespace);
    let label = format!("Pod {} in namespace {} {} ready {}", p.name, p.namespace, p.status, p.ready);
    // Kubernetes' own pods wear their namespace (and a gear) so they never pass for the learner's.
    let badge = (system || p.namespace != "default").then(|| format!("{}{}", if system { "⚙ " } else { "" }, p.namespace));
    view! {
        <li class="spacepod" class:selected=selected class:system=system data-name=p.name.clone() data-namespace=p.namespace.clone() data-status=p.status.clone() data-ready=p.ready.clone()>
            <button class="hull" aria-label=label on:click=move |_| ui.selected.set(Some(key.clone()))>
                {badge.map(|b| view! { <span class="pod-ns">{b}</span> })}
                <span class="pod-name">{p.name.clone()}</span>
                <span class="pod-status">{format!("{} · {}", p.ready, p.status)}</span>
                <span class="pod-ip">{if p.ip.is_empty() { "no IP yet".to_string() } else { format!("IP {}", p.ip) }}</span>
            </button>
            {(!p.volumes.is_empty()).then(|| view! {
                <ul class="lockers" aria-label="volumes">
                    {p.volumes.iter().map(|(n, t)| view! { <li class="locker"><span class="locker-box" aria-hidden="true"></span>{format!("{n} ({t})")}</li> }).collect_view()}
                </ul>
            })}
            <ul class="crew" aria-label="containers">{p.containers.iter().map(astronaut).collect_view()}</ul>
            {p.pending_reason.clone().map(|r| view! { <p class="orbit-reason">{r}</p> })}
        </li>
    }
}

fn planet(ui: Ui, n: NodeCard) -> impl IntoView {
    let cpu_pct = pct(n.cpu_requested, n.cpu_allocatable);
    let mem_pct = pct(n.mem_requested, n.mem_allocatable);
    view! {
        <section class="planet" class:not-ready=!n.ready aria-label=format!("Node {}", n.name) data-node=n.name.clone()>
            <header class="planet-head">
                <span class="planet-orb" aria-hidden="true"></span>
                <h3>{n.name.clone()}</h3>
                <span class="node-state">{if n.ready { "Ready" } else { "NotReady" }}{if n.unschedulable { ",SchedulingDisabled" } else { "" }}</span>
            </header>
            <Bar label="CPU" used=format_cpu(n.cpu_requested) total=format_cpu(n.cpu_allocatable) percent=cpu_pct/>
            <Bar label="Memory" used=format_mem(n.mem_requested) total=format_mem(n.mem_allocatable) percent=mem_pct/>
            {(!n.taints.is_empty()).then(|| view! {
                <ul class="taints" aria-label="taints">{n.taints.iter().map(|t| view! { <li class="taint">{format!("⚑ {t}")}</li> }).collect_view()}</ul>
            })}
            <ul class="pods">{n.pods.into_iter().map(|p| pod_view(ui, p)).collect_view()}</ul>
        </section>
    }
}

#[component]
pub fn ClusterView() -> impl IntoView {
    let ui = expect_context::<Ui>();
    // Off by default: the learner's own pods first; the cluster's own are one click away.
    let show_system = RwSignal::new(false);
    let full = Memo::new(move |_| {
        ui.version.track();
        ui.engine.with_value(|e| e.model(None))
    });
    let model = Memo::new(move |_| full.get().learner_view(show_system.get()));
    view! {
        <div class="cluster">
            <label class="ns-toggle"><input type="checkbox" class="show-system" prop:checked=move || show_system.get() on:change=move |ev| show_system.set(event_target_checked(&ev))/>
                {move || format!(" show kube-system pods ({})", full.with(|m| m.system_pod_count()))}</label>
            <div class="orbit" role="group" aria-label="Pods waiting in orbit (not scheduled)">
                {move || {
                    let orbit = model.with(|m| m.orbit.clone());
                    (!orbit.is_empty()).then(|| view! {
                        <h3 class="orbit-title">"In orbit: not scheduled"</h3>
                        <ul class="pods">{orbit.into_iter().map(|p| pod_view(ui, p)).collect_view()}</ul>
                    })
                }}
            </div>
            <div class="planets">{move || model.get().nodes.into_iter().map(|n| planet(ui, n)).collect_view()}</div>
            <PodDetail model=model/>
            <LocalhostPanel/>
        </div>
    }
}

/// The selected pod's facts (as describe shows them) and quick actions.
#[component]
fn PodDetail(model: Memo<crate::model::ClusterModel>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let pod = move || {
        let (ns, name) = ui.selected.get()?;
        model.with(|m| m.nodes.iter().flat_map(|n| n.pods.iter()).chain(m.orbit.iter()).find(|p| p.namespace == ns && p.name == name).cloned())
    };
    move || {
        pod().map(|p| {
            let ns_flag = if p.namespace == "default" { String::new() } else { format!(" -n {}", p.namespace) };
            let first = p.containers.iter().find(|c| !c.init).map(|c| c.name.clone()).unwrap_or_default();
            let c_flag = if p.containers.iter().filter(|c| !c.init).count() > 1 { format!(" -c {first}") } else { String::new() };
            let cmd = |s: String| move |_| ui.run(&s, None);
            view! {
                <aside class="pod-detail" aria-label=format!("Pod {} details", p.name)>
                    <h3>{format!("Pod {}", p.name)}</h3>
                    <dl>
                        <dt>"Namespace"</dt><dd>{p.namespace.clone()}</dd>
                        <dt>"Node"</dt><dd>{if p.node.is_empty() { "<none>".to_string() } else { p.node.clone() }}</dd>
                        <dt>"Status"</dt><dd>{p.status.clone()}</dd>
                        <dt>"Ready"</dt><dd>{p.ready.clone()}</dd>
                        <dt>"Restarts"</dt><dd>{p.restarts.clone()}</dd>
                        <dt>"IP"</dt><dd>{if p.ip.is_empty() { "<none>".to_string() } else { p.ip.clone() }}</dd>
                        <dt>"Requests"</dt><dd>{format!("cpu {}, memory {}", format_cpu(p.cpu_milli), format_mem(p.memory_bytes))}</dd>
                    </dl>
                    <ul class="detail-containers">
                        {p.containers.iter().map(|c| view! {
                            <li>{format!("{}{} ({}): {} {}, restarts {}{}", c.state.icon(), c.name, c.image, if c.init { "init, " } else { "" }, c.state.text(), c.restarts,
                                if c.message.is_empty() { String::new() } else { format!(" — {}", c.message) })}</li>
                        }).collect_view()}
                    </ul>
                    <div class="actions">
                        <button on:click=cmd(format!("kubectl logs {}{ns_flag}{c_flag}", p.name))>"logs"</button>
                        <button on:click=cmd(format!("kubectl describe pod {}{ns_flag}", p.name))>"describe"</button>
                        <button on:click=cmd(format!("kubectl exec {}{ns_flag}{c_flag} -- ps", p.name))>"exec ps"</button>
                        <button class="danger" on:click=cmd(format!("kubectl delete pod {}{ns_flag}", p.name))>"delete"</button>
                        <button on:click=move |_| ui.selected.set(None)>"close"</button>
                    </div>
                </aside>
            }
        })
    }
}
