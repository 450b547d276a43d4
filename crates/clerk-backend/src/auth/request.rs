//! Authenticating an incoming request: find its token, tell its kind, verify it; for the
//! session cookies, decide signed in, signed out or "needs refresh" as Clerk's backend SDK does
//! (JSB `tokens/request.ts`, `tokens/authenticateContext.ts`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::claims::SessionClaims;
use super::error::{TokenReason, TokenVerificationError};
use super::jwt::{Jwt, M2M_TOKEN_CATEGORY, PeekedClaims, category_is, check_times, parse};
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
    /// The request carried no token: no `Authorization`, no `__session`, and no signed-in
    /// client (`__client_uat` absent or `0`).
    NoToken,
    /// The token was refused.
    Invalid(TokenVerificationError),
}

impl SignedOut {
    /// Clerk's reason string: `session-token-and-uat-missing`, or the token's
    /// (`token-invalid-signature`, ...).
    pub fn reason(&self) -> &'static str {
        match self {
            SignedOut::NoToken => "session-token-and-uat-missing",
            SignedOut::Invalid(e) => e.reason().as_str(),
        }
    }
}

/// Why a request's session cookies need a refresh before they can be judged: the browser
/// holds a session, but its `__session` cookie is missing, stale or out of its time window.
/// The frontend should get a fresh token (Clerk's frontend SDK does so on its own, every
/// minute and on focus) and retry; see the README's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefreshReason {
    /// `session-token-but-no-client-uat`: a `__session` without `__client_uat` (or with `0`).
    SessionTokenWithoutClientUat,
    /// `client-uat-but-no-session-token`: a signed-in client without a `__session`.
    ClientUatWithoutSessionToken,
    /// `session-token-iat-before-client-uat`: the token predates the client's last session
    /// change (a sign-out or switch in another tab).
    SessionTokenIatBeforeClientUat,
    /// `session-token-expired`.
    SessionTokenExpired,
    /// `session-token-nbf`: not valid yet.
    SessionTokenNotActiveYet,
    /// `session-token-iat-in-the-future`.
    SessionTokenIatInTheFuture,
}

impl RefreshReason {
    /// Clerk's reason string.
    pub fn as_str(&self) -> &'static str {
        match self {
            RefreshReason::SessionTokenWithoutClientUat => "session-token-but-no-client-uat",
            RefreshReason::ClientUatWithoutSessionToken => "client-uat-but-no-session-token",
            RefreshReason::SessionTokenIatBeforeClientUat => "session-token-iat-before-client-uat",
            RefreshReason::SessionTokenExpired => "session-token-expired",
            RefreshReason::SessionTokenNotActiveYet => "session-token-nbf",
            RefreshReason::SessionTokenIatInTheFuture => "session-token-iat-in-the-future",
        }
    }
}

impl std::fmt::Display for RefreshReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    /// The session cookies cannot be judged until the frontend refreshes them; not signed in
    /// for now, and not "invalid" either.
    NeedsRefresh(RefreshReason),
}

impl AuthState {
    /// Whether a session or machine is signed in.
    pub fn is_signed_in(&self) -> bool {
        matches!(self, AuthState::Session(_) | AuthState::Machine(_))
    }

    /// Why the session cookies need a refresh, when they do.
    pub fn needs_refresh(&self) -> Option<RefreshReason> {
        match self {
            AuthState::NeedsRefresh(r) => Some(*r),
            _ => None,
        }
    }

    /// Clerk's reason string when not signed in (`session-token-expired`,
    /// `token-invalid-signature`, `session-token-and-uat-missing`, ...).
    pub fn reason(&self) -> Option<&'static str> {
        match self {
            AuthState::SignedOut(why) => Some(why.reason()),
            AuthState::NeedsRefresh(r) => Some(r.as_str()),
            _ => None,
        }
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
    if let Some(token) = authorization_token(headers) {
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

/// The suffix of an instance's cookies (`__session_<suffix>`): the first 8 characters of the
/// URL-safe base64 of the SHA-1 of its publishable key, the rule of Clerk's shared package
/// (JSS `keys.ts`, `getCookieSuffix`).
///
/// ```
/// assert_eq!(
///     clerk_backend::auth::cookie_suffix("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k"),
///     "l2OS3d9k"
/// );
/// ```
pub fn cookie_suffix(publishable_key: &str) -> String {
    use base64::Engine as _;
    let digest = aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        publishable_key.as_bytes(),
    );
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(digest.as_ref());
    encoded.chars().take(8).collect()
}

/// A request's `Authorization` token: `Bearer <token>` or a bare token; other schemes
/// (Basic, ...) are ignored.
fn authorization_token(headers: &http::HeaderMap) -> Option<&str> {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|value| {
            let value = value.trim();
            match value.split_once(' ') {
                Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => Some(rest.trim()),
                Some(_) => None,
                None => Some(value),
            }
        })
        .filter(|t| !t.is_empty())
}

