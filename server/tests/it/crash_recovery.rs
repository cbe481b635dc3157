//! SPEC D1: the real `parley` binary is killed with SIGKILL and restarted;
//! a delivery owed before the crash still arrives, with one webhook-id.

use crate::common;
use std::time::Duration;

use crate::common::process::{free_port, Parley};
use crate::common::receiver::{Receiver, Reply};

/// Waits until every delivery in the database is delivered: from then on
/// nothing more is sent, so the receiver's count is final.
async fn all_delivered(db_url: &str) {
    common::eventually(
        "every delivery to be delivered",
        Duration::from_secs(20),
        async || {
            let (db, _) = parley_core::db::connect(db_url).await.expect("db");
            let (open,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE status <> 'delivered'",
            )
            .fetch_one(&db)
            .await
            .expect("count");
            db.close().await;
            (open == 0).then_some(())
        },
    )
    .await;
}

async fn attempts_made(db_url: &str) -> i64 {
    let (db, _) = parley_core::db::connect(db_url).await.expect("db");
    let all =
        parley_core::webhooks::store::list(&db, &parley_core::webhooks::store::Target::Admin, 10)
            .await
            .expect("list");
    db.close().await;
    all.iter().map(|d| d.attempts).sum()
}

#[tokio::test]
async fn a_delivery_owed_before_kill_9_arrives_after_restart() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    let receiver_port = free_port();
    let webhook_url = format!("http://127.0.0.1:{receiver_port}/hook");

    // The receiver is down while Tim signs up: attempts fail.
    let parley = Parley::start(&db_url, free_port(), &webhook_url).await;
    parley.signup("tim@example.com").await;
    common::until(Duration::from_secs(10), async || {
        attempts_made(&db_url).await > 0
    })
    .await;
    assert!(
        attempts_made(&db_url).await > 0,
        "at least one failed attempt before the crash"
    );
    parley.kill_9();

    let rx = Receiver::start_on(&format!("127.0.0.1:{receiver_port}")).await;
    let _parley = Parley::start(&db_url, free_port(), &webhook_url).await;
    let hits = rx.wait_for(1, Duration::from_secs(20)).await;
    assert!(!hits.is_empty(), "the event arrived after the restart");
    all_delivered(&db_url).await;
    let hits = rx.hits();
    assert!(hits.len() <= 2, "at most one duplicate, got {}", hits.len());
    let id = hits[0].header("webhook-id");
    assert!(hits.iter().all(|h| h.header("webhook-id") == id));
    assert_eq!(hits[0].json()["event"], "new_user");
}

#[tokio::test]
async fn an_attempt_in_flight_at_kill_9_is_sent_again_with_the_same_id() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    // The receiver takes the first request and sits on it.
    let rx = Receiver::start().await;
    rx.script([Reply::SleepThenOk(Duration::from_secs(120))]);

    let parley = Parley::start(&db_url, free_port(), &rx.url).await;
    parley.signup("tim@example.com").await;
    let first = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(first.len(), 1, "the attempt is in flight");
    parley.kill_9();

    let _parley = Parley::start(&db_url, free_port(), &rx.url).await;
    let hits = rx.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(hits.len(), 2, "the interrupted attempt was made again");
    assert_eq!(hits[0].header("webhook-id"), hits[1].header("webhook-id"));
    assert_eq!(hits[0].body, hits[1].body);
    all_delivered(&db_url).await;
    assert_eq!(rx.count(), 2, "delivered once after the restart, no more");
}

/// SIGTERM while an attempt is in flight: the server stops accepting, the
/// attempt finishes and its outcome is committed — no row is left
/// "delivering" — and the process exits 0.
#[tokio::test]
async fn sigterm_lets_the_attempt_in_flight_finish_then_exits_0() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    let rx = Receiver::start().await;
    rx.script([Reply::SleepThenOk(Duration::from_secs(2))]);
    let mut parley = Parley::start(&db_url, free_port(), &rx.url).await;
    parley.signup("tim@example.com").await;
    let first = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(first.len(), 1, "the attempt is in flight");

    parley.terminate();
    let status = parley.exited(Duration::from_secs(30)).await;
    assert!(status.success(), "exit 0 after SIGTERM, got {status}");

    let (db, _) = parley_core::db::connect(&db_url).await.expect("db");
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, attempts FROM webhook_deliveries")
            .fetch_all(&db)
            .await
            .expect("rows");
    db.close().await;
    assert_eq!(
        rows,
        vec![("delivered".to_string(), 1)],
        "the attempt in flight finished and was recorded"
    );
    assert_eq!(rx.count(), 1);
}

