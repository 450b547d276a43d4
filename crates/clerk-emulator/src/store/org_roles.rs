//! What the org roles group stores.

use serde::{Deserialize, Serialize};

use crate::table::{Journaled, Table};
use crate::wire::*;

/// Permissions, roles, role sets and the instance's role settings, each by id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct RoleData {
    #[serde(default)]
    pub(crate) permissions: Table<Permission>,
    #[serde(default)]
    pub(crate) roles: Table<RoleRecord>,
    #[serde(default)]
    pub(crate) role_sets: Table<RoleSetRecord>,
    /// `creator_role` and `domains_default_role`, each the id of a role.
    #[serde(default)]
    pub(crate) settings: Table<String>,
}

impl RoleData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 4] {
        [
            ("organization_permissions", &mut self.permissions),
            ("organization_roles", &mut self.roles),
            ("role_sets", &mut self.role_sets),
            ("organization_role_settings", &mut self.settings),
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RoleRecord {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// Permission ids, in the order they were granted.
    pub(crate) permissions: Vec<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RoleSetRecord {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    /// `initial` or `custom`.
    pub(crate) kind: String,
    /// Role ids, in the order they were added.
    pub(crate) roles: Vec<String>,
    pub(crate) default_role: String,
    pub(crate) creator_role: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}
