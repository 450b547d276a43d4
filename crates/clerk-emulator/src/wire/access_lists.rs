//! The allow-list and the block-list: identifiers allowed to sign up, and identifiers refused.
//!
//! The spec requires none of these objects' fields, so every field is optional.

use serde::{Deserialize, Serialize};

open_enum! {
    /// The kind of an allow-list or block-list identifier.
    pub enum IdentifierType {
        /// An email address, or an email domain (`*@example.com`, `example.com`).
        EmailAddress = "email_address",
        /// A phone number in E.164 form.
        PhoneNumber = "phone_number",
        /// A web3 wallet address.
        Web3Wallet = "web3_wallet",
    }
}

/// An identifier on the allow-list (spec schema `AllowlistIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowlistIdentifier {
    /// Always `allowlist_identifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The entry's id (`alid_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The invitation sent when the entry was created with `notify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<String>,
    /// The email address, email domain, phone number or web3 wallet allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The kind of identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_type: Option<IdentifierType>,
    /// The instance the list belongs to (`ins_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Creation (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
}

/// An identifier on the block-list (spec schema `BlocklistIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocklistIdentifier {
    /// Always `blocklist_identifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The entry's id (`blid_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The email address, email domain, phone number or web3 wallet refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The kind of identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier_type: Option<IdentifierType>,
    /// The instance the list belongs to (`ins_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// Creation (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_decode_from_nothing_and_round_trip() {
        let empty: AllowlistIdentifier = serde_json::from_value(json!({})).unwrap();
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({}));
        let raw = json!({
            "object": "blocklist_identifier", "id": "blid_1", "identifier": "*@spam.example",
            "identifier_type": "email_domain", "instance_id": "ins_1",
            "created_at": 1, "updated_at": 2
        });
        let entry: BlocklistIdentifier = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(
            entry.identifier_type,
            Some(IdentifierType::Unknown("email_domain".into()))
        );
        assert_eq!(serde_json::to_value(&entry).unwrap(), raw);
    }
}
