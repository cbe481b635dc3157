//! The channel message feed: storing a message (rendered once, SPEC C15)
//! and pushing it, its edits and its removal to everyone who may see its
//! channel. No access checks and no sender dialects here: `channels`
//! checks readers and writers, `channel_webhooks` turns a sender's body
//! into a [`RichBody`] before it reaches the feed.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Notify;

use super::db::{new_id, now_ms, Db};
pub use super::markdown::render_markdown;
use super::message_writer::{MessageRow, MessageWriter};
use super::realtime::RealtimeHub;
use super::rich::RichBody;
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::{ChannelMessage, MessageAuthor, ServerEvent};

pub const MAX_CONTENT_CHARS: usize = 16_000;

/// What the feed needs: the database, the sockets, who sees each channel,
/// the group-committing writer and the image fetcher's wake-up.
#[derive(Clone)]
pub struct Feed {
    pub db: Db,
    pub hub: RealtimeHub,
    pub viewers: Arc<ViewersCache>,
    pub writer: MessageWriter,
    pub media_wake: Arc<Notify>,
}

pub struct NewMessage<'a> {
    pub channel_id: &'a str,
    pub user_id: Option<&'a str>,
    pub author_role: &'a str,
    pub author_name: &'a str,
    pub author_image: Option<&'a str>,
    pub webhook_id: Option<&'a str>,
    pub content: &'a str,
    /// What a webhook sender posted, structured (SPEC C10).
    pub rich: Option<&'a RichBody>,
    /// The sender's body as it came, kept in meta.
    pub original: Option<&'a serde_json::Value>,
}

pub fn validate_content(content: &str) -> Result<&str, Error> {
    let trimmed = content.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(Key::ErrMessageEmpty));
    }
    if content.chars().count() > MAX_CONTENT_CHARS {
        return Err(Error::Invalid(
            Message::new(Key::ErrMessageTooLong).arg("max", MAX_CONTENT_CHARS),
        ));
    }
    Ok(content)
}

/// A message's meta column: the webhook it came from (SPEC C5), what the
/// sender posted, structured, and the body as it came (SPEC C10).
fn meta_json(
    webhook: Option<(&str, &str, Option<&str>)>,
    rich: Option<&RichBody>,
    original: Option<&serde_json::Value>,
) -> serde_json::Value {
    let mut meta = serde_json::json!({});
    if let Some((id, name, image)) = webhook {
        meta["webhook"] = serde_json::json!({"id": id, "name": name, "profile_image_url": image});
    }
    if let Some(rich) = rich {
        meta["rich"] = serde_json::to_value(rich).unwrap_or_default();
    }
    if let Some(original) = original {
        meta["original"] = original.clone();
    }
    meta
}

/// A message's stored rendering (SPEC C15): its HTML and, once Parley
/// has the sender's avatar, Parley's copy of it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    pub html: String,
    pub avatar: Option<String>,
}

/// Renders a message's body with the images Parley has now
/// (placeholders for the rest).
pub fn render_body(
    content: &str,
    rich: Option<&RichBody>,
    ready: &HashMap<String, String>,
) -> Rendered {
    let image_src = |url: &str| ready.get(url).cloned();
    match rich {
        Some(rich) => Rendered {
            html: rich.html(&image_src),
            avatar: rich.avatar_url.as_deref().and_then(image_src),
        },
        None => Rendered {
            html: render_markdown(content),
            avatar: None,
        },
    }
}

/// Bodies up to this size are rendered on the request's own task (it
/// costs microseconds); larger ones on tokio's blocking pool, so that no
/// body a sender writes holds an async worker (SPEC C15).
pub const INLINE_RENDER_BYTES: usize = 4 * 1024;

