//! The timeline panel: the apply journey (stations lit from the trace), the events table (like
//! `kubectl get events -w`) and per-pod container swimlanes over simulated time, plus the
//! simulation controls (play/pause, speed, step, clock, time-travel slider).

use crate::clock::{format_sim, SPEEDS};
use crate::journey::{journey, ApplyInfo, Lit};
use crate::model::{event_rows, CState};
use crate::state::Ui;
use leptos::prelude::*;

#[component]
pub fn SimControls() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let now = move || {
        ui.version.track();
        ui.engine.with_value(|e| e.now())
    };
    let horizon = move || {
        ui.version.track();
        ui.engine.with_value(|e| e.recording.horizon.max(e.now()))
    };
    let start = move || {
        ui.version.track();
        ui.engine.with_value(|e| e.start_ms())
    };
    let in_past = move || {
        ui.version.track();
        ui.engine.with_value(|e| e.in_past())
    };
    let toggle = move |_| {
        let p = !ui.playing.get_untracked();
        ui.playing.set(p);
        ui.clock.update_value(|c| if p { c.play() } else { c.pause() });
    };
    view! {
        <div class="sim-controls" role="group" aria-label="Simulation controls">
            <button id="play-pause" on:click=toggle aria-label=move || if ui.playing.get() { "Pause simulation" } else { "Play simulation" }>
                {move || if ui.playing.get() { view! { <Glyph shape=PAUSE/>" pause" } } else { view! { <Glyph shape=PLAY/>" play" } }}
            </button>
            <button id="step" on:click=move |_| ui.step() aria-label="Step to the next event"><Glyph shape=STEP/>" step"</button>
            {SPEEDS.iter().map(|&s| view! {
                <button class="speed" class:active=move || ui.speed.get() == s aria-pressed=move || (ui.speed.get() == s).to_string()
                    data-speed=s on:click=move |_| {
                        ui.speed.set(s);
                        ui.clock.update_value(|c| c.set_speed(s));
                        ui.save_settings();
                    }>{format!("{s}×")}</button>
            }).collect_view()}
            <span id="sim-clock" class="sim-clock" aria-label="Simulated time since cluster start">{move || format_sim(now())}</span>
            <input id="time-slider" type="range" step="1000" aria-label="Time travel: simulated time"
                prop:min=move || start().to_string() prop:max=move || horizon().to_string() prop:value=move || now().to_string()
                on:change=move |ev| {
                    if let Ok(t) = event_target_value(&ev).parse::<u64>() {
                        ui.travel_to(t);
                    }
                }/>
            {move || in_past().then(|| view! { <span class="past-note">"viewing the past: new commands start a new branch"</span> })}
        </div>
    }
}

/// Control glyphs as SVG paths (in a 10×10 box): the media-control characters have no glyph in
/// many fonts (headless Chromium draws boxes), shapes always render.
const PLAY: &str = "M2 1 L9 5 L2 9 Z";
const PAUSE: &str = "M2 1 H4 V9 H2 Z M6 1 H8 V9 H6 Z";
const STEP: &str = "M1 1 L6 5 L1 9 Z M7 1 H9 V9 H7 Z";

#[component]
fn Glyph(shape: &'static str) -> impl IntoView {
    view! {
        <svg class="glyph" viewBox="0 0 10 10" width="10" height="10" aria-hidden="true" focusable="false"><path d=shape fill="currentColor"/></svg>
    }
}

#[component]
pub fn Timeline() -> impl IntoView {
    let tab = RwSignal::new(0usize);
    let names = ["Apply journey", "Events", "Container lanes"];
    view! {
        <div class="timeline">
            <div class="tabs" role="tablist" aria-label="Timeline views">
                {names.iter().enumerate().map(|(i, n)| view! {
                    <button role="tab" id=format!("tl-tab-{i}") aria-selected=move || (tab.get() == i).to_string() class:active=move || tab.get() == i
                        on:click=move |_| tab.set(i)>{*n}</button>
                }).collect_view()}
            </div>
            <div class="tab-body" role="tabpanel">
                {move || match tab.get() {
                    0 => view! { <Journey/> }.into_any(),
                    1 => view! { <Events/> }.into_any(),
                    _ => view! { <Swimlanes/> }.into_any(),
                }}
            </div>
        </div>
    }
}

