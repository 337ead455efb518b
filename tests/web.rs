//! Component tests in a real headless Chromium (wasm-bindgen-test): mount, act, check the DOM.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use podlab_web::state::Ui;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> web_sys::HtmlElement {
    let window = web_sys::window().unwrap();
    // Each test starts from an empty browser profile as far as Podlab is concerned.
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root.unchecked_into()
}

fn key(target: &web_sys::Element, key: &str, ctrl: bool) {
    // Built in JS so the app needs no extra web-sys features just for its tests.
    let js = format!("new KeyboardEvent('keydown', {{key: {key:?}, ctrlKey: {ctrl}, bubbles: true, cancelable: true}})");
    let ev: web_sys::Event = js_sys::eval(&js).unwrap().unchecked_into();
    target.dispatch_event(&ev).unwrap();
}

fn text_of(root: &web_sys::HtmlElement, sel: &str) -> String {
    root.query_selector(sel).unwrap().and_then(|e| e.text_content()).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn shell_shows_header_and_all_panes() {
    let root = fresh_root();
    let _handle = leptos::mount::mount_to(root.clone(), podlab_web::app::App);
    leptos::task::tick().await;
    assert_eq!(text_of(&root, ".brand"), "Podlab");
    for label in ["Lesson", "Editor", "Terminal", "Cluster", "Timeline"] {
        let selector = format!("section[aria-label='{label}']");
        assert!(root.query_selector(&selector).unwrap().is_some(), "missing pane {label}");
    }
}

#[wasm_bindgen_test]
async fn editor_highlights_indents_and_applies() {
    let root = fresh_root();
    let _handle = leptos::mount::mount_to(root.clone(), || {
        provide_context(Ui::load());
        view! { <podlab_web::ui_editor::Editor/> <podlab_web::ui_terminal::Terminal/> }
    });
    leptos::task::tick().await;
    let ta: web_sys::HtmlTextAreaElement = root.query_selector("#editor-text").unwrap().unwrap().unchecked_into();
    assert!(ta.value().contains("name: multi-container-pod"), "starter template loaded");
    assert!(root.query_selector(".highlight .y-key").unwrap().is_some(), "keys are highlighted");
    // Enter after `spec:` indents the new line by two spaces.
    ta.set_value("spec:");
    ta.set_selection_range(5, 5).unwrap();
    key(&ta, "Enter", false);
    leptos::task::tick().await;
    assert_eq!(ta.value(), "spec:\n  ");
    // An invalid Pod: Ctrl+Enter applies, the terminal shows the command and the error, and
    // the gutter marks the offending line.
    let bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n  - name: app\n    image: \"\"\n";
    ta.set_value(bad);
    ta.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    key(&ta, "Enter", true);
    leptos::task::tick().await;
    let out = text_of(&root, "#term-output");
    assert!(out.contains("kubectl apply -f pod.yaml"), "{out}");
    assert!(out.contains("is invalid"), "{out}");
    let marked = root.query_selector(".gutter .ln.marked").unwrap().expect("a marked line");
    assert_eq!(marked.get_attribute("data-line").as_deref(), Some("8"));
    assert!(text_of(&root, ".problems").contains("line 8"));
}

#[wasm_bindgen_test]
async fn terminal_runs_commands_with_history_and_completion() {
    let root = fresh_root();
    let _handle = leptos::mount::mount_to(root.clone(), || {
        provide_context(Ui::load());
        view! { <podlab_web::ui_terminal::Terminal/> }
    });
    leptos::task::tick().await;
    let input: web_sys::HtmlInputElement = root.query_selector("#term-input").unwrap().unwrap().unchecked_into();
    input.set_value("kubectl get no");
    input.set_selection_range(14, 14).unwrap();
    key(&input, "Tab", false);
    assert_eq!(input.value(), "kubectl get nodes ");
    key(&input, "Enter", false);
    leptos::task::tick().await;
    let out = text_of(&root, "#term-output");
    assert!(out.contains("NAME") && out.contains("node01") && out.contains("controlplane"), "{out}");
    assert_eq!(root.query_selector("#term-output").unwrap().unwrap().get_attribute("aria-live").as_deref(), Some("polite"));
    key(&input, "ArrowUp", false);
    assert_eq!(input.value(), "kubectl get nodes ");
    key(&input, "l", true);
    leptos::task::tick().await;
    assert_eq!(text_of(&root, "#term-output"), "");
    input.set_value("kubectl get pods --bogus");
    key(&input, "Enter", false);
    leptos::task::tick().await;
    assert!(root.query_selector("#term-output .tl-err").unwrap().is_some(), "stderr is shown as an error line");
}

#[wasm_bindgen_test]
async fn cluster_view_shows_planets_and_pods_in_orbit() {
    let root = fresh_root();
    let ui = std::cell::Cell::new(None);
    let _handle = leptos::mount::mount_to(root.clone(), {
        let ui = &ui;
        let u = Ui::load();
        ui.set(Some(u));
        move || {
            provide_context(u);
            view! { <podlab_web::ui_cluster::ClusterView/> }
        }
    });
    leptos::task::tick().await;
    let planets = root.query_selector(".planets").unwrap().unwrap();
    assert_eq!(planets.child_element_count(), 3);
    assert!(text_of(&root, ".planets").contains("node01"));
    assert!(text_of(&root, ".planets").contains("CPU"));
    let ui = ui.get().unwrap();
    // At the instant of creation nothing has scheduled the pod yet: it waits in orbit.
    ui.run("kubectl run web --image=nginx", None);
    leptos::task::tick().await;
    let pod = root.query_selector(".orbit .spacepod[data-name='web']").unwrap().expect("pod in orbit");
    assert_eq!(pod.get_attribute("data-status").as_deref(), Some("Pending"));
    assert!(pod.text_content().unwrap_or_default().contains("not started"), "container state in words");
    // Clicking the pod opens its detail with quick actions.
    let hull: web_sys::HtmlElement = pod.query_selector(".hull").unwrap().unwrap().unchecked_into();
    hull.click();
    leptos::task::tick().await;
    let detail = text_of(&root, ".pod-detail");
    assert!(detail.contains("Pod web") && detail.contains("describe"), "{detail}");
}

#[wasm_bindgen_test]
async fn a_scenario_route_shows_its_live_checklist() {
    let root = fresh_root();
    let ui = Ui::load();
    let route = RwSignal::new(podlab_web::route::Route::Scenario("missing-configmap".into()));
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(ui);
        ui.enter(&route.get_untracked());
        view! { <podlab_web::ui_task::LessonPane route=route/> <podlab_web::ui_terminal::Terminal/> }
    });
    leptos::task::tick().await;
    let checks = root.query_selector(".checklist ul").unwrap().expect("a checklist");
    assert_eq!(checks.child_element_count(), 3);
    assert!(text_of(&root, ".state-hints").contains("Events"));
    // Typed in the terminal, `describe` meets the first check at once.
    let input: web_sys::HtmlInputElement = root.query_selector("#term-input").unwrap().unwrap().unchecked_into();
    input.set_value("kubectl describe pod frontend");
    key(&input, "Enter", false);
    leptos::task::tick().await;
    let first = root.query_selector(".checklist .check").unwrap().unwrap();
    assert_eq!(first.get_attribute("data-holds").as_deref(), Some("true"));
    assert!(root.query_selector(".state-hints").unwrap().is_none());
    // The hint ladder reveals one rung per click.
    let next: web_sys::HtmlElement = root.query_selector("#next-hint").unwrap().unwrap().unchecked_into();
    next.click();
    leptos::task::tick().await;
    assert_eq!(root.query_selector(".hints ol").unwrap().unwrap().child_element_count(), 1);
}

