//! SAML and enterprise connections: the identity providers users at a domain sign in with.

use serde::{Deserialize, Serialize};

/// Which IdP attribute fills which user field (spec schema `SAMLConnectionAttributeMapping`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamlAttributeMapping {
    /// The attribute carrying the user's id at the IdP.
    pub user_id: String,
    /// The attribute carrying the email address.
    pub email_address: String,
    /// The attribute carrying the first name.
    pub first_name: String,
    /// The attribute carrying the last name.
    pub last_name: String,
}

/// What is sent to the IdP as `login_hint` (spec schema `SAMLConnectionLoginHint`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamlLoginHint {
    /// `email_address`, `custom_attribute` or `off`.
    pub mode: String,
    /// The public metadata key sent in `custom_attribute` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A SAML connection (spec schema `SAMLConnection`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamlConnection {
    /// Always `saml_connection`.
    pub object: String,
    /// The connection id (`samlc_...`).
    pub id: String,
    /// Its label.
    pub name: String,
    /// Its first domain.
    pub domain: String,
    /// Every domain whose addresses sign in through it.
    pub domains: Vec<String>,
    /// The IdP's entity id.
    pub idp_entity_id: Option<String>,
    /// The IdP's sign-on URL.
    pub idp_sso_url: Option<String>,
    /// The IdP's X.509 certificate.
    pub idp_certificate: Option<String>,
    /// Start of the certificate's validity (Unix ms); the emulator does not parse certificates.
    pub idp_certificate_issued_at: Option<i64>,
    /// End of the certificate's validity (Unix ms).
    pub idp_certificate_expires_at: Option<i64>,
    /// Where the IdP's metadata is served.
    pub idp_metadata_url: Option<String>,
    /// The IdP's metadata XML.
    pub idp_metadata: Option<String>,
    /// The assertion consumer service URL.
    pub acs_url: String,
    /// The service provider's entity id.
    pub sp_entity_id: String,
    /// Where the service provider's metadata is served.
    pub sp_metadata_url: String,
    /// The organization its users join.
    pub organization_id: Option<String>,
    /// Which IdP attributes fill which user fields.
    pub attribute_mapping: SamlAttributeMapping,
    /// Whether users can sign in through it.
    pub active: bool,
    /// The IdP (`saml_custom`, `saml_okta`, ...).
    pub provider: String,
    /// How many users signed in through it.
    pub user_count: i64,
    /// Whether each sign-in updates the user's attributes.
    pub sync_user_attributes: bool,
    /// Whether addresses at subdomains may use it.
    pub allow_subdomains: bool,
    /// Whether IdP-initiated sign-ins are allowed.
    pub allow_idp_initiated: bool,
    /// Whether its users may not add other identifications.
    pub disable_additional_identifications: bool,
    /// Whether accounts link through organization membership.
    pub allow_organization_account_linking: bool,
    /// Whether the IdP is asked to re-authenticate.
    pub force_authn: bool,
    /// Whether users can sign in through it now (the spec requires the field without typing
    /// it; the emulator says `true` exactly when the connection is active).
    pub authenticatable: bool,
    /// Whether users are not created on their first sign-in (the emulator never sets it).
    #[serde(default)]
    pub disable_jit_provisioning: bool,
    /// What is sent as `login_hint`.
    pub login_hint: SamlLoginHint,
    /// The enterprise connection it belongs to, if any.
    pub enterprise_connection_id: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// An enterprise connection (spec schema `EnterpriseConnection`). Its SAML or OIDC details are
/// kept as the objects the spec nests (`saml_connection`, `oauth_config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseConnection {
    /// Always `enterprise_connection`.
    pub object: String,
    /// The connection id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// The IdP (`saml_custom`, `oidc_custom`, ...).
    pub provider: String,
    /// The provider's logo.
    pub logo_public_url: Option<String>,
    /// Whether users can sign in through it.
    pub active: bool,
    /// The domains whose addresses sign in through it (lower case).
    pub domains: Vec<String>,
    /// The organization it is linked to.
    pub organization_id: Option<String>,
    /// Whether each sign-in updates the user's attributes.
    pub sync_user_attributes: bool,
    /// Whether its users may not add other identifications.
    pub disable_additional_identifications: bool,
    /// Whether accounts link through organization membership.
    pub allow_organization_account_linking: bool,
    /// Whether users can sign in through it now (the spec requires the field without typing
    /// it; the emulator says `true` exactly when the connection is active).
    pub authenticatable: bool,
    /// Whether users are not created on their first sign-in (the emulator never sets it).
    #[serde(default)]
    pub disable_jit_provisioning: bool,
    /// Attributes mapped from the IdP into the user's metadata.
    pub custom_attributes: Vec<serde_json::Value>,
    /// The SAML side, for SAML providers.
    pub saml_connection: Option<serde_json::Map<String, serde_json::Value>>,
    /// The OIDC side, for OIDC providers.
    pub oauth_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// One attempt to sign in through an enterprise connection's IdP, started from the dashboard
/// to debug its setup (spec schema `EnterpriseConnectionTestRun`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseConnectionTestRun {
    /// The test run id.
    pub id: String,
    /// `pending` until the IdP answered, then `success` or `failed`.
    pub status: String,
    /// `saml` or `oauth`.
    pub connection_type: String,
    /// Who the IdP said signed in, once it answered.
    pub parsed_user_info: Option<serde_json::Map<String, serde_json::Value>>,
    /// What happened, step by step.
    pub logs: Vec<TestRunLog>,
    /// For SAML connections: the exchange with the IdP.
    pub saml: Option<serde_json::Map<String, serde_json::Value>>,
    /// For OIDC connections: the exchange with the IdP.
    pub oauth: Option<serde_json::Map<String, serde_json::Value>>,
    /// Creation (Unix ms).
    pub created_at: i64,
}

/// One line of a test run's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestRunLog {
    /// `info` or `error`.
    pub level: String,
    /// A machine-readable code, for errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A short summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_message: Option<String>,
    /// The whole message.
    pub message: String,
}
