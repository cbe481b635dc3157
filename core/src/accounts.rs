//! Accounts (SPEC W1): sign-up, sign-in, the admin's user management.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use std::sync::Arc;

use argon2::Argon2;
use serde_json::json;

use super::config::ConfigStore;
use super::db::Backend;
use super::db::{new_id, now_ms, Db};
use super::events::Event;
use super::events::Outbox;
use super::feed::ViewersCache;
use super::realtime::RealtimeHub;
pub use super::users::{admin_ids, get_user, list_users, normalize_email, user_count};
use super::users::{user_in, UserRow, USER_COLUMNS};
use super::webhooks::{self, store::Target};
use crate::error::Error;
use crate::i18n::{Key, Locale, Message};
use crate::model::{Role, ServerEvent, User};

/// What account changes need: the database, the instance settings (sign-up
/// on or off, the default role), the sockets told of a change, the
/// viewers cache a role change invalidates, and the outbox for `user.*`.
#[derive(Clone)]
pub struct Accounts {
    pub db: Db,
    pub backend: Backend,
    pub config: ConfigStore,
    /// The instance language, for A3's body.
    pub default_locale: Locale,
    pub hub: RealtimeHub,
    pub viewers: Arc<ViewersCache>,
    pub outbox: Outbox,
}

#[derive(Clone, Debug)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub password: String,
}

/// Who creates an account: it decides the role rules and the sign-up switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Creator {
    /// Someone signing themselves up.
    SelfSignUp,
    /// An admin adding a user with a chosen role.
    Admin(Role),
}

impl NewAccount {
    /// Trims and checks the fields; the error says which one is wrong.
    pub fn validated(self) -> Result<NewAccount, Error> {
        let name = self.name.trim().to_string();
        let email = normalize_email(&self.email);
        if name.is_empty() {
            return Err(Error::invalid(Key::ErrNameMissing));
        }
        super::db::check_name_chars(&name)?;
        if name.chars().count() > 100 {
            return Err(Error::Invalid(
                Message::new(Key::ErrNameTooLong).arg("max", 100),
            ));
        }
        validate_email(&email)?;
        let len = self.password.chars().count();
        if len < 8 {
            return Err(Error::Invalid(
                Message::new(Key::ErrPasswordTooShort).arg("min", 8),
            ));
        }
        if len > 256 {
            return Err(Error::Invalid(
                Message::new(Key::ErrPasswordTooLong).arg("max", 256),
            ));
        }
        Ok(NewAccount {
            name,
            email,
            password: self.password,
        })
    }
}

fn validate_email(email: &str) -> Result<(), Error> {
    let ok = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
            }
            None => false,
        };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(Key::ErrEmailInvalid))
    }
}

/// Argon2 computations at once. Each takes ~19 MiB and a core for a
/// moment: a flood of sign-ins or sign-ups queues here instead of taking
/// every core and gigabytes of memory.
static ARGON2_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(4));

pub async fn hash_password(password: String) -> Result<String, Error> {
    let _slot = ARGON2_SLOTS.acquire().await.map_err(|_| Error::Internal)?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| Error::Internal)
    })
    .await
    .map_err(|_| Error::Internal)?
}

async fn verify_password(password: String, hash: String) -> Result<bool, Error> {
    let _slot = ARGON2_SLOTS.acquire().await.map_err(|_| Error::Internal)?;
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(|_| Error::Internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|_| Error::Internal)?
}

/// A fixed Argon2id hash checked when the email is unknown, so a wrong email
/// costs the same time as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$V1p3xH2vpiC0bK0QbC+KxGTZbVXuXgRxVsxuKBHMJ5c";

