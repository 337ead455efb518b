//! The panic hook of the browser build. A panic in wasm leaves a dead page; this hook logs the
//! panic to the console (for developers) and puts a readable message with a reload action on the
//! page (for learners), so a bug never looks like a blank screen. "Reload from last good
//! state" puts back the saved state that last loaded and ran cleanly (`persist::restore_good`),
//! for when what was saved since is what makes the page stop.

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
         <pre></pre><button type=\"button\" class=\"reload\">Reload</button> \
         <button type=\"button\" class=\"reload-good\">Reload from last good state</button></div>"
    );
    overlay.set_inner_html(&text);
    if let Ok(Some(pre)) = overlay.query_selector("pre") {
        pre.set_text_content(Some(message));
    }
    on_click(&overlay, "button.reload", false);
    on_click(&overlay, "button.reload-good", true);
    let _ = body.append_child(&overlay);
}

fn on_click(overlay: &web_sys::Element, selector: &str, restore: bool) {
    let Ok(Some(button)) = overlay.query_selector(selector) else { return };
    let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        if restore {
            let mut store = crate::storage::BrowserStore::open();
            crate::persist::restore_good(&mut store);
        }
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    if let Some(el) = button.dyn_ref::<web_sys::HtmlElement>() {
        el.set_onclick(Some(reload.as_ref().unchecked_ref()));
    }
    reload.forget();
}
