//! actix-web: [`Auth`] and [`RequireSession`] extractors that authenticate with the
//! [`TokenVerifier`] in the app data.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use actix_web::{App, HttpServer, web};
//! use clerk_backend::{Clerk, auth::TokenVerifier};
//! use clerk_backend::integrations::actix::RequireSession;
//!
//! let verifier = TokenVerifier::new(&Clerk::from_env().expect("CLERK_SECRET_KEY"));
//! HttpServer::new(move || {
//!     App::new()
//!         .app_data(web::Data::new(verifier.clone()))
//!         .route("/me", web::get().to(|RequireSession(claims): RequireSession| async move { claims.sub.clone() }))
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await
//! # }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};

use super::{AUTH_REASON_HEADER, AUTH_STATUS_HEADER, rejection};
use crate::auth::{AuthState, SessionClaims, TokenVerifier};

/// The request's [`AuthState`], signed in or not.
#[derive(Debug, Clone)]
pub struct Auth(pub AuthState);

/// The signed-in session's claims; a signed-out request is rejected with 401.
#[derive(Debug, Clone)]
pub struct RequireSession(pub Arc<SessionClaims>);

/// Why an extractor refused a request.
#[derive(Debug)]
pub enum AuthRejection {
    /// Not signed in, or the session cookies need a refresh (401, with Clerk's reason in the
    /// body and the headers; see [`crate::integrations`]).
    SignedOut(AuthState),
    /// No `web::Data<TokenVerifier>` in the app (500).
    MissingVerifier,
}

impl std::fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthRejection::SignedOut(state) => f.write_str(&rejection(state).body),
            AuthRejection::MissingVerifier => {
                f.write_str("no web::Data<TokenVerifier> is registered")
            }
        }
    }
}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        match self {
            AuthRejection::SignedOut(_) => StatusCode::UNAUTHORIZED,
            AuthRejection::MissingVerifier => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AuthRejection::SignedOut(state) => {
                let r = rejection(state);
                HttpResponse::Unauthorized()
                    .content_type("application/json")
                    .insert_header((AUTH_STATUS_HEADER, r.status))
                    .insert_header((AUTH_REASON_HEADER, r.reason))
                    .body(r.body)
            }
            AuthRejection::MissingVerifier => {
                HttpResponse::InternalServerError().body(self.to_string())
            }
        }
    }
}

/// actix-web 4 carries `http` 0.2 headers; copy the two that matter into `http` 1.
fn headers_of(request: &HttpRequest) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for name in ["authorization", "cookie"] {
        for value in request.headers().get_all(name) {
            if let Ok(v) = http::HeaderValue::from_bytes(value.as_bytes()) {
                headers.append(http::HeaderName::from_static(name), v);
            }
        }
    }
    headers
}

async fn authenticate(request: HttpRequest) -> Result<AuthState, AuthRejection> {
    let verifier = request
        .app_data::<web::Data<TokenVerifier>>()
        .ok_or(AuthRejection::MissingVerifier)?
        .clone();
    Ok(verifier.authenticate_headers(&headers_of(&request)).await)
}

impl FromRequest for Auth {
    type Error = AuthRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move { authenticate(request).await.map(Auth) })
    }
}

impl FromRequest for RequireSession {
    type Error = AuthRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            match authenticate(request).await? {
                AuthState::Session(claims) => Ok(RequireSession(claims)),
                other => Err(AuthRejection::SignedOut(other)),
            }
        })
    }
}
