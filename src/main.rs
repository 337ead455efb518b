//! Entry point of the browser build: installs the panic hook and mounts the app.

fn main() {
    podlab_web::panic::install();
    leptos::mount::mount_to_body(podlab_web::app::App);
}
