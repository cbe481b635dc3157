//! A user's notification webhook (SPEC U1, U2, U5): settings, test event.
//! The chat_response trigger (U3, U4) builds on `target_url`.

use serde_json::{json, Value};

use super::admin::validate_url;
use super::credentials;
use super::format::{body_for, escape_for, rfc3339, Destination};
use super::ssrf::Policy;
use super::store::{NewDelivery, Target};
use super::targets;
pub use super::targets::{mask_url, mode_of};
use crate::db::now_ms;
use crate::error::Error;
use crate::events::{Carries, Event, EventKind};
use crate::i18n::{Key, Locale, Message};
use crate::model::{NotificationTarget, NotifyMode, User, UserWebhookView, NOTIFICATION_EVENTS};
use std::sync::Arc;

use super::credentials::Vault;
use crate::config::ConfigStore;
use crate::db::Db;
use crate::events::Outbox;
use crate::presence::PresenceRegistry;
use crate::ratelimit::ManualDeliveryLimiter;

/// What users' notification webhooks need (SPEC U1–U5, E3): the database,
/// whether the admin has them on, who is active now (the "away" rule),
/// the hosts they may reach, the language of their bodies, the limit on
/// test sends, the outbox and the credentials vault.
#[derive(Clone)]
pub struct UserWebhooks {
    pub db: Db,
    pub config: ConfigStore,
    pub presence: PresenceRegistry,
    /// `WEBHOOK_ALLOWED_HOSTS` (SPEC D6).
    pub allowed_hosts: Arc<Vec<String>>,
    pub default_locale: Locale,
    pub manual_deliveries: Arc<ManualDeliveryLimiter>,
    pub outbox: Outbox,
    pub vault: Vault,
}

pub fn refuse_when_off(on: bool) -> Result<(), Error> {
    if on {
        Ok(())
    } else {
        Err(Error::invalid(Key::ErrUserWebhooksOff))
    }
}

/// The user's default target: the seed's "Notification Webhook" field.
pub async fn view(hooks: &UserWebhooks, user: &User) -> Result<UserWebhookView, Error> {
    let row = targets::default_of(&hooks.db, &Target::User(user.id.clone())).await?;
    let id = row
        .as_ref()
        .map(|t| t.id.clone())
        .unwrap_or_else(|| targets::default_id(&Target::User(user.id.clone())));
    Ok(UserWebhookView {
        url: row.as_ref().and_then(|t| t.url.clone()).unwrap_or_default(),
        mode: mode_of(row.as_ref().map_or("away", |t| t.mode.as_str())),
        security: credentials::security(&hooks.vault, &id).await?,
    })
}

/// Saves the URL and mode; refused while the feature is off (SPEC U1).
pub async fn save(
    hooks: &UserWebhooks,
    user: &User,
    url: &str,
    mode: NotifyMode,
) -> Result<UserWebhookView, Error> {
    refuse_when_off(hooks.config.enable_user_webhooks().await?)?;
    let policy = Policy::user(&hooks.allowed_hosts);
    let url = validate_url(url, &policy)?.unwrap_or_default();
    let id = targets::ensure_default(&hooks.db, &Target::User(user.id.clone())).await?;
    let old = view(hooks, user).await?.url;
    super::credentials::forget_if_host_changed(
        &hooks.vault,
        &id,
        Some(&old),
        Some(&url).filter(|u| !u.is_empty()).map(String::as_str),
    )
    .await?;
    let mode_text = match mode {
        NotifyMode::Away => "away",
        NotifyMode::Always => "always",
    };
    targets::set_url(&hooks.db, &id, &url, Some(mode_text)).await?;
    view(hooks, user).await
}

/// The user's default target, for its signing secret and headers: like
/// the URL, refused while the feature is off (SPEC U1, D4).
pub async fn own_target(hooks: &UserWebhooks, user: &User) -> Result<crate::ids::TargetId, Error> {
    refuse_when_off(hooks.config.enable_user_webhooks().await?)?;
    targets::ensure_default(&hooks.db, &Target::User(user.id.clone())).await
}

/// The URL to notify, if the feature is on and the user set one.
pub async fn target_url(
    hooks: &UserWebhooks,
    user: &User,
) -> Result<Option<(String, NotifyMode)>, Error> {
    if !hooks.config.enable_user_webhooks().await? {
        return Ok(None);
    }
    let v = view(hooks, user).await?;
    Ok(Some((v.url, v.mode)).filter(|(u, _)| !u.is_empty()))
}

