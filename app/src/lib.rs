//! Parley's shared crate: types, UI components and server functions used by
//! both the server (`ssr`) and the browser (`hydrate`).

#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod session;

/// The types the browser and the server exchange.
pub use parley_model::model;

#[cfg(feature = "ssr")]
pub mod edge;
#[cfg(feature = "hydrate")]
pub mod hydration;
#[cfg(feature = "hydrate")]
mod realtime_client;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute, SsrMode};

use components::{admin, auth, channels, chats, layout, settings, NotFound};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = i18n::request_locale();
    let version = i18n::messages_version();
    view! {
        <!DOCTYPE html>
        // The browser installs the page's language from its file before
        // hydrating (the wasm carries no texts), fetched early here.
        <html lang=locale.code() data-i18n=version>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link
                    rel="preload"
                    href=i18n::source_path(locale, version)
                    r#as="fetch"
                    crossorigin="anonymous"
                />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <SplitLoaderPreload />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The code-split loader (`__wasm_split.js`), which the main script imports:
/// named in the head as well, so the browser fetches it beside the main
/// script rather than after it, one round of waiting less before hydrating.
/// `HydrationScripts` provides its name.
#[component]
fn SplitLoaderPreload() -> impl IntoView {
    use_context::<leptos::WasmSplitManifest>().map(|manifest| {
        let href = manifest
            .0
            .with_value(|(root, _, file)| format!("{root}/{file}"));
        view! { <link rel="modulepreload" href=href /> }
    })
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    i18n::provide_i18n();
    session::provide_session();
    // The socket follows the signed-in account (the session knows
    // nothing of sockets; the socket reads the session).
    #[cfg(feature = "hydrate")]
    realtime_client::follow_session(session::use_session());

    let i18n = i18n::use_i18n();
    // The page's language follows the reader's (screen readers, spelling);
    // the server wrote it into `<html lang>` (`shell`).
    Effect::new(move |_| {
        let code = i18n.locale().code();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", code);
        }
    });
    view! {
        <Title text="Parley" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/signup") view={Lazy::<SignUpRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=layout::Workspace ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<NewChatRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("c/:id") view={Lazy::<ChatRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("settings") view={Lazy::<GeneralSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("settings/account") view={Lazy::<AccountSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin") view={Lazy::<AdminUsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/settings") view={Lazy::<AdminSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("channels/new") view={Lazy::<NewChannelRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("channels/:id") view=channels::ChannelPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A route whose view is code-split out of the main wasm (`cargo leptos
/// build --split`, SPEC B4): the browser fetches its chunk when it first
/// goes there, so a channel page downloads only what a channel needs.
macro_rules! split_route {
    ($($route:ident => $page:path),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                $page().into_any()
            }
        }
    )*};
}

split_route! {
    SignInRoute => auth::SignInPage,
    SignUpRoute => auth::SignUpPage,
    NewChatRoute => chats::NewChatPage,
    ChatRoute => chats::ChatPage,
    GeneralSettingsRoute => settings::GeneralSettings,
    AccountSettingsRoute => settings::AccountSettings,
    AdminUsersRoute => admin::UsersPage,
    AdminSettingsRoute => admin::AdminSettingsPage,
    NewChannelRoute => channels::NewChannelPage,
}
