//! Machine authentication: machines and the scopes between them (`/v1/machines`), M2M tokens
//! (`/v1/m2m_tokens`), API keys (`/v1/api_keys`), OAuth applications (`/v1/oauth_applications`)
//! and their access tokens, plus what they share: the caller a machine secret key stands for,
//! the ids and secrets of the opaque tokens, and the 400 errors of the machine-auth endpoints.
//!
//! What Clerk's spec says and the emulator follows: ids of opaque tokens are the prefix and 32
//! hex digits (`ak_`, `mt_`, `oat_`); `POST /v1/m2m_tokens` is authenticated with a machine's
//! secret key; listing, revoking and verifying M2M tokens accept either key; JWT-format M2M
//! tokens are not stored, so they are neither listed nor revoked. What the emulator chose where
//! the facts are silent is marked **unverified** where it is done.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};
use crate::ids::now_ms;
use crate::server::{JSON_BODY_LIMIT, Shared};
use crate::store::Db;

mod api_keys;
mod emulator;
mod m2m;
mod machines;
mod oauth;

pub use emulator::{MintOAuthToken, OAuthAccessToken};

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .merge(machines::router())
        .merge(m2m::router())
        .merge(api_keys::router())
        .merge(oauth::router())
}

// ---- who is calling --------------------------------------------------------------------------

/// A request made with a machine's secret key rather than the instance's: the machine's id.
/// The authentication middleware puts it in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MachineCaller(pub(crate) String);

/// Whether a path takes a machine secret key (the M2M token endpoints).
pub(crate) fn takes_machine_key(path: &str) -> bool {
    path == "/v1/m2m_tokens" || path.starts_with("/v1/m2m_tokens/")
}

/// The machine whose secret key this is, current or still within its rotation grace period.
pub(crate) fn machine_for_secret(db: &Db, secret: &str) -> Option<MachineCaller> {
    let now = now_ms();
    db.machine_auth
        .machines
        .values()
        .find(|m| m.accepts_secret(secret, now))
        .map(|m| MachineCaller(m.id.clone()))
}

// ---- ids, secrets, time ----------------------------------------------------------------------

static HEX_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A token id: `prefix_` and 32 hex digits (the spec's pattern). The digits lead with the
/// creation time in milliseconds and a counter, so ids sort in creation order and the tables,
/// keyed by id, list oldest first.
pub(crate) fn hex_id(prefix: &str) -> String {
    let count = HEX_COUNTER.fetch_add(1, Ordering::SeqCst) & 0xff_ffff;
    let random = fastrand::u64(..) & 0xf_ffff_ffff;
    format!(
        "{prefix}_{:012x}{count:06x}{random:014x}",
        now_ms().max(0) as u64 & 0xffff_ffff_ffff
    )
}

/// A secret: `prefix_` and 40 base62 characters (the length is the emulator's choice,
/// **unverified**).
pub(crate) fn secret(prefix: &str) -> String {
    format!("{prefix}_{}", crate::ids::random_base62(40))
}

/// Whether a token with this expiration (Unix ms; `None`: never) has expired at `now`.
pub(crate) fn is_expired(expiration: Option<i64>, now: i64) -> bool {
    expiration.is_some_and(|e| e <= now)
}

/// `seconds_until_expiration` as an expiration from `now`: a positive number of seconds
/// (fractions allowed, as the spec's `number` type says).
pub(crate) fn expiration_from(seconds: f64, now: i64) -> ApiResult<i64> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 315_360_000.0 * 100.0) {
        return Err(bad_param(
            "seconds_until_expiration",
            "seconds_until_expiration must be greater than 0.",
        ));
    }
    Ok(now + (seconds * 1000.0).ceil() as i64)
}

/// Whether an id has the form `prefix_` + 32 hex digits.
pub(crate) fn is_hex_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether an id has Clerk's usual form for this prefix: `prefix_` + 27 word characters.
pub(crate) fn is_clerk_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|r| r.len() == 27 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

