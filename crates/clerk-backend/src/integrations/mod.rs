//! Web framework integrations of request authentication, each behind its feature.
//!
//! - `axum` (feature `axum`): [`ClerkLayer`](axum::ClerkLayer), a tower `Layer` that
//!   authenticates every request and stores its [`crate::auth::AuthState`] in the
//!   request's extensions (so it works in axum, tonic or any tower stack), and the extractors
//!   [`Auth`](axum::Auth) (may be signed out) and [`RequireSession`](axum::RequireSession)
//!   (rejects with 401). Choose protected routes with `Router::route_layer`.
//! - `actix` (feature `actix`): extractors with the same behaviour for actix-web.
//!
//! A signed-out request is rejected with 401 and a JSON body naming Clerk's reason:
//! `{"error": "signed_out", "reason": "token-expired", "message": "..."}`.

#[cfg(feature = "actix")]
pub mod actix;
#[cfg(feature = "axum")]
pub mod axum;

#[cfg(any(feature = "axum", feature = "actix"))]
use crate::auth::{AuthState, SignedOut};

/// The JSON body of a 401 for a signed-out request.
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) fn signed_out_body(state: &AuthState) -> String {
    let (reason, message) = match state {
        AuthState::SignedOut(SignedOut::Invalid(e)) => {
            (e.reason().as_str(), e.message().to_owned())
        }
        AuthState::SignedOut(SignedOut::NoToken) => (
            "no-token",
            "the request carries no session token".to_owned(),
        ),
        AuthState::Machine(_) => (
            "token-type-mismatch",
            "a machine token cannot open a session".to_owned(),
        ),
        AuthState::Session(_) => ("signed-in", String::new()),
    };
    serde_json::json!({"error": "signed_out", "reason": reason, "message": message}).to_string()
}
