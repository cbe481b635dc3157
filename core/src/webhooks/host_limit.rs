//! How many requests one destination host may have in flight (SPEC B2),
//! found as TCP finds its window: it grows while the host answers 2xx
//! fast (by one per answer at first, then by one per round once it has
//! backed off), halves on a timeout, a connection error, 429 or 5xx (at
//! most once per cooldown, so one burst of failures counts once), and
//! never drops below its minimum — a host that never answers holds only
//! that many slots. Time comes in as an argument, so tests drive it.

use std::time::{Duration, Instant};

/// The destination a limit is kept for: `host:port` of a URL (another
/// port is another server). Empty for a URL that does not parse.
pub fn host_key(url: &str) -> String {
    reqwest::Url::parse(url)
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or_default(),
                u.port_or_known_default().unwrap_or(0)
            )
        })
        .unwrap_or_default()
}

/// The named limits of the controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostLimitConfig {
    /// Slots a host starts with.
    pub initial: usize,
    /// Slots a host keeps whatever happens.
    pub min: usize,
    /// Slots a host never exceeds.
    pub max: usize,
    /// A 2xx faster than this lets the host have more.
    pub fast: Duration,
    /// Decreases closer together than this count once.
    pub cooldown: Duration,
}

impl Default for HostLimitConfig {
    fn default() -> Self {
        HostLimitConfig {
            initial: 4,
            min: 2,
            max: 64,
            fast: Duration::from_secs(1),
            cooldown: Duration::from_secs(1),
        }
    }
}

/// What one attempt said about its host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostSignal {
    /// 2xx within `fast`.
    Fast,
    /// 2xx, but slow: no more slots.
    Slow,
    /// Timeout, connection error, 429 or 5xx: fewer slots.
    Overloaded,
    /// Anything else (a 4xx, a refused address): says nothing of load.
    Neutral,
}

impl HostSignal {
    /// Reads an attempt's HTTP status (none: it never got an answer) and
    /// how long it took.
    pub fn of(http_status: Option<i64>, latency: Duration, fast: Duration) -> HostSignal {
        match http_status {
            Some(200..=299) if latency < fast => HostSignal::Fast,
            Some(200..=299) => HostSignal::Slow,
            Some(429) | Some(500..=599) | None => HostSignal::Overloaded,
            Some(_) => HostSignal::Neutral,
        }
    }
}

#[derive(Debug)]
pub struct HostLimit {
    config: HostLimitConfig,
    limit: f64,
    in_flight: usize,
    backed_off: bool,
    last_decrease: Option<Instant>,
}

impl HostLimit {
    pub fn new(config: HostLimitConfig) -> HostLimit {
        let min = config.min.max(1);
        let max = config.max.max(min);
        let config = HostLimitConfig { min, max, ..config };
        HostLimit {
            limit: config.initial.clamp(min, max) as f64,
            in_flight: 0,
            backed_off: false,
            last_decrease: None,
            config,
        }
    }

