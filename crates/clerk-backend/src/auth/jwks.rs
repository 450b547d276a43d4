//! The JWKS cache of one instance.
//!
//! It belongs to one [`TokenVerifier`](super::TokenVerifier), built from one client (one API URL
//! and secret key), so one instance's keys never verify another instance's tokens, a mistake a
//! process-wide cache keyed by `kid` alone makes possible.
//!
//! Rules: keys are refetched once they are older than the TTL (a hit never extends it); an
//! unknown `kid` triggers a refetch at most once per cooldown however many arrive; concurrent
//! misses wait for one shared fetch; when a refetch fails, the keys held are served until they
//! are 24 hours old. A token whose key is held never waits for a refetch: an expired set is
//! served while it is refreshed in the background, so a slow or failing Backend API cannot
//! stall every request.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::error::{TokenReason, TokenVerificationError};
use super::keys::{KeyError, RsaPublicKey};
use crate::{Clerk, RetryPolicy};

/// Keys older than this are not served even when refetching fails.
const MAX_STALE: Duration = Duration::from_secs(24 * 3600);
/// After a failed fetch, the next attempt waits at least this long (or the cooldown, if
/// shorter), so an outage does not turn every request into a fetch.
const FAILED_FETCH_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Default)]
struct KeySet {
    keys: HashMap<String, Result<Arc<RsaPublicKey>, KeyError>>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
    /// The last refetch an unknown `kid` caused; the cooldown counts from it.
    last_kid_refetch: Option<Instant>,
    last_error: Option<TokenVerificationError>,
    generation: u64,
}

enum Decision {
    Use(Arc<RsaPublicKey>),
    /// Use this key now, and refresh the expired set in the background.
    UseAndRefresh(Arc<RsaPublicKey>, u64),
    /// Wait for a fetch: the set was never loaded, or is too old.
    Fetch(u64),
    /// Wait for a fetch caused by an unknown `kid`.
    FetchForKid(u64),
    Fail(TokenVerificationError),
}

pub(crate) struct JwksCache {
    clerk: Clerk,
    ttl: Duration,
    cooldown: Duration,
    state: RwLock<KeySet>,
    fetch: tokio::sync::Mutex<()>,
}

impl JwksCache {
    pub(crate) fn new(clerk: Clerk, ttl: Duration, cooldown: Duration) -> JwksCache {
        JwksCache {
            clerk,
            ttl,
            cooldown,
            state: RwLock::new(KeySet::default()),
            fetch: tokio::sync::Mutex::new(()),
        }
    }

    /// The key for a token's `kid`.
    pub(crate) async fn key(
        self: &Arc<Self>,
        kid: Option<&str>,
    ) -> Result<Arc<RsaPublicKey>, TokenVerificationError> {
        // Three rounds at most: decide, fetch (or wait for someone else's fetch), decide again.
        for _ in 0..3 {
            let (generation, for_kid) = match self.decide(kid) {
                Decision::Use(key) => return Ok(key),
                Decision::Fail(e) => return Err(e),
                Decision::UseAndRefresh(key, generation) => {
                    self.refresh_in_background(generation);
                    return Ok(key);
                }
                Decision::Fetch(generation) => (generation, false),
                Decision::FetchForKid(generation) => (generation, true),
            };
            let _one_at_a_time = self.fetch.lock().await;
            if self.read().generation == generation {
                self.refresh(for_kid).await;
            }
        }
        Err(TokenVerificationError::new(
            TokenReason::JwkFailedToResolve,
            "no key could be resolved for the token",
        ))
    }

