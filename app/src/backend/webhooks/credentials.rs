//! The signing secret and custom headers of an outgoing webhook target
//! (SPEC D4): the admin webhook's live in the persistent config, a user's
//! next to their URL. Both are sealed with `WEBUI_SECRET_KEY` and never
//! shown back; only whether a secret is set and the header names are.

use super::signing;
use super::store::Target;
use crate::backend::db::now_ms;
use crate::backend::AppState;
use crate::error::AppError;
use crate::i18n::{Key, Message};
use crate::model::TargetSecurity;

const ADMIN_SECRET_KEY: &str = "webhook.signing_secret";
const ADMIN_HEADERS_KEY: &str = "webhook.headers";
const MAX_HEADERS: usize = 10;

#[derive(Clone, Copy)]
enum Field {
    Secret,
    Headers,
}

impl Field {
    fn admin_key(self) -> &'static str {
        match self {
            Field::Secret => ADMIN_SECRET_KEY,
            Field::Headers => ADMIN_HEADERS_KEY,
        }
    }

    fn column(self) -> &'static str {
        match self {
            Field::Secret => "signing_secret",
            Field::Headers => "headers",
        }
    }
}

async fn read_sealed(
    state: &AppState,
    target: &Target,
    field: Field,
) -> Result<Option<String>, AppError> {
    let sealed = match target {
        Target::Admin => state.config.get_raw(field.admin_key()).await?,
        Target::User(id) => {
            let row: Option<(Option<String>,)> = sqlx::query_as(&format!(
                "SELECT {} FROM user_webhooks WHERE user_id = $1",
                field.column()
            ))
            .bind(id)
            .fetch_optional(&state.db)
            .await?;
            row.and_then(|(v,)| v)
        }
    };
    match sealed.filter(|s| !s.is_empty()) {
        Some(sealed) => state.secrets.open(&sealed).map(Some).map_err(|e| {
            tracing::error!("{e}");
            AppError::Internal
        }),
        None => Ok(None),
    }
}

async fn write_sealed(
    state: &AppState,
    target: &Target,
    field: Field,
    plain: Option<&str>,
) -> Result<(), AppError> {
    let sealed = plain.map(|p| state.secrets.seal(p)).unwrap_or_default();
    match target {
        Target::Admin => state.config.set_raw(field.admin_key(), &sealed).await,
        Target::User(id) => {
            let column = field.column();
            sqlx::query(&format!(
                "INSERT INTO user_webhooks (user_id, url, mode, updated_at, {column}) VALUES ($1, '', 'away', $2, $3) \
                 ON CONFLICT (user_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at"
            ))
            .bind(id)
            .bind(now_ms())
            .bind(&sealed)
            .execute(&state.db)
            .await?;
            Ok(())
        }
    }
}

pub async fn signing_secret(state: &AppState, target: &Target) -> Result<Option<String>, AppError> {
    read_sealed(state, target, Field::Secret).await
}

pub async fn headers(state: &AppState, target: &Target) -> Result<Vec<(String, String)>, AppError> {
    Ok(read_sealed(state, target, Field::Headers)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// What the settings screens may see.
pub async fn security(state: &AppState, target: &Target) -> Result<TargetSecurity, AppError> {
    Ok(TargetSecurity {
        has_signing_secret: signing_secret(state, target).await?.is_some(),
        header_names: headers(state, target)
            .await?
            .into_iter()
            .map(|(n, _)| n)
            .collect(),
    })
}

/// `host:port` of a URL, to tell whether an edit points elsewhere.
fn destination(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    Some(format!(
        "{}:{}",
        u.host_str()?.to_ascii_lowercase(),
        u.port_or_known_default()?
    ))
}

/// When a target's URL moves to another host, its hidden header values
/// and its signing secret stay behind: whoever can edit the URL must not
/// be able to send them somewhere and read them there. Returns whether
/// anything was cleared.
pub async fn forget_if_host_changed(
    state: &AppState,
    target: &Target,
    old_url: Option<&str>,
    new_url: Option<&str>,
) -> Result<bool, AppError> {
    let Some(new) = new_url.filter(|u| !u.is_empty()) else {
        // Switched off: nothing is sent, nothing to protect yet.
        return Ok(false);
    };
    // From no URL to one counts as a move: credentials kept across an
    // emptied field would otherwise follow any new host.
    let old = old_url.unwrap_or_default();
    if !old.is_empty() && destination(old) == destination(new) {
        return Ok(false);
    }
    let had = security(state, target).await?;
    if !had.has_signing_secret && had.header_names.is_empty() {
        return Ok(false);
    }
    write_sealed(state, target, Field::Secret, None).await?;
    write_sealed(state, target, Field::Headers, None).await?;
    tracing::info!("webhook moved to another host: its secret and custom headers were cleared");
    Ok(true)
}

/// A new secret; returned once, stored sealed.
pub async fn regenerate_secret(state: &AppState, target: &Target) -> Result<String, AppError> {
    let secret = signing::new_secret();
    write_sealed(state, target, Field::Secret, Some(&secret)).await?;
    Ok(secret)
}

pub async fn clear_secret(state: &AppState, target: &Target) -> Result<(), AppError> {
    write_sealed(state, target, Field::Secret, None).await
}

/// Replaces the custom headers. An empty value keeps the stored value of a
/// header of the same name, so the UI never needs to show values back.
pub async fn save_headers(
    state: &AppState,
    target: &Target,
    new: Vec<(String, String)>,
) -> Result<TargetSecurity, AppError> {
    let old = headers(state, target).await?;
    let merged = validate_headers(new, &old)?;
    let json = serde_json::to_string(&merged).map_err(|_| AppError::Internal)?;
    let plain = Some(json).filter(|_| !merged.is_empty());
    write_sealed(state, target, Field::Headers, plain.as_deref()).await?;
    security(state, target).await
}

pub fn validate_headers(
    new: Vec<(String, String)>,
    old: &[(String, String)],
) -> Result<Vec<(String, String)>, AppError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in new {
        let name = name.trim().to_string();
        if name.is_empty() {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(AppError::Invalid(
                Message::new(Key::ErrHeaderName).arg("name", name.as_str()),
            ));
        }
        if lower.starts_with("webhook-")
            || [
                "host",
                "content-type",
                "content-length",
                "transfer-encoding",
                "connection",
            ]
            .contains(&lower.as_str())
        {
            return Err(AppError::Invalid(
                Message::new(Key::ErrHeaderReserved).arg("name", name.as_str()),
            ));
        }
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(AppError::Invalid(
                Message::new(Key::ErrHeaderTwice).arg("name", name.as_str()),
            ));
        }
        let value = if value.is_empty() {
            old.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    AppError::Invalid(
                        Message::new(Key::ErrHeaderValueMissing).arg("name", name.as_str()),
                    )
                })?
        } else {
            value
        };
        if http::HeaderValue::from_str(&value).is_err() {
            return Err(AppError::Invalid(
                Message::new(Key::ErrHeaderValueChars).arg("name", name.as_str()),
            ));
        }
        out.push((name, value));
    }
    if out.len() > MAX_HEADERS {
        return Err(AppError::Invalid(
            Message::new(Key::ErrTooManyHeaders).arg("max", MAX_HEADERS),
        ));
    }
    Ok(out)
}
