//! (hydrate) When the page has finished hydrating. Routes are code-split,
//! so hydration waits for the current route's chunk; a signal changed in
//! that gap would leave the server's markup stale (a binding is not
//! re-applied to what it hydrates). Work that changes the page on its own
//! — the realtime socket — starts only after it.

use std::cell::Cell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The window event dispatched once hydration is done.
pub const HYDRATED_EVENT: &str = "parley-hydrated";

thread_local! {
    static HYDRATED: Cell<bool> = const { Cell::new(false) };
}

/// Called by the frontend once `App` is hydrated. Sets
/// `window.__parley_hydrated` too, which end-to-end tests wait for.
pub fn mark_hydrated() {
    HYDRATED.with(|h| h.set(true));
    let window = leptos::prelude::window();
    let _ = js_sys::Reflect::set(&window, &"__parley_hydrated".into(), &true.into());
    if let Ok(event) = web_sys::Event::new(HYDRATED_EVENT) {
        let _ = window.dispatch_event(&event);
    }
}

/// Runs `f` now if the page is hydrated, else right after.
pub fn after_hydration(f: impl FnOnce() + 'static) {
    if HYDRATED.with(Cell::get) {
        f();
        return;
    }
    let listener = Closure::once_into_js(f);
    let options = web_sys::AddEventListenerOptions::new();
    options.set_once(true);
    let _ = leptos::prelude::window()
        .add_event_listener_with_callback_and_add_event_listener_options(
            HYDRATED_EVENT,
            listener.unchecked_ref(),
            &options,
        );
}
