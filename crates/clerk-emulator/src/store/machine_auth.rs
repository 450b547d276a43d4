//! What machine authentication stores: machines and their scopes, M2M tokens, API keys, OAuth
//! applications and their access tokens.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::table::{Journaled, Table};

/// Every machine-auth table, stored together under `Db::machine_auth`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct MachineAuthData {
    #[serde(default)]
    pub(crate) machines: Table<MachineRow>,
    #[serde(default)]
    pub(crate) m2m_tokens: Table<M2mTokenRow>,
    #[serde(default)]
    pub(crate) api_keys: Table<ApiKeyRow>,
    #[serde(default)]
    pub(crate) oauth_applications: Table<OAuthApplicationRow>,
    #[serde(default)]
    pub(crate) oauth_access_tokens: Table<OAuthAccessTokenRow>,
}

impl MachineAuthData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 5] {
        [
            ("machines", &mut self.machines),
            ("m2m_tokens", &mut self.m2m_tokens),
            ("api_keys", &mut self.api_keys),
            ("oauth_applications", &mut self.oauth_applications),
            ("oauth_access_tokens", &mut self.oauth_access_tokens),
        ]
    }
}

/// A machine as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MachineRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) default_token_ttl: i64,
    /// The machines this one may send tokens to, in the order the scopes were made.
    pub(crate) scopes: Vec<ScopeRow>,
    pub(crate) secret_key: String,
    /// The secret key before the last rotation, and until when (Unix ms) it still works.
    #[serde(default)]
    pub(crate) previous_secret_key: Option<(String, i64)>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A scope: the machine it lets this one reach, and when it was made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ScopeRow {
    pub(crate) to_machine_id: String,
    pub(crate) created_at: i64,
}

/// An opaque M2M token as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct M2mTokenRow {
    pub(crate) id: String,
    pub(crate) subject: String,
    pub(crate) claims: Option<Value>,
    pub(crate) scopes: Vec<String>,
    pub(crate) token: String,
    pub(crate) revoked: bool,
    pub(crate) revocation_reason: Option<String>,
    pub(crate) expiration: Option<i64>,
    pub(crate) last_used_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// An API key as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApiKeyRow {
    pub(crate) id: String,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) subject: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) claims: Option<Value>,
    pub(crate) scopes: Vec<String>,
    pub(crate) secret: String,
    pub(crate) revoked: bool,
    pub(crate) revocation_reason: Option<String>,
    pub(crate) expiration: Option<i64>,
    pub(crate) created_by: Option<String>,
    pub(crate) last_used_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// An OAuth application as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OAuthApplicationRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) client_image_url: Option<String>,
    /// The uploaded logo in `Db::images`, removed with the application or a new logo.
    pub(crate) image_id: Option<String>,
    pub(crate) consent_screen_enabled: bool,
    pub(crate) pkce_required: bool,
    pub(crate) public: bool,
    pub(crate) scopes: String,
    pub(crate) redirect_uris: Vec<String>,
    pub(crate) callback_url: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// An access token an application holds for a user, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct OAuthAccessTokenRow {
    pub(crate) id: String,
    pub(crate) token: String,
    pub(crate) application_id: String,
    pub(crate) client_id: String,
    pub(crate) subject: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) revoked: bool,
    pub(crate) revocation_reason: Option<String>,
    pub(crate) expiration: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}
