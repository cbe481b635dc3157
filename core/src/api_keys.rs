//! Personal API keys (SPEC §7): `Authorization: Bearer sk-…` for scripts.

use super::db::Backend;
use super::db::{new_id, now_ms, Db};
use super::events::{EventKind, Outbox};
use super::tokens::{new_token, token_hash};
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::{ApiKey, Role, User};

pub const PREFIX: &str = "sk-";

/// What API keys need: the database and the outbox for `api_key.*`.
#[derive(Clone)]
pub struct ApiKeys {
    pub db: Db,
    pub backend: Backend,
    pub outbox: Outbox,
}
const MAX_KEYS: i64 = 25;

/// Creates a key and returns it with its secret, which is never stored.
pub async fn create(keys: &ApiKeys, user: &User, name: &str) -> Result<(ApiKey, String), Error> {
    let db = &keys.db;
    if user.role == Role::Pending {
        return Err(Error::Forbidden);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::Invalid(Message::new(Key::ErrKeyName).arg("max", 80)));
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys WHERE user_id = $1")
        .bind(&user.id)
        .fetch_one(db)
        .await?;
    if count >= MAX_KEYS {
        return Err(Error::Invalid(
            Message::new(Key::ErrTooManyKeys).arg("max", MAX_KEYS),
        ));
    }
    let secret = format!("{PREFIX}{}", new_token());
    let key = ApiKey {
        id: new_id(),
        name: name.to_string(),
        created_at: now_ms(),
        last_used_at: None,
    };
    let mut tx = super::db::begin_write(db, keys.backend).await?;
    sqlx::query("INSERT INTO api_keys (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&key.id)
        .bind(&user.id)
        .bind(&key.name)
        .bind(token_hash(&secret))
        .bind(key.created_at)
        .execute(&mut *tx)
        .await?;
    emit_key_event(keys, tx, EventKind::ApiKeyCreated, user, &key.id, &key.name).await?;
    Ok((key, secret))
}

/// `api_key.created` / `api_key.deleted` (SPEC E1) in `tx`, then the commit.
/// The key's name and owner, never its secret.
async fn emit_key_event(
    keys: &ApiKeys,
    tx: sqlx::Transaction<'static, sqlx::Any>,
    kind: EventKind,
    user: &User,
    key_id: &str,
    key_name: &str,
) -> Result<(), Error> {
    let event = super::events::Event {
        kind,
        data: serde_json::json!({
            "api_key": {"id": key_id, "name": key_name},
            "user": {"id": user.id, "name": user.name, "email": user.email},
        }),
        message: Message::new(kind.description()),
    };
    keys.outbox.commit_with_event(tx, &event).await?;
    Ok(())
}

pub async fn list(db: &Db, user: &User) -> Result<Vec<ApiKey>, Error> {
    Ok(sqlx::query_as("SELECT id, name, created_at, last_used_at FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC")
        .bind(&user.id)
        .fetch_all(db)
        .await?)
}

pub async fn delete(keys: &ApiKeys, user: &User, id: &str) -> Result<(), Error> {
    let mut tx = super::db::begin_write(&keys.db, keys.backend).await?;
    let name: Option<(String,)> =
        sqlx::query_as("SELECT name FROM api_keys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(&user.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((name,)) = name else {
        return Err(Error::NotFound);
    };
    sqlx::query("DELETE FROM api_keys WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    emit_key_event(keys, tx, EventKind::ApiKeyDeleted, user, id, &name).await
}

/// A key's owner and the key that was presented.
#[derive(sqlx::FromRow)]
struct KeyOwner {
    #[sqlx(flatten)]
    user: super::users::UserRow,
    key_id: String,
}

/// The owner of a presented key, recording its use.
pub async fn user_for_key(db: &Db, secret: &str) -> Result<Option<User>, Error> {
    let row: Option<KeyOwner> = sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.role, u.locale, u.created_at, k.id AS key_id FROM api_keys k \
         JOIN users u ON u.id = k.user_id WHERE k.token_hash = $1",
    )
    .bind(token_hash(secret))
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now_ms())
        .bind(&row.key_id)
        .execute(db)
        .await?;
    Ok(Some(row.user.into()))
}
