//! Sessions, clients and session tokens.

use serde::{Deserialize, Serialize};

use super::Metadata;

open_enum! {
    /// Where a session stands.
    pub enum SessionStatus {
        /// Signed in.
        Active = "active",
        /// Revoked by the user, an admin or a ban.
        Revoked = "revoked",
        /// Signed out.
        Ended = "ended",
        /// Expired.
        Expired = "expired",
        /// Removed from its client.
        Removed = "removed",
        /// Abandoned (inactive too long).
        Abandoned = "abandoned",
        /// Replaced by another session.
        Replaced = "replaced",
        /// Signed in, with tasks left to complete (choose an organization, ...).
        Pending = "pending",
    }
}

/// A session (spec schema `Session`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Always `session`.
    pub object: String,
    /// The session id (`sess_...`).
    pub id: String,
    /// The user signed in.
    pub user_id: String,
    /// The client (browser or device) holding it.
    pub client_id: String,
    /// The impersonating actor, when an admin signed in as the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Metadata>,
    /// Where it stands.
    pub status: SessionStatus,
    /// The organization active in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active_organization_id: Option<String>,
    /// Last activity (Unix ms).
    pub last_active_at: i64,
    /// Details of the latest activity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_activity: Option<SessionActivity>,
    /// When it expires (Unix ms).
    pub expire_at: i64,
    /// When it is abandoned if unused (Unix ms).
    pub abandon_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Tasks the user must complete before the session is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<SessionTask>>,
}

/// Where a session's activity came from (spec schema `SessionActivityResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionActivity {
    /// The object name.
    pub object: String,
    /// The activity id.
    pub id: String,
    /// The device type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type: Option<String>,
    /// Whether the device is mobile.
    pub is_mobile: bool,
    /// The browser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_name: Option<String>,
    /// The browser's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser_version: Option<String>,
    /// The IP address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// The city.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// The country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A task a pending session must complete (spec schema `SessionTask`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTask {
    /// The task (`choose-organization`, `reset-password`, ...).
    pub key: String,
}

/// A client: a browser or device with its sessions (spec schema `Client`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    /// Always `client`.
    pub object: String,
    /// The client id (`client_...`).
    pub id: String,
    /// Its sessions' ids.
    #[serde(default)]
    pub session_ids: Vec<String>,
    /// Its sessions.
    #[serde(default)]
    pub sessions: Vec<Session>,
    /// A sign-in in progress.
    pub sign_in_id: Option<String>,
    /// A sign-up in progress.
    pub sign_up_id: Option<String>,
    /// The session last active on it.
    pub last_active_session_id: Option<String>,
    /// How the user last authenticated on it.
    pub last_authentication_strategy: Option<String>,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
}

/// A signed token (spec schema `Token`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionToken {
    /// Always `token`.
    pub object: String,
    /// The JWT.
    pub jwt: String,
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionToken")
            .field("jwt", &"[redacted]")
            .finish()
    }
}

/// A JSON Web Key Set (spec schema `JWKS`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys. RSA keys decode as [`Jwk`]; the set may hold other kinds too.
    #[serde(default)]
    pub keys: Vec<Jwk>,
}

/// One key of a [`Jwks`]: RSA fields are typed, anything else is kept in `other`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Jwk {
    /// The key id; Clerk uses the instance id (`ins_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The algorithm (`RS256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// The use (`sig`).
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// The key type (`RSA`, `EC`, `OKP`, ...).
    pub kty: String,
    /// RSA modulus, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// Other members (`x5c`, `crv`, `x`, ...).
    #[serde(flatten)]
    pub other: Metadata,
}
