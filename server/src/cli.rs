//! `parley --help`: every setting of SPEC §8, each also read from its
//! environment variable.

use app::i18n::Locale;
use app::model::Role;
use clap::builder::BoolishValueParser;
use clap::{ArgAction, Parser};
use parley_core::env::{EnvConfig, IpNet};
use parley_core::webhooks::DeliverySettings;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "parley",
    version,
    about = "Parley — a self-hosted chat workspace with first-class webhooks.",
    long_about = "Parley — a self-hosted chat workspace with first-class webhooks.\n\n\
                  Every option can also be set through the environment variable shown with it."
)]
pub struct Cli {
    /// Database: sqlite://path (created and migrated on start) or postgres://…
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/parley.db")]
    pub database_url: String,

    /// Address to listen on.
    #[arg(long, env = "PARLEY_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Public base URL of this instance, used in links sent to webhooks
    /// (e.g. https://chat.example.com). Cookies are marked Secure when https.
    #[arg(long, env = "WEBUI_URL")]
    pub webui_url: Option<String>,

    /// Key for encrypting stored secrets. Generated and kept in the data
    /// directory when unset.
    #[arg(long, env = "WEBUI_SECRET_KEY", hide_env_values = true)]
    pub webui_secret_key: Option<String>,

    /// Default admin webhook URL for new sign-ups (until an admin saves one).
    #[arg(long, env = "WEBHOOK_URL")]
    pub webhook_url: Option<String>,

    /// Allow per-user notification webhooks.
    #[arg(long, env = "ENABLE_USER_WEBHOOKS", default_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub enable_user_webhooks: bool,

    /// Allow new sign-ups (the first account can always sign up).
    #[arg(long, env = "ENABLE_SIGNUP", default_value = "true", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub enable_signup: bool,

    /// Role of new self-signed-up accounts: pending or user.
    #[arg(long, env = "DEFAULT_USER_ROLE", default_value = "pending", value_parser = parse_default_role)]
    pub default_user_role: Role,

    /// Extra destinations user webhooks may reach: CIDRs, host names, or the
    /// words private / loopback (comma-separated).
    #[arg(long, env = "WEBHOOK_ALLOWED_HOSTS", value_delimiter = ',')]
    pub webhook_allowed_hosts: Vec<String>,

    /// Base URL of an OpenAI-compatible API (Ollama works too).
    #[arg(long, env = "OPENAI_API_BASE_URL")]
    pub openai_api_base_url: Option<String>,

    /// API key for OPENAI_API_BASE_URL.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    pub openai_api_key: Option<String>,

    /// Milliseconds between the words of the built-in `parley-echo` model's
    /// reply (raise it to make a reply take a while).
    #[arg(long, env = "PARLEY_ECHO_DELAY_MS", default_value = "60")]
    pub parley_echo_delay_ms: u64,

    /// Waits between webhook delivery attempts, e.g. 5s,5m,30m,2h,5h,10h,10h.
    #[arg(long, env = "WEBHOOK_RETRY_SCHEDULE", default_value = "5s,5m,30m,2h,5h,10h,10h", value_parser = parse_schedule)]
    pub webhook_retry_schedule: Schedule,

    /// Seconds an outgoing webhook request may take (connecting: at most 5).
    #[arg(long, env = "WEBHOOK_TIMEOUT", default_value = "15")]
    pub webhook_timeout: u64,

    /// Incoming channel webhook posts allowed per second per webhook, with
    /// bursts of 100; 0 turns the limit off.
    #[arg(long, env = "CHANNEL_WEBHOOK_RATE_LIMIT", default_value = "20")]
    pub channel_webhook_rate_limit: u32,

    /// Instance language (en, de, fr, es, ru): admin notifications and the
    /// UI default when the browser states none.
    #[arg(long, env = "DEFAULT_LOCALE", default_value = "en", value_parser = parse_locale)]
    pub default_locale: Locale,

    /// Mark the session cookie Secure. Defaults to true when WEBUI_URL is
    /// https://; set it to true behind a TLS-terminating proxy that reaches
    /// Parley over plain HTTP without WEBUI_URL.
    #[arg(long, env = "WEBUI_SESSION_COOKIE_SECURE", action = ArgAction::Set, value_parser = BoolishValueParser::new())]
    pub webui_session_cookie_secure: Option<bool>,

    /// Reverse proxies in front of Parley (IPs or CIDRs, comma-separated):
    /// only from these is `X-Forwarded-For` believed, so the sign-in
    /// throttle counts each real client, not the proxy.
    #[arg(long, env = "PARLEY_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_proxy)]
    pub trusted_proxies: Vec<IpNet>,

    /// Days a delivered outgoing webhook stays in the delivery log.
    #[arg(long, env = "WEBHOOK_DELIVERED_RETENTION_DAYS", default_value = "30")]
    pub webhook_delivered_retention_days: u32,

    /// Days a failed outgoing webhook stays in the delivery log.
    #[arg(long, env = "WEBHOOK_FAILED_RETENTION_DAYS", default_value = "90")]
    pub webhook_failed_retention_days: u32,

