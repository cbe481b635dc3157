//! `DeliveryWorker`: sends due deliveries (SPEC D1–D4, D6). Bounded
//! concurrency overall and per destination host, so a slow or dead receiver
//! only ever occupies its own few slots.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;

use super::credentials::Vault;
use super::fair_share::{FairShare, FairShareConfig, OwnerPermit};
use super::host_limit::{HostLimit, HostLimitConfig, HostSignal};
use super::outcome_writer::OutcomeWriter;
use super::signing;
use super::ssrf::{check_literal, GuardedResolver, Policy, Refusal};
use super::store::{self, AttemptOutcome, Claimed, Parked, Target};
use crate::db::{now_ms, Backend, Db};
use crate::events::Outbox;
use crate::model::DeliveryStatus;

pub const EXCERPT_LIMIT: usize = 2048;

#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// Waits between attempts; one attempt more than entries in total.
    pub schedule: Vec<Duration>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_in_flight: usize,
    /// Requests a destination host starts with; it gets more while it
    /// answers fast and fewer when it struggles (`host_limit`).
    pub per_host: usize,
    /// Requests a host keeps whatever it does, and may grow to.
    pub per_host_min: usize,
    pub per_host_max: usize,
    /// How long a claim lasts before another sender may take the row over.
    pub lease: Duration,
    /// When a failing target is switched off (SPEC E6).
    pub health: super::health::HealthSettings,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            schedule: DEFAULT_SCHEDULE
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            max_in_flight: 64,
            per_host: 4,
            per_host_min: 2,
            per_host_max: 64,
            lease: Duration::from_secs(60),
            health: super::health::HealthSettings::default(),
        }
    }
}

const DEFAULT_SCHEDULE: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/// Parses `5s,5m,30m,2h` (also `250ms`, bare seconds).
pub fn parse_schedule(text: &str) -> Result<Vec<Duration>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (num, unit) = s
                .find(|c: char| !c.is_ascii_digit())
                .map_or((s, "s"), |i| s.split_at(i));
            let n: u64 = num
                .parse()
                .map_err(|_| format!("'{s}' is not a duration like 5s, 5m or 2h"))?;
            let ms = match unit {
                "ms" => n,
                "s" => n * 1000,
                "m" => n * 60_000,
                "h" => n * 3_600_000,
                _ => return Err(format!("'{s}': use ms, s, m or h")),
            };
            Ok(Duration::from_millis(ms))
        })
        .collect()
}

/// The wait before the next attempt after `attempts_made` failures, with
/// ±20 % jitter so many failed deliveries do not retry in lockstep.
pub fn backoff(
    schedule: &[Duration],
    attempts_made: i64,
    retry_after: Option<Duration>,
) -> Option<Duration> {
    let base = *schedule.get(usize::try_from(attempts_made - 1).ok()?)?;
    let jitter = rand::thread_rng().gen_range(0.8..1.2);
    let wait = base.mul_f64(jitter);
    Some(match retry_after {
        Some(ra) => wait.max(ra.min(Duration::from_secs(24 * 3600))),
        None => wait,
    })
}

/// `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let ms = when.timestamp_millis() - now_ms();
    Some(Duration::from_millis(ms.max(0) as u64))
}

/// What the worker needs (svix's `WorkerContext`): the database, its
/// settings, the instance key that opens targets' credentials, the hosts
/// user targets may reach, and the outbox (its wake-up, and the logs told
/// of an outcome).
#[derive(Clone)]
pub struct WorkerContext {
    pub db: Db,
    pub backend: Backend,
    pub settings: DeliverySettings,
    pub vault: Vault,
    /// `WEBHOOK_ALLOWED_HOSTS` (SPEC D6).
    pub allowed_hosts: Arc<Vec<String>>,
    /// Whether user webhooks are on when no admin has saved it (the
    /// environment's default; the claim reads the saved value).
    pub user_webhooks_default: bool,
    pub outbox: Outbox,
}

