//! SPEC E1–E3 over REST, shaped like Open WebUI's: the event catalog, the
//! admin's event webhooks and each user's notification targets.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use app::edge::{role, Require};
use app::model::{EventDescription, EventWebhook, NotificationTarget, NOTIFICATION_EVENTS};
use parley_core::db::Db;
use parley_core::events::CATALOG;
use parley_core::webhooks::admin::AdminWebhooks;
use parley_core::webhooks::admin::{self, EventWebhookInput};
use parley_core::webhooks::targets;
use parley_core::webhooks::user::UserWebhooks;
use parley_core::webhooks::user::{self, NotificationTargetInput};
use parley_core::AppState;

use crate::rest::{ApiError, ApiJson};
use crate::ServerState;

/// `GET /api/events`: every event Parley sends, described in the caller's
/// language.
async fn list_events(
    State(state): State<AppState>,
    Require(user, _): Require<role::Admin>,
    headers: HeaderMap,
) -> Result<Json<Vec<EventDescription>>, ApiError> {
    let locale = app::edge::locale_for(Some(&user), &headers, state.env.default_locale);
    Ok(Json(
        CATALOG
            .iter()
            .map(|e| EventDescription {
                name: e.name.to_string(),
                description: e.description.text(locale),
            })
            .collect(),
    ))
}

async fn list_webhooks(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
) -> Result<Json<Vec<EventWebhook>>, ApiError> {
    Ok(Json(admin::list_event_webhooks(&hooks).await?))
}

async fn create_webhook(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
    ApiJson(body): ApiJson<EventWebhookInput>,
) -> Result<Json<EventWebhook>, ApiError> {
    Ok(Json(admin::create_event_webhook(&hooks, &body).await?))
}

async fn update_webhook(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EventWebhookInput>,
) -> Result<Json<EventWebhook>, ApiError> {
    Ok(Json(admin::update_event_webhook(&hooks, &id, &body).await?))
}

async fn delete_webhook(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    admin::delete_event_webhook(&hooks, &id).await?;
    Ok(Json(json!({ "status": true })))
}

/// `GET /api/v1/notifications/events`: what a user's target may receive.
async fn notification_events(
    State(state): State<AppState>,
    Require(me, _): Require<role::User>,
    headers: HeaderMap,
) -> Result<Json<Vec<EventDescription>>, ApiError> {
    let locale = app::edge::locale_for(Some(&me), &headers, state.env.default_locale);
    Ok(Json(
        NOTIFICATION_EVENTS
            .iter()
            .map(|name| EventDescription {
                name: name.to_string(),
                description: app::model::notification_event_description(name).text(locale),
            })
            .collect(),
    ))
}

async fn list_targets(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
) -> Result<Json<Vec<NotificationTarget>>, ApiError> {
    Ok(Json(user::list_targets(&hooks, &me).await?))
}

async fn create_target(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
    ApiJson(body): ApiJson<NotificationTargetInput>,
) -> Result<Json<NotificationTarget>, ApiError> {
    Ok(Json(user::create_target(&hooks, &me, &body).await?))
}

async fn update_target(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NotificationTargetInput>,
) -> Result<Json<NotificationTarget>, ApiError> {
    Ok(Json(user::update_target(&hooks, &me, &id, &body).await?))
}

async fn delete_target(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    user::delete_target(&hooks, &me, &id).await?;
    Ok(Json(json!({ "status": true })))
}

async fn make_default(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    user::make_default(&hooks, &me, &id).await?;
    Ok(Json(json!({ "status": true })))
}

async fn test_target(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let delivery = user::test_target(&hooks, &me, &id).await?;
    Ok(Json(json!({ "status": true, "delivery_id": delivery })))
}

#[derive(serde::Deserialize)]
struct RecoverBody {
    /// Unix ms: failed deliveries made since then go out again.
    since: i64,
}

async fn recover_admin(
    State(hooks): State<AdminWebhooks>,
    _: Require<role::Admin>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecoverBody>,
) -> Result<Json<Value>, ApiError> {
    let n = admin::recover_failed(&hooks, &id, body.since).await?;
    Ok(Json(json!({ "status": true, "requeued": n })))
}

/// One event webhook's own log (SPEC E2), newest first.
async fn webhook_deliveries(
    State(db): State<Db>,
    _: Require<role::Admin>,
    Path(id): Path<String>,
) -> Result<Json<Vec<app::model::Delivery>>, ApiError> {
    if targets::get(&db, &id)
        .await?
        .is_none_or(|t| t.owner_id.is_some())
    {
        return Err(parley_core::Error::NotFound.into());
    }
    let target = parley_core::webhooks::store::Target::Admin;
    Ok(Json(
        parley_core::webhooks::store::list_of_target(&db, &target, &id, 50).await?,
    ))
}

/// Send test to one event webhook (SPEC E2); returns the delivery id.
async fn test_webhook(
    State(state): State<AppState>,
    Require(caller, _): Require<role::Admin>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state.manual_deliveries.check(&caller.id)?;
    let delivery = admin::send_test_to(&state.admin_webhooks, &id).await?;
    Ok(Json(json!({ "status": true, "delivery_id": delivery })))
}

async fn recover_mine(
    State(hooks): State<UserWebhooks>,
    Require(me, _): Require<role::User>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecoverBody>,
) -> Result<Json<Value>, ApiError> {
    let n = user::recover_failed(&hooks, &me, &id, body.since).await?;
    Ok(Json(json!({ "status": true, "requeued": n })))
}

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/api/events", get(list_events))
        .route(
            "/api/events/webhooks",
            get(list_webhooks).post(create_webhook),
        )
        .route(
            "/api/events/webhooks/{id}",
            put(update_webhook).delete(delete_webhook),
        )
        .route("/api/v1/notifications/events", get(notification_events))
        .route(
            "/api/v1/notifications/targets",
            get(list_targets).post(create_target),
        )
        .route(
            "/api/v1/notifications/targets/{id}",
            put(update_target).delete(delete_target),
        )
        .route(
            "/api/v1/notifications/targets/{id}/default",
            put(make_default),
        )
        .route("/api/v1/notifications/targets/{id}/test", post(test_target))
        .route("/api/events/webhooks/{id}/recover", post(recover_admin))
        .route(
            "/api/events/webhooks/{id}/deliveries",
            get(webhook_deliveries),
        )
        .route("/api/events/webhooks/{id}/test", post(test_webhook))
        .route(
            "/api/v1/notifications/targets/{id}/recover",
            post(recover_mine),
        )
}
