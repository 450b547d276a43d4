//! What the organizations group stores.

use serde::{Deserialize, Serialize};

use crate::wire::*;

/// The membership limit of an organization created without one: Clerk's default instance
/// setting (DOCS guides/organizations/configure). 0 means unlimited.
pub(crate) const DEFAULT_MAX_MEMBERSHIPS: i64 = 5;

/// Organizations, memberships and organization invitations as stored, each by id (ids sort in
/// creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct OrgData {
    /// Organizations as served, without the counts (computed when asked for).
    #[serde(default)]
    pub(crate) orgs: crate::table::Table<Organization>,
    #[serde(default)]
    pub(crate) memberships: crate::table::Table<MembershipRecord>,
    #[serde(default)]
    pub(crate) invitations: crate::table::Table<InvitationRecord>,
}

impl OrgData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 3] {
        [
            ("organizations", &mut self.orgs),
            ("organization_memberships", &mut self.memberships),
            ("organization_invitations", &mut self.invitations),
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MembershipRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) user_id: String,
    pub(crate) role: String,
    pub(crate) public_metadata: Metadata,
    pub(crate) private_metadata: Metadata,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct InvitationRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    pub(crate) email_address: String,
    pub(crate) role: String,
    pub(crate) inviter_id: Option<String>,
    /// As last set; a pending invitation past `expires_at` reads as expired.
    pub(crate) status: OrganizationInvitationStatus,
    pub(crate) public_metadata: Metadata,
    pub(crate) private_metadata: Metadata,
    pub(crate) url: Option<String>,
    pub(crate) expires_at: i64,
    /// The user who accepted it.
    #[serde(default)]
    pub(crate) user_id: Option<String>,
    /// The verified domain that sent it, for invitations Clerk makes itself (see
    /// `org_domains.rs`); those take no seat and stay out of the organization's own lists.
    #[serde(default)]
    pub(crate) domain_id: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}
