//! The domain's error: what went wrong, in words the caller can show. The
//! edges convert it — server functions into `app::error::AppError`, REST
//! into `{"detail": …}` with a status.

use crate::i18n::{Key, Message};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
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
    /// Details went to the log; the caller only learns that it failed.
    #[error("Something went wrong on the server.")]
    Internal,
}

impl Error {
    /// Bad input, said by a message without arguments.
    pub fn invalid(key: Key) -> Error {
        Error::Invalid(Message::new(key))
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        Error::Internal
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        tracing::error!(error = %err, "migration error");
        Error::Internal
    }
}
