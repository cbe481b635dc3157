//! The environment settings of SPEC §8, after parsing. The server binary
//! fills this from `parley --help`'s options; tests build it directly.

use std::time::Duration;

use super::webhooks::DeliverySettings;
use crate::i18n::Locale;
use crate::model::Role;

pub use ipnet::IpNet;

impl EnvConfig {
    /// What `events::emit` needs of the configuration.
    pub fn emit_settings(&self) -> crate::events::EmitSettings {
        crate::events::EmitSettings {
            env_webhook_url: self.webhook_url.clone().filter(|u| !u.is_empty()),
            locale: self.default_locale,
        }
    }
}

#[derive(Clone, Debug)]
pub struct EnvConfig {
    pub database_url: String,
    /// Public base URL (`WEBUI_URL`); links in notifications use it.
    pub webui_url: Option<String>,
    pub secret_key: String,
    pub webhook_url: Option<String>,
    pub enable_user_webhooks: bool,
    pub enable_signup: bool,
    pub default_user_role: Role,
    pub webhook_allowed_hosts: Vec<String>,
    pub openai_api_base_url: Option<String>,
    pub openai_api_key: Option<String>,
    /// Pause between the words of `parley-echo` (PARLEY_ECHO_DELAY_MS).
    pub echo_delay: std::time::Duration,
    pub default_locale: Locale,
    /// Mark cookies `Secure`: on when `WEBUI_URL` is https.
    pub secure_cookies: bool,
    /// Retry schedule, timeouts and concurrency of outgoing webhooks.
    pub delivery: DeliverySettings,
    /// Incoming channel webhook posts per second per webhook (0 = no limit).
    pub channel_webhook_rate_limit: u32,
    pub channel_webhook_burst: u32,
    /// Proxies whose `X-Forwarded-For` names the real client
    /// (`PARLEY_TRUSTED_PROXIES`); from anyone else the header is ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// How long delivery rows and sender images are kept (SPEC D7).
    pub retention: RetentionSettings,
}

impl EnvConfig {
    /// Defaults for a database URL; what a test or a bare `parley` gets.
    pub fn for_database(database_url: impl Into<String>) -> EnvConfig {
        EnvConfig {
            database_url: database_url.into(),
            webui_url: None,
            secret_key: String::new(),
            webhook_url: None,
            enable_user_webhooks: true,
            enable_signup: true,
            default_user_role: Role::Pending,
            webhook_allowed_hosts: Vec::new(),
            openai_api_base_url: None,
            openai_api_key: None,
            echo_delay: std::time::Duration::ZERO,
            default_locale: Locale::En,
            secure_cookies: false,
            delivery: DeliverySettings::default(),
            channel_webhook_rate_limit: 20,
            channel_webhook_burst: 100,
            trusted_proxies: Vec::new(),
            retention: RetentionSettings::default(),
        }
    }
}

/// How long what grows is kept (SPEC D7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionSettings {
    /// Delivered rows (`WEBHOOK_DELIVERED_RETENTION_DAYS`).
    pub delivered: Duration,
    /// Failed rows (`WEBHOOK_FAILED_RETENTION_DAYS`): kept longer, they are
    /// what someone may still look into.
    pub failed: Duration,
    /// Sender images in total, as stored (`PARLEY_MEDIA_BUDGET_MB`).
    pub media_budget_bytes: i64,
    /// An image no message shows is removed once it is this old (it may be
    /// about to be attached).
    pub media_grace: Duration,
}

pub const DAY: Duration = Duration::from_secs(24 * 3600);

impl Default for RetentionSettings {
    fn default() -> Self {
        RetentionSettings {
            delivered: DAY * 30,
            failed: DAY * 90,
            media_budget_bytes: 256 * 1024 * 1024,
            media_grace: Duration::from_secs(3600),
        }
    }
}
