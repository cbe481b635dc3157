//! `parley-echo`: the built-in offline model. It reflects the prompt back
//! word by word, pausing `PARLEY_ECHO_DELAY_MS` before each word, so a
//! reply can be made to take as long as a test or a demo needs.

use std::time::Duration;

use super::{ModelError, Turn};
use crate::model::ChatRole;

pub const ECHO_MODEL: &str = "parley-echo";

/// The reply's pieces: each word with the whitespace after it.
pub fn pieces(prompt: &str) -> Vec<&str> {
    prompt.trim().split_inclusive(char::is_whitespace).collect()
}

pub async fn stream(
    turns: &[Turn],
    delay: Duration,
    on_delta: &mut (dyn FnMut(&str) + Send),
) -> Result<(), ModelError> {
    let prompt = turns
        .iter()
        .rev()
        .find(|t| t.role == ChatRole::User)
        .map(|t| t.content.as_str())
        .unwrap_or_default();
    for piece in pieces(prompt) {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        on_delta(piece);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reflects_the_last_prompt_word_by_word() {
        let turns = vec![
            Turn {
                role: ChatRole::User,
                content: "first".into(),
            },
            Turn {
                role: ChatRole::Assistant,
                content: "first".into(),
            },
            Turn {
                role: ChatRole::User,
                content: "  Hello  wide\nworld ".into(),
            },
        ];
        let mut got = Vec::new();
        stream(&turns, Duration::ZERO, &mut |p| got.push(p.to_string()))
            .await
            .expect("echo never fails");
        assert_eq!(got.concat(), "Hello  wide\nworld");
        assert_eq!(got[0], "Hello ");
        assert_eq!(got.last().map(String::as_str), Some("world"));
    }
}
