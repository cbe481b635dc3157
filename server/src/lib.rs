#![recursion_limit = "256"]
//! The Parley HTTP server: the Leptos app (SSR + server functions), the REST
//! API and the realtime socket on one axum router.

pub mod channels_api;
pub mod cli;
pub mod guard;
pub mod rest;
pub mod ws;

use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::catch_panic::CatchPanicLayer;

use app::backend::AppState;
use app::{shell, App};

/// What axum's handlers can extract: the Leptos options and the app state.
#[derive(Clone, FromRef)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
}

/// Leptos options from cargo-leptos's environment when present, else the
/// layout `make run` builds (`target/site`).
pub fn leptos_options(addr: std::net::SocketAddr) -> LeptosOptions {
    let env = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_string());
    LeptosOptions::builder()
        .output_name(env("LEPTOS_OUTPUT_NAME", "parley"))
        .site_root(env("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(env("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(addr)
        .build()
}

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
        .route("/api/ws", get(ws::handler))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(guard::body_limits))
        .layer(axum::middleware::from_fn_with_state(
            state.app.clone(),
            guard::same_origin_writes,
        ))
        // Limits are enforced by `body_limits`, per route.
        .layer(axum::extract::DefaultBodyLimit::disable())
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

/// Unknown `/api` paths answer JSON; everything else is a static file or
/// the app's own "not found" page.
async fn fallback(State(state): State<ServerState>, req: Request<Body>) -> Response {
    if req.uri().path().starts_with("/api/") || req.uri().path() == "/api" {
        return rest::not_found().await.into_response();
    }
    let handler = leptos_axum::file_and_error_handler::<ServerState, _>(shell);
    handler(req.uri().clone(), State(state), req).await
}