    fn refresh_in_background(self: &Arc<Self>, generation: u64) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let this = self.clone();
        handle.spawn(async move {
            // Someone else is already fetching: nothing to do.
            let Ok(_one_at_a_time) = this.fetch.try_lock() else {
                return;
            };
            if this.read().generation == generation {
                this.refresh(false).await;
            }
        });
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, KeySet> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn decide(&self, kid: Option<&str>) -> Decision {
        let now = Instant::now();
        let s = self.read();
        let age = s.fetched_at.map(|t| now.duration_since(t));
        let since_attempt = s.last_attempt.map(|t| now.duration_since(t));
        let backoff = FAILED_FETCH_BACKOFF.min(self.cooldown);
        let expired = age.is_none_or(|a| a >= self.ttl);
        // Only a failed attempt holds the next one back.
        let may_fetch = s.last_error.is_none() || since_attempt.is_none_or(|d| d >= backoff);
        let usable = age.is_some_and(|a| a < MAX_STALE);
        if expired && may_fetch && !usable {
            return Decision::Fetch(s.generation);
        }
        if !usable {
            return Decision::Fail(s.last_error.clone().unwrap_or_else(|| {
                TokenVerificationError::new(
                    TokenReason::JwkRemoteFailedToLoad,
                    "the JWKS could not be loaded",
                )
            }));
        }
        // Clerk's tokens name their key: without a `kid`, no key of the set matches, as
        // Clerk's SDK answers (and no refetch would find one).
        let Some(kid) = kid else {
            return Decision::Fail(TokenVerificationError::new(
                TokenReason::JwkKidMismatch,
                "the token has no `kid`, so no key of the instance matches it",
            ));
        };
        let found = s.keys.get(kid);
        match found {
            Some(Ok(key)) if expired && may_fetch => {
                Decision::UseAndRefresh(key.clone(), s.generation)
            }
            Some(Ok(key)) => Decision::Use(key.clone()),
            Some(Err(why)) => Decision::Fail(TokenVerificationError::new(
                TokenReason::JwkRemoteInvalid,
                format!("the JWKS key for this token is not usable: {why}"),
            )),
            None if s
                .last_kid_refetch
                .is_none_or(|t| now.duration_since(t) >= self.cooldown) =>
            {
                Decision::FetchForKid(s.generation)
            }
            None if s.keys.is_empty() => Decision::Fail(TokenVerificationError::new(
                TokenReason::JwkRemoteMissing,
                "the JWKS holds no keys",
            )),
            None => Decision::Fail(TokenVerificationError::new(
                TokenReason::JwkKidMismatch,
                "no key of the instance matches the token's `kid`",
            )),
        }
    }

    async fn refresh(&self, for_kid: bool) {
        // No retries: callers may be waiting, and the keys held are served meanwhile.
        let fetched = self
            .clerk
            .jwks()
            .get()
            .retry_policy(RetryPolicy::none())
            .await;
        let now = Instant::now();
        let mut s = self.state.write().unwrap_or_else(|e| e.into_inner());
        s.last_attempt = Some(now);
        if for_kid {
            s.last_kid_refetch = Some(now);
        }
        s.generation += 1;
        match fetched {
            Ok(jwks) => {
                let keys: HashMap<String, Result<Arc<RsaPublicKey>, KeyError>> = jwks
                    .keys
                    .iter()
                    .filter(|k| k.kty == "RSA")
                    .filter_map(|k| {
                        let kid = k.kid.clone()?;
                        let key = match (&k.n, &k.e) {
                            (Some(n), Some(e)) => {
                                RsaPublicKey::from_jwk_components(n, e).map(Arc::new)
                            }
                            _ => Err(KeyError::from("an RSA key without `n` or `e`".to_owned())),
                        };
                        Some((kid, key))
                    })
                    .collect();
                if keys.is_empty() && s.keys.values().any(Result::is_ok) {
                    // An empty answer (a misconfigured proxy, say) must not wipe working keys:
                    // keep them, ageing toward the stale limit.
                    s.last_error = Some(TokenVerificationError::new(
                        TokenReason::JwkRemoteMissing,
                        "the JWKS answer held no keys",
                    ));
                    return;
                }
                s.keys = keys;
                s.fetched_at = Some(now);
                s.last_error = None;
            }
            Err(e) => {
                let reason = if e.is_unauthorized() {
                    TokenReason::SecretKeyInvalid
                } else {
                    TokenReason::JwkRemoteFailedToLoad
                };
                tracing::warn!(error = %e, "fetching the JWKS failed");
                s.last_error = Some(TokenVerificationError::new(
                    reason,
                    format!("fetching the JWKS failed: {e}"),
                ));
            }
        }
    }
}
