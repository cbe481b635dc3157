//! SPEC E2, E3: a database from before `webhook_targets` — an admin URL,
//! signing secret and headers in the config, a user's notification webhook
//! with its own secret — is migrated into default targets that deliver the
//! same A3 and U4 bodies, signed with the same secrets.

use crate::common;

use std::time::Duration;

use crate::common::receiver::Receiver;
use parley_core::crypto::SecretBox;
use parley_core::webhooks::user::{chat_response_body, notify_reply_ready, FinishedReply};
use parley_core::webhooks::{admin, signing};

const WAIT: Duration = Duration::from_secs(15);

/// The migrations up to the last one before `webhook_targets`.
async fn old_schema(url: &str) {
    let dir = tempfile::tempdir().expect("dir");
    let all = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    for entry in std::fs::read_dir(&all).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.as_str() < "20261201000010" {
            std::fs::copy(&path, dir.path().join(&name)).expect("copy");
        }
    }
    let (db, _) = connect_without_migrations(url).await;
    sqlx::migrate::Migrator::new(dir.path())
        .await
        .expect("migrator")
        .run(&db)
        .await
        .expect("old migrations");
    db.close().await;
}

async fn connect_without_migrations(url: &str) -> (sqlx::AnyPool, ()) {
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite:") && !url.contains('?') {
        format!("{url}?mode=rwc")
    } else {
        url.to_string()
    };
    (sqlx::AnyPool::connect(&url).await.expect("connect"), ())
}

fn verifies(secret: &str, hit: &common::receiver::Hit) {
    let verifier = standardwebhooks::Webhook::new(secret).expect("secret");
    verifier
        .verify(&hit.body, &hit.headers)
        .expect("the old secret still signs");
}

#[tokio::test]
async fn an_old_database_becomes_default_targets_that_deliver_the_same_bodies() {
    let admin_rx = Receiver::start().await;
    let user_rx = Receiver::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let url = common::fresh_database_url(&dir).await;
    old_schema(&url).await;

    // Yesterday's rows, sealed as Parley sealed them.
    let sealer = SecretBox::new("test-secret");
    let admin_secret = signing::new_secret();
    let user_secret = signing::new_secret();
    let (db, _) = connect_without_migrations(&url).await;
    for (key, value) in [
        ("webhook.url", admin_rx.url.clone()),
        ("webhook.signing_secret", sealer.seal(&admin_secret)),
        (
            "webhook.headers",
            sealer.seal(r#"[["Authorization","Bearer admin-token"]]"#),
        ),
    ] {
        sqlx::query("INSERT INTO config (key, value, updated_at) VALUES ($1, $2, 1)")
            .bind(key)
            .bind(value)
            .execute(&db)
            .await
            .expect("config");
    }
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, role, locale, created_at, updated_at) \
         VALUES ('u-tim', 'tim@example.com', 'Tim', 'x', 'user', NULL, 1, 1)",
    )
    .execute(&db)
    .await
    .expect("user");
    sqlx::query(
        "INSERT INTO user_webhooks (user_id, url, mode, updated_at, signing_secret, headers) \
         VALUES ('u-tim', $1, 'always', 1, $2, $3)",
    )
    .bind(&user_rx.url)
    .bind(sealer.seal(&user_secret))
    .bind(sealer.seal(r#"[["X-Team","blue"]]"#))
    .execute(&db)
    .await
    .expect("user webhook");
    db.close().await;

    // Today's Parley opens it (the remaining migrations run).
    let s = common::spawn_at(url, dir, |env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
    })
    .await;
    let (_, ada_body) = s.signup("Ada", "ada@example.com").await;
    let list = serde_json::to_value(
        admin::list_event_webhooks(&s.state.admin_webhooks)
            .await
            .expect("list"),
    )
    .expect("json");
    assert_eq!(list[0]["id"], "admin-default");
    assert_eq!(list[0]["url"], admin_rx.url.as_str());
    assert_eq!(list[0]["events"], serde_json::json!(["user.created"]));
    assert_eq!(list[0]["security"]["has_signing_secret"], true);
    assert_eq!(
        list[0]["security"]["header_names"],
        serde_json::json!(["Authorization"])
    );

    // A3: Ada's sign-up went to the migrated admin target.
    let hits = admin_rx.wait_for(1, WAIT).await;
    let ada = parley_core::accounts::get_user(&s.state.db, ada_body["id"].as_str().expect("id"))
        .await
        .expect("db")
        .expect("ada");
    let expected = admin::new_user_body(&admin_rx.url, &ada, s.state.env.default_locale);
    assert_eq!(
        hits[0].body,
        expected.to_string().into_bytes(),
        "A3, byte for byte"
    );
    assert_eq!(hits[0].header("authorization"), "Bearer admin-token");
    verifies(&admin_secret, &hits[0]);

    // U4: Tim's reply notification through his migrated default target.
    let tim = parley_core::accounts::get_user(&s.state.db, "u-tim")
        .await
        .expect("db")
        .expect("tim");
    let reply = FinishedReply {
        chat_id: "c-1",
        title: "Plans",
        prompt: "What next?",
        reply: "Ship it.",
        base_url: "https://parley.example",
        finished_at: 1_795_341_600_000,
    };
    notify_reply_ready(&s.state.user_webhooks, &tim, &reply)
        .await
        .expect("notify")
        .expect("queued: mode always");
    let hits = user_rx.wait_for(1, WAIT).await;
    let expected = chat_response_body(&user_rx.url, &reply);
    assert_eq!(
        hits[0].body,
        expected.to_string().into_bytes(),
        "U4, byte for byte"
    );
    assert_eq!(hits[0].header("x-team"), "blue");
    verifies(&user_secret, &hits[0]);

    // The old homes are gone: one place holds each target.
    let old: Result<(i64,), _> = sqlx::query_as("SELECT COUNT(*) FROM user_webhooks")
        .fetch_one(&s.state.db)
        .await;
    assert!(old.is_err(), "user_webhooks was dropped");
    let (keys,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM config WHERE key LIKE 'webhook.%'")
        .fetch_one(&s.state.db)
        .await
        .expect("config");
    assert_eq!(keys, 0);
}
