//! Markdown → the sanitized HTML a message shows (SPEC C4, C10, C15, W9).
//!
//! A message is rendered once, when it is written or edited (or when an
//! image it shows arrives), and the HTML is stored with it; reads never
//! render. What a sender can make this cost is bounded: the text is cut
//! at the message limit before parsing, nesting deeper than
//! [`MAX_NESTING`] is flattened before the HTML is built (a list of 8,000
//! levels made the sanitizer's tree builder quadratic), and every step is
//! a pass over the events.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// Bumped whenever the HTML a message renders to changes (this renderer,
/// its limits, the card layout): stored rows of an older version are
/// rendered again, once, after an upgrade.
pub const RENDER_VERSION: i64 = 2;

/// Levels of nesting (lists, quotes, emphasis, links…) kept; deeper
/// containers are flattened into their text.
pub const MAX_NESTING: usize = 16;

/// The most characters rendered: the message limit (SPEC C4), so a text
/// that got past it some other way still costs no more.
pub const MAX_RENDERED_CHARS: usize = 16_000;

/// Markdown → HTML with every tag and attribute a sender could abuse
/// removed (ammonia's allow-list; links get rel="noopener noreferrer" and
/// open in a new tab). Line breaks are kept as written (SPEC W9). Images
/// only show when Parley serves them (its uploads); any other image
/// becomes a link to it, so opening a channel makes the browser fetch
/// nothing a sender chose — no tracking pixel, no GET to a Parley route
/// in the viewer's name. Discord's `<t:1700000000:F>` becomes a `<time>`
/// the page shows in the reader's language.
pub fn render_markdown(content: &str) -> String {
    let content = super::mrkdwn::cut(content, MAX_RENDERED_CHARS);
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    // Each open image: turned into a link (with its URL, to show it when
    // the alt text is empty), and whether any alt text came.
    let mut images: Vec<(Option<String>, bool)> = Vec::new();
    // Bare URLs become links, except inside links and code (SPEC C10).
    let mut links_open = 0usize;
    let mut in_code_block = false;
    let parser =
        pulldown_cmark::TextMergeStream::new(pulldown_cmark::Parser::new_ext(content, options));
    // Raw HTML from a sender is shown as text, never as markup; ammonia
    // below is the second line of defence for what markdown itself emits.
    let events = parser.flat_map(|event| {
        let one = |e: Event<'static>| vec![e];
        match event.into_static() {
            Event::Html(raw) | Event::InlineHtml(raw) => one(Event::Text(raw)),
            // What the sender wrote on two lines stays on two lines.
            Event::SoftBreak => one(Event::HardBreak),
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
                    text_events(&text)
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
    pulldown_cmark::html::push_html(&mut html, flatten_deep(events, MAX_NESTING));
    sanitize(&html)
}

/// The allow-list every message's HTML passes.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .set_tag_attribute_value("a", "target", "_blank")
        .add_tags(["time"])
        .add_tag_attributes("time", ["datetime", "data-ts", "data-style"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !crate::model::is_local_image_url(value) {
                None
            } else {
                Some(value.into())
            }
        })
        .clean(html)
        .to_string()
}

/// Drops the tags of containers nested deeper than `max` (their text
/// stays, a line break where a block ended), so the HTML is never deeper
/// than `max` levels whatever the markdown says. A list's items and a
/// table's rows and cells go with their parent and count no level of
/// their own. One pass, a stack of one flag per open tag.
fn flatten_deep<'a>(
    events: impl Iterator<Item = Event<'a>>,
    max: usize,
) -> impl Iterator<Item = Event<'a>> {
    // Per open tag: whether it was kept, and whether it counted a level.
    let mut open: Vec<(bool, bool)> = Vec::new();
    let mut depth = 0usize;
    events.filter_map(move |event| match event {
        Event::Start(tag) => {
            let part_of_parent = matches!(
                tag,
                Tag::Item | Tag::TableHead | Tag::TableRow | Tag::TableCell
            );
            let (keep, counts) = if part_of_parent {
                (open.last().is_none_or(|(kept, _)| *kept), false)
            } else {
                (depth < max, true)
            };
            open.push((keep, keep && counts));
            if keep && counts {
                depth += 1;
            }
            keep.then_some(Event::Start(tag))
        }
        Event::End(end) => {
            let (kept, counted) = open.pop().unwrap_or((true, false));
            if counted {
                depth = depth.saturating_sub(1);
            }
            if kept {
                Some(Event::End(end))
            } else {
                let block = matches!(
                    end,
                    TagEnd::Item | TagEnd::Paragraph | TagEnd::BlockQuote(_) | TagEnd::Heading(_)
                );
                block.then_some(Event::HardBreak)
            }
        }
        other => Some(other),
    })
}

