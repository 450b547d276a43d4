//! Users and what they carry: identifiers, accounts, devices, tokens; and the request bodies of
//! the Users operations.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Metadata, OrganizationMembership, Patch, SecretString, Verification, metadata_as};

/// A user of the instance (spec schema `User`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id (`user_...`).
    pub id: String,
    /// Always `user`.
    pub object: String,
    /// The id of the user in your own system.
    pub external_id: Option<String>,
    /// The id of the primary email address.
    pub primary_email_address_id: Option<String>,
    /// The id of the primary phone number.
    pub primary_phone_number_id: Option<String>,
    /// The id of the primary web3 wallet.
    pub primary_web3_wallet_id: Option<String>,
    /// The username.
    pub username: Option<String>,
    /// The first name.
    pub first_name: Option<String>,
    /// The last name.
    pub last_name: Option<String>,
    /// The user's locale (a BCP 47 tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Deprecated: use `image_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_image_url: Option<String>,
    /// The profile image (or a default avatar) URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Whether the user uploaded a profile image.
    pub has_image: bool,
    /// Metadata readable from the frontend and the backend, writable from the backend.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// Metadata only the backend can read and write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    /// Metadata the frontend can read and write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Metadata>,
    /// Email addresses.
    #[serde(default)]
    pub email_addresses: Vec<EmailAddress>,
    /// Phone numbers.
    #[serde(default)]
    pub phone_numbers: Vec<PhoneNumber>,
    /// Web3 wallets.
    #[serde(default)]
    pub web3_wallets: Vec<Web3Wallet>,
    /// Passkeys.
    #[serde(default)]
    pub passkeys: Vec<Passkey>,
    /// Whether the user has a password.
    pub password_enabled: bool,
    /// Whether any second factor is enabled.
    pub two_factor_enabled: bool,
    /// Whether an authenticator app (TOTP) is set up.
    pub totp_enabled: bool,
    /// Whether backup codes are set up.
    pub backup_code_enabled: bool,
    /// When MFA was enabled (Unix ms).
    pub mfa_enabled_at: Option<i64>,
    /// When MFA was disabled (Unix ms).
    pub mfa_disabled_at: Option<i64>,
    /// When the password last changed (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_last_updated_at: Option<i64>,
    /// OAuth accounts.
    #[serde(default)]
    pub external_accounts: Vec<ExternalAccount>,
    /// SAML accounts.
    #[serde(default)]
    pub saml_accounts: Vec<SamlAccount>,
    /// Enterprise (SAML or OIDC) accounts.
    #[serde(default)]
    pub enterprise_accounts: Vec<EnterpriseAccount>,
    /// Organization memberships, when the endpoint includes them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_memberships: Option<Vec<OrganizationMembership>>,
    /// The last sign-in (Unix ms).
    pub last_sign_in_at: Option<i64>,
    /// Whether the user is banned.
    pub banned: bool,
    /// Whether the user is locked out.
    pub locked: bool,
    /// Whether a SCIM directory deprovisioned the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprovisioned: Option<bool>,
    /// Seconds until the lockout ends; `None` on a locked user means never.
    pub lockout_expires_in_seconds: Option<i64>,
    /// Verification attempts left before a lockout; `None` when lockout is off.
    pub verification_attempts_remaining: Option<i64>,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Whether the user may delete their own account.
    pub delete_self_enabled: bool,
    /// Whether the user may create organizations.
    pub create_organization_enabled: bool,
    /// How many organizations the user may create, when limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_organizations_limit: Option<i64>,
    /// The last activity (Unix ms, day precision).
    pub last_active_at: Option<i64>,
    /// When the user accepted the legal terms (Unix ms).
    pub legal_accepted_at: Option<i64>,
    /// Whether the user skips client-trust checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass_client_trust: Option<bool>,
    /// SCIM provisioning details, for users managed by a directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scim: Option<ScimUserMetadata>,
}

impl User {
    /// The primary email address, if the user has one.
    pub fn primary_email_address(&self) -> Option<&EmailAddress> {
        let id = self.primary_email_address_id.as_deref()?;
        self.email_addresses
            .iter()
            .find(|e| e.id.as_deref() == Some(id))
    }

    /// The primary phone number, if the user has one.
    pub fn primary_phone_number(&self) -> Option<&PhoneNumber> {
        let id = self.primary_phone_number_id.as_deref()?;
        self.phone_numbers
            .iter()
            .find(|p| p.id.as_deref() == Some(id))
    }

    /// `public_metadata` as your own type.
    pub fn public_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(&self.public_metadata)
    }

    /// `private_metadata` as your own type (an empty object when absent).
    pub fn private_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(self.private_metadata.as_ref().unwrap_or(&Metadata::new()))
    }

    /// `unsafe_metadata` as your own type (an empty object when absent).
    pub fn unsafe_metadata_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        metadata_as(self.unsafe_metadata.as_ref().unwrap_or(&Metadata::new()))
    }
}

