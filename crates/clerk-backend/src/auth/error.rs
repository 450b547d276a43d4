//! Why a token was refused, with Clerk's reason strings.

use std::fmt;

/// The reason a token was refused, as the strings Clerk's own SDKs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenReason {
    /// `token-expired`: `exp` is in the past (beyond the clock skew).
    TokenExpired,
    /// `token-invalid`: not a well-formed JWT, or a required claim is missing or malformed.
    TokenInvalid,
    /// `token-invalid-algorithm`: `alg` is not RS256, RS384 or RS512.
    TokenInvalidAlgorithm,
    /// `token-invalid-authorized-parties`: `azp` is missing or not an authorized party.
    TokenInvalidAuthorizedParties,
    /// `token-invalid-signature`: the signature does not match.
    TokenInvalidSignature,
    /// `token-not-active-yet`: `nbf` is in the future (beyond the clock skew).
    TokenNotActiveYet,
    /// `token-iat-in-the-future`: `iat` is in the future (beyond the clock skew).
    TokenIatInTheFuture,
    /// `token-verification-failed`: a configured check (audience, issuer, pending session)
    /// failed, or verification could not run.
    TokenVerificationFailed,
    /// `token-type-mismatch`: a token of another kind than the ones accepted (a machine token
    /// on the session path, an M2M category, ...).
    TokenTypeMismatch,
    /// `secret-key-invalid`: the Backend API refused the secret key while loading keys.
    SecretKeyInvalid,
    /// `jwk-local-missing`: no networkless key was configured.
    JwkLocalMissing,
    /// `jwk-remote-failed-to-load`: the JWKS could not be fetched.
    JwkRemoteFailedToLoad,
    /// `jwk-remote-invalid`: the JWKS (or the key for this `kid`) is not valid.
    JwkRemoteInvalid,
    /// `jwk-remote-missing`: the JWKS has no keys.
    JwkRemoteMissing,
    /// `jwk-failed-to-resolve`: no key could be found for the token.
    JwkFailedToResolve,
    /// `jwk-kid-mismatch`: no key has the token's `kid`.
    JwkKidMismatch,
}

impl TokenReason {
    /// Clerk's string for this reason.
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenReason::TokenExpired => "token-expired",
            TokenReason::TokenInvalid => "token-invalid",
            TokenReason::TokenInvalidAlgorithm => "token-invalid-algorithm",
            TokenReason::TokenInvalidAuthorizedParties => "token-invalid-authorized-parties",
            TokenReason::TokenInvalidSignature => "token-invalid-signature",
            TokenReason::TokenNotActiveYet => "token-not-active-yet",
            TokenReason::TokenIatInTheFuture => "token-iat-in-the-future",
            TokenReason::TokenVerificationFailed => "token-verification-failed",
            TokenReason::TokenTypeMismatch => "token-type-mismatch",
            TokenReason::SecretKeyInvalid => "secret-key-invalid",
            TokenReason::JwkLocalMissing => "jwk-local-missing",
            TokenReason::JwkRemoteFailedToLoad => "jwk-remote-failed-to-load",
            TokenReason::JwkRemoteInvalid => "jwk-remote-invalid",
            TokenReason::JwkRemoteMissing => "jwk-remote-missing",
            TokenReason::JwkFailedToResolve => "jwk-failed-to-resolve",
            TokenReason::JwkKidMismatch => "jwk-kid-mismatch",
        }
    }
}

impl fmt::Display for TokenReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A token that did not verify: the reason and a message. Neither lists the keys the
/// verifier knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenVerificationError {
    reason: TokenReason,
    message: String,
}

impl TokenVerificationError {
    pub(crate) fn new(reason: TokenReason, message: impl Into<String>) -> Self {
        TokenVerificationError {
            reason,
            message: message.into(),
        }
    }

    /// Why the token was refused.
    pub fn reason(&self) -> TokenReason {
        self.reason
    }

    /// A human-readable explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TokenVerificationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason, self.message)
    }
}

impl std::error::Error for TokenVerificationError {}
