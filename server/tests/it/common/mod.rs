//! Starts the real router on a loopback port over a real database: a fresh
//! SQLite file, or a fresh PostgreSQL database when
//! `PARLEY_TEST_POSTGRES_URL` names a server (`.ci/run` sets it).
#![allow(dead_code)]

pub mod fake_openai;
pub mod process;
pub mod receiver;
pub mod world;

use std::net::SocketAddr;
use std::time::Duration;

pub mod wait;
pub use wait::{eventually, until};

use parley_core::env::EnvConfig;
use parley_core::AppState;
use serde_json::{json, Value};

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> TestServer {
    spawn_with(|_| {}).await
}

pub async fn fresh_database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("PARLEY_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sqlx::Connection;
            let name = format!("parley_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to PostgreSQL");
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}/parley.db", dir.path().display()),
    }
}

pub async fn spawn_with(configure: impl FnOnce(&mut EnvConfig)) -> TestServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(&dir).await;
    spawn_at(url, dir, configure).await
}

/// A fresh database with no worker or server running on it: for tests of
/// the store itself.
pub async fn database() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut env = EnvConfig::for_database(fresh_database_url(&dir).await);
    env.secret_key = "test-secret".into();
    (AppState::connect(env).await.expect("database"), dir)
}

/// Two instances on one fresh PostgreSQL database. Fails without one:
/// SQLite has one instance by design, and a test that passed without
/// running would prove nothing (the SQLite run skips `multi_instance`).
pub async fn postgres_pair() -> (TestServer, TestServer) {
    assert!(
        std::env::var("PARLEY_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()),
        "needs PostgreSQL: set PARLEY_TEST_POSTGRES_URL (scripts/with-postgres.sh does)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(&dir).await;
    let a = spawn_at(url.clone(), dir, |_| {}).await;
    let b = spawn_at(url, tempfile::tempdir().expect("temp dir"), |_| {}).await;
    (a, b)
}

pub async fn spawn_at(
    url: String,
    dir: tempfile::TempDir,
    configure: impl FnOnce(&mut EnvConfig),
) -> TestServer {
    let mut env = EnvConfig::for_database(url);
    env.secret_key = "test-secret".into();
    // Fast retries so the suite sees several attempts in seconds.
    env.delivery.schedule = vec![
        Duration::from_millis(100),
        Duration::from_millis(200),
        Duration::from_millis(300),
    ];
    env.delivery.timeout = Duration::from_secs(2);
    env.delivery.connect_timeout = Duration::from_secs(1);
    configure(&mut env);
    let state = AppState::connect(env).await.expect("database");
    state.spawn_background().expect("worker and image fetcher");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = parley_server::router(state.clone(), parley_server::leptos_options(addr));
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    let http = reqwest::Client::builder()
        // The test talks to its own server on loopback, whatever proxy the
        // environment names (the proxy test sets one).
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestServer {
        base: format!("http://{addr}"),
        state,
        http,
        _dir: dir,
    }
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Signs up through the REST API and returns the bearer token.
    pub async fn signup(&self, name: &str, email: &str) -> (String, Value) {
        let (status, body) = self
            .post_json(
                "/api/v1/auths/signup",
                json!({"name": name, "email": email, "password": "correct horse"}),
                None,
            )
            .await;
        assert_eq!(status, 200, "signup failed: {body}");
        (body["token"].as_str().expect("token").to_string(), body)
    }

    /// Calls a server function the way the browser does (form-encoded POST).
    pub async fn server_fn(
        &self,
        name: &str,
        form: &[(&str, &str)],
        token: Option<&str>,
    ) -> (u16, String, reqwest::header::HeaderMap) {
        let mut req = self
            .http
            .post(self.url(&format!("/api/fn/{name}")))
            .header("Accept", "application/json")
            // As Parley's own page sends it (cross-site writes are refused).
            .header("Origin", &self.base)
            .form(form);
        if let Some(t) = token {
            req = req.header("Cookie", format!("parley_session={t}"));
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, res.text().await.unwrap_or_default(), headers)
    }
}

impl TestServer {
    /// Waits until the delivery reaches a settled state (delivered/failed)
    /// or `limit` passes, and returns it.
    pub async fn settled(&self, id: &str, limit: Duration) -> app::model::Delivery {
        use app::model::DeliveryStatus::*;
        let id = parley_core::ids::DeliveryId::from(id);
        let read = async || {
            parley_core::webhooks::store::get(&self.state.db, &id)
                .await
                .expect("db")
                .expect("delivery")
        };
        until(limit, async || {
            matches!(read().await.status, Delivered | Failed)
        })
        .await;
        read().await
    }

    pub async fn admin_deliveries(&self) -> Vec<app::model::Delivery> {
        use parley_core::webhooks::store::{list, Target};
        list(&self.state.db, &Target::Admin, 500)
            .await
            .expect("list")
    }
}

/// Approves a pending account (admin server function).
pub async fn approve(s: &TestServer, admin: &str, body: &Value) {
    set_role(s, admin, body["id"].as_str().expect("id"), "user").await;
}

/// Changes a user's role (admin server function) and expects success.
/// Creates a channel as `admin` over REST; returns its id.
pub async fn create_channel(s: &TestServer, admin: &str, name: &str) -> String {
    let (status, ch) = s
        .post_json(
            "/api/v1/channels/create",
            json!({"name": name}),
            Some(admin),
        )
        .await;
    assert_eq!(status, 200, "{ch}");
    ch["id"].as_str().expect("id").to_string()
}

/// Adds the account `email` to `channel` with `role`, as `admin`.
pub async fn add_member(
    s: &TestServer,
    admin: &str,
    channel: &str,
    email: &str,
    role: app::model::ChannelRole,
) {
    let admin_user = parley_core::sessions::user_for_token(&s.state.db, admin)
        .await
        .expect("db")
        .expect("admin");
    parley_core::channels::set_member(&s.state.channels, &admin_user, channel, email, role)
        .await
        .expect("member");
}

pub async fn set_role(s: &TestServer, admin: &str, user_id: &str, role: &str) {
    let (status, text, _) = s
        .server_fn(
            "admin_set_role",
            &[("user_id", user_id), ("role", role)],
            Some(admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
}

/// Saves `token`'s notification webhook (SPEC U2/U5) and expects success.
pub async fn save_user_webhook(s: &TestServer, token: &str, url: &str, mode: &str) {
    let (status, text, _) = s
        .server_fn(
            "save_user_webhook",
            &[("url", url), ("mode", mode)],
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{text}");
}

/// Switches user webhooks on or off in the admin settings (SPEC U1), with
/// sign-up on and pending as the default role, and expects success.
pub async fn set_user_webhooks(s: &TestServer, admin: &str, on: bool) {
    let (status, text, _) = s
        .server_fn(
            "admin_save_settings",
            &[
                ("settings[enable_signup]", "true"),
                ("settings[default_user_role]", "pending"),
                (
                    "settings[enable_user_webhooks]",
                    if on { "true" } else { "false" },
                ),
            ],
            Some(admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
}

/// Saves the admin webhook URL (SPEC A1) and expects success.
pub async fn save_admin_webhook(s: &TestServer, admin: &str, url: &str) {
    let (status, text, _) = s
        .server_fn("admin_save_webhook_url", &[("url", url)], Some(admin))
        .await;
    assert_eq!(status, 200, "{text}");
}

/// Replaces a target's custom headers (D4) as the settings page does;
/// returns what the page then shows.
pub async fn save_headers(
    s: &TestServer,
    token: &str,
    scope: &str,
    headers: &[(&str, &str)],
) -> Value {
    let res = s
        .http
        .post(s.url("/api/fn/save_webhook_headers"))
        .header("Cookie", format!("parley_session={token}"))
        .header("Origin", &s.base)
        .header("Accept", "application/json")
        .json(&json!({"scope": scope, "headers": headers}))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    res.json().await.expect("json")
}

/// An admin and an approved user "Tim": their tokens and Tim's sign-up body.
pub async fn admin_and_user(s: &TestServer) -> (String, String, Value) {
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (tim, body) = s.signup("Tim", "tim@example.com").await;
    approve(s, &admin, &body).await;
    (admin, tim, body)
}

/// Opens the realtime socket and waits until everything sent to the user
/// before it has passed: on PostgreSQL events travel through NOTIFY and
/// may reach a new socket after it opened. A `SessionChanged` marker goes
/// the same way, in order; once it arrives, the socket is in step.
pub async fn synced_socket(server: &TestServer, token: &str, user_id: &str) -> Socket {
    let mut socket = open_socket(server, token, user_id).await;
    server
        .state
        .hub
        .send_to_user(user_id, app::model::ServerEvent::SessionChanged);
    loop {
        let event = next_frame(&mut socket)
            .await
            .expect("the marker before any close");
        if event["type"] == "session_changed" {
            return socket;
        }
    }
}

/// The next JSON event on a socket, or `None` once the server closed it.
pub async fn next_frame(socket: &mut Socket) -> Option<Value> {
    use futures::StreamExt;
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(15), socket.next())
            .await
            .expect("an event or a close in time");
        match frame {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => {
                return Some(serde_json::from_str(&text).expect("json event"))
            }
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) | None | Some(Err(_)) => {
                return None
            }
            Some(Ok(_)) => continue,
        }
    }
}

/// Reads until the server closes the socket (events still in flight may
/// come first); fails if it stays open.
pub async fn closes(socket: &mut Socket) {
    for _ in 0..100 {
        if next_frame(socket).await.is_none() {
            return;
        }
    }
    panic!("the socket stayed open");
}

/// Opens the realtime socket at `base` (http://…) with the session cookie.
pub async fn connect_socket(base: &str, token: &str) -> Socket {
    let url = format!("{}/api/ws", base.replace("http://", "ws://"));
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
            url.as_str(),
        )
        .expect("request");
    request.headers_mut().insert(
        "Cookie",
        format!("parley_session={token}").parse().expect("header"),
    );
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("socket opens");
    socket
}

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Deliveries ever queued for users' targets: "nothing (more) was sent"
/// is proved by this count — every notification is a row, written in the
/// transaction of what caused it — never by waiting.
pub async fn user_deliveries_queued(state: &AppState) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE target = 'user'")
            .fetch_one(&state.db)
            .await
            .expect("count deliveries");
    n
}

/// Opens the realtime socket of `server` as `token`, and waits until the
/// server's hub has registered it for `user_id`.
pub async fn open_socket(server: &TestServer, token: &str, user_id: &str) -> Socket {
    let socket = connect_socket(&server.base, token).await;
    eventually(
        "the hub to register the socket",
        Duration::from_secs(5),
        async || (server.state.hub.connection_count(user_id) > 0).then_some(()),
    )
    .await;
    socket
}