#[derive(Clone)]
pub struct DeliveryWorker {
    ctx: WorkerContext,
    wake: Arc<Notify>,
    admin_client: reqwest::Client,
    user_client: reqwest::Client,
    user_policy: Policy,
    global: Arc<Semaphore>,
    /// Slots per owner (SPEC D8): one user's dead hosts never take the
    /// admin's or another user's turn.
    owners: FairShare,
    hosts: Arc<Mutex<HashMap<String, Arc<Mutex<HostState>>>>>,
    outcomes: OutcomeWriter,
    /// The attempts in flight, awaited on shutdown.
    in_flight: TaskTracker,
}

/// One destination host: its adaptive limit and the URLs of deliveries
/// that found it full. While it stays full those URLs are left out of the
/// claim, so its backlog stays in the table instead of being claimed and
/// handed back over and over (a dead host would cost the others).
struct HostState {
    limit: HostLimit,
    parked_urls: Vec<String>,
}

/// URLs remembered per full host; more only cost a claim and a hand-back.
const PARKED_URLS_PER_HOST: usize = 8;
/// URLs left out of one claim at most (each is a bound parameter).
const PARKED_URLS_PER_CLAIM: usize = 64;

/// A request slot of one host, given back with what the attempt said.
struct HostPermit {
    host: Arc<Mutex<HostState>>,
    signal: HostSignal,
}

impl HostPermit {
    fn finish(mut self, signal: HostSignal) {
        self.signal = signal;
    }
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        if let Ok(mut host) = self.host.lock() {
            host.limit.finish(self.signal, Instant::now());
        }
    }
}

/// Host slots kept for idle hosts before the map is pruned.
const IDLE_HOSTS_KEPT: usize = 256;

/// The client of one SSRF policy. It must connect only through
/// `GuardedResolver`: `no_proxy` because with `HTTP_PROXY` & co. reqwest
/// would resolve and check only the proxy, and the proxy would reach
/// whatever the URL names.
pub fn client(
    settings: &DeliverySettings,
    policy: Policy,
) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(GuardedResolver { policy }))
        .user_agent(concat!("Parley-Webhooks/", env!("CARGO_PKG_VERSION")))
        // As many idle connections as a host may have requests in flight:
        // a busy host keeps reusing them (SPEC B2).
        .pool_max_idle_per_host(settings.per_host_max.max(8))
        .build()
}

impl DeliveryWorker {
    /// Fails when an HTTP client cannot be built: a fallback client would
    /// have no SSRF guard and would follow redirects, so there is none.
    pub fn new(ctx: WorkerContext) -> Result<DeliveryWorker, reqwest::Error> {
        let settings = ctx.settings.clone();
        let user_policy = Policy::user(&ctx.allowed_hosts);
        Ok(DeliveryWorker {
            admin_client: client(&settings, Policy::Admin)?,
            user_client: client(&settings, user_policy.clone())?,
            user_policy,
            global: Arc::new(Semaphore::new(settings.max_in_flight.max(1))),
            owners: FairShare::new(FairShareConfig::for_max_in_flight(settings.max_in_flight)),
            hosts: Arc::default(),
            outcomes: OutcomeWriter::spawn(
                ctx.db.clone(),
                ctx.backend,
                super::outcome_writer::HealthChecks {
                    health: settings.health,
                    emit: ctx.outbox.settings().clone(),
                },
            ),
            wake: ctx.outbox.wake_handle(),
            in_flight: TaskTracker::new(),
            ctx,
        })
    }

    /// Starts the sending loop in the background; it ends once `shutdown`
    /// is cancelled and the attempts in flight have finished.
    pub fn spawn(
        ctx: WorkerContext,
        shutdown: CancellationToken,
    ) -> Result<tokio::task::JoinHandle<()>, reqwest::Error> {
        let worker = DeliveryWorker::new(ctx)?;
        Ok(tokio::spawn(async move { worker.run(shutdown).await }))
    }

