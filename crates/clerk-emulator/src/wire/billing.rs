//! Billing (the spec's `Commerce*` schemas): subscriptions, plans, money and credits.
//!
//! Where the spec has two schemas of the same shape (`CommerceTotalsResponse` and
//! `CommerceTotalsResponse-2`, `CommerceDiscountsResponse` and `BillingDiscountsResponse`, ...),
//! one type serves both. The `Response` suffix of the spec's names is dropped.

use serde::{Deserialize, Serialize};

open_enum! {
    /// Where a subscription stands.
    pub enum CommerceSubscriptionStatus {
        /// Active.
        Active = "active",
        /// A payment is overdue.
        PastDue = "past_due",
        /// Canceled.
        Canceled = "canceled",
        /// Ended.
        Ended = "ended",
        /// Abandoned before completion.
        Abandoned = "abandoned",
        /// Not completed yet.
        Incomplete = "incomplete",
    }
}

open_enum! {
    /// Where a subscription item stands.
    pub enum CommerceSubscriptionItemStatus {
        /// Active.
        Active = "active",
        /// Canceled.
        Canceled = "canceled",
        /// Expired.
        Expired = "expired",
        /// Ended.
        Ended = "ended",
        /// A payment is overdue.
        PastDue = "past_due",
        /// Starts at the next period.
        Upcoming = "upcoming",
        /// Not completed yet.
        Incomplete = "incomplete",
        /// Abandoned before completion.
        Abandoned = "abandoned",
    }
}

open_enum! {
    /// A billing period.
    pub enum CommercePlanPeriod {
        /// Monthly.
        Month = "month",
        /// Yearly.
        Annual = "annual",
    }
}

open_enum! {
    /// The kind of a payment method.
    pub enum CommercePaymentType {
        /// A card.
        Card = "card",
        /// Stripe Link.
        Link = "link",
        /// The payer's credits.
        PayerCredits = "payer-credits",
    }
}

open_enum! {
    /// Whether a payment method is usable.
    pub enum CommercePaymentMethodStatus {
        /// Usable.
        Active = "active",
        /// Disconnected.
        Disconnected = "disconnected",
    }
}

open_enum! {
    /// Which way a credit adjustment goes.
    pub enum CreditAdjustmentAction {
        /// Add credit.
        Increase = "increase",
        /// Remove credit.
        Decrease = "decrease",
    }
}

/// An amount of money (spec schema `CommerceMoneyResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommerceMoney {
    /// The amount in the currency's smallest unit (cents).
    pub amount: i64,
    /// The amount formatted for display (`"10.00"`).
    pub amount_formatted: String,
    /// The ISO 4217 currency code.
    pub currency: String,
    /// The currency symbol.
    pub currency_symbol: String,
}

/// A user's or organization's subscription (spec schema `CommerceSubscription`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceSubscription {
    /// Always `commerce_subscription`.
    pub object: String,
    /// The subscription id.
    pub id: String,
    /// The instance id.
    pub instance_id: String,
    /// Where it stands.
    pub status: CommerceSubscriptionStatus,
    /// The payer's id.
    pub payer_id: String,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// When it became active (Unix ms).
    pub active_at: Option<i64>,
    /// When it became past due (Unix ms).
    pub past_due_at: Option<i64>,
    /// Its items, one per plan.
    #[serde(default)]
    pub subscription_items: Vec<CommerceSubscriptionItem>,
    /// The next payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_payment: Option<CommerceSubscriptionNextPayment>,
    /// Whether the payer may still start a free trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_for_free_trial: Option<bool>,
}

