//! Channel messages are written by one task that commits the posts
//! arriving together in one transaction (SPEC B1): one commit — one fsync
//! on SQLite — for a burst instead of one per statement, and no lock
//! contention between posts. A caller's `write` returns only once its
//! transaction has committed, so a 200 still means the message is on disk.

use std::collections::HashMap;

use std::sync::Arc;

use serde_json::json;
use tokio::sync::{mpsc, oneshot, Notify};

use super::config::ConfigStore;
use super::db::{begin_write, now_ms, Backend, Db};
use super::events::{self, EmitSettings, Event};
use super::presence::PresenceRegistry;
use super::webhooks::store::{NewDelivery, Target};
use super::webhooks::targets::{self, Subscribers, SubscriptionCache};
use crate::error::Error;
use crate::i18n::{Key, Locale, Message};
use crate::model::{NotifyMode, CHANNEL_MENTION, CHANNEL_MESSAGE};

/// Posts waiting for the writer; a full queue makes callers wait.
pub const QUEUE: usize = 1024;
/// Posts committed together at most.
pub const MAX_BATCH: usize = 256;

/// One message row as stored.
#[derive(Clone, Debug)]
pub struct MessageRow {
    pub id: String,
    pub channel_id: String,
    pub user_id: Option<String>,
    pub author_role: String,
    pub author_name: String,
    pub author_image: Option<String>,
    pub webhook_id: Option<String>,
    pub content: String,
    pub meta: String,
    /// The message rendered once, when written (SPEC C15).
    pub html: String,
    /// Parley's copy of the sender's avatar, when it already had it.
    pub html_avatar: Option<String>,
    pub created_at: i64,
}

struct Job {
    row: MessageRow,
    done: oneshot::Sender<Result<(), Error>>,
}

/// The handle every request holds; cheap to clone.
#[derive(Clone)]
pub struct MessageWriter {
    queue: mpsc::Sender<Job>,
}

impl MessageWriter {
    /// Starts the writer task on the current runtime.
    pub fn spawn(
        db: Db,
        backend: Backend,
        settings: EmitSettings,
        members: MemberNotices,
        delivery_wake: Arc<Notify>,
    ) -> MessageWriter {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let writer = Writer {
            db,
            backend,
            settings,
            members,
            delivery_wake,
            admin_subscribers: tokio::sync::Mutex::new(SubscriptionCache::new(
                Subscribers::Admin,
                &[CHANNEL_MESSAGE],
            )),
            member_subscribers: tokio::sync::Mutex::new(SubscriptionCache::new(
                Subscribers::AnyUser,
                &[CHANNEL_MESSAGE, CHANNEL_MENTION],
            )),
        };
        tokio::spawn(run(writer, jobs));
        MessageWriter { queue }
    }

    /// Stores `row` (and a webhook's "last used" time); returns once it
    /// is committed.
    pub async fn write(&self, row: MessageRow) -> Result<(), Error> {
        let (done, committed) = oneshot::channel();
        self.queue
            .send(Job { row, done })
            .await
            .map_err(|_| Error::Internal)?;
        committed.await.map_err(|_| Error::Internal)?
    }
}

/// What the writer needs to tell channel members' own targets (SPEC E3):
/// whether user webhooks are on, and who is away.
#[derive(Clone)]
pub struct MemberNotices {
    pub config: ConfigStore,
    pub presence: PresenceRegistry,
}

/// What the writer task holds.
struct Writer {
    db: Db,
    backend: Backend,
    settings: EmitSettings,
    members: MemberNotices,
    delivery_wake: Arc<Notify>,
    admin_subscribers: tokio::sync::Mutex<SubscriptionCache>,
    member_subscribers: tokio::sync::Mutex<SubscriptionCache>,
}

async fn run(w: Writer, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for one post, then takes every one already waiting.
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut batch);
        let rows: Vec<&MessageRow> = batch.iter().map(|j| &j.row).collect();
        match commit(&w, &rows).await {
            Ok(()) => {
                for job in batch {
                    let _ = job.done.send(Ok(()));
                }
            }
            // One bad row (its channel deleted meanwhile) must not fail the
            // others: each is tried again on its own.
            Err(e) => {
                tracing::warn!(error = %e, rows = batch.len(), "group commit failed; writing one by one");
                for job in batch {
                    let result = commit(&w, &[&job.row]).await.map_err(|e| {
                        tracing::error!(error = %e, "cannot store a channel message");
                        Error::Internal
                    });
                    let _ = job.done.send(result);
                }
            }
        }
    }
}

