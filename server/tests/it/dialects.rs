//! Slack's and Discord's webhook bodies on a Parley channel webhook, over
//! real HTTP (SPEC C5, C6, C7, R5), with bodies from their documentation.

use crate::common;

use serde_json::{json, Value};

use crate::common::world::world;

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
        html.contains(r#"class="rc-title-link" href="https://api.slack.com/""#),
        "{html}"
    );
    assert!(html.contains("This field's value"), "{html}");
    assert!(
        !html.contains("<img"),
        "sender images are placeholders until Parley has them: {html}"
    );
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
    assert!(
        html.contains(r#"class="rc-title-link" href="https://google.com/""#),
        "{html}"
    );
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

async fn next_event(socket: &mut common::Socket) -> Value {
    common::next_frame(socket).await.expect("open")
}

#[tokio::test]
async fn a_webhook_edits_and_deletes_its_own_messages_live() {
    let w = world().await;
    let ci = w.create_hook("CI").await;
    let other = w.create_hook("Other").await;
    let url = hook_url(&ci);
    let mel = w.user_id(&w.member).await;
    let mut socket = common::synced_socket(&w.s, &w.member, &mel).await;

    let (status, posted, _) = w
        .post_raw(&url, r#"{"content": "Build 7: building…"}"#)
        .await;
    assert_eq!(status, 200, "{posted}");
    let id = posted["message_id"].as_str().expect("id").to_string();
    assert_eq!(next_event(&mut socket).await["type"], "channel_message");
    let (status, own, _) = w
        .post_raw(&hook_url(&other), r#"{"content": "not yours"}"#)
        .await;
    assert_eq!(status, 200);
    let foreign = own["message_id"].as_str().expect("id").to_string();
    next_event(&mut socket).await;

    // GET: this webhook's message, Discord's fields included.
    let res =
        w.s.http
            .get(format!("{url}/messages/{id}"))
            .send()
            .await
            .expect("get");
    assert_eq!(res.status(), 200);
    let got: Value = res.json().await.expect("json");
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["content"], "Build 7: building…");
    assert_eq!(got["author"]["username"], "CI");
    assert!(got["timestamp"].as_str().expect("timestamp").ends_with('Z'));
    assert_eq!(got["edited_timestamp"], Value::Null);

    // PATCH, in Slack's dialect: the open view gets the edit.
    let res =
        w.s.http
            .patch(format!("{url}/messages/{id}"))
            .json(&json!({"text": "Build 7: *passed* :white_check_mark:"}))
            .send()
            .await
            .expect("patch");
    assert_eq!(res.status(), 200);
    let edited: Value = res.json().await.expect("json");
    assert!(edited["edited_timestamp"].is_string(), "{edited}");
    let event = next_event(&mut socket).await;
    assert_eq!(event["type"], "channel_message");
    assert_eq!(event["message"]["id"], id.as_str());
    assert_eq!(event["message"]["content"], "Build 7: **passed** ✅");
    assert!(event["message"]["edited_at"].is_i64());

    // Another webhook's message, or an unknown id: 404; a wrong token: 401.
    for target in [&foreign, &"no-such-id".to_string()] {
        let res =
            w.s.http
                .patch(format!("{url}/messages/{target}"))
                .json(&json!({"content": "hijack"}))
                .send()
                .await
                .expect("patch");
        assert_eq!(res.status(), 404);
        let res =
            w.s.http
                .delete(format!("{url}/messages/{target}"))
                .send()
                .await
                .expect("delete");
        assert_eq!(res.status(), 404);
    }
    let wrong = format!(
        "{}/wrong/messages/{id}",
        url.rsplit_once('/').expect("token").0
    );
    let res = w.s.http.delete(wrong).send().await.expect("delete");
    assert_eq!(res.status(), 401);

    // DELETE: 204, gone from the view and the listing.
    let res =
        w.s.http
            .delete(format!("{url}/messages/{id}"))
            .send()
            .await
            .expect("delete");
    assert_eq!(res.status(), 204);
    let event = next_event(&mut socket).await;
    assert_eq!(event["type"], "channel_message_deleted");
    assert_eq!(event["message_id"], id.as_str());
    let list = w.messages().await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["content"], "not yours");
    let res =
        w.s.http
            .get(format!("{url}/messages/{id}"))
            .send()
            .await
            .expect("get");
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn discord_wait_returns_the_message_and_limits_name_the_field() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Grafana").await);
    let res =
        w.s.http
            .post(format!("{url}?wait=true"))
            .json(&json!({"content": "Alert **firing**", "username": "Alertmanager"}))
            .send()
            .await
            .expect("post");
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.expect("json");
    assert_eq!(m["success"], true);
    assert_eq!(m["id"], m["message_id"]);
    assert_eq!(m["channel_id"], w.channel.as_str());
    assert_eq!(m["content"], "Alert **firing**");
    assert_eq!(m["author"]["username"], "Alertmanager");
    assert!(m["timestamp"].as_str().expect("timestamp").ends_with('Z'));
    assert!(m["embeds"].is_array());
    let res =
        w.s.http
            .post(format!("{url}/discord?wait=true"))
            .json(&json!({"content": "x"}))
            .send()
            .await
            .expect("post");
    assert_eq!(
        res.status(),
        200,
        "wait=true answers with the message on /discord too"
    );

    let before = w.messages().await.len();
    let long = "t".repeat(257);
    let (status, body, _) = w
        .post_raw(&url, &json!({"embeds": [{"title": long}]}).to_string())
        .await;
    assert_eq!(status, 413);
    let detail = body["detail"].as_str().expect("detail");
    assert!(detail.contains("embeds[0].title"), "{detail}");
    assert_eq!(w.messages().await.len(), before, "nothing stored");
}
