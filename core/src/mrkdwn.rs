//! Slack's mrkdwn (SPEC C6) turned into the markdown Parley renders:
//! `*bold*`, `_italic_`, `~strike~`, `<url|label>`, `<url>`, `<!channel>`,
//! `<@U123|name>`, `<#C123|name>`, `:emoji:` shortcodes, and Slack's
//! `&amp;`/`&lt;`/`&gt;` escapes. Code spans and blocks are left alone.

/// Converts one mrkdwn text.
pub fn to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    // Split into code and prose: ``` blocks and ` spans pass unchanged.
    let mut rest = text;
    while !rest.is_empty() {
        let fence = rest.find("```");
        let tick = rest.find('`');
        match (fence, tick) {
            (Some(f), _) if tick.is_none_or(|t| f <= t) => {
                out.push_str(&prose(&rest[..f]));
                let after = &rest[f + 3..];
                match after.find("```") {
                    Some(end) => {
                        out.push_str("```");
                        // Slack allows text right after the fence.
                        if !after.starts_with('\n') {
                            out.push('\n');
                        }
                        out.push_str(&decode_entities(&after[..end]));
                        if !after[..end].ends_with('\n') {
                            out.push('\n');
                        }
                        out.push_str("```");
                        rest = &after[end + 3..];
                    }
                    None => {
                        out.push_str(&prose(&rest[f..]));
                        rest = "";
                    }
                }
            }
            (_, Some(t)) => {
                out.push_str(&prose(&rest[..t]));
                let after = &rest[t + 1..];
                match after.find('`').filter(|end| !after[..*end].contains('\n')) {
                    Some(end) => {
                        out.push('`');
                        out.push_str(&decode_entities(&after[..end]));
                        out.push('`');
                        rest = &after[end + 1..];
                    }
                    None => {
                        out.push_str(&prose("`"));
                        rest = after;
                    }
                }
            }
            _ => {
                out.push_str(&prose(rest));
                rest = "";
            }
        }
    }
    out
}

/// Text outside code: control sequences, entities, emphasis, emoji.
fn prose(text: &str) -> String {
    let linked = control_sequences(text);
    let emphasised = emphasis(&linked);
    emoji(&emphasised)
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Markdown link text with its brackets escaped.
fn link_label(label: &str) -> String {
    label.replace('[', "\\[").replace(']', "\\]")
}

/// `<…>` sequences become markdown; the rest is decoded text.
fn control_sequences(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>').filter(|c| !after[..*c].contains('\n')) else {
            out.push_str(&decode_entities(&rest[open..]));
            return out;
        };
        out.push_str(&sequence(&after[..close]));
        rest = &after[close + 1..];
    }
    out.push_str(&decode_entities(rest));
    out
}

fn sequence(inner: &str) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(decode_entities(l))),
        None => (inner, None),
    };
    if let Some(special) = target.strip_prefix('!') {
        if let Some(fallback) = label.filter(|l| !l.is_empty()) {
            return fallback;
        }
        return match special {
            "channel" | "here" | "everyone" => format!("@{special}"),
            other => format!("@{}", other.split('^').next().unwrap_or(other)),
        };
    }
    if let Some(user) = target.strip_prefix('@') {
        return format!("@{}", label.unwrap_or_else(|| user.to_string()));
    }
    if let Some(channel) = target.strip_prefix('#') {
        return format!("#{}", label.unwrap_or_else(|| channel.to_string()));
    }
    let url = decode_entities(target);
    let linkable = ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| url.to_ascii_lowercase().starts_with(s));
    match (linkable, label) {
        (true, Some(label)) if !label.is_empty() => {
            format!(
                "[{}]({})",
                link_label(&label),
                url.replace(' ', "%20").replace(')', "%29")
            )
        }
        (true, _) => format!("<{url}>"),
        (false, Some(label)) => label,
        (false, None) => url,
    }
}

fn is_boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric())
}

