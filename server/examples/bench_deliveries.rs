//! Delivery throughput benchmark (not a test): prints deliveries per second
//! to loopback sinks. Run with `make bench`.
//!
//! 1. 1,000 queued events to one healthy sink.
//! 2. 1,000 queued events spread over four sinks, one of which accepts
//!    connections and never answers: how fast the 750 healthy ones go.
//! 3. 100 events queued one at a time while the worker idles: the time
//!    from the commit of each to its first attempt reaching the sink.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parley_core::env::EnvConfig;
use parley_core::webhooks::store::{NewDelivery, Target};
use parley_core::webhooks::DeliveryWorker;
use parley_core::AppState;
use serde_json::json;

const EVENTS: usize = 1000;

/// Arrival times of the requests a sink answered.
type Arrivals = Arc<std::sync::Mutex<Vec<Instant>>>;

/// A sink that answers 200 and notes when each request arrived.
async fn sink() -> (String, Arrivals) {
    let arrivals: Arrivals = Arc::default();
    let a = arrivals.clone();
    let app = axum::Router::new().fallback(move || {
        let a = a.clone();
        async move {
            a.lock().expect("lock").push(Instant::now());
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), arrivals)
}

/// `n` healthy sinks: their URLs and arrivals.
async fn healthy_sinks(n: usize) -> (Vec<String>, Vec<Arrivals>) {
    let mut urls = Vec::new();
    let mut arrivals = Vec::new();
    for _ in 0..n {
        let (u, a) = sink().await;
        urls.push(u);
        arrivals.push(a);
    }
    (urls, arrivals)
}

async fn dead_sink() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    format!("http://{addr}/hook")
}

async fn state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let mut env = EnvConfig::for_database(format!("sqlite://{}/bench.db", dir.path().display()));
    env.secret_key = "bench".into();
    (AppState::connect(env).await.expect("db"), dir)
}

async fn enqueue_all(state: &AppState, urls: &[String], events: usize) {
    let body = json!({"event": "test", "message": "benchmark"});
    let mut tx = state.db.begin().await.expect("tx");
    for i in 0..events {
        let url = &urls[i % urls.len()];
        parley_core::events::enqueue(
            &mut tx,
            NewDelivery {
                target: Target::Admin,
                target_id: &parley_core::ids::TargetId::from(
                    parley_core::webhooks::targets::ADMIN_DEFAULT,
                ),
                carries: parley_core::events::Carries::Test,
                url,
                body: &body,
            },
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
}

async fn wait_until(sinks: &[Arrivals], want: usize) -> Duration {
    let start = Instant::now();
    while sinks
        .iter()
        .map(|a| a.lock().expect("lock").len())
        .sum::<usize>()
        < want
    {
        if start.elapsed() > Duration::from_secs(300) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    start.elapsed()
}

#[tokio::main]
async fn main() {
    // The label says the build this binary really is.
    let backend = if cfg!(debug_assertions) {
        "SQLite (WAL), debug build with optimised dependencies"
    } else {
        "SQLite (WAL), release build"
    };

    let (s, _d1) = state().await;
    let (url, count) = sink().await;
    enqueue_all(&s, &[url], EVENTS).await;
    DeliveryWorker::spawn(s.worker.clone(), s.shutdown.clone()).expect("worker");
    let took = wait_until(std::slice::from_ref(&count), EVENTS).await;
    let one_sink = EVENTS as f64 / took.as_secs_f64();
    println!(
        "one healthy sink:        {EVENTS} deliveries in {:.2} s = {one_sink:.0} deliveries/s  [{backend}]",
        took.as_secs_f64(),
    );

    // The same 750 deliveries to three healthy sinks, without and then
    // with a fourth sink that never answers beside them.
    let healthy = EVENTS * 3 / 4;
    let (s, _d2a) = state().await;
    let (urls, counts) = healthy_sinks(3).await;
    enqueue_all(&s, &urls, healthy).await;
    DeliveryWorker::spawn(s.worker.clone(), s.shutdown.clone()).expect("worker");
    let took = wait_until(&counts, healthy).await;
    let without_dead = healthy as f64 / took.as_secs_f64();
    let (s, _d2) = state().await;
    let (mut urls, counts) = healthy_sinks(3).await;
    urls.push(dead_sink().await);
    enqueue_all(&s, &urls, EVENTS).await;
    DeliveryWorker::spawn(s.worker.clone(), s.shutdown.clone()).expect("worker");
    let took = wait_until(&counts, healthy).await;
    let with_dead = healthy as f64 / took.as_secs_f64();
    let dead_cost = (1.0 - with_dead / without_dead) * 100.0;
    println!(
        "three healthy + one dead: {healthy} healthy deliveries in {:.2} s = {with_dead:.0} deliveries/s  [{backend}]",
        took.as_secs_f64(),
    );
    let (s, _d3) = state().await;
    let (url, arrivals) = sink().await;
    DeliveryWorker::spawn(s.worker.clone(), s.shutdown.clone()).expect("worker");
    let mut latencies = Vec::new();
    for _ in 0..100 {
        let before = arrivals.lock().expect("lock").len();
        let at = Instant::now();
        let body = json!({"event": "test", "message": "latency"});
        let mut conn = s.db.acquire().await.expect("conn");
        parley_core::events::enqueue(
            &mut conn,
            NewDelivery {
                target: Target::Admin,
                target_id: &parley_core::ids::TargetId::from(
                    parley_core::webhooks::targets::ADMIN_DEFAULT,
                ),
                carries: parley_core::events::Carries::Test,
                url: &url,
                body: &body,
            },
        )
        .await
        .expect("enqueue");
        drop(conn);
        // As a sign-up does after its commit: the worker is woken.
        s.outbox.wake_worker();
        while arrivals.lock().expect("lock").len() == before {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let arrived = arrivals.lock().expect("lock")[before];
        latencies.push(arrived.duration_since(at).as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    let p95 = latencies[latencies.len() * 95 / 100];
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!(
        "event -> first attempt:  p50 {:.1} ms, p95 {p95:.1} ms over 100 events  [{backend}]",
        latencies[latencies.len() / 2]
    );
    println!("B2 | deliveries to one healthy sink (1,000 queued) | {one_sink:.0}/s | >= 2,000/s | {build} | SQLite (WAL)");
    println!("B2 | deliveries to 3 healthy sinks beside one that never answers | {with_dead:.0}/s (alone: {without_dead:.0}/s; the dead sink costs {dead_cost:.0} %) | dead sink costs < 10 % | {build} | SQLite (WAL)");
    println!("B2 | event committed -> first attempt at the sink, p95 | {p95:.1} ms | < 50 ms | {build} | SQLite (WAL)");
}