    /// MiB of sender images (avatars, card images) kept in total; the least
    /// recently shown go first.
    #[arg(long, env = "PARLEY_MEDIA_BUDGET_MB", default_value = "256")]
    pub media_budget_mb: u64,
}

#[derive(Clone, Debug)]
pub struct Schedule(pub Vec<std::time::Duration>);

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    parley_core::webhooks::worker::parse_schedule(s).map(Schedule)
}

fn parse_default_role(s: &str) -> Result<Role, String> {
    match s.parse::<Role>()? {
        Role::Admin => Err("the default role can be pending or user".into()),
        role => Ok(role),
    }
}

fn parse_proxy(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("'{s}' is neither an IP address nor a CIDR"))
}

fn parse_locale(s: &str) -> Result<Locale, String> {
    Locale::from_code(s).ok_or_else(|| format!("unsupported language '{s}' (en, de, fr, es, ru)"))
}

impl Cli {
    /// The directory where Parley keeps files next to its SQLite database.
    pub fn data_dir(&self) -> PathBuf {
        let path = self
            .database_url
            .trim_start_matches("sqlite:")
            .trim_start_matches("//");
        let path = path.split('?').next().unwrap_or_default();
        if self.database_url.starts_with("sqlite:") && path != ":memory:" {
            if let Some(dir) = Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                return dir.to_path_buf();
            }
        }
        PathBuf::from("data")
    }

    pub fn into_env(self) -> std::io::Result<EnvConfig> {
        let secret_key = match self.webui_secret_key.clone().filter(|k| !k.is_empty()) {
            Some(key) => key,
            None => load_or_create_secret(&self.data_dir())?,
        };
        let secure_cookies = self.webui_session_cookie_secure.unwrap_or_else(|| {
            self.webui_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
        });
        Ok(EnvConfig {
            database_url: self.database_url,
            webui_url: self.webui_url.map(|u| u.trim_end_matches('/').to_string()),
            secret_key,
            webhook_url: self.webhook_url.filter(|u| !u.trim().is_empty()),
            enable_user_webhooks: self.enable_user_webhooks,
            enable_signup: self.enable_signup,
            default_user_role: self.default_user_role,
            webhook_allowed_hosts: self
                .webhook_allowed_hosts
                .into_iter()
                .filter(|h| !h.trim().is_empty())
                .collect(),
            openai_api_base_url: self.openai_api_base_url.filter(|u| !u.trim().is_empty()),
            openai_api_key: self.openai_api_key.filter(|k| !k.is_empty()),
            echo_delay: std::time::Duration::from_millis(self.parley_echo_delay_ms),
            default_locale: self.default_locale,
            secure_cookies,
            channel_webhook_rate_limit: self.channel_webhook_rate_limit,
            channel_webhook_burst: 100,
            trusted_proxies: self.trusted_proxies,
            retention: parley_core::maintenance::RetentionSettings {
                delivered: parley_core::maintenance::DAY
                    * self.webhook_delivered_retention_days.max(1),
                failed: parley_core::maintenance::DAY * self.webhook_failed_retention_days.max(1),
                media_budget_bytes: i64::try_from(self.media_budget_mb.saturating_mul(1024 * 1024))
                    .unwrap_or(i64::MAX),
                ..Default::default()
            },
            delivery: DeliverySettings {
                schedule: self.webhook_retry_schedule.0,
                timeout: std::time::Duration::from_secs(self.webhook_timeout.max(1)),
                connect_timeout: std::time::Duration::from_secs(self.webhook_timeout.clamp(1, 5)),
                ..DeliverySettings::default()
            },
        })
    }
}

fn load_or_create_secret(dir: &Path) -> std::io::Result<String> {
    let file = dir.join(".webui_secret_key");
    if let Ok(existing) = std::fs::read_to_string(&file) {
        if !existing.trim().is_empty() {
            return Ok(existing.trim().to_string());
        }
    }
    std::fs::create_dir_all(dir)?;
    let key = parley_core::tokens::new_token();
    // Created 0600 from the first byte: there is no moment when another
    // local user could read it (a chmod after writing leaves one).
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut out = options.open(&file)?;
    std::io::Write::write_all(&mut out, key.as_bytes())?;
    out.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_secret_key_file_is_created_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let key = load_or_create_secret(dir.path()).expect("key");
        let meta = std::fs::metadata(dir.path().join(".webui_secret_key")).expect("file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(load_or_create_secret(dir.path()).expect("again"), key);
    }

    #[test]
    fn secure_cookies_follow_webui_url_unless_set() {
        let parse = |args: &[&str]| {
            let mut all = vec!["parley", "--webui-secret-key", "k"];
            all.extend_from_slice(args);
            Cli::try_parse_from(all)
                .expect("args")
                .into_env()
                .expect("env")
        };
        assert!(!parse(&[]).secure_cookies);
        assert!(parse(&["--webui-url", "https://chat.example.com"]).secure_cookies);
        assert!(parse(&["--webui-session-cookie-secure", "true"]).secure_cookies);
        assert!(
            !parse(&[
                "--webui-url",
                "https://chat.example.com",
                "--webui-session-cookie-secure",
                "false"
            ])
            .secure_cookies
        );
    }
}
