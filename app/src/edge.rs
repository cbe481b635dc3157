//! HTTP at the edge: how a request says who it is and which language it
//! reads (cookies, `Authorization`, `Accept-Language`, `Host`). The
//! domain (`parley_core`) never sees a header; server functions here and
//! the REST routes in `server` both read requests through this module.

use parley_core::model::User;
use parley_core::sessions::SESSION_DAYS;

use crate::i18n::Locale;

pub const COOKIE_NAME: &str = "parley_session";
pub const LOCALE_COOKIE: &str = "parley_lang";

/// Reads one cookie's value from a `Cookie` request header (the `cookie`
/// crate's parser: quoted values, stray spaces, malformed pairs skipped).
pub fn cookie_value<'a>(cookie_header: &'a str, name: &str) -> Option<&'a str> {
    cookie::Cookie::split_parse(cookie_header)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.value_raw())
        .map(|v| v.trim_matches('"'))
}

fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| cookie_value(h, name))
        .map(str::to_string)
}

/// The token of `Authorization: Bearer …` (the scheme in any case, as
/// RFC 7235 says), when there is one. The one rule both the auth reader
/// and the same-origin guard use: a request either presents a bearer
/// token or is judged by its cookie, never half of each.
pub fn bearer_token(headers: &http::HeaderMap) -> Option<String> {
    let auth = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

/// The token of a request: `Authorization: Bearer …` first, then the cookie.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    bearer_token(headers).or_else(|| cookie_in(headers, COOKIE_NAME))
}

/// A `Set-Cookie` value for the whole site, `SameSite=Lax` (a link from
/// elsewhere opens Parley signed in; a form elsewhere cannot post as you).
fn site_cookie(
    name: &'static str,
    value: String,
    max_age_secs: i64,
    http_only: bool,
    secure: bool,
) -> String {
    cookie::Cookie::build((name, value))
        .path("/")
        .http_only(http_only)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build()
        .to_string()
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    site_cookie(
        COOKIE_NAME,
        token.to_string(),
        SESSION_DAYS * 24 * 3600,
        true,
        secure,
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    site_cookie(COOKIE_NAME, String::new(), 0, true, secure)
}

pub fn locale_cookie(locale: Locale, secure: bool) -> String {
    site_cookie(
        LOCALE_COOKIE,
        locale.code().to_string(),
        365 * 24 * 3600,
        false,
        secure,
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

/// The origin a client used (`Host`, and `X-Forwarded-Proto` behind a
/// proxy), for links when `WEBUI_URL` is unset.
pub fn request_origin(headers: &http::HeaderMap) -> Option<String> {
    let host = headers.get(http::header::HOST)?.to_str().ok()?;
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https" || *p == "http")
        .unwrap_or("http");
    Some(format!("{scheme}://{host}"))
}

/// The client's address for throttling: the peer, unless the peer is a
/// trusted proxy; then the right-most `X-Forwarded-For` entry that is not
/// itself a trusted proxy (entries further left are the client's own
/// claims and could be anything).
pub fn client_ip(
    peer: std::net::IpAddr,
    headers: &http::HeaderMap,
    trusted: &[parley_core::env::IpNet],
) -> std::net::IpAddr {
    let is_trusted = |ip: &std::net::IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for value in headers.get_all("x-forwarded-for").iter().rev() {
        let Ok(value) = value.to_str() else {
            return client;
        };
        for hop in value.rsplit(',') {
            match hop.trim().parse::<std::net::IpAddr>() {
                Ok(ip) if is_trusted(&ip) => client = ip,
                Ok(ip) => return ip,
                Err(_) => return client,
            }
        }
    }
    client
}

pub use crate::error::Untranslated;

/// The least role a route admits, as a type: `Require<Admin>`.
pub trait MinRole: Send + Sync + 'static {
    const MIN: crate::model::Role;
}

/// The roles a route may require (`User` admits admins too; `Pending`
/// any signed-in account).
pub mod role {
    use crate::model::Role;

    pub struct Pending;
    pub struct User;
    pub struct Admin;

    impl super::MinRole for Pending {
        const MIN: Role = Role::Pending;
    }
    impl super::MinRole for User {
        const MIN: Role = Role::User;
    }
    impl super::MinRole for Admin {
        const MIN: Role = Role::Admin;
    }
}

/// The signed-in caller with at least role `R` — the one way both REST
/// handlers (an axum extractor) and server functions
/// (`api::ctx::as_caller`) learn who calls: bearer token or session
/// cookie, 401 without a live session, 403 with too small a role.
#[cfg(feature = "ssr")]
pub struct Require<R: MinRole>(pub User, pub std::marker::PhantomData<R>);

#[cfg(feature = "ssr")]
impl<S, R> axum::extract::FromRequestParts<S> for Require<R>
where
    S: Send + Sync,
    R: MinRole,
    parley_core::AppState: axum::extract::FromRef<S>,
{
    type Rejection = crate::error::AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRef;
        let state = parley_core::AppState::from_ref(state);
        let user = signed_in(&state, &parts.headers)
            .await?
            .ok_or(crate::error::AppError::Unauthorized)?;
        Ok(Require(
            parley_core::sessions::require_role(user, R::MIN)?,
            std::marker::PhantomData,
        ))
    }
}

/// The account a request's token names, if any (no role check).
#[cfg(feature = "ssr")]
pub async fn signed_in(
    state: &parley_core::AppState,
    headers: &http::HeaderMap,
) -> Result<Option<User>, crate::error::AppError> {
    match token_from_headers(headers) {
        Some(token) => Ok(parley_core::sessions::user_for_token(&state.db, &token).await?),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let trusted = vec!["10.0.0.0/8".parse().expect("net")];
        let mut h = http::HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9".parse().expect("hv"),
        );
        let proxy: std::net::IpAddr = "10.1.2.3".parse().expect("ip");
        let stranger: std::net::IpAddr = "198.51.100.1".parse().expect("ip");
        assert_eq!(client_ip(proxy, &h, &trusted).to_string(), "203.0.113.9");
        assert_eq!(client_ip(stranger, &h, &trusted), stranger);
        assert_eq!(client_ip(proxy, &h, &[]), proxy);
        // Two proxies in a row: the first untrusted hop from the right.
        h.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9, 10.9.9.9".parse().expect("hv"),
        );
        assert_eq!(client_ip(proxy, &h, &trusted).to_string(), "203.0.113.9");
        h.insert("x-forwarded-for", "garbage".parse().expect("hv"));
        assert_eq!(client_ip(proxy, &h, &trusted), proxy);
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
    fn cookies_say_what_the_browser_needs() {
        let c = session_cookie("tok", true);
        for part in [
            "parley_session=tok",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=2592000",
        ] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        let cleared = clear_session_cookie(false);
        assert!(
            cleared.contains("Max-Age=0") && !cleared.contains("Secure"),
            "{cleared}"
        );
        let lang = locale_cookie(Locale::De, false);
        assert!(
            lang.starts_with("parley_lang=de") && !lang.contains("HttpOnly"),
            "{lang}"
        );
        assert_eq!(
            cookie_value("a=1; parley_lang=\"fr\"", LOCALE_COOKIE),
            Some("fr")
        );
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
