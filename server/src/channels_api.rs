//! REST for channels and their webhooks (SPEC R3, R4) and the incoming
//! webhook endpoint (SPEC C2–C4).

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{ConnectInfo, Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use app::edge::{request_origin, role, Require};
use app::error::AppError;
use app::model::{Channel, ChannelMessage};
use parley_core::channel_webhooks::ChannelWebhooks;
use parley_core::channel_webhooks::{self as hooks, IncomingError};
use parley_core::channels;
use parley_core::channels::Channels;
use parley_core::db::Db;
use parley_core::AppState;

use crate::rest::{ApiError, ApiJson};
use crate::ServerState;

fn channel_json(c: &Channel) -> Value {
    json!({"id": c.id, "name": c.name, "description": c.description, "created_at": c.created_at, "can_manage": c.can_manage})
}

fn message_json(m: &ChannelMessage) -> Value {
    // SPEC C5: once the webhook is gone, its messages say so.
    let author_name = if m.webhook_deleted {
        "Deleted Webhook"
    } else {
        m.author.name.as_str()
    };
    let mut meta = json!({});
    if let Some(wid) = &m.webhook_id {
        meta = json!({"webhook": {"id": wid, "name": m.author.name, "profile_image_url": m.author.image, "deleted": m.webhook_deleted}});
    }
    // SPEC C10: the structured parts, and the body as the sender posted it.
    if !m.cards.is_empty() {
        meta["cards"] = json!(m.cards);
    }
    if let Some(original) = &m.original {
        meta["original"] = original.clone();
    }
    json!({
        "id": m.id,
        "channel_id": m.channel_id,
        "content": m.content,
        "created_at": m.created_at,
        "user": {"id": m.author.id, "name": author_name, "role": m.author.role, "profile_image_url": m.author.image},
        "meta": meta,
        "edited_at": m.edited_at,
    })
}

#[derive(Deserialize)]
struct CreateChannel {
    name: String,
    description: Option<String>,
}

async fn create_channel(
    State(channels): State<Channels>,
    Require(user, _): Require<role::Admin>,
    ApiJson(body): ApiJson<CreateChannel>,
) -> Result<Json<Value>, ApiError> {
    let channel = channels::create(
        &channels,
        &user,
        &body.name,
        body.description.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(Json(channel_json(&channel)))
}

async fn list_channels(
    State(db): State<Db>,
    Require(user, _): Require<role::User>,
) -> Result<Json<Value>, ApiError> {
    let list = channels::list_for(&db, &user).await?;
    Ok(Json(Value::Array(list.iter().map(channel_json).collect())))
}

/// `?skip=&limit=` (Open WebUI's) and `?before=<message id>` (SPEC W4b).
#[derive(Deserialize)]
struct HistoryQuery {
    skip: Option<i64>,
    limit: Option<i64>,
    before: Option<String>,
}

async fn list_messages(
    State(db): State<Db>,
    Require(user, _): Require<role::Pending>,
    Path(id): Path<String>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))?;
    let page = channels::HistoryPage {
        limit: q.limit.unwrap_or(100),
        skip: q.skip.unwrap_or(0),
        before: q.before.filter(|b| !b.is_empty()),
    };
    let list = channels::messages(&db, &user, &id, &page, true).await?;
    Ok(Json(Value::Array(list.iter().map(message_json).collect())))
}

#[derive(Deserialize)]
struct PostMessage {
    content: String,
}

async fn post_message(
    State(channels): State<Channels>,
    Require(user, _): Require<role::Pending>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PostMessage>,
) -> Result<Json<Value>, ApiError> {
    let m = channels::post_as_user(&channels, &user, &id, &body.content).await?;
    Ok(Json(message_json(&m)))
}

