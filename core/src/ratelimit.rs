//! Sign-in throttling per client IP and per email (governor), so password
//! guessing is slow whether it spreads over accounts or over addresses.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use crate::error::Error;

/// The longest email an account can have; longer keys are cut to this, so
/// a key costs at most this much whatever a request carries.
pub const MAX_EMAIL_KEY_CHARS: usize = 254;
/// Keys a limiter may hold before it forgets the ones back at full quota.
pub const MAX_TRACKED_KEYS: usize = 50_000;

/// Sign-in and sign-up throttling (SPEC W1). Sign-ins per client IP and
/// per email, so password guessing is slow whether it spreads over
/// accounts or addresses; self sign-ups per IP and in all, so neither the
/// CPU (Argon2) nor the admin's webhook can be flooded.
pub struct SignInLimiter {
    by_ip: DefaultKeyedRateLimiter<IpAddr>,
    by_email: DefaultKeyedRateLimiter<String>,
    signup_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    signup_all: DefaultDirectRateLimiter,
    clock: DefaultClock,
}

/// Attempts allowed in a burst, and how fast they come back.
#[derive(Clone, Copy, Debug)]
pub struct SignInQuota {
    pub per_email_burst: u32,
    pub per_ip_burst: u32,
    pub replenish_every: Duration,
    pub signups_per_ip_burst: u32,
    pub signups_per_ip_every: Duration,
    pub signups_burst: u32,
    pub signups_every: Duration,
}

impl Default for SignInQuota {
    fn default() -> Self {
        SignInQuota {
            per_email_burst: 5,
            per_ip_burst: 30,
            replenish_every: Duration::from_secs(12),
            signups_per_ip_burst: 30,
            signups_per_ip_every: Duration::from_secs(2),
            signups_burst: 120,
            signups_every: Duration::from_millis(500),
        }
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

/// The limiter key of an email: normalized and length-capped.
pub fn email_key(email: &str) -> String {
    crate::users::normalize_email(email)
        .chars()
        .take(MAX_EMAIL_KEY_CHARS)
        .collect()
}

impl SignInLimiter {
    pub fn new(q: SignInQuota) -> Self {
        SignInLimiter {
            by_ip: RateLimiter::keyed(quota(q.per_ip_burst, q.replenish_every / 4)),
            by_email: RateLimiter::keyed(quota(q.per_email_burst, q.replenish_every)),
            signup_by_ip: RateLimiter::keyed(quota(q.signups_per_ip_burst, q.signups_per_ip_every)),
            signup_all: RateLimiter::direct(quota(q.signups_burst, q.signups_every)),
            clock: DefaultClock::default(),
        }
    }

    fn refused(&self, not_until: governor::NotUntil<governor::clock::QuantaInstant>) -> Error {
        Error::RateLimited(not_until.wait_time_from(self.clock.now()).as_secs().max(1))
    }

    /// Counts one sign-in attempt; `RateLimited(seconds)` when over either
    /// limit.
    pub fn check(&self, ip: Option<IpAddr>, email: &str) -> Result<(), Error> {
        self.bound();
        if let Some(ip) = ip {
            self.by_ip.check_key(&ip).map_err(|n| self.refused(n))?;
        }
        self.by_email
            .check_key(&email_key(email))
            .map_err(|n| self.refused(n))
    }

    /// Counts one self sign-up (before any password is hashed).
    pub fn check_signup(&self, ip: Option<IpAddr>) -> Result<(), Error> {
        self.bound();
        if let Some(ip) = ip {
            self.signup_by_ip
                .check_key(&ip)
                .map_err(|n| self.refused(n))?;
        }
        self.signup_all.check().map_err(|n| self.refused(n))
    }

    /// Forgets keys that are back at full quota (they carry no state).
    pub fn prune(&self) {
        self.by_ip.retain_recent();
        self.by_email.retain_recent();
        self.signup_by_ip.retain_recent();
        self.by_ip.shrink_to_fit();
        self.by_email.shrink_to_fit();
        self.signup_by_ip.shrink_to_fit();
    }

    /// Keys held now, over all keyed limiters.
    pub fn tracked_keys(&self) -> usize {
        self.by_ip.len() + self.by_email.len() + self.signup_by_ip.len()
    }

    fn bound(&self) {
        if self.tracked_keys() > MAX_TRACKED_KEYS {
            self.prune();
        }
    }
}

/// "Send test" and "Redeliver" per user: each queues a request to a URL
/// the user chose, so a held-down button must not become a flood.
pub struct ManualDeliveryLimiter {
    by_user: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Default for ManualDeliveryLimiter {
    fn default() -> Self {
        ManualDeliveryLimiter {
            by_user: RateLimiter::keyed(quota(10, Duration::from_secs(6))),
            clock: DefaultClock::default(),
        }
    }
}

impl ManualDeliveryLimiter {
    pub fn check(&self, user_id: &str) -> Result<(), Error> {
        if self.by_user.len() > MAX_TRACKED_KEYS {
            self.prune();
        }
        self.by_user
            .check_key(&user_id.to_string())
            .map_err(|n| Error::RateLimited(n.wait_time_from(self.clock.now()).as_secs().max(1)))
    }

    pub fn prune(&self) {
        self.by_user.retain_recent();
        self.by_user.shrink_to_fit();
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
            Err(Error::RateLimited(secs)) => assert!(secs >= 1),
            other => panic!("expected rate limit, got {other:?}"),
        }
        limiter
            .check(None, "other@b.co")
            .expect("other email unaffected");
    }

    #[test]
    fn email_keys_are_normalized_and_capped() {
        let huge = format!("{}@example.com", "A".repeat(1_000_000));
        let key = email_key(&huge);
        assert_eq!(key.chars().count(), MAX_EMAIL_KEY_CHARS);
        assert!(key.starts_with("aaa"));
        let limiter = SignInLimiter::new(SignInQuota::default());
        limiter.check(None, &huge).expect("first");
        assert_eq!(limiter.tracked_keys(), 1);
    }

    #[test]
    fn signups_are_throttled_per_ip_and_in_all() {
        let limiter = SignInLimiter::new(SignInQuota {
            signups_per_ip_burst: 3,
            signups_burst: 5,
            ..SignInQuota::default()
        });
        let a: IpAddr = "192.0.2.1".parse().expect("ip");
        let b: IpAddr = "192.0.2.2".parse().expect("ip");
        for _ in 0..3 {
            limiter.check_signup(Some(a)).expect("within the IP burst");
        }
        assert!(matches!(
            limiter.check_signup(Some(a)),
            Err(Error::RateLimited(_))
        ));
        limiter.check_signup(Some(b)).expect("another address");
        limiter.check_signup(Some(b)).expect("another address");
        assert!(
            matches!(limiter.check_signup(Some(b)), Err(Error::RateLimited(_))),
            "the instance-wide bound"
        );
    }
}