    /// Slots the host may use now.
    pub fn limit(&self) -> usize {
        self.limit as usize
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// Every slot the host may use now is taken.
    pub fn is_full(&self) -> bool {
        self.in_flight >= self.limit()
    }

    /// Takes a slot if the host has one free.
    pub fn try_start(&mut self) -> bool {
        if self.in_flight < self.limit() {
            self.in_flight += 1;
            true
        } else {
            false
        }
    }

    /// Gives the slot back with what the attempt said.
    pub fn finish(&mut self, signal: HostSignal, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let (min, max) = (self.config.min as f64, self.config.max as f64);
        match signal {
            HostSignal::Fast => {
                let step = if self.backed_off {
                    1.0 / self.limit.max(1.0)
                } else {
                    1.0
                };
                self.limit = (self.limit + step).min(max);
            }
            HostSignal::Overloaded => {
                let cooled = self
                    .last_decrease
                    .is_none_or(|at| now.saturating_duration_since(at) >= self.config.cooldown);
                if cooled {
                    self.limit = (self.limit / 2.0).max(min);
                    self.last_decrease = Some(now);
                    self.backed_off = true;
                }
            }
            HostSignal::Slow | HostSignal::Neutral => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> HostLimitConfig {
        HostLimitConfig {
            initial: 4,
            min: 2,
            max: 16,
            fast: Duration::from_millis(500),
            cooldown: Duration::from_secs(1),
        }
    }

    fn run(limit: &mut HostLimit, signal: HostSignal, now: Instant) {
        assert!(limit.try_start(), "a free slot");
        limit.finish(signal, now);
    }

    #[test]
    fn grows_on_fast_2xx_up_to_its_maximum() {
        let t = Instant::now();
        let mut l = HostLimit::new(config());
        assert_eq!(l.limit(), 4);
        for _ in 0..4 {
            run(&mut l, HostSignal::Fast, t);
        }
        assert_eq!(l.limit(), 8, "one more per fast answer before any back-off");
        for _ in 0..100 {
            run(&mut l, HostSignal::Fast, t);
        }
        assert_eq!(l.limit(), 16, "never above the maximum");
        // Slow answers hold it where it is.
        let mut slow = HostLimit::new(config());
        for _ in 0..10 {
            run(&mut slow, HostSignal::Slow, t);
        }
        assert_eq!(slow.limit(), 4);
    }

    #[test]
    fn shrinks_on_503_and_timeouts_once_per_cooldown_never_below_its_minimum() {
        let t = Instant::now();
        let mut l = HostLimit::new(config());
        for _ in 0..12 {
            run(&mut l, HostSignal::Fast, t);
        }
        assert_eq!(l.limit(), 16);
        // A burst of failures within one cooldown halves it once.
        for _ in 0..5 {
            run(&mut l, HostSignal::Overloaded, t);
        }
        assert_eq!(l.limit(), 8);
        run(
            &mut l,
            HostSignal::Overloaded,
            t + Duration::from_millis(1000),
        );
        assert_eq!(l.limit(), 4);
        run(
            &mut l,
            HostSignal::Overloaded,
            t + Duration::from_millis(2000),
        );
        run(
            &mut l,
            HostSignal::Overloaded,
            t + Duration::from_millis(3000),
        );
        run(
            &mut l,
            HostSignal::Overloaded,
            t + Duration::from_millis(4000),
        );
        assert_eq!(l.limit(), 2, "a host that never answers keeps its minimum");
        // After backing off it grows again, but by about one per round.
        for _ in 0..2 {
            run(&mut l, HostSignal::Fast, t + Duration::from_secs(5));
        }
        assert_eq!(l.limit(), 2, "2 + 1/2 + 1/2.5 is not 3 yet");
        run(&mut l, HostSignal::Fast, t + Duration::from_secs(5));
        assert_eq!(l.limit(), 3);
    }

    #[test]
    fn slots_are_counted_and_given_back() {
        let t = Instant::now();
        let mut l = HostLimit::new(config());
        assert!((0..4).all(|_| l.try_start()));
        assert!(!l.try_start(), "all four slots in use");
        assert_eq!(l.in_flight(), 4);
        l.finish(HostSignal::Neutral, t);
        assert!(l.try_start());
    }

    #[test]
    fn signals_come_from_status_and_latency() {
        let fast = Duration::from_millis(500);
        let quick = Duration::from_millis(20);
        assert_eq!(HostSignal::of(Some(204), quick, fast), HostSignal::Fast);
        assert_eq!(
            HostSignal::of(Some(200), Duration::from_secs(2), fast),
            HostSignal::Slow
        );
        assert_eq!(
            HostSignal::of(Some(503), quick, fast),
            HostSignal::Overloaded
        );
        assert_eq!(
            HostSignal::of(Some(429), quick, fast),
            HostSignal::Overloaded
        );
        assert_eq!(HostSignal::of(None, quick, fast), HostSignal::Overloaded);
        assert_eq!(HostSignal::of(Some(404), quick, fast), HostSignal::Neutral);
    }
}