/// An email address of a user (spec schema `EmailAddress`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailAddress {
    /// The identification id (`idn_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `email_address`.
    pub object: String,
    /// The address.
    pub email_address: String,
    /// Whether the address is reserved (held but not usable to sign in).
    pub reserved: bool,
    /// How it was verified.
    pub verification: Verification,
    /// Accounts linked through this address.
    #[serde(default)]
    pub linked_to: Vec<IdentificationLink>,
    /// Whether an SSO connection's domain matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches_sso_connection: Option<bool>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A phone number of a user (spec schema `PhoneNumber`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneNumber {
    /// The identification id (`idn_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `phone_number`.
    pub object: String,
    /// The number in E.164 form.
    pub phone_number: String,
    /// Whether the number is only a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_for_second_factor: Option<bool>,
    /// Whether it is the default second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_second_factor: Option<bool>,
    /// Whether the number is reserved.
    pub reserved: bool,
    /// How it was verified.
    pub verification: Verification,
    /// Accounts linked through this number.
    #[serde(default)]
    pub linked_to: Vec<IdentificationLink>,
    /// Backup codes, when just generated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_codes: Option<Vec<String>>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A web3 wallet of a user (spec schema `Web3Wallet`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Web3Wallet {
    /// The identification id (`idn_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `web3_wallet`.
    pub object: String,
    /// The wallet address.
    pub web3_wallet: String,
    /// How it was verified.
    pub verification: Verification,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A passkey of a user (spec schema `Passkey`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passkey {
    /// The identification id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Always `passkey`.
    pub object: String,
    /// The name the user gave it.
    pub name: String,
    /// Last use (Unix ms).
    pub last_used_at: i64,
    /// How it was verified.
    pub verification: Verification,
}

/// A link from an identification to an account (spec schema `IdentificationLink`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentificationLink {
    /// The kind of account (`oauth_google`, `saml`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The account's id.
    pub id: String,
}

/// An OAuth account of a user (spec schema `ExternalAccountWithVerification`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalAccount {
    /// `external_account` (older: `google_account`, `facebook_account`).
    pub object: String,
    /// The account id (`eac_...`).
    pub id: String,
    /// The provider (`oauth_google`, ...).
    pub provider: String,
    /// The identification the account is linked to.
    pub identification_id: String,
    /// The user's id at the provider.
    pub provider_user_id: String,
    /// Scopes granted, space-separated.
    pub approved_scopes: String,
    /// The email address the provider reported.
    pub email_address: String,
    /// Whether the provider says the email is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_verified: Option<bool>,
    /// First name at the provider.
    pub first_name: String,
    /// Last name at the provider.
    pub last_name: String,
    /// Deprecated: use `image_url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// The avatar at the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Username at the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Phone number at the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Public metadata of the account.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// A label for the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// The OAuth verification.
    pub verification: Verification,
}

/// A SAML account of a user (spec schema `SAMLAccount`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamlAccount {
    /// The account id.
    pub id: String,
    /// Always `saml_account`.
    pub object: String,
    /// The identity provider.
    pub provider: String,
    /// Whether the account is active.
    pub active: bool,
    /// The email address.
    pub email_address: String,
    /// First name from the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name from the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The user's id at the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_user_id: Option<String>,
    /// Last authentication (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_authenticated_at: Option<i64>,
    /// Public metadata of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// The SAML verification.
    pub verification: Verification,
    /// The connection the account signed in through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saml_connection: Option<SamlAccountConnection>,
}

/// The SAML connection of a SAML account (spec schema `SAMLAccountConnection`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SamlAccountConnection {
    /// The connection id (`samlc_...`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Deprecated single domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The email domains it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    /// Whether it is active.
    pub active: bool,
    /// The identity provider.
    pub provider: String,
    /// Whether user attributes sync on each sign-in.
    pub sync_user_attributes: bool,
    /// Whether subdomains are allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_subdomains: Option<bool>,
    /// Whether IdP-initiated flows are allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_idp_initiated: Option<bool>,
    /// Whether other identifications are disabled for its users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_additional_identifications: Option<bool>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

open_enum! {
    /// The protocol of an enterprise connection.
    pub enum EnterpriseProtocol {
        /// OpenID Connect / OAuth.
        OAuth = "oauth",
        /// SAML.
        Saml = "saml",
    }
}

