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

pub fn provide_i18n() {
    provide_context(I18n(RwSignal::new(Locale::default())));
}
