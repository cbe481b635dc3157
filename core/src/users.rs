//! Reading accounts: the one place a `users` row becomes a [`User`].
//! Sessions, API keys, accounts and the outbox read users through here, so
//! none of them needs another's module.

use super::db::Db;
use crate::error::Error;
use crate::i18n::Locale;
use crate::model::{Role, User};

/// The columns [`UserRow`] reads, for queries that join other tables.
pub const USER_COLUMNS: &str = "id, email, name, role, locale, created_at";

/// A `users` row as stored; an unknown role is an error, not a default.
#[derive(Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub locale: Option<String>,
    pub created_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            role: r.role,
            locale: r.locale.as_deref().and_then(Locale::from_code),
            created_at: r.created_at,
        }
    }
}

pub async fn user_count(db: &Db) -> Result<i64, Error> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await?;
    Ok(count)
}

pub async fn get_user(db: &Db, id: &str) -> Result<Option<User>, Error> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(User::from))
}

/// A user read on the caller's connection (their transaction).
pub async fn user_in(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Option<User>, Error> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(User::from))
}

pub async fn list_users(db: &Db) -> Result<Vec<User>, Error> {
    let rows: Vec<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY created_at, email"
    ))
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub async fn admin_ids(db: &Db) -> Result<Vec<String>, Error> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM users WHERE role = 'admin'")
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Emails compare without case or surrounding spaces.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}