    pub async fn run(self, shutdown: CancellationToken) {
        if self.ctx.backend == Backend::Sqlite {
            // A single-file database has a single server: whatever was
            // "delivering" died with the previous process. Send it again.
            match store::release_all_claims(&self.ctx.db).await {
                Ok(n) if n > 0 => {
                    tracing::info!(count = n, "resuming deliveries interrupted by a restart")
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "cannot release old claims"),
            }
        }
        while !shutdown.is_cancelled() {
            let free = self.global.available_permits();
            if free == 0 {
                tokio::select! {
                    p = self.global.clone().acquire_owned() => drop(p),
                    _ = shutdown.cancelled() => break,
                }
                continue;
            }
            let lease = i64::try_from(self.ctx.settings.lease.as_millis()).unwrap_or(60_000);
            let skipped = Parked {
                urls: self.parked_urls(),
                owners: self.owners.owners_at_share(),
            };
            let claimed = match store::claim_due(
                &self.ctx.db,
                self.ctx.backend,
                free.min(100),
                lease,
                &skipped,
            )
            .await
            {
                Ok(c) => c,
                Err(e) => {
                    tracing::error!(error = %e, "cannot claim deliveries");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                        _ = shutdown.cancelled() => break,
                    }
                    continue;
                }
            };
            if claimed.is_empty() {
                // Parked rows are due but wait for their host: a freed slot
                // wakes the loop (`delivery_wake`), not the clock.
                let wait = match store::next_due_at(&self.ctx.db, &skipped).await {
                    Ok(Some(at)) => Duration::from_millis((at - now_ms()).clamp(10, 1000) as u64),
                    _ => Duration::from_secs(1),
                };
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                    _ = shutdown.cancelled() => break,
                }
                continue;
            }
            for delivery in claimed {
                self.dispatch(delivery).await;
            }
        }
        // Shutting down (SIGTERM): nothing new is claimed; the attempts in
        // flight finish (each bounded by the request timeout) and their
        // outcomes are committed, so no row stays "delivering".
        self.in_flight.close();
        self.in_flight.wait().await;
        tracing::info!("delivery worker stopped");
    }

    fn host_config(&self) -> HostLimitConfig {
        let d = &self.ctx.settings;
        HostLimitConfig {
            initial: d.per_host.max(1),
            min: d.per_host_min.min(d.per_host).max(1),
            max: d.per_host_max.max(d.per_host),
            ..HostLimitConfig::default()
        }
    }

    /// The URLs whose host has no free slot now: the claim leaves them out.
    fn parked_urls(&self) -> Vec<String> {
        let Ok(hosts) = self.hosts.lock() else {
            return Vec::new();
        };
        let mut urls = Vec::new();
        for host in hosts.values() {
            if let Ok(host) = host.lock() {
                if host.limit.is_full() {
                    urls.extend(host.parked_urls.iter().cloned());
                }
            }
        }
        urls.truncate(PARKED_URLS_PER_CLAIM);
        urls
    }

    fn owner_slot(&self, target: &Target) -> Option<OwnerPermit> {
        self.owners.try_start(target.owner().unwrap_or_default())
    }

    fn host_slot(&self, url: &str) -> Option<HostPermit> {
        let key = super::host_limit::host_key(url);
        let host = {
            let mut hosts = self.hosts.lock().ok()?;
            if hosts.len() > IDLE_HOSTS_KEPT {
                // A host with nothing in flight is idle: forget it (it
                // starts again from the initial limit), so the map stays
                // as small as the hosts in flight.
                hosts.retain(|_, h| h.lock().map(|h| h.limit.in_flight() > 0).unwrap_or(false));
            }
            let config = self.host_config();
            hosts
                .entry(key)
                .or_insert_with(|| {
                    Arc::new(Mutex::new(HostState {
                        limit: HostLimit::new(config),
                        parked_urls: Vec::new(),
                    }))
                })
                .clone()
        };
        let started = {
            let mut state = host.lock().ok()?;
            let started = state.limit.try_start();
            if started {
                state.parked_urls.clear();
            } else if !state.parked_urls.iter().any(|u| u == url)
                && state.parked_urls.len() < PARKED_URLS_PER_HOST
            {
                state.parked_urls.push(url.to_string());
            }
            started
        };
        // `then`, not `then_some`: a permit built and dropped for a host
        // with no free slot would give back a slot it never took.
        started.then(|| HostPermit {
            host,
            signal: HostSignal::Neutral,
        })
    }

    async fn dispatch(&self, delivery: Claimed) {
        let Some(owner_permit) = self.owner_slot(&delivery.target) else {
            // Its owner holds its share: the row waits, still due, and the
            // next claims leave the owner's rows out until a slot of its
            // own frees.
            let _ = store::postpone(&self.ctx.db, &delivery.id, now_ms()).await;
            return;
        };
        let Some(host_permit) = self.host_slot(&delivery.url) else {
            // Its host already has all the requests it may have in flight:
            // hand the row back, still due; its URL is parked, so the next
            // claims skip it until the host has a free slot again.
            let _ = store::postpone(&self.ctx.db, &delivery.id, now_ms()).await;
            return;
        };
        let Ok(global_permit) = self.global.clone().try_acquire_owned() else {
            let _ = store::postpone(&self.ctx.db, &delivery.id, now_ms()).await;
            return;
        };
        let worker = self.clone();
        let span = tracing::info_span!(
            "delivery_attempt",
            delivery = %delivery.id,
            attempt = delivery.attempts + 1,
            target = delivery.target.kind(),
        );
        self.in_flight.spawn(
            async move {
                let outcome = worker.attempt(&delivery).await;
                let latency = Duration::from_millis(outcome.latency_ms.unwrap_or(0).max(0) as u64);
                host_permit.finish(HostSignal::of(
                    outcome.http_status,
                    latency,
                    HostLimitConfig::default().fast,
                ));
                tracing::debug!(status = ?outcome.status, http = ?outcome.http_status, "attempt done");
                match worker.outcomes.record(delivery.id.clone(), outcome).await {
                    Ok(Some(target)) => worker.ctx.outbox.deliveries_changed(&target).await,
                    Ok(None) => {}
                    Err(e) => tracing::error!(error = %e, "cannot record attempt"),
                }
                drop(owner_permit);
                drop(global_permit);
                worker.wake.notify_one();
            }
            .instrument(span),
        );
    }

    /// One attempt in its three stages (as svix's worker): prepare what
    /// to send from the claimed row (no read), call the receiver, and turn
    /// the answer into the outcome to record.
    pub async fn attempt(&self, d: &Claimed) -> AttemptOutcome {
        let prepared = match self.prepare(d) {
            Ok(p) => p,
            Err(refusal) => return fail_for_good(refusal),
        };
        let repointed = prepared.repointed.clone();
        let answer = self.call(d, prepared).await;
        let mut outcome = self.outcome(d.attempts + 1, answer);
        outcome.url = repointed;
        outcome
    }

    /// Stage 1: where the request goes, with which client, secrets and
    /// headers, or why it must not go at all.
    ///
    /// SPEC D9: the URL, the headers and the secret come from the target
    /// as it is now (read with the claim): a retry, Redeliver or recovery
    /// of a delivery queued for an old URL goes where the target points
    /// now, and a target's headers and secret never go to a host it does
    /// not point at. A delivery whose target has no URL in force any more
    /// goes to its stored URL bare (no headers, no signature).
    fn prepare(&self, d: &Claimed) -> Result<Prepared, String> {
        let env_url = self.ctx.outbox.settings().env_webhook_url.as_deref();
        let in_force = d
            .now
            .as_ref()
            .and_then(|t| super::targets::url_in_force_of(&d.target_id, t.url.as_deref(), env_url));
        let repointed = in_force.clone().filter(|current| *current != d.url);
        let with_credentials = in_force.is_some();
        let url_text = in_force.unwrap_or_else(|| d.url.clone());
        let url = reqwest::Url::parse(&url_text).map_err(|_| "invalid URL".to_string())?;
        let (client, policy) = match d.target {
            Target::Admin => (self.admin_client.clone(), Policy::Admin),
            Target::User(_) => (self.user_client.clone(), self.user_policy.clone()),
        };
        if let Err(refusal) = check_literal(&url, &policy) {
            tracing::warn!("{refusal}");
            return Err(refusal.to_string());
        }
        if let Target::User(_) = &d.target {
            // Turning user webhooks off stops what is queued too (retries,
            // Redeliver), not only new events.
            if !d
                .user_webhooks_saved
                .unwrap_or(self.ctx.user_webhooks_default)
            {
                return Err("user webhooks are turned off".into());
            }
            // A deleted user's deliveries die with the account.
            if !d.owner_exists {
                return Err("the target's owner was deleted".into());
            }
        }
        let (secrets, headers) = match (&d.now, with_credentials) {
            (Some(target), true) => {
                let open = |sealed: &str| {
                    self.ctx.vault.secrets.open(sealed).map_err(|e| {
                        tracing::error!("{e}");
                        "cannot read the target's settings: the instance key does not open them"
                            .to_string()
                    })
                };
                let mut secrets = Vec::new();
                if let Some(current) = &target.secret_sealed {
                    secrets.push(open(current)?);
                    // For 24 h after a rotation the one before signs too
                    // (SPEC E6: a receiver holding either verifies).
                    let overlap = target.previous_secret_until.is_some_and(|u| u > now_ms());
                    if let (true, Some(previous)) = (overlap, &target.previous_secret_sealed) {
                        secrets.push(open(previous)?);
                    }
                }
                let headers = match &target.headers_sealed {
                    Some(sealed) => serde_json::from_str(&open(sealed)?).unwrap_or_default(),
                    None => Vec::new(),
                };
                (secrets, headers)
            }
            _ => Default::default(),
        };
        Ok(Prepared {
            url,
            repointed,
            client,
            secrets,
            headers,
        })
    }

    /// Stage 2: the signed request and what the receiver answered.
    async fn call(&self, d: &Claimed, p: Prepared) -> Answer {
        let timestamp = now_ms() / 1000;
        let mut req = p
            .client
            .post(p.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", d.id.as_str())
            .header("webhook-timestamp", timestamp.to_string());
        // One `v1,` entry per secret, space-separated (Standard Webhooks):
        // during a rotation's overlap a receiver holding either verifies.
        let mut signatures = Vec::new();
        for secret in &p.secrets {
            match signing::sign(secret, &d.id, timestamp, d.payload.as_bytes()) {
                Ok(sig) => signatures.push(sig),
                Err(e) => return Answer::Refused(e.to_string()),
            }
        }
        if !signatures.is_empty() {
            req = req.header("webhook-signature", signatures.join(" "));
        }
        for (name, value) in p.headers {
            req = req.header(name, value);
        }
        let started = Instant::now();
        match req.body(d.payload.clone()).send().await {
            Ok(mut resp) => {
                let code = resp.status().as_u16();
                let retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                let excerpt = read_excerpt(&mut resp).await;
                Answer::Response {
                    code,
                    retry_after,
                    excerpt,
                    latency_ms: started.elapsed().as_millis() as i64,
                }
            }
            Err(err) => Answer::Failed {
                latency_ms: started.elapsed().as_millis() as i64,
                refusal: find_refusal(&err),
                why: if err.is_timeout() {
                    format!(
                        "timed out after {} s",
                        self.ctx.settings.timeout.as_secs_f32()
                    )
                } else if err.is_connect() {
                    format!("cannot connect: {}", root_cause(&err))
                } else {
                    format!("request failed: {}", root_cause(&err))
                },
            },
        }
    }

    /// Stage 3: delivered, retried later (with backoff and `Retry-After`)
    /// or failed for good.
    fn outcome(&self, attempts_made: i64, answer: Answer) -> AttemptOutcome {
        match answer {
            Answer::Refused(why) => fail_for_good(why),
            Answer::Response {
                code,
                retry_after,
                excerpt,
                latency_ms,
            } => {
                let mut outcome = AttemptOutcome {
                    http_status: Some(i64::from(code)),
                    latency_ms: Some(latency_ms),
                    excerpt,
                    ..Default::default()
                };
                if (200..300).contains(&code) {
                    outcome.status = Some(DeliveryStatus::Delivered);
                } else if code == 410 {
                    outcome.status = Some(DeliveryStatus::Failed);
                    outcome.error = Some("410 Gone: the receiver asked us to stop".into());
                } else {
                    let why = if (300..400).contains(&code) {
                        format!("HTTP {code} (redirects are not followed)")
                    } else {
                        format!("HTTP {code}")
                    };
                    self.schedule_retry(&mut outcome, attempts_made, retry_after, why);
                }
                outcome
            }
            Answer::Failed {
                latency_ms,
                refusal: Some(refusal),
                ..
            } => {
                tracing::warn!("{refusal}");
                let mut o = fail_for_good(refusal);
                o.latency_ms = Some(latency_ms);
                o
            }
            Answer::Failed {
                latency_ms, why, ..
            } => {
                let mut outcome = AttemptOutcome {
                    latency_ms: Some(latency_ms),
                    ..Default::default()
                };
                self.schedule_retry(&mut outcome, attempts_made, None, why);
                outcome
            }
        }
    }

    fn schedule_retry(
        &self,
        outcome: &mut AttemptOutcome,
        attempts_made: i64,
        retry_after: Option<Duration>,
        why: String,
    ) {
        match backoff(&self.ctx.settings.schedule, attempts_made, retry_after) {
            Some(wait) => {
                outcome.status = Some(DeliveryStatus::Retrying);
                outcome.next_attempt_at = Some(now_ms() + wait.as_millis() as i64);
                outcome.error = Some(why);
            }
            None => {
                outcome.status = Some(DeliveryStatus::Failed);
                outcome.error = Some(format!("{why}; gave up after {attempts_made} attempts"));
            }
        }
    }
}

