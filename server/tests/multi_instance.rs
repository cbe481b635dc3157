//! SPEC S2: two Parley instances on one PostgreSQL database. Runs in the
//! PostgreSQL pass of the suite (`make test-rust-postgres`); on SQLite, a
//! single-instance database, it says so and checks nothing.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use app::backend::webhooks::store::{self, NewDelivery, Target};
use common::receiver::Receiver;
use futures::StreamExt;
use serde_json::{json, Value};

#[tokio::test]
async fn realtime_events_and_deliveries_cross_instances() {
    let Some((a, b)) = common::postgres_pair().await else {
        eprintln!(
            "multi-instance test needs PARLEY_TEST_POSTGRES_URL; SQLite has one instance by design"
        );
        return;
    };
    let (admin, admin_body) = a.signup("Ada", "ada@example.com").await;
    let admin_id = admin_body["id"].as_str().expect("id").to_string();
    let (_, ch) = a
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "ops"}),
            Some(&admin),
        )
        .await;
    let channel = ch["id"].as_str().expect("id").to_string();
    let (_, hook) = a
        .post_json(
            &format!("/api/v1/channels/{channel}/webhooks/create"),
            json!({"name": "Bot"}),
            Some(&admin),
        )
        .await;

    // The admin's tab is connected to instance B.
    let mut socket = common::open_socket(&b, &admin, &admin_id).await;

    // A webhook post handled by instance A reaches the socket on B, and so
    // does a message too large for one NOTIFY.
    let url = hook["url"].as_str().expect("url").to_string();
    let big = "x".repeat(12_000);
    for content in ["hello from A", big.as_str()] {
        let res = a
            .http
            .post(&url)
            .json(&json!({"content": content}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 200);
        let event = loop {
            let msg = tokio::time::timeout(Duration::from_secs(10), socket.next())
                .await
                .expect("event reaches instance B in time")
                .expect("message")
                .expect("ok");
            let event: Value = serde_json::from_str(msg.to_text().expect("text")).expect("json");
            if event["type"] == "channel_message" {
                break event;
            }
        };
        assert_eq!(event["message"]["content"], content);
    }

    // Both instances run a worker; every delivery is sent exactly once.
    let rx = Receiver::start().await;
    let body = json!({"event": "test"});
    {
        let mut conn = a.state.db.acquire().await.expect("conn");
        for _ in 0..40 {
            store::enqueue(
                &mut conn,
                NewDelivery {
                    target: Target::Admin,
                    event: "test",
                    url: &rx.url,
                    body: &body,
                },
            )
            .await
            .expect("enqueue");
        }
    }
    a.state.delivery_wake.notify_one();
    b.state.delivery_wake.notify_one();
    let hits = rx.wait_for(40, Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let hits = if rx.count() > hits.len() {
        rx.hits()
    } else {
        hits
    };
    let ids: HashSet<String> = hits.iter().map(|h| h.header("webhook-id")).collect();
    assert_eq!(ids.len(), 40, "every delivery arrived");
    assert_eq!(hits.len(), 40, "and none twice");
}
