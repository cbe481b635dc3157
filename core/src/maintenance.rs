//! Housekeeping that keeps memory and storage bounded: limiter keys that
//! carry no state any more, and uploaded images nothing refers to.

use std::time::Duration;

use super::db::{now_ms, Db};
use super::AppState;
use crate::error::Error;

/// How often limiters forget idle keys.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// How often orphaned uploads are swept.
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);
/// An upload younger than this is never swept (it may be about to be
/// attached).
pub const UPLOAD_GRACE: Duration = Duration::from_secs(3600);

/// Forgets every limiter key that is back at full quota.
pub fn prune_limiters(state: &AppState) {
    state.signin_limiter.prune();
    state.incoming_auth_failures.prune();
    state.manual_deliveries.prune();
    if let Some(limiter) = &state.channel_webhook_limiter {
        limiter.prune();
    }
}

/// Deletes uploads older than `grace` that no webhook shows as its image
/// and no message shows as its author's (a replaced image, a deleted
/// webhook with no messages). Returns how many were deleted.
pub async fn sweep_orphaned_uploads(db: &Db, grace: Duration) -> Result<u64, Error> {
    let before = now_ms() - i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
    let res = sqlx::query(
        "DELETE FROM uploads WHERE created_at < $1 \
         AND NOT EXISTS (SELECT 1 FROM channel_webhooks w WHERE w.profile_image_url = '/api/v1/uploads/' || uploads.id) \
         AND NOT EXISTS (SELECT 1 FROM channel_messages m WHERE m.author_image = '/api/v1/uploads/' || uploads.id)",
    )
    .bind(before)
    .execute(db)
    .await?;
    Ok(res.rows_affected())
}

/// Runs both for as long as the server runs.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut prune = tokio::time::interval(PRUNE_EVERY);
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        loop {
            tokio::select! {
                _ = prune.tick() => prune_limiters(&state),
                _ = sweep.tick() => match sweep_orphaned_uploads(&state.db, UPLOAD_GRACE).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(count = n, "deleted uploads nothing refers to"),
                    Err(e) => tracing::warn!(error = %e, "cannot sweep uploads"),
                },
            }
        }
    })
}
