//! The incoming webhooks' cache (SPEC B1): a post costs no look-up of its
//! webhook. Its own module so that what forgets entries (a channel
//! deleted, a webhook changed) needs nothing else of `channel_webhooks`.

use std::time::Duration;

/// What an incoming post needs of its webhook, read once per webhook
/// rather than once per post.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IncomingHook {
    pub channel_id: String,
    pub name: String,
    pub profile_image_url: Option<String>,
    pub token_hash: String,
    pub github_secret_sealed: Option<String>,
}

/// How long a cached webhook is trusted without reading it again. Changes
/// made through Parley forget it at once; this bounds how long a change
/// made around it (by hand in the database) goes unseen.
pub const WEBHOOK_CACHE_TTL: Duration = Duration::from_secs(1);
/// Webhooks kept at most; only ids that exist are kept (a wrong id is never
/// cached), so this is reached only by that many live webhooks.
pub const WEBHOOK_CACHE_MAX: usize = 4_096;

/// Incoming webhooks by id (SPEC B1): a tool posting thousands of times a
/// second costs one look-up a second, not one a post. Only on SQLite, where
/// this process is the database's one writer and so sees every change; on
/// PostgreSQL other instances change webhooks too (SPEC S2), so every post
/// reads its webhook.
#[derive(Default)]
pub struct WebhookCache {
    enabled: bool,
    entries:
        std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, IncomingHook)>>,
    /// Bumped by every change: a look-up that started before one does not
    /// put its (maybe older) row into the cache.
    epoch: std::sync::atomic::AtomicU64,
}

impl WebhookCache {
    pub fn new(enabled: bool) -> WebhookCache {
        WebhookCache {
            enabled,
            ..WebhookCache::default()
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<IncomingHook> {
        if !self.enabled {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (at, hook) = entries.get(id)?;
        (at.elapsed() < WEBHOOK_CACHE_TTL).then(|| hook.clone())
    }

    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn put(&self, id: &str, hook: &IncomingHook, read_at_epoch: u64) {
        if !self.enabled {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        // Checked under the lock `forget` takes too.
        if self.epoch() != read_at_epoch {
            return;
        }
        if entries.len() >= WEBHOOK_CACHE_MAX {
            entries.retain(|_, (at, _)| at.elapsed() < WEBHOOK_CACHE_TTL);
            if entries.len() >= WEBHOOK_CACHE_MAX {
                entries.clear();
            }
        }
        entries.insert(id.to_string(), (std::time::Instant::now(), hook.clone()));
    }

    /// After a change to a webhook is committed.
    pub fn forget(&self, id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            entries.remove(id);
        }
    }

    /// After a change to many (a channel deleted with its webhooks).
    pub fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            entries.clear();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
