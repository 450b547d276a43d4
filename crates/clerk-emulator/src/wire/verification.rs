//! Verification objects: how an email address, phone number, wallet or account was verified.
//!
//! The spec describes eleven shapes (`verification_otp`, `verification_oauth`, ...) that share
//! their fields. [`Verification`] says which one arrived and carries the fields as one
//! [`VerificationDetails`]; a shape this SDK does not know, or one that does not decode, is kept
//! as raw JSON in [`Verification::Other`] instead of failing the whole response.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ClerkError;

open_enum! {
    /// Where a verification stands.
    pub enum VerificationStatus {
        /// Not verified yet.
        Unverified = "unverified",
        /// Verified.
        Verified = "verified",
        /// The attempt failed.
        Failed = "failed",
        /// The attempt expired.
        Expired = "expired",
        /// The OAuth or SAML account can be transferred to a sign-up.
        Transferable = "transferable",
    }
}

open_enum! {
    /// How a verification is (or was) performed. OAuth strategies (`oauth_google`,
    /// `from_oauth_github`, ...) are open-ended and arrive as `Unknown`, kept verbatim.
    pub enum VerificationStrategy {
        /// A code sent by SMS.
        PhoneCode = "phone_code",
        /// A code sent by email.
        EmailCode = "email_code",
        /// A password-reset code sent by email.
        ResetPasswordEmailCode = "reset_password_email_code",
        /// Verified by an administrator (created through the Backend API).
        Admin = "admin",
        /// An invitation or sign-in ticket.
        Ticket = "ticket",
        /// SAML single sign-on.
        Saml = "saml",
        /// A magic link sent by email.
        EmailLink = "email_link",
        /// Provisioned by a SCIM directory.
        Scim = "scim",
        /// A MetaMask signature.
        Web3MetamaskSignature = "web3_metamask_signature",
        /// A Base wallet signature.
        Web3BaseSignature = "web3_base_signature",
        /// A Coinbase Wallet signature.
        Web3CoinbaseWalletSignature = "web3_coinbase_wallet_signature",
        /// An OKX Wallet signature.
        Web3OkxWalletSignature = "web3_okx_wallet_signature",
        /// A Solana wallet signature.
        Web3SolanaSignature = "web3_solana_signature",
        /// A passkey.
        Passkey = "passkey",
        /// Google One Tap.
        GoogleOneTap = "google_one_tap",
    }
}

/// The fields the verification shapes share. Which of the optional ones are present depends
/// on the shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationDetails {
    /// Where the verification stands.
    pub status: VerificationStatus,
    /// How it is performed.
    pub strategy: VerificationStrategy,
    /// Attempts made so far, when counted.
    pub attempts: Option<i64>,
    /// When the attempt expires (Unix ms), when it does.
    pub expire_at: Option<i64>,
    /// The client that completed the verification, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at_client: Option<String>,
    /// The channel a code was sent through (`sms`, `whatsapp`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Why an OAuth or SAML verification failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ClerkError>,
    /// Where to send the user to complete an OAuth or SAML verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_verification_redirect_url: Option<String>,
    /// The nonce a web3 wallet or passkey signs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The message a web3 wallet signs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A verification, by shape. See the [module documentation](self).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Verification {
    /// `verification_otp`: a one-time code by email or SMS.
    Otp(VerificationDetails),
    /// `verification_admin`: verified through the Backend API.
    Admin(VerificationDetails),
    /// `verification_from_oauth`: verified by an OAuth provider.
    FromOAuth(VerificationDetails),
    /// `verification_ticket`: verified by a ticket.
    Ticket(VerificationDetails),
    /// `verification_saml`: verified by SAML SSO.
    Saml(VerificationDetails),
    /// `verification_email_link`: verified by an email link.
    EmailLink(VerificationDetails),
    /// `verification_scim`: provisioned by SCIM.
    Scim(VerificationDetails),
    /// `verification_web3`: verified by a wallet signature.
    Web3(VerificationDetails),
    /// `verification_passkey`: verified by a passkey.
    Passkey(VerificationDetails),
    /// `verification_oauth`: an OAuth connection.
    OAuth(VerificationDetails),
    /// `verification_google_one_tap`: Google One Tap.
    GoogleOneTap(VerificationDetails),
    /// Anything else (including `null`), kept as sent.
    Other(serde_json::Value),
}

impl Verification {
    /// The shared fields, unless the verification is [`Verification::Other`].
    pub fn details(&self) -> Option<&VerificationDetails> {
        match self {
            Verification::Otp(d)
            | Verification::Admin(d)
            | Verification::FromOAuth(d)
            | Verification::Ticket(d)
            | Verification::Saml(d)
            | Verification::EmailLink(d)
            | Verification::Scim(d)
            | Verification::Web3(d)
            | Verification::Passkey(d)
            | Verification::OAuth(d)
            | Verification::GoogleOneTap(d) => Some(d),
            Verification::Other(_) => None,
        }
    }

