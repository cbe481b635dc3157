//! SPEC D1: the real `parley` binary is killed with SIGKILL and restarted;
//! a delivery owed before the crash still arrives, with one webhook-id.

mod common;

use std::time::{Duration, Instant};

use common::process::{free_port, Parley};
use common::receiver::{Receiver, Reply};

async fn attempts_made(db_url: &str) -> i64 {
    let (db, _) = app::backend::db::connect(db_url).await.expect("db");
    let all =
        app::backend::webhooks::store::list(&db, &app::backend::webhooks::store::Target::Admin, 10)
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
    let deadline = Instant::now() + Duration::from_secs(10);
    while attempts_made(&db_url).await == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        attempts_made(&db_url).await > 0,
        "at least one failed attempt before the crash"
    );
    parley.kill_9();

    let rx = Receiver::start_on(&format!("127.0.0.1:{receiver_port}")).await;
    let _parley = Parley::start(&db_url, free_port(), &webhook_url).await;
    let hits = rx.wait_for(1, Duration::from_secs(20)).await;
    assert!(!hits.is_empty(), "the event arrived after the restart");
    tokio::time::sleep(Duration::from_millis(1500)).await;
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
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rx.count(), 2, "delivered once after the restart, no more");
}