/// `POST /api/v1/channels/{id}/messages/{message_id}/update` (Open
/// WebUI's route): the author edits their own message (SPEC W8).
async fn update_message(
    State(channels): State<Channels>,
    Require(user, _): Require<role::Pending>,
    Path((id, message_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<PostMessage>,
) -> Result<Json<Value>, ApiError> {
    let m = channels::edit_own_message(&channels, &user, &id, &message_id, &body.content).await?;
    Ok(Json(message_json(&m)))
}

/// `DELETE /api/v1/channels/{id}/messages/{message_id}/delete`: the author,
/// a channel manager or an admin (SPEC W8).
async fn delete_message(
    State(channels): State<Channels>,
    Require(user, _): Require<role::Pending>,
    Path((id, message_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    channels::delete_message(&channels, &user, &id, &message_id).await?;
    Ok(Json(json!(true)))
}

#[derive(Deserialize)]
struct CreateWebhook {
    #[serde(default)]
    name: String,
    profile_image_url: Option<String>,
}

#[derive(Deserialize)]
struct UpdateWebhook {
    name: Option<String>,
    /// SPEC C9: set, or with "" or null clear, the GitHub secret.
    #[serde(default, deserialize_with = "some_option")]
    github_secret: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_option")]
    profile_image_url: Option<Option<String>>,
}

/// Tells "field absent" (keep) from `null` (clear).
fn some_option<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

async fn list_webhooks(
    State(webhooks): State<ChannelWebhooks>,
    Require(user, _): Require<role::Pending>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let base = hooks::base_url(&webhooks, request_origin(&headers).as_deref());
    let list = hooks::list(&webhooks, &user, &id, &base).await?;
    Ok(Json(json!(list)))
}

async fn create_webhook(
    State(webhooks): State<ChannelWebhooks>,
    Require(user, _): Require<role::Pending>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreateWebhook>,
) -> Result<Json<Value>, ApiError> {
    let base = hooks::base_url(&webhooks, request_origin(&headers).as_deref());
    let hook = hooks::create(
        &webhooks,
        &user,
        &id,
        &body.name,
        body.profile_image_url.as_deref(),
        &base,
    )
    .await?;
    Ok(Json(json!(hook)))
}

async fn update_webhook(
    State(webhooks): State<ChannelWebhooks>,
    Require(user, _): Require<role::Pending>,
    headers: HeaderMap,
    Path((id, wid)): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateWebhook>,
) -> Result<Json<Value>, ApiError> {
    let base = hooks::base_url(&webhooks, request_origin(&headers).as_deref());
    let image = body.profile_image_url.as_ref().map(|o| o.as_deref());
    let mut hook = hooks::update(
        &webhooks,
        &user,
        &id,
        &wid,
        body.name.as_deref(),
        image,
        &base,
    )
    .await?;
    if let Some(secret) = &body.github_secret {
        let secret = secret.as_deref().unwrap_or_default();
        hook = hooks::set_github_secret(&webhooks, &user, &id, &wid, secret, &base).await?;
    }
    Ok(Json(json!(hook)))
}

async fn regenerate_webhook(
    State(webhooks): State<ChannelWebhooks>,
    Require(user, _): Require<role::Pending>,
    headers: HeaderMap,
    Path((id, wid)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let base = hooks::base_url(&webhooks, request_origin(&headers).as_deref());
    Ok(Json(json!(
        hooks::regenerate(&webhooks, &user, &id, &wid, &base).await?
    )))
}

/// Open WebUI's `DELETE /api/v1/channels/{id}/delete`; admins only.
async fn delete_channel(
    State(channels): State<Channels>,
    Require(user, _): Require<role::User>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    channels::delete(&channels, &user, &id).await?;
    Ok(Json(json!(true)))
}

async fn delete_webhook(
    State(webhooks): State<ChannelWebhooks>,
    Require(user, _): Require<role::Pending>,
    Path((id, wid)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    hooks::delete(&webhooks, &user, &id, &wid).await?;
    Ok(Json(json!({"success": true})))
}

/// The raw image bytes are the body; the type is read from the bytes.
async fn upload_webhook_image(
    State(state): State<AppState>,
    Require(user, _): Require<role::Pending>,
    headers: HeaderMap,
    Path((id, wid)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let base = hooks::base_url(&state.channel_webhooks, request_origin(&headers).as_deref());
    // Permission and existence first, so nothing is stored for a refusal.
    channels::require(&state.db, &user, &id, channels::Access::Manager).await?;
    hooks::list(&state.channel_webhooks, &user, &id, &base)
        .await?
        .iter()
        .find(|h| h.id == wid)
        .ok_or(AppError::NotFound)?;
    if body.len() > hooks::MAX_IMAGE_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The image is larger than 1 MiB.",
        ));
    }
    let url = hooks::store_image(&state.db, &user, &body).await?;
    let hook = hooks::update(
        &state.channel_webhooks,
        &user,
        &id,
        &wid,
        None,
        Some(Some(&url)),
        &base,
    )
    .await?;
    Ok(Json(json!(hook)))
}

async fn get_upload(State(db): State<Db>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let (content_type, bytes) = hooks::load_image(&db, &id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(image_response(
        &content_type,
        bytes,
        "public, max-age=31536000, immutable",
    ))
}

/// An image Parley serves: its sniffed type, never sniffed again by the
/// browser, no scripts even if opened directly.
fn image_response(content_type: &str, bytes: Vec<u8>, cache: &'static str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    res
}

/// The body of an incoming post, or the JSON 413/400 answer.
fn incoming_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            crate::guard::too_large_error(crate::guard::INCOMING_BODY_LIMIT)
        } else {
            ApiError::new(rejection.status(), rejection.body_text())
        }
    })
}

/// Who calls a webhook URL — the prologue every incoming route shares: the
/// peer, the URL's id and token, the GitHub-style signature (checked when
/// the webhook has a secret) and the body's content type.
struct WebhookCall {
    peer: std::net::IpAddr,
    id: String,
    token: String,
    signature: Option<String>,
    content_type: Option<String>,
}

impl WebhookCall {
    fn caller(&self) -> hooks::Caller<'_> {
        hooks::Caller {
            client: Some(self.peer),
            id: &self.id,
            token: &self.token,
            signature: self.signature.as_deref(),
        }
    }

    fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for WebhookCall {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Response> {
        let ConnectInfo(peer) =
            ConnectInfo::<std::net::SocketAddr>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        let Path(params) =
            Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        let param = |name: &str| params.get(name).cloned().unwrap_or_default();
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(WebhookCall {
            peer: peer.ip(),
            id: param("id"),
            token: param("token"),
            signature: header("x-hub-signature-256"),
            content_type: header(header::CONTENT_TYPE.as_str()),
        })
    }
}

fn retry_after(res: &mut Response, err: &IncomingError) {
    if let IncomingError::RateLimited(wait) = err {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
}

/// `POST /api/v1/channels/webhooks/{id}/{token}` — outside tools post here
/// (Parley's, Slack's and Discord's bodies alike).
async fn incoming(
    State(webhooks): State<ChannelWebhooks>,
    call: WebhookCall,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match incoming_bytes(body) {
        Ok(body) => body,
        Err(err) => return err.into_response(),
    };
    let posted = hooks::post_incoming(&webhooks, &call.caller(), call.content_type(), body).await;
    match posted {
        // Discord's `?wait=true`: the stored message comes back (SPEC C7).
        Ok(message) if wants_wait(query.as_deref()) => {
            Json(hook_message_json(&message)).into_response()
        }
        Ok(message) => Json(json!({"success": true, "message_id": message.id})).into_response(),
        Err(err) => incoming_error(&err),
    }
}

fn wants_wait(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.eq_ignore_ascii_case("wait=true") || pair == "wait=1")
    })
}

