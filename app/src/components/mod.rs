//! UI components, one module per screen.

pub mod admin;
pub mod auth;
pub mod channels;
pub mod chats;
pub mod layout;
pub mod settings;
pub mod webhooks;

use leptos::prelude::*;

use crate::api::SetLocale;
use crate::error::AppError;
use crate::i18n::{use_i18n, Key, Locale};
use crate::model::SessionInfo;
use crate::session::use_session;

/// Renders `view` once the session is known, after switching the UI to the
/// session's language. Server and browser both run this with the same
/// resolved session, so hydration sees identical markup.
#[component]
pub fn WithSession<F>(view: F) -> impl IntoView
where
    F: Fn(SessionInfo) -> AnyView + Clone + Send + Sync + 'static,
{
    let session = use_session();
    let i18n = use_i18n();
    view! {
        <Transition fallback=|| view! { <PageLoading /> }>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match session.info.await {
                        Ok(info) => {
                            i18n.switch(info.locale);
                            view(info)
                        }
                        Err(err) => view! { <ErrorPanel error=err /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A resource on screen — the one loading block of every screen: the
/// loading state while it loads (nothing with `quiet`, for a small part of
/// a page), Parley's error panel when it fails, `view(value)` once here.
#[component]
pub fn Loaded<T, F>(
    resource: Resource<Result<T, AppError>>,
    view: F,
    #[prop(optional)] quiet: bool,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> AnyView + Clone + Send + Sync + 'static,
{
    let fallback = move || (!quiet).then(|| view! { <PageLoading /> });
    view! {
        <Transition fallback>
            {move || {
                let view = view.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => view(value),
                        Err(err) => view! { <ErrorPanel error=err /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
pub fn PageLoading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <span class="sr-only">{i18n.t(Key::Loading)}</span>
        </div>
    }
}

#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = error.localized(i18n.locale());
    view! { <div class="alert alert-error" role="alert">{text}</div> }
}

/// The error of the last run of an action, in the reader's language.
pub fn action_error<T, S>(value: S) -> Signal<Option<String>>
where
    T: 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    let i18n = use_i18n();
    Signal::derive(move || match value.get() {
        Some(Err(err)) => Some(err.localized(i18n.locale())),
        _ => None,
    })
}

#[component]
pub fn FormError(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="alert alert-error" role="alert">{move || message.get()}</div>
        </Show>
    }
}

/// The language picker: switches the UI at once and remembers the choice
/// (in the account when signed in, in a cookie otherwise).
#[component]
pub fn LanguagePicker(#[prop(optional)] compact: bool) -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SetLocale>::new();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = Locale::from_code(&event_target_value(&ev)) {
            i18n.switch(locale);
            save.dispatch(SetLocale { locale });
        }
    };
    view! {
        <label class=if compact { "language-picker compact" } else { "language-picker" }>
            <span class=if compact { "sr-only" } else { "field-label" }>{i18n.t(Key::Language)}</span>
            <select name="locale" on:change=on_change>
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.code() selected=move || i18n.locale() == l>
                                {l.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <WithSession view=|_| {
            let i18n = use_i18n();
            view! {
                <div class="auth-page">
                    <div class="card auth-card">
                        <h1>{i18n.t(Key::NotFoundTitle)}</h1>
                        <a class="btn btn-primary" href="/">{i18n.t(Key::BackHome)}</a>
                    </div>
                </div>
            }
            .into_any()
        } />
    }
}

pub fn initials(name: &str) -> String {
    let mut out: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    if out.is_empty() {
        out.push('?');
    }
    upper_case(&out)
}

/// The browser's own upper-casing (`String.prototype.toUpperCase`, the same
/// Unicode mapping as Rust's): the wasm then carries no case tables.
#[cfg(feature = "hydrate")]
fn upper_case(text: &str) -> String {
    String::from(js_sys::JsString::from(text).to_upper_case())
}

#[cfg(not(feature = "hydrate"))]
fn upper_case(text: &str) -> String {
    text.to_uppercase()
}

pub fn role_key(role: crate::model::Role) -> Key {
    match role {
        crate::model::Role::Pending => Key::RolePending,
        crate::model::Role::User => Key::RoleUser,
        crate::model::Role::Admin => Key::RoleAdmin,
    }
}
