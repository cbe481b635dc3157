//! The models a chat can talk to (SPEC W3): the built-in offline
//! `parley-echo`, and any OpenAI-compatible endpoint set by
//! `OPENAI_API_BASE_URL` / `OPENAI_API_KEY` (Ollama works this way).

pub mod echo;
pub mod openai;
pub mod sse;

use std::time::Duration;

use super::env::EnvConfig;
use crate::model::{ChatRole, ModelInfo, ModelList};

pub use echo::ECHO_MODEL;

/// A model's failure, worded for the person reading the chat.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

/// One earlier message of the conversation, as the model gets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turn {
    pub role: ChatRole,
    pub content: String,
}

#[derive(Clone)]
pub struct ChatModels {
    echo_delay: Duration,
    openai: Option<openai::OpenAiClient>,
}

impl ChatModels {
    pub fn from_env(env: &EnvConfig) -> ChatModels {
        ChatModels {
            echo_delay: env.echo_delay,
            openai: env
                .openai_api_base_url
                .as_deref()
                .map(|base| openai::OpenAiClient::new(base, env.openai_api_key.clone())),
        }
    }

    /// `parley-echo` first, then the endpoint's models. An endpoint that
    /// cannot be listed is reported, not hidden.
    pub async fn list(&self) -> ModelList {
        let mut models = vec![ModelInfo {
            id: ECHO_MODEL.into(),
            source: "parley".into(),
        }];
        let mut endpoint_error = None;
        if let Some(client) = &self.openai {
            match client.models().await {
                Ok(ids) => models.extend(ids.into_iter().filter(|id| id != ECHO_MODEL).map(|id| {
                    ModelInfo {
                        id,
                        source: "openai".into(),
                    }
                })),
                Err(e) => endpoint_error = Some(e.0),
            }
        }
        ModelList {
            models,
            endpoint_error,
        }
    }

    /// Whether a chat may be started with `model`. Endpoint models are
    /// not looked up on every prompt: the endpoint itself says if one is
    /// unknown, and that error is shown in the chat.
    pub fn accepts(&self, model: &str) -> bool {
        model == ECHO_MODEL || (self.openai.is_some() && !model.trim().is_empty())
    }

    /// Streams the reply to the last turn, handing each piece to
    /// `on_delta` as it arrives.
    pub async fn stream(
        &self,
        model: &str,
        turns: &[Turn],
        on_delta: &mut (dyn FnMut(&str) + Send),
    ) -> Result<(), ModelError> {
        if model == ECHO_MODEL {
            return echo::stream(turns, self.echo_delay, on_delta).await;
        }
        match &self.openai {
            Some(client) => client.stream_chat(model, turns, on_delta).await,
            None => Err(ModelError(format!(
                "The model \"{model}\" is not available: no OpenAI-compatible endpoint is configured (OPENAI_API_BASE_URL)."
            ))),
        }
    }
}
