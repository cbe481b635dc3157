//! The composition root: every service built once, from the environment,
//! in `main` (and by the tests). Domain functions never take this — each
//! takes the one service it needs (`Feed`, `Channels`, `ChannelWebhooks`,
//! `Accounts`, `Chats`, `UserWebhooks`, `AdminWebhooks`, `Vault`,
//! `Outbox`); the edges pick that service out of here (axum's `FromRef`,
//! the server functions' `app::api::ctx`).

use std::sync::Arc;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::accounts::Accounts;
use super::api_keys::ApiKeys;
use super::channel_webhooks::{ChannelWebhooks, FailedTokenLimiter, IncomingLimiter};
use super::channels::Channels;
use super::chats::{Chats, Generations};
use super::config::ConfigStore;
use super::crypto::SecretBox;
use super::db::{self, Backend, Db, DbError};
use super::env::EnvConfig;
use super::events::Outbox;
use super::feed::{Feed, ViewersCache};
use super::llm::ChatModels;
use super::maintenance::Limiters;
use super::message_writer::{MemberNotices, MessageWriter};
use super::presence::PresenceRegistry;
use super::ratelimit::{ManualDeliveryLimiter, SignInLimiter, SignInQuota};
use super::realtime::RealtimeHub;
use super::realtime_pg::{LoadOversized, Oversized};
use super::webhook_cache::WebhookCache;
use super::webhooks::admin::AdminWebhooks;
use super::webhooks::credentials::Vault;
use super::webhooks::user::UserWebhooks;
use super::webhooks::worker::WorkerContext;
use crate::model::ServerEvent;