/// What stage 1 decided an attempt sends.
struct Prepared {
    url: reqwest::Url,
    /// The target's URL now, when it is not the one the delivery was
    /// queued with (recorded with the outcome).
    repointed: Option<String>,
    client: reqwest::Client,
    secrets: Vec<String>,
    headers: Vec<(String, String)>,
}

/// What stage 2 got back.
enum Answer {
    /// Not sent: the request could not be built.
    Refused(String),
    Response {
        code: u16,
        retry_after: Option<Duration>,
        excerpt: Option<String>,
        latency_ms: i64,
    },
    /// No answer: refused by the SSRF guard (`refusal`), timed out, or
    /// the connection failed.
    Failed {
        latency_ms: i64,
        refusal: Option<String>,
        why: String,
    },
}

fn fail_for_good(error: String) -> AttemptOutcome {
    AttemptOutcome {
        status: Some(DeliveryStatus::Failed),
        error: Some(error),
        ..Default::default()
    }
}

async fn read_excerpt(resp: &mut reqwest::Response) -> Option<String> {
    let mut buf: Vec<u8> = Vec::new();
    while buf.len() < EXCERPT_LIMIT {
        match resp.chunk().await {
            Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
            _ => break,
        }
    }
    if buf.is_empty() {
        return None;
    }
    buf.truncate(EXCERPT_LIMIT);
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    while text.len() > EXCERPT_LIMIT {
        text.pop();
    }
    Some(text)
}

