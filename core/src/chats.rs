//! AI chats (SPEC W3): a user's chats and messages, and the server-side
//! task that writes a reply. The task belongs to the server, not to the
//! request or the socket: it finishes and saves the reply even when every
//! tab is closed, then asks for the U3 notification.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use super::db::{new_id, now_ms, Backend, Db};
use super::llm::ChatModels;
use super::llm::{ModelError, Turn};
use super::realtime::RealtimeHub;
use super::webhooks::user::UserWebhooks;
use super::webhooks::user::{queue_reply_event, FinishedReply};
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::{Chat, ChatMessage, ChatRole, ChatSummary, ReplyStatus, ServerEvent, User};

/// What chats need: the database, the owner's sockets, the models, the
/// replies this instance is writing, and users' webhooks for the U3
/// notification when a reply is done.
#[derive(Clone)]
pub struct Chats {
    pub db: Db,
    pub backend: Backend,
    pub hub: RealtimeHub,
    pub models: ChatModels,
    pub generations: Generations,
    pub webhooks: UserWebhooks,
}

pub const MAX_PROMPT_CHARS: usize = 32_000;
const MAX_TITLE_CHARS: usize = 120;
/// A streaming reply is written to the database this often, so a tab on
/// another instance (or after a reload) sees progress and the row stays
/// visibly alive.
const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// A streaming row untouched this long has lost its task (a crashed
/// instance); it no longer blocks the chat and shows as interrupted.
const STALE_AFTER_MS: i64 = 60_000;
const INTERRUPTED: &str = "The server stopped before this reply was finished.";

/// Replies being written on this instance: id → text so far. A chat
/// loaded mid-reply shows all of it, not only the last flush.
#[derive(Clone, Default)]
pub struct Generations(Arc<Mutex<HashMap<String, String>>>);

impl Generations {
    fn set(&self, id: &str, content: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(id.to_string(), content.to_string());
        }
    }

    fn remove(&self, id: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(id);
        }
    }

    fn get(&self, id: &str) -> Option<String> {
        self.0.lock().ok().and_then(|map| map.get(id).cloned())
    }

    /// How many replies this instance is writing right now.
    pub fn running(&self) -> usize {
        self.0.lock().map(|m| m.len()).unwrap_or(0)
    }
}

/// The title of a chat: its first prompt, trimmed, on one line.
pub fn title_for(prompt: &str) -> String {
    let one_line = prompt.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_TITLE_CHARS {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(MAX_TITLE_CHARS - 1).collect();
    cut = cut.trim_end().to_string();
    cut.push('…');
    cut
}

fn validate_prompt(prompt: &str) -> Result<std::borrow::Cow<'_, str>, Error> {
    let prompt = prompt.trim();
    if prompt.is_empty() {
        return Err(Error::invalid(Key::ErrPromptMissing));
    }
    if prompt.chars().count() > MAX_PROMPT_CHARS {
        return Err(Error::Invalid(
            Message::new(Key::ErrPromptTooLong).arg("max", MAX_PROMPT_CHARS),
        ));
    }
    Ok(super::db::storable_text(prompt))
}

const MESSAGE_COLUMNS: &str =
    "id, chat_id, role, content, status, error, model, created_at, updated_at";