/// [`render_body`] off the async workers when the body is large.
pub async fn render_body_off_workers(
    content: &str,
    rich: Option<&RichBody>,
    ready: HashMap<String, String>,
) -> Result<Rendered, Error> {
    if content.len() <= INLINE_RENDER_BYTES {
        return Ok(render_body(content, rich, &ready));
    }
    let (content, rich) = (content.to_string(), rich.cloned());
    tokio::task::spawn_blocking(move || render_body(&content, rich.as_ref(), &ready))
        .await
        .map_err(|_| Error::Internal)
}

/// Stores a message and pushes it to everyone who can see the channel.
/// It is rendered here, once: reads return the stored HTML.
pub async fn insert_message(feed: &Feed, m: NewMessage<'_>) -> Result<ChannelMessage, Error> {
    let id = new_id();
    let now = now_ms();
    let content = super::db::storable_text(m.content);
    let author_name = super::db::storable_text(m.author_name);
    let m = NewMessage {
        content: &content,
        author_name: &author_name,
        ..m
    };
    let meta = meta_json(
        m.webhook_id.map(|wid| (wid, m.author_name, m.author_image)),
        m.rich,
        m.original,
    );
    let urls = m.rich.map(RichBody::image_urls).unwrap_or_default();
    let ready = super::media::ready_sources(&feed.db, &urls).await?;
    let ready_before = ready.len();
    let rendered = render_body_off_workers(m.content, m.rich, ready).await?;
    // Committed (with a webhook's "last used" time) before anyone hears of
    // it, together with the posts arriving at the same moment.
    feed.writer
        .write(MessageRow {
            id: id.clone(),
            channel_id: m.channel_id.to_string(),
            user_id: m.user_id.map(str::to_string),
            author_role: m.author_role.to_string(),
            author_name: m.author_name.to_string(),
            author_image: m.author_image.map(str::to_string),
            webhook_id: m.webhook_id.map(str::to_string),
            content: m.content.to_string(),
            meta: meta.to_string(),
            html: rendered.html.clone(),
            html_avatar: rendered.avatar.clone(),
            created_at: now,
        })
        .await?;
    if !urls.is_empty() {
        register_images(feed, &id, m.rich).await?;
        // An image that arrived between the look-up above and the
        // registration would never be shown: render again if so (after
        // the registration, the fetcher renders what it brings).
        if super::media::ready_sources(&feed.db, &urls).await?.len() != ready_before {
            if let Some(message) = rerender(feed, &id).await? {
                broadcast(feed, message.clone()).await?;
                return Ok(message);
            }
        }
    }
    let rich = m.rich;
    let mut author = MessageAuthor {
        id: m.user_id.map(str::to_string),
        name: m.author_name.to_string(),
        role: m.author_role.to_string(),
        image: m.author_image.map(str::to_string),
        emoji: rich.and_then(|r| r.avatar_emoji.clone()),
    };
    if let Some(avatar) = rendered.avatar {
        author.image = Some(avatar);
    }
    let message = ChannelMessage {
        id,
        channel_id: m.channel_id.to_string(),
        content: m.content.to_string(),
        html: rendered.html,
        created_at: now,
        author,
        webhook_id: m.webhook_id.map(str::to_string),
        webhook_deleted: false,
        edited_at: None,
        cards: rich.map(|r| r.cards.clone()).unwrap_or_default(),
        original: m.original.cloned(),
    };
    broadcast(feed, message.clone()).await?;
    Ok(message)
}

/// Renders one stored message again with the images Parley has now and
/// stores the result (an image arrived, the renderer changed); the
/// message as it now reads, or `None` when it is gone.
pub async fn rerender(feed: &Feed, message_id: &str) -> Result<Option<ChannelMessage>, Error> {
    let Some(loaded) = load(&feed.db, message_id).await? else {
        return Ok(None);
    };
    Ok(Some(store_rendering(&feed.db, loaded).await?))
}

