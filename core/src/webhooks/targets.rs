//! The `webhook_targets` table (SPEC E2, E3): every outgoing target, the
//! admin's (no owner) and each user's, with its event filter (E7), delivery
//! mode and sealed credentials. The seed's two fields edit the default
//! targets: `admin-default` and `user-default-<user id>`.

use serde_json::Value;

use crate::db::{new_id, now_ms, Db};
use crate::error::Error;

/// Whose webhook a delivery goes to: decides the SSRF policy, the signing
/// secret and headers, and whose log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Admin,
    User(String),
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Admin => "admin",
            Target::User(_) => "user",
        }
    }

    pub fn owner(&self) -> Option<&str> {
        match self {
            Target::Admin => None,
            Target::User(id) => Some(id),
        }
    }

    /// From a delivery's `target` and `owner_id` columns; anything else
    /// is an error, never a silent default.
    pub fn from_columns(kind: &str, owner: Option<String>) -> Result<Target, Error> {
        match (kind, owner) {
            ("user", Some(id)) => Ok(Target::User(id)),
            ("admin", None) => Ok(Target::Admin),
            (kind, owner) => {
                tracing::error!(kind, ?owner, "a delivery names no target Parley knows");
                Err(Error::Internal)
            }
        }
    }
}

/// Bumped by every change to `webhook_targets` in this process, so a
/// cached "who subscribes to what" knows it is stale (`SubscriptionCache`).
static TARGETS_VERSION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// For writers outside this module (health switching a target off).
pub fn mark_changed() {
    changed();
}

fn changed() {
    TARGETS_VERSION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Whose targets a `SubscriptionCache` asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subscribers {
    /// The admin's targets.
    Admin,
    /// Any user's targets (SPEC E3): "is anyone's target listening?".
    AnyUser,
}

/// Whether any enabled target subscribes to one of some events, remembered
/// between asks: re-read after a change in this process, and at least
/// every `MAX_AGE` for changes made by other instances (PostgreSQL).
#[derive(Debug)]
pub struct SubscriptionCache {
    events: &'static [&'static str],
    whose: Subscribers,
    known: Option<(bool, u64, std::time::Instant)>,
}

impl SubscriptionCache {
    pub const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(1);

    pub fn new(whose: Subscribers, events: &'static [&'static str]) -> SubscriptionCache {
        SubscriptionCache {
            events,
            whose,
            known: None,
        }
    }

    pub async fn anyone(&mut self, db: &Db) -> Result<bool, Error> {
        let version = TARGETS_VERSION.load(std::sync::atomic::Ordering::Relaxed);
        if let Some((wanted, v, at)) = self.known {
            if v == version && at.elapsed() < Self::MAX_AGE {
                return Ok(wanted);
            }
        }
        let mut conn = db.acquire().await?;
        let wanted = match self.whose {
            Subscribers::Admin => {
                let admin = enabled_targets(&mut conn, None).await?;
                admin.iter().any(|t| self.events.iter().any(|e| t.wants(e)))
            }
            Subscribers::AnyUser => {
                let sql = format!(
                    "SELECT {COLUMNS} FROM webhook_targets WHERE owner_id IS NOT NULL AND enabled = 1"
                );
                let rows = sqlx::query_as::<_, TargetRow>(&sql)
                    .fetch_all(&mut *conn)
                    .await?;
                rows.iter().any(|t| self.events.iter().any(|e| t.wants(e)))
            }
        };
        self.known = Some((wanted, version, std::time::Instant::now()));
        Ok(wanted)
    }
}

/// A target of a channel member, with what a notification needs of its
/// owner (SPEC E3).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MemberTarget {
    #[sqlx(flatten)]
    pub target: TargetRow,
    pub owner_name: String,
    pub owner_locale: Option<String>,
}

/// The enabled targets of every member of `channel_id` (one query, in the
/// message's transaction).
pub async fn of_channel_members(
    conn: &mut sqlx::AnyConnection,
    channel_id: &str,
) -> Result<Vec<MemberTarget>, Error> {
    let sql = format!(
        "SELECT {COLUMNS}, owner_name, owner_locale FROM (\
           SELECT t.*, u.name AS owner_name, u.locale AS owner_locale FROM webhook_targets t \
           JOIN channel_members m ON m.user_id = t.owner_id \
           JOIN users u ON u.id = t.owner_id \
           WHERE m.channel_id = $1 AND t.enabled = 1 AND u.role <> 'pending'\
         ) member_targets ORDER BY created_at, id"
    );
    Ok(sqlx::query_as::<_, MemberTarget>(&sql)
        .bind(channel_id)
        .fetch_all(conn)
        .await?)
}

/// The admin's default target: the seed's "Webhook URL" (SPEC A1).
pub const ADMIN_DEFAULT: &str = "admin-default";

