//! Endpoint health (SPEC E6): a target that keeps failing is switched off,
//! its owner hears of it on their other targets (`webhook.target_disabled`),
//! and a delivery that gave up is an event too (`webhook.delivery_failed`).
//! Runs inside the transaction that records the attempt.

use serde_json::json;
use sqlx::AnyConnection;

use super::targets::{self, TargetRow};
use crate::error::Error;
use crate::events::{emit_to, EmitSettings, Event};
use crate::i18n::{Key, Message};
use crate::model::DeliveryStatus;

/// When a failing target is switched off: failing without a success for
/// `after_ms` and at least `failures` failed attempts.
#[derive(Clone, Copy, Debug)]
pub struct HealthSettings {
    pub after_ms: i64,
    pub failures: i64,
}

impl Default for HealthSettings {
    fn default() -> Self {
        HealthSettings {
            after_ms: 5 * 24 * 3600 * 1000,
            failures: 10,
        }
    }
}

/// What the health check needs of one recorded attempt.
pub struct Attempt<'a> {
    pub target_id: &'a str,
    pub delivery_id: &'a str,
    pub event: &'a str,
    pub status: DeliveryStatus,
    pub error: Option<&'a str>,
}

/// Updates the target's health after an attempt; switches it off when it
/// has failed for long enough. Returns how many events were queued.
pub async fn after_attempt(
    conn: &mut AnyConnection,
    health: HealthSettings,
    emit: &EmitSettings,
    a: &Attempt<'_>,
    now: i64,
) -> Result<usize, Error> {
    if a.status == DeliveryStatus::Delivered {
        sqlx::query("UPDATE webhook_targets SET failures = 0, failing_since = NULL WHERE id = $1")
            .bind(a.target_id)
            .execute(&mut *conn)
            .await?;
        return Ok(0);
    }
    sqlx::query(
        "UPDATE webhook_targets SET failures = failures + 1, failing_since = COALESCE(failing_since, $1) WHERE id = $2",
    )
    .bind(now)
    .bind(a.target_id)
    .execute(&mut *conn)
    .await?;
    let Some(target) = get(conn, a.target_id).await? else {
        return Ok(0);
    };
    let owner = target.owner_id.clone();
    let mut queued = 0;
    // Events about webhooks never go out about themselves: no cascades.
    let about_webhooks = a.event.starts_with("webhook.");
    if a.status == DeliveryStatus::Failed && !about_webhooks {
        let event = Event {
            kind: crate::events::EventKind::WebhookDeliveryFailed,
            data: json!({
                "target": {"id": target.id, "name": target.name},
                "delivery": {"id": a.delivery_id, "event": a.event, "error": a.error},
            }),
            message: Message::new(Key::EventMsgDeliveryFailed)
                .arg("target", target.name.as_str())
                .arg("event", a.event),
        };
        queued += emit_to(conn, emit, owner.as_deref(), &event, Some(&target.id)).await?;
    }
    let long_enough = target
        .failing_since
        .is_some_and(|since| now - since >= health.after_ms);
    if target.enabled != 0 && long_enough && target.failures >= health.failures {
        targets::mark_changed();
        sqlx::query("UPDATE webhook_targets SET enabled = 0, disabled_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&target.id)
            .execute(&mut *conn)
            .await?;
        tracing::warn!(target = %target.id, failures = target.failures, "webhook target switched off after failing for days");
        let event = Event {
            kind: crate::events::EventKind::WebhookTargetDisabled,
            data: json!({
                "target": {"id": target.id, "name": target.name},
                "failing_since": target.failing_since,
                "failures": target.failures,
            }),
            message: Message::new(Key::EventMsgTargetDisabled)
                .arg("target", target.name.as_str())
                .arg("failures", target.failures),
        };
        queued += emit_to(conn, emit, owner.as_deref(), &event, Some(&target.id)).await?;
    }
    Ok(queued)
}

async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<TargetRow>, Error> {
    targets::get_on(conn, id).await
}
