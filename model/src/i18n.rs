//! Every text of Parley, in the five languages of the seeds: the `Key`
//! enum names a message of `locales/<language>/parley.ftl` (Fluent). The
//! browser, the server and webhook bodies all say things through it.

use std::borrow::Cow;

use fluent_bundle::bundle::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Fr,
    Es,
    Ru,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::En, Locale::De, Locale::Fr, Locale::Es, Locale::Ru];

    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Fr => "fr",
            Locale::Es => "es",
            Locale::Ru => "ru",
        }
    }

    /// The language's own name, as a picker shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::De => "Deutsch",
            Locale::Fr => "Français",
            Locale::Es => "Español",
            Locale::Ru => "Русский",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// Picks the best supported language from an `Accept-Language` header,
    /// honouring q-values; English when nothing matches.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, usize, Locale)> = None;
        for (pos, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let Some(tag) = pieces.next() else { continue };
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|v| v.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(locale) = Locale::from_code(tag) {
                let better = match best {
                    None => true,
                    Some((bq, bpos, _)) => q > bq || (q == bq && pos < bpos),
                };
                if better && q > 0.0 {
                    best = Some((q, pos, locale));
                }
            }
        }
        best.map(|(_, _, l)| l).unwrap_or_default()
    }

    /// The language id of the locale files (Fluent's plural rules).
    fn language(self) -> unic_langid::LanguageIdentifier {
        self.code().parse().unwrap_or_default()
    }
}

