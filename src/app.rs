//! The application shell: header with the simulation controls and theme toggle, the workspace
//! layout (lesson pane, editor, terminal, cluster view, timeline; tabs on narrow screens), the
//! hash router, global keyboard shortcuts and the animation-frame loop that turns wall-clock
//! time into simulated time in bounded slices.

use crate::clock::drive;
use crate::persist::Theme;
use crate::route::Route;
use crate::state::Ui;
use crate::ui_cluster::ClusterView;
use crate::ui_editor::Editor;
use crate::ui_terminal::Terminal;
use crate::ui_timeline::{SimControls, Timeline};
use leptos::prelude::*;
use podlab_kubectl::output::CommandOutput;

fn current_route() -> Route {
    Route::parse(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default())
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let ui = Ui::load();
    provide_context(ui);
    let route = RwSignal::new(current_route());
    let _ = window_event_listener(leptos::ev::hashchange, move |_| route.set(current_route()));
    let _ = window_event_listener(leptos::ev::keydown, move |ev| shortcuts(ui, ev));
    Effect::new(move |_| {
        let theme = if ui.theme.get() == Theme::Light { "light" } else { "dark" };
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            let _ = root.set_attribute("data-theme", theme);
        }
    });
    start_frame_loop(ui);
    let mobile_tab = RwSignal::new("Editor");
    let help = RwSignal::new(false);
    view! {
        <header class="topbar">
            <h1 class="brand">"Podlab"</h1>
            <span class="tagline">"Kubernetes Pods, hands on"</span>
            <nav aria-label="Main"><a href="#/">"Home"</a>" "<a href="#/sandbox">"Sandbox"</a></nav>
            <SimControls/>
            <button class="theme" on:click=move |_| {
                ui.theme.update(|t| *t = if *t == Theme::Dark { Theme::Light } else { Theme::Dark });
                ui.save_settings();
            } aria-label="Toggle dark or light theme">{move || if ui.theme.get() == Theme::Dark { "☀ light" } else { "☾ dark" }}</button>
            <button class="help-btn" on:click=move |_| help.update(|h| *h = !*h) aria-expanded=move || help.get().to_string()>"? keys"</button>
            <button class="reset" on:click=move |_| ui.reset_cluster() title="A fresh cluster; your files stay">"reset cluster"</button>
        </header>
        <Notices/>
        {move || help.get().then(|| view! { <Shortcuts/> })}
        <nav class="mobile-tabs" aria-label="Panels">
            {["Lesson", "Editor", "Terminal", "Cluster", "Timeline"].into_iter().map(|t| view! {
                <button class:active=move || mobile_tab.get() == t on:click=move |_| mobile_tab.set(t)>{t}</button>
            }).collect_view()}
        </nav>
        <main class="workspace" data-tab=move || mobile_tab.get()>
            <section class="pane lesson-pane" aria-label="Lesson"><h2>"Lesson"</h2><LessonPane route=route/></section>
            <section class="pane editor-pane" aria-label="Editor"><h2>"Editor"</h2><Editor/></section>
            <section class="pane terminal-pane" aria-label="Terminal"><h2>"Terminal"</h2><Terminal/></section>
            <section class="pane cluster-pane" aria-label="Cluster"><h2>"Cluster"</h2><ClusterView/></section>
            <section class="pane timeline-pane" aria-label="Timeline"><h2>"Timeline"</h2><Timeline/></section>
        </main>
    }
}

#[component]
fn Notices() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        let n = ui.notices.get();
        (!n.is_empty()).then(|| view! {
            <div class="notices" role="alert">
                {n.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                <button on:click=move |_| ui.notices.set(Vec::new())>"dismiss"</button>
            </div>
        })
    }
}

#[component]
fn Shortcuts() -> impl IntoView {
    let keys = [
        ("Ctrl/Cmd+Enter", "apply the current file"), ("Ctrl+`", "focus the terminal"), ("Ctrl+E", "focus the editor"),
        ("Space", "play/pause (outside text fields)"), (".", "step to the next event"), ("Tab / Shift+Tab", "indent / outdent in the editor; complete in the terminal"),
        ("↑ / ↓", "terminal history"), ("Ctrl+L", "clear the terminal"), ("Ctrl+C", "stop a stream / cancel the line"), ("Escape", "leave the editor"),
    ];
    view! {
        <aside class="shortcuts" aria-label="Keyboard shortcuts">
            <dl>{keys.into_iter().map(|(k, d)| view! { <dt><kbd>{k}</kbd></dt><dd>{d}</dd> }).collect_view()}</dl>
        </aside>
    }
}