/// A refused incoming request as JSON `{"detail"}` (SPEC C4, R5).
fn incoming_error(err: &IncomingError) -> Response {
    let (status, detail) = match err {
        IncomingError::Unauthorized => (StatusCode::UNAUTHORIZED, "Invalid webhook URL: unknown webhook or wrong token.".to_string()),
        IncomingError::NotJson(e) => (StatusCode::BAD_REQUEST, format!("The body must be JSON like {{\"content\": \"…\"}}, or a form with a JSON payload ({e}).")),
        IncomingError::NoText => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing to show: send \"content\" (or Slack's \"text\", \"blocks\" or \"attachments\", or Discord's \"embeds\").".to_string(),
        ),
        IncomingError::FieldTooLong(field) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Over Discord's limits: {field}."),
        ),
        IncomingError::TooLong => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The message is longer than {} characters.", channels::MAX_CONTENT_CHARS),
        ),
        IncomingError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "Too many requests; slow down.".to_string()),
        IncomingError::NotFound => (StatusCode::NOT_FOUND, "This webhook posted no message with that id.".to_string()),
        IncomingError::BadSignature => (
            StatusCode::UNAUTHORIZED,
            "X-Hub-Signature-256 does not match this webhook's GitHub secret.".to_string(),
        ),
        IncomingError::NoEvent => (
            StatusCode::BAD_REQUEST,
            "GitHub deliveries name their event in the X-GitHub-Event header.".to_string(),
        ),
        IncomingError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.".to_string()),
    };
    let mut res = (status, Json(json!({"detail": detail}))).into_response();
    retry_after(&mut res, err);
    res
}

