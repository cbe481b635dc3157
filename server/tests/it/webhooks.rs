//! Outgoing webhooks against real HTTP receivers on 127.0.0.1 (SPEC A1–A4,
//! D1–D6, R2).

use crate::common;

use std::time::{Duration, Instant};

use crate::common::receiver::{black_hole, Receiver, Reply};
use app::model::DeliveryStatus;
use parley_core::webhooks::store::{self, NewDelivery, Target};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(15);

async fn server_to(url: &str) -> common::TestServer {
    let url = url.to_string();
    common::spawn_with(move |env| env.webhook_url = Some(url)).await
}

async fn enqueue(s: &common::TestServer, target: Target, url: &str) -> String {
    let body = json!({"event": "test"});
    let mut conn = s.state.db.acquire().await.expect("conn");
    let id = parley_core::events::enqueue(
        &mut conn,
        NewDelivery {
            target_id: &parley_core::webhooks::targets::default_id(&target),
            target,
            carries: parley_core::events::Carries::Test,
            url,
            body: &body,
        },
    )
    .await
    .expect("enqueue");
    s.state.outbox.wake_worker();
    id.into_string()
}

#[tokio::test]
async fn new_user_event_has_the_generic_a3_payload() {
    let rx = Receiver::start().await;
    let s = server_to(&rx.url).await;
    let (_, tim) = s.signup("Tim", "tim@example.com").await;
    let hits = rx.wait_for(1, WAIT).await;
    assert_eq!(hits.len(), 1, "exactly one new_user event");
    let hit = &hits[0];
    assert_eq!(hit.header("content-type"), "application/json");
    assert!(hit.header("webhook-id").starts_with("msg_"));
    assert!(hit.header("webhook-timestamp").parse::<i64>().is_ok());
    assert_eq!(
        hit.header("webhook-signature"),
        "",
        "unsigned without a secret"
    );
    let body = hit.json();
    assert_eq!(body["event"], "new_user");
    assert_eq!(body["user"]["email"], "tim@example.com");
    assert_eq!(body["user"]["name"], "Tim");
    assert_eq!(body["user"]["id"], tim["id"]);
    assert_eq!(body["user"]["role"], "admin");
    assert_eq!(body["message"], "New user signed up: Tim");
    let ts = body["timestamp"].as_str().expect("timestamp");
    assert!(
        chrono::DateTime::parse_from_rfc3339(ts).is_ok() && ts.ends_with('Z'),
        "{ts}"
    );
    let keys: Vec<_> = body.as_object().expect("object").keys().cloned().collect();
    assert_eq!(keys.len(), 4, "event, user, message, timestamp: {keys:?}");

    let d = &s.admin_deliveries().await[0];
    let d = s.settled(&d.id, WAIT).await;
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.last_status_code, Some(200));
    assert_eq!(d.response_excerpt.as_deref(), Some("ok from receiver"));
    assert!(d.last_latency_ms.is_some());
}

#[tokio::test]
async fn chat_services_get_their_format_in_the_instance_language() {
    // A Discord-looking URL served by the loopback receiver.
    let rx = Receiver::start().await;
    let url = rx.url.replace("/hook", "/api/webhooks/1/abc");
    let s = common::spawn_with({
        let url = url.clone();
        move |env| {
            env.webhook_url = Some(url);
            env.default_locale = app::i18n::Locale::De;
        }
    })
    .await;
    // Recognition is by host, so this stays generic — but in German.
    s.signup("Tim", "tim@example.com").await;
    let hits = rx.wait_for(1, WAIT).await;
    assert_eq!(hits[0].json()["message"], "Neuer Benutzer registriert: Tim");
}

#[tokio::test]
async fn signup_never_waits_for_a_slow_receiver() {
    let rx = Receiver::start().await;
    rx.script([Reply::SleepThenOk(Duration::from_secs(30))]);
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    // The sign-up has answered; the receiver got the event and is still
    // sleeping on it.
    let hits = rx.wait_for(1, WAIT).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(
        rx.finished(),
        0,
        "the receiver has not answered yet, the sign-up already has"
    );
    let (status, _) = s.get_json("/api/v1/auths/", None).await;
    assert_eq!(status, 401, "the server keeps serving meanwhile");
}

