//! Organizations, memberships and organization invitations.
//!
//! Not emulated yet: the Users operations that read them see a user in no organization.

use axum::Router;
use clerk_backend::models::{OrganizationInvitation, OrganizationMembership};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::server::Shared;
use crate::store::Db;

/// Organizations, memberships and organization invitations as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct OrgData {}

pub(crate) fn router() -> Router<Shared> {
    Router::new()
}

/// The ids of the organizations a user belongs to.
pub(crate) fn user_organization_ids(_db: &Db, _user_id: &str) -> Vec<String> {
    Vec::new()
}

/// Whether the user belongs to the organization.
pub(crate) fn is_member(_db: &Db, _org_id: &str, _user_id: &str) -> bool {
    false
}

/// Forgets a deleted user's memberships.
pub(crate) fn remove_user(_db: &mut Db, _user_id: &str) {}

/// A page of a user's memberships, newest first, and their total.
pub(crate) fn user_memberships(
    _db: &Db,
    _user_id: &str,
    _limit: usize,
    _offset: usize,
) -> (Vec<OrganizationMembership>, usize) {
    (Vec::new(), 0)
}

/// A page of the invitations sent to a user's email addresses, and their total.
pub(crate) fn user_invitations(
    _db: &Db,
    _user_id: &str,
    _status: Option<&str>,
    _limit: usize,
    _offset: usize,
) -> (Vec<OrganizationInvitation>, usize) {
    (Vec::new(), 0)
}

/// The v2 `o` claim of a session whose active organization is `org_id`.
pub(crate) fn session_org_claim(_db: &Db, _org_id: &str, _user_id: &str) -> Option<Value> {
    None
}
