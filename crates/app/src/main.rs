//! Entry point: only mounts the app (see lib.rs).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(attend_app::App);
}
