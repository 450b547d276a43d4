//! Organizations, memberships and organization invitations, as the user endpoints return them.

use serde::{Deserialize, Serialize};

use super::Metadata;

/// An organization (spec schema `Organization`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// Always `organization`.
    pub object: String,
    /// The organization id (`org_...`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// Its logo (or a default) URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    pub has_image: bool,
    /// The number of members, when included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members_count: Option<i64>,
    /// Whether no member holds the elevated permissions, when included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_member_with_elevated_permissions: Option<bool>,
    /// The number of pending invitations, when included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_invitations_count: Option<i64>,
    /// The most members allowed (0: unlimited).
    pub max_allowed_memberships: i64,
    /// Whether admins may delete the organization.
    pub admin_delete_enabled: bool,
    /// Public metadata.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Private metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// The user who created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Last activity (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active_at: Option<i64>,
    /// The role set its members' roles come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_set_key: Option<String>,
}

/// A user's membership in an organization (spec schema `OrganizationMembership`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationMembership {
    /// The membership id (`orgmem_...`).
    pub id: String,
    /// Always `organization_membership`.
    pub object: String,
    /// The role key (`org:admin`, `org:member`, ...).
    pub role: String,
    /// The role's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// The permissions the role grants (`org:sys_memberships:manage`, ...).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Public metadata of the membership.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Private metadata of the membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// The organization.
    pub organization: Organization,
    /// Public data of the member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_user_data: Option<OrganizationMembershipPublicUserData>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// Public data of an organization member (spec schema `OrganizationMembershipPublicUserData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationMembershipPublicUserData {
    /// The user id.
    pub user_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Deprecated: use `image_url`.
    pub profile_image_url: Option<String>,
    /// Profile image URL.
    pub image_url: String,
    /// Whether the user uploaded an image.
    pub has_image: bool,
    /// The user's identifier (email, phone or username).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Whether the user is banned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banned: Option<bool>,
    /// Whether a directory deprovisioned the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprovisioned: Option<bool>,
}

open_enum! {
    /// Where an organization invitation stands.
    pub enum OrganizationInvitationStatus {
        /// Sent, not answered.
        Pending = "pending",
        /// Accepted: the user is a member.
        Accepted = "accepted",
        /// Revoked by an admin.
        Revoked = "revoked",
        /// Expired.
        Expired = "expired",
    }
}

/// An invitation to join an organization, with public data about the organization (spec
/// schema `OrganizationInvitationWithPublicOrganizationData`).
///
/// Also the spec's plain `OrganizationInvitation`, which the organization-scoped endpoints
/// answer: it is the same object without `public_organization_data`, which is then `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationInvitation {
    /// Always `organization_invitation`.
    pub object: String,
    /// The invitation id (`orginv_...`).
    pub id: String,
    /// The invited address.
    pub email_address: String,
    /// The role the invitee will get.
    pub role: String,
    /// The role's display name.
    pub role_name: String,
    /// The organization's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Who sent it.
    pub inviter_id: Option<String>,
    /// Public data of the inviter. The spec requires it without `nullable`, but it goes with
    /// the nullable `inviter_id`, so an invitation whose inviter is gone still decodes.
    pub public_inviter_data: Option<OrganizationInvitationPublicUserData>,
    /// Where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<OrganizationInvitationStatus>,
    /// Public metadata, moved to the membership on acceptance.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Private metadata, moved to the membership on acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// The link to accept it.
    pub url: Option<String>,
    /// When it expires (Unix ms).
    pub expires_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Public data of the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_organization_data: Option<OrganizationInvitationPublicOrganizationData>,
}

/// Public data of an invitation's inviter (spec schema `OrganizationInvitationPublicUserData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationInvitationPublicUserData {
    /// The user id.
    pub user_id: String,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Profile image URL.
    pub image_url: String,
    /// Whether the user uploaded an image.
    pub has_image: bool,
    /// The user's identifier.
    pub identifier: String,
}

/// Public data of an invitation's organization (spec schema
/// `OrganizationInvitationPublicOrganizationData`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationInvitationPublicOrganizationData {
    /// The organization id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its slug.
    pub slug: String,
    /// Its logo URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    pub has_image: bool,
}

/// The body of `CreateOrganization`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateOrganizationRequest {
    /// The name (at most 256 characters, no URLs or HTML).
    pub name: String,
    /// The user who becomes the organization's first admin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Private metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Public metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// The slug: lowercase letters, digits and `-`, unique in the instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The most members allowed (0: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_allowed_memberships: Option<i64>,
    /// When it was created, as RFC 3339 (for imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The role set its members' roles come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_set_key: Option<String>,
}

/// The body of `UpdateOrganization`; fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateOrganizationRequest {
    /// The new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The new slug, unique in the instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The most members allowed (0: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_allowed_memberships: Option<i64>,
    /// Whether admins may delete the organization from the Frontend API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_delete_enabled: Option<bool>,
    /// When it was created, as RFC 3339 (for imports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The role set its members' roles come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_set_key: Option<String>,
}

/// The body of `MergeOrganizationMetadata`, `ReplaceOrganizationMetadata` and
/// `UpdateOrganizationMembershipMetadata`.
///
/// A merge deep-merges each field given (a `null` inside deletes that key); a replace swaps
/// each field given for the new object. Fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrganizationMetadataRequest {
    /// Public metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
}

/// The body of `CreateOrganizationMembership`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateOrganizationMembershipRequest {
    /// The user to add.
    pub user_id: String,
    /// Their role (`org:admin`, `org:member`, ...).
    pub role: String,
    /// Public metadata of the membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata of the membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
}

/// The body of `UpdateOrganizationMembership`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpdateOrganizationMembershipRequest {
    /// The new role.
    pub role: String,
}

/// The body of `CreateOrganizationInvitation`, and each item of
/// `CreateOrganizationInvitationBulk`'s array.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreateOrganizationInvitationRequest {
    /// The address to invite.
    pub email_address: String,
    /// The admin who sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inviter_user_id: Option<String>,
    /// The role the invitee will get.
    pub role: String,
    /// Public metadata, moved to the membership on acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// Private metadata, moved to the membership on acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Where the invitee lands after accepting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// Days until it expires (1 to 365; default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<i64>,
    /// Whether Clerk emails the invitation (default `true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

/// The body of `RevokeOrganizationInvitation`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RevokeOrganizationInvitationRequest {
    /// The admin who revokes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requesting_user_id: Option<String>,
}
