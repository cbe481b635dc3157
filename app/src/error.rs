//! The error type of the app layer, sent over the wire: server functions
//! return it and the browser shows it in the reader's language; the REST
//! layer turns it into `{"detail": …}` with a matching HTTP status. The
//! domain's `parley_core::Error` becomes one at this edge.

use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

use crate::i18n::{Arg, Key, Locale, Message};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not signed in.")]
    Unauthorized,
    #[error("You do not have permission to do this.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("Incorrect email or password.")]
    InvalidCredentials,
    #[error("An account with this email already exists.")]
    EmailTaken,
    #[error("New sign-ups are turned off on this server.")]
    SignupDisabled,
    #[error("Too many attempts. Try again in {0} seconds.")]
    RateLimited(u64),
    #[error("A reply is still being written in this chat.")]
    ReplyInProgress,
    /// Bad input: what to fix, as a message every reader gets in their
    /// own language.
    #[error("{0}")]
    Invalid(Message),
    #[error("Something went wrong on the server.")]
    Internal,
    #[error("{0}")]
    ServerFn(String),
}

impl AppError {
    /// Bad input, said by a message without arguments.
    pub fn invalid(key: Key) -> AppError {
        AppError::Invalid(Message::new(key))
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::SignupDisabled => 403,
            AppError::NotFound => 404,
            AppError::EmailTaken | AppError::ReplyInProgress => 409,
            AppError::RateLimited(_) => 429,
            AppError::Invalid(_) => 400,
            AppError::Internal | AppError::ServerFn(_) => 500,
        }
    }

    /// The message in the reader's language. Only a server-function
    /// transport error has no key (it comes from Leptos).
    pub fn localized(&self, locale: Locale) -> String {
        let key = match self {
            AppError::Unauthorized => Key::ErrUnauthorized,
            AppError::Forbidden => Key::ErrForbidden,
            AppError::NotFound => Key::ErrNotFound,
            AppError::InvalidCredentials => Key::ErrInvalidCredentials,
            AppError::EmailTaken => Key::ErrEmailTaken,
            AppError::ReplyInProgress => Key::ErrReplyInProgress,
            AppError::SignupDisabled => Key::ErrSignupDisabled,
            AppError::RateLimited(secs) => {
                return Key::ErrRateLimited.with(locale, &[("n", Arg::from(*secs))])
            }
            AppError::Internal => Key::ErrInternal,
            AppError::Invalid(message) => return message.text(locale),
            AppError::ServerFn(msg) => return msg.clone(),
        };
        key.text(locale).to_string()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<parley_core::Error> for AppError {
    fn from(err: parley_core::Error) -> Self {
        use parley_core::Error as E;
        match err {
            E::Unauthorized => AppError::Unauthorized,
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::InvalidCredentials => AppError::InvalidCredentials,
            E::EmailTaken => AppError::EmailTaken,
            E::SignupDisabled => AppError::SignupDisabled,
            E::RateLimited(secs) => AppError::RateLimited(secs),
            E::ReplyInProgress => AppError::ReplyInProgress,
            E::Invalid(message) => AppError::Invalid(message),
            E::Internal => AppError::Internal,
        }
    }
}

/// Marks a response whose `detail` is an app error to say in the caller's
/// language (the REST language layer rewrites it).
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct Untranslated(pub AppError);

/// An app error leaving a REST route: its status, `{"detail": …}` in
/// English, `Retry-After` when it has one, and the error itself as an
/// extension ([`Untranslated`]) for the language layer to say in the
/// caller's language.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut res = (
            status,
            axum::Json(serde_json::json!({ "detail": self.to_string() })),
        )
            .into_response();
        if let AppError::RateLimited(secs) = self {
            if let Ok(v) = http::HeaderValue::from_str(&secs.to_string()) {
                res.headers_mut().insert(http::header::RETRY_AFTER, v);
            }
        }
        res.extensions_mut().insert(Untranslated(self));
        res
    }
}
