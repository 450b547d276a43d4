//! What the access lists group stores.

use serde::{Deserialize, Serialize};

use crate::wire::*;

/// The lists as stored, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct AccessListData {
    #[serde(default)]
    pub(crate) allowlist: crate::table::Table<AllowlistIdentifier>,
    #[serde(default)]
    pub(crate) blocklist: crate::table::Table<BlocklistIdentifier>,
}

impl AccessListData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 2] {
        [
            ("allowlist_identifiers", &mut self.allowlist),
            ("blocklist_identifiers", &mut self.blocklist),
        ]
    }
}
