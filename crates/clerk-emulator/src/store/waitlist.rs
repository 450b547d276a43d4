//! What the waitlist group stores.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::WaitlistEntry;

/// Waitlist entries as stored, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct WaitlistData {
    #[serde(default)]
    pub(crate) entries: Table<WaitlistRecord>,
}

impl WaitlistData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 1] {
        [("waitlist_entries", &mut self.entries)]
    }
}

/// An entry as stored: the served entry without its invitation, which is looked up by id when
/// the entry is served (so a revoked or expired invitation shows as it stands).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct WaitlistRecord {
    pub(crate) entry: WaitlistEntry,
    #[serde(default)]
    pub(crate) invitation_id: Option<String>,
}
