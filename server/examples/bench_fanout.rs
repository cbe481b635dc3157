//! Fan-out benchmark (not a test) of SPEC B3: 500 open sockets on one
//! channel (50 members with 10 tabs each), 20 webhook posts one after the
//! other; for every socket, the time from sending the post to receiving
//! its message. Prints p50/p99 over all 10,000 receptions. `make bench`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::model::{ChannelRole, Role};
use futures::StreamExt;
use parley_core::accounts::{create_account, Creator, NewAccount};
use parley_core::env::EnvConfig;
use parley_core::sessions::{self, SessionKind};
use parley_core::{channel_webhooks, channels, AppState};

const MEMBERS: usize = 50;
const TABS: usize = 10;
const POSTS: usize = 20;

type Arrivals = Arc<Mutex<Vec<(usize, Instant)>>>;

#[tokio::main]
async fn main() {
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    let dir = tempfile::tempdir().expect("dir");
    let mut env = EnvConfig::for_database(format!("sqlite://{}/bench.db", dir.path().display()));
    env.secret_key = "bench".into();
    env.channel_webhook_rate_limit = 0;
    let state = AppState::connect(env).await.expect("db");
    let account = |n: usize| NewAccount {
        name: format!("Member {n}"),
        email: format!("member{n}@example.com"),
        password: "correct horse battery".into(),
    };
    let admin = create_account(&state.accounts, account(0), Creator::SelfSignUp)
        .await
        .expect("admin");
    let channel = channels::create(&state.channels, &admin, "fanout", "")
        .await
        .expect("channel");
    let mut tokens = Vec::new();
    for n in 1..=MEMBERS {
        let user = create_account(&state.accounts, account(n), Creator::Admin(Role::User))
            .await
            .expect("member");
        channels::set_member(
            &state.channels,
            &admin,
            &channel.id,
            &user.email,
            ChannelRole::Member,
        )
        .await
        .expect("add");
        tokens.push(
            sessions::create(&state.db, &user.id, SessionKind::Browser)
                .await
                .expect("session"),
        );
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = parley_server::router(state.clone(), parley_server::leptos_options(addr));
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    let base = format!("http://{addr}");
    let hook = channel_webhooks::create(
        &state.channel_webhooks,
        &admin,
        &channel.id,
        "bench",
        None,
        &base,
    )
    .await
    .expect("hook");

    // 500 sockets; each reader notes when each post's message reached it.
    let arrivals: Arrivals = Arc::default();
    for token in &tokens {
        for _ in 0..TABS {
            let mut request =
                tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                    format!("ws://{addr}/api/ws").as_str(),
                )
                .expect("request");
            request.headers_mut().insert(
                "Cookie",
                format!("parley_session={token}").parse().expect("header"),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request)
                .await
                .expect("socket");
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                while let Some(Ok(frame)) = socket.next().await {
                    let tokio_tungstenite::tungstenite::Message::Text(text) = frame else {
                        continue;
                    };
                    let at = Instant::now();
                    let Ok(event) = serde_json::from_str::<serde_json::Value>(&text) else {
                        continue;
                    };
                    let round = event["message"]["content"]
                        .as_str()
                        .and_then(|c| c.strip_prefix("fanout "))
                        .and_then(|n| n.parse::<usize>().ok());
                    if let Some(round) = round {
                        arrivals.lock().expect("lock").push((round, at));
                    }
                }
            });
        }
    }
    let sockets = MEMBERS * TABS;
    let deadline = Instant::now() + Duration::from_secs(30);
    // Every socket registered with the hub before the first post.
    let users = sessions_users(&state, &tokens).await;
    while users
        .iter()
        .map(|u| state.hub.connection_count(u))
        .sum::<usize>()
        < sockets
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let mut sent = Vec::new();
    for round in 0..POSTS {
        let at = Instant::now();
        let res = http
            .post(&hook.url)
            .json(&serde_json::json!({"content": format!("fanout {round}")}))
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 200);
        sent.push(at);
        // Wait until this post reached every socket before the next.
        let deadline = Instant::now() + Duration::from_secs(10);
        while arrivals
            .lock()
            .expect("lock")
            .iter()
            .filter(|(r, _)| *r == round)
            .count()
            < sockets
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let mut latencies: Vec<f64> = arrivals
        .lock()
        .expect("lock")
        .iter()
        .map(|(round, at)| at.duration_since(sent[*round]).as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!(
        "B3 | one post to {sockets} open sockets, post sent -> message received ({} receptions of {} expected) | p50 {:.1} ms, p99 {:.1} ms | p99 < 100 ms | {build} | SQLite (WAL)",
        latencies.len(),
        sockets * POSTS,
        pct(0.50),
        pct(0.99)
    );
}

async fn sessions_users(state: &AppState, tokens: &[String]) -> Vec<String> {
    let mut users = Vec::new();
    for t in tokens {
        if let Ok(Some(user)) = sessions::user_for_token(&state.db, t).await {
            users.push(user.id);
        }
    }
    users
}
