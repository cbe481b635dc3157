//! The signing secret and custom headers of an outgoing webhook target
//! (SPEC D4), kept in its `webhook_targets` row sealed with
//! `WEBUI_SECRET_KEY` and never shown back; only whether a secret is set
//! and the header names are.

use super::signing;
use super::targets::{self, Sealed};
use crate::crypto::SecretBox;
use crate::db::Db;
use crate::error::Error;
use crate::i18n::{Key, Message};
use crate::model::TargetSecurity;

const MAX_HEADERS: usize = 10;

/// Where targets' credentials live: their rows, sealed with the
/// instance key.
#[derive(Clone)]
pub struct Vault {
    pub db: Db,
    pub secrets: SecretBox,
}

async fn read_sealed(
    vault: &Vault,
    target_id: &str,
    field: Sealed,
) -> Result<Option<String>, Error> {
    let sealed = targets::read_sealed(&vault.db, target_id, field).await?;
    match sealed.filter(|s| !s.is_empty()) {
        Some(sealed) => vault.secrets.open(&sealed).map(Some).map_err(|e| {
            tracing::error!("{e}");
            Error::Internal
        }),
        None => Ok(None),
    }
}

async fn write_sealed(
    vault: &Vault,
    target_id: &str,
    field: Sealed,
    plain: Option<&str>,
) -> Result<(), Error> {
    let sealed = plain.map(|p| vault.secrets.seal(p));
    targets::write_sealed(&vault.db, target_id, field, sealed.as_deref()).await
}

pub async fn signing_secret(vault: &Vault, target_id: &str) -> Result<Option<String>, Error> {
    read_sealed(vault, target_id, Sealed::Secret).await
}

/// Every secret that signs a request now: the current one, and for 24 h
/// after a rotation the one before it (SPEC E6: a receiver holding either
/// verifies).
pub async fn signing_secrets(vault: &Vault, target_id: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = signing_secret(vault, target_id)
        .await?
        .into_iter()
        .collect();
    if out.is_empty() {
        return Ok(out);
    }
    let row = targets::get(&vault.db, target_id).await?;
    let previous = row.and_then(|t| {
        let until = t.previous_secret_until?;
        (until > crate::db::now_ms())
            .then_some(t.previous_signing_secret)
            .flatten()
    });
    if let Some(sealed) = previous.filter(|s| !s.is_empty()) {
        let plain = vault.secrets.open(&sealed).map_err(|e| {
            tracing::error!("{e}");
            Error::Internal
        })?;
        out.push(plain);
    }
    Ok(out)
}

pub async fn headers(vault: &Vault, target_id: &str) -> Result<Vec<(String, String)>, Error> {
    Ok(read_sealed(vault, target_id, Sealed::Headers)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// What the settings screens may see.
pub async fn security(vault: &Vault, target_id: &str) -> Result<TargetSecurity, Error> {
    Ok(TargetSecurity {
        has_signing_secret: signing_secret(vault, target_id).await?.is_some(),
        header_names: headers(vault, target_id)
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
    vault: &Vault,
    target_id: &str,
    old_url: Option<&str>,
    new_url: Option<&str>,
) -> Result<bool, Error> {
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
    let had = security(vault, target_id).await?;
    if !had.has_signing_secret && had.header_names.is_empty() {
        return Ok(false);
    }
    write_sealed(vault, target_id, Sealed::Secret, None).await?;
    write_sealed(vault, target_id, Sealed::Headers, None).await?;
    targets::clear_previous_secret(&vault.db, target_id).await?;
    tracing::info!("webhook moved to another host: its secret and custom headers were cleared");
    Ok(true)
}

/// A new secret; returned once, stored sealed.
/// A new secret, returned once and stored sealed. The one it replaces keeps
/// signing next to it for 24 h, so receivers can switch without a gap.
pub async fn regenerate_secret(vault: &Vault, target_id: &str) -> Result<String, Error> {
    let secret = signing::new_secret();
    targets::rotate_secret(&vault.db, target_id, &vault.secrets.seal(&secret)).await?;
    Ok(secret)
}

pub async fn clear_secret(vault: &Vault, target_id: &str) -> Result<(), Error> {
    write_sealed(vault, target_id, Sealed::Secret, None).await?;
    targets::clear_previous_secret(&vault.db, target_id).await
}

/// Replaces the custom headers. An empty value keeps the stored value of a
/// header of the same name, so the UI never needs to show values back.
pub async fn save_headers(
    vault: &Vault,
    target_id: &str,
    new: Vec<(String, String)>,
) -> Result<TargetSecurity, Error> {
    let old = headers(vault, target_id).await?;
    let merged = validate_headers(new, &old)?;
    let json = serde_json::to_string(&merged).map_err(|_| Error::Internal)?;
    let plain = Some(json).filter(|_| !merged.is_empty());
    write_sealed(vault, target_id, Sealed::Headers, plain.as_deref()).await?;
    security(vault, target_id).await
}

pub fn validate_headers(
    new: Vec<(String, String)>,
    old: &[(String, String)],
) -> Result<Vec<(String, String)>, Error> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, value) in new {
        let name = name.trim().to_string();
        if name.is_empty() {
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(Error::Invalid(
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
            return Err(Error::Invalid(
                Message::new(Key::ErrHeaderReserved).arg("name", name.as_str()),
            ));
        }
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            return Err(Error::Invalid(
                Message::new(Key::ErrHeaderTwice).arg("name", name.as_str()),
            ));
        }
        let value = if value.is_empty() {
            old.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(&name))
                .map(|(_, v)| v.clone())
                .ok_or_else(|| {
                    Error::Invalid(
                        Message::new(Key::ErrHeaderValueMissing).arg("name", name.as_str()),
                    )
                })?
        } else {
            value
        };
        if http::HeaderValue::from_str(&value).is_err() {
            return Err(Error::Invalid(
                Message::new(Key::ErrHeaderValueChars).arg("name", name.as_str()),
            ));
        }
        out.push((name, value));
    }
    if out.len() > MAX_HEADERS {
        return Err(Error::Invalid(
            Message::new(Key::ErrTooManyHeaders).arg("max", MAX_HEADERS),
        ));
    }
    Ok(out)
}