/// Discord's message object fields next to Parley's (SPEC C7, C8).
fn hook_message_json(m: &ChannelMessage) -> Value {
    use parley_core::webhooks::format::rfc3339;
    let mut v = message_json(m);
    v["success"] = json!(true);
    v["message_id"] = json!(m.id);
    v["timestamp"] = json!(rfc3339(m.created_at));
    v["edited_timestamp"] = json!(m.edited_at.map(rfc3339));
    v["author"] = json!({"username": m.author.name, "avatar": m.author.image, "bot": true});
    v["embeds"] = m
        .original
        .as_ref()
        .and_then(|o| o.get("embeds"))
        .filter(|e| e.is_array())
        .cloned()
        .unwrap_or_else(|| json!([]));
    v["edited_at"] = json!(m.edited_at);
    v
}

type HookMessagePath = Path<(String, String, String)>;

/// `GET {url}/messages/{message_id}` (SPEC C8).
async fn get_hook_message(
    State(webhooks): State<ChannelWebhooks>,
    call: WebhookCall,
    Path((_, _, message_id)): HookMessagePath,
) -> Response {
    match hooks::own_message(&webhooks, &call.caller(), &message_id).await {
        Ok(m) => Json(hook_message_json(&m)).into_response(),
        Err(err) => incoming_error(&err),
    }
}

/// `PATCH {url}/messages/{message_id}`: a new body in any dialect.
async fn edit_hook_message(
    State(webhooks): State<ChannelWebhooks>,
    call: WebhookCall,
    Path((_, _, message_id)): HookMessagePath,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match incoming_bytes(body) {
        Ok(body) => body,
        Err(err) => return err.into_response(),
    };
    let edited = hooks::edit_own_message(
        &webhooks,
        &call.caller(),
        &message_id,
        call.content_type(),
        &body,
    )
    .await;
    match edited {
        Ok(m) => Json(hook_message_json(&m)).into_response(),
        Err(err) => incoming_error(&err),
    }
}

/// `DELETE {url}/messages/{message_id}`: 204 as Discord answers.
async fn delete_hook_message(
    State(webhooks): State<ChannelWebhooks>,
    call: WebhookCall,
    Path((_, _, message_id)): HookMessagePath,
) -> Response {
    match hooks::delete_own_message(&webhooks, &call.caller(), &message_id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => incoming_error(&err),
    }
}

/// `POST {url}/discord` — the same post, answered as Discord answers a
/// webhook without `?wait=true`: `204 No Content` (clients such as
/// discord-webhook-node accept nothing else). Errors stay JSON.
async fn incoming_discord(
    state: State<ChannelWebhooks>,
    call: WebhookCall,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let wait = wants_wait(query.as_deref());
    let res = incoming(state, call, RawQuery(query), body).await;
    if res.status() == StatusCode::OK && !wait {
        StatusCode::NO_CONTENT.into_response()
    } else {
        res
    }
}

/// `POST {url}/slack` — the same post, answered as Slack answers: a plain
/// `ok`, or Slack's error strings, for senders that check them (SPEC C6).
async fn incoming_slack(
    State(webhooks): State<ChannelWebhooks>,
    call: WebhookCall,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match incoming_bytes(body) {
        Ok(body) => body,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "msg_too_long").into_response(),
    };
    let posted = hooks::post_incoming(&webhooks, &call.caller(), call.content_type(), body).await;
    match posted {
        Ok(_) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            let (status, text) = match &err {
                IncomingError::Unauthorized => (StatusCode::FORBIDDEN, "invalid_token"),
                IncomingError::NotJson(_) => (StatusCode::BAD_REQUEST, "invalid_payload"),
                IncomingError::NoText => (StatusCode::BAD_REQUEST, "no_text"),
                IncomingError::TooLong | IncomingError::FieldTooLong(_) => {
                    (StatusCode::BAD_REQUEST, "msg_too_long")
                }
                IncomingError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
                IncomingError::NotFound => (StatusCode::NOT_FOUND, "message_not_found"),
                IncomingError::BadSignature => (StatusCode::FORBIDDEN, "invalid_token"),
                IncomingError::NoEvent => (StatusCode::BAD_REQUEST, "invalid_payload"),
                IncomingError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
            };
            let mut res = (status, text).into_response();
            retry_after(&mut res, &err);
            res
        }
    }
}

