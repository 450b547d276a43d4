//! Organization domains: email domains whose users may join an organization.

use serde::{Deserialize, Serialize};

use super::OrganizationInvitationPublicOrganizationData;

open_enum! {
    /// How users with an address at an organization's domain join it.
    pub enum OrganizationDomainEnrollmentMode {
        /// Only through invitations an admin sends.
        ManualInvitation = "manual_invitation",
        /// They are invited automatically.
        AutomaticInvitation = "automatic_invitation",
        /// They are offered to request to join.
        AutomaticSuggestion = "automatic_suggestion",
        /// Through the organization's enterprise SSO connection.
        EnterpriseSso = "enterprise_sso",
    }
}

open_enum! {
    /// Where an organization domain's verification stands.
    pub enum OrganizationDomainVerificationStatus {
        /// Not verified yet.
        Unverified = "unverified",
        /// Verified.
        Verified = "verified",
        /// Failed.
        Failed = "failed",
        /// Expired before it was completed.
        Expired = "expired",
    }
}

/// The verification of an organization domain (spec schema `OrganizationDomainVerification`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationDomainVerification {
    /// Where it stands.
    pub status: OrganizationDomainVerificationStatus,
    /// How it is verified (`email_code`, `dns_record`, ...).
    pub strategy: String,
    /// How many attempts were made.
    pub attempts: Option<i64>,
    /// When it expires (Unix ms).
    pub expire_at: Option<i64>,
    /// When ownership was verified (Unix ms); only on `ownership_verification`.
    pub verified_at: Option<i64>,
}

/// An email domain attached to an organization (spec schema `OrganizationDomain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationDomain {
    /// Always `organization_domain`.
    pub object: String,
    /// The domain id (`orgdmn_...`).
    pub id: String,
    /// The organization's id.
    pub organization_id: String,
    /// The domain name (`acme.com`).
    pub name: String,
    /// How users with an address at the domain join.
    pub enrollment_mode: OrganizationDomainEnrollmentMode,
    /// The address used to prove affiliation, if any.
    pub affiliation_email_address: Option<String>,
    /// The verification of the affiliation between the domain and the organization.
    #[serde(default)]
    pub affiliation_verification: Option<OrganizationDomainVerification>,
    /// The verification of DNS ownership; `None` until attempted.
    #[serde(default)]
    pub ownership_verification: Option<OrganizationDomainVerification>,
    /// Deprecated alias of `affiliation_verification`.
    #[serde(default)]
    pub verification: Option<OrganizationDomainVerification>,
    /// Pending invitations sent through the domain.
    pub total_pending_invitations: i64,
    /// Pending suggestions made through the domain.
    pub total_pending_suggestions: i64,
    /// Public data of the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_organization_data: Option<OrganizationInvitationPublicOrganizationData>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
