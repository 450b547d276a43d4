//! The Backend API's objects: a model for every schema of the spec.
//!
//! The models are generated from the spec (`src/generated/models/`) and re-exported here, beside
//! the few written by hand: [`Verification`] (one union for the spec's eleven verification
//! shapes), [`Jwks`], [`PasswordHasher`], [`Image`], and the building blocks [`Metadata`],
//! [`SecretString`] and [`Patch`].
//!
//! Conventions, followed everywhere:
//! - fields the spec requires are plain types; optional or nullable ones are `Option` (a
//!   required field that may be `null` serializes back as `null`, an absent optional one is left
//!   out);
//! - enums are open: an unknown value decodes into `Unknown` and serializes back unchanged, so a
//!   new value from Clerk never breaks a call;
//! - unions (`oneOf`) fall back to an `Other` variant holding the raw JSON;
//! - unknown JSON fields are ignored;
//! - timestamps are the API's Unix milliseconds, as `i64`;
//! - secrets (passwords, codes, tokens, client secrets) are [`SecretString`]s, redacted in
//!   `Debug`;
//! - metadata is a JSON object ([`Metadata`]); read it as your own type with [`metadata_as`].

#[macro_use]
mod macros;

pub(crate) mod de;
mod image;
mod jwks;
mod password_hasher;
mod users_ext;
mod verification;

pub use crate::generated::models::*;
pub use image::*;
pub use jwks::*;
pub use password_hasher::*;
pub use verification::*;

// Other modules (the webhook payloads) declare their open enums with the same macro.
pub(crate) use macros::open_enum;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A metadata object (`public_metadata`, `private_metadata`, `unsafe_metadata`).
pub type Metadata = serde_json::Map<String, serde_json::Value>;

/// Reads a metadata object as the caller's own type.
///
/// ```
/// use clerk_backend::models::{metadata_as, Metadata};
///
/// #[derive(serde::Deserialize)]
/// struct Plan { tier: String }
///
/// let meta: Metadata = serde_json::from_str(r#"{"tier":"pro","other":1}"#).unwrap();
/// let plan: Plan = metadata_as(&meta).unwrap();
/// assert_eq!(plan.tier, "pro");
/// ```
pub fn metadata_as<T: DeserializeOwned>(metadata: &Metadata) -> Result<T, serde_json::Error> {
    T::deserialize(serde::de::value::MapDeserializer::new(
        metadata.iter().map(|(k, v)| (k.as_str(), v)),
    ))
}

/// A string that must not appear in logs: a password, a TOTP secret, a code.
///
/// Serializes as the plain string; `Debug` prints `[redacted]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        SecretString(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        SecretString(value.to_owned())
    }
}

impl From<&String> for SecretString {
    fn from(value: &String) -> Self {
        SecretString(value.clone())
    }
}

/// A field of a PATCH body that can be left alone, cleared with `null`, or set.
///
/// Used only where Clerk documents that `null` clears the value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Not sent: the value stays as it is.
    #[default]
    Absent,
    /// Sent as `null`: the value is cleared.
    Null,
    /// Sent: the value is replaced.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Patch::Value(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent fields are skipped with `skip_serializing_if = "Patch::is_absent"`; if one
            // is serialized anyway, `null` is the only honest rendering.
            Patch::Absent | Patch::Null => serializer.serialize_none(),
            Patch::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    /// A present field is `Null` or `Value`; a missing one is `Absent` through
    /// `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_absent")]
        name: Patch<String>,
    }

    #[test]
    fn patch_has_three_states_on_the_wire() {
        let absent = Body::default();
        let null = Body { name: Patch::Null };
        let set = Body {
            name: "x".to_owned().into(),
        };
        assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"name":null}"#);
        assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"name":"x"}"#);
        for b in [absent, null, set] {
            let back: Body = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
            assert_eq!(back, b);
        }
    }
}