/// One plan within a subscription (spec schema `CommerceSubscriptionItem`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceSubscriptionItem {
    /// Always `commerce_subscription_item`.
    pub object: String,
    /// The item id.
    pub id: String,
    /// The instance id.
    pub instance_id: String,
    /// Where it stands.
    pub status: CommerceSubscriptionItemStatus,
    /// Credit left from the previous plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<CommerceSubscriptionCredit>,
    /// Credits applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<CommerceCredits>,
    /// The plan's id.
    pub plan_id: Option<String>,
    /// The price's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<CommercePlan>,
    /// The billing period.
    pub plan_period: CommercePlanPeriod,
    /// The payment method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<CommercePaymentMethod>,
    /// Everything paid so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_paid: Option<CommerceMoney>,
    /// The next payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_payment: Option<CommerceSubscriptionItemNextPayment>,
    /// The payer's id.
    pub payer_id: String,
    /// The payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<CommercePayer>,
    /// Whether this is a free trial.
    pub is_free_trial: bool,
    /// Start of the current period (Unix ms).
    pub period_start: i64,
    /// End of the current period (Unix ms).
    pub period_end: Option<i64>,
    /// The proration date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proration_date: Option<String>,
    /// When it was canceled (Unix ms).
    pub canceled_at: Option<i64>,
    /// When it became past due (Unix ms).
    pub past_due_at: Option<i64>,
    /// When it ended (Unix ms).
    pub ended_at: Option<i64>,
    /// Creation (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Seats, for seat-based plans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<CommerceSubscriptionItemSeats>,
    /// Totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<CommerceTotals>,
}

/// Credit from a plan change (spec schema `CommerceSubscriptionCreditResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceSubscriptionCredit {
    /// The amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<CommerceMoney>,
    /// The share of the cycle left, in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_remaining_percent: Option<f64>,
}

/// Credits applied to a payment (spec schema `CommerceCreditsResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceCredits {
    /// Proration credit, if any.
    pub proration: Option<CommerceProrationCreditDetail>,
    /// The payer's own credit, if any.
    pub payer: Option<CommercePayerCredit>,
    /// The total credit.
    pub total: CommerceMoney,
}

/// Proration credit (spec schema `CommerceProrationCreditDetailResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceProrationCreditDetail {
    /// The amount.
    pub amount: CommerceMoney,
    /// Days left in the cycle.
    pub cycle_days_remaining: i64,
    /// Days in the cycle.
    pub cycle_days_total: i64,
    /// The share of the cycle left, in percent.
    pub cycle_remaining_percent: f64,
}

/// The payer's credit applied (spec schema `CommercePayerCreditResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePayerCredit {
    /// Credit left after this payment.
    pub remaining_balance: CommerceMoney,
    /// Credit applied to this payment.
    pub applied_amount: CommerceMoney,
}

/// A plan (spec schema `CommercePlan`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommercePlan {
    /// Always `commerce_plan`.
    pub object: String,
    /// The plan id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The monthly fee.
    pub fee: Option<CommerceMoney>,
    /// The monthly fee when paid yearly.
    pub annual_monthly_fee: Option<CommerceMoney>,
    /// The yearly fee.
    pub annual_fee: Option<CommerceMoney>,
    /// Its description.
    pub description: Option<String>,
    /// The product id.
    pub product_id: String,
    /// Whether it is the default plan.
    pub is_default: bool,
    /// Whether it recurs.
    pub is_recurring: bool,
    /// Whether it is shown in pricing tables.
    pub publicly_visible: bool,
    /// Whether it has a base fee.
    pub has_base_fee: bool,
    /// `user` or `org`.
    pub for_payer_type: String,
    /// Its slug.
    pub slug: String,
    /// Its avatar.
    pub avatar_url: Option<String>,
    /// The features it grants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<Feature>>,
    /// Whether it offers a free trial.
    pub free_trial_enabled: bool,
    /// The free trial's length in days.
    pub free_trial_days: Option<i64>,
    /// Per-unit prices (seats, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_prices: Option<Vec<CommercePlanUnitPrice>>,
}

/// A feature of a plan (spec schema `FeatureResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feature {
    /// Always `feature`.
    pub object: String,
    /// The feature id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Its slug.
    pub slug: String,
    /// Its avatar.
    pub avatar_url: Option<String>,
}

/// A per-unit price of a plan (spec schema `CommercePlanUnitPrice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePlanUnitPrice {
    /// The unit (`seats`, ...).
    pub name: String,
    /// Units per block.
    pub block_size: i64,
    /// Price tiers.
    #[serde(default)]
    pub tiers: Vec<CommercePlanUnitPriceTier>,
}

/// A tier of a per-unit price (spec schema `CommercePlanUnitPriceTier`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePlanUnitPriceTier {
    /// The first block of the tier.
    pub starts_at_block: i64,
    /// The last block of the tier, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_after_block: Option<i64>,
    /// The fee per block.
    pub fee_per_block: CommerceMoney,
}

