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

/// One role as a role set lists it (spec schema `RoleSetItem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSetItem {
    /// Always `role_set_item`.
    pub object: String,
    /// The role's id (`role_...`).
    pub id: String,
    /// The role's display name.
    pub name: String,
    /// The role's key (`org:admin`).
    pub key: String,
    /// What the role is for.
    pub description: Option<String>,
    /// How many members hold the role in the organizations that use the set.
    #[serde(default)]
    pub members_count: Option<i64>,
    /// Whether any member holds the role in the organizations that use the set.
    #[serde(default)]
    pub has_members: Option<bool>,
    /// The role's creation (Unix ms).
    pub created_at: i64,
    /// The role's last update (Unix ms).
    pub updated_at: i64,
}

/// The roles an organization may hand out, with its default and creator roles (spec schema
/// `RoleSet`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleSet {
    /// Always `role_set`.
    pub object: String,
    /// The role set's id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Its key (`role_set:default`), as organizations name it.
    pub key: String,
    /// What it is for.
    pub description: Option<String>,
    /// The roles in the set.
    pub roles: Vec<RoleSetItem>,
    /// The role new members get.
    pub default_role: Option<RoleSetItem>,
    /// The role an organization's creator gets.
    pub creator_role: Option<RoleSetItem>,
    /// `initial` (given to new organizations) or `custom`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A migration in progress; migrations here finish within the request, so always `None`.
    #[serde(default)]
    pub role_set_migration: Option<serde_json::Value>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