/// Creates an account in one transaction. The first account of the instance
/// becomes admin whoever creates it.
pub async fn create_account(
    accounts: &Accounts,
    account: NewAccount,
    creator: Creator,
) -> Result<User, Error> {
    let account = account.validated()?;
    if creator == Creator::SelfSignUp
        && !accounts.config.enable_signup().await?
        && user_count(&accounts.db).await? > 0
    {
        return Err(Error::SignupDisabled);
    }
    // A taken email is refused before the costly hash (the transaction
    // below checks again for a race).
    let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(&account.email)
        .fetch_optional(&accounts.db)
        .await?;
    if taken.is_some() {
        return Err(Error::EmailTaken);
    }
    let password_hash = hash_password(account.password).await?;
    let default_role = accounts.config.default_user_role().await?;

    let mut tx = super::db::begin_write(&accounts.db, accounts.backend).await?;
    let existing: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(&account.email)
        .fetch_optional(&mut *tx)
        .await?;
    if existing.is_some() {
        return Err(Error::EmailTaken);
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    let role = if count == 0 {
        Role::Admin
    } else {
        match creator {
            Creator::SelfSignUp => default_role,
            Creator::Admin(role) => role,
        }
    };
    let now = now_ms();
    let user = User {
        id: new_id(),
        email: account.email,
        name: account.name,
        role,
        locale: None,
        created_at: now,
    };
    let inserted = sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, role, locale, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6)",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(&password_hash)
    .bind(user.role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await;
    if let Err(err) = inserted {
        // Two sign-ups racing for one email: the unique index decides.
        if err
            .as_database_error()
            .is_some_and(|e| e.is_unique_violation())
        {
            return Err(Error::EmailTaken);
        }
        return Err(err.into());
    }
    // `user.created` is part of the same transaction as the account (SPEC
    // D1, E5): both exist, or neither. Every subscribed admin target gets
    // A3's body (`new_user`).
    let locale = accounts.default_locale;
    let queued = super::events::emit_admin_with(
        &mut tx,
        accounts.outbox.settings(),
        super::events::EventKind::UserCreated,
        super::events::Carries::NewUser,
        |url| webhooks::admin::new_user_body(url, &user, locale),
    )
    .await?;
    tx.commit().await?;
    // The first account is an admin, who sees every channel.
    accounts.viewers.changed();
    if queued > 0 {
        accounts.outbox.deliveries_changed(&Target::Admin).await;
    }

    tracing::info!(user_id = %user.id, role = %user.role, "account created");
    notify_admins(accounts, ServerEvent::UsersChanged).await;
    Ok(user)
}

/// An account with what signing in checks.
#[derive(sqlx::FromRow)]
struct StoredCredentials {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
    failed_signins: i64,
}

/// Checks an email and password; the same error for an unknown email and a
/// wrong password.
pub async fn verify_credentials(
    accounts: &Accounts,
    email: &str,
    password: &str,
) -> Result<User, Error> {
    let email = normalize_email(email);
    let email = super::db::storable_text(&email);
    let row: Option<StoredCredentials> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, password_hash, failed_signins FROM users WHERE email = $1"
    ))
    .bind(email.as_ref())
    .fetch_optional(&accounts.db)
    .await?;
    let Some(row) = row else {
        let _ = verify_password(password.to_string(), DUMMY_HASH.to_string()).await;
        return Err(Error::InvalidCredentials);
    };
    let (hash, failed_before) = (row.password_hash, row.failed_signins);
    let user = User::from(row.user);
    if verify_password(password.to_string(), hash).await? {
        if failed_before > 0 {
            sqlx::query("UPDATE users SET failed_signins = 0 WHERE id = $1")
                .bind(&user.id)
                .execute(&accounts.db)
                .await?;
        }
        Ok(user)
    } else {
        record_failed_signin(accounts, &user).await?;
        Err(Error::InvalidCredentials)
    }
}

/// Wrong passwords in a row before the admin hears of it (SPEC E1
/// `auth.signin_failed`), then again at twice as many, and so on: an
/// attack on one account is reported, a flood of reports is not.
pub const SIGNIN_FAILURES_REPORTED_FROM: i64 = 5;

/// Whether the `failures`-th wrong password in a row is reported:
/// 5, 10, 20, 40…
pub fn reports_signin_failures(failures: i64) -> bool {
    let step = SIGNIN_FAILURES_REPORTED_FROM;
    failures >= step && failures % step == 0 && (failures / step).count_ones() == 1
}

