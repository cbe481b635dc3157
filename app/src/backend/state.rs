//! Everything a request handler needs, shared behind `Arc`s.

use std::sync::Arc;

use super::config::ConfigStore;
use super::db::{self, Backend, Db, DbError};
use super::env::EnvConfig;
use super::ratelimit::{SignInLimiter, SignInQuota};
use super::realtime::RealtimeHub;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub backend: Backend,
    pub env: Arc<EnvConfig>,
    pub config: ConfigStore,
    pub hub: RealtimeHub,
    pub signin_limiter: Arc<SignInLimiter>,
}

impl AppState {
    pub async fn connect(env: EnvConfig) -> Result<AppState, DbError> {
        let (db, backend) = db::connect(&env.database_url).await?;
        Ok(AppState::new(db, backend, env))
    }

    pub fn new(db: Db, backend: Backend, env: EnvConfig) -> AppState {
        AppState {
            config: ConfigStore::new(db.clone(), env.clone()),
            db,
            backend,
            env: Arc::new(env),
            hub: RealtimeHub::default(),
            signin_limiter: Arc::new(SignInLimiter::new(SignInQuota::default())),
        }
    }
}
