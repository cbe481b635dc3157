//! What an outgoing webhook's body looks like (SPEC A3, A4, U4): the generic
//! JSON event, or the message format of the chat service the URL belongs to.

use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination {
    Generic,
    Slack,
    GoogleChat,
    Discord,
    /// Microsoft Teams Office 365 connector: MessageCard.
    TeamsConnector,
    /// Teams Workflows / Power Automate: an Adaptive Card message.
    TeamsWorkflow,
}

pub const DISCORD_LIMIT: usize = 2000;

impl Destination {
    pub fn of(url: &str) -> Destination {
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return Destination::Generic;
        };
        let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
        let path = parsed.path();
        let is = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if host == "hooks.slack.com" {
            Destination::Slack
        } else if host == "chat.googleapis.com" {
            Destination::GoogleChat
        } else if (is("discord.com") || is("discordapp.com")) && path.starts_with("/api/webhooks/")
        {
            Destination::Discord
        } else if is("webhook.office.com") {
            Destination::TeamsConnector
        } else if is("logic.azure.com") || is("powerplatform.com") {
            Destination::TeamsWorkflow
        } else {
            Destination::Generic
        }
    }
}

/// Cuts to at most `max` characters (not bytes), marking the cut.
pub fn truncate_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Escapes text a person wrote (a sign-up name, a chat title) for the
/// markup of `dest`, so it shows as written and cannot mention everyone,
/// plant a disguised link or format the rest of the message. Parley's own
/// words and links are not passed through this.
pub fn escape_for(dest: Destination, text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match dest {
            Destination::Generic => out.push(c),
            // Slack's and Google Chat's control sequences live in <…>; the
            // documented escape is these three entities.
            Destination::Slack | Destination::GoogleChat => match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                _ => out.push(c),
            },
            // Discord markdown: masked links, formatting, mentions, headings.
            Destination::Discord => {
                if "\\*_~`|>[]()#<@".contains(c) {
                    out.push('\\');
                }
                out.push(c);
            }
            // Teams renders HTML and markdown links in text; entities and
            // backslashes cover both.
            Destination::TeamsConnector | Destination::TeamsWorkflow => match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '[' | ']' | '(' | ')' | '*' | '_' | '~' | '`' | '#' | '\\' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            },
        }
    }
    out
}

/// The body for a chat service, or `None` for the generic destination
/// (whose body is the event itself).
pub fn chat_service_body(dest: Destination, text: &str) -> Option<Value> {
    Some(match dest {
        Destination::Generic => return None,
        Destination::Slack | Destination::GoogleChat => json!({ "text": text }),
        // No @everyone, @here, role or user pings, whatever the text says.
        Destination::Discord => json!({
            "content": truncate_chars(text, DISCORD_LIMIT),
            "allowed_mentions": { "parse": [] },
        }),
        Destination::TeamsConnector => json!({
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": truncate_chars(text, 200),
            "themeColor": "4F46E5",
            "title": "Parley",
            "text": text,
        }),
        Destination::TeamsWorkflow => json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": null,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        { "type": "TextBlock", "text": "Parley", "weight": "Bolder", "size": "Medium" },
                        { "type": "TextBlock", "text": text, "wrap": true }
                    ]
                }
            }]
        }),
    })
}

/// Chooses between the generic event and the chat-service text.
pub fn body_for(url: &str, generic: Value, text: &str) -> Value {
    chat_service_body(Destination::of(url), text).unwrap_or(generic)
}

pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_ping_everyone_or_plant_links() {
        let name = "<!channel> <https://evil.example|Approve>";
        let slack = escape_for(Destination::Slack, name);
        assert_eq!(
            slack,
            "&lt;!channel&gt; &lt;https://evil.example|Approve&gt;"
        );
        let discord = escape_for(
            Destination::Discord,
            "@everyone [Approve](https://evil.example)",
        );
        assert!(!discord.contains("[Approve]("), "{discord}");
        assert!(discord.starts_with("\\@everyone"), "{discord}");
        let teams = escape_for(Destination::TeamsConnector, "<a href=x>[y](z)</a>");
        assert!(!teams.contains('<') && !teams.contains("[y]("), "{teams}");
        assert_eq!(escape_for(Destination::Generic, name), name);
        let body = chat_service_body(Destination::Discord, "hi").expect("discord");
        assert_eq!(body["allowed_mentions"], json!({"parse": []}));
    }

    #[test]
    fn destinations_are_recognised_by_host_and_path() {
        assert_eq!(
            Destination::of("https://hooks.slack.com/services/T/B/x"),
            Destination::Slack
        );
        assert_eq!(
            Destination::of("https://chat.googleapis.com/v1/spaces/x/messages?key=k"),
            Destination::GoogleChat
        );
        assert_eq!(
            Destination::of("https://discord.com/api/webhooks/1/abc"),
            Destination::Discord
        );
        assert_eq!(
            Destination::of("https://discordapp.com/api/webhooks/1/abc"),
            Destination::Discord
        );
        assert_eq!(
            Destination::of("https://discord.com/channels/1"),
            Destination::Generic
        );
        assert_eq!(
            Destination::of("https://contoso.webhook.office.com/webhookb2/x"),
            Destination::TeamsConnector
        );
        assert_eq!(
            Destination::of("https://prod-1.westus.logic.azure.com:443/workflows/x"),
            Destination::TeamsWorkflow
        );
        assert_eq!(
            Destination::of("https://x.environment.api.powerplatform.com/powerautomate/x"),
            Destination::TeamsWorkflow
        );
        assert_eq!(
            Destination::of("https://example.com/hook"),
            Destination::Generic
        );
        assert_eq!(
            Destination::of("https://hooks.slack.com.evil.example/x"),
            Destination::Generic
        );
        assert_eq!(Destination::of("not a url"), Destination::Generic);
    }

    #[test]
    fn discord_is_cut_to_2000_characters() {
        let long = "é".repeat(2500);
        let body = chat_service_body(Destination::Discord, &long).expect("discord");
        let content = body["content"].as_str().expect("content");
        assert_eq!(content.chars().count(), 2000);
        assert!(content.ends_with('…'));
        let short = chat_service_body(Destination::Discord, "hi").expect("discord");
        assert_eq!(
            short,
            json!({"content": "hi", "allowed_mentions": {"parse": []}})
        );
    }

    #[test]
    fn slack_and_google_chat_get_text() {
        for d in [Destination::Slack, Destination::GoogleChat] {
            assert_eq!(
                chat_service_body(d, "New user signed up: Tim"),
                Some(json!({"text": "New user signed up: Tim"}))
            );
        }
        assert_eq!(chat_service_body(Destination::Generic, "x"), None);
    }

    #[test]
    fn teams_cards_have_their_schema_fields() {
        let card = chat_service_body(Destination::TeamsConnector, "New user signed up: Tim")
            .expect("card");
        let text = serde_json::to_string(&card).expect("json");
        let card: Value = serde_json::from_str(&text).expect("valid json");
        assert_eq!(card["@type"], "MessageCard");
        assert_eq!(card["@context"], "https://schema.org/extensions");
        assert_eq!(card["text"], "New user signed up: Tim");
        assert!(card["summary"].is_string());

        let msg = chat_service_body(Destination::TeamsWorkflow, "New user signed up: Tim")
            .expect("adaptive");
        let msg: Value =
            serde_json::from_str(&serde_json::to_string(&msg).expect("json")).expect("valid json");
        assert_eq!(msg["type"], "message");
        let att = &msg["attachments"][0];
        assert_eq!(
            att["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
        assert_eq!(att["content"]["type"], "AdaptiveCard");
        assert_eq!(
            att["content"]["$schema"],
            "http://adaptivecards.io/schemas/adaptive-card.json"
        );
        assert!(att["content"]["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("1.")));
        assert_eq!(att["content"]["body"][1]["text"], "New user signed up: Tim");
        assert_eq!(att["content"]["body"][1]["wrap"], true);
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_795_341_600_000), "2026-11-22T10:00:00Z");
    }
}
