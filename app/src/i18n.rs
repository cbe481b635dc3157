//! The reader's language in the UI: a signal provided at the top of the
//! app, and the reactive ways to read texts through it. The texts
//! themselves (keys, locale files, plurals) are `parley_model::i18n`.

use leptos::prelude::*;

pub use parley_model::i18n::*;

/// The current UI language, provided once at the top of the app.
#[derive(Clone, Copy)]
pub struct I18n(pub RwSignal<Locale>);

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

impl I18n {
    /// The language now: tracked inside a reactive closure, read without
    /// tracking elsewhere (an event handler), which Leptos would warn about.
    pub fn locale(self) -> Locale {
        if leptos::reactive::graph::Observer::get().is_some() {
            self.0.get()
        } else {
            self.0.get_untracked()
        }
    }

    /// A reactive text: re-renders when the language changes.
    pub fn t(self, key: Key) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || key.text(self.locale())
    }

    /// A reactive text with arguments.
    pub fn t_with(
        self,
        key: Key,
        args: impl Fn() -> Vec<(&'static str, Arg)> + Send + Sync + 'static,
    ) -> impl Fn() -> String + Send + Sync + 'static {
        move || key.with(self.locale(), &args())
    }

    /// The text now (tracked when read inside a reactive closure).
    pub fn now(self, key: Key) -> String {
        key.text(self.locale())
    }

    /// A date and time in the language's format (UTC, the same on the
    /// server and in the browser), reactive.
    pub fn date(self, ms: i64) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || format_date(self.locale(), ms)
    }

    /// A date and time now (tracked inside a reactive closure).
    pub fn date_now(self, ms: i64) -> String {
        format_date(self.locale(), ms)
    }
}

/// The language of a page request, found by the server before rendering
/// (the account's setting, the cookie, `Accept-Language`).
#[derive(Clone, Copy, Debug)]
pub struct RequestLocale(pub Locale);

/// The language the server found for this page request; English outside
/// one (and in the browser, which never renders the shell).
pub fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<RequestLocale>().copied())
            .map(|l| l.0)
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// The page's language: on the server the request's, in the browser the
/// one the server rendered the page in (`<html lang>`), so hydration starts
/// from the same texts.
pub fn provide_i18n() {
    #[cfg(feature = "hydrate")]
    let locale = page_locale();
    #[cfg(not(feature = "hydrate"))]
    let locale = request_locale();
    provide_context(I18n(RwSignal::new(locale)));
}

impl I18n {
    /// Shows the UI in `locale`: at once when its texts are here, else once
    /// the browser has fetched them (the page ships only its own language).
    pub fn switch(self, locale: Locale) {
        if is_installed(locale) {
            if self.0.get_untracked() != locale {
                self.0.set(locale);
            }
        } else {
            #[cfg(feature = "hydrate")]
            wasm_bindgen_futures::spawn_local(async move {
                if install_from_server(locale).await {
                    self.0.set(locale);
                }
            });
        }
    }
}

/// The version of the locale files the page names (`data-i18n` on
/// `<html>`): part of their URLs, so a browser caches them for good.
pub fn messages_version() -> &'static str {
    #[cfg(feature = "ssr")]
    {
        sources_version()
    }
    #[cfg(not(feature = "ssr"))]
    {
        ""
    }
}

/// The language the server rendered this page in.
#[cfg(feature = "hydrate")]
pub fn page_locale() -> Locale {
    document()
        .document_element()
        .map(|root| root.get_attribute("lang").unwrap_or_default())
        .and_then(|code| Locale::from_code(&code))
        .unwrap_or_default()
}

/// Fetches `locale`'s file from the server and installs it; false when the
/// server could not be reached (the UI keeps its language).
#[cfg(feature = "hydrate")]
pub async fn install_from_server(locale: Locale) -> bool {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if is_installed(locale) {
        return true;
    }
    let version = document()
        .document_element()
        .and_then(|root| root.get_attribute("data-i18n"))
        .unwrap_or_default();
    let url = source_path(locale, &version);
    let Some(response) = JsFuture::from(window().fetch_with_str(&url))
        .await
        .ok()
        .and_then(|r| r.dyn_into::<web_sys::Response>().ok())
        .filter(|r| r.ok())
    else {
        return false;
    };
    let Ok(text) = response.text() else {
        return false;
    };
    match JsFuture::from(text).await.ok().and_then(|t| t.as_string()) {
        Some(source) => {
            install(locale, source);
            true
        }
        None => false,
    }
}
