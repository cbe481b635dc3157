//! Channels (SPEC W4, R3): who may see and manage them, members, messages.

use std::sync::Arc;

use serde_json::json;

use super::db::{new_id, now_ms, Backend, Db};
use super::events::{Event, Outbox};
use super::feed::{self, Feed};
pub use super::feed::{
    broadcast, insert_message, message_by_id, render_body, render_body_off_workers,
    render_markdown, render_stale_messages, rerender, validate_content, HistoryPage, NewMessage,
    Rendered, ViewersCache, INLINE_RENDER_BYTES, MAX_CONTENT_CHARS, VIEWERS_CACHE_MAX,
};
use super::webhook_cache::WebhookCache;
use super::webhooks::store::Target;
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::{Channel, ChannelMember, ChannelMessage, ChannelRole, Role, ServerEvent, User};

/// What channel management needs: the feed (its database, sockets and
/// viewers), the outbox for `channel.*` events, and the webhook cache a
/// deleted channel's URLs are forgotten from.
#[derive(Clone)]
pub struct Channels {
    pub feed: Feed,
    pub backend: Backend,
    pub outbox: Outbox,
    pub webhooks: Arc<WebhookCache>,
}

/// What the caller may do in a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Member,
    Manager,
}

pub async fn access(db: &Db, user: &User, channel_id: &str) -> Result<Access, Error> {
    if user.role == Role::Pending {
        return Ok(Access::None);
    }
    let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM channels WHERE id = $1")
        .bind(channel_id)
        .fetch_optional(db)
        .await?;
    if exists.is_none() {
        return Err(Error::NotFound);
    }
    if user.role == Role::Admin {
        return Ok(Access::Manager);
    }
    let role: Option<(String,)> =
        sqlx::query_as("SELECT role FROM channel_members WHERE channel_id = $1 AND user_id = $2")
            .bind(channel_id)
            .bind(&user.id)
            .fetch_optional(db)
            .await?;
    Ok(match role.and_then(|(r,)| ChannelRole::parse(&r)) {
        Some(ChannelRole::Manager) => Access::Manager,
        Some(ChannelRole::Member) => Access::Member,
        None => Access::None,
    })
}

/// The caller's access, which must be at least `min`: 404 for no such
/// channel, 403 for too little (or none).
pub async fn require(db: &Db, user: &User, channel_id: &str, min: Access) -> Result<Access, Error> {
    let got = access(db, user, channel_id).await?;
    if got == Access::None {
        return Err(Error::Forbidden);
    }
    if got < min {
        return Err(Error::Forbidden);
    }
    Ok(got)
}

fn validate_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(Key::ErrChannelNameMissing));
    }
    super::db::check_name_chars(name)?;
    if name.chars().count() > 80 {
        return Err(Error::Invalid(
            Message::new(Key::ErrChannelNameTooLong).arg("max", 80),
        ));
    }
    Ok(name.to_string())
}

