//! Rich webhook messages (SPEC C10): the cards of `model::Card` as the
//! markdown stored in `content` (what REST clients and search read) and
//! as the HTML the channel view shows.
//!
//! Safety rests on three rules here: plain text is escaped, markdown goes
//! through `channels::render_markdown` (ammonia), and a URL becomes an
//! `href` only when it parses as http(s). Images are never the sender's
//! URL: `image_src` maps a URL to Parley's own copy, or `None` for a
//! placeholder.

use serde::{Deserialize, Serialize};

use super::markdown::render_markdown;
pub use super::markdown::safe_url;
use crate::model::{Card, CardKind, CardPart};

/// What the sender posted, as stored in a message's meta: its own text
/// (markdown), the cards, and the image it asked for as avatar.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RichBody {
    pub text: String,
    #[serde(default)]
    pub cards: Vec<Card>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Slack's `icon_emoji`, as the emoji itself: the author's picture
    /// while (or when) no image is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_emoji: Option<String>,
}

/// At most this many images a message may name are fetched (the rest
/// keep their placeholder): a body cannot make the server fetch hundreds.
pub const MAX_IMAGES_PER_MESSAGE: usize = 16;

impl RichBody {
    /// Every distinct image URL, avatar first, at most
    /// `MAX_IMAGES_PER_MESSAGE`.
    pub fn image_urls(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let all = self
            .avatar_url
            .iter()
            .map(String::as_str)
            .chain(self.cards.iter().flat_map(Card::image_urls));
        for url in all {
            if out.len() == MAX_IMAGES_PER_MESSAGE {
                break;
            }
            if safe_url(url).is_some() && !out.iter().any(|u| u == url) {
                out.push(url.to_string());
            }
        }
        out
    }

    /// The markdown stored as the message's `content`.
    pub fn markdown(&self) -> String {
        let mut parts = vec![self.text.trim().to_string()];
        parts.extend(self.cards.iter().map(card_markdown));
        parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Whether there is anything to show.
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.cards.iter().all(|c| c.parts.is_empty())
    }

    /// The HTML of the message body: its text, then its cards.
    pub fn html(&self, image_src: &dyn Fn(&str) -> Option<String>) -> String {
        let mut html = if self.text.trim().is_empty() {
            String::new()
        } else {
            render_markdown(&self.text)
        };
        for card in &self.cards {
            html.push_str(&card_html(card, image_src));
        }
        html
    }
}

/// Text for an HTML element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Plain text made safe to embed in markdown (it stays the same text).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '~' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `#rrggbb` from Slack's (`#36a64f`, `good`, `warning`, `danger`) or a
/// hex without `#`; anything else is no color.
pub fn slack_color(color: &str) -> Option<String> {
    let c = color.trim();
    let named = match c {
        "good" => Some("#2eb886"),
        "warning" => Some("#daa038"),
        "danger" => Some("#a30200"),
        _ => None,
    };
    if let Some(n) = named {
        return Some(n.to_string());
    }
    let hex = c.strip_prefix('#').unwrap_or(c);
    let hex = match hex.len() {
        3 => hex.chars().flat_map(|ch| [ch, ch]).collect::<String>(),
        6 => hex.to_string(),
        _ => return None,
    };
    hex.chars()
        .all(|ch| ch.is_ascii_hexdigit())
        .then(|| format!("#{}", hex.to_ascii_lowercase()))
}

/// Discord's integer color.
pub fn int_color(color: i64) -> Option<String> {
    (0..=0xFF_FFFF)
        .contains(&color)
        .then(|| format!("#{color:06x}"))
}

fn md_link(label: &str, url: Option<&String>) -> String {
    let label = escape_markdown(label);
    match url.and_then(|u| safe_url(u)) {
        Some(u) => format!("[{label}]({})", u.replace(')', "%29")),
        None => label,
    }
}

fn format_timestamp(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
}

