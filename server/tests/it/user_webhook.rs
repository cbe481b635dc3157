//! SPEC U1, U2, U5: a user's notification webhook settings, its test event
//! and the user's own delivery log.

use crate::common;

use crate::common::receiver::Receiver;
use serde_json::Value;
use std::time::Duration;

#[tokio::test]
async fn users_save_a_webhook_send_a_test_and_see_only_their_log() {
    let rx = Receiver::start().await;
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, tim_body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &tim_body).await;
    let (other, other_body) = s.signup("Olga", "olga@example.com").await;
    common::approve(&s, &admin, &other_body).await;

    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", "ftp://x.example/"), ("mode", "away")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    common::save_user_webhook(&s, &tim, &rx.url, "always").await;
    let (_, text, _) = s.server_fn("get_user_webhook", &[], Some(&tim)).await;
    let saved: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(saved["url"], rx.url.as_str());
    assert_eq!(saved["mode"], "always");

    let (status, text, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200, "{text}");
    let hits = rx.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].json()["event"], "test");

    let (_, mine, _) = s
        .server_fn("list_deliveries", &[("scope", "mine")], Some(&tim))
        .await;
    let mine: Value = serde_json::from_str(&mine).expect("json");
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    let (_, theirs, _) = s
        .server_fn("list_deliveries", &[("scope", "mine")], Some(&other))
        .await;
    assert_eq!(theirs, "[]", "Olga does not see Tim's log");
    let (_, admin_log, _) = s
        .server_fn("list_deliveries", &[("scope", "admin")], Some(&admin))
        .await;
    assert!(
        !admin_log.contains(&rx.url),
        "the admin log holds only admin deliveries"
    );
    let (status, _, _) = s
        .server_fn("list_deliveries", &[("scope", "admin")], Some(&tim))
        .await;
    assert_eq!(status, 403);

    let id = mine[0]["id"].as_str().expect("id");
    let (status, _, _) = s
        .server_fn(
            "redeliver_delivery",
            &[("scope", "mine"), ("id", id)],
            Some(&other),
        )
        .await;
    assert_eq!(status, 404, "nobody redelivers someone else's delivery");
}

#[tokio::test]
async fn user_urls_must_be_public_unless_the_admin_allows_more() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &body).await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://10.0.0.1/x",
        "http://169.254.169.254/",
    ] {
        let (status, text, _) = s
            .server_fn(
                "save_user_webhook",
                &[("url", url), ("mode", "away")],
                Some(&tim),
            )
            .await;
        assert_eq!(status, 400, "{url}: {text}");
        assert!(text.contains("refused"), "{text}");
    }
}

#[tokio::test]
async fn switching_user_webhooks_off_refuses_saving_and_sending() {
    let s = common::spawn_with(|env| env.enable_user_webhooks = false).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &body).await;
    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", "https://example.com/hook"), ("mode", "away")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.contains("err-user-webhooks-off"),
        "the reason travels as a key: {text}"
    );
    let (status, _, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 400);
    let (_, session, _) = s.server_fn("session", &[], Some(&tim)).await;
    assert!(
        session.contains("\"user_webhooks_enabled\":false"),
        "{session}"
    );
}

#[tokio::test]
async fn a_finished_reply_notifies_only_when_away_unless_always() {
    use parley_core::webhooks::user::{notify_reply_ready, FinishedReply};
    let rx = Receiver::start().await;
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &body).await;
    let user = parley_core::sessions::user_for_token(&s.state.db, &tim)
        .await
        .expect("db")
        .expect("user");
    let reply = FinishedReply {
        chat_id: "c1",
        title: "Story",
        prompt: "Tell me a story",
        reply: "Once upon a time",
        base_url: &s.base,
        finished_at: 0,
    };
    // No URL yet: nothing.
    assert_eq!(
        notify_reply_ready(&s.state.user_webhooks, &user, &reply)
            .await
            .expect("ok"),
        None
    );
    s.server_fn(
        "save_user_webhook",
        &[("url", &rx.url), ("mode", "away")],
        Some(&tim),
    )
    .await;

    // Tim is on a visible, focused tab: no notification.
    s.state.presence.report(&user.id, 1, true, true);
    assert_eq!(
        notify_reply_ready(&s.state.user_webhooks, &user, &reply)
            .await
            .expect("ok"),
        None
    );
    // The tab closes: away, one notification with the U4 payload.
    s.state.presence.disconnect(&user.id, 1);
    assert!(notify_reply_ready(&s.state.user_webhooks, &user, &reply)
        .await
        .expect("ok")
        .is_some());
    let hits = rx.wait_for(1, Duration::from_secs(15)).await;
    let payload = hits[0].json();
    assert_eq!(payload["event"], "chat_response");
    assert_eq!(payload["chat"]["last_message"], "Once upon a time");
    assert_eq!(payload["chat"]["url"], format!("{}/c/c1", s.base));

    // "always" sends even while focused.
    s.server_fn(
        "save_user_webhook",
        &[("url", &rx.url), ("mode", "always")],
        Some(&tim),
    )
    .await;
    s.state.presence.report(&user.id, 2, true, true);
    assert!(notify_reply_ready(&s.state.user_webhooks, &user, &reply)
        .await
        .expect("ok")
        .is_some());
    assert_eq!(rx.wait_for(2, Duration::from_secs(15)).await.len(), 2);
}

/// SPEC D4 for user targets: a user's notification webhook can be signed
/// and carry custom headers, set through the same server functions as the
/// admin's, scoped to the caller.
#[tokio::test]
async fn user_targets_are_signed_and_carry_their_headers() {
    let rx = Receiver::start().await;
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (admin, tim, _) = common::admin_and_user(&s).await;
    common::save_user_webhook(&s, &tim, &rx.url, "always").await;

    let (status, secret, _) = s
        .server_fn(
            "regenerate_webhook_secret",
            &[("scope", "mine")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{secret}");
    let secret: String = serde_json::from_str(&secret).expect("json string");
    assert!(secret.starts_with("whsec_"));
    let security = common::save_headers(&s, &tim, "mine", &[("X-Team-Token", "t0ken")]).await;
    assert_eq!(security["has_signing_secret"], true);
    assert_eq!(security["header_names"][0], "X-Team-Token");

    // The view never shows the secret or header values back.
    let (_, view, _) = s.server_fn("get_user_webhook", &[], Some(&tim)).await;
    assert!(
        !view.contains("whsec_") && !view.contains("t0ken"),
        "{view}"
    );
    // The admin target is untouched, and a user cannot change it.
    let (_, admin_view, _) = s.server_fn("admin_get_webhook", &[], Some(&admin)).await;
    assert!(
        admin_view.contains("\"has_signing_secret\":false"),
        "{admin_view}"
    );
    let (status, _, _) = s
        .server_fn(
            "regenerate_webhook_secret",
            &[("scope", "admin")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 403);

    s.server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    let hits = rx.wait_for(1, Duration::from_secs(15)).await;
    assert_eq!(hits[0].header("x-team-token"), "t0ken");
    standardwebhooks::Webhook::new(&secret)
        .expect("secret format")
        .verify(&hits[0].body, &hits[0].headers)
        .expect("the user's signature verifies");

    // Switched off: secrets and headers cannot be changed either (SPEC U1).
    common::set_user_webhooks(&s, &admin, false).await;
    let (status, _, _) = s
        .server_fn(
            "regenerate_webhook_secret",
            &[("scope", "mine")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400);
}
