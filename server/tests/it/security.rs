//! The security review's findings (issue 9), each reproduced as the attack
//! over real HTTP or a real websocket, and each now refused.

use crate::common;

use std::time::Duration;

use serde_json::{json, Value};

use crate::common::receiver::{Receiver, Reply};
use crate::common::world::{world, World};
use crate::common::{closes, set_role, synced_socket as open_socket, Socket};

async fn next_event(socket: &mut Socket) -> Option<Value> {
    common::next_frame(socket).await
}

async fn post_to(w: &World, url: &str, content: &str) {
    let (status, body, _) = w
        .post_raw(url, &json!({ "content": content }).to_string())
        .await;
    assert_eq!(status, 200, "{body}");
}

fn hook_url(hook: &Value) -> String {
    hook["url"].as_str().expect("url").to_string()
}

// ---- Finding 1: role changes, deletion, removal and sign-out reach sockets ----

#[tokio::test]
async fn a_demoted_member_stops_receiving_channel_messages_at_once() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Alerts").await);
    let mel = w.user_id(&w.member).await;
    // In step with the setup events (on PostgreSQL they come through NOTIFY).
    let mut socket = common::synced_socket(&w.s, &w.member, &mel).await;
    post_to(&w, &url, "before").await;
    let before = next_event(&mut socket).await.expect("event");
    assert_eq!(before["message"]["content"], "before");

    set_role(&w.s, &w.admin, &mel, "pending").await;
    assert_eq!(
        next_event(&mut socket).await.expect("event")["type"],
        "session_changed"
    );
    post_to(&w, &url, "secret while pending").await;
    // A socket opened while pending carries nothing but session events.
    let mut pending_socket = open_socket(&w.s, &w.member, &mel).await;
    // Opening it sent a marker to every socket of Mel's: the first socket
    // hears it next, with nothing (the post above) before it.
    let marker = next_event(&mut socket).await.expect("event");
    assert_eq!(marker["type"], "session_changed", "leaked: {marker}");
    post_to(&w, &url, "another secret").await;
    let (status, _) =
        w.s.get_json(
            &format!("/api/v1/channels/{}/messages", w.channel),
            Some(&w.member),
        )
        .await;
    assert_eq!(status, 403, "REST refuses the pending member too");

    // Approving again is the next thing either socket hears: the two posts
    // in between never reached them.
    set_role(&w.s, &w.admin, &mel, "user").await;
    for s in [&mut socket, &mut pending_socket] {
        let event = next_event(s).await.expect("event");
        assert_eq!(event["type"], "session_changed", "leaked: {event}");
    }
    post_to(&w, &url, "after approval").await;
    assert_eq!(
        next_event(&mut socket).await.expect("event")["message"]["content"],
        "after approval"
    );
}