#[wasm_bindgen_test]
async fn exec_attaches_the_terminal_to_the_container_shell() {
    let root = fresh_root();
    let ui = Ui::load();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(ui);
        view! { <podlab_web::ui_terminal::Terminal/> }
    });
    ui.run("kubectl run box --image=busybox:1.36 -- sleep 3600", None);
    ui.engine.update_value(|e| {
        let t = e.now() + 30_000;
        e.advance_to(t);
    });
    let input: web_sys::HtmlInputElement = root.query_selector("#term-input").unwrap().unwrap().unchecked_into();
    input.set_value("kubectl exec -it box -- sh");
    key(&input, "Enter", false);
    leptos::task::tick().await;
    assert_eq!(text_of(&root, ".term-input-row .ps1"), "/ # ");
    input.set_value("echo hi there");
    key(&input, "Enter", false);
    leptos::task::tick().await;
    let out = text_of(&root, "#term-output");
    assert!(out.contains("/ # echo hi there") && out.contains("hi there"), "{out}");
    input.set_value("exit");
    key(&input, "Enter", false);
    leptos::task::tick().await;
    assert_eq!(text_of(&root, ".term-input-row .ps1"), "$ ");
}

#[wasm_bindgen_test]
async fn localhost_panel_fetches_a_forwarded_port_and_system_pods_toggle() {
    let root = fresh_root();
    let ui = Ui::load();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(ui);
        view! { <podlab_web::ui_cluster::ClusterView/> }
    });
    ui.run("kubectl run web --image=nginx:1.27 --port=80", None);
    ui.run("kubectl run proxy-stand-in -n kube-system --image=busybox:1.36 -- sleep 3600", None);
    // nginx pulls and starts within this (the cluster's add-on pods start alongside).
    ui.engine.update_value(|e| {
        let t = e.now() + 90_000;
        e.advance_to(t);
    });
    ui.changed();
    leptos::task::tick().await;
    // The learner's pod shows; kube-system's waits behind the toggle, which counts it.
    assert!(root.query_selector(".spacepod[data-name='web']").unwrap().is_some());
    assert!(root.query_selector(".spacepod[data-name='proxy-stand-in']").unwrap().is_none());
    // The default cluster has its own kube-system pods (kube-proxy, coredns, control plane) too.
    let toggle_text = text_of(&root, ".ns-toggle");
    let count: usize = toggle_text.trim().trim_start_matches("show kube-system pods (").trim_end_matches(')').parse().unwrap_or(0);
    assert!(count >= 1, "{toggle_text}");
    let toggle: web_sys::HtmlElement = root.query_selector(".show-system").unwrap().unwrap().unchecked_into();
    toggle.click();
    leptos::task::tick().await;
    let sys = root.query_selector(".spacepod.system[data-name='proxy-stand-in']").unwrap().expect("system pod shown when asked for");
    assert!(sys.text_content().unwrap_or_default().contains("kube-system"));
    // No forwarded port: no panel.
    assert!(root.query_selector(".localhost").unwrap().is_none());
    ui.run("kubectl port-forward pod/web 8080:80", None);
    leptos::task::tick().await;
    assert_eq!(text_of(&root, ".localhost .forwards"), "localhost:8080 → pod/web:80");
    let fetch: web_sys::HtmlElement = root.query_selector(".localhost .fetch").unwrap().unwrap().unchecked_into();
    fetch.click();
    leptos::task::tick().await;
    assert_eq!(text_of(&root, ".localhost .status-line"), "HTTP/1.1 200 OK");
    let body = root.query_selector(".localhost .fetch-body").unwrap().unwrap();
    assert!(body.text_content().unwrap_or_default().contains("<title>Welcome to nginx!</title>"), "HTML shown as text");
    assert_eq!(body.child_element_count(), 0, "HTML is never rendered");
    let address: web_sys::HtmlInputElement = root.query_selector(".localhost .address").unwrap().unwrap().unchecked_into();
    address.set_value("http://localhost:9090/");
    address.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    fetch.click();
    leptos::task::tick().await;
    assert_eq!(text_of(&root, ".localhost .fetch-error"), "Failed to connect to localhost port 9090: Couldn't connect to server");
}
