//! A local OpenAI-compatible server speaking real SSE over HTTP, for the
//! chat client. Each model name is a behaviour:
//! - `good`: streams a reply in chunks cut mid-line, ends with `[DONE]`
//! - `broken`: streams a little, then sends an `error` event
//! - `cut`: streams a little, then closes without finishing
//! - `denied`: answers 401 with an OpenAI error body
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use futures::StreamExt;
use serde_json::{json, Value};

pub const GOOD_REPLY: &str = "Bonjour, le monde — ça va ?";

#[derive(Clone, Default)]
pub struct FakeOpenAi {
    pub base: String,
    /// Every chat request: (Authorization header, JSON body).
    pub requests: Arc<Mutex<Vec<(String, Value)>>>,
}

fn chunk(text: &str) -> String {
    let v = json!({"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    format!("data: {v}\n\n")
}

fn stream(parts: Vec<String>) -> Response {
    // Cut the bytes at odd places so events and characters span chunks.
    let bytes: Vec<u8> = parts.concat().into_bytes();
    let pieces: Vec<Bytes> = bytes.chunks(7).map(Bytes::copy_from_slice).collect();
    let body = futures::stream::iter(pieces).then(|b| async move {
        // The model's pace (pieces arrive apart, as from a real model), not
        // a wait of the test's.
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok::<_, Infallible>(b)
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(body))
        .expect("response")
}

async fn completions(
    State(fake): State<FakeOpenAi>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    fake.requests
        .lock()
        .expect("lock")
        .push((auth, body.clone()));
    let words: Vec<String> = GOOD_REPLY
        .split_inclusive(' ')
        .map(str::to_string)
        .collect();
    match body["model"].as_str().unwrap_or_default() {
        "good" => {
            let mut parts: Vec<String> = vec![": keep-alive\n\n".into()];
            parts.extend(words.iter().map(|w| chunk(w)));
            parts.push(format!(
                "data: {}\n\n",
                json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            ));
            parts.push("data: [DONE]\n\n".into());
            stream(parts)
        }
        "broken" => stream(vec![
            chunk("Partial "),
            chunk("answer"),
            format!(
                "data: {}\n\n",
                json!({"error": {"message": "model overloaded", "type": "server_error"}})
            ),
        ]),
        "cut" => stream(vec![chunk("Half a ")]),
        _ => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}})),
        )
            .into_response(),
    }
}

async fn models() -> Json<Value> {
    Json(json!({"object": "list", "data": [
        {"id": "good", "object": "model"},
        {"id": "broken", "object": "model"},
        {"id": "cut", "object": "model"},
    ]}))
}

impl FakeOpenAi {
    pub async fn start() -> FakeOpenAi {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let fake = FakeOpenAi {
            base: format!("http://{addr}/v1"),
            requests: Arc::default(),
        };
        let app = axum::Router::new()
            .route("/v1/models", get(models))
            .route("/v1/chat/completions", post(completions))
            .with_state(fake.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        fake
    }
}