thread_local! {
    static CATALOG: Option<podlab_lessons::Catalog> = podlab_lessons::Catalog::embedded().ok();
}

#[component]
fn LessonPane(route: RwSignal<Route>) -> impl IntoView {
    move || {
        let r = route.get();
        CATALOG.with(|cat| {
            let Some(cat) = cat else {
                return view! { <p>"The lessons could not be loaded; the sandbox still works."</p> }.into_any();
            };
            match r {
                Route::Lesson(slug) => match cat.lesson(&slug) {
                    Some(l) => view! { <article class="lesson" inner_html=l.html.clone()></article> }.into_any(),
                    None => view! { <p>"No lesson named "{slug}". "<a href="#/">"All lessons"</a></p> }.into_any(),
                },
                Route::Scenario(slug) => match cat.scenario(&slug) {
                    Some(s) => view! { <article class="lesson" inner_html=s.story_html.clone()></article> }.into_any(),
                    None => view! { <p>"No scenario named "{slug}". "<a href="#/">"All scenarios"</a></p> }.into_any(),
                },
                Route::Sandbox => view! {
                    <p>"Sandbox: a three-node cluster (controlplane, node01, node02) and no goal. Write a Pod in the editor, press Ctrl+Enter, and watch it land on a planet."</p>
                }.into_any(),
                Route::Home => view! {
                    <h3>"Lessons"</h3>
                    <ol class="lesson-list">{cat.lessons.iter().map(|l| view! { <li><a href=format!("#/lessons/{}", l.dir)>{l.title.clone()}</a></li> }).collect_view()}</ol>
                    <h3>"Scenarios"</h3>
                    <ul class="lesson-list">{cat.scenarios.iter().map(|(d, _)| view! { <li><a href=format!("#/scenarios/{d}")>{d.clone()}</a></li> }).collect_view()}</ul>
                }.into_any(),
            }
        })
    }
}

fn in_text_field(ev: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let tag = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.tag_name()).unwrap_or_default();
    matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON")
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(el) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

fn shortcuts(ui: Ui, ev: web_sys::KeyboardEvent) {
    let ctrl = ev.ctrl_key() || ev.meta_key();
    match ev.key().as_str() {
        "`" if ctrl => {
            ev.prevent_default();
            focus("term-input");
        }
        "e" | "E" if ctrl => {
            ev.prevent_default();
            focus("editor-text");
        }
        " " if !in_text_field(&ev) => {
            ev.prevent_default();
            let p = !ui.playing.get_untracked();
            ui.playing.set(p);
            ui.clock.update_value(|c| if p { c.play() } else { c.pause() });
        }
        "." if !in_text_field(&ev) && !ctrl => ui.step(),
        _ => {}
    }
}

/// Each animation frame: wall time → target sim time → advance in bounded slices.
fn start_frame_loop(ui: Ui) {
    fn frame(ui: Ui, last_rv: u64, last_second: u64, mut last_save: f64) {
        let start = js_sys::Date::now();
        let sim_now = ui.engine.try_with_value(|e| e.now()).unwrap_or(0);
        let target = ui.clock.try_update_value(|c| c.frame(start, sim_now)).unwrap_or(sim_now);
        let mut out = CommandOutput::default();
        if target > sim_now {
            drive(sim_now, target, || js_sys::Date::now() - start, |t| {
                if let Some(o) = ui.engine.try_update_value(|e| e.advance_to(t)) {
                    out.extend(o);
                }
            });
        }
        ui.print(&out);
        let (rv, now) = ui.engine.try_with_value(|e| (e.session.sim().resource_version(), e.now())).unwrap_or((last_rv, 0));
        let second = now / 1000;
        if rv != last_rv || second != last_second {
            ui.changed();
        }
        // Keep the slider's end (the recording horizon) across reloads, every few wall seconds.
        if second != last_second && start - last_save > 3_000.0 {
            ui.save_recording();
            last_save = start;
        }
        request_animation_frame(move || frame(ui, rv, second, last_save));
    }
    request_animation_frame(move || frame(ui, 0, 0, 0.0));
}