/// Queues a `test` event to the user's webhook, in the user's language.
pub async fn send_test(hooks: &UserWebhooks, user: &User) -> Result<crate::ids::DeliveryId, Error> {
    refuse_when_off(hooks.config.enable_user_webhooks().await?)?;
    let (url, _) = target_url(hooks, user)
        .await?
        .ok_or_else(|| Error::invalid(Key::ErrNoUserUrl))?;
    let locale = user.locale.unwrap_or(hooks.default_locale);
    let message = Key::WebhookTestMessage.text(locale).to_string();
    let body = body_for(
        &url,
        json!({"event": "test", "message": message, "timestamp": rfc3339(now_ms())}),
        &message,
    );
    let id = targets::ensure_default(&hooks.db, &Target::User(user.id.clone())).await?;
    enqueue_for(hooks, user, &id, Carries::Test, &url, &body).await
}

async fn enqueue_for(
    hooks: &UserWebhooks,
    user: &User,
    target_id: &crate::ids::TargetId,
    carries: Carries,
    url: &str,
    body: &serde_json::Value,
) -> Result<crate::ids::DeliveryId, Error> {
    let target = Target::User(user.id.clone());
    let mut conn = hooks.db.acquire().await?;
    let delivery = NewDelivery {
        target: target.clone(),
        target_id,
        carries,
        url,
        body,
    };
    let id = crate::events::enqueue(&mut conn, delivery).await?;
    hooks.outbox.deliveries_changed(&target).await;
    Ok(id)
}

/// A finished chat reply, as the notification needs it (SPEC U4).
pub struct FinishedReply<'a> {
    pub chat_id: &'a str,
    pub title: &'a str,
    pub prompt: &'a str,
    pub reply: &'a str,
    /// Base URL for links: `WEBUI_URL`, else the origin the chat came from.
    pub base_url: &'a str,
    /// When the reply finished (unix ms).
    pub finished_at: i64,
}

/// The body for `url`: the generic U4 event, or "<title> — <first 500
/// characters of the reply> <url>" for a chat service.
pub fn chat_response_body(url: &str, r: &FinishedReply<'_>) -> serde_json::Value {
    let link = format!("{}/c/{}", r.base_url.trim_end_matches('/'), r.chat_id);
    let excerpt: String = r.reply.chars().take(500).collect();
    let dest = Destination::of(url);
    let text = format!(
        "{} — {} {}",
        escape_for(dest, r.title),
        escape_for(dest, &excerpt),
        link
    );
    let generic = json!({
        "event": "chat_response",
        "chat": {
            "id": r.chat_id,
            "title": r.title,
            "last_message": r.reply,
            "prompt": r.prompt,
            "url": link,
        },
        "timestamp": rfc3339(r.finished_at),
    });
    body_for(url, generic, &text)
}

/// The E4 body of `chat.failed` for `url` (SPEC E1, E3).
pub fn chat_failed_body(url: &str, r: &FinishedReply<'_>, error: &str, locale: Locale) -> Value {
    let link = format!("{}/c/{}", r.base_url.trim_end_matches('/'), r.chat_id);
    let event = Event {
        kind: crate::events::EventKind::ChatFailed,
        data: json!({
            "chat": {"id": r.chat_id, "title": r.title, "prompt": r.prompt, "url": link},
            "error": error,
        }),
        message: Message::new(Key::EventMsgChatFailed)
            .arg("title", r.title)
            .arg("error", error),
    };
    event.body_for(url, locale, r.finished_at)
}

/// SPEC U3, E3, E5: queues the reply's event — `chat.finished` (U4's
/// `chat_response` body) or `chat.failed` — to each of the owner's targets
/// subscribed to it, on the caller's connection: the reply's final save, so
/// the reply and its notifications commit together. A target in "away"
/// mode is skipped while its owner is active. Returns the delivery ids.
pub async fn queue_reply_event(
    conn: &mut sqlx::AnyConnection,
    hooks: &UserWebhooks,
    user: &User,
    reply: &FinishedReply<'_>,
    failure: Option<&str>,
) -> Result<Vec<crate::ids::DeliveryId>, Error> {
    if !hooks.config.enable_user_webhooks().await? {
        return Ok(Vec::new());
    }
    let (event, carries) = match failure {
        None => (EventKind::ChatFinished, Carries::ChatResponse),
        Some(_) => (EventKind::ChatFailed, Carries::Event(EventKind::ChatFailed)),
    };
    let locale = user.locale.unwrap_or(hooks.default_locale);
    let mut ids = Vec::new();
    for target in targets::subscribed(conn, Some(&user.id), event.name()).await? {
        let Some(url) = target.url.clone().filter(|u| !u.is_empty()) else {
            continue;
        };
        if mode_of(&target.mode) == NotifyMode::Away && hooks.presence.is_active(&user.id) {
            continue;
        }
        let body = match failure {
            None => chat_response_body(&url, reply),
            Some(error) => chat_failed_body(&url, reply, error, locale),
        };
        let delivery = NewDelivery {
            target: Target::User(user.id.clone()),
            target_id: &target.id,
            carries,
            url: &url,
            body: &body,
        };
        ids.push(crate::events::enqueue(conn, delivery).await?);
    }
    Ok(ids)
}

