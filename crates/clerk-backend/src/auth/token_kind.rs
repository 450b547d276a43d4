//! [`TokenKind`]: which kind of token a request carries.

use serde::Serialize;

/// The kinds of tokens a request can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum TokenKind {
    /// A session token (JWT) from a signed-in browser or app.
    SessionToken,
    /// An API key (`ak_...`), verified through the Backend API.
    ApiKey,
    /// A machine-to-machine token: opaque (`mt_...`, verified through the Backend API) or a
    /// JWT whose `sub` is a machine (`mch_...`, verified locally).
    M2mToken,
    /// An OAuth access token: opaque (`oat_...`, verified through the Backend API) or a JWT
    /// of type `at+jwt` (verified locally).
    OAuthToken,
}

impl TokenKind {
    /// Clerk's name for the kind.
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenKind::SessionToken => "session_token",
            TokenKind::ApiKey => "api_key",
            TokenKind::M2mToken => "m2m_token",
            TokenKind::OAuthToken => "oauth_token",
        }
    }
}
