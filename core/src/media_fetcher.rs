//! The image fetcher (SPEC C10): takes the `pending` rows `media::register`
//! wrote, fetches each through the SSRF guard of user webhooks, keeps at
//! most 1 MiB of a real image, and re-sends the messages that show it to
//! their open views (through the feed). See `media` for the queue.

use std::collections::HashMap;
use std::time::Duration;

use super::db::now_ms;
use super::feed::Feed;
use super::media::*;
use super::webhooks::ssrf::{check_literal, Policy};
use super::webhooks::DeliverySettings;
use crate::error::Error;

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
    feed: Feed,
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
    /// `allowed_hosts`: `WEBHOOK_ALLOWED_HOSTS`, the same policy as user
    /// webhooks (SPEC D6).
    pub fn new(
        feed: Feed,
        delivery: &DeliverySettings,
        allowed_hosts: &[String],
    ) -> Result<MediaFetcher, reqwest::Error> {
        let policy = Policy::user(allowed_hosts);
        let mut settings = delivery.clone();
        settings.timeout = FETCH_TIMEOUT;
        let client = super::webhooks::worker::client(&settings, policy.clone())?;
        Ok(MediaFetcher {
            feed,
            client,
            policy,
            in_flight: Default::default(),
        })
    }

    pub fn spawn(
        feed: Feed,
        delivery: &DeliverySettings,
        allowed_hosts: &[String],
        shutdown: tokio_util::sync::CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, reqwest::Error> {
        let fetcher = MediaFetcher::new(feed, delivery, allowed_hosts)?;
        Ok(tokio::spawn(async move { fetcher.run(shutdown).await }))
    }

    /// Until `shutdown`: a fetch cut short stays `pending` and is fetched
    /// again after the restart.
    pub async fn run(self, shutdown: tokio_util::sync::CancellationToken) {
        while !shutdown.is_cancelled() {
            // Woken by a new image or a finished fetch, or by the clock for
            // a retry that falls due.
            let wake = self.feed.media_wake.notified();
            let wait = match self.start_due().await {
                Ok(wait) => wait,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot fetch sender images");
                    Duration::from_secs(5)
                }
            };
            tokio::select! {
                _ = tokio::time::timeout(wait, wake) => {}
                _ = shutdown.cancelled() => {}
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
        .fetch_all(&self.feed.db)
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
                fetcher.feed.media_wake.notify_one();
            });
        }
        let (next,): (Option<i64>,) = sqlx::query_as(
            "SELECT MIN(next_try_at) FROM remote_media WHERE status = 'pending' AND next_try_at > $1",
        )
        .bind(now)
        .fetch_one(&self.feed.db)
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
            let content_type = super::media::sniff_image(&bytes).ok_or(FetchError::NotAnImage)?;
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
                .execute(&self.feed.db)
                .await?;
                self.resend_messages(id).await?;
            }
            Err(e) => {
                let (attempts,): (i64,) =
                    sqlx::query_as("SELECT attempts FROM remote_media WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.feed.db)
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
                    .execute(&self.feed.db)
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
                .execute(&self.feed.db)
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
        .fetch_all(&self.feed.db)
        .await?;
        // Rendered again with the image, stored, then sent: reads keep
        // returning what is stored (SPEC C15).
        for (message_id,) in rows {
            if let Some(message) = super::feed::rerender(&self.feed, &message_id).await? {
                super::feed::broadcast(&self.feed, message).await?;
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