/// Every UI text. The enum names a message of the locale files
/// (`model/locales/<language>/parley.ftl`, Fluent syntax); the message id is
/// the variant in kebab case (`SignIn` → `sign-in`). A test checks that
/// every language has every key and no other.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "kebab-case")]
pub enum Key {
    AppTagline,
    SignIn,
    SignUp,
    SignOut,
    SignInTitle,
    SignUpTitle,
    FirstAccountHint,
    Name,
    Email,
    Password,
    PasswordHint,
    CreateAccount,
    NoAccount,
    HaveAccount,
    Working,
    Loading,
    SignupClosed,
    PendingTitle,
    PendingBody,
    Chats,
    Channels,
    NewChat,
    NoChats,
    Model,
    BuiltIn,
    PromptPlaceholder,
    NewChatHeading,
    NewChatHint,
    Writing,
    ReplyFailed,
    EndpointUnavailable,
    DeleteChat,
    ConfirmDeleteChat,
    SendHint,
    YouLabel,
    NoChannels,
    Welcome,
    WelcomeBody,
    Settings,
    AdminPanel,
    Users,
    General,
    Account,
    Language,
    LanguageHint,
    Save,
    Saving,
    Saved,
    Role,
    Created,
    Actions,
    Delete,
    Cancel,
    ConfirmDeleteUser,
    You,
    NoUsers,
    Authentication,
    EnableSignup,
    DefaultRole,
    Features,
    UserWebhooks,
    UserWebhooksHint,
    RolePending,
    RoleUser,
    RoleAdmin,
    Profile,
    Live,
    Offline,
    NotFoundTitle,
    BackHome,
    Menu,
    NewUserSignedUp,
    WebhookTestMessage,
    Webhook,
    WebhookUrl,
    WebhookUrlHint,
    FromEnv,
    SigningSecret,
    SigningSecretHint,
    SecretSet,
    NoSecret,
    GenerateSecret,
    RegenerateSecret,
    RemoveSecret,
    SecretOnce,
    CustomHeaders,
    CustomHeadersHint,
    HeaderName,
    HeaderValue,
    AddHeader,
    Remove,
    KeepValue,
    DeliveryLog,
    NoDeliveries,
    SendTest,
    Redeliver,
    Event,
    Status,
    Attempts,
    HttpStatus,
    Latency,
    NextAttempt,
    Response,
    StatusPending,
    StatusDelivering,
    StatusDelivered,
    StatusRetrying,
    StatusFailed,
    Copy,
    Copied,
    NewChannel,
    ChannelName,
    Description,
    CreateChannel,
    ChannelMenu,
    EditChannel,
    Members,
    AddMember,
    MemberRole,
    ManagerRole,
    Webhooks,
    WebhooksHint,
    Manage,
    NewWebhook,
    NoWebhooks,
    LastUsed,
    Never,
    ProfileImage,
    ImageHint,
    CopyUrl,
    RegenerateUrl,
    ConfirmRegenerate,
    ConfirmDeleteWebhook,
    Close,
    WebhookBadge,
    Edited,
    MessageActions,
    EditMessage,
    DeleteMessage,
    ConfirmDeleteMessage,
    CopyMessageLink,
    DeletedWebhook,
    LoadOlder,
    LoadingOlder,
    ChannelStart,
    GithubSecret,
    GithubSecretHint,
    GithubSecretSet,
    SaveSecret,
    ClearSecret,
    NoMessages,
    MessagePlaceholder,
    Send,
    ApiKeys,
    ApiKeysHint,
    KeyName,
    CreateKey,
    NoApiKeys,
    NotificationWebhook,
    NotificationWebhookHint,
    NotifyWhen,
    NotifyAway,
    NotifyAlways,
    NoUserDeliveries,
    ErrUnauthorized,
    ErrForbidden,
    ErrNotFound,
    ErrInvalidCredentials,
    ErrReplyInProgress,
    ErrEmailTaken,
    ErrSignupDisabled,
    ErrRateLimited,
    ErrInternal,
    DateTime,
    DeliveriesShown,
    ErrEmailInvalid,
    ErrNameMissing,
    ErrNameTooLong,
    ErrPasswordTooShort,
    ErrPasswordTooLong,
    ErrOwnRole,
    ErrDeleteSelf,
    ErrKeyName,
    ErrTooManyKeys,
    ErrWebhookNameMissing,
    ErrWebhookNameTooLong,
    ErrProfileImage,
    ErrGithubSecretTooLong,
    ErrImageType,
    ErrImageTooLarge,
    ErrAccountPending,
    ErrMessageTooLong,
    ErrChannelNameMissing,
    ErrChannelNameTooLong,
    ErrMessageEmpty,
    ErrNoAccountWithEmail,
    ErrPromptTooLong,
    ErrPromptMissing,
    ErrUnknownModel,
    ErrDefaultRole,
    ErrControlChars,
    ErrUrlTooLong,
    ErrUrlInvalid,
    ErrUrlScheme,
    ErrUrlNoHost,
    ErrUrlRefused,
    ErrNoAdminUrl,
    ErrHeaderName,
    ErrHeaderReserved,
    ErrHeaderTwice,
    ErrHeaderValueChars,
    ErrTooManyHeaders,
    ErrHeaderValueMissing,
    ErrUserWebhooksOff,
    ErrNoUserUrl,
    AdminSections,
    SettingsSections,
    Sidebar,
    UploadFailedStatus,
    UploadUnreachable,
    RoleOf,
    ErrTooManyTargets,
    ErrTargetNameMissing,
    ErrUnknownEvent,
    ErrNoEvents,
    EventUserCreated,
    EventUserRoleUpdated,
    EventUserDeleted,
    EventAuthSigninFailed,
    EventChatFinished,
    EventChatFailed,
    EventChannelCreated,
    EventChannelDeleted,
    EventChannelMemberAdded,
    EventChannelMemberRemoved,
    EventChannelMessage,
    EventChannelWebhookCreated,
    EventChannelWebhookUpdated,
    EventChannelWebhookRegenerated,
    EventChannelWebhookDeleted,
    EventWebhookDeliveryFailed,
    EventWebhookTargetDisabled,
    EventConfigUpdated,
    EventApiKeyCreated,
    EventApiKeyDeleted,
    EventMsgUserRoleUpdated,
    EventMsgUserDeleted,
    EventMsgSigninFailed,
    DeleteChannel,
    DeleteChannelHint,
    ConfirmDeleteChannel,
    EventMyChannelMessage,
    EventChannelMention,
    EventMsgChannelCreated,
    EventMsgChannelDeleted,
    EventMsgChannelMessage,
    ErrDeleteDefaultTarget,
    EventWebhooks,
    EventWebhooksHint,
    AddWebhook,
    EditTarget,
    EventsLabel,
    AllEvents,
    TargetEnabled,
    TargetOff,
    DefaultTarget,
    ConfirmDeleteTarget,
    EventMsgChatFailed,
    NotificationTargets,
    NotificationTargetsHint,
    AddTarget,
    MakeDefault,
    KeepUrlHint,
    EventMsgDeliveryFailed,
    EventMsgTargetDisabled,
    TargetDisabledBanner,
}

