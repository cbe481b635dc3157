//! The `webhook_deliveries` table: enqueue inside the caller's transaction,
//! claim due rows for sending, record outcomes, list the log.

use serde_json::Value;
use sqlx::AnyConnection;

use crate::db::{new_id, now_ms, Backend, Db};
use crate::error::Error;
use crate::ids::{DeliveryId, TargetId};
use crate::model::{Delivery, DeliveryStatus};

pub use super::targets::Target;

pub struct NewDelivery<'a> {
    pub target: Target,
    /// The `webhook_targets` row: its secret, headers and health.
    pub target_id: &'a TargetId,
    pub carries: crate::catalog::Carries,
    pub url: &'a str,
    pub body: &'a Value,
}

/// Writes a delivery row on the caller's connection (their transaction);
/// producers go through `events::enqueue`.
pub(crate) async fn enqueue(
    conn: &mut AnyConnection,
    d: NewDelivery<'_>,
) -> Result<DeliveryId, Error> {
    let id = DeliveryId::new(format!("msg_{}", new_id().replace('-', "")));
    let now = now_ms();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, target, owner_id, event, url, payload, status, attempts, \
         next_attempt_at, created_at, updated_at, target_id) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7, $8)",
    )
    .bind(&id)
    .bind(d.target.kind())
    .bind(d.target.owner().map(str::to_string))
    .bind(d.carries.label())
    .bind(d.url)
    .bind(d.body.to_string())
    .bind(now)
    .bind(d.target_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// A claimed row as read with its target (SPEC D9: the URL, the secret
/// and the headers of a request come from the target as it is now), the
/// owner's account and the saved "user webhooks" switch: everything an
/// attempt needs, read once per claim.
#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: DeliveryId,
    target: String,
    owner_id: Option<String>,
    target_id: Option<TargetId>,
    url: String,
    payload: String,
    attempts: i64,
    t_id: Option<String>,
    t_url: Option<String>,
    t_secret: Option<String>,
    t_previous_secret: Option<String>,
    t_previous_until: Option<i64>,
    t_headers: Option<String>,
    owner_found: Option<String>,
    user_webhooks_setting: Option<String>,
}

impl TryFrom<ClaimedRow> for Claimed {
    type Error = Error;
    fn try_from(r: ClaimedRow) -> Result<Claimed, Error> {
        let target = Target::from_columns(&r.target, r.owner_id)?;
        Ok(Claimed {
            id: r.id,
            target_id: r
                .target_id
                .unwrap_or_else(|| super::targets::default_id(&target)),
            target,
            url: r.url,
            payload: r.payload,
            attempts: r.attempts,
            now: r.t_id.map(|_| TargetNow {
                url: r.t_url,
                secret_sealed: r.t_secret.filter(|s| !s.is_empty()),
                previous_secret_sealed: r.t_previous_secret.filter(|s| !s.is_empty()),
                previous_secret_until: r.t_previous_until,
                headers_sealed: r.t_headers.filter(|s| !s.is_empty()),
            }),
            owner_exists: r.owner_found.is_some(),
            user_webhooks_saved: r.user_webhooks_setting.map(|v| v == "true"),
        })
    }
}

/// The `config` key of the admin's "user webhooks" switch, read with a
/// claim (`config::ENABLE_USER_WEBHOOKS` names this constant).
pub const USER_WEBHOOKS_SWITCH: &str = "features.enable_user_webhooks";

/// A delivery's target as it is at the claim; its credentials still sealed.
#[derive(Clone, Debug)]
pub struct TargetNow {
    /// `None`: the admin default was never saved (`WEBHOOK_URL` applies).
    pub url: Option<String>,
    pub secret_sealed: Option<String>,
    /// The secret before the last rotation, signing until
    /// `previous_secret_until` (SPEC E6).
    pub previous_secret_sealed: Option<String>,
    pub previous_secret_until: Option<i64>,
    pub headers_sealed: Option<String>,
}

/// A delivery claimed for one attempt.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: DeliveryId,
    pub target: Target,
    pub target_id: TargetId,
    pub url: String,
    pub payload: String,
    pub attempts: i64,
    /// The target now; `None`: it was deleted.
    pub now: Option<TargetNow>,
    /// For a user's delivery: whether the account still exists.
    pub owner_exists: bool,
    /// The admin's saved "user webhooks" switch, if saved.
    pub user_webhooks_saved: Option<bool>,
}

