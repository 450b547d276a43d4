//! What the instance group stores: its settings (one row), satellite domains, redirect URLs,
//! proxy checks and admin portal link tokens.

use serde::{Deserialize, Serialize};

use crate::table::{Journaled, Table};
use crate::wire::{ProxyCheck, RedirectUrl};

/// The key of the one settings row.
pub(crate) const SETTINGS_ROW: &str = "instance";

/// The instance group's tables.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct InstanceData {
    /// One row, [`SETTINGS_ROW`], once a setting was changed.
    #[serde(default)]
    pub(crate) settings: Table<Settings>,
    /// Satellite domains by id (the primary domain is derived from the instance).
    #[serde(default)]
    pub(crate) domains: Table<SatelliteRecord>,
    #[serde(default)]
    pub(crate) redirect_urls: Table<RedirectUrl>,
    #[serde(default)]
    pub(crate) proxy_checks: Table<ProxyCheck>,
    #[serde(default)]
    pub(crate) portal_tokens: Table<PortalTokenRecord>,
}

impl InstanceData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 5] {
        [
            ("instance_settings", &mut self.settings),
            ("instance_domains", &mut self.domains),
            ("redirect_urls", &mut self.redirect_urls),
            ("proxy_checks", &mut self.proxy_checks),
            ("admin_portal_link_tokens", &mut self.portal_tokens),
        ]
    }
}

/// Every instance setting. `None` where "never set" behaves differently from either value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct Settings {
    // PATCH /instance
    pub(crate) test_mode: Option<bool>,
    pub(crate) hibp: Option<bool>,
    pub(crate) support_email: Option<String>,
    pub(crate) clerk_js_version: Option<String>,
    pub(crate) development_origin: Option<String>,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) cookieless_dev: Option<bool>,
    pub(crate) url_based_session_syncing: Option<bool>,
    pub(crate) preferred_sign_in_strategy: Option<String>,
    // restrictions
    /// `None`: never set, and a non-empty allow-list applies (the emulator's behaviour before
    /// it had this setting).
    pub(crate) allowlist: Option<bool>,
    /// `None`: never set, and the block-list applies.
    pub(crate) blocklist: Option<bool>,
    pub(crate) allowlist_blocklist_disabled_on_sign_in: bool,
    pub(crate) block_email_subaddresses: bool,
    pub(crate) block_disposable_email_domains: bool,
    // beta instance settings
    pub(crate) from_email_address: Option<String>,
    pub(crate) progressive_sign_up: bool,
    // protect
    pub(crate) rules_enabled: bool,
    pub(crate) specter_enabled: bool,
    // communication
    pub(crate) blocked_country_codes: Vec<String>,
    // OAuth applications
    pub(crate) dynamic_oauth_client_registration: bool,
    pub(crate) default_scopes: Option<Vec<String>>,
    pub(crate) oauth_jwt_access_tokens: bool,
    pub(crate) cimd_advertised: bool,
    pub(crate) cimd_only_pre_registered: bool,
    pub(crate) cimd_block_implicit: bool,
    // organizations
    pub(crate) orgs_enabled: bool,
    pub(crate) max_allowed_memberships: i64,
    pub(crate) admin_delete_enabled: bool,
    pub(crate) domains_enabled: bool,
    pub(crate) slug_disabled: bool,
    pub(crate) domains_enrollment_modes: Vec<String>,
    // the primary domain
    pub(crate) primary_domain_name: Option<String>,
    pub(crate) primary_proxy_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            test_mode: None,
            hibp: None,
            support_email: None,
            clerk_js_version: None,
            development_origin: None,
            allowed_origins: Vec::new(),
            cookieless_dev: None,
            url_based_session_syncing: None,
            preferred_sign_in_strategy: None,
            allowlist: None,
            blocklist: None,
            allowlist_blocklist_disabled_on_sign_in: false,
            block_email_subaddresses: false,
            block_disposable_email_domains: false,
            from_email_address: None,
            progressive_sign_up: false,
            rules_enabled: false,
            specter_enabled: false,
            blocked_country_codes: Vec::new(),
            dynamic_oauth_client_registration: false,
            default_scopes: None,
            oauth_jwt_access_tokens: false,
            cimd_advertised: false,
            cimd_only_pre_registered: false,
            cimd_block_implicit: false,
            orgs_enabled: true,
            max_allowed_memberships: super::organizations::DEFAULT_MAX_MEMBERSHIPS,
            admin_delete_enabled: true,
            domains_enabled: true,
            slug_disabled: false,
            domains_enrollment_modes: vec![
                "manual_invitation".into(),
                "automatic_invitation".into(),
                "automatic_suggestion".into(),
            ],
            primary_domain_name: None,
            primary_proxy_url: None,
        }
    }
}

/// A satellite domain as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SatelliteRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) proxy_url: Option<String>,
    pub(crate) created_at: i64,
}

/// An admin portal link token as stored (the token value is kept for nothing but the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PortalTokenRecord {
    pub(crate) id: String,
    pub(crate) admin_portal_link_id: String,
    pub(crate) organization_id: Option<String>,
    pub(crate) it_contact_id: Option<String>,
    pub(crate) scopes: Option<Vec<String>>,
    pub(crate) revoked: bool,
    pub(crate) revocation_reason: Option<String>,
    pub(crate) expiration: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}
