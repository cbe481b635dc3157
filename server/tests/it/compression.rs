//! Pages and JSON are compressed for clients that take it (SPEC B4), and
//! left alone for those that do not; the realtime socket still opens
//! through the same router (the other suites use it throughout).

use crate::common::world::world;

#[tokio::test]
async fn pages_and_json_are_compressed_when_the_client_takes_it() {
    let w = world().await;
    let hook = w.create_hook("CI").await;
    let url = hook["url"].as_str().expect("url").to_string();
    for i in 0..40 {
        let (status, _, _) = w
            .post_raw(&url, &format!(r#"{{"content": "Deploy {i} **passed**"}}"#))
            .await;
        assert_eq!(status, 200);
    }
    let page =
        w.s.http
            .get(w.s.url("/signin"))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .expect("get");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-encoding"], "gzip");
    let bytes = page.bytes().await.expect("body");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");

    let list =
        w.s.http
            .get(w.s.url(&format!("/api/v1/channels/{}/messages", w.channel)))
            .bearer_auth(&w.member)
            .header("Accept-Encoding", "br")
            .send()
            .await
            .expect("get");
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["content-encoding"], "br");

    // No Accept-Encoding: plain JSON, as every script expects.
    let plain =
        w.s.http
            .get(w.s.url(&format!("/api/v1/channels/{}/messages", w.channel)))
            .bearer_auth(&w.member)
            .send()
            .await
            .expect("get");
    assert!(plain.headers().get("content-encoding").is_none());
    let json: serde_json::Value = plain.json().await.expect("json");
    assert_eq!(json.as_array().expect("list").len(), 40);
}
