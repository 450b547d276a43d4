//! What the org domains group stores.

use serde::{Deserialize, Serialize};

use crate::table::{Journaled, Table};
use crate::wire::OrganizationDomainEnrollmentMode as Mode;

/// Domains and the suggestions they made, each by id.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct DomainData {
    #[serde(default)]
    pub(crate) domains: Table<DomainRecord>,
    #[serde(default)]
    pub(crate) suggestions: Table<SuggestionRecord>,
}

impl DomainData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 2] {
        [
            ("organization_domains", &mut self.domains),
            ("organization_suggestions", &mut self.suggestions),
        ]
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DomainRecord {
    pub(crate) id: String,
    pub(crate) organization_id: String,
    /// Lowercase.
    pub(crate) name: String,
    pub(crate) enrollment_mode: Mode,
    /// Affiliation verified (by the admin, through this API).
    pub(crate) verified: bool,
    /// When ownership was verified.
    #[serde(default)]
    pub(crate) ownership_verified_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SuggestionRecord {
    pub(crate) id: String,
    pub(crate) domain_id: String,
    pub(crate) organization_id: String,
    pub(crate) user_id: String,
    pub(crate) email_address: String,
    pub(crate) created_at: i64,
}
