//! [`TokenVerifier`]: checks session tokens the way Clerk's own SDK does, plus the fixes for
//! bugs other SDKs shipped, and remembers tokens it has already verified.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;

use super::claims::SessionClaims;
use super::error::{TokenReason, TokenVerificationError};
use super::jwks::JwksCache;
use super::jwt::{Clock, Jwt, SESSION_TOKEN_CATEGORY, category_is, check_times, ms, parse};
use super::keys::RsaPublicKey;
use super::token_kind::TokenKind;
use crate::Clerk;
use crate::models::SessionStatus;

/// The default clock skew allowed on `exp`, `nbf` and `iat`.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(5);
/// The default size of the verified-token cache.
pub const DEFAULT_TOKEN_CACHE_SIZE: usize = 10_000;

/// Where keys come from.
enum KeySource {
    /// A PEM public key: no network.
    Local(Arc<RsaPublicKey>),
    /// The instance's JWKS, cached.
    Remote(Arc<JwksCache>),
}

/// Settings for a [`TokenVerifier`]; from [`TokenVerifier::builder`].
#[derive(Debug, Clone)]
pub struct TokenVerifierBuilder {
    clerk: Option<Clerk>,
    jwt_key: Option<String>,
    authorized_parties: Vec<String>,
    audience: Vec<String>,
    issuer: Option<String>,
    clock_skew: Duration,
    accept_pending: bool,
    cache_size: usize,
    jwks_ttl: Duration,
    jwks_cooldown: Duration,
    accepts: Vec<TokenKind>,
    clock: Clock,
    publishable_key: Option<String>,
}

impl Default for TokenVerifierBuilder {
    fn default() -> Self {
        TokenVerifierBuilder {
            clerk: None,
            jwt_key: None,
            authorized_parties: Vec::new(),
            audience: Vec::new(),
            issuer: None,
            clock_skew: DEFAULT_CLOCK_SKEW,
            accept_pending: false,
            cache_size: DEFAULT_TOKEN_CACHE_SIZE,
            jwks_ttl: Duration::from_secs(300),
            jwks_cooldown: Duration::from_secs(300),
            accepts: vec![TokenKind::SessionToken],
            clock: Clock::system(),
            publishable_key: None,
        }
    }
}

impl TokenVerifierBuilder {
    /// Keys come from this client's instance (`GET /v1/jwks`), and machine tokens are
    /// verified through it.
    pub fn clerk(mut self, clerk: Clerk) -> Self {
        self.clerk = Some(clerk);
        self
    }

    /// Verify networkless with this PEM public key (the dashboard's "JWT public key",
    /// `CLERK_JWT_KEY`), with or without its armour lines.
    pub fn jwt_key(mut self, pem: impl Into<String>) -> Self {
        self.jwt_key = Some(pem.into());
        self
    }

