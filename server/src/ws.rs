//! `/api/ws`: the per-tab realtime socket (SPEC W5).

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use std::time::Duration;

use app::model::{ClientEvent, Role, ServerEvent, User};
use parley_core::{sessions, AppState};

use crate::rest::ApiError;

/// A page of another site must not open a socket with our cookie: the
/// same origin rule as for writes (`guard::is_own_origin`).
fn same_origin(headers: &HeaderMap, webui_url: Option<&str>) -> bool {
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => crate::guard::is_own_origin(origin, headers, webui_url),
        None => true, // not a browser
    }
}

/// Largest message a tab may send (presence reports are ~50 bytes).
const MAX_CLIENT_MESSAGE: usize = 4 * 1024;
/// A tab that cannot take a frame for this long is closed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers, state.env.webui_url.as_deref()) {
        return ApiError::new(StatusCode::FORBIDDEN, "Cross-origin socket refused.")
            .into_response();
    }
    // After the origin check: a cross-origin socket is refused whoever
    // it claims to be.
    let user = match app::edge::signed_in(&state, &headers).await {
        Ok(Some(user)) => user,
        Ok(None) => return app::error::AppError::Unauthorized.into_response(),
        Err(err) => return err.into_response(),
    };
    // The socket re-checks its own session when the account changes.
    let token = app::edge::token_from_headers(&headers).unwrap_or_default();
    upgrade
        .max_message_size(MAX_CLIENT_MESSAGE)
        .max_frame_size(MAX_CLIENT_MESSAGE)
        .on_upgrade(move |socket| serve(state, user, token, socket))
}

/// What a socket may carry for a user with `role` (SPEC W2): a pending
/// user's socket carries only their own session events, so that approval
/// reaches the page at once and nothing else does.
fn may_receive(role: Role, event: &ServerEvent) -> bool {
    role != Role::Pending || matches!(event, ServerEvent::SessionChanged)
}

async fn serve(state: AppState, user: User, token: String, socket: WebSocket) {
    let mut conn = state.hub.connect(&user.id);
    let mut role = user.role;
    let (mut tx, mut rx) = socket.split();
    let mut ping = tokio::time::interval(Duration::from_secs(25));
    ping.tick().await;
    loop {
        tokio::select! {
            frame = conn.events.recv() => {
                let Some(frame) = frame else { break };
                let mut close_after = false;
                if *frame.event == ServerEvent::SessionChanged {
                    // Role change, deletion or sign-out: the account is read
                    // again before any later event goes out (W2, at once).
                    match sessions::user_for_token(&state.db, &token).await {
                        Ok(Some(now)) => role = now.role,
                        Ok(None) => close_after = true,
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot re-check a socket's session");
                            close_after = true;
                        }
                    }
                }
                if !may_receive(role, &frame.event) {
                    continue;
                }
                let sent = tokio::time::timeout(
                    SEND_TIMEOUT,
                    tx.send(Message::Text(frame.json.as_ref().into())),
                )
                .await;
                if !matches!(sent, Ok(Ok(()))) || close_after {
                    break;
                }
            }
            incoming = rx.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    match serde_json::from_str::<ClientEvent>(&text) {
                        Ok(ClientEvent::Presence { visible, focused }) if role != Role::Pending => {
                            state.presence.report(&user.id, conn.id, visible, focused);
                        }
                        Ok(_) => {}
                        Err(_) => tracing::debug!(user_id = %user.id, "ignored malformed socket message"),
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                let sent = tokio::time::timeout(SEND_TIMEOUT, tx.send(Message::Ping(Vec::new().into()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), tx.close()).await;
    // A closed tab is away at once (SPEC P2).
    state.presence.disconnect(&user.id, conn.id);
    tracing::debug!(user_id = %user.id, conn = conn.id, "socket closed");
}