/// SPEC B1: posts are group-committed, and a 200 still means the message
/// is on disk. Sixteen senders post while the server is killed with
/// SIGKILL; every message answered 200 is there after the restart.
#[tokio::test]
async fn every_incoming_post_answered_200_survives_kill_9() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};

    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    let port = free_port();
    let parley = Parley::start_with(&db_url, port, &[("CHANNEL_WEBHOOK_RATE_LIMIT", "0")]).await;
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let (_, url) = admin_with_channel_hook(&parley.base).await;

    let answered: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..16)
        .map(|n| {
            let (http, url, answered, stop) =
                (http.clone(), url.clone(), answered.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    i += 1;
                    let res = http
                        .post(&url)
                        .json(&serde_json::json!({"content": format!("sender {n} post {i}")}))
                        .send()
                        .await;
                    let Ok(res) = res else { break };
                    if res.status() != 200 {
                        break;
                    }
                    let Ok(body) = res.json::<serde_json::Value>().await else {
                        break;
                    };
                    if let Some(id) = body["message_id"].as_str() {
                        answered.lock().expect("lock").push(id.to_string());
                    }
                }
            })
        })
        .collect();
    // Kill while the senders are mid-flight, once 300 posts were answered.
    common::until(Duration::from_secs(60), async || {
        answered.lock().expect("lock").len() >= 300
    })
    .await;
    parley.kill_9();
    stop.store(true, Ordering::SeqCst);
    for s in senders {
        let _ = s.await;
    }
    let answered = answered.lock().expect("lock").clone();
    assert!(
        answered.len() >= 300,
        "only {} posts answered",
        answered.len()
    );

    // The database as a restart finds it: every answered message is there.
    let (db, _) = parley_core::db::connect(&db_url).await.expect("db");
    // The only channel of this database.
    let stored: Vec<(String,)> = sqlx::query_as("SELECT id FROM channel_messages")
        .fetch_all(&db)
        .await
        .expect("rows");
    db.close().await;
    let stored: std::collections::HashSet<String> = stored.into_iter().map(|(id,)| id).collect();
    let missing: Vec<&String> = answered.iter().filter(|id| !stored.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} answered posts lost",
        missing.len(),
        answered.len()
    );
}

/// A JSON POST to a child process, as `token` (bearer) when given.
async fn post_json(
    base: &str,
    path: &str,
    body: serde_json::Value,
    token: Option<&str>,
) -> serde_json::Value {
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut req = http.post(format!("{base}{path}")).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("post");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.json().await.expect("json")
}

/// Signs the first account (the admin) up; returns its token and the URL
/// of an incoming webhook in a new channel.
async fn admin_with_channel_hook(base: &str) -> (String, String) {
    let signup = post_json(
        base,
        "/api/v1/auths/signup",
        serde_json::json!({"name": "Ada", "email": "ada@example.com", "password": "correct horse"}),
        None,
    )
    .await;
    let token = signup["token"].as_str().expect("token").to_string();
    let channel = post_json(
        base,
        "/api/v1/channels/create",
        serde_json::json!({"name": "ops"}),
        Some(&token),
    )
    .await;
    let channel_id = channel["id"].as_str().expect("id");
    let hook = post_json(
        base,
        &format!("/api/v1/channels/{channel_id}/webhooks/create"),
        serde_json::json!({"name": "CI"}),
        Some(&token),
    )
    .await;
    (token, hook["url"].as_str().expect("url").to_string())
}

