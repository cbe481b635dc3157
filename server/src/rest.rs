//! The REST API (SPEC §7): Open WebUI's routes and JSON shapes, bearer or
//! cookie auth, errors as `{"detail": …}`.

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::net::SocketAddr;

use app::edge::{role, Require};
use app::error::AppError;
use app::model::{Role, User};
use parley_core::accounts::Accounts;
use parley_core::accounts::{self, Creator, NewAccount};
use parley_core::sessions::{self, SessionKind};
use parley_core::webhooks::admin::AdminWebhooks;
use parley_core::AppState;

use crate::ServerState;

/// An error on its way out of the REST layer: an app error (its status,
/// `{"detail"}` said in the caller's language, `Retry-After`), or a
/// framework rejection (a body that is not JSON, too large…).
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    Rejected { status: StatusCode, detail: String },
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError::Rejected {
            status,
            detail: detail.into(),
        }
    }
}

/// The caller's language at the edge, one layer for both uses: a page
/// request's language is found before Leptos renders it (the shell writes
/// `<html lang>`), and `{"detail": …}` of an app error is rewritten in the
/// caller's language — the account's setting (bearer token or session
/// cookie), then the language cookie, then `Accept-Language`, then the
/// instance default.
pub async fn languages(
    State(state): State<AppState>,
    mut req: Request,
    next: axum::middleware::Next,
) -> Response {
    let path = req.uri().path();
    let is_page = req.method() == axum::http::Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path.rsplit('/').next().unwrap_or_default().contains('.');
    if is_page {
        let user = caller_if_any(&state, req.headers()).await;
        let locale = app::edge::locale_for(user.as_ref(), req.headers(), state.env.default_locale);
        req.extensions_mut()
            .insert(app::i18n::RequestLocale(locale));
    }
    // Only what names the caller and their language is kept: this runs on
    // every request, errors are rare.
    let mut headers = HeaderMap::new();
    for name in [
        axum::http::header::AUTHORIZATION,
        axum::http::header::COOKIE,
        axum::http::header::ACCEPT_LANGUAGE,
    ] {
        for value in req.headers().get_all(&name) {
            headers.append(name.clone(), value.clone());
        }
    }
    let mut res = next.run(req).await;
    let Some(app::edge::Untranslated(err)) =
        res.extensions_mut().remove::<app::edge::Untranslated>()
    else {
        return res;
    };
    let user = caller_if_any(&state, &headers).await;
    let locale = app::edge::locale_for(user.as_ref(), &headers, state.env.default_locale);
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = json!({ "detail": err.localized(locale) }).to_string();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The signed-in caller, if the request names one (errors count as none).
async fn caller_if_any(state: &AppState, headers: &HeaderMap) -> Option<User> {
    app::edge::signed_in(state, headers).await.ok().flatten()
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError::App(err)
    }
}

impl From<parley_core::Error> for ApiError {
    fn from(err: parley_core::Error) -> Self {
        ApiError::App(err.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::App(err) => err.into_response(),
            ApiError::Rejected { status, detail } => {
                (status, Json(json!({ "detail": detail }))).into_response()
            }
        }
    }
}

/// `Json<T>` whose rejections are JSON errors too: 400 for a body that is
/// not JSON, 422 for JSON of the wrong shape, 415 without the content type.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError::new(rejection.status(), rejection.body_text())),
        }
    }
}

#[derive(Deserialize)]
struct SignUpBody {
    name: Option<String>,
    email: String,
    password: String,
}

#[derive(Deserialize)]
struct SignInBody {
    email: String,
    password: String,
}

#[derive(Serialize)]
struct TokenResponse {
    token: String,
    token_type: &'static str,
    id: String,
    email: String,
    name: String,
    role: Role,
}

#[derive(Serialize)]
struct UserResponse {
    id: String,
    email: String,
    name: String,
    role: Role,
    created_at: i64,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        UserResponse {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            created_at: u.created_at,
        }
    }
}

async fn token_for(state: &AppState, user: User) -> Result<Json<TokenResponse>, ApiError> {
    let token = sessions::create(&state.db, &user.id, SessionKind::Api).await?;
    Ok(Json(TokenResponse {
        token,
        token_type: "Bearer",
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
    }))
}

async fn signup(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignUpBody>,
) -> Result<Json<TokenResponse>, ApiError> {
    let client = app::edge::client_ip(peer.ip(), &headers, &state.env.trusted_proxies);
    state.signin_limiter.check_signup(Some(client))?;
    let name = body
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| body.email.split('@').next().unwrap_or_default().to_string());
    let user = accounts::create_account(
        &state.accounts,
        NewAccount {
            name,
            email: body.email,
            password: body.password,
        },
        Creator::SelfSignUp,
    )
    .await?;
    token_for(&state, user).await
}

async fn signin(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignInBody>,
) -> Result<Json<TokenResponse>, ApiError> {
    let client = app::edge::client_ip(peer.ip(), &headers, &state.env.trusted_proxies);
    state.signin_limiter.check(Some(client), &body.email)?;
    let user = accounts::verify_credentials(&state.accounts, &body.email, &body.password).await?;
    token_for(&state, user).await
}

async fn signout(
    State(accounts): State<Accounts>,
    _: Require<role::Pending>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    if let Some(token) = app::edge::token_from_headers(&headers) {
        accounts::sign_out(&accounts, &token).await?;
    }
    Ok(Json(json!({ "status": true })))
}

async fn me(Require(user, _): Require<role::Pending>) -> Json<UserResponse> {
    Json(user.into())
}

#[derive(Deserialize)]
struct WebhookBody {
    url: String,
}

/// R2: the admin webhook URL, as Open WebUI's `/api/webhook`.
async fn get_webhook(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let url = parley_core::webhooks::admin::effective_url(&hooks).await?;
    Ok(Json(json!({ "url": url.unwrap_or_default() })))
}

async fn set_webhook(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let url = parley_core::webhooks::admin::save_url(&hooks, &body.url).await?;
    Ok(Json(json!({ "url": url.unwrap_or_default() })))
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "Not found.")
}

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/v1/auths/signup", post(signup))
        .route("/api/v1/auths/signin", post(signin))
        .route("/api/v1/auths/signout", post(signout))
        .route("/api/v1/auths/", get(me))
        .route("/api/v1/auths", get(me))
        .route("/api/webhook", get(get_webhook).post(set_webhook))
}
