//! The browser half of Parley: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Lets end-to-end tests wait for interactivity instead of guessing.
    let _ = js_sys::Reflect::set(
        &leptos::prelude::window(),
        &"__parley_hydrated".into(),
        &true.into(),
    );
}
