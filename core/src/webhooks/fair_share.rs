//! How many of the worker's request slots one owner may hold (SPEC D8).
//! An owner is the admin (all admin targets together) or one user (all
//! their notification targets). Two rules:
//!
//! - nobody holds more than `max_in_flight - reserved_for_others`, so a
//!   newcomer always finds a free slot at once, even while one owner's
//!   requests all hang on dead hosts until their timeout;
//! - while several owners have requests in flight, each may start new ones
//!   only below an equal share of the whole (`max_in_flight / owners`):
//!   an owner above it waits until its own requests finish, and the slots
//!   that frees go to the others.
//!
//! Alone, an owner uses everything but the reserve.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The named limits of the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FairShareConfig {
    pub max_in_flight: usize,
    /// Slots no single owner may take: always free for someone else.
    pub reserved_for_others: usize,
}

impl FairShareConfig {
    /// The reserve a quarter of the whole, at least one slot when there
    /// are two or more.
    pub fn for_max_in_flight(max_in_flight: usize) -> FairShareConfig {
        let max_in_flight = max_in_flight.max(1);
        let reserved_for_others = if max_in_flight >= 2 {
            (max_in_flight / 4).max(1)
        } else {
            0
        };
        FairShareConfig {
            max_in_flight,
            reserved_for_others,
        }
    }

    /// The most `owner` may hold while `active_owners` (itself included)
    /// have requests in flight.
    fn cap(&self, active_owners: usize) -> usize {
        let alone = self.max_in_flight - self.reserved_for_others.min(self.max_in_flight - 1);
        let share = self.max_in_flight.div_ceil(active_owners.max(1));
        share.min(alone).max(1)
    }
}

/// Requests in flight per owner. Entries live only while their owner has
/// something in flight, so the map is as small as the worker's slots.
#[derive(Clone)]
pub struct FairShare {
    config: FairShareConfig,
    in_flight: Arc<Mutex<HashMap<String, usize>>>,
}

/// One owner's slot, given back when dropped.
pub struct OwnerPermit {
    owner: String,
    in_flight: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for OwnerPermit {
    fn drop(&mut self) {
        if let Ok(mut map) = self.in_flight.lock() {
            if let Some(n) = map.get_mut(&self.owner) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(&self.owner);
                }
            }
        }
    }
}

impl FairShare {
    pub fn new(config: FairShareConfig) -> FairShare {
        FairShare {
            config,
            in_flight: Arc::default(),
        }
    }

    /// Takes a slot for `owner` if it is below its share now.
    pub fn try_start(&self, owner: &str) -> Option<OwnerPermit> {
        let mut map = self.in_flight.lock().ok()?;
        let held = map.get(owner).copied().unwrap_or(0);
        let active = map.len() + usize::from(held == 0);
        if held >= self.config.cap(active) {
            return None;
        }
        *map.entry(owner.to_string()).or_insert(0) += 1;
        Some(OwnerPermit {
            owner: owner.to_string(),
            in_flight: self.in_flight.clone(),
        })
    }

    /// The owners at or above their share now: the claim leaves their rows
    /// in the table until their own requests finish.
    pub fn owners_at_share(&self) -> Vec<String> {
        let Ok(map) = self.in_flight.lock() else {
            return Vec::new();
        };
        let cap = self.config.cap(map.len());
        map.iter()
            .filter(|(_, held)| **held >= cap)
            .map(|(owner, _)| owner.clone())
            .collect()
    }

    pub fn held_by(&self, owner: &str) -> usize {
        self.in_flight
            .lock()
            .map(|m| m.get(owner).copied().unwrap_or(0))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(share: &FairShare, owner: &str, n: usize) -> Vec<OwnerPermit> {
        (0..n).filter_map(|_| share.try_start(owner)).collect()
    }

    #[test]
    fn one_owner_alone_leaves_the_reserve_free() {
        let share = FairShare::new(FairShareConfig::for_max_in_flight(64));
        let held = take(&share, "tim", 100);
        assert_eq!(held.len(), 48, "a quarter stays free for the others");
        assert_eq!(share.owners_at_share(), vec!["tim".to_string()]);
        // The admin arrives while Tim's 48 hang: it starts at once.
        let admin = share.try_start("");
        assert!(admin.is_some());
    }

    #[test]
    fn an_owner_above_an_equal_share_waits_while_others_run() {
        let share = FairShare::new(FairShareConfig::for_max_in_flight(64));
        let mut tim = take(&share, "tim", 48);
        let _admin = take(&share, "", 10);
        // Two owners: 32 each. Tim is above it; his finished requests
        // give their slots to others, not back to him.
        assert!(share.try_start("tim").is_none());
        let mut owners = share.owners_at_share();
        owners.sort();
        assert_eq!(owners, vec!["tim".to_string()]);
        tim.truncate(31);
        assert!(share.try_start("tim").is_some(), "below 32 again");
        assert_eq!(take(&share, "", 40).len(), 22, "the admin may reach 32");
    }

    #[test]
    fn finished_requests_leave_no_entry_behind() {
        let share = FairShare::new(FairShareConfig::for_max_in_flight(8));
        let held = take(&share, "olga", 3);
        assert_eq!(share.held_by("olga"), 3);
        drop(held);
        assert_eq!(share.held_by("olga"), 0);
        assert!(share.in_flight.lock().expect("lock").is_empty());
    }

    #[test]
    fn a_single_slot_worker_still_sends() {
        let share = FairShare::new(FairShareConfig::for_max_in_flight(1));
        let first = share.try_start("a");
        assert!(first.is_some());
        assert!(share.try_start("a").is_none());
    }
}