#[tokio::test]
async fn deletion_and_sign_out_close_the_socket_and_removal_stops_the_channel() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Alerts").await);
    let mel = w.user_id(&w.member).await;

    // Sign-out ends the socket of that session, not the others.
    let (status, second) =
        w.s.post_json(
            "/api/v1/auths/signin",
            json!({"email": "mel@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{second}");
    let second = second["token"].as_str().expect("token").to_string();
    let mut signed_out = open_socket(&w.s, &second, &mel).await;
    let mut stays = open_socket(&w.s, &w.member, &mel).await;
    let (status, _) =
        w.s.post_json("/api/v1/auths/signout", json!({}), Some(&second))
            .await;
    assert_eq!(status, 200);
    assert_eq!(
        next_event(&mut signed_out).await.expect("event")["type"],
        "session_changed"
    );
    closes(&mut signed_out).await;
    assert_eq!(
        next_event(&mut stays).await.expect("event")["type"],
        "session_changed"
    );

    // Removal from the channel: the next message is not theirs to see.
    let (status, text, _) =
        w.s.server_fn(
            "remove_channel_member",
            &[("channel_id", &w.channel), ("user_id", &mel)],
            Some(&w.admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        next_event(&mut stays).await.expect("event")["type"],
        "channels_changed"
    );
    post_to(&w, &url, "members only").await;
    // A marker Mel may hear: added to another channel.
    let (status, other) =
        w.s.post_json(
            "/api/v1/channels/create",
            json!({"name": "lobby"}),
            Some(&w.admin),
        )
        .await;
    assert_eq!(status, 200);
    let (status, text, _) =
        w.s.server_fn(
            "set_channel_member",
            &[
                ("channel_id", other["id"].as_str().expect("id")),
                ("email", "mel@example.com"),
                ("role", "member"),
            ],
            Some(&w.admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let event = next_event(&mut stays).await.expect("event");
    assert_eq!(event["type"], "channels_changed", "leaked: {event}");

    // Deletion closes every socket of the account.
    let (status, text, _) =
        w.s.server_fn("admin_delete_user", &[("user_id", &mel)], Some(&w.admin))
            .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        next_event(&mut stays).await.expect("event")["type"],
        "session_changed"
    );
    closes(&mut stays).await;
    assert_eq!(w.s.state.hub.connection_count(&mel), 0);
}

// ---- Finding 3: no state change on GET; no image from outside Parley ----

#[tokio::test]
async fn signout_by_get_is_gone_and_sender_images_are_not_fetched() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Alerts").await);
    let res =
        w.s.http
            .get(w.s.url("/api/v1/auths/signout"))
            .header("Cookie", format!("parley_session={}", w.member))
            .send()
            .await
            .expect("get");
    assert_eq!(res.status().as_u16(), 405);
    let detail: Value = res.json().await.expect("a JSON error (R5)");
    assert!(detail["detail"].is_string(), "{detail}");
    let (status, _) = w.s.get_json("/api/v1/auths/", Some(&w.member)).await;
    assert_eq!(status, 200, "still signed in");

    let body = json!({
        "content": "![](/api/v1/auths/signout) ![pixel](https://tracker.example/p.gif) <img src=https://tracker.example/x.gif>",
        "username": "Tracker",
        "avatar_url": "https://tracker.example/avatar.png",
    });
    let (status, _, _) = w.post_raw(&url, &body.to_string()).await;
    assert_eq!(status, 200);
    let list = w.page_messages(&w.member).await;
    let message = list.last().expect("message");
    let html = message["html"].as_str().expect("html");
    assert!(!html.contains("<img"), "{html}");
    assert!(
        html.contains("href=\"https://tracker.example/p.gif\""),
        "{html}"
    );
    assert_eq!(message["author"]["name"], "Tracker");
    assert_eq!(
        message["author"]["image"],
        Value::Null,
        "no hot-linked avatar"
    );
}

// ---- Finding 4: cookie-authenticated writes only from Parley's own origin ----

#[tokio::test]
async fn cross_site_writes_are_refused_and_change_nothing() {
    let w = world().await;
    let create_key = |origin: Option<&str>, fetch_site: Option<&str>| {
        let mut req =
            w.s.http
                .post(w.s.url("/api/fn/create_api_key"))
                .header("Cookie", format!("parley_session={}", w.member))
                .header("Accept", "application/json")
                .form(&[("name", "stolen")]);
        if let Some(o) = origin {
            req = req.header("Origin", o);
        }
        if let Some(f) = fetch_site {
            req = req.header("Sec-Fetch-Site", f);
        }
        req.send()
    };
    for (origin, site) in [
        (Some("https://evil.example"), None),
        (Some("null"), None),
        (None, Some("cross-site")),
        // Another port on the same host, or a sibling subdomain.
        (None, Some("same-site")),
        (None, None),
    ] {
        let res = create_key(origin, site).await.expect("post");
        assert_eq!(res.status().as_u16(), 403, "{origin:?} {site:?}");
        let body: Value = res.json().await.expect("json");
        assert!(body["detail"].as_str().is_some(), "{body}");
    }
    let (status, keys, _) = w.s.server_fn("list_api_keys", &[], Some(&w.member)).await;
    assert_eq!(status, 200);
    assert_eq!(keys.trim(), "[]", "nothing was created");
    let ok = create_key(Some(w.s.base.as_str()), None)
        .await
        .expect("post");
    assert_eq!(ok.status().as_u16(), 200, "Parley's own page");
    let ok = create_key(None, Some("same-origin")).await.expect("post");
    assert_eq!(ok.status().as_u16(), 200);

    // Login CSRF: a cross-site form cannot sign the victim into an account.
    let res =
        w.s.http
            .post(w.s.url("/api/fn/sign_in"))
            .header("Origin", "https://evil.example")
            .form(&[("email", "mel@example.com"), ("password", "correct horse")])
            .send()
            .await
            .expect("post");
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.headers().get("set-cookie").is_none());
    let res =
        w.s.http
            .post(w.s.url("/api/fn/sign_up"))
            .header("Origin", "https://evil.example")
            .form(&[
                ("name", "X"),
                ("email", "x@example.com"),
                ("password", "correct horse"),
            ])
            .send()
            .await
            .expect("post");
    assert_eq!(res.status().as_u16(), 403);

    // Bearer tokens and incoming webhooks stay callable from anywhere.
    let res =
        w.s.http
            .post(w.s.url("/api/v1/channels/create"))
            .bearer_auth(&w.admin)
            .header("Origin", "https://evil.example")
            .json(&json!({"name": "scripts"}))
            .send()
            .await
            .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    let url = hook_url(&w.create_hook("CI").await);
    let res =
        w.s.http
            .post(&url)
            .header("Origin", "https://ci.example")
            .json(&json!({"content": "green"}))
            .send()
            .await
            .expect("post");
    assert_eq!(res.status().as_u16(), 200);
}

// ---- Finding 5: bodies, sockets and manual deliveries are bounded ----

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let s = common::spawn().await;
    let email = format!("{}@example.com", "a".repeat(1024 * 1024));
    let res = s
        .http
        .post(s.url("/api/v1/auths/signin"))
        .json(&json!({"email": email, "password": "x"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 413);
    let body: Value = res.json().await.expect("json");
    assert!(body["detail"].as_str().expect("detail").contains("KiB"));
    // Chunked (no Content-Length): cut while reading.
    let stream = futures::stream::iter((0..64).map(|_| {
        Ok::<_, std::io::Error>(http_body::Frame::data(axum::body::Bytes::from(vec![
            b' ';
            16 * 1024
        ])))
    }));
    let res = s
        .http
        .post(s.url("/api/fn/sign_in"))
        .header("Origin", &s.base)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap(http_body_util::StreamBody::new(stream)))
        .send()
        .await
        .expect("post");
    assert!(
        res.status().is_client_error() || res.status().is_server_error(),
        "{}",
        res.status()
    );
    assert_eq!(
        s.state.signin_limiter.tracked_keys(),
        0,
        "nothing reached the limiter"
    );
}

#[tokio::test]
async fn sockets_are_capped_per_user_and_messages_are_small() {
    let w = world().await;
    let mel = w.user_id(&w.member).await;
    let mut sockets = Vec::new();
    for _ in 0..parley_core::realtime::MAX_TABS_PER_USER + 4 {
        sockets.push(open_socket(&w.s, &w.member, &mel).await);
    }
    assert_eq!(
        w.s.state.hub.connection_count(&mel),
        parley_core::realtime::MAX_TABS_PER_USER
    );
    // The oldest were closed to make room.
    closes(&mut sockets[0]).await;
    // A message over the limit ends that socket.
    use futures::SinkExt;
    let last = sockets.last_mut().expect("socket");
    let huge = "x".repeat(64 * 1024);
    let _ = last
        .send(tokio_tungstenite::tungstenite::Message::Text(huge.into()))
        .await;
    assert!(
        next_event(last).await.is_none(),
        "closed for a too-large message"
    );
}

#[tokio::test]
async fn send_test_and_redeliver_are_throttled() {
    let receiver = Receiver::start().await;
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    common::save_admin_webhook(&s, &admin, &receiver.url).await;
    let mut refused = 0;
    for _ in 0..30 {
        let (status, _, _) = s
            .server_fn("send_test_delivery", &[("scope", "admin")], Some(&admin))
            .await;
        if status == 429 {
            refused += 1;
        } else {
            assert_eq!(status, 200);
        }
    }
    assert!(refused >= 15, "only {refused} of 30 refused");
    let queued = s.admin_deliveries().await.len();
    assert!(queued <= 15, "{queued} test deliveries queued");
}

// ---- Finding 6: sign-up is throttled before any password is hashed ----

#[tokio::test]
async fn a_sign_up_flood_gets_429_and_cannot_flood_the_admin_webhook() {
    let receiver = Receiver::start().await;
    receiver.script(std::iter::repeat_n(Reply::Status(200), 1000));
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    common::save_admin_webhook(&s, &admin, &receiver.url).await;
    let attempt = |i: usize| {
        let http = s.http.clone();
        let url = s.url("/api/v1/auths/signup");
        async move {
            // Half reuse a taken email, half are new accounts.
            let email = if i.is_multiple_of(2) {
                "ada@example.com".to_string()
            } else {
                format!("flood{i}@example.com")
            };
            http.post(url)
                .json(&json!({"name": "F", "email": email, "password": "correct horse"}))
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
    };
    let statuses = futures::future::join_all((0..200).map(attempt)).await;
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    let created = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        statuses.iter().all(|s| [200, 409, 429].contains(s)),
        "{statuses:?}"
    );
    assert!(throttled >= 150, "only {throttled} of 200 throttled");
    assert!(created <= 30, "{created} accounts");
    let new_user_events = s
        .admin_deliveries()
        .await
        .into_iter()
        .filter(|d| d.event == "new_user")
        .count();
    assert_eq!(new_user_events, created, "one event per account, no more");
}

// ---- Finding 7: metadata and link-local are refused for every target ----

#[tokio::test]
async fn metadata_and_link_local_urls_are_refused_on_save() {
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["private".into()]).await;
    let (admin, tim, _) = common::admin_and_user(&s).await;
    for url in [
        "http://169.254.170.23/v1/credentials",
        "http://169.254.0.23/",
        "http://100.100.100.200/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fd00:ec2::23]/",
        "http://[64:ff9b:1:a9fe:a9:fe00::]/", // RFC 6052 /48 of 169.254.169.254
    ] {
        let (status, text, _) = s
            .server_fn("admin_save_webhook_url", &[("url", url)], Some(&admin))
            .await;
        assert_eq!(status, 400, "admin {url}: {text}");
        let (status, text, _) = s
            .server_fn(
                "save_user_webhook",
                &[("url", url), ("mode", "away")],
                Some(&tim),
            )
            .await;
        assert_eq!(status, 400, "user {url}: {text}");
    }
    // `private` opens private ranges, not link-local.
    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", "http://169.254.1.1/hook"), ("mode", "away")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("link-local"), "{text}");
    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", "http://10.1.2.3/hook"), ("mode", "away")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{text}");
}

