//! Languages (SPEC W6): every screen rendered in every language shows no
//! raw message key, and REST errors come in the caller's language.

use crate::common;

use app::i18n::{Key, Locale};
use serde_json::json;

/// The page without its scripts (hydration data may name keys).
fn without_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</script>") {
            Some(end) => rest = &rest[start + end + "</script>".len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Message ids shown as text or as an accessible name instead of a text.
fn raw_keys(html: &str) -> Vec<&'static str> {
    let page = without_scripts(html);
    Key::ALL
        .iter()
        // A one-word id may be its own English text ("you").
        .filter(|k| {
            Locale::ALL
                .iter()
                .all(|l| !k.text(*l).eq_ignore_ascii_case(k.id()))
        })
        .map(|k| k.id())
        .filter(|id| {
            [">", "aria-label=\"", "placeholder=\"", "title=\""]
                .iter()
                .any(|before| {
                    let after = if *before == ">" { "<" } else { "\"" };
                    page.contains(&format!("{before}{id}{after}"))
                })
        })
        .collect()
}

async fn page(s: &common::TestServer, path: &str, token: Option<&str>, lang: &str) -> String {
    let mut req = s
        .http
        .get(s.url(path))
        .header("Accept", "text/html")
        .header("Accept-Language", lang);
    if let Some(t) = token {
        req = req.header("Cookie", format!("parley_session={t}"));
    }
    let res = req.send().await.expect("page");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.text().await.expect("html")
}

#[tokio::test]
async fn every_screen_in_every_language_shows_no_raw_key() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let (status, ch) = s
        .post_json(
            "/api/v1/channels/create",
            json!({"name": "ops", "description": "alerts"}),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{ch}");
    let channel = format!("/channels/{}", ch["id"].as_str().expect("id"));
    let signed_in = [
        "/",
        "/settings",
        "/settings/account",
        "/admin",
        "/admin/settings",
        "/channels/new",
        channel.as_str(),
    ];
    for locale in Locale::ALL {
        // The account's own setting decides, whatever the browser asks.
        let (status, text, _) = s
            .server_fn("set_locale", &[("locale", locale.code())], Some(&admin))
            .await;
        assert_eq!(status, 200, "{text}");
        for path in signed_in {
            let html = page(&s, path, Some(&admin), "ja").await;
            assert_eq!(raw_keys(&html), Vec::<&str>::new(), "{path} in {locale:?}");
            assert!(
                html.contains(&Key::Channels.text(locale)),
                "{path} is in {locale:?}"
            );
            assert!(html.contains(&format!("lang=\"{}\"", locale.code())));
        }
        for path in ["/signin", "/signup"] {
            let html = page(&s, path, None, locale.code()).await;
            assert_eq!(raw_keys(&html), Vec::<&str>::new(), "{path} in {locale:?}");
            assert!(
                html.contains(&Key::SignIn.text(locale)),
                "{path} in {locale:?}"
            );
        }
        // The page ships only its own language (SPEC B4): it names and
        // preloads that language's file, of this build's version.
        let html = page(&s, "/signin", None, locale.code()).await;
        let version = app::i18n::sources_version();
        assert!(
            html.contains(&format!(
                r#"<html lang="{}" data-i18n="{version}""#,
                locale.code()
            )),
            "the page names its language and the files' version"
        );
        let file = app::i18n::source_path(locale, version);
        assert!(
            html.contains(&format!(r#"rel="preload" href="{file}""#)),
            "the page preloads its language's file: {file}"
        );
    }

    // Each language's file as a page fetches it, cached for this build.
    let version = app::i18n::sources_version();
    for locale in Locale::ALL {
        let res = s
            .http
            .get(s.url(&app::i18n::source_path(locale, version)))
            .send()
            .await
            .expect("file");
        assert_eq!(res.status().as_u16(), 200, "{locale:?}");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("content-type"), "text/plain; charset=utf-8");
        assert!(header("cache-control").contains("immutable"), "{locale:?}");
        let text = res.text().await.expect("text");
        assert_eq!(text, app::i18n::source(locale), "{locale:?} as shipped");
        let sign_in = format!("sign-in = {}", Key::SignIn.text(locale));
        assert!(text.contains(&sign_in), "{locale:?}: {sign_in}");
    }

    // Another build's version is served, but checked again next time.
    let old = s
        .http
        .get(s.url("/i18n/fr.ftl?v=0000"))
        .send()
        .await
        .expect("old");
    assert_eq!(old.status().as_u16(), 200);
    assert_eq!(
        old.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-cache")
    );
    for unknown in ["/i18n/xx.ftl", "/i18n/de.json", "/i18n/..%2Fparley.ftl"] {
        let res = s.http.get(s.url(unknown)).send().await.expect("unknown");
        assert_eq!(res.status().as_u16(), 404, "{unknown}");
    }
}

#[tokio::test]
async fn rest_errors_come_in_the_callers_language() {
    let s = common::spawn().await;
    let (admin, _) = s.signup("Ada", "ada@example.com").await;
    let bad = json!({"url": "http://169.254.169.254/latest"});
    let detail = |lang: Option<&'static str>| {
        let s = &s;
        let admin = admin.clone();
        let bad = bad.clone();
        async move {
            let mut req = s
                .http
                .post(s.url("/api/webhook"))
                .bearer_auth(&admin)
                .json(&bad);
            if let Some(lang) = lang {
                req = req.header("Accept-Language", lang);
            }
            let res = req.send().await.expect("send");
            assert_eq!(res.status().as_u16(), 400);
            let body: serde_json::Value = res.json().await.expect("json");
            body["detail"].as_str().expect("detail").to_string()
        }
    };
    assert_eq!(
        detail(None).await,
        "Parley will not send webhooks there: 169.254.169.254 is a cloud metadata address."
    );
    assert_eq!(
        detail(Some("de-DE,de;q=0.9")).await,
        "Parley sendet dorthin keine Webhooks: 169.254.169.254 ist eine Cloud-Metadaten-Adresse."
    );
    // The account's setting wins over the header.
    let (status, text, _) = s
        .server_fn("set_locale", &[("locale", "ru")], Some(&admin))
        .await;
    assert_eq!(status, 200, "{text}");
    assert!(
        detail(Some("de"))
            .await
            .starts_with("Parley не будет отправлять туда вебхуки"),
        "Russian for a Russian account"
    );
    // A validation error of a server function travels as a key with its
    // arguments, so the page says it in the reader's language.
    let (status, text, _) = s
        .server_fn(
            "admin_save_webhook_url",
            &[("url", "ftp://example.com/x")],
            Some(&admin),
        )
        .await;
    assert_eq!(status, 400, "{text}");
    let err: app::error::AppError = serde_json::from_str(&text).expect("an AppError");
    assert_eq!(
        err.localized(Locale::De),
        "Die URL muss mit http:// oder https:// beginnen (nicht mit ftp:)."
    );
}
