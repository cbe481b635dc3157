//! SPEC W3 and U3: chats, the models behind them, the server-side reply
//! task, and the notification when the user is away.

use crate::common;

use std::time::Duration;

use crate::common::fake_openai::{FakeOpenAi, GOOD_REPLY};
use crate::common::receiver::Receiver;
use crate::common::TestServer;
use app::model::{ChatRole, ReplyStatus};
use futures::{SinkExt, StreamExt};
use parley_core::llm::openai::OpenAiClient;
use parley_core::llm::Turn;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

fn turns(prompt: &str) -> Vec<Turn> {
    vec![Turn {
        role: ChatRole::User,
        content: prompt.into(),
    }]
}

#[tokio::test]
async fn the_openai_client_streams_sse_and_reports_errors() {
    let fake = FakeOpenAi::start().await;
    let client = OpenAiClient::new(&fake.base, Some("sk-test".into()));

    let mut pieces = Vec::new();
    client
        .stream_chat("good", &turns("Say hello"), &mut |p| {
            pieces.push(p.to_string())
        })
        .await
        .expect("a good stream finishes");
    assert_eq!(pieces.concat(), GOOD_REPLY);
    assert!(pieces.len() > 3, "streamed in pieces: {pieces:?}");
    let (auth, body) = fake.requests.lock().expect("lock")[0].clone();
    assert_eq!(auth, "Bearer sk-test");
    assert_eq!(body["stream"], true);
    assert_eq!(body["messages"][0]["role"], "user");
    assert_eq!(body["messages"][0]["content"], "Say hello");

    let mut partial = String::new();
    let err = client
        .stream_chat("broken", &turns("x"), &mut |p| partial.push_str(p))
        .await
        .expect_err("a mid-stream error fails the reply");
    assert!(err.0.contains("model overloaded"), "{err}");
    assert_eq!(
        partial, "Partial answer",
        "what came before the error was handed on"
    );

    let err = client
        .stream_chat("cut", &turns("x"), &mut |_| {})
        .await
        .expect_err("a stream that just stops is not a finished reply");
    assert!(err.0.contains("ended before"), "{err}");

    let err = client
        .stream_chat("denied", &turns("x"), &mut |_| {})
        .await
        .expect_err("401");
    assert!(
        err.0.contains("401") && err.0.contains("Incorrect API key"),
        "{err}"
    );

    assert_eq!(
        client.models().await.expect("models"),
        vec!["broken", "cut", "good"]
    );
    let nowhere = OpenAiClient::new("http://127.0.0.1:9", None);
    let err = nowhere
        .models()
        .await
        .expect_err("nothing listens on port 9");
    assert!(err.0.contains("Cannot reach"), "{err}");
}

async fn user_with_webhook(s: &TestServer, rx: &Receiver, mode: &str) -> (String, String) {
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, body) = s.signup("Tim", "tim@example.com").await;
    common::approve(s, &admin, &body).await;
    common::save_user_webhook(s, &tim, &rx.url, mode).await;
    (tim, body["id"].as_str().expect("id").to_string())
}

