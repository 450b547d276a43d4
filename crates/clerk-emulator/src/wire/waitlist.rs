//! The waitlist: addresses waiting for access to an application in waitlist mode.

use serde::{Deserialize, Serialize};

use super::Invitation;

open_enum! {
    /// Where a waitlist entry stands.
    pub enum WaitlistEntryStatus {
        /// Waiting.
        Pending = "pending",
        /// Invited to sign up.
        Invited = "invited",
        /// Rejected.
        Rejected = "rejected",
        /// Signed up.
        Completed = "completed",
    }
}

/// An address on the waitlist (spec schema `WaitlistEntry`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitlistEntry {
    /// `waitlist_entry` (Clerk's webhook examples show `waitlistEntry`).
    pub object: String,
    /// The entry id (`wle_...`).
    pub id: String,
    /// The waiting address.
    pub email_address: String,
    /// Where it stands.
    pub status: WaitlistEntryStatus,
    /// Whether a batch action is processing it (locked entries take no other action).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_locked: Option<bool>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// The invitation sent to it, once invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<Invitation>,
}