/// A `chat_messages` row as stored.
#[derive(sqlx::FromRow)]
struct StoredChatMessage {
    id: String,
    chat_id: String,
    #[sqlx(try_from = "String")]
    role: ChatRole,
    content: String,
    #[sqlx(try_from = "String")]
    status: ReplyStatus,
    error: Option<String>,
    model: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl From<StoredChatMessage> for ChatMessage {
    fn from(r: StoredChatMessage) -> ChatMessage {
        let (mut status, mut error) = (r.status, r.error);
        if status == ReplyStatus::Streaming && now_ms() - r.updated_at > STALE_AFTER_MS {
            status = ReplyStatus::Error;
            error = Some(INTERRUPTED.into());
        }
        let html = if r.role == ChatRole::Assistant && status != ReplyStatus::Streaming {
            super::markdown::render_markdown(&r.content)
        } else {
            String::new()
        };
        ChatMessage {
            id: r.id,
            chat_id: r.chat_id,
            role: r.role,
            content: r.content,
            html,
            status,
            error,
            model: r.model,
            created_at: r.created_at,
        }
    }
}

pub async fn list(db: &Db, user: &User) -> Result<Vec<ChatSummary>, Error> {
    Ok(sqlx::query_as(
        "SELECT id, title, model, updated_at FROM chats WHERE user_id = $1 \
         ORDER BY updated_at DESC LIMIT 500",
    )
    .bind(&user.id)
    .fetch_all(db)
    .await?)
}

/// The owner's chat; anyone else gets 404 (a chat's existence is private).
async fn owned(db: &Db, user: &User, chat_id: &str) -> Result<(String, String, i64), Error> {
    let row: Option<(String, String, i64)> =
        sqlx::query_as("SELECT title, model, created_at FROM chats WHERE id = $1 AND user_id = $2")
            .bind(chat_id)
            .bind(&user.id)
            .fetch_optional(db)
            .await?;
    row.ok_or(Error::NotFound)
}

pub async fn get(chats: &Chats, user: &User, chat_id: &str) -> Result<Chat, Error> {
    let (title, model, created_at) = owned(&chats.db, user, chat_id).await?;
    let rows: Vec<StoredChatMessage> = sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE chat_id = $1 ORDER BY created_at, id"
    ))
    .bind(chat_id)
    .fetch_all(&chats.db)
    .await?;
    let mut messages: Vec<ChatMessage> = rows.into_iter().map(ChatMessage::from).collect();
    for m in &mut messages {
        if m.status == ReplyStatus::Streaming {
            if let Some(live) = chats.generations.get(&m.id) {
                m.content = live;
            }
        }
    }
    Ok(Chat {
        id: chat_id.to_string(),
        title,
        model,
        created_at,
        messages,
    })
}

/// Starts a chat with its first prompt; the reply is written in the
/// background. `base_url` is where the notification's link points.
pub async fn start(
    chats: &Chats,
    user: &User,
    model: &str,
    prompt: &str,
    base_url: &str,
) -> Result<Chat, Error> {
    let prompt = validate_prompt(prompt)?;
    let prompt = prompt.as_ref();
    let model = model.trim();
    if !chats.models.accepts(model) {
        return Err(Error::Invalid(
            Message::new(Key::ErrUnknownModel).arg("model", model),
        ));
    }
    let chat_id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO chats (id, user_id, title, model, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&chat_id)
    .bind(&user.id)
    .bind(title_for(prompt))
    .bind(model)
    .bind(now)
    .bind(now)
    .execute(&chats.db)
    .await?;
    chats.hub.send_to_user(&user.id, ServerEvent::ChatsChanged);
    ask(chats, user, &chat_id, prompt, base_url).await?;
    get(chats, user, &chat_id).await
}

/// Adds a prompt to a chat and starts its reply. One reply at a time per
/// chat: a prompt sent while one is being written is refused (409).
pub async fn send(
    chats: &Chats,
    user: &User,
    chat_id: &str,
    prompt: &str,
    base_url: &str,
) -> Result<Vec<ChatMessage>, Error> {
    let prompt = validate_prompt(prompt)?;
    let prompt = prompt.as_ref();
    owned(&chats.db, user, chat_id).await?;
    ask(chats, user, chat_id, prompt, base_url).await
}