/// Targets one owner (or the instance) may have.
pub const MAX_TARGETS: i64 = 20;

/// One row of `webhook_targets`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TargetRow {
    pub id: crate::ids::TargetId,
    pub owner_id: Option<String>,
    pub name: String,
    /// `None`: the admin default was never saved (`WEBHOOK_URL` applies).
    pub url: Option<String>,
    pub enabled: i64,
    /// JSON array of filters.
    pub events: String,
    pub mode: String,
    pub is_default: i64,
    pub signing_secret: Option<String>,
    pub headers: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The secret before the last rotation, still signing until
    /// `previous_secret_until` (SPEC E6).
    pub previous_signing_secret: Option<String>,
    pub previous_secret_until: Option<i64>,
    pub failing_since: Option<i64>,
    pub failures: i64,
    /// Switched off by its health (SPEC E6), not by hand.
    pub disabled_at: Option<i64>,
}

impl TargetRow {
    pub fn target(&self) -> Target {
        match &self.owner_id {
            Some(owner) => Target::User(owner.clone()),
            None => Target::Admin,
        }
    }

    pub fn filters(&self) -> Vec<String> {
        serde_json::from_str(&self.events).unwrap_or_default()
    }

    /// Subscribed to `event` (SPEC E7): `*`, `prefix.*` or the exact name.
    pub fn wants(&self, event: &str) -> bool {
        self.filters().iter().any(|f| filter_matches(f, event))
    }
}

/// `*` matches every event, `channel.*` every event under `channel.`, any
/// other filter only that exact name.
pub fn filter_matches(filter: &str, event: &str) -> bool {
    match filter.strip_suffix('*') {
        Some("") => true,
        Some(prefix) if prefix.ends_with('.') => event.starts_with(prefix),
        Some(_) => false,
        None => filter == event,
    }
}

/// The default target of the admin or of a user.
pub fn default_id(target: &Target) -> crate::ids::TargetId {
    crate::ids::TargetId::new(match target {
        Target::Admin => ADMIN_DEFAULT.to_string(),
        Target::User(owner) => format!("user-default-{owner}"),
    })
}

const COLUMNS: &str = "id, owner_id, name, url, enabled, events, mode, is_default, \
                       signing_secret, headers, created_at, updated_at, previous_signing_secret, \
                       previous_secret_until, failing_since, failures, disabled_at";

pub async fn get(db: &Db, id: &str) -> Result<Option<TargetRow>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM webhook_targets WHERE id = $1");
    Ok(sqlx::query_as::<_, TargetRow>(&sql)
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// A target read on the caller's connection (their transaction).
pub async fn get_on(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Option<TargetRow>, Error> {
    let sql = format!("SELECT {COLUMNS} FROM webhook_targets WHERE id = $1");
    Ok(sqlx::query_as::<_, TargetRow>(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Queues again the failed deliveries of a target made since `since`
/// (SPEC E6 "Recover failed since…"), same `webhook-id`s. Returns how many.
pub async fn recover_failed(db: &Db, id: &str, since: i64) -> Result<u64, Error> {
    let now = now_ms();
    let res = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, locked_until = NULL, \
         updated_at = $1 WHERE target_id = $2 AND status = 'failed' AND created_at >= $3",
    )
    .bind(now)
    .bind(id)
    .bind(since)
    .execute(db)
    .await?;
    Ok(res.rows_affected())
}

/// The admin's targets (`owner = None`) or one user's, default first.
pub async fn list(db: &Db, owner: Option<&str>) -> Result<Vec<TargetRow>, Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webhook_targets WHERE COALESCE(owner_id, '') = $1 \
         ORDER BY is_default DESC, created_at, id"
    );
    Ok(sqlx::query_as::<_, TargetRow>(&sql)
        .bind(owner.unwrap_or_default().to_string())
        .fetch_all(db)
        .await?)
}

/// The enabled targets of `owner` (`None`: the admin's) subscribed to
/// `event`, read on the caller's connection (their transaction).
pub async fn subscribed(
    conn: &mut sqlx::AnyConnection,
    owner: Option<&str>,
    event: &str,
) -> Result<Vec<TargetRow>, Error> {
    let rows = enabled_targets(conn, owner).await?;
    Ok(rows.into_iter().filter(|t| t.wants(event)).collect())
}

/// Every enabled target of `owner` (`None`: the admin's).
async fn enabled_targets(
    conn: &mut sqlx::AnyConnection,
    owner: Option<&str>,
) -> Result<Vec<TargetRow>, Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webhook_targets WHERE COALESCE(owner_id, '') = $1 AND enabled = 1 \
         ORDER BY is_default DESC, created_at, id"
    );
    Ok(sqlx::query_as::<_, TargetRow>(&sql)
        .bind(owner.unwrap_or_default().to_string())
        .fetch_all(conn)
        .await?)
}