#[tokio::test]
async fn a_500_is_retried_with_the_same_webhook_id() {
    let rx = Receiver::start().await;
    rx.script([Reply::Status(500), Reply::Status(503)]);
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    let id = s.admin_deliveries().await[0].id.clone();
    let d = s.settled(&id, WAIT).await;
    assert_eq!(d.status, DeliveryStatus::Delivered);
    assert_eq!(d.attempts, 3);
    let hits = rx.hits();
    assert_eq!(hits.len(), 3);
    let ids: Vec<String> = hits.iter().map(|h| h.header("webhook-id")).collect();
    assert!(ids.iter().all(|i| i == &id), "{ids:?} vs {id}");
    assert_eq!(hits[0].body, hits[2].body, "the same body on every attempt");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let rx = Receiver::start().await;
    rx.script([Reply::StatusWithRetryAfter(429, "2".into())]);
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    let hits = rx.wait_for(2, WAIT).await;
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_millis(1900),
        "waited {gap:?}, the schedule alone says 100 ms"
    );
}

#[tokio::test]
async fn gone_stops_at_once() {
    let rx = Receiver::start().await;
    rx.script([Reply::Status(410)]);
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    let id = s.admin_deliveries().await[0].id.clone();
    let d = s.settled(&id, WAIT).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.attempts, 1);
    assert_eq!(d.last_status_code, Some(410));
    // Failed is final: nothing is due any more.
    assert_eq!(d.next_attempt_at, None, "no retry after 410");
    assert_eq!(rx.count(), 1, "no retry after 410");
}

#[tokio::test]
async fn every_other_failure_retries_until_the_schedule_ends() {
    let rx = Receiver::start().await;
    rx.script((0..10).map(|_| Reply::Status(400)));
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    let id = s.admin_deliveries().await[0].id.clone();
    let d = s.settled(&id, WAIT).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(
        d.attempts, 4,
        "three waits in the test schedule = four attempts"
    );
    assert!(
        d.last_error
            .as_deref()
            .unwrap_or_default()
            .contains("gave up"),
        "{:?}",
        d.last_error
    );
    assert_eq!(rx.count(), 4);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = Receiver::start().await;
    let rx = Receiver::start().await;
    rx.script((0..10).map(|_| Reply::Redirect(elsewhere.url.clone())));
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    let id = s.admin_deliveries().await[0].id.clone();
    let d = s.settled(&id, WAIT).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.last_status_code, Some(302));
    assert_eq!(
        elsewhere.count(),
        0,
        "the redirect target was never contacted"
    );
}

#[tokio::test]
async fn a_receiver_that_never_answers_times_out_and_is_retried() {
    let rx = Receiver::start().await;
    rx.script([Reply::SleepThenOk(Duration::from_secs(60))]);
    let s = server_to(&rx.url).await;
    s.signup("Tim", "tim@example.com").await;
    let id = s.admin_deliveries().await[0].id.clone();
    let d = s.settled(&id, WAIT).await;
    assert_eq!(d.status, DeliveryStatus::Delivered, "{:?}", d.last_error);
    assert_eq!(d.attempts, 2);
    assert_eq!(rx.count(), 2);
}

#[tokio::test]
async fn a_dead_receiver_does_not_hold_up_a_healthy_one() {
    let healthy = Receiver::start().await;
    let (dead_url, dead_connections) = black_hole().await;
    let s = common::spawn_with(|env| {
        env.delivery.per_host = 2;
        env.delivery.max_in_flight = 8;
        env.delivery.timeout = Duration::from_secs(30);
    })
    .await;
    for _ in 0..20 {
        enqueue(&s, Target::Admin, &dead_url).await;
    }
    for _ in 0..20 {
        enqueue(&s, Target::Admin, &healthy.url).await;
    }
    let hits = healthy.wait_for(20, WAIT).await;
    assert_eq!(
        hits.len(),
        20,
        "every healthy delivery went out while the dead host hangs"
    );
    // The dead host's requests hang open: the connections it has accepted
    // are the attempts it holds. (Rows are briefly "delivering" while a
    // claim is handed back, so the table is no measure of slots.)
    let dead_in_flight = dead_connections.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        dead_in_flight <= 2,
        "the dead host holds at most its own 2 slots, not {dead_in_flight}"
    );
    let dead_done = s
        .admin_deliveries()
        .await
        .iter()
        .filter(|d| d.url == dead_url && d.attempts > 0)
        .count();
    assert_eq!(dead_done, 0, "no dead delivery has finished an attempt yet");
}

