#![recursion_limit = "256"]
//! The Parley HTTP server: the Leptos app (SSR + server functions), the REST
//! API and the realtime socket on one axum router.

pub mod channels_api;
pub mod cli;
pub mod events_api;
pub mod guard;
pub mod rest;
pub mod ws;

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use app::{shell, App};
use parley_core::AppState;

/// What axum's handlers can extract: the Leptos options and the app state.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// Handlers take the one service they use (`State<ChannelWebhooks>`,
/// `State<Db>`…), picked out of the composition root; the rest of
/// `AppState` stays out of their reach.
macro_rules! services_from_state {
    ($($service:ty => $field:ident),* $(,)?) => {$(
        impl FromRef<ServerState> for $service {
            fn from_ref(state: &ServerState) -> $service {
                state.app.$field.clone()
            }
        }
    )*};
}

services_from_state! {
    parley_core::db::Db => db,
    parley_core::channels::Channels => channels,
    parley_core::channel_webhooks::ChannelWebhooks => channel_webhooks,
    parley_core::accounts::Accounts => accounts,
    parley_core::webhooks::admin::AdminWebhooks => admin_webhooks,
    parley_core::webhooks::user::UserWebhooks => user_webhooks,
}

/// Where `make` puts the static files of this build: the optimized build
/// (`cargo leptos build --release`, hashed and precompressed) has a site
/// of its own, so a debug build never overwrites what it serves.
pub const DEFAULT_SITE_ROOT: &str = if cfg!(debug_assertions) {
    "target/site"
} else {
    "target/site-release"
};

/// cargo-leptos writes the hashes of the wasm and JS file names next to
/// the binary when it hashes them; Leptos reads the file from there.
fn hash_file_beside_binary() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").exists()))
        .unwrap_or(false)
}

/// Leptos options from cargo-leptos's environment when present, else the
/// layout `make` builds.
pub fn leptos_options(addr: std::net::SocketAddr) -> LeptosOptions {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    let hash_files = std::env::var("LEPTOS_HASH_FILES")
        .map(|v| v == "true")
        .unwrap_or_else(|_| hash_file_beside_binary());
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "parley"))
        .site_root(env("LEPTOS_SITE_ROOT", DEFAULT_SITE_ROOT))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(addr)
        .hash_files(hash_files)
        .build()
}

/// The Content-Security-Policy of every page (SPEC C10, W2). Leptos'
/// hydration data and loader are inline scripts, and the split wasm is
/// compiled by the page (`wasm-unsafe-eval`); everything else comes from
/// Parley itself.
pub const PAGE_CSP: &str =
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

pub fn router(app_state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let context_state = app_state.clone();
    let state = ServerState {
        leptos_options: leptos_options.clone(),
        app: app_state,
    };
    Router::new()
        .merge(rest::routes())
        .merge(channels_api::routes())
        .merge(events_api::routes())
        .route("/api/ws", get(ws::handler))
        .route("/i18n/{file}", get(locale_file))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.app.clone(),
            rest::languages,
        ))
        .layer(axum::middleware::from_fn(guard::body_limits))
        .layer(axum::middleware::from_fn_with_state(
            state.app.clone(),
            guard::same_origin_writes,
        ))
        // Limits are enforced by `body_limits`, per route.
        .layer(axum::extract::DefaultBodyLimit::disable())
        // Pages load only Parley's own files (no image, script or frame a
        // sender names), and no other site may frame them. Routes that
        // set a stricter policy (uploads, media) keep theirs.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Pages and JSON compressed on the fly (SPEC B4); static files come
        // precompressed from the build and are left as they are.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(CatchPanicLayer::custom(|_| {
            rest::ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.")
                .into_response()
        }))
        .with_state(state)
}

/// A known route with another method: JSON like every API error (R5).
async fn method_not_allowed() -> Response {
    rest::ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "This route does not take that method.",
    )
    .into_response()
}

#[derive(serde::Deserialize)]
struct LocaleFileQuery {
    v: Option<String>,
}

/// One language's texts (`en.ftl`), which a page fetches before hydrating
/// and again on a switch of language: the wasm carries none (SPEC B4). The
/// page names this build's version, which may be cached for good.
async fn locale_file(
    axum::extract::Path(file): axum::extract::Path<String>,
    axum::extract::Query(query): axum::extract::Query<LocaleFileQuery>,
) -> Response {
    use app::i18n::{source, sources_version, Locale};
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    let Some(locale) = file
        .strip_suffix(".ftl")
        .and_then(|code| Locale::ALL.into_iter().find(|l| l.code() == code))
    else {
        return rest::not_found().await.into_response();
    };
    let cache = if query.v.as_deref() == Some(sources_version()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    (
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, cache),
        ],
        source(locale),
    )
        .into_response()
}

/// Unknown `/api` paths answer JSON; everything else is a static file or
/// the app's own "not found" page.
async fn fallback(State(state): State<ServerState>, req: Request<Body>) -> Response {
    if req.uri().path().starts_with("/api/") || req.uri().path() == "/api" {
        return rest::not_found().await.into_response();
    }
    let (parts, body) = req.into_parts();
    let file = static_file(&state.leptos_options, &parts).await;
    if file.status() != StatusCode::NOT_FOUND {
        return file;
    }
    let handler = leptos_axum::file_and_error_handler::<ServerState, _>(shell);
    let req = Request::from_parts(parts, body);
    handler(req.uri().clone(), State(state), req).await
}

/// A file of the site: its `.br` or `.gz` twin when the browser takes it
/// (`cargo leptos build --release --precompress` writes them). Hashed
/// bundle files never change, so they may be cached for good; anything
/// else is checked again each time.
async fn static_file(options: &LeptosOptions, parts: &axum::http::request::Parts) -> Response {
    use tower::ServiceExt;
    let mut file_req = Request::builder()
        .method(parts.method.clone())
        .uri(parts.uri.clone())
        .body(Body::empty())
        .unwrap_or_default();
    *file_req.headers_mut() = parts.headers.clone();
    let serve = tower_http::services::ServeDir::new(options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    let Ok(res) = serve.oneshot(file_req).await;
    let mut res = res.map(Body::new);
    if res.status().is_success() {
        let pkg = format!("/{}/", options.site_pkg_dir);
        let cache = if options.hash_files && parts.uri.path().starts_with(&pkg) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        res.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static(cache),
        );
    }
    res
}
