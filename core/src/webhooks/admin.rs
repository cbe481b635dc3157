//! The admin webhook (SPEC A1–A4, R2): its URL, signing secret and custom
//! headers, and the events it receives.

use serde_json::{json, Value};

use super::credentials::Vault;
use super::format::{body_for, escape_for, rfc3339, Destination};
use super::ssrf::{check_literal, Policy};
use super::store::{NewDelivery, Target};
pub use super::targets::url_in_force;
use super::targets::{self, TargetRow, ADMIN_DEFAULT};
use crate::db::Db;
use crate::error::Error;
use crate::events::Outbox;
use crate::i18n::{Key, Locale, Message};
use crate::model::{EventWebhook, User, WebhookTargetView};

/// Checks a URL typed by a person; `Ok(None)` means "off" (empty).
pub fn validate_url(raw: &str, policy: &Policy) -> Result<Option<String>, Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > 2048 {
        return Err(Error::Invalid(
            Message::new(Key::ErrUrlTooLong).arg("max", 2048),
        ));
    }
    let url = reqwest::Url::parse(raw).map_err(|e| {
        Error::Invalid(Message::new(Key::ErrUrlInvalid).arg("reason", url_error_kind(e)))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Invalid(
            Message::new(Key::ErrUrlScheme).arg("scheme", url.scheme()),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(Key::ErrUrlNoHost));
    }
    check_literal(&url, policy).map_err(|r| {
        Error::Invalid(
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

/// What the admin's webhooks need (SPEC A1–A4, E2): the database,
/// `WEBHOOK_URL`, the instance language, the outbox and the credentials.
#[derive(Clone)]
pub struct AdminWebhooks {
    pub db: Db,
    /// `WEBHOOK_URL`: the default target's URL until an admin saves one.
    pub env_webhook_url: Option<String>,
    pub default_locale: crate::i18n::Locale,
    pub outbox: Outbox,
    pub vault: Vault,
}

/// The admin default target's URL in force.
pub async fn effective_url(hooks: &AdminWebhooks) -> Result<Option<String>, Error> {
    let id = targets::ensure_default(&hooks.db, &Target::Admin).await?;
    Ok(targets::get(&hooks.db, &id)
        .await?
        .and_then(|t| url_in_force(&t, hooks.env_webhook_url.as_deref())))
}

pub async fn save_url(hooks: &AdminWebhooks, raw: &str) -> Result<Option<String>, Error> {
    let url = validate_url(raw, &Policy::Admin)?;
    let old = effective_url(hooks).await?;
    super::credentials::forget_if_host_changed(
        &hooks.vault,
        ADMIN_DEFAULT,
        old.as_deref(),
        url.as_deref(),
    )
    .await?;
    targets::set_url(
        &hooks.db,
        ADMIN_DEFAULT,
        url.as_deref().unwrap_or_default(),
        None,
    )
    .await?;
    Ok(url)
}

pub async fn view(hooks: &AdminWebhooks) -> Result<WebhookTargetView, Error> {
    let id = targets::ensure_default(&hooks.db, &Target::Admin).await?;
    let saved = targets::get(&hooks.db, &id).await?.and_then(|t| t.url);
    Ok(WebhookTargetView {
        url: effective_url(hooks).await?.unwrap_or_default(),
        url_from_env: saved.is_none() && hooks.env_webhook_url.is_some(),
        security: super::credentials::security(&hooks.vault, ADMIN_DEFAULT).await?,
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
pub async fn send_test(hooks: &AdminWebhooks) -> Result<crate::ids::DeliveryId, Error> {
    let url = effective_url(hooks)
        .await?
        .ok_or_else(|| Error::invalid(Key::ErrNoAdminUrl))?;
    queue_test(hooks, &crate::ids::TargetId::from(ADMIN_DEFAULT), &url).await
}

/// "Send test" of one admin event webhook (SPEC E2), disabled or not: the
/// admin checks the endpoint before switching it on.
pub async fn send_test_to(
    hooks: &AdminWebhooks,
    target_id: &str,
) -> Result<crate::ids::DeliveryId, Error> {
    let target = targets::get(&hooks.db, target_id)
        .await?
        .filter(|t| t.owner_id.is_none())
        .ok_or(Error::NotFound)?;
    let url = url_in_force(&target, hooks.env_webhook_url.as_deref())
        .ok_or_else(|| Error::invalid(Key::ErrNoAdminUrl))?;
    queue_test(hooks, &target.id, &url).await
}

async fn queue_test(
    hooks: &AdminWebhooks,
    target_id: &crate::ids::TargetId,
    url: &str,
) -> Result<crate::ids::DeliveryId, Error> {
    let body = test_body(url, hooks.default_locale, crate::db::now_ms());
    let mut conn = hooks.db.acquire().await?;
    let id = crate::events::enqueue(
        &mut conn,
        NewDelivery {
            target: Target::Admin,
            target_id,
            carries: crate::events::Carries::Test,
            url,
            body: &body,
        },
    )
    .await?;
    hooks.outbox.deliveries_changed(&Target::Admin).await;
    Ok(id)
}

/// What an admin sends to add or change an event webhook (SPEC E2).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct EventWebhookInput {
    pub name: String,
    pub url: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    pub events: Vec<String>,
}

fn enabled_by_default() -> bool {
    true
}

async fn event_webhook(hooks: &AdminWebhooks, t: &TargetRow) -> Result<EventWebhook, Error> {
    Ok(EventWebhook {
        id: t.id.to_string(),
        name: t.name.clone(),
        url: url_in_force(t, hooks.env_webhook_url.as_deref()).unwrap_or_default(),
        enabled: t.enabled != 0,
        events: t.filters(),
        is_default: t.is_default != 0,
        security: super::credentials::security(&hooks.vault, &t.id).await?,
        created_at: t.created_at,
        updated_at: t.updated_at,
        disabled_at: t.disabled_at,
    })
}

/// The admin's event webhooks, the default one first.
pub async fn list_event_webhooks(hooks: &AdminWebhooks) -> Result<Vec<EventWebhook>, Error> {
    targets::ensure_default(&hooks.db, &Target::Admin).await?;
    let mut out = Vec::new();
    for t in targets::list(&hooks.db, None).await? {
        out.push(event_webhook(hooks, &t).await?);
    }
    Ok(out)
}

fn checked_input(input: &EventWebhookInput) -> Result<targets::TargetInput, Error> {
    let name = targets::check_name(&input.name)?;
    let url = validate_url(&input.url, &Policy::Admin)?
        .ok_or_else(|| Error::invalid(Key::ErrUrlNoHost))?;
    Ok(targets::TargetInput {
        name,
        url,
        enabled: input.enabled,
        events: crate::events::validate_filters(&input.events)?,
        mode: None,
    })
}

pub async fn create_event_webhook(
    hooks: &AdminWebhooks,
    input: &EventWebhookInput,
) -> Result<EventWebhook, Error> {
    let checked = checked_input(input)?;
    let row = targets::create(&hooks.db, None, &checked).await?;
    event_webhook(hooks, &row).await
}

/// Changes an admin event webhook. Moving it to another host clears its
/// secret and headers, as for the default one.
pub async fn update_event_webhook(
    hooks: &AdminWebhooks,
    id: &str,
    input: &EventWebhookInput,
) -> Result<EventWebhook, Error> {
    let old = targets::get(&hooks.db, id)
        .await?
        .filter(|t| t.owner_id.is_none())
        .ok_or(Error::NotFound)?;
    let checked = checked_input(input)?;
    let old_url = url_in_force(&old, hooks.env_webhook_url.as_deref());
    super::credentials::forget_if_host_changed(
        &hooks.vault,
        id,
        old_url.as_deref(),
        Some(&checked.url),
    )
    .await?;
    targets::update(&hooks.db, id, &checked).await?;
    let row = targets::get(&hooks.db, id).await?.ok_or(Error::NotFound)?;
    event_webhook(hooks, &row).await
}

pub async fn delete_event_webhook(hooks: &AdminWebhooks, id: &str) -> Result<(), Error> {
    let target = targets::get(&hooks.db, id)
        .await?
        .filter(|t| t.owner_id.is_none())
        .ok_or(Error::NotFound)?;
    if target.is_default != 0 {
        return Err(Error::invalid(Key::ErrDeleteDefaultTarget));
    }
    targets::delete(&hooks.db, id).await?;
    Ok(())
}

/// Queues again an admin target's failed deliveries since `since` (E6).
pub async fn recover_failed(hooks: &AdminWebhooks, id: &str, since: i64) -> Result<u64, Error> {
    targets::get(&hooks.db, id)
        .await?
        .filter(|t| t.owner_id.is_none())
        .ok_or(Error::NotFound)?;
    let n = targets::recover_failed(&hooks.db, id, since).await?;
    hooks.outbox.deliveries_changed(&Target::Admin).await;
    Ok(n)
}