#[tokio::test]
async fn signatures_verify_with_the_standard_webhooks_library() {
    let rx = Receiver::start().await;
    let s = server_to(&rx.url).await;
    use parley_core::webhooks::{credentials, targets::ADMIN_DEFAULT};
    let secret = credentials::regenerate_secret(&s.state.vault, ADMIN_DEFAULT)
        .await
        .expect("secret");
    credentials::save_headers(
        &s.state.vault,
        ADMIN_DEFAULT,
        vec![("Authorization".into(), "Bearer s3cret".into())],
    )
    .await
    .expect("headers");
    s.signup("Tim", "tim@example.com").await;
    let hits = rx.wait_for(1, WAIT).await;
    let hit = &hits[0];
    assert_eq!(hit.header("authorization"), "Bearer s3cret");
    assert!(hit.header("webhook-signature").starts_with("v1,"));
    let verifier = standardwebhooks::Webhook::new(&secret).expect("secret format");
    verifier
        .verify(&hit.body, &hit.headers)
        .expect("signature verifies");
    let mut tampered = hit.body.to_vec();
    tampered.extend_from_slice(b" ");
    assert!(
        verifier.verify(&tampered, &hit.headers).is_err(),
        "a tampered body must fail"
    );
    let other = standardwebhooks::Webhook::new(&parley_core::webhooks::signing::new_secret())
        .expect("secret");
    assert!(
        other.verify(&hit.body, &hit.headers).is_err(),
        "another secret must fail"
    );
}

#[tokio::test]
async fn user_webhooks_cannot_reach_loopback_and_nobody_reaches_metadata() {
    let rx = Receiver::start().await;
    let s = common::spawn().await;
    let (_, u) = s.signup("Tim", "tim@example.com").await;
    let user_id = u["id"].as_str().expect("id").to_string();
    let literal = enqueue(&s, Target::User(user_id.clone()), &rx.url).await;
    let named = enqueue(
        &s,
        Target::User(user_id.clone()),
        &rx.url.replace("127.0.0.1", "localhost"),
    )
    .await;
    let metadata = enqueue(
        &s,
        Target::Admin,
        "http://169.254.169.254/latest/meta-data/",
    )
    .await;
    for id in [literal, named, metadata] {
        let d = s.settled(&id, WAIT).await;
        assert_eq!(d.status, DeliveryStatus::Failed, "{id}");
        assert_eq!(d.attempts, 1);
        assert!(
            d.last_error
                .as_deref()
                .unwrap_or_default()
                .contains("refused"),
            "{:?}",
            d.last_error
        );
    }
    assert_eq!(rx.count(), 0);

    // The admin allows loopback explicitly: now it goes through.
    let s2 = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (_, u2) = s2.signup("Tim", "tim@example.com").await;
    let user_id = u2["id"].as_str().expect("id").to_string();
    let id = enqueue(&s2, Target::User(user_id), &rx.url).await;
    assert_eq!(
        s2.settled(&id, WAIT).await.status,
        DeliveryStatus::Delivered
    );
}

