//! Authenticating an incoming request: find its token, tell its kind, verify it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::claims::SessionClaims;
use super::error::{TokenReason, TokenVerificationError};
use super::jwt::{M2M_TOKEN_CATEGORY, check_times, now_secs, parse, peek_payload};
use super::token_kind::TokenKind;
use super::verifier::TokenVerifier;
use crate::models::OAuthAccessTokenVerification;

/// The longest opaque machine token sent to Clerk for verification.
const MAX_OPAQUE_TOKEN_LENGTH: usize = 256;

/// A verified machine token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MachineAuth {
    /// Which kind of token it was.
    pub kind: TokenKind,
    /// The token's id (`ak_...`, `mt_...`, `oat_...`), when known.
    pub id: Option<String>,
    /// Who it acts for: a user, an organization or a machine.
    pub subject: String,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// Custom claims attached to it.
    pub claims: Option<Value>,
    /// The API key's name.
    pub name: Option<String>,
    /// The OAuth client the token was issued to.
    pub client_id: Option<String>,
}

/// Why a request is signed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedOut {
    /// The request carried no token.
    NoToken,
    /// The token was refused.
    Invalid(TokenVerificationError),
}

/// The outcome of authenticating a request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AuthState {
    /// A signed-in session.
    Session(Arc<SessionClaims>),
    /// A machine (API key, M2M or OAuth token).
    Machine(Arc<MachineAuth>),
    /// Nobody: no token, or a refused one.
    SignedOut(SignedOut),
}

impl AuthState {
    /// Whether a session or machine is signed in.
    pub fn is_signed_in(&self) -> bool {
        !matches!(self, AuthState::SignedOut(_))
    }

    /// The session's claims, when a session is signed in.
    pub fn session(&self) -> Option<&Arc<SessionClaims>> {
        match self {
            AuthState::Session(c) => Some(c),
            _ => None,
        }
    }

    /// The signed-in user's id (the session's `sub`, or a machine token's user subject).
    pub fn user_id(&self) -> Option<&str> {
        match self {
            AuthState::Session(c) => Some(&c.sub),
            AuthState::Machine(m) if m.subject.starts_with("user_") => Some(&m.subject),
            _ => None,
        }
    }

    /// Why the request is signed out, when it is and a token was refused.
    pub fn error(&self) -> Option<&TokenVerificationError> {
        match self {
            AuthState::SignedOut(SignedOut::Invalid(e)) => Some(e),
            _ => None,
        }
    }
}

/// The tokens a request carries, in the order to try them: `Authorization: Bearer <token>`
/// (or a bare token) alone when present; otherwise the session cookies, suffixed ones
/// (`__session_<suffix>`, set when several Clerk apps share a domain) before `__session`.
/// Other schemes (Basic, ...) are ignored.
pub fn tokens_from_headers(headers: &http::HeaderMap) -> Vec<&str> {
    let bearer = headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|value| {
            let value = value.trim();
            match value.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => Some(rest.trim()),
                Some(_) => None,
                None => Some(value),
            }
        });
    if let Some(token) = bearer.filter(|t| !t.is_empty()) {
        return vec![token];
    }
    let cookies = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(_, value)| !value.is_empty());
    let (mut suffixed, mut plain) = (Vec::new(), Vec::new());
    for (name, value) in cookies {
        if name == "__session" {
            plain.push(value);
        } else if name
            .strip_prefix("__session_")
            .is_some_and(|s| !s.is_empty())
        {
            suffixed.push(value);
        }
    }
    suffixed.extend(plain);
    // A handful is plenty; more is someone probing.
    suffixed.truncate(MAX_COOKIE_CANDIDATES);
    suffixed
}

/// The most session cookies of one request that are tried.
const MAX_COOKIE_CANDIDATES: usize = 4;

/// The first token [`tokens_from_headers`] would try.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<&str> {
    tokens_from_headers(headers).into_iter().next()
}

/// What kind of token this is, from its form alone (nothing is verified).
pub fn classify_token(token: &str) -> TokenKind {
    if token.starts_with("ak_") {
        return TokenKind::ApiKey;
    }
    if token.starts_with("mt_") {
        return TokenKind::M2mToken;
    }
    if token.starts_with("oat_") {
        return TokenKind::OAuthToken;
    }
    if let Ok(jwt) = parse(token) {
        if jwt
            .header
            .typ
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("at+jwt"))
        {
            return TokenKind::OAuthToken;
        }
        if jwt.header.cat.as_deref() == Some(M2M_TOKEN_CATEGORY) {
            return TokenKind::M2mToken;
        }
        if peek_payload(token)
            .and_then(|p| p.get("sub")?.as_str().map(|s| s.starts_with("mch_")))
            .unwrap_or(false)
        {
            return TokenKind::M2mToken;
        }
    }
    TokenKind::SessionToken
}

fn mismatch(kind: TokenKind, accepted: &[TokenKind]) -> TokenVerificationError {
    let names: Vec<&str> = accepted.iter().map(TokenKind::as_str).collect();
    TokenVerificationError::new(
        TokenReason::TokenTypeMismatch,
        format!(
            "a {} was sent where {} is accepted",
            kind.as_str(),
            names.join(" or ")
        ),
    )
}