/// `queue_reply_event` for a finished reply on a connection of its own.
/// Returns the first delivery id queued.
pub async fn notify_reply_ready(
    hooks: &UserWebhooks,
    user: &User,
    reply: &FinishedReply<'_>,
) -> Result<Option<crate::ids::DeliveryId>, Error> {
    let mut conn = hooks.db.acquire().await?;
    let ids = queue_reply_event(&mut conn, hooks, user, reply, None).await?;
    drop(conn);
    if !ids.is_empty() {
        hooks
            .outbox
            .deliveries_changed(&Target::User(user.id.clone()))
            .await;
    }
    Ok(ids.into_iter().next())
}

async fn notification_target(
    hooks: &UserWebhooks,
    t: &targets::TargetRow,
) -> Result<NotificationTarget, Error> {
    Ok(NotificationTarget {
        id: t.id.to_string(),
        name: t.name.clone(),
        url: t.url.as_deref().map(mask_url).unwrap_or_default(),
        enabled: t.enabled != 0,
        events: t.filters(),
        mode: mode_of(&t.mode),
        is_default: t.is_default != 0,
        security: credentials::security(&hooks.vault, &t.id).await?,
        created_at: t.created_at,
        disabled_at: t.disabled_at,
    })
}

/// The user's notification targets, the default one first (SPEC E3).
pub async fn list_targets(
    hooks: &UserWebhooks,
    user: &User,
) -> Result<Vec<NotificationTarget>, Error> {
    refuse_when_off(hooks.config.enable_user_webhooks().await?)?;
    targets::ensure_default(&hooks.db, &Target::User(user.id.clone())).await?;
    let mut out = Vec::new();
    for t in targets::list(&hooks.db, Some(&user.id)).await? {
        out.push(notification_target(hooks, &t).await?);
    }
    Ok(out)
}

/// What a user sends to add or change a notification target. An empty
/// URL on an edit keeps the stored one (it is only ever shown masked).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct NotificationTargetInput {
    pub name: String,
    #[serde(default)]
    pub url: String,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    pub events: Vec<String>,
    #[serde(default)]
    pub mode: NotifyMode,
}

fn enabled_by_default() -> bool {
    true
}

fn checked(
    hooks: &UserWebhooks,
    input: &NotificationTargetInput,
    old_url: Option<&str>,
) -> Result<targets::TargetInput, Error> {
    let name = targets::check_name(&input.name)?;
    let policy = Policy::user(&hooks.allowed_hosts);
    let url = match (validate_url(&input.url, &policy)?, old_url) {
        (Some(url), _) => url,
        (None, Some(old)) if !old.is_empty() => old.to_string(),
        _ => return Err(Error::invalid(Key::ErrUrlNoHost)),
    };
    let mut events: Vec<String> = Vec::new();
    for e in input.events.iter().map(|e| e.trim()) {
        if !NOTIFICATION_EVENTS.contains(&e) {
            return Err(Error::Invalid(
                Message::new(Key::ErrUnknownEvent).arg("event", e),
            ));
        }
        if !events.iter().any(|x| x == e) {
            events.push(e.to_string());
        }
    }
    if events.is_empty() {
        return Err(Error::invalid(Key::ErrNoEvents));
    }
    Ok(targets::TargetInput {
        name,
        url,
        enabled: input.enabled,
        events,
        mode: Some(
            match input.mode {
                NotifyMode::Away => "away",
                NotifyMode::Always => "always",
            }
            .to_string(),
        ),
    })
}

async fn own(hooks: &UserWebhooks, user: &User, id: &str) -> Result<targets::TargetRow, Error> {
    refuse_when_off(hooks.config.enable_user_webhooks().await?)?;
    targets::get(&hooks.db, id)
        .await?
        .filter(|t| t.owner_id.as_deref() == Some(user.id.as_str()))
        .ok_or(Error::NotFound)
}

pub async fn create_target(
    hooks: &UserWebhooks,
    user: &User,
    input: &NotificationTargetInput,
) -> Result<NotificationTarget, Error> {
    refuse_when_off(hooks.config.enable_user_webhooks().await?)?;
    let input = checked(hooks, input, None)?;
    let row = targets::create(&hooks.db, Some(&user.id), &input).await?;
    notification_target(hooks, &row).await
}