#[tokio::test]
async fn send_test_and_redeliver_reuse_the_pipeline() {
    let rx = Receiver::start().await;
    let s = server_to(&rx.url).await;
    let (admin, _) = s.signup("Tim", "tim@example.com").await;
    rx.wait_for(1, WAIT).await;
    let (status, body, _) = s
        .server_fn("send_test_delivery", &[("scope", "admin")], Some(&admin))
        .await;
    assert_eq!(status, 200, "{body}");
    let hits = rx.wait_for(2, WAIT).await;
    assert_eq!(hits[1].json()["event"], "test");

    let first = s
        .admin_deliveries()
        .await
        .into_iter()
        .find(|d| d.event == "new_user")
        .expect("new_user");
    let first = s.settled(&first.id, WAIT).await;
    let (status, body, _) = s
        .server_fn(
            "redeliver_delivery",
            &[("scope", "admin"), ("id", &first.id)],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let hits = rx.wait_for(3, WAIT).await;
    assert_eq!(
        hits[2].header("webhook-id"),
        first.id,
        "a redelivery keeps its webhook-id"
    );

    let (pending, _) = s.signup("Pat", "pat@example.com").await;
    let (status, _, _) = s
        .server_fn("list_deliveries", &[("scope", "admin")], Some(&pending))
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn admin_webhook_url_over_rest_validates_and_persists() {
    let s =
        common::spawn_with(|env| env.webhook_url = Some("http://env.example/hook".into())).await;
    let (admin, _) = s.signup("Tim", "tim@example.com").await;
    let (status, body) = s.get_json("/api/webhook", Some(&admin)).await;
    assert_eq!(
        (status, body["url"].as_str()),
        (200, Some("http://env.example/hook")),
        "env value until saved"
    );

    for (bad, needle) in [
        ("ftp://example.com/x", "http"),
        ("not a url", "valid URL"),
        ("http://169.254.169.254/", "will not send webhooks there"),
    ] {
        let (status, body) = s
            .post_json("/api/webhook", json!({"url": bad}), Some(&admin))
            .await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            body["detail"].as_str().unwrap_or_default().contains(needle),
            "{bad}: {body}"
        );
    }
    let (status, body) = s
        .post_json(
            "/api/webhook",
            json!({"url": "http://10.0.0.5:8080/in"}),
            Some(&admin),
        )
        .await;
    assert_eq!(
        status, 200,
        "the admin may target the private network: {body}"
    );
    let (_, body) = s.get_json("/api/webhook", Some(&admin)).await;
    assert_eq!(body["url"], "http://10.0.0.5:8080/in");

    let (status, _) = s
        .post_json("/api/webhook", json!({"url": ""}), Some(&admin))
        .await;
    assert_eq!(status, 200);
    let (_, body) = s.get_json("/api/webhook", Some(&admin)).await;
    assert_eq!(body["url"], "", "saved empty wins over the env value: off");
    let before = s.admin_deliveries().await.len();
    s.signup("Pat", "pat@example.com").await;
    assert_eq!(
        s.admin_deliveries().await.len(),
        before,
        "off means no new deliveries"
    );

    let (pending, _) = s.signup("Sam", "sam@example.com").await;
    let (status, _) = s.get_json("/api/webhook", Some(&pending)).await;
    assert_eq!(status, 403);
    let (status, _) = s.get_json("/api/webhook", None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn new_user_event_is_written_with_the_account() {
    // The receiver is down: the delivery row exists anyway, right after
    // the sign-up, and the admin's add-user path enqueues too.
    let s = server_to("http://127.0.0.1:9/never").await;
    let started = Instant::now();
    let (admin, _) = s.signup("Tim", "tim@example.com").await;
    assert!(started.elapsed() < WAIT);
    assert_eq!(s.admin_deliveries().await.len(), 1);
    let (status, body, _) = s
        .server_fn(
            "admin_add_user",
            &[
                ("name", "Pat"),
                ("email", "pat@example.com"),
                ("password", "correct horse"),
                ("role", "user"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let all = s.admin_deliveries().await;
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|d| d.event == "new_user"));
}

/// SPEC B2: a host that answers 2xx fast gets more requests in flight
/// than it started with (4).
#[tokio::test]
async fn a_fast_healthy_host_gets_more_than_its_initial_slots() {
    let rx = Receiver::start().await;
    rx.script((0..200).map(|_| Reply::SleepThenOk(Duration::from_millis(100))));
    let s = common::spawn().await;
    for _ in 0..200 {
        enqueue(&s, Target::Admin, &rx.url).await;
    }
    let hits = rx.wait_for(200, Duration::from_secs(60)).await;
    assert_eq!(hits.len(), 200);
    assert!(
        rx.max_in_flight() > 4,
        "the host's limit grew: at most {} in flight",
        rx.max_in_flight()
    );
}

#[tokio::test]
async fn claims_leave_out_the_urls_of_a_busy_host() {
    let (state, _dir) = common::database().await;
    let busy = "http://busy.example/hook".to_string();
    let free = "http://free.example/hook";
    let body = json!({"event": "test"});
    let mut conn = state.db.acquire().await.expect("conn");
    for url in [busy.as_str(), free, busy.as_str(), free] {
        let d = NewDelivery {
            target: Target::Admin,
            target_id: &parley_core::ids::TargetId::from(
                parley_core::webhooks::targets::ADMIN_DEFAULT,
            ),
            carries: parley_core::events::Carries::Test,
            url,
            body: &body,
        };
        parley_core::events::enqueue(&mut conn, d)
            .await
            .expect("enqueue");
    }
    drop(conn);
    let skip = &store::Parked {
        urls: vec![busy.clone()],
        owners: Vec::new(),
    };
    let claimed = store::claim_due(&state.db, state.backend, 10, 60_000, skip)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2);
    assert!(
        claimed.iter().all(|c| c.url == free),
        "only the free host's rows"
    );
    assert_eq!(
        store::next_due_at(&state.db, skip).await.expect("due"),
        None,
        "nothing else is due for the loop to wake for"
    );
    assert!(store::next_due_at(&state.db, &store::Parked::default())
        .await
        .expect("due")
        .is_some());
    let rest = store::claim_due(
        &state.db,
        state.backend,
        10,
        60_000,
        &store::Parked::default(),
    )
    .await
    .expect("claim");
    assert_eq!(rest.len(), 2, "once the host is free its rows are claimed");
    assert!(rest.iter().all(|c| c.url == busy));
}

/// SPEC E6: after a rotation the old secret keeps signing next to the new
/// one for 24 h; a receiver holding either verifies with the Standard
/// Webhooks library, and once the overlap is over only the new one does.
#[tokio::test]
async fn a_rotated_secret_keeps_signing_for_the_overlap() {
    use parley_core::webhooks::{credentials, targets::ADMIN_DEFAULT};
    let rx = Receiver::start().await;
    let s = server_to(&rx.url).await;
    let old = credentials::regenerate_secret(&s.state.vault, ADMIN_DEFAULT)
        .await
        .expect("secret");
    let new = credentials::regenerate_secret(&s.state.vault, ADMIN_DEFAULT)
        .await
        .expect("rotated");
    s.signup("Tim", "tim@example.com").await;
    let hit = rx.wait_for(1, WAIT).await.remove(0);
    assert_eq!(
        hit.header("webhook-signature").split(' ').count(),
        2,
        "two v1 entries"
    );
    for secret in [&old, &new] {
        standardwebhooks::Webhook::new(secret)
            .expect("secret")
            .verify(&hit.body, &hit.headers)
            .expect("either secret verifies during the overlap");
    }
    let stranger = parley_core::webhooks::signing::new_secret();
    assert!(standardwebhooks::Webhook::new(&stranger)
        .expect("secret")
        .verify(&hit.body, &hit.headers)
        .is_err());

    // The overlap is over.
    sqlx::query("UPDATE webhook_targets SET previous_secret_until = $1 WHERE id = $2")
        .bind(parley_core::db::now_ms() - 1)
        .bind(ADMIN_DEFAULT)
        .execute(&s.state.db)
        .await
        .expect("expire");
    s.signup("Una", "una@example.com").await;
    let hit = rx.wait_for(2, WAIT).await.remove(1);
    assert_eq!(hit.header("webhook-signature").split(' ').count(), 1);
    assert!(standardwebhooks::Webhook::new(&new)
        .expect("secret")
        .verify(&hit.body, &hit.headers)
        .is_ok());
    assert!(standardwebhooks::Webhook::new(&old)
        .expect("secret")
        .verify(&hit.body, &hit.headers)
        .is_err());
}
