//! Incoming channel webhooks (SPEC C1–C5, R4): tokens, management, and the
//! endpoint outside tools post to.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use subtle::ConstantTimeEq;

use super::channels::{self, Access, Channels};
use super::crypto::SecretBox;
use super::db::{new_id, now_ms, Db};
use super::feed::{self, NewMessage};
use super::incoming_body::{BodyError, IncomingMessage};
pub use super::media::sniff_image;
use super::tokens::{new_token, token_hash};
pub use super::webhook_cache::{IncomingHook, WebhookCache, WEBHOOK_CACHE_MAX, WEBHOOK_CACHE_TTL};
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::{ChannelWebhook, User};

pub const DEFAULT_NAME: &str = "New Webhook";
pub const MAX_IMAGE_BYTES: usize = 1024 * 1024;
/// The largest sender body kept with a message as it came (JSON bytes).
pub const MAX_ORIGINAL_BYTES: usize = 64 * 1024;

/// Per-webhook rate limit; `None` when switched off.
pub struct IncomingLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl IncomingLimiter {
    /// `per_second` 0 turns limiting off.
    pub fn new(per_second: u32, burst: u32) -> Option<IncomingLimiter> {
        let rate = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Some(IncomingLimiter {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            clock: DefaultClock::default(),
        })
    }

    /// `Err(wait)` when over the limit.
    pub fn check(&self, webhook_id: &str) -> Result<(), Duration> {
        self.limiter
            .check_key(&webhook_id.to_string())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Wrong-token posts per client address: a few mistakes pass as 401, a
/// flood gets 429 (as Discord answers invalid-request floods).
pub struct FailedTokenLimiter {
    limiter: DefaultKeyedRateLimiter<std::net::IpAddr>,
    clock: DefaultClock,
}

impl Default for FailedTokenLimiter {
    fn default() -> Self {
        let burst = NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN);
        FailedTokenLimiter {
            limiter: RateLimiter::keyed(Quota::per_second(NonZeroU32::MIN).allow_burst(burst)),
            clock: DefaultClock::default(),
        }
    }
}

impl FailedTokenLimiter {
    /// Counts one failure; `Err(wait)` once the address is over its budget.
    pub fn failed(&self, client: std::net::IpAddr) -> Result<(), Duration> {
        if self.limiter.len() > crate::ratelimit::MAX_TRACKED_KEYS {
            self.prune();
        }
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Why an incoming post was refused (SPEC C4).
#[derive(Debug, PartialEq, Eq)]
pub enum IncomingError {
    /// Unknown id, wrong token or deleted webhook: one answer for all three.
    Unauthorized,
    NotJson(String),
    NoText,
    TooLong,
    RateLimited(Duration),
    /// A part over Discord's limits, named (SPEC C7).
    FieldTooLong(String),
    /// No message of this webhook has that id (SPEC C8).
    NotFound,
    /// A GitHub delivery whose signature does not verify (SPEC C9).
    BadSignature,
    /// A GitHub delivery without `X-GitHub-Event`.
    NoEvent,
    Internal,
}

impl From<Error> for IncomingError {
    fn from(_: Error) -> Self {
        IncomingError::Internal
    }
}

impl From<sqlx::Error> for IncomingError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error on incoming webhook");
        IncomingError::Internal
    }
}

/// What incoming webhooks need: channel management (the feed, the outbox,
/// the webhook cache), the sealing key of their tokens, the public URL
/// their addresses are shown under, and the two per-sender limits.
#[derive(Clone)]
pub struct ChannelWebhooks {
    pub channels: Channels,
    pub secrets: SecretBox,
    /// `WEBUI_URL`, when set.
    pub public_url: Option<String>,
    /// Per-webhook limit of posts; `None` = off.
    pub limiter: Option<Arc<IncomingLimiter>>,
    /// Wrong-token posts per client address.
    pub auth_failures: Arc<FailedTokenLimiter>,
}

impl ChannelWebhooks {
    fn db(&self) -> &Db {
        &self.channels.feed.db
    }
}

/// The public base URL: `WEBUI_URL`, else the request's own origin.
pub fn base_url(hooks: &ChannelWebhooks, origin: Option<&str>) -> String {
    hooks
        .public_url
        .clone()
        .or_else(|| origin.map(str::to_string))
        .unwrap_or_else(|| "http://127.0.0.1:3000".into())
        .trim_end_matches('/')
        .to_string()
}

pub fn url_for(base: &str, id: &str, token: &str) -> String {
    format!("{base}/api/v1/channels/webhooks/{id}/{token}")
}

/// A `channel_webhooks` row as stored (its token sealed).
#[derive(sqlx::FromRow)]
struct StoredWebhook {
    id: String,
    channel_id: String,
    user_id: Option<String>,
    name: String,
    profile_image_url: Option<String>,
    token_sealed: String,
    last_used_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    github_secret_sealed: Option<String>,
}

impl StoredWebhook {
    /// As its managers see it: the token opened, the URL under `base`.
    fn shown(self, secrets: &SecretBox, base: &str) -> Result<ChannelWebhook, Error> {
        let token = secrets.open(&self.token_sealed).map_err(|e| {
            tracing::error!("{e}");
            Error::Internal
        })?;
        Ok(ChannelWebhook {
            url: url_for(base, &self.id, &token),
            token,
            id: self.id,
            channel_id: self.channel_id,
            user_id: self.user_id,
            name: self.name,
            profile_image_url: self.profile_image_url,
            last_used_at: self.last_used_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            github_secret_set: self.github_secret_sealed.is_some(),
        })
    }
}

const COLUMNS: &str = "id, channel_id, user_id, name, profile_image_url, token_sealed, last_used_at, created_at, updated_at, github_secret_sealed";

pub async fn list(
    hooks: &ChannelWebhooks,
    user: &User,
    channel_id: &str,
    base: &str,
) -> Result<Vec<ChannelWebhook>, Error> {
    channels::require(hooks.db(), user, channel_id, Access::Manager).await?;
    let rows: Vec<StoredWebhook> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM channel_webhooks WHERE channel_id = $1 ORDER BY created_at, id"
    ))
    .bind(channel_id)
    .fetch_all(hooks.db())
    .await?;
    rows.into_iter()
        .map(|r| r.shown(&hooks.secrets, base))
        .collect()
}

