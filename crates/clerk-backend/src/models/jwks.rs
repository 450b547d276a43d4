//! The JSON Web Key Set: hand-written because the spec's seven key shapes (RSA, EC, OKP,
//! symmetric; public and private) share their members, and the verifier needs only RSA ones.

use serde::{Deserialize, Serialize};

use super::Metadata;

/// A JSON Web Key Set (spec schemas `JWKS` and `JWKS.*`).
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
