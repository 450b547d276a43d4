//! Verification objects: how an email address, phone number, wallet or account was verified.
//!
//! The spec describes eleven shapes (`verification_otp`, `verification_oauth`, ...) that share
//! their fields. [`Verification`] says which one arrived and carries the fields as one
//! [`VerificationDetails`]; a shape this SDK does not know, or one that does not decode, is kept
//! as raw JSON in [`Verification::Other`] instead of failing the whole response.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ClerkError;

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
    /// Why an OAuth or SAML verification failed (boxed: rare, and the largest member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Box<ClerkError>>,
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

/// A verification, by shape: the spec describes eleven shapes that share their fields, carried
/// here as one [`VerificationDetails`]; a shape this SDK does not know, or one that does not
/// decode, is kept as raw JSON in [`Verification::Other`].
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

/// The shape named by an `object` value.
fn shape_of_object(object: &str) -> Option<Wrap> {
    Some(match object {
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
    })
}

/// The shape a `strategy` implies, when `object` is absent.
fn shape_of_strategy(strategy: &str) -> Option<Wrap> {
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

/// A member value read as `T` when it is a string (as the spec has it), else kept as JSON.
enum StrOr<T> {
    Str(T),
    Json(serde_json::Value),
}

impl<T: Clone + for<'a> From<&'a str> + AsRef<str>> StrOr<T> {
    fn json(&self) -> serde_json::Value {
        match self {
            StrOr::Str(t) => serde_json::Value::String(t.as_ref().to_owned()),
            StrOr::Json(v) => v.clone(),
        }
    }
}

struct StrOrSeed<T>(PhantomData<T>);

impl<'de, T: for<'a> From<&'a str>> serde::de::DeserializeSeed<'de> for StrOrSeed<T> {
    type Value = StrOr<T>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<StrOr<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        macro_rules! keep {
            ($($name:ident: $ty:ty),*) => {$(
                fn $name<E: serde::de::Error>(self, v: $ty) -> Result<StrOr<T>, E> {
                    Ok(StrOr::Json(v.into()))
                }
            )*};
        }
        impl<'de, T: for<'a> From<&'a str>> serde::de::Visitor<'de> for V<T> {
            type Value = StrOr<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<StrOr<T>, E> {
                Ok(StrOr::Str(T::from(v)))
            }
            keep!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64);
            fn visit_unit<E: serde::de::Error>(self) -> Result<StrOr<T>, E> {
                Ok(StrOr::Json(serde_json::Value::Null))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<StrOr<T>, E> {
                Ok(StrOr::Json(serde_json::Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<StrOr<T>, D::Error> {
                serde::de::DeserializeSeed::deserialize(StrOrSeed(PhantomData), d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<StrOr<T>, A::Error> {
                let raw = serde_json::Value::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )?;
                Ok(StrOr::Json(raw))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<StrOr<T>, A::Error> {
                let raw = serde_json::Value::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(StrOr::Json(raw))
            }
        }
        deserializer.deserialize_any(V(PhantomData))
    }
}

/// The `object` of a verification: one of the spec's names (no allocation), or another, kept.
#[derive(Clone)]
struct ObjectName(Cow<'static, str>);

const OBJECTS: [&str; 11] = [
    "verification_otp",
    "verification_admin",
    "verification_from_oauth",
    "verification_ticket",
    "verification_saml",
    "verification_email_link",
    "verification_scim",
    "verification_web3",
    "verification_passkey",
    "verification_oauth",
    "verification_google_one_tap",
];

impl From<&str> for ObjectName {
    fn from(v: &str) -> ObjectName {
        ObjectName(match OBJECTS.iter().find(|k| **k == v) {
            Some(known) => Cow::Borrowed(known),
            None => Cow::Owned(v.to_owned()),
        })
    }
}

impl AsRef<str> for ObjectName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for VerificationStatus {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for VerificationStrategy {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// A member name: one of the spec's (no allocation), or any other, kept.
struct Key(Cow<'static, str>);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
                let known = ["object", "status", "strategy"]
                    .iter()
                    .chain(&OTHERS)
                    .find(|k| **k == v);
                Ok(Key(match known {
                    Some(known) => Cow::Borrowed(known),
                    None => Cow::Owned(v.to_owned()),
                }))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// The other members of the spec's verification shapes, by slot.
const OTHERS: [&str; 8] = [
    "attempts",
    "expire_at",
    "verified_at_client",
    "channel",
    "error",
    "external_verification_redirect_url",
    "nonce",
    "message",
];

/// The members of a verification as read, until the shape is known.
///
/// Decoding used to build a `serde_json::Value` map of the whole object and decode it a second
/// time. Here each member lands in its slot as it is read: `object`, `status` and `strategy`
/// straight into their types when they are strings (no allocation for known values), the others
/// as JSON scalars, and members the spec does not name aside. Nothing is lost, so a shape this
/// SDK does not know is still kept whole. (A page of 100 users holds about 800 verifications;
/// measured with `benches/peers`.)
#[derive(Default)]
struct Members {
    object: Option<StrOr<ObjectName>>,
    status: Option<StrOr<VerificationStatus>>,
    strategy: Option<StrOr<VerificationStrategy>>,
    others: [Option<serde_json::Value>; 8],
    extra: Vec<(String, serde_json::Value)>,
}

impl Members {
    fn into_raw(self) -> serde_json::Value {
        let mut raw = serde_json::Map::new();
        if let Some(v) = &self.object {
            raw.insert("object".to_owned(), v.json());
        }
        if let Some(v) = &self.status {
            raw.insert("status".to_owned(), v.json());
        }
        if let Some(v) = &self.strategy {
            raw.insert("strategy".to_owned(), v.json());
        }
        for (name, value) in OTHERS.iter().zip(self.others) {
            if let Some(value) = value {
                raw.insert((*name).to_owned(), value);
            }
        }
        raw.extend(self.extra);
        serde_json::Value::Object(raw)
    }

    /// The known shape with its details; `None`, with the members untouched, when the shape
    /// is unknown or a member has the wrong type (checked before anything is taken).
    fn details(&mut self) -> Option<(Wrap, VerificationDetails)> {
        use serde_json::Value;
        let wrap = match (&self.object, &self.strategy) {
            (Some(StrOr::Str(object)), _) => shape_of_object(&object.0),
            (Some(StrOr::Json(_)), _) => None,
            (None, Some(StrOr::Str(strategy))) => shape_of_strategy(strategy.as_str()),
            (None, _) => None,
        };
        let wrap = wrap?;
        let (Some(StrOr::Str(_)), Some(StrOr::Str(_))) = (&self.status, &self.strategy) else {
            return None;
        };
        let is_text = |v: &Value| matches!(v, Value::String(_) | Value::Null);
        let is_int = |v: &Value| v.is_null() || v.as_i64().is_some();
        let mut error = None;
        for (name, value) in OTHERS.iter().zip(&self.others) {
            let Some(value) = value else { continue };
            let fits = match *name {
                "attempts" | "expire_at" => is_int(value),
                "error" if value.is_null() => true,
                "error" => match ClerkError::deserialize(value) {
                    Ok(e) => {
                        error = Some(Box::new(e));
                        true
                    }
                    Err(_) => false,
                },
                _ => is_text(value),
            };
            if !fits {
                return None;
            }
        }
        let (Some(StrOr::Str(status)), Some(StrOr::Str(strategy))) =
            (self.status.take(), self.strategy.take())
        else {
            return None;
        };
        let [
            attempts,
            expire_at,
            verified_at_client,
            channel,
            _error,
            redirect,
            nonce,
            message,
        ] = std::mem::take(&mut self.others);
        let text = |v: Option<Value>| match v {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        let int = |v: Option<Value>| v.and_then(|v| v.as_i64());
        Some((
            wrap,
            VerificationDetails {
                status,
                strategy,
                attempts: int(attempts),
                expire_at: int(expire_at),
                verified_at_client: text(verified_at_client),
                channel: text(channel),
                error,
                external_verification_redirect_url: text(redirect),
                nonce: text(nonce),
                message: text(message),
            },
        ))
    }
}

impl<'de> Deserialize<'de> for Verification {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Verification;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a verification object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Verification, A::Error> {
                let mut m = Members::default();
                while let Some(Key(key)) = map.next_key::<Key>()? {
                    match key.as_ref() {
                        "object" => m.object = Some(map.next_value_seed(StrOrSeed(PhantomData))?),
                        "status" => m.status = Some(map.next_value_seed(StrOrSeed(PhantomData))?),
                        "strategy" => {
                            m.strategy = Some(map.next_value_seed(StrOrSeed(PhantomData))?)
                        }
                        name => {
                            let value = map.next_value::<serde_json::Value>()?;
                            match OTHERS.iter().position(|o| *o == name) {
                                Some(slot) => m.others[slot] = Some(value),
                                None => m.extra.push((key.into_owned(), value)),
                            }
                        }
                    }
                }
                Ok(match m.details() {
                    Some((wrap, details)) => wrap(details),
                    None => Verification::Other(m.into_raw()),
                })
            }

            fn visit_unit<E: serde::de::Error>(self) -> Result<Verification, E> {
                Ok(Verification::Other(serde_json::Value::Null))
            }

            fn visit_none<E: serde::de::Error>(self) -> Result<Verification, E> {
                Ok(Verification::Other(serde_json::Value::Null))
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Verification, D::Error> {
                Verification::deserialize(d)
            }

            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Verification, E> {
                Ok(Verification::Other(v.into()))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Verification, E> {
                Ok(Verification::Other(v.into()))
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Verification, E> {
                Ok(Verification::Other(v.into()))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Verification, E> {
                Ok(Verification::Other(v.into()))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Verification, E> {
                Ok(Verification::Other(v.into()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Verification, A::Error> {
                let raw = serde_json::Value::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )?;
                Ok(Verification::Other(raw))
            }
        }
        deserializer.deserialize_any(V)
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
    fn a_broken_shape_keeps_every_member_including_unknown_ones() {
        let raw = json!({
            "object": "verification_oauth", "status": "failed", "strategy": "oauth_google",
            "attempts": "three", "expire_at": null, "nonce": "n", "new_member": {"a": [1, 2]},
            "error": {"code": "c", "message": "m", "long_message": "l"}
        });
        let v: Verification = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            v,
            Verification::Other(raw.clone()),
            "`attempts` is not a number"
        );
        let v: Verification = serde_json::from_str(&raw.to_string()).unwrap();
        assert_eq!(v, Verification::Other(raw));
    }

    #[test]
    fn errors_and_extra_members_of_a_known_shape_decode() {
        let v: Verification = serde_json::from_str(
            r#"{"object":"verification_saml","status":"failed","strategy":"saml","attempts":null,
                "expire_at":1,"error":{"code":"saml_failed","message":"m","long_message":"l"},
                "something_new":true}"#,
        )
        .unwrap();
        let Verification::Saml(d) = v else {
            panic!("{v:?}")
        };
        assert_eq!(
            d.error.as_ref().map(|e| e.code.as_str()),
            Some("saml_failed")
        );
        assert_eq!((d.attempts, d.expire_at), (None, Some(1)));
        let bad_error: Verification = serde_json::from_value(json!({
            "object": "verification_saml", "status": "failed", "strategy": "saml", "error": "oops"
        }))
        .unwrap();
        assert!(matches!(bad_error, Verification::Other(_)));
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