/// Slack's single-character emphasis as markdown's: `*b*` → `**b**`,
/// `~s~` → `~~s~~`; `_i_` is already markdown. A marker counts only at a
/// word edge, as in Slack (`2*3*4` stays as it is).
fn emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '*' || c == '~') && is_boundary(i.checked_sub(1).map(|p| chars[p])) {
            let opens = chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && *n != c);
            let close = (i + 2..chars.len())
                .take_while(|j| chars[*j] != '\n')
                .find(|j| {
                    chars[*j] == c
                        && !chars[j - 1].is_whitespace()
                        && is_boundary(chars.get(j + 1).copied())
                });
            if let (true, Some(end)) = (opens, close) {
                let marker = if c == '*' { "**" } else { "~~" };
                out.push_str(marker);
                out.extend(&chars[i + 1..end]);
                out.push_str(marker);
                i = end + 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// `:tada:` → 🎉 for every shortcode GitHub's and Slack's lists share;
/// unknown ones stay as written.
fn emoji(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let end = after.find(':');
        let name = end.map(|e| &after[..e]);
        match name.filter(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
        }) {
            Some(name) => {
                out.push_str(&rest[..start]);
                match emojis::get_by_shortcode(name).or_else(|| slack_alias(name)) {
                    Some(e) => out.push_str(e.as_str()),
                    None if name.starts_with("skin-tone-") => {}
                    None => {
                        out.push(':');
                        out.push_str(name);
                        out.push(':');
                    }
                }
                rest = &after[name.len() + 1..];
            }
            None => {
                out.push_str(&rest[..=start]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Slack names that differ from GitHub's shortcodes.
fn slack_alias(name: &str) -> Option<&'static emojis::Emoji> {
    let github = match name {
        "white_check_mark" => "white_check_mark",
        "heavy_check_mark" => "heavy_check_mark",
        "thumbsup" => "+1",
        "thumbsdown" => "-1",
        "simple_smile" => "slightly_smiling_face",
        "red_circle" => "red_circle",
        "large_green_circle" => "green_circle",
        "large_yellow_circle" => "yellow_circle",
        _ => return None,
    };
    emojis::get_by_shortcode(github)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_links_and_mentions() {
        assert_eq!(to_markdown("*bold* _it_ ~gone~"), "**bold** _it_ ~~gone~~");
        assert_eq!(
            to_markdown("<https://ci.example/1|Build #1> passed <!channel>"),
            "[Build #1](https://ci.example/1) passed @channel"
        );
        assert_eq!(
            to_markdown("<https://example.com>"),
            "<https://example.com>"
        );
        assert_eq!(
            to_markdown("<@U024BE7LH|bob> in <#C123|ops>"),
            "@bob in #ops"
        );
        assert_eq!(
            to_markdown("<!here> <!subteam^S1|@oncall>"),
            "@here @oncall"
        );
        assert_eq!(to_markdown("2*3*4 and a * b"), "2*3*4 and a * b");
        assert_eq!(to_markdown("a &lt;b&gt; &amp; c"), "a <b> & c");
    }

    #[test]
    fn code_is_left_alone_and_emoji_become_emoji() {
        assert_eq!(to_markdown("`*x*` *y*"), "`*x*` **y**");
        assert_eq!(to_markdown("```*x*```"), "```\n*x*\n```");
        assert_eq!(to_markdown(":tada: done :white_check_mark:"), "🎉 done ✅");
        assert_eq!(to_markdown(":not_an_emoji: 10:30"), ":not_an_emoji: 10:30");
        assert_eq!(to_markdown(":+1::skin-tone-2:"), "👍");
    }

    #[test]
    fn unsafe_links_are_not_made() {
        assert_eq!(to_markdown("<javascript:alert(1)|click>"), "click");
        assert_eq!(to_markdown("<javascript:alert(1)>"), "javascript:alert(1)");
    }
}
