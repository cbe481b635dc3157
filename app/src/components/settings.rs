//! Settings: General (language) and Account. The next issues add the
//! notification webhook to Account.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{format_time, role_key, LanguagePicker};
use crate::i18n::{use_i18n, Key};
use crate::session::use_session;

#[component]
pub fn SettingsTabs() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="page-title">{i18n.t(Key::Settings)}</h1>
        <nav class="tabs" aria-label="Settings sections">
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
    let user = move || session.info.get().and_then(Result::ok).and_then(|s| s.user);
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
                                    <dd>{format_time(u.created_at)}</dd>
                                </dl>
                            }
                        })
                }}
            </div>
        </section>
    }
}