pub async fn create(
    channels: &Channels,
    creator: &User,
    name: &str,
    description: &str,
) -> Result<Channel, Error> {
    if creator.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    let name = validate_name(name)?;
    let description = description.trim().chars().take(500).collect::<String>();
    let id = new_id();
    let now = now_ms();
    let mut tx = super::db::begin_write(&channels.feed.db, channels.backend).await?;
    sqlx::query("INSERT INTO channels (id, name, description, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)")
        .bind(&id)
        .bind(&name)
        .bind(&description)
        .bind(&creator.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO channel_members (channel_id, user_id, role, created_at) VALUES ($1, $2, 'manager', $3)")
        .bind(&id)
        .bind(&creator.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let event = Event {
        kind: crate::events::EventKind::ChannelCreated,
        data: json!({
            "channel": {"id": id, "name": name, "description": description},
            "created_by": {"id": creator.id, "name": creator.name},
        }),
        message: Message::new(Key::EventMsgChannelCreated).arg("channel", name.as_str()),
    };
    channels.outbox.commit_with_event(tx, &event).await?;
    channels.feed.viewers.changed();
    channels
        .feed
        .hub
        .send_to_user(&creator.id, ServerEvent::ChannelsChanged);
    Ok(Channel {
        id,
        name,
        description,
        created_at: now,
        can_manage: true,
    })
}

pub async fn list_for(db: &Db, user: &User) -> Result<Vec<Channel>, Error> {
    if user.role == Role::Pending {
        return Ok(Vec::new());
    }
    let rows: Vec<ChannelRow> = if user.role == Role::Admin {
        sqlx::query_as("SELECT id, name, description, created_at, 'manager' AS my_role FROM channels ORDER BY name, id")
            .fetch_all(db)
            .await?
    } else {
        sqlx::query_as(
            "SELECT c.id, c.name, c.description, c.created_at, m.role AS my_role FROM channels c \
             JOIN channel_members m ON m.channel_id = c.id WHERE m.user_id = $1 ORDER BY c.name, c.id",
        )
        .bind(&user.id)
        .fetch_all(db)
        .await?
    };
    Ok(rows.into_iter().map(Channel::from).collect())
}

/// A channel row with the reader's role in it.
#[derive(sqlx::FromRow)]
struct ChannelRow {
    id: String,
    name: String,
    description: String,
    created_at: i64,
    #[sqlx(try_from = "String")]
    my_role: ChannelRole,
}

impl From<ChannelRow> for Channel {
    fn from(r: ChannelRow) -> Channel {
        Channel {
            id: r.id,
            name: r.name,
            description: r.description,
            created_at: r.created_at,
            can_manage: r.my_role == ChannelRole::Manager,
        }
    }
}

pub async fn get(db: &Db, user: &User, channel_id: &str) -> Result<Channel, Error> {
    let access = require(db, user, channel_id, Access::Member).await?;
    let my_role = if access == Access::Manager {
        "manager"
    } else {
        "member"
    };
    let row: ChannelRow = sqlx::query_as(
        "SELECT id, name, description, created_at, $2 AS my_role FROM channels WHERE id = $1",
    )
    .bind(channel_id)
    .bind(my_role)
    .fetch_one(db)
    .await?;
    Ok(row.into())
}

pub async fn members(db: &Db, user: &User, channel_id: &str) -> Result<Vec<ChannelMember>, Error> {
    require(db, user, channel_id, Access::Member).await?;
    Ok(sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, m.role FROM channel_members m JOIN users u ON u.id = m.user_id \
         WHERE m.channel_id = $1 ORDER BY m.role DESC, u.name",
    )
    .bind(channel_id)
    .fetch_all(db)
    .await?)
}

/// Adds (or re-roles) a member by email. Managers and admins only.
pub async fn set_member(
    channels: &Channels,
    acting: &User,
    channel_id: &str,
    email: &str,
    role: ChannelRole,
) -> Result<(), Error> {
    require(&channels.feed.db, acting, channel_id, Access::Manager).await?;
    let email = super::users::normalize_email(email);
    let email = super::db::storable_text(&email).into_owned();
    let target: Option<(String, String)> =
        sqlx::query_as("SELECT id, role FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&channels.feed.db)
            .await?;
    let Some((user_id, user_role)) = target else {
        return Err(Error::Invalid(
            Message::new(Key::ErrNoAccountWithEmail).arg("email", email),
        ));
    };
    if user_role == "pending" {
        return Err(Error::invalid(Key::ErrAccountPending));
    }
    let mut tx = super::db::begin_write(&channels.feed.db, channels.backend).await?;
    sqlx::query(
        "INSERT INTO channel_members (channel_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(channel_id)
    .bind(&user_id)
    .bind(role.as_str())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    let event = member_event(
        &mut tx,
        crate::events::EventKind::ChannelMemberAdded,
        channel_id,
        &user_id,
        Some(role),
    )
    .await?;
    channels.outbox.commit_with_event(tx, &event).await?;
    channels.feed.viewers.changed();
    channels
        .feed
        .hub
        .send_to_user(&user_id, ServerEvent::ChannelsChanged);
    Ok(())
}

pub async fn remove_member(
    channels: &Channels,
    acting: &User,
    channel_id: &str,
    user_id: &str,
) -> Result<(), Error> {
    require(&channels.feed.db, acting, channel_id, Access::Manager).await?;
    let mut tx = super::db::begin_write(&channels.feed.db, channels.backend).await?;
    let removed = sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
        .bind(channel_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let mut queued = 0;
    if removed.rows_affected() > 0 {
        let event = member_event(
            &mut tx,
            crate::events::EventKind::ChannelMemberRemoved,
            channel_id,
            user_id,
            None,
        )
        .await?;
        queued = super::events::emit(&mut tx, channels.outbox.settings(), &event).await?;
    }
    tx.commit().await?;
    channels.feed.viewers.changed();
    if queued > 0 {
        channels.outbox.deliveries_changed(&Target::Admin).await;
    }
    channels
        .feed
        .hub
        .send_to_user(user_id, ServerEvent::ChannelsChanged);
    Ok(())
}

/// Deletes a channel with its members, messages and incoming webhooks
/// (their URLs stop working at once) and emits `channel.deleted` in the
/// same transaction. Admins only, as in Open WebUI: it ends everyone's
/// history of the channel.
pub async fn delete(channels: &Channels, acting: &User, channel_id: &str) -> Result<(), Error> {
    if acting.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    let mut tx = super::db::begin_write(&channels.feed.db, channels.backend).await?;
    let channel: Option<(String,)> = sqlx::query_as("SELECT name FROM channels WHERE id = $1")
        .bind(channel_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some((name,)) = channel else {
        return Err(Error::NotFound);
    };
    let members: Vec<(String,)> =
        sqlx::query_as("SELECT user_id FROM channel_members WHERE channel_id = $1")
            .bind(channel_id)
            .fetch_all(&mut *tx)
            .await?;
    // Children first: nothing relies on the database cascading.
    for statement in [
        "DELETE FROM channel_message_media WHERE message_id IN \
         (SELECT id FROM channel_messages WHERE channel_id = $1)",
        "DELETE FROM channel_messages WHERE channel_id = $1",
        "DELETE FROM channel_webhooks WHERE channel_id = $1",
        "DELETE FROM channel_members WHERE channel_id = $1",
        "DELETE FROM channels WHERE id = $1",
    ] {
        sqlx::query(statement)
            .bind(channel_id)
            .execute(&mut *tx)
            .await?;
    }
    let event = Event {
        kind: crate::events::EventKind::ChannelDeleted,
        data: json!({
            "channel": {"id": channel_id, "name": name},
            "deleted_by": {"id": acting.id, "name": acting.name},
        }),
        message: Message::new(Key::EventMsgChannelDeleted).arg("channel", name.as_str()),
    };
    channels.outbox.commit_with_event(tx, &event).await?;
    // Its webhooks' URLs stop working at once.
    channels.webhooks.forget_all();
    channels.feed.viewers.changed();
    tracing::info!(channel_id, "channel deleted");
    let mut told: Vec<String> = members.into_iter().map(|(id,)| id).collect();
    told.extend(super::users::admin_ids(&channels.feed.db).await?);
    told.sort();
    told.dedup();
    channels
        .feed
        .hub
        .send_to_users(&told, ServerEvent::ChannelsChanged);
    Ok(())
}

/// `channel.member_added` / `channel.member_removed` (SPEC E1, E4).
async fn member_event(
    conn: &mut sqlx::AnyConnection,
    kind: crate::events::EventKind,
    channel_id: &str,
    user_id: &str,
    role: Option<ChannelRole>,
) -> Result<Event, Error> {
    let (channel,): (String,) = sqlx::query_as("SELECT name FROM channels WHERE id = $1")
        .bind(channel_id)
        .fetch_one(&mut *conn)
        .await?;
    let (user_name,): (String,) = sqlx::query_as("SELECT name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Event {
        kind,
        data: json!({
            "channel": {"id": channel_id, "name": channel},
            "user": {"id": user_id, "name": user_name},
            "role": role.map(|r| r.as_str()),
        }),
        message: Message::new(kind.description()),
    })
}

pub async fn post_as_user(
    channels: &Channels,
    user: &User,
    channel_id: &str,
    content: &str,
) -> Result<ChannelMessage, Error> {
    require(&channels.feed.db, user, channel_id, Access::Member).await?;
    let content = validate_content(content)?;
    feed::insert_message(
        &channels.feed,
        NewMessage {
            channel_id,
            user_id: Some(&user.id),
            author_role: user.role.as_str(),
            author_name: &user.name,
            author_image: None,
            webhook_id: None,
            content,
            rich: None,
            original: None,
        },
    )
    .await
}

/// Messages oldest first (the UI) or newest first (the REST API), for a
/// member of the channel.
pub async fn messages(
    db: &Db,
    user: &User,
    channel_id: &str,
    page: &HistoryPage,
    newest_first: bool,
) -> Result<Vec<ChannelMessage>, Error> {
    require(db, user, channel_id, Access::Member).await?;
    let mut out = feed::history(db, channel_id, page).await?;
    if !newest_first {
        out.reverse();
    }
    Ok(out)
}

/// Who wrote a message and where (for the W8 permission checks).
#[derive(sqlx::FromRow)]
struct Authorship {
    channel_id: String,
    user_id: Option<String>,
    webhook_id: Option<String>,
}

async fn authorship(db: &Db, channel_id: &str, message_id: &str) -> Result<Authorship, Error> {
    sqlx::query_as::<_, Authorship>(
        "SELECT channel_id, user_id, webhook_id FROM channel_messages WHERE id = $1 AND channel_id = $2",
    )
    .bind(message_id)
    .bind(channel_id)
    .fetch_optional(db)
    .await?
    .ok_or(Error::NotFound)
}

/// SPEC W8: an author edits their own message (still a member of its
/// channel); nobody edits someone else's words, managers included.
pub async fn edit_own_message(
    channels: &Channels,
    user: &User,
    channel_id: &str,
    message_id: &str,
    content: &str,
) -> Result<ChannelMessage, Error> {
    require(&channels.feed.db, user, channel_id, Access::Member).await?;
    let written = authorship(&channels.feed.db, channel_id, message_id).await?;
    if written.webhook_id.is_some() || written.user_id.as_deref() != Some(user.id.as_str()) {
        return Err(Error::Forbidden);
    }
    let content = validate_content(content)?;
    let content = super::db::storable_text(content);
    sqlx::query(
        "UPDATE channel_messages SET content = $1, edited_at = $2, html_version = 0 WHERE id = $3 AND user_id = $4",
    )
    .bind(content.as_ref())
    .bind(now_ms())
    .bind(message_id)
    .bind(&user.id)
    .execute(&channels.feed.db)
    .await?;
    let message = feed::rerender(&channels.feed, message_id)
        .await?
        .ok_or(Error::NotFound)?;
    feed::broadcast(&channels.feed, message.clone()).await?;
    Ok(message)
}

/// Whether `user` may delete a message (SPEC W8): its author, or a
/// manager of the channel (admins are managers of every channel).
pub fn may_delete(access: Access, user: &User, author_id: Option<&str>, webhook: bool) -> bool {
    access == Access::Manager || (!webhook && author_id == Some(user.id.as_str()))
}

/// SPEC W8: deletes a message (webhook posts too, for managers) and
/// removes it from every open view.
pub async fn delete_message(
    channels: &Channels,
    user: &User,
    channel_id: &str,
    message_id: &str,
) -> Result<(), Error> {
    let access = require(&channels.feed.db, user, channel_id, Access::Member).await?;
    let written = authorship(&channels.feed.db, channel_id, message_id).await?;
    if !may_delete(
        access,
        user,
        written.user_id.as_deref(),
        written.webhook_id.is_some(),
    ) {
        return Err(Error::Forbidden);
    }
    let gone = sqlx::query("DELETE FROM channel_messages WHERE id = $1 AND channel_id = $2")
        .bind(message_id)
        .bind(channel_id)
        .execute(&channels.feed.db)
        .await?;
    if gone.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    feed::removed(&channels.feed, written.channel_id, message_id).await
}