/// Renders a loaded message and stores its HTML with the current
/// renderer's version.
async fn store_rendering(db: &Db, mut loaded: Loaded) -> Result<ChannelMessage, Error> {
    let urls = loaded
        .rich
        .as_ref()
        .map(RichBody::image_urls)
        .unwrap_or_default();
    let mut ready = super::media::ready_sources(db, &urls).await?;
    loop {
        let seen = ready.len();
        let rendered =
            render_body_off_workers(&loaded.message.content, loaded.rich.as_ref(), ready).await?;
        sqlx::query(
            "UPDATE channel_messages SET html = $1, html_avatar = $2, html_version = $3 WHERE id = $4",
        )
        .bind(&rendered.html)
        .bind(&rendered.avatar)
        .bind(super::markdown::RENDER_VERSION)
        .bind(&loaded.message.id)
        .execute(db)
        .await?;
        // Two images of one message arriving together start two of these:
        // the one that saw fewer ready images may store last. Whoever
        // stored looks again, so what is stored (and sent) is never older
        // than what has arrived.
        let now = super::media::ready_sources(db, &urls).await?;
        if now.len() == seen {
            loaded.html = Some(rendered.html);
            loaded.avatar = rendered.avatar;
            loaded.stale = false;
            return Ok(loaded.into_message());
        }
        ready = now;
    }
}

/// Messages stored by an older renderer (SPEC C15: rendered once per
/// renderer version), rendered again in batches after an upgrade; how
/// many. Run once in the background at start.
pub async fn render_stale_messages(db: &Db) -> Result<usize, Error> {
    let mut done = 0;
    loop {
        let rows: Vec<StoredMessage> = sqlx::query_as(&format!(
            "{MESSAGE_SELECT} WHERE m.html_version <> $1 OR m.html IS NULL LIMIT 100"
        ))
        .bind(super::markdown::RENDER_VERSION)
        .fetch_all(db)
        .await?;
        if rows.is_empty() {
            return Ok(done);
        }
        for row in rows {
            store_rendering(db, row.into()).await?;
            done += 1;
        }
    }
}

/// The images a rich message names, queued for the fetcher.
async fn register_images(
    feed: &Feed,
    message_id: &str,
    rich: Option<&RichBody>,
) -> Result<(), Error> {
    let urls = rich.map(RichBody::image_urls).unwrap_or_default();
    if !urls.is_empty() && super::media::register(&feed.db, message_id, &urls).await? {
        feed.media_wake.notify_one();
    }
    Ok(())
}

/// Sends a new or changed message to everyone who may see its channel.
pub async fn broadcast(feed: &Feed, message: ChannelMessage) -> Result<(), Error> {
    let viewers = viewers(feed, &message.channel_id).await?;
    feed.hub.send_to_users(
        &viewers,
        ServerEvent::ChannelMessage {
            message: Box::new(message),
        },
    );
    Ok(())
}

/// Channels kept at most by the [`ViewersCache`].
pub const VIEWERS_CACHE_MAX: usize = 4_096;

/// Who may see each channel's new messages, so a post to a busy channel
/// does not ask the database every time (SPEC B1). Only on SQLite, where
/// this process is the one writer: every change to members, roles and
/// accounts goes through Parley here and calls [`ViewersCache::changed`]
/// once committed. On PostgreSQL other instances make such changes too
/// (SPEC S2), so every post reads.
#[derive(Default)]
pub struct ViewersCache {
    enabled: bool,
    /// Bumped by every change that may change someone's access; an entry
    /// read under an older one is not used.
    generation: std::sync::atomic::AtomicU64,
    entries: std::sync::Mutex<HashMap<String, CachedViewers>>,
}

/// A channel's viewers and the generation they were read under.
type CachedViewers = (u64, Arc<Vec<String>>);