/// An enterprise (SAML or OIDC) account of a user (spec schema `EnterpriseAccount`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseAccount {
    /// The account id.
    pub id: String,
    /// Always `enterprise_account`.
    pub object: String,
    /// The protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<EnterpriseProtocol>,
    /// The identity provider.
    pub provider: String,
    /// Whether the account is active.
    pub active: bool,
    /// The email address.
    pub email_address: String,
    /// First name from the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name from the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The user's id at the identity provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_user_id: Option<String>,
    /// The connection's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_connection_id: Option<String>,
    /// Public metadata of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    /// The verification.
    pub verification: Verification,
    /// The connection the account signed in through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enterprise_connection: Option<EnterpriseAccountConnection>,
    /// Last authentication (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_authenticated_at: Option<i64>,
}

/// The connection of an enterprise account (spec schema `EnterpriseAccountConnection`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseAccountConnection {
    /// The connection id.
    pub id: String,
    /// The protocol (`saml`, `oauth`).
    pub protocol: String,
    /// The identity provider.
    pub provider: String,
    /// Its name.
    pub name: String,
    /// Its logo.
    pub logo_public_url: Option<String>,
    /// Deprecated single domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The email domains it serves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domains: Option<Vec<String>>,
    /// Whether it is active.
    pub active: bool,
    /// Whether user attributes sync on each sign-in.
    pub sync_user_attributes: bool,
    /// Whether subdomains are allowed.
    pub allow_subdomains: bool,
    /// Whether IdP-initiated flows are allowed.
    pub allow_idp_initiated: bool,
    /// Whether other identifications are disabled for its users.
    pub disable_additional_identifications: bool,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// SCIM details of a directory-managed user (spec schema `SCIMUserMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScimUserMetadata {
    /// The directory's id.
    pub directory_id: String,
    /// Whether the directory is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_enabled: Option<bool>,
    /// The user's id in the directory.
    pub external_id: Option<String>,
}

/// A count (spec schema `TotalCount`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalCount {
    /// Always `total_count`.
    pub object: String,
    /// The count.
    pub total_count: u64,
}

/// What a delete returns (spec schema `DeletedObject`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedObject {
    /// The kind of object deleted (`user`, `organization`, ...).
    pub object: String,
    /// Its id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its slug, for objects that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// Always `true`.
    pub deleted: bool,
    /// Its external id, for users that had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// An OAuth access token of a user at a provider (an item of spec schema `OAuthAccessToken`).
///
/// `Debug` hides the token, the ID token and the token secret.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthAccessToken {
    /// Always `oauth_access_token`.
    pub object: String,
    /// The external account's id.
    pub external_account_id: String,
    /// The user's id at the provider.
    pub provider_user_id: String,
    /// The access token.
    pub token: String,
    /// When it expires (Unix seconds as Clerk reports it), if it does.
    pub expires_at: Option<i64>,
    /// The provider (`oauth_google`, ...).
    pub provider: String,
    /// Public metadata of the account.
    #[serde(default)]
    pub public_metadata: Metadata,
    /// A label for the account.
    pub label: Option<String>,
    /// Scopes the token holds (OAuth 2.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// The OIDC ID token, when the provider gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The token secret (OAuth 1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_secret: Option<String>,
}

impl fmt::Debug for OAuthAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |present: bool| if present { "[redacted]" } else { "None" };
        f.debug_struct("OAuthAccessToken")
            .field("external_account_id", &self.external_account_id)
            .field("provider_user_id", &self.provider_user_id)
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .field("provider", &self.provider)
            .field("label", &self.label)
            .field("scopes", &self.scopes)
            .field("id_token", &hidden(self.id_token.is_some()))
            .field("token_secret", &hidden(self.token_secret.is_some()))
            .finish_non_exhaustive()
    }
}

open_enum! {
    /// The platform of a trusted device.
    pub enum TrustedDevicePlatform {
        /// iOS.
        Ios = "ios",
        /// Android.
        Android = "android",
    }
}

open_enum! {
    /// The key algorithm of a trusted device.
    pub enum TrustedDeviceAlgorithm {
        /// ECDSA with P-256 and SHA-256.
        Es256 = "ES256",
    }
}

open_enum! {
    /// Whether a trusted device is still trusted.
    pub enum TrustedDeviceStatus {
        /// Trusted.
        Active = "active",
        /// Revoked.
        Revoked = "revoked",
    }
}

/// A device a user trusts for sign-in (spec schema `TrustedDevice`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrustedDevice {
    /// Always `trusted_device`.
    pub object: String,
    /// The device id.
    pub id: String,
    /// The platform.
    pub platform: TrustedDevicePlatform,
    /// The app's bundle or package identifier.
    pub app_identifier: String,
    /// The device's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The key algorithm.
    pub algorithm: TrustedDeviceAlgorithm,
    /// Whether it is trusted.
    pub status: TrustedDeviceStatus,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Last use (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<i64>,
    /// When it was revoked (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
}