/// The default target of the admin or of a user, if there is one.
pub async fn default_of(db: &Db, target: &Target) -> Result<Option<TargetRow>, Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM webhook_targets WHERE COALESCE(owner_id, '') = $1 AND is_default = 1 \
         ORDER BY created_at, id LIMIT 1"
    );
    Ok(sqlx::query_as::<_, TargetRow>(&sql)
        .bind(target.owner().unwrap_or_default().to_string())
        .fetch_optional(db)
        .await?)
}

/// Makes the user's target `id` their default one (SPEC E3): the seed's
/// "Notification Webhook" field edits it from then on.
pub async fn make_default(db: &Db, owner: &str, id: &str) -> Result<bool, Error> {
    changed();
    let mut tx = db.begin().await?;
    let found =
        sqlx::query("UPDATE webhook_targets SET is_default = 1 WHERE id = $1 AND owner_id = $2")
            .bind(id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
    if found.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query("UPDATE webhook_targets SET is_default = 0 WHERE owner_id = $1 AND id <> $2")
        .bind(owner)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Makes sure the default target of `target` exists (a user who never
/// saved one, an instance that never saved its URL); returns its id.
pub async fn ensure_default(db: &Db, target: &Target) -> Result<crate::ids::TargetId, Error> {
    changed();
    if let Some(t) = default_of(db, target).await? {
        return Ok(t.id);
    }
    let id = default_id(target);
    let (owner, url, events, mode) = match target {
        Target::Admin => (None, None, r#"["user.created"]"#, "always"),
        Target::User(owner) => (
            Some(owner.clone()),
            Some(String::new()),
            r#"["chat.finished"]"#,
            "away",
        ),
    };
    sqlx::query(
        "INSERT INTO webhook_targets (id, owner_id, name, url, enabled, events, mode, is_default, created_at, updated_at) \
         VALUES ($1, $2, 'Default', $3, 1, $4, $5, 1, $6, $6) ON CONFLICT (id) DO UPDATE SET is_default = 1",
    )
    .bind(&id)
    .bind(owner)
    .bind(url)
    .bind(events)
    .bind(mode)
    .bind(now_ms())
    .execute(db)
    .await?;
    Ok(id)
}

/// Sets the URL (and, for user targets, the mode) of a target.
pub async fn set_url(db: &Db, id: &str, url: &str, mode: Option<&str>) -> Result<(), Error> {
    changed();
    sqlx::query(
        "UPDATE webhook_targets SET url = $1, mode = COALESCE($2, mode), updated_at = $3 WHERE id = $4",
    )
    .bind(url)
    .bind(mode)
    .bind(now_ms())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// The sealed secret or headers of a target.
#[derive(Clone, Copy)]
pub enum Sealed {
    Secret,
    Headers,
}

pub async fn read_sealed(db: &Db, id: &str, field: Sealed) -> Result<Option<String>, Error> {
    Ok(get(db, id).await?.and_then(|t| match field {
        Sealed::Secret => t.signing_secret,
        Sealed::Headers => t.headers,
    }))
}

pub async fn write_sealed(
    db: &Db,
    id: &str,
    field: Sealed,
    sealed: Option<&str>,
) -> Result<(), Error> {
    changed();
    let sql = match field {
        Sealed::Secret => {
            "UPDATE webhook_targets SET signing_secret = $1, updated_at = $2 WHERE id = $3"
        }
        Sealed::Headers => "UPDATE webhook_targets SET headers = $1, updated_at = $2 WHERE id = $3",
    };
    sqlx::query(sql)
        .bind(sealed)
        .bind(now_ms())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// How long a rotated-out secret keeps signing (SPEC E6).
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

/// A new sealed secret; the one it replaces keeps signing for the overlap.
pub async fn rotate_secret(db: &Db, id: &str, sealed: &str) -> Result<(), Error> {
    changed();
    let now = now_ms();
    sqlx::query(
        "UPDATE webhook_targets SET previous_signing_secret = signing_secret, \
         previous_secret_until = CASE WHEN signing_secret IS NULL OR signing_secret = '' THEN NULL ELSE $1 END, \
         signing_secret = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(now + ROTATION_OVERLAP_MS)
    .bind(sealed)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets the rotated-out secret (the secret is removed, or the target
/// moved to another host).
pub async fn clear_previous_secret(db: &Db, id: &str) -> Result<(), Error> {
    sqlx::query(
        "UPDATE webhook_targets SET previous_signing_secret = NULL, previous_secret_until = NULL WHERE id = $1",
    )
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// A target's name as typed: 1 to 80 characters, no control characters.
pub fn check_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(crate::i18n::Key::ErrTargetNameMissing));
    }
    crate::db::check_name_chars(name)?;
    if name.chars().count() > 80 {
        return Err(Error::Invalid(
            crate::i18n::Message::new(crate::i18n::Key::ErrWebhookNameTooLong).arg("max", 80),
        ));
    }
    Ok(name.to_string())
}

/// What a new or edited target says.
#[derive(Clone, Debug)]
pub struct TargetInput {
    pub name: String,
    pub url: String,
    pub enabled: bool,
    pub events: Vec<String>,
    pub mode: Option<String>,
}

pub async fn create(db: &Db, owner: Option<&str>, input: &TargetInput) -> Result<TargetRow, Error> {
    changed();
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM webhook_targets WHERE COALESCE(owner_id, '') = $1")
            .bind(owner.unwrap_or_default().to_string())
            .fetch_one(db)
            .await?;
    if count >= MAX_TARGETS {
        return Err(Error::Invalid(
            crate::i18n::Message::new(crate::i18n::Key::ErrTooManyTargets).arg("max", MAX_TARGETS),
        ));
    }
    let id = new_id();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO webhook_targets (id, owner_id, name, url, enabled, events, mode, is_default, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8)",
    )
    .bind(&id)
    .bind(owner.map(str::to_string))
    .bind(&input.name)
    .bind(&input.url)
    .bind(i64::from(input.enabled))
    .bind(Value::from(input.events.clone()).to_string())
    .bind(input.mode.clone().unwrap_or_else(|| "always".into()))
    .bind(now)
    .execute(db)
    .await?;
    get(db, &id).await?.ok_or(Error::Internal)
}

/// Changes a target. Switching it on again starts its health afresh.
pub async fn update(db: &Db, id: &str, input: &TargetInput) -> Result<(), Error> {
    changed();
    sqlx::query(
        "UPDATE webhook_targets SET name = $1, url = $2, enabled = $3, events = $4, mode = COALESCE($5, mode), \
         updated_at = $6, \
         disabled_at = CASE WHEN $3 = 1 THEN NULL ELSE disabled_at END, \
         failures = CASE WHEN $3 = 1 AND enabled = 0 THEN 0 ELSE failures END, \
         failing_since = CASE WHEN $3 = 1 AND enabled = 0 THEN NULL ELSE failing_since END \
         WHERE id = $7",
    )
    .bind(&input.name)
    .bind(&input.url)
    .bind(i64::from(input.enabled))
    .bind(Value::from(input.events.clone()).to_string())
    .bind(input.mode.clone())
    .bind(now_ms())
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Deletes a target that is not a default one (those are switched off by
/// emptying their URL, as the seed's fields are).
pub async fn delete(db: &Db, id: &str) -> Result<bool, Error> {
    changed();
    let res = sqlx::query("DELETE FROM webhook_targets WHERE id = $1 AND is_default = 0")
        .bind(id)
        .execute(db)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// The URL a target sends to: its own, or for the admin default never
/// saved, `WEBHOOK_URL` (SPEC A1: the env value until an admin saves, even
/// an empty field).
pub fn url_in_force(target: &TargetRow, env_url: Option<&str>) -> Option<String> {
    url_in_force_of(&target.id, target.url.as_deref(), env_url)
}

/// [`url_in_force`] of a target's id and saved URL.
pub fn url_in_force_of(id: &str, saved: Option<&str>, env_url: Option<&str>) -> Option<String> {
    match saved {
        Some(saved) => Some(saved.to_string()),
        None if id == ADMIN_DEFAULT => env_url.map(str::to_string),
        None => None,
    }
    .filter(|u| !u.is_empty())
}

/// `https://host/…last4`: enough to recognise a URL, not to use it (its
/// path usually holds the receiver's token).
pub fn mask_url(url: &str) -> String {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return String::new();
    };
    let host = parsed.host_str().unwrap_or_default();
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    let tail: String = {
        let chars: Vec<char> = url.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    format!("{}://{host}{port}/…{tail}", parsed.scheme())
}

/// A target's delivery mode as stored: `always`, or the seed's "away".
pub fn mode_of(text: &str) -> crate::model::NotifyMode {
    if text == "always" {
        crate::model::NotifyMode::Always
    } else {
        crate::model::NotifyMode::Away
    }
}

#[cfg(test)]
mod tests {
    use super::filter_matches;

    #[test]
    fn filters_match_all_a_prefix_or_one_name() {
        assert!(filter_matches("*", "user.created"));
        assert!(filter_matches("channel.*", "channel.message"));
        assert!(filter_matches("channel.*", "channel.webhook.created"));
        assert!(!filter_matches("channel.*", "chat.finished"));
        assert!(
            !filter_matches("channel.*", "channels.x"),
            "a prefix ends at a dot"
        );
        assert!(filter_matches("user.created", "user.created"));
        assert!(!filter_matches("user.created", "user.created.extra"));
        assert!(
            !filter_matches("user*", "user.created"),
            "only `*` or `prefix.*`"
        );
    }
}
