//! Types shared by the server and the browser.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::i18n::Locale;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    Pending,
    User,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Pending, Role::User, Role::Admin];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Role::Pending),
            "user" => Ok(Role::User),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role '{other}' (expected pending, user or admin)"
            )),
        }
    }
}

/// A user as the UI and the REST API see it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: Option<Locale>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// What every page needs to know about the caller; loaded once per page
/// and again after sign-in, sign-out, a role change or a language switch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: Option<User>,
    pub locale: Locale,
    pub signup_enabled: bool,
    pub user_webhooks_enabled: bool,
}

/// Instance settings shown in Admin Panel › Settings › General.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSettings {
    pub enable_signup: bool,
    pub default_user_role: Role,
    pub enable_user_webhooks: bool,
}

crate::wire::tagged_enum! {
/// Server → browser events carried by the realtime socket.
#[derive(Clone, Debug, PartialEq)]
pub enum ServerEvent {
    /// The user list changed (sign-up, role change, deletion): admins refetch.
    UsersChanged,
    /// The receiving user's own account changed (role, deletion): refetch
    /// the session so the page follows at once.
    SessionChanged,
    /// A delivery of the receiver's log changed (admin log for admins,
    /// the user's own log otherwise).
    DeliveriesChanged,
    /// A new or edited message in a channel the receiver can see.
    ChannelMessage { message: Box<ChannelMessage> },
    /// A message was deleted (SPEC C8).
    ChannelMessageDeleted {
        channel_id: String,
        message_id: String,
    },
    /// The receiver's channel list changed (created, added as member).
    ChannelsChanged,
    /// The receiver's chat list changed (new chat, new title, deletion).
    ChatsChanged,
    /// A chat message was saved or changed (a prompt, a reply that started,
    /// finished or failed): views of the chat put it in place by id.
    ChatMessageSaved { message: Box<ChatMessage> },
    /// More of a reply being generated. `offset` is the byte length of the
    /// reply before `delta`, so a view that missed a piece can tell.
    ChatDelta {
        chat_id: String,
        message_id: String,
        offset: usize,
        delta: String,
    },
}
}

/// Browser → server messages on the realtime socket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientEvent {
    Presence { visible: bool, focused: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivering,
    Delivered,
    Retrying,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One row of a delivery log (SPEC D5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct Delivery {
    pub id: crate::ids::DeliveryId,
    pub event: String,
    pub url: String,
    #[cfg_attr(feature = "server", sqlx(try_from = "String"))]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_latency_ms: Option<i64>,
    pub last_error: Option<String>,
    pub response_excerpt: Option<String>,
    pub next_attempt_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The admin webhook's settings as the UI may see them: secrets never
/// come back, only whether they are set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTargetView {
    pub url: String,
    /// True while the URL is the `WEBHOOK_URL` default (never saved).
    pub url_from_env: bool,
    pub security: TargetSecurity,
}

/// An admin event webhook (SPEC E2) as the UI and REST may see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventWebhook {
    pub id: String,
    pub name: String,
    pub url: String,
    pub enabled: bool,
    pub events: Vec<String>,
    /// The seed's "Webhook URL" field edits this one (SPEC A1).
    pub is_default: bool,
    pub security: TargetSecurity,
    pub created_at: i64,
    pub updated_at: i64,
    /// Switched off by its health at this time (SPEC E6).
    pub disabled_at: Option<i64>,
}

/// One of a user's notification targets (SPEC E3). The URL comes back
/// masked (`https://host/…last4`), as Open WebUI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationTarget {
    pub id: String,
    pub name: String,
    pub url: String,
    pub enabled: bool,
    pub events: Vec<String>,
    pub mode: NotifyMode,
    pub is_default: bool,
    pub security: TargetSecurity,
    pub created_at: i64,
    /// Switched off by its health at this time (SPEC E6).
    pub disabled_at: Option<i64>,
}