async fn get_in_channel(
    hooks: &ChannelWebhooks,
    channel_id: &str,
    id: &str,
    base: &str,
) -> Result<ChannelWebhook, Error> {
    let row: Option<StoredWebhook> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM channel_webhooks WHERE id = $1 AND channel_id = $2"
    ))
    .bind(id)
    .bind(channel_id)
    .fetch_optional(hooks.db())
    .await?;
    row.ok_or(Error::NotFound)?.shown(&hooks.secrets, base)
}

fn validate_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(Key::ErrWebhookNameMissing));
    }
    super::db::check_name_chars(name)?;
    if name.chars().count() > 80 {
        return Err(Error::Invalid(
            Message::new(Key::ErrWebhookNameTooLong).arg("max", 80),
        ));
    }
    Ok(name.to_string())
}

fn validate_image_url(url: Option<&str>) -> Result<Option<String>, Error> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        None => Ok(None),
        Some(u)
            if u.starts_with("/api/v1/uploads/")
                || u.starts_with("https://")
                || u.starts_with("http://") =>
        {
            Ok(Some(u.chars().take(2048).collect()))
        }
        Some(_) => Err(Error::invalid(Key::ErrProfileImage)),
    }
}

pub async fn create(
    hooks: &ChannelWebhooks,
    user: &User,
    channel_id: &str,
    name: &str,
    image: Option<&str>,
    base: &str,
) -> Result<ChannelWebhook, Error> {
    channels::require(hooks.db(), user, channel_id, Access::Manager).await?;
    let name = if name.trim().is_empty() {
        DEFAULT_NAME.to_string()
    } else {
        validate_name(name)?
    };
    let image = validate_image_url(image)?;
    let id = new_id();
    let token = new_token();
    let now = now_ms();
    let mut tx = super::db::begin_write(hooks.db(), hooks.channels.backend).await?;
    sqlx::query(
        "INSERT INTO channel_webhooks (id, channel_id, user_id, name, profile_image_url, token_hash, token_sealed, last_used_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $8)",
    )
    .bind(&id)
    .bind(channel_id)
    .bind(&user.id)
    .bind(&name)
    .bind(image)
    .bind(token_hash(&token))
    .bind(hooks.secrets.seal(&token))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let change = WebhookChange {
        event: crate::events::EventKind::ChannelWebhookCreated,
        channel_id,
        webhook_id: &id,
        name: &name,
        by: user,
    };
    emit_change(hooks, tx, change).await?;
    get_in_channel(hooks, channel_id, &id, base).await
}

