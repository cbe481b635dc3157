//! Images that senders name — avatars, embed and block images, icons —
//! fetched once by the server and served as Parley's own (SPEC C10). A
//! viewer's browser never loads a sender's URL: until the copy is here,
//! or when the fetch is refused or fails, the page shows a placeholder.
//!
//! The database is the queue: `register` writes a `pending` row per URL
//! in the message's transaction's wake, `MediaFetcher` takes pending rows,
//! fetches each through the SSRF guard of user webhooks (D6, with
//! `WEBHOOK_ALLOWED_HOSTS`), keeps at most 1 MiB of a real image, and
//! re-sends the messages that show it to their open views. Fetches run
//! side by side, at most `MAX_FETCHES` in all and `MAX_FETCHES_PER_HOST`
//! per host, so one slow host holds only its own few; a fetch that failed
//! for a passing reason (timeout, connection, 5xx, 429) is tried again
//! after `RETRY_WAITS`.

use std::collections::HashMap;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::db::{now_ms, Db};
use super::webhooks::ssrf::{check_literal, Policy};
use super::AppState;
use crate::error::Error;
use crate::model::MEDIA_PATH;

/// The largest image kept.
pub const MAX_MEDIA_BYTES: usize = 1024 * 1024;
/// Redirects followed, each one checked like the first URL.
pub const MAX_REDIRECTS: usize = 3;
/// Pending rows looked at per pass.
pub const FETCH_BATCH: i64 = 64;
/// Fetches in flight at once, in all and per host.
pub const MAX_FETCHES: usize = 16;
pub const MAX_FETCHES_PER_HOST: usize = 2;
/// Waits before the second and third try of a fetch that failed for a
/// passing reason; after them it is given up.
pub const RETRY_WAITS: [Duration; 2] = [Duration::from_secs(30), Duration::from_secs(300)];
/// A small grey picture Parley shows where an image is gone.
pub const PLACEHOLDER_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" rx=\"8\" fill=\"#d0d4da\"/><path d=\"M14 46l12-14 9 10 6-7 9 11z\" fill=\"#9aa1ab\"/><circle cx=\"42\" cy=\"22\" r=\"5\" fill=\"#9aa1ab\"/></svg>";
/// Messages re-sent to open views when one image arrives.
pub const MAX_RESENT_MESSAGES: i64 = 200;
/// How long the fetcher sleeps when nothing wakes it.
pub const IDLE_POLL: Duration = Duration::from_secs(60);
/// Time for one image, connect included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The id of a URL's copy: the same URL is fetched once.
pub fn media_id(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn media_src(id: &str) -> String {
    format!("{MEDIA_PATH}{id}")
}

/// Records that `message_id` shows `urls`: a pending row for each URL not
/// seen before. Returns whether any is still to be fetched.
pub async fn register(db: &Db, message_id: &str, urls: &[String]) -> Result<bool, Error> {
    let mut any_pending = false;
    for url in urls {
        let id = media_id(url);
        sqlx::query(
            "INSERT INTO remote_media (id, url, status, created_at, used_at) VALUES ($1, $2, 'pending', $3, $3) \
             ON CONFLICT (id) DO UPDATE SET used_at = excluded.used_at",
        )
        .bind(&id)
        .bind(url)
        .bind(now_ms())
        .execute(db)
        .await?;
        sqlx::query(
            "INSERT INTO channel_message_media (message_id, media_id) VALUES ($1, $2) \
             ON CONFLICT (message_id, media_id) DO NOTHING",
        )
        .bind(message_id)
        .bind(&id)
        .execute(db)
        .await?;
        let status: Option<(String,)> =
            sqlx::query_as("SELECT status FROM remote_media WHERE id = $1")
                .bind(&id)
                .fetch_optional(db)
                .await?;
        any_pending |= status.is_some_and(|(s,)| s == "pending");
    }
    Ok(any_pending)
}

/// Parley's copy for each of `urls` that has one.
pub async fn ready_sources(db: &Db, urls: &[String]) -> Result<HashMap<String, String>, Error> {
    let mut by_id: HashMap<String, String> = HashMap::new();
    for url in urls {
        by_id.insert(media_id(url), url.clone());
    }
    let mut out = HashMap::new();
    if by_id.is_empty() {
        return Ok(out);
    }
    let ids: Vec<&String> = by_id.keys().collect();
    // Ids are hex digests (made above), so the list is only placeholders.
    for chunk in ids.chunks(200) {
        let placeholders = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT id FROM remote_media WHERE status = 'ready' AND id IN ({placeholders})"
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql);
        for id in chunk {
            q = q.bind(id.as_str());
        }
        for (id,) in q.fetch_all(db).await? {
            if let Some(url) = by_id.get(&id) {
                out.insert(url.clone(), media_src(&id));
            }
        }
    }
    Ok(out)
}