/// `POST {url}/github` — GitHub's deliveries as GitHub sends them (SPEC C9).
async fn incoming_github(
    State(webhooks): State<ChannelWebhooks>,
    call: WebhookCall,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match incoming_bytes(body) {
        Ok(body) => body,
        Err(err) => return err.into_response(),
    };
    let delivery = hooks::GithubDelivery {
        event: headers.get("x-github-event").and_then(|v| v.to_str().ok()),
        content_type: call.content_type(),
        body: &body,
    };
    match hooks::post_github(&webhooks, &call.caller(), delivery).await {
        Ok(message) => Json(json!({"success": true, "message_id": message.id})).into_response(),
        Err(err) => incoming_error(&err),
    }
}

/// `GET /api/v1/media/{id}` — Parley's copy of an image a sender named
/// (SPEC C10), for signed-in users (the pages that show it).
async fn get_media(
    State(db): State<Db>,
    Require(user, _): Require<role::User>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    // Only readers of a channel that shows it (SPEC C10); the same 404
    // as an unknown id.
    if !parley_core::media::visible_to(&db, &user, &id).await? {
        return Err(AppError::NotFound.into());
    }
    match parley_core::media::load(&db, &id).await? {
        Some((content_type, bytes)) => Ok(image_response(
            &content_type,
            bytes,
            "private, max-age=31536000, immutable",
        )),
        // Removed by the media budget (SPEC D7): the message keeps Parley's
        // own placeholder instead of a broken image.
        None => Ok(image_response(
            "image/svg+xml",
            parley_core::media::PLACEHOLDER_SVG.as_bytes().to_vec(),
            "private, max-age=300",
        )),
    }
}

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/v1/channels/create", post(create_channel))
        .route("/api/v1/channels/", get(list_channels))
        .route("/api/v1/channels", get(list_channels))
        .route("/api/v1/channels/{id}/messages", get(list_messages))
        .route("/api/v1/channels/{id}/messages/post", post(post_message))
        .route(
            "/api/v1/channels/{id}/messages/{message_id}/update",
            post(update_message),
        )
        .route(
            "/api/v1/channels/{id}/messages/{message_id}/delete",
            delete(delete_message),
        )
        .route("/api/v1/channels/{id}/delete", delete(delete_channel))
        .route("/api/v1/channels/{id}/webhooks", get(list_webhooks))
        .route(
            "/api/v1/channels/{id}/webhooks/create",
            post(create_webhook),
        )
        .route(
            "/api/v1/channels/{id}/webhooks/{webhook_id}/update",
            post(update_webhook),
        )
        .route(
            "/api/v1/channels/{id}/webhooks/{webhook_id}/regenerate",
            post(regenerate_webhook),
        )
        .route(
            "/api/v1/channels/{id}/webhooks/{webhook_id}/image",
            post(upload_webhook_image),
        )
        .route(
            "/api/v1/channels/{id}/webhooks/{webhook_id}/delete",
            delete(delete_webhook),
        )
        .route("/api/v1/channels/webhooks/{id}/{token}", post(incoming))
        .route("/api/channels/webhooks/{id}/{token}", post(incoming))
        .route(
            "/api/v1/channels/webhooks/{id}/{token}/slack",
            post(incoming_slack),
        )
        .route(
            "/api/channels/webhooks/{id}/{token}/slack",
            post(incoming_slack),
        )
        .route(
            "/api/v1/channels/webhooks/{id}/{token}/messages/{message_id}",
            get(get_hook_message)
                .patch(edit_hook_message)
                .delete(delete_hook_message),
        )
        .route(
            "/api/channels/webhooks/{id}/{token}/messages/{message_id}",
            get(get_hook_message)
                .patch(edit_hook_message)
                .delete(delete_hook_message),
        )
        .route(
            "/api/v1/channels/webhooks/{id}/{token}/discord",
            post(incoming_discord),
        )
        .route(
            "/api/channels/webhooks/{id}/{token}/discord",
            post(incoming_discord),
        )
        .route(
            "/api/v1/channels/webhooks/{id}/{token}/github",
            post(incoming_github),
        )
        .route(
            "/api/channels/webhooks/{id}/{token}/github",
            post(incoming_github),
        )
        .route("/api/v1/uploads/{id}", get(get_upload))
        .route("/api/v1/media/{id}", get(get_media))
}
