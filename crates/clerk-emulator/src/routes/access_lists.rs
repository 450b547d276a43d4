//! The allow-list and block-list (`/v1/allowlist_identifiers`, `/v1/blocklist_identifiers`),
//! enforced when users are created.
//!
//! Not emulated yet: every identifier is allowed.

use axum::Router;
use clerk_backend::models::User;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;
use crate::server::Shared;
use crate::store::Db;

/// The lists as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct AccessListData {}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
}

/// Refuses a new user whose identifiers the lists do not allow.
pub(crate) fn check_user(_db: &Db, _user: &User) -> ApiResult<()> {
    Ok(())
}