/// The events a user's target may subscribe to (SPEC E3). Both channel
/// subscriptions deliver the event `channel.message` (with
/// `data.mentioned`): every new message in the owner's channels, or only
/// those mentioning them.
pub const NOTIFICATION_EVENTS: [&str; 4] = [
    "chat.finished",
    "chat.failed",
    CHANNEL_MESSAGE,
    CHANNEL_MENTION,
];

/// A new message in one of my channels (SPEC E3).
pub const CHANNEL_MESSAGE: &str = "channel.message";
/// A new message in one of my channels that mentions me (SPEC E3).
pub const CHANNEL_MENTION: &str = "channel.message.mention";

/// What a notification subscription means, in the reader's words.
pub fn notification_event_description(event: &str) -> crate::i18n::Key {
    use crate::i18n::Key;
    match event {
        "chat.failed" => Key::EventChatFailed,
        CHANNEL_MESSAGE => Key::EventMyChannelMessage,
        CHANNEL_MENTION => Key::EventChannelMention,
        _ => Key::EventChatFinished,
    }
}

/// One event of the catalog (SPEC E1), described in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDescription {
    pub name: String,
    pub description: String,
}

/// A webhook target's signing secret and custom headers as the UI may see
/// them: whether a secret is set, and the header names (SPEC D4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSecurity {
    pub has_signing_secret: bool,
    pub header_names: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum ChannelRole {
    Member,
    Manager,
}

