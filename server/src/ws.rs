//! `/api/ws`: the per-tab realtime socket (SPEC W5).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use std::time::Duration;

use app::backend::AppState;
use app::model::{ClientEvent, User};

use crate::rest::{caller, ApiError};

/// A page of another site must not open a socket with our cookie.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true; // not a browser
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin.split_once("://").map(|(_, rest)| rest) == Some(host)
}

pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return ApiError::new(StatusCode::FORBIDDEN, "Cross-origin socket refused.")
            .into_response();
    }
    let user = match caller(&state, &headers).await {
        Ok(user) => user,
        Err(err) => return err.into_response(),
    };
    upgrade.on_upgrade(move |socket| serve(state, user, socket))
}

async fn serve(state: AppState, user: User, socket: WebSocket) {
    let mut conn = state.hub.connect(&user.id);
    let (mut tx, mut rx) = socket.split();
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    loop {
        tokio::select! {
            event = conn.events.recv() => {
                let Some(event) = event else { break };
                let Ok(text) = serde_json::to_string(&event) else { continue };
                if tx.send(Message::Text(text.into())).await.is_err() {
                    break;
                }
            }
            incoming = rx.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    match serde_json::from_str::<ClientEvent>(&text) {
                        Ok(ClientEvent::Presence { visible, focused }) => {
                            state.presence.report(&user.id, conn.id, visible, focused);
                        }
                        Err(_) => tracing::debug!(user_id = %user.id, "ignored malformed socket message"),
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                if tx.send(Message::Ping(Vec::new().into())).await.is_err() {
                    break;
                }
            }
        }
    }
    // A closed tab is away at once (SPEC P2).
    state.presence.disconnect(&user.id, conn.id);
    tracing::debug!(user_id = %user.id, conn = conn.id, "socket closed");
}
