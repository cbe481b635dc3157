//! Realtime across several Parley instances on one PostgreSQL (SPEC S2):
//! events are published with `pg_notify` and every instance listens.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use super::presence::PresenceNote;
use super::realtime::Envelope;
use super::AppState;
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

/// Starts listening and routes the hub's events through PostgreSQL.
pub async fn start(state: &AppState, database_url: &str) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(CHANNEL).await?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Envelope>();
    let (presence_tx, mut presence_rx) = mpsc::unbounded_channel::<PresenceNote>();
    let publish = {
        let db = state.db.clone();
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

    let hub = state.hub.clone();
    let presence = state.presence.clone();
    let db = state.db.clone();
    tokio::spawn(async move {
        loop {
            match listener.recv().await {
                Ok(notification) => match serde_json::from_str::<Wire>(notification.payload()) {
                    Ok(Wire::Event(envelope)) => {
                        hub.deliver_local(&envelope.users, &envelope.event)
                    }
                    Ok(Wire::ChannelMessageRef { users, message_id }) => {
                        match super::channels::message_by_id(&db, &message_id).await {
                            Ok(Some(message)) => hub.deliver_local(
                                &users,
                                &ServerEvent::ChannelMessage {
                                    message: Box::new(message),
                                },
                            ),
                            Ok(None) => {}
                            Err(e) => tracing::warn!(error = %e, "cannot load a relayed message"),
                        }
                    }
                    Ok(Wire::Presence(note)) => presence.apply_remote(&note),
                    Ok(Wire::ChatMessageRef { users, message_id }) => {
                        match super::chats::message_by_id(&db, &message_id).await {
                            Ok(message) => hub.deliver_local(
                                &users,
                                &ServerEvent::ChatMessageSaved {
                                    message: Box::new(message),
                                },
                            ),
                            Err(e) => {
                                tracing::warn!(error = %e, "cannot load a relayed chat message")
                            }
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
    state.hub.set_relay(tx);
    state.presence.set_relay(presence_tx);
    Ok(())
}
