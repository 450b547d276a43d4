//! Instance invitations: an email address invited to sign up to the application.

use serde::{Deserialize, Serialize};

use super::Metadata;

open_enum! {
    /// Where an instance invitation stands.
    pub enum InvitationStatus {
        /// Sent, not used yet.
        Pending = "pending",
        /// Used: the invitee signed up.
        Accepted = "accepted",
        /// Revoked by an admin.
        Revoked = "revoked",
        /// Not used before it expired.
        Expired = "expired",
    }
}

/// An invitation to sign up to the application (spec schema `Invitation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invitation {
    /// Always `invitation`.
    pub object: String,
    /// The invitation id (`inv_...`).
    pub id: String,
    /// The invited address.
    pub email_address: String,
    /// Metadata that becomes the new user's public metadata on sign-up.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Whether it was revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<bool>,
    /// Where it stands.
    pub status: InvitationStatus,
    /// The link the invitee follows to sign up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it expires (Unix ms), if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_a_minimal_invitation_and_keeps_unknown_statuses() {
        let raw = json!({
            "object": "invitation", "id": "inv_1", "email_address": "a@b.co",
            "public_metadata": {}, "status": "bounced", "created_at": 1, "updated_at": 2
        });
        let inv: Invitation = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(inv.status, InvitationStatus::Unknown("bounced".into()));
        assert_eq!(inv.revoked, None);
        assert_eq!(serde_json::to_value(&inv).unwrap(), raw);
    }
}
