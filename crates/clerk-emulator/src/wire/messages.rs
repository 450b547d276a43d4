//! What the instance would send: emails and SMS messages, as Clerk's `email.created` and
//! `sms.created` webhook events carry them (webhooks spec schemas `EmailEventPayload` and
//! `SmsEventPayload`).

use serde::{Deserialize, Serialize};

use super::Metadata;

/// An email the instance sent (or, on a real instance, would have queued for delivery).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    /// Always `email`.
    pub object: String,
    /// The email's id (`ema_...`).
    pub id: String,
    /// The template it was rendered from (`verification_code`, `invitation`, ...).
    pub slug: Option<String>,
    /// The local part of the sender's address.
    pub from_email_name: String,
    /// The recipient.
    pub to_email_address: String,
    /// The recipient's email address object, when it belongs to a user.
    pub email_address_id: Option<String>,
    /// The recipient user, when there is one.
    pub user_id: Option<String>,
    /// The subject line.
    pub subject: String,
    /// The body as HTML.
    pub body: String,
    /// The body as plain text.
    pub body_plain: Option<String>,
    /// Delivery status; the emulator delivers nothing, so always `queued`.
    pub status: String,
    /// The variables the template was rendered with (`otp_code`, `action_url`, ...).
    pub data: Metadata,
    /// Whether Clerk delivers it (true: the emulator has no custom delivery).
    pub delivered_by_clerk: bool,
    /// When it was made (Unix ms). Not in Clerk's payload; the emulator's mailbox sorts by it.
    pub created_at: i64,
}

/// An SMS message the instance sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmsMessage {
    /// Always `sms_message`.
    pub object: String,
    /// The message's id (`sms_...`).
    pub id: String,
    /// The template it was rendered from (`verification_code`, ...).
    pub slug: Option<String>,
    /// The sending number.
    pub from_phone_number: String,
    /// The recipient.
    pub to_phone_number: String,
    /// The recipient's phone number object, when it belongs to a user.
    pub phone_number_id: Option<String>,
    /// The recipient user, when there is one.
    pub user_id: Option<String>,
    /// The text.
    pub message: String,
    /// Delivery status; always `queued`.
    pub status: String,
    /// The variables the template was rendered with.
    pub data: Metadata,
    /// Whether Clerk delivers it.
    pub delivered_by_clerk: bool,
    /// When it was made (Unix ms), under the name the webhooks spec's schema requires.
    pub created_at_ms: i64,
    /// The same, under the name the webhooks spec's example uses.
    pub created_at: i64,
}

/// One message in the emulator's mailbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Message {
    /// An email.
    Email(Email),
    /// An SMS message.
    Sms(SmsMessage),
}

impl Message {
    /// Its id (`ema_...` or `sms_...`).
    pub fn id(&self) -> &str {
        match self {
            Message::Email(e) => &e.id,
            Message::Sms(s) => &s.id,
        }
    }

    /// The recipient: an email address or a phone number.
    pub fn to(&self) -> &str {
        match self {
            Message::Email(e) => &e.to_email_address,
            Message::Sms(s) => &s.to_phone_number,
        }
    }

    /// The template slug.
    pub fn slug(&self) -> Option<&str> {
        match self {
            Message::Email(e) => e.slug.as_deref(),
            Message::Sms(s) => s.slug.as_deref(),
        }
    }

    /// The variables it was rendered with.
    pub fn data(&self) -> &Metadata {
        match self {
            Message::Email(e) => &e.data,
            Message::Sms(s) => &s.data,
        }
    }

    /// The one-time code it carries (`data.otp_code`), for verification messages.
    pub fn otp_code(&self) -> Option<&str> {
        self.data().get("otp_code")?.as_str()
    }

    /// When it was made (Unix ms).
    pub fn created_at(&self) -> i64 {
        match self {
            Message::Email(e) => e.created_at,
            Message::Sms(s) => s.created_at,
        }
    }
}
