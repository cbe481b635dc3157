//! Channel messages are written by one task that commits the posts
//! arriving together in one transaction (SPEC B1): one commit — one fsync
//! on SQLite — for a burst instead of one per statement, and no lock
//! contention between posts. A caller's `write` returns only once its
//! transaction has committed, so a 200 still means the message is on disk.

use std::collections::HashMap;

use std::sync::Arc;

use serde_json::json;
use tokio::sync::{mpsc, oneshot, Notify};

use super::db::{begin_write, Backend, Db};
use super::events::{self, EmitSettings, Event};
use crate::error::Error;
use crate::i18n::{Key, Message};

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
        delivery_wake: Arc<Notify>,
    ) -> MessageWriter {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let writer = Writer {
            db,
            backend,
            settings,
            delivery_wake,
            subscribers: tokio::sync::Mutex::new(super::webhooks::targets::SubscriptionCache::new(
                "channel.message",
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

/// What the writer task holds.
struct Writer {
    db: Db,
    backend: Backend,
    settings: EmitSettings,
    delivery_wake: Arc<Notify>,
    subscribers: tokio::sync::Mutex<super::webhooks::targets::SubscriptionCache>,
}

async fn run(w: Writer, mut jobs: mpsc::Receiver<Job>) {
    while let Some(batch) = crate::batch::next_batch(&mut jobs, MAX_BATCH).await {
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
    let wanted = w.subscribers.lock().await.anyone(&w.db).await?;
    let mut tx = begin_write(&w.db, w.backend).await?;
    for m in rows {
        sqlx::query(
            "INSERT INTO channel_messages (id, channel_id, user_id, author_role, author_name, author_image, webhook_id, content, meta, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    // `channel.message` to the admin targets subscribed to it, in the same
    // transaction (SPEC E5).
    let mut queued = 0;
    if wanted {
        for m in rows {
            let event = message_event(&mut tx, m).await?;
            queued += events::emit(&mut tx, &w.settings, &event).await?;
        }
    }
    tx.commit().await?;
    if queued > 0 {
        w.delivery_wake.notify_one();
    }
    Ok(())
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
        name: "channel.message",
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
