//! Channels (SPEC W4, R3): who may see and manage them, members, messages.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;
use sqlx::Row;

use super::db::{new_id, now_ms, Db};
use super::events::Event;
use super::message_writer::MessageRow;
use super::rich::RichBody;
use super::webhooks::store::Target;
use super::AppState;
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::{
    Channel, ChannelMember, ChannelMessage, ChannelRole, MessageAuthor, Role, ServerEvent, User,
};

pub const MAX_CONTENT_CHARS: usize = 16_000;

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
    state: &AppState,
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
    let mut tx = super::db::begin_write(&state.db, state.backend).await?;
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
        name: "channel.created",
        data: json!({
            "channel": {"id": id, "name": name, "description": description},
            "created_by": {"id": creator.id, "name": creator.name},
        }),
        message: Message::new(Key::EventMsgChannelCreated).arg("channel", name.as_str()),
    };
    state.commit_with_event(tx, &event).await?;
    state.viewers.changed();
    state
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
    let rows = if user.role == Role::Admin {
        sqlx::query("SELECT id, name, description, created_at, 'manager' AS my_role FROM channels ORDER BY name, id")
            .fetch_all(db)
            .await?
    } else {
        sqlx::query(
            "SELECT c.id, c.name, c.description, c.created_at, m.role AS my_role FROM channels c \
             JOIN channel_members m ON m.channel_id = c.id WHERE m.user_id = $1 ORDER BY c.name, c.id",
        )
        .bind(&user.id)
        .fetch_all(db)
        .await?
    };
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("my_role")?;
            Ok(Channel {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                description: r.try_get("description")?,
                created_at: r.try_get("created_at")?,
                can_manage: role == "manager",
            })
        })
        .collect()
}

pub async fn get(db: &Db, user: &User, channel_id: &str) -> Result<Channel, Error> {
    let access = require(db, user, channel_id, Access::Member).await?;
    let r = sqlx::query("SELECT id, name, description, created_at FROM channels WHERE id = $1")
        .bind(channel_id)
        .fetch_one(db)
        .await?;
    Ok(Channel {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        created_at: r.try_get("created_at")?,
        can_manage: access == Access::Manager,
    })
}

pub async fn members(db: &Db, user: &User, channel_id: &str) -> Result<Vec<ChannelMember>, Error> {
    require(db, user, channel_id, Access::Member).await?;
    let rows = sqlx::query(
        "SELECT u.id, u.name, u.email, m.role FROM channel_members m JOIN users u ON u.id = m.user_id \
         WHERE m.channel_id = $1 ORDER BY m.role DESC, u.name",
    )
    .bind(channel_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(ChannelMember {
                user_id: r.try_get("id")?,
                name: r.try_get("name")?,
                email: r.try_get("email")?,
                role: ChannelRole::parse(&role).unwrap_or(ChannelRole::Member),
            })
        })
        .collect()
}

/// Adds (or re-roles) a member by email. Managers and admins only.
pub async fn set_member(
    state: &AppState,
    acting: &User,
    channel_id: &str,
    email: &str,
    role: ChannelRole,
) -> Result<(), Error> {
    require(&state.db, acting, channel_id, Access::Manager).await?;
    let email = super::accounts::normalize_email(email);
    let email = super::db::storable_text(&email).into_owned();
    let target: Option<(String, String)> =
        sqlx::query_as("SELECT id, role FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&state.db)
            .await?;
    let Some((user_id, user_role)) = target else {
        return Err(Error::Invalid(
            Message::new(Key::ErrNoAccountWithEmail).arg("email", email),
        ));
    };
    if user_role == "pending" {
        return Err(Error::invalid(Key::ErrAccountPending));
    }
    let mut tx = super::db::begin_write(&state.db, state.backend).await?;
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
        "channel.member_added",
        channel_id,
        &user_id,
        Some(role),
    )
    .await?;
    state.commit_with_event(tx, &event).await?;
    state.viewers.changed();
    state
        .hub
        .send_to_user(&user_id, ServerEvent::ChannelsChanged);
    Ok(())
}

