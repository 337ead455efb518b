//! Component tests in a real headless Chromium (wasm-bindgen-test): mount, act, check the DOM.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root.unchecked_into()
}

#[wasm_bindgen_test]
async fn shell_shows_header_and_all_panes() {
    let root = fresh_root();
    let _handle = leptos::mount::mount_to(root.clone(), podlab_web::app::App);
    leptos::task::tick().await;
    let brand = root.query_selector(".brand").unwrap().expect("header brand");
    assert_eq!(brand.text_content().as_deref(), Some("Podlab"));
    for label in ["Lesson", "Editor", "Terminal", "Cluster"] {
        let selector = format!("section[aria-label='{label}']");
        assert!(root.query_selector(&selector).unwrap().is_some(), "missing pane {label}");
    }
}
