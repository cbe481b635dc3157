//! SPEC D9 (a delivery's URL, headers and secret belong together) and
//! issue 20 item 17 (user webhooks off stops retries and Redeliver),
//! through the real worker, real receivers on loopback and the server
//! functions the settings page calls.

use crate::common;

use std::time::Duration;

use crate::common::receiver::{Receiver, Reply};
use crate::common::TestServer;
use app::model::{Delivery, DeliveryStatus};
use parley_core::webhooks::store::{self, Target};

async fn delivery(s: &TestServer, id: &str) -> Delivery {
    store::get(&s.state.db, &id.into())
        .await
        .expect("db")
        .expect("delivery row")
}

/// Waits for the row to reach `status` (a state, not a time).
async fn wait_status(s: &TestServer, id: &str, status: DeliveryStatus) -> Delivery {
    common::until(Duration::from_secs(15), async || {
        delivery(s, id).await.status == status
    })
    .await;
    delivery(s, id).await
}

#[tokio::test]
async fn a_retry_after_a_move_goes_to_the_new_host_with_the_new_headers_only() {
    let old_host = Receiver::start().await;
    old_host.script([Reply::Status(500)]);
    let new_host = Receiver::start().await;
    let s = common::spawn_with(|env| {
        // The first failure waits an hour: the row sits in "retrying"
        // until Redeliver.
        env.delivery.schedule = vec![Duration::from_secs(3600)];
    })
    .await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    common::save_admin_webhook(&s, &admin, &old_host.url).await;
    let (status, id, _) = s
        .server_fn("send_test_delivery", &[("scope", "admin")], Some(&admin))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).expect("id");
    old_host.wait_for(1, Duration::from_secs(10)).await;
    let d = wait_status(&s, &id, DeliveryStatus::Retrying).await;
    assert_eq!(d.status, DeliveryStatus::Retrying);
    assert_eq!(d.url, old_host.url);

    // The admin moves the target to the new host and saves the new host's
    // credentials.
    common::save_admin_webhook(&s, &admin, &new_host.url).await;
    common::save_headers(&s, &admin, "admin", &[("Authorization", "Bearer for-b")]).await;
    let (status, text, _) = s
        .server_fn(
            "redeliver_delivery",
            &[("scope", "admin"), ("id", &id)],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let hit = new_host
        .wait_for(1, Duration::from_secs(10))
        .await
        .remove(0);
    assert_eq!(hit.header("authorization"), "Bearer for-b");
    let d = wait_status(&s, &id, DeliveryStatus::Delivered).await;
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.url, new_host.url, "the row follows the target");
    let old_hits = old_host.hits();
    assert_eq!(old_hits.len(), 1, "the old host is never called again");
    assert_eq!(old_hits[0].header("authorization"), "");
}

#[tokio::test]
async fn a_queued_retry_to_a_url_no_longer_in_force_carries_no_credentials() {
    let old_host = Receiver::start().await;
    old_host.script([Reply::Status(500)]);
    let s = common::spawn_with(|env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.delivery.schedule = vec![Duration::from_secs(3600)];
    })
    .await;
    let (_, tim, _) = common::admin_and_user(&s).await;
    common::save_user_webhook(&s, &tim, &old_host.url, "always").await;
    let (status, id, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).expect("id");
    old_host.wait_for(1, Duration::from_secs(10)).await;
    wait_status(&s, &id, DeliveryStatus::Retrying).await;
    // The user clears the URL, then sets headers and a secret for a URL
    // that is not saved yet: nothing of it may reach the stored URL.
    common::save_user_webhook(&s, &tim, "", "always").await;
    common::save_headers(&s, &tim, "mine", &[("Authorization", "Bearer later")]).await;
    let (status, text, _) = s
        .server_fn(
            "redeliver_delivery",
            &[("scope", "mine"), ("id", &id)],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let hits = old_host.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].header("authorization"), "");
    assert_eq!(hits[1].header("webhook-signature"), "");
}

