//! What the directories group stores: the directories, their group role mappings, and which
//! users each directory provisioned.

use serde::{Deserialize, Serialize};

use crate::table::{Journaled, Table};
use crate::wire::Directory;

/// Directories, mappings and provisioned users, each by id (directory and mapping ids sort in
/// creation order; provisioned users are keyed by their user id).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct DirectoryData {
    #[serde(default)]
    pub(crate) directories: Table<DirectoryRecord>,
    #[serde(default)]
    pub(crate) mappings: Table<MappingRecord>,
    #[serde(default)]
    pub(crate) users: Table<ProvisionedUser>,
}

impl DirectoryData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 3] {
        [
            ("directories", &mut self.directories),
            ("directory_group_role_mappings", &mut self.mappings),
            ("directory_users", &mut self.users),
        ]
    }
}

/// A directory as stored: the served object (without its key) and the key its SCIM requests
/// must carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DirectoryRecord {
    pub(crate) directory: Directory,
    pub(crate) api_key: String,
}

/// A group role mapping as stored; the role is rendered from the roles table when served.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MappingRecord {
    pub(crate) id: String,
    pub(crate) directory_id: String,
    pub(crate) group_id: String,
    pub(crate) display_name: String,
    pub(crate) role_id: String,
    pub(crate) precedence: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A user a directory provisioned, with what the SCIM side knows of it that the user object
/// does not carry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProvisionedUser {
    pub(crate) user_id: String,
    pub(crate) directory_id: String,
    /// The SCIM `userName`, unique within the directory.
    pub(crate) user_name: String,
    /// The SCIM `externalId`: the user's id at the identity provider.
    pub(crate) external_id: Option<String>,
    /// The SCIM `active` flag; `false` leaves the user deprovisioned.
    pub(crate) active: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}