async fn ask(
    chats: &Chats,
    user: &User,
    chat_id: &str,
    prompt: &str,
    base_url: &str,
) -> Result<Vec<ChatMessage>, Error> {
    let (_, model, _) = owned(&chats.db, user, chat_id).await?;
    let now = now_ms();
    let prompt_id = new_id();
    let reply_id = new_id();
    let mut tx = super::db::begin_write(&chats.db, chats.backend).await?;
    // The reply row goes in only if no live reply exists: this is the
    // check and the claim in one statement, so two tabs cannot race.
    let claimed = sqlx::query(
        "INSERT INTO chat_messages (id, chat_id, role, content, status, error, model, created_at, updated_at) \
         SELECT $1, $2, 'assistant', '', 'streaming', NULL, $3, $4, $5 \
         WHERE NOT EXISTS (SELECT 1 FROM chat_messages WHERE chat_id = $6 AND status = 'streaming' AND updated_at > $7)",
    )
    .bind(&reply_id)
    .bind(chat_id)
    .bind(&model)
    .bind(now + 1)
    .bind(now)
    .bind(chat_id)
    .bind(now - STALE_AFTER_MS)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(Error::ReplyInProgress);
    }
    sqlx::query(
        "INSERT INTO chat_messages (id, chat_id, role, content, status, error, model, created_at, updated_at) \
         VALUES ($1, $2, 'user', $3, 'done', NULL, NULL, $4, $5)",
    )
    .bind(&prompt_id)
    .bind(chat_id)
    .bind(prompt)
    .bind(now)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE chats SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    let saved = vec![
        message_by_id(&chats.db, &prompt_id).await?,
        message_by_id(&chats.db, &reply_id).await?,
    ];
    for m in &saved {
        chats.hub.send_to_user(
            &user.id,
            ServerEvent::ChatMessageSaved {
                message: Box::new(m.clone()),
            },
        );
    }
    chats.hub.send_to_user(&user.id, ServerEvent::ChatsChanged);

    let turns = history(&chats.db, chat_id).await?;
    let job = ReplyJob {
        user_id: user.id.clone(),
        chat_id: chat_id.to_string(),
        reply_id,
        model,
        prompt: prompt.to_string(),
        turns,
        base_url: base_url.to_string(),
    };
    chats.generations.set(&job.reply_id, "");
    tokio::spawn(write_reply(chats.clone(), job));
    Ok(saved)
}

pub async fn message_by_id(db: &Db, id: &str) -> Result<ChatMessage, Error> {
    let row: StoredChatMessage = sqlx::query_as(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

/// The conversation so far as the model sees it: prompts and finished
/// replies (failed and empty ones are left out).
async fn history(db: &Db, chat_id: &str) -> Result<Vec<Turn>, Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT role, content FROM chat_messages WHERE chat_id = $1 \
         AND (role = 'user' OR (status = 'done' AND content <> '')) ORDER BY created_at, id",
    )
    .bind(chat_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(role, content)| Turn {
            role: if role == "user" {
                ChatRole::User
            } else {
                ChatRole::Assistant
            },
            content,
        })
        .collect())
}

struct ReplyJob {
    user_id: String,
    chat_id: String,
    reply_id: String,
    model: String,
    prompt: String,
    turns: Vec<Turn>,
    base_url: String,
}

/// The reply's own task: streams from the model, pushes each piece to the
/// user's tabs, flushes to the database, saves the end, then notifies.
async fn write_reply(chats: Chats, job: ReplyJob) {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    let models = chats.models.clone();
    let (model, turns) = (job.model.clone(), job.turns.clone());
    let producer = tokio::spawn(async move {
        let mut push = move |piece: &str| {
            let _ = tx.send(piece.to_string());
        };
        models.stream(&model, &turns, &mut push).await
    });

    let mut content = String::new();
    let mut flush = tokio::time::interval(FLUSH_EVERY);
    flush.tick().await;
    loop {
        tokio::select! {
            piece = rx.recv() => {
                let Some(piece) = piece else { break };
                let offset = content.len();
                content.push_str(&piece);
                chats.generations.set(&job.reply_id, &content);
                chats.hub.send_to_user(&job.user_id, ServerEvent::ChatDelta {
                    chat_id: job.chat_id.clone(),
                    message_id: job.reply_id.clone(),
                    offset,
                    delta: piece,
                });
            }
            _ = flush.tick() => {
                if let Err(e) = save_reply(&chats.db, &job.reply_id, &content, ReplyStatus::Streaming, None).await {
                    tracing::warn!(error = %e, "cannot save a reply's progress");
                }
            }
        }
    }
    let outcome = producer
        .await
        .unwrap_or_else(|_| Err(ModelError("The model task failed unexpectedly.".into())));
    let outcome = match outcome {
        Ok(()) if content.trim().is_empty() => {
            Err(ModelError("The model sent an empty reply.".into()))
        }
        other => other,
    };
    let (status, error) = match &outcome {
        Ok(()) => (ReplyStatus::Done, None),
        Err(e) => (ReplyStatus::Error, Some(e.0.as_str())),
    };
    if let Err(e) = &outcome {
        tracing::info!(chat_id = %job.chat_id, error = %e, "model error");
    }
    let saved = finish_reply(&chats, &job, &content, status, error).await;
    chats.generations.remove(&job.reply_id);
    match saved {
        Ok(true) => {}
        Ok(false) => return, // the chat was deleted meanwhile
        Err(e) => {
            tracing::error!(error = %e, chat_id = %job.chat_id, "cannot save a finished reply");
            return;
        }
    }
    if let Ok(m) = message_by_id(&chats.db, &job.reply_id).await {
        chats.hub.send_to_user(
            &job.user_id,
            ServerEvent::ChatMessageSaved {
                message: Box::new(m),
            },
        );
    }
    chats
        .hub
        .send_to_user(&job.user_id, ServerEvent::ChatsChanged);
}

