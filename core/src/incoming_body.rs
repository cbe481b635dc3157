//! What outside tools send to a channel webhook (SPEC C3, C6, C7), read
//! into one message: Parley's own `{"content"}`, Slack's incoming-webhook
//! body (mrkdwn `text`, `blocks`, legacy `attachments`, as JSON or as the
//! form field `payload=`) and Discord's execute-webhook body (`content`,
//! `embeds`). Each dialect has its serde types; all of them are read into
//! one `RichBody` (text + `model::Card`s), rendered in `rich`.

use serde::Deserialize;
use serde_json::Value;

use super::rich::{escape_markdown, int_color, safe_url, slack_color, RichBody};
use super::{markdown, mrkdwn};
use crate::model::{Card, CardField, CardKind, CardLink, CardPart};

/// A body read and checked: what to show, the sender's per-message
/// overrides, and the body as it came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingMessage {
    pub rich: RichBody,
    pub username: Option<String>,
    pub dialect: Dialect,
    pub original: Value,
}

impl IncomingMessage {
    /// The markdown stored as the message's `content`.
    pub fn markdown(&self) -> String {
        self.rich.markdown()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `{"content": …}`, Discord's shape (content is markdown already).
    Discord,
    /// `{"text"|"blocks"|"attachments": …}`, Slack's shape (mrkdwn).
    Slack,
    /// A GitHub event (SPEC C9).
    Github,
}

#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// Not JSON (nor a form with a JSON `payload`).
    NotJson(String),
    /// Nothing to show: no text, block, embed or attachment.
    NoText,
    /// A part over Discord's limits; says which (SPEC C7).
    FieldTooLong(String),
}

/// Readers that take what senders really write (SPEC C14): `null` is
/// absent (Go's encoder writes `"attachments": null`, Python's
/// `discord-webhook` `"url": null`), a number where text is expected is
/// that number's text, and a value of the wrong shape is ignored — never
/// a refusal of the whole body.
mod lenient {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// Text: a string (empty = absent), a number or a bool as text.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) if !s.trim().is_empty() => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
    }

    /// A string only; anything else is absent.
    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) if !s.trim().is_empty() => Some(s),
            _ => None,
        })
    }

    /// Text that may be absent, as an empty string.
    pub fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(text(d)?.unwrap_or_default())
    }

    /// `true`, `"true"`, `1`; anything else is false.
    pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Bool(b) => b,
            Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
            Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
            _ => false,
        })
    }

    /// A list whose entries that do not read are left out; `null` or a
    /// value that is no list is an empty list.
    pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Array(items) => items
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
            _ => Vec::new(),
        })
    }

    /// An object that does not read is absent.
    pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        Ok(match Value::deserialize(d)? {
            v @ Value::Object(_) => serde_json::from_value(v).ok(),
            _ => None,
        })
    }

    /// Any JSON but `null`.
    pub fn value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        Ok(Some(Value::deserialize(d)?).filter(|v| !v.is_null()))
    }
}

/// Discord's execute-webhook body (the fields Parley uses).
#[derive(Debug, Default, Deserialize)]
struct DiscordBody {
    /// Only a string is content (`{"content": 42}` has none).
    #[serde(default, deserialize_with = "lenient::string")]
    content: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    username: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    avatar_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::list")]
    embeds: Vec<Embed>,
}

