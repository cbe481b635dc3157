//! Outgoing webhooks: payload formats, signing, the SSRF guard, the durable
//! delivery store and the worker that sends (SPEC §1, §5).

pub mod admin;
pub mod credentials;
pub mod fair_share;
pub mod format;
pub mod health;
pub mod host_limit;
pub mod outcome_writer;
pub mod signing;
pub mod ssrf;
pub mod store;
pub mod targets;
pub mod user;
pub mod worker;

pub use worker::{DeliverySettings, DeliveryWorker};