pub async fn remove_member(
    state: &AppState,
    acting: &User,
    channel_id: &str,
    user_id: &str,
) -> Result<(), Error> {
    require(&state.db, acting, channel_id, Access::Manager).await?;
    let mut tx = super::db::begin_write(&state.db, state.backend).await?;
    let removed = sqlx::query("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
        .bind(channel_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let mut queued = 0;
    if removed.rows_affected() > 0 {
        let event =
            member_event(&mut tx, "channel.member_removed", channel_id, user_id, None).await?;
        queued = super::events::emit(&mut tx, &state.emit_settings(), &event).await?;
    }
    tx.commit().await?;
    state.viewers.changed();
    if queued > 0 {
        state.deliveries_changed(&Target::Admin).await;
    }
    state
        .hub
        .send_to_user(user_id, ServerEvent::ChannelsChanged);
    Ok(())
}

/// Deletes a channel with its members, messages and incoming webhooks
/// (their URLs stop working at once) and emits `channel.deleted` in the
/// same transaction. Admins only, as in Open WebUI: it ends everyone's
/// history of the channel.
pub async fn delete(state: &AppState, acting: &User, channel_id: &str) -> Result<(), Error> {
    if acting.role != Role::Admin {
        return Err(Error::Forbidden);
    }
    let mut tx = super::db::begin_write(&state.db, state.backend).await?;
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
        name: "channel.deleted",
        data: json!({
            "channel": {"id": channel_id, "name": name},
            "deleted_by": {"id": acting.id, "name": acting.name},
        }),
        message: Message::new(Key::EventMsgChannelDeleted).arg("channel", name.as_str()),
    };
    state.commit_with_event(tx, &event).await?;
    // Its webhooks' URLs stop working at once.
    state.webhook_cache.forget_all();
    state.viewers.changed();
    tracing::info!(channel_id, "channel deleted");
    let mut told: Vec<String> = members.into_iter().map(|(id,)| id).collect();
    told.extend(super::accounts::admin_ids(&state.db).await?);
    told.sort();
    told.dedup();
    state.hub.send_to_users(&told, ServerEvent::ChannelsChanged);
    Ok(())
}

/// `channel.member_added` / `channel.member_removed` (SPEC E1, E4).
async fn member_event(
    conn: &mut sqlx::AnyConnection,
    name: &'static str,
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
    let key = if role.is_some() {
        Key::EventChannelMemberAdded
    } else {
        Key::EventChannelMemberRemoved
    };
    Ok(Event {
        name,
        data: json!({
            "channel": {"id": channel_id, "name": channel},
            "user": {"id": user_id, "name": user_name},
            "role": role.map(|r| r.as_str()),
        }),
        message: Message::new(key),
    })
}

/// Markdown → HTML with every tag and attribute a sender could abuse
/// removed (ammonia's allow-list; links get rel="noopener noreferrer").
/// Images only show when Parley serves them (its uploads); any other
/// image becomes a link to it, so opening a channel makes the browser
/// fetch nothing a sender chose — no tracking pixel, no GET to a Parley
/// route in the viewer's name.
pub fn render_markdown(content: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    // Each open image: turned into a link (with its URL, to show it when
    // the alt text is empty), and whether any alt text came.
    let mut images: Vec<(Option<String>, bool)> = Vec::new();
    // Bare URLs become links, except inside links and code (SPEC C10).
    let mut links_open = 0usize;
    let mut in_code_block = false;
    // Raw HTML from a sender is shown as text, never as markup; ammonia
    // below is the second line of defence for what markdown itself emits.
    let parser = pulldown_cmark::Parser::new_ext(content, options).flat_map(|event| {
        let one = |e: Event<'static>| vec![e];
        match event.into_static() {
            Event::Html(raw) | Event::InlineHtml(raw) => one(Event::Text(raw)),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if crate::model::is_local_image_url(&dest_url) {
                    images.push((None, false));
                    one(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }))
                } else {
                    images.push((Some(dest_url.to_string()), false));
                    one(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }))
                }
            }
            Event::End(TagEnd::Image) => match images.pop() {
                Some((Some(url), had_text)) => {
                    let mut out = Vec::new();
                    if !had_text {
                        out.push(Event::Text(url.into()));
                    }
                    out.push(Event::End(TagEnd::Link));
                    out
                }
                _ => one(Event::End(TagEnd::Image)),
            },
            Event::Text(text) => {
                if let Some(open) = images.last_mut() {
                    open.1 = true;
                }
                if links_open > 0 || in_code_block || !images.is_empty() {
                    one(Event::Text(text))
                } else {
                    linkify_text(&text)
                }
            }
            other => {
                match &other {
                    Event::Start(Tag::Link { .. }) => links_open += 1,
                    Event::End(TagEnd::Link) => links_open = links_open.saturating_sub(1),
                    Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
                    Event::End(TagEnd::CodeBlock) => in_code_block = false,
                    _ => {}
                }
                one(other)
            }
        }
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !crate::model::is_local_image_url(value) {
                None
            } else {
                Some(value.into())
            }
        })
        .clean(&html)
        .to_string()
}

