//! The event catalog (SPEC E1) and `emit` (E4, E5, E7): an event becomes
//! one delivery per subscribed target, written in the transaction of the
//! change that caused it — nothing is enqueued for a target that did not
//! subscribe.

use std::sync::Arc;

use serde_json::{json, Value};
use sqlx::AnyConnection;
use tokio::sync::Notify;

use super::db::{now_ms, Db};
use super::realtime::RealtimeHub;
use super::webhooks::format::{body_for, escape_for, rfc3339, Destination};
use super::webhooks::store::{self, NewDelivery, Target};
use super::webhooks::targets::{self, url_in_force};
use crate::error::Error;
use crate::i18n::{Arg, Key, Locale, Message};
use crate::model::ServerEvent;

pub use super::catalog::{Carries, EventInfo, EventKind, CATALOG};

/// The outbox's one way in: a delivery written on the caller's connection
/// (their transaction), so it commits — or not — with the change that
/// caused it (SPEC D1, E5). Every producer enqueues through here.
pub async fn enqueue(
    conn: &mut AnyConnection,
    delivery: NewDelivery<'_>,
) -> Result<crate::ids::DeliveryId, Error> {
    store::enqueue(conn, delivery).await
}

/// Filters a target may subscribe with: `*`, `prefix.*` naming at least
/// one event, or an event's exact name. At least one.
pub fn validate_filters(filters: &[String]) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for f in filters.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        let known = CATALOG
            .iter()
            .any(|e| targets::filter_matches(f, e.name) && (f.ends_with('*') || f == e.name));
        if !known {
            return Err(Error::Invalid(
                Message::new(Key::ErrUnknownEvent).arg("event", f),
            ));
        }
        if !out.iter().any(|o| o == f) {
            out.push(f.to_string());
        }
    }
    if out.is_empty() {
        return Err(Error::invalid(Key::ErrNoEvents));
    }
    Ok(out)
}

/// What `emit` needs besides the connection: explicit, not the app state.
#[derive(Clone, Debug)]
pub struct EmitSettings {
    /// `WEBHOOK_URL`: the admin default target's URL until one is saved.
    pub env_webhook_url: Option<String>,
    /// The instance language, for admin targets' messages.
    pub locale: Locale,
}

/// The outbox's handle for the domain (SPEC D1, E5): deliveries are
/// written in the caller's transaction; once it commits, the worker wakes
/// and the open delivery logs of whoever owns them refresh.
#[derive(Clone)]
pub struct Outbox {
    db: Db,
    settings: EmitSettings,
    wake: Arc<Notify>,
    hub: RealtimeHub,
    /// Who is told that the admin log changed, read at most once per
    /// [`ADMINS_TOLD_FOR`]: an attempt's outcome must not cost a read of
    /// the accounts (the worker records hundreds a second, SPEC B2).
    admins: Arc<std::sync::Mutex<Option<AdminsRead>>>,
}

/// The admins' ids and when they were read.
type AdminsRead = (std::time::Instant, Arc<Vec<String>>);

/// How long the list of admins told of a changed admin log is reused. The
/// message is only "refresh your log" (the log itself checks the role):
/// someone made admin in this second hears of it from the next change.
pub const ADMINS_TOLD_FOR: std::time::Duration = std::time::Duration::from_secs(1);

impl Outbox {
    pub fn new(db: Db, settings: EmitSettings, wake: Arc<Notify>, hub: RealtimeHub) -> Outbox {
        Outbox {
            db,
            settings,
            wake,
            hub,
            admins: Arc::default(),
        }
    }

    pub fn settings(&self) -> &EmitSettings {
        &self.settings
    }

    /// Wakes the delivery worker (something is due now).
    pub fn wake_worker(&self) {
        self.wake.notify_one();
    }

    /// What the delivery worker waits on.
    pub fn wake_handle(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Emits `event` to the admin's targets in `tx` and commits it (SPEC
    /// E5); wakes the worker and open logs when it queued anything.
    pub async fn commit_with_event(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        event: &Event,
    ) -> Result<(), Error> {
        let queued = emit(&mut tx, &self.settings, event).await?;
        tx.commit().await?;
        if queued > 0 {
            self.deliveries_changed(&Target::Admin).await;
        }
        Ok(())
    }

    /// Tells the worker and the open delivery logs that a delivery of
    /// `target` was queued or changed (after the commit).
    pub async fn deliveries_changed(&self, target: &Target) {
        self.wake.notify_one();
        match target {
            Target::Admin => match self.admins().await {
                Ok(ids) => self.hub.send_to_users(&ids, ServerEvent::DeliveriesChanged),
                Err(e) => tracing::warn!(error = %e, "cannot notify admins"),
            },
            Target::User(id) => self.hub.send_to_user(id, ServerEvent::DeliveriesChanged),
        }
    }

    async fn admins(&self) -> Result<Arc<Vec<String>>, Error> {
        let fresh = |cached: &Option<AdminsRead>| {
            cached
                .as_ref()
                .filter(|(at, _)| at.elapsed() < ADMINS_TOLD_FOR)
                .map(|(_, ids)| ids.clone())
        };
        if let Some(ids) = self.admins.lock().ok().and_then(|c| fresh(&c)) {
            return Ok(ids);
        }
        let ids = Arc::new(super::users::admin_ids(&self.db).await?);
        if let Ok(mut cached) = self.admins.lock() {
            *cached = Some((std::time::Instant::now(), ids.clone()));
        }
        Ok(ids)
    }
}

/// One occurrence of an event with its E4 data and message.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: EventKind,
    pub data: Value,
    pub message: Message,
}

