//! Webhook payloads that are not a Backend API object: sessions with their user, emails and
//! text messages, invitation events, and the billing events' own shapes.
//!
//! Types are named as the webhooks spec's schemas are. Where a billing schema has the shape of a
//! Backend API model (`BillingAmount` and `CommerceMoney`, ...), the model is used. Where Clerk's
//! own examples leave out a field the schema requires, the field is an `Option` so the examples
//! decode; each such field says so.

use serde::{Deserialize, Serialize};

use crate::models::{
    CommerceCredits, CommerceMoney, CommercePaymentMethodStatus, CommercePaymentType,
    CommercePlanPeriod, CommerceProrationCreditDetail, CommerceSubscriptionItemSeats,
    CommerceSubscriptionItemStatus, CommerceSubscriptionStatus, Metadata, OrganizationInvitation,
    OrganizationInvitationPublicOrganizationData, Session, User, open_enum,
};

/// The payload of the `session.*` events: the session and its user (spec schema
/// `SessionEventPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionEventPayload {
    /// The session.
    #[serde(flatten)]
    pub session: Session,
    /// The user it belongs to.
    pub user: User,
}

/// The payload of `email.created`: an email Clerk sends, or asks you to send when its delivery
/// is turned off (spec schema `EmailEventPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmailEventPayload {
    /// Always `email`.
    pub object: String,
    /// The email id (`ema_...`).
    pub id: String,
    /// The template (`verification_code`, `magic_link_sign_in`, ...).
    pub slug: Option<String>,
    /// The sender's local part (`notifications`).
    pub from_email_name: String,
    /// The reply-to local part.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to_email_name: Option<String>,
    /// The recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_email_address: Option<String>,
    /// The recipient's email address id (`idn_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address_id: Option<String>,
    /// The recipient's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The HTML body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The plain-text body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_plain: Option<String>,
    /// The delivery status (`queued`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The template's variables (`otp_code`, `app`, `user`, ...).
    #[serde(default)]
    pub data: Metadata,
    /// Whether Clerk delivers it; `false` means you must.
    pub delivered_by_clerk: bool,
}

/// The payload of `sms.created`: a text message Clerk sends, or asks you to send (spec schema
/// `SmsEventPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmsEventPayload {
    /// Always `sms_message`.
    pub object: String,
    /// The message id (`sms_...`).
    pub id: String,
    /// The template (`verification_code`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// The sender.
    pub from_phone_number: String,
    /// The recipient.
    pub to_phone_number: String,
    /// The recipient's phone number id (`idn_...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number_id: Option<String>,
    /// The recipient's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The text.
    pub message: String,
    /// The delivery status (`queued`, ...).
    pub status: String,
    /// The template's variables.
    #[serde(default)]
    pub data: Metadata,
    /// Whether Clerk delivers it; `false` means you must.
    pub delivered_by_clerk: bool,
    /// Creation (Unix ms). The schema requires it; Clerk's example sends `created_at` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_ms: Option<i64>,
    /// Creation (Unix ms), as Clerk's example names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
}

/// The payload of `organizationInvitation.created` and `.revoked`: the invitation, and
/// sometimes its organization's public data under `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationInvitationEventPayload {
    /// The invitation.
    #[serde(flatten)]
    pub invitation: OrganizationInvitation,
    /// Extra data about the invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<OrganizationInvitationEventData>,
}

/// The payload of `organizationInvitation.accepted`: the invitation and the user who accepted
/// it (spec schema `OrganizationInvitationAcceptedPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationInvitationAcceptedPayload {
    /// The invitation.
    #[serde(flatten)]
    pub invitation: OrganizationInvitation,
    /// The user who accepted it.
    pub user_id: String,
    /// Extra data about the invitation. The schema requires it; Clerk's example leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<OrganizationInvitationEventData>,
}

/// The `data` of an organization invitation event.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrganizationInvitationEventData {
    /// Public data of the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_organization_data: Option<OrganizationInvitationPublicOrganizationData>,
}

open_enum! {
    /// Where a payment attempt stands.
    pub enum PaymentAttemptStatus {
        /// Not settled yet.
        Pending = "pending",
        /// Paid.
        Paid = "paid",
        /// Failed.
        Failed = "failed",
    }
}

open_enum! {
    /// Why a payment was attempted.
    pub enum PaymentAttemptChargeType {
        /// A checkout: the first payment of a subscription or a change of plan.
        Checkout = "checkout",
        /// A renewal.
        Recurring = "recurring",
    }
}

