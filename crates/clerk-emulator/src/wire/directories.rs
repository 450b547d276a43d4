//! Directories: the identity providers that provision users into the instance over SCIM.
//!
//! The spec serves the same objects under two names, `/scim_directories` (the older one, with
//! `object: "scim_directory"`) and `/directories` (`object: "directory"`); one type serves both,
//! its `object` set by the family asked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Role;

/// A directory (spec schemas `Directory` and `SCIMDirectory`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    /// `directory` or `scim_directory`, after the path it was asked through.
    pub object: String,
    /// The directory id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// The enterprise connection its users sign in through; `None` once that is deleted.
    pub enterprise_connection_id: Option<String>,
    /// The base URL of its SCIM endpoint, where the identity provider sends users.
    pub endpoint_url: String,
    /// The identity provider.
    pub provider: String,
    /// Whether it provisions users.
    pub enabled: bool,
    /// Whether its group role mappings can be changed and applied.
    pub group_role_mapping_enabled: bool,
    /// User attribute → the SCIM path it is read from.
    pub attribute_mapping: BTreeMap<String, String>,
    /// The key the identity provider authenticates with: served only by create and rotate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A mapping from an identity-provider group to an organization role (spec schemas
/// `DirectoryGroupRoleMapping` and `SCIMGroupRoleMapping`, which carry each value under both
/// names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryGroupRoleMapping {
    /// `directory_group_role_mapping` or `scim_group_role_mapping`.
    pub object: String,
    /// The mapping id.
    pub id: String,
    /// The directory it belongs to.
    pub directory_id: String,
    /// The same, under its older name.
    pub scim_directory_id: String,
    /// The group's id at the identity provider.
    pub directory_group_id: String,
    /// The same, under its older name.
    pub scim_group_id: String,
    /// The group's display name.
    pub directory_group_display_name: String,
    /// The same, under its older name.
    pub scim_group_display_name: String,
    /// The role the group's members get; `None` if the role no longer exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Its rank, from 1: the lowest wins when a user is in several mapped groups.
    pub precedence: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