/// A payment method (spec schema `CommercePaymentMethodResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePaymentMethod {
    /// Always `commerce_payment_method`.
    pub object: String,
    /// The payment method id.
    pub id: String,
    /// The payer's id.
    pub payer_id: String,
    /// Its kind.
    pub payment_type: CommercePaymentType,
    /// Whether it is the payer's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default: Option<bool>,
    /// The payment gateway.
    pub gateway: String,
    /// Its id at the gateway.
    pub gateway_external_id: String,
    /// The account id at the gateway.
    pub gateway_external_account_id: Option<String>,
    /// The card's last four digits.
    pub last4: Option<String>,
    /// Whether it is usable.
    pub status: CommercePaymentMethodStatus,
    /// The wallet kind (Apple Pay, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_type: Option<String>,
    /// The card brand.
    pub card_type: Option<String>,
    /// The card's expiry year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_year: Option<i64>,
    /// The card's expiry month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_month: Option<i64>,
    /// Creation (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Whether it may be removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_removable: Option<bool>,
}

/// The next payment of a subscription item (spec schema
/// `CommerceSubscriptionItemNextPaymentResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceSubscriptionItemNextPayment {
    /// The amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<CommerceMoney>,
    /// When it is due (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<i64>,
    /// Per-unit totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit_totals: Option<Vec<CommercePerUnitTotal>>,
    /// Totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<CommerceTotals>,
}

/// The next payment of a subscription (spec schema `CommerceSubscriptionNextPayment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceSubscriptionNextPayment {
    /// When it is due (Unix ms).
    pub date: i64,
    /// The amount.
    pub amount: CommerceMoney,
    /// Per-unit totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit_totals: Option<Vec<CommercePerUnitTotal>>,
    /// Totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<CommerceTotals>,
}

/// The total of one per-unit price (spec schemas `CommercePerUnitTotal`, `-2`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePerUnitTotal {
    /// The unit.
    pub name: String,
    /// Units per block.
    pub block_size: i64,
    /// Totals per tier.
    #[serde(default)]
    pub tiers: Vec<CommercePerUnitTotalTier>,
}

/// The total of one tier (spec schemas `CommercePerUnitTotalTier`, `-2`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePerUnitTotalTier {
    /// Blocks in the tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<i64>,
    /// Fee per block.
    pub fee_per_block: CommerceMoney,
    /// The tier's total.
    pub total: CommerceMoney,
}

/// Totals of a payment (spec schemas `CommerceTotalsResponse`, `-2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceTotals {
    /// Before tax.
    pub subtotal: CommerceMoney,
    /// The base fee.
    pub base_fee: CommerceMoney,
    /// Tax.
    pub tax_total: CommerceMoney,
    /// The total due.
    pub grand_total: CommerceMoney,
    /// Per-unit totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_unit_totals: Option<Vec<CommercePerUnitTotal>>,
    /// Credits applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<CommerceCredits>,
    /// Discounts applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discounts: Option<CommerceDiscounts>,
}

/// Discounts of a payment (spec schemas `CommerceDiscountsResponse`, `BillingDiscountsResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceDiscounts {
    /// Proration discount, if any.
    pub proration: Option<CommerceProrationDiscount>,
    /// The total discount.
    pub total: CommerceMoney,
}

/// Proration discount (spec schemas `CommerceProrationDiscountResponse`,
/// `BillingProrationDiscountDetail`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceProrationDiscount {
    /// The amount.
    pub amount: CommerceMoney,
    /// Days of the cycle passed.
    pub cycle_days_passed: i64,
    /// Days in the cycle.
    pub cycle_days_total: i64,
    /// The share of the cycle passed, in percent.
    pub cycle_passed_percent: f64,
}

/// A payer (spec schema `CommercePayerResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommercePayer {
    /// Always `commerce_payer`.
    pub object: String,
    /// The payer id.
    pub id: String,
    /// The instance id.
    pub instance_id: String,
    /// The paying user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The paying organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The organization's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_name: Option<String>,
    /// Image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Credit balance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_balance: Option<CommerceMoney>,
    /// Creation (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
}

