//! Web framework integrations of request authentication, each behind its feature.
//!
//! - `axum` (feature `axum`): [`ClerkLayer`](axum::ClerkLayer), a tower `Layer` that
//!   authenticates every request and stores its [`crate::auth::AuthState`] in the
//!   request's extensions (so it works in axum, tonic or any tower stack), and the extractors
//!   [`Auth`](axum::Auth) (may be signed out) and [`RequireSession`](axum::RequireSession)
//!   (rejects with 401). Choose protected routes with `Router::route_layer`.
//! - `actix` (feature `actix`): extractors with the same behaviour for actix-web.
//!
//! A request that is not signed in is rejected with 401, a JSON body naming Clerk's reason, and
//! two headers a frontend can act on (Clerk's own header names):
//!
//! - signed out: `{"error": "signed_out", "reason": "token-invalid-signature", "message": "..."}`,
//!   `x-clerk-auth-status: signed-out`, `x-clerk-auth-reason: token-invalid-signature`;
//! - needs refresh (the session cookies are stale or missing a half; see
//!   [`AuthState::NeedsRefresh`](crate::auth::AuthState::NeedsRefresh)):
//!   `{"error": "needs_refresh", "reason": "session-token-expired", ...}`,
//!   `x-clerk-auth-status: needs-refresh`, `x-clerk-auth-reason: session-token-expired`. The
//!   frontend should get a fresh session token (with Clerk's frontend SDK,
//!   `session.getToken({ skipCache: true })`) and retry.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;

#[cfg(any(feature = "axum", feature = "actix"))]
use crate::auth::{AuthState, SignedOut};

/// The header that says whether a request is signed out or needs a refresh.
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) const AUTH_STATUS_HEADER: &str = "x-clerk-auth-status";
/// The header with Clerk's reason.
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) const AUTH_REASON_HEADER: &str = "x-clerk-auth-reason";

/// What a 401 says: the JSON body, the status header's value and Clerk's reason.
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) struct Rejection {
    pub(crate) body: String,
    pub(crate) status: &'static str,
    pub(crate) reason: &'static str,
}

#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) fn rejection(state: &AuthState) -> Rejection {
    let (error, status, reason, message) = match state {
        AuthState::SignedOut(SignedOut::Invalid(e)) => (
            "signed_out",
            "signed-out",
            e.reason().as_str(),
            e.message().to_owned(),
        ),
        AuthState::SignedOut(why @ SignedOut::NoToken) => (
            "signed_out",
            "signed-out",
            why.reason(),
            "the request carries no session token".to_owned(),
        ),
        AuthState::NeedsRefresh(why) => (
            "needs_refresh",
            "needs-refresh",
            why.as_str(),
            "the session cookies need a refresh: get a fresh session token and retry".to_owned(),
        ),
        AuthState::Machine(_) => (
            "signed_out",
            "signed-out",
            "token-type-mismatch",
            "a machine token cannot open a session".to_owned(),
        ),
        AuthState::Session(_) => ("signed_in", "signed-in", "", String::new()),
    };
    Rejection {
        body: serde_json::json!({"error": error, "reason": reason, "message": message}).to_string(),
        status,
        reason,
    }
}
