//! Conveniences on the generated user models.

use serde::de::DeserializeOwned;

use super::{EmailAddress, Metadata, PhoneNumber, TotpVerification, User, Web3Wallet, metadata_as};

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

impl EmailAddress {
    /// Whether the address is verified.
    pub fn is_verified(&self) -> bool {
        self.verification.as_ref().is_some_and(|v| v.is_verified())
    }
}

impl PhoneNumber {
    /// Whether the number is verified.
    pub fn is_verified(&self) -> bool {
        self.verification.as_ref().is_some_and(|v| v.is_verified())
    }
}

impl Web3Wallet {
    /// Whether the wallet is verified.
    pub fn is_verified(&self) -> bool {
        self.verification.as_ref().is_some_and(|v| v.is_verified())
    }
}

impl TotpVerification {
    /// Whether the code was right (a success answer without `verified` means it was).
    pub fn is_verified(&self) -> bool {
        self.verified.unwrap_or(true)
    }
}
