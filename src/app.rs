//! The application shell: header with the simulation controls and theme toggle, the workspace
//! layout (lesson pane, editor, terminal, cluster view, timeline; tabs on narrow screens), the
//! hash router, global keyboard shortcuts and the animation-frame loop that turns wall-clock
//! time into simulated time in bounded slices.

use crate::clock::drive;
use crate::layout::Split;
use crate::persist::Theme;
use crate::route::Route;
use crate::state::Ui;
use crate::ui_cluster::ClusterView;
use crate::ui_editor::Editor;
use crate::ui_terminal::Terminal;
use crate::ui_task::LessonPane;
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
    // A lesson or scenario route gives the workspace to its task; home and sandbox take it back.
    Effect::new(move |_| ui.enter(&route.get()));
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
        <main class="workspace" data-tab=move || mobile_tab.get() style=move || ui.layout.get().css_vars()>
            <section class="pane lesson-pane" aria-label="Lesson"><h2>"Lesson"</h2><LessonPane route=route/></section>
            <Splitter split=Split::Lesson/>
            <section class="pane editor-pane" aria-label="Editor"><h2>"Editor"</h2><Editor/></section>
            <Splitter split=Split::Editor/>
            <section class="pane terminal-pane" aria-label="Terminal"><h2>"Terminal"</h2><Terminal/></section>
            <Splitter split=Split::Terminal/>
            <section class="pane cluster-pane" aria-label="Cluster"><h2>"Cluster"</h2><ClusterView/></section>
            <section class="pane timeline-pane" aria-label="Timeline"><h2>"Timeline"</h2><Timeline/></section>
        </main>
    }
}

/// A drag handle between panels; also a focusable ARIA separator moved with the arrow keys.
#[component]
fn Splitter(split: Split) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let dragging = RwSignal::new(false);
    let _ = window_event_listener(leptos::ev::pointermove, move |ev| {
        if !dragging.get_untracked() {
            return;
        }
        let rect = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".workspace").ok().flatten()).map(|w| w.get_bounding_client_rect());
        let Some(r) = rect else { return };
        let (x, y) = (i64::from(ev.client_x()) - r.left() as i64, i64::from(ev.client_y()) - r.top() as i64);
        let (w, h) = (r.width() as i64, r.height() as i64);
        ui.layout.update(|l| match split {
            Split::Lesson => l.drag(split, x, w),
            Split::Editor => l.drag(split, y, h),
            Split::Terminal => {
                // The terminal's share is of the width right of the lesson pane.
                let lesson_px = w * i64::from(l.lesson_permille) / 1000 + 6;
                l.drag(split, x - lesson_px, w - lesson_px - 6);
            }
        });
    });
    let _ = window_event_listener(leptos::ev::pointerup, move |_| {
        if dragging.get_untracked() {
            dragging.set(false);
            ui.save_layout();
        }
    });
    view! {
        <div class=format!("splitter split-{}", split.name()) class:dragging=move || dragging.get()
            role="separator" tabindex="0" aria-label=split.label()
            aria-orientation=if split.vertical() { "vertical" } else { "horizontal" }
            aria-valuemin="12" aria-valuemax="85" aria-valuenow=move || (ui.layout.get().get(split) / 10).to_string()
            on:pointerdown=move |ev| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:keydown=move |ev: web_sys::KeyboardEvent| {
                let mut moved = false;
                ui.layout.update(|l| moved = l.key(split, &ev.key()));
                if moved {
                    ev.prevent_default();
                    ui.save_layout();
                }
            }
        ></div>
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
        ("↑ / ↓", "terminal history"), ("Ctrl+L", "clear the terminal"), ("Ctrl+C", "stop a stream / cancel the line"), ("Ctrl+D / exit", "leave a container shell (kubectl exec -it)"),
        ("← → ↑ ↓ on a splitter", "resize the panels"), ("Escape", "leave the editor"),
    ];
    view! {
        <aside class="shortcuts" aria-label="Keyboard shortcuts">
            <dl>{keys.into_iter().map(|(k, d)| view! { <dt><kbd>{k}</kbd></dt><dd>{d}</dd> }).collect_view()}</dl>
        </aside>
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

thread_local! {
    static GOOD_TAKEN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
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
        ui.print_echoes();
        let (rv, now) = ui.engine.try_with_value(|e| (e.session().sim().resource_version(), e.now())).unwrap_or((last_rv, 0));
        let second = now / 1000;
        if rv != last_rv || second != last_second {
            ui.changed();
        }
        // Keep the slider's end (the recording horizon) across reloads, every few wall seconds.
        if second != last_second && start - last_save > 3_000.0 {
            ui.save_recording();
            // What loaded and has run for a while is the "last good state" the panic overlay
            // can go back to; taken once per page load, so later (maybe bad) saves never
            // replace it before they have themselves loaded cleanly.
            if last_save > 0.0 && !GOOD_TAKEN.with(|g| g.replace(true)) {
                ui.store.update_value(|s| {
                    let _ = crate::persist::snapshot_good(s);
                });
            }
            last_save = start;
        }
        request_animation_frame(move || frame(ui, rv, second, last_save));
    }
    request_animation_frame(move || frame(ui, 0, 0, 0.0));
}