/// A text run: bare http(s) URLs become links, Discord timestamps
/// `<t:unix(:style)?>` become `<time>`.
fn text_events(text: &str) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("<t:") {
        let Some((stamp, len)) = discord_timestamp(&rest[at..]) else {
            linkify_into(&rest[..at + 3], &mut out);
            rest = &rest[at + 3..];
            continue;
        };
        linkify_into(&rest[..at], &mut out);
        out.push(stamp);
        rest = &rest[at + len..];
    }
    linkify_into(rest, &mut out);
    out
}

/// `<t:1700000000:F>` at the start of `text`: the `<time>` for it and the
/// length it took.
fn discord_timestamp(text: &str) -> Option<(Event<'static>, usize)> {
    let inner = text.strip_prefix("<t:")?;
    let close = inner.find('>').filter(|c| *c <= 24)?;
    let (seconds, style) = match inner[..close].split_once(':') {
        Some((s, style)) => (s, style),
        None => (&inner[..close], "f"),
    };
    if !matches!(style, "t" | "T" | "d" | "D" | "f" | "F" | "R") {
        return None;
    }
    let seconds: i64 = seconds.parse().ok()?;
    let at = chrono::DateTime::from_timestamp(seconds, 0)?;
    let html = format!(
        r#"<time datetime="{}" data-ts="{seconds}" data-style="{style}">{}</time>"#,
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        at.format("%Y-%m-%d %H:%M UTC")
    );
    Some((Event::InlineHtml(CowStr::from(html)), 3 + close + 1))
}

/// Text with its bare http(s) URLs turned into links.
fn linkify_into(text: &str, out: &mut Vec<Event<'static>>) {
    if text.is_empty() {
        return;
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
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
}

/// Slack's `<https://…|label>` written in Discord-style `content` (many
/// tools send Slack's link syntax everywhere) as a markdown link; other
/// text unchanged. One pass.
pub fn slack_links_in_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let stop = after.find(['>', '\n', '<']);
        let link = stop
            .filter(|s| after.as_bytes()[*s] == b'>')
            .and_then(|close| {
                let (url, label) = after[..close].split_once('|')?;
                let safe = safe_url(url)?;
                (!label.trim().is_empty() && !url.contains(' ')).then(|| {
                    (
                        format!(
                            "[{}]({})",
                            label.replace('[', "\\[").replace(']', "\\]"),
                            safe.replace(')', "%29")
                        ),
                        close,
                    )
                })
            });
        match link {
            Some((markdown, close)) => {
                out.push_str(&markdown);
                rest = &after[close + 1..];
            }
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An http(s) URL, normalised (quotes and spaces percent-encoded), or
/// `None`: `javascript:`, `data:` and the like never become links.
pub fn safe_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(link.contains("target=\"_blank\""), "a new tab: {link}");
    }

    #[test]
    fn line_breaks_are_kept() {
        let log: String = (1..=60).map(|i| format!("line {i}\n")).collect();
        let html = render_markdown(&log);
        assert_eq!(html.matches("<br>").count(), 59, "{html}");
        assert!(html.contains("line 1<br>") && html.contains("line 60"));
    }

    #[test]
    fn nesting_is_flattened_past_the_limit() {
        let deep = "- ".repeat(8_000) + "bottom";
        let html = render_markdown(&deep);
        assert!(
            html.matches("<ul>").count() <= MAX_NESTING,
            "{}",
            html.len()
        );
        let quotes = "> ".repeat(8_000) + "q";
        let html = render_markdown(&quotes);
        assert!(html.matches("<blockquote>").count() <= MAX_NESTING);
        let emphasis = "*a ".repeat(4_000) + &" b*".repeat(4_000);
        let html = render_markdown(&emphasis);
        assert!(html.matches("<em>").count() <= MAX_NESTING);
        let shallow = render_markdown("- a\n  - b\n    - c");
        assert_eq!(shallow.matches("<ul>").count(), 3, "{shallow}");
    }

    #[test]
    fn discord_timestamps_become_time_elements() {
        let html = render_markdown("deploy at <t:1700000000:F>, again <t:1700003600>");
        assert!(
            html.contains(
                r#"<time datetime="2023-11-14T22:13:20Z" data-ts="1700000000" data-style="F">"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"data-ts="1700003600" data-style="f""#),
            "{html}"
        );
        let not = render_markdown("<t:abc> <t:1:Q>");
        assert!(!not.contains("<time"), "{not}");
        let code = render_markdown("`<t:1700000000>`");
        assert!(!code.contains("<time"), "{code}");
    }

    #[test]
    fn slack_links_in_content() {
        assert_eq!(
            slack_links_in_markdown("see <https://ci.example/1|build 1> and <b>"),
            "see [build 1](https://ci.example/1) and <b>"
        );
        assert_eq!(
            slack_links_in_markdown("<javascript:alert(1)|x> <https://a.example>"),
            "<javascript:alert(1)|x> <https://a.example>"
        );
    }
}