#[derive(Deserialize)]
struct MachineClaims {
    sub: String,
    #[serde(default)]
    jti: Option<String>,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    scopes: Option<Value>,
    #[serde(default)]
    client_id: Option<String>,
}

/// The answer of the Backend API's machine-token verify endpoints (the fields they share).
/// What the three verify endpoints say of a machine token, in one shape.
#[derive(Default)]
struct VerifiedMachineToken {
    id: Option<String>,
    subject: Option<String>,
    scopes: Option<Vec<String>>,
    claims: Option<Value>,
    name: Option<String>,
    client_id: Option<String>,
    revoked: bool,
    expired: bool,
    /// `false` for an expired OAuth JWT (the endpoint's other answer shape).
    active: Option<bool>,
}

impl TokenVerifier {
    /// Authenticates a request from its head: finds the token (header first, then cookie),
    /// checks its kind is accepted (session tokens only, unless the builder's `accepts` says
    /// otherwise), and verifies it.
    ///
    /// ```no_run
    /// # async fn run(verifier: clerk_backend::auth::TokenVerifier, parts: http::request::Parts) {
    /// use clerk_backend::auth::AuthState;
    ///
    /// match verifier.authenticate_request(&parts).await {
    ///     AuthState::Session(claims) => println!("signed in as {}", claims.sub),
    ///     AuthState::SignedOut(why) => println!("signed out: {why:?}"),
    ///     other => println!("{other:?}"),
    /// }
    /// # }
    /// ```
    pub async fn authenticate_request(&self, parts: &http::request::Parts) -> AuthState {
        self.authenticate_headers(&parts.headers).await
    }

    /// [`TokenVerifier::authenticate_request`] from the headers alone.
    pub async fn authenticate_headers(&self, headers: &http::HeaderMap) -> AuthState {
        // With several session cookies (apps sharing a domain), the first that verifies wins;
        // if none does, the first one's reason is reported.
        let mut first_failure = None;
        for token in tokens_from_headers(headers) {
            match self.authenticate_token(token).await {
                AuthState::SignedOut(why) => {
                    first_failure.get_or_insert(AuthState::SignedOut(why));
                }
                signed_in => return signed_in,
            }
        }
        first_failure.unwrap_or(AuthState::SignedOut(SignedOut::NoToken))
    }

    /// Verifies a token of any accepted kind.
    pub async fn authenticate_token(&self, token: &str) -> AuthState {
        let kind = classify_token(token);
        if !self.accepted().contains(&kind) {
            return AuthState::SignedOut(SignedOut::Invalid(mismatch(kind, self.accepted())));
        }
        let outcome = match kind {
            TokenKind::SessionToken => self
                .verify_session_token(token)
                .await
                .map(AuthState::Session),
            _ => self
                .verify_machine_token(token, kind)
                .await
                .map(|m| AuthState::Machine(Arc::new(m))),
        };
        outcome.unwrap_or_else(|e| AuthState::SignedOut(SignedOut::Invalid(e)))
    }

    /// Verifies an API key, M2M token or OAuth access token.
    pub async fn verify_machine_token(
        &self,
        token: &str,
        kind: TokenKind,
    ) -> Result<MachineAuth, TokenVerificationError> {
        let opaque = ["ak_", "mt_", "oat_"].iter().any(|p| token.starts_with(p));
        if opaque {
            self.verify_opaque(token, kind).await
        } else {
            self.verify_machine_jwt(token, kind).await
        }
    }

