//! Slack's and Discord's webhook bodies on a Parley channel webhook, over
//! real HTTP (SPEC C5, C6, C7, R5), with bodies from their documentation.

mod common;

use serde_json::{json, Value};

use common::world::world;

fn hook_url(hook: &Value) -> String {
    hook["url"].as_str().expect("url").to_string()
}

#[tokio::test]
async fn slack_bodies_from_the_docs_are_accepted_and_shown() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Monitor").await);
    // Slack's attachment example (api.slack.com, "Legacy: secondary attachments").
    let attachment = json!({
        "attachments": [{
            "mrkdwn_in": ["text"],
            "color": "#36a64f",
            "pretext": "Optional pre-text that appears above the attachment block",
            "author_name": "author_name",
            "author_link": "http://flickr.com/bobby/",
            "author_icon": "https://placeimg.com/16/16/people",
            "title": "title",
            "title_link": "https://api.slack.com/",
            "text": "Optional `text` that appears within the attachment",
            "fields": [
                {"title": "A field's title", "value": "This field's value", "short": false},
                {"title": "A short field's title", "value": "A short field's value", "short": true}
            ],
            "thumb_url": "http://placekitten.com/g/200/200",
            "footer": "footer",
            "footer_icon": "https://platform.slack-edge.com/img/default_application_icon.png",
            "ts": 123456789
        }]
    });
    let (status, body, _) = w.post_raw(&url, &attachment.to_string()).await;
    assert_eq!(status, 200, "{body}");
    // Block Kit's section-with-fields example, with a fallback text.
    let blocks = json!({
        "text": "New Paid Time Off request from Fred Enriquez",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "New request", "emoji": true}},
            {"type": "section", "fields": [
                {"type": "mrkdwn", "text": "*Type:*\nPaid Time Off"},
                {"type": "mrkdwn", "text": "*Created by:*\n<example.com|Fred Enriquez>"}
            ]},
            {"type": "section", "fields": [
                {"type": "mrkdwn", "text": "*When:*\nAug 10 - Aug 13"}
            ]},
            {"type": "actions", "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "View request"}, "url": "https://example.com/request/1"}
            ]}
        ]
    });
    let (status, body, _) = w.post_raw(&url, &blocks.to_string()).await;
    assert_eq!(status, 200, "{body}");
    let list = w.page_messages(&w.member).await;
    let att = &list[list.len() - 2];
    let html = att["html"].as_str().expect("html");
    assert!(html.contains("Optional pre-text"), "{html}");
    assert!(
        html.contains(r#"<a href="https://api.slack.com/""#),
        "{html}"
    );
    assert!(html.contains("This field's value"), "{html}");
    assert!(!html.contains("<img"), "sender images are links: {html}");
    let blk = &list[list.len() - 1];
    let html = blk["html"].as_str().expect("html");
    assert!(html.contains("New request"), "{html}");
    assert!(html.contains("Paid Time Off"), "{html}");
    assert!(
        html.contains(r#"href="https://example.com/request/1""#),
        "{html}"
    );
    assert!(
        !html.contains("New Paid Time Off request from"),
        "text is only the fallback: {html}"
    );
}

#[tokio::test]
async fn the_slack_route_answers_like_slack_and_takes_form_payloads() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Nagios").await);
    let res = w
        .s
        .http
        .post(format!("{url}/slack"))
        .form(&[("payload", r#"{"text": "*PROBLEM* disk on <https://nagios.example/db1|db1> :warning:", "username": "nagios"}"#)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    assert_eq!(res.text().await.expect("text"), "ok");
    let list = w.messages().await;
    assert_eq!(list[0]["user"]["name"], "nagios");
    let content = list[0]["content"].as_str().expect("content");
    assert!(
        content.starts_with("**PROBLEM** disk on [db1](https://nagios.example/db1) ⚠"),
        "{content}"
    );

    for (body, status, text) in [
        ("not json", 400, "invalid_payload"),
        (r#"{"text": ""}"#, 400, "no_text"),
    ] {
        let res =
            w.s.http
                .post(format!("{url}/slack"))
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .expect("post");
        assert_eq!(res.status().as_u16(), status);
        assert_eq!(res.text().await.expect("text"), text);
    }
    let wrong = url.rsplit_once('/').expect("token").0.to_string() + "/wrong/slack";
    let res =
        w.s.http
            .post(wrong)
            .json(&json!({"text": "x"}))
            .send()
            .await
            .expect("post");
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(res.text().await.expect("text"), "invalid_token");
    assert_eq!(w.messages().await.len(), 1, "refusals stored nothing");
}

#[tokio::test]
async fn discord_embeds_from_the_docs_are_accepted() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Grafana").await);
    // Discord's execute-webhook example with one embed.
    let body = json!({
        "username": "Webhook",
        "avatar_url": "https://i.imgur.com/4M34hi2.png",
        "content": "Text message. Up to 2000 characters.",
        "embeds": [{
            "author": {"name": "Birdie♫", "url": "https://www.reddit.com/r/cats/", "icon_url": "https://i.imgur.com/R66g1Pe.jpg"},
            "title": "Title",
            "url": "https://google.com/",
            "description": "Text message. You can use Markdown here. *Italic* **bold** __underline__ ~~strikeout~~ [hyperlink](https://google.com) `code`",
            "color": 15258703,
            "fields": [
                {"name": "Text", "value": "More text", "inline": true},
                {"name": "Even more text", "value": "Yup", "inline": true}
            ],
            "thumbnail": {"url": "https://upload.wikimedia.org/wikipedia/commons/3/38/4-Nature-Wallpapers-2014-1_ukaavUI.jpg"},
            "image": {"url": "https://upload.wikimedia.org/wikipedia/commons/5/5a/A_picture_from_China_every_day_108.jpg"},
            "footer": {"text": "Woah! So cool! :smirk:", "icon_url": "https://i.imgur.com/fKL31aD.jpg"}
        }]
    });
    let (status, res, _) = w.post_raw(&url, &body.to_string()).await;
    assert_eq!(status, 200, "{res}");
    let list = w.page_messages(&w.member).await;
    let m = list.last().expect("message");
    assert_eq!(m["author"]["name"], "Webhook");
    assert_eq!(m["author"]["image"], Value::Null, "no hot-linked avatar");
    let html = m["html"].as_str().expect("html");
    assert!(
        html.contains("Text message. Up to 2000 characters."),
        "{html}"
    );
    assert!(html.contains(r#"<a href="https://google.com/""#), "{html}");
    assert!(html.contains("More text"), "{html}");
    assert!(!html.contains("<img"), "{html}");

    // The /discord route answers as Discord does without ?wait=true.
    let res =
        w.s.http
            .post(format!("{url}/discord"))
            .json(&json!({"content": "via discord route"}))
            .send()
            .await
            .expect("post");
    assert_eq!(res.status().as_u16(), 204);
    // Only an embed, nothing else: still a message. Nothing at all: 422.
    let (status, _, _) = w
        .post_raw(
            &url,
            r#"{"embeds": [{"title": "Alert", "description": "CPU > 90 %"}]}"#,
        )
        .await;
    assert_eq!(status, 200);
    let (status, res, _) = w.post_raw(&url, r#"{"embeds": []}"#).await;
    assert_eq!(status, 422, "{res}");
    assert!(res["detail"].as_str().expect("detail").contains("embeds"));
}

#[tokio::test]
async fn hook_routes_answer_json_for_every_refusal() {
    let w = world().await;
    let hook = w.create_hook("CI").await;
    let url = hook_url(&hook);
    // Wrong method: JSON 405, not an empty body.
    let res = w.s.http.get(&url).send().await.expect("get");
    assert_eq!(res.status().as_u16(), 405);
    let body: Value = res.json().await.expect("json");
    assert!(body["detail"].is_string(), "{body}");
    // Over the server's body limit: JSON 413.
    let huge = format!(r#"{{"content": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let (status, body, _) = w.post_raw(&url, &huge).await;
    assert_eq!(status, 413);
    assert!(body["detail"].is_string(), "{body}");
    // C5: after deletion the listing names the author "Deleted Webhook".
    assert_eq!(w.post_raw(&url, r#"{"content": "before"}"#).await.0, 200);
    let res =
        w.s.http
            .delete(w.s.url(&format!(
                "/api/v1/channels/{}/webhooks/{}/delete",
                w.channel,
                hook["id"].as_str().expect("id")
            )))
            .bearer_auth(&w.manager)
            .send()
            .await
            .expect("delete");
    assert_eq!(res.status().as_u16(), 200);
    let list = w.messages().await;
    assert_eq!(list[0]["user"]["name"], "Deleted Webhook");
}