#[component]
fn Journey() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let stations = move || {
        ui.version.track();
        ui.engine.with_value(|e| {
            let a = e.last_apply.clone()?;
            let trace = e.session().sim().trace();
            let from = trace.partition_point(|t| t.seq < a.trace_from);
            let (kind, rest) = a.object.split_once('/').unwrap_or(("", ""));
            let (ns, name) = rest.split_once('/').unwrap_or(("", ""));
            let phase = e.session().sim().get(kind, ns, name).and_then(|p| p.pointer("/status/phase")).and_then(|v| v.as_str()).map(str::to_string);
            let info = ApplyInfo { object: &a.object, exit_code: a.exit_code, stderr: &a.stderr, sim_at: a.at, phase: phase.as_deref() };
            Some((a.file.clone(), journey(&trace[from..], &info)))
        })
    };
    move || match stations() {
        None => view! { <p class="hint">"Apply a file (Ctrl+Enter in the editor) to follow its request through the cluster."</p> }.into_any(),
        Some((file, st)) => view! {
            <p class="journey-title">{format!("kubectl apply -f {file}")}</p>
            <ol class="journey" aria-label="Apply journey stations">
                {st.into_iter().map(|s| {
                    let (class, word) = match s.lit { Lit::Passed => ("passed", "✔ passed"), Lit::Stopped => ("stopped", "✖ stopped here"), Lit::Active => ("active", "⏳ in progress"), Lit::Dark => ("dark", "○ not reached") };
                    view! {
                        <li class=format!("station {class}") data-station=s.name>
                            <span class="st-name">{s.name}</span>
                            <span class="st-lit">{word}</span>
                            <span class="st-time">{s.at.map(format_sim).unwrap_or_default()}</span>
                            <span class="st-summary">{s.summary}</span>
                            {(!s.details.is_empty()).then(|| view! {
                                <details><summary>"details"</summary><pre>{s.details.join("\n")}</pre></details>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        }.into_any(),
    }
}

#[component]
fn Events() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let rows = move || {
        ui.version.track();
        ui.engine.with_value(|e| {
            let sim = e.session().sim();
            let events = sim.list("Event", None);
            let epoch = sim.epoch();
            event_rows(&events, |t| epoch.parse(t).map(|s| s.as_millis()))
        })
    };
    view! {
        <table class="events">
            <caption class="sr-only">"Events"</caption>
            <thead><tr><th scope="col">"TIME"</th><th scope="col">"TYPE"</th><th scope="col">"REASON"</th><th scope="col">"OBJECT"</th><th scope="col">"MESSAGE"</th></tr></thead>
            <tbody>
                {move || rows().into_iter().rev().take(200).map(|r| {
                    let warning = r.event_type == "Warning";
                    view! {
                    <tr class:warning=warning>
                        <td>{format_sim(r.last_ms)}</td><td>{r.event_type}</td><td>{r.reason}</td><td>{r.object}</td>
                        <td>{if r.count > 1 { format!("{} (x{})", r.message, r.count) } else { r.message }}</td>
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Swimlanes() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let lanes = move || {
        ui.version.track();
        ui.engine.with_value(|e| e.lanes.clone())
    };
    move || {
        let l = lanes();
        let end = l.last.max(1);
        let start = l.pods.values().flat_map(|p| p.containers.iter()).filter_map(|c| c.2.first()).map(|s| s.from).min().unwrap_or(0);
        let span = (end - start).max(1) as f64;
        let pods = l.pods.into_iter().filter(|(k, _)| !k.starts_with("kube-system/")).collect::<Vec<_>>();
        if pods.is_empty() {
            return view! { <p class="hint">"Container states over simulated time appear here once a pod exists."</p> }.into_any();
        }
        view! {
            <div class="lanes">
                <p class="lanes-range">{format!("{} → {}", format_sim(start), format_sim(end))}</p>
                {pods.into_iter().map(|(key, pod)| view! {
                    <div class="lane-pod" class:gone=!pod.present>
                        <h4>{key}{if pod.present { "" } else { " (deleted)" }}</h4>
                        {pod.containers.into_iter().map(|(name, _init, segs)| {
                            let words = segs.iter().map(|s| format!("{} {}–{}", s.state.text(), format_sim(s.from), format_sim(s.to))).collect::<Vec<_>>().join("; ");
                            view! {
                                <div class="lane">
                                    <span class="lane-name">{name.clone()}</span>
                                    <span class="lane-strip" role="img" aria-label=format!("{name}: {words}")>
                                        {segs.into_iter().map(|s| {
                                            let left = (s.from.saturating_sub(start)) as f64 / span * 100.0;
                                            let width = ((s.to - s.from) as f64 / span * 100.0).max(0.5);
                                            let st: CState = s.state;
                                            view! { <span class=format!("seg {}", st.class()) style=format!("left:{left:.2}%;width:{width:.2}%") title=st.text()>{st.icon()}</span> }
                                        }).collect_view()}
                                    </span>
                                </div>
                            }
                        }).collect_view()}
                    </div>
                }).collect_view()}
            </div>
        }.into_any()
    }
}
