//! Sign-in throttling per client IP and per email (governor), so password
//! guessing is slow whether it spreads over accounts or over addresses.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use crate::error::AppError;

pub struct SignInLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_email: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

/// Attempts allowed in a burst, and how fast they come back.
#[derive(Clone, Copy, Debug)]
pub struct SignInQuota {
    pub per_email_burst: u32,
    pub per_ip_burst: u32,
    pub replenish_every: Duration,
}

impl Default for SignInQuota {
    fn default() -> Self {
        SignInQuota {
            per_email_burst: 5,
            per_ip_burst: 30,
            replenish_every: Duration::from_secs(12),
        }
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl SignInLimiter {
    pub fn new(q: SignInQuota) -> Self {
        SignInLimiter {
            by_ip: RateLimiter::keyed(quota(q.per_ip_burst, q.replenish_every / 4)),
            by_email: RateLimiter::keyed(quota(q.per_email_burst, q.replenish_every)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts one attempt; `RateLimited(seconds)` when over either limit.
    pub fn check(&self, ip: Option<IpAddr>, email: &str) -> Result<(), AppError> {
        let now = self.clock.now();
        if let Some(ip) = ip {
            if let Err(not_until) = self.by_ip.check_key(&ip) {
                return Err(AppError::RateLimited(
                    not_until.wait_time_from(now).as_secs().max(1),
                ));
            }
        }
        if let Err(not_until) = self
            .by_email
            .check_key(&crate::backend::accounts::normalize_email(email))
        {
            return Err(AppError::RateLimited(
                not_until.wait_time_from(now).as_secs().max(1),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixth_attempt_for_one_email_is_refused() {
        let limiter = SignInLimiter::new(SignInQuota::default());
        for _ in 0..5 {
            limiter.check(None, "a@b.co").expect("within burst");
        }
        match limiter.check(None, "A@B.co ") {
            Err(AppError::RateLimited(secs)) => assert!(secs >= 1),
            other => panic!("expected rate limit, got {other:?}"),
        }
        limiter
            .check(None, "other@b.co")
            .expect("other email unaffected");
    }
}
