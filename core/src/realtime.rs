//! The server side of the realtime socket (SPEC W5): which tabs are
//! connected for which user, and pushing events to them.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;

use crate::model::ServerEvent;

/// Events a tab may have queued before it counts as too slow: it is then
/// dropped (its socket closes, the browser reconnects and refetches).
pub const TAB_QUEUE: usize = 128;
/// Open sockets per user; a new one beyond this closes the oldest.
pub const MAX_TABS_PER_USER: usize = 16;

/// One event on its way to sockets: serialized once and shared by every
/// tab it goes to, so a burst costs its size once, not once per tab.
#[derive(Clone, Debug)]
pub struct Frame {
    pub event: Arc<ServerEvent>,
    pub json: Arc<str>,
}

impl Frame {
    pub fn new(event: &ServerEvent) -> Option<Frame> {
        let json = serde_json::to_string(event).ok()?;
        Some(Frame {
            event: Arc::new(event.clone()),
            json: json.into(),
        })
    }
}

pub type EventSender = mpsc::Sender<Frame>;
pub type EventReceiver = mpsc::Receiver<Frame>;

#[derive(Clone, Default)]
pub struct RealtimeHub {
    /// user → tab id → queue; ids grow, so the first entry is the oldest.
    connections: Arc<Mutex<HashMap<String, BTreeMap<u64, EventSender>>>>,
    next_id: Arc<AtomicU64>,
    /// Set on PostgreSQL: events then go through NOTIFY, and every instance
    /// (this one included) delivers them to its own sockets (SPEC S2).
    relay: Arc<OnceLock<mpsc::UnboundedSender<Envelope>>>,
}

/// An event and the users it is for, as it crosses instances.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Envelope {
    pub users: Vec<String>,
    pub event: ServerEvent,
}

/// One open socket. Dropping it unregisters the tab.
pub struct Connection {
    hub: RealtimeHub,
    pub user_id: String,
    pub id: u64,
    /// Ends (`None`) when the hub drops the tab: too slow, or evicted by a
    /// newer tab of the same user.
    pub events: EventReceiver,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.hub.unregister(&self.user_id, self.id);
    }
}

impl RealtimeHub {
    pub fn connect(&self, user_id: &str) -> Connection {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel(TAB_QUEUE);
        if let Ok(mut map) = self.connections.lock() {
            let tabs = map.entry(user_id.to_string()).or_default();
            tabs.insert(id, tx);
            while tabs.len() > MAX_TABS_PER_USER {
                // Dropping the sender ends the oldest socket's loop.
                tabs.pop_first();
                tracing::debug!(user_id, "closed the oldest socket: too many open");
            }
        }
        Connection {
            hub: self.clone(),
            user_id: user_id.to_string(),
            id,
            events: rx,
        }
    }

    fn unregister(&self, user_id: &str, id: u64) {
        if let Ok(mut map) = self.connections.lock() {
            if let Some(tabs) = map.get_mut(user_id) {
                tabs.remove(&id);
                if tabs.is_empty() {
                    map.remove(user_id);
                }
            }
        }
    }

    pub fn send_to_user(&self, user_id: &str, event: ServerEvent) {
        self.send_to_users(&[user_id.to_string()], event);
    }

    /// Routes events through `relay` from now on.
    pub fn set_relay(&self, relay: mpsc::UnboundedSender<Envelope>) {
        let _ = self.relay.set(relay);
    }

    /// Delivers to this instance's own sockets only. A tab whose queue is
    /// full is dropped rather than allowed to grow.
    pub fn deliver_local(&self, user_ids: &[String], event: &ServerEvent) {
        let Some(frame) = Frame::new(event) else {
            return;
        };
        let Ok(mut map) = self.connections.lock() else {
            return;
        };
        for user_id in user_ids {
            let Some(tabs) = map.get_mut(user_id) else {
                continue;
            };
            tabs.retain(|tab, tx| match tx.try_send(frame.clone()) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(_)) => {
                    tracing::info!(user_id = %user_id, tab, "dropped a socket that does not keep up");
                    false
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            });
            if tabs.is_empty() {
                map.remove(user_id);
            }
        }
    }

    pub fn send_to_users(&self, user_ids: &[String], event: ServerEvent) {
        if user_ids.is_empty() {
            return;
        }
        if let Some(relay) = self.relay.get() {
            if relay
                .send(Envelope {
                    users: user_ids.to_vec(),
                    event: event.clone(),
                })
                .is_ok()
            {
                return;
            }
        }
        self.deliver_local(user_ids, &event);
    }

    pub fn connection_count(&self, user_id: &str) -> usize {
        self.connections
            .lock()
            .map(|m| m.get(user_id).map_or(0, BTreeMap::len))
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_reach_every_tab_of_the_user_only() {
        let hub = RealtimeHub::default();
        let mut a1 = hub.connect("a");
        let mut a2 = hub.connect("a");
        let mut b = hub.connect("b");
        hub.send_to_user("a", ServerEvent::UsersChanged);
        let got = |f: Option<Frame>| f.map(|f| (*f.event).clone());
        assert_eq!(got(a1.events.recv().await), Some(ServerEvent::UsersChanged));
        assert_eq!(got(a2.events.recv().await), Some(ServerEvent::UsersChanged));
        assert!(b.events.try_recv().is_err());
        assert_eq!(hub.connection_count("a"), 2);
        drop(a1);
        assert_eq!(hub.connection_count("a"), 1);
        drop(a2);
        assert_eq!(hub.connection_count("a"), 0);
    }

    #[tokio::test]
    async fn a_tab_that_does_not_read_is_dropped_not_buffered() {
        let hub = RealtimeHub::default();
        let mut slow = hub.connect("a");
        let mut other = hub.connect("b");
        for _ in 0..TAB_QUEUE + 10 {
            hub.send_to_users(&["a".into(), "b".into()], ServerEvent::UsersChanged);
            // b keeps up.
            assert!(other.events.recv().await.is_some());
        }
        assert_eq!(hub.connection_count("a"), 0, "the slow tab is gone");
        assert_eq!(hub.connection_count("b"), 1);
        let mut drained = 0;
        while slow.events.recv().await.is_some() {
            drained += 1;
        }
        assert_eq!(drained, TAB_QUEUE, "its queue never grew past the bound");
    }

    #[tokio::test]
    async fn a_user_has_at_most_the_tab_limit_and_the_oldest_goes() {
        let hub = RealtimeHub::default();
        let mut tabs: Vec<Connection> = (0..MAX_TABS_PER_USER).map(|_| hub.connect("a")).collect();
        let newest = hub.connect("a");
        assert_eq!(hub.connection_count("a"), MAX_TABS_PER_USER);
        assert!(tabs[0].events.recv().await.is_none(), "oldest closed");
        hub.send_to_user("a", ServerEvent::UsersChanged);
        assert!(tabs[1].events.recv().await.is_some());
        drop(newest);
    }
}