pub async fn update(
    hooks: &ChannelWebhooks,
    user: &User,
    channel_id: &str,
    id: &str,
    name: Option<&str>,
    image: Option<Option<&str>>,
    base: &str,
) -> Result<ChannelWebhook, Error> {
    channels::require(hooks.db(), user, channel_id, Access::Manager).await?;
    let current = get_in_channel(hooks, channel_id, id, base).await?;
    let name = match name {
        Some(n) => validate_name(n)?,
        None => current.name,
    };
    let image = match image {
        Some(i) => validate_image_url(i)?,
        None => current.profile_image_url,
    };
    let mut tx = super::db::begin_write(hooks.db(), hooks.channels.backend).await?;
    sqlx::query("UPDATE channel_webhooks SET name = $1, profile_image_url = $2, updated_at = $3 WHERE id = $4")
        .bind(&name)
        .bind(image)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let change = WebhookChange {
        event: crate::events::EventKind::ChannelWebhookUpdated,
        channel_id,
        webhook_id: id,
        name: &name,
        by: user,
    };
    emit_change(hooks, tx, change).await?;
    get_in_channel(hooks, channel_id, id, base).await
}

pub async fn regenerate(
    hooks: &ChannelWebhooks,
    user: &User,
    channel_id: &str,
    id: &str,
    base: &str,
) -> Result<ChannelWebhook, Error> {
    channels::require(hooks.db(), user, channel_id, Access::Manager).await?;
    let current = get_in_channel(hooks, channel_id, id, base).await?;
    let token = new_token();
    let mut tx = super::db::begin_write(hooks.db(), hooks.channels.backend).await?;
    sqlx::query("UPDATE channel_webhooks SET token_hash = $1, token_sealed = $2, updated_at = $3 WHERE id = $4")
        .bind(token_hash(&token))
        .bind(hooks.secrets.seal(&token))
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let change = WebhookChange {
        event: crate::events::EventKind::ChannelWebhookRegenerated,
        channel_id,
        webhook_id: id,
        name: &current.name,
        by: user,
    };
    emit_change(hooks, tx, change).await?;
    get_in_channel(hooks, channel_id, id, base).await
}

/// Sets (or with an empty one, clears) the secret GitHub signs its
/// deliveries with (SPEC C9). Managers and admins only.
pub async fn set_github_secret(
    hooks: &ChannelWebhooks,
    user: &User,
    channel_id: &str,
    id: &str,
    secret: &str,
    base: &str,
) -> Result<ChannelWebhook, Error> {
    channels::require(hooks.db(), user, channel_id, Access::Manager).await?;
    get_in_channel(hooks, channel_id, id, base).await?;
    let secret = secret.trim();
    if secret.chars().count() > 256 {
        return Err(Error::Invalid(
            Message::new(Key::ErrGithubSecretTooLong).arg("max", 256),
        ));
    }
    let sealed = (!secret.is_empty()).then(|| hooks.secrets.seal(secret));
    sqlx::query(
        "UPDATE channel_webhooks SET github_secret_sealed = $1, updated_at = $2 WHERE id = $3",
    )
    .bind(sealed)
    .bind(now_ms())
    .bind(id)
    .execute(hooks.db())
    .await?;
    hooks.channels.webhooks.forget(id);
    get_in_channel(hooks, channel_id, id, base).await
}