/// The session-cookie pair a request carries: `__session` and `__client_uat`, or their
/// suffixed forms when the instance's suffix is known and either suffixed cookie is there.
/// One pass over the cookies; of repeated names the first counts, and an empty value is none.
fn session_cookies<'h>(
    headers: &'h http::HeaderMap,
    suffix: Option<&str>,
) -> (Option<&'h str>, i64) {
    const SESSION: usize = 0;
    const UAT: usize = 1;
    const SUFFIXED: usize = 2;
    let mut first: [Option<&str>; 4] = [None; 4];
    let values = headers.get_all(http::header::COOKIE).into_iter();
    for pair in values
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
    {
        let Some((name, value)) = pair.trim().split_once('=') else {
            continue;
        };
        let name = name.trim_end();
        let slot = match name {
            "__session" => SESSION,
            "__client_uat" => UAT,
            _ => match suffix {
                Some(s) if name.strip_prefix("__session_") == Some(s) => SUFFIXED + SESSION,
                Some(s) if name.strip_prefix("__client_uat_") == Some(s) => SUFFIXED + UAT,
                _ => continue,
            },
        };
        first[slot].get_or_insert(value.trim());
    }
    let present = |v: Option<&'h str>| v.filter(|v| !v.is_empty());
    let base = if present(first[SUFFIXED + SESSION]).is_some()
        || present(first[SUFFIXED + UAT]).is_some()
    {
        SUFFIXED
    } else {
        0
    };
    // Clerk reads `__client_uat` as whole seconds; anything else counts as 0 (signed out).
    let client_uat = present(first[base + UAT])
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v > 0)
        .unwrap_or(0);
    (present(first[base + SESSION]), client_uat)
}

/// The first token [`tokens_from_headers`] would try.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<&str> {
    tokens_from_headers(headers).into_iter().next()
}

/// A session cookie's verification as Clerk reads it: a token past its times needs a refresh,
/// any other failure is signed out.
fn cookie_outcome(verified: Result<Arc<SessionClaims>, TokenVerificationError>) -> AuthState {
    match verified {
        Ok(claims) => AuthState::Session(claims),
        Err(e) => match e.reason() {
            TokenReason::TokenExpired => {
                AuthState::NeedsRefresh(RefreshReason::SessionTokenExpired)
            }
            TokenReason::TokenNotActiveYet => {
                AuthState::NeedsRefresh(RefreshReason::SessionTokenNotActiveYet)
            }
            TokenReason::TokenIatInTheFuture => {
                AuthState::NeedsRefresh(RefreshReason::SessionTokenIatInTheFuture)
            }
            _ => AuthState::SignedOut(SignedOut::Invalid(e)),
        },
    }
}

/// What kind of token this is, from its form alone (nothing is verified).
pub fn classify_token(token: &str) -> TokenKind {
    peek(token).0
}