/// On the wire a key is its message id (`"sign-in"`). Written by hand on
/// strum's one string table: serde's derive adds a second table and a
/// visitor per use to the browser's wasm (SPEC B4).
impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        let id = Cow::<'de, str>::deserialize(deserializer)?;
        id.parse()
            .map_err(|_| serde::de::Error::custom(format!("unknown message id {id:?}")))
    }
}

impl Key {
    pub const ALL: &'static [Key] = <Key as strum::VariantArray>::VARIANTS;

    /// The message id in the locale files.
    pub fn id(self) -> &'static str {
        self.into()
    }

    /// The text in `locale`.
    pub fn text(self, locale: Locale) -> String {
        lookup(locale, self.id(), None)
    }

    /// The text in `locale` with its arguments (`{ $name }`, plural
    /// selectors on numbers).
    pub fn with(self, locale: Locale, args: &[(&str, Arg)]) -> String {
        let mut fluent = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent.set(name.to_string(), value.fluent());
        }
        lookup(locale, self.id(), Some(&fluent))
    }
}

/// One language's messages, parsed, with Parley's formatting settings.
type Bundle = FluentBundle<FluentResource, intl_memoizer::concurrent::IntlLangMemoizer>;

fn bundle_of(locale: Locale, source: String) -> Bundle {
    // A file that does not parse keeps the messages that did (the locale
    // tests reject such a file before it ships).
    let resource = FluentResource::try_new(source).unwrap_or_else(|(partial, _)| partial);
    let mut bundle = Bundle::new_concurrent(vec![locale.language()]);
    // Placeables without Unicode isolation marks: webhook texts must be
    // byte-identical to the seed's ("New user signed up: Tim").
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match locale {
        Locale::De => format_number_de,
        Locale::Fr => format_number_fr,
        Locale::Es => format_number_es,
        Locale::Ru => format_number_ru,
        Locale::En => format_number_en,
    }));
    let _ = bundle.add_resource(resource);
    bundle
}

/// The server has every language compiled in; the browser installs the one
/// its page is in (SPEC B4: a page downloads one language, not five), and
/// another when the reader switches.
#[cfg(feature = "server")]
mod bundles {
    use super::{bundle_of, Bundle, Locale};
    use std::sync::LazyLock;

    /// A locale file as Parley ships it, for a browser to install.
    pub fn source(locale: Locale) -> &'static str {
        match locale {
            Locale::En => include_str!("../locales/en/parley.ftl"),
            Locale::De => include_str!("../locales/de/parley.ftl"),
            Locale::Fr => include_str!("../locales/fr/parley.ftl"),
            Locale::Es => include_str!("../locales/es/parley.ftl"),
            Locale::Ru => include_str!("../locales/ru/parley.ftl"),
        }
    }

    static ALL: LazyLock<Vec<Bundle>> = LazyLock::new(|| {
        Locale::ALL
            .into_iter()
            .map(|l| bundle_of(l, source(l).to_string()))
            .collect()
    });

    pub fn get(locale: Locale) -> Option<&'static Bundle> {
        ALL.get(locale as usize)
    }
}

#[cfg(not(feature = "server"))]
mod bundles {
    use super::{bundle_of, Bundle, Locale};
    use std::sync::RwLock;

    /// At most one bundle per language, made once and kept for the
    /// process (the tab): five at most.
    static INSTALLED: RwLock<[Option<&'static Bundle>; 5]> = RwLock::new([None; 5]);

    pub fn get(locale: Locale) -> Option<&'static Bundle> {
        INSTALLED.read().ok()?[locale as usize]
    }

    pub fn install(locale: Locale, source: String) {
        if get(locale).is_some() {
            return;
        }
        let bundle: &'static Bundle = Box::leak(Box::new(bundle_of(locale, source)));
        if let Ok(mut installed) = INSTALLED.write() {
            installed[locale as usize].get_or_insert(bundle);
        }
    }
}

#[cfg(feature = "server")]
pub use bundles::source;

/// With every language compiled in there is nothing to install.
#[cfg(feature = "server")]
pub fn install(_locale: Locale, _source: String) {}

