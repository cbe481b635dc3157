//! The event catalog (SPEC E1) as types: every event Parley sends, and
//! what a delivery row says it carries. A leaf: the outbox (`events`) and
//! the delivery store both name these without naming each other.

use crate::i18n::Key;

/// One named event Parley can send, as the catalog lists it.
#[derive(Clone, Copy, Debug)]
pub struct EventInfo {
    pub kind: EventKind,
    pub name: &'static str,
    pub description: Key,
}

macro_rules! catalog {
    ($($variant:ident = $name:literal => $key:ident),* $(,)?) => {
        /// Every event Parley sends (SPEC E1): its wire name and its
        /// description are the variant's, so no event is a bare string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum EventKind {
            $($variant),*
        }

        impl EventKind {
            /// The name receivers see in `event` and filters match.
            pub fn name(self) -> &'static str {
                match self {
                    $(EventKind::$variant => $name),*
                }
            }

            /// The catalog's text for it.
            pub fn description(self) -> Key {
                match self {
                    $(EventKind::$variant => Key::$key),*
                }
            }
        }

        pub const CATALOG: &[EventInfo] = &[
            $(EventInfo { kind: EventKind::$variant, name: $name, description: Key::$key }),*
        ];
    };
}

catalog! {
    UserCreated = "user.created" => EventUserCreated,
    UserRoleUpdated = "user.role_updated" => EventUserRoleUpdated,
    UserDeleted = "user.deleted" => EventUserDeleted,
    AuthSigninFailed = "auth.signin_failed" => EventAuthSigninFailed,
    ChatFinished = "chat.finished" => EventChatFinished,
    ChatFailed = "chat.failed" => EventChatFailed,
    ChannelCreated = "channel.created" => EventChannelCreated,
    ChannelDeleted = "channel.deleted" => EventChannelDeleted,
    ChannelMemberAdded = "channel.member_added" => EventChannelMemberAdded,
    ChannelMemberRemoved = "channel.member_removed" => EventChannelMemberRemoved,
    ChannelMessage = "channel.message" => EventChannelMessage,
    ChannelWebhookCreated = "channel.webhook.created" => EventChannelWebhookCreated,
    ChannelWebhookUpdated = "channel.webhook.updated" => EventChannelWebhookUpdated,
    ChannelWebhookRegenerated = "channel.webhook.regenerated" => EventChannelWebhookRegenerated,
    ChannelWebhookDeleted = "channel.webhook.deleted" => EventChannelWebhookDeleted,
    WebhookDeliveryFailed = "webhook.delivery_failed" => EventWebhookDeliveryFailed,
    WebhookTargetDisabled = "webhook.target_disabled" => EventWebhookTargetDisabled,
    ConfigUpdated = "config.updated" => EventConfigUpdated,
    ApiKeyCreated = "api_key.created" => EventApiKeyCreated,
    ApiKeyDeleted = "api_key.deleted" => EventApiKeyDeleted,
}

/// What a delivery carries, as its log row names it: an event of the
/// catalog, or one of the seed's own bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carries {
    /// An event with its E4 body (or a chat service's message).
    Event(EventKind),
    /// The seed's admin body for a new account (A3): `user.created`.
    NewUser,
    /// The seed's user body for a finished reply (U4): `chat.finished`.
    ChatResponse,
    /// "Send test".
    Test,
}

impl Carries {
    /// The delivery row's `event` column.
    pub fn label(self) -> &'static str {
        match self {
            Carries::Event(kind) => kind.name(),
            Carries::NewUser => "new_user",
            Carries::ChatResponse => "chat_response",
            Carries::Test => "test",
        }
    }
}