    /// Only tokens whose `azp` is one of these origins pass; a token without `azp` fails.
    pub fn authorized_parties<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        parties: I,
    ) -> Self {
        self.authorized_parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// When a token has an `aud`, it must name one of these.
    pub fn audience<I: IntoIterator<Item = S>, S: Into<String>>(mut self, audience: I) -> Self {
        self.audience = audience.into_iter().map(Into::into).collect();
        self
    }

    /// The `iss` every token must have, exactly (off by default).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat` (default 5 s).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Whether sessions with tasks left (`sts: pending`) count as signed in (default no).
    pub fn accept_pending_sessions(mut self, accept: bool) -> Self {
        self.accept_pending = accept;
        self
    }

    /// The size of the verified-token cache (default 10,000; 0 turns it off).
    pub fn token_cache_size(mut self, entries: usize) -> Self {
        self.cache_size = entries;
        self
    }

    /// How long fetched keys are used before they are fetched again (default 5 minutes).
    pub fn jwks_cache_ttl(mut self, ttl: Duration) -> Self {
        self.jwks_ttl = ttl;
        self
    }

    /// The least time between refetches caused by unknown `kid`s (default 5 minutes).
    pub fn jwks_refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.jwks_cooldown = cooldown;
        self
    }

    /// Which kinds of tokens [`TokenVerifier::authenticate_request`] accepts (default: session
    /// tokens only). Machine tokens need [`TokenVerifierBuilder::clerk`] when opaque.
    pub fn accepts<I: IntoIterator<Item = TokenKind>>(mut self, kinds: I) -> Self {
        self.accepts = kinds.into_iter().collect();
        self
    }

    /// Where "now" comes from, for every time check (session tokens, machine JWTs, the
    /// verified-token cache): the system clock by default. Pin it to test expiry edges.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime, UNIX_EPOCH};
    /// # let pem = "";
    /// let at = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    /// let builder = clerk_backend::auth::TokenVerifier::builder().clock(move || at);
    /// # let _ = (builder, pem);
    /// ```
    pub fn clock(
        mut self,
        now: impl Fn() -> std::time::SystemTime + Send + Sync + 'static,
    ) -> Self {
        self.clock = Clock::custom(now);
        self
    }

    /// The instance's publishable key (`pk_test_...`, `CLERK_PUBLISHABLE_KEY`). Request
    /// authentication derives from it the suffix of the instance's own session cookies
    /// (`__session_<suffix>`, `__client_uat_<suffix>`), which browsers hold when several Clerk
    /// apps share a domain; without it only `__session` and `__client_uat` are read.
    pub fn publishable_key(mut self, key: impl Into<String>) -> Self {
        self.publishable_key = Some(key.into());
        self
    }

    /// Builds the verifier. Fails when neither a client nor a key is given, or the key does
    /// not parse.
    pub fn build(self) -> Result<TokenVerifier, TokenVerificationError> {
        let keys = match (&self.jwt_key, &self.clerk) {
            (Some(pem), _) => {
                KeySource::Local(Arc::new(RsaPublicKey::from_pem(pem).map_err(|e| {
                    TokenVerificationError::new(
                        TokenReason::JwkLocalMissing,
                        format!("CLERK_JWT_KEY: {e}"),
                    )
                })?))
            }
            (None, Some(clerk)) => KeySource::Remote(Arc::new(JwksCache::new(
                clerk.clone(),
                self.jwks_ttl,
                self.jwks_cooldown,
            ))),
            (None, None) => {
                return Err(TokenVerificationError::new(
                    TokenReason::JwkLocalMissing,
                    "a verifier needs a JWT public key (CLERK_JWT_KEY) or a Clerk client to fetch the JWKS",
                ));
            }
        };
        Ok(TokenVerifier {
            inner: Arc::new(Inner {
                keys,
                clerk: self.clerk,
                authorized_parties: self.authorized_parties,
                audience: self.audience,
                issuer: self.issuer,
                skew_ms: ms(self.clock_skew),
                accept_pending: self.accept_pending,
                cache: (self.cache_size > 0).then(|| TokenCache::new(self.cache_size)),
                accepts: self.accepts,
                clock: self.clock,
                cookie_suffix: self
                    .publishable_key
                    .as_deref()
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(super::request::cookie_suffix),
            }),
        })
    }
}

struct Inner {
    keys: KeySource,
    clerk: Option<Clerk>,
    authorized_parties: Vec<String>,
    audience: Vec<String>,
    issuer: Option<String>,
    skew_ms: i64,
    accept_pending: bool,
    cache: Option<TokenCache>,
    accepts: Vec<TokenKind>,
    clock: Clock,
    cookie_suffix: Option<String>,
}

/// Verifies Clerk session tokens. Cheap to clone; clones share keys and caches.
///
/// ```no_run
/// # async fn run(clerk: clerk_backend::Clerk, token: &str) -> Result<(), Box<dyn std::error::Error>> {
/// use clerk_backend::auth::TokenVerifier;
///
/// let verifier = TokenVerifier::builder()
///     .clerk(clerk)
///     .authorized_parties(["https://app.example.com"])
///     .build()?;
/// let claims = verifier.verify_session_token(token).await?;
/// println!("user {} in org {:?}", claims.sub, claims.org.as_ref().map(|o| &o.id));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TokenVerifier {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.inner;
        f.debug_struct("TokenVerifier")
            .field(
                "keys",
                &match i.keys {
                    KeySource::Local(_) => "networkless",
                    KeySource::Remote(_) => "jwks",
                },
            )
            .field("authorized_parties", &i.authorized_parties)
            .field("audience", &i.audience)
            .field("issuer", &i.issuer)
            .field("clock_skew_ms", &i.skew_ms)
            .field("clock", &i.clock)
            .field("cookie_suffix", &i.cookie_suffix)
            .field("accept_pending_sessions", &i.accept_pending)
            .field("token_cache", &i.cache.as_ref().map(|c| c.capacity))
            .field("accepts", &i.accepts)
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct AudienceOnly {
    #[serde(default)]
    aud: Option<Audience>,
}

impl TokenVerifier {
    /// Settings for a verifier.
    pub fn builder() -> TokenVerifierBuilder {
        TokenVerifierBuilder::default()
    }