pub async fn update_target(
    hooks: &UserWebhooks,
    user: &User,
    id: &str,
    input: &NotificationTargetInput,
) -> Result<NotificationTarget, Error> {
    let old = own(hooks, user, id).await?;
    let input = checked(hooks, input, old.url.as_deref())?;
    credentials::forget_if_host_changed(&hooks.vault, id, old.url.as_deref(), Some(&input.url))
        .await?;
    targets::update(&hooks.db, id, &input).await?;
    let row = targets::get(&hooks.db, id).await?.ok_or(Error::NotFound)?;
    notification_target(hooks, &row).await
}

pub async fn delete_target(hooks: &UserWebhooks, user: &User, id: &str) -> Result<(), Error> {
    let t = own(hooks, user, id).await?;
    if t.is_default != 0 {
        return Err(Error::invalid(Key::ErrDeleteDefaultTarget));
    }
    targets::delete(&hooks.db, id).await?;
    Ok(())
}

pub async fn make_default(hooks: &UserWebhooks, user: &User, id: &str) -> Result<(), Error> {
    own(hooks, user, id).await?;
    targets::make_default(&hooks.db, &user.id, id).await?;
    Ok(())
}

/// Queues again one of the user's targets' failed deliveries since `since`.
pub async fn recover_failed(
    hooks: &UserWebhooks,
    user: &User,
    id: &str,
    since: i64,
) -> Result<u64, Error> {
    own(hooks, user, id).await?;
    let n = targets::recover_failed(&hooks.db, id, since).await?;
    hooks
        .outbox
        .deliveries_changed(&Target::User(user.id.clone()))
        .await;
    Ok(n)
}

/// Queues a `test` event to one of the user's targets.
pub async fn test_target(
    hooks: &UserWebhooks,
    user: &User,
    id: &str,
) -> Result<crate::ids::DeliveryId, Error> {
    let t = own(hooks, user, id).await?;
    hooks.manual_deliveries.check(&user.id)?;
    let url = t
        .url
        .clone()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Error::invalid(Key::ErrNoUserUrl))?;
    let locale = user.locale.unwrap_or(hooks.default_locale);
    let message = Key::WebhookTestMessage.text(locale);
    let body = body_for(
        &url,
        json!({"event": "test", "message": message, "timestamp": rfc3339(now_ms())}),
        &message,
    );
    enqueue_for(hooks, user, &t.id, Carries::Test, &url, &body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply<'a>(text: &'a str) -> FinishedReply<'a> {
        FinishedReply {
            chat_id: "abc-123",
            title: "My Awesome Conversation",
            prompt: "Tell me a story",
            reply: text,
            base_url: "https://chat.example.com/",
            finished_at: 1_795_341_600_000,
        }
    }

    #[test]
    fn generic_payload_has_the_u4_fields() {
        let body = chat_response_body("https://example.com/hook", &reply("Once upon a time"));
        assert_eq!(body["event"], "chat_response");
        assert_eq!(body["chat"]["id"], "abc-123");
        assert_eq!(body["chat"]["title"], "My Awesome Conversation");
        assert_eq!(body["chat"]["last_message"], "Once upon a time");
        assert_eq!(body["chat"]["prompt"], "Tell me a story");
        assert_eq!(body["chat"]["url"], "https://chat.example.com/c/abc-123");
        assert_eq!(body["timestamp"], "2026-11-22T10:00:00Z");
    }

    #[test]
    fn chat_services_get_title_excerpt_and_link() {
        let long = "w".repeat(800);
        let body = chat_response_body("https://hooks.slack.com/services/x", &reply(&long));
        let text = body["text"].as_str().expect("text");
        assert!(text.starts_with("My Awesome Conversation — "));
        assert!(text.ends_with(" https://chat.example.com/c/abc-123"));
        assert!(
            text.contains(&"w".repeat(500)),
            "first 500 characters of the reply"
        );
        assert!(!text.contains(&"w".repeat(501)), "and no more");
    }
}

#[cfg(test)]
mod mask_tests {
    use super::mask_url;

    #[test]
    fn urls_are_masked_to_host_and_last_four() {
        assert_eq!(
            mask_url("https://hooks.slack.com/services/T000/B000/XXXXabcd"),
            "https://hooks.slack.com/…abcd"
        );
        assert_eq!(
            mask_url("http://127.0.0.1:8080/in"),
            "http://127.0.0.1:8080/…0/in"
        );
        assert_eq!(mask_url("not a url"), "");
    }
}