pub async fn delete(
    hooks: &ChannelWebhooks,
    user: &User,
    channel_id: &str,
    id: &str,
) -> Result<(), Error> {
    channels::require(hooks.db(), user, channel_id, Access::Manager).await?;
    let mut tx = super::db::begin_write(hooks.db(), hooks.channels.backend).await?;
    let name: Option<(String,)> =
        sqlx::query_as("SELECT name FROM channel_webhooks WHERE id = $1 AND channel_id = $2")
            .bind(id)
            .bind(channel_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((name,)) = name else {
        return Err(Error::NotFound);
    };
    sqlx::query("DELETE FROM channel_webhooks WHERE id = $1 AND channel_id = $2")
        .bind(id)
        .bind(channel_id)
        .execute(&mut *tx)
        .await?;
    let change = WebhookChange {
        event: crate::events::EventKind::ChannelWebhookDeleted,
        channel_id,
        webhook_id: id,
        name: &name,
        by: user,
    };
    emit_change(hooks, tx, change).await
}

/// A change to a channel's incoming webhook, as an event (SPEC E1). Never
/// its URL or token.
struct WebhookChange<'a> {
    event: crate::events::EventKind,
    channel_id: &'a str,
    webhook_id: &'a str,
    name: &'a str,
    by: &'a User,
}

/// Emits `change` in `tx` and commits it (SPEC E5).
async fn emit_change(
    hooks: &ChannelWebhooks,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    change: WebhookChange<'_>,
) -> Result<(), Error> {
    let (channel,): (String,) = sqlx::query_as("SELECT name FROM channels WHERE id = $1")
        .bind(change.channel_id)
        .fetch_one(&mut *tx)
        .await?;
    let event = super::events::Event {
        kind: change.event,
        data: serde_json::json!({
            "channel": {"id": change.channel_id, "name": channel},
            "webhook": {"id": change.webhook_id, "name": change.name},
            "by": {"id": change.by.id, "name": change.by.name},
        }),
        message: Message::new(change.event.description()),
    };
    hooks.channels.outbox.commit_with_event(tx, &event).await?;
    // Committed: incoming posts read the webhook afresh (an old token or a
    // deleted webhook fails at once).
    hooks.channels.webhooks.forget(change.webhook_id);
    Ok(())
}

/// Stores an uploaded image after checking its bytes really are one.
pub async fn store_image(db: &Db, user: &User, bytes: &[u8]) -> Result<String, Error> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(Error::invalid(Key::ErrImageTooLarge));
    }
    let content_type = sniff_image(bytes).ok_or_else(|| Error::invalid(Key::ErrImageType))?;
    let id = new_id();
    use base64::Engine;
    sqlx::query("INSERT INTO uploads (id, content_type, data, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(content_type)
        .bind(base64::engine::general_purpose::STANDARD.encode(bytes))
        .bind(&user.id)
        .bind(now_ms())
        .execute(db)
        .await?;
    Ok(format!("/api/v1/uploads/{id}"))
}

pub async fn load_image(db: &Db, id: &str) -> Result<Option<(String, Vec<u8>)>, Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT content_type, data FROM uploads WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    use base64::Engine;
    Ok(row.and_then(|(ct, data)| {
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .ok()
            .map(|b| (ct, b))
    }))
}

/// What a request to a webhook URL presents: the client's address, the
/// URL's id and token, and the `X-Hub-Signature-256` of its body, if any.
#[derive(Clone, Copy, Debug)]
pub struct Caller<'a> {
    pub client: Option<std::net::IpAddr>,
    pub id: &'a str,
    pub token: &'a str,
    pub signature: Option<&'a str>,
}

