//! Persistent configuration: the environment gives a default, and once an
//! admin saves a value in the UI the saved value wins (as Open WebUI's
//! PersistentConfig).

use super::db::{now_ms, Db};
use super::env::EnvConfig;
use crate::error::Error;
use crate::i18n::Key;
use crate::model::{AdminSettings, Role};

pub const ENABLE_SIGNUP: &str = "auth.enable_signup";
pub const DEFAULT_USER_ROLE: &str = "auth.default_user_role";
pub const ENABLE_USER_WEBHOOKS: &str = super::webhooks::store::USER_WEBHOOKS_SWITCH;

#[derive(Clone)]
pub struct ConfigStore {
    db: Db,
    /// Shared: services holding a `ConfigStore` are cloned per request.
    env: std::sync::Arc<EnvConfig>,
}

impl ConfigStore {
    pub fn new(db: Db, env: EnvConfig) -> Self {
        ConfigStore {
            db,
            env: std::sync::Arc::new(env),
        }
    }

    pub async fn get_raw(&self, key: &str) -> Result<Option<String>, Error> {
        let value: Option<(String,)> = sqlx::query_as("SELECT value FROM config WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.db)
            .await?;
        Ok(value.map(|(v,)| v))
    }

    pub async fn set_raw(&self, key: &str, value: &str) -> Result<(), Error> {
        upsert(&self.db, key, value).await
    }

    async fn get_bool(&self, key: &str, default: bool) -> Result<bool, Error> {
        Ok(self
            .get_raw(key)
            .await?
            .map(|v| v == "true")
            .unwrap_or(default))
    }

    pub async fn enable_signup(&self) -> Result<bool, Error> {
        self.get_bool(ENABLE_SIGNUP, self.env.enable_signup).await
    }

    pub async fn enable_user_webhooks(&self) -> Result<bool, Error> {
        self.get_bool(ENABLE_USER_WEBHOOKS, self.env.enable_user_webhooks)
            .await
    }

    pub async fn default_user_role(&self) -> Result<Role, Error> {
        Ok(self
            .get_raw(DEFAULT_USER_ROLE)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(self.env.default_user_role))
    }

    pub async fn admin_settings(&self) -> Result<AdminSettings, Error> {
        Ok(AdminSettings {
            enable_signup: self.enable_signup().await?,
            default_user_role: self.default_user_role().await?,
            enable_user_webhooks: self.enable_user_webhooks().await?,
        })
    }

    pub async fn save_admin_settings(&self, s: &AdminSettings) -> Result<(), Error> {
        if s.default_user_role == Role::Admin {
            return Err(Error::invalid(Key::ErrDefaultRole));
        }
        // The three values and `config.updated` in one transaction (SPEC E5).
        let backend =
            super::db::Backend::of(&self.env.database_url).map_err(|_| Error::Internal)?;
        let mut tx = super::db::begin_write(&self.db, backend).await?;
        for (key, value) in [
            (ENABLE_SIGNUP, s.enable_signup.to_string()),
            (DEFAULT_USER_ROLE, s.default_user_role.as_str().to_string()),
            (ENABLE_USER_WEBHOOKS, s.enable_user_webhooks.to_string()),
        ] {
            upsert(&mut *tx, key, &value).await?;
        }
        let event = super::events::Event {
            kind: crate::events::EventKind::ConfigUpdated,
            data: serde_json::json!({"settings": s}),
            message: crate::i18n::Message::new(Key::EventConfigUpdated),
        };
        super::events::emit(&mut tx, &self.env.emit_settings(), &event).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Saves one value on any executor (the pool, or a transaction).
async fn upsert<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    key: &str,
    value: &str,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO config (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now_ms())
    .execute(exec)
    .await?;
    Ok(())
}