impl ViewersCache {
    pub fn new(enabled: bool) -> ViewersCache {
        ViewersCache {
            enabled,
            ..ViewersCache::default()
        }
    }

    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    fn get(&self, channel_id: &str) -> Option<Arc<Vec<String>>> {
        if !self.enabled {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (generation, viewers) = entries.get(channel_id)?;
        (*generation == self.generation()).then(|| viewers.clone())
    }

    fn put(&self, channel_id: &str, viewers: Arc<Vec<String>>, read_at: u64) {
        if !self.enabled {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= VIEWERS_CACHE_MAX {
            entries.clear();
        }
        // A change committed while this was read makes it stale at once.
        entries.insert(channel_id.to_string(), (read_at, viewers));
    }

    /// After a committed change to channel members, a role or an account.
    pub fn changed(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Who may see a new message: the channel's members whose account is not
/// pending (a demoted member keeps the row but loses the channel), and
/// the admins.
async fn viewers(feed: &Feed, channel_id: &str) -> Result<Arc<Vec<String>>, Error> {
    if let Some(viewers) = feed.viewers.get(channel_id) {
        return Ok(viewers);
    }
    let read_at = feed.viewers.generation();
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT m.user_id FROM channel_members m JOIN users u ON u.id = m.user_id \
         WHERE m.channel_id = $1 AND u.role <> 'pending' \
         UNION SELECT id FROM users WHERE role = 'admin'",
    )
    .bind(channel_id)
    .fetch_all(&feed.db)
    .await?;
    let viewers: Arc<Vec<String>> = Arc::new(rows.into_iter().map(|(id,)| id).collect());
    feed.viewers.put(channel_id, viewers.clone(), read_at);
    Ok(viewers)
}

/// Which part of a channel's history to read (SPEC W4b): the `limit`
/// messages older than `before` (a message id; keyset, no scan of what is
/// newer), after skipping `skip` of them (Open WebUI's `skip`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryPage {
    pub limit: i64,
    pub skip: i64,
    pub before: Option<String>,
}

impl HistoryPage {
    pub const MAX_LIMIT: i64 = 1000;

    pub fn newest(limit: i64) -> HistoryPage {
        HistoryPage {
            limit,
            skip: 0,
            before: None,
        }
    }
}

/// A page of a channel's messages, newest first, without an access check
/// (`channels::messages` checks the reader).
pub async fn history(
    db: &Db,
    channel_id: &str,
    page: &HistoryPage,
) -> Result<Vec<ChannelMessage>, Error> {
    // The position to read back from: the `before` message's, or the end.
    let (until_at, until_id) = match &page.before {
        Some(before) => {
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT created_at, id FROM channel_messages WHERE id = $1 AND channel_id = $2",
            )
            .bind(before)
            .bind(channel_id)
            .fetch_optional(db)
            .await?;
            row.ok_or(Error::NotFound)?
        }
        None => (i64::MAX, String::new()),
    };
    let rows: Vec<StoredMessage> = sqlx::query_as(&format!(
        "{MESSAGE_SELECT} WHERE m.channel_id = $1 \
         AND (m.created_at < $2 OR (m.created_at = $2 AND m.id < $3) OR $4) \
         ORDER BY m.created_at DESC, m.id DESC LIMIT $5 OFFSET $6"
    ))
    .bind(channel_id)
    .bind(until_at)
    .bind(&until_id)
    .bind(page.before.is_none())
    .bind(page.limit.clamp(1, HistoryPage::MAX_LIMIT))
    .bind(page.skip.max(0))
    .fetch_all(db)
    .await?;
    finish(db, rows.into_iter().map(Loaded::from).collect()).await
}

const MESSAGE_SELECT: &str = "SELECT m.id, m.channel_id, m.user_id, m.author_role, m.author_name, m.author_image, m.webhook_id, m.content, m.meta, m.created_at, m.edited_at, m.html, m.html_avatar, m.html_version, \
     CAST(CASE WHEN m.webhook_id IS NOT NULL AND w.id IS NULL THEN 1 ELSE 0 END AS BIGINT) AS webhook_deleted \
     FROM channel_messages m LEFT JOIN channel_webhooks w ON w.id = m.webhook_id";

/// A message as read, with its stored rendering.
struct Loaded {
    message: ChannelMessage,
    rich: Option<RichBody>,
    html: Option<String>,
    avatar: Option<String>,
    /// Rendered by an older renderer (or never): rendered again before it
    /// is shown.
    stale: bool,
}

impl Loaded {
    fn into_message(self) -> ChannelMessage {
        let Loaded {
            mut message,
            rich,
            html,
            avatar,
            ..
        } = self;
        message.html = html.unwrap_or_default();
        if let Some(avatar) = avatar {
            message.author.image = Some(avatar);
        }
        if let Some(rich) = rich {
            message.author.emoji = rich.avatar_emoji;
            message.cards = rich.cards;
        }
        message
    }
}

/// The parts of a message's meta that reading needs.
#[derive(serde::Deserialize, Default)]
struct StoredMeta {
    rich: Option<RichBody>,
    original: Option<serde_json::Value>,
}

/// A `channel_messages` row as [`MESSAGE_SELECT`] reads it.
#[derive(sqlx::FromRow)]
struct StoredMessage {
    id: String,
    channel_id: String,
    user_id: Option<String>,
    author_role: String,
    author_name: String,
    author_image: Option<String>,
    webhook_id: Option<String>,
    content: String,
    meta: String,
    created_at: i64,
    edited_at: Option<i64>,
    html: Option<String>,
    html_avatar: Option<String>,
    html_version: i64,
    webhook_deleted: i64,
}

impl From<StoredMessage> for Loaded {
    fn from(r: StoredMessage) -> Loaded {
        // A meta the reader cannot read shows the message without its
        // cards rather than failing the whole page.
        let meta: StoredMeta = serde_json::from_str(&r.meta).unwrap_or_default();
        Loaded {
            message: ChannelMessage {
                id: r.id,
                channel_id: r.channel_id,
                html: String::new(),
                content: r.content,
                created_at: r.created_at,
                author: MessageAuthor {
                    id: r.user_id,
                    name: r.author_name,
                    role: r.author_role,
                    image: r.author_image,
                    emoji: None,
                },
                webhook_id: r.webhook_id,
                webhook_deleted: r.webhook_deleted != 0,
                edited_at: r.edited_at,
                cards: Vec::new(),
                original: meta.original,
            },
            rich: meta.rich,
            stale: r.html.is_none() || r.html_version != super::markdown::RENDER_VERSION,
            html: r.html,
            avatar: r.html_avatar,
        }
    }
}

/// The messages as they read: their stored HTML. Only a row an older
/// renderer wrote (before the start-up pass reached it) is rendered here,
/// once, and stored.
async fn finish(db: &Db, loaded: Vec<Loaded>) -> Result<Vec<ChannelMessage>, Error> {
    let mut out = Vec::with_capacity(loaded.len());
    for l in loaded {
        out.push(if l.stale {
            store_rendering(db, l).await?
        } else {
            l.into_message()
        });
    }
    Ok(out)
}

/// Replaces what a message `webhook_id` posted (SPEC C8) and shows the
/// edit live; `None` when it posted no such message.
pub async fn edit_webhook_message(
    feed: &Feed,
    webhook_id: &str,
    message_id: &str,
    content: &str,
    rich: &RichBody,
    original: Option<&serde_json::Value>,
) -> Result<Option<ChannelMessage>, Error> {
    let content = super::db::storable_text(content);
    let current: Option<(String,)> =
        sqlx::query_as("SELECT meta FROM channel_messages WHERE id = $1 AND webhook_id = $2")
            .bind(message_id)
            .bind(webhook_id)
            .fetch_optional(&feed.db)
            .await?;
    let Some((meta,)) = current else {
        return Ok(None);
    };
    // The webhook's name and image stay as they were when it posted.
    let mut meta: serde_json::Value = serde_json::from_str(&meta).unwrap_or_default();
    if !meta.is_object() {
        meta = serde_json::json!({});
    }
    meta["rich"] = serde_json::to_value(rich).unwrap_or_default();
    match (original, meta.as_object_mut()) {
        (Some(original), _) => meta["original"] = original.clone(),
        (None, Some(fields)) => {
            fields.remove("original");
        }
        (None, None) => {}
    }
    // The old HTML is marked stale in the same statement: a read between
    // this and the new rendering renders for itself.
    let updated = sqlx::query(
        "UPDATE channel_messages SET content = $1, meta = $2, edited_at = $3, html_version = 0 WHERE id = $4 AND webhook_id = $5",
    )
    .bind(content.as_ref())
    .bind(meta.to_string())
    .bind(now_ms())
    .bind(message_id)
    .bind(webhook_id)
    .execute(&feed.db)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(None);
    }
    register_images(feed, message_id, Some(rich)).await?;
    let Some(message) = rerender(feed, message_id).await? else {
        return Ok(None);
    };
    broadcast(feed, message.clone()).await?;
    Ok(Some(message))
}