/// Seats of a subscription item (spec schema `CommerceSubscriptionItemSeatsResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommerceSubscriptionItemSeats {
    /// Seats bought; `None` when unlimited.
    pub quantity: Option<i64>,
    /// Totals per tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<CommercePerUnitTotalTier>>,
}

/// A payer's credit balance (spec schema `CommerceCreditBalanceResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommerceCreditBalance {
    /// The object name.
    pub object: String,
    /// The balance; `None` when the payer never had credit.
    pub balance: Option<CommerceMoney>,
}

/// An entry of a payer's credit ledger (spec schema `CommerceCreditLedgerResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommerceCreditLedger {
    /// The object name.
    pub object: String,
    /// The entry id.
    pub id: String,
    /// The payer's id.
    pub payer_id: String,
    /// The amount.
    pub amount: CommerceMoney,
    /// What caused the entry.
    pub source_type: String,
    /// The id of what caused it.
    pub source_id: String,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Creation, as an RFC 3339 date-time.
    pub created_at: String,
}

/// The body of `AdjustUserBillingCreditBalance` (spec schema `AdjustCreditBalanceRequest`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustCreditBalanceRequest {
    /// The amount in the currency's smallest unit.
    pub amount: i64,
    /// Increase or decrease.
    pub action: CreditAdjustmentAction,
    /// The currency (default: the instance's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// A key that makes retries of the same adjustment apply once.
    pub idempotency_key: String,
    /// A note for the ledger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

open_enum! {
    /// Which billing periods a price offers.
    pub enum BillingPeriods {
        /// Monthly only.
        Month = "month",
        /// Yearly only.
        Annual = "annual",
        /// Both.
        Both = "both",
    }
}

/// A price of a plan (spec schema `BillingPriceResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPrice {
    /// Always `commerce_price`.
    pub object: String,
    /// The price id.
    pub id: String,
    /// The plan it prices.
    pub plan_id: String,
    /// The instance id.
    pub instance_id: String,
    /// The currency code.
    pub currency: String,
    /// The currency symbol.
    pub currency_symbol: String,
    /// The monthly amount in cents.
    pub amount: i64,
    /// The monthly amount in cents when paid yearly.
    pub annual_monthly_amount: i64,
    /// The monthly amount as money.
    pub fee: Option<CommerceMoney>,
    /// The monthly amount when paid yearly, as money.
    pub annual_monthly_fee: Option<CommerceMoney>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether it is its plan's default price.
    pub is_default: bool,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// The billing periods it offers.
    pub supported_billing_periods: BillingPeriods,
}

/// The totals of a statement (the spec's inline `BillingStatement.totals`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingStatementTotals {
    /// The total due.
    pub grand_total: CommerceMoney,
    /// Before tax.
    pub subtotal: CommerceMoney,
    /// The base fees.
    pub base_fee: CommerceMoney,
    /// Tax.
    pub tax_total: CommerceMoney,
}

/// The payment attempts of one day of a statement (the spec's inline statement group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingStatementGroup {
    /// Always `commerce_statement_group`.
    pub object: String,
    /// The day (Unix ms of its start, UTC).
    pub timestamp: i64,
    /// Its payment attempts, newest first.
    pub items: Vec<BillingPaymentAttempt>,
}

/// A payer's billing statement (spec schema `BillingStatement`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingStatement {
    /// Always `commerce_statement`.
    pub object: String,
    /// The statement id.
    pub id: String,
    /// The instance id.
    pub instance_id: String,
    /// Creation (Unix ms).
    pub timestamp: i64,
    /// The payer.
    pub payer: CommercePayer,
    /// `open` or `closed`.
    pub status: String,
    /// Its totals.
    pub totals: BillingStatementTotals,
    /// Its payment attempts by day, newest first.
    pub groups: Vec<BillingStatementGroup>,
}

