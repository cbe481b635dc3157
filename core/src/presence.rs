//! `PresenceRegistry` (SPEC P2): is a user actively using Parley right now?
//!
//! Active = at least one of their tabs reported `visible && focused`, and
//! that report is younger than two heartbeats. A closed socket stops
//! counting at once; a tab that stops reporting stops counting after two
//! missed heartbeats.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Time as the registry sees it; tests drive it by hand.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

#[derive(Clone, Copy, Debug)]
struct TabReport {
    visible: bool,
    focused: bool,
    at: Instant,
}

/// A tab anywhere: the instance that holds its socket, and the socket.
type TabKey = (u64, u64);

/// A presence change as it crosses instances (SPEC S2): with several
/// instances a user's tab may be connected to one while their reply is
/// written by another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresenceNote {
    pub instance: u64,
    pub user_id: String,
    pub tab: u64,
    /// `None`: the tab's socket closed.
    pub state: Option<(bool, bool)>,
}

#[derive(Clone)]
pub struct PresenceRegistry {
    tabs: Arc<Mutex<HashMap<String, HashMap<TabKey, TabReport>>>>,
    clock: Arc<dyn Clock>,
    heartbeat: Duration,
    instance: u64,
    relay: Arc<OnceLock<mpsc::UnboundedSender<PresenceNote>>>,
}

impl Default for PresenceRegistry {
    fn default() -> Self {
        PresenceRegistry::new(Arc::new(SystemClock), HEARTBEAT)
    }
}

impl PresenceRegistry {
    pub fn new(clock: Arc<dyn Clock>, heartbeat: Duration) -> Self {
        PresenceRegistry {
            tabs: Arc::default(),
            clock,
            heartbeat,
            instance: rand::random(),
            relay: Arc::default(),
        }
    }

    /// Sends this instance's changes to the others from now on.
    pub fn set_relay(&self, relay: mpsc::UnboundedSender<PresenceNote>) {
        let _ = self.relay.set(relay);
    }

    fn publish(&self, user_id: &str, tab: u64, state: Option<(bool, bool)>) {
        if let Some(relay) = self.relay.get() {
            let _ = relay.send(PresenceNote {
                instance: self.instance,
                user_id: user_id.to_string(),
                tab,
                state,
            });
        }
    }

    /// A change reported by another instance (our own come back too and
    /// are skipped: they were applied at once).
    pub fn apply_remote(&self, note: &PresenceNote) {
        if note.instance == self.instance {
            return;
        }
        let key = (note.instance, note.tab);
        match note.state {
            Some((visible, focused)) => self.put(&note.user_id, key, visible, focused),
            None => self.remove(&note.user_id, key),
        }
    }

    /// A tab's report: on every visibility/focus change and every heartbeat.
    pub fn report(&self, user_id: &str, tab: u64, visible: bool, focused: bool) {
        self.put(user_id, (self.instance, tab), visible, focused);
        self.publish(user_id, tab, Some((visible, focused)));
    }

    fn put(&self, user_id: &str, key: TabKey, visible: bool, focused: bool) {
        let at = self.clock.now();
        if let Ok(mut map) = self.tabs.lock() {
            map.entry(user_id.to_string()).or_default().insert(
                key,
                TabReport {
                    visible,
                    focused,
                    at,
                },
            );
        }
    }

    /// The tab's socket closed: it stops counting at once.
    pub fn disconnect(&self, user_id: &str, tab: u64) {
        self.remove(user_id, (self.instance, tab));
        self.publish(user_id, tab, None);
    }

    fn remove(&self, user_id: &str, tab: TabKey) {
        if let Ok(mut map) = self.tabs.lock() {
            if let Some(tabs) = map.get_mut(user_id) {
                tabs.remove(&tab);
                if tabs.is_empty() {
                    map.remove(user_id);
                }
            }
        }
    }

