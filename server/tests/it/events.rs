//! Events and targets (SPEC E1, E2, E4, E7) over real HTTP with loopback
//! receivers: each event reaches the targets subscribed to it and no other;
//! nothing is enqueued for the others.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::common::receiver::Receiver;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(15);

/// Adds an admin event webhook over REST; returns its id.
async fn add_target(
    s: &common::TestServer,
    admin: &str,
    name: &str,
    url: &str,
    events: &[&str],
) -> String {
    let (status, body) = s
        .post_json(
            "/api/events/webhooks",
            json!({"name": name, "url": url, "events": events}),
            Some(admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["events"], json!(events));
    body["id"].as_str().expect("id").to_string()
}

/// Delivery rows per target id: the events queued for it.
async fn queued(s: &common::TestServer) -> BTreeMap<String, Vec<String>> {
    let rows: Vec<(Option<String>, String)> =
        sqlx::query_as("SELECT target_id, event FROM webhook_deliveries ORDER BY created_at, id")
            .fetch_all(&s.state.db)
            .await
            .expect("rows");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (target, event) in rows {
        out.entry(target.unwrap_or_default())
            .or_default()
            .push(event);
    }
    out.values_mut().for_each(|v| v.sort());
    out
}

/// The events a receiver got, sorted (deliveries run concurrently).
fn events_of(rx: &Receiver) -> Vec<String> {
    let mut events: Vec<String> = rx
        .hits()
        .iter()
        .map(|h| h.json()["event"].as_str().unwrap_or_default().to_string())
        .collect();
    events.sort();
    events
}

fn hit_of(rx: &Receiver, event: &str) -> Value {
    rx.hits()
        .iter()
        .map(|h| h.json())
        .find(|b| b["event"] == event)
        .unwrap_or_else(|| panic!("no {event}"))
}

#[tokio::test]
async fn each_event_reaches_the_targets_subscribed_to_it_and_no_other() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let default_rx = Receiver::start().await;
    let every = Receiver::start().await;
    let channels = Receiver::start().await;
    let roles = Receiver::start().await;
    common::save_admin_webhook(&s, &admin, &default_rx.url).await;
    let every_id = add_target(&s, &admin, "Everything", &every.url, &["*"]).await;
    let channels_id = add_target(&s, &admin, "Channels", &channels.url, &["channel.*"]).await;
    let roles_id = add_target(&s, &admin, "Roles", &roles.url, &["user.role_updated"]).await;

    // user.created: the default target (A3's body) and `*`.
    let (_, tim) = s.signup("Tim", "tim@example.com").await;
    // user.role_updated: `*` and the exact filter.
    common::approve(&s, &admin, &tim).await;
    // channel.created, then channel.message from an incoming webhook.
    let (status, ch) = s
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "ops"}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{ch}");
    let channel = ch["id"].as_str().expect("id");
    let (status, hook) = s
        .post_json(
            &format!("/api/v1/channels/{channel}/webhooks/create"),
            json!({"name": "CI"}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{hook}");
    let res = s
        .http
        .post(hook["url"].as_str().expect("url"))
        .json(&json!({"content": "deploy finished"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);

    assert_eq!(every.wait_for(5, WAIT).await.len(), 5);
    assert_eq!(channels.wait_for(3, WAIT).await.len(), 3);
    assert_eq!(roles.wait_for(1, WAIT).await.len(), 1);
    assert_eq!(default_rx.wait_for(1, WAIT).await.len(), 1);

    assert_eq!(
        events_of(&every),
        [
            "channel.created",
            "channel.message",
            "channel.webhook.created",
            "new_user",
            "user.role_updated"
        ]
    );
    assert_eq!(
        events_of(&channels),
        [
            "channel.created",
            "channel.message",
            "channel.webhook.created"
        ]
    );
    assert_eq!(events_of(&roles), ["user.role_updated"]);
    assert_eq!(events_of(&default_rx), ["new_user"]);

    // E4: the generic body of every other event.
    let message = hit_of(&every, "channel.message");
    assert_eq!(message["data"]["channel"]["name"], "ops");
    assert_eq!(message["data"]["message"]["content"], "deploy finished");
    assert_eq!(message["data"]["message"]["author"]["name"], "CI");
    assert_eq!(message["message"], "CI in #ops: deploy finished");
    assert!(message["timestamp"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    let role = roles.hits()[0].json();
    assert_eq!(role["data"]["user"]["email"], "tim@example.com");
    assert_eq!(role["data"]["user"]["role"], "user");
    assert_eq!(role["message"], "Tim is now user.");
    // A3's body, byte for byte the same for both targets of user.created.
    let a3 = |rx: &Receiver| {
        rx.hits()
            .into_iter()
            .find(|h| h.json()["event"] == "new_user")
            .expect("new_user")
            .body
    };
    assert_eq!(a3(&every), a3(&default_rx));

    // E7: the table holds exactly these rows — nothing for the others.
    let rows = queued(&s).await;
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows["admin-default"], ["new_user"]);
    assert_eq!(rows[&every_id].len(), 5);
    assert_eq!(
        rows[&channels_id],
        [
            "channel.created",
            "channel.message",
            "channel.webhook.created"
        ]
    );
    assert_eq!(rows[&roles_id], ["user.role_updated"]);
}

#[tokio::test]
async fn admin_event_webhooks_are_listed_changed_and_deleted_over_rest() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let rx = Receiver::start().await;

    let (status, catalog) = s.get_json("/api/events", Some(&admin)).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = catalog
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    for name in [
        "user.created",
        "chat.finished",
        "channel.message",
        "webhook.target_disabled",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    let id = add_target(&s, &admin, "Ops", &rx.url, &["channel.*"]).await;
    // Filters must name events Parley sends; the URL is checked as A1's.
    for (bad, needle) in [
        (
            json!({"name": "x", "url": rx.url, "events": ["nope.*"]}),
            "not an event",
        ),
        (
            json!({"name": "x", "url": rx.url, "events": []}),
            "at least one",
        ),
        (
            json!({"name": "x", "url": "ftp://x", "events": ["*"]}),
            "http",
        ),
        (json!({"name": "", "url": rx.url, "events": ["*"]}), "name"),
    ] {
        let (status, body) = s.post_json("/api/events/webhooks", bad, Some(&admin)).await;
        assert_eq!(status, 400, "{body}");
        assert!(
            body["detail"].as_str().unwrap_or_default().contains(needle),
            "{body}"
        );
    }

    let res = s
        .http
        .put(s.url(&format!("/api/events/webhooks/{id}")))
        .bearer_auth(&admin)
        .json(&json!({"name": "Ops 2", "url": rx.url, "enabled": false, "events": ["user.*"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status().as_u16(), 200);
    let (_, list) = s.get_json("/api/events/webhooks", Some(&admin)).await;
    let list: Vec<Value> = list.as_array().cloned().expect("list");
    assert_eq!(list.len(), 2, "the default and Ops 2: {list:?}");
    assert_eq!(list[0]["id"], "admin-default");
    assert_eq!(list[0]["is_default"], true);
    assert_eq!(list[1]["name"], "Ops 2");
    assert_eq!(list[1]["enabled"], false);
    assert_eq!(list[1]["events"], json!(["user.*"]));

    // A switched-off target gets nothing.
    s.signup("Tim", "tim@example.com").await;
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE target_id = $1")
            .bind(&id)
            .fetch_one(&s.state.db)
            .await
            .expect("count");
    assert_eq!(count, 0);

    let res = s
        .http
        .delete(s.url("/api/events/webhooks/admin-default"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status().as_u16(), 400, "the default stays");
    let res = s
        .http
        .delete(s.url(&format!("/api/events/webhooks/{id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("delete");
    assert_eq!(res.status().as_u16(), 200);
    let (_, list) = s.get_json("/api/events/webhooks", Some(&admin)).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

/// SPEC E6: a target failing long enough is switched off; the owner hears
/// of it (and of the delivery that gave up) on their other targets; it is
/// switched on again by an edit, and "recover failed since" sends its
/// failed deliveries again with their webhook-id.
#[tokio::test]
async fn a_failing_target_is_switched_off_reported_and_recovered() {
    use crate::common::receiver::Reply;
    let s = common::spawn_with(|env| {
        env.delivery.health = parley_core::webhooks::health::HealthSettings {
            after_ms: 0,
            failures: 3,
        };
    })
    .await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let broken = Receiver::start().await;
    // Four attempts (the test schedule), all 500; later ones succeed.
    broken.script((0..4).map(|_| Reply::Status(500)));
    let watch = Receiver::start().await;
    let broken_id = add_target(&s, &admin, "Broken", &broken.url, &["user.*"]).await;
    add_target(&s, &admin, "Watch", &watch.url, &["webhook.*"]).await;

    let (_, tim) = s.signup("Tim", "tim@example.com").await;
    let hits = watch.wait_for(2, WAIT).await;
    assert_eq!(
        events_of(&watch),
        ["webhook.delivery_failed", "webhook.target_disabled"]
    );
    let disabled = hit_of(&watch, "webhook.target_disabled");
    assert_eq!(disabled["data"]["target"]["name"], "Broken");
    assert!(disabled["message"]
        .as_str()
        .is_some_and(|m| m.contains("Broken")));
    assert_eq!(hits.len(), 2);

    let (_, list) = s.get_json("/api/events/webhooks", Some(&admin)).await;
    let row = list
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == broken_id.as_str())
        .cloned()
        .expect("broken");
    assert_eq!(row["enabled"], false);
    assert!(row["disabled_at"].as_i64().is_some());

    // Off: a role change (user.*) queues nothing for it.
    common::approve(&s, &admin, &tim).await;
    let rows = queued(&s).await;
    assert_eq!(rows[&broken_id], ["new_user"], "{rows:?}");

    // On again by an edit; then its failed delivery goes out again.
    let res = s
        .http
        .put(s.url(&format!("/api/events/webhooks/{broken_id}")))
        .bearer_auth(&admin)
        .json(&json!({"name": "Broken", "url": broken.url, "enabled": true, "events": ["user.*"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["enabled"], true);
    assert!(body["disabled_at"].is_null());
    let first_id = broken.hits()[0].header("webhook-id");
    let (status, body) = s
        .post_json(
            &format!("/api/events/webhooks/{broken_id}/recover"),
            json!({"since": 0}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["requeued"], 1);
    let hits = broken.wait_for(5, WAIT).await;
    assert_eq!(hits[4].header("webhook-id"), first_id, "the same message");
}

/// SPEC E1: the management events — incoming webhooks, API keys and the
/// settings — reach a target subscribed to them, without secrets.
#[tokio::test]
async fn management_changes_are_events_too() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let rx = Receiver::start().await;
    add_target(
        &s,
        &admin,
        "Audit",
        &rx.url,
        &["channel.webhook.*", "api_key.*", "config.updated"],
    )
    .await;
    let (_, ch) = s
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "ops"}),
            Some(&admin),
        )
        .await;
    let channel = ch["id"].as_str().expect("id");
    let (_, hook) = s
        .post_json(
            &format!("/api/v1/channels/{channel}/webhooks/create"),
            json!({"name": "CI"}),
            Some(&admin),
        )
        .await;
    let hook_id = hook["id"].as_str().expect("id");
    let token = hook["token"].as_str().expect("token").to_string();
    for (name, form) in [
        (
            "regenerate_channel_webhook",
            vec![("channel_id", channel), ("webhook_id", hook_id)],
        ),
        (
            "delete_channel_webhook",
            vec![("channel_id", channel), ("webhook_id", hook_id)],
        ),
        ("create_api_key", vec![("name", "deploy")]),
    ] {
        let (status, text, _) = s.server_fn(name, &form, Some(&admin)).await;
        assert_eq!(status, 200, "{name}: {text}");
    }
    let (status, text, _) = s
        .server_fn(
            "admin_save_settings",
            &[
                ("settings[enable_signup]", "true"),
                ("settings[default_user_role]", "user"),
                ("settings[enable_user_webhooks]", "true"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let hits = rx.wait_for(5, WAIT).await;
    assert_eq!(
        events_of(&rx),
        [
            "api_key.created",
            "channel.webhook.created",
            "channel.webhook.deleted",
            "channel.webhook.regenerated",
            "config.updated"
        ]
    );
    for hit in &hits {
        let raw = String::from_utf8_lossy(&hit.body);
        assert!(!raw.contains(&token), "no webhook token in {raw}");
        assert!(!raw.contains("sk-"), "no API key in {raw}");
    }
    let created = hit_of(&rx, "channel.webhook.created");
    assert_eq!(created["data"]["webhook"]["name"], "CI");
    assert_eq!(created["data"]["channel"]["name"], "ops");
    assert_eq!(
        hit_of(&rx, "config.updated")["data"]["settings"]["default_user_role"],
        "user"
    );
}

/// `auth.signin_failed` (SPEC E1): the fifth wrong password in a row for
/// one account is reported to the targets subscribed to it, without the
/// password; a good sign-in starts the count again; unknown emails and
/// other targets get nothing.
#[tokio::test]
async fn repeated_wrong_passwords_for_one_account_are_reported() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let auth_rx = Receiver::start().await;
    let users_rx = Receiver::start().await;
    let auth_id = add_target(&s, &admin, "Security", &auth_rx.url, &["auth.*"]).await;
    let users_id = add_target(&s, &admin, "Users", &users_rx.url, &["user.*"]).await;
    s.signup("Tim", "tim@example.com").await;
    s.signup("Bob", "bob@example.com").await;
    let signin = |email: &'static str, password: &'static str| {
        let s = &s;
        async move {
            s.post_json(
                "/api/v1/auths/signin",
                json!({"email": email, "password": password}),
                None,
            )
            .await
            .0
        }
    };
    let reports = |s: &common::TestServer| {
        let db = s.state.db.clone();
        async move {
            let (n,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE event = 'auth.signin_failed'",
            )
            .fetch_one(&db)
            .await
            .expect("count");
            n
        }
    };

    for _ in 0..4 {
        assert_eq!(signin("tim@example.com", "wrong-password-1").await, 401);
        assert_eq!(signin("nobody@example.com", "wrong-password-1").await, 401);
    }
    assert_eq!(reports(&s).await, 0, "four failures are not reported");
    assert_eq!(signin("tim@example.com", "wrong-password-1").await, 401);
    assert_eq!(reports(&s).await, 1);

    let hit = &auth_rx.wait_for(1, WAIT).await[0];
    let body = hit.json();
    assert_eq!(body["event"], "auth.signin_failed");
    assert_eq!(body["data"]["user"]["email"], "tim@example.com");
    assert_eq!(body["data"]["failures"], 5);
    assert_eq!(
        body["message"],
        "5 failed sign-ins in a row for tim@example.com."
    );
    assert!(!String::from_utf8_lossy(&hit.body).contains("wrong-password"));

    // A good password resets the count: Bob's four failures, a sign-in,
    // and the account starts from zero.
    for _ in 0..4 {
        assert_eq!(signin("bob@example.com", "wrong-password-2").await, 401);
    }
    assert_eq!(signin("bob@example.com", "correct horse").await, 200);
    let (bob_failures,): (i64,) =
        sqlx::query_as("SELECT failed_signins FROM users WHERE email = 'bob@example.com'")
            .fetch_one(&s.state.db)
            .await
            .expect("bob");
    assert_eq!(bob_failures, 0);

    let rows = queued(&s).await;
    assert_eq!(rows[&auth_id], ["auth.signin_failed"]);
    assert!(
        !rows[&users_id].iter().any(|e| e.starts_with("auth.")),
        "{rows:?}"
    );
}

/// `channel.deleted` (SPEC E1): an admin deletes a channel over Open
/// WebUI's route; its messages, members and webhook URLs go with it, the
/// subscribed target hears of it in the same transaction, and a channel
/// manager who is not an admin may not do it.
#[tokio::test]
async fn deleting_a_channel_is_an_event_and_ends_its_webhooks() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let rx = Receiver::start().await;
    let target = add_target(&s, &admin, "Channels", &rx.url, &["channel.deleted"]).await;
    let (tim, tim_body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &tim_body).await;
    let channel = common::create_channel(&s, &admin, "ops").await;
    let manager = app::model::ChannelRole::Manager;
    common::add_member(&s, &admin, &channel, "tim@example.com", manager).await;
    let (_, hook) = s
        .post_json(
            &format!("/api/v1/channels/{channel}/webhooks/create"),
            json!({"name": "CI"}),
            Some(&admin),
        )
        .await;
    let hook_url = hook["url"].as_str().expect("url").to_string();
    let res = s
        .http
        .post(&hook_url)
        .json(&json!({"content": "before"}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);

    let delete = |token: String| {
        let s = &s;
        let channel = channel.clone();
        async move {
            s.http
                .delete(s.url(&format!("/api/v1/channels/{channel}/delete")))
                .bearer_auth(token)
                .send()
                .await
                .expect("delete")
                .status()
                .as_u16()
        }
    };
    assert_eq!(delete(tim.clone()).await, 403, "not an admin");
    assert_eq!(delete(admin.clone()).await, 200);
    assert_eq!(delete(admin.clone()).await, 404, "already gone");

    let hit = rx.wait_for(1, WAIT).await[0].json();
    assert_eq!(hit["event"], "channel.deleted");
    assert_eq!(hit["data"]["channel"]["name"], "ops");
    assert_eq!(hit["data"]["deleted_by"]["name"], "Ada");
    assert_eq!(hit["message"], "Channel #ops was deleted.");
    assert_eq!(queued(&s).await[&target], ["channel.deleted"]);

    for table in ["channel_messages", "channel_members", "channel_webhooks"] {
        let (n,): (i64,) = sqlx::query_as(&format!(
            "SELECT COUNT(*) FROM {table} WHERE channel_id = $1"
        ))
        .bind(&channel)
        .fetch_one(&s.state.db)
        .await
        .expect("count");
        assert_eq!(n, 0, "{table}");
    }
    let res = s
        .http
        .post(&hook_url)
        .json(&json!({"content": "after"}))
        .send()
        .await
        .expect("post");
    // As for any unknown webhook: the URL no longer authenticates.
    assert_eq!(
        res.status().as_u16(),
        401,
        "the webhook URL stopped working"
    );
}

/// SPEC E3: a member's own targets get `channel.message` — every message
/// of their channels, or only those mentioning them — never for their own
/// messages, and a non-member's target gets nothing.
#[tokio::test]
async fn members_targets_get_their_channels_messages_or_their_mentions() {
    let s = common::spawn_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let mut users = Vec::new();
    for (name, email) in [
        ("Tim", "tim@example.com"),
        ("Mel", "mel@example.com"),
        ("Otto", "otto@example.com"),
    ] {
        let (token, body) = s.signup(name, email).await;
        common::approve(&s, &admin, &body).await;
        users.push(token);
    }
    let (tim, mel, otto) = (&users[0], &users[1], &users[2]);
    let channel = common::create_channel(&s, &admin, "ops").await;
    for email in ["tim@example.com", "mel@example.com"] {
        let member = app::model::ChannelRole::Member;
        common::add_member(&s, &admin, &channel, email, member).await;
    }
    let tim_rx = Receiver::start().await;
    let mel_rx = Receiver::start().await;
    let otto_rx = Receiver::start().await;
    let mut target_ids = Vec::new();
    for (token, rx, event) in [
        (tim, &tim_rx, "channel.message"),
        (mel, &mel_rx, "channel.message.mention"),
        (otto, &otto_rx, "channel.message"),
    ] {
        let (status, body) = s
            .post_json(
                "/api/v1/notifications/targets",
                json!({"name": "Pager", "url": rx.url, "events": [event], "mode": "always"}),
                Some(token),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        target_ids.push(body["id"].as_str().expect("id").to_string());
    }
    let (_, hook) = s
        .post_json(
            &format!("/api/v1/channels/{channel}/webhooks/create"),
            json!({"name": "CI"}),
            Some(&admin),
        )
        .await;
    let hook_url = hook["url"].as_str().expect("url").to_string();
    for content in ["deploy finished", "@Mel the build is red"] {
        let res = s
            .http
            .post(&hook_url)
            .json(&json!({"content": content}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 200);
    }
    let (status, body) = s
        .post_json(
            &format!("/api/v1/channels/{channel}/messages/post"),
            json!({"content": "on it, @Tim"}),
            Some(mel),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let tim_hits = tim_rx.wait_for(3, WAIT).await;
    let mel_hits = mel_rx.wait_for(1, WAIT).await;
    let rows = queued(&s).await;
    assert_eq!(
        rows[&target_ids[0]].len(),
        3,
        "Tim: every message: {rows:?}"
    );
    assert_eq!(
        rows[&target_ids[1]],
        ["channel.message"],
        "Mel: only the mention, not her own message"
    );
    assert!(
        !rows.contains_key(&target_ids[2]),
        "Otto is not a member: {rows:?}"
    );
    let mut tim_bodies: Vec<Value> = tim_hits.iter().map(|h| h.json()).collect();
    tim_bodies.sort_by_key(|b| b["data"]["message"]["content"].as_str().map(str::to_string));
    assert_eq!(tim_bodies[0]["event"], "channel.message");
    assert_eq!(
        tim_bodies[0]["data"]["message"]["content"],
        "@Mel the build is red"
    );
    assert_eq!(tim_bodies[0]["data"]["mentioned"], false);
    assert_eq!(tim_bodies[2]["data"]["message"]["content"], "on it, @Tim");
    assert_eq!(tim_bodies[2]["data"]["mentioned"], true);
    let mel_body = mel_hits[0].json();
    assert_eq!(mel_body["data"]["mentioned"], true);
    assert_eq!(mel_body["data"]["channel"]["name"], "ops");
    assert_eq!(mel_body["message"], "CI in #ops: @Mel the build is red");
    assert_eq!(otto_rx.hits().len(), 0);
}

/// SPEC E2: each event webhook has its own log and its own Send test, over
/// REST and through the server functions the page uses.
#[tokio::test]
async fn each_event_webhook_has_its_own_log_and_send_test() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, tim_body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &tim_body).await;
    let a_rx = Receiver::start().await;
    let b_rx = Receiver::start().await;
    let a = add_target(&s, &admin, "Alerts", &a_rx.url, &["channel.*"]).await;
    let b = add_target(&s, &admin, "Audit", &b_rx.url, &["user.*"]).await;

    let (status, body) = s
        .post_json(
            &format!("/api/events/webhooks/{a}/test"),
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let delivery = body["delivery_id"].as_str().expect("id").to_string();
    let hit = a_rx.wait_for(1, WAIT).await[0].json();
    assert_eq!(hit["event"], "test");

    let (status, log) = s
        .get_json(
            &format!("/api/events/webhooks/{a}/deliveries"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{log}");
    let ids: Vec<&str> = log
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert_eq!(ids, [delivery.as_str()]);
    let (_, log_b) = s
        .get_json(
            &format!("/api/events/webhooks/{b}/deliveries"),
            Some(&admin),
        )
        .await;
    assert_eq!(log_b, json!([]), "Audit's log holds only its own");

    // The page's server functions: the same split by target.
    let (status, text, _) = s
        .server_fn(
            "list_deliveries",
            &[("scope", "admin"), ("target_id", &b)],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("json"),
        json!([])
    );
    let (status, text, _) = s
        .server_fn(
            "send_test_delivery",
            &[("scope", "admin"), ("target_id", &b)],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(b_rx.wait_for(1, WAIT).await[0].json()["event"], "test");
    assert_eq!(a_rx.hits().len(), 1, "Alerts got only its own test");

    // A user's own target is not an event webhook.
    let (status, target) = s
        .post_json(
            "/api/v1/notifications/targets",
            json!({"name": "Pager", "url": "https://example.com/hook", "events": ["chat.failed"]}),
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{target}");
    let theirs = target["id"].as_str().expect("id");
    let (status, _) = s
        .get_json(
            &format!("/api/events/webhooks/{theirs}/deliveries"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = s
        .post_json(
            &format!("/api/events/webhooks/{theirs}/test"),
            json!({}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = s
        .get_json(&format!("/api/events/webhooks/{a}/deliveries"), Some(&tim))
        .await;
    assert_eq!(status, 403);
}