/// A payment attempt (spec schema `BillingPaymentAttempt`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingPaymentAttempt {
    /// Always `commerce_payment`.
    pub object: String,
    /// The attempt id.
    pub id: String,
    /// The payment it attempts.
    pub payment_id: String,
    /// The instance id.
    pub instance_id: String,
    /// `checkout` or `recurring`.
    pub charge_type: String,
    /// The payee id.
    pub payee_id: String,
    /// The payee.
    pub payee: serde_json::Value,
    /// The payer id.
    pub payer_id: String,
    /// The payer.
    pub payer: CommercePayer,
    /// The subscription item charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_item_id: Option<String>,
    /// The subscription item charged, as it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_item: Option<serde_json::Value>,
    /// The amount.
    pub amount: CommerceMoney,
    /// Totals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totals: Option<CommerceTotals>,
    /// The payment method id.
    pub payment_method_id: String,
    /// The payment method.
    pub payment_method: CommercePaymentMethod,
    /// The statement it belongs to.
    pub statement_id: String,
    /// Its id at the gateway.
    pub gateway_external_id: Option<String>,
    /// Its page at the gateway.
    pub gateway_external_url: Option<String>,
    /// `pending`, `paid` or `failed`.
    pub status: String,
    /// When it was paid (Unix ms).
    pub paid_at: Option<i64>,
    /// When it failed (Unix ms).
    pub failed_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// A discount applied to a subscription item (spec schema `CommerceDiscountRedemptionResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceDiscountRedemption {
    /// Always `commerce_discount_redemption`.
    pub object: String,
    /// The redemption id.
    pub id: String,
    /// The subscription item.
    pub subscription_item_id: String,
    /// The discount.
    pub discount_id: String,
    /// The discount's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `promotion`, `manual` or `promo_code`.
    pub source: String,
    /// `percentage` or `fixed_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// Percent off, for a percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_off: Option<f64>,
    /// Amount off, for a fixed amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<CommerceMoney>,
    /// What it takes off the next renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<CommerceMoney>,
    /// Cycles left; `None` for ever.
    pub cycles_remaining: Option<i64>,
    /// Cycles it was applied to.
    pub cycles_applied: i64,
    /// `active`, `exhausted` or `removed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// When it was redeemed (Unix ms).
    pub redeemed_at: i64,
    /// Who redeemed it.
    pub redeemed_by: Option<String>,
}

/// A plan as the price-transition and free-trial answers show it (spec schema
/// `CommercePlan-2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommercePlanDetail {
    /// Always `commerce_plan`.
    pub object: String,
    /// The plan id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The monthly fee.
    pub fee: Option<CommerceMoney>,
    /// The monthly fee when paid yearly.
    pub annual_monthly_fee: Option<CommerceMoney>,
    /// The yearly fee.
    pub annual_fee: Option<CommerceMoney>,
    /// The monthly amount in cents.
    pub amount: i64,
    /// The monthly amount, formatted.
    pub amount_formatted: String,
    /// The monthly amount when paid yearly, in cents.
    pub annual_monthly_amount: i64,
    /// The same, formatted.
    pub annual_monthly_amount_formatted: String,
    /// The yearly amount in cents.
    pub annual_amount: i64,
    /// The same, formatted.
    pub annual_amount_formatted: String,
    /// The currency symbol.
    pub currency_symbol: String,
    /// The currency code.
    pub currency: String,
    /// Its description.
    pub description: String,
    /// The product id.
    pub product_id: String,
    /// Whether it is the default plan.
    pub is_default: bool,
    /// Whether it recurs.
    pub is_recurring: bool,
    /// Whether it is shown in pricing tables.
    pub publicly_visible: bool,
    /// Whether it has a base fee.
    pub has_base_fee: bool,
    /// The payer types it is for.
    pub payer_type: Vec<String>,
    /// `user` or `org`.
    pub for_payer_type: String,
    /// Its slug.
    pub slug: String,
    /// Its avatar.
    pub avatar_url: String,
    /// The billing period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// The billing interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<i64>,
    /// The features it grants.
    pub features: Vec<serde_json::Value>,
    /// Whether it offers a free trial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial_enabled: Option<bool>,
    /// The free trial's length in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial_days: Option<i64>,
}