async fn commit(w: &Writer, rows: &[&MessageRow]) -> Result<(), Error> {
    // Whether anyone subscribes to `channel.message`: remembered between
    // batches (this task is the only writer, so every batch waits for it)
    // and asked before the write lock is taken.
    let admins_want = w.admin_subscribers.lock().await.anyone(&w.db).await?;
    let members_want = w.member_subscribers.lock().await.anyone(&w.db).await?
        && w.members.config.enable_user_webhooks().await?;
    let mut tx = begin_write(&w.db, w.backend).await?;
    for m in rows {
        sqlx::query(
            "INSERT INTO channel_messages (id, channel_id, user_id, author_role, author_name, author_image, webhook_id, content, meta, created_at, html, html_avatar, html_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&m.id)
        .bind(&m.channel_id)
        .bind(&m.user_id)
        .bind(&m.author_role)
        .bind(&m.author_name)
        .bind(&m.author_image)
        .bind(&m.webhook_id)
        .bind(&m.content)
        .bind(&m.meta)
        .bind(m.created_at)
        .bind(&m.html)
        .bind(&m.html_avatar)
        .bind(super::markdown::RENDER_VERSION)
        .execute(&mut *tx)
        .await?;
    }
    // "Last used" once per webhook of the batch (SPEC C5).
    let mut last_used: HashMap<&str, i64> = HashMap::new();
    for m in rows {
        if let Some(webhook_id) = &m.webhook_id {
            let at = last_used.entry(webhook_id).or_insert(m.created_at);
            *at = (*at).max(m.created_at);
        }
    }
    for (webhook_id, at) in last_used {
        sqlx::query("UPDATE channel_webhooks SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(webhook_id)
            .execute(&mut *tx)
            .await?;
    }
    // `channel.message` to the admin targets subscribed to it and to the
    // members' own targets, in the same transaction (SPEC E3, E5).
    let mut queued = 0;
    if admins_want || members_want {
        for m in rows {
            let event = message_event(&mut tx, m).await?;
            if admins_want {
                queued += events::emit(&mut tx, &w.settings, &event).await?;
            }
            if members_want {
                queued += notify_members(&mut tx, w, m, &event).await?;
            }
        }
    }
    tx.commit().await?;
    if queued > 0 {
        w.delivery_wake.notify_one();
    }
    Ok(())
}

/// `channel.message` to each member's targets subscribed to it — every
/// message, or (`channel.message.mention`) those that mention the member —
/// but not the author's own, and not "away" targets of a member active in
/// Parley now. Each in the member's language, with `data.mentioned`.
async fn notify_members(
    conn: &mut sqlx::AnyConnection,
    w: &Writer,
    m: &MessageRow,
    event: &Event,
) -> Result<usize, Error> {
    let now = now_ms();
    let mut queued = 0;
    for member in targets::of_channel_members(conn, &m.channel_id).await? {
        let owner = member.target.owner_id.clone().unwrap_or_default();
        if m.user_id.as_deref() == Some(owner.as_str()) {
            continue;
        }
        let mentioned = mentions(&m.content, &member.owner_name);
        let wanted = member.target.wants(CHANNEL_MESSAGE)
            || (mentioned && member.target.wants(CHANNEL_MENTION));
        let Some(url) = member.target.url.clone().filter(|u| !u.is_empty()) else {
            continue;
        };
        if !wanted {
            continue;
        }
        let away_only = super::webhooks::targets::mode_of(&member.target.mode) == NotifyMode::Away;
        if away_only && w.members.presence.is_active(&owner) {
            continue;
        }
        let mut theirs = event.clone();
        theirs.data["mentioned"] = json!(mentioned);
        let locale = member
            .owner_locale
            .as_deref()
            .and_then(Locale::from_code)
            .unwrap_or(w.settings.locale);
        let body = theirs.body_for(&url, locale, now);
        events::enqueue(
            conn,
            NewDelivery {
                target: Target::User(owner.clone()),
                target_id: &member.target.id,
                carries: events::Carries::Event(events::EventKind::ChannelMessage),
                url: &url,
                body: &body,
            },
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// Whether `content` mentions someone called `name`: `@name` (any case,
/// not followed by a letter or digit), or `@here`, `@channel`,
/// `@everyone`, which mention every member.
pub fn mentions(content: &str, name: &str) -> bool {
    let text = content.to_lowercase();
    let name = name.trim().to_lowercase();
    let whole_word_after = |handle: &str| {
        let needle = format!("@{handle}");
        text.match_indices(&needle).any(|(at, _)| {
            text[at + needle.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    };
    ["here", "channel", "everyone"]
        .iter()
        .any(|h| whole_word_after(h))
        || (!name.is_empty() && whole_word_after(&name))
}

/// The E4 data and message of a new channel message.
async fn message_event(
    conn: &mut sqlx::AnyConnection,
    m: &MessageRow,
) -> Result<Event, sqlx::Error> {
    let (channel,): (String,) = sqlx::query_as("SELECT name FROM channels WHERE id = $1")
        .bind(&m.channel_id)
        .fetch_one(conn)
        .await?;
    let excerpt: String = m.content.chars().take(200).collect();
    Ok(Event {
        kind: crate::events::EventKind::ChannelMessage,
        data: json!({
            "channel": {"id": m.channel_id, "name": channel},
            "message": {
                "id": m.id,
                "content": m.content,
                "created_at": m.created_at,
                "author": {
                    "name": m.author_name,
                    "role": m.author_role,
                    "user_id": m.user_id,
                    "webhook_id": m.webhook_id,
                },
            },
        }),
        message: Message::new(Key::EventMsgChannelMessage)
            .arg("author", m.author_name.as_str())
            .arg("channel", channel)
            .arg("text", excerpt),
    })
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn a_mention_is_at_name_or_everyone() {
        assert!(mentions("@Tim the deploy failed", "Tim"));
        assert!(mentions("ping @tim.", "Tim"));
        assert!(mentions("cc @Ada Lovelace, please", "Ada Lovelace"));
        assert!(mentions("@here: db down", "Tim"));
        assert!(mentions("<b>@channel</b>", "Tim"));
        assert!(!mentions("@Timothy look", "Tim"));
        assert!(!mentions("Tim, look", "Tim"));
        assert!(!mentions("mail tim@example.com", "Tim"));
        assert!(!mentions("@", ""));
    }
}
