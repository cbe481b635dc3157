//! Settings: General (language) and Account. The next issues add the
//! notification webhook to Account.

use leptos::prelude::*;
use leptos_router::components::A;

use super::webhooks::OneTimeSecret;
use super::{action_error, role_key, FormError, LanguagePicker, Loaded};
use crate::api::{list_api_keys, CreateApiKey, DeleteApiKey};
use crate::i18n::{use_i18n, Key};
use crate::session::use_session;

#[component]
pub fn SettingsTabs() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="page-title">{i18n.t(Key::Settings)}</h1>
        <nav class="tabs" aria-label=i18n.t(Key::SettingsSections)>
            <A href="/settings" exact=true attr:class="tab">
                {i18n.t(Key::General)}
            </A>
            <A href="/settings/account" exact=true attr:class="tab">
                {i18n.t(Key::Account)}
            </A>
        </nav>
    }
}

#[component]
pub fn GeneralSettings() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page">
            <SettingsTabs />
            <div class="card">
                <h2>{i18n.t(Key::Language)}</h2>
                <LanguagePicker />
                <p class="field-hint">{i18n.t(Key::LanguageHint)}</p>
            </div>
        </section>
    }
}

#[component]
pub fn AccountSettings() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = move || session.user();
    view! {
        <section class="page">
            <SettingsTabs />
            <div class="card">
                <h2>{i18n.t(Key::Profile)}</h2>
                {move || {
                    user()
                        .map(|u| {
                            view! {
                                <dl class="facts">
                                    <dt>{i18n.t(Key::Name)}</dt>
                                    <dd>{u.name.clone()}</dd>
                                    <dt>{i18n.t(Key::Email)}</dt>
                                    <dd>{u.email.clone()}</dd>
                                    <dt>{i18n.t(Key::Role)}</dt>
                                    <dd>{i18n.t(role_key(u.role))}</dd>
                                    <dt>{i18n.t(Key::Created)}</dt>
                                    <dd>{i18n.date(u.created_at)}</dd>
                                </dl>
                            }
                        })
                }}
            </div>
            <Show when=move || session.info.get().and_then(Result::ok).is_some_and(|s| s.user_webhooks_enabled)>
                <super::webhooks::NotificationWebhookCard />
                <super::webhooks::NotificationTargetsCard />
            </Show>
            <ApiKeysCard />
        </section>
    }
}

#[component]
fn ApiKeysCard() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiKey>::new();
    let delete = ServerAction::<DeleteApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), delete.version().get()),
        |_| list_api_keys(),
    );
    let error = action_error(create.value());
    let new_secret = move || create.value().get().and_then(Result::ok);
    view! {
        <div class="card" id="api-keys">
            <h2>{i18n.t(Key::ApiKeys)}</h2>
            <p class="field-hint">{i18n.t(Key::ApiKeysHint)}</p>
            <ActionForm action=create attr:class="input-row" attr:id="api-key-form">
                <input type="text" name="name" required maxlength="80" aria-label=move || i18n.now(Key::KeyName) placeholder=move || i18n.now(Key::KeyName) />
                <button type="submit" class="btn btn-secondary" disabled=create.pending()>{i18n.t(Key::CreateKey)}</button>
            </ActionForm>
            <FormError message=error />
            {move || new_secret().map(|secret| view! { <OneTimeSecret secret /> })}
            <Loaded resource=keys view=move |value| match value {
                        list if list.is_empty() => view! { <p class="empty">{i18n.t(Key::NoApiKeys)}</p> }.into_any(),
                        list => view! {
                            <ul class="member-list" data-testid="api-keys">
                                {list.into_iter().map(|k| {
                                    let id = k.id.clone();
                                    view! {
                                        <li>
                                            <strong>{k.name.clone()}</strong>
                                            <span class="muted">{i18n.t(Key::Created)} " " {i18n.date(k.created_at)}</span>
                                            <span class="muted">
                                                {i18n.t(Key::LastUsed)} " "
                                                {move || k.last_used_at.map(|ms| i18n.date_now(ms)).unwrap_or_else(|| i18n.now(Key::Never).to_string())}
                                            </span>
                                            <button class="btn btn-danger btn-sm" on:click=move |_| { delete.dispatch(DeleteApiKey { id: id.clone() }); }>
                                                {i18n.t(Key::Delete)}
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    } />
        </div>
    }
}
