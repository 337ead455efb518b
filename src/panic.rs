//! The panic hook of the browser build. A panic in wasm leaves a dead page; this hook logs the
//! panic to the console (for developers) and puts a readable message with a reload action on the
//! page (for learners), so a bug never looks like a blank screen.

use wasm_bindgen::JsCast;

/// Installs the hook once; later calls are harmless.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_overlay(&info.to_string());
    }));
}

/// Builds the overlay with plain DOM calls: the reactive runtime may be the thing that broke.
fn show_overlay(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = document.body() else { return };
    let Ok(overlay) = document.create_element("div") else { return };
    overlay.set_class_name("panic-overlay");
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-label", "Podlab stopped");
    let text = format!(
        "<div class=\"panic-box\"><h2>Podlab stopped with an internal error</h2>\
         <p>This is a bug in Podlab, not in your YAML. Your saved work is kept in this browser.</p>\
         <pre></pre><button type=\"button\">Reload</button></div>"
    );
    overlay.set_inner_html(&text);
    if let Ok(Some(pre)) = overlay.query_selector("pre") {
        pre.set_text_content(Some(message));
    }
    if let Ok(Some(button)) = overlay.query_selector("button") {
        let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        if let Some(el) = button.dyn_ref::<web_sys::HtmlElement>() {
            el.set_onclick(Some(reload.as_ref().unchecked_ref()));
        }
        reload.forget();
    }
    let _ = body.append_child(&overlay);
}
