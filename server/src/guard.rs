//! Checks every request meets at the edge, before any handler runs:
//! cookie-authenticated writes only from Parley's own pages (CSRF), and a
//! size limit on every request body.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use parley_core::AppState;

use crate::rest::ApiError;

/// Sign-in and sign-up bodies: a few fields.
pub const AUTH_BODY_LIMIT: usize = 16 * 1024;
/// Outside tools' posts (rich Slack/Discord bodies included).
pub const INCOMING_BODY_LIMIT: usize = 1024 * 1024;
/// A profile image upload (1 MiB of image) and some slack.
pub const UPLOAD_BODY_LIMIT: usize = 1024 * 1024 + 4096;
/// Everything else: forms and JSON from Parley's pages and scripts.
pub const DEFAULT_BODY_LIMIT: usize = 256 * 1024;

/// Routes authenticated by a secret in their URL, meant to be called from
/// anywhere: the incoming channel webhooks.
fn is_token_route(path: &str) -> bool {
    path.starts_with("/api/v1/channels/webhooks/") || path.starts_with("/api/channels/webhooks/")
}

pub fn body_limit_for(path: &str) -> usize {
    if path.starts_with("/api/v1/auths/") || path == "/api/fn/sign_in" || path == "/api/fn/sign_up"
    {
        AUTH_BODY_LIMIT
    } else if is_token_route(path) {
        INCOMING_BODY_LIMIT
    } else if path.starts_with("/api/v1/channels/") && path.ends_with("/image") {
        UPLOAD_BODY_LIMIT
    } else {
        DEFAULT_BODY_LIMIT
    }
}

/// 413 as JSON, like every other API error (SPEC R5).
pub fn too_large_error(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The request body is too large (at most {} KiB here).",
            limit / 1024
        ),
    )
}

pub fn too_large(limit: usize) -> Response {
    too_large_error(limit).into_response()
}

/// Refuses a body whose declared length is over the route's limit before
/// reading it, and caps the rest while they are read (chunked bodies).
pub async fn body_limits(req: Request, next: Next) -> Response {
    let limit = body_limit_for(req.uri().path());
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return too_large(limit);
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Whether the origin `origin` is this Parley: `WEBUI_URL`'s origin when
/// it is set — then only that, since a `Host` header is whatever the
/// client's DNS said (DNS rebinding makes a hostile page's own host
/// reach a local Parley) — else the host the request was sent to (over
/// http or https).
pub fn is_own_origin(origin: &str, headers: &HeaderMap, webui_url: Option<&str>) -> bool {
    if let Some(own) = webui_url.filter(|u| !u.trim().is_empty()) {
        return origin_of(own.trim()).is_some_and(|own| own.eq_ignore_ascii_case(origin));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// `scheme://host[:port]` of a URL, without a parser dependency.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{authority}"))
}

/// Why a write is refused, or `None` when it may go on.
pub fn cross_site_refusal(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    webui_url: Option<&str>,
) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) || is_token_route(path) {
        return None;
    }
    if app::edge::bearer_token(headers).is_some() {
        // A script holding a token: the browser never adds one by itself.
        return None;
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        return (!is_own_origin(origin, headers, webui_url))
            .then_some("This request came from another site; Parley refuses it.");
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return (site.as_bytes() != b"same-origin")
            .then_some("This request came from another site; Parley refuses it.");
    }
    // Neither header: not a browser page. Without the session cookie it is
    // a script signing in or up; with it, nothing proves where it came from.
    let has_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| app::edge::cookie_value(c, app::edge::COOKIE_NAME).is_some());
    has_cookie.then_some(
        "A request signed in by cookie must come from Parley's own pages (send an Origin header, or use a bearer token).",
    )
}

