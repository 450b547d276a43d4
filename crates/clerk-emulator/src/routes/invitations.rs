//! Instance invitations (`/v1/invitations`).
//!
//! Not emulated yet.

use axum::Router;
use serde::{Deserialize, Serialize};

use crate::server::Shared;

/// Invitations as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct InvitationData {}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
}