    /// A verifier with the defaults, using this client's instance's JWKS.
    pub fn new(clerk: &Clerk) -> TokenVerifier {
        // Infallible: a client is a key source.
        TokenVerifier::builder()
            .clerk(clerk.clone())
            .build()
            .unwrap_or_else(|_| unreachable!())
    }

    /// A verifier from the environment: networkless with `CLERK_JWT_KEY` when it is set,
    /// else with the JWKS of `CLERK_SECRET_KEY`'s instance (see [`Clerk::from_env`]).
    /// `CLERK_PUBLISHABLE_KEY`, when set, names the instance's suffixed session cookies (see
    /// [`TokenVerifierBuilder::publishable_key`]).
    pub fn from_env() -> Result<TokenVerifier, TokenVerificationError> {
        let mut builder = TokenVerifier::builder();
        if let Some(pk) = std::env::var("CLERK_PUBLISHABLE_KEY")
            .ok()
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
        {
            builder = builder.publishable_key(pk);
        }
        let pem = std::env::var("CLERK_JWT_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty());
        // The client, when there is one, also verifies machine tokens.
        match (Clerk::from_env(), &pem) {
            (Ok(clerk), _) => builder = builder.clerk(clerk),
            (Err(e), None) => {
                return Err(TokenVerificationError::new(
                    TokenReason::JwkLocalMissing,
                    format!("set CLERK_JWT_KEY or CLERK_SECRET_KEY: {e}"),
                ));
            }
            (Err(_), Some(_)) => {}
        }
        if let Some(pem) = pem {
            builder = builder.jwt_key(pem);
        }
        builder.build()
    }

    /// A networkless verifier with this PEM public key.
    pub fn from_pem(pem: &str) -> Result<TokenVerifier, TokenVerificationError> {
        TokenVerifier::builder().jwt_key(pem).build()
    }

    /// The key for a token: the local one, or the JWKS entry for its `kid`.
    pub(crate) async fn key_for(
        &self,
        jwt: &Jwt<'_>,
    ) -> Result<Arc<RsaPublicKey>, TokenVerificationError> {
        match &self.inner.keys {
            KeySource::Local(key) => Ok(key.clone()),
            KeySource::Remote(cache) => cache.key(jwt.header.kid.as_deref()).await,
        }
    }

    /// The clock skew, in milliseconds.
    pub(crate) fn skew_ms(&self) -> i64 {
        self.inner.skew_ms
    }

    /// Now, in milliseconds, from the verifier's clock.
    pub(crate) fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// The suffix of the instance's own cookies, from its publishable key.
    pub(crate) fn cookie_suffix(&self) -> Option<&str> {
        self.inner.cookie_suffix.as_deref()
    }

    pub(crate) fn clerk(&self) -> Option<&Clerk> {
        self.inner.clerk.as_ref()
    }

    pub(crate) fn accepted(&self) -> &[TokenKind] {
        &self.inner.accepts
    }

    /// Verifies a session token and returns its claims.
    ///
    /// Checks, in the order Clerk's SDK does: three base64url parts and a JSON header; the
    /// `cat` header, when present, is the session category (or the "ignore" category that
    /// passes as any); the key (the PEM key, or the JWKS entry for the token's `kid`); `typ`,
    /// when present, is exactly `JWT`; `alg` RS256/384/512; the signature (before any claim is
    /// trusted); the claims' types (`sub` a string, `exp` a number, `nbf` and `iat` numbers when
    /// present); `aud` and `iss` when configured; `azp` when authorized parties are configured;
    /// `exp`, `nbf` and `iat` against the verifier's clock with the skew; a pending session
    /// unless accepted.
    ///
    /// A token verified before by this verifier is answered from its cache after checking
    /// only the time claims.
    pub async fn verify_session_token(
        &self,
        token: &str,
    ) -> Result<Arc<SessionClaims>, TokenVerificationError> {
        let now_ms = self.now_ms();
        if let Some((claims, times)) = self.cached_session(token, now_ms) {
            return times.map(|()| claims);
        }
        let claims = Arc::new(self.verify_uncached(token, now_ms).await?);
        if let Some(cache) = &self.inner.cache {
            cache.insert(token, claims.clone(), now_ms.div_euclid(1000));
        }
        Ok(claims)
    }

    /// A session token this verifier verified before, when its cache holds it: the claims, and
    /// whether they are still within their times now (an entry past them leaves the cache).
    pub(crate) fn cached_session(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Option<(Arc<SessionClaims>, Result<(), TokenVerificationError>)> {
        let cache = self.inner.cache.as_ref()?;
        let claims = cache.get(token)?;
        let times = check_times(
            Some(claims.exp),
            claims.nbf,
            claims.iat,
            now_ms,
            self.inner.skew_ms,
        );
        if times.is_err() {
            cache.remove(token);
        }
        Some((claims, times))
    }

    /// The key, `typ`, `alg` and signature checks every JWT goes through, after its category.
    pub(crate) async fn check_signed(
        &self,
        jwt: &Jwt<'_>,
        accepted_typ: &[&str],
    ) -> Result<(), TokenVerificationError> {
        let key = self.key_for(jwt).await?;
        jwt.check_typ(accepted_typ)?;
        let alg = jwt.algorithm()?;
        jwt.check_signature(&key, alg)
    }

    async fn verify_uncached(
        &self,
        token: &str,
        now_ms: i64,
    ) -> Result<SessionClaims, TokenVerificationError> {
        let jwt = parse(token)?;
        if !category_is(jwt.header.cat.as_deref(), SESSION_TOKEN_CATEGORY) {
            let cat = jwt.header.cat.as_deref().unwrap_or_default();
            return Err(TokenVerificationError::new(
                TokenReason::TokenTypeMismatch,
                format!("a token of category {cat:?} is not a session token"),
            ));
        }
        self.check_signed(&jwt, &["JWT"]).await?;
        let payload = jwt.payload_json()?;
        let claims = SessionClaims::from_json(payload).map_err(|e| {
            TokenVerificationError::new(
                TokenReason::TokenVerificationFailed,
                format!("the claims are not valid: {e}"),
            )
        })?;
        let i = &self.inner;
        if !i.audience.is_empty() {
            // An `aud` of the wrong shape is a mismatch, not an absence.
            let matches =
                match serde_json::from_str::<AudienceOnly>(claims.raw_json()).map(|a| a.aud) {
                    Ok(None) => true,
                    Ok(Some(Audience::One(a))) => i.audience.contains(&a),
                    Ok(Some(Audience::Many(list))) => list.iter().any(|a| i.audience.contains(a)),
                    Err(_) => false,
                };
            if !matches {
                return Err(TokenVerificationError::new(
                    TokenReason::TokenVerificationFailed,
                    "the token's audience is not accepted",
                ));
            }
        }
        if let Some(issuer) = &i.issuer
            && claims.iss.as_deref() != Some(issuer.as_str())
        {
            return Err(TokenVerificationError::new(
                TokenReason::TokenVerificationFailed,
                "the token's issuer is not accepted",
            ));
        }
        if !i.authorized_parties.is_empty() {
            match claims.azp.as_deref() {
                Some(azp) if i.authorized_parties.iter().any(|p| p == azp) => {}
                Some(azp) => {
                    return Err(TokenVerificationError::new(
                        TokenReason::TokenInvalidAuthorizedParties,
                        format!("the authorized party {azp:?} is not accepted"),
                    ));
                }
                None => {
                    return Err(TokenVerificationError::new(
                        TokenReason::TokenInvalidAuthorizedParties,
                        "the token has no authorized party (azp), and authorized parties are required",
                    ));
                }
            }
        }
        let exp = (claims.exp != i64::MIN).then_some(claims.exp);
        check_times(exp, claims.nbf, claims.iat, now_ms, i.skew_ms)?;
        if claims.sts == Some(SessionStatus::Pending) && !i.accept_pending {
            return Err(TokenVerificationError::new(
                TokenReason::TokenVerificationFailed,
                "the session is pending (tasks are left to complete) and pending sessions are not accepted",
            ));
        }
        Ok(claims)
    }
}

// ---- the verified-token cache ---------------------------------------------------------------

/// Tokens this verifier already verified, by the whole token, with their claims.
///
/// Bounded: when full, expired entries go first, then arbitrary ones. A hit re-checks the
/// time claims, and an expired entry is dropped then, so none outlives its token's `exp`
/// in use.
/// Tokens whose tail hashes alike, with their claims.
type Bucket = Vec<(Box<str>, Arc<SessionClaims>)>;

struct TokenCache {
    capacity: usize,
    hasher: RandomState,
    entries: Mutex<HashMap<u64, Bucket>>,
    len: std::sync::atomic::AtomicUsize,
}

impl TokenCache {
    fn new(capacity: usize) -> TokenCache {
        TokenCache {
            capacity,
            hasher: RandomState::new(),
            entries: Mutex::new(HashMap::new()),
            len: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Hashes the signature end of the token: unique per token, and short. Equality is
    /// still checked on the whole token.
    fn key(&self, token: &str) -> u64 {
        let tail = &token.as_bytes()[token.len().saturating_sub(48)..];
        self.hasher.hash_one((token.len(), tail))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Bucket>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, token: &str) -> Option<Arc<SessionClaims>> {
        let key = self.key(token);
        let entries = self.lock();
        entries
            .get(&key)?
            .iter()
            .find(|(t, _)| &**t == token)
            .map(|(_, c)| c.clone())
    }

    fn remove(&self, token: &str) {
        let key = self.key(token);
        let mut entries = self.lock();
        if let Some(bucket) = entries.get_mut(&key) {
            let before = bucket.len();
            bucket.retain(|(t, _)| &**t != token);
            self.len
                .fetch_sub(before - bucket.len(), std::sync::atomic::Ordering::Relaxed);
            if bucket.is_empty() {
                entries.remove(&key);
            }
        }
    }

    fn insert(&self, token: &str, claims: Arc<SessionClaims>, now: i64) {
        use std::sync::atomic::Ordering::Relaxed;
        let key = self.key(token);
        let mut entries = self.lock();
        if self.len.load(Relaxed) >= self.capacity {
            // Make room for a tenth of the capacity at once, so a full cache sweeps once per
            // many inserts rather than on each: expired entries first, then arbitrary ones.
            let target = self.capacity - self.capacity.div_ceil(10);
            let mut removed = 0;
            entries.retain(|_, bucket| {
                let before = bucket.len();
                bucket.retain(|(_, c)| c.exp > now);
                removed += before - bucket.len();
                !bucket.is_empty()
            });
            let mut len = self.len.load(Relaxed) - removed;
            while len > target {
                let Some(&victim) = entries.keys().next() else {
                    break;
                };
                len -= entries.remove(&victim).map_or(0, |b| b.len());
            }
            self.len.store(len, Relaxed);
        }
        let bucket = entries.entry(key).or_default();
        if !bucket.iter().any(|(t, _)| &**t == token) {
            bucket.push((token.into(), claims));
            self.len.fetch_add(1, Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Arc<SessionClaims> {
        Arc::new(SessionClaims::from_json(format!(r#"{{"sub":"user_1","exp":{exp}}}"#)).unwrap())
    }

    #[test]
    fn the_cache_never_grows_past_its_bound() {
        let cache = TokenCache::new(100);
        for i in 0..1000 {
            cache.insert(&format!("token-{i}"), claims(i64::MAX), 0);
            assert!(cache.len.load(std::sync::atomic::Ordering::Relaxed) <= 100);
        }
        let held: usize = cache.lock().values().map(Vec::len).sum();
        assert_eq!(held, cache.len.load(std::sync::atomic::Ordering::Relaxed));
        assert!(cache.get("token-999").is_some(), "the newest entry is kept");
    }

    #[test]
    fn expired_entries_make_room_first() {
        let cache = TokenCache::new(3);
        cache.insert("old-1", claims(10), 0);
        cache.insert("old-2", claims(10), 0);
        cache.insert("live", claims(1000), 0);
        cache.insert("new", claims(1000), 20);
        assert!(cache.get("live").is_some() && cache.get("new").is_some());
        assert!(cache.get("old-1").is_none() && cache.get("old-2").is_none());
    }

    #[test]
    fn time_checks_are_exact_at_the_skew_to_the_millisecond() {
        let now_ms = 1_000_000;
        let skew = 5_000;
        // `exp` exactly at now - skew fails; with now 1 ms earlier it passes.
        let exp = (now_ms - skew) / 1000;
        let reason = |r: Result<(), TokenVerificationError>| r.unwrap_err().reason();
        assert_eq!(
            reason(check_times(Some(exp), None, None, now_ms, skew)),
            TokenReason::TokenExpired
        );
        assert!(check_times(Some(exp), None, None, now_ms - 1, skew).is_ok());
        // `nbf` and `iat` exactly at now + skew pass; with now 1 ms earlier they are past it.
        let edge = (now_ms + skew) / 1000;
        assert!(check_times(Some(edge + 60), Some(edge), Some(edge), now_ms, skew).is_ok());
        assert_eq!(
            reason(check_times(
                Some(edge + 60),
                Some(edge),
                None,
                now_ms - 1,
                skew
            )),
            TokenReason::TokenNotActiveYet
        );
        assert_eq!(
            reason(check_times(
                Some(edge + 60),
                None,
                Some(edge),
                now_ms - 1,
                skew
            )),
            TokenReason::TokenIatInTheFuture
        );
        assert_eq!(
            reason(check_times(None, None, None, now_ms, skew)),
            TokenReason::TokenVerificationFailed
        );
    }
}