impl Event {
    /// The E4 body for `url`: `{"event", "timestamp", "data", "message"}`,
    /// or the message alone for a chat service (A4), its arguments escaped
    /// for that service's markup.
    pub fn body_for(&self, url: &str, locale: Locale, at_ms: i64) -> Value {
        let generic = json!({
            "event": self.kind.name(),
            "timestamp": rfc3339(at_ms),
            "data": self.data,
            "message": self.message.text(locale),
        });
        let dest = Destination::of(url);
        let mut shown = self.message.clone();
        for (_, value) in shown.args.iter_mut() {
            if let Arg::Text(text) = value {
                *text = escape_for(dest, text);
            }
        }
        body_for(url, generic, &shown.text(locale))
    }
}

/// Writes one delivery of `event` to each admin target subscribed to it,
/// on the caller's connection (their transaction). `body` makes the body
/// for a URL (`user.created` keeps A3's). Returns how many were queued.
pub async fn emit_admin_with(
    conn: &mut AnyConnection,
    settings: &EmitSettings,
    kind: EventKind,
    carries: Carries,
    body: impl Fn(&str) -> Value,
) -> Result<usize, Error> {
    emit_owned_with(conn, settings, None, kind, carries, None, body).await
}

/// `emit_admin_with` for the targets of `owner` (`None`: the admin's),
/// leaving out `except` (the target an event is about).
async fn emit_owned_with(
    conn: &mut AnyConnection,
    settings: &EmitSettings,
    owner: Option<&str>,
    kind: EventKind,
    carries: Carries,
    except: Option<&str>,
    body: impl Fn(&str) -> Value,
) -> Result<usize, Error> {
    let subscribed = targets::subscribed(conn, owner, kind.name()).await?;
    let mut queued = 0;
    for target in subscribed.iter().filter(|t| Some(t.id.as_str()) != except) {
        let Some(url) = url_in_force(target, settings.env_webhook_url.as_deref()) else {
            continue;
        };
        let body = body(&url);
        enqueue(
            conn,
            NewDelivery {
                target: target.target(),
                target_id: &target.id,
                carries,
                url: &url,
                body: &body,
            },
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// `emit` to the targets of `owner` (`None`: the admin's), but `except`.
pub async fn emit_to(
    conn: &mut AnyConnection,
    settings: &EmitSettings,
    owner: Option<&str>,
    event: &Event,
    except: Option<&str>,
) -> Result<usize, Error> {
    let now = now_ms();
    emit_owned_with(
        conn,
        settings,
        owner,
        event.kind,
        Carries::Event(event.kind),
        except,
        |url| event.body_for(url, settings.locale, now),
    )
    .await
}

/// `emit(&mut tx, event)` for the admin's targets: the E4 body.
pub async fn emit(
    conn: &mut AnyConnection,
    settings: &EmitSettings,
    event: &Event,
) -> Result<usize, Error> {
    let now = now_ms();
    emit_admin_with(
        conn,
        settings,
        event.kind,
        Carries::Event(event.kind),
        |url| event.body_for(url, settings.locale, now),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_names_are_unique_and_described() {
        for e in CATALOG {
            assert_eq!(e.kind.name(), e.name);
        }
        let mut names: Vec<_> = CATALOG.iter().map(|e| e.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
        for e in CATALOG {
            assert!(!e.description.text(Locale::En).is_empty());
        }
    }

    #[test]
    fn filters_must_name_events_parley_sends() {
        assert_eq!(
            validate_filters(&["channel.*".into(), " user.created ".into()]).expect("ok"),
            vec!["channel.*".to_string(), "user.created".to_string()]
        );
        assert!(validate_filters(&["*".into()]).is_ok());
        assert!(validate_filters(&["nope.*".into()]).is_err());
        assert!(validate_filters(&["user.create".into()]).is_err());
        assert!(validate_filters(&[]).is_err());
    }

    #[test]
    fn chat_services_get_the_message_with_escaped_arguments() {
        let event = Event {
            kind: EventKind::ChannelCreated,
            data: json!({"channel": {"name": "<!here>"}}),
            message: Message::new(Key::EventMsgChannelCreated).arg("channel", "<!here>"),
        };
        let slack = event.body_for("https://hooks.slack.com/services/T/B/X", Locale::En, 0);
        assert_eq!(slack["text"], "New channel: #&lt;!here&gt;");
        let generic = event.body_for("https://example.com/hook", Locale::De, 0);
        assert_eq!(generic["event"], "channel.created");
        assert_eq!(generic["message"], "Neuer Kanal: #<!here>");
        assert_eq!(generic["data"]["channel"]["name"], "<!here>");
    }
}