async fn start_chat(s: &TestServer, token: &str, model: &str, prompt: &str) -> Value {
    let (status, text, _) = s
        .server_fn(
            "start_chat",
            &[("model", model), ("prompt", prompt)],
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    serde_json::from_str(&text).expect("chat json")
}

/// Polls the database until the chat's last reply is no longer streaming.
async fn finished_reply(s: &TestServer, user_id: &str, chat_id: &str) -> app::model::ChatMessage {
    let user = parley_core::accounts::get_user(&s.state.db, user_id)
        .await
        .expect("db")
        .expect("user");
    common::eventually("the reply to finish", Duration::from_secs(10), async || {
        let chat = parley_core::chats::get(&s.state.chats, &user, chat_id)
            .await
            .expect("chat");
        let last = chat.messages.last().cloned().expect("a reply row");
        (last.status != ReplyStatus::Streaming).then_some(last)
    })
    .await
}

#[tokio::test]
async fn a_reply_is_finished_saved_and_notified_with_no_client_connected() {
    let rx = Receiver::start().await;
    let s = common::spawn_with(|env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.echo_delay = Duration::from_millis(40);
    })
    .await;
    let (tim, tim_id) = user_with_webhook(&s, &rx, "away").await;
    let prompt = "  Tell me about the lighthouse keeper and the storm  ";

    // No socket and no browser: the request returns at once with the
    // reply still being written.
    let chat = start_chat(&s, &tim, "parley-echo", prompt).await;
    let chat_id = chat["id"].as_str().expect("id").to_string();
    assert_eq!(chat["title"], prompt.trim());
    assert_eq!(chat["messages"][0]["role"], "user");
    assert_eq!(chat["messages"][1]["status"], "streaming");

    let reply = finished_reply(&s, &tim_id, &chat_id).await;
    assert_eq!(reply.status, ReplyStatus::Done);
    assert_eq!(
        reply.content,
        prompt.trim(),
        "parley-echo reflects the prompt"
    );

    // A tab opened later gets the finished reply.
    let (status, text, _) = s
        .server_fn("get_chat", &[("chat_id", &chat_id)], Some(&tim))
        .await;
    assert_eq!(status, 200, "{text}");
    let loaded: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(loaded["messages"][1]["content"], prompt.trim());
    assert_eq!(loaded["messages"][1]["status"], "done");

    let hits = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(hits.len(), 1, "away: one notification");
    let body = hits[0].json();
    assert_eq!(body["event"], "chat_response");
    assert_eq!(body["chat"]["id"], chat_id.as_str());
    assert_eq!(body["chat"]["title"], prompt.trim());
    assert_eq!(body["chat"]["last_message"], prompt.trim());
    assert_eq!(body["chat"]["prompt"], prompt.trim());
    assert_eq!(
        body["chat"]["url"],
        format!("{}/c/{chat_id}", s.base).as_str()
    );
    // The reply and its notifications were committed together: one row,
    // delivered, so no other request can follow.
    assert_eq!(
        common::user_deliveries_queued(&s.state).await,
        1,
        "exactly one"
    );
    let (id,): (String,) =
        sqlx::query_as("SELECT id FROM webhook_deliveries WHERE target = 'user'")
            .fetch_one(&s.state.db)
            .await
            .expect("the delivery");
    assert_eq!(
        s.settled(&id, Duration::from_secs(10)).await.status,
        app::model::DeliveryStatus::Delivered
    );
    assert_eq!(rx.count(), 1, "exactly one");
}

fn presence(visible: bool, focused: bool) -> Message {
    Message::Text(
        format!(r#"{{"type":"presence","visible":{visible},"focused":{focused}}}"#).into(),
    )
}

#[tokio::test]
async fn replies_stream_over_the_socket_and_an_active_user_is_left_alone() {
    let rx = Receiver::start().await;
    let s = common::spawn_with(|env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.echo_delay = Duration::from_millis(20);
    })
    .await;
    let (tim, tim_id) = user_with_webhook(&s, &rx, "away").await;
    let mut socket = common::open_socket(&s, &tim, &tim_id).await;
    socket.send(presence(true, true)).await.expect("report");
    common::eventually("Tim to be active", Duration::from_secs(2), async || {
        s.state.presence.is_active(&tim_id).then_some(())
    })
    .await;

    let prompt = "one two three four five";
    let chat = start_chat(&s, &tim, "parley-echo", prompt).await;
    let chat_id = chat["id"].as_str().expect("id").to_string();

    let mut streamed = String::new();
    let mut done = None;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while done.is_none() {
        let msg = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("events in time")
            .expect("socket open")
            .expect("frame");
        let Message::Text(text) = msg else { continue };
        let event: Value = serde_json::from_str(&text).expect("json");
        match event["type"].as_str() {
            Some("chat_delta") => {
                assert_eq!(event["chat_id"], chat_id.as_str());
                assert_eq!(event["offset"].as_u64(), Some(streamed.len() as u64));
                streamed.push_str(event["delta"].as_str().expect("delta"));
            }
            Some("chat_message_saved")
                if event["message"]["role"] == "assistant"
                    && event["message"]["status"] == "done" =>
            {
                done = Some(event["message"].clone());
            }
            _ => {}
        }
    }
    assert_eq!(streamed, prompt, "the pieces add up to the reply");
    assert_eq!(done.expect("done")["content"], prompt);
    // Saved (with any notification, in one transaction) before the socket
    // heard of it: the table says whether one was queued.
    assert_eq!(
        common::user_deliveries_queued(&s.state).await,
        0,
        "the user watched it: nothing queued"
    );
    assert_eq!(rx.count(), 0, "the user watched it: nothing sent");

    // Mode "always": sent even while focused (SPEC U5).
    common::save_user_webhook(&s, &tim, &rx.url, "always").await;
    let (status, text, _) = s
        .server_fn(
            "send_chat_prompt",
            &[("chat_id", &chat_id), ("prompt", "again please")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let hits = rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].json()["chat"]["last_message"], "again please");
    assert_eq!(
        hits[0].json()["chat"]["title"],
        prompt,
        "the title stays the first prompt"
    );

    // Hidden tab: away at once, so the next reply is notified in away mode.
    common::save_user_webhook(&s, &tim, &rx.url, "away").await;
    socket.send(presence(false, false)).await.expect("report");
    common::eventually("Tim to be away", Duration::from_secs(2), async || {
        s.state.presence.is_away(&tim_id).then_some(())
    })
    .await;
    let (status, text, _) = s
        .server_fn(
            "send_chat_prompt",
            &[("chat_id", &chat_id), ("prompt", "third")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let hits = rx.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].json()["chat"]["last_message"], "third");
}