/// The payload of `paymentAttempt.*` (spec schema `PaymentAttemptEventPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentAttemptEventPayload {
    /// The attempt id.
    pub id: String,
    /// The instance.
    pub instance_id: String,
    /// The payment id (`cpa_...`).
    pub payment_id: String,
    /// The invoice. The schema requires it; Clerk's example leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_id: Option<String>,
    /// The statement (`stmt_...`).
    pub statement_id: String,
    /// The payment gateway's id for it.
    pub gateway_external_id: String,
    /// Where it stands.
    pub status: PaymentAttemptStatus,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// When it was paid (Unix ms).
    pub paid_at: Option<i64>,
    /// When it failed (Unix ms).
    pub failed_at: Option<i64>,
    /// Why it failed.
    pub failed_reason: Option<BillingPaymentFailedReason>,
    /// The billing date (Unix ms).
    pub billing_date: i64,
    /// Why the payment was attempted.
    pub charge_type: PaymentAttemptChargeType,
    /// Who is paid.
    pub payee: BillingPayee,
    /// Who pays.
    pub payer: BillingPayerEventPayload,
    /// The amounts.
    pub totals: BillingTotals,
    /// How it is paid.
    pub payment_source: BillingPaymentSource,
    /// The subscription items it pays for.
    #[serde(default)]
    pub subscription_items: Vec<BillingSubscriptionItem>,
}

/// Why a payment failed (spec schema `BillingPaymentFailedReason`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPaymentFailedReason {
    /// The gateway's error code.
    pub code: String,
    /// The card issuer's decline code.
    pub decline_code: String,
}

/// Who a payment goes to (spec schema `BillingPayee`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPayee {
    /// The payee id (`cpayee_...`).
    pub id: String,
    /// The gateway (`stripe`).
    pub gateway_type: String,
    /// The gateway's account id.
    pub gateway_external_id: String,
    /// The gateway account's status.
    pub gateway_status: String,
}

/// Who pays: a user or an organization (spec schema `BillingPayerEventPayload`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPayerEventPayload {
    /// `commerce_payer`, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The payer id (`cpayer_...`).
    pub id: String,
    /// The paying user (empty for an organization).
    pub user_id: String,
    /// The user's first name.
    pub first_name: String,
    /// The user's last name.
    pub last_name: String,
    /// The billing address.
    pub email: String,
    /// The paying organization (empty for a user). The schema requires it; Clerk's payment
    /// attempt example leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The organization's name (empty for a user); as `organization_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// The payer's image.
    pub image_url: String,
    /// Creation (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
}

/// A payment's amounts (spec schema `BillingTotals`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingTotals {
    /// Before tax.
    pub subtotal: CommerceMoney,
    /// The tax.
    pub tax_total: CommerceMoney,
    /// What is charged.
    pub grand_total: CommerceMoney,
    /// The per-unit (seat) part, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit_totals: Option<Vec<BillingUnitTotal>>,
}

/// The per-unit part of a payment (spec schema `BillingUnitTotal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingUnitTotal {
    /// The unit (`seats`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The price per unit, in the currency's smallest unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// How many units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// The total, in the currency's smallest unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
    /// The currency (`USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// How a payment is made (spec schema `BillingPaymentSource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPaymentSource {
    /// The payment source id (`cps_...`).
    pub id: String,
    /// The gateway (`stripe`).
    pub gateway: String,
    /// The gateway's id for it.
    pub gateway_external_id: String,
    /// The gateway's account id.
    pub gateway_external_account_id: Option<String>,
    /// `card` or `link`.
    pub payment_method: CommercePaymentType,
    /// Whether it can be charged.
    pub status: CommercePaymentMethodStatus,
    /// The card brand (`visa`).
    pub card_type: Option<String>,
    /// The card's last four digits.
    pub last4: Option<String>,
}

/// A plan as a payment attempt shows it (spec schema `BillingPlan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPlan {
    /// The plan id (`cplan_...`).
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Whether it renews.
    pub is_recurring: bool,
    /// Its price, in the currency's smallest unit.
    pub amount: i64,
    /// The currency (`USD`).
    pub currency: String,
}

