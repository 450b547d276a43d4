//! The instance and its settings, its domains, redirect URLs, proxy checks and admin portal
//! link tokens, as the emulator serves them (spec schemas `Instance`, `InstanceRestrictions`,
//! `InstanceProtect`, `InstanceCommunication`, `OAuthApplicationSettings`,
//! `OrganizationSettings`, `InstanceSettings`, `Domain`, `RedirectURL`, `ProxyCheck`).

use serde::{Deserialize, Serialize};

/// The instance (spec schema `Instance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Always `instance`.
    pub object: String,
    /// The instance's id (`ins_...`).
    pub id: String,
    /// `development` or `production`; the emulator is a development instance.
    pub environment_type: String,
    /// Origins allowed to call the Frontend API from a browser.
    pub allowed_origins: Option<Vec<String>>,
    /// The workspace the instance belongs to; the emulator has none.
    pub workspace_id: Option<String>,
}

/// The instance's sign-up restrictions (spec schema `InstanceRestrictions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceRestrictions {
    /// Always `instance_restrictions`.
    pub object: String,
    /// Only identifiers on the allow-list may sign up.
    pub allowlist: bool,
    /// Identifiers on the block-list may not sign up.
    pub blocklist: bool,
    /// The lists apply to sign-ups only, not to sign-ins.
    pub allowlist_blocklist_disabled_on_sign_in: bool,
    /// Email addresses with a subaddress (`+`, `=` or `#` in the local part) are refused.
    pub block_email_subaddresses: bool,
    /// Email addresses at disposable email providers are refused.
    pub block_disposable_email_domains: bool,
}

/// The instance's bot protection switches (spec schema `InstanceProtect`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceProtect {
    /// Always `instance_protect`.
    pub object: String,
    /// Custom protection rules are on.
    pub rules_enabled: bool,
    /// The fraud detection engine is on.
    pub specter_enabled: bool,
    /// Checks are skipped for this instance.
    pub checks_bypassed: bool,
}

/// The instance's SMS settings (spec schema `InstanceCommunication`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceCommunication {
    /// Always `instance_communication`.
    pub object: String,
    /// ISO 3166-1 alpha-2 codes of the countries no SMS is sent to.
    pub blocked_country_codes: Vec<String>,
}

/// The instance's OAuth application settings (spec schema `OAuthApplicationSettings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthApplicationSettings {
    /// Always `oauth_application_settings`.
    pub object: String,
    /// OAuth clients may register themselves.
    pub dynamic_oauth_client_registration: bool,
    /// The scopes a new OAuth application gets.
    pub default_scopes: Option<Vec<String>>,
    /// OAuth access tokens are JWTs rather than opaque tokens.
    pub oauth_jwt_access_tokens: bool,
    /// Client ID metadata documents are advertised.
    pub client_id_metadata_documents_advertised: bool,
    /// Only pre-registered clients may use client ID metadata documents.
    pub client_id_metadata_documents_only_allow_pre_registered_clients: bool,
    /// Clients allowed only implicitly are refused.
    pub client_id_metadata_documents_block_implicitly_allowed_clients: bool,
}

/// The instance's organization settings (spec schema `OrganizationSettings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationSettings {
    /// Always `organization_settings`.
    pub object: String,
    /// Organizations are on.
    pub enabled: bool,
    /// The membership limit a new organization gets (0: unlimited).
    pub max_allowed_memberships: i64,
    /// The most roles the instance may define.
    pub max_allowed_roles: i64,
    /// The most role sets the instance may define.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_role_sets_allowed: Option<i64>,
    /// The most domains one organization may claim.
    pub max_allowed_domains: i64,
    /// The key of the role an organization's creator gets.
    pub creator_role: String,
    /// Admins may delete their organization.
    pub admin_delete_enabled: bool,
    /// Organizations may claim email domains.
    pub domains_enabled: bool,
    /// Organizations have no slugs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug_disabled: Option<bool>,
    /// The enrollment modes an organization domain may use.
    pub domains_enrollment_modes: Vec<String>,
    /// The key of the role members who join through a domain get.
    pub domains_default_role: String,
    /// The key of the role set new organizations get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_role_set_key: Option<String>,
}

/// The settings the beta endpoint changes (spec schema `InstanceSettings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceSettings {
    /// Always `instance_settings`.
    pub object: String,
    /// The instance's id.
    pub id: String,
    /// Only identifiers on the allow-list may sign up.
    pub restricted_to_allowlist: bool,
    /// The local part of the address the instance's emails come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_email_address: Option<String>,
    /// Sign-up asks for missing requirements one by one.
    pub progressive_sign_up: bool,
}

/// A DNS record a production domain needs (spec schema `CNameTarget`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CNameTarget {
    /// The record's host.
    pub host: String,
    /// Its value.
    pub value: String,
    /// Whether it is needed.
    pub required: bool,
}

/// One of the instance's domains (spec schema `Domain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Always `domain`.
    pub object: String,
    /// The domain's id (`dmn_...`).
    pub id: String,
    /// The domain name, with a port for development domains.
    pub name: String,
    /// A satellite domain rather than the primary one.
    pub is_satellite: bool,
    /// Where the Frontend API for this domain answers.
    pub frontend_api_url: String,
    /// The Account Portal's URL, when there is one.
    pub accounts_portal_url: Option<String>,
    /// The proxy the Frontend API is reached through, if any.
    pub proxy_url: Option<String>,
    /// The development origin (development instances).
    pub development_origin: String,
    /// DNS records to set up (production instances only).
    pub cname_targets: Option<Vec<CNameTarget>>,
}

/// A URL the instance may redirect to (spec schema `RedirectURL`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedirectUrl {
    /// Always `redirect_url`.
    pub object: String,
    /// Its id (`ru_...`).
    pub id: String,
    /// The URL.
    pub url: String,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// The outcome of checking a domain's proxy (spec schema `ProxyCheck`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyCheck {
    /// Always `proxy_check`.
    pub object: String,
    /// Its id (`proxychk_...`).
    pub id: String,
    /// The domain checked.
    pub domain_id: String,
    /// When the check last ran (Unix ms).
    pub last_run_at: Option<i64>,
    /// The proxy URL checked.
    pub proxy_url: String,
    /// Whether the proxy answered as a Frontend API proxy should.
    pub successful: bool,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A token that opens an organization's admin portal (the `createAdminPortalLinkToken`
/// answer; the token itself only in the answer that created it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminPortalLinkToken {
    /// Always `admin_portal_link_token`.
    pub object: String,
    /// Its id (`aplt_` and 32 hex digits).
    pub id: String,
    /// The admin portal link it opens (`apl_...`).
    pub admin_portal_link_id: String,
    /// The instance (`ins_...`).
    pub instance_id: String,
    /// The organization whose portal it opens.
    pub organization_id: Option<String>,
    /// The IT contact it was made for.
    pub it_contact_id: Option<String>,
    /// What the portal may do.
    pub scopes: Option<Vec<String>>,
    /// The token (only when created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Revoked.
    pub revoked: bool,
    /// Why it was revoked.
    pub revocation_reason: Option<String>,
    /// Past its expiration.
    pub expired: bool,
    /// When it expires (Unix ms).
    pub expiration: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}