#[tokio::test]
async fn model_errors_are_saved_shown_and_not_notified() {
    let rx = Receiver::start().await;
    let fake = FakeOpenAi::start().await;
    let base = fake.base.clone();
    let s = common::spawn_with(move |env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.openai_api_base_url = Some(base);
        env.openai_api_key = Some("sk-test".into());
    })
    .await;
    let (tim, tim_id) = user_with_webhook(&s, &rx, "always").await;

    let (status, text, _) = s.server_fn("list_models", &[], Some(&tim)).await;
    assert_eq!(status, 200, "{text}");
    let models: Value = serde_json::from_str(&text).expect("json");
    let ids: Vec<&str> = models["models"]
        .as_array()
        .expect("models")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, vec!["parley-echo", "broken", "cut", "good"]);
    assert!(models["endpoint_error"].is_null());

    let chat = start_chat(&s, &tim, "good", "Greet me").await;
    let id = chat["id"].as_str().expect("id").to_string();
    let reply = finished_reply(&s, &tim_id, &id).await;
    assert_eq!(reply.status, ReplyStatus::Done);
    assert_eq!(reply.content, GOOD_REPLY);
    assert!(
        reply.html.contains("Bonjour"),
        "finished replies carry HTML"
    );
    rx.wait_for(1, Duration::from_secs(10)).await;

    let chat = start_chat(&s, &tim, "broken", "Try hard").await;
    let id = chat["id"].as_str().expect("id").to_string();
    let reply = finished_reply(&s, &tim_id, &id).await;
    assert_eq!(reply.status, ReplyStatus::Error);
    assert_eq!(reply.content, "Partial answer", "what arrived is kept");
    assert!(
        reply
            .error
            .as_deref()
            .unwrap_or_default()
            .contains("model overloaded"),
        "{reply:?}"
    );

    // A second turn sends the history, without the failed reply.
    let (status, text, _) = s
        .server_fn(
            "send_chat_prompt",
            &[("chat_id", &id), ("prompt", "Once more")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    finished_reply(&s, &tim_id, &id).await;
    let last = fake
        .requests
        .lock()
        .expect("lock")
        .last()
        .cloned()
        .expect("request");
    let roles: Vec<&str> = last.1["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["role"].as_str())
        .collect();
    assert_eq!(roles, vec!["user", "user"]);

    assert_eq!(
        common::user_deliveries_queued(&s.state).await,
        1,
        "only the finished reply was notified"
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_is_reported_and_echo_stays() {
    let s = common::spawn_with(|env| {
        env.openai_api_base_url = Some("http://127.0.0.1:9/v1".into());
    })
    .await;
    let (ada, _) = s.signup("Ada", "ada@example.com").await;
    let (_, text, _) = s.server_fn("list_models", &[], Some(&ada)).await;
    let models: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(models["models"][0]["id"], "parley-echo");
    assert!(
        models["endpoint_error"]
            .as_str()
            .unwrap_or_default()
            .contains("Cannot reach"),
        "{models}"
    );
    let chat = start_chat(&s, &ada, "llama3", "hello").await;
    let id = chat["id"].as_str().expect("id").to_string();
    let ada_id = parley_core::sessions::user_for_token(&s.state.db, &ada)
        .await
        .expect("db")
        .map(|u| u.id);
    let reply = finished_reply(&s, &ada_id.expect("user"), &id).await;
    assert_eq!(reply.status, ReplyStatus::Error);
    assert!(reply.error.unwrap_or_default().contains("Cannot reach"));
}

#[tokio::test]
async fn chats_are_private_validated_and_one_reply_at_a_time() {
    let s = common::spawn_with(|env| env.echo_delay = Duration::from_millis(50)).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, tim_body) = s.signup("Tim", "tim@example.com").await;
    common::approve(&s, &admin, &tim_body).await;
    let (pending, _) = s.signup("Pat", "pat@example.com").await;

    let chat = start_chat(&s, &tim, "parley-echo", "a b c d e f g h").await;
    let id = chat["id"].as_str().expect("id").to_string();

    let (status, _, _) = s
        .server_fn(
            "send_chat_prompt",
            &[("chat_id", &id), ("prompt", "more")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 409, "one reply at a time");

    for (who, expected) in [
        (Some(admin.as_str()), 404),
        (Some(pending.as_str()), 403),
        (None, 401),
    ] {
        let (status, _, _) = s.server_fn("get_chat", &[("chat_id", &id)], who).await;
        assert_eq!(status, expected, "get_chat as {who:?}");
        let (status, _, _) = s
            .server_fn(
                "send_chat_prompt",
                &[("chat_id", &id), ("prompt", "x")],
                who,
            )
            .await;
        assert_eq!(status, expected, "send_chat_prompt as {who:?}");
        let (status, _, _) = s.server_fn("delete_chat", &[("chat_id", &id)], who).await;
        assert_eq!(status, expected, "delete_chat as {who:?}");
    }
    let (_, list, _) = s.server_fn("list_chats", &[], Some(&admin)).await;
    assert_eq!(list, "[]", "Ada does not see Tim's chats");
    let (_, list, _) = s.server_fn("list_chats", &[], Some(&tim)).await;
    assert!(list.contains("a b c d e f g h"), "{list}");

    let (status, text, _) = s
        .server_fn(
            "start_chat",
            &[("model", "parley-echo"), ("prompt", "   ")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    let (status, text, _) = s
        .server_fn(
            "start_chat",
            &[("model", "gpt-9"), ("prompt", "hi")],
            Some(&tim),
        )
        .await;
    assert_eq!(status, 400, "no endpoint configured: {text}");

    let (status, _, _) = s
        .server_fn("delete_chat", &[("chat_id", &id)], Some(&tim))
        .await;
    assert_eq!(status, 200);
    let (status, _, _) = s
        .server_fn("get_chat", &[("chat_id", &id)], Some(&tim))
        .await;
    assert_eq!(status, 404);
    // The reply task finds its chat gone and stops quietly.
    common::eventually(
        "the reply task to stop",
        Duration::from_secs(5),
        async || (s.state.chats.generations.running() == 0).then_some(()),
    )
    .await;
}

/// SPEC E3: several targets per user, each with its events — a finished
/// reply reaches the `chat.finished` ones, a failed one only `chat.failed`.
#[tokio::test]
async fn a_users_targets_each_get_the_reply_events_they_chose() {
    let default_rx = Receiver::start().await;
    let finished_rx = Receiver::start().await;
    let failed_rx = Receiver::start().await;
    let fake = FakeOpenAi::start().await;
    let base = fake.base.clone();
    let s = common::spawn_with(move |env| {
        env.webhook_allowed_hosts = vec!["loopback".into()];
        env.openai_api_base_url = Some(base);
        env.openai_api_key = Some("sk-test".into());
        env.echo_delay = Duration::from_millis(10);
    })
    .await;
    let (tim, tim_id) = user_with_webhook(&s, &default_rx, "always").await;
    for (name, url, events) in [
        ("Phone", &finished_rx.url, json!(["chat.finished"])),
        ("Pager", &failed_rx.url, json!(["chat.failed"])),
    ] {
        let (status, body) = s
            .post_json(
                "/api/v1/notifications/targets",
                json!({"name": name, "url": url, "events": events, "mode": "always"}),
                Some(&tim),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        assert!(
            body["url"]
                .as_str()
                .is_some_and(|u| u.contains('…') && !u.contains("/hook")),
            "masked on read: {body}"
        );
    }
    let (status, list) = s
        .get_json("/api/v1/notifications/targets", Some(&tim))
        .await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(3), "{list}");
    assert_eq!(list[0]["is_default"], true);

    let chat = start_chat(&s, &tim, "good", "Greet me").await;
    let id = chat["id"].as_str().expect("id").to_string();
    assert_eq!(
        finished_reply(&s, &tim_id, &id).await.status,
        ReplyStatus::Done
    );
    let chat = start_chat(&s, &tim, "broken", "Try hard").await;
    let failed_id = chat["id"].as_str().expect("id").to_string();
    assert_eq!(
        finished_reply(&s, &tim_id, &failed_id).await.status,
        ReplyStatus::Error
    );

    let done = default_rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(done[0].json()["event"], "chat_response");
    let done = finished_rx.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(done[0].json()["chat"]["id"], id.as_str());
    let failed = failed_rx.wait_for(1, Duration::from_secs(10)).await;
    let body = failed[0].json();
    assert_eq!(body["event"], "chat.failed");
    assert_eq!(body["data"]["chat"]["id"], failed_id.as_str());
    // Nothing else was queued: one row per target, by the table.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT event, url FROM webhook_deliveries WHERE owner_id = $1 ORDER BY event, url",
    )
    .bind(&tim_id)
    .fetch_all(&s.state.db)
    .await
    .expect("rows");
    let mut expected = vec![
        ("chat.failed".to_string(), failed_rx.url.clone()),
        ("chat_response".to_string(), default_rx.url.clone()),
        ("chat_response".to_string(), finished_rx.url.clone()),
    ];
    expected.sort();
    assert_eq!(rows, expected);
}
