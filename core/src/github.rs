//! GitHub's webhook deliveries on a channel webhook (SPEC C9): the event
//! named by `X-GitHub-Event` becomes one card (repository, actor, action,
//! title, link; the commits of a push), and `X-Hub-Signature-256` is
//! checked when the webhook has a GitHub secret.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::incoming_body::{finish, BodyError, Dialect, IncomingMessage};
use super::rich::{escape_markdown, safe_url, RichBody};
use crate::model::{Card, CardField, CardKind, CardPart};

/// The events drawn as cards; any other is a one-line summary.
pub const EVENTS: [&str; 11] = [
    "ping",
    "push",
    "pull_request",
    "issues",
    "issue_comment",
    "release",
    "workflow_run",
    "check_run",
    "create",
    "delete",
    "star",
];

/// Commits listed for a push; the rest are counted.
const MAX_COMMITS: usize = 10;
/// Characters of an issue, pull request, comment or release body shown.
const MAX_BODY_CHARS: usize = 600;

const GREEN: &str = "#1f883d";
const RED: &str = "#cf222e";
const PURPLE: &str = "#8250df";
const GRAY: &str = "#6e7781";
const BLUE: &str = "#0969da";
const YELLOW: &str = "#bf8700";

/// Whether `signature` (`sha256=<hex>`, as GitHub sends it) is the
/// HMAC-SHA256 of `body` under `secret`, compared in constant time.
pub fn signature_matches(secret: &str, body: &[u8], signature: Option<&str>) -> bool {
    let Some(hex) = signature.and_then(|s| s.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Some(expected) = decode_hex(hex) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct Account {
    #[serde(default)]
    login: String,
    html_url: Option<String>,
    avatar_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Repository {
    #[serde(default)]
    full_name: String,
    html_url: Option<String>,
    stargazers_count: Option<u64>,
}

/// What every event carries.
#[derive(Debug, Default, Deserialize)]
struct Common {
    action: Option<String>,
    repository: Option<Repository>,
    organization: Option<Account>,
    sender: Option<Account>,
}

/// Reads one delivery: `event` is `X-GitHub-Event`, `json` the payload.
pub fn read_event(event: &str, json: &Value) -> Result<IncomingMessage, BodyError> {
    if !json.is_object() {
        return Err(BodyError::NoText);
    }
    let common: Common = serde_json::from_value(json.clone()).unwrap_or_default();
    let ctx = Ctx { common: &common };
    let card = match event {
        "ping" => Some(ctx.ping(json)),
        "push" => Some(ctx.push(json)),
        "pull_request" => ctx.pull_request(json),
        "issues" => ctx.issue(json),
        "issue_comment" => ctx.issue_comment(json),
        "release" => ctx.release(json),
        "workflow_run" => ctx.workflow_run(json),
        "check_run" => ctx.check_run(json),
        "create" | "delete" => Some(ctx.ref_event(event, json)),
        "star" => Some(ctx.star()),
        _ => None,
    };
    let rich = match card {
        Some(card) => RichBody {
            cards: vec![card],
            ..RichBody::default()
        },
        None => RichBody {
            text: ctx.summary(event),
            cards: Vec::new(),
            ..RichBody::default()
        },
    };
    finish(rich, None, Dialect::Github, json.clone())
}

struct Ctx<'a> {
    common: &'a Common,
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
}

/// A GitHub identifier as words: `converted_to_draft` → `converted to draft`.
fn words(id: &str) -> String {
    id.replace('_', " ")
}

fn short_sha(sha: &str) -> String {
    sha.chars().take(7).collect()
}

fn excerpt(body: Option<&str>) -> Option<String> {
    let body = body?.trim();
    if body.is_empty() {
        return None;
    }
    let mut cut: String = body.chars().take(MAX_BODY_CHARS).collect();
    if body.chars().count() > MAX_BODY_CHARS {
        cut.push('…');
    }
    Some(cut)
}

fn field(title: &str, markdown: String) -> CardField {
    CardField {
        title: title.into(),
        markdown,
        inline: true,
    }
}

impl Ctx<'_> {
    fn repo(&self) -> &str {
        match &self.common.repository {
            Some(r) if !r.full_name.is_empty() => &r.full_name,
            _ => self
                .common
                .organization
                .as_ref()
                .map_or("GitHub", |o| o.login.as_str()),
        }
    }

    fn repo_url(&self) -> Option<String> {
        self.common
            .repository
            .as_ref()
            .and_then(|r| r.html_url.clone())
    }

    fn actor(&self) -> &str {
        self.common
            .sender
            .as_ref()
            .map(|s| s.login.as_str())
            .filter(|l| !l.is_empty())
            .unwrap_or("someone")
    }

    fn action(&self) -> &str {
        self.common.action.as_deref().unwrap_or("")
    }

    /// The action as words ("ready_for_review" → "ready for review").
    fn action_words(&self) -> String {
        words(self.action())
    }

    /// The card every event starts from: the actor above, the repository
    /// below.
    fn card(&self, color: &str, title: String, url: Option<String>) -> Card {
        let mut parts = Vec::new();
        if let Some(sender) = &self.common.sender {
            if !sender.login.is_empty() {
                parts.push(CardPart::Author {
                    name: sender.login.clone(),
                    url: sender.html_url.clone().filter(|u| safe_url(u).is_some()),
                    icon_url: sender.avatar_url.clone().filter(|u| safe_url(u).is_some()),
                });
            }
        }
        parts.push(CardPart::Title {
            text: title,
            url: url.filter(|u| safe_url(u).is_some()),
        });
        Card {
            kind: CardKind::Github,
            color: Some(color.into()),
            parts,
        }
    }

    fn footer(&self, card: &mut Card) {
        card.parts.push(CardPart::Footer {
            text: self.repo().to_string(),
            icon_url: None,
            timestamp: None,
        });
    }

    fn summary(&self, event: &str) -> String {
        let what = match self.action() {
            "" => event.to_string(),
            action => format!("{event} ({action})"),
        };
        let repo = match self.repo_url().and_then(|u| safe_url(&u)) {
            Some(url) => format!("[{}]({url})", escape_markdown(self.repo())),
            None => escape_markdown(self.repo()),
        };
        format!(
            "GitHub **{}** on {repo} by {}",
            escape_markdown(&what),
            escape_markdown(self.actor())
        )
    }

    fn ping(&self, json: &Value) -> Card {
        let mut card = self.card(
            GRAY,
            format!("Webhook connected to {}", self.repo()),
            self.repo_url(),
        );
        if let Some(zen) = s(json, &["zen"]) {
            card.parts.push(CardPart::Text {
                markdown: format!("_{}_", escape_markdown(zen)),
            });
        }
        self.footer(&mut card);
        card
    }

    fn push(&self, json: &Value) -> Card {
        let git_ref = s(json, &["ref"]).unwrap_or_default();
        let (kind, name) = match git_ref.strip_prefix("refs/heads/") {
            Some(b) => ("branch", b),
            None => match git_ref.strip_prefix("refs/tags/") {
                Some(t) => ("tag", t),
                None => ("ref", git_ref),
            },
        };
        let flag = |k: &str| json.get(k).and_then(Value::as_bool).unwrap_or(false);
        let commits: Vec<&Value> = json
            .get("commits")
            .and_then(Value::as_array)
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        let n = commits.len();
        let title = if flag("deleted") {
            format!("[{}] {kind} {name} deleted", self.repo())
        } else if flag("created") && n == 0 {
            format!("[{}] new {kind} {name}", self.repo())
        } else {
            let plural = if n == 1 { "commit" } else { "commits" };
            let forced = if flag("forced") {
                " (force-pushed)"
            } else {
                ""
            };
            format!("[{}] {n} new {plural} to {name}{forced}", self.repo())
        };
        let color = if flag("deleted") { RED } else { BLUE };
        let mut card = self.card(color, title, s(json, &["compare"]).map(str::to_string));
        let lines: Vec<String> = commits
            .iter()
            .take(MAX_COMMITS)
            .map(|c| {
                let sha = short_sha(s(c, &["id"]).unwrap_or_default());
                let message = s(c, &["message"])
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default();
                let author = s(c, &["author", "username"])
                    .or_else(|| s(c, &["author", "name"]))
                    .unwrap_or_default();
                let sha = match s(c, &["url"]).and_then(safe_url) {
                    Some(url) => format!("[`{sha}`]({url})"),
                    None => format!("`{sha}`"),
                };
                format!(
                    "- {sha} {} — {}",
                    escape_markdown(message),
                    escape_markdown(author)
                )
            })
            .collect();
        if !lines.is_empty() {
            let mut text = lines.join("\n");
            if n > MAX_COMMITS {
                text.push_str(&format!("\n\n… and {} more", n - MAX_COMMITS));
            }
            card.parts.push(CardPart::Text { markdown: text });
        }
        self.footer(&mut card);
        card
    }

    fn pull_request(&self, json: &Value) -> Option<Card> {
        let pr = json.get("pull_request")?;
        let number = pr.get("number").or_else(|| json.get("number"))?;
        let merged = pr.get("merged").and_then(Value::as_bool).unwrap_or(false);
        let draft = pr.get("draft").and_then(Value::as_bool).unwrap_or(false);
        let action = match self.action() {
            "closed" if merged => "merged",
            a => a,
        };
        let color = match action {
            "merged" => PURPLE,
            "closed" => RED,
            _ if draft => GRAY,
            "opened" | "reopened" | "ready_for_review" => GREEN,
            _ => BLUE,
        };
        let title = format!(
            "[{}] Pull request {}: #{number} {}",
            self.repo(),
            words(action),
            s(pr, &["title"]).unwrap_or_default()
        );
        let mut card = self.card(color, title, s(pr, &["html_url"]).map(str::to_string));
        if matches!(action, "opened" | "reopened" | "ready_for_review") {
            if let Some(body) = excerpt(s(pr, &["body"])) {
                card.parts.push(CardPart::Text { markdown: body });
            }
        }
        let head = s(pr, &["head", "ref"]).unwrap_or_default();
        let base = s(pr, &["base", "ref"]).unwrap_or_default();
        if !head.is_empty() || !base.is_empty() {
            card.parts.push(CardPart::Fields {
                fields: vec![field(
                    "Branches",
                    format!("`{}` ← `{}`", base.replace('`', ""), head.replace('`', "")),
                )],
            });
        }
        self.footer(&mut card);
        Some(card)
    }

    fn issue(&self, json: &Value) -> Option<Card> {
        let issue = json.get("issue")?;
        let number = issue.get("number")?;
        let color = match self.action() {
            "opened" | "reopened" => GREEN,
            "closed" | "deleted" => RED,
            _ => BLUE,
        };
        let title = format!(
            "[{}] Issue {}: #{number} {}",
            self.repo(),
            self.action_words(),
            s(issue, &["title"]).unwrap_or_default()
        );
        let mut card = self.card(color, title, s(issue, &["html_url"]).map(str::to_string));
        if matches!(self.action(), "opened" | "reopened") {
            if let Some(body) = excerpt(s(issue, &["body"])) {
                card.parts.push(CardPart::Text { markdown: body });
            }
        }
        let labels: Vec<String> = issue
            .get("labels")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|l| s(l, &["name"]))
                    .map(|n| format!("`{}`", n.replace('`', "")))
                    .collect()
            })
            .unwrap_or_default();
        if !labels.is_empty() {
            card.parts.push(CardPart::Fields {
                fields: vec![field("Labels", labels.join(" "))],
            });
        }
        self.footer(&mut card);
        Some(card)
    }

    fn issue_comment(&self, json: &Value) -> Option<Card> {
        let issue = json.get("issue")?;
        let comment = json.get("comment")?;
        let what = if issue.get("pull_request").is_some() {
            "pull request"
        } else {
            "issue"
        };
        let verb = match self.action() {
            "created" => "New comment".to_string(),
            a => format!("Comment {}", words(a)),
        };
        let title = format!(
            "[{}] {verb} on {what} #{}: {}",
            self.repo(),
            issue.get("number").cloned().unwrap_or(Value::Null),
            s(issue, &["title"]).unwrap_or_default()
        );
        let url = s(comment, &["html_url"]).or_else(|| s(issue, &["html_url"]));
        let mut card = self.card(GRAY, title, url.map(str::to_string));
        if self.action() != "deleted" {
            if let Some(body) = excerpt(s(comment, &["body"])) {
                card.parts.push(CardPart::Text { markdown: body });
            }
        }
        self.footer(&mut card);
        Some(card)
    }

    fn release(&self, json: &Value) -> Option<Card> {
        let release = json.get("release")?;
        let tag = s(release, &["tag_name"]).unwrap_or_default();
        let name = s(release, &["name"])
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(tag);
        let pre = release
            .get("prerelease")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let kind = if pre { "Pre-release" } else { "Release" };
        let color = match self.action() {
            "deleted" => RED,
            "published" | "released" | "created" => GREEN,
            _ => BLUE,
        };
        let title = format!("[{}] {kind} {name} {}", self.repo(), self.action_words());
        let mut card = self.card(color, title, s(release, &["html_url"]).map(str::to_string));
        if let Some(body) = excerpt(s(release, &["body"])) {
            card.parts.push(CardPart::Text { markdown: body });
        }
        if !tag.is_empty() {
            card.parts.push(CardPart::Fields {
                fields: vec![field("Tag", format!("`{}`", tag.replace('`', "")))],
            });
        }
        self.footer(&mut card);
        Some(card)
    }

    /// Green, red, gray or yellow for a run's status and conclusion.
    fn run_color(status: &str, conclusion: Option<&str>) -> &'static str {
        match (status, conclusion) {
            (_, Some("success")) => GREEN,
            (_, Some("failure" | "timed_out" | "startup_failure")) => RED,
            (_, Some("cancelled" | "skipped" | "neutral" | "stale")) => GRAY,
            ("completed", _) => GRAY,
            _ => YELLOW,
        }
    }

    fn run_fields(branch: Option<&str>, sha: Option<&str>) -> Vec<CardField> {
        let mut fields = Vec::new();
        if let Some(b) = branch.filter(|b| !b.is_empty()) {
            fields.push(field("Branch", format!("`{}`", b.replace('`', ""))));
        }
        if let Some(sha) = sha.filter(|s| !s.is_empty()) {
            fields.push(field("Commit", format!("`{}`", short_sha(sha))));
        }
        fields
    }

    fn workflow_run(&self, json: &Value) -> Option<Card> {
        let run = json.get("workflow_run")?;
        let status = s(run, &["status"]).unwrap_or_default();
        let conclusion = s(run, &["conclusion"]);
        let name = s(json, &["workflow", "name"])
            .or_else(|| s(run, &["name"]))
            .filter(|n| !n.is_empty())
            .unwrap_or("Workflow");
        let number = run
            .get("run_number")
            .map(|n| format!(" #{n}"))
            .unwrap_or_default();
        let outcome = words(conclusion.unwrap_or(status));
        let title = format!("[{}] {name}{number}: {outcome}", self.repo());
        let mut card = self.card(
            Self::run_color(status, conclusion),
            title,
            s(run, &["html_url"]).map(str::to_string),
        );
        if let Some(t) = s(run, &["display_title"]).filter(|t| !t.is_empty()) {
            card.parts.push(CardPart::Text {
                markdown: escape_markdown(t),
            });
        }
        let mut fields = Self::run_fields(s(run, &["head_branch"]), s(run, &["head_sha"]));
        if let Some(e) = s(run, &["event"]) {
            fields.push(field("Event", escape_markdown(e)));
        }
        if !fields.is_empty() {
            card.parts.push(CardPart::Fields { fields });
        }
        self.footer(&mut card);
        Some(card)
    }

    fn check_run(&self, json: &Value) -> Option<Card> {
        let run = json.get("check_run")?;
        let status = s(run, &["status"]).unwrap_or_default();
        let conclusion = s(run, &["conclusion"]);
        let name = s(run, &["name"]).unwrap_or("Check");
        let title = format!(
            "[{}] Check {name}: {}",
            self.repo(),
            words(conclusion.unwrap_or(status))
        );
        let mut card = self.card(
            Self::run_color(status, conclusion),
            title,
            s(run, &["html_url"]).map(str::to_string),
        );
        let output = [
            s(run, &["output", "title"]).map(|t| format!("**{}**", escape_markdown(t))),
            excerpt(s(run, &["output", "summary"])),
        ];
        let output: Vec<String> = output.into_iter().flatten().collect();
        if !output.is_empty() {
            card.parts.push(CardPart::Text {
                markdown: output.join("\n\n"),
            });
        }
        let fields = Self::run_fields(
            s(run, &["check_suite", "head_branch"]),
            s(run, &["head_sha"]),
        );
        if !fields.is_empty() {
            card.parts.push(CardPart::Fields { fields });
        }
        self.footer(&mut card);
        Some(card)
    }

    fn ref_event(&self, event: &str, json: &Value) -> Card {
        let ref_type = s(json, &["ref_type"]).unwrap_or("ref");
        let name = s(json, &["ref"]).unwrap_or_default();
        let (verb, color) = if event == "create" {
            ("created", GREEN)
        } else {
            ("deleted", RED)
        };
        let url = (event == "create")
            .then(|| self.repo_url().map(|r| format!("{r}/tree/{name}")))
            .flatten();
        let title = format!("[{}] {ref_type} {name} {verb}", self.repo());
        let mut card = self.card(color, title, url);
        if let Some(d) = s(json, &["description"]).filter(|d| !d.is_empty()) {
            card.parts.push(CardPart::Text {
                markdown: escape_markdown(d),
            });
        }
        self.footer(&mut card);
        card
    }

    fn star(&self) -> Card {
        let starred = self.action() != "deleted";
        let title = if starred {
            format!("⭐ {} starred {}", self.actor(), self.repo())
        } else {
            format!("{} unstarred {}", self.actor(), self.repo())
        };
        let mut card = self.card(if starred { YELLOW } else { GRAY }, title, self.repo_url());
        if let Some(n) = self
            .common
            .repository
            .as_ref()
            .and_then(|r| r.stargazers_count)
        {
            card.parts.push(CardPart::Fields {
                fields: vec![field("Stars", n.to_string())],
            });
        }
        self.footer(&mut card);
        card
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signatures_are_checked() {
        // GitHub's documented test vector ("Validating webhook deliveries").
        let secret = "It's a Secret to Everybody";
        let body = b"Hello, World!";
        let sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert!(signature_matches(secret, body, Some(sig)));
        assert!(!signature_matches(secret, b"Hello, World?", Some(sig)));
        assert!(!signature_matches("other", body, Some(sig)));
        assert!(!signature_matches(secret, body, None));
        assert!(!signature_matches(secret, body, Some("sha1=abc")));
        assert!(!signature_matches(secret, body, Some("sha256=zz")));
    }

    #[test]
    fn unknown_events_are_one_line() {
        let m = read_event(
            "deployment_status",
            &json!({"action": "created", "repository": {"full_name": "o/r", "html_url": "https://github.com/o/r"}, "sender": {"login": "octo"}}),
        )
        .expect("message");
        assert!(m.rich.cards.is_empty());
        assert_eq!(
            m.markdown(),
            "GitHub **deployment\\_status (created)** on [o/r](https://github.com/o/r) by octo"
        );
    }

    #[test]
    fn a_push_lists_its_commits() {
        let commits: Vec<Value> = (0..12)
            .map(|i| json!({"id": format!("{i:040}"), "message": format!("fix {i}\n\nbody"), "url": format!("https://github.com/o/r/commit/{i}"), "author": {"name": "Mona", "username": "mona"}}))
            .collect();
        let m = read_event(
            "push",
            &json!({"ref": "refs/heads/main", "compare": "https://github.com/o/r/compare/a...b", "commits": commits, "repository": {"full_name": "o/r"}, "sender": {"login": "mona"}}),
        )
        .expect("push");
        let md = m.markdown();
        assert!(md.contains("\\[o/r\\] 12 new commits to main"), "{md}");
        assert!(md.contains("fix 9 — mona"), "{md}");
        assert!(!md.contains("fix 10 "), "{md}");
        assert!(md.contains("… and 2 more"), "{md}");
        assert!(!md.contains("body"), "{md}");
    }
}