/// Text with its bare http(s) URLs turned into links.
fn linkify_text(text: &str) -> Vec<pulldown_cmark::Event<'static>> {
    use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut out = Vec::new();
    for span in finder.spans(text) {
        let piece = span.as_str().to_string();
        let is_web = span.kind().is_some()
            && (piece.starts_with("http://") || piece.starts_with("https://"));
        if is_web {
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: CowStr::from(piece.clone()),
                title: CowStr::from(""),
                id: CowStr::from(""),
            }));
            out.push(Event::Text(CowStr::from(piece)));
            out.push(Event::End(TagEnd::Link));
        } else {
            out.push(Event::Text(CowStr::from(piece)));
        }
    }
    out
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

/// Stores a message and pushes it to everyone who can see the channel.
pub async fn insert_message(state: &AppState, m: NewMessage<'_>) -> Result<ChannelMessage, Error> {
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
    // Committed (with a webhook's "last used" time) before anyone hears of
    // it, together with the posts arriving at the same moment.
    state
        .messages
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
            created_at: now,
        })
        .await?;
    register_images(state, &id, m.rich).await?;
    let loaded = Loaded {
        message: ChannelMessage {
            id,
            channel_id: m.channel_id.to_string(),
            content: m.content.to_string(),
            html: String::new(),
            created_at: now,
            author: MessageAuthor {
                id: m.user_id.map(str::to_string),
                name: m.author_name.to_string(),
                role: m.author_role.to_string(),
                image: m.author_image.map(str::to_string),
            },
            webhook_id: m.webhook_id.map(str::to_string),
            webhook_deleted: false,
            edited_at: None,
            cards: Vec::new(),
            original: m.original.cloned(),
        },
        rich: m.rich.cloned(),
    };
    let message = render(&state.db, vec![loaded])
        .await?
        .pop()
        .ok_or(Error::Internal)?;
    broadcast(state, message.clone()).await?;
    Ok(message)
}

/// The images a rich message names, queued for the fetcher.
async fn register_images(
    state: &AppState,
    message_id: &str,
    rich: Option<&RichBody>,
) -> Result<(), Error> {
    let urls = rich.map(RichBody::image_urls).unwrap_or_default();
    if !urls.is_empty() && super::media::register(&state.db, message_id, &urls).await? {
        state.media_wake.notify_one();
    }
    Ok(())
}

