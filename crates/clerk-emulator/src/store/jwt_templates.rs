//! What the jwt templates group stores.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// JWT templates as stored, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct TemplateData {
    #[serde(default)]
    pub(crate) templates: crate::table::Table<JwtTemplate>,
}

impl TemplateData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn crate::table::Journaled); 1] {
        [("jwt_templates", &mut self.templates)]
    }
}

/// A JWT template as served (spec schema `JWTTemplate`) and stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JwtTemplate {
    pub(crate) object: String,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) claims: Map<String, Value>,
    pub(crate) lifetime: i64,
    pub(crate) allowed_clock_skew: i64,
    pub(crate) custom_signing_key: bool,
    pub(crate) signing_algorithm: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}