#[tokio::test]
async fn turning_user_webhooks_off_stops_queued_retries_and_redeliver() {
    let rx = Receiver::start().await;
    rx.script([Reply::Status(500)]);
    let s = common::spawn_with(|env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.delivery.schedule = vec![Duration::from_secs(3600)];
    })
    .await;
    let (admin, tim, _) = common::admin_and_user(&s).await;
    common::save_user_webhook(&s, &tim, &rx.url, "always").await;
    let (status, id, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).expect("id");
    rx.wait_for(1, Duration::from_secs(10)).await;
    wait_status(&s, &id, DeliveryStatus::Retrying).await;

    common::set_user_webhooks(&s, &admin, false).await;
    // The user's Redeliver is refused while the feature is off.
    let (status, _, _) = s
        .server_fn(
            "redeliver_delivery",
            &[("scope", "mine"), ("id", &id)],
            Some(&tim),
        )
        .await;
    assert_ne!(
        status, 200,
        "Redeliver is refused while user webhooks are off"
    );
    // A retry that falls due (forced here) gives up instead of sending.
    let owner = Target::User(
        parley_core::sessions::user_for_token(&s.state.db, &tim)
            .await
            .expect("db")
            .expect("tim")
            .id,
    );
    store::redeliver(&s.state.db, &owner, &id.as_str().into())
        .await
        .expect("requeue");
    s.state.outbox.wake_worker();
    let d = wait_status(&s, &id, DeliveryStatus::Failed).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert!(
        d.last_error.unwrap_or_default().contains("turned off"),
        "the log says why"
    );
    assert_eq!(rx.count(), 1, "nothing more was sent");
}

#[tokio::test]
async fn one_users_dead_hosts_never_hold_the_admins_turn() {
    use serde_json::json;
    let w = common::world::world_with(|env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.delivery.max_in_flight = 8;
        // The dead hosts hold their requests far longer than the test
        // waits for the admin's delivery.
        env.delivery.timeout = Duration::from_secs(60);
        env.delivery.schedule = vec![Duration::from_secs(3600)];
    })
    .await;
    let mut accepted = Vec::new();
    for i in 0..20 {
        let (url, count) = common::receiver::black_hole().await;
        let (status, body) = w
            .s
            .post_json(
                "/api/v1/notifications/targets",
                json!({"name": format!("dead {i}"), "url": url, "events": ["channel.message"], "mode": "always"}),
                Some(&w.member),
            )
            .await;
        if status != 200 {
            // The per-user maximum (the default target counts too).
            assert!(i >= 10, "{body}");
            break;
        }
        accepted.push(count);
    }
    let hook = w.create_hook("alerts").await;
    let url = hook["url"].as_str().expect("url");
    for n in 0..3 {
        let (status, body, _) = w.post_raw(url, &format!(r#"{{"text":"alert {n}"}}"#)).await;
        assert!(status < 300, "{body}");
    }
    let held = || {
        accepted
            .iter()
            .map(|c| c.load(std::sync::atomic::Ordering::SeqCst))
            .sum::<usize>()
    };
    // Mel's requests fill what one owner may hold: 8 less a quarter.
    common::until(Duration::from_secs(15), async || held() >= 6).await;
    assert_eq!(held(), 6, "one owner holds at most 6 of 8 slots");

    let admin_rx = Receiver::start().await;
    common::save_admin_webhook(&w.s, &w.admin, &admin_rx.url).await;
    let (status, text, _) =
        w.s.server_fn("send_test_delivery", &[("scope", "admin")], Some(&w.admin))
            .await;
    assert_eq!(status, 200, "{text}");
    let hits = admin_rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(
        hits.len(),
        1,
        "the admin's delivery went out while Mel's hang"
    );
    assert_eq!(held(), 6, "and Mel did not take more meanwhile");
}

/// The SQLite file's size once the WAL is folded into it; `None` on
/// PostgreSQL.
async fn sqlite_file_bytes(s: &TestServer) -> Option<u64> {
    let url = s.state.env.database_url.clone();
    let path = url.strip_prefix("sqlite://")?.to_string();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&s.state.db)
        .await
        .expect("checkpoint");
    Some(std::fs::metadata(path).expect("database file").len())
}

