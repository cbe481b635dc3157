//! Issue 9, finding 2: with `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` set, the
//! delivery client still connects only where the SSRF guard allows, and
//! never to the proxy. Its own test binary: the variables are process-wide.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::receiver::Receiver;

/// A loopback listener that only counts the connections it accepts.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (format!("http://{addr}"), accepted)
}

#[tokio::test]
async fn environment_proxies_do_not_bypass_the_guard() {
    let (proxy, proxy_connections) = counting_listener().await;
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        std::env::set_var(var, &proxy);
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");

    let target = Receiver::start().await;
    let port = target.url.rsplit(':').next().expect("port").to_string();
    // The delivery worker builds its clients now, with the variables set.
    let s = common::spawn().await;
    let (admin, tim, _) = common::admin_and_user(&s).await;

    // A user's webhook to a name that resolves to loopback: the guard must
    // refuse it (through a proxy it would have reached the target).
    let loopback_by_name = format!("http://localhost:{port}");
    common::save_user_webhook(&s, &tim, &loopback_by_name, "always").await;
    let (status, id, _) = s
        .server_fn("send_test_delivery", &[("scope", "mine")], Some(&tim))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).expect("id");
    let refused = s.settled(&id, Duration::from_secs(20)).await;
    assert_eq!(refused.status, app::model::DeliveryStatus::Failed);
    assert!(
        refused
            .last_error
            .clone()
            .unwrap_or_default()
            .contains("loopback"),
        "{refused:?}"
    );
    assert!(refused.response_excerpt.is_none(), "nothing was read back");

    // The admin's webhook may point inside the network: it goes straight
    // to the target, not through the proxy.
    common::save_admin_webhook(&s, &admin, &target.url).await;
    let (status, id, _) = s
        .server_fn("send_test_delivery", &[("scope", "admin")], Some(&admin))
        .await;
    assert_eq!(status, 200, "{id}");
    let id: String = serde_json::from_str(&id).expect("id");
    let delivered = s.settled(&id, Duration::from_secs(20)).await;
    assert_eq!(delivered.status, app::model::DeliveryStatus::Delivered);
    assert_eq!(
        target.count(),
        1,
        "only the admin's delivery reached the target"
    );
    assert_eq!(
        proxy_connections.load(Ordering::SeqCst),
        0,
        "the proxy received nothing"
    );
}