#[derive(Debug, Default, Deserialize)]
struct Embed {
    #[serde(default, deserialize_with = "lenient::text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    description: Option<String>,
    #[serde(default, deserialize_with = "lenient::value")]
    color: Option<Value>,
    #[serde(default, deserialize_with = "lenient::object")]
    author: Option<EmbedAuthor>,
    #[serde(default, deserialize_with = "lenient::list")]
    fields: Vec<EmbedField>,
    #[serde(default, deserialize_with = "lenient::object")]
    image: Option<EmbedImage>,
    #[serde(default, deserialize_with = "lenient::object")]
    thumbnail: Option<EmbedImage>,
    #[serde(default, deserialize_with = "lenient::object")]
    footer: Option<EmbedFooter>,
    #[serde(default, deserialize_with = "lenient::text")]
    timestamp: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedAuthor {
    #[serde(default, deserialize_with = "lenient::text")]
    name: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    icon_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedField {
    #[serde(default, deserialize_with = "lenient::text_or_empty")]
    name: String,
    #[serde(default, deserialize_with = "lenient::text_or_empty")]
    value: String,
    #[serde(default, deserialize_with = "lenient::flag")]
    inline: bool,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedImage {
    #[serde(default, deserialize_with = "lenient::text")]
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedFooter {
    #[serde(default, deserialize_with = "lenient::text")]
    text: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    icon_url: Option<String>,
}

/// Slack's incoming-webhook body.
#[derive(Debug, Default, Deserialize)]
struct SlackBody {
    #[serde(default, deserialize_with = "lenient::text")]
    text: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    username: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    icon_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    icon_emoji: Option<String>,
    #[serde(default, deserialize_with = "lenient::list")]
    blocks: Vec<Value>,
    #[serde(default, deserialize_with = "lenient::list")]
    attachments: Vec<Attachment>,
}

#[derive(Debug, Default, Deserialize)]
struct Attachment {
    #[serde(default, deserialize_with = "lenient::text")]
    fallback: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    color: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    pretext: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    author_name: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    author_link: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    author_icon: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    title: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    title_link: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    text: Option<String>,
    #[serde(default, deserialize_with = "lenient::list")]
    fields: Vec<AttachmentField>,
    #[serde(default, deserialize_with = "lenient::text")]
    image_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    thumb_url: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    footer: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    footer_icon: Option<String>,
    #[serde(default, deserialize_with = "lenient::value")]
    ts: Option<Value>,
    #[serde(default, deserialize_with = "lenient::list")]
    blocks: Vec<Value>,
    /// Legacy message buttons; those with a URL become links.
    #[serde(default, deserialize_with = "lenient::list")]
    actions: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct AttachmentField {
    #[serde(default, deserialize_with = "lenient::text_or_empty")]
    title: String,
    #[serde(default)]
    value: Value,
    #[serde(default, deserialize_with = "lenient::flag")]
    short: bool,
}

/// Discord's multipart bodies (a message with files) carry the message as
/// the `payload_json` field, or as `content`/`username`/`avatar_url`
/// fields; the files are ignored (SPEC C7). Any other body passes as it
/// came. Called only once the caller is known: parsing costs the server.
pub async fn unwrap_multipart(
    content_type: Option<&str>,
    body: bytes::Bytes,
) -> Result<(Option<String>, bytes::Bytes), BodyError> {
    let Some(boundary) = content_type
        .filter(|ct| ct.starts_with("multipart/form-data"))
        .map(multer::parse_boundary)
    else {
        return Ok((content_type.map(str::to_string), body));
    };
    let bad =
        |e: multer::Error| BodyError::NotJson(format!("the multipart body cannot be read: {e}"));
    let boundary = boundary.map_err(bad)?;
    let stream = futures::stream::once(async move { Ok::<bytes::Bytes, std::io::Error>(body) });
    let mut parts = multer::Multipart::new(stream, boundary);
    let mut fields = serde_json::Map::new();
    while let Some(field) = parts.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if field.file_name().is_some()
            || !matches!(
                name.as_str(),
                "payload_json" | "content" | "username" | "avatar_url"
            )
        {
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        if name == "payload_json" {
            return Ok((Some("application/json".into()), bytes::Bytes::from(text)));
        }
        fields.insert(name, Value::String(text));
    }
    Ok((
        Some("application/json".into()),
        bytes::Bytes::from(Value::Object(fields).to_string()),
    ))
}

/// Reads a body as the content type says: JSON, or a form whose
/// `payload` field holds the JSON (Slack accepts both).
pub fn read(content_type: Option<&str>, body: &[u8]) -> Result<IncomingMessage, BodyError> {
    from_json(&parse_json(content_type, body)?)
}

/// The JSON of a body: itself, or a form's `payload` (`payload_json`).
pub fn parse_json(content_type: Option<&str>, body: &[u8]) -> Result<Value, BodyError> {
    let is_form =
        content_type.is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| BodyError::NotJson(format!("not a form: {e}")))?;
        let payload = pairs
            .into_iter()
            .find(|(k, _)| k == "payload" || k == "payload_json")
            .map(|(_, v)| v)
            .ok_or_else(|| BodyError::NotJson("the form has no payload field".into()))?;
        serde_json::from_str(&payload).map_err(|e| BodyError::NotJson(e.to_string()))
    } else {
        serde_json::from_slice(body).map_err(|e| BodyError::NotJson(e.to_string()))
    }
}

fn nonempty(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Reads a parsed JSON body in either dialect.
pub fn from_json(json: &Value) -> Result<IncomingMessage, BodyError> {
    // JSON of another shape (an array, `"content": 42`) carries nothing
    // Parley can show: the same answer as no text at all.
    if !json.is_object() {
        return Err(BodyError::NoText);
    }
    // Discord's body when it has Discord's content or embeds (Python's
    // `discord-webhook` also writes `"attachments": []` beside them);
    // Slack's when it has Slack's parts; `null`, `""` and `[]` say nothing.
    let says = |k: &str| match json.get(k) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    let discordish = says("content") || says("embeds");
    let slackish = !discordish && ["text", "blocks", "attachments"].iter().any(|k| says(k));
    let (rich, username, dialect) = if slackish {
        let body: SlackBody =
            serde_json::from_value(json.clone()).map_err(|_| BodyError::NoText)?;
        slack(body)
    } else {
        let body: DiscordBody =
            serde_json::from_value(json.clone()).map_err(|_| BodyError::NoText)?;
        discord(body)?
    };
    finish(rich, username, dialect, json.clone())
}

/// The checks every dialect shares: something to show, and only http(s)
/// avatars.
pub fn finish(
    mut rich: RichBody,
    username: Option<String>,
    dialect: Dialect,
    original: Value,
) -> Result<IncomingMessage, BodyError> {
    rich.text = rich.text.trim().to_string();
    rich.cards.retain(|c| !c.parts.is_empty());
    rich.avatar_url = rich.avatar_url.filter(|u| safe_url(u).is_some());
    if rich.is_empty() {
        return Err(BodyError::NoText);
    }
    Ok(IncomingMessage {
        rich,
        username,
        dialect,
        original,
    })
}

fn http_url(url: Option<&String>) -> Option<String> {
    url.filter(|u| safe_url(u).is_some()).cloned()
}
/// Discord's embed limits (SPEC C7): the first part over one is named.
fn check_discord_limits(body: &DiscordBody) -> Result<(), BodyError> {
    let too_long = |field: String, max: usize| {
        BodyError::FieldTooLong(format!("{field} is longer than {max} characters"))
    };
    let len = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
    if body.embeds.len() > 10 {
        return Err(BodyError::FieldTooLong("embeds: at most 10 embeds".into()));
    }
    let mut total = 0;
    for (i, e) in body.embeds.iter().enumerate() {
        let checks = [
            (format!("embeds[{i}].title"), len(&e.title), 256),
            (
                format!("embeds[{i}].description"),
                len(&e.description),
                4096,
            ),
            (
                format!("embeds[{i}].author.name"),
                e.author.as_ref().map_or(0, |a| len(&a.name)),
                256,
            ),
            (
                format!("embeds[{i}].footer.text"),
                e.footer.as_ref().map_or(0, |f| len(&f.text)),
                2048,
            ),
        ];
        for (field, n, max) in checks {
            if n > max {
                return Err(too_long(field, max));
            }
            total += n;
        }
        if e.fields.len() > 25 {
            return Err(BodyError::FieldTooLong(format!(
                "embeds[{i}].fields: at most 25 fields"
            )));
        }
        for (j, f) in e.fields.iter().enumerate() {
            let (name, value) = (f.name.chars().count(), f.value.chars().count());
            if name > 256 {
                return Err(too_long(format!("embeds[{i}].fields[{j}].name"), 256));
            }
            if value > 1024 {
                return Err(too_long(format!("embeds[{i}].fields[{j}].value"), 1024));
            }
            total += name + value;
        }
    }
    if total > 6000 {
        return Err(BodyError::FieldTooLong(
            "embeds: more than 6000 characters in all".into(),
        ));
    }
    Ok(())
}

fn discord(body: DiscordBody) -> Result<(RichBody, Option<String>, Dialect), BodyError> {
    check_discord_limits(&body)?;
    // Many tools write Slack's `<url|label>` links in `content` too.
    let text = nonempty(body.content.as_ref())
        .map(|c| markdown::slack_links_in_markdown(mrkdwn::cut(&c, mrkdwn::MAX_MRKDWN_CHARS)))
        .unwrap_or_default();
    let rich = RichBody {
        text,
        cards: body.embeds.iter().map(embed_card).collect(),
        avatar_url: body.avatar_url,
        avatar_emoji: None,
    };
    Ok((rich, nonempty(body.username.as_ref()), Dialect::Discord))
}

fn rfc3339_ms(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|d| d.timestamp_millis())
}

fn embed_card(e: &Embed) -> Card {
    let mut parts = Vec::new();
    if let Some(author) = &e.author {
        if let Some(name) = nonempty(author.name.as_ref()) {
            parts.push(CardPart::Author {
                name,
                url: http_url(author.url.as_ref()),
                icon_url: http_url(author.icon_url.as_ref()),
            });
        }
    }
    if let Some(title) = nonempty(e.title.as_ref()) {
        parts.push(CardPart::Title {
            text: title,
            url: http_url(e.url.as_ref()),
        });
    }
    if let Some(d) = nonempty(e.description.as_ref()) {
        parts.push(CardPart::Text { markdown: d });
    }
    let fields: Vec<CardField> = e
        .fields
        .iter()
        .filter(|f| !f.name.trim().is_empty() || !f.value.trim().is_empty())
        .map(|f| CardField {
            title: f.name.trim().to_string(),
            markdown: f.value.trim().to_string(),
            inline: f.inline,
        })
        .collect();
    if !fields.is_empty() {
        parts.push(CardPart::Fields { fields });
    }
    if let Some(url) = e.image.as_ref().and_then(|i| http_url(i.url.as_ref())) {
        parts.push(CardPart::Image {
            url,
            alt: String::new(),
        });
    }
    if let Some(url) = e.thumbnail.as_ref().and_then(|i| http_url(i.url.as_ref())) {
        parts.push(CardPart::Thumbnail {
            url,
            alt: String::new(),
        });
    }
    let footer_text = e
        .footer
        .as_ref()
        .and_then(|f| nonempty(f.text.as_ref()))
        .unwrap_or_default();
    let timestamp = e.timestamp.as_deref().and_then(rfc3339_ms);
    if !footer_text.is_empty() || timestamp.is_some() {
        parts.push(CardPart::Footer {
            text: footer_text,
            icon_url: e
                .footer
                .as_ref()
                .and_then(|f| http_url(f.icon_url.as_ref())),
            timestamp,
        });
    }
    let color = match &e.color {
        Some(Value::Number(n)) => n.as_i64().and_then(int_color),
        Some(Value::String(s)) => s
            .parse::<i64>()
            .ok()
            .and_then(int_color)
            .or_else(|| slack_color(s)),
        _ => None,
    };
    Card {
        kind: CardKind::Embed,
        color,
        parts,
    }
}

fn slack(body: SlackBody) -> (RichBody, Option<String>, Dialect) {
    let mut cards = Vec::new();
    let blocks = blocks_parts(&body.blocks);
    // `text` is the notification fallback when blocks carry the message.
    let text = if blocks.is_empty() {
        nonempty(body.text.as_ref())
            .map(|t| mrkdwn::to_markdown(&t))
            .unwrap_or_default()
    } else {
        cards.push(Card {
            kind: CardKind::Blocks,
            color: None,
            parts: blocks,
        });
        String::new()
    };
    cards.extend(body.attachments.iter().map(attachment_card));
    let username = nonempty(body.username.as_ref());
    // `icon_emoji` is the author's picture, as in Slack; an unknown one is
    // no picture (never text in the name).
    let avatar_emoji = body
        .icon_emoji
        .as_deref()
        .map(|e| e.trim().trim_matches(':'))
        .and_then(mrkdwn::lookup)
        .map(|e| e.as_str().to_string());
    let rich = RichBody {
        text,
        cards,
        avatar_url: body.icon_url,
        avatar_emoji,
    };
    (rich, username, Dialect::Slack)
}

/// A Block Kit text object: mrkdwn converted, plain text escaped.
fn text_of(obj: Option<&Value>) -> Option<String> {
    let obj = obj?;
    let text = obj.get("text")?.as_str()?.trim();
    if text.is_empty() {
        return None;
    }
    Some(match obj.get("type").and_then(Value::as_str) {
        Some("plain_text") => escape_markdown(text),
        _ => mrkdwn::to_markdown(text),
    })
}

/// A Block Kit text object as plain text (headers, button labels).
fn plain_of(obj: Option<&Value>) -> Option<String> {
    let text = obj?.get("text")?.as_str()?.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Buttons with a URL (Block Kit elements or legacy actions) as links.
fn button_links(elements: &[Value]) -> Vec<CardLink> {
    elements
        .iter()
        .filter_map(|e| {
            let label = plain_of(e.get("text")).or_else(|| str_field(e, "text"))?;
            let url = str_field(e, "url").filter(|u| safe_url(u).is_some())?;
            Some(CardLink { label, url })
        })
        .collect()
}

fn push_links(out: &mut Vec<CardPart>, links: Vec<CardLink>) {
    if !links.is_empty() {
        out.push(CardPart::Links { links });
    }
}

fn section_parts(block: &Value, out: &mut Vec<CardPart>) {
    if let Some(t) = text_of(block.get("text")) {
        out.push(CardPart::Text { markdown: t });
    }
    let fields: Vec<CardField> = block
        .get("fields")
        .and_then(Value::as_array)
        .map(|f| {
            f.iter()
                .filter_map(|v| text_of(Some(v)))
                .map(|markdown| CardField {
                    title: String::new(),
                    markdown,
                    inline: true,
                })
                .collect()
        })
        .unwrap_or_default();
    if !fields.is_empty() {
        out.push(CardPart::Fields { fields });
    }
    let Some(acc) = block.get("accessory") else {
        return;
    };
    match acc.get("type").and_then(Value::as_str) {
        Some("image") => {
            if let Some(url) = str_field(acc, "image_url").filter(|u| safe_url(u).is_some()) {
                out.push(CardPart::Thumbnail {
                    url,
                    alt: str_field(acc, "alt_text").unwrap_or_default(),
                });
            }
        }
        Some("button") => push_links(out, button_links(std::slice::from_ref(acc))),
        _ => {}
    }
}

fn blocks_parts(blocks: &[Value]) -> Vec<CardPart> {
    let mut out = Vec::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str) {
            Some("header") => {
                if let Some(t) = plain_of(block.get("text")) {
                    out.push(CardPart::Header { text: t });
                }
            }
            Some("section") => section_parts(block, &mut out),
            Some("context") => {
                let texts: Vec<String> = block
                    .get("elements")
                    .and_then(Value::as_array)
                    .map(|els| els.iter().filter_map(|e| text_of(Some(e))).collect())
                    .unwrap_or_default();
                if !texts.is_empty() {
                    out.push(CardPart::Context { markdown: texts });
                }
            }
            Some("divider") => out.push(CardPart::Divider),
            Some("image") => {
                if let Some(url) = str_field(block, "image_url").filter(|u| safe_url(u).is_some()) {
                    let alt = plain_of(block.get("title"))
                        .or_else(|| str_field(block, "alt_text"))
                        .unwrap_or_default();
                    out.push(CardPart::Image { url, alt });
                }
            }
            Some("actions") => {
                let elements = block.get("elements").and_then(Value::as_array);
                push_links(
                    &mut out,
                    elements.map(|e| button_links(e)).unwrap_or_default(),
                );
            }
            Some("rich_text") => {
                let md = rich_text_markdown(block);
                if !md.trim().is_empty() {
                    out.push(CardPart::Text { markdown: md });
                }
            }
            // Slack's `markdown` block holds standard markdown.
            Some("markdown") => {
                if let Some(t) = str_field(block, "text") {
                    out.push(CardPart::Text { markdown: t });
                }
            }
            _ => {}
        }
    }
    out
}

fn elements_of(v: &Value) -> &[Value] {
    v.get("elements")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// One styled run of Block Kit rich text as markdown.
fn rich_text_element(e: &Value) -> String {
    match e.get("type").and_then(Value::as_str) {
        Some("text") => {
            let text = e.get("text").and_then(Value::as_str).unwrap_or_default();
            let on = |k: &str| {
                e.get("style")
                    .and_then(|s| s.get(k))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            if on("code") {
                return format!("`{}`", text.replace('`', "'"));
            }
            let mut t = escape_markdown(text);
            if on("bold") {
                t = format!("**{t}**");
            }
            if on("italic") {
                t = format!("*{t}*");
            }
            if on("strike") {
                t = format!("~~{t}~~");
            }
            t
        }
        Some("link") => {
            let url = str_field(e, "url").unwrap_or_default();
            let label = str_field(e, "text").unwrap_or_else(|| url.clone());
            match safe_url(&url) {
                Some(u) => format!("[{}]({})", escape_markdown(&label), u.replace(')', "%29")),
                None => escape_markdown(&label),
            }
        }
        Some("emoji") => str_field(e, "name")
            .map(|n| mrkdwn::to_markdown(&format!(":{n}:")))
            .unwrap_or_default(),
        Some("user") => format!("@{}", str_field(e, "user_id").unwrap_or_default()),
        Some("channel") => format!("#{}", str_field(e, "channel_id").unwrap_or_default()),
        Some("broadcast") => format!("@{}", str_field(e, "range").unwrap_or_default()),
        _ => String::new(),
    }
}

fn rich_text_inline(v: &Value) -> String {
    elements_of(v).iter().map(rich_text_element).collect()
}

/// Block Kit's `rich_text`: sections, lists, quotes and preformatted
/// parts of styled text, links and emoji, as markdown.
fn rich_text_markdown(block: &Value) -> String {
    let mut out = Vec::new();
    for part in elements_of(block) {
        match part.get("type").and_then(Value::as_str) {
            Some("rich_text_section") => out.push(rich_text_inline(part)),
            Some("rich_text_list") => {
                let ordered = part.get("style").and_then(Value::as_str) == Some("ordered");
                let items: Vec<String> = elements_of(part)
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let bullet = if ordered {
                            format!("{}.", i + 1)
                        } else {
                            "-".into()
                        };
                        format!("{bullet} {}", rich_text_inline(item))
                    })
                    .collect();
                out.push(items.join("\n"));
            }
            Some("rich_text_quote") => out.push(format!("> {}", rich_text_inline(part))),
            Some("rich_text_preformatted") => {
                let code: String = elements_of(part)
                    .iter()
                    .filter_map(|e| e.get("text").and_then(Value::as_str))
                    .collect();
                out.push(format!("```\n{}\n```", code.replace("```", "` ` `")));
            }
            _ => {}
        }
    }
    out.join("\n\n")
}

fn field_value(v: &Value) -> String {
    match v {
        Value::String(s) => mrkdwn::to_markdown(s),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn attachment_card(a: &Attachment) -> Card {
    let mut parts = Vec::new();
    if let Some(p) = nonempty(a.pretext.as_ref()) {
        parts.push(CardPart::Pretext {
            markdown: mrkdwn::to_markdown(&p),
        });
    }
    if let Some(author) = nonempty(a.author_name.as_ref()) {
        parts.push(CardPart::Author {
            name: author,
            url: http_url(a.author_link.as_ref()),
            icon_url: http_url(a.author_icon.as_ref()),
        });
    }
    if let Some(title) = nonempty(a.title.as_ref()) {
        parts.push(CardPart::Title {
            text: title,
            url: http_url(a.title_link.as_ref()),
        });
    }
    if let Some(text) = nonempty(a.text.as_ref()) {
        parts.push(CardPart::Text {
            markdown: mrkdwn::to_markdown(&text),
        });
    }
    let fields: Vec<CardField> = a
        .fields
        .iter()
        .map(|f| CardField {
            title: f.title.trim().to_string(),
            markdown: field_value(&f.value).trim().to_string(),
            inline: f.short,
        })
        .filter(|f| !f.title.is_empty() || !f.markdown.is_empty())
        .collect();
    if !fields.is_empty() {
        parts.push(CardPart::Fields { fields });
    }
    parts.extend(blocks_parts(&a.blocks));
    push_links(&mut parts, button_links(&a.actions));
    if let Some(url) = http_url(a.image_url.as_ref()) {
        parts.push(CardPart::Image {
            url,
            alt: String::new(),
        });
    }
    if let Some(url) = http_url(a.thumb_url.as_ref()) {
        parts.push(CardPart::Thumbnail {
            url,
            alt: String::new(),
        });
    }
    let ts = a.ts.as_ref().and_then(|t| match t {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    let footer = nonempty(a.footer.as_ref()).unwrap_or_default();
    if !footer.is_empty() || ts.is_some() {
        parts.push(CardPart::Footer {
            text: footer,
            icon_url: http_url(a.footer_icon.as_ref()),
            timestamp: ts.map(|t| (t * 1000.0) as i64),
        });
    }
    if parts.is_empty() {
        // `fallback` only when nothing else says anything.
        if let Some(f) = nonempty(a.fallback.as_ref()) {
            parts.push(CardPart::Text {
                markdown: mrkdwn::to_markdown(&f),
            });
        }
    }
    Card {
        kind: CardKind::Attachment,
        color: a.color.as_deref().and_then(slack_color),
        parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn md(body: Value) -> String {
        from_json(&body).expect("message").markdown()
    }

    #[test]
    fn plain_content_and_slack_text() {
        assert_eq!(md(json!({"content": "Deploy **v1**"})), "Deploy **v1**");
        assert_eq!(
            md(json!({"text": "Deploy *v1* <https://ci.example|log>"})),
            "Deploy **v1** [log](https://ci.example)"
        );
        assert_eq!(from_json(&json!({"content": "  "})), Err(BodyError::NoText));
        assert_eq!(from_json(&json!({"text": ""})), Err(BodyError::NoText));
        assert_eq!(from_json(&json!([1])), Err(BodyError::NoText));
        assert_eq!(from_json(&json!({"content": 42})), Err(BodyError::NoText));
    }

    #[test]
    fn slack_blocks_and_attachments_become_text() {
        let blocks = md(json!({
            "text": "fallback only",
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": "Deploy *finished*"}},
                {"type": "section", "text": {"type": "mrkdwn", "text": "*api* is live"},
                 "fields": [{"type": "mrkdwn", "text": "*Env:*\nprod"}]},
                {"type": "divider"},
                {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Open"}, "url": "https://ci.example/1"}]}
            ]
        }));
        assert!(!blocks.contains("fallback only"), "{blocks}");
        assert!(blocks.contains("### Deploy \\*finished\\*"), "{blocks}");
        assert!(blocks.contains("**api** is live"), "{blocks}");
        assert!(blocks.contains("[Open](https://ci.example/1)"), "{blocks}");
        let att = md(json!({
            "attachments": [{
                "fallback": "Required plain-text summary",
                "color": "#36a64f",
                "pretext": "Optional pre-text",
                "author_name": "Bobby Tables",
                "author_link": "http://flickr.com/bobby/",
                "title": "Slack API Documentation",
                "title_link": "https://api.slack.com/",
                "text": "Optional `text` that appears within the attachment",
                "fields": [{"title": "Priority", "value": "High", "short": false}],
                "image_url": "http://my-website.com/path/to/image.jpg",
                "footer": "Slack API",
                "ts": 123456789
            }]
        }));
        assert!(att.starts_with("Optional pre-text"), "{att}");
        assert!(
            att.contains("> **[Slack API Documentation](https://api.slack.com/)**"),
            "{att}"
        );
        assert!(att.contains("**Priority**: High"), "{att}");
        assert!(
            att.contains("[image](http://my-website.com/path/to/image.jpg)"),
            "{att}"
        );
        assert!(!att.contains("Required plain-text summary"), "{att}");
        let only_fallback = md(json!({"attachments": [{"fallback": "just this"}]}));
        assert_eq!(only_fallback, "> just this");
    }

    #[test]
    fn discord_embeds_become_text() {
        let m = from_json(&json!({
            "username": "CI",
            "avatar_url": "https://i.imgur.com/4M34hi2.png",
            "content": "Text message.",
            "embeds": [{
                "author": {"name": "Birdie", "url": "https://www.reddit.com/r/cats/"},
                "title": "Title", "url": "https://google.com/",
                "description": "Text message. You can use Markdown here.",
                "color": 15258703,
                "fields": [{"name": "Text", "value": "More text", "inline": true}],
                "thumbnail": {"url": "https://upload.wikimedia.org/wikipedia/commons/3/38/4-Nature-Wallpapers-2014-1_ukaavUI.jpg"},
                "footer": {"text": "Woah! So cool!"}
            }]
        }))
        .expect("message");
        assert_eq!(m.username.as_deref(), Some("CI"));
        assert_eq!(m.dialect, Dialect::Discord);
        assert!(
            m.markdown().starts_with("Text message."),
            "{}",
            m.markdown()
        );
        assert!(
            m.markdown().contains("> **[Title](https://google.com/)**"),
            "{}",
            m.markdown()
        );
        assert!(
            m.markdown().contains("> **Text**: More text"),
            "{}",
            m.markdown()
        );
        assert!(
            m.markdown().contains("_Woah! So cool!_"),
            "{}",
            m.markdown()
        );
        let only_embed = md(json!({"embeds": [{"description": "alert firing"}]}));
        assert_eq!(only_embed, "> alert firing");
    }

    #[test]
    fn form_bodies_carry_the_json_in_payload() {
        let body = b"payload=%7B%22text%22%3A%22hi%20*there*%22%7D";
        let m = read(Some("application/x-www-form-urlencoded"), body).expect("form");
        assert_eq!(m.markdown(), "hi **there**");
        assert_eq!(m.dialect, Dialect::Slack);
        assert!(read(Some("application/x-www-form-urlencoded"), b"x=1").is_err());
    }

    #[test]
    fn discord_limits_name_the_field() {
        let long = "x".repeat(257);
        assert_eq!(
            from_json(&json!({"embeds": [{"description": "ok"}, {"title": long}]})),
            Err(BodyError::FieldTooLong(
                "embeds[1].title is longer than 256 characters".into()
            ))
        );
        let eleven: Vec<Value> = (0..11).map(|_| json!({"description": "x"})).collect();
        assert!(matches!(
            from_json(&json!({"embeds": eleven})),
            Err(BodyError::FieldTooLong(f)) if f.starts_with("embeds")
        ));
        let value = "v".repeat(1025);
        assert!(matches!(
            from_json(&json!({"embeds": [{"fields": [{"name": "n", "value": value}]}]})),
            Err(BodyError::FieldTooLong(f)) if f.contains("fields[0].value")
        ));
    }

    #[test]
    fn links_are_only_http() {
        let m = md(json!({"embeds": [{"title": "x", "url": "javascript:alert(1)"}]}));
        assert!(!m.contains("javascript:"), "{m}");
    }
}