impl ChannelRole {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ChannelRole> {
        s.parse().ok()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: i64,
    /// Managers and admins manage members and webhooks.
    pub can_manage: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct ChannelMember {
    pub user_id: String,
    pub name: String,
    pub email: String,
    #[cfg_attr(feature = "server", sqlx(try_from = "String"))]
    pub role: ChannelRole,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAuthor {
    pub id: Option<String>,
    pub name: String,
    /// user, admin or webhook
    pub role: String,
    pub image: Option<String>,
    /// A sender's emoji as its picture (Slack's `icon_emoji`, SPEC C14),
    /// shown when there is no image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emoji: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelMessage {
    pub id: String,
    pub channel_id: String,
    pub content: String,
    /// The content as sanitized HTML (rendered on the server).
    pub html: String,
    pub created_at: i64,
    pub author: MessageAuthor,
    pub webhook_id: Option<String>,
    /// The webhook that posted it no longer exists.
    pub webhook_deleted: bool,
    /// When it was last edited (SPEC C8), if ever.
    #[serde(default)]
    pub edited_at: Option<i64>,
    /// The rich parts a sender posted (SPEC C10), already rendered into
    /// `html`; kept structured for the REST listing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cards: Vec<Card>,
    /// The body the sender posted, as it came (REST only, never sent to
    /// the page).
    #[serde(skip)]
    pub original: Option<serde_json::Value>,
}

/// One rich part of a webhook message (SPEC C10): a Slack attachment or
/// block list, a Discord embed, a GitHub event. Every dialect is read into
/// this one shape; the server renders it. Fields named `markdown` go
/// through the sanitizer; the others are plain text. Image URLs are the
/// sender's: pages only ever show Parley's own copy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub kind: CardKind,
    /// `#rrggbb`, the bar at the card's edge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    pub parts: Vec<CardPart>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    /// Slack's legacy attachment.
    #[default]
    Attachment,
    /// Slack's Block Kit blocks: the message body itself, no frame.
    Blocks,
    /// Discord's embed.
    Embed,
    /// A GitHub event (SPEC C9).
    Github,
}

crate::wire::tagged_enum! {
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CardPart {
    /// Slack's pretext: above the card.
    Pretext {
        markdown: String,
    },
    Author {
        name: String,
        #[serde(default)]
        url: Option<String>,
        #[serde(default)]
        icon_url: Option<String>,
    },
    Title {
        text: String,
        #[serde(default)]
        url: Option<String>,
    },
    Header {
        text: String,
    },
    Text {
        markdown: String,
    },
    Fields {
        fields: Vec<CardField>,
    },
    Image {
        url: String,
        alt: String,
    },
    Thumbnail {
        url: String,
        alt: String,
    },
    Context {
        markdown: Vec<String>,
    },
    Divider,
    Links {
        links: Vec<CardLink>,
    },
    Footer {
        text: String,
        #[serde(default)]
        icon_url: Option<String>,
        /// Unix milliseconds.
        #[serde(default)]
        timestamp: Option<i64>,
    },
}
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardField {
    /// Plain text; empty for Block Kit fields, which have none.
    pub title: String,
    pub markdown: String,
    pub inline: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardLink {
    pub label: String,
    pub url: String,
}

impl Card {
    /// Every image URL the card names (sender's URLs, to fetch).
    pub fn image_urls(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            CardPart::Author { icon_url, .. } | CardPart::Footer { icon_url, .. } => {
                icon_url.as_deref()
            }
            CardPart::Image { url, .. } | CardPart::Thumbnail { url, .. } => Some(url.as_str()),
            _ => None,
        })
    }
}

/// Puts a channel event into the open channel's list: a message is added,
/// or replaces the one with its id (an edit); a deletion removes it.
/// Events of other channels are ignored.
pub fn apply_channel_event(channel_id: &str, list: &mut Vec<ChannelMessage>, event: &ServerEvent) {
    match event {
        ServerEvent::ChannelMessage { message } if message.channel_id == channel_id => {
            match list.iter_mut().find(|m| m.id == message.id) {
                Some(existing) => *existing = (**message).clone(),
                None => list.push((**message).clone()),
            }
        }
        ServerEvent::ChannelMessageDeleted {
            channel_id: from,
            message_id,
        } if from == channel_id => list.retain(|m| &m.id != message_id),
        _ => {}
    }
}

/// SPEC R4's webhook shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelWebhook {
    pub id: String,
    pub channel_id: String,
    pub user_id: Option<String>,
    pub name: String,
    pub profile_image_url: Option<String>,
    pub token: String,
    pub url: String,
    pub last_used_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Whether GitHub deliveries must carry a valid signature (SPEC C9);
    /// the secret itself is never shown again.
    #[serde(default)]
    pub github_secret_set: bool,
}

/// An API key as its owner sees it (the secret itself is shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// When a user's notification webhook fires (SPEC U5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum NotifyMode {
    /// Only when the user is away (the seed's rule).
    #[default]
    Away,
    Always,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserWebhookView {
    pub url: String,
    pub mode: NotifyMode,
    pub security: TargetSecurity,
}

/// Whose delivery log a view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogScope {
    Admin,
    Mine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum ChatRole {
    User,
    Assistant,
}

impl ChatRole {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Where a reply is (SPEC W3): being written by the server task, finished,
/// or stopped by a model error (shown in the chat).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[derive(strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum ReplyStatus {
    Streaming,
    Done,
    Error,
}

impl ReplyStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: String,
    pub chat_id: String,
    pub role: ChatRole,
    pub content: String,
    /// Finished replies as sanitized HTML (markdown, rendered on the
    /// server); empty while streaming and for prompts.
    pub html: String,
    pub status: ReplyStatus,
    pub error: Option<String>,
    pub model: Option<String>,
    pub created_at: i64,
}

/// A chat in the sidebar list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(sqlx::FromRow))]
pub struct ChatSummary {
    pub id: String,
    pub title: String,
    pub model: String,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    pub id: String,
    pub title: String,
    pub model: String,
    pub created_at: i64,
    pub messages: Vec<ChatMessage>,
}

/// A model the user can chat with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    /// `parley` for the built-in echo model, `openai` for the endpoint's.
    pub source: String,
}

/// The model picker's content: the models, and why the OpenAI-compatible
/// endpoint could not be listed, if it could not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelList {
    pub models: Vec<ModelInfo>,
    pub endpoint_error: Option<String>,
}

/// What applying a realtime chat event to a chat's messages did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatApply {
    Applied,
    /// Not about this chat.
    Ignored,
    /// A piece was missed: reload the chat.
    Reload,
}

