//! Email addresses and phone numbers as their own resources (`/v1/email_addresses`,
//! `/v1/phone_numbers`, and replacing a user's address or number).
//!
//! Not emulated yet.

use axum::Router;

use crate::server::Shared;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
}
