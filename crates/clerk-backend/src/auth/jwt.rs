//! Reading a JWT: its three parts, its header, its payload, its signature and its time claims.
//! Shared by the session-token verifier and request authentication, and depending on neither.

use std::time::{SystemTime, UNIX_EPOCH};

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

/// The longest token looked at. Session tokens fit in a cookie (4 KB); anything far larger is
/// refused before any decoding, so a huge token costs nothing.
pub const MAX_TOKEN_LENGTH: usize = 64 * 1024;

pub(crate) fn invalid(message: impl Into<String>) -> TokenVerificationError {
    TokenVerificationError::new(TokenReason::TokenInvalid, message)
}

pub(crate) fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
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
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("a JWT has three parts separated by dots"));
    };
    let header_json = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| invalid("the JWT header is not base64url"))?;
    let header: Header = serde_json::from_slice(&header_json)
        .map_err(|_| invalid("the JWT header is not a JSON object"))?;
    let signing_input = &token[..header_len(token)];
    Ok(Jwt {
        header,
        signing_input,
        payload,
        signature,
    })
}

/// The length of `header.payload`.
fn header_len(token: &str) -> usize {
    token.rfind('.').unwrap_or(token.len())
}

/// Decodes a token's payload without checking anything, to tell what kind of token it is.
pub(crate) fn peek_payload(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

impl Jwt<'_> {
    /// Checks `typ` and `alg`, then the signature with the key.
    pub(crate) fn check_signature(
        &self,
        key: &RsaPublicKey,
        accepted_typ: &[&str],
    ) -> Result<(), TokenVerificationError> {
        if let Some(typ) = &self.header.typ
            && !accepted_typ.iter().any(|t| typ.eq_ignore_ascii_case(t))
        {
            return Err(invalid(format!("unexpected JWT type {typ:?}")));
        }
        let alg = self.algorithm()?;
        let signature = URL_SAFE_NO_PAD
            .decode(self.signature)
            .map_err(|_| invalid("the JWT signature is not base64url"))?;
        if key.verify(alg, self.signing_input.as_bytes(), &signature) {
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

    /// The payload as JSON text.
    pub(crate) fn payload_json(&self) -> Result<String, TokenVerificationError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(self.payload)
            .map_err(|_| invalid("the JWT payload is not base64url"))?;
        String::from_utf8(bytes).map_err(|_| invalid("the JWT payload is not UTF-8"))
    }
}

/// Checks `exp`, `nbf` and `iat` against now, allowing `skew` seconds either way.
pub(crate) fn check_times(
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    now: i64,
    skew: i64,
) -> Result<(), TokenVerificationError> {
    let exp = exp.ok_or_else(|| invalid("the `exp` claim is required"))?;
    if exp <= now.saturating_sub(skew) {
        return Err(TokenVerificationError::new(
            TokenReason::TokenExpired,
            format!("the token expired at {exp} (now {now})"),
        ));
    }
    if let Some(nbf) = nbf
        && nbf > now.saturating_add(skew)
    {
        return Err(TokenVerificationError::new(
            TokenReason::TokenNotActiveYet,
            format!("the token is not valid before {nbf} (now {now})"),
        ));
    }
    if let Some(iat) = iat
        && iat > now.saturating_add(skew)
    {
        return Err(TokenVerificationError::new(
            TokenReason::TokenIatInTheFuture,
            format!("the token was issued in the future, at {iat} (now {now})"),
        ));
    }
    Ok(())
}
