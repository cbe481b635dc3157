//! SPEC U1, U2, U5: a user's notification webhook settings, its test event
//! and the user's own delivery log.

mod common;

use common::receiver::Receiver;
use serde_json::Value;
use std::time::Duration;

async fn approve(s: &common::TestServer, admin: &str, body: &Value) {
    let id = body["id"].as_str().expect("id");
    let (status, text, _) = s
        .server_fn(
            "admin_set_role",
            &[("user_id", id), ("role", "user")],
            Some(admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn users_save_a_webhook_send_a_test_and_see_only_their_log() {
    let rx = Receiver::start().await;
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, tim_body) = s.signup("Tim", "tim@example.com").await;
    approve(&s, &admin, &tim_body).await;
    let (other, other_body) = s.signup("Olga", "olga@example.com").await;
    approve(&s, &admin, &other_body).await;

    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", "ftp://x.example/"), ("mode", "away")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", &rx.url), ("mode", "always")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{text}");
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
    approve(&s, &admin, &body).await;
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
    approve(&s, &admin, &body).await;
    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", "https://example.com/hook"), ("mode", "away")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("turned off"), "{text}");
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
