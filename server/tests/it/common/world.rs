//! A channel with every kind of caller, for tests of channels, webhooks and
//! who may see what: an admin, a manager and a member of the channel, an
//! approved outsider and a pending account.
#![allow(dead_code)]

use serde_json::{json, Value};

use super::TestServer;

pub struct World {
    pub s: TestServer,
    pub admin: String,
    pub manager: String,
    pub member: String,
    pub outsider: String,
    pub pending: String,
    pub channel: String,
}

pub async fn world_with(configure: impl FnOnce(&mut parley_core::env::EnvConfig)) -> World {
    let s = super::spawn_with(configure).await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (manager, m) = s.signup("Manny", "manny@example.com").await;
    let (member, mb) = s.signup("Mel", "mel@example.com").await;
    let (outsider, o) = s.signup("Otto", "otto@example.com").await;
    let (pending, _) = s.signup("Pia", "pia@example.com").await;
    for b in [&m, &mb, &o] {
        super::approve(&s, &admin, b).await;
    }
    let (status, ch) = s
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "ops", "description": "alerts"}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{ch}");
    let channel = ch["id"].as_str().expect("id").to_string();
    let admin_user = parley_core::sessions::user_for_token(&s.state.db, &admin)
        .await
        .expect("db")
        .expect("admin");
    parley_core::channels::set_member(
        &s.state.channels,
        &admin_user,
        &channel,
        "manny@example.com",
        app::model::ChannelRole::Manager,
    )
    .await
    .expect("manager");
    parley_core::channels::set_member(
        &s.state.channels,
        &admin_user,
        &channel,
        "mel@example.com",
        app::model::ChannelRole::Member,
    )
    .await
    .expect("member");
    World {
        s,
        admin,
        manager,
        member,
        outsider,
        pending,
        channel,
    }
}

pub async fn world() -> World {
    world_with(|_| {}).await
}

impl World {
    pub async fn create_hook(&self, name: &str) -> Value {
        let (status, hook) = self
            .s
            .post_json(
                &format!("/api/v1/channels/{}/webhooks/create", self.channel),
                json!({"name": name}),
                Some(&self.manager),
            )
            .await;
        assert_eq!(status, 200, "{hook}");
        hook
    }

    pub async fn post_raw(
        &self,
        url: &str,
        body: &str,
    ) -> (u16, Value, reqwest::header::HeaderMap) {
        let res = self
            .s
            .http
            .post(url)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("post");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, res.json().await.unwrap_or(Value::Null), headers)
    }

    pub async fn messages(&self) -> Vec<Value> {
        let (status, list) = self
            .s
            .get_json(
                &format!("/api/v1/channels/{}/messages", self.channel),
                Some(&self.member),
            )
            .await;
        assert_eq!(status, 200, "{list}");
        list.as_array().cloned().unwrap_or_default()
    }
}

impl World {
    /// The channel's messages as the page gets them (rendered HTML
    /// included), oldest first, read as `token`.
    pub async fn page_messages(&self, token: &str) -> Vec<Value> {
        let (status, text, _) = self
            .s
            .server_fn(
                "channel_messages",
                &[("channel_id", &self.channel)],
                Some(token),
            )
            .await;
        assert_eq!(status, 200, "{text}");
        serde_json::from_str::<Value>(&text)
            .expect("json")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The id of the account behind a token.
    pub async fn user_id(&self, token: &str) -> String {
        parley_core::sessions::user_for_token(&self.s.state.db, token)
            .await
            .expect("db")
            .expect("user")
            .id
    }
}
