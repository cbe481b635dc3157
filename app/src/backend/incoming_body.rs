//! What outside tools send to a channel webhook (SPEC C3, C6, C7), read
//! into one message: Parley's own `{"content"}`, Slack's incoming-webhook
//! body (mrkdwn `text`, `blocks`, legacy `attachments`, as JSON or as the
//! form field `payload=`) and Discord's execute-webhook body (`content`,
//! `embeds`). Rich parts become markdown for now; the original body is
//! kept with the message so richer rendering can use it later.

use serde::Deserialize;
use serde_json::Value;

use super::mrkdwn;

/// A body read and checked: the markdown to store and the sender's
/// per-message overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingMessage {
    pub markdown: String,
    pub username: Option<String>,
    /// The image the sender asked for (never hot-linked; SPEC C10).
    pub avatar_url: Option<String>,
    pub dialect: Dialect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `{"content": …}`, Discord's shape (content is markdown already).
    Discord,
    /// `{"text"|"blocks"|"attachments": …}`, Slack's shape (mrkdwn).
    Slack,
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

/// Discord's execute-webhook body (the fields Parley uses).
#[derive(Debug, Default, Deserialize)]
struct DiscordBody {
    content: Option<String>,
    username: Option<String>,
    avatar_url: Option<String>,
    #[serde(default)]
    embeds: Vec<Embed>,
}