/// Makes `locale`'s texts available from its locale file's text (in the
/// browser, fetched from the server; installed once).
#[cfg(not(feature = "server"))]
pub fn install(locale: Locale, source: String) {
    bundles::install(locale, source)
}

/// Whether `locale`'s texts are available here.
pub fn is_installed(locale: Locale) -> bool {
    bundles::get(locale).is_some()
}

/// A digest of all locale files, naming this build's version of them in
/// their URLs so browsers may cache them for good.
#[cfg(feature = "server")]
pub fn sources_version() -> &'static str {
    static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        // FNV-1a: stable across builds and platforms (std's hasher is not
        // promised to be).
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for locale in Locale::ALL {
            for byte in source(locale).bytes().chain([0]) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    });
    VERSION.as_str()
}

/// Where a browser fetches `locale`'s file (`version` from the page).
pub fn source_path(locale: Locale, version: &str) -> String {
    format!("/i18n/{}.ftl?v={version}", locale.code())
}

fn lookup(locale: Locale, id: &str, args: Option<&FluentArgs>) -> String {
    let format = |bundle: &Bundle| {
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        errors.is_empty().then(|| text.into_owned())
    };
    // A missing message shows its id, which the raw-key checks look for.
    bundles::get(locale)
        .and_then(format)
        .or_else(|| bundles::get(Locale::En).and_then(format))
        .unwrap_or_else(|| id.to_string())
}

/// An argument of a message: text, or a number (which selects plural
/// forms and is written with the language's digit grouping).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Arg {
    Number(i64),
    Text(String),
}

/// A number or a string, read by hand: serde's `untagged` reader buffers
/// the value first, which costs the browser's wasm a copy of every reader.
impl<'de> Deserialize<'de> for Arg {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArgVisitor;
        impl serde::de::Visitor<'_> for ArgVisitor {
            type Value = Arg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a whole number or a string")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Arg, E> {
                Ok(Arg::Number(n))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Arg, E> {
                Ok(Arg::Number(i64::try_from(n).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Arg, E> {
                Ok(Arg::Text(text.to_string()))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Arg, E> {
                Ok(Arg::Text(text))
            }
        }
        deserializer.deserialize_any(ArgVisitor)
    }
}

impl Arg {
    fn fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Text(t) => FluentValue::from(t.clone()),
        }
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                Arg::Number(i64::try_from(value).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(u16, i32, i64, u32, u64, usize);

/// A text to show later in the reader's language: a key and its arguments.
/// Server errors carry one, so the browser and REST clients each get their
/// own language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub key: Key,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<(String, Arg)>,
}

impl Message {
    pub fn new(key: Key) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Message {
        self.args.push((name.to_string(), value.into()));
        self
    }

    pub fn text(&self, locale: Locale) -> String {
        let args: Vec<(&str, Arg)> = self
            .args
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        self.key.with(locale, &args)
    }
}

/// English, for logs.
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Locale::En))
    }
}

/// Integers with the language's digit grouping (CLDR): 12,345 · 12.345 ·
/// 12 345. Other values keep Fluent's own formatting.
fn group_digits(value: &FluentValue, separator: &str, min_digits: usize) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    if n.value.fract() != 0.0 || n.value.abs() >= 1e15 {
        return None;
    }
    let digits = (n.value.abs() as u64).to_string();
    if digits.len() < min_digits {
        return None;
    }
    let mut out = String::new();
    if n.value < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    Some(out)
}

fn format_number_en(
    v: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    group_digits(v, ",", 4)
}
fn format_number_de(
    v: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    group_digits(v, ".", 4)
}
fn format_number_fr(
    v: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    group_digits(v, "\u{202F}", 4)
}
/// Spanish groups only from five digits (CLDR minimum grouping digits 2).
fn format_number_es(
    v: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    group_digits(v, ".", 5)
}
fn format_number_ru(
    v: &FluentValue,
    _: &intl_memoizer::concurrent::IntlLangMemoizer,
) -> Option<String> {
    group_digits(v, "\u{A0}", 4)
}

/// `ms` since the epoch through the language's `date-time` message.
pub fn format_date(locale: Locale, ms: i64) -> String {
    let Some(t) = chrono::DateTime::from_timestamp_millis(ms) else {
        return String::new();
    };
    let two = |n: u32| format!("{n:02}");
    use chrono::{Datelike, Timelike};
    Key::DateTime.with(
        locale,
        &[
            ("year", Arg::Text(t.year().to_string())),
            ("month", Arg::Text(two(t.month()))),
            ("day", Arg::Text(two(t.day()))),
            ("hour", Arg::Text(two(t.hour()))),
            ("minute", Arg::Text(two(t.minute()))),
        ],
    )
}