/// Applies a `ChatMessageSaved` or `ChatDelta` to a chat's messages. Shared
/// by the browser and the tests: deltas already seen are skipped, a gap
/// asks for a reload, and a saved message replaces its streaming copy.
pub fn apply_chat_event(
    chat_id: &str,
    messages: &mut Vec<ChatMessage>,
    event: &ServerEvent,
) -> ChatApply {
    match event {
        ServerEvent::ChatMessageSaved { message } if message.chat_id == chat_id => {
            match messages.iter_mut().find(|m| m.id == message.id) {
                Some(existing) => {
                    // A late save of a streaming copy must not shorten what
                    // the deltas already showed, nor reopen a finished reply.
                    let stale = message.status == ReplyStatus::Streaming
                        && (existing.status != ReplyStatus::Streaming
                            || existing.content.len() > message.content.len());
                    if !stale {
                        *existing = (**message).clone();
                    }
                }
                None => messages.push((**message).clone()),
            }
            ChatApply::Applied
        }
        ServerEvent::ChatDelta {
            chat_id: c,
            message_id,
            offset,
            delta,
        } if c == chat_id => {
            let Some(m) = messages.iter_mut().find(|m| &m.id == message_id) else {
                return ChatApply::Reload;
            };
            if m.status != ReplyStatus::Streaming {
                return ChatApply::Applied;
            }
            let have = m.content.len();
            let end = offset + delta.len();
            if *offset > have {
                return ChatApply::Reload;
            }
            if end > have {
                match delta.get(have - offset..) {
                    Some(rest) => m.content.push_str(rest),
                    None => return ChatApply::Reload,
                }
            }
            ChatApply::Applied
        }
        _ => ChatApply::Ignored,
    }
}

/// Merges the newest page fetched after a reconnect into the list: what
/// was missed is added, edits replace, and what was deleted in the
/// page's span goes; messages that arrived live while the page was on
/// its way (newer than the page) stay. A page that does not reach back to
/// what the view has replaces it (too much was missed to stitch).
/// Returns whether it replaced the list.
pub fn merge_newest_page(list: &mut Vec<ChannelMessage>, page: Vec<ChannelMessage>) -> bool {
    let key = |m: &ChannelMessage| (m.created_at, m.id.clone());
    let (Some(oldest), Some(newest)) = (page.first().map(key), page.last().map(key)) else {
        list.clear();
        return true;
    };
    let overlaps = list.iter().any(|m| key(m) >= oldest);
    if !overlaps && !list.is_empty() {
        *list = page;
        return true;
    }
    let newer: Vec<ChannelMessage> = list.iter().filter(|m| key(m) > newest).cloned().collect();
    list.retain(|m| key(m) < oldest);
    list.extend(page);
    list.extend(newer);
    false
}

