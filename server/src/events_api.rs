//! SPEC E1, E2 over REST, shaped like Open WebUI's: the event catalog and
//! the admin's event webhooks.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, put};
use axum::{Json, Router};
use serde_json::{json, Value};

use app::backend::events::CATALOG;
use app::backend::webhooks::admin::{self, EventWebhookInput};
use app::backend::{sessions, AppState};
use app::model::{EventDescription, EventWebhook, Role};

use crate::rest::{require, ApiError, ApiJson};
use crate::ServerState;

/// `GET /api/events`: every event Parley sends, described in the caller's
/// language.
async fn list_events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<EventDescription>>, ApiError> {
    let user = require(&state, &headers, Role::Admin).await?;
    let locale = sessions::locale_for(Some(&user), &headers, state.env.default_locale);
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
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<EventWebhook>>, ApiError> {
    require(&state, &headers, Role::Admin).await?;
    Ok(Json(admin::list_event_webhooks(&state).await?))
}

async fn create_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EventWebhookInput>,
) -> Result<Json<EventWebhook>, ApiError> {
    require(&state, &headers, Role::Admin).await?;
    Ok(Json(admin::create_event_webhook(&state, &body).await?))
}

async fn update_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EventWebhookInput>,
) -> Result<Json<EventWebhook>, ApiError> {
    require(&state, &headers, Role::Admin).await?;
    Ok(Json(admin::update_event_webhook(&state, &id, &body).await?))
}

async fn delete_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    require(&state, &headers, Role::Admin).await?;
    admin::delete_event_webhook(&state, &id).await?;
    Ok(Json(json!({ "status": true })))
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
}