/// The id of the only delivery of `event`, once it is in the table.
async fn delivery_of(db_url: &str, event: &str) -> String {
    common::eventually(
        &format!("a {event} delivery"),
        Duration::from_secs(20),
        async || {
            let (db, _) = parley_core::db::connect(db_url).await.expect("db");
            let row: Option<(String,)> =
                sqlx::query_as("SELECT id FROM webhook_deliveries WHERE event = $1")
                    .bind(event)
                    .fetch_optional(&db)
                    .await
                    .expect("query");
            db.close().await;
            row.map(|(id,)| id)
        },
    )
    .await
}

const CRASH_ENV: [(&str, &str); 3] = [
    ("WEBHOOK_ALLOWED_HOSTS", "loopback"),
    (
        "WEBHOOK_RETRY_SCHEDULE",
        "500ms,500ms,500ms,500ms,500ms,500ms",
    ),
    ("PARLEY_ECHO_DELAY_MS", "5"),
];

/// SPEC E5: `chat.finished` is written with the reply's final save. The
/// receiver is down, the server is killed with SIGKILL once the reply is
/// saved; after the restart the notification arrives with the id it was
/// queued under.
#[tokio::test]
async fn chat_finished_queued_with_the_reply_survives_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    let receiver_port = free_port();
    let receiver_url = format!("http://127.0.0.1:{receiver_port}/hook");
    let parley = Parley::start_with(&db_url, free_port(), &CRASH_ENV).await;
    let signup = post_json(
        &parley.base,
        "/api/v1/auths/signup",
        serde_json::json!({"name": "Ada", "email": "ada@example.com", "password": "correct horse"}),
        None,
    )
    .await;
    let token = signup["token"].as_str().expect("token").to_string();
    post_json(
        &parley.base,
        "/api/v1/notifications/targets",
        serde_json::json!({"name": "Phone", "url": receiver_url, "events": ["chat.finished"], "mode": "always"}),
        Some(&token),
    )
    .await;
    let res = reqwest::Client::new()
        .post(format!("{}/api/fn/start_chat", parley.base))
        .header("Origin", &parley.base)
        .header("Cookie", format!("parley_session={token}"))
        .form(&[("model", "parley-echo"), ("prompt", "one two three")])
        .send()
        .await
        .expect("start chat");
    assert_eq!(res.status().as_u16(), 200);
    let id = delivery_of(&db_url, "chat_response").await;
    parley.kill_9();

    let rx = Receiver::start_on(&format!("127.0.0.1:{receiver_port}")).await;
    let _parley = Parley::start_with(&db_url, free_port(), &CRASH_ENV).await;
    let hits = rx.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(
        hits[0].header("webhook-id"),
        id,
        "the same message, after the restart"
    );
    assert_eq!(hits[0].json()["chat"]["last_message"], "one two three");
}

/// SPEC E5: `channel.message` is written in the post's own transaction: a
/// 200 from the incoming webhook means the event is owed, even when the
/// server is killed right after answering.
#[tokio::test]
async fn channel_message_answered_200_is_delivered_after_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    let receiver_port = free_port();
    let receiver_url = format!("http://127.0.0.1:{receiver_port}/hook");
    let parley = Parley::start_with(&db_url, free_port(), &CRASH_ENV).await;
    let base = parley.base.clone();
    let (token, hook_url) = admin_with_channel_hook(&base).await;
    post_json(
        &base,
        "/api/events/webhooks",
        serde_json::json!({"name": "Ops", "url": receiver_url, "events": ["channel.message"]}),
        Some(&token),
    )
    .await;
    let res = reqwest::Client::new()
        .post(&hook_url)
        .json(&serde_json::json!({"content": "deploy done"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    parley.kill_9();

    let id = delivery_of(&db_url, "channel.message").await;
    let rx = Receiver::start_on(&format!("127.0.0.1:{receiver_port}")).await;
    let _parley = Parley::start_with(&db_url, free_port(), &CRASH_ENV).await;
    let hits = rx.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(hits[0].header("webhook-id"), id);
    assert_eq!(hits[0].json()["data"]["message"]["content"], "deploy done");
}