/// The answer of `DisableMFA`, `DeleteBackupCode` and `DeleteTOTP`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserIdResponse {
    /// The user the change applied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

open_enum! {
    /// Which kind of code `verify_totp` accepted.
    pub enum TotpCodeType {
        /// A code from an authenticator app.
        Totp = "totp",
        /// A backup code.
        BackupCode = "backup_code",
    }
}

/// The outcome of `verify_totp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpVerification {
    /// Whether the code was correct (a success answer without the field means it was).
    #[serde(default = "yes")]
    pub verified: bool,
    /// Which kind of code matched, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_type: Option<TotpCodeType>,
}

/// The answer of `verify_password` on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordVerification {
    /// Whether the password was correct.
    #[serde(default = "yes")]
    pub verified: bool,
}

fn yes() -> bool {
    true
}

open_enum! {
    /// How an email address or phone number is created with a new user.
    pub enum IdentificationStatus {
        /// Created verified.
        Verified = "verified",
        /// Held for the user, not usable to sign in until verified.
        Reserved = "reserved",
    }
}

open_enum! {
    /// The algorithm of an imported `password_digest` (spec schema `PasswordHasher`).
    pub enum PasswordHasher {
        /// bcrypt.
        Bcrypt = "bcrypt",
        /// Django's bcrypt over SHA-256.
        BcryptSha256Django = "bcrypt_sha256_django",
        /// MD5.
        Md5 = "md5",
        /// PBKDF2 with SHA-1.
        Pbkdf2Sha1 = "pbkdf2_sha1",
        /// PBKDF2 with SHA-256.
        Pbkdf2Sha256 = "pbkdf2_sha256",
        /// Django's PBKDF2 with SHA-256.
        Pbkdf2Sha256Django = "pbkdf2_sha256_django",
        /// PBKDF2 with SHA-512.
        Pbkdf2Sha512 = "pbkdf2_sha512",
        /// PBKDF2 with SHA-512, hex-encoded.
        Pbkdf2Sha512Hex = "pbkdf2_sha512_hex",
        /// phpass.
        Phpass = "phpass",
        /// MD5 inside phpass.
        Md5Phpass = "md5_phpass",
        /// Firebase's scrypt.
        ScryptFirebase = "scrypt_firebase",
        /// Werkzeug's scrypt.
        ScryptWerkzeug = "scrypt_werkzeug",
        /// SHA-256.
        Sha256 = "sha256",
        /// LDAP salted SHA.
        LdapSsha = "ldap_ssha",
        /// Argon2i.
        Argon2i = "argon2i",
        /// Argon2id.
        Argon2id = "argon2id",
        /// Symfony's SHA-512.
        Sha512Symfony = "sha512_symfony",
    }
}

/// The body of `CreateUser`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // each field is documented on its builder setter
pub struct CreateUserRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_address: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_address_identification_status: Vec<IdentificationStatus>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_number: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phone_number_identification_status: Vec<IdentificationStatus>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub web3_wallet: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_digest: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_hasher: Option<PasswordHasher>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_checks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_requirement: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_codes: Option<Vec<SecretString>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unsafe_metadata: Option<Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_self_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_accepted_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_legal_checks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_user_requirement: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organization_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organizations_limit: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bypass_client_trust: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub banned: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
}

/// The body of `UpdateUser`. Fields that `null` clears are [`Patch`]es.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // each field is documented on its builder setter
pub struct UpdateUserRequest {
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub external_id: Patch<String>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub first_name: Patch<String>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub last_name: Patch<String>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub locale: Patch<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email_address_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_primary_email_address_changed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_phone_number_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_web3_wallet_id: Option<String>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub username: Patch<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_image_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_digest: Option<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_hasher: Option<PasswordHasher>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_password_checks: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_out_of_other_sessions: Option<bool>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub totp_secret: Patch<SecretString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_codes: Option<Vec<SecretString>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_self_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_organization_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub legal_accepted_at: Patch<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_legal_checks: Option<bool>,
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub create_organizations_limit: Patch<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bypass_client_trust: Option<bool>,
}

/// The body of `UpdateUserMetadata` (merge) and `ReplaceUserMetadata`.
///
/// For a merge, a `null` value inside an object deletes that key. For a replace, each field
/// given replaces the stored one, `Patch::Null` stores `null`, and absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserMetadataRequest {
    /// Public metadata.
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub public_metadata: Patch<Metadata>,
    /// Private metadata.
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub private_metadata: Patch<Metadata>,
    /// Unsafe metadata.
    #[serde(skip_serializing_if = "Patch::is_absent")]
    pub unsafe_metadata: Patch<Metadata>,
}
