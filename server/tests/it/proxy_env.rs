//! Issue 9, finding 2: with `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` set, the
//! delivery client still connects only where the SSRF guard allows, and
//! never to the proxy. Its own test binary: the variables are process-wide.

use crate::common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::receiver::{black_hole, Receiver};

#[tokio::test]
async fn environment_proxies_do_not_bypass_the_guard() {
    // A loopback listener that only counts the connections it accepts.
    let (proxy, proxy_connections) = black_hole().await;
    let proxy = proxy.trim_end_matches("/hook").to_string();
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
