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
/// What an image's first bytes say it is (PNG, JPEG, GIF, WebP); `None`
/// for anything else (SVG included: it can carry script).
pub fn sniff_image(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
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
