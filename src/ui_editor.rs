//! The YAML editor panel: file tabs, a textarea under a highlighted overlay (the textarea keeps
//! native editing, selection, undo and screen-reader support; the overlay only paints
//! colours), line numbers with error markers, Tab/Shift+Tab/Enter from `editor_ops`,
//! Ctrl/Cmd+Enter to apply, starter templates and autosave on every change.

use crate::editor_ops::{self, byte_to_utf16, utf16_to_byte, Edit};
use crate::highlight::highlight_html;
use crate::persist::EditorFile;
use crate::state::{Ui, TEMPLATES};
use leptos::ev::KeyboardEvent;
use leptos::html::Textarea;
use leptos::prelude::*;

fn set_active_text(ui: Ui, text: String) {
    ui.files.update(|f| {
        let i = f.active;
        if let Some(file) = f.files.get_mut(i) {
            file.text = text;
        }
    });
    ui.save_files();
}

/// Applies an edit to the textarea (value + selection) and to the model.
fn apply_edit(ui: Ui, ta: &web_sys::HtmlTextAreaElement, e: Edit) {
    ta.set_value(&e.text);
    let _ = ta.set_selection_range(byte_to_utf16(&e.text, e.start) as u32, byte_to_utf16(&e.text, e.end) as u32);
    set_active_text(ui, e.text);
}

fn on_key(ui: Ui, ev: KeyboardEvent, ta: web_sys::HtmlTextAreaElement) {
    let text = ta.value();
    let sel = |v: Option<u32>| utf16_to_byte(&text, v.unwrap_or(0) as usize);
    let (start, end) = (sel(ta.selection_start().ok().flatten()), sel(ta.selection_end().ok().flatten()));
    match ev.key().as_str() {
        "Enter" if ev.ctrl_key() || ev.meta_key() => {
            ev.prevent_default();
            set_active_text(ui, text);
            ui.apply_current();
        }
        "Enter" if !ev.shift_key() && !ev.alt_key() => {
            ev.prevent_default();
            apply_edit(ui, &ta, editor_ops::newline(&text, start, end));
        }
        "Tab" if ev.shift_key() => {
            ev.prevent_default();
            apply_edit(ui, &ta, editor_ops::outdent(&text, start, end));
        }
        "Tab" if !ev.ctrl_key() && !ev.alt_key() => {
            ev.prevent_default();
            apply_edit(ui, &ta, editor_ops::indent(&text, start, end));
        }
        // Escape lets keyboard users leave the editor (Tab is taken by indentation).
        "Escape" => {
            let _ = ta.blur();
        }
        _ => {}
    }
}

#[component]
pub fn Editor() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let ta_ref: NodeRef<Textarea> = NodeRef::new();
    let text = move || ui.files.with(|f| f.files.get(f.active).map(|x| x.text.clone()).unwrap_or_default());
    let overlay_ref: NodeRef<leptos::html::Pre> = NodeRef::new();
    let gutter_ref: NodeRef<leptos::html::Div> = NodeRef::new();
    let on_scroll = move |_| {
        if let (Some(ta), Some(pre), Some(g)) = (ta_ref.get(), overlay_ref.get(), gutter_ref.get()) {
            pre.set_scroll_top(ta.scroll_top());
            pre.set_scroll_left(ta.scroll_left());
            g.set_scroll_top(ta.scroll_top());
        }
    };
    let gutter = move || {
        let lines = text().split('\n').count();
        let marks = ui.markers.get();
        (1..=lines)
            .map(|n| {
                let m = marks.iter().find(|m| m.line == n).map(|m| m.message.clone());
                let has = m.is_some();
                view! {
                    <div class="ln" class:marked=has data-line=n title=m.clone().unwrap_or_default()>
                        {if has { "✖ " } else { "" }}{n}
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div class="editor">
            <FileTabs/>
            <div class="editor-body">
                <div class="gutter" node_ref=gutter_ref aria-hidden="true">{gutter}</div>
                <div class="code">
                    <pre class="highlight" node_ref=overlay_ref aria-hidden="true" inner_html=move || highlight_html(&text())></pre>
                    <textarea
                        id="editor-text"
                        node_ref=ta_ref
                        aria-label="YAML editor: Tab indents, Ctrl+Enter applies, Escape leaves"
                        spellcheck="false"
                        autocomplete="off"
                        prop:value=text
                        on:input=move |ev| set_active_text(ui, event_target_value(&ev))
                        on:scroll=on_scroll
                        on:keydown=move |ev: KeyboardEvent| {
                            if let Some(ta) = ta_ref.get() {
                                on_key(ui, ev, ta);
                            }
                        }
                    ></textarea>
                </div>
            </div>
            <Problems/>
        </div>
    }
}

/// The validation messages as text, each with its line (the gutter's marks are visual only).
#[component]
fn Problems() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <ul class="problems" aria-label="Problems" role="status">
            {move || ui.markers.get().into_iter().map(|m| view! {
                <li class="problem" data-line=m.line><span class="problem-line">{format!("line {}", m.line)}</span>" "{m.message}</li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn FileTabs() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let select = move |i: usize| {
        ui.files.update(|f| f.active = i.min(f.files.len().saturating_sub(1)));
        ui.markers.set(Vec::new());
        ui.save_files();
    };
    let add_template = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev);
        let Some((n, body)) = TEMPLATES.iter().find(|(n, _)| *n == name) else { return };
        ui.files.update(|f| {
            let mut file_name = n.to_string();
            let mut k = 2;
            while f.files.iter().any(|x| x.name == file_name) {
                file_name = format!("{}-{k}.yaml", n.trim_end_matches(".yaml"));
                k += 1;
            }
            f.files.push(EditorFile { name: file_name, text: body.to_string() });
            f.active = f.files.len() - 1;
        });
        ui.markers.set(Vec::new());
        ui.save_files();
    };
    let close = move |i: usize| {
        ui.files.update(|f| {
            if f.files.len() > 1 && i < f.files.len() {
                f.files.remove(i);
                f.active = f.active.min(f.files.len() - 1);
            }
        });
        ui.save_files();
    };
    view! {
        <div class="file-tabs" role="toolbar" aria-label="Files">
            {move || {
                let f = ui.files.get();
                f.files.iter().enumerate().map(|(i, file)| {
                    let active = i == f.active;
                    let many = f.files.len() > 1;
                    view! {
                        <span class="file-tab" class:active=active>
                            <button aria-pressed=active.to_string() on:click=move |_| select(i)>{file.name.clone()}</button>
                            {many.then(|| view! { <button class="close" aria-label=format!("Close {}", file.name) on:click=move |_| close(i)>"×"</button> })}
                        </span>
                    }
                }).collect_view()
            }}
            <select class="templates" aria-label="New file from a starter template" on:change=add_template prop:value="">
                <option value="">"+ template…"</option>
                {TEMPLATES.iter().map(|(n, _)| view! { <option value=*n>{*n}</option> }).collect_view()}
            </select>
            <button class="apply" on:click=move |_| ui.apply_current() title="Ctrl+Enter">"Apply ▶"</button>
        </div>
    }
}
