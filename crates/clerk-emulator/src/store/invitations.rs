//! What the invitations group stores.

use serde::{Deserialize, Serialize};

use crate::wire::*;

/// Invitations as stored, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct InvitationData {
    #[serde(default)]
    pub(crate) invitations: crate::table::Table<Invitation>,
}

impl InvitationData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 1] {
        [("invitations", &mut self.invitations)]
    }
}
