//! The signed-in frame: sidebar (chats, channels, user menu) around the
//! routed page, plus the waiting page for pending accounts.

use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use super::{initials, WithSession};
use crate::i18n::{use_i18n, Key};
use crate::model::{Role, User};
use crate::session::use_session;

#[component]
pub fn Workspace() -> impl IntoView {
    view! {
        <WithSession view=|info| match info.user {
            None => view! { <Redirect path="/signin" /> }.into_any(),
            Some(user) if user.role == Role::Pending => view! { <PendingPage user /> }.into_any(),
            Some(user) => {
                let i18n = use_i18n();
                let nav_open = RwSignal::new(false);
                let location = use_location();
                // Close the phone drawer after navigating.
                Effect::new(move |_| {
                    location.pathname.track();
                    nav_open.set(false);
                });
                view! {
                    <div class="workspace" class:nav-open=move || nav_open.get()>
                        <Sidebar user />
                        <div class="main-area">
                            <header class="topbar">
                                <button
                                    class="icon-btn nav-toggle"
                                    aria-label=i18n.t(Key::Menu)
                                    aria-expanded=move || nav_open.get().to_string()
                                    on:click=move |_| nav_open.update(|o| *o = !*o)
                                >
                                    "☰"
                                </button>
                                <span class="brand">"Parley"</span>
                            </header>
                            <main class="content" id="main">
                                <Outlet />
                            </main>
                        </div>
                        <div class="scrim" on:click=move |_| nav_open.set(false)></div>
                    </div>
                }
                .into_any()
            }
        } />
    }
}

#[component]
fn Sidebar(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let is_admin = user.role == Role::Admin;
    let menu_open = RwSignal::new(false);
    view! {
        <aside class="sidebar" aria-label=i18n.t(Key::Sidebar)>
            <div class="sidebar-head">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"P"</span>
                    <span>"Parley"</span>
                </A>
            </div>
            <A href="/" attr:class="btn btn-sidebar"><span aria-hidden="true">"+"</span>{i18n.t(Key::NewChat)}</A>
            <nav class="sidebar-section" aria-labelledby="chats-heading">
                <h2 id="chats-heading">{i18n.t(Key::Chats)}</h2>
                <super::chats::ChatList />
            </nav>
            <nav class="sidebar-section" aria-labelledby="channels-heading">
                <h2 id="channels-heading">{i18n.t(Key::Channels)}</h2>
                <super::channels::ChannelList user=user.clone() />
            </nav>
            <div class="sidebar-foot">
                <div class="live-indicator" class:is-live=move || session.live.get() data-testid="live">
                    <span class="dot" aria-hidden="true"></span>
                    {move || if session.live.get() { i18n.now(Key::Live) } else { i18n.now(Key::Offline) }}
                </div>
                <div class="user-menu">
                    <button
                        class="user-menu-button"
                        aria-haspopup="menu"
                        aria-expanded=move || menu_open.get().to_string()
                        on:click=move |_| menu_open.update(|o| *o = !*o)
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                menu_open.set(false);
                            }
                        }
                    >
                        <span class="avatar" aria-hidden="true">{initials(&user.name)}</span>
                        <span class="user-name">{user.name.clone()}</span>
                    </button>
                    <Show when=move || menu_open.get()>
                        <div class="menu" role="menu" on:click=move |_| menu_open.set(false)>
                            <A href="/settings" attr:role="menuitem" attr:class="menu-item">
                                {i18n.t(Key::Settings)}
                            </A>
                            <Show when=move || is_admin>
                                <A href="/admin" attr:role="menuitem" attr:class="menu-item">
                                    {i18n.t(Key::AdminPanel)}
                                </A>
                            </Show>
                            <SignOutForm>
                                <button type="submit" role="menuitem" class="menu-item">
                                    {i18n.t(Key::SignOut)}
                                </button>
                            </SignOutForm>
                        </div>
                    </Show>
                </div>
            </div>
        </aside>
    }
}

#[component]
pub fn PendingPage(user: User) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="auth-page">
            <div class="card auth-card pending-card" data-testid="pending">
                <svg class="pending-icon" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true">
                    <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2"></circle>
                    <path d="M12 6v6l4 2" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"></path>
                </svg>
                <h1>{i18n.t(Key::PendingTitle)}</h1>
                <p>{i18n.t(Key::PendingBody)}</p>
                <p class="muted">{user.email.clone()}</p>
                <SignOutForm>
                    <button type="submit" class="btn btn-secondary">{i18n.t(Key::SignOut)}</button>
                </SignOutForm>
            </div>
        </div>
    }
}

/// Signing out: a plain form to the server function, so it works before the
/// page is interactive, sent by the session's action once it is. Unlike
/// `<ActionForm>` it reads no form fields (there are none), which keeps the
/// form-decoding code out of every page's wasm (SPEC B4).
#[component]
fn SignOutForm(children: Children) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let session = use_session();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        session.sign_out.dispatch(crate::api::SignOut {});
    };
    view! {
        <form method="post" action=crate::api::SignOut::url() on:submit=on_submit>
            {children()}
        </form>
    }
}
