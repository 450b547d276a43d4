//! TOTP (RFC 6238) as Clerk configures it: HMAC-SHA1, 30-second steps, 6 digits, base32
//! secrets. One step of clock drift either way is accepted.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

const STEP: i64 = 30;

/// Decodes a base32 secret (case-insensitive, spaces and padding ignored).
pub(crate) fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    let cleaned: String = secret
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let key = BASE32_NOPAD.decode(cleaned.as_bytes()).ok()?;
    (!key.is_empty()).then_some(key)
}

/// The code for a Unix time.
pub(crate) fn code_at(key: &[u8], unix_secs: i64) -> String {
    let counter = (unix_secs.div_euclid(STEP)) as u64;
    let Ok(mut mac) = <Hmac<Sha1> as KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", binary % 1_000_000)
}

/// Whether `code` is right for `secret` now, give or take one step.
pub(crate) fn verify(secret: &str, code: &str, unix_secs: i64) -> bool {
    let Some(key) = decode_secret(secret) else {
        return false;
    };
    (-1..=1).any(|drift| code_at(&key, unix_secs + drift * STEP) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (8 digits there; the last 6 here).
    #[test]
    fn rfc_6238_vectors() {
        let key = b"12345678901234567890";
        for (t, full) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(code_at(key, t), full[2..], "t={t}");
        }
    }

    #[test]
    fn base32_secrets_and_drift() {
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
        assert_eq!(decode_secret(secret).unwrap(), b"12345678901234567890");
        assert!(verify(secret, "287082", 59));
        assert!(verify(secret, "287082", 59 + 30));
        assert!(!verify(secret, "287082", 59 + 90));
        assert!(decode_secret("not base32!").is_none());
    }
}
