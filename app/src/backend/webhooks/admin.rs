//! The admin webhook (SPEC A1–A4, R2): its URL, signing secret and custom
//! headers, and the events it receives.

use serde_json::{json, Value};

use super::format::{body_for, escape_for, rfc3339, Destination};
use super::ssrf::{check_literal, Policy};
use super::store::{self, NewDelivery, Target};
use crate::backend::AppState;
use crate::error::AppError;
use crate::i18n::{Key, Locale, Message};
use crate::model::{User, WebhookTargetView};

const URL_KEY: &str = "webhook.url";

/// Checks a URL typed by a person; `Ok(None)` means "off" (empty).
pub fn validate_url(raw: &str, policy: &Policy) -> Result<Option<String>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > 2048 {
        return Err(AppError::Invalid(
            Message::new(Key::ErrUrlTooLong).arg("max", 2048),
        ));
    }
    let url = reqwest::Url::parse(raw).map_err(|e| {
        AppError::Invalid(Message::new(Key::ErrUrlInvalid).arg("reason", url_error_kind(e)))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(AppError::Invalid(
            Message::new(Key::ErrUrlScheme).arg("scheme", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(AppError::invalid(Key::ErrUrlNoHost));
    }
    check_literal(&url, policy).map_err(|r| {
        AppError::Invalid(
            Message::new(Key::ErrUrlRefused)
                .arg("ip", r.ip.to_string())
                .arg("kind", r.kind),
        )
    })?;
    Ok(Some(url.to_string()))
}

/// Why `url` could not read a URL, as a word the locale files select on.
fn url_error_kind(e: url::ParseError) -> &'static str {
    match e {
        url::ParseError::RelativeUrlWithoutBase => "no-scheme",
        url::ParseError::EmptyHost => "empty-host",
        url::ParseError::InvalidPort => "invalid-port",
        url::ParseError::InvalidIpv4Address | url::ParseError::InvalidIpv6Address => "invalid-ip",
        url::ParseError::InvalidDomainCharacter | url::ParseError::IdnaError => "invalid-host",
        _ => "other",
    }
}

/// The URL in force: the saved one once an admin saved (even empty), else
/// `WEBHOOK_URL`.
pub async fn effective_url(state: &AppState) -> Result<Option<String>, AppError> {
    Ok(match state.config.get_raw(URL_KEY).await? {
        Some(saved) => Some(saved).filter(|u| !u.is_empty()),
        None => state.env.webhook_url.clone().filter(|u| !u.is_empty()),
    })
}

pub async fn save_url(state: &AppState, raw: &str) -> Result<Option<String>, AppError> {
    let url = validate_url(raw, &Policy::Admin)?;
    let old = effective_url(state).await?;
    super::credentials::forget_if_host_changed(
        state,
        &Target::Admin,
        old.as_deref(),
        url.as_deref(),
    )
    .await?;
    state
        .config
        .set_raw(URL_KEY, url.as_deref().unwrap_or_default())
        .await?;
    Ok(url)
}

pub async fn view(state: &AppState) -> Result<WebhookTargetView, AppError> {
    let saved = state.config.get_raw(URL_KEY).await?;
    Ok(WebhookTargetView {
        url: effective_url(state).await?.unwrap_or_default(),
        url_from_env: saved.is_none() && state.env.webhook_url.is_some(),
        security: super::credentials::security(state, &Target::Admin).await?,
    })
}

pub fn new_user_body(url: &str, user: &User, locale: Locale) -> Value {
    let said = |name: &str| Key::NewUserSignedUp.with(locale, &[("name", name.into())]);
    let message = said(&user.name);
    // Anyone can pick their name: in a chat service's markup it is text.
    let shown = said(&escape_for(Destination::of(url), &user.name));
    let generic = json!({
        "event": "new_user",
        "user": {"id": user.id, "email": user.email, "name": user.name, "role": user.role},
        "message": message,
        "timestamp": rfc3339(user.created_at),
    });
    body_for(url, generic, &shown)
}

pub fn test_body(url: &str, locale: Locale, now_ms: i64) -> Value {
    let message = Key::WebhookTestMessage.text(locale).to_string();
    let generic = json!({"event": "test", "message": message, "timestamp": rfc3339(now_ms)});
    body_for(url, generic, &message)
}

/// Queues a `test` event to the admin webhook now.
pub async fn send_test(state: &AppState) -> Result<String, AppError> {
    let url = effective_url(state)
        .await?
        .ok_or_else(|| AppError::invalid(Key::ErrNoAdminUrl))?;
    let body = test_body(&url, state.env.default_locale, crate::backend::db::now_ms());
    let mut conn = state.db.acquire().await?;
    let id = store::enqueue(
        &mut conn,
        NewDelivery {
            target: Target::Admin,
            event: "test",
            url: &url,
            body: &body,
        },
    )
    .await?;
    state.deliveries_changed(&Target::Admin).await;
    Ok(id)
}
