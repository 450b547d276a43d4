//! What the verifications group stores.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::*;

/// A verification in progress, with its code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PendingCode {
    pub(crate) verification: CodeVerification,
    pub(crate) identification_id: String,
    pub(crate) code: String,
}

/// The verifications as stored, by id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct VerificationData {
    #[serde(default)]
    pub(crate) codes: Table<PendingCode>,
}

impl VerificationData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 1] {
        [("code_verifications", &mut self.codes)]
    }
}