/// Sends a new or changed message to everyone who may see its channel.
pub async fn broadcast(state: &AppState, message: ChannelMessage) -> Result<(), Error> {
    let viewers = viewers(state, &message.channel_id).await?;
    state.hub.send_to_users(
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
async fn viewers(state: &AppState, channel_id: &str) -> Result<Arc<Vec<String>>, Error> {
    if let Some(viewers) = state.viewers.get(channel_id) {
        return Ok(viewers);
    }
    let read_at = state.viewers.generation();
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT m.user_id FROM channel_members m JOIN users u ON u.id = m.user_id \
         WHERE m.channel_id = $1 AND u.role <> 'pending' \
         UNION SELECT id FROM users WHERE role = 'admin'",
    )
    .bind(channel_id)
    .fetch_all(&state.db)
    .await?;
    let viewers: Arc<Vec<String>> = Arc::new(rows.into_iter().map(|(id,)| id).collect());
    state.viewers.put(channel_id, viewers.clone(), read_at);
    Ok(viewers)
}

pub async fn post_as_user(
    state: &AppState,
    user: &User,
    channel_id: &str,
    content: &str,
) -> Result<ChannelMessage, Error> {
    require(&state.db, user, channel_id, Access::Member).await?;
    let content = validate_content(content)?;
    insert_message(
        state,
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

/// Messages oldest first (the UI) or newest first (the REST API).
pub async fn messages(
    db: &Db,
    user: &User,
    channel_id: &str,
    page: &HistoryPage,
    newest_first: bool,
) -> Result<Vec<ChannelMessage>, Error> {
    require(db, user, channel_id, Access::Member).await?;
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
    let rows = sqlx::query(&format!(
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
    let loaded = rows
        .iter()
        .map(message_from_row)
        .collect::<Result<Vec<_>, Error>>()?;
    let mut out = render(db, loaded).await?;
    if !newest_first {
        out.reverse();
    }
    Ok(out)
}

const MESSAGE_SELECT: &str = "SELECT m.id, m.channel_id, m.user_id, m.author_role, m.author_name, m.author_image, m.webhook_id, m.content, m.meta, m.created_at, m.edited_at, \
     CASE WHEN m.webhook_id IS NOT NULL AND w.id IS NULL THEN 1 ELSE 0 END AS webhook_deleted \
     FROM channel_messages m LEFT JOIN channel_webhooks w ON w.id = m.webhook_id";

/// A message as read, before its HTML is made (that needs to know which
/// of its images Parley has by now).
struct Loaded {
    message: ChannelMessage,
    rich: Option<RichBody>,
}

/// The parts of a message's meta that rendering needs.
#[derive(serde::Deserialize, Default)]
struct StoredMeta {
    rich: Option<RichBody>,
    original: Option<serde_json::Value>,
}

fn message_from_row(r: &sqlx::any::AnyRow) -> Result<Loaded, Error> {
    let deleted = r
        .try_get::<i64, _>("webhook_deleted")
        .or_else(|_| r.try_get::<i32, _>("webhook_deleted").map(i64::from))?;
    let meta: String = r.try_get("meta")?;
    let meta: StoredMeta = serde_json::from_str(&meta).unwrap_or_default();
    Ok(Loaded {
        message: ChannelMessage {
            id: r.try_get("id")?,
            channel_id: r.try_get("channel_id")?,
            html: String::new(),
            content: r.try_get("content")?,
            created_at: r.try_get("created_at")?,
            author: MessageAuthor {
                id: r.try_get("user_id")?,
                name: r.try_get("author_name")?,
                role: r.try_get("author_role")?,
                image: r.try_get("author_image")?,
            },
            webhook_id: r.try_get("webhook_id")?,
            webhook_deleted: deleted != 0,
            edited_at: r.try_get("edited_at")?,
            cards: Vec::new(),
            original: meta.original,
        },
        rich: meta.rich,
    })
}

/// Makes each message's HTML: its markdown, or its text and cards with
/// Parley's copies of the images that have arrived (placeholders for the
/// rest), and the sender's avatar once it is here.
async fn render(db: &Db, loaded: Vec<Loaded>) -> Result<Vec<ChannelMessage>, Error> {
    let urls: Vec<String> = loaded
        .iter()
        .filter_map(|l| l.rich.as_ref())
        .flat_map(RichBody::image_urls)
        .collect();
    let ready = super::media::ready_sources(db, &urls).await?;
    let image_src = |url: &str| ready.get(url).cloned();
    Ok(loaded
        .into_iter()
        .map(|Loaded { mut message, rich }| {
            match rich {
                Some(rich) => {
                    message.html = rich.html(&image_src);
                    if let Some(src) = rich.avatar_url.as_deref().and_then(image_src) {
                        message.author.image = Some(src);
                    }
                    message.cards = rich.cards;
                }
                None => message.html = render_markdown(&message.content),
            }
            message
        })
        .collect())
}

/// Replaces what a message `webhook_id` posted (SPEC C8) and shows the
/// edit live; `None` when it posted no such message.
pub async fn edit_webhook_message(
    state: &AppState,
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
            .fetch_optional(&state.db)
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
    let updated = sqlx::query(
        "UPDATE channel_messages SET content = $1, meta = $2, edited_at = $3 WHERE id = $4 AND webhook_id = $5",
    )
    .bind(content.as_ref())
    .bind(meta.to_string())
    .bind(now_ms())
    .bind(message_id)
    .bind(webhook_id)
    .execute(&state.db)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(None);
    }
    register_images(state, message_id, Some(rich)).await?;
    let Some(message) = message_by_id(&state.db, message_id).await? else {
        return Ok(None);
    };
    broadcast(state, message.clone()).await?;
    Ok(Some(message))
}

/// Deletes a message `webhook_id` posted and removes it from open views;
/// `false` when it posted no such message.
pub async fn delete_webhook_message(
    state: &AppState,
    webhook_id: &str,
    message_id: &str,
) -> Result<bool, Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "DELETE FROM channel_messages WHERE id = $1 AND webhook_id = $2 RETURNING channel_id",
    )
    .bind(message_id)
    .bind(webhook_id)
    .fetch_optional(&state.db)
    .await?;
    let Some((channel_id,)) = row else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM channel_message_media WHERE message_id = $1")
        .bind(message_id)
        .execute(&state.db)
        .await?;
    let viewers = viewers(state, &channel_id).await?;
    state.hub.send_to_users(
        &viewers,
        ServerEvent::ChannelMessageDeleted {
            channel_id,
            message_id: message_id.to_string(),
        },
    );
    Ok(true)
}

/// One message, without an access check (for relaying to known viewers).
pub async fn message_by_id(db: &Db, id: &str) -> Result<Option<ChannelMessage>, Error> {
    let row = sqlx::query(&format!("{MESSAGE_SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    let Some(loaded) = row.as_ref().map(message_from_row).transpose()? else {
        return Ok(None);
    };
    Ok(render(db, vec![loaded]).await?.pop())
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

    #[test]
    fn markdown_is_rendered_and_scripts_are_removed() {
        let html = render_markdown("**bold** <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "shown as text: {html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        let pixel =
            render_markdown("![](https://tracker.example/p.gif) ![x](/api/v1/auths/signout)");
        assert!(!pixel.contains("<img"), "{pixel}");
        assert!(
            pixel.contains("href=\"https://tracker.example/p.gif\""),
            "shown as a link: {pixel}"
        );
        let own = render_markdown("![logo](/api/v1/uploads/0b5e-11aa)");
        assert!(
            own.contains("<img src=\"/api/v1/uploads/0b5e-11aa\""),
            "{own}"
        );
        let bare = render_markdown("![](https://tracker.example/p.gif)");
        assert!(
            bare.contains(">https://tracker.example/p.gif</a>"),
            "an empty alt shows the URL: {bare}"
        );
        let sneaky = render_markdown("![a](/api/v1/uploads/../auths/signout)");
        assert!(!sneaky.contains("<img"), "{sneaky}");
        let bare_url = render_markdown("see https://ci.example/run/1 and `https://code.example`");
        assert!(
            bare_url.contains(r#"<a href="https://ci.example/run/1""#),
            "{bare_url}"
        );
        assert!(
            !bare_url.contains(r#"href="https://code.example""#),
            "{bare_url}"
        );
        let js = render_markdown("javascript:alert(1) and data:text/html,x");
        assert!(!js.contains("href"), "{js}");
        let link = render_markdown("[site](https://example.com)");
        assert!(
            link.contains("rel=\"noopener noreferrer nofollow\""),
            "{link}"
        );
    }
}
