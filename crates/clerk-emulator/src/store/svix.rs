//! What the webhooks (Svix app) group stores: the instance's Svix app, when it has one.

use serde::{Deserialize, Serialize};

use crate::table::Table;

/// The Svix app, stored under the key [`APP_KEY`] (an instance has one at most).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct SvixData {
    #[serde(default)]
    pub(crate) apps: Table<SvixApp>,
}

/// The key the instance's Svix app is stored under.
pub(crate) const APP_KEY: &str = "app";

impl SvixData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 1] {
        [("svix_apps", &mut self.apps)]
    }
}

/// A Svix app associated with the instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SvixApp {
    pub(crate) id: String,
    pub(crate) created_at: i64,
}