/// The webhook behind `id` if `token` is its token (compared in constant
/// time); unknown id, wrong token and deleted webhook look the same.
/// Wrong tokens count against the client's failure budget. A webhook
/// with a GitHub secret takes only requests whose body (`signed`, as it
/// came — empty for a GET or DELETE) carries a valid
/// `X-Hub-Signature-256`, on every route of its URL.
async fn authenticate(
    hooks: &ChannelWebhooks,
    caller: &Caller<'_>,
    signed: &[u8],
) -> Result<IncomingHook, IncomingError> {
    let refused = || match caller.client.map(|ip| hooks.auth_failures.failed(ip)) {
        Some(Err(wait)) => IncomingError::RateLimited(wait),
        _ => IncomingError::Unauthorized,
    };
    let id = caller.id;
    let hook = match hooks.channels.webhooks.get(id) {
        Some(hook) => Some(hook),
        None => {
            let epoch = hooks.channels.webhooks.epoch();
            let hook: Option<IncomingHook> = sqlx::query_as(
                "SELECT channel_id, name, profile_image_url, token_hash, github_secret_sealed \
                 FROM channel_webhooks WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(hooks.db())
            .await?;
            if let Some(hook) = &hook {
                hooks.channels.webhooks.put(id, hook, epoch);
            }
            hook
        }
    };
    let presented = token_hash(caller.token);
    let Some(hook) = hook else {
        // Same work as a wrong token, so timing does not tell ids apart.
        let _ = presented.as_bytes().ct_eq(presented.as_bytes());
        return Err(refused());
    };
    if !bool::from(hook.token_hash.as_bytes().ct_eq(presented.as_bytes())) {
        return Err(refused());
    }
    if let Some(sealed) = &hook.github_secret_sealed {
        let secret = hooks.secrets.open(sealed).map_err(|e| {
            tracing::error!("{e}");
            IncomingError::Internal
        })?;
        if !super::github::signature_matches(&secret, signed, caller.signature) {
            return Err(IncomingError::BadSignature);
        }
    }
    Ok(hook)
}

fn body_error(e: BodyError) -> IncomingError {
    match e {
        BodyError::NotJson(why) => IncomingError::NotJson(why),
        BodyError::NoText => IncomingError::NoText,
        BodyError::FieldTooLong(field) => IncomingError::FieldTooLong(field),
    }
}

/// A message within the limits (SPEC C4, C15): its text and every URL it
/// names that the text does not show (avatar, icons) count, so a message
/// cannot store hundreds of kilobytes of "image URL".
fn within_limits(incoming: IncomingMessage) -> Result<IncomingMessage, IncomingError> {
    let rich = &incoming.rich;
    let urls: usize = rich
        .avatar_url
        .iter()
        .map(String::as_str)
        .chain(rich.cards.iter().flat_map(crate::model::Card::image_urls))
        .map(|u| u.chars().count())
        .sum();
    let name = incoming
        .username
        .as_deref()
        .map_or(0, |n| n.chars().count());
    if incoming.markdown().chars().count() + urls + name > feed::MAX_CONTENT_CHARS {
        return Err(IncomingError::TooLong);
    }
    let mut incoming = incoming;
    // The body as it came is kept up to a size (measured here, off the
    // async workers for a large body).
    if incoming.original.to_string().len() > MAX_ORIGINAL_BYTES {
        incoming.original = serde_json::Value::Null;
    }
    Ok(incoming)
}

/// A sender's per-message name as one line of visible text: control
/// characters (newlines included) and bidirectional overrides, which
/// could make a name read as another or spill over the message, become
/// spaces; at most 80 characters; `None` when nothing is left.
pub fn display_name(name: &str) -> Option<String> {
    let is_bidi = |c: char| matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_control() || is_bidi(c) { ' ' } else { c })
        .collect();
    let one_line = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = one_line.chars().take(80).collect();
    let short = short.trim();
    (!short.is_empty()).then(|| short.to_string())
}

/// Bodies up to this size are read on the request's task; larger ones
/// on tokio's blocking pool (SPEC C15): reading is linear, but a
/// megabyte still takes milliseconds an async worker owes others.
pub const INLINE_READ_BYTES: usize = 16 * 1024;

/// Runs `read` over `body` on the blocking pool when the body is large.
pub async fn off_workers<T: Send + 'static>(
    body: &[u8],
    read: impl FnOnce(&[u8]) -> T + Send + 'static,
) -> Result<T, IncomingError> {
    if body.len() <= INLINE_READ_BYTES {
        return Ok(read(body));
    }
    let owned = body.to_vec();
    tokio::task::spawn_blocking(move || read(&owned))
        .await
        .map_err(|_| IncomingError::Internal)
}

