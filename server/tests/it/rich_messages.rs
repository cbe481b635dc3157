//! Rich webhook messages over real HTTP (SPEC C7, C9, C10): GitHub's
//! deliveries as cards, the structured parts in the REST listing, what
//! the rendered HTML may never contain, multipart bodies, and sender
//! images fetched once by the server (never hot-linked).

use crate::common;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::common::world::{world, world_with, World};

fn hook_url(hook: &Value) -> String {
    hook["url"].as_str().expect("url").to_string()
}

/// The repository and sender as GitHub's example payloads have them
/// (octokit/webhooks, payload-examples/api.github.com).
fn repository() -> Value {
    json!({
        "id": 186853002, "node_id": "MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=",
        "name": "Hello-World", "full_name": "Codertocat/Hello-World", "private": false,
        "owner": {"login": "Codertocat", "id": 21031067, "type": "User"},
        "html_url": "https://github.com/Codertocat/Hello-World",
        "description": null, "fork": false,
        "stargazers_count": 1, "watchers_count": 1, "default_branch": "master"
    })
}

fn sender() -> Value {
    json!({
        "login": "Codertocat", "id": 21031067, "node_id": "MDQ6VXNlcjIxMDMxMDY3",
        "avatar_url": "https://avatars1.githubusercontent.com/u/21031067?v=4",
        "html_url": "https://github.com/Codertocat", "type": "User", "site_admin": false
    })
}

fn with_common(mut body: Value) -> Value {
    body["repository"] = repository();
    body["sender"] = sender();
    body
}