    /// The status, read from raw JSON too.
    pub fn status(&self) -> Option<VerificationStatus> {
        match self {
            Verification::Other(v) => v
                .get("status")
                .and_then(|s| s.as_str())
                .map(VerificationStatus::from),
            known => known.details().map(|d| d.status.clone()),
        }
    }

    /// Whether the status is `verified`.
    pub fn is_verified(&self) -> bool {
        self.status() == Some(VerificationStatus::Verified)
    }

    /// The spec's `object` name of this shape (`verification_otp`, ...), `None` for `Other`.
    pub fn object(&self) -> Option<&'static str> {
        Some(match self {
            Verification::Otp(_) => "verification_otp",
            Verification::Admin(_) => "verification_admin",
            Verification::FromOAuth(_) => "verification_from_oauth",
            Verification::Ticket(_) => "verification_ticket",
            Verification::Saml(_) => "verification_saml",
            Verification::EmailLink(_) => "verification_email_link",
            Verification::Scim(_) => "verification_scim",
            Verification::Web3(_) => "verification_web3",
            Verification::Passkey(_) => "verification_passkey",
            Verification::OAuth(_) => "verification_oauth",
            Verification::GoogleOneTap(_) => "verification_google_one_tap",
            Verification::Other(_) => return None,
        })
    }
}

type Wrap = fn(VerificationDetails) -> Verification;

/// Picks the shape from `object`, or from `strategy` when `object` is absent.
fn shape_of(value: &serde_json::Value) -> Option<Wrap> {
    if let Some(object) = value.get("object").and_then(|o| o.as_str()) {
        return Some(match object {
            "verification_otp" => Verification::Otp,
            "verification_admin" => Verification::Admin,
            "verification_from_oauth" => Verification::FromOAuth,
            "verification_ticket" => Verification::Ticket,
            "verification_saml" => Verification::Saml,
            "verification_email_link" => Verification::EmailLink,
            "verification_scim" => Verification::Scim,
            "verification_web3" => Verification::Web3,
            "verification_passkey" => Verification::Passkey,
            "verification_oauth" => Verification::OAuth,
            "verification_google_one_tap" => Verification::GoogleOneTap,
            _ => return None,
        });
    }
    let strategy = value.get("strategy")?.as_str()?;
    Some(match strategy {
        "phone_code" | "email_code" | "reset_password_email_code" | "reset_password_phone_code" => {
            Verification::Otp
        }
        "admin" => Verification::Admin,
        "ticket" => Verification::Ticket,
        "saml" => Verification::Saml,
        "email_link" => Verification::EmailLink,
        "scim" => Verification::Scim,
        "passkey" => Verification::Passkey,
        "google_one_tap" => Verification::GoogleOneTap,
        s if s.starts_with("from_oauth_") => Verification::FromOAuth,
        s if s.starts_with("oauth_") => Verification::OAuth,
        s if s.starts_with("web3_") => Verification::Web3,
        _ => return None,
    })
}

impl<'de> Deserialize<'de> for Verification {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(match shape_of(&value) {
            Some(wrap) => match VerificationDetails::deserialize(&value) {
                Ok(details) => wrap(details),
                Err(_) => Verification::Other(value),
            },
            None => Verification::Other(value),
        })
    }
}

impl Serialize for Verification {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Tagged<'a> {
            object: &'static str,
            #[serde(flatten)]
            details: &'a VerificationDetails,
        }
        match (self.object(), self.details()) {
            (Some(object), Some(details)) => Tagged { object, details }.serialize(serializer),
            _ => match self {
                Verification::Other(v) => v.serialize(serializer),
                _ => serializer.serialize_none(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shape_comes_from_object_or_strategy() {
        let v: Verification = serde_json::from_value(json!({
            "status": "verified", "strategy": "from_oauth_google", "attempts": null, "expire_at": null
        }))
        .unwrap();
        assert!(matches!(v, Verification::FromOAuth(_)));
        assert!(v.is_verified());
        let v: Verification = serde_json::from_value(json!({
            "object": "verification_otp", "status": "unverified", "strategy": "email_code",
            "attempts": 1, "expire_at": 1700000000000i64
        }))
        .unwrap();
        assert!(
            matches!(&v, Verification::Otp(d) if d.strategy == VerificationStrategy::EmailCode)
        );
    }

    #[test]
    fn unknown_or_broken_shapes_are_kept_raw() {
        for raw in [
            json!(null),
            json!({"object": "verification_new_kind", "status": "verified"}),
            json!({"object": "verification_otp", "status": 7}),
        ] {
            let v: Verification = serde_json::from_value(raw.clone()).unwrap();
            assert_eq!(v, Verification::Other(raw.clone()));
            assert_eq!(serde_json::to_value(&v).unwrap(), raw);
        }
    }

    #[test]
    fn serializes_with_its_object_name() {
        let v: Verification = serde_json::from_value(json!({
            "status": "verified", "strategy": "admin", "attempts": null, "expire_at": null
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&v).unwrap(),
            json!({"object": "verification_admin", "status": "verified", "strategy": "admin", "attempts": null, "expire_at": null})
        );
    }
}