    pub fn is_active(&self, user_id: &str) -> bool {
        let now = self.clock.now();
        let fresh_for = self.heartbeat * 2;
        self.tabs.lock().is_ok_and(|map| {
            map.get(user_id).is_some_and(|tabs| {
                tabs.values().any(|t| {
                    t.visible && t.focused && now.saturating_duration_since(t.at) < fresh_for
                })
            })
        })
    }

    pub fn is_away(&self, user_id: &str) -> bool {
        !self.is_active(user_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that only moves when told to.
    struct ManualClock(Mutex<Instant>);

    impl ManualClock {
        fn advance(&self, d: Duration) {
            if let Ok(mut t) = self.0.lock() {
                *t += d;
            }
        }
    }

    impl Clock for ManualClock {
        fn now(&self) -> Instant {
            self.0.lock().map(|t| *t).unwrap_or_else(|_| Instant::now())
        }
    }

    fn registry() -> (PresenceRegistry, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock(Mutex::new(Instant::now())));
        (
            PresenceRegistry::new(clock.clone(), Duration::from_secs(15)),
            clock,
        )
    }

    #[test]
    fn a_visible_focused_tab_makes_the_user_active_until_two_heartbeats_pass() {
        let (p, clock) = registry();
        assert!(p.is_away("u"), "no tab, away");
        p.report("u", 1, true, true);
        assert!(p.is_active("u"));
        clock.advance(Duration::from_secs(29));
        assert!(p.is_active("u"), "one missed heartbeat is fine");
        clock.advance(Duration::from_secs(1));
        assert!(p.is_away("u"), "two missed heartbeats: away");
        p.report("u", 1, true, true);
        assert!(p.is_active("u"), "a fresh heartbeat brings it back");
    }

    #[test]
    fn hidden_or_blurred_tabs_do_not_count() {
        let (p, _) = registry();
        p.report("u", 1, true, false);
        assert!(p.is_away("u"), "visible but not focused");
        p.report("u", 1, false, true);
        assert!(p.is_away("u"), "focused but hidden");
        p.report("u", 1, true, true);
        assert!(p.is_active("u"));
        p.report("u", 1, false, false);
        assert!(p.is_away("u"), "hiding the last active tab is away at once");
    }

    #[test]
    fn several_tabs_one_hidden_one_focused_is_active() {
        let (p, clock) = registry();
        p.report("u", 1, false, false);
        p.report("u", 2, true, true);
        assert!(p.is_active("u"));
        clock.advance(Duration::from_secs(20));
        p.report("u", 1, false, false);
        clock.advance(Duration::from_secs(15));
        assert!(
            p.is_away("u"),
            "the focused tab went stale; the fresh one is hidden"
        );
    }

    #[test]
    fn tabs_on_other_instances_count_and_leave_by_note() {
        let (here, clock) = registry();
        let there = PresenceRegistry::new(clock.clone(), Duration::from_secs(15));
        let (tx, mut rx) = mpsc::unbounded_channel();
        there.set_relay(tx);
        // The same socket number on two instances is two different tabs.
        here.report("u", 1, false, false);
        there.report("u", 1, true, true);
        let note = rx.try_recv().expect("published");
        here.apply_remote(&note);
        there.apply_remote(&note); // its own note: ignored
        assert!(
            here.is_active("u"),
            "the focused tab on the other instance counts"
        );
        clock.advance(Duration::from_secs(30));
        assert!(here.is_away("u"), "remote reports go stale like local ones");
        there.report("u", 1, true, true);
        here.apply_remote(&rx.try_recv().expect("heartbeat"));
        assert!(here.is_active("u"));
        there.disconnect("u", 1);
        here.apply_remote(&rx.try_recv().expect("close"));
        assert!(here.is_away("u"), "the remote tab closed");
    }

    #[test]
    fn closing_the_socket_makes_the_user_away_at_once() {
        let (p, _) = registry();
        p.report("u", 1, true, true);
        p.report("u", 2, true, true);
        p.disconnect("u", 1);
        assert!(p.is_active("u"), "another active tab remains");
        p.disconnect("u", 2);
        assert!(p.is_away("u"));
        assert!(p.is_away("someone-else"));
    }
}