/// Whether `user` may see the image `id`: it is shown by a message of a
/// channel they can read (admins read every channel). Ids are hashes of
/// URLs anyone may compute, so the id alone proves nothing.
pub async fn visible_to(db: &Db, user: &crate::model::User, id: &str) -> Result<bool, Error> {
    let admin = user.role == crate::model::Role::Admin;
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM channel_message_media mm JOIN channel_messages m ON m.id = mm.message_id \
         WHERE mm.media_id = $1 AND ($2 OR EXISTS (SELECT 1 FROM channel_members cm \
         WHERE cm.channel_id = m.channel_id AND cm.user_id = $3)) LIMIT 1",
    )
    .bind(id)
    .bind(admin)
    .bind(&user.id)
    .fetch_optional(db)
    .await?;
    Ok(row.is_some())
}

/// A fetched image: its type and bytes.
pub async fn load(db: &Db, id: &str) -> Result<Option<(String, Vec<u8>)>, Error> {
    let row: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT content_type, data FROM remote_media WHERE id = $1 AND status = 'ready'",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    use base64::Engine;
    Ok(row.and_then(|(ct, data)| {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data?)
            .ok()?;
        Some((ct?, bytes))
    }))
}

/// Why an image was not kept (stored with the row, for the logs).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("refused: {0}")]
    Refused(String),
    #[error("request failed: {0}")]
    Request(String),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("larger than 1 MiB")]
    TooLarge,
    #[error("not a PNG, JPEG, GIF or WebP image")]
    NotAnImage,
}

impl FetchError {
    /// Whether trying again later may work: the host was slow, down or
    /// busy, not refused or wrong.
    pub fn is_passing(&self) -> bool {
        match self {
            FetchError::Request(_) => true,
            FetchError::Status(code) => *code == 429 || *code >= 500,
            _ => false,
        }
    }
}

/// Fetches pending images in the background for as long as the server runs.
#[derive(Clone)]
pub struct MediaFetcher {
    state: AppState,
    client: reqwest::Client,
    policy: Policy,
    /// Rows being fetched now, and by host: a pass starts only what fits.
    in_flight: std::sync::Arc<std::sync::Mutex<InFlight>>,
}

#[derive(Default)]
struct InFlight {
    ids: std::collections::HashSet<String>,
    per_host: HashMap<String, usize>,
}

/// A fetch's place in `InFlight`, given back when it ends.
struct FetchSlot {
    in_flight: std::sync::Arc<std::sync::Mutex<InFlight>>,
    id: String,
    host: String,
}

impl Drop for FetchSlot {
    fn drop(&mut self) {
        if let Ok(mut f) = self.in_flight.lock() {
            f.ids.remove(&self.id);
            if let Some(n) = f.per_host.get_mut(&self.host) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    f.per_host.remove(&self.host);
                }
            }
        }
    }
}

impl MediaFetcher {
    pub fn new(state: AppState) -> Result<MediaFetcher, reqwest::Error> {
        let policy = Policy::user(&state.env.webhook_allowed_hosts);
        let mut settings = state.delivery.clone();
        settings.timeout = FETCH_TIMEOUT;
        let client = super::webhooks::worker::client(&settings, policy.clone())?;
        Ok(MediaFetcher {
            state,
            client,
            policy,
            in_flight: Default::default(),
        })
    }

