//! Reading a JWT: its three parts, its header, its payload, its signature and its time claims,
//! with Clerk's rules (JSB `jwt/verifyJwt.ts`, `jwt/assertions.ts`). Shared by the session-token
//! verifier and request authentication, and depending on neither.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::error::{TokenReason, TokenVerificationError};
use super::keys::{Algorithm, RsaPublicKey};

/// The header category (`cat`) of session tokens.
pub const SESSION_TOKEN_CATEGORY: &str = "cl_B7d4PD111AAA";
/// The header category of JWT-template tokens.
pub const TEMPLATE_TOKEN_CATEGORY: &str = "cl_B7d4PD222AAA";
/// The header category of machine-to-machine tokens.
pub const M2M_TOKEN_CATEGORY: &str = "cl_B7d4PD333AAA";
/// The header category that stands for any class: instances with the legacy setting that turns
/// category checks off stamp every token with it, and Clerk's SDK accepts it anywhere.
pub const IGNORE_TOKEN_CATEGORY: &str = "cl_I7d4PD111III";

/// The longest token looked at. Session tokens fit in a cookie (4 KB); anything far larger is
/// refused before any decoding, so a huge token costs nothing.
pub const MAX_TOKEN_LENGTH: usize = 64 * 1024;

pub(crate) fn invalid(message: impl Into<String>) -> TokenVerificationError {
    TokenVerificationError::new(TokenReason::TokenInvalid, message)
}

/// Where a verifier reads "now" from: the system clock unless a test pins it.
#[derive(Clone)]
pub(crate) struct Clock(Option<Arc<dyn Fn() -> SystemTime + Send + Sync>>);

impl Clock {
    pub(crate) fn system() -> Clock {
        Clock(None)
    }

    pub(crate) fn custom(now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Clock {
        Clock(Some(Arc::new(now)))
    }

    /// Now, in milliseconds since the epoch.
    pub(crate) fn now_ms(&self) -> i64 {
        unix_ms(match &self.0 {
            Some(now) => now(),
            None => SystemTime::now(),
        })
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "custom" } else { "system" })
    }
}

/// Milliseconds since the epoch (negative before it).
pub(crate) fn unix_ms(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// A duration in whole milliseconds.
pub(crate) fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Decodes a base64url segment, accepting the `=` padding some encoders add.
fn base64url(segment: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(segment.trim_end_matches('=')).ok()
}

/// Decodes a short base64url segment (a header, a signature) on the stack and hands the bytes
/// to `f`; longer ones are decoded on the heap. `None` when it is not base64url.
fn with_base64url<R>(segment: &str, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    let segment = segment.trim_end_matches('=');
    let mut buf = [0u8; 512];
    if segment.len() / 4 * 3 + 3 <= buf.len() {
        let n = URL_SAFE_NO_PAD.decode_slice(segment, &mut buf).ok()?;
        Some(f(&buf[..n]))
    } else {
        base64url(segment).map(|bytes| f(&bytes))
    }
}

/// A token's three parts, with the header decoded.
pub(crate) struct Jwt<'a> {
    pub(crate) header: Header,
    signing_input: &'a str,
    payload: &'a str,
    signature: &'a str,
}

#[derive(Deserialize)]
pub(crate) struct Header {
    #[serde(default)]
    pub(crate) alg: Option<String>,
    #[serde(default)]
    pub(crate) typ: Option<String>,
    #[serde(default)]
    pub(crate) kid: Option<String>,
    #[serde(default)]
    pub(crate) cat: Option<String>,
}

/// Splits and decodes a token's header; no cryptography yet.
pub(crate) fn parse(token: &str) -> Result<Jwt<'_>, TokenVerificationError> {
    if token.len() > MAX_TOKEN_LENGTH {
        return Err(invalid(format!(
            "the token is longer than {MAX_TOKEN_LENGTH} bytes"
        )));
    }
    let three_parts = token.split_once('.').and_then(|(header, rest)| {
        let (payload, signature) = rest.split_once('.')?;
        (!signature.contains('.')).then_some((header, payload, signature))
    });
    let Some((header, payload, signature)) = three_parts else {
        return Err(invalid("a JWT has three parts separated by dots"));
    };
    let header_fields: Header =
        with_base64url(header, |json| serde_json::from_slice::<Header>(json))
            .ok_or_else(|| invalid("the JWT header is not base64url"))?
            .map_err(|_| invalid("the JWT header is not a JSON object"))?;
    Ok(Jwt {
        header: header_fields,
        signing_input: &token[..header.len() + 1 + payload.len()],
        payload,
        signature,
    })
}

/// The two claims read before verification: `sub` (a machine's `mch_` subject makes a JWT an
/// M2M token) and `iat` (compared with `__client_uat`). Other claims are skipped unread.
#[derive(Deserialize, Default)]
pub(crate) struct PeekedClaims {
    #[serde(default)]
    sub: Option<serde_json::Value>,
    #[serde(default)]
    iat: Option<serde_json::Value>,
}

