//! Realtime across several Parley instances on one PostgreSQL (SPEC S2):
//! events are published with `pg_notify` and every instance listens.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use futures::future::BoxFuture;

use super::db::Db;
use super::presence::{PresenceNote, PresenceRegistry};
use super::realtime::{Envelope, RealtimeHub};
use crate::model::ServerEvent;

const CHANNEL: &str = "parley_realtime";
/// NOTIFY payloads must stay under 8000 bytes.
const MAX_PAYLOAD: usize = 7500;

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    Event(Envelope),
    /// A channel message too large for NOTIFY: receivers load it.
    ChannelMessageRef {
        users: Vec<String>,
        message_id: String,
    },
    /// A tab's presence changed on some instance.
    Presence(super::presence::PresenceNote),
    /// The same for a chat message (a long finished reply).
    ChatMessageRef {
        users: Vec<String>,
        message_id: String,
    },
}

fn encode(envelope: Envelope) -> Option<String> {
    let text = serde_json::to_string(&Wire::Event(envelope.clone())).ok()?;
    if text.len() <= MAX_PAYLOAD {
        return Some(text);
    }
    match envelope.event {
        ServerEvent::ChannelMessage { message } => {
            serde_json::to_string(&Wire::ChannelMessageRef {
                users: envelope.users,
                message_id: message.id,
            })
            .ok()
        }
        ServerEvent::ChatMessageSaved { message } => serde_json::to_string(&Wire::ChatMessageRef {
            users: envelope.users,
            message_id: message.id,
        })
        .ok(),
        // A lost reply piece shows as a gap; the view reloads the chat.
        _ => None,
    }
}

/// A message too large for NOTIFY, relayed by id.
#[derive(Clone, Debug)]
pub enum Oversized {
    ChannelMessage(String),
    ChatMessage(String),
}

/// How a receiving instance turns an [`Oversized`] reference back into
/// the event to deliver: given by the composition root, so the relay
/// knows nothing of channels or chats (`None`: gone, or not readable).
pub type LoadOversized =
    std::sync::Arc<dyn Fn(Oversized) -> BoxFuture<'static, Option<ServerEvent>> + Send + Sync>;

/// Starts listening and routes the hub's events (and `presence`'s notes)
/// through PostgreSQL; `db` publishes.
pub async fn start(
    db: &Db,
    hub: &RealtimeHub,
    presence: &PresenceRegistry,
    database_url: &str,
    load: LoadOversized,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Envelope>();
    let (presence_tx, mut presence_rx) = mpsc::unbounded_channel::<PresenceNote>();
    let publish = {
        let db = db.clone();
        move |payload: String| {
            let db = db.clone();
            async move {
                if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(CHANNEL)
                    .bind(payload)
                    .execute(&db)
                    .await
                {
                    tracing::warn!(error = %e, "cannot publish a realtime event");
                }
            }
        }
    };
    {
        let publish = publish.clone();
        tokio::spawn(async move {
            while let Some(note) = presence_rx.recv().await {
                if let Ok(payload) = serde_json::to_string(&Wire::Presence(note)) {
                    publish(payload).await;
                }
            }
        });
    }

    tokio::spawn(async move {
        while let Some(envelope) = rx.recv().await {
            if let Some(payload) = encode(envelope) {
                publish(payload).await;
            }
        }
    });

    let (relay_hub, relay_presence) = (hub.clone(), presence.clone());
    let (hub, presence) = (hub.clone(), presence.clone());
    tokio::spawn(async move {
        loop {
            match listener.recv().await {
                Ok(notification) => match serde_json::from_str::<Wire>(notification.payload()) {
                    Ok(Wire::Event(envelope)) => {
                        hub.deliver_local(&envelope.users, &envelope.event)
                    }
                    Ok(Wire::ChannelMessageRef { users, message_id }) => {
                        if let Some(event) = load(Oversized::ChannelMessage(message_id)).await {
                            hub.deliver_local(&users, &event);
                        }
                    }
                    Ok(Wire::Presence(note)) => presence.apply_remote(&note),
                    Ok(Wire::ChatMessageRef { users, message_id }) => {
                        if let Some(event) = load(Oversized::ChatMessage(message_id)).await {
                            hub.deliver_local(&users, &event);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "ignored a malformed realtime notification")
                    }
                },
                Err(e) => {
                    // PgListener reconnects on the next recv.
                    tracing::warn!(error = %e, "realtime listener interrupted");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    relay_hub.set_relay(tx);
    relay_presence.set_relay(presence_tx);
    Ok(())
}
