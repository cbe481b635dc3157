//! Everything a request handler needs, shared behind `Arc`s.

use std::sync::Arc;

use tokio::sync::Notify;

use super::config::ConfigStore;
use super::crypto::SecretBox;
use super::db::{self, Backend, Db, DbError};
use super::env::EnvConfig;
use super::ratelimit::{SignInLimiter, SignInQuota};
use super::realtime::RealtimeHub;
use super::webhooks::store::Target;
use super::webhooks::DeliverySettings;
use crate::error::Error;
use crate::model::ServerEvent;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub backend: Backend,
    pub env: Arc<EnvConfig>,
    pub config: ConfigStore,
    pub hub: RealtimeHub,
    pub presence: super::presence::PresenceRegistry,
    pub signin_limiter: Arc<SignInLimiter>,
    pub secrets: SecretBox,
    pub delivery: DeliverySettings,
    /// Wakes the delivery worker when a delivery is queued.
    pub delivery_wake: Arc<Notify>,
    /// Wakes the media fetcher when a message names an image to fetch.
    pub media_wake: Arc<Notify>,
    /// Writes channel messages, group-committed (SPEC B1).
    pub messages: super::message_writer::MessageWriter,
    /// Per-webhook limit of incoming channel posts; `None` = off.
    pub channel_webhook_limiter: Option<Arc<super::channel_webhooks::IncomingLimiter>>,
    /// Who sees each channel's messages (SPEC B1).
    pub viewers: Arc<super::channels::ViewersCache>,
    /// Incoming webhooks by id, so a post costs no look-up (SPEC B1).
    pub webhook_cache: Arc<super::channel_webhooks::WebhookCache>,
    /// Wrong-token posts to incoming webhooks, per client address.
    pub incoming_auth_failures: Arc<super::channel_webhooks::FailedTokenLimiter>,
    /// Send test / Redeliver per user.
    pub manual_deliveries: Arc<super::ratelimit::ManualDeliveryLimiter>,
    /// parley-echo and the OpenAI-compatible endpoint (SPEC W3).
    pub chat_models: super::llm::ChatModels,
    /// Replies being written by this instance.
    pub generations: super::chats::Generations,
}

impl AppState {
    pub async fn connect(env: EnvConfig) -> Result<AppState, DbError> {
        let (db, backend) = db::connect(&env.database_url).await?;
        let url = env.database_url.clone();
        let state = AppState::new(db, backend, env);
        match super::chats::recover_interrupted(&state.db, backend).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(replies = n, "marked unfinished replies as interrupted"),
            Err(e) => tracing::warn!(error = %e, "cannot check for unfinished replies"),
        }
        if backend == Backend::Postgres {
            super::realtime_pg::start(&state, &url)
                .await
                .map_err(DbError::Connect)?;
        }
        Ok(state)
    }

    pub fn new(db: Db, backend: Backend, env: EnvConfig) -> AppState {
        let delivery_wake = Arc::new(Notify::new());
        let config = ConfigStore::new(db.clone(), env.clone());
        let presence = super::presence::PresenceRegistry::default();
        AppState {
            secrets: SecretBox::new(&env.secret_key),
            delivery: env.delivery.clone(),
            delivery_wake: delivery_wake.clone(),
            media_wake: Arc::new(Notify::new()),
            messages: super::message_writer::MessageWriter::spawn(
                db.clone(),
                backend,
                emit_settings(&env),
                super::message_writer::MemberNotices {
                    config: config.clone(),
                    presence: presence.clone(),
                },
                delivery_wake,
            ),
            channel_webhook_limiter: super::channel_webhooks::IncomingLimiter::new(
                env.channel_webhook_rate_limit,
                env.channel_webhook_burst,
            )
            .map(Arc::new),
            viewers: Arc::new(super::channels::ViewersCache::new(
                backend == Backend::Sqlite,
            )),
            webhook_cache: Arc::new(super::channel_webhooks::WebhookCache::new(
                backend == Backend::Sqlite,
            )),
            incoming_auth_failures: Arc::default(),
            manual_deliveries: Arc::default(),
            config,
            chat_models: super::llm::ChatModels::from_env(&env),
            generations: super::chats::Generations::default(),
            db,
            backend,
            env: Arc::new(env),
            hub: RealtimeHub::default(),
            presence,
            signin_limiter: Arc::new(SignInLimiter::new(SignInQuota::default())),
        }
    }
}

impl AppState {
    /// Tells the worker and the open delivery logs that a delivery of
    /// `target` was queued or changed.
    /// What `events::emit` needs of the configuration.
    pub fn emit_settings(&self) -> super::events::EmitSettings {
        emit_settings(&self.env)
    }

    /// Emits `event` to the admin's targets in `tx` and commits it (SPEC
    /// E5); wakes the worker and open logs when it queued anything.
    pub async fn commit_with_event(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        event: &super::events::Event,
    ) -> Result<(), Error> {
        let queued = super::events::emit(&mut tx, &self.emit_settings(), event).await?;
        tx.commit().await?;
        if queued > 0 {
            self.deliveries_changed(&Target::Admin).await;
        }
        Ok(())
    }

    pub async fn deliveries_changed(&self, target: &Target) {
        self.delivery_wake.notify_one();
        match target {
            Target::Admin => match super::accounts::admin_ids(&self.db).await {
                Ok(ids) => self.hub.send_to_users(&ids, ServerEvent::DeliveriesChanged),
                Err(e) => tracing::warn!(error = %e, "cannot notify admins"),
            },
            Target::User(id) => self.hub.send_to_user(id, ServerEvent::DeliveriesChanged),
        }
    }

    /// The signing secret and custom headers of a delivery's target.
    pub async fn target_credentials(
        &self,
        target_id: &str,
    ) -> Result<(Vec<String>, Vec<(String, String)>), Error> {
        use super::webhooks::credentials;
        Ok((
            credentials::signing_secrets(self, target_id).await?,
            credentials::headers(self, target_id).await?,
        ))
    }
}

/// What `events::emit` needs of the configuration.
pub(crate) fn emit_settings(env: &EnvConfig) -> super::events::EmitSettings {
    super::events::EmitSettings {
        env_webhook_url: env.webhook_url.clone().filter(|u| !u.is_empty()),
        locale: env.default_locale,
    }
}
