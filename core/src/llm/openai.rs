//! Client of an OpenAI-compatible API: `GET /models` and streaming
//! `POST /chat/completions` (server-sent events).

use std::time::Duration;

use serde_json::{json, Value};

use super::sse::SseReader;
use super::{ModelError, Turn};

/// A model may think for a while before its first token (Ollama loads
/// the model first); after that, silence this long means it is gone.
const IDLE_TIMEOUT: Duration = Duration::from_secs(300);
const LIST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct OpenAiClient {
    http: reqwest::Client,
    base: String,
    key: Option<String>,
}

/// `https://api.openai.com/v1` is used as given; a bare origin such as
/// `http://localhost:11434` gets `/v1`, the path every such API serves.
pub fn api_base(base: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    match url::Url::parse(base) {
        Ok(u) if u.path() == "/" || u.path().is_empty() => format!("{base}/v1"),
        _ => base.to_string(),
    }
}

impl OpenAiClient {
    pub fn new(base: &str, key: Option<String>) -> OpenAiClient {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        OpenAiClient {
            http,
            base: api_base(base),
            key,
        }
    }

    fn request(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.key {
            Some(key) => req.bearer_auth(key),
            None => req,
        }
    }

    pub async fn models(&self) -> Result<Vec<String>, ModelError> {
        let req = self.request(self.http.get(format!("{}/models", self.base)));
        let resp = req
            .timeout(LIST_TIMEOUT)
            .send()
            .await
            .map_err(unreachable)?;
        let resp = check_status(resp).await?;
        let body: Value = resp
            .json()
            .await
            .map_err(|e| ModelError(format!("The model list could not be read: {e}")))?;
        let mut ids: Vec<String> = body["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    pub async fn stream_chat(
        &self,
        model: &str,
        turns: &[Turn],
        on_delta: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(), ModelError> {
        let messages: Vec<Value> = turns
            .iter()
            .map(|t| json!({"role": t.role.as_str(), "content": t.content}))
            .collect();
        let req = self
            .request(self.http.post(format!("{}/chat/completions", self.base)))
            .json(&json!({"model": model, "messages": messages, "stream": true}));
        let resp = req.send().await.map_err(unreachable)?;
        let mut resp = check_status(resp).await?;

        let mut reader = SseReader::default();
        let mut finished = false;
        loop {
            let chunk = match tokio::time::timeout(IDLE_TIMEOUT, resp.chunk()).await {
                Err(_) => {
                    return Err(ModelError(
                        "The model stopped sending for too long; the reply is incomplete.".into(),
                    ))
                }
                Ok(Err(e)) => {
                    return Err(ModelError(format!(
                        "The connection to the model broke off: {e}"
                    )))
                }
                Ok(Ok(None)) => break,
                Ok(Ok(Some(bytes))) => bytes,
            };
            for data in reader.feed(&chunk) {
                if handle_event(&data, on_delta)? {
                    return Ok(());
                }
                finished |= is_finish(&data);
            }
        }
        if let Some(data) = reader.finish() {
            if handle_event(&data, on_delta)? {
                return Ok(());
            }
            finished |= is_finish(&data);
        }
        if finished {
            Ok(())
        } else {
            Err(ModelError(
                "The model's stream ended before the reply was finished.".into(),
            ))
        }
    }
}

/// One SSE payload: hands on its text; true at `[DONE]`; an `error`
/// object (sent mid-stream by OpenAI, vLLM, Ollama…) ends the reply.
fn handle_event(data: &str, on_delta: &mut (dyn FnMut(&str) + Send)) -> Result<bool, ModelError> {
    if data.trim() == "[DONE]" {
        return Ok(true);
    }
    let Ok(v) = serde_json::from_str::<Value>(data) else {
        return Ok(false);
    };
    if let Some(message) = error_message(&v) {
        return Err(ModelError(format!(
            "The model reported an error: {message}"
        )));
    }
    if let Some(text) = v["choices"][0]["delta"]["content"].as_str() {
        if !text.is_empty() {
            on_delta(text);
        }
    }
    Ok(false)
}

fn is_finish(data: &str) -> bool {
    serde_json::from_str::<Value>(data)
        .map(|v| !v["choices"][0]["finish_reason"].is_null())
        .unwrap_or(false)
}

/// `{"error": {"message": …}}`, `{"error": "…"}` or `{"detail": "…"}`.
fn error_message(v: &Value) -> Option<String> {
    let e = v.get("error").filter(|e| !e.is_null());
    e.and_then(|e| e["message"].as_str().or_else(|| e.as_str()))
        .or_else(|| v.get("detail").and_then(Value::as_str))
        .map(str::to_string)
        .or_else(|| e.map(Value::to_string))
}

fn unreachable(e: reqwest::Error) -> ModelError {
    // reqwest's message names the URL, never the API key.
    ModelError(format!("Cannot reach the model endpoint: {e}"))
}

async fn check_status(resp: reqwest::Response) -> Result<reqwest::Response, ModelError> {
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let body = resp.text().await.unwrap_or_default();
    let detail = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| error_message(&v))
        .unwrap_or_else(|| body.chars().take(300).collect());
    Err(ModelError(format!(
        "The model endpoint answered {}: {}",
        status.as_u16(),
        detail.trim()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_with_or_without_v1() {
        assert_eq!(
            api_base("http://localhost:11434"),
            "http://localhost:11434/v1"
        );
        assert_eq!(
            api_base("http://localhost:11434/"),
            "http://localhost:11434/v1"
        );
        assert_eq!(
            api_base("https://api.openai.com/v1/"),
            "https://api.openai.com/v1"
        );
        assert_eq!(
            api_base("https://x.example/openai/v1"),
            "https://x.example/openai/v1"
        );
    }

    #[test]
    fn error_shapes() {
        let v: Value =
            serde_json::from_str(r#"{"error":{"message":"overloaded"}}"#).unwrap_or_default();
        assert_eq!(error_message(&v).as_deref(), Some("overloaded"));
        let v: Value = serde_json::from_str(r#"{"error":"boom"}"#).unwrap_or_default();
        assert_eq!(error_message(&v).as_deref(), Some("boom"));
        let v: Value = serde_json::from_str(r#"{"detail":"no"}"#).unwrap_or_default();
        assert_eq!(error_message(&v).as_deref(), Some("no"));
        let v: Value = serde_json::from_str(r#"{"choices":[]}"#).unwrap_or_default();
        assert_eq!(error_message(&v), None);
    }
}