/// The `<time data-ts="…">` dates of a stored message (Discord's
/// `<t:…>`) written in `locale`: the stored HTML holds them in UTC for
/// every reader, the view shows each reader their own language. One pass
/// over the HTML; anything not shaped like the renderer's own output is
/// left as it is.
pub fn localize_times(html: &str, locale: Locale) -> String {
    const OPEN: &str = "<time ";
    const TS: &str = "data-ts=\"";
    const CLOSE: &str = "</time>";
    if !html.contains(TS) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(OPEN) {
        let tag = &rest[start..];
        let Some(tag_end) = tag.find('>') else { break };
        let Some(close) = tag[tag_end..].find(CLOSE).map(|c| c + tag_end) else {
            break;
        };
        let seconds = tag[..tag_end].find(TS).and_then(|at| {
            let digits = &tag[at + TS.len()..tag_end];
            digits[..digits.find('"')?].parse::<i64>().ok()
        });
        match seconds {
            Some(seconds) => {
                out.push_str(&rest[..start]);
                out.push_str(&tag[..=tag_end]);
                out.push_str(&format_date(locale, seconds.saturating_mul(1000)));
                out.push_str(CLOSE);
            }
            None => out.push_str(&rest[..start + close + CLOSE.len()]),
        }
        rest = &tag[close + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn times_are_written_in_the_readers_language() {
        let html = r#"<p>at <time datetime="2023-11-14T22:13:20Z" data-ts="1700000000" data-style="F">2023-11-14 22:13 UTC</time> ok</p>"#;
        let en = localize_times(html, Locale::En);
        assert!(en.starts_with("<p>at <time datetime="), "{en}");
        assert!(en.ends_with("</time> ok</p>"), "{en}");
        assert!(!en.contains("UTC</time>"), "{en}");
        assert_eq!(en.matches("<time").count(), 1);
        let plain = "<p>no dates</p>";
        assert_eq!(localize_times(plain, Locale::De), plain);
        let broken = r#"<time data-ts="x">a</time><time data-ts="1">"#;
        assert_eq!(localize_times(broken, Locale::En), broken);
    }
}

// The texts are the server's to read (the browser installs them).
#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    #[test]
    fn accept_language_picks_highest_quality_supported() {
        assert_eq!(
            Locale::from_accept_language("de-DE,de;q=0.9,en;q=0.8"),
            Locale::De
        );
        assert_eq!(
            Locale::from_accept_language("ja, fr;q=0.5, en;q=0.4"),
            Locale::Fr
        );
        assert_eq!(
            Locale::from_accept_language("en;q=0.2, ru;q=0.9"),
            Locale::Ru
        );
        assert_eq!(Locale::from_accept_language("ja"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
        assert_eq!(Locale::from_accept_language("es-419"), Locale::Es);
    }

    /// The `$variables` each message of a Fluent file uses.
    fn messages_and_variables(code: &str) -> BTreeMap<String, BTreeSet<String>> {
        use fluent_syntax::ast;
        fn walk_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
            for el in &p.elements {
                if let ast::PatternElement::Placeable { expression } = el {
                    walk_expr(expression, out);
                }
            }
        }
        fn walk_expr(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
            match e {
                ast::Expression::Select { selector, variants } => {
                    walk_inline(selector, out);
                    for v in variants {
                        walk_pattern(&v.value, out);
                    }
                }
                ast::Expression::Inline(i) => walk_inline(i, out),
            }
        }
        fn walk_inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
            match i {
                ast::InlineExpression::VariableReference { id } => {
                    out.insert(id.name.to_string());
                }
                ast::InlineExpression::Placeable { expression } => walk_expr(expression, out),
                _ => {}
            }
        }
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(code)
            .join("parley.ftl");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let resource = fluent_syntax::parser::parse(text.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
        let mut out = BTreeMap::new();
        for entry in &resource.body {
            match entry {
                ast::Entry::Message(m) => {
                    let mut vars = BTreeSet::new();
                    if let Some(p) = &m.value {
                        walk_pattern(p, &mut vars);
                    }
                    assert!(
                        out.insert(m.id.name.to_string(), vars).is_none(),
                        "{code}: {} twice",
                        m.id.name
                    );
                }
                ast::Entry::Junk { content } => panic!("{code}: cannot read {content:?}"),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn every_locale_file_has_every_key_and_no_other() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
            .expect("locales directory")
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let offered: BTreeSet<String> = Locale::ALL.iter().map(|l| l.code().to_string()).collect();
        assert_eq!(on_disk, offered, "a directory per language Parley offers");

        let keys: BTreeSet<String> = Key::ALL.iter().map(|k| k.id().to_string()).collect();
        let english = messages_and_variables("en");
        for locale in Locale::ALL {
            let messages = messages_and_variables(locale.code());
            let ids: BTreeSet<String> = messages.keys().cloned().collect();
            let missing: Vec<_> = keys.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&keys).collect();
            assert!(missing.is_empty(), "{}: missing {missing:?}", locale.code());
            assert!(extra.is_empty(), "{}: not a key {extra:?}", locale.code());
            for (id, vars) in &messages {
                assert_eq!(
                    Some(vars),
                    english.get(id),
                    "{}: {id} uses other arguments than English",
                    locale.code()
                );
            }
            for key in Key::ALL {
                let text = key.text(locale);
                assert!(!text.trim().is_empty(), "{key:?} is empty in {locale:?}");
            }
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let secs = |locale, n: i64| Key::ErrRateLimited.with(locale, &[("n", Arg::Number(n))]);
        assert_eq!(
            secs(Locale::En, 1),
            "Too many attempts. Try again in 1 second."
        );
        assert_eq!(
            secs(Locale::En, 5),
            "Too many attempts. Try again in 5 seconds."
        );
        assert!(
            secs(Locale::Ru, 1).ends_with("через 1 секунду."),
            "{}",
            secs(Locale::Ru, 1)
        );
        assert!(
            secs(Locale::Ru, 2).ends_with("через 2 секунды."),
            "{}",
            secs(Locale::Ru, 2)
        );
        assert!(
            secs(Locale::Ru, 5).ends_with("через 5 секунд."),
            "{}",
            secs(Locale::Ru, 5)
        );
        assert!(secs(Locale::Ru, 21).ends_with("через 21 секунду."));
        assert!(secs(Locale::Ru, 12).ends_with("через 12 секунд."));
    }

    #[test]
    fn numbers_and_dates_follow_each_language() {
        let n = |locale, n: i64| Key::DeliveriesShown.with(locale, &[("n", Arg::Number(n))]);
        assert!(
            n(Locale::En, 12345).starts_with("12,345 "),
            "{}",
            n(Locale::En, 12345)
        );
        assert!(n(Locale::De, 12345).starts_with("12.345 "));
        assert!(n(Locale::Ru, 12345).starts_with("12\u{A0}345 "));
        assert!(
            n(Locale::Es, 1234).starts_with("1234 "),
            "Spanish groups from 5 digits"
        );
        let ms = 1_795_341_600_000; // 2026-11-22 10:00 UTC
        assert_eq!(format_date(Locale::En, ms), "2026-11-22 10:00");
        assert_eq!(format_date(Locale::De, ms), "22.11.2026, 10:00");
        assert_eq!(format_date(Locale::Fr, ms), "22/11/2026 10:00");
    }

    #[test]
    fn webhook_texts_have_no_isolation_marks() {
        let text = Key::NewUserSignedUp.with(Locale::En, &[("name", "Tim".into())]);
        assert_eq!(text, "New user signed up: Tim");
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    #[test]
    fn a_key_travels_as_its_message_id() {
        let json = serde_json::to_string(&Key::ErrUnknownEvent).expect("json");
        assert_eq!(json, "\"err-unknown-event\"");
        let back: Key = serde_json::from_str(&json).expect("back");
        assert_eq!(back, Key::ErrUnknownEvent);
        let message = Message::new(Key::SignIn).arg("n", 3).arg("name", "Tim");
        let round: Message =
            serde_json::from_str(&serde_json::to_string(&message).expect("json")).expect("back");
        assert_eq!(round, message);
        assert!(serde_json::from_str::<Key>("\"no-such-key\"").is_err());
    }
}
