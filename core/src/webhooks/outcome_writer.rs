//! Attempt outcomes are written by one task that commits the outcomes
//! finishing together in one transaction (SPEC B2): one commit — one fsync
//! on SQLite — for a burst of answers instead of one per delivery. A sender
//! waits for its commit before it frees its slot, so a crash before the
//! commit only means the delivery is attempted again (at least once, same
//! `webhook-id`).

use tokio::sync::{mpsc, oneshot};

use super::store::{self, AttemptOutcome, Target};
use crate::db::{begin_write, now_ms, Backend, Db};
use crate::error::Error;
use crate::ids::DeliveryId;

/// Outcomes waiting for the writer; a full queue makes senders wait.
pub const QUEUE: usize = 1024;
/// Outcomes committed together at most.
pub const MAX_BATCH: usize = 256;

struct Job {
    id: DeliveryId,
    outcome: AttemptOutcome,
    done: oneshot::Sender<Result<Option<Target>, Error>>,
}

/// The handle every sender holds; cheap to clone.
#[derive(Clone)]
pub struct OutcomeWriter {
    queue: mpsc::Sender<Job>,
}

impl OutcomeWriter {
    /// Starts the writer task on the current runtime.
    pub fn spawn(db: Db, backend: Backend, checks: HealthChecks) -> OutcomeWriter {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, backend, checks, jobs));
        OutcomeWriter { queue }
    }

    /// Records one attempt; returns once it is committed, with whose log
    /// changed (none: the delivery is gone).
    pub async fn record(
        &self,
        id: DeliveryId,
        outcome: AttemptOutcome,
    ) -> Result<Option<Target>, Error> {
        let (done, committed) = oneshot::channel();
        self.queue
            .send(Job { id, outcome, done })
            .await
            .map_err(|_| Error::Internal)?;
        committed.await.map_err(|_| Error::Internal)?
    }
}

async fn run(db: Db, backend: Backend, checks: HealthChecks, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for one outcome, then takes every one already waiting.
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut batch);
        let rows: Vec<(&DeliveryId, &AttemptOutcome)> =
            batch.iter().map(|j| (&j.id, &j.outcome)).collect();
        match record_attempts(&db, backend, &checks, &rows).await {
            Ok(targets) => {
                for (job, target) in batch.into_iter().zip(targets) {
                    let _ = job.done.send(Ok(target));
                }
            }
            // A failed batch is tried row by row, so one bad row fails alone.
            Err(e) => {
                tracing::warn!(error = %e, rows = batch.len(), "outcome batch failed; writing one by one");
                for job in batch {
                    let result = record_attempts(&db, backend, &checks, &[(&job.id, &job.outcome)])
                        .await
                        .map(|mut t| t.pop().flatten());
                    let _ = job.done.send(result);
                }
            }
        }
    }
}

/// What recording an attempt checks besides the row (SPEC E6).
#[derive(Clone, Debug)]
pub struct HealthChecks {
    pub health: super::health::HealthSettings,
    pub emit: crate::events::EmitSettings,
}

/// Records attempts in one transaction, each followed by its target's
/// health check (SPEC E6); for each, whose log changed (none: the
/// delivery is gone).
pub async fn record_attempts(
    db: &Db,
    backend: Backend,
    checks: &HealthChecks,
    attempts: &[(&DeliveryId, &AttemptOutcome)],
) -> Result<Vec<Option<Target>>, Error> {
    let mut tx = begin_write(db, backend).await?;
    let now = now_ms();
    let mut targets = Vec::with_capacity(attempts.len());
    for (id, outcome) in attempts {
        let Some(row) = store::record_attempt(&mut tx, id, outcome, now).await? else {
            targets.push(None);
            continue;
        };
        if let Some(target_id) = &row.target_id {
            let attempt = super::health::Attempt {
                target_id,
                delivery_id: id,
                event: &row.event,
                status: outcome
                    .status
                    .unwrap_or(crate::model::DeliveryStatus::Failed),
                error: outcome.error.as_deref(),
            };
            super::health::after_attempt(&mut tx, checks.health, &checks.emit, &attempt, now)
                .await?;
        }
        targets.push(Some(row.target()?));
    }
    tx.commit().await?;
    Ok(targets)
}
