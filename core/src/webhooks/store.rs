//! The `webhook_deliveries` table: enqueue inside the caller's transaction,
//! claim due rows for sending, record outcomes, list the log.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::db::{begin_write, new_id, now_ms, Backend, Db};
use crate::error::Error;
use crate::model::{Delivery, DeliveryStatus};

/// Whose webhook a delivery goes to: decides the SSRF policy, the signing
/// secret and headers, and whose log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Admin,
    User(String),
}

impl Target {
    fn kind(&self) -> &'static str {
        match self {
            Target::Admin => "admin",
            Target::User(_) => "user",
        }
    }

    pub fn owner(&self) -> Option<&str> {
        match self {
            Target::Admin => None,
            Target::User(id) => Some(id),
        }
    }

    fn from_row(kind: &str, owner: Option<String>) -> Target {
        match (kind, owner) {
            ("user", Some(id)) => Target::User(id),
            _ => Target::Admin,
        }
    }
}

pub struct NewDelivery<'a> {
    pub target: Target,
    /// The `webhook_targets` row: its secret, headers and health.
    pub target_id: &'a str,
    pub event: &'a str,
    pub url: &'a str,
    pub body: &'a Value,
}

/// Writes a delivery row on the caller's connection (their transaction).
pub async fn enqueue(conn: &mut AnyConnection, d: NewDelivery<'_>) -> Result<String, Error> {
    let id = format!("msg_{}", new_id().replace('-', ""));
    let now = now_ms();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, target, owner_id, event, url, payload, status, attempts, \
         next_attempt_at, created_at, updated_at, target_id) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7, $8)",
    )
    .bind(&id)
    .bind(d.target.kind())
    .bind(d.target.owner().map(str::to_string))
    .bind(d.event)
    .bind(d.url)
    .bind(d.body.to_string())
    .bind(now)
    .bind(d.target_id)
    .execute(conn)
    .await?;
    Ok(id)
}

