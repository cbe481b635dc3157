//! A real HTTP receiver on 127.0.0.1 for outgoing webhooks: scripted
//! replies, every request recorded.
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub enum Reply {
    Status(u16),
    StatusWithRetryAfter(u16, String),
    Redirect(String),
    /// Answers 200 after a pause.
    SleepThenOk(Duration),
}

#[derive(Clone, Debug)]
pub struct Hit {
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

impl Hit {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("json body")
    }
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

#[derive(Default)]
struct Inner {
    script: Mutex<VecDeque<Reply>>,
    hits: Mutex<Vec<Hit>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    finished: AtomicUsize,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Inner>,
}

async fn handle(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    inner.hits.lock().expect("lock").push(Hit {
        headers,
        body,
        at: Instant::now(),
    });
    let now = inner.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    inner.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let reply = inner
        .script
        .lock()
        .expect("lock")
        .pop_front()
        .unwrap_or(Reply::Status(200));
    let response = match reply {
        Reply::Status(code) => (
            StatusCode::from_u16(code).expect("code"),
            "ok from receiver",
        )
            .into_response(),
        Reply::StatusWithRetryAfter(code, after) => (
            StatusCode::from_u16(code).expect("code"),
            [("retry-after", after)],
            "slow down",
        )
            .into_response(),
        Reply::Redirect(to) => (StatusCode::FOUND, [("location", to)], "").into_response(),
        Reply::SleepThenOk(d) => {
            // A slow receiver, as the scenario asks; not a wait of the test's.
            tokio::time::sleep(d).await;
            (StatusCode::OK, "late").into_response()
        }
    };
    inner.in_flight.fetch_sub(1, Ordering::SeqCst);
    inner.finished.fetch_add(1, Ordering::SeqCst);
    response
}

impl Receiver {
    pub async fn start() -> Receiver {
        Self::start_on("127.0.0.1:0").await
    }

    pub async fn start_on(addr: &str) -> Receiver {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("bind receiver");
        let addr = listener.local_addr().expect("addr");
        let inner = Arc::new(Inner::default());
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/hook"),
            inner,
        }
    }

    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.inner.script.lock().expect("lock").extend(replies);
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.inner.hits.lock().expect("lock").clone()
    }

    pub fn count(&self) -> usize {
        self.inner.hits.lock().expect("lock").len()
    }

    pub fn finished(&self) -> usize {
        self.inner.finished.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.inner.max_in_flight.load(Ordering::SeqCst)
    }

    /// Waits until at least `n` requests arrived (at most `limit`).
    pub async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Hit> {
        super::until(limit, async || self.count() >= n).await;
        self.hits()
    }
}

/// A TCP listener that accepts and then never answers. Every accepted
/// connection stays open, so the count is the number of attempts that
/// have reached it and are still waiting.
pub async fn black_hole() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(sock);
        }
    });
    (format!("http://{addr}/hook"), accepted)
}
