//! Server-only domain logic. Plain async Rust: server functions, REST
//! handlers and tests all call these functions directly.

pub mod accounts;
pub mod api_keys;
pub mod batch;
pub mod channel_webhooks;
pub mod channels;
pub mod chats;
pub mod config;
pub mod crypto;
pub mod db;
pub mod env;
pub mod events;
pub mod github;
pub mod incoming_body;
pub mod llm;
pub mod maintenance;
pub mod media;
pub mod message_writer;
pub mod mrkdwn;
pub mod presence;
pub mod ratelimit;
pub mod realtime;
pub mod realtime_pg;
pub mod rich;
pub mod sessions;
pub mod state;
pub mod webhooks;

pub use state::AppState;
