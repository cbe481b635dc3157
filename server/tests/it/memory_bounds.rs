//! Issue 9, finding 5: memory anyone can make the server hold is bounded.
//! The real `parley` binary is measured from outside (its RSS) while
//! 1,000 sign-in attempts carry 1 MB emails and 200 sockets never read
//! what a busy channel sends them.

use crate::common;

use futures::StreamExt;
use serde_json::{json, Value};

use crate::common::process::{free_port, Parley};

/// What the server may grow by under this whole attack, in KiB. Without
/// the bounds the sign-ins alone kept ≈ 60 MB per 30 requests, and the
/// sockets queue 200 copies of every message (≈ 1.9 GB here).
const RSS_GROWTH_BOUND_KIB: u64 = 160 * 1024;

const SOCKET_USERS: usize = 20;
const SOCKETS_PER_USER: usize = 10;
const MESSAGES: usize = 300;

async fn post(http: &reqwest::Client, url: &str, body: Value) -> (u16, Value) {
    let res = http.post(url).json(&body).send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn floods_of_big_sign_ins_and_idle_sockets_leave_memory_bounded() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}/parley.db", dir.path().display());
    let parley = Parley::start_with(
        &db_url,
        free_port(),
        &[
            ("DEFAULT_USER_ROLE", "user"),
            ("CHANNEL_WEBHOOK_RATE_LIMIT", "0"),
        ],
    )
    .await;
    let http = reqwest::Client::new();
    let base = parley.base.clone();
    let url = |p: &str| format!("{base}{p}");

    // An admin, a channel, 20 members, a webhook.
    let (status, admin) = post(
        &http,
        &url("/api/v1/auths/signup"),
        json!({"name": "Ada", "email": "ada@example.com", "password": "correct horse"}),
    )
    .await;
    assert_eq!(status, 200, "{admin}");
    let admin = admin["token"].as_str().expect("token").to_string();
    let channel = http
        .post(url("/api/v1/channels/create"))
        .bearer_auth(&admin)
        .json(&json!({"name": "busy"}))
        .send()
        .await
        .expect("create")
        .json::<Value>()
        .await
        .expect("json");
    let channel = channel["id"].as_str().expect("id").to_string();
    let mut members = Vec::new();
    for i in 0..SOCKET_USERS {
        let email = format!("m{i}@example.com");
        let (status, body) = post(
            &http,
            &url("/api/v1/auths/signup"),
            json!({"name": format!("M{i}"), "email": email, "password": "correct horse"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let res = http
            .post(url("/api/fn/set_channel_member"))
            .header("Cookie", format!("parley_session={admin}"))
            .header("Origin", &base)
            .form(&[
                ("channel_id", channel.as_str()),
                ("email", &email),
                ("role", "member"),
            ])
            .send()
            .await
            .expect("member");
        assert_eq!(res.status(), 200);
        members.push(body["token"].as_str().expect("token").to_string());
    }
    let hook = http
        .post(url(&format!("/api/v1/channels/{channel}/webhooks/create")))
        .bearer_auth(&admin)
        .json(&json!({"name": "Firehose"}))
        .send()
        .await
        .expect("hook")
        .json::<Value>()
        .await
        .expect("json");
    let hook_url = hook["url"].as_str().expect("url").to_string();

    // The baseline once the process is at rest.
    let before = parley.steady_rss_kib().await;
    assert!(before > 0, "RSS readable");

    // 1,000 sign-in attempts with 1 MB emails, eight at a time.
    let big_email = format!("{}@example.com", "a".repeat(1024 * 1024));
    let body = json!({"email": big_email, "password": "x"}).to_string();
    let signin = url("/api/v1/auths/signin");
    let refused = futures::stream::iter(0..1000)
        .map(|_| {
            let http = http.clone();
            let signin = signin.clone();
            let body = body.clone();
            async move {
                match http
                    .post(&signin)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .send()
                    .await
                {
                    Ok(res) => res.status().as_u16() == 413,
                    // The server may close before the whole body is sent.
                    Err(_) => true,
                }
            }
        })
        .buffer_unordered(8)
        .filter(|refused| futures::future::ready(*refused))
        .count()
        .await;
    assert_eq!(refused, 1000, "every oversized sign-in was refused");

    // 200 sockets that never read, then a busy channel.
    let mut idle = Vec::new();
    for token in &members {
        for _ in 0..SOCKETS_PER_USER {
            idle.push(common::connect_socket(&base, token).await);
        }
    }
    let text = "x".repeat(15_000);
    for i in 0..MESSAGES {
        let res = http
            .post(&hook_url)
            .json(&json!({"content": format!("{i} {text}")}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 200);
    }
    let after = parley.steady_rss_kib().await;
    let growth = after.saturating_sub(before);
    eprintln!(
        "RSS before {before} KiB, after {after} KiB, growth {growth} KiB (bound {RSS_GROWTH_BOUND_KIB} KiB)"
    );
    assert!(
        growth < RSS_GROWTH_BOUND_KIB,
        "the server grew by {growth} KiB"
    );
    // The server still answers.
    let res = http
        .get(url("/api/v1/auths/"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("alive");
    assert_eq!(res.status(), 200);
    drop(idle);
}
