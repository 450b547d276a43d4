//! The emulator's own wire types: the Backend API's objects as it stores and serves them, and
//! the request bodies it reads, named after the spec's schemas.
//!
//! They are the emulator's, not the SDK's: a mistake in the SDK's models cannot hide behind the
//! same struct on both sides of the wire, and the state file does not change when the SDK does.
//!
//! Conventions, followed everywhere:
//! - fields the spec requires are plain types; optional or nullable ones are `Option`;
//! - enums whose values the server chooses are open: an unknown value decodes into `Unknown`
//!   and serializes back unchanged, so a new value from Clerk never breaks a call;
//! - unknown JSON fields are ignored;
//! - timestamps are the API's Unix milliseconds, as `i64`;
//! - metadata is a JSON object ([`Metadata`]); read it as your own type with [`metadata_as`].

#[macro_use]
mod macros;

mod access_lists;
mod billing;
mod connections;
mod directories;
mod instance;
mod invitations;
mod messages;
mod organization_domains;
mod organizations;
mod roles;
mod sessions;
mod templates;
mod tickets;
mod users;
mod verification;
mod waitlist;

pub use access_lists::*;
pub use billing::*;
pub use connections::*;
pub use directories::*;
pub use instance::*;
pub use invitations::*;
pub use messages::*;
pub use organization_domains::*;
pub use organizations::*;
pub use roles::*;
pub use sessions::*;
pub use templates::*;
pub use tickets::*;
pub use users::*;
pub use verification::*;
pub use waitlist::*;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A metadata object (`public_metadata`, `private_metadata`, `unsafe_metadata`).
pub type Metadata = serde_json::Map<String, serde_json::Value>;

/// Reads a metadata object as the caller's own type.
///
pub fn metadata_as<T: DeserializeOwned>(metadata: &Metadata) -> Result<T, serde_json::Error> {
    T::deserialize(serde::de::value::MapDeserializer::new(
        metadata.iter().map(|(k, v)| (k.as_str(), v)),
    ))
}

/// One error, as the spec's `ClerkError` schema has it: in every error answer's `errors`, and
/// in a failed verification's `error`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClerkError {
    /// A short message.
    pub message: String,
    /// The longer explanation.
    #[serde(default)]
    pub long_message: String,
    /// The machine-readable code.
    pub code: String,
    /// Details, such as `{"param_name": "email_address"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Metadata>,
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
