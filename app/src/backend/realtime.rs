//! The server side of the realtime socket (SPEC W5): which tabs are
//! connected for which user, and pushing events to them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::mpsc;

use crate::model::ServerEvent;

pub type EventSender = mpsc::UnboundedSender<ServerEvent>;
pub type EventReceiver = mpsc::UnboundedReceiver<ServerEvent>;

#[derive(Clone, Default)]
pub struct RealtimeHub {
    connections: Arc<Mutex<HashMap<String, HashMap<u64, EventSender>>>>,
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
        let (tx, rx) = mpsc::unbounded_channel();
        if let Ok(mut map) = self.connections.lock() {
            map.entry(user_id.to_string()).or_default().insert(id, tx);
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

    /// Delivers to this instance's own sockets only.
    pub fn deliver_local(&self, user_ids: &[String], event: &ServerEvent) {
        for user_id in user_ids {
            self.deliver_local_one(user_id, event);
        }
    }

    fn deliver_local_one(&self, user_id: &str, event: &ServerEvent) {
        if let Ok(map) = self.connections.lock() {
            if let Some(tabs) = map.get(user_id) {
                for tx in tabs.values() {
                    let _ = tx.send(event.clone());
                }
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
            .map(|m| m.get(user_id).map_or(0, HashMap::len))
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
        assert_eq!(a1.events.recv().await, Some(ServerEvent::UsersChanged));
        assert_eq!(a2.events.recv().await, Some(ServerEvent::UsersChanged));
        assert!(b.events.try_recv().is_err());
        assert_eq!(hub.connection_count("a"), 2);
        drop(a1);
        assert_eq!(hub.connection_count("a"), 1);
        drop(a2);
        assert_eq!(hub.connection_count("a"), 0);
    }
}
