//! Sign-in and sign-up pages (SPEC W1). Plain forms bound to server
//! functions: they work before hydration too.

use leptos::prelude::*;
use leptos_router::components::{Redirect, A};

use super::{action_error, FormError, LanguagePicker, WithSession};
use crate::i18n::{use_i18n, Key};
use crate::session::use_session;

#[component]
fn AuthFrame(title: Key, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="auth-page">
            <div class="auth-top">
                <LanguagePicker compact=true />
            </div>
            <div class="card auth-card">
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    <span>"Parley"</span>
                </div>
                <p class="muted">{i18n.t(Key::AppTagline)}</p>
                <h1>{i18n.t(title)}</h1>
                {children()}
            </div>
        </div>
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    view! {
        <WithSession view=|info| {
            if info.user.is_some() {
                return view! { <Redirect path="/" /> }.into_any();
            }
            let session = use_session();
            let i18n = use_i18n();
            let pending = session.sign_in.pending();
            let error = action_error(session.sign_in.value());
            view! {
                <AuthFrame title=Key::SignInTitle>
                    <ActionForm action=session.sign_in attr:class="form" attr:id="signin-form">
                        <FormError message=error />
                        <label class="field">
                            <span class="field-label">{i18n.t(Key::Email)}</span>
                            <input type="email" name="email" required autocomplete="email" autofocus />
                        </label>
                        <label class="field">
                            <span class="field-label">{i18n.t(Key::Password)}</span>
                            <input type="password" name="password" required autocomplete="current-password" />
                        </label>
                        <button type="submit" class="btn btn-primary btn-block" disabled=pending>
                            {move || if pending.get() { i18n.now(Key::Working) } else { i18n.now(Key::SignIn) }}
                        </button>
                    </ActionForm>
                    <Show when=move || info.signup_enabled>
                        <p class="auth-switch">
                            {i18n.t(Key::NoAccount)} " " <A href="/signup">{i18n.t(Key::SignUp)}</A>
                        </p>
                    </Show>
                </AuthFrame>
            }
            .into_any()
        } />
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! {
        <WithSession view=|info| {
            if info.user.is_some() {
                return view! { <Redirect path="/" /> }.into_any();
            }
            let session = use_session();
            let i18n = use_i18n();
            let pending = session.sign_up.pending();
            let error = action_error(session.sign_up.value());
            if !info.signup_enabled {
                return view! {
                    <AuthFrame title=Key::SignUpTitle>
                        <div class="alert alert-info" role="status">{i18n.t(Key::SignupClosed)}</div>
                        <p class="auth-switch">
                            {i18n.t(Key::HaveAccount)} " " <A href="/signin">{i18n.t(Key::SignIn)}</A>
                        </p>
                    </AuthFrame>
                }
                .into_any();
            }
            view! {
                <AuthFrame title=Key::SignUpTitle>
                    <ActionForm action=session.sign_up attr:class="form" attr:id="signup-form">
                        <FormError message=error />
                        <label class="field">
                            <span class="field-label">{i18n.t(Key::Name)}</span>
                            <input type="text" name="name" required autocomplete="name" maxlength="100" autofocus />
                        </label>
                        <label class="field">
                            <span class="field-label">{i18n.t(Key::Email)}</span>
                            <input type="email" name="email" required autocomplete="email" />
                        </label>
                        <label class="field">
                            <span class="field-label">{i18n.t(Key::Password)}</span>
                            <input type="password" name="password" required minlength="8" autocomplete="new-password" />
                            <span class="field-hint">{i18n.t(Key::PasswordHint)}</span>
                        </label>
                        <button type="submit" class="btn btn-primary btn-block" disabled=pending>
                            {move || if pending.get() { i18n.now(Key::Working) } else { i18n.now(Key::CreateAccount) }}
                        </button>
                    </ActionForm>
                    <p class="auth-switch">
                        {i18n.t(Key::HaveAccount)} " " <A href="/signin">{i18n.t(Key::SignIn)}</A>
                    </p>
                </AuthFrame>
            }
            .into_any()
        } />
    }
}
