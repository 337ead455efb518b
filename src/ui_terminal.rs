//! The terminal panel: a `$ ` prompt over an `<input>` (native line editing, paste and IME),
//! ↑/↓ history, Tab completion, Ctrl+L to clear, Ctrl+C to stop a stream, heredocs (`cat >
//! pod.yaml <<EOF` collects lines behind a `> ` prompt until the delimiter), an attached
//! container shell (`kubectl exec -it POD -- sh`: its prompt replaces `$ `, lines go to it,
//! Ctrl+C abandons the line, Ctrl+D or `exit` leaves), and an output log that is plain
//! selectable text inside an ARIA live region.

use crate::completion::complete;
use crate::editor_ops::{byte_to_utf16, utf16_to_byte};
use crate::state::{LineKind, Scrollback, TermLine, Ui};
use leptos::ev::KeyboardEvent;
use leptos::html::Input;
use leptos::prelude::*;
use podlab_kubectl::session::Session;

/// A heredoc being typed: the command line, its delimiter, the body so far.
#[derive(Clone, Debug, Default)]
struct Heredoc {
    line: String,
    delimiter: String,
    strip_tabs: bool,
    body: Vec<String>,
}

fn submit(ui: Ui, heredoc: RwSignal<Option<Heredoc>>, value: String) {
    if ui.in_exec() {
        // Attached to a shell in a container: every line, even an empty one, is its input.
        ui.send_to_shell(&value);
        return;
    }
    if let Some(mut h) = heredoc.get_untracked() {
        let candidate = if h.strip_tabs { value.trim_start_matches('\t') } else { value.as_str() };
        if candidate == h.delimiter {
            heredoc.set(None);
            let mut body = h.body.join("\n");
            body.push('\n');
            ui.run(&h.line, Some(&body));
        } else {
            h.body.push(value);
            heredoc.set(Some(h));
        }
        return;
    }
    if let Some((delimiter, strip_tabs)) = Session::heredoc_delimiter(&value) {
        heredoc.set(Some(Heredoc { line: value, delimiter, strip_tabs, body: Vec::new() }));
        return;
    }
    if value.trim().is_empty() {
        ui.term.update(|t| t.push(LineKind::Prompt, ""));
        return;
    }
    ui.run(&value, None);
}

fn on_key(ui: Ui, heredoc: RwSignal<Option<Heredoc>>, ev: KeyboardEvent, input: web_sys::HtmlInputElement) {
    let value = input.value();
    let ctrl = ev.ctrl_key() || ev.meta_key();
    match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            input.set_value("");
            submit(ui, heredoc, value);
        }
        "ArrowUp" | "ArrowDown" => {
            ev.prevent_default();
            let next = ui.history.try_update_value(|h| if ev.key() == "ArrowUp" { h.up(&value) } else { h.down() }).flatten();
            if let Some(line) = next {
                input.set_value(&line);
                let end = line.encode_utf16().count() as u32;
                let _ = input.set_selection_range(end, end);
            }
        }
        "Tab" if !ev.shift_key() => {
            ev.prevent_default();
            let cursor = utf16_to_byte(&value, input.selection_start().ok().flatten().unwrap_or(0) as usize);
            let names = ui.engine.with_value(|e| e.names());
            let c = complete(&value, cursor, &names);
            input.set_value(&c.line);
            let pos = byte_to_utf16(&c.line, c.cursor) as u32;
            let _ = input.set_selection_range(pos, pos);
            if !c.candidates.is_empty() {
                ui.term.update(|t| {
                    t.push(LineKind::Prompt, &c.line);
                    t.push(LineKind::Out, &c.candidates.join("  "));
                });
            }
        }
        "l" | "L" if ctrl => {
            ev.prevent_default();
            ui.term.update(Scrollback::clear);
        }
        "d" | "D" if ev.ctrl_key() && value.is_empty() && ui.in_exec() => {
            // End of input for the attached shell, as a terminal's Ctrl+D sends it.
            ev.prevent_default();
            ui.shell_eof();
        }
        "c" | "C" if ev.ctrl_key() && input.selection_start().ok() == input.selection_end().ok() => {
            // With a selection Ctrl+C copies, as in every terminal emulator.
            ev.prevent_default();
            input.set_value("");
            heredoc.set(None);
            ui.history.update_value(|h| h.reset_navigation());
            if ui.engine.with_value(|e| e.accepts_interrupt()) {
                ui.interrupt(&value);
            } else if ui.in_exec() {
                ui.term.update(|t| t.cancel_line(&value));
            } else {
                ui.term.update(|t| t.push(LineKind::Prompt, &format!("{value}^C")));
            }
        }
        _ => {}
    }
}

#[component]
pub fn Terminal() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let input_ref: NodeRef<Input> = NodeRef::new();
    let out_ref: NodeRef<leptos::html::Div> = NodeRef::new();
    let heredoc: RwSignal<Option<Heredoc>> = RwSignal::new(None);
    // Keep the newest output in view.
    Effect::new(move |_| {
        ui.term.track();
        if let Some(el) = out_ref.get() {
            el.set_scroll_top(el.scroll_height());
        }
    });
    let prompt = move || {
        let pending = ui.term.with(|t| t.partial.clone());
        ui.version.track();
        if ui.in_exec() {
            pending
        } else if heredoc.with(Option::is_some) {
            "> ".to_string()
        } else {
            "$ ".to_string()
        }
    };
    let lines = move || {
        let mut rows: Vec<TermLine> = ui.term.with(|t| t.lines.clone());
        if let Some(h) = heredoc.get() {
            rows.push(TermLine { kind: LineKind::Prompt, text: h.line.clone() });
            rows.extend(h.body.iter().map(|b| TermLine { kind: LineKind::Out, text: format!("> {b}") }));
        }
        rows.into_iter()
            .map(|l| match l.kind {
                LineKind::Prompt => view! { <div class="tl tl-cmd"><span class="ps1" aria-hidden="true">"$ "</span>{l.text}</div> }.into_any(),
                LineKind::Out => view! { <div class="tl">{l.text}</div> }.into_any(),
                LineKind::Err => view! { <div class="tl tl-err">{l.text}</div> }.into_any(),
            })
            .collect_view()
    };
    view! {
        <div class="terminal" on:click=move |_| {
            let selecting = web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(i) = input_ref.get() { let _ = i.focus(); }
            }
        }>
            <div id="term-output" class="term-output" node_ref=out_ref role="log" tabindex="0" aria-live="polite" aria-label="Terminal output">{lines}</div>
            <div class="term-input-row">
                <span class="ps1" aria-hidden="true">{prompt}</span>
                <input
                    id="term-input"
                    node_ref=input_ref
                    type="text"
                    aria-label="Terminal command line"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    on:keydown=move |ev: KeyboardEvent| {
                        if let Some(i) = input_ref.get() {
                            on_key(ui, heredoc, ev, i);
                        }
                    }
                />
            </div>
        </div>
    }
}
