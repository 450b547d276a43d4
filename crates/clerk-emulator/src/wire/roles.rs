//! Roles and permissions: what organization members may do.

use serde::{Deserialize, Serialize};

/// A permission that roles grant (spec schema `Permission`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// Always `permission`.
    pub object: String,
    /// The permission id (`perm_...`).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its key (`org:posts:create`), as it appears in session tokens.
    pub key: String,
    /// What it allows.
    pub description: String,
    /// `system` for Clerk's own permissions, `custom` for the instance's.
    #[serde(rename = "type")]
    pub kind: String,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// An organization role and the permissions it grants (spec schema `Role`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Always `role`.
    pub object: String,
    /// The role id (`role_...`).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its key (`org:admin`), as memberships and session tokens name it.
    pub key: String,
    /// What it is for.
    pub description: Option<String>,
    /// Whether an organization's creator may be given this role. The spec requires it; Clerk's
    /// `role.updated` webhook example leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_creator_eligible: Option<bool>,
    /// The permissions it grants.
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