/// Counts a wrong password for `user` and, at the reported counts, emits
/// `auth.signin_failed` in the same transaction.
async fn record_failed_signin(accounts: &Accounts, user: &User) -> Result<(), Error> {
    let mut tx = super::db::begin_write(&accounts.db, accounts.backend).await?;
    sqlx::query("UPDATE users SET failed_signins = failed_signins + 1 WHERE id = $1")
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    let (failures,): (i64,) = sqlx::query_as("SELECT failed_signins FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(&mut *tx)
        .await?;
    if !reports_signin_failures(failures) {
        tx.commit().await?;
        return Ok(());
    }
    tracing::warn!(user_id = %user.id, failures, "repeated failed sign-ins");
    let event = Event {
        kind: crate::events::EventKind::AuthSigninFailed,
        data: json!({"user": user_json(user), "failures": failures}),
        message: Message::new(Key::EventMsgSigninFailed)
            .arg("email", user.email.as_str())
            .arg("n", failures),
    };
    accounts.outbox.commit_with_event(tx, &event).await
}

/// The E4 `data.user` of an account (never its password or sessions).
fn user_json(user: &User) -> serde_json::Value {
    json!({"id": user.id, "email": user.email, "name": user.name, "role": user.role})
}

/// Changes a user's role. An admin cannot demote themselves, so the
/// instance always keeps at least one admin.
pub async fn set_role(
    accounts: &Accounts,
    acting: &User,
    user_id: &str,
    role: Role,
) -> Result<User, Error> {
    if acting.id == user_id && role != Role::Admin {
        return Err(Error::invalid(Key::ErrOwnRole));
    }
    let mut tx = super::db::begin_write(&accounts.db, accounts.backend).await?;
    let updated = sqlx::query("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3")
        .bind(role.as_str())
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    let user = user_in(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    let event = Event {
        kind: crate::events::EventKind::UserRoleUpdated,
        data: json!({"user": user_json(&user)}),
        message: Message::new(Key::EventMsgUserRoleUpdated)
            .arg("name", user.name.as_str())
            .arg("role", role.as_str()),
    };
    accounts.outbox.commit_with_event(tx, &event).await?;
    accounts.viewers.changed();
    tracing::info!(user_id = %user.id, role = %role, "role changed");
    accounts
        .hub
        .send_to_user(user_id, ServerEvent::SessionChanged);
    notify_admins(accounts, ServerEvent::UsersChanged).await;
    Ok(user)
}

pub async fn delete_user(accounts: &Accounts, acting: &User, user_id: &str) -> Result<(), Error> {
    if acting.id == user_id {
        return Err(Error::invalid(Key::ErrDeleteSelf));
    }
    let mut tx = super::db::begin_write(&accounts.db, accounts.backend).await?;
    let user = user_in(&mut tx, user_id).await?.ok_or(Error::NotFound)?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    // Their signing secret and headers are gone with the account: nothing
    // still queued for them may go out (unsigned) afterwards.
    sqlx::query(
        "UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, locked_until = NULL, \
         last_error = $1, updated_at = $2 \
         WHERE target = 'user' AND owner_id = $3 AND status IN ('pending', 'retrying', 'delivering')",
    )
    .bind("the target's owner was deleted")
    .bind(now_ms())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    let event = Event {
        kind: crate::events::EventKind::UserDeleted,
        data: json!({"user": user_json(&user)}),
        message: Message::new(Key::EventMsgUserDeleted).arg("name", user.name.as_str()),
    };
    accounts.outbox.commit_with_event(tx, &event).await?;
    accounts.viewers.changed();
    tracing::info!(user_id = %user_id, "user deleted");
    accounts
        .hub
        .send_to_user(user_id, ServerEvent::SessionChanged);
    notify_admins(accounts, ServerEvent::UsersChanged).await;
    Ok(())
}

/// Signs a session out. The user's open sockets re-check their sessions at
/// once, so the one that used this session closes (SPEC W2).
pub async fn sign_out(accounts: &Accounts, token: &str) -> Result<(), Error> {
    if let Some(user_id) = super::sessions::revoke(&accounts.db, token).await? {
        accounts
            .hub
            .send_to_user(&user_id, ServerEvent::SessionChanged);
    }
    Ok(())
}

pub async fn set_locale(db: &Db, user_id: &str, locale: Locale) -> Result<(), Error> {
    sqlx::query("UPDATE users SET locale = $1, updated_at = $2 WHERE id = $3")
        .bind(locale.code())
        .bind(now_ms())
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

async fn notify_admins(accounts: &Accounts, event: ServerEvent) {
    match admin_ids(&accounts.db).await {
        Ok(ids) => accounts.hub.send_to_users(&ids, event),
        Err(err) => tracing::warn!(error = %err, "cannot notify admins"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_signins_are_reported_at_5_then_doubling() {
        let reported: Vec<i64> = (0..=100).filter(|n| reports_signin_failures(*n)).collect();
        assert_eq!(reported, vec![5, 10, 20, 40, 80]);
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn validation_explains_what_is_wrong() {
        let ok = NewAccount {
            name: " Tim ".into(),
            email: " Tim@Example.com ".into(),
            password: "password1".into(),
        };
        let v = ok.validated().expect("valid");
        assert_eq!(v.name, "Tim");
        assert_eq!(v.email, "tim@example.com");
        for (name, email, password, needle) in [
            ("", "a@b.co", "password1", "name"),
            ("Tim", "not-an-email", "password1", "email"),
            ("Tim", "a@b", "password1", "email"),
            ("Tim", "a@b.co", "short", "8 characters"),
        ] {
            let err = NewAccount {
                name: name.into(),
                email: email.into(),
                password: password.into(),
            }
            .validated()
            .expect_err("invalid");
            assert!(
                err.to_string().contains(needle),
                "{err} should mention {needle}"
            );
        }
    }
}
