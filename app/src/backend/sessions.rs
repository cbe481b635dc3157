//! Server-side sessions (SPEC W2). Browser cookies and REST bearer tokens
//! are both rows here, so signing out or deleting a user ends them at once,
//! and a role change is seen on the very next request.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::db::{now_ms, Db};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::model::{Role, User};

pub const COOKIE_NAME: &str = "parley_session";
pub const LOCALE_COOKIE: &str = "parley_lang";
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

/// 256 random bits, base64url: the secret the client keeps.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

pub async fn create(db: &Db, user_id: &str, kind: SessionKind) -> Result<String, AppError> {
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
pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<User>, AppError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    if token.starts_with(super::api_keys::PREFIX) {
        return super::api_keys::user_for_key(db, token).await;
    }
    let row = sqlx::query(
        "SELECT u.id, u.email, u.name, u.role, u.locale, u.created_at FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now_ms())
    .fetch_optional(db)
    .await?;
    row.as_ref().map(super::accounts::user_from_row).transpose()
}

/// Ends a session; returns whose it was.
pub async fn revoke(db: &Db, token: &str) -> Result<Option<String>, AppError> {
    let row: Option<(String,)> =
        sqlx::query_as("DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
            .bind(token_hash(token))
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(user_id,)| user_id))
}

/// The caller if their role is at least `min` (`User` admits admins too);
/// server functions and REST routes both check roles through this.
pub fn require_role(user: User, min: Role) -> Result<User, AppError> {
    let allowed = match min {
        Role::Pending => true,
        Role::User => user.role != Role::Pending,
        Role::Admin => user.role == Role::Admin,
    };
    if allowed {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reads one cookie's value from a `Cookie` request header.
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| cookie_value(h, name))
        .map(str::to_string)
}

/// The token of a request: `Authorization: Bearer …` first, then the cookie.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    if let Some(auth) = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(token) = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
        {
            return Some(token.trim().to_string());
        }
    }
    cookie_in(headers, COOKIE_NAME)
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_DAYS * 24 * 3600,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn locale_cookie(locale: Locale, secure: bool) -> String {
    format!(
        "{LOCALE_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000{}",
        locale.code(),
        if secure { "; Secure" } else { "" }
    )
}

/// The language for a request: the user's choice, then the language cookie,
/// then `Accept-Language`, then the instance default.
pub fn locale_for(user: Option<&User>, headers: &http::HeaderMap, default: Locale) -> Locale {
    if let Some(locale) = user.and_then(|u| u.locale) {
        return locale;
    }
    let from_cookie = cookie_in(headers, LOCALE_COOKIE).and_then(|c| Locale::from_code(&c));
    if let Some(locale) = from_cookie {
        return locale;
    }
    match headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        Some(header) if !header.trim().is_empty() => Locale::from_accept_language(header),
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_base64url_and_distinct() {
        let a = new_token();
        let b = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).expect("b64").len(), 32);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn finds_cookie_among_others() {
        assert_eq!(
            cookie_value("a=1; parley_session=xyz; b=2", COOKIE_NAME),
            Some("xyz")
        );
        assert_eq!(cookie_value("a=1", COOKIE_NAME), None);
    }

    #[test]
    fn bearer_wins_over_cookie() {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::COOKIE,
            "parley_session=c".parse().expect("hv"),
        );
        assert_eq!(token_from_headers(&h).as_deref(), Some("c"));
        h.insert(http::header::AUTHORIZATION, "Bearer t".parse().expect("hv"));
        assert_eq!(token_from_headers(&h).as_deref(), Some("t"));
    }
}
