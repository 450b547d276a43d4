//! What the billing group stores: plans and their prices, payers, subscriptions and their
//! items, statements and payment attempts, credit ledgers, discounts and their redemptions.

use serde::{Deserialize, Serialize};

use crate::table::{Journaled, Table};
use crate::wire::{
    BillingDiscount, BillingPrice, CommerceDiscountRedemption, CommercePlan, CommercePlanPeriod,
    CommerceSubscriptionItemStatus,
};

/// Billing's tables, by id (ids sort in creation order).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct BillingData {
    #[serde(default)]
    pub(crate) plans: Table<PlanRecord>,
    #[serde(default)]
    pub(crate) prices: Table<BillingPrice>,
    #[serde(default)]
    pub(crate) payers: Table<PayerRecord>,
    #[serde(default)]
    pub(crate) subscriptions: Table<SubscriptionRecord>,
    #[serde(default)]
    pub(crate) items: Table<ItemRecord>,
    #[serde(default)]
    pub(crate) statements: Table<StatementRecord>,
    #[serde(default)]
    pub(crate) payment_attempts: Table<AttemptRecord>,
    #[serde(default)]
    pub(crate) credit_ledger: Table<LedgerRecord>,
    #[serde(default)]
    pub(crate) discounts: Table<BillingDiscount>,
    #[serde(default)]
    pub(crate) redemptions: Table<CommerceDiscountRedemption>,
    /// The instance's one payee (its Stripe account), under the key `payee`.
    #[serde(default)]
    pub(crate) payee: Table<String>,
}

impl BillingData {
    /// Its tables, under the names their journal entries carry.
    pub(crate) fn tables(&mut self) -> [(&'static str, &mut dyn Journaled); 11] {
        [
            ("billing_plans", &mut self.plans),
            ("billing_prices", &mut self.prices),
            ("billing_payers", &mut self.payers),
            ("billing_subscriptions", &mut self.subscriptions),
            ("billing_subscription_items", &mut self.items),
            ("billing_statements", &mut self.statements),
            ("billing_payment_attempts", &mut self.payment_attempts),
            ("billing_credit_ledger", &mut self.credit_ledger),
            ("billing_discounts", &mut self.discounts),
            ("billing_discount_redemptions", &mut self.redemptions),
            ("billing_payee", &mut self.payee),
        ]
    }
}

/// A plan as stored: as served, with its default price and creation time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PlanRecord {
    pub(crate) plan: CommercePlan,
    pub(crate) default_price_id: String,
    pub(crate) created_at: i64,
}

/// Who pays: a user or an organization, with the card the emulator pretends it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PayerRecord {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) user_id: Option<String>,
    #[serde(default)]
    pub(crate) organization_id: Option<String>,
    pub(crate) payment_method_id: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// A payer's subscription; its status follows from its items.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SubscriptionRecord {
    pub(crate) id: String,
    pub(crate) payer_id: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) active_at: Option<i64>,
    #[serde(default)]
    pub(crate) past_due_at: Option<i64>,
    /// The last payment made for it.
    #[serde(default)]
    pub(crate) latest_payment_id: Option<String>,
}

/// One plan within a subscription.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ItemRecord {
    pub(crate) id: String,
    pub(crate) subscription_id: String,
    pub(crate) payer_id: String,
    pub(crate) plan_id: String,
    pub(crate) price_id: String,
    pub(crate) plan_period: CommercePlanPeriod,
    pub(crate) status: CommerceSubscriptionItemStatus,
    pub(crate) is_free_trial: bool,
    pub(crate) period_start: i64,
    pub(crate) period_end: Option<i64>,
    pub(crate) canceled_at: Option<i64>,
    pub(crate) past_due_at: Option<i64>,
    pub(crate) ended_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    /// Cents paid for it so far.
    #[serde(default)]
    pub(crate) lifetime_paid: i64,
    /// The redemption of the discount applied to it, if one is.
    #[serde(default)]
    pub(crate) redemption_id: Option<String>,
}

/// A payer's statement: it collects the payer's payment attempts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StatementRecord {
    pub(crate) id: String,
    pub(crate) payer_id: String,
    pub(crate) timestamp: i64,
    pub(crate) status: String,
}

/// One attempt to collect a payment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AttemptRecord {
    pub(crate) id: String,
    pub(crate) payment_id: String,
    pub(crate) statement_id: String,
    pub(crate) payer_id: String,
    pub(crate) subscription_item_id: Option<String>,
    pub(crate) amount: i64,
    pub(crate) charge_type: String,
    pub(crate) status: String,
    pub(crate) gateway_external_id: String,
    pub(crate) paid_at: Option<i64>,
    pub(crate) failed_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// One entry of a payer's credit ledger; the balance is the sum of the payer's entries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct LedgerRecord {
    pub(crate) id: String,
    pub(crate) payer_id: String,
    /// Cents; negative for a decrease.
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) idempotency_key: String,
    pub(crate) note: Option<String>,
    pub(crate) source_type: String,
    pub(crate) source_id: String,
    pub(crate) created_at: i64,
}