/// A subscription item as the price-transition and free-trial answers show it (spec schema
/// `CommerceSubscriptionItem-2`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommerceSubscriptionItemDetail {
    /// Always `commerce_subscription_item`.
    pub object: String,
    /// The item id.
    pub id: String,
    /// The instance id.
    pub instance_id: String,
    /// Where it stands.
    pub status: CommerceSubscriptionItemStatus,
    /// The plan's id.
    pub plan_id: String,
    /// The price's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// The plan.
    pub plan: Option<CommercePlanDetail>,
    /// The billing period.
    pub plan_period: CommercePlanPeriod,
    /// The payment source's id.
    pub payment_source_id: String,
    /// Everything paid so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime_paid: Option<CommerceMoney>,
    /// The current amount per period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<CommerceMoney>,
    /// The next payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_payment: Option<CommerceSubscriptionItemNextPayment>,
    /// The payer's id.
    pub payer_id: String,
    /// Whether this is a free trial.
    pub is_free_trial: bool,
    /// Start of the current period (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<i64>,
    /// End of the current period (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<i64>,
    /// The proration date (`YYYY-MM-DD`).
    pub proration_date: String,
    /// When it was canceled (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canceled_at: Option<i64>,
    /// When it became past due (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past_due_at: Option<i64>,
    /// When it ended (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
}

/// What a price transition did (spec schema `CommercePriceTransitionDetails`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommercePriceTransitionDetails {
    /// The plan before.
    pub previous_plan: CommercePlanDetail,
    /// The price before.
    pub previous_price: BillingPrice,
    /// When the new price takes effect (Unix ms).
    pub effective_at: i64,
    /// `immediate` or `end_of_period`.
    pub effective_mode: String,
    /// The next billing date (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_billing_date: Option<i64>,
    /// Whether something was charged at once.
    pub charged_immediately: bool,
    /// What was charged at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immediate_charge: Option<CommerceMoney>,
    /// What became of the previous item: `canceled`, `ended` or `abandoned`.
    pub previous_subscription_item_status: String,
    /// The previous item's id.
    pub previous_subscription_item_id: String,
}

/// The answer of a price transition (spec schema `CommercePriceTransitionResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommercePriceTransition {
    /// Always `commerce_price_transition`.
    pub object: String,
    /// The new item.
    pub subscription_item: CommerceSubscriptionItemDetail,
    /// What changed.
    pub transition: CommercePriceTransitionDetails,
}

/// A discount the emulator can apply (made at `POST /emulator/billing/discounts`; Clerk
/// makes them in its dashboard, which the Backend API does not reach).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingDiscount {
    /// Always `commerce_discount`.
    pub object: String,
    /// The discount id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// `percentage` or `fixed_amount`.
    pub effect: String,
    /// Percent off, for a percentage.
    pub percent_off: Option<f64>,
    /// Amount off, for a fixed amount.
    pub amount_off: Option<CommerceMoney>,
    /// Billing cycles it lasts; `None` for ever.
    pub duration_in_cycles: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
}

/// A plan to add to the emulated instance (`POST /emulator/billing/plans`,
/// `Emulator::create_billing_plan`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewBillingPlan {
    /// Its name.
    pub name: String,
    /// Its slug (default: from the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// `user` (default) or `org`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_type: Option<String>,
    /// The monthly amount in cents (0: free).
    #[serde(default)]
    pub amount: i64,
    /// The monthly amount in cents when paid yearly (default: none offered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_monthly_amount: Option<i64>,
    /// Its description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Days of free trial (default: no trial).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial_days: Option<i64>,
    /// Whether pricing tables show it (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicly_visible: Option<bool>,
}

/// A subscription to start (`POST /emulator/billing/subscriptions`,
/// `Emulator::subscribe`): one of `user_id` and `organization_id`, and a plan or one of its
/// prices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewBillingSubscription {
    /// The paying user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The paying organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The plan (its default price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<String>,
    /// A price of the plan (default: the plan's default price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_id: Option<String>,
    /// `month` (default) or `annual`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_period: Option<String>,
    /// Start with the plan's free trial instead of a payment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial: Option<bool>,
}

/// A discount to add (`POST /emulator/billing/discounts`,
/// `Emulator::create_billing_discount`): one of `percent_off` and `amount_off`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewBillingDiscount {
    /// Its name.
    pub name: String,
    /// Percent off (0 to 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_off: Option<f64>,
    /// Cents off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_off: Option<i64>,
    /// Billing cycles it lasts (default: for ever).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_in_cycles: Option<i64>,
}