pub(crate) fn find_refusal(err: &reqwest::Error) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if let Some(r) = e.downcast_ref::<Refusal>() {
            return Some(r.to_string());
        }
        if let Some(r) = e.downcast_ref::<super::ssrf::ResolveFailure>() {
            return Some(r.to_string());
        }
        source = e.source();
    }
    None
}

fn root_cause(err: &reqwest::Error) -> String {
    let mut last: &dyn std::error::Error = err;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse() {
        assert_eq!(
            parse_schedule("5s, 5m,30m,2h,250ms,7").expect("parse"),
            vec![
                Duration::from_secs(5),
                Duration::from_secs(300),
                Duration::from_secs(1800),
                Duration::from_secs(7200),
                Duration::from_millis(250),
                Duration::from_secs(7)
            ]
        );
        assert!(parse_schedule("5x").is_err());
    }

    #[test]
    fn backoff_follows_the_schedule_with_jitter_and_retry_after() {
        let s = DeliverySettings::default().schedule;
        let first = backoff(&s, 1, None).expect("retry");
        assert!(
            first >= Duration::from_secs(4) && first <= Duration::from_secs(6),
            "{first:?}"
        );
        let later = backoff(&s, 2, None).expect("retry");
        assert!(later >= Duration::from_secs(240) && later <= Duration::from_secs(360));
        assert!(backoff(&s, 8, None).is_none(), "7 waits = 8 attempts");
        let ra = backoff(&s, 1, Some(Duration::from_secs(120))).expect("retry");
        assert_eq!(ra, Duration::from_secs(120), "Retry-After wins when longer");
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
