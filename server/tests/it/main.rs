//! Parley's integration tests as one binary (linked once, as svix's
//! `tests/it`): a module per area, real HTTP receivers on loopback, real
//! database files (or a PostgreSQL server, `PARLEY_TEST_POSTGRES_URL`),
//! real sockets and the real `parley` binary where a process must die.
//!
//! Tests named `multi_instance` (the module, and one in `security`) need
//! PostgreSQL — several instances on one database — and fail without it;
//! the SQLite pass skips them by name (`make test-rust`).

mod common;

mod accounts_api;
mod bound_requests;
mod channels_api;
mod chats;
mod compression;
mod crash_recovery;
mod dialects;
mod events;
mod hostile_input;
mod i18n;
mod memory_bounds;
mod migration;
mod multi_instance;
mod permissions;
mod presence;
mod proxy_env;
mod rich_messages;
mod security;
mod user_webhook;
mod webhooks;