/// The composition root, shared: a clone (axum's `State`, every middleware
/// and handler) is one reference count, whatever it holds.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// Everything `AppState` holds.
pub struct Services {
    pub db: Db,
    pub backend: Backend,
    pub env: Arc<EnvConfig>,
    pub config: ConfigStore,
    pub hub: RealtimeHub,
    pub presence: PresenceRegistry,
    pub signin_limiter: Arc<SignInLimiter>,
    /// Send test / Redeliver per user.
    pub manual_deliveries: Arc<ManualDeliveryLimiter>,
    pub outbox: Outbox,
    pub feed: Feed,
    pub channels: Channels,
    pub channel_webhooks: ChannelWebhooks,
    pub accounts: Accounts,
    pub api_keys: ApiKeys,
    pub chats: Chats,
    pub user_webhooks: UserWebhooks,
    pub admin_webhooks: AdminWebhooks,
    pub vault: Vault,
    pub worker: WorkerContext,
    pub limiters: Limiters,
    /// Cancelled on SIGTERM: background tasks finish what is in flight.
    pub shutdown: CancellationToken,
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
            super::realtime_pg::start(
                &state.db,
                &state.hub,
                &state.presence,
                &url,
                state.oversized_loader(),
            )
            .await
            .map_err(DbError::Connect)?;
        }
        Ok(state)
    }

    pub fn new(db: Db, backend: Backend, env: EnvConfig) -> AppState {
        let delivery_wake = Arc::new(Notify::new());
        let config = ConfigStore::new(db.clone(), env.clone());
        let presence = PresenceRegistry::default();
        let hub = RealtimeHub::default();
        let secrets = SecretBox::new(&env.secret_key);
        let emit = env.emit_settings();
        let outbox = Outbox::new(db.clone(), emit.clone(), delivery_wake.clone(), hub.clone());
        let vault = Vault {
            db: db.clone(),
            secrets: secrets.clone(),
        };
        let allowed_hosts = Arc::new(env.webhook_allowed_hosts.clone());
        // The caches are on only where this process sees every change
        // (SQLite: it is the database's one writer).
        let caches_on = backend == Backend::Sqlite;
        let feed = Feed {
            db: db.clone(),
            hub: hub.clone(),
            viewers: Arc::new(ViewersCache::new(caches_on)),
            writer: MessageWriter::spawn(
                db.clone(),
                backend,
                emit,
                MemberNotices {
                    config: config.clone(),
                    presence: presence.clone(),
                },
                delivery_wake,
            ),
            media_wake: Arc::new(Notify::new()),
        };
        let channels = Channels {
            feed: feed.clone(),
            backend,
            outbox: outbox.clone(),
            webhooks: Arc::new(WebhookCache::new(caches_on)),
        };
        let limiters = Limiters {
            signin: Arc::new(SignInLimiter::new(SignInQuota::default())),
            wrong_tokens: Arc::new(FailedTokenLimiter::default()),
            manual_deliveries: Arc::new(ManualDeliveryLimiter::default()),
            incoming: IncomingLimiter::new(
                env.channel_webhook_rate_limit,
                env.channel_webhook_burst,
            )
            .map(Arc::new),
        };
        let channel_webhooks = ChannelWebhooks {
            channels: channels.clone(),
            secrets: secrets.clone(),
            public_url: env.webui_url.clone(),
            limiter: limiters.incoming.clone(),
            auth_failures: limiters.wrong_tokens.clone(),
        };
        let user_webhooks = UserWebhooks {
            db: db.clone(),
            config: config.clone(),
            presence: presence.clone(),
            allowed_hosts: allowed_hosts.clone(),
            default_locale: env.default_locale,
            manual_deliveries: limiters.manual_deliveries.clone(),
            outbox: outbox.clone(),
            vault: vault.clone(),
        };
        AppState(Arc::new(Services {
            api_keys: ApiKeys {
                db: db.clone(),
                backend,
                outbox: outbox.clone(),
            },
            accounts: Accounts {
                db: db.clone(),
                backend,
                config: config.clone(),
                default_locale: env.default_locale,
                hub: hub.clone(),
                viewers: feed.viewers.clone(),
                outbox: outbox.clone(),
            },
            chats: Chats {
                db: db.clone(),
                backend,
                hub: hub.clone(),
                models: ChatModels::from_env(&env),
                generations: Generations::default(),
                webhooks: user_webhooks.clone(),
            },
            admin_webhooks: AdminWebhooks {
                db: db.clone(),
                env_webhook_url: env.webhook_url.clone(),
                default_locale: env.default_locale,
                outbox: outbox.clone(),
                vault: vault.clone(),
            },
            worker: WorkerContext {
                db: db.clone(),
                backend,
                settings: env.delivery.clone(),
                vault: vault.clone(),
                allowed_hosts,
                user_webhooks_default: env.enable_user_webhooks,
                outbox: outbox.clone(),
            },
            signin_limiter: limiters.signin.clone(),
            manual_deliveries: limiters.manual_deliveries.clone(),
            shutdown: CancellationToken::new(),
            user_webhooks,
            channel_webhooks,
            channels,
            feed,
            outbox,
            vault,
            limiters,
            config,
            db,
            backend,
            env: Arc::new(env),
            hub,
            presence,
        }))
    }

    /// Starts the background tasks — the delivery worker, the image
    /// fetcher and the maintenance task. They stop when
    /// `shutdown` is cancelled; [`Background::finished`] waits for them
    /// (the worker first finishes its attempts in flight).
    pub fn spawn_background(&self) -> Result<Background, reqwest::Error> {
        let worker =
            super::webhooks::DeliveryWorker::spawn(self.worker.clone(), self.shutdown.clone())?;
        let fetcher = super::media_fetcher::MediaFetcher::spawn(
            self.feed.clone(),
            &self.env.delivery,
            &self.env.webhook_allowed_hosts,
            self.shutdown.clone(),
        )?;
        let maintenance = super::maintenance::spawn(
            self.db.clone(),
            self.env.retention.clone(),
            self.limiters.clone(),
            self.shutdown.clone(),
        );
        Ok(Background {
            tasks: vec![worker, fetcher, maintenance],
        })
    }

    /// How the PostgreSQL relay loads a message too large for NOTIFY.
    fn oversized_loader(&self) -> LoadOversized {
        let db = self.db.clone();
        Arc::new(move |reference| {
            let db = db.clone();
            Box::pin(async move {
                match reference {
                    Oversized::ChannelMessage(id) => {
                        match super::feed::message_by_id(&db, &id).await {
                            Ok(message) => message.map(|m| ServerEvent::ChannelMessage {
                                message: Box::new(m),
                            }),
                            Err(e) => {
                                tracing::warn!(error = %e, "cannot load a relayed message");
                                None
                            }
                        }
                    }
                    Oversized::ChatMessage(id) => {
                        match super::chats::message_by_id(&db, &id).await {
                            Ok(m) => Some(ServerEvent::ChatMessageSaved {
                                message: Box::new(m),
                            }),
                            Err(e) => {
                                tracing::warn!(error = %e, "cannot load a relayed chat message");
                                None
                            }
                        }
                    }
                }
            })
        })
    }
}

/// The background tasks [`AppState::spawn_background`] started.
pub struct Background {
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Background {
    /// Waits until every task has stopped (after `shutdown` is cancelled).
    pub async fn finished(self) {
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
