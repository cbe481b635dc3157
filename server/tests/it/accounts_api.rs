//! Accounts and sessions over real HTTP against the real router (SPEC W1,
//! W2, R1, R5).

use crate::common;

use futures::StreamExt;
use serde_json::{json, Value};

fn assert_detail(body: &Value) {
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(!detail.is_empty(), "expected a JSON detail, got {body}");
}

#[tokio::test]
async fn signup_signin_and_me_have_open_webui_shapes() {
    let s = common::spawn().await;
    let (status, body) = s
        .post_json(
            "/api/v1/auths/signup",
            json!({"name": "Tim", "email": "Tim@Example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["email"], "tim@example.com");
    assert_eq!(body["name"], "Tim");
    assert_eq!(body["role"], "admin", "the first account is admin");
    assert!(body["id"].as_str().is_some_and(|id| !id.is_empty()));
    let token = body["token"].as_str().expect("token");
    assert!(token.len() >= 43, "256-bit token");

    let (status, me) = s.get_json("/api/v1/auths/", Some(token)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], body["id"]);
    assert_eq!(me["role"], "admin");

    let (status, signin) = s
        .post_json(
            "/api/v1/auths/signin",
            json!({"email": "tim@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{signin}");
    for field in ["id", "email", "name", "role"] {
        assert_eq!(signin[field], body[field], "{field}");
    }
    assert_eq!(signin["token_type"], "Bearer");
    assert_ne!(
        signin["token"], body["token"],
        "every sign-in gets its own session"
    );
}

#[tokio::test]
async fn later_signups_get_the_default_role() {
    let s = common::spawn().await;
    s.signup("Admin", "admin@example.com").await;
    let (_, second) = s.signup("Pat", "pat@example.com").await;
    assert_eq!(second["role"], "pending");

    s.state
        .config
        .save_admin_settings(&app::model::AdminSettings {
            enable_signup: true,
            default_user_role: app::model::Role::User,
            enable_user_webhooks: true,
        })
        .await
        .expect("save");
    let (_, third) = s.signup("Sam", "sam@example.com").await;
    assert_eq!(third["role"], "user", "the saved default role wins");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_are_the_same_401() {
    let s = common::spawn().await;
    s.signup("Tim", "tim@example.com").await;
    let (status, wrong) = s
        .post_json(
            "/api/v1/auths/signin",
            json!({"email": "tim@example.com", "password": "nope nope"}),
            None,
        )
        .await;
    assert_eq!(status, 401);
    assert_detail(&wrong);
    let (status, unknown) = s
        .post_json(
            "/api/v1/auths/signin",
            json!({"email": "who@example.com", "password": "nope nope"}),
            None,
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(wrong, unknown, "no account enumeration");
}

#[tokio::test]
async fn duplicate_email_is_a_409_json_error() {
    let s = common::spawn().await;
    s.signup("Tim", "tim@example.com").await;
    let (status, body) = s
        .post_json(
            "/api/v1/auths/signup",
            json!({"name": "Tim 2", "email": " TIM@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_detail(&body);
    let (_, users) = (
        0,
        parley_core::accounts::user_count(&s.state.db)
            .await
            .expect("count"),
    );
    assert_eq!(users, 1, "nothing stored");
}

#[tokio::test]
async fn bad_input_gets_json_errors() {
    let s = common::spawn().await;
    let res = s
        .http
        .post(s.url("/api/v1/auths/signup"))
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 400);
    assert_detail(&res.json().await.expect("json"));

    let (status, body) = s
        .post_json(
            "/api/v1/auths/signup",
            json!({"email": "x@example.com"}),
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_detail(&body);

    let (status, body) = s
        .post_json(
            "/api/v1/auths/signup",
            json!({"name": "X", "email": "not-an-email", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("email"),
        "{body}"
    );

    let (status, body) = s
        .post_json(
            "/api/v1/auths/signup",
            json!({"name": "X", "email": "x@example.com", "password": "short"}),
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("8"),
        "{body}"
    );

    let (status, body) = s.get_json("/api/v1/auths/", None).await;
    assert_eq!(status, 401);
    assert_detail(&body);

    let (status, body) = s.get_json("/api/v1/auths/", Some("forged-token")).await;
    assert_eq!(status, 401);
    assert_detail(&body);

    let (status, body) = s.get_json("/api/v1/does-not-exist", None).await;
    assert_eq!(status, 404);
    assert_detail(&body);
}

#[tokio::test]
async fn pending_user_is_denied_admin_server_functions() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Admin", "admin@example.com").await;
    let (pending, _) = s.signup("Pat", "pat@example.com").await;

    let (status, body, _) = s.server_fn("admin_list_users", &[], Some(&pending)).await;
    assert_eq!(status, 403, "{body}");
    assert!(!body.contains("pat@example.com"));

    let (status, body, _) = s.server_fn("admin_list_users", &[], None).await;
    assert_eq!(status, 401, "{body}");

    let (status, body, _) = s.server_fn("admin_list_users", &[], Some(&admin)).await;
    assert_eq!(status, 200, "{body}");
    let users: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(users.as_array().map(Vec::len), Some(2));

    // A pending user cannot promote themselves either.
    let pending_id = users[1]["id"].as_str().expect("id").to_string();
    let (status, _, _) = s
        .server_fn(
            "admin_set_role",
            &[("user_id", &pending_id), ("role", "admin")],
            Some(&pending),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn role_change_takes_effect_on_the_next_request() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Admin", "admin@example.com").await;
    let (pending, body) = s.signup("Pat", "pat@example.com").await;
    let id = body["id"].as_str().expect("id");
    let (status, me) = s.get_json("/api/v1/auths/", Some(&pending)).await;
    assert_eq!((status, me["role"].as_str()), (200, Some("pending")));

    let (status, text, _) = s
        .server_fn(
            "admin_set_role",
            &[("user_id", id), ("role", "user")],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let (_, me) = s.get_json("/api/v1/auths/", Some(&pending)).await;
    assert_eq!(me["role"], "user");

    let (status, text, _) = s
        .server_fn("admin_delete_user", &[("user_id", id)], Some(&admin))
        .await;
    assert_eq!(status, 200, "{text}");
    let (status, _) = s.get_json("/api/v1/auths/", Some(&pending)).await;
    assert_eq!(status, 401, "a deleted user's sessions end at once");
}

#[tokio::test]
async fn signin_is_rate_limited_per_email() {
    let s = common::spawn().await;
    s.signup("Tim", "tim@example.com").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let res = s
            .http
            .post(s.url("/api/v1/auths/signin"))
            .json(&json!({"email": "tim@example.com", "password": "wrong password"}))
            .send()
            .await
            .expect("send");
        statuses.push(res.status().as_u16());
        if res.status().as_u16() == 429 {
            let retry: u64 = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .expect("Retry-After header");
            assert!(retry >= 1);
            assert_detail(&res.json().await.expect("json"));
        }
    }
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429]);
    // Even the right password waits now.
    let (status, _) = s
        .post_json(
            "/api/v1/auths/signin",
            json!({"email": "tim@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn signup_can_be_switched_off_except_for_the_first_account() {
    let s = common::spawn_with(|env| env.enable_signup = false).await;
    let (_, first) = s.signup("Admin", "admin@example.com").await;
    assert_eq!(first["role"], "admin");
    let (status, body) = s
        .post_json(
            "/api/v1/auths/signup",
            json!({"name": "Pat", "email": "pat@example.com", "password": "correct horse"}),
            None,
        )
        .await;
    assert_eq!(status, 403, "{body}");
    assert_detail(&body);
}

#[tokio::test]
async fn signout_ends_the_session() {
    let s = common::spawn().await;
    let (token, _) = s.signup("Tim", "tim@example.com").await;
    let (status, _) = s
        .post_json("/api/v1/auths/signout", json!({}), Some(&token))
        .await;
    assert_eq!(status, 200);
    let (status, _) = s.get_json("/api/v1/auths/", Some(&token)).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn browser_sign_in_sets_an_httponly_lax_cookie() {
    let s = common::spawn().await;
    s.signup("Tim", "tim@example.com").await;
    let (status, body, headers) = s
        .server_fn(
            "sign_in",
            &[("email", "tim@example.com"), ("password", "correct horse")],
            None,
        )
        .await;
    assert!(status < 400, "{status} {body}");
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("parley_session="))
        .expect("session cookie")
        .to_string();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    let token = cookie
        .trim_start_matches("parley_session=")
        .split(';')
        .next()
        .expect("value");
    let res = s
        .http
        .get(s.url("/api/v1/auths/"))
        .header("Cookie", format!("parley_session={token}"))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn pages_are_rendered_on_the_server_in_the_browser_language() {
    let s = common::spawn().await;
    let res = s
        .http
        .get(s.url("/signin"))
        .header("Accept-Language", "de-DE,de;q=0.9")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.expect("html");
    assert!(
        html.contains("Bei Parley anmelden"),
        "German SSR expected: {}",
        &html[..html.len().min(2000)]
    );
    assert!(html.contains("name=\"password\""));

    let res = s.http.get(s.url("/signin")).send().await.expect("send");
    assert!(res
        .text()
        .await
        .expect("html")
        .contains("Sign in to Parley"));

    let res = s
        .http
        .get(s.url("/admin"))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("send");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        status == 302 || status == 303 || status == 307,
        "anonymous /admin redirects, got {status}"
    );
    assert_eq!(location, "/signin");
}

#[tokio::test]
async fn admins_hear_about_signups_on_the_realtime_socket() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Admin", "admin@example.com").await;

    let mut socket = common::connect_socket(&s.base, &admin).await;

    // Wait until the hub knows the tab before causing the event.
    let id = admin_id(&s, &admin).await;
    common::eventually(
        "the hub to know the tab",
        common::wait::POLL * 250,
        async || (s.state.hub.connection_count(&id) > 0).then_some(()),
    )
    .await;
    s.signup("Pat", "pat@example.com").await;
    let msg = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .expect("event in time")
        .expect("message")
        .expect("ok");
    let event: Value = serde_json::from_str(msg.to_text().expect("text")).expect("json");
    assert_eq!(event["type"], "users_changed");

    // No cookie, no socket.
    let anon = tokio_tungstenite::connect_async(
        format!("{}/api/ws", s.base.replace("http://", "ws://")).as_str(),
    )
    .await;
    assert!(anon.is_err(), "anonymous socket must be refused");
}

async fn admin_id(s: &common::TestServer, token: &str) -> String {
    let (_, me) = s.get_json("/api/v1/auths/", Some(token)).await;
    me["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn the_suite_runs_on_the_database_it_was_asked_for() {
    let s = common::spawn().await;
    let wants_postgres = std::env::var("PARLEY_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty());
    let expected = if wants_postgres {
        parley_core::db::Backend::Postgres
    } else {
        parley_core::db::Backend::Sqlite
    };
    assert_eq!(s.state.backend, expected);
}

#[tokio::test]
async fn api_keys_authenticate_scripts_until_deleted() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (status, body, _) = s
        .server_fn("create_api_key", &[("name", "ci")], Some(&admin))
        .await;
    assert_eq!(status, 200, "{body}");
    let key: String = serde_json::from_str(&body).expect("json string");
    assert!(key.starts_with("sk-") && key.len() >= 46, "{key}");

    let (status, me) = s.get_json("/api/v1/auths/", Some(&key)).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["email"], "ada@example.com");
    let (status, _) = s
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "via key"}),
            Some(&key),
        )
        .await;
    assert_eq!(status, 200, "a key acts with its owner's role");

    let (_, list, _) = s.server_fn("list_api_keys", &[], Some(&admin)).await;
    let list: Value = serde_json::from_str(&list).expect("json");
    assert_eq!(list[0]["name"], "ci");
    assert!(list[0]["last_used_at"].as_i64().is_some());
    assert!(
        !list.to_string().contains(&key),
        "the secret is never listed"
    );

    let id = list[0]["id"].as_str().expect("id");
    let (status, _, _) = s
        .server_fn("delete_api_key", &[("id", id)], Some(&admin))
        .await;
    assert_eq!(status, 200);
    assert_eq!(s.get_json("/api/v1/auths/", Some(&key)).await.0, 401);
    assert_eq!(s.get_json("/api/v1/auths/", Some("sk-forged")).await.0, 401);

    let (pending, _) = s.signup("Pat", "pat@example.com").await;
    let (status, _, _) = s
        .server_fn("create_api_key", &[("name", "x")], Some(&pending))
        .await;
    assert_eq!(status, 403, "pending users get no keys");
}
