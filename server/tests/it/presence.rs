//! SPEC P1/P2 over a real socket: reports make the user active; a hidden
//! report or a closed socket makes them away at once.

use crate::common;

use futures::SinkExt;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

async fn wait_until(f: impl Fn() -> bool) -> bool {
    common::until(Duration::from_secs(2), async || f()).await
}

#[tokio::test]
async fn socket_reports_drive_the_presence_registry() {
    let s = common::spawn().await;
    let (token, body) = s.signup("Tim", "tim@example.com").await;
    let id = body["id"].as_str().expect("id").to_string();
    let mut socket = common::open_socket(&s, &token, &id).await;
    assert!(
        s.state.presence.is_away(&id),
        "connected but nothing reported yet"
    );

    let report = |visible: bool, focused: bool| {
        Message::Text(
            format!(r#"{{"type":"presence","visible":{visible},"focused":{focused}}}"#).into(),
        )
    };
    socket.send(report(true, true)).await.expect("send");
    assert!(
        wait_until(|| s.state.presence.is_active(&id)).await,
        "visible + focused = active"
    );

    socket.send(report(false, false)).await.expect("send");
    assert!(
        wait_until(|| s.state.presence.is_away(&id)).await,
        "hidden = away at once"
    );

    socket.send(report(true, true)).await.expect("send");
    assert!(wait_until(|| s.state.presence.is_active(&id)).await);
    socket.close(None).await.expect("close");
    drop(socket);
    assert!(
        wait_until(|| s.state.presence.is_away(&id)).await,
        "closing the last tab = away at once"
    );
}
