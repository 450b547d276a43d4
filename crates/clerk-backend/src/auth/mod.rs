//! Session-token verification and request authentication.
//!
//! - [`TokenVerifier`] checks Clerk session tokens: networkless with the instance's PEM public
//!   key (`CLERK_JWT_KEY`), or with keys from the instance's JWKS, cached per verifier.
//! - [`TokenVerifier::authenticate_request`] finds a request's token (`Authorization: Bearer`,
//!   else the `__session` cookie), tells session tokens from machine tokens, and verifies it
//!   into an [`AuthState`].
//! - Errors carry Clerk's reason strings ([`TokenReason`]).
//!
//! Beyond Clerk's own SDK: authorized parties are strict (a token without `azp` fails when
//! they are configured), organization permissions decode from bitmasks of any length, keys
//! never cross instances, and tokens already verified are answered from a bounded cache that
//! re-checks only their time claims.
//!
//! ```no_run
//! # async fn run(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_backend::auth::TokenVerifier;
//!
//! let verifier = TokenVerifier::from_pem(&std::env::var("CLERK_JWT_KEY")?)?;
//! let claims = verifier.verify_session_token(token).await?;
//! if claims.has_permission("org:invoices:read") {
//!     println!("{} may read invoices", claims.sub);
//! }
//! # Ok(()) }
//! ```

mod claims;
mod error;
mod jwks;
mod jwt;
mod keys;
mod request;
mod token_kind;
mod verifier;

pub use claims::{ActorClaims, OrganizationClaims, SessionClaims};
pub use error::{TokenReason, TokenVerificationError};
pub use jwt::{
    IGNORE_TOKEN_CATEGORY, M2M_TOKEN_CATEGORY, MAX_TOKEN_LENGTH, SESSION_TOKEN_CATEGORY,
    TEMPLATE_TOKEN_CATEGORY,
};
pub use keys::{Algorithm, KeyError, RsaPublicKey};
pub use request::{
    AuthState, MachineAuth, RefreshReason, SignedOut, classify_token, cookie_suffix,
    token_from_headers, tokens_from_headers,
};
pub use token_kind::TokenKind;
pub use verifier::{
    DEFAULT_CLOCK_SKEW, DEFAULT_TOKEN_CACHE_SIZE, TokenVerifier, TokenVerifierBuilder,
};