/// Claims up to `limit` due deliveries (and ones whose claim lapsed because
/// their sender died), except those to `skip_urls` (their host is busy).
/// PostgreSQL skips rows another instance holds.
/// What a claim leaves in the table for now: the URLs of hosts with no
/// free slot and the owners at their fair share (SPEC D3, D8).
#[derive(Clone, Debug, Default)]
pub struct Parked {
    pub urls: Vec<String>,
    /// `""` is the admin.
    pub owners: Vec<String>,
}

impl Parked {
    /// `AND url NOT IN (…) AND COALESCE(owner_id, '') NOT IN (…)` with
    /// placeholders from `$first`: only placeholders are generated, every
    /// value is bound (`bind_to`, in the same order).
    fn clause(&self, first: usize) -> String {
        let mut sql = String::new();
        let mut next = first;
        for (column, values) in [
            ("url", &self.urls),
            ("COALESCE(owner_id, '')", &self.owners),
        ] {
            if values.is_empty() {
                continue;
            }
            let params: Vec<String> = (next..next + values.len())
                .map(|i| format!("${i}"))
                .collect();
            next += values.len();
            sql.push_str(&format!(" AND {column} NOT IN ({})", params.join(", ")));
        }
        sql
    }

    fn values(&self) -> impl Iterator<Item = &String> {
        self.urls.iter().chain(self.owners.iter())
    }
}

pub async fn claim_due(
    db: &Db,
    backend: Backend,
    limit: usize,
    lease_ms: i64,
    parked: &Parked,
) -> Result<Vec<Claimed>, Error> {
    let now = now_ms();
    let lock = if backend == Backend::Postgres {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let skip = parked.clause(4);
    let sql = format!(
        "UPDATE webhook_deliveries SET status = 'delivering', locked_until = $1, updated_at = $2 \
         WHERE id IN (SELECT id FROM webhook_deliveries \
            WHERE ((status IN ('pending', 'retrying') AND next_attempt_at <= $2) \
               OR (status = 'delivering' AND locked_until < $2)) {skip} \
            ORDER BY next_attempt_at LIMIT $3 {lock}) \
         RETURNING id"
    );
    let mut query = sqlx::query_as::<_, (String,)>(&sql)
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit as i64);
    for value in parked.values() {
        query = query.bind(value);
    }
    let ids = query.fetch_all(db).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // One read for the whole claim: each row with its target, its owner
    // and the switch — no attempt reads anything before its request.
    let params: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT d.id, d.target, d.owner_id, d.target_id, d.url, d.payload, d.attempts, \
            t.id AS t_id, t.url AS t_url, t.signing_secret AS t_secret, \
            t.previous_signing_secret AS t_previous_secret, t.previous_secret_until AS t_previous_until, \
            t.headers AS t_headers, u.id AS owner_found, \
            (SELECT value FROM config WHERE key = '{USER_WEBHOOKS_SWITCH}') AS user_webhooks_setting \
         FROM webhook_deliveries d \
         LEFT JOIN webhook_targets t ON t.id = COALESCE(d.target_id, \
            CASE WHEN d.target = 'admin' THEN '{admin}' ELSE 'user-default-' || d.owner_id END) \
         LEFT JOIN users u ON u.id = d.owner_id \
         WHERE d.id IN ({}) ORDER BY d.next_attempt_at, d.id",
        params.join(", "),
        admin = super::targets::ADMIN_DEFAULT,
    );
    let mut query = sqlx::query_as::<_, ClaimedRow>(&sql);
    for (id,) in &ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(db).await?;
    rows.into_iter().map(Claimed::try_from).collect()
}

/// After a crash of the only instance (SQLite), nothing is really in flight.
pub async fn release_all_claims(db: &Db) -> Result<u64, Error> {
    let res = sqlx::query(
        "UPDATE webhook_deliveries SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'retrying' END, \
         locked_until = NULL WHERE status = 'delivering'",
    )
    .execute(db)
    .await?;
    Ok(res.rows_affected())
}

/// Hands a claimed delivery back untried (its host is busy).
pub async fn postpone(db: &Db, id: &DeliveryId, until: i64) -> Result<(), Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'retrying' END, \
         locked_until = NULL, next_attempt_at = $1 WHERE id = $2 AND status = 'delivering'",
    )
    .bind(until)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// What one attempt ended with.
#[derive(Clone, Debug, Default)]
pub struct AttemptOutcome {
    pub status: Option<DeliveryStatus>,
    pub http_status: Option<i64>,
    pub latency_ms: Option<i64>,
    pub error: Option<String>,
    pub excerpt: Option<String>,
    pub next_attempt_at: Option<i64>,
    /// Where the request went when the target moved since the delivery
    /// was queued (SPEC D9): the log shows where it really went.
    pub url: Option<String>,
}

