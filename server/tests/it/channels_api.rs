//! Channels and incoming channel webhooks over real HTTP (SPEC W4, C1–C5,
//! R3–R5).

use crate::common;

use futures::StreamExt;
use serde_json::{json, Value};

use crate::common::world::{world, world_with};

#[tokio::test]
async fn a_webhook_post_becomes_a_channel_message() {
    let w = world().await;
    let hook = w.create_hook("Tide Bot").await;
    for field in [
        "id",
        "channel_id",
        "user_id",
        "name",
        "profile_image_url",
        "token",
        "url",
        "last_used_at",
        "created_at",
        "updated_at",
    ] {
        assert!(
            hook.get(field).is_some(),
            "R4 field {field} missing: {hook}"
        );
    }
    let url = hook["url"].as_str().expect("url");
    assert!(url.contains(&format!(
        "/api/v1/channels/webhooks/{}/",
        hook["id"].as_str().expect("id")
    )));
    assert!(
        hook["token"].as_str().expect("token").len() >= 43,
        "256-bit token"
    );
    assert!(hook["last_used_at"].is_null());

    let (status, body, _) = w.post_raw(url, r#"{"content": "Deploy **done**"}"#).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    let message_id = body["message_id"].as_str().expect("message_id");

    let list = w.messages().await;
    assert_eq!(list.len(), 1);
    let m = &list[0];
    assert_eq!(m["id"], message_id);
    assert_eq!(m["content"], "Deploy **done**");
    assert_eq!(m["user"]["name"], "Tide Bot");
    assert_eq!(m["user"]["role"], "webhook");
    assert_eq!(m["meta"]["webhook"]["id"], hook["id"]);

    let (_, hooks) =
        w.s.get_json(
            &format!("/api/v1/channels/{}/webhooks", w.channel),
            Some(&w.manager),
        )
        .await;
    assert!(
        hooks[0]["last_used_at"].as_i64().is_some(),
        "last used is recorded"
    );

    // The seed's short form and Slack/Discord bodies work too.
    let short = url.replace("/api/v1/channels/", "/api/channels/");
    assert_eq!(w.post_raw(&short, r#"{"text": "from slack"}"#).await.0, 200);
    let (status, _, _) = w
        .post_raw(url, r#"{"content": "from discord", "username": "CI", "avatar_url": "https://example.com/ci.png"}"#)
        .await;
    assert_eq!(status, 200);
    let list = w.messages().await;
    assert_eq!(list[0]["content"], "from discord", "newest first");
    assert_eq!(list[0]["user"]["name"], "CI");
    // A sender's avatar_url is never hot-linked (SPEC C10, issue 9): until
    // Parley serves its own copy, the message shows the placeholder.
    assert_eq!(list[0]["user"]["profile_image_url"], Value::Null);
    assert_eq!(list[1]["content"], "from slack");
    assert_eq!(list[1]["user"]["name"], "Tide Bot");
}

#[tokio::test]
async fn every_bad_request_is_refused_with_json_and_stores_nothing() {
    let w = world().await;
    let hook = w.create_hook("Tide Bot").await;
    let url = hook["url"].as_str().expect("url").to_string();
    let id = hook["id"].as_str().expect("id");
    let token = hook["token"].as_str().expect("token");
    let base = w.s.base.clone();

    let wrong_token = format!("{base}/api/v1/channels/webhooks/{id}/{}", "A".repeat(43));
    let unknown_id = format!(
        "{base}/api/v1/channels/webhooks/{}/{token}",
        uuid::Uuid::new_v4()
    );
    let (s1, b1, _) = w.post_raw(&wrong_token, r#"{"content": "x"}"#).await;
    let (s2, b2, _) = w.post_raw(&unknown_id, r#"{"content": "x"}"#).await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(b1, b2, "one answer for unknown id and wrong token");

    let long = "a".repeat(16_001);
    let cases: Vec<(String, u16, &str)> = vec![
        ("{not json".into(), 400, "JSON"),
        ("[1,2]".into(), 422, "content"),
        ("{}".into(), 422, "content"),
        (r#"{"content": ""}"#.into(), 422, "content"),
        (r#"{"content": "   "}"#.into(), 422, "content"),
        (r#"{"content": 42}"#.into(), 422, "content"),
        (json!({"content": long}).to_string(), 413, "16000"),
    ];
    for (body, status, needle) in cases {
        let (got, detail, _) = w.post_raw(&url, &body).await;
        assert_eq!(got, status, "{}", &body[..body.len().min(40)]);
        assert!(
            detail["detail"]
                .as_str()
                .unwrap_or_default()
                .contains(needle),
            "{detail}"
        );
    }
    let exactly = json!({"content": "b".repeat(16_000)}).to_string();
    assert_eq!(
        w.post_raw(&url, &exactly).await.0,
        200,
        "16,000 characters are fine"
    );
    assert_eq!(
        w.messages().await.len(),
        1,
        "only the valid post was stored"
    );

    // Deleted: the same 401 as a wrong token.
    let (status, _) = {
        let res =
            w.s.http
                .delete(w.s.url(&format!(
                    "/api/v1/channels/{}/webhooks/{id}/delete",
                    w.channel
                )))
                .bearer_auth(&w.manager)
                .send()
                .await
                .expect("delete");
        (res.status().as_u16(), ())
    };
    assert_eq!(status, 200);
    let (status, body, _) = w.post_raw(&url, r#"{"content": "x"}"#).await;
    assert_eq!(status, 401);
    assert_eq!(body, b1);
    assert_eq!(w.messages().await.len(), 1);
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let w = world_with(|env| {
        env.channel_webhook_rate_limit = 1;
        env.channel_webhook_burst = 3;
    })
    .await;
    let hook = w.create_hook("Chatty").await;
    let url = hook["url"].as_str().expect("url");
    for _ in 0..3 {
        assert_eq!(w.post_raw(url, r#"{"content": "hi"}"#).await.0, 200);
    }
    let (status, body, headers) = w.post_raw(url, r#"{"content": "hi"}"#).await;
    assert_eq!(status, 429, "{body}");
    let retry: u64 = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!(retry >= 1);
    assert!(body["detail"].is_string());
    assert_eq!(
        w.messages().await.len(),
        3,
        "the limited post was not stored"
    );
}

#[tokio::test]
async fn limit_can_be_switched_off() {
    let w = world_with(|env| env.channel_webhook_rate_limit = 0).await;
    let hook = w.create_hook("Firehose").await;
    let url = hook["url"].as_str().expect("url");
    for _ in 0..150 {
        assert_eq!(w.post_raw(url, r#"{"content": "hi"}"#).await.0, 200);
    }
}

#[tokio::test]
async fn identity_survives_renames_and_deletion_and_regenerate_kills_the_old_url() {
    let w = world().await;
    let hook = w.create_hook("Tide Bot").await;
    let id = hook["id"].as_str().expect("id").to_string();
    let old_url = hook["url"].as_str().expect("url").to_string();
    assert_eq!(w.post_raw(&old_url, r#"{"content": "first"}"#).await.0, 200);

    let (status, renamed) =
        w.s.post_json(
            &format!("/api/v1/channels/{}/webhooks/{id}/update", w.channel),
            json!({"name": "Ebb Bot"}),
            Some(&w.manager),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        renamed["url"],
        old_url.as_str(),
        "the URL survives a rename"
    );
    assert_eq!(
        w.post_raw(&old_url, r#"{"content": "second"}"#).await.0,
        200
    );
    let list = w.messages().await;
    assert_eq!(list[0]["user"]["name"], "Ebb Bot");
    assert_eq!(
        list[1]["user"]["name"], "Tide Bot",
        "old messages keep the old name"
    );

    let (status, fresh) =
        w.s.post_json(
            &format!("/api/v1/channels/{}/webhooks/{id}/regenerate", w.channel),
            json!({}),
            Some(&w.manager),
        )
        .await;
    assert_eq!(status, 200);
    assert_ne!(fresh["url"], old_url.as_str());
    assert_eq!(
        w.post_raw(&old_url, r#"{"content": "x"}"#).await.0,
        401,
        "the old URL stops at once"
    );
    assert_eq!(
        w.post_raw(
            fresh["url"].as_str().expect("url"),
            r#"{"content": "third"}"#
        )
        .await
        .0,
        200
    );

    let res =
        w.s.http
            .delete(w.s.url(&format!(
                "/api/v1/channels/{}/webhooks/{id}/delete",
                w.channel
            )))
            .bearer_auth(&w.admin)
            .send()
            .await
            .expect("delete");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        w.post_raw(
            fresh["url"].as_str().expect("url"),
            r#"{"content": "gone"}"#
        )
        .await
        .0,
        401,
        "a deleted webhook's URL stops at once (it was just used, so cached)"
    );
    let list = w.messages().await;
    assert_eq!(list.len(), 3, "messages stay after the webhook is deleted");
    assert!(list.iter().all(|m| m["meta"]["webhook"]["deleted"] == true));
}

#[tokio::test]
async fn r4_permission_matrix() {
    let w = world().await;
    let hook = w.create_hook("Tide Bot").await;
    let wid = hook["id"].as_str().expect("id");
    let ch = &w.channel;
    let who: [(&str, Option<&str>, u16); 6] = [
        ("admin", Some(&w.admin), 200),
        ("manager", Some(&w.manager), 200),
        ("member", Some(&w.member), 403),
        ("non-member", Some(&w.outsider), 403),
        ("pending", Some(&w.pending), 403),
        ("anonymous", None, 401),
    ];
    for (name, token, expected) in who {
        let (status, body) =
            w.s.get_json(&format!("/api/v1/channels/{ch}/webhooks"), token)
                .await;
        assert_eq!(status, expected, "{name} list: {body}");
        if expected != 200 {
            assert!(body["detail"].is_string(), "{name}: {body}");
        }
        let (status, _) =
            w.s.post_json(
                &format!("/api/v1/channels/{ch}/webhooks/create"),
                json!({"name": "x"}),
                token,
            )
            .await;
        assert_eq!(status, expected, "{name} create");
        let (status, _) =
            w.s.post_json(
                &format!("/api/v1/channels/{ch}/webhooks/{wid}/update"),
                json!({"name": format!("by {name}")}),
                token,
            )
            .await;
        assert_eq!(status, expected, "{name} update");
    }
    // A webhook of another channel is not found through this one.
    let (_, other) =
        w.s.post_json(
            "/api/v1/channels/create",
            json!({"name": "other"}),
            Some(&w.admin),
        )
        .await;
    let other_id = other["id"].as_str().expect("id");
    let (status, _) =
        w.s.post_json(
            &format!("/api/v1/channels/{other_id}/webhooks/{wid}/update"),
            json!({"name": "y"}),
            Some(&w.admin),
        )
        .await;
    assert_eq!(status, 404);
    let res =
        w.s.http
            .delete(w.s.url(&format!(
                "/api/v1/channels/{other_id}/webhooks/{wid}/delete"
            )))
            .bearer_auth(&w.admin)
            .send()
            .await
            .expect("delete");
    assert_eq!(res.status().as_u16(), 404);
    // Only admins create channels; members read messages, outsiders do not.
    let (status, _) =
        w.s.post_json(
            "/api/v1/channels/create",
            json!({"name": "nope"}),
            Some(&w.manager),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        w.s.get_json(&format!("/api/v1/channels/{ch}/messages"), Some(&w.member))
            .await
            .0,
        200
    );
    assert_eq!(
        w.s.get_json(
            &format!("/api/v1/channels/{ch}/messages"),
            Some(&w.outsider)
        )
        .await
        .0,
        403
    );
    let (_, visible) = w.s.get_json("/api/v1/channels/", Some(&w.outsider)).await;
    assert_eq!(
        visible.as_array().map(Vec::len),
        Some(0),
        "outsiders do not see the channel"
    );
    let (_, visible) = w.s.get_json("/api/v1/channels/", Some(&w.member)).await;
    assert_eq!(visible.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn script_and_event_handlers_from_senders_are_inert() {
    let w = world().await;
    let hook = w.create_hook("Evil").await;
    let url = hook["url"].as_str().expect("url");
    let body = json!({"content": "**ok** [x](javascript:alert(3))\n\n<script>alert(1)</script><img src=x onerror=alert(2)>"}).to_string();
    assert_eq!(w.post_raw(url, &body).await.0, 200);
    let list = w.page_messages(&w.member).await;
    let html = list[0]["html"].as_str().expect("html");
    assert!(html.contains("<strong>ok</strong>"), "{html}");
    // No live markup from the sender: tags arrive as escaped text, and no
    // element carries a handler or a javascript: link.
    for bad in ["<script", "<img", "href=\"javascript:"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(
        html.contains("&lt;script&gt;"),
        "the sender's tag is visible as text: {html}"
    );
}

#[tokio::test]
async fn webhook_images_are_checked_stored_and_served() {
    let w = world().await;
    let hook = w.create_hook("Pic").await;
    let wid = hook["id"].as_str().expect("id");
    let upload = |bytes: Vec<u8>, token: String| {
        let req =
            w.s.http
                .post(w.s.url(&format!(
                    "/api/v1/channels/{}/webhooks/{wid}/image",
                    w.channel
                )))
                .bearer_auth(token)
                .header("Content-Type", "application/octet-stream")
                .body(bytes);
        async move {
            let res = req.send().await.expect("upload");
            (
                res.status().as_u16(),
                res.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&[0u8; 64]);
    let (status, updated) = upload(png.clone(), w.manager.clone()).await;
    assert_eq!(status, 200, "{updated}");
    let image_url = updated["profile_image_url"]
        .as_str()
        .expect("image url")
        .to_string();
    let res = w.s.http.get(w.s.url(&image_url)).send().await.expect("get");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );
    assert_eq!(
        res.headers()
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    assert_eq!(res.bytes().await.expect("bytes").to_vec(), png);

    let (status, body) = upload(b"<svg onload=alert(1)></svg>".to_vec(), w.manager.clone()).await;
    assert_eq!(status, 400, "{body}");
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(1024 * 1024 + 1, 0);
    let (status, _) = upload(big, w.manager.clone()).await;
    assert_eq!(status, 413);
    let (status, _) = upload(png, w.member.clone()).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn members_see_webhook_messages_live() {
    let w = world().await;
    let hook = w.create_hook("Tide Bot").await;
    let me = parley_core::sessions::user_for_token(&w.s.state.db, &w.member)
        .await
        .expect("db")
        .expect("user");
    let mut socket = common::synced_socket(&w.s, &w.member, &me.id).await;
    assert_eq!(
        w.post_raw(
            hook["url"].as_str().expect("url"),
            r#"{"content": "live!"}"#
        )
        .await
        .0,
        200
    );
    let msg = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("in time")
        .expect("message")
        .expect("ok");
    let event: Value = serde_json::from_str(msg.to_text().expect("text")).expect("json");
    assert_eq!(event["type"], "channel_message");
    assert_eq!(event["message"]["content"], "live!");
    assert_eq!(event["message"]["author"]["name"], "Tide Bot");

    // Removed from the channel: the next post is not sent to her, even
    // though the channel's viewers were just looked up (and are cached on
    // SQLite). The marker after it is the next thing her socket gets.
    let admin = parley_core::sessions::user_for_token(&w.s.state.db, &w.admin)
        .await
        .expect("db")
        .expect("admin");
    parley_core::channels::remove_member(&w.s.state.channels, &admin, &w.channel, &me.id)
        .await
        .expect("removed");
    let url = hook["url"].as_str().expect("url");
    assert_eq!(w.post_raw(url, r#"{"content": "after"}"#).await.0, 200);
    w.s.state
        .hub
        .send_to_user(&me.id, app::model::ServerEvent::UsersChanged);
    loop {
        let event = common::next_frame(&mut socket).await.expect("a frame");
        assert_ne!(
            event["message"]["content"], "after",
            "a removed member gets no new messages"
        );
        if event["type"] == "users_changed" {
            break;
        }
    }

    // Back in, and it reaches her again at once.
    common::add_member(
        &w.s,
        &w.admin,
        &w.channel,
        "mel@example.com",
        app::model::ChannelRole::Member,
    )
    .await;
    assert_eq!(w.post_raw(url, r#"{"content": "back"}"#).await.0, 200);
    loop {
        let event = common::next_frame(&mut socket).await.expect("a frame");
        if event["type"] == "channel_message" {
            assert_eq!(event["message"]["content"], "back");
            break;
        }
    }
}

#[tokio::test]
async fn history_pages_back_by_keyset_and_by_skip() {
    let w = world_with(|env| env.channel_webhook_rate_limit = 0).await;
    let hook = w.create_hook("Counter").await;
    let url = hook["url"].as_str().expect("url");
    for i in 0..30 {
        let (status, _, _) = w
            .post_raw(url, &json!({"content": format!("m{i}")}).to_string())
            .await;
        assert_eq!(status, 200);
    }
    let page = |query: String| {
        let w = &w;
        async move {
            w.s.get_json(
                &format!("/api/v1/channels/{}/messages?{query}", w.channel),
                Some(&w.member),
            )
            .await
        }
    };
    let contents = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("list")
            .iter()
            .map(|m| m["content"].as_str().expect("content").to_string())
            .collect()
    };
    // The whole history, newest first, is the order every page follows
    // (messages of the same millisecond are ordered by id).
    let (status, all) = page("limit=100".into()).await;
    assert_eq!(status, 200);
    let all = contents(&all);
    let mut sorted = all.clone();
    sorted.sort();
    let mut expected: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
    expected.sort();
    assert_eq!(sorted, expected, "every message once");
    let at = |m: &str| all.iter().position(|c| c == m).expect("present");
    assert!(
        at("m29") < at("m15") && at("m15") < at("m0"),
        "newest first"
    );
    let (_, newest) = page("limit=10".into()).await;
    assert_eq!(contents(&newest), all[0..10]);
    // Keyset: the ten before the oldest of that page, then to the start.
    let oldest = newest[9]["id"].as_str().expect("id").to_string();
    let (_, older) = page(format!("limit=10&before={oldest}")).await;
    assert_eq!(contents(&older), all[10..20]);
    let last = older[9]["id"].as_str().expect("id").to_string();
    let (_, first) = page(format!("limit=50&before={last}")).await;
    assert_eq!(contents(&first), all[20..30]);
    // Open WebUI's skip/limit.
    let (_, skipped) = page("skip=25&limit=10".into()).await;
    assert_eq!(contents(&skipped), all[25..30]);
    // A message of no such id in this channel, and a bad number.
    let (status, body) = page("before=no-such-message".into()).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = page("limit=ten".into()).await;
    assert_eq!(status, 400);
    assert!(body["detail"].is_string(), "{body}");
}