/// A body in any dialect, within the limits (SPEC C4, C7), read off the
/// async workers when it is large.
async fn read_body(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<IncomingMessage, IncomingError> {
    let content_type = content_type.map(str::to_string);
    off_workers(body, move |body| {
        within_limits(
            super::incoming_body::read(content_type.as_deref(), body).map_err(body_error)?,
        )
    })
    .await?
}

/// SPEC C8: the message `message_id` as this webhook posted it.
pub async fn own_message(
    hooks: &ChannelWebhooks,
    caller: &Caller<'_>,
    message_id: &str,
) -> Result<crate::model::ChannelMessage, IncomingError> {
    authenticate(hooks, caller, b"").await?;
    match feed::message_by_id(hooks.db(), message_id).await? {
        Some(m) if m.webhook_id.as_deref() == Some(caller.id) => Ok(m),
        _ => Err(IncomingError::NotFound),
    }
}

/// SPEC C8: replaces one of this webhook's messages with a new body (any
/// dialect); the edit shows live with an "edited" mark.
pub async fn edit_own_message(
    hooks: &ChannelWebhooks,
    caller: &Caller<'_>,
    message_id: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<crate::model::ChannelMessage, IncomingError> {
    authenticate(hooks, caller, body).await?;
    let id = caller.id;
    if let Some(limiter) = &hooks.limiter {
        limiter.check(id).map_err(IncomingError::RateLimited)?;
    }
    let incoming = read_body(content_type, body).await?;
    feed::edit_webhook_message(
        &hooks.channels.feed,
        id,
        message_id,
        &incoming.markdown(),
        &incoming.rich,
        kept_original(&incoming),
    )
    .await?
    .ok_or(IncomingError::NotFound)
}

/// SPEC C8: deletes one of this webhook's messages; it disappears live.
pub async fn delete_own_message(
    hooks: &ChannelWebhooks,
    caller: &Caller<'_>,
    message_id: &str,
) -> Result<(), IncomingError> {
    authenticate(hooks, caller, b"").await?;
    if feed::delete_webhook_message(&hooks.channels.feed, caller.id, message_id).await? {
        Ok(())
    } else {
        Err(IncomingError::NotFound)
    }
}

/// The incoming endpoint's work: check the token (constant time) and a
/// GitHub secret's signature, the rate limit and the body — a multipart
/// body is opened only after the caller is known (SPEC C7) — then store
/// and broadcast the message.
pub async fn post_incoming(
    hooks: &ChannelWebhooks,
    caller: &Caller<'_>,
    content_type: Option<&str>,
    body: bytes::Bytes,
) -> Result<crate::model::ChannelMessage, IncomingError> {
    let row = authenticate(hooks, caller, &body).await?;
    let id = caller.id;
    if let Some(limiter) = &hooks.limiter {
        limiter.check(id).map_err(IncomingError::RateLimited)?;
    }
    let (content_type, body) = super::incoming_body::unwrap_multipart(content_type, body)
        .await
        .map_err(body_error)?;
    let incoming = read_body(content_type.as_deref(), &body).await?;
    store_incoming(hooks, &row, id, incoming).await
}

/// A GitHub delivery as GitHub sends it (SPEC C9)
pub struct GithubDelivery<'a> {
    /// `X-GitHub-Event`.
    pub event: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

/// `POST {url}/github`: the signature is checked when the webhook has a
/// GitHub secret (401 otherwise), then the event becomes a card.
pub async fn post_github(
    hooks: &ChannelWebhooks,
    caller: &Caller<'_>,
    delivery: GithubDelivery<'_>,
) -> Result<crate::model::ChannelMessage, IncomingError> {
    let row = authenticate(hooks, caller, delivery.body).await?;
    let id = caller.id;
    if let Some(limiter) = &hooks.limiter {
        limiter.check(id).map_err(IncomingError::RateLimited)?;
    }
    let event = delivery
        .event
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or(IncomingError::NoEvent)?;
    let (event, content_type) = (event.to_string(), delivery.content_type.map(str::to_string));
    let incoming = off_workers(delivery.body, move |body| {
        let json =
            super::incoming_body::parse_json(content_type.as_deref(), body).map_err(body_error)?;
        within_limits(super::github::read_event(&event, &json).map_err(body_error)?)
    })
    .await??;
    store_incoming(hooks, &row, id, incoming).await
}

/// The body as it came, kept with the message (SPEC C10) up to a size: a
/// sender cannot make each message cost a megabyte of storage and of REST
/// listings.
fn kept_original(incoming: &IncomingMessage) -> Option<&serde_json::Value> {
    (!incoming.original.is_null()).then_some(&incoming.original)
}

/// Stores a read body as the webhook's message ("last used" is updated in
/// the same commit).
async fn store_incoming(
    hooks: &ChannelWebhooks,
    row: &IncomingHook,
    id: &str,
    incoming: IncomingMessage,
) -> Result<crate::model::ChannelMessage, IncomingError> {
    let channel_id = &row.channel_id;
    let hook_name = row.name.clone();
    let hook_image = row.profile_image_url.clone();
    // Per-message name overrides (Slack's and Discord's `username`). A
    // sender's image (`avatar_url`, `icon_url`) is fetched by the server
    // and shown once it is here; until then the webhook's own (SPEC C10).
    let name = incoming
        .username
        .as_deref()
        .and_then(display_name)
        .unwrap_or(hook_name);
    let markdown = incoming.markdown();
    let original = kept_original(&incoming);
    let message = feed::insert_message(
        &hooks.channels.feed,
        NewMessage {
            channel_id,
            user_id: None,
            author_role: "webhook",
            author_name: &name,
            author_image: hook_image.as_deref(),
            webhook_id: Some(id),
            content: &markdown,
            rich: Some(&incoming.rich),
            original,
        },
    )
    .await?;
    Ok(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(name: &str) -> IncomingHook {
        IncomingHook {
            channel_id: "c".into(),
            name: name.into(),
            profile_image_url: None,
            token_hash: "h".into(),
            github_secret_sealed: None,
        }
    }

    #[test]
    fn a_change_forgets_a_webhook_and_beats_a_look_up_that_started_before_it() {
        let cache = WebhookCache::new(true);
        let epoch = cache.epoch();
        cache.put("w", &hook("Old"), epoch);
        assert_eq!(cache.get("w").map(|h| h.name), Some("Old".into()));

        // A post reads the row, then the webhook changes and is forgotten
        // before that post stores what it read: the old row stays out.
        let read_before_change = cache.epoch();
        cache.forget("w");
        cache.put("w", &hook("Old"), read_before_change);
        assert!(cache.get("w").is_none(), "a stale row is not cached");
        cache.put("w", &hook("New"), cache.epoch());
        assert_eq!(cache.get("w").map(|h| h.name), Some("New".into()));

        cache.put("x", &hook("X"), cache.epoch());
        cache.forget_all();
        assert!(cache.is_empty());
    }

    #[test]
    fn the_cache_holds_at_most_its_bound() {
        let cache = WebhookCache::new(true);
        for i in 0..(WEBHOOK_CACHE_MAX + 10) {
            cache.put(&format!("w{i}"), &hook("n"), cache.epoch());
            assert!(cache.len() <= WEBHOOK_CACHE_MAX);
        }
        assert!(cache.get(&format!("w{}", WEBHOOK_CACHE_MAX + 9)).is_some());

        let off = WebhookCache::new(false);
        off.put("w", &hook("n"), off.epoch());
        assert!(off.get("w").is_none(), "PostgreSQL: every post reads");
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"GIF89a..."), Some("image/gif"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
    }

    #[test]
    fn rate_limit_allows_the_burst_then_refuses() {
        let l = IncomingLimiter::new(20, 100).expect("on");
        for _ in 0..100 {
            l.check("w").expect("burst");
        }
        assert!(l.check("w").is_err());
        assert!(l.check("other").is_ok());
        assert!(IncomingLimiter::new(0, 100).is_none(), "0 turns it off");
    }
}