/// The reply's final save (SPEC E5): its text and status, the chat's time
/// and the owner's `chat.finished` / `chat.failed` deliveries in one
/// transaction, so a crash at any moment loses none of them. False when
/// the chat was deleted meanwhile.
async fn finish_reply(
    chats: &Chats,
    job: &ReplyJob,
    content: &str,
    status: ReplyStatus,
    error: Option<&str>,
) -> Result<bool, Error> {
    let user = super::users::get_user(&chats.db, &job.user_id).await?;
    let title = match &user {
        Some(user) => owned(&chats.db, user, &job.chat_id)
            .await
            .ok()
            .map(|(t, _, _)| t),
        None => None,
    };
    let mut tx = super::db::begin_write(&chats.db, chats.backend).await?;
    if !save_reply(&mut *tx, &job.reply_id, content, status, error).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE chats SET updated_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(&job.chat_id)
        .execute(&mut *tx)
        .await?;
    let mut queued = false;
    if let (Some(user), Some(title)) = (&user, &title) {
        let finished = FinishedReply {
            chat_id: &job.chat_id,
            title,
            prompt: &job.prompt,
            reply: content,
            base_url: &job.base_url,
            finished_at: now_ms(),
        };
        let failure = (status == ReplyStatus::Error).then_some(error.unwrap_or_default());
        queued = !queue_reply_event(&mut tx, &chats.webhooks, user, &finished, failure)
            .await?
            .is_empty();
    }
    tx.commit().await?;
    if queued {
        chats
            .webhooks
            .outbox
            .deliveries_changed(&super::webhooks::store::Target::User(job.user_id.clone()))
            .await;
    }
    Ok(true)
}

/// Writes a reply's text and status; false when the row is gone.
async fn save_reply<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: &str,
    content: &str,
    status: ReplyStatus,
    error: Option<&str>,
) -> Result<bool, Error> {
    let done = sqlx::query(
        "UPDATE chat_messages SET content = $1, status = $2, error = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(content)
    .bind(status.as_str())
    .bind(error)
    .bind(now_ms())
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn delete(chats: &Chats, user: &User, chat_id: &str) -> Result<(), Error> {
    owned(&chats.db, user, chat_id).await?;
    let mut tx = super::db::begin_write(&chats.db, chats.backend).await?;
    sqlx::query("DELETE FROM chat_messages WHERE chat_id = $1")
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM chats WHERE id = $1 AND user_id = $2")
        .bind(chat_id)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    chats.hub.send_to_user(&user.id, ServerEvent::ChatsChanged);
    Ok(())
}

/// At start: replies whose task died with a previous run are marked as
/// interrupted. On SQLite only this process writes, so every streaming row
/// is an orphan; on PostgreSQL other instances may be mid-reply, so only
/// rows gone quiet count.
pub async fn recover_interrupted(db: &Db, backend: Backend) -> Result<u64, Error> {
    let cutoff = match backend {
        Backend::Sqlite => i64::MAX,
        Backend::Postgres => now_ms() - STALE_AFTER_MS,
    };
    let done = sqlx::query(
        "UPDATE chat_messages SET status = 'error', error = $1 WHERE status = 'streaming' AND updated_at < $2",
    )
    .bind(INTERRUPTED)
    .bind(cutoff)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_the_first_prompt_trimmed_on_one_line() {
        assert_eq!(
            title_for("  Plan my trip\n to Rome  "),
            "Plan my trip to Rome"
        );
        let long = "word ".repeat(60);
        let t = title_for(&long);
        assert!(t.chars().count() <= MAX_TITLE_CHARS);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn prompts_must_have_text_and_a_sane_length() {
        assert!(validate_prompt("   \n").is_err());
        assert_eq!(validate_prompt("  hi ").ok().as_deref(), Some("hi"));
        assert!(validate_prompt(&"x".repeat(MAX_PROMPT_CHARS + 1)).is_err());
    }
}