// ---- Finding 8: names cannot inject markup into chat services ----

#[tokio::test]
async fn a_sign_up_name_cannot_ping_everyone_or_plant_a_link() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let evil = "<!channel> <https://evil.example|Approve>";
    for hook in [
        "https://hooks.slack.com/services/T000/B000/XXXX",
        "https://discord.com/api/webhooks/1/abc",
    ] {
        common::save_admin_webhook(&s, &admin, hook).await;
        let email = format!("evil{}@example.com", hook.len());
        let (status, body) = s
            .post_json(
                "/api/v1/auths/signup",
                json!({"name": evil, "email": email, "password": "correct horse"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT url, payload FROM webhook_deliveries WHERE event = 'new_user'")
            .fetch_all(&s.state.db)
            .await
            .expect("rows");
    assert_eq!(rows.len(), 2);
    // Each body was made for the URL in force when it was queued; the row's
    // URL may since have moved to the target's newer one (SPEC D9), so the
    // body's own shape says which service it is for.
    let mut kinds: Vec<&str> = Vec::new();
    for (_, payload) in rows {
        let body: Value = serde_json::from_str(&payload).expect("json");
        if body.get("text").is_some() {
            kinds.push("slack");
            let text = body["text"].as_str().expect("text");
            assert!(!text.contains("<!channel>"), "{text}");
            assert!(!text.contains("<https://evil.example|"), "{text}");
            assert!(text.contains("&lt;!channel&gt;"), "{text}");
        } else {
            kinds.push("discord");
            let content = body["content"].as_str().expect("content");
            assert!(!content.contains("<!channel>"), "{content}");
            assert_eq!(body["allowed_mentions"], json!({"parse": []}));
        }
    }
    kinds.sort();
    assert_eq!(kinds, vec!["discord", "slack"], "one body for each service");
}

// ---- Finding 9: the smaller ones ----

#[tokio::test]
async fn wrong_token_floods_are_throttled_per_client() {
    let w = world().await;
    let hook = w.create_hook("CI").await;
    let id = hook["id"].as_str().expect("id");
    let bad =
        w.s.url(&format!("/api/v1/channels/webhooks/{id}/wrong-token"));
    let mut statuses = Vec::new();
    for _ in 0..60 {
        statuses.push(w.post_raw(&bad, r#"{"content":"x"}"#).await.0);
    }
    assert_eq!(statuses[0], 401);
    assert!(
        statuses.iter().filter(|s| **s == 429).count() >= 25,
        "{statuses:?}"
    );
    // The right token still works from the same address.
    let (status, _, _) = w.post_raw(&hook_url(&hook), r#"{"content":"ok"}"#).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_nul_character_is_stored_not_a_500() {
    let w = world().await;
    let url = hook_url(&w.create_hook("CI").await);
    let (status, body, _) = w
        .post_raw(
            &url,
            r#"{"content":"build\u0000done","username":"b\u0000t"}"#,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let messages = w.messages().await;
    assert_eq!(messages[0]["content"], "build\u{FFFD}done");
    let (status, text, _) =
        w.s.server_fn(
            "post_channel_message",
            &[("channel_id", &w.channel), ("content", "hi\u{0}there")],
            Some(&w.member),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let (status, body) =
        w.s.post_json(
            "/api/v1/auths/signup",
            json!({"name": "N\u{0}ul", "email": "nul@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn a_deleted_users_queued_deliveries_are_never_sent() {
    let receiver = Receiver::start().await;
    receiver.script([Reply::Status(500)]);
    let s = common::spawn_with(|env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        // A long wait after the first failure: the row sits in "retrying".
        env.delivery.schedule = vec![Duration::from_secs(3600)];
    })
    .await;
    let (admin, tim, body) = common::admin_and_user(&s).await;
    common::save_user_webhook(&s, &tim, &receiver.url, "always").await;
    let (status, id, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).expect("id");
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let tim_id = body["id"].as_str().expect("id");
    common::until(Duration::from_secs(5), async || {
        let d = parley_core::webhooks::store::get(&s.state.db, &id.as_str().into())
            .await
            .expect("db")
            .expect("row");
        d.status == app::model::DeliveryStatus::Retrying
    })
    .await;
    let (status, text, _) = s
        .server_fn("admin_delete_user", &[("user_id", tim_id)], Some(&admin))
        .await;
    assert_eq!(status, 200, "{text}");
    let d = parley_core::webhooks::store::get(&s.state.db, &id.as_str().into())
        .await
        .expect("db")
        .expect("row");
    assert_eq!(d.status, app::model::DeliveryStatus::Failed);
    assert!(d.next_attempt_at.is_none(), "never claimed again");
    assert!(d.last_error.unwrap_or_default().contains("deleted"));
}

#[tokio::test]
async fn moving_a_webhook_to_another_host_drops_its_secret_and_headers() {
    let first = Receiver::start().await;
    let second = Receiver::start().await;
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (_, tim, _) = common::admin_and_user(&s).await;
    common::save_user_webhook(&s, &tim, &first.url, "always").await;
    let (status, _, _) = s
        .server_fn(
            "regenerate_webhook_secret",
            &[("scope", "mine")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200);
    common::save_headers(
        &s,
        &tim,
        "mine",
        &[("Authorization", "Bearer hidden-value")],
    )
    .await;
    // Same host, other path: kept.
    common::save_user_webhook(&s, &tim, &format!("{}?v=2", first.url), "always").await;
    let (status, _, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200);
    let hit = first.wait_for(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(hit.header("authorization"), "Bearer hidden-value");
    assert!(hit.header("webhook-signature").starts_with("v1,"));
    // Another host (another port): the hidden values do not follow.
    common::save_user_webhook(&s, &tim, &second.url, "always").await;
    let (_, view, _) = s.server_fn("get_user_webhook", &[], Some(&tim)).await;
    let view: Value = serde_json::from_str(&view).expect("json");
    assert_eq!(view["security"]["has_signing_secret"], false);
    assert_eq!(view["security"]["header_names"], json!([]));
    let (status, _, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200);
    let hit = second.wait_for(1, Duration::from_secs(10)).await.remove(0);
    assert_eq!(hit.header("authorization"), "");
    assert_eq!(hit.header("webhook-signature"), "");
}

#[tokio::test]
async fn a_pending_user_gets_nothing_from_the_socket_but_session_events() {
    let w = world().await;
    let pia = w.user_id(&w.pending).await;
    let mut socket = open_socket(&w.s, &w.pending, &pia).await;
    // Presence reports from a pending tab are ignored; approval arrives.
    use futures::SinkExt;
    socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            r#"{"type":"presence","visible":true,"focused":true}"#.into(),
        ))
        .await
        .expect("send");
    set_role(&w.s, &w.admin, &pia, "user").await;
    assert_eq!(
        next_event(&mut socket).await.expect("event")["type"],
        "session_changed"
    );
    assert!(
        !w.s.state.presence.is_active(&pia),
        "the pending report was ignored"
    );
}

/// S2: the demotion happens on instance A, the socket lives on instance B
/// (PostgreSQL only: the SQLite pass skips `multi_instance`).
#[tokio::test]
async fn multi_instance_demotion_on_one_instance_cuts_a_socket_on_another() {
    let (a, b) = common::postgres_pair().await;
    let (admin, _) = a.signup("Ada", "ada@example.com").await;
    let (mel, body) = a.signup("Mel", "mel@example.com").await;
    common::approve(&a, &admin, &body).await;
    let mel_id = body["id"].as_str().expect("id").to_string();
    let (_, channel) = a
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "ops"}),
            Some(&admin),
        )
        .await;
    let channel = channel["id"].as_str().expect("id").to_string();
    let (status, text, _) = a
        .server_fn(
            "set_channel_member",
            &[
                ("channel_id", &channel),
                ("email", "mel@example.com"),
                ("role", "member"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let (_, hook) = a
        .post_json(
            &format!("/api/v1/channels/{channel}/webhooks/create"),
            json!({"name": "Alerts"}),
            Some(&admin),
        )
        .await;
    let url = hook_url(&hook);
    let mut socket = open_socket(&b, &mel, &mel_id).await;
    set_role(&a, &admin, &mel_id, "pending").await;
    assert_eq!(
        next_event(&mut socket).await.expect("event")["type"],
        "session_changed"
    );
    let res = a
        .http
        .post(&url)
        .json(&json!({"content": "secret"}))
        .send()
        .await;
    assert_eq!(res.expect("post").status(), 200);
    set_role(&a, &admin, &mel_id, "user").await;
    let event = next_event(&mut socket).await.expect("event");
    assert_eq!(
        event["type"], "session_changed",
        "leaked across instances: {event}"
    );
}