/// A delivery claimed for one attempt.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: String,
    pub target: Target,
    pub target_id: String,
    pub url: String,
    pub payload: String,
    pub attempts: i64,
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
         RETURNING id, target, owner_id, target_id, url, payload, attempts"
    );
    let mut query = sqlx::query(&sql)
        .bind(now + lease_ms)
        .bind(now)
        .bind(limit as i64);
    for value in parked.values() {
        query = query.bind(value);
    }
    let rows = query.fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("target")?;
            let target = Target::from_row(&kind, r.try_get("owner_id")?);
            let target_id: Option<String> = r.try_get("target_id")?;
            Ok(Claimed {
                id: r.try_get("id")?,
                target_id: target_id.unwrap_or_else(|| super::targets::default_id(&target)),
                target,
                url: r.try_get("url")?,
                payload: r.try_get("payload")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
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
pub async fn postpone(db: &Db, id: &str, until: i64) -> Result<(), Error> {
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
}

/// What recording an attempt checks besides the row (SPEC E6).
#[derive(Clone, Debug)]
pub struct HealthChecks {
    pub health: super::health::HealthSettings,
    pub emit: crate::events::EmitSettings,
}

/// Records attempts in one transaction; for each, whose log changed (none:
/// the delivery is gone).
pub async fn record_attempts(
    db: &Db,
    backend: Backend,
    checks: &HealthChecks,
    attempts: &[(&str, &AttemptOutcome)],
) -> Result<Vec<Option<Target>>, Error> {
    let mut tx = begin_write(db, backend).await?;
    let now = now_ms();
    let mut targets = Vec::with_capacity(attempts.len());
    for (id, outcome) in attempts {
        let status = outcome.status.unwrap_or(DeliveryStatus::Failed);
        let row = sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, next_attempt_at = $2, \
             locked_until = NULL, last_status_code = $3, last_latency_ms = $4, last_error = $5, \
             response_excerpt = $6, updated_at = $7 WHERE id = $8 RETURNING target, owner_id, target_id, event",
        )
        .bind(status.as_str())
        .bind(outcome.next_attempt_at)
        .bind(outcome.http_status)
        .bind(outcome.latency_ms)
        .bind(outcome.error.clone())
        .bind(outcome.excerpt.clone())
        .bind(now)
        .bind(*id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            targets.push(None);
            continue;
        };
        let kind: String = row.try_get("target")?;
        let target = Target::from_row(&kind, row.try_get("owner_id")?);
        let target_id: Option<String> = row.try_get("target_id")?;
        let event: String = row.try_get("event")?;
        if let Some(target_id) = target_id {
            let attempt = super::health::Attempt {
                target_id: &target_id,
                delivery_id: id,
                event: &event,
                status,
                error: outcome.error.as_deref(),
            };
            super::health::after_attempt(&mut tx, checks.health, &checks.emit, &attempt, now)
                .await?;
        }
        targets.push(Some(target));
    }
    tx.commit().await?;
    Ok(targets)
}

/// The URL a delivery goes to now (its target was moved, SPEC D9).
pub async fn repoint(db: &Db, id: &str, url: &str) -> Result<(), Error> {
    sqlx::query("UPDATE webhook_deliveries SET url = $1 WHERE id = $2")
        .bind(url)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// "Redeliver": the same message (same webhook-id) goes out again now.
pub async fn redeliver(db: &Db, target: &Target, id: &str) -> Result<(), Error> {
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
    let rows = sqlx::query(
        "SELECT id, event, url, status, attempts, last_status_code, last_latency_ms, last_error, \
         response_excerpt, next_attempt_at, created_at, updated_at FROM webhook_deliveries \
         WHERE target = $1 AND COALESCE(owner_id, '') = $2 ORDER BY created_at DESC, id DESC LIMIT $3",
    )
    .bind(target.kind())
    .bind(target.owner().unwrap_or_default().to_string())
    .bind(limit)
    .fetch_all(db)
    .await?;
    logged(target, rows.iter().map(delivery_from_row).collect())
}

/// The newest deliveries of one target of `target`'s owner (SPEC E2: each
/// event webhook has its own log); a target of another owner shows none.
pub async fn list_of_target(
    db: &Db,
    target: &Target,
    target_id: &str,
    limit: i64,
) -> Result<Vec<Delivery>, Error> {
    let rows = sqlx::query(
        "SELECT id, event, url, status, attempts, last_status_code, last_latency_ms, last_error, \
         response_excerpt, next_attempt_at, created_at, updated_at FROM webhook_deliveries \
         WHERE target = $1 AND COALESCE(owner_id, '') = $2 AND target_id = $3 \
         ORDER BY created_at DESC, id DESC LIMIT $4",
    )
    .bind(target.kind())
    .bind(target.owner().unwrap_or_default().to_string())
    .bind(target_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    logged(target, rows.iter().map(delivery_from_row).collect())
}

pub async fn get(db: &Db, id: &str) -> Result<Option<Delivery>, Error> {
    let row = sqlx::query(
        "SELECT id, event, url, status, attempts, last_status_code, last_latency_ms, last_error, \
         response_excerpt, next_attempt_at, created_at, updated_at FROM webhook_deliveries WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(delivery_from_row).transpose()
}

/// A user's log shows where each delivery went with the URL's secret part
/// masked, as the settings page does (the URL itself is the user's
/// credential for Slack or Discord); the admin log shows it whole.
fn logged(
    target: &Target,
    deliveries: Result<Vec<Delivery>, Error>,
) -> Result<Vec<Delivery>, Error> {
    let mut deliveries = deliveries?;
    if let Target::User(_) = target {
        for d in &mut deliveries {
            d.url = super::user::mask_url(&d.url);
        }
    }
    Ok(deliveries)
}

fn delivery_from_row(r: &sqlx::any::AnyRow) -> Result<Delivery, Error> {
    let status: String = r.try_get("status")?;
    Ok(Delivery {
        id: r.try_get("id")?,
        event: r.try_get("event")?,
        url: r.try_get("url")?,
        status: DeliveryStatus::parse(&status),
        attempts: r.try_get("attempts")?,
        last_status_code: r.try_get("last_status_code")?,
        last_latency_ms: r.try_get("last_latency_ms")?,
        last_error: r.try_get("last_error")?,
        response_excerpt: r.try_get("response_excerpt")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}
