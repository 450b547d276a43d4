//! What the SAML and enterprise connections group stores.

use serde::{Deserialize, Serialize};

use crate::table::Table;
use crate::wire::{EnterpriseConnection, SamlConnection};

/// SAML and enterprise connections, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct ConnectionData {
    #[serde(default)]
    pub(crate) saml: Table<SamlConnection>,
    #[serde(default)]
    pub(crate) enterprise: Table<EnterpriseConnection>,
}

impl ConnectionData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 2] {
        [
            ("saml_connections", &mut self.saml),
            ("enterprise_connections", &mut self.enterprise),
        ]
    }
}
