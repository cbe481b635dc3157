//! Server-side sessions (SPEC W2). Browser cookies and REST bearer tokens
//! are both rows here, so signing out or deleting a user ends them at once,
//! and a role change is seen on the very next request.

use super::db::{now_ms, Db};
use super::tokens::{new_token, token_hash};
use crate::error::Error;
use crate::model::{Role, User};

pub const SESSION_DAYS: i64 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    Browser,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        }
    }
}

pub async fn create(db: &Db, user_id: &str, kind: SessionKind) -> Result<String, Error> {
    let token = new_token();
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(kind.as_str())
    .bind(now)
    .bind(now + SESSION_DAYS * 24 * 3600 * 1000)
    .execute(db)
    .await?;
    Ok(token)
}

/// The user behind a token, if the session exists and has not expired.
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<User>, Error> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    if token.starts_with(super::api_keys::PREFIX) {
        return super::api_keys::user_for_key(db, token).await;
    }
    let row: Option<super::users::UserRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.role, u.locale, u.created_at FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

/// Ends a session; returns whose it was.
pub async fn revoke(db: &Db, token: &str) -> Result<Option<String>, Error> {
    let row: Option<(String,)> =
        sqlx::query_as("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
            .bind(token_hash(token))
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(user_id,)| user_id))
}

/// The caller if their role is at least `min` (`User` admits admins too);
/// server functions and REST routes both check roles through this.
pub fn require_role(user: User, min: Role) -> Result<User, Error> {
    let allowed = match min {
        Role::Pending => true,
        Role::User => user.role != Role::Pending,
        Role::Admin => user.role == Role::Admin,
    };
    if allowed {
        Ok(user)
    } else {
        Err(Error::Forbidden)
    }
}
