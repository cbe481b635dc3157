//! Encryption of secrets Parley must be able to read back (signing secrets,
//! custom header values, channel webhook tokens), keyed by WEBUI_SECRET_KEY.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct SecretBox {
    cipher: ChaCha20Poly1305,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot decrypt a stored secret (was WEBUI_SECRET_KEY changed?)")]
pub struct DecryptError;

impl SecretBox {
    pub fn new(secret_key: &str) -> SecretBox {
        let key = Sha256::digest(format!("parley-secret-box-v1:{secret_key}").as_bytes());
        SecretBox {
            cipher: ChaCha20Poly1305::new(Key::from_slice(&key)),
        }
    }

    pub fn seal(&self, plaintext: &str) -> String {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption with a fresh nonce and an in-memory buffer cannot fail.
        let sealed = self
            .cipher
            .encrypt(&nonce, plaintext.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend(sealed);
        STANDARD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Result<String, DecryptError> {
        let bytes = STANDARD.decode(sealed).map_err(|_| DecryptError)?;
        if bytes.len() < 12 {
            return Err(DecryptError);
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), body)
            .map_err(|_| DecryptError)?;
        String::from_utf8(plain).map_err(|_| DecryptError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_other_keys() {
        let a = SecretBox::new("one");
        let sealed = a.seal("whsec_abc");
        assert_ne!(sealed, a.seal("whsec_abc"), "fresh nonce each time");
        assert_eq!(a.open(&sealed).expect("open"), "whsec_abc");
        assert!(SecretBox::new("two").open(&sealed).is_err());
        assert!(a.open("garbage").is_err());
    }
}
