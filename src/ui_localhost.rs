//! The "localhost" browser panel: once `kubectl port-forward` forwards a port it lists the
//! forwarded local ports with the pod port each reaches, offers an address bar for `http://localhost:PORT/path`, and shows what
//! Fetch got back: the status line and the body as text (HTML is escaped, never rendered), or
//! the error exactly as the forward gave it. The fetch itself is an engine input
//! (`Engine::fetch`), so replay and time travel show the same result; this only renders.

use crate::localhost::{default_address, Fetch};
use crate::state::Ui;
use leptos::prelude::*;

fn result_view(f: Fetch) -> impl IntoView {
    let status = f.status_line();
    view! {
        <div class="fetch-result" aria-live="polite">
            <p class="fetch-url">{format!("GET {}", f.url)}</p>
            {match f.outcome {
                Ok((_, body)) => view! {
                    <p class="status-line">{status.unwrap_or_default()}</p>
                    <pre class="fetch-body">{body}</pre>
                }.into_any(),
                Err(e) => view! { <p class="fetch-error" role="alert">{e}</p> }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn LocalhostPanel() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let forwards = Memo::new(move |_| {
        ui.version.track();
        ui.engine.with_value(|e| e.port_forwards())
    });
    let ports = Memo::new(move |_| forwards.with(|f| f.iter().map(|f| f.local_port).collect::<Vec<u16>>()));
    let last = Memo::new(move |_| {
        ui.version.track();
        ui.engine.with_value(|e| e.last_fetch.clone())
    });
    let address = RwSignal::new(String::new());
    let fetch = move || {
        let typed = address.get_untracked();
        let target = if typed.trim().is_empty() { default_address(&ports.get_untracked()) } else { typed };
        address.set(target.clone());
        ui.fetch(&target);
    };
    view! {
        <Show when=move || !ports.with(Vec::is_empty) || last.with(Option::is_some)>
            <section class="localhost" aria-label="localhost browser">
                <h3>"localhost"</h3>
                <ul class="forwards" aria-label="forwarded ports">
                    {move || forwards.get().into_iter().map(|f| {
                        let p = f.local_port;
                        view! {
                            <li><button class="forward" data-port=p.to_string() title="kubectl port-forward listens here"
                                on:click=move |_| address.set(format!("http://localhost:{p}/"))>{format!("localhost:{p}")}</button>
                            <span class="forward-target">{format!(" → {}", f.target())}</span></li>
                        }
                    }).collect_view()}
                </ul>
                <form class="address-bar" on:submit=move |ev| { ev.prevent_default(); fetch(); }>
                    <input class="address" type="text" aria-label="Address" spellcheck="false"
                        placeholder=move || default_address(&ports.get())
                        prop:value=move || address.get()
                        on:input=move |ev| address.set(event_target_value(&ev))/>
                    <button type="submit" class="fetch">"Fetch"</button>
                </form>
                {move || last.get().map(result_view)}
            </section>
        </Show>
    }
}