#[derive(Debug, Default, Deserialize)]
struct Embed {
    title: Option<String>,
    url: Option<String>,
    description: Option<String>,
    author: Option<EmbedAuthor>,
    #[serde(default)]
    fields: Vec<EmbedField>,
    image: Option<EmbedImage>,
    thumbnail: Option<EmbedImage>,
    footer: Option<EmbedFooter>,
    timestamp: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedAuthor {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedField {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedImage {
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct EmbedFooter {
    text: Option<String>,
}

/// Slack's incoming-webhook body.
#[derive(Debug, Default, Deserialize)]
struct SlackBody {
    text: Option<String>,
    username: Option<String>,
    icon_url: Option<String>,
    icon_emoji: Option<String>,
    #[serde(default)]
    blocks: Vec<Value>,
    #[serde(default)]
    attachments: Vec<Attachment>,
}

#[derive(Debug, Default, Deserialize)]
struct Attachment {
    fallback: Option<String>,
    pretext: Option<String>,
    author_name: Option<String>,
    author_link: Option<String>,
    title: Option<String>,
    title_link: Option<String>,
    text: Option<String>,
    #[serde(default)]
    fields: Vec<AttachmentField>,
    image_url: Option<String>,
    footer: Option<String>,
    ts: Option<Value>,
    #[serde(default)]
    blocks: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
struct AttachmentField {
    #[serde(default)]
    title: String,
    #[serde(default)]
    value: Value,
}

/// Reads a body as the content type says: JSON, or a form whose
/// `payload` field holds the JSON (Slack accepts both).
pub fn read(content_type: Option<&str>, body: &[u8]) -> Result<IncomingMessage, BodyError> {
    let is_form =
        content_type.is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let json: Value = if is_form {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| BodyError::NotJson(format!("not a form: {e}")))?;
        let payload = pairs
            .into_iter()
            .find(|(k, _)| k == "payload" || k == "payload_json")
            .map(|(_, v)| v)
            .ok_or_else(|| BodyError::NotJson("the form has no payload field".into()))?;
        serde_json::from_str(&payload).map_err(|e| BodyError::NotJson(e.to_string()))?
    } else {
        serde_json::from_slice(body).map_err(|e| BodyError::NotJson(e.to_string()))?
    };
    from_json(&json)
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
    let slackish = ["text", "blocks", "attachments"]
        .iter()
        .any(|k| json.get(*k).is_some())
        && json.get("content").is_none_or(Value::is_null);
    if slackish {
        let body: SlackBody =
            serde_json::from_value(json.clone()).map_err(|_| BodyError::NoText)?;
        slack(body)
    } else {
        let body: DiscordBody =
            serde_json::from_value(json.clone()).map_err(|_| BodyError::NoText)?;
        discord(body)
    }
}

fn finish(
    parts: Vec<String>,
    username: Option<String>,
    avatar: Option<String>,
    dialect: Dialect,
) -> Result<IncomingMessage, BodyError> {
    let markdown = parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    if markdown.is_empty() {
        return Err(BodyError::NoText);
    }
    Ok(IncomingMessage {
        markdown,
        username,
        avatar_url: avatar.filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        dialect,
    })
}

fn link(label: &str, url: Option<&String>) -> String {
    let label = label.replace('[', "\\[").replace(']', "\\]");
    match url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        Some(u) => format!("[{label}]({})", u.replace(' ', "%20").replace(')', "%29")),
        None => label,
    }
}

/// An image a sender names: a link to it, never an `<img>` (SPEC C10).
fn image_link(url: Option<&String>, alt: &str) -> Option<String> {
    url.filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| link(if alt.is_empty() { "image" } else { alt }, Some(u)))
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

fn discord(body: DiscordBody) -> Result<IncomingMessage, BodyError> {
    check_discord_limits(&body)?;
    let mut parts = vec![nonempty(body.content.as_ref()).unwrap_or_default()];
    for embed in &body.embeds {
        parts.push(embed_markdown(embed));
    }
    finish(
        parts,
        nonempty(body.username.as_ref()),
        body.avatar_url,
        Dialect::Discord,
    )
}

fn embed_markdown(e: &Embed) -> String {
    let mut lines = Vec::new();
    if let Some(author) = e
        .author
        .as_ref()
        .and_then(|a| nonempty(a.name.as_ref()).map(|n| (n, a)))
    {
        lines.push(format!("*{}*", link(&author.0, author.1.url.as_ref())));
    }
    if let Some(title) = nonempty(e.title.as_ref()) {
        lines.push(format!("**{}**", link(&title, e.url.as_ref())));
    }
    if let Some(d) = nonempty(e.description.as_ref()) {
        lines.push(d);
    }
    for f in &e.fields {
        if !f.name.trim().is_empty() || !f.value.trim().is_empty() {
            lines.push(format!("**{}**: {}", f.name.trim(), f.value.trim()));
        }
    }
    for img in [&e.image, &e.thumbnail].into_iter().flatten() {
        if let Some(l) = image_link(img.url.as_ref(), "image") {
            lines.push(l);
        }
    }
    let footer: Vec<String> = [
        e.footer.as_ref().and_then(|f| nonempty(f.text.as_ref())),
        nonempty(e.timestamp.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !footer.is_empty() {
        lines.push(format!("_{}_", footer.join(" · ")));
    }
    quote(&lines.join("\n\n"))
}

/// A card's markdown as a block quote, so it stands apart from the text.
fn quote(markdown: &str) -> String {
    markdown
        .lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn slack(body: SlackBody) -> Result<IncomingMessage, BodyError> {
    let mut parts = Vec::new();
    let blocks = blocks_markdown(&body.blocks);
    // `text` is the notification fallback when blocks carry the message.
    if blocks.is_empty() {
        parts.push(
            nonempty(body.text.as_ref())
                .map(|t| mrkdwn::to_markdown(&t))
                .unwrap_or_default(),
        );
    } else {
        parts.push(blocks);
    }
    for a in &body.attachments {
        parts.push(attachment_markdown(a));
    }
    let username = nonempty(body.username.as_ref());
    let username = match (username, nonempty(body.icon_emoji.as_ref())) {
        (Some(name), Some(emoji)) => Some(format!("{} {name}", mrkdwn::to_markdown(&emoji))),
        (name, _) => name,
    };
    finish(parts, username, body.icon_url, Dialect::Slack)
}

fn text_of(obj: Option<&Value>) -> Option<String> {
    let obj = obj?;
    let text = obj.get("text")?.as_str()?.trim();
    if text.is_empty() {
        return None;
    }
    Some(match obj.get("type").and_then(Value::as_str) {
        Some("plain_text") => text.replace('*', "\\*").replace('_', "\\_"),
        _ => mrkdwn::to_markdown(text),
    })
}

fn blocks_markdown(blocks: &[Value]) -> String {
    let mut out = Vec::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str) {
            Some("header") => {
                if let Some(t) = text_of(block.get("text")) {
                    out.push(format!("### {t}"));
                }
            }
            Some("section") => {
                if let Some(t) = text_of(block.get("text")) {
                    out.push(t);
                }
                let fields: Vec<String> = block
                    .get("fields")
                    .and_then(Value::as_array)
                    .map(|f| f.iter().filter_map(|v| text_of(Some(v))).collect())
                    .unwrap_or_default();
                if !fields.is_empty() {
                    out.push(fields.join("  \n"));
                }
                if let Some(acc) = block.get("accessory") {
                    if acc.get("type").and_then(Value::as_str) == Some("image") {
                        let url = acc
                            .get("image_url")
                            .and_then(Value::as_str)
                            .map(str::to_string);
                        let alt = acc
                            .get("alt_text")
                            .and_then(Value::as_str)
                            .unwrap_or("image");
                        if let Some(l) = image_link(url.as_ref(), alt) {
                            out.push(l);
                        }
                    }
                }
            }
            Some("context") => {
                let texts: Vec<String> = block
                    .get("elements")
                    .and_then(Value::as_array)
                    .map(|els| els.iter().filter_map(|e| text_of(Some(e))).collect())
                    .unwrap_or_default();
                if !texts.is_empty() {
                    out.push(format!("_{}_", texts.join(" · ")));
                }
            }
            Some("divider") => out.push("---".into()),
            Some("image") => {
                let url = block
                    .get("image_url")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let alt = text_of(block.get("title"))
                    .or_else(|| {
                        block
                            .get("alt_text")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .unwrap_or_default();
                if let Some(l) = image_link(url.as_ref(), &alt) {
                    out.push(l);
                }
            }
            Some("actions") => {
                let links: Vec<String> = block
                    .get("elements")
                    .and_then(Value::as_array)
                    .map(|els| {
                        els.iter()
                            .filter_map(|e| {
                                let label = text_of(e.get("text"))?;
                                let url = e.get("url").and_then(Value::as_str).map(str::to_string);
                                url.as_ref().map(|u| link(&label, Some(u)))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if !links.is_empty() {
                    out.push(links.join(" · "));
                }
            }
            Some("rich_text") | Some("markdown") => {
                if let Some(t) = block.get("text").and_then(Value::as_str) {
                    out.push(t.to_string());
                }
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

fn attachment_markdown(a: &Attachment) -> String {
    let mut lines = Vec::new();
    if let Some(p) = nonempty(a.pretext.as_ref()) {
        lines.push(mrkdwn::to_markdown(&p));
    }
    let mut card = Vec::new();
    if let Some(author) = nonempty(a.author_name.as_ref()) {
        card.push(format!("*{}*", link(&author, a.author_link.as_ref())));
    }
    if let Some(title) = nonempty(a.title.as_ref()) {
        card.push(format!("**{}**", link(&title, a.title_link.as_ref())));
    }
    if let Some(text) = nonempty(a.text.as_ref()) {
        card.push(mrkdwn::to_markdown(&text));
    }
    for f in &a.fields {
        let value = field_value(&f.value);
        if !f.title.trim().is_empty() || !value.trim().is_empty() {
            card.push(format!("**{}**: {}", f.title.trim(), value.trim()));
        }
    }
    let blocks = blocks_markdown(&a.blocks);
    if !blocks.is_empty() {
        card.push(blocks);
    }
    if let Some(l) = image_link(a.image_url.as_ref(), "image") {
        card.push(l);
    }
    let ts = a.ts.as_ref().and_then(|t| match t {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    let footer: Vec<String> = [
        nonempty(a.footer.as_ref()).map(|f| mrkdwn::to_markdown(&f)),
        ts.and_then(|t| chrono::DateTime::from_timestamp(t as i64, 0))
            .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !footer.is_empty() {
        card.push(format!("_{}_", footer.join(" · ")));
    }
    if card.is_empty() && lines.is_empty() {
        // `fallback` only when nothing else says anything.
        if let Some(f) = nonempty(a.fallback.as_ref()) {
            card.push(mrkdwn::to_markdown(&f));
        }
    }
    if !card.is_empty() {
        lines.push(quote(&card.join("\n\n")));
    }
    lines.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn md(body: Value) -> String {
        from_json(&body).expect("message").markdown
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
        assert!(m.markdown.starts_with("Text message."), "{}", m.markdown);
        assert!(
            m.markdown.contains("> **[Title](https://google.com/)**"),
            "{}",
            m.markdown
        );
        assert!(
            m.markdown.contains("> **Text**: More text"),
            "{}",
            m.markdown
        );
        assert!(m.markdown.contains("_Woah! So cool!_"), "{}", m.markdown);
        let only_embed = md(json!({"embeds": [{"description": "alert firing"}]}));
        assert_eq!(only_embed, "> alert firing");
    }

    #[test]
    fn form_bodies_carry_the_json_in_payload() {
        let body = b"payload=%7B%22text%22%3A%22hi%20*there*%22%7D";
        let m = read(Some("application/x-www-form-urlencoded"), body).expect("form");
        assert_eq!(m.markdown, "hi **there**");
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
