//! The group-commit writers' (`MessageWriter`, `OutcomeWriter`) way of
//! taking work: wait for one job, then take every job already waiting.

use tokio::sync::mpsc;

/// The jobs waiting now, at least one and at most `max`; `None` once every
/// sender is gone.
pub async fn next_batch<T>(jobs: &mut mpsc::Receiver<T>, max: usize) -> Option<Vec<T>> {
    let first = jobs.recv().await?;
    let mut batch = vec![first];
    while batch.len() < max {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}
