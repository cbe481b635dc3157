//! A user's notification webhook (SPEC U1, U2, U5): settings, test event.
//! The chat_response trigger (U3, U4) builds on `target_url`.

use serde_json::json;

use super::admin::validate_url;
use super::format::{body_for, rfc3339};
use super::ssrf::Policy;
use super::store::{self, NewDelivery, Target};
use crate::backend::db::now_ms;
use crate::backend::AppState;
use crate::error::AppError;
use crate::i18n::Key;
use crate::model::{NotifyMode, User, UserWebhookView};

fn refuse_when_off(on: bool) -> Result<(), AppError> {
    if on {
        Ok(())
    } else {
        Err(AppError::Invalid(
            "User webhooks are turned off on this server.".into(),
        ))
    }
}

pub async fn view(state: &AppState, user: &User) -> Result<UserWebhookView, AppError> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT url, mode FROM user_webhooks WHERE user_id = $1")
            .bind(&user.id)
            .fetch_optional(&state.db)
            .await?;
    Ok(match row {
        Some((url, mode)) => UserWebhookView {
            url,
            mode: if mode == "always" {
                NotifyMode::Always
            } else {
                NotifyMode::Away
            },
        },
        None => UserWebhookView {
            url: String::new(),
            mode: NotifyMode::Away,
        },
    })
}

/// Saves the URL and mode; refused while the feature is off (SPEC U1).
pub async fn save(
    state: &AppState,
    user: &User,
    url: &str,
    mode: NotifyMode,
) -> Result<UserWebhookView, AppError> {
    refuse_when_off(state.config.enable_user_webhooks().await?)?;
    let policy = Policy::user(&state.env.webhook_allowed_hosts);
    let url = validate_url(url, &policy)?.unwrap_or_default();
    let mode_text = match mode {
        NotifyMode::Away => "away",
        NotifyMode::Always => "always",
    };
    sqlx::query(
        "INSERT INTO user_webhooks (user_id, url, mode, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id) DO UPDATE SET url = excluded.url, mode = excluded.mode, updated_at = excluded.updated_at",
    )
    .bind(&user.id)
    .bind(&url)
    .bind(mode_text)
    .bind(now_ms())
    .execute(&state.db)
    .await?;
    Ok(UserWebhookView { url, mode })
}

/// The URL to notify, if the feature is on and the user set one.
pub async fn target_url(
    state: &AppState,
    user: &User,
) -> Result<Option<(String, NotifyMode)>, AppError> {
    if !state.config.enable_user_webhooks().await? {
        return Ok(None);
    }
    let v = view(state, user).await?;
    Ok(Some((v.url, v.mode)).filter(|(u, _)| !u.is_empty()))
}

/// Queues a `test` event to the user's webhook, in the user's language.
pub async fn send_test(state: &AppState, user: &User) -> Result<String, AppError> {
    refuse_when_off(state.config.enable_user_webhooks().await?)?;
    let (url, _) = target_url(state, user)
        .await?
        .ok_or_else(|| AppError::Invalid("Save a notification webhook URL first.".into()))?;
    let locale = user.locale.unwrap_or(state.env.default_locale);
    let message = Key::WebhookTestMessage.text(locale).to_string();
    let body = body_for(
        &url,
        json!({"event": "test", "message": message, "timestamp": rfc3339(now_ms())}),
        &message,
    );
    let target = Target::User(user.id.clone());
    let mut conn = state.db.acquire().await?;
    let id = store::enqueue(
        &mut conn,
        NewDelivery {
            target: target.clone(),
            event: "test",
            url: &url,
            body: &body,
        },
    )
    .await?;
    state.deliveries_changed(&target).await;
    Ok(id)
}
