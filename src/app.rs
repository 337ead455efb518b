//! The application shell: the header and the workspace layout the panels live in.

use leptos::prelude::*;

/// The whole page: header plus the four panes of the workspace.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <h1 class="brand">"Podlab"</h1>
            <span class="tagline">"Kubernetes Pods, hands on"</span>
        </header>
        <main class="workspace">
            <Pane class="lesson-pane" title="Lesson"/>
            <Pane class="editor-pane" title="Editor"/>
            <Pane class="terminal-pane" title="Terminal"/>
            <Pane class="cluster-pane" title="Cluster"/>
        </main>
    }
}

/// One labelled region of the workspace.
#[component]
pub fn Pane(class: &'static str, title: &'static str) -> impl IntoView {
    view! {
        <section class=format!("pane {class}") aria-label=title>
            <h2>{title}</h2>
        </section>
    }
}