/// Deletes a message `webhook_id` posted and removes it from open views;
/// `false` when it posted no such message.
pub async fn delete_webhook_message(
    feed: &Feed,
    webhook_id: &str,
    message_id: &str,
) -> Result<bool, Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "DELETE FROM channel_messages WHERE id = $1 AND webhook_id = $2 RETURNING channel_id",
    )
    .bind(message_id)
    .bind(webhook_id)
    .fetch_optional(&feed.db)
    .await?;
    let Some((channel_id,)) = row else {
        return Ok(false);
    };
    removed(feed, channel_id, message_id).await?;
    Ok(true)
}

/// After a message's row is gone: its image links go and every open view
/// drops it.
pub async fn removed(feed: &Feed, channel_id: String, message_id: &str) -> Result<(), Error> {
    sqlx::query("DELETE FROM channel_message_media WHERE message_id = $1")
        .bind(message_id)
        .execute(&feed.db)
        .await?;
    let viewers = viewers(feed, &channel_id).await?;
    feed.hub.send_to_users(
        &viewers,
        ServerEvent::ChannelMessageDeleted {
            channel_id,
            message_id: message_id.to_string(),
        },
    );
    Ok(())
}

/// One message, without an access check (for relaying to known viewers).
pub async fn message_by_id(db: &Db, id: &str) -> Result<Option<ChannelMessage>, Error> {
    let Some(loaded) = load(db, id).await? else {
        return Ok(None);
    };
    Ok(finish(db, vec![loaded]).await?.pop())
}

/// One stored message as read, or `None`.
async fn load(db: &Db, id: &str) -> Result<Option<Loaded>, Error> {
    let row: Option<StoredMessage> = sqlx::query_as(&format!("{MESSAGE_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(Loaded::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viewers_read_before_a_change_are_not_used_after_it() {
        let cache = ViewersCache::new(true);
        let read_at = cache.generation();
        cache.put("c", Arc::new(vec!["u".into()]), read_at);
        assert_eq!(cache.get("c").as_deref(), Some(&vec!["u".to_string()]));
        cache.changed();
        assert!(cache.get("c").is_none(), "stale after a change");
        // Read before the change, stored after it: never served.
        cache.put("c", Arc::new(vec!["u".into()]), read_at);
        assert!(cache.get("c").is_none());
        for i in 0..(VIEWERS_CACHE_MAX + 5) {
            cache.put(&format!("c{i}"), Arc::new(Vec::new()), cache.generation());
        }
        assert!(cache.entries.lock().expect("lock").len() <= VIEWERS_CACHE_MAX);
        let off = ViewersCache::new(false);
        off.put("c", Arc::new(Vec::new()), off.generation());
        assert!(off.get("c").is_none(), "PostgreSQL: every post reads");
    }
}