fn part_markdown(part: &CardPart) -> Option<String> {
    let nonempty = |s: String| (!s.trim().is_empty()).then_some(s);
    match part {
        CardPart::Pretext { .. } => None,
        CardPart::Author { name, url, .. } => Some(format!("*{}*", md_link(name, url.as_ref()))),
        CardPart::Title { text, url } => Some(format!("**{}**", md_link(text, url.as_ref()))),
        CardPart::Header { text } => Some(format!("### {}", escape_markdown(text))),
        CardPart::Text { markdown } => nonempty(markdown.clone()),
        CardPart::Fields { fields } => nonempty(
            fields
                .iter()
                .map(|f| match f.title.trim() {
                    "" => f.markdown.trim().to_string(),
                    t => format!("**{}**: {}", escape_markdown(t), f.markdown.trim()),
                })
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n"),
        ),
        CardPart::Image { url, alt } | CardPart::Thumbnail { url, alt } => {
            let alt = if alt.trim().is_empty() { "image" } else { alt };
            safe_url(url).map(|u| md_link(alt, Some(&u)))
        }
        CardPart::Context { markdown } => nonempty(markdown.join(" · ")).map(|t| format!("_{t}_")),
        CardPart::Divider => Some("---".into()),
        CardPart::Links { links } => nonempty(
            links
                .iter()
                .map(|l| md_link(&l.label, Some(&l.url)))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        CardPart::Footer {
            text, timestamp, ..
        } => {
            let items: Vec<String> = [
                nonempty(escape_markdown(text)),
                timestamp.and_then(format_timestamp),
            ]
            .into_iter()
            .flatten()
            .collect();
            nonempty(items.join(" · ")).map(|t| format!("_{t}_"))
        }
    }
}

/// A card as markdown: pretext above; the card itself quoted (Block Kit's
/// blocks are the message, so they are not).
pub fn card_markdown(card: &Card) -> String {
    let mut out = Vec::new();
    for part in &card.parts {
        if let CardPart::Pretext { markdown } = part {
            out.push(markdown.trim().to_string());
        }
    }
    let body = card
        .parts
        .iter()
        .filter_map(part_markdown)
        .collect::<Vec<_>>()
        .join("\n\n");
    if !body.trim().is_empty() {
        out.push(if card.kind == CardKind::Blocks {
            body
        } else {
            quote(&body)
        });
    }
    out.retain(|p| !p.is_empty());
    out.join("\n\n")
}

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

/// `<a>` for a safe URL, else the text alone.
fn html_link(text_html: &str, url: Option<&String>, class: &str) -> String {
    match url.and_then(|u| safe_url(u)) {
        Some(u) => format!(
            r#"<a class="{class}" href="{}" rel="noopener noreferrer nofollow" target="_blank">{text_html}</a>"#,
            escape(&u)
        ),
        None => format!(r#"<span class="{class}">{text_html}</span>"#),
    }
}

/// Parley's copy of an image, or a placeholder until (or unless) there is
/// one. `alt` is plain text.
fn html_image(
    url: &str,
    alt: &str,
    class: &str,
    image_src: &dyn Fn(&str) -> Option<String>,
) -> String {
    match image_src(url) {
        Some(src) if crate::model::is_local_image_url(&src) => format!(
            r#"<img class="{class}" src="{}" alt="{}" loading="lazy">"#,
            escape(&src),
            escape(alt)
        ),
        _ => format!(
            r#"<span class="{class} media-placeholder" role="img" aria-label="{}" data-testid="media-placeholder"></span>"#,
            escape(if alt.is_empty() { "image" } else { alt })
        ),
    }
}

/// A small round icon (author, footer), when the card names one.
fn icon_html(icon_url: Option<&str>, image_src: &dyn Fn(&str) -> Option<String>) -> String {
    icon_url
        .map(|u| html_image(u, "", "rc-icon", image_src))
        .unwrap_or_default()
}

fn part_html(part: &CardPart, image_src: &dyn Fn(&str) -> Option<String>) -> String {
    match part {
        CardPart::Pretext { .. } => String::new(),
        CardPart::Author {
            name,
            url,
            icon_url,
        } => {
            let icon = icon_html(icon_url.as_deref(), image_src);
            format!(
                r#"<div class="rc-author">{icon}{}</div>"#,
                html_link(&escape(name), url.as_ref(), "rc-author-name")
            )
        }
        CardPart::Title { text, url } => format!(
            r#"<div class="rc-title">{}</div>"#,
            html_link(&escape(text), url.as_ref(), "rc-title-link")
        ),
        CardPart::Header { text } => format!(r#"<div class="rc-header">{}</div>"#, escape(text)),
        CardPart::Text { markdown } => format!(
            r#"<div class="rc-text">{}</div>"#,
            render_markdown(markdown)
        ),
        CardPart::Fields { fields } => {
            let items: String = fields
                .iter()
                .map(|f| {
                    let class = if f.inline {
                        "rc-field inline"
                    } else {
                        "rc-field"
                    };
                    let title = match f.title.trim() {
                        "" => String::new(),
                        t => format!(r#"<div class="rc-field-title">{}</div>"#, escape(t)),
                    };
                    format!(
                        r#"<div class="{class}">{title}<div class="rc-field-value">{}</div></div>"#,
                        render_markdown(&f.markdown)
                    )
                })
                .collect();
            format!(r#"<div class="rc-fields">{items}</div>"#)
        }
        CardPart::Image { url, alt } => format!(
            r#"<div class="rc-image-box">{}</div>"#,
            html_image(url, alt, "rc-image", image_src)
        ),
        // Thumbnails are placed beside the card body by `card_html`.
        CardPart::Thumbnail { .. } => String::new(),
        CardPart::Context { markdown } => {
            let items: String = markdown
                .iter()
                .map(|m| {
                    format!(
                        r#"<span class="rc-context-item">{}</span>"#,
                        render_inline(m)
                    )
                })
                .collect();
            format!(r#"<div class="rc-context">{items}</div>"#)
        }
        CardPart::Divider => r#"<hr class="rc-divider">"#.to_string(),
        CardPart::Links { links } => {
            let items: String = links
                .iter()
                .map(|l| html_link(&escape(&l.label), Some(&l.url), "rc-button"))
                .collect();
            format!(r#"<div class="rc-links">{items}</div>"#)
        }
        CardPart::Footer {
            text,
            icon_url,
            timestamp,
        } => {
            let icon = icon_html(icon_url.as_deref(), image_src);
            let time = timestamp
                .and_then(|ms| {
                    let shown = format_timestamp(ms)?;
                    let iso = chrono::DateTime::from_timestamp_millis(ms)?.to_rfc3339();
                    Some(format!(
                        r#"<time datetime="{}">{}</time>"#,
                        escape(&iso),
                        escape(&shown)
                    ))
                })
                .unwrap_or_default();
            let sep = if !text.is_empty() && !time.is_empty() {
                " · "
            } else {
                ""
            };
            format!(
                r#"<div class="rc-footer">{icon}<span>{}</span>{sep}{time}</div>"#,
                escape(text)
            )
        }
    }
}

/// Markdown of one line without the paragraph around it.
fn render_inline(markdown: &str) -> String {
    let html = render_markdown(markdown);
    let trimmed = html.trim();
    trimmed
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .filter(|inner| !inner.contains("<p>"))
        .map(str::to_string)
        .unwrap_or_else(|| trimmed.to_string())
}

/// One card as HTML: a frame with its color bar, the parts in order, a
/// thumbnail beside them.
pub fn card_html(card: &Card, image_src: &dyn Fn(&str) -> Option<String>) -> String {
    let mut html = String::new();
    for part in &card.parts {
        if let CardPart::Pretext { markdown } = part {
            html.push_str(&format!(
                r#"<div class="rc-pretext">{}</div>"#,
                render_markdown(markdown)
            ));
        }
    }
    let body: String = card.parts.iter().map(|p| part_html(p, image_src)).collect();
    let thumb = card
        .parts
        .iter()
        .find_map(|p| match p {
            CardPart::Thumbnail { url, alt } => Some(html_image(url, alt, "rc-thumb", image_src)),
            _ => None,
        })
        .unwrap_or_default();
    let kind = match card.kind {
        CardKind::Attachment => "attachment",
        CardKind::Blocks => "blocks",
        CardKind::Embed => "embed",
        CardKind::Github => "github",
    };
    // The color was validated as `#rrggbb` when the card was read; checked
    // again here since it goes into a style attribute.
    let style = card
        .color
        .as_deref()
        .and_then(slack_color)
        .map(|c| format!(r#" style="--card-color: {c}""#))
        .unwrap_or_default();
    html.push_str(&format!(
        r#"<div class="rich-card rc-{kind}" data-testid="card" data-kind="{kind}"{style}><div class="rc-main">{body}</div>{thumb}</div>"#
    ));
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CardField, CardLink};

    fn no_media(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn urls_must_be_http() {
        assert!(safe_url("javascript:alert(1)").is_none());
        assert!(safe_url("data:image/png;base64,AAAA").is_none());
        assert!(safe_url(" JavaScript:alert(1)").is_none());
        assert_eq!(
            safe_url("https://x.example/a\"b").as_deref(),
            Some("https://x.example/a%22b")
        );
    }

    #[test]
    fn colors_are_validated() {
        assert_eq!(slack_color("#36A64F").as_deref(), Some("#36a64f"));
        assert_eq!(slack_color("good").as_deref(), Some("#2eb886"));
        assert_eq!(slack_color("fff").as_deref(), Some("#ffffff"));
        assert_eq!(slack_color("red;background:url(x)"), None);
        assert_eq!(int_color(15258703).as_deref(), Some("#e8d44f"));
        assert_eq!(int_color(-1), None);
    }

    #[test]
    fn card_html_escapes_text_and_refuses_bad_links() {
        let card = Card {
            kind: CardKind::Embed,
            color: Some("#ff0000".into()),
            parts: vec![
                CardPart::Title {
                    text: "<script>alert(1)</script>".into(),
                    url: Some("javascript:alert(2)".into()),
                },
                CardPart::Fields {
                    fields: vec![CardField {
                        title: "<b>t</b>".into(),
                        markdown: "<img src=x onerror=alert(3)> **ok**".into(),
                        inline: true,
                    }],
                },
                CardPart::Image {
                    url: "data:image/png;base64,AAAA".into(),
                    alt: "\" onload=\"x".into(),
                },
                CardPart::Links {
                    links: vec![CardLink {
                        label: "Open".into(),
                        url: "https://ci.example/1".into(),
                    }],
                },
            ],
        };
        let html = card_html(&card, &no_media);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("<strong>ok</strong>"), "{html}");
        assert!(html.contains(r#"style="--card-color: #ff0000""#), "{html}");
        assert!(html.contains(r#"href="https://ci.example/1""#), "{html}");
        assert!(html.contains("media-placeholder"), "{html}");
        let served = card_html(&card, &|_| Some("/api/v1/media/abc123".into()));
        assert!(served.contains(r#"<img class="rc-image" src="/api/v1/media/abc123""#));
        let foreign = card_html(&card, &|u| Some(u.to_string()));
        assert!(!foreign.contains("<img"), "only Parley's copies: {foreign}");
    }

    #[test]
    fn markdown_quotes_cards_but_not_blocks() {
        let body = RichBody {
            text: "Deploy".into(),
            cards: vec![
                Card {
                    kind: CardKind::Attachment,
                    color: None,
                    parts: vec![
                        CardPart::Pretext {
                            markdown: "pre".into(),
                        },
                        CardPart::Title {
                            text: "T [1]".into(),
                            url: Some("https://x.example/".into()),
                        },
                    ],
                },
                Card {
                    kind: CardKind::Blocks,
                    color: None,
                    parts: vec![CardPart::Divider],
                },
            ],
            ..RichBody::default()
        };
        assert_eq!(
            body.markdown(),
            "Deploy\n\npre\n\n> **[T \\[1\\]](https://x.example/)**\n\n---"
        );
    }
}
