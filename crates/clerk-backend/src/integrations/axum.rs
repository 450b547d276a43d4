//! axum and tower: [`ClerkLayer`] authenticates, [`Auth`] and [`RequireSession`] read the
//! outcome.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use axum::{Router, routing::get};
//! use clerk_backend::{Clerk, auth::TokenVerifier};
//! use clerk_backend::integrations::axum::{Auth, ClerkLayer, RequireSession};
//!
//! let verifier = TokenVerifier::new(&Clerk::from_env()?);
//! let app: Router = Router::new()
//!     .route("/me", get(|RequireSession(claims): RequireSession| async move { claims.sub.clone() }))
//!     .route_layer(ClerkLayer::new(verifier))
//!     .route("/health", get(|| async { "ok" }));
//! # let _ = app; Ok(()) }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{AUTH_REASON_HEADER, AUTH_STATUS_HEADER, rejection};
use crate::auth::{AuthState, SessionClaims, TokenVerifier};

/// A tower layer that authenticates each request and stores its [`AuthState`] in the
/// request's extensions.
#[derive(Clone, Debug)]
pub struct ClerkLayer {
    verifier: TokenVerifier,
}

impl ClerkLayer {
    /// A layer that authenticates with this verifier.
    pub fn new(verifier: TokenVerifier) -> ClerkLayer {
        ClerkLayer { verifier }
    }
}

impl<S> tower_layer::Layer<S> for ClerkLayer {
    type Service = ClerkService<S>;

    fn layer(&self, inner: S) -> ClerkService<S> {
        ClerkService {
            inner,
            verifier: self.verifier.clone(),
        }
    }
}

/// The service [`ClerkLayer`] wraps around yours.
#[derive(Clone, Debug)]
pub struct ClerkService<S> {
    inner: S,
    verifier: TokenVerifier,
}

impl<S, B> tower_service::Service<Request<B>> for ClerkService<S>
where
    S: tower_service::Service<Request<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        // The clone that was polled ready serves this request; the fresh clone waits for the
        // next one (tower's usual dance).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let verifier = self.verifier.clone();
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let state = verifier.authenticate_request(&parts).await;
            parts.extensions.insert(state);
            inner.call(Request::from_parts(parts, body)).await
        })
    }
}

/// The request's [`AuthState`], signed in or not. Needs [`ClerkLayer`] on the route.
#[derive(Debug, Clone)]
pub struct Auth(pub AuthState);

/// The signed-in session's claims; a signed-out request is rejected with 401.
#[derive(Debug, Clone)]
pub struct RequireSession(pub Arc<SessionClaims>);

/// Why an extractor refused a request.
#[derive(Debug)]
pub enum AuthRejection {
    /// The request is not signed in, or its session cookies need a refresh (401, with Clerk's
    /// reason in the body and the headers; see [`crate::integrations`]).
    SignedOut(AuthState),
    /// [`ClerkLayer`] is not installed on this route (500).
    MissingLayer,
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::SignedOut(state) => {
                let r = rejection(&state);
                let mut response = (StatusCode::UNAUTHORIZED, r.body).into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                headers.insert(AUTH_STATUS_HEADER, HeaderValue::from_static(r.status));
                headers.insert(AUTH_REASON_HEADER, HeaderValue::from_static(r.reason));
                response
            }
            AuthRejection::MissingLayer => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "ClerkLayer is not installed on this route",
            )
                .into_response(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AuthRejection> {
        parts
            .extensions
            .get::<AuthState>()
            .cloned()
            .map(Auth)
            .ok_or(AuthRejection::MissingLayer)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequireSession {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AuthRejection> {
        match parts.extensions.get::<AuthState>() {
            Some(AuthState::Session(claims)) => Ok(RequireSession(claims.clone())),
            Some(other) => Err(AuthRejection::SignedOut(other.clone())),
            None => Err(AuthRejection::MissingLayer),
        }
    }
}
