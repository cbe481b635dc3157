//! How tests wait: for a state — a row, a counter, a socket — never for
//! a time. `check` is asked again at a steady cadence until it holds.
//!
//! Proving that something did *not* happen is never a wait either: count
//! the rows (`webhook_deliveries`) the thing would have written.

use std::time::Duration;

/// How often a condition is asked again.
pub const POLL: Duration = Duration::from_millis(20);

/// Waits until `check` gives `Some`, for at most `within`; panics naming
/// `what` when it never does.
pub async fn eventually<T>(
    what: &str,
    within: Duration,
    mut check: impl AsyncFnMut() -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + within;
    let mut cadence = tokio::time::interval(POLL);
    loop {
        cadence.tick().await;
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited {within:?} for {what}"
        );
    }
}

/// Whether `check` holds within `within` (for callers that report what
/// they saw instead of failing here).
pub async fn until(within: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    let mut cadence = tokio::time::interval(POLL);
    loop {
        cadence.tick().await;
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
    }
}
