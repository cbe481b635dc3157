//! The browser half of Parley: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Routes are code-split (`cargo leptos build --split`, SPEC B4):
    // hydrating first loads the current route's chunk, so it runs as a task
    // (what `leptos::mount::hydrate_lazy` does), and only then says so.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        // The page's texts first: the server rendered them, hydration
        // renders them again (the preloaded file, already here).
        let locale = app::i18n::page_locale();
        app::i18n::install_from_server(locale).await;
        let mounted = leptos::mount::hydrate_from_async(body, app::App).await;
        // The page lives as long as the tab.
        mounted.forget();
        // Starts the socket, and lets end-to-end tests wait for
        // interactivity instead of guessing.
        app::hydration::mark_hydrated();
    });
}