#[tokio::test]
async fn old_deliveries_go_and_the_database_stays_flat_under_a_steady_load() {
    use parley_core::maintenance::{enforce_retention, RetentionSettings};
    use parley_core::webhooks::store::NewDelivery;
    let rx = Receiver::start().await;
    rx.script(std::iter::repeat_n(Reply::Status(200), 10_000));
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    common::save_admin_webhook(&s, &admin, &rx.url).await;
    let count = |status: &'static str| {
        let db = s.state.db.clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE status = $1")
                    .bind(status)
                    .fetch_one(&db)
                    .await
                    .expect("db");
            n
        }
    };
    // What a busy channel's notifications weigh: 20 KB bodies.
    let body = serde_json::json!({"event": "load", "text": "x".repeat(20_000)});
    let per_round = 200;
    let mut sizes = Vec::new();
    let keep_nothing = RetentionSettings {
        delivered: Duration::ZERO,
        ..RetentionSettings::default()
    };
    for round in 0..5 {
        let mut tx = s.state.db.begin().await.expect("tx");
        for _ in 0..per_round {
            parley_core::events::enqueue(
                &mut tx,
                NewDelivery {
                    target: Target::Admin,
                    target_id: &parley_core::ids::TargetId::from(
                        parley_core::webhooks::targets::ADMIN_DEFAULT,
                    ),
                    carries: parley_core::events::Carries::Test,
                    url: &rx.url,
                    body: &body,
                },
            )
            .await
            .expect("enqueue");
        }
        tx.commit().await.expect("commit");
        s.state.outbox.wake_worker();
        rx.wait_for(per_round * (round + 1), Duration::from_secs(60))
            .await;
        common::until(Duration::from_secs(30), async || {
            count("delivered").await >= per_round as i64
        })
        .await;
        assert_eq!(count("delivered").await, per_round as i64, "round {round}");
        let removed = enforce_retention(&s.state.db, &keep_nothing, parley_core::db::now_ms() + 1)
            .await
            .expect("retention");
        assert_eq!(removed.deliveries, per_round as u64);
        sizes.extend(sqlite_file_bytes(&s).await);
    }
    eprintln!("database file after each round (bytes): {sizes:?}");
    if let (Some(first), Some(last)) = (sizes.first(), sizes.last()) {
        // Without retention each round adds about 4 MB.
        assert!(
            *last <= first + first / 10,
            "the file grew from {first} to {last} bytes"
        );
    }

    // The defaults: delivered rows 30 days, failed ones 90. A row that
    // failed now (written as the worker leaves one that gave up):
    let now = parley_core::db::now_ms();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, target, owner_id, event, url, payload, status, attempts, \
         next_attempt_at, created_at, updated_at, target_id) \
         VALUES ('msg_gaveup', 'admin', NULL, 'test', $1, '{}', 'failed', 8, NULL, $2, $2, $3)",
    )
    .bind(&rx.url)
    .bind(now)
    .bind(parley_core::webhooks::targets::ADMIN_DEFAULT)
    .execute(&s.state.db)
    .await
    .expect("db");
    let day = 24 * 3600 * 1000;
    let defaults = RetentionSettings::default();
    let removed = enforce_retention(&s.state.db, &defaults, now + 31 * day)
        .await
        .expect("retention");
    assert_eq!(removed.deliveries, 0, "a failed row outlives 30 days");
    let removed = enforce_retention(&s.state.db, &defaults, now + 91 * day)
        .await
        .expect("retention");
    assert_eq!(removed.deliveries, 1);
    assert_eq!(count("failed").await, 0);
}