/// What an attempt's row said once recorded: whose log changed, and what
/// health checks need.
#[derive(sqlx::FromRow)]
pub struct RecordedRow {
    target: String,
    owner_id: Option<String>,
    pub target_id: Option<String>,
    pub event: String,
}

impl RecordedRow {
    pub fn target(&self) -> Result<Target, Error> {
        Target::from_columns(&self.target, self.owner_id.clone())
    }
}

/// Records one attempt's outcome on the caller's connection (the outcome
/// writer's transaction); `None`: the delivery is gone.
pub async fn record_attempt(
    conn: &mut AnyConnection,
    id: &DeliveryId,
    outcome: &AttemptOutcome,
    now: i64,
) -> Result<Option<RecordedRow>, Error> {
    let status = outcome.status.unwrap_or(DeliveryStatus::Failed);
    Ok(sqlx::query_as(
        "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, \
         locked_until = NULL, last_status_code = $3, last_latency_ms = $4, last_error = $5, \
         response_excerpt = $6, updated_at = $7, url = COALESCE($9, url) WHERE id = $8 \
         RETURNING target, owner_id, target_id, event",
    )
    .bind(status.as_str())
    .bind(outcome.next_attempt_at)
    .bind(outcome.http_status)
    .bind(outcome.latency_ms)
    .bind(outcome.error.clone())
    .bind(outcome.excerpt.clone())
    .bind(now)
    .bind(id)
    .bind(outcome.url.clone())
    .fetch_optional(conn)
    .await?)
}

/// "Redeliver": the same message (same webhook-id) goes out again now.
pub async fn redeliver(db: &Db, target: &Target, id: &DeliveryId) -> Result<(), Error> {
    let res = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, locked_until = NULL, \
         attempts = 0, updated_at = $1 WHERE id = $2 AND target = $3 AND COALESCE(owner_id, '') = $4 \
         AND status <> 'delivering'",
    )
    .bind(now_ms())
    .bind(id)
    .bind(target.kind())
    .bind(target.owner().unwrap_or_default().to_string())
    .execute(db)
    .await?;
    if res.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// When the next delivery that is not parked falls due.
pub async fn next_due_at(db: &Db, parked: &Parked) -> Result<Option<i64>, Error> {
    let sql = format!(
        "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status IN ('pending', 'retrying'){}",
        parked.clause(1)
    );
    let mut query = sqlx::query_as::<_, (Option<i64>,)>(&sql);
    for value in parked.values() {
        query = query.bind(value);
    }
    Ok(query.fetch_one(db).await?.0)
}

pub async fn list(db: &Db, target: &Target, limit: i64) -> Result<Vec<Delivery>, Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
         WHERE target = $1 AND COALESCE(owner_id, '') = $2 ORDER BY created_at DESC, id DESC LIMIT $3"
    ))
    .bind(target.kind())
    .bind(target.owner().unwrap_or_default().to_string())
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(logged(target, rows))
}

/// The newest deliveries of one target of `target`'s owner (SPEC E2: each
/// event webhook has its own log); a target of another owner shows none.
pub async fn list_of_target(
    db: &Db,
    target: &Target,
    target_id: &str,
    limit: i64,
) -> Result<Vec<Delivery>, Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries \
         WHERE target = $1 AND COALESCE(owner_id, '') = $2 AND target_id = $3 \
         ORDER BY created_at DESC, id DESC LIMIT $4"
    ))
    .bind(target.kind())
    .bind(target.owner().unwrap_or_default().to_string())
    .bind(target_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(logged(target, rows))
}

pub async fn get(db: &Db, id: &DeliveryId) -> Result<Option<Delivery>, Error> {
    Ok(sqlx::query_as(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// A user's log shows where each delivery went with the URL's secret part
/// masked, as the settings page does (the URL itself is the user's
/// credential for Slack or Discord); the admin log shows it whole.
fn logged(target: &Target, mut deliveries: Vec<Delivery>) -> Vec<Delivery> {
    if let Target::User(_) = target {
        for d in &mut deliveries {
            d.url = super::targets::mask_url(&d.url);
        }
    }
    deliveries
}

/// The columns a [`Delivery`] reads.
const DELIVERY_COLUMNS: &str =
    "id, event, url, status, attempts, last_status_code, last_latency_ms, \
     last_error, response_excerpt, next_attempt_at, created_at, updated_at";