    async fn verify_machine_jwt(
        &self,
        token: &str,
        kind: TokenKind,
    ) -> Result<MachineAuth, TokenVerificationError> {
        let jwt = parse(token)?;
        jwt.algorithm()?;
        let key = self.key_for(&jwt).await?;
        let accepted_typ: &[&str] = if kind == TokenKind::OAuthToken {
            &["at+jwt", "JWT"]
        } else {
            &["JWT"]
        };
        jwt.check_signature(&key, accepted_typ)?;
        let payload = jwt.payload_json()?;
        let claims: MachineClaims = serde_json::from_str(&payload).map_err(|e| {
            TokenVerificationError::new(
                TokenReason::TokenInvalid,
                format!("the claims are not valid: {e}"),
            )
        })?;
        check_times(claims.exp, claims.nbf, claims.iat, now_secs(), self.skew())?;
        let scopes = match (&claims.scope, &claims.scopes) {
            (Some(s), _) => s.split_whitespace().map(str::to_owned).collect(),
            (None, Some(Value::Array(list))) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            (None, Some(Value::String(s))) => s
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let all: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
        Ok(MachineAuth {
            kind,
            id: claims.jti,
            subject: claims.sub,
            scopes,
            claims: Some(all),
            name: None,
            client_id: claims.client_id,
        })
    }

    async fn verify_opaque(
        &self,
        token: &str,
        kind: TokenKind,
    ) -> Result<MachineAuth, TokenVerificationError> {
        // Opaque tokens are short and plain; anything else is refused without asking Clerk.
        let well_formed = token.len() <= MAX_OPAQUE_TOKEN_LENGTH
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !well_formed {
            return Err(TokenVerificationError::new(
                TokenReason::TokenInvalid,
                format!("the {} is not well formed", kind.as_str()),
            ));
        }
        let Some(clerk) = self.clerk() else {
            return Err(TokenVerificationError::new(
                TokenReason::TokenVerificationFailed,
                "verifying machine tokens needs a Clerk client (TokenVerifierBuilder::clerk)",
            ));
        };
        // No retries: a caller could otherwise spend the instance's rate limit many times over.
        let none = crate::RetryPolicy::none;
        let answer = match kind {
            TokenKind::ApiKey => clerk
                .api_keys()
                .verify(token)
                .retry_policy(none())
                .await
                .map(|k| VerifiedMachineToken {
                    id: Some(k.id),
                    subject: Some(k.subject),
                    scopes: Some(k.scopes),
                    claims: k.claims,
                    name: Some(k.name),
                    client_id: None,
                    revoked: k.revoked,
                    expired: k.expired,
                    active: None,
                }),
            TokenKind::M2mToken => clerk
                .m2m()
                .verify_token(token)
                .retry_policy(none())
                .await
                .map(|t| VerifiedMachineToken {
                    id: Some(t.id),
                    subject: Some(t.subject),
                    scopes: t.scopes,
                    claims: t.claims,
                    name: None,
                    client_id: None,
                    revoked: t.revoked,
                    expired: t.expired,
                    active: None,
                }),
            _ => clerk
                .oauth_access_tokens()
                .verify()
                .access_token(token)
                .retry_policy(none())
                .await
                .map(|answer| match answer {
                    OAuthAccessTokenVerification::IdpOAuthAccessToken(t) => VerifiedMachineToken {
                        id: Some(t.id),
                        subject: Some(t.subject),
                        scopes: Some(t.scopes),
                        claims: None,
                        name: None,
                        client_id: Some(t.client_id),
                        revoked: t.revoked,
                        expired: t.expired,
                        active: None,
                    },
                    // `{"active": false}`, or a shape this SDK does not know: not a live token.
                    _ => VerifiedMachineToken {
                        active: Some(false),
                        ..VerifiedMachineToken::default()
                    },
                }),
        }
        .map_err(|e| {
            let reason = if e.is_not_found() || e.status().is_some_and(|s| s.as_u16() == 400) {
                TokenReason::TokenInvalid
            } else if e.is_unauthorized() {
                TokenReason::SecretKeyInvalid
            } else {
                TokenReason::TokenVerificationFailed
            };
            TokenVerificationError::new(
                reason,
                format!("the {} was not verified: {e}", kind.as_str()),
            )
        })?;
        if answer.revoked {
            return Err(TokenVerificationError::new(
                TokenReason::TokenInvalid,
                format!("the {} is revoked", kind.as_str()),
            ));
        }
        if answer.expired || answer.active == Some(false) {
            return Err(TokenVerificationError::new(
                TokenReason::TokenExpired,
                format!("the {} is expired", kind.as_str()),
            ));
        }
        Ok(MachineAuth {
            kind,
            id: answer.id,
            subject: answer.subject.unwrap_or_default(),
            scopes: answer.scopes.unwrap_or_default(),
            claims: answer.claims,
            name: answer.name,
            client_id: answer.client_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn the_header_wins_over_cookies_and_other_schemes_are_ignored() {
        assert_eq!(
            token_from_headers(&headers(&[
                ("authorization", "Bearer abc"),
                ("cookie", "__session=xyz")
            ])),
            Some("abc")
        );
        assert_eq!(
            token_from_headers(&headers(&[("authorization", "bearer  abc ")])),
            Some("abc")
        );
        assert_eq!(
            token_from_headers(&headers(&[("authorization", "abc")])),
            Some("abc")
        );
        assert_eq!(
            token_from_headers(&headers(&[
                ("authorization", "Basic dXNlcg=="),
                ("cookie", "__session=xyz")
            ])),
            Some("xyz")
        );
        assert_eq!(
            token_from_headers(&headers(&[("authorization", "Basic dXNlcg==")])),
            None
        );
        assert_eq!(
            token_from_headers(&headers(&[(
                "cookie",
                "a=1; __session_Abc123=suffixed; b=2"
            )])),
            Some("suffixed")
        );
        assert_eq!(
            tokens_from_headers(&headers(&[("cookie", "__session_Abc=s; __session=plain")])),
            ["s", "plain"]
        );
        assert_eq!(
            token_from_headers(&headers(&[("cookie", "__session=; __client_uat=1")])),
            None
        );
        assert_eq!(token_from_headers(&headers(&[])), None);
    }

    #[test]
    fn kinds_are_told_by_form() {
        assert_eq!(
            classify_token("ak_0123456789abcdef0123456789abcdef"),
            TokenKind::ApiKey
        );
        assert_eq!(classify_token("mt_0123"), TokenKind::M2mToken);
        assert_eq!(classify_token("oat_0123"), TokenKind::OAuthToken);
        assert_eq!(classify_token("garbage"), TokenKind::SessionToken);
    }
}
