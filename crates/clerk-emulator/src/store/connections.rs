//! What the SAML and enterprise connections group stores.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::{EnterpriseConnection, EnterpriseConnectionTestRun, SamlConnection};

/// SAML and enterprise connections, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ConnectionData {
    #[serde(default)]
    pub(crate) saml: Table<SamlConnection>,
    #[serde(default)]
    pub(crate) enterprise: Table<EnterpriseConnection>,
    #[serde(default)]
    pub(crate) test_runs: Table<StoredTestRun>,
}

/// A test run as stored: the run served, its connection, and the secret in its URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredTestRun {
    pub(crate) run: EnterpriseConnectionTestRun,
    pub(crate) connection_id: String,
    pub(crate) secret: String,
    /// Until when (Unix ms) the URL starts the flow; it works once.
    pub(crate) expire_at: i64,
}

impl ConnectionData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 3] {
        [
            ("saml_connections", &mut self.saml),
            ("enterprise_connections", &mut self.enterprise),
            ("enterprise_connection_test_runs", &mut self.test_runs),
        ]
    }
}