/// A subscription item a payment attempt pays for (spec schema `BillingSubscriptionItem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingSubscriptionItem {
    /// The item id (`csub_item_...`).
    pub id: String,
    /// `commerce_subscription_item`. The schema requires it; Clerk's example leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Where it stands.
    pub status: CommerceSubscriptionItemStatus,
    /// Creation (Unix ms); required by the schema, left out of Clerk's example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms); as `created_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// The current period's start (Unix ms).
    pub period_start: i64,
    /// The current period's end (Unix ms).
    pub period_end: Option<i64>,
    /// Monthly or annual; required by the schema, left out of Clerk's example.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<CommercePlanPeriod>,
    /// The plan's id.
    pub plan_id: Option<String>,
    /// The plan.
    pub plan: Option<BillingPlan>,
    /// Who pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<BillingPayerEventPayload>,
    /// The subscription it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
    /// A proration credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<CommerceProrationCreditDetail>,
    /// The credits applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<CommerceCredits>,
}

/// The payload of `subscription.*` (spec schema `SubscriptionEventPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionEventPayload {
    /// Always `commerce_subscription`.
    pub object: String,
    /// The subscription id (`csub_...`).
    pub id: String,
    /// Where it stands.
    pub status: CommerceSubscriptionStatus,
    /// When it became active (Unix ms).
    pub active_at: Option<i64>,
    /// When it was canceled (Unix ms).
    pub canceled_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// When it ended (Unix ms).
    pub ended_at: Option<i64>,
    /// When it became past due (Unix ms).
    pub past_due_at: Option<i64>,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// The latest payment (`cpa_...`).
    pub latest_payment_id: Option<String>,
    /// Who pays (`cpayer_...`).
    pub payer_id: String,
    /// Who pays.
    pub payer: BillingPayerEventPayload,
    /// How it is paid (`cps_...`).
    pub payment_source_id: Option<String>,
    /// Its items (one per plan).
    #[serde(default)]
    pub items: Vec<BillingSubscriptionItemEventPayload>,
}

/// The payload of `subscriptionItem.*`, and each item of a subscription event (spec schema
/// `BillingSubscriptionItemEventPayload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingSubscriptionItemEventPayload {
    /// `commerce_subscription_item` (Clerk's examples also show `subscription_item`).
    pub object: String,
    /// The item id (`csub_item_...`).
    pub id: String,
    /// Where it stands.
    pub status: CommerceSubscriptionItemStatus,
    /// Whether it is in a free trial.
    pub is_free_trial: bool,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// The current period's start (Unix ms).
    pub period_start: i64,
    /// The current period's end (Unix ms); `None` for a free plan.
    pub period_end: Option<i64>,
    /// Monthly or annual.
    pub interval: CommercePlanPeriod,
    /// The plan's id.
    pub plan_id: Option<String>,
    /// The plan.
    pub plan: Option<BillingSubscriptionItemEventPlan>,
    /// Who pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<BillingPayerEventPayload>,
    /// The subscription it belongs to.
    pub subscription_id: Option<String>,
    /// The seats it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<CommerceSubscriptionItemSeats>,
}

/// A plan as subscription events show it (spec schema `BillingSubscriptionItemEventPlan`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSubscriptionItemEventPlan {
    /// The plan id (`cplan_...`).
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Whether it renews.
    pub is_recurring: bool,
    /// Its price, in the currency's smallest unit.
    pub amount: i64,
    /// The currency (`USD`).
    pub currency: String,
    /// Per-unit (seat) prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_prices: Option<Vec<BillingSubscriptionItemEventPlanUnitPrice>>,
}

/// A per-unit price of a plan (spec schema `BillingSubscriptionItemEventPlanUnitPrice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSubscriptionItemEventPlanUnitPrice {
    /// The unit (`seats`).
    pub name: String,
    /// How many units a block holds.
    pub block_size: i64,
    /// The price tiers.
    #[serde(default)]
    pub tiers: Vec<BillingSubscriptionItemEventPlanUnitPriceTier>,
}

/// A price tier of a per-unit price (spec schema
/// `BillingSubscriptionItemEventPlanUnitPriceTier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingSubscriptionItemEventPlanUnitPriceTier {
    /// The first block of the tier.
    pub starts_at_block: i64,
    /// The last block of the tier; `None` for the open-ended last tier.
    pub ends_after_block: Option<i64>,
    /// The price per block, in the currency's smallest unit.
    pub amount_per_block: i64,
    /// The currency (`USD`).
    pub currency: String,
}
