//! Housekeeping that keeps memory and storage bounded: limiter keys that
//! carry no state any more, uploaded images nothing refers to, and the
//! retention of SPEC D7 — old delivery rows, sender images no message
//! shows, and a total budget for sender images (least recently used go
//! first). Deleted rows' pages are reused by new ones, so under a steady
//! load the database file stays flat.

use std::time::Duration;

use super::db::{now_ms, Db};
use crate::error::Error;

/// How often limiters forget idle keys.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// How often orphaned uploads are swept.
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);
/// An upload younger than this is never swept (it may be about to be
/// attached).
pub const UPLOAD_GRACE: Duration = Duration::from_secs(3600);

pub use super::env::{RetentionSettings, DAY};

/// Rows deleted per statement: a long delete would hold the write lock
/// the message writer needs.
pub const DELETE_BATCH: i64 = 500;

/// What one retention pass removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub deliveries: u64,
    pub unreferenced_media: u64,
    pub media_over_budget: u64,
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// One pass of SPEC D7 at `now` (ms).
pub async fn enforce_retention(
    db: &Db,
    settings: &RetentionSettings,
    now: i64,
) -> Result<Removed, Error> {
    let mut removed = Removed::default();
    for (status, keep) in [
        ("delivered", settings.delivered),
        ("failed", settings.failed),
    ] {
        let before = now.saturating_sub(millis(keep));
        loop {
            let res = sqlx::query(
                "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries \
                 WHERE status = $1 AND updated_at < $2 LIMIT $3)",
            )
            .bind(status)
            .bind(before)
            .bind(DELETE_BATCH)
            .execute(db)
            .await?;
            removed.deliveries += res.rows_affected();
            if res.rows_affected() < DELETE_BATCH as u64 {
                break;
            }
        }
    }
    let res = sqlx::query(
        "DELETE FROM remote_media WHERE created_at < $1 AND NOT EXISTS \
         (SELECT 1 FROM channel_message_media mm WHERE mm.media_id = remote_media.id)",
    )
    .bind(now.saturating_sub(millis(settings.media_grace)))
    .execute(db)
    .await?;
    removed.unreferenced_media = res.rows_affected();
    removed.media_over_budget = trim_media_to_budget(db, settings.media_budget_bytes).await?;
    Ok(removed)
}

/// Deletes the least recently used images until the rest fit the budget.
/// Messages that showed one keep a placeholder (the image route answers
/// with Parley's own for a copy that is gone).
async fn trim_media_to_budget(db: &Db, budget: i64) -> Result<u64, Error> {
    let (total,): (Option<i64>,) =
        sqlx::query_as("SELECT CAST(SUM(bytes) AS BIGINT) FROM remote_media")
            .fetch_one(db)
            .await?;
    let mut excess = total.unwrap_or(0) - budget.max(0);
    let mut deleted = 0;
    while excess > 0 {
        let oldest: Vec<(String, i64)> =
            sqlx::query_as("SELECT id, bytes FROM remote_media ORDER BY used_at, id LIMIT $1")
                .bind(DELETE_BATCH)
                .fetch_all(db)
                .await?;
        if oldest.is_empty() {
            break;
        }
        for (id, bytes) in oldest {
            if excess <= 0 {
                break;
            }
            sqlx::query("DELETE FROM remote_media WHERE id = $1")
                .bind(&id)
                .execute(db)
                .await?;
            excess -= bytes.max(1);
            deleted += 1;
        }
    }
    Ok(deleted)
}

/// Every limiter keyed by something the outside chooses (an address, a
/// webhook, a user): each grows with its keys until pruned.
#[derive(Clone)]
pub struct Limiters {
    pub signin: std::sync::Arc<super::ratelimit::SignInLimiter>,
    pub wrong_tokens: std::sync::Arc<super::channel_webhooks::FailedTokenLimiter>,
    pub manual_deliveries: std::sync::Arc<super::ratelimit::ManualDeliveryLimiter>,
    pub incoming: Option<std::sync::Arc<super::channel_webhooks::IncomingLimiter>>,
}

/// Forgets every limiter key that is back at full quota.
pub fn prune_limiters(limiters: &Limiters) {
    limiters.signin.prune();
    limiters.wrong_tokens.prune();
    limiters.manual_deliveries.prune();
    if let Some(limiter) = &limiters.incoming {
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
pub fn spawn(
    db: Db,
    retention: RetentionSettings,
    limiters: Limiters,
    shutdown: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut prune = tokio::time::interval(PRUNE_EVERY);
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = prune.tick() => prune_limiters(&limiters),
                _ = sweep.tick() => {
                    match sweep_orphaned_uploads(&db, UPLOAD_GRACE).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(count = n, "deleted uploads nothing refers to"),
                        Err(e) => tracing::warn!(error = %e, "cannot sweep uploads"),
                    }
                    match enforce_retention(&db, &retention, now_ms()).await {
                        Ok(r) if r == Removed::default() => {}
                        Ok(r) => tracing::info!(
                            deliveries = r.deliveries,
                            unreferenced_media = r.unreferenced_media,
                            media_over_budget = r.media_over_budget,
                            "retention: removed old rows"
                        ),
                        Err(e) => tracing::warn!(error = %e, "cannot enforce retention"),
                    }
                }
            }
        }
    })
}
