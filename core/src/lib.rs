//! Parley's domain: accounts, sessions, channels and their webhooks,
//! chats, presence, events and webhook deliveries. Plain async Rust on
//! sqlx and tokio — no web framework: server functions (`app`), REST
//! handlers (`server`) and tests all call these functions directly, and
//! HTTP details (cookies, origins, headers) stay with them.

pub use parley_model::{i18n, ids, model};

pub mod accounts;
pub mod api_keys;
pub mod catalog;
pub mod channel_webhooks;
pub mod channels;
pub mod chats;
pub mod config;
pub mod crypto;
pub mod db;
pub mod env;
pub mod error;
pub mod events;
pub mod feed;
pub mod github;
pub mod incoming_body;
pub mod llm;
pub mod maintenance;
pub mod markdown;
pub mod media;
pub mod media_fetcher;
pub mod message_writer;
pub mod mrkdwn;
pub mod presence;
pub mod ratelimit;
pub mod realtime;
pub mod realtime_pg;
pub mod rich;
pub mod sessions;
pub mod state;
pub mod tokens;
pub mod users;
pub mod webhook_cache;
pub mod webhooks;

pub use error::Error;
pub use state::AppState;
