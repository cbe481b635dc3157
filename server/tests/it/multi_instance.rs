//! SPEC S2: two Parley instances on one PostgreSQL database. Runs in the
//! PostgreSQL pass of the suite (`make test-rust-postgres`); without
//! PostgreSQL every test here fails (the SQLite pass skips this module).

use crate::common;

use std::collections::HashSet;
use std::time::Duration;

use crate::common::receiver::Receiver;
use futures::StreamExt;
use parley_core::webhooks::store::{NewDelivery, Target};
use serde_json::{json, Value};

#[tokio::test]
async fn realtime_events_and_deliveries_cross_instances() {
    let (a, b) = common::postgres_pair().await;
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
            parley_core::events::enqueue(
                &mut conn,
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
    }
    a.state.outbox.wake_worker();
    b.state.outbox.wake_worker();
    rx.wait_for(40, Duration::from_secs(20)).await;
    // Once every row is delivered nothing more is sent: the count is final.
    common::eventually("all 40 delivered", Duration::from_secs(20), async || {
        let (open,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE status <> 'delivered'")
                .fetch_one(&a.state.db)
                .await
                .expect("count");
        (open == 0).then_some(())
    })
    .await;
    let hits = rx.hits();
    let ids: HashSet<String> = hits.iter().map(|h| h.header("webhook-id")).collect();
    assert_eq!(ids.len(), 40, "every delivery arrived");
    assert_eq!(hits.len(), 40, "and none twice");
}

/// A tab connected to instance A makes its user active for instance B,
/// which may be the one writing their reply (SPEC S2, P2); and a reply
/// written on A streams to a tab on B.
#[tokio::test]
async fn presence_and_chat_streams_cross_instances() {
    use futures::SinkExt;
    use tokio_tungstenite::tungstenite::Message;
    let (a, b) = common::postgres_pair().await;
    let (token, body) = a.signup("Ada", "ada@example.com").await;
    let id = body["id"].as_str().expect("id").to_string();
    let mut socket = common::open_socket(&a, &token, &id).await;
    socket
        .send(Message::Text(
            r#"{"type":"presence","visible":true,"focused":true}"#.into(),
        ))
        .await
        .expect("report");
    let seen = common::until(Duration::from_secs(2), async || {
        b.state.presence.is_active(&id)
    })
    .await;
    assert!(seen, "B sees the tab connected to A");

    // B writes a reply; the tab on A receives its pieces.
    let (status, text, _) = b
        .server_fn(
            "start_chat",
            &[("model", "parley-echo"), ("prompt", "across the instances")],
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let mut streamed = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while streamed != "across the instances" {
        let msg = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("pieces in time")
            .expect("open")
            .expect("frame");
        if let Message::Text(text) = msg {
            let event: Value = serde_json::from_str(&text).expect("json");
            if event["type"] == "chat_delta" {
                streamed.push_str(event["delta"].as_str().unwrap_or_default());
            }
        }
    }

    socket.close(None).await.expect("close");
    drop(socket);
    let away = common::until(Duration::from_secs(2), async || {
        b.state.presence.is_away(&id)
    })
    .await;
    assert!(away, "closing the tab on A is away for B too");
}