/// A token's kind and, for JWTs, its parts and unverified `sub`/`iat`: one decoding of the
/// header and payload for classification and the `__client_uat` comparison.
fn peek(token: &str) -> (TokenKind, Option<(Jwt<'_>, PeekedClaims)>) {
    if token.starts_with("ak_") {
        return (TokenKind::ApiKey, None);
    }
    if token.starts_with("mt_") {
        return (TokenKind::M2mToken, None);
    }
    if token.starts_with("oat_") {
        return (TokenKind::OAuthToken, None);
    }
    let Ok(jwt) = parse(token) else {
        return (TokenKind::SessionToken, None);
    };
    let claims = jwt.peek_claims();
    let kind = if jwt.header.typ.as_deref() == Some("at+jwt") {
        TokenKind::OAuthToken
    } else if jwt.header.cat.as_deref() == Some(M2M_TOKEN_CATEGORY) || claims.machine_subject() {
        TokenKind::M2mToken
    } else {
        TokenKind::SessionToken
    };
    (kind, Some((jwt, claims)))
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
    ///
    /// A token in `Authorization` is judged alone (cookies ignored): it verifies, or the
    /// request is signed out. Otherwise the session cookies decide, as Clerk's backend SDK does:
    ///
    /// | `__client_uat` | `__session` | Outcome |
    /// |---|---|---|
    /// | absent or `0` | absent | signed out (`session-token-and-uat-missing`) |
    /// | absent or `0` | present | needs refresh (`session-token-but-no-client-uat`) |
    /// | a time | absent | needs refresh (`client-uat-but-no-session-token`) |
    /// | a time | issued before it | needs refresh (`session-token-iat-before-client-uat`) |
    /// | a time | verifies | signed in |
    /// | a time | expired, or not valid yet | needs refresh (`session-token-expired`, ...) |
    /// | a time | any other failure | signed out, with the token's reason |
    ///
    /// With the publishable key configured, the instance's suffixed pair (`__session_<suffix>`,
    /// `__client_uat_<suffix>`) is read when either of them is there.
    pub async fn authenticate_headers(&self, headers: &http::HeaderMap) -> AuthState {
        if let Some(token) = authorization_token(headers) {
            return self.authenticate_token(token).await;
        }
        let (session, client_uat) = session_cookies(headers, self.cookie_suffix());
        let signed_in_client = client_uat > 0;
        let token = match (session, signed_in_client) {
            (None, false) => return AuthState::SignedOut(SignedOut::NoToken),
            (Some(_), false) => {
                return AuthState::NeedsRefresh(RefreshReason::SessionTokenWithoutClientUat);
            }
            (None, true) => {
                return AuthState::NeedsRefresh(RefreshReason::ClientUatWithoutSessionToken);
            }
            (Some(token), true) => token,
        };
        // A token verified before: its verified `iat` against `__client_uat`, then its times.
        if let Some((claims, times)) = self.cached_session_token(token) {
            if claims.iat.is_some_and(|iat| iat < client_uat) {
                return AuthState::NeedsRefresh(RefreshReason::SessionTokenIatBeforeClientUat);
            }
            return cookie_outcome(times.map(|()| claims));
        }
        // Clerk compares the (not yet verified) `iat` with `__client_uat` first.
        let kind = match peek(token) {
            (_, None) => match parse(token) {
                Err(e) => return AuthState::SignedOut(SignedOut::Invalid(e)),
                Ok(_) => TokenKind::SessionToken,
            },
            (kind, Some((_, claims))) => {
                if claims.iat().is_some_and(|iat| iat < client_uat) {
                    return AuthState::NeedsRefresh(RefreshReason::SessionTokenIatBeforeClientUat);
                }
                kind
            }
        };
        if kind != TokenKind::SessionToken {
            return AuthState::SignedOut(SignedOut::Invalid(mismatch(
                kind,
                &[TokenKind::SessionToken],
            )));
        }
        cookie_outcome(self.verify_session_token(token).await)
    }

    /// The cached claims of a token that authentication takes as a session token: one this
    /// verifier verified, without a machine's subject (those are classified as M2M tokens).
    fn cached_session_token(
        &self,
        token: &str,
    ) -> Option<(Arc<SessionClaims>, Result<(), TokenVerificationError>)> {
        self.cached_session(token, self.now_ms())
            .filter(|(claims, _)| !claims.sub.starts_with("mch_"))
    }

    /// Verifies a token of any accepted kind.
    pub async fn authenticate_token(&self, token: &str) -> AuthState {
        // A session token verified before is answered from the cache without classifying it
        // again: it passed every check that classification makes.
        if self.accepted().contains(&TokenKind::SessionToken)
            && let Some((claims, times)) = self.cached_session_token(token)
        {
            return match times {
                Ok(()) => AuthState::Session(claims),
                Err(e) => AuthState::SignedOut(SignedOut::Invalid(e)),
            };
        }
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
        if kind == TokenKind::M2mToken
            && !category_is(jwt.header.cat.as_deref(), M2M_TOKEN_CATEGORY)
        {
            return Err(mismatch(TokenKind::SessionToken, &[kind]));
        }
        let accepted_typ: &[&str] = if kind == TokenKind::OAuthToken {
            &["at+jwt", "JWT"]
        } else {
            &["JWT"]
        };
        self.check_signed(&jwt, accepted_typ).await?;
        let payload = jwt.payload_json()?;
        let claims: MachineClaims = serde_json::from_str(&payload).map_err(|e| {
            TokenVerificationError::new(
                TokenReason::TokenVerificationFailed,
                format!("the claims are not valid: {e}"),
            )
        })?;
        check_times(
            claims.exp,
            claims.nbf,
            claims.iat,
            self.now_ms(),
            self.skew_ms(),
        )?;
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