/// SPEC W2: every state-changing request that a browser would send with
/// the session cookie — server functions and REST alike, sign-in and
/// sign-up included — must come from Parley's own origin.
pub async fn same_origin_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(why) = cross_site_refusal(
        req.method(),
        req.uri().path(),
        req.headers(),
        state.env.webui_url.as_deref(),
    ) {
        tracing::info!(path = %req.uri().path(), "refused a cross-site write");
        return ApiError::new(StatusCode::FORBIDDEN, why).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().expect("value"));
        }
        h
    }

    #[test]
    fn writes_need_parleys_own_origin() {
        let post = Method::POST;
        let path = "/api/fn/sign_out";
        let own = headers(&[
            ("host", "chat.local:3000"),
            ("origin", "http://chat.local:3000"),
        ]);
        assert_eq!(cross_site_refusal(&post, path, &own, None), None);
        let other_port = headers(&[
            ("host", "chat.local:3000"),
            ("origin", "http://chat.local:3001"),
        ]);
        assert!(cross_site_refusal(&post, path, &other_port, None).is_some());
        let sibling = headers(&[("host", "a.example.com"), ("sec-fetch-site", "same-site")]);
        assert!(cross_site_refusal(&post, path, &sibling, None).is_some());
        let same = headers(&[("host", "a.example.com"), ("sec-fetch-site", "same-origin")]);
        assert_eq!(cross_site_refusal(&post, path, &same, None), None);
        let null = headers(&[("host", "a.example.com"), ("origin", "null")]);
        assert!(cross_site_refusal(&post, path, &null, None).is_some());
        let cookie_only = headers(&[("host", "a"), ("cookie", "parley_session=x")]);
        assert!(cross_site_refusal(&post, path, &cookie_only, None).is_some());
        let script = headers(&[("host", "a")]);
        assert_eq!(
            cross_site_refusal(&post, "/api/v1/auths/signin", &script, None),
            None
        );
        let bearer = headers(&[
            ("host", "a"),
            ("authorization", "Bearer t"),
            ("origin", "https://evil.example"),
        ]);
        assert_eq!(cross_site_refusal(&post, path, &bearer, None), None);
        let get = headers(&[("host", "a"), ("origin", "https://evil.example")]);
        assert_eq!(cross_site_refusal(&Method::GET, path, &get, None), None);
        let hook = headers(&[("host", "a"), ("origin", "https://evil.example")]);
        assert_eq!(
            cross_site_refusal(&post, "/api/v1/channels/webhooks/id/token", &hook, None),
            None
        );
        let proxied = headers(&[
            ("host", "10.0.0.5:3000"),
            ("origin", "https://chat.example.com"),
        ]);
        assert_eq!(
            cross_site_refusal(&post, path, &proxied, Some("https://chat.example.com/")),
            None
        );
    }

    /// A hostile page whose DNS name was rebound to a local Parley sends
    /// its own host in `Host` and `Origin`: with `WEBUI_URL` set only that
    /// origin is Parley's.
    #[test]
    fn with_webui_url_the_host_header_proves_nothing() {
        let rebound = headers(&[
            ("host", "evil.example:3000"),
            ("origin", "http://evil.example:3000"),
        ]);
        let path = "/api/fn/sign_out";
        assert_eq!(
            cross_site_refusal(&Method::POST, path, &rebound, None),
            None
        );
        assert!(
            cross_site_refusal(&Method::POST, path, &rebound, Some("http://127.0.0.1:3000"))
                .is_some()
        );
    }

    /// One rule for the guard and the auth reader: any case of `Bearer`
    /// with a token is a bearer request; an empty one is judged by cookie.
    #[test]
    fn bearer_in_any_case_is_one_rule() {
        let path = "/api/fn/sign_out";
        for scheme in ["BEARER t", "bearer t", "Bearer t"] {
            let h = headers(&[
                ("host", "a"),
                ("authorization", scheme),
                ("cookie", "parley_session=c"),
                ("origin", "https://evil.example"),
            ]);
            assert_eq!(cross_site_refusal(&Method::POST, path, &h, None), None);
            assert_eq!(app::edge::token_from_headers(&h).as_deref(), Some("t"));
        }
        let empty = headers(&[
            ("host", "a"),
            ("authorization", "Bearer "),
            ("cookie", "parley_session=c"),
            ("origin", "https://evil.example"),
        ]);
        assert!(cross_site_refusal(&Method::POST, path, &empty, None).is_some());
        assert_eq!(app::edge::token_from_headers(&empty).as_deref(), Some("c"));
    }

    #[test]
    fn limits_follow_the_route() {
        assert_eq!(body_limit_for("/api/fn/sign_in"), AUTH_BODY_LIMIT);
        assert_eq!(body_limit_for("/api/v1/auths/signin"), AUTH_BODY_LIMIT);
        assert_eq!(
            body_limit_for("/api/v1/channels/webhooks/a/b"),
            INCOMING_BODY_LIMIT
        );
        assert_eq!(
            body_limit_for("/api/v1/channels/c/webhooks/w/image"),
            UPLOAD_BODY_LIMIT
        );
        assert_eq!(
            body_limit_for("/api/fn/post_channel_message"),
            DEFAULT_BODY_LIMIT
        );
    }
}
