//! HTTP at the edge: how a request says who it is and which language it
//! reads (cookies, `Authorization`, `Accept-Language`, `Host`). The
//! domain (`parley_core`) never sees a header; server functions here and
//! the REST routes in `server` both read requests through this module.

use parley_core::model::User;
use parley_core::sessions::SESSION_DAYS;

use crate::i18n::Locale;

pub const COOKIE_NAME: &str = "parley_session";
pub const LOCALE_COOKIE: &str = "parley_lang";

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

#[cfg(test)]
mod tests {
    use super::*;

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