// ---- the machine-auth endpoints' errors ------------------------------------------------------

/// A bad parameter on an endpoint that declares only 400 for them (API keys, M2M tokens, OAuth
/// token verification): Clerk's `form_param_value_invalid` code with status 400 (the status
/// is the spec's; the code is **unverified** there).
pub(crate) fn bad_param(param: &str, long_message: impl Into<String>) -> ApiError {
    let mut e = ApiError::value_invalid(param, long_message);
    e.status = StatusCode::BAD_REQUEST;
    e
}

/// A missing parameter, 400 (see [`bad_param`]).
pub(crate) fn missing_param(param: &str) -> ApiError {
    let mut e = ApiError::param_missing(param);
    e.status = StatusCode::BAD_REQUEST;
    e
}

/// A valid key used where it is not allowed (ERR auth.go/InvalidAuthorization).
pub(crate) fn not_authorized() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "authorization_invalid",
        "Unauthorized request",
        "You are not authorized to perform this request",
    )
}

/// A JSON body for the endpoints that declare 400 rather than 422 for bad input: parsed as
/// [`crate::server::JsonBody`] does, with its 422 answers turned into 400.
pub(crate) struct Json400<T>(pub(crate) T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json400<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes: Bytes = axum::body::to_bytes(req.into_body(), JSON_BODY_LIMIT)
            .await
            .map_err(|_| ApiError::body_too_large(JSON_BODY_LIMIT))?;
        crate::server::parse_json_body(&bytes)
            .map(Json400)
            .map_err(|mut e| {
                if e.status == StatusCode::UNPROCESSABLE_ENTITY {
                    e.status = StatusCode::BAD_REQUEST;
                }
                e
            })
    }
}

/// A page of a list: `offset` items skipped, then at most `limit`.
pub(crate) fn page<T>(items: Vec<T>, limit: usize, offset: usize) -> Vec<T> {
    items.into_iter().skip(offset).take(limit).collect()
}

/// `limit` and `offset` of the machine-auth lists (limit 1..=`max`, default 10; offset ≥ 0);
/// a value out of range is 400 (**unverified**: the user list ignores an out-of-range limit).
pub(crate) fn paging_400(
    limit: Option<i64>,
    offset: Option<i64>,
    max: i64,
) -> ApiResult<(usize, usize)> {
    let limit = limit.unwrap_or(10);
    if !(1..=max).contains(&limit) {
        return Err(bad_param(
            "limit",
            format!("limit must be between 1 and {max}."),
        ));
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(bad_param(
            "offset",
            "offset must be greater than or equal to 0.",
        ));
    }
    Ok((limit as usize, offset as usize))
}

/// Whether the subject of an API key (a user, organization or machine) exists.
pub(crate) fn subject_exists(db: &Db, subject: &str) -> bool {
    if subject.starts_with("user_") {
        db.users.contains_key(subject)
    } else if subject.starts_with("org_") {
        crate::domain::organizations::organization_exists(db, subject)
    } else if subject.starts_with("mch_") {
        db.machine_auth.machines.contains_key(subject)
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_have_the_spec_form_and_sort_in_creation_order() {
        let ids: Vec<String> = (0..500).map(|_| hex_id("mt")).collect();
        for id in &ids {
            assert!(is_hex_id(id, "mt"), "{id}");
        }
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(sorted, ids);
        assert!(!is_hex_id("mt_xyz", "mt"));
        assert!(!is_hex_id(&hex_id("ak"), "mt"));
    }

    #[test]
    fn expiry_is_judged_at_fixed_times() {
        assert!(!is_expired(None, i64::MAX));
        assert!(!is_expired(Some(1_000), 999));
        assert!(is_expired(Some(1_000), 1_000));
        assert_eq!(expiration_from(1.5, 10_000).unwrap(), 11_500);
        assert_eq!(expiration_from(0.001, 10_000).unwrap(), 10_001);
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(expiration_from(bad, 0).is_err(), "{bad}");
        }
    }
}