impl PeekedClaims {
    /// Whether `sub` is a machine's id.
    pub(crate) fn machine_subject(&self) -> bool {
        self.sub
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .is_some_and(|s| s.starts_with("mch_"))
    }

    /// `iat` when it is a number (a fraction truncated, as the verified claims read it).
    pub(crate) fn iat(&self) -> Option<i64> {
        let n = self.iat.as_ref()?;
        n.as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
    }
}

impl Jwt<'_> {
    /// Checks `typ`, when present, against the accepted ones, exactly (`JWT`, not `jwt`).
    pub(crate) fn check_typ(&self, accepted: &[&str]) -> Result<(), TokenVerificationError> {
        match &self.header.typ {
            Some(typ) if !accepted.contains(&typ.as_str()) => {
                Err(invalid(format!("unexpected JWT type {typ:?}")))
            }
            _ => Ok(()),
        }
    }

    /// Checks the signature with the key (after `typ` and `alg`).
    pub(crate) fn check_signature(
        &self,
        key: &RsaPublicKey,
        alg: Algorithm,
    ) -> Result<(), TokenVerificationError> {
        let verified = with_base64url(self.signature, |signature| {
            key.verify(alg, self.signing_input.as_bytes(), signature)
        })
        .ok_or_else(|| invalid("the JWT signature is not base64url"))?;
        if verified {
            Ok(())
        } else {
            Err(TokenVerificationError::new(
                TokenReason::TokenInvalidSignature,
                "the JWT signature does not verify",
            ))
        }
    }

    /// The accepted algorithm in the header.
    pub(crate) fn algorithm(&self) -> Result<Algorithm, TokenVerificationError> {
        let alg = self.header.alg.as_deref().unwrap_or("");
        Algorithm::from_header(alg).ok_or_else(|| {
            TokenVerificationError::new(
                TokenReason::TokenInvalidAlgorithm,
                format!("the algorithm {alg:?} is not accepted; RS256, RS384 and RS512 are"),
            )
        })
    }

    /// `sub` and `iat`, unverified; empty when the payload does not decode.
    pub(crate) fn peek_claims(&self) -> PeekedClaims {
        base64url(self.payload)
            .and_then(|json| serde_json::from_slice(&json).ok())
            .unwrap_or_default()
    }

    /// The payload as JSON text.
    pub(crate) fn payload_json(&self) -> Result<String, TokenVerificationError> {
        let bytes =
            base64url(self.payload).ok_or_else(|| invalid("the JWT payload is not base64url"))?;
        String::from_utf8(bytes).map_err(|_| invalid("the JWT payload is not UTF-8"))
    }
}

/// Checks `exp`, `nbf` and `iat` (Unix seconds) against `now_ms`, allowing `skew_ms` either
/// way, in milliseconds as Clerk's SDK does: expired when `exp` is at or before now − skew; not
/// yet valid when `nbf`, or `iat`, is after now + skew.
pub(crate) fn check_times(
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    now_ms: i64,
    skew_ms: i64,
) -> Result<(), TokenVerificationError> {
    let exp = exp.ok_or_else(|| {
        TokenVerificationError::new(
            TokenReason::TokenVerificationFailed,
            "the `exp` claim is required and must be a number",
        )
    })?;
    let at = |secs: i64| secs.saturating_mul(1000);
    if at(exp) <= now_ms.saturating_sub(skew_ms) {
        return Err(TokenVerificationError::new(
            TokenReason::TokenExpired,
            format!(
                "the token expired at {exp} (now {})",
                now_ms.div_euclid(1000)
            ),
        ));
    }
    if let Some(nbf) = nbf
        && at(nbf) > now_ms.saturating_add(skew_ms)
    {
        return Err(TokenVerificationError::new(
            TokenReason::TokenNotActiveYet,
            format!(
                "the token is not valid before {nbf} (now {})",
                now_ms.div_euclid(1000)
            ),
        ));
    }
    if let Some(iat) = iat
        && at(iat) > now_ms.saturating_add(skew_ms)
    {
        return Err(TokenVerificationError::new(
            TokenReason::TokenIatInTheFuture,
            format!(
                "the token was issued in the future, at {iat} (now {})",
                now_ms.div_euclid(1000)
            ),
        ));
    }
    Ok(())
}

/// Whether a token's `cat` header lets it pass as `category`: no category, the category
/// itself, or the "ignore" category that stands for any.
pub(crate) fn category_is(cat: Option<&str>, category: &str) -> bool {
    match cat {
        None => true,
        Some(cat) => cat == category || cat == IGNORE_TOKEN_CATEGORY,
    }
}