/// Whether `url` is an image Parley serves itself (an upload). Only these
/// are ever put in an `<img>`: a viewer's browser fetches nothing a sender
/// chose from outside Parley, and nothing of Parley's but an image.
pub fn is_local_image_url(url: &str) -> bool {
    let id = url
        .strip_prefix("/api/v1/uploads/")
        .or_else(|| url.strip_prefix(MEDIA_PATH));
    id.is_some_and(|id| {
        !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// Where Parley serves its copy of an image a sender named (SPEC C10).
pub const MEDIA_PATH: &str = "/api/v1/media/";

#[cfg(test)]
mod chat_event_tests {
    use super::*;

    fn streaming(id: &str, content: &str) -> ChatMessage {
        ChatMessage {
            id: id.into(),
            chat_id: "c".into(),
            role: ChatRole::Assistant,
            content: content.into(),
            html: String::new(),
            status: ReplyStatus::Streaming,
            error: None,
            model: None,
            created_at: 0,
        }
    }

    fn delta(offset: usize, text: &str) -> ServerEvent {
        ServerEvent::ChatDelta {
            chat_id: "c".into(),
            message_id: "r".into(),
            offset,
            delta: text.into(),
        }
    }

    #[test]
    fn deltas_append_skip_overlap_and_ask_for_reload_on_a_gap() {
        let mut list = vec![streaming("r", "Hello ")];
        assert_eq!(
            apply_chat_event("c", &mut list, &delta(6, "wor")),
            ChatApply::Applied
        );
        assert_eq!(list[0].content, "Hello wor");
        // Already loaded part of this delta: only the rest is added.
        assert_eq!(
            apply_chat_event("c", &mut list, &delta(6, "world")),
            ChatApply::Applied
        );
        assert_eq!(list[0].content, "Hello world");
        assert_eq!(
            apply_chat_event("c", &mut list, &delta(0, "Hello")),
            ChatApply::Applied
        );
        assert_eq!(list[0].content, "Hello world");
        assert_eq!(
            apply_chat_event("c", &mut list, &delta(99, "!")),
            ChatApply::Reload
        );
        assert_eq!(
            apply_chat_event("other", &mut list, &delta(11, "!")),
            ChatApply::Ignored
        );
    }

    #[test]
    fn a_saved_message_replaces_its_streaming_copy_or_is_added() {
        let mut list = vec![streaming("r", "Hello wor")];
        let mut done = streaming("r", "Hello world");
        done.status = ReplyStatus::Done;
        let saved = ServerEvent::ChatMessageSaved {
            message: Box::new(done.clone()),
        };
        assert_eq!(apply_chat_event("c", &mut list, &saved), ChatApply::Applied);
        assert_eq!(list, vec![done]);
        let older = ServerEvent::ChatMessageSaved {
            message: Box::new(streaming("n", "")),
        };
        apply_chat_event("c", &mut list, &older);
        assert_eq!(list.len(), 2);
        // Deltas after the reply finished change nothing.
        assert_eq!(
            apply_chat_event("c", &mut list, &delta(11, "!")),
            ChatApply::Applied
        );
        assert_eq!(list[0].content, "Hello world");
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;

    fn msg(id: &str, at: i64) -> ChannelMessage {
        ChannelMessage {
            id: id.into(),
            channel_id: "c".into(),
            content: id.into(),
            html: String::new(),
            created_at: at,
            author: MessageAuthor {
                id: None,
                name: "n".into(),
                role: "user".into(),
                image: None,
                emoji: None,
            },
            webhook_id: None,
            webhook_deleted: false,
            edited_at: None,
            cards: Vec::new(),
            original: None,
        }
    }

    fn ids(list: &[ChannelMessage]) -> Vec<&str> {
        list.iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn a_reconnect_page_fills_what_was_missed_and_keeps_what_arrived_live() {
        // The view had 1..4 (3 was deleted meanwhile, 5 and 6 were missed);
        // 7 arrived live while the page was on its way.
        let mut list = vec![
            msg("1", 1),
            msg("2", 2),
            msg("3", 3),
            msg("4", 4),
            msg("7", 7),
        ];
        let page = vec![msg("2", 2), msg("4", 4), msg("5", 5), msg("6", 6)];
        assert!(!merge_newest_page(&mut list, page));
        assert_eq!(ids(&list), ["1", "2", "4", "5", "6", "7"]);
    }

    #[test]
    fn a_page_that_does_not_reach_back_replaces_the_list() {
        let mut list = vec![msg("1", 1), msg("2", 2)];
        assert!(merge_newest_page(&mut list, vec![msg("8", 8), msg("9", 9)]));
        assert_eq!(ids(&list), ["8", "9"]);
        assert!(
            merge_newest_page(&mut list, Vec::new()),
            "an emptied channel"
        );
        assert!(list.is_empty());
    }
}

/// What the server writes, the browser reads back: run with and without
/// feature `server`, so both readers of the tagged enums are held to it.
#[cfg(test)]
mod tagged_wire_tests {
    use super::*;

    fn round_trip<T>(value: &T)
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
    {
        let json = serde_json::to_string(value).expect("json");
        assert!(
            json.starts_with(r#"{"type":"#),
            "the tag comes first: {json}"
        );
        let back: T = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert_eq!(&back, value, "{json}");
    }

    fn card() -> Card {
        let text = |s: &str| s.to_string();
        Card {
            kind: CardKind::Embed,
            color: Some(text("#ff0000")),
            parts: vec![
                CardPart::Pretext {
                    markdown: text("*pre*"),
                },
                CardPart::Author {
                    name: text("CI"),
                    url: Some(text("https://ci.example")),
                    icon_url: None,
                },
                CardPart::Title {
                    text: text("Build"),
                    url: None,
                },
                CardPart::Header { text: text("Head") },
                CardPart::Text {
                    markdown: text("body"),
                },
                CardPart::Fields {
                    fields: vec![CardField {
                        title: text("Severity"),
                        markdown: text("critical"),
                        inline: true,
                    }],
                },
                CardPart::Image {
                    url: text("https://i.example/a.png"),
                    alt: text("a"),
                },
                CardPart::Thumbnail {
                    url: text("https://i.example/t.png"),
                    alt: String::new(),
                },
                CardPart::Context {
                    markdown: vec![text("one"), text("two")],
                },
                CardPart::Divider,
                CardPart::Links {
                    links: vec![CardLink {
                        label: text("Open"),
                        url: text("https://x.example"),
                    }],
                },
                CardPart::Footer {
                    text: text("foot"),
                    icon_url: None,
                    timestamp: Some(1_700_000_000_000),
                },
            ],
        }
    }

    #[test]
    fn every_card_part_and_server_event_reads_back() {
        for part in card().parts {
            round_trip(&part);
        }
        let message = ChannelMessage {
            id: "m".into(),
            channel_id: "c".into(),
            content: "hi".into(),
            html: "<p>hi</p>".into(),
            created_at: 1,
            author: MessageAuthor {
                id: None,
                name: "Alertmanager".into(),
                role: "webhook".into(),
                image: Some("/api/v1/media/x".into()),
                emoji: None,
            },
            webhook_id: Some("w".into()),
            webhook_deleted: false,
            edited_at: Some(2),
            cards: vec![card()],
            original: None,
        };
        let chat = ChatMessage {
            id: "r".into(),
            chat_id: "c".into(),
            role: ChatRole::Assistant,
            content: "x".into(),
            html: String::new(),
            status: ReplyStatus::Streaming,
            error: None,
            model: Some("m".into()),
            created_at: 3,
        };
        for event in [
            ServerEvent::UsersChanged,
            ServerEvent::SessionChanged,
            ServerEvent::DeliveriesChanged,
            ServerEvent::ChannelMessage {
                message: Box::new(message),
            },
            ServerEvent::ChannelMessageDeleted {
                channel_id: "c".into(),
                message_id: "m".into(),
            },
            ServerEvent::ChannelsChanged,
            ServerEvent::ChatsChanged,
            ServerEvent::ChatMessageSaved {
                message: Box::new(chat),
            },
            ServerEvent::ChatDelta {
                chat_id: "c".into(),
                message_id: "r".into(),
                offset: 4,
                delta: "more".into(),
            },
        ] {
            round_trip(&event);
        }
    }
}

/// A value read from a database column that names none of its enum's
/// variants: an error, never a silent default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} '{}'", self.kind, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// `TryFrom<String>` for the enums stored as text, so rows derive
/// `sqlx::FromRow` with `#[sqlx(try_from = "String")]`.
macro_rules! stored_as_text {
    ($($name:ident),*) => {$(
        impl TryFrom<String> for $name {
            type Error = UnknownValue;
            fn try_from(value: String) -> Result<Self, UnknownValue> {
                value.parse().map_err(|_| UnknownValue { kind: stringify!($name), value })
            }
        }
    )*};
}

stored_as_text!(
    Role,
    DeliveryStatus,
    ChannelRole,
    NotifyMode,
    ChatRole,
    ReplyStatus
);