    pub fn spawn(state: AppState) -> Result<tokio::task::JoinHandle<()>, reqwest::Error> {
        let fetcher = MediaFetcher::new(state)?;
        Ok(tokio::spawn(async move { fetcher.run().await }))
    }

    pub async fn run(self) {
        loop {
            // Woken by a new image or a finished fetch, or by the clock for
            // a retry that falls due.
            let wake = self.state.media_wake.notified();
            match self.start_due().await {
                Ok(wait) => {
                    let _ = tokio::time::timeout(wait, wake).await;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot fetch sender images");
                    tokio::time::sleep(Duration::from_secs(5)).await;
                }
            }
        }
    }

    /// Starts every due fetch that has room (overall and on its host) and
    /// returns how long to sleep when nothing wakes the loop.
    pub async fn start_due(&self) -> Result<Duration, Error> {
        let now = now_ms();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, url FROM remote_media WHERE status = 'pending' AND next_try_at <= $1 \
             ORDER BY created_at LIMIT $2",
        )
        .bind(now)
        .bind(FETCH_BATCH)
        .fetch_all(&self.state.db)
        .await?;
        for (id, url) in rows {
            let Some(slot) = self.take_slot(&id, &url) else {
                continue;
            };
            let fetcher = self.clone();
            tokio::spawn(async move {
                let outcome = fetcher.fetch(&url).await;
                if let Err(e) = fetcher.record(&id, outcome).await {
                    tracing::warn!(error = %e, media = %id, "cannot record a sender image");
                }
                drop(slot);
                fetcher.state.media_wake.notify_one();
            });
        }
        let (next,): (Option<i64>,) = sqlx::query_as(
            "SELECT MIN(next_try_at) FROM remote_media WHERE status = 'pending' AND next_try_at > $1",
        )
        .bind(now)
        .fetch_one(&self.state.db)
        .await?;
        Ok(next.map_or(IDLE_POLL, |at| {
            Duration::from_millis((at - now).clamp(10, IDLE_POLL.as_millis() as i64) as u64)
        }))
    }

    fn take_slot(&self, id: &str, url: &str) -> Option<FetchSlot> {
        let host = super::webhooks::host_limit::host_key(url);
        let mut f = self.in_flight.lock().ok()?;
        let on_host = f.per_host.get(&host).copied().unwrap_or(0);
        if f.ids.contains(id) || f.ids.len() >= MAX_FETCHES || on_host >= MAX_FETCHES_PER_HOST {
            return None;
        }
        f.ids.insert(id.to_string());
        *f.per_host.entry(host.clone()).or_insert(0) += 1;
        Some(FetchSlot {
            in_flight: self.in_flight.clone(),
            id: id.to_string(),
            host,
        })
    }

    /// Fetches in flight now (for tests and the logs).
    pub fn fetching(&self) -> usize {
        self.in_flight.lock().map(|f| f.ids.len()).unwrap_or(0)
    }

    // The URL is not logged: presigned image URLs carry tokens.
    #[tracing::instrument(skip(self, url), fields(host))]
    async fn fetch(&self, url: &str) -> Result<(&'static str, Vec<u8>), FetchError> {
        let mut current =
            reqwest::Url::parse(url).map_err(|e| FetchError::Refused(e.to_string()))?;
        for _ in 0..=MAX_REDIRECTS {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::Refused("not http(s)".into()));
            }
            tracing::Span::current().record("host", current.host_str().unwrap_or_default());
            check_literal(&current, &self.policy)
                .map_err(|r| FetchError::Refused(r.to_string()))?;
            let mut res = self
                .client
                .get(current.clone())
                .header(reqwest::header::ACCEPT, "image/*")
                .send()
                .await
                .map_err(|e| match super::webhooks::worker::find_refusal(&e) {
                    // The SSRF guard said no: trying again will not change it.
                    Some(refusal) => FetchError::Refused(refusal),
                    None => FetchError::Request(error_chain(&e.without_url())),
                })?;
            let status = res.status();
            if status.is_redirection() {
                let next = res
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|loc| current.join(loc).ok())
                    .ok_or(FetchError::Status(status.as_u16()))?;
                current = next;
                continue;
            }
            if !status.is_success() {
                return Err(FetchError::Status(status.as_u16()));
            }
            if res
                .content_length()
                .is_some_and(|n| n > MAX_MEDIA_BYTES as u64)
            {
                return Err(FetchError::TooLarge);
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = res
                .chunk()
                .await
                .map_err(|e| FetchError::Request(error_chain(&e.without_url())))?
            {
                if bytes.len() + chunk.len() > MAX_MEDIA_BYTES {
                    return Err(FetchError::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            // The bytes decide, not the sender's Content-Type: no SVG, no HTML.
            let content_type =
                super::channel_webhooks::sniff_image(&bytes).ok_or(FetchError::NotAnImage)?;
            return Ok((content_type, bytes));
        }
        Err(FetchError::Refused("too many redirects".into()))
    }

    async fn record(
        &self,
        id: &str,
        outcome: Result<(&'static str, Vec<u8>), FetchError>,
    ) -> Result<(), Error> {
        use base64::Engine;
        match outcome {
            Ok((content_type, bytes)) => {
                let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
                sqlx::query(
                    "UPDATE remote_media SET status = 'ready', content_type = $1, data = $2, error = NULL, \
                     fetched_at = $3, bytes = $4 WHERE id = $5",
                )
                .bind(content_type)
                .bind(&data)
                .bind(now_ms())
                .bind(i64::try_from(data.len()).unwrap_or(i64::MAX))
                .bind(id)
                .execute(&self.state.db)
                .await?;
                self.resend_messages(id).await?;
            }
            Err(e) => {
                let (attempts,): (i64,) =
                    sqlx::query_as("SELECT attempts FROM remote_media WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.state.db)
                        .await?
                        .unwrap_or((0,));
                let retry = usize::try_from(attempts)
                    .ok()
                    .and_then(|n| RETRY_WAITS.get(n))
                    .filter(|_| e.is_passing());
                if let Some(wait) = retry {
                    tracing::info!(media = id, reason = %e, "sender image: trying again later");
                    sqlx::query(
                        "UPDATE remote_media SET attempts = attempts + 1, next_try_at = $1, error = $2 WHERE id = $3",
                    )
                    .bind(now_ms() + i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))
                    .bind(e.to_string())
                    .bind(id)
                    .execute(&self.state.db)
                    .await?;
                    return Ok(());
                }
                tracing::info!(media = id, reason = %e, "sender image not kept");
                sqlx::query(
                    "UPDATE remote_media SET status = 'failed', error = $1, fetched_at = $2 WHERE id = $3",
                )
                .bind(e.to_string())
                .bind(now_ms())
                .bind(id)
                .execute(&self.state.db)
                .await?;
            }
        }
        Ok(())
    }

    /// The messages showing `id` are rendered again with it, and their
    /// open views get them.
    async fn resend_messages(&self, id: &str) -> Result<(), Error> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT message_id FROM channel_message_media WHERE media_id = $1 ORDER BY message_id DESC LIMIT $2",
        )
        .bind(id)
        .bind(MAX_RESENT_MESSAGES)
        .fetch_all(&self.state.db)
        .await?;
        // Rendered again with the image, stored, then sent: reads keep
        // returning what is stored (SPEC C15).
        for (message_id,) in rows {
            if let Some(message) = super::channels::rerender(&self.state, &message_id).await? {
                super::channels::broadcast(&self.state, message).await?;
            }
        }
        Ok(())
    }
}

/// An error with its causes ("error sending request: … refused 127.0.0.1").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_hex() {
        let a = media_id("https://example.com/a.png");
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, media_id("https://example.com/a.png"));
        assert_ne!(a, media_id("https://example.com/b.png"));
        assert!(crate::model::is_local_image_url(&media_src(&a)));
    }
}
