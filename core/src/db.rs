//! Database connection and migrations (SPEC S1). One set of portable
//! migrations serves SQLite and PostgreSQL through sqlx's `Any` driver.

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::AnyPool;
use std::path::Path;
use std::time::Duration;

pub type Db = AnyPool;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Result<Backend, String> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(format!(
                "DATABASE_URL must start with sqlite: or postgres:// (got '{}')",
                url.split(':').next().unwrap_or_default()
            ))
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Config(String),
    #[error("cannot create the database directory {0}: {1}")]
    Dir(String, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

/// Connects, creating the SQLite file and its directory when needed, turns
/// on WAL for SQLite and applies every migration.
pub async fn connect(url: &str) -> Result<(Db, Backend), DbError> {
    install_default_drivers();
    let backend = Backend::of(url).map_err(DbError::Config)?;
    let url = match backend {
        Backend::Sqlite => prepare_sqlite_url(url)?,
        Backend::Postgres => url.to_string(),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
        .acquire_timeout(Duration::from_secs(10))
        .connect(&url)
        .await
        .map_err(DbError::Connect)?;
    if backend == Backend::Sqlite {
        // WAL is a property of the file, so setting it once is enough.
        sqlx::query("PRAGMA journal_mode=WAL")
            .execute(&pool)
            .await?;
    }
    sqlx::migrate!("../migrations").run(&pool).await?;
    Ok((pool, backend))
}

fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).map_err(|e| DbError::Dir(dir.display().to_string(), e))?;
        }
    }
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    if !params.iter().any(|p| p.starts_with("mode=")) {
        params.push("mode=rwc");
    }
    Ok(format!("sqlite://{path}?{}", params.join("&")))
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A transaction that writes. On SQLite it takes the write lock at BEGIN
/// (IMMEDIATE): a transaction that reads before it writes then waits its
/// turn (busy timeout) instead of failing with SQLITE_BUSY when another
/// writer committed in between — parallel sign-ups answered 500 before.
pub async fn begin_write(
    db: &Db,
    backend: Backend,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => db.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => db.begin().await,
    }
}

/// Text from outside made storable on both databases: PostgreSQL's text
/// cannot hold NUL, so it becomes U+FFFD instead of failing the request.
pub fn storable_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\0') {
        std::borrow::Cow::Owned(text.replace('\0', "\u{FFFD}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Refuses control characters (NUL, escape sequences…) in a short name.
pub fn check_name_chars(name: &str) -> Result<(), crate::error::Error> {
    if name.chars().any(char::is_control) {
        Err(crate::error::Error::invalid(
            crate::i18n::Key::ErrControlChars,
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_url_gets_create_mode() {
        let dir = std::env::temp_dir().join(format!("parley-url-{}", new_id()));
        let url = format!("sqlite://{}/x.db", dir.display());
        let prepared = prepare_sqlite_url(&url).expect("prepared");
        assert!(prepared.ends_with("x.db?mode=rwc"), "{prepared}");
        assert!(dir.is_dir());
        assert_eq!(
            prepare_sqlite_url("sqlite::memory:?cache=shared").expect("memory"),
            "sqlite://:memory:?cache=shared&mode=rwc"
        );
    }

    #[test]
    fn backend_from_url() {
        assert_eq!(Backend::of("sqlite://data/p.db"), Ok(Backend::Sqlite));
        assert_eq!(Backend::of("postgres://u@h/db"), Ok(Backend::Postgres));
        assert!(Backend::of("mysql://x").is_err());
    }
}