/// One delivery of each listed event, as GitHub's examples show them,
/// with the title its card must carry.
fn github_examples() -> Vec<(&'static str, Value, &'static str)> {
    let user =
        json!({"login": "Codertocat", "id": 21031067, "html_url": "https://github.com/Codertocat"});
    vec![
        (
            "ping",
            with_common(json!({
                "zen": "Anything added dilutes everything else.",
                "hook_id": 109948940,
                "hook": {"type": "Repository", "id": 109948940, "name": "web", "active": true, "events": ["*"],
                         "config": {"content_type": "json", "url": "https://smee.io/YEbF2t8kjvPAn7Ck", "insecure_ssl": "0"}}
            })),
            "Webhook connected to Codertocat/Hello-World",
        ),
        (
            "push",
            with_common(json!({
                "ref": "refs/heads/master",
                "before": "0000000000000000000000000000000000000000",
                "after": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                "created": false, "deleted": false, "forced": false, "base_ref": null,
                "compare": "https://github.com/Codertocat/Hello-World/compare/6113728f27ae...000000000000",
                "commits": [{
                    "id": "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                    "tree_id": "31b122c26a97cf9af023e9ddab94a82c6e77b0ea", "distinct": true,
                    "message": "Initial commit", "timestamp": "2019-05-15T15:19:25Z",
                    "url": "https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246",
                    "author": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com", "username": "Codertocat"},
                    "committer": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com", "username": "Codertocat"},
                    "added": ["README.md"], "removed": [], "modified": []
                }],
                "head_commit": null,
                "pusher": {"name": "Codertocat", "email": "21031067+Codertocat@users.noreply.github.com"}
            })),
            "[Codertocat/Hello-World] 1 new commit to master",
        ),
        (
            "pull_request",
            with_common(json!({
                "action": "closed", "number": 2,
                "pull_request": {
                    "url": "https://api.github.com/repos/Codertocat/Hello-World/pulls/2", "id": 279147437,
                    "html_url": "https://github.com/Codertocat/Hello-World/pull/2", "number": 2, "state": "closed",
                    "locked": false, "title": "Update the README with new information.", "user": user,
                    "body": "This is a pretty simple change that we need to pull into master.",
                    "merged": true, "draft": false,
                    "head": {"label": "Codertocat:changes", "ref": "changes", "sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821"},
                    "base": {"label": "Codertocat:master", "ref": "master", "sha": "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"}
                }
            })),
            "[Codertocat/Hello-World] Pull request merged: #2 Update the README with new information.",
        ),
        (
            "issues",
            with_common(json!({
                "action": "opened",
                "issue": {
                    "url": "https://api.github.com/repos/Codertocat/Hello-World/issues/1",
                    "html_url": "https://github.com/Codertocat/Hello-World/issues/1", "id": 444500041, "number": 1,
                    "title": "Spelling error in the README file", "user": user,
                    "labels": [{"id": 1362934389, "name": "bug", "color": "d73a4a", "default": true}],
                    "state": "open", "locked": false, "comments": 0,
                    "body": "It looks like you accidently spelled 'commit' with two 't's."
                }
            })),
            "[Codertocat/Hello-World] Issue opened: #1 Spelling error in the README file",
        ),
        (
            "issue_comment",
            with_common(json!({
                "action": "created",
                "issue": {
                    "html_url": "https://github.com/Codertocat/Hello-World/issues/1", "number": 1,
                    "title": "Spelling error in the README file", "user": user, "state": "open"
                },
                "comment": {
                    "html_url": "https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400",
                    "id": 492700400, "user": user,
                    "body": "You are totally right! I'll get this fixed right away."
                }
            })),
            "[Codertocat/Hello-World] New comment on issue #1: Spelling error in the README file",
        ),
        (
            "release",
            with_common(json!({
                "action": "published",
                "release": {
                    "html_url": "https://github.com/Codertocat/Hello-World/releases/tag/0.0.1", "id": 17372790,
                    "tag_name": "0.0.1", "target_commitish": "master", "name": "", "draft": false,
                    "author": user, "prerelease": false, "created_at": "2019-05-15T15:19:25Z",
                    "published_at": "2019-05-15T15:20:53Z", "assets": [], "body": ""
                }
            })),
            "[Codertocat/Hello-World] Release 0.0.1 published",
        ),
        (
            "workflow_run",
            with_common(json!({
                "action": "completed",
                "workflow": {"id": 2832838, "name": "Build", "path": ".github/workflows/build.yml", "state": "active"},
                "workflow_run": {
                    "id": 289782451, "name": "Build", "head_branch": "master",
                    "head_sha": "3484a3fb816e0859fd6e1cea078d76385ff50625", "run_number": 163,
                    "event": "push", "status": "completed", "conclusion": "failure",
                    "display_title": "build(test): check workflow run event payload",
                    "html_url": "https://github.com/Codertocat/Hello-World/actions/runs/289782451"
                }
            })),
            "[Codertocat/Hello-World] Build #163: failure",
        ),
        (
            "check_run",
            with_common(json!({
                "action": "completed",
                "check_run": {
                    "id": 128620228, "head_sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
                    "external_id": "", "html_url": "https://github.com/Codertocat/Hello-World/runs/128620228",
                    "details_url": "https://octocoders.io", "status": "completed", "conclusion": "success",
                    "output": {"title": null, "summary": null, "text": null, "annotations_count": 0},
                    "name": "Octocoders-linter",
                    "check_suite": {"id": 118578147, "head_branch": "changes", "head_sha": "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "status": "completed", "conclusion": "success"}
                }
            })),
            "[Codertocat/Hello-World] Check Octocoders-linter: success",
        ),
        (
            "create",
            with_common(json!({"ref": "simple-tag", "ref_type": "tag", "master_branch": "master", "description": null, "pusher_type": "user"})),
            "[Codertocat/Hello-World] tag simple-tag created",
        ),
        (
            "delete",
            with_common(json!({"ref": "simple-tag", "ref_type": "tag", "pusher_type": "user"})),
            "[Codertocat/Hello-World] tag simple-tag deleted",
        ),
        (
            "star",
            with_common(json!({"action": "created", "starred_at": "2019-05-15T15:20:40Z"})),
            "⭐ Codertocat starred Codertocat/Hello-World",
        ),
    ]
}

async fn post_github(
    w: &World,
    url: &str,
    event: &str,
    body: &str,
    sig: Option<&str>,
) -> (u16, Value) {
    let mut req =
        w.s.http
            .post(format!("{url}/github"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
            .header("User-Agent", "GitHub-Hookshot/044aadd")
            .body(body.to_string());
    if let Some(sig) = sig {
        req = req.header("X-Hub-Signature-256", sig);
    }
    let res = req.send().await.expect("post");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn title_of(card: &Value) -> String {
    card["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["type"] == "title")
        .and_then(|p| p["text"].as_str())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn github_events_from_the_docs_become_cards() {
    let w = world().await;
    let url = hook_url(&w.create_hook("GitHub").await);
    let examples = github_examples();
    for (event, body, _) in &examples {
        let (status, res) = post_github(&w, &url, event, &body.to_string(), None).await;
        assert_eq!(status, 200, "{event}: {res}");
        assert_eq!(res["success"], true);
    }
    // REST listing: newest first, so reverse to match.
    let mut list = w.messages().await;
    list.reverse();
    assert_eq!(list.len(), examples.len());
    for ((event, body, title), m) in examples.iter().zip(&list) {
        let cards = m["meta"]["cards"].as_array().expect("cards");
        assert_eq!(cards.len(), 1, "{event}");
        assert_eq!(cards[0]["kind"], "github", "{event}");
        assert_eq!(&title_of(&cards[0]), title, "{event}");
        assert!(
            cards[0]["color"].as_str().expect("color").starts_with('#'),
            "{event}"
        );
        assert_eq!(&m["meta"]["original"], body, "{event}: the body is kept");
        let content = m["content"].as_str().expect("content");
        assert!(
            content.contains("Codertocat/Hello-World"),
            "{event}: {content}"
        );
    }
    // The page's HTML: a card per event; the push lists its commit.
    let page = w.page_messages(&w.member).await;
    let push = page[1]["html"].as_str().expect("html");
    assert!(push.contains(r#"data-kind="github""#), "{push}");
    assert!(push.contains("Initial commit"), "{push}");
    assert!(
        push.contains(r#"href="https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246""#),
        "{push}"
    );
    assert!(push.contains("<code>6113728</code>"), "{push}");
    let merged = page[2]["html"].as_str().expect("html");
    assert!(
        merged.contains("--card-color: #8250df"),
        "merged is purple: {merged}"
    );

    // Any other event: a one-line summary.
    let (status, _) = post_github(
        &w,
        &url,
        "deployment_status",
        &with_common(json!({"action": "created"})).to_string(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let latest = &w.messages().await[0];
    assert_eq!(
        latest["content"],
        "GitHub **deployment\\_status (created)** on [Codertocat/Hello-World](https://github.com/Codertocat/Hello-World) by Codertocat"
    );
    // GitHub's form-encoded content type: payload=<json>.
    let form =
        w.s.http
            .post(format!("{url}/github"))
            .header("X-GitHub-Event", "star")
            .form(&[("payload", examples[10].1.to_string())])
            .send()
            .await
            .expect("post");
    assert_eq!(form.status(), 200);
    // No event header, or a body that is not JSON: refused, nothing stored.
    let before = w.messages().await.len();
    let res =
        w.s.http
            .post(format!("{url}/github"))
            .json(&json!({"zen": "x"}))
            .send()
            .await
            .expect("post");
    assert_eq!(res.status(), 400);
    let detail: Value = res.json().await.expect("json");
    assert!(detail["detail"]
        .as_str()
        .expect("detail")
        .contains("X-GitHub-Event"));
    let (status, _) = post_github(&w, &url, "push", "not json", None).await;
    assert_eq!(status, 400);
    assert_eq!(w.messages().await.len(), before);
}

fn sign(secret: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

#[tokio::test]
async fn a_github_secret_makes_signatures_required() {
    let w = world().await;
    let hook = w.create_hook("GitHub").await;
    let url = hook_url(&hook);
    let update = format!(
        "/api/v1/channels/{}/webhooks/{}/update",
        w.channel,
        hook["id"].as_str().expect("id")
    );
    // Members cannot set it.
    let (status, _) =
        w.s.post_json(&update, json!({"github_secret": "s3cret"}), Some(&w.member))
            .await;
    assert_eq!(status, 403);
    let (status, updated) =
        w.s.post_json(
            &update,
            json!({"github_secret": "s3cret"}),
            Some(&w.manager),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["github_secret_set"], true);
    assert!(
        !updated.to_string().contains("s3cret"),
        "the secret is never shown back: {updated}"
    );

    let body = github_examples()[1].1.to_string();
    for sig in [
        None,
        Some("sha256=00".to_string()),
        Some(sign("wrong", &body)),
    ] {
        let (status, res) = post_github(&w, &url, "push", &body, sig.as_deref()).await;
        assert_eq!(status, 401, "{sig:?}: {res}");
        assert!(res["detail"]
            .as_str()
            .expect("detail")
            .contains("X-Hub-Signature-256"));
    }
    assert!(w.messages().await.is_empty(), "nothing stored");
    let (status, _) = post_github(&w, &url, "push", &body, Some(&sign("s3cret", &body))).await;
    assert_eq!(status, 200);
    // The body must be the one signed, byte for byte.
    let tampered = body.replace("Initial commit", "Evil commit");
    let (status, _) = post_github(&w, &url, "push", &tampered, Some(&sign("s3cret", &body))).await;
    assert_eq!(status, 401);

    // Cleared (null): unsigned deliveries pass again.
    let (status, updated) =
        w.s.post_json(&update, json!({"github_secret": null}), Some(&w.manager))
            .await;
    assert_eq!(status, 200);
    assert_eq!(updated["github_secret_set"], false);
    let (status, _) = post_github(&w, &url, "push", &body, None).await;
    assert_eq!(status, 200);
    assert_eq!(w.messages().await.len(), 2);
}

#[tokio::test]
async fn rich_html_never_carries_sender_markup_links_or_images() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Hostile").await);
    let bodies = [
        json!({"attachments": [{
            "color": "red;background:url(https://x.example/p)",
            "pretext": "<script>alert(1)</script>",
            "author_name": "<img src=x onerror=alert(2)>", "author_link": "javascript:alert(3)",
            "author_icon": "data:image/png;base64,AAAA",
            "title": "<b>title</b>", "title_link": "javascript:alert(4)",
            "text": "[click](javascript:alert(5)) <iframe src=https://x.example></iframe>",
            "fields": [{"title": "<script>f</script>", "value": "<script>alert(6)</script>", "short": true}],
            "image_url": "data:image/svg+xml,<svg onload=alert(7)>",
            "thumb_url": "javascript:alert(8)",
            "footer": "<script>9</script>", "footer_icon": "https://x.example/tracker.gif",
            "actions": [{"type": "button", "text": "Go", "url": "javascript:alert(10)"}]
        }]}),
        json!({"embeds": [{
            "title": "<script>alert(11)</script>", "url": "javascript:alert(12)",
            "description": "![pixel](https://tracker.example/p.gif) <img src=https://tracker.example/q.gif>",
            "color": "16711680; background: red",
            "author": {"name": "x", "url": "javascript:alert(13)", "icon_url": "javascript:alert(14)"},
            "fields": [{"name": "<i>n</i>", "value": "[x](javascript:alert(15))", "inline": true}],
            "image": {"url": "data:image/png;base64,AAAA"},
            "thumbnail": {"url": "https://tracker.example/t.png"},
            "footer": {"text": "<script>16</script>", "icon_url": "data:,x"}
        }]}),
        json!({"blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "<script>alert(17)</script>"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "<javascript:alert(18)|click> *bold*"},
             "accessory": {"type": "image", "image_url": "https://tracker.example/acc.png", "alt_text": "\" onerror=\"alert(19)"}},
            {"type": "image", "image_url": "data:image/png;base64,AAAA", "alt_text": "x"},
            {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"}, "url": "javascript:alert(20)"}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "<script>alert(21)</script>"}]}
        ]}),
    ];
    for body in &bodies {
        let (status, res, _) = w.post_raw(&url, &body.to_string()).await;
        assert_eq!(status, 200, "{res}");
    }
    let page = w.page_messages(&w.member).await;
    assert_eq!(page.len(), bodies.len());
    for m in &page {
        let html = m["html"].as_str().expect("html");
        for bad in [
            "<script",
            "javascript:",
            "<img",
            "data:",
            "<iframe",
            "onerror=\"",
            "onload",
            "<b>",
            "<i>",
            "src=\"http",
            "background:",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(html.contains(r#"data-testid="card""#), "{html}");
    }
    // Text stays readable as text (Slack's mrkdwn reads `<…>` as its own
    // link syntax; plain-text parts are escaped).
    let first = page[0]["html"].as_str().expect("html");
    assert!(first.contains("alert(1)"), "{first}");
    assert!(first.contains("&lt;b&gt;title&lt;/b&gt;"), "{first}");
    assert!(page[2]["html"]
        .as_str()
        .expect("html")
        .contains("<strong>bold</strong>"));
}

#[tokio::test]
async fn structured_parts_are_stored_and_listed() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Alertmanager").await);
    // Slack's attachment example and Discord's embed example.
    let slack = json!({
        "attachments": [{
            "fallback": "Required plain-text summary of the attachment.",
            "color": "#36a64f",
            "pretext": "Optional text that appears above the attachment block",
            "author_name": "Bobby Tables", "author_link": "http://flickr.com/bobby/",
            "title": "Slack API Documentation", "title_link": "https://api.slack.com/",
            "text": "Optional text that appears within the attachment",
            "fields": [{"title": "Priority", "value": "High", "short": false}],
            "footer": "Slack API", "ts": 123456789
        }]
    });
    let (status, _, _) = w.post_raw(&url, &slack.to_string()).await;
    assert_eq!(status, 200);
    let list = w.messages().await;
    let m = &list[0];
    let card = &m["meta"]["cards"][0];
    assert_eq!(card["kind"], "attachment");
    assert_eq!(card["color"], "#36a64f");
    let types: Vec<&str> = card["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["type"].as_str().expect("type"))
        .collect();
    assert_eq!(
        types,
        ["pretext", "author", "title", "text", "fields", "footer"]
    );
    assert_eq!(card["parts"][4]["fields"][0]["title"], "Priority");
    assert_eq!(card["parts"][4]["fields"][0]["inline"], false);
    assert_eq!(card["parts"][5]["timestamp"], 123456789000_i64);
    assert_eq!(m["meta"]["original"], slack);
    assert_eq!(m["meta"]["webhook"]["name"], "Alertmanager");
    // The page renders it as a card with the color bar and a fields grid.
    let page = w.page_messages(&w.member).await;
    let html = page[0]["html"].as_str().expect("html");
    assert!(html.contains(r#"style="--card-color: #36a64f""#), "{html}");
    assert!(
        html.contains(r#"<div class="rc-field-title">Priority</div>"#),
        "{html}"
    );
    assert!(html.contains("1973-11-29 21:33 UTC"), "{html}");
    assert!(!html.contains("Required plain-text summary"), "{html}");
    assert_eq!(page[0]["cards"][0]["kind"], "attachment");
    // Discord's ?wait=true answers with the embeds it stored.
    let res = w
        .s
        .http
        .post(format!("{url}?wait=true"))
        .json(&json!({"embeds": [{"title": "Firing", "color": 15548997, "description": "CPU > 90 %"}]}))
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.expect("json");
    assert_eq!(m["embeds"][0]["title"], "Firing");
    assert_eq!(m["meta"]["cards"][0]["color"], "#ed4245");
    // A body carrying much more than it shows: the message is stored, the
    // body as it came is not kept past 64 KiB.
    let padded = json!({"content": "small", "x_padding": "x".repeat(70 * 1024)});
    let (status, _, _) = w.post_raw(&url, &padded.to_string()).await;
    assert_eq!(status, 200);
    let newest = &w.messages().await[0];
    assert_eq!(newest["content"], "small");
    assert!(
        newest["meta"].get("original").is_none(),
        "{}",
        newest["meta"]
    );
}

#[tokio::test]
async fn discord_multipart_bodies_are_read_from_payload_json() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Uploader").await);
    let form = reqwest::multipart::Form::new()
        .text(
            "payload_json",
            json!({"content": "Nightly report attached", "embeds": [{"title": "Report"}]})
                .to_string(),
        )
        .part(
            "files[0]",
            reqwest::multipart::Part::bytes(b"a,b\n1,2\n".to_vec())
                .file_name("report.csv")
                .mime_str("text/csv")
                .expect("mime"),
        );
    let res =
        w.s.http
            .post(format!("{url}?wait=true"))
            .multipart(form)
            .send()
            .await
            .expect("post");
    assert_eq!(res.status(), 200);
    let m: Value = res.json().await.expect("json");
    assert!(m["content"]
        .as_str()
        .expect("content")
        .starts_with("Nightly report attached"));
    // The plain-field form discord.js and others send without payload_json.
    let form = reqwest::multipart::Form::new()
        .text("content", "plain field")
        .text("username", "Cron");
    let res =
        w.s.http
            .post(&url)
            .multipart(form)
            .send()
            .await
            .expect("post");
    assert_eq!(res.status(), 200);
    let list = w.messages().await;
    assert_eq!(list[0]["content"], "plain field");
    assert_eq!(list[0]["user"]["name"], "Cron");
    // A multipart body with nothing to show: 422, nothing stored.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"x".to_vec()).file_name("x.bin"),
    );
    let res =
        w.s.http
            .post(&url)
            .multipart(form)
            .send()
            .await
            .expect("post");
    assert_eq!(res.status(), 422);
    assert_eq!(w.messages().await.len(), 2);
}

/// A loopback image server: `/a.png` and `/b.png` are PNGs, `/page`
/// HTML, `/big.png` over 1 MiB; counts each path's requests.
struct ImageServer {
    base: String,
    hits: Arc<std::sync::Mutex<Vec<String>>>,
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

impl ImageServer {
    async fn start() -> ImageServer {
        use axum::extract::{Path, State};
        use axum::response::IntoResponse;
        let hits: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let app = axum::Router::new()
            .route(
                "/{name}",
                axum::routing::get(
                    |State(hits): State<Arc<std::sync::Mutex<Vec<String>>>>,
                     Path(name): Path<String>| async move {
                        hits.lock().expect("lock").push(name.clone());
                        match name.as_str() {
                            "a.png" | "b.png" => {
                                ([("content-type", "image/png")], PNG.to_vec()).into_response()
                            }
                            "moved.png" => {
                                (axum::http::StatusCode::FOUND, [("location", "/b.png")])
                                    .into_response()
                            }
                            "big.png" => {
                                let mut big = PNG.to_vec();
                                big.resize(1024 * 1024 + 10, 0);
                                ([("content-type", "image/png")], big).into_response()
                            }
                            _ => (
                                [("content-type", "image/png")],
                                b"<html>not an image</html>".to_vec(),
                            )
                                .into_response(),
                        }
                    },
                ),
            )
            .with_state(hits.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        ImageServer { base, hits }
    }

    fn count(&self, name: &str) -> usize {
        self.hits
            .lock()
            .expect("lock")
            .iter()
            .filter(|n| *n == name)
            .count()
    }
}

/// Waits (for the state, not a time) until the fetcher settled `url`.
async fn media_status(w: &World, url: &str) -> String {
    let id = parley_core::media::media_id(url);
    common::eventually(
        &format!("{url} to be fetched"),
        Duration::from_secs(15),
        async || {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT status FROM remote_media WHERE id = $1")
                    .bind(&id)
                    .fetch_optional(&w.s.state.db)
                    .await
                    .expect("db");
            row.map(|(s,)| s).filter(|s| s != "pending")
        },
    )
    .await
}

#[tokio::test]
async fn sender_images_are_fetched_once_and_served_by_parley() {
    let w = world_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let images = ImageServer::start().await;
    let url = hook_url(&w.create_hook("Grafana").await);
    let mel = w.user_id(&w.member).await;
    let mut socket = common::synced_socket(&w.s, &w.member, &mel).await;
    let a = format!("{}/a.png", images.base);
    let moved = format!("{}/moved.png", images.base);
    let body = json!({
        "username": "Grafana", "avatar_url": a,
        "embeds": [{"title": "Panel", "image": {"url": a}, "thumbnail": {"url": moved}}]
    });
    let (status, res, _) = w.post_raw(&url, &body.to_string()).await;
    assert_eq!(status, 200, "{res}");
    // First the message with placeholders, then again once the images are here.
    let first = common::next_frame(&mut socket).await.expect("event");
    let html = first["message"]["html"].as_str().expect("html");
    assert!(!html.contains("127.0.0.1"), "never hot-linked: {html}");
    let mut served = first;
    while served["message"]["html"]
        .as_str()
        .is_some_and(|h| h.matches(app::model::MEDIA_PATH).count() < 2)
    {
        served = common::next_frame(&mut socket)
            .await
            .expect("the re-sent message");
    }
    let html = served["message"]["html"].as_str().expect("html");
    let src = format!(
        "{}{}",
        app::model::MEDIA_PATH,
        parley_core::media::media_id(&a)
    );
    assert!(
        html.contains(&format!(r#"<img class="rc-image" src="{src}""#)),
        "{html}"
    );
    assert_eq!(
        media_status(&w, &moved).await,
        "ready",
        "a redirect is followed"
    );
    assert_eq!(media_status(&w, &a).await, "ready");
    // The avatar is Parley's copy too.
    let page = w.page_messages(&w.member).await;
    assert_eq!(page[0]["author"]["image"], src.as_str());
    // Parley serves the bytes, to signed-in users only.
    let res =
        w.s.http
            .get(w.s.url(&src))
            .bearer_auth(&w.member)
            .send()
            .await
            .expect("get");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.expect("bytes").as_ref(), PNG);
    let res = w.s.http.get(w.s.url(&src)).send().await.expect("get");
    assert_eq!(res.status(), 401);
    // Named twice (avatar and image), posted again: fetched once.
    let (status, _, _) = w.post_raw(&url, &body.to_string()).await;
    assert_eq!(status, 200);
    // A late re-send of the first message (one per image fetched) may
    // still be on its way: the new message is the next *other* one.
    let first_id = served["message"]["id"].clone();
    let mut again = common::next_frame(&mut socket).await.expect("event");
    while again["message"]["id"] == first_id {
        again = common::next_frame(&mut socket).await.expect("event");
    }
    assert!(
        again["message"]["html"]
            .as_str()
            .expect("html")
            .contains(&src),
        "ready at once"
    );
    assert_eq!(images.count("a.png"), 1);
    assert_eq!(images.count("b.png"), 1);
    // Not an image, or over 1 MiB: never kept, the placeholder stays.
    for name in ["page", "big.png"] {
        let u = format!("{}/{name}", images.base);
        let (status, _, _) = w
            .post_raw(
                &url,
                &json!({"embeds": [{"title": name, "image": {"url": u}}]}).to_string(),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(media_status(&w, &u).await, "failed", "{name}");
    }
    let page = w.page_messages(&w.member).await;
    let last = page.last().expect("message")["html"]
        .as_str()
        .expect("html");
    assert!(
        last.contains("media-placeholder") && !last.contains("<img"),
        "{last}"
    );
}

#[tokio::test]
async fn a_private_image_without_the_allowance_is_never_connected_to() {
    let w = world().await;
    let url = hook_url(&w.create_hook("Monitor").await);
    let (hole, accepted) = common::receiver::black_hole().await;
    let port = hole
        .rsplit_once(':')
        .expect("port")
        .1
        .split('/')
        .next()
        .expect("port")
        .to_string();
    let literal = format!("http://127.0.0.1:{port}/a.png");
    let named = format!("http://localhost:{port}/b.png");
    let body = json!({
        "icon_url": literal,
        "attachments": [{"title": "Disk full", "image_url": named, "thumb_url": literal}]
    });
    let (status, res, _) = w.post_raw(&url, &body.to_string()).await;
    assert_eq!(status, 200, "{res}");
    assert_eq!(media_status(&w, &literal).await, "failed");
    assert_eq!(media_status(&w, &named).await, "failed");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        0,
        "the server never connected"
    );
    let page = w.page_messages(&w.member).await;
    let html = page[0]["html"].as_str().expect("html");
    assert!(html.contains("media-placeholder"), "{html}");
    assert!(
        !html.contains("<img") && !html.contains("127.0.0.1"),
        "{html}"
    );
    assert_eq!(page[0]["author"]["image"], Value::Null);
}

#[tokio::test]
async fn a_slow_image_host_holds_only_its_own_fetches() {
    let w = world_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let images = ImageServer::start().await;
    let url = hook_url(&w.create_hook("Monitor").await);
    // 16 images on a host that accepts and never answers.
    let (hole, accepted) = common::receiver::black_hole().await;
    let attachments: Vec<Value> = (0..16)
        .map(|i| json!({"title": format!("graph {i}"), "image_url": format!("{hole}/{i}.png")}))
        .collect();
    let (status, res, _) = w
        .post_raw(&url, &json!({"attachments": attachments}).to_string())
        .await;
    assert_eq!(status, 200, "{res}");
    common::until(Duration::from_secs(10), async || {
        accepted.load(Ordering::SeqCst) >= 2
    })
    .await;
    // Another sender's image arrives while the slow host holds its two.
    let a = format!("{}/a.png", images.base);
    let (status, _, _) = w
        .post_raw(&url, &json!({"icon_url": a, "text": "ok"}).to_string())
        .await;
    assert_eq!(status, 200);
    let id = parley_core::media::media_id(&a);
    let ready = common::until(Duration::from_secs(8), async || {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT status FROM remote_media WHERE id = $1")
                .bind(&id)
                .fetch_optional(&w.s.state.db)
                .await
                .expect("db");
        row.is_some_and(|(s,)| s == "ready")
    })
    .await;
    assert!(
        ready,
        "the other host's image is fetched while the slow one hangs"
    );
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2,
        "the slow host never holds more than its two fetches"
    );
}

#[tokio::test]
async fn sender_images_are_kept_within_their_budget_and_removed_with_their_messages() {
    use parley_core::maintenance::{enforce_retention, RetentionSettings};
    let w = world_with(|env| env.webhook_allowed_hosts = vec!["loopback".into()]).await;
    let images = ImageServer::start().await;
    let url = hook_url(&w.create_hook("Grafana").await);
    let a = format!("{}/a.png", images.base);
    let b = format!("{}/b.png", images.base);
    for image in [&a, &b] {
        let body = json!({"embeds": [{"title": "Panel", "image": {"url": image}}]});
        let (status, res, _) = w.post_raw(&url, &body.to_string()).await;
        assert_eq!(status, 200, "{res}");
        assert_eq!(media_status(&w, image).await, "ready");
    }
    let db = &w.s.state.db;
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM remote_media")
            .fetch_one(db)
            .await
            .expect("db");
        n
    };
    assert_eq!(count().await, 2);
    // A budget of one image: the least recently shown (a) goes.
    let one_image = RetentionSettings {
        // Stored as base64: 4 characters per 3 bytes.
        media_budget_bytes: (PNG.len() as i64 + 2) / 3 * 4,
        ..RetentionSettings::default()
    };
    let removed = enforce_retention(db, &one_image, parley_core::db::now_ms())
        .await
        .expect("retention");
    assert_eq!(removed.media_over_budget, 1);
    assert_eq!(media_status(&w, &b).await, "ready", "the newest stays");
    // The message that showed `a` gets Parley's placeholder, not a broken image.
    let src = parley_core::media::media_src(&parley_core::media::media_id(&a));
    let res =
        w.s.http
            .get(w.s.url(&src))
            .bearer_auth(&w.member)
            .send()
            .await
            .expect("get");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    // The channel is deleted: no message shows `b` any more, and after the
    // grace period it is removed.
    let (status, text, _) =
        w.s.server_fn(
            "delete_channel",
            &[("channel_id", &w.channel)],
            Some(&w.admin),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let later = parley_core::db::now_ms() + 2 * 3600 * 1000;
    let removed = enforce_retention(db, &RetentionSettings::default(), later)
        .await
        .expect("retention");
    assert_eq!(removed.unreferenced_media, 1);
    assert_eq!(count().await, 0);
}
