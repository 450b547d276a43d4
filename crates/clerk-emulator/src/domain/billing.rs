//! The rules of Clerk Billing, below HTTP: plans and prices, payers (a user or an
//! organization), their subscription and its items, statements and payment attempts, credit
//! ledgers and discounts, and the `subscription.*`, `subscriptionItem.*` and
//! `paymentAttempt.*` webhook events their changes send.
//!
//! Nothing in the Backend API creates a plan or starts a subscription (Clerk's dashboard and
//! checkout do), so the emulator has its own entry points: `POST /emulator/billing/plans`,
//! `/subscriptions` and `/discounts` (and the same as `Emulator` methods).
//!
//! Choices where Clerk's behaviour is not documented (unverified): a new instance has a free
//! default plan per payer type (slugs `free_user`, `free_org`), and a payer with no
//! subscription is put on it when its subscription is first read; a paid plan runs 30 days a
//! month and 365 a year; ids use the prefixes `cplan`, `cprice`, `cpayer`, `csub`,
//! `csubi`, `stmt`, `pa`, `cpa`, `cps`, `cdisc`, `cdr`, `ccl`; money is USD, formatted
//! `$20.00`; states an operation cannot act on are 422 `form_param_value_invalid` (or 409
//! `conflict` where the spec lists 409); a credit decrease below zero is 422
//! `form_param_value_invalid` on `amount`.

use super::paging::{cut, paging};
use super::validate::{civil, parse_rfc3339_ms};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_id, now_ms};
use crate::store::Db;
use crate::store::billing::*;
use crate::wire::*;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

/// The only currency the emulator bills in.
pub(crate) const CURRENCY: &str = "USD";
const SYMBOL: &str = "$";
const DAY_MS: i64 = 86_400_000;
const MONTH_MS: i64 = 30 * DAY_MS;
const YEAR_MS: i64 = 365 * DAY_MS;

// ---- money and time --------------------------------------------------------------------------

/// Cents as money: `2000` → `$20.00`.
pub(crate) fn money(amount: i64) -> CommerceMoney {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    CommerceMoney {
        amount,
        amount_formatted: format!("{sign}{SYMBOL}{}.{:02}", abs / 100, abs % 100),
        currency: CURRENCY.into(),
        currency_symbol: SYMBOL.into(),
    }
}

/// `2026-05-12T10:11:12.345Z`.
pub(crate) fn rfc3339(ms: i64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second, c.millis
    )
}

/// `2026-05-12`.
fn date(ms: i64) -> String {
    let c = civil(ms);
    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
}

// ---- errors ----------------------------------------------------------------------------------

fn plan_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No plan was found with id {id}"))
}

fn price_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No price was found with id {id}"))
}

fn item_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No subscription item was found with id {id}"))
}

fn statement_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No statement was found with id {id}"))
}

fn discount_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No discount was found with id {id}"))
}

/// 409 for a request the item's state refuses, where the spec lists 409 (**unverified** code).
fn conflict(text: impl Into<String>) -> ApiError {
    let text = text.into();
    ApiError::new(StatusCode::CONFLICT, "conflict", "conflict", text)
}

/// 422 for an item whose state the operation cannot act on (**unverified**).
fn wrong_state(text: impl Into<String>) -> ApiError {
    ApiError::value_invalid("subscription_item_id", text)
}

/// A value among `allowed`, or 422 `form_param_value_invalid`.
fn one_of<'a>(param: &str, value: &'a str, allowed: &[&str]) -> ApiResult<&'a str> {
    if allowed.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::value_invalid(
            param,
            format!("{value} does not match one of the allowed values for parameter {param}"),
        ))
    }
}

fn check_currency(currency: Option<&str>) -> ApiResult<()> {
    match currency {
        None => Ok(()),
        Some(c) if c.eq_ignore_ascii_case(CURRENCY) => Ok(()),
        Some(c) => Err(ApiError::value_invalid(
            "currency",
            format!("{c} is not a supported currency; the instance bills in {CURRENCY}."),
        )),
    }
}

// ---- payers ----------------------------------------------------------------------------------

/// Who pays: a user or an organization, by id.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PayerRef<'a> {
    /// A user.
    User(&'a str),
    /// An organization.
    Org(&'a str),
}

impl PayerRef<'_> {
    fn payer_type(&self) -> &'static str {
        match self {
            PayerRef::User(_) => "user",
            PayerRef::Org(_) => "org",
        }
    }
}

/// 404 unless the user or organization exists.
pub(crate) fn check_payer(db: &Db, payer: PayerRef<'_>) -> ApiResult<()> {
    match payer {
        PayerRef::User(id) if !db.users.contains_key(id) => Err(ApiError::user_not_found(id)),
        PayerRef::Org(id) if !super::organizations::org_exists(db, id) => {
            Err(super::organizations::org_not_found())
        }
        _ => Ok(()),
    }
}

fn find_payer<'a>(db: &'a Db, payer: PayerRef<'_>) -> Option<&'a PayerRecord> {
    db.billing.payers.values().find(|p| match payer {
        PayerRef::User(id) => p.user_id.as_deref() == Some(id),
        PayerRef::Org(id) => p.organization_id.as_deref() == Some(id),
    })
}

/// The payer's id, made on first use.
fn ensure_payer(db: &mut Db, payer: PayerRef<'_>, now: i64) -> String {
    if let Some(p) = find_payer(db, payer) {
        return p.id.clone();
    }
    let (user_id, organization_id) = match payer {
        PayerRef::User(id) => (Some(id.to_owned()), None),
        PayerRef::Org(id) => (None, Some(id.to_owned())),
    };
    let record = PayerRecord {
        id: new_id("cpayer"),
        user_id,
        organization_id,
        payment_method_id: new_id("cps"),
        created_at: now,
        updated_at: now,
    };
    let id = record.id.clone();
    db.billing.payers.insert(id.clone(), record);
    id
}

fn payer_type_of(p: &PayerRecord) -> &'static str {
    if p.organization_id.is_some() {
        "org"
    } else {
        "user"
    }
}

/// The payer as served, with the user's or organization's name as it stands now.
fn render_payer(db: &Db, instance_id: &str, payer_id: &str) -> CommercePayer {
    let record = db.billing.payers.get(payer_id);
    let mut out = CommercePayer {
        object: "commerce_payer".into(),
        id: payer_id.to_owned(),
        instance_id: instance_id.to_owned(),
        user_id: None,
        first_name: None,
        last_name: None,
        email: None,
        organization_id: None,
        organization_name: None,
        image_url: None,
        credits_balance: None,
        created_at: record.map(|r| r.created_at),
        updated_at: record.map(|r| r.updated_at),
    };
    let Some(record) = record else { return out };
    if let Some(user_id) = &record.user_id {
        out.user_id = Some(user_id.clone());
        if let Some(u) = db.users.get(user_id) {
            let u = &u.user;
            out.first_name = u.first_name.clone();
            out.last_name = u.last_name.clone();
            out.email = u
                .email_addresses
                .iter()
                .find(|e| e.id.is_some() && e.id == u.primary_email_address_id)
                .map(|e| e.email_address.clone());
            out.image_url = u.image_url.clone();
        }
    }
    if let Some(org_id) = &record.organization_id {
        out.organization_id = Some(org_id.clone());
        if let Some(o) = db.organizations.orgs.get(org_id) {
            out.organization_name = Some(o.name.clone());
            out.image_url = o.image_url.clone();
        }
    }
    out.image_url.get_or_insert_with(String::new);
    let balance = ledger_sum(db, payer_id);
    if has_ledger(db, payer_id) {
        out.credits_balance = Some(money(balance));
    }
    out
}

/// The payer as webhook events show it (every field a string).
fn payer_event(db: &Db, payer_id: &str) -> Value {
    let p = render_payer(db, "", payer_id);
    json!({
        "object": "commerce_payer",
        "id": p.id,
        "user_id": p.user_id.unwrap_or_default(),
        "first_name": p.first_name.unwrap_or_default(),
        "last_name": p.last_name.unwrap_or_default(),
        "email": p.email.unwrap_or_default(),
        "organization_id": p.organization_id.unwrap_or_default(),
        "organization_name": p.organization_name.unwrap_or_default(),
        "image_url": p.image_url.unwrap_or_default(),
        "created_at": p.created_at.unwrap_or_default(),
        "updated_at": p.updated_at.unwrap_or_default(),
    })
}

fn payment_method(db: &Db, payer_id: &str) -> Option<CommercePaymentMethod> {
    let p = db.billing.payers.get(payer_id)?;
    Some(CommercePaymentMethod {
        object: "commerce_payment_method".into(),
        id: p.payment_method_id.clone(),
        payer_id: p.id.clone(),
        payment_type: CommercePaymentType::Card,
        is_default: Some(true),
        gateway: "stripe".into(),
        gateway_external_id: format!("pm_{}", p.payment_method_id.trim_start_matches("cps_")),
        gateway_external_account_id: None,
        last4: Some("4242".into()),
        status: CommercePaymentMethodStatus::Active,
        wallet_type: None,
        card_type: Some("visa".into()),
        expiry_year: Some(2034),
        expiry_month: Some(12),
        created_at: Some(p.created_at),
        updated_at: Some(p.updated_at),
        is_removable: Some(true),
    })
}

// ---- plans and prices ------------------------------------------------------------------------

/// A plan to make, from the seed or `POST /emulator/billing/plans`.
struct PlanSpec<'a> {
    name: &'a str,
    slug: String,
    payer_type: &'static str,
    amount: i64,
    annual_monthly_amount: Option<i64>,
    description: Option<String>,
    free_trial_days: Option<i64>,
    publicly_visible: bool,
    is_default: bool,
}

fn insert_plan(db: &mut Db, instance_id: &str, spec: PlanSpec<'_>) -> CommercePlan {
    let now = now_ms();
    let price = BillingPrice {
        object: "commerce_price".into(),
        id: new_id("cprice"),
        plan_id: new_id("cplan"),
        instance_id: instance_id.to_owned(),
        currency: CURRENCY.into(),
        currency_symbol: SYMBOL.into(),
        amount: spec.amount,
        annual_monthly_amount: spec.annual_monthly_amount.unwrap_or(0),
        fee: Some(money(spec.amount)),
        annual_monthly_fee: spec.annual_monthly_amount.map(money),
        description: None,
        is_default: true,
        created_at: now,
        supported_billing_periods: if spec.annual_monthly_amount.is_some() {
            BillingPeriods::Both
        } else {
            BillingPeriods::Month
        },
    };
    let plan = CommercePlan {
        object: "commerce_plan".into(),
        id: price.plan_id.clone(),
        name: spec.name.to_owned(),
        fee: Some(money(spec.amount)),
        annual_monthly_fee: spec.annual_monthly_amount.map(money),
        annual_fee: spec
            .annual_monthly_amount
            .map(|a| money(a.saturating_mul(12))),
        description: spec.description,
        product_id: new_id("cprod"),
        is_default: spec.is_default,
        is_recurring: spec.amount > 0 || spec.annual_monthly_amount.is_some_and(|a| a > 0),
        publicly_visible: spec.publicly_visible,
        has_base_fee: spec.amount > 0,
        for_payer_type: spec.payer_type.into(),
        slug: spec.slug,
        avatar_url: None,
        features: Some(Vec::new()),
        free_trial_enabled: spec.free_trial_days.is_some(),
        free_trial_days: spec.free_trial_days,
        unit_prices: None,
    };
    db.billing.prices.insert(price.id.clone(), price.clone());
    db.billing.plans.insert(
        plan.id.clone(),
        PlanRecord {
            plan: plan.clone(),
            default_price_id: price.id,
            created_at: now,
        },
    );
    plan
}

/// Gives a new instance (or a state file from before billing was stored) its free default
/// plans, one per payer type, and its payee.
pub(crate) fn seed(db: &mut Db, instance_id: &str) {
    if db.billing.payee.is_empty() {
        db.billing.payee.insert("payee".into(), new_id("cpayee"));
    }
    if !db.billing.plans.is_empty() {
        return;
    }
    for (payer_type, slug) in [("user", "free_user"), ("org", "free_org")] {
        insert_plan(
            db,
            instance_id,
            PlanSpec {
                name: "Free",
                slug: slug.into(),
                payer_type,
                amount: 0,
                annual_monthly_amount: None,
                description: None,
                free_trial_days: None,
                publicly_visible: true,
                is_default: true,
            },
        );
    }
}

/// `POST /emulator/billing/plans`: a plan with its default price.
pub(crate) fn create_plan(
    db: &mut Db,
    instance_id: &str,
    req: &NewBillingPlan,
) -> ApiResult<CommercePlan> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    let payer_type = match req.payer_type.as_deref() {
        None => "user",
        Some(p) => match one_of("payer_type", p, &["user", "org"])? {
            "org" => "org",
            _ => "user",
        },
    };
    check_amount("amount", req.amount)?;
    if let Some(a) = req.annual_monthly_amount {
        check_amount("annual_monthly_amount", a)?;
    }
    if let Some(days) = req.free_trial_days
        && !(1..=365).contains(&days)
    {
        return Err(ApiError::value_invalid(
            "free_trial_days",
            "free_trial_days must be between 1 and 365.",
        ));
    }
    let slug = match &req.slug {
        Some(s) => s.trim().to_owned(),
        None => name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect(),
    };
    if slug.is_empty() {
        return Err(ApiError::value_invalid("slug", "slug must not be empty."));
    }
    if db
        .billing
        .plans
        .values()
        .any(|p| p.plan.slug == slug && p.plan.for_payer_type == payer_type)
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_identifier_exists",
            "is taken",
            format!("A {payer_type} plan with slug {slug} already exists."),
        )
        .param("slug"));
    }
    Ok(insert_plan(
        db,
        instance_id,
        PlanSpec {
            name,
            slug,
            payer_type,
            amount: req.amount,
            annual_monthly_amount: req.annual_monthly_amount,
            description: req.description.clone(),
            free_trial_days: req.free_trial_days,
            publicly_visible: req.publicly_visible.unwrap_or(true),
            is_default: false,
        },
    ))
}

/// An amount in cents: 0 (free) or at least 100 (one dollar).
fn check_amount(param: &str, amount: i64) -> ApiResult<()> {
    if amount == 0 || (100..=100_000_000).contains(&amount) {
        Ok(())
    } else {
        Err(ApiError::value_invalid(
            param,
            format!("{param} must be 0 or at least 100 (cents)."),
        ))
    }
}

/// The query of `GET /v1/billing/plans`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PlanListParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) payer_type: Option<String>,
}

/// Plans, newest first, with the total before paging.
pub(crate) fn list_plans(db: &Db, p: &PlanListParams) -> ApiResult<(Vec<CommercePlan>, usize)> {
    let _ = p.paginated;
    let payer_type = p
        .payer_type
        .as_deref()
        .map(|t| one_of("payer_type", t, &["user", "org"]))
        .transpose()?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let rows: Vec<&PlanRecord> = db
        .billing
        .plans
        .values()
        .rev()
        .filter(|r| payer_type.is_none_or(|t| r.plan.for_payer_type == t))
        .collect();
    Ok(cut(rows, limit, offset, |r| r.plan.clone()))
}

/// The query of `GET /v1/billing/prices`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PriceListParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) plan_id: Option<String>,
}

/// Prices by amount, then newest first; 404 for an unknown `plan_id`.
pub(crate) fn list_prices(db: &Db, p: &PriceListParams) -> ApiResult<(Vec<BillingPrice>, usize)> {
    let _ = p.paginated;
    if let Some(plan) = &p.plan_id
        && !db.billing.plans.contains_key(plan)
    {
        return Err(plan_not_found(plan));
    }
    let (limit, offset) = paging(p.limit, p.offset)?;
    let mut rows: Vec<&BillingPrice> = db
        .billing
        .prices
        .values()
        .filter(|r| p.plan_id.as_ref().is_none_or(|plan| &r.plan_id == plan))
        .collect();
    rows.sort_by(|a, b| {
        a.amount
            .cmp(&b.amount)
            .then(b.created_at.cmp(&a.created_at))
            .then(b.id.cmp(&a.id))
    });
    Ok(cut(rows, limit, offset, Clone::clone))
}

/// The body of `POST /v1/billing/prices`.
#[derive(Debug, Deserialize)]
pub(crate) struct CreatePriceBody {
    pub(crate) plan_id: String,
    #[serde(default)]
    pub(crate) currency: Option<String>,
    #[serde(default)]
    pub(crate) amount: Option<i64>,
    #[serde(default)]
    pub(crate) annual_monthly_amount: Option<i64>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) supported_billing_periods: Option<String>,
}

/// A custom price for a plan. The billing periods follow from the amounts given unless
/// `supported_billing_periods` says; each period it names needs its amount.
pub(crate) fn create_price(
    db: &mut Db,
    instance_id: &str,
    b: &CreatePriceBody,
) -> ApiResult<BillingPrice> {
    check_currency(b.currency.as_deref())?;
    if b.amount.is_none() && b.annual_monthly_amount.is_none() {
        return Err(ApiError::param_missing("amount"));
    }
    if let Some(a) = b.amount {
        check_amount("amount", a)?;
    }
    if let Some(a) = b.annual_monthly_amount {
        check_amount("annual_monthly_amount", a)?;
    }
    let periods = match b.supported_billing_periods.as_deref() {
        Some(p) => BillingPeriods::from(one_of(
            "supported_billing_periods",
            p,
            &["month", "annual", "both"],
        )?),
        None if b.amount.is_none() => BillingPeriods::Annual,
        None if b.annual_monthly_amount.is_none() => BillingPeriods::Month,
        None => BillingPeriods::Both,
    };
    let needs_month = matches!(periods, BillingPeriods::Month | BillingPeriods::Both);
    let needs_annual = matches!(periods, BillingPeriods::Annual | BillingPeriods::Both);
    if needs_month && b.amount.is_none() {
        return Err(ApiError::param_missing("amount"));
    }
    if needs_annual && b.annual_monthly_amount.is_none() {
        return Err(ApiError::param_missing("annual_monthly_amount"));
    }
    if !db.billing.plans.contains_key(&b.plan_id) {
        return Err(plan_not_found(&b.plan_id));
    }
    let amount = b.amount.unwrap_or(0);
    let price = BillingPrice {
        object: "commerce_price".into(),
        id: new_id("cprice"),
        plan_id: b.plan_id.clone(),
        instance_id: instance_id.to_owned(),
        currency: CURRENCY.into(),
        currency_symbol: SYMBOL.into(),
        amount,
        annual_monthly_amount: b.annual_monthly_amount.unwrap_or(0),
        fee: b.amount.map(money),
        annual_monthly_fee: b.annual_monthly_amount.map(money),
        description: b.description.clone(),
        is_default: false,
        created_at: now_ms(),
        supported_billing_periods: periods,
    };
    db.billing.prices.insert(price.id.clone(), price.clone());
    Ok(price)
}

fn supports(price: &BillingPrice, period: &CommercePlanPeriod) -> bool {
    matches!(
        (&price.supported_billing_periods, period),
        (BillingPeriods::Both, _)
            | (BillingPeriods::Month, CommercePlanPeriod::Month)
            | (BillingPeriods::Annual, CommercePlanPeriod::Annual)
    )
}

/// What one period of the price costs.
fn period_amount(price: &BillingPrice, period: &CommercePlanPeriod) -> i64 {
    match period {
        CommercePlanPeriod::Annual => price.annual_monthly_amount.saturating_mul(12),
        _ => price.amount,
    }
}

fn plan_detail(record: &PlanRecord, price: Option<&BillingPrice>) -> CommercePlanDetail {
    let p = &record.plan;
    let amount = price.map_or(0, |x| x.amount);
    let annual_monthly = price.map_or(0, |x| x.annual_monthly_amount);
    let annual = annual_monthly.saturating_mul(12);
    CommercePlanDetail {
        object: "commerce_plan".into(),
        id: p.id.clone(),
        name: p.name.clone(),
        fee: p.fee.clone(),
        annual_monthly_fee: p.annual_monthly_fee.clone(),
        annual_fee: p.annual_fee.clone(),
        amount,
        amount_formatted: money(amount).amount_formatted,
        annual_monthly_amount: annual_monthly,
        annual_monthly_amount_formatted: money(annual_monthly).amount_formatted,
        annual_amount: annual,
        annual_amount_formatted: money(annual).amount_formatted,
        currency_symbol: SYMBOL.into(),
        currency: CURRENCY.into(),
        description: p.description.clone().unwrap_or_default(),
        product_id: p.product_id.clone(),
        is_default: p.is_default,
        is_recurring: p.is_recurring,
        publicly_visible: p.publicly_visible,
        has_base_fee: p.has_base_fee,
        payer_type: vec![p.for_payer_type.clone()],
        for_payer_type: p.for_payer_type.clone(),
        slug: p.slug.clone(),
        avatar_url: p.avatar_url.clone().unwrap_or_default(),
        period: Some("month".into()),
        interval: Some(1),
        features: Vec::new(),
        free_trial_enabled: Some(p.free_trial_enabled),
        free_trial_days: p.free_trial_days,
    }
}

fn is_free_plan(db: &Db, plan_id: &str) -> bool {
    db.billing.plans.get(plan_id).is_none_or(|p| {
        p.plan.fee.as_ref().is_none_or(|f| f.amount == 0)
            && p.plan
                .annual_monthly_fee
                .as_ref()
                .is_none_or(|f| f.amount == 0)
    })
}

// ---- subscriptions and items -----------------------------------------------------------------

/// Whether the item still runs (or is about to).
fn is_live(item: &ItemRecord) -> bool {
    matches!(
        item.status,
        CommerceSubscriptionItemStatus::Active
            | CommerceSubscriptionItemStatus::Canceled
            | CommerceSubscriptionItemStatus::PastDue
            | CommerceSubscriptionItemStatus::Upcoming
            | CommerceSubscriptionItemStatus::Incomplete
    )
}

fn items_of<'a>(db: &'a Db, subscription_id: &'a str) -> impl Iterator<Item = &'a ItemRecord> {
    db.billing
        .items
        .values()
        .filter(move |i| i.subscription_id == subscription_id)
}

/// The discount an item's next payment gets: its active redemption's amount.
fn discount_on(db: &Db, item: &ItemRecord, amount: i64) -> i64 {
    let Some(redemption) = item
        .redemption_id
        .as_deref()
        .and_then(|id| db.billing.redemptions.get(id))
    else {
        return 0;
    };
    match (redemption.percent_off, &redemption.amount_off) {
        (Some(pct), _) => ((amount as f64) * pct / 100.0).round() as i64,
        (None, Some(off)) => off.amount.min(amount),
        (None, None) => 0,
    }
    .clamp(0, amount.max(0))
}

fn totals(amount: i64, discount: i64) -> CommerceTotals {
    CommerceTotals {
        subtotal: money(amount),
        base_fee: money(amount),
        tax_total: money(0),
        grand_total: money(amount - discount),
        per_unit_totals: None,
        credits: None,
        discounts: (discount > 0).then(|| CommerceDiscounts {
            proration: None,
            total: money(discount),
        }),
    }
}

/// The item's next payment: at the end of its period, unless it will not renew.
fn next_payment(db: &Db, item: &ItemRecord) -> Option<CommerceSubscriptionItemNextPayment> {
    if !matches!(
        item.status,
        CommerceSubscriptionItemStatus::Active | CommerceSubscriptionItemStatus::PastDue
    ) {
        return None;
    }
    let price = db.billing.prices.get(&item.price_id)?;
    let amount = period_amount(price, &item.plan_period);
    if amount == 0 {
        return None;
    }
    let discount = discount_on(db, item, amount);
    Some(CommerceSubscriptionItemNextPayment {
        amount: Some(money(amount)),
        date: item.period_end,
        per_unit_totals: None,
        totals: Some(totals(amount, discount)),
    })
}

/// The item as served.
pub(crate) fn render_item(
    db: &Db,
    instance_id: &str,
    item: &ItemRecord,
) -> CommerceSubscriptionItem {
    let free = is_free_plan(db, &item.plan_id);
    CommerceSubscriptionItem {
        object: "commerce_subscription_item".into(),
        id: item.id.clone(),
        instance_id: instance_id.to_owned(),
        status: item.status.clone(),
        credit: None,
        credits: None,
        plan_id: Some(item.plan_id.clone()),
        price_id: Some(item.price_id.clone()),
        plan: db.billing.plans.get(&item.plan_id).map(|p| p.plan.clone()),
        plan_period: item.plan_period.clone(),
        payment_method: if free {
            None
        } else {
            payment_method(db, &item.payer_id)
        },
        lifetime_paid: Some(money(item.lifetime_paid)),
        next_payment: next_payment(db, item),
        payer_id: item.payer_id.clone(),
        payer: Some(render_payer(db, instance_id, &item.payer_id)),
        is_free_trial: item.is_free_trial,
        period_start: item.period_start,
        period_end: item.period_end,
        proration_date: None,
        canceled_at: item.canceled_at,
        past_due_at: item.past_due_at,
        ended_at: item.ended_at,
        created_at: Some(item.created_at),
        updated_at: Some(item.updated_at),
        seats: None,
        totals: None,
    }
}

/// The item as the price-transition and free-trial answers show it.
fn render_item_detail(
    db: &Db,
    instance_id: &str,
    item: &ItemRecord,
) -> CommerceSubscriptionItemDetail {
    let price = db.billing.prices.get(&item.price_id);
    CommerceSubscriptionItemDetail {
        object: "commerce_subscription_item".into(),
        id: item.id.clone(),
        instance_id: instance_id.to_owned(),
        status: item.status.clone(),
        plan_id: item.plan_id.clone(),
        price_id: Some(item.price_id.clone()),
        plan: db
            .billing
            .plans
            .get(&item.plan_id)
            .map(|p| plan_detail(p, price)),
        plan_period: item.plan_period.clone(),
        payment_source_id: db
            .billing
            .payers
            .get(&item.payer_id)
            .map(|p| p.payment_method_id.clone())
            .unwrap_or_default(),
        lifetime_paid: Some(money(item.lifetime_paid)),
        amount: price.map(|p| money(period_amount(p, &item.plan_period))),
        next_payment: next_payment(db, item),
        payer_id: item.payer_id.clone(),
        is_free_trial: item.is_free_trial,
        period_start: Some(item.period_start),
        period_end: item.period_end,
        proration_date: date(item.period_start),
        canceled_at: item.canceled_at,
        past_due_at: item.past_due_at,
        ended_at: item.ended_at,
        created_at: item.created_at,
        updated_at: item.updated_at,
    }
}

/// The subscription as served: its items that still run, its next payment.
fn render_subscription(
    db: &Db,
    instance_id: &str,
    sub: &SubscriptionRecord,
) -> CommerceSubscription {
    let items: Vec<&ItemRecord> = items_of(db, &sub.id).filter(|i| is_live(i)).collect();
    let status = if items.iter().any(|i| {
        matches!(
            i.status,
            CommerceSubscriptionItemStatus::Active | CommerceSubscriptionItemStatus::Canceled
        )
    }) {
        CommerceSubscriptionStatus::Active
    } else if items
        .iter()
        .any(|i| i.status == CommerceSubscriptionItemStatus::PastDue)
    {
        CommerceSubscriptionStatus::PastDue
    } else {
        CommerceSubscriptionStatus::Ended
    };
    let next_payment = items
        .iter()
        .filter(|i| i.canceled_at.is_none())
        .filter_map(|i| next_payment(db, i).map(|n| (n, *i)))
        .filter_map(|(n, _)| Some((n.date?, n)))
        .min_by_key(|(d, _)| *d)
        .map(|(date, n)| CommerceSubscriptionNextPayment {
            date,
            amount: n.amount.unwrap_or_else(|| money(0)),
            per_unit_totals: None,
            totals: n.totals,
        });
    let had_trial = items_of(db, &sub.id).any(|i| i.is_free_trial);
    CommerceSubscription {
        object: "commerce_subscription".into(),
        id: sub.id.clone(),
        instance_id: instance_id.to_owned(),
        status,
        payer_id: sub.payer_id.clone(),
        created_at: sub.created_at,
        updated_at: sub.updated_at,
        active_at: sub.active_at,
        past_due_at: sub.past_due_at,
        subscription_items: items
            .iter()
            .map(|i| render_item(db, instance_id, i))
            .collect(),
        next_payment,
        eligible_for_free_trial: Some(!had_trial),
    }
}

fn item_event(db: &Db, item: &ItemRecord) -> Value {
    let plan = db.billing.plans.get(&item.plan_id).map(|p| {
        let amount = db
            .billing
            .prices
            .get(&item.price_id)
            .map_or(0, |price| period_amount(price, &item.plan_period));
        json!({
            "id": p.plan.id,
            "slug": p.plan.slug,
            "name": p.plan.name,
            "is_recurring": p.plan.is_recurring,
            "amount": amount,
            "currency": CURRENCY,
        })
    });
    json!({
        "object": "commerce_subscription_item",
        "id": item.id,
        "status": item.status.as_str(),
        "is_free_trial": item.is_free_trial,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "period_start": item.period_start,
        "period_end": item.period_end,
        "interval": item.plan_period.as_str(),
        "plan_id": item.plan_id,
        "plan": plan,
        "payer": payer_event(db, &item.payer_id),
        "subscription_id": item.subscription_id,
    })
}

fn subscription_event(db: &Db, sub: &SubscriptionRecord) -> Value {
    let rendered = render_subscription(db, "", sub);
    let items: Vec<Value> = items_of(db, &sub.id)
        .filter(|i| is_live(i))
        .map(|i| item_event(db, i))
        .collect();
    let canceled_at = items_of(db, &sub.id)
        .filter(|i| is_live(i))
        .all(|i| i.canceled_at.is_some())
        .then(|| items_of(db, &sub.id).filter_map(|i| i.canceled_at).max())
        .flatten();
    let ended_at = (rendered.status == CommerceSubscriptionStatus::Ended)
        .then(|| items_of(db, &sub.id).filter_map(|i| i.ended_at).max())
        .flatten();
    json!({
        "object": "commerce_subscription",
        "id": sub.id,
        "status": rendered.status.as_str(),
        "active_at": sub.active_at,
        "canceled_at": canceled_at,
        "created_at": sub.created_at,
        "ended_at": ended_at,
        "past_due_at": sub.past_due_at,
        "updated_at": sub.updated_at,
        "latest_payment_id": sub.latest_payment_id,
        "payer_id": sub.payer_id,
        "payer": payer_event(db, &sub.payer_id),
        "payment_source_id": db.billing.payers.get(&sub.payer_id).map(|p| p.payment_method_id.clone()),
        "items": items,
    })
}

fn emit_item(db: &mut Db, event: &'static str, item_id: &str) {
    if let Some(item) = db.billing.items.get(item_id) {
        let data = item_event(db, item);
        db.emit(event, &data);
    }
}

fn emit_subscription(db: &mut Db, event: &'static str, sub_id: &str) {
    if let Some(sub) = db.billing.subscriptions.get(sub_id) {
        let data = subscription_event(db, sub);
        db.emit(event, &data);
    }
}

fn touch_subscription(db: &mut Db, sub_id: &str, now: i64) {
    if let Some(sub) = db.billing.subscriptions.get_mut(sub_id) {
        sub.updated_at = now.max(sub.updated_at);
        sub.active_at.get_or_insert(now);
    }
}

/// The default plan for the payer type and its default price.
fn default_plan(db: &Db, payer_type: &str) -> Option<(String, String)> {
    db.billing
        .plans
        .values()
        .find(|p| p.plan.is_default && p.plan.for_payer_type == payer_type)
        .map(|p| (p.plan.id.clone(), p.default_price_id.clone()))
}

/// Puts the payer on the free default plan: a new active item without an end.
fn add_default_item(db: &mut Db, sub_id: &str, payer_id: &str, now: i64) -> Option<String> {
    let payer_type = db.billing.payers.get(payer_id).map(payer_type_of)?;
    let (plan_id, price_id) = default_plan(db, payer_type)?;
    let item = ItemRecord {
        id: new_id("csubi"),
        subscription_id: sub_id.to_owned(),
        payer_id: payer_id.to_owned(),
        plan_id,
        price_id,
        plan_period: CommercePlanPeriod::Month,
        status: CommerceSubscriptionItemStatus::Active,
        is_free_trial: false,
        period_start: now,
        period_end: None,
        canceled_at: None,
        past_due_at: None,
        ended_at: None,
        created_at: now,
        updated_at: now,
        lifetime_paid: 0,
        redemption_id: None,
    };
    let id = item.id.clone();
    db.billing.items.insert(id.clone(), item);
    Some(id)
}

/// The payer's subscription, made (on the free default plan, when `with_default` says) if it
/// has none; whether it was made.
fn ensure_subscription(
    db: &mut Db,
    payer_id: &str,
    with_default: bool,
    now: i64,
) -> (String, bool) {
    if let Some(sub) = db
        .billing
        .subscriptions
        .values()
        .find(|s| s.payer_id == payer_id)
    {
        return (sub.id.clone(), false);
    }
    let sub = SubscriptionRecord {
        id: new_id("csub"),
        payer_id: payer_id.to_owned(),
        created_at: now,
        updated_at: now,
        active_at: Some(now),
        past_due_at: None,
        latest_payment_id: None,
    };
    let id = sub.id.clone();
    db.billing.subscriptions.insert(id.clone(), sub);
    if with_default {
        if let Some(item) = add_default_item(db, &id, payer_id, now) {
            emit_item(db, "subscriptionItem.active", &item);
        }
        emit_subscription(db, "subscription.created", &id);
    }
    (id, true)
}

/// `GET /v1/users/{id}/billing/subscription` and the organization's: the payer's
/// subscription, which starts on the free default plan the first time it is read.
pub(crate) fn payer_subscription(
    db: &mut Db,
    instance_id: &str,
    payer: PayerRef<'_>,
) -> ApiResult<CommerceSubscription> {
    check_payer(db, payer)?;
    let now = now_ms();
    let payer_id = ensure_payer(db, payer, now);
    let (sub_id, _) = ensure_subscription(db, &payer_id, true, now);
    let sub = db
        .billing
        .subscriptions
        .get(&sub_id)
        .ok_or_else(ApiError::internal)?;
    Ok(render_subscription(db, instance_id, sub))
}

/// Ends an item now.
fn end_item(db: &mut Db, item_id: &str, now: i64) {
    if let Some(item) = db.billing.items.get_mut(item_id) {
        item.status = CommerceSubscriptionItemStatus::Ended;
        item.ended_at = Some(now);
        item.updated_at = now.max(item.updated_at);
    }
    emit_item(db, "subscriptionItem.ended", item_id);
}

/// Charges the payer: a paid payment attempt on the payer's open statement (made if there is
/// none), announced as `paymentAttempt.created` (pending) then `paymentAttempt.updated` (paid).
fn charge(
    db: &mut Db,
    instance_id: &str,
    payer_id: &str,
    item_id: &str,
    amount: i64,
    charge_type: &str,
    now: i64,
) -> String {
    let statement_id = match db
        .billing
        .statements
        .values()
        .find(|s| s.payer_id == payer_id && s.status == "open")
    {
        Some(s) => s.id.clone(),
        None => {
            let s = StatementRecord {
                id: new_id("stmt"),
                payer_id: payer_id.to_owned(),
                timestamp: now,
                status: "open".into(),
            };
            let id = s.id.clone();
            db.billing.statements.insert(id.clone(), s);
            id
        }
    };
    let mut attempt = AttemptRecord {
        id: new_id("pa"),
        payment_id: new_id("cpa"),
        statement_id,
        payer_id: payer_id.to_owned(),
        subscription_item_id: Some(item_id.to_owned()),
        amount,
        charge_type: charge_type.to_owned(),
        status: "pending".into(),
        gateway_external_id: format!("pi_{}", crate::ids::random_base62(24)),
        paid_at: None,
        failed_at: None,
        created_at: now,
        updated_at: now,
    };
    let pending = attempt_event(db, instance_id, &attempt);
    db.emit("paymentAttempt.created", &pending);
    attempt.status = "paid".into();
    attempt.paid_at = Some(now);
    let paid = attempt_event(db, instance_id, &attempt);
    let id = attempt.id.clone();
    let payment_id = attempt.payment_id.clone();
    db.billing.payment_attempts.insert(id.clone(), attempt);
    db.emit("paymentAttempt.updated", &paid);
    if let Some(item) = db.billing.items.get_mut(item_id) {
        item.lifetime_paid = item.lifetime_paid.saturating_add(amount);
        let sub_id = item.subscription_id.clone();
        if let Some(sub) = db.billing.subscriptions.get_mut(&sub_id) {
            sub.latest_payment_id = Some(payment_id);
        }
    }
    id
}

fn attempt_event(db: &Db, instance_id: &str, a: &AttemptRecord) -> Value {
    let payer = db.billing.payers.get(&a.payer_id);
    let items: Vec<Value> = a
        .subscription_item_id
        .as_deref()
        .and_then(|id| db.billing.items.get(id))
        .map(|i| {
            let mut v = item_event(db, i);
            if let Some(obj) = v.as_object_mut() {
                obj.remove("is_free_trial");
                obj.insert(
                    "period_end".into(),
                    json!(i.period_end.unwrap_or(i.period_start)),
                );
            }
            v
        })
        .into_iter()
        .collect();
    let payee_id = db.billing.payee.get("payee").cloned().unwrap_or_default();
    json!({
        "id": a.id,
        "instance_id": instance_id,
        "payment_id": a.payment_id,
        "invoice_id": a.statement_id,
        "statement_id": a.statement_id,
        "gateway_external_id": a.gateway_external_id,
        "status": a.status,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "paid_at": a.paid_at,
        "failed_at": a.failed_at,
        "failed_reason": null,
        "billing_date": a.created_at,
        "charge_type": a.charge_type,
        "payee": {
            "id": payee_id,
            "gateway_type": "stripe",
            "gateway_external_id": "acct_emulator",
            "gateway_status": "active",
        },
        "payer": payer_event(db, &a.payer_id),
        "totals": {
            "subtotal": money(a.amount),
            "tax_total": money(0),
            "grand_total": money(a.amount),
        },
        "payment_source": {
            "id": payer.map(|p| p.payment_method_id.clone()).unwrap_or_default(),
            "gateway": "stripe",
            "gateway_external_id": payer.map(|p| format!("pm_{}", p.payment_method_id.trim_start_matches("cps_"))).unwrap_or_default(),
            "gateway_external_account_id": null,
            "payment_method": "card",
            "status": "active",
            "card_type": "visa",
            "last4": "4242",
        },
        "subscription_items": items,
    })
}

fn parse_period(raw: Option<&str>) -> ApiResult<CommercePlanPeriod> {
    match raw {
        None => Ok(CommercePlanPeriod::Month),
        Some(p) => Ok(CommercePlanPeriod::from(one_of(
            "plan_period",
            p,
            &["month", "annual"],
        )?)),
    }
}

/// `POST /emulator/billing/subscriptions`: puts the user or organization on a plan. The
/// items it had end; the new item starts now (in the plan's free trial when asked) and, when
/// it costs something and is not a trial, is paid at once on the payer's statement.
pub(crate) fn subscribe(
    db: &mut Db,
    instance_id: &str,
    req: &NewBillingSubscription,
) -> ApiResult<CommerceSubscription> {
    let payer = match (req.user_id.as_deref(), req.organization_id.as_deref()) {
        (Some(u), None) => PayerRef::User(u),
        (None, Some(o)) => PayerRef::Org(o),
        (None, None) => return Err(ApiError::param_missing("user_id")),
        (Some(_), Some(_)) => {
            return Err(ApiError::value_invalid(
                "organization_id",
                "Give one of user_id and organization_id, not both.",
            ));
        }
    };
    let period = parse_period(req.plan_period.as_deref())?;
    check_payer(db, payer)?;
    let price = match (&req.price_id, &req.plan_id) {
        (Some(price_id), plan_id) => {
            let price = db
                .billing
                .prices
                .get(price_id)
                .ok_or_else(|| price_not_found(price_id))?;
            if plan_id.as_ref().is_some_and(|p| p != &price.plan_id) {
                return Err(ApiError::value_invalid(
                    "price_id",
                    "The price does not belong to the plan given.",
                ));
            }
            price.clone()
        }
        (None, Some(plan_id)) => {
            let plan = db
                .billing
                .plans
                .get(plan_id)
                .ok_or_else(|| plan_not_found(plan_id))?;
            db.billing
                .prices
                .get(&plan.default_price_id)
                .cloned()
                .ok_or_else(ApiError::internal)?
        }
        (None, None) => return Err(ApiError::param_missing("plan_id")),
    };
    let plan = db
        .billing
        .plans
        .get(&price.plan_id)
        .map(|p| p.plan.clone())
        .ok_or_else(|| plan_not_found(&price.plan_id))?;
    if plan.for_payer_type != payer.payer_type() {
        return Err(ApiError::value_invalid(
            "plan_id",
            format!(
                "The plan is for payers of type {}, not {}.",
                plan.for_payer_type,
                payer.payer_type()
            ),
        ));
    }
    if !supports(&price, &period) {
        return Err(ApiError::value_invalid(
            "plan_period",
            format!("The price is not offered for the {period} period."),
        ));
    }
    let trial = req.free_trial == Some(true);
    if trial && !plan.free_trial_enabled {
        return Err(ApiError::value_invalid(
            "free_trial",
            "The plan offers no free trial.",
        ));
    }
    let now = now_ms();
    let payer_id = ensure_payer(db, payer, now);
    let (sub_id, created) = ensure_subscription(db, &payer_id, false, now);
    let live: Vec<String> = items_of(db, &sub_id)
        .filter(|i| is_live(i))
        .map(|i| i.id.clone())
        .collect();
    if items_of(db, &sub_id).any(|i| {
        i.status == CommerceSubscriptionItemStatus::Active
            && i.price_id == price.id
            && i.plan_period == period
            && !i.is_free_trial
    }) {
        return Err(conflict("The payer is already subscribed to this price."));
    }
    for id in &live {
        end_item(db, id, now);
    }
    let amount = period_amount(&price, &period);
    let period_end = if trial {
        Some(now + plan.free_trial_days.unwrap_or(0) * DAY_MS)
    } else if amount == 0 {
        None
    } else {
        Some(
            now + match period {
                CommercePlanPeriod::Annual => YEAR_MS,
                _ => MONTH_MS,
            },
        )
    };
    let item = ItemRecord {
        id: new_id("csubi"),
        subscription_id: sub_id.clone(),
        payer_id: payer_id.clone(),
        plan_id: plan.id.clone(),
        price_id: price.id.clone(),
        plan_period: period,
        status: CommerceSubscriptionItemStatus::Active,
        is_free_trial: trial,
        period_start: now,
        period_end,
        canceled_at: None,
        past_due_at: None,
        ended_at: None,
        created_at: now,
        updated_at: now,
        lifetime_paid: 0,
        redemption_id: None,
    };
    let item_id = item.id.clone();
    db.billing.items.insert(item_id.clone(), item);
    if !trial && amount > 0 {
        charge(
            db,
            instance_id,
            &payer_id,
            &item_id,
            amount,
            "checkout",
            now,
        );
    }
    touch_subscription(db, &sub_id, now);
    emit_item(db, "subscriptionItem.active", &item_id);
    emit_subscription(
        db,
        if created {
            "subscription.created"
        } else {
            "subscription.updated"
        },
        &sub_id,
    );
    let sub = db
        .billing
        .subscriptions
        .get(&sub_id)
        .ok_or_else(ApiError::internal)?;
    Ok(render_subscription(db, instance_id, sub))
}

/// The query of `GET /v1/billing/subscription_items`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ItemListParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) status: Option<String>,
    pub(crate) payer_type: Option<String>,
    pub(crate) plan_id: Option<String>,
    pub(crate) include_free: Option<bool>,
    pub(crate) query: Option<String>,
}

/// Subscription items, newest first. `status=active` means running and not in a free trial
/// (canceled items run until their period ends), `free_trial` running in one; free-plan
/// items only with `include_free=true`; `query` matches the payer's name, email or id and
/// the plan's name or slug, without case.
pub(crate) fn list_items(
    db: &Db,
    instance_id: &str,
    p: &ItemListParams,
) -> ApiResult<(Vec<CommerceSubscriptionItem>, usize)> {
    let _ = p.paginated;
    let status = p
        .status
        .as_deref()
        .map(|s| {
            one_of(
                "status",
                s,
                &["active", "ended", "past_due", "upcoming", "free_trial"],
            )
        })
        .transpose()?;
    let payer_type = p
        .payer_type
        .as_deref()
        .map(|t| one_of("payer_type", t, &["user", "org"]))
        .transpose()?;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let query = p
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let include_free = p.include_free == Some(true);
    let rows: Vec<&ItemRecord> = db
        .billing
        .items
        .values()
        .rev()
        .filter(|i| include_free || !is_free_plan(db, &i.plan_id))
        .filter(|i| p.plan_id.as_ref().is_none_or(|plan| &i.plan_id == plan))
        .filter(|i| {
            payer_type.is_none_or(|t| {
                db.billing
                    .payers
                    .get(&i.payer_id)
                    .is_some_and(|p| payer_type_of(p) == t)
            })
        })
        .filter(|i| match status {
            None => true,
            Some("active") => {
                !i.is_free_trial
                    && matches!(
                        i.status,
                        CommerceSubscriptionItemStatus::Active
                            | CommerceSubscriptionItemStatus::Canceled
                    )
            }
            Some("free_trial") => {
                i.is_free_trial
                    && matches!(
                        i.status,
                        CommerceSubscriptionItemStatus::Active
                            | CommerceSubscriptionItemStatus::Canceled
                    )
            }
            Some(s) => i.status.as_str() == s,
        })
        .filter(|i| {
            query.as_deref().is_none_or(|q| {
                let payer = render_payer(db, instance_id, &i.payer_id);
                let plan = db.billing.plans.get(&i.plan_id);
                [
                    payer.first_name,
                    payer.last_name,
                    payer.email,
                    payer.organization_name,
                    payer.user_id,
                    payer.organization_id,
                    plan.map(|p| p.plan.name.clone()),
                    plan.map(|p| p.plan.slug.clone()),
                    Some(i.id.clone()),
                ]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(q))
            })
        })
        .collect();
    Ok(cut(rows, limit, offset, |i| {
        render_item(db, instance_id, i)
    }))
}

fn item(db: &Db, id: &str) -> ApiResult<ItemRecord> {
    db.billing
        .items
        .get(id)
        .cloned()
        .ok_or_else(|| item_not_found(id))
}

/// Cancels an item: at the end of its period (`canceled`, it runs until then), or now
/// (`ended`). The free default plan cannot be canceled; an ended item cannot be canceled again;
/// canceling a canceled item at period end again changes nothing. A payer left with no
/// running item goes back on the free default plan.
pub(crate) fn cancel_item(
    db: &mut Db,
    instance_id: &str,
    id: &str,
    end_now: bool,
) -> ApiResult<CommerceSubscriptionItem> {
    let current = item(db, id)?;
    if !is_live(&current) {
        return Err(wrong_state(format!(
            "The subscription item is {} and cannot be canceled.",
            current.status
        )));
    }
    if db
        .billing
        .plans
        .get(&current.plan_id)
        .is_some_and(|p| p.plan.is_default)
    {
        return Err(wrong_state("The free default plan cannot be canceled."));
    }
    let now = now_ms();
    if end_now {
        if let Some(i) = db.billing.items.get_mut(id) {
            i.canceled_at.get_or_insert(now);
        }
        end_item(db, id, now);
        let sub_id = current.subscription_id.clone();
        if !items_of(db, &sub_id).any(is_live)
            && let Some(new) = add_default_item(db, &sub_id, &current.payer_id, now)
        {
            emit_item(db, "subscriptionItem.active", &new);
        }
    } else if current.status != CommerceSubscriptionItemStatus::Canceled {
        if let Some(i) = db.billing.items.get_mut(id) {
            i.status = CommerceSubscriptionItemStatus::Canceled;
            i.canceled_at = Some(now);
            i.updated_at = now.max(i.updated_at);
        }
        emit_item(db, "subscriptionItem.canceled", id);
    } else {
        return Ok(render_item(db, instance_id, &current));
    }
    touch_subscription(db, &current.subscription_id, now);
    emit_subscription(db, "subscription.updated", &current.subscription_id);
    let done = item(db, id)?;
    Ok(render_item(db, instance_id, &done))
}

/// The body of `POST /v1/billing/subscription_items/{id}/extend_free_trial`.
#[derive(Debug, Deserialize)]
pub(crate) struct ExtendTrialBody {
    pub(crate) extend_to: String,
}

/// Moves the end of a running free trial to `extend_to`: later than the current end (the
/// same end again changes nothing), in the future, at most 365 days past the current end.
pub(crate) fn extend_trial(
    db: &mut Db,
    instance_id: &str,
    id: &str,
    b: &ExtendTrialBody,
) -> ApiResult<CommerceSubscriptionItemDetail> {
    let to = parse_rfc3339_ms(&b.extend_to).ok_or_else(|| {
        ApiError::format_invalid("extend_to", "extend_to must be an RFC 3339 date-time.")
    })?;
    let current = item(db, id)?;
    if !current.is_free_trial || current.status != CommerceSubscriptionItemStatus::Active {
        return Err(wrong_state("The subscription item is not in a free trial."));
    }
    let now = now_ms();
    let end = current.period_end.unwrap_or(now);
    if to == end {
        return Ok(render_item_detail(db, instance_id, &current));
    }
    if to <= now || to < end {
        return Err(ApiError::value_invalid(
            "extend_to",
            "extend_to must be in the future and later than the current end of the free trial.",
        ));
    }
    if to > end.max(now) + 365 * DAY_MS {
        return Err(ApiError::value_invalid(
            "extend_to",
            "extend_to must be at most 365 days after the current end of the free trial.",
        ));
    }
    if let Some(i) = db.billing.items.get_mut(id) {
        i.period_end = Some(to);
        i.updated_at = now.max(i.updated_at);
    }
    emit_item(db, "subscriptionItem.updated", id);
    touch_subscription(db, &current.subscription_id, now);
    emit_subscription(db, "subscription.updated", &current.subscription_id);
    let done = item(db, id)?;
    Ok(render_item_detail(db, instance_id, &done))
}

/// The body of `POST /v1/billing/subscription_items/{id}/price_transition`.
#[derive(Debug, Deserialize)]
pub(crate) struct TransitionBody {
    pub(crate) from_price_id: String,
    pub(crate) to_price_id: String,
}

/// Moves an active item to another price. A price that costs at least as much takes effect
/// now: the item ends, a new one starts on the new price and is charged. A cheaper one waits
/// for the end of the period: the item is canceled and the new one is `upcoming` until then.
pub(crate) fn transition(
    db: &mut Db,
    instance_id: &str,
    id: &str,
    b: &TransitionBody,
) -> ApiResult<CommercePriceTransition> {
    let current = item(db, id)?;
    if b.from_price_id != current.price_id {
        return Err(ApiError::value_invalid(
            "from_price_id",
            "from_price_id must be the subscription item's current price.",
        ));
    }
    let to = db
        .billing
        .prices
        .get(&b.to_price_id)
        .cloned()
        .ok_or_else(|| price_not_found(&b.to_price_id))?;
    if to.id == current.price_id {
        return Err(ApiError::value_invalid(
            "to_price_id",
            "to_price_id must differ from from_price_id.",
        ));
    }
    if current.status != CommerceSubscriptionItemStatus::Active {
        return Err(conflict(format!(
            "The subscription item is {} and cannot change price.",
            current.status
        )));
    }
    if items_of(db, &current.subscription_id)
        .any(|i| i.status == CommerceSubscriptionItemStatus::Upcoming)
    {
        return Err(conflict("A price transition is already pending."));
    }
    let from = db
        .billing
        .prices
        .get(&current.price_id)
        .cloned()
        .ok_or_else(ApiError::internal)?;
    let to_plan = db
        .billing
        .plans
        .get(&to.plan_id)
        .cloned()
        .ok_or_else(|| plan_not_found(&to.plan_id))?;
    let payer_type = db
        .billing
        .payers
        .get(&current.payer_id)
        .map_or("user", payer_type_of);
    if to_plan.plan.for_payer_type != payer_type {
        return Err(ApiError::value_invalid(
            "to_price_id",
            format!(
                "The price's plan is for payers of type {}, not {payer_type}.",
                to_plan.plan.for_payer_type
            ),
        ));
    }
    if !supports(&to, &current.plan_period) {
        return Err(ApiError::value_invalid(
            "to_price_id",
            format!(
                "The price is not offered for the {} period.",
                current.plan_period
            ),
        ));
    }
    let previous_plan = db
        .billing
        .plans
        .get(&current.plan_id)
        .map(|p| plan_detail(p, Some(&from)))
        .ok_or_else(ApiError::internal)?;
    let now = now_ms();
    let old_amount = period_amount(&from, &current.plan_period);
    let new_amount = period_amount(&to, &current.plan_period);
    let length = match current.plan_period {
        CommercePlanPeriod::Annual => YEAR_MS,
        _ => MONTH_MS,
    };
    let immediate = new_amount >= old_amount || current.period_end.is_none();
    let (effective_at, status, previous_status) = if immediate {
        (now, CommerceSubscriptionItemStatus::Active, "ended")
    } else {
        (
            current.period_end.unwrap_or(now),
            CommerceSubscriptionItemStatus::Upcoming,
            "canceled",
        )
    };
    if immediate {
        end_item(db, id, now);
    } else {
        if let Some(i) = db.billing.items.get_mut(id) {
            i.status = CommerceSubscriptionItemStatus::Canceled;
            i.canceled_at = Some(now);
            i.updated_at = now.max(i.updated_at);
        }
        emit_item(db, "subscriptionItem.canceled", id);
    }
    let new = ItemRecord {
        id: new_id("csubi"),
        subscription_id: current.subscription_id.clone(),
        payer_id: current.payer_id.clone(),
        plan_id: to.plan_id.clone(),
        price_id: to.id.clone(),
        plan_period: current.plan_period.clone(),
        status,
        is_free_trial: false,
        period_start: effective_at,
        period_end: (new_amount > 0).then_some(effective_at + length),
        canceled_at: None,
        past_due_at: None,
        ended_at: None,
        created_at: now,
        updated_at: now,
        lifetime_paid: 0,
        redemption_id: None,
    };
    let new_id_ = new.id.clone();
    db.billing.items.insert(new_id_.clone(), new);
    let charged = immediate && new_amount > 0;
    if charged {
        charge(
            db,
            instance_id,
            &current.payer_id,
            &new_id_,
            new_amount,
            "checkout",
            now,
        );
    }
    emit_item(
        db,
        if immediate {
            "subscriptionItem.active"
        } else {
            "subscriptionItem.upcoming"
        },
        &new_id_,
    );
    touch_subscription(db, &current.subscription_id, now);
    emit_subscription(db, "subscription.updated", &current.subscription_id);
    let new = item(db, &new_id_)?;
    Ok(CommercePriceTransition {
        object: "commerce_price_transition".into(),
        subscription_item: render_item_detail(db, instance_id, &new),
        transition: CommercePriceTransitionDetails {
            previous_plan,
            previous_price: from,
            effective_at,
            effective_mode: if immediate {
                "immediate"
            } else {
                "end_of_period"
            }
            .into(),
            next_billing_date: new.period_end,
            charged_immediately: charged,
            immediate_charge: charged.then(|| money(new_amount)),
            previous_subscription_item_status: previous_status.into(),
            previous_subscription_item_id: id.to_owned(),
        },
    })
}

// ---- discounts -------------------------------------------------------------------------------

/// `POST /emulator/billing/discounts`: a discount that can then be applied to items.
pub(crate) fn create_discount(db: &mut Db, req: &NewBillingDiscount) -> ApiResult<BillingDiscount> {
    let name = req.name.trim();
    if name.is_empty() {
        return Err(ApiError::param_missing("name"));
    }
    let (effect, percent_off, amount_off) = match (req.percent_off, req.amount_off) {
        (Some(p), None) if p > 0.0 && p <= 100.0 => ("percentage", Some(p), None),
        (None, Some(a)) if a > 0 => ("fixed_amount", None, Some(money(a))),
        (None, None) => return Err(ApiError::param_missing("percent_off")),
        (Some(_), Some(_)) => {
            return Err(ApiError::value_invalid(
                "amount_off",
                "Give one of percent_off and amount_off, not both.",
            ));
        }
        (Some(_), None) => {
            return Err(ApiError::value_invalid(
                "percent_off",
                "percent_off must be more than 0 and at most 100.",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::value_invalid(
                "amount_off",
                "amount_off must be more than 0.",
            ));
        }
    };
    if req.duration_in_cycles.is_some_and(|c| c < 1) {
        return Err(ApiError::value_invalid(
            "duration_in_cycles",
            "duration_in_cycles must be at least 1.",
        ));
    }
    let discount = BillingDiscount {
        object: "commerce_discount".into(),
        id: new_id("cdisc"),
        name: name.to_owned(),
        effect: effect.into(),
        percent_off,
        amount_off,
        duration_in_cycles: req.duration_in_cycles,
        created_at: now_ms(),
    };
    db.billing
        .discounts
        .insert(discount.id.clone(), discount.clone());
    Ok(discount)
}

/// The body of `POST /v1/billing/subscription_items/{id}/discounts`.
#[derive(Debug, Deserialize)]
pub(crate) struct ApplyDiscountBody {
    pub(crate) discount_id: String,
}

/// Applies a discount to a running item: it replaces the item's active discount; the same
/// discount again is 409.
pub(crate) fn apply_discount(
    db: &mut Db,
    id: &str,
    b: &ApplyDiscountBody,
) -> ApiResult<CommerceDiscountRedemption> {
    let current = item(db, id)?;
    let discount = db
        .billing
        .discounts
        .get(&b.discount_id)
        .cloned()
        .ok_or_else(|| discount_not_found(&b.discount_id))?;
    if !is_live(&current) {
        return Err(conflict(format!(
            "The subscription item is {} and cannot take a discount.",
            current.status
        )));
    }
    let active = current
        .redemption_id
        .as_deref()
        .and_then(|r| db.billing.redemptions.get(r))
        .cloned();
    if active
        .as_ref()
        .is_some_and(|r| r.discount_id == discount.id)
    {
        return Err(conflict(
            "This discount is already active on the subscription item.",
        ));
    }
    let now = now_ms();
    if let Some(old) = active
        && let Some(r) = db.billing.redemptions.get_mut(&old.id)
    {
        r.status = Some("removed".into());
    }
    let base = db
        .billing
        .prices
        .get(&current.price_id)
        .map_or(0, |p| period_amount(p, &current.plan_period));
    let off = match (&discount.percent_off, &discount.amount_off) {
        (Some(pct), _) => ((base as f64) * pct / 100.0).round() as i64,
        (None, Some(a)) => a.amount.min(base),
        _ => 0,
    };
    let redemption = CommerceDiscountRedemption {
        object: "commerce_discount_redemption".into(),
        id: new_id("cdr"),
        subscription_item_id: id.to_owned(),
        discount_id: discount.id.clone(),
        name: Some(discount.name.clone()),
        source: "manual".into(),
        effect: Some(discount.effect.clone()),
        percent_off: discount.percent_off,
        amount_off: discount.amount_off.clone(),
        amount: (base > 0).then(|| money(off.clamp(0, base))),
        cycles_remaining: discount.duration_in_cycles,
        cycles_applied: 0,
        status: Some("active".into()),
        redeemed_at: now,
        redeemed_by: None,
    };
    db.billing
        .redemptions
        .insert(redemption.id.clone(), redemption.clone());
    if let Some(i) = db.billing.items.get_mut(id) {
        i.redemption_id = Some(redemption.id.clone());
        i.updated_at = now.max(i.updated_at);
    }
    emit_item(db, "subscriptionItem.updated", id);
    Ok(redemption)
}

/// Removes the item's active discount, which must be `discount_id`; 404 otherwise.
pub(crate) fn remove_discount(
    db: &mut Db,
    id: &str,
    discount_id: &str,
) -> ApiResult<CommerceDiscountRedemption> {
    let current = item(db, id)?;
    let Some(redemption) = current
        .redemption_id
        .as_deref()
        .and_then(|r| db.billing.redemptions.get(r))
        .filter(|r| r.discount_id == discount_id)
        .cloned()
    else {
        return Err(ApiError::not_found(format!(
            "No active discount with id {discount_id} was found on the subscription item."
        )));
    };
    let now = now_ms();
    let mut removed = redemption;
    removed.status = Some("removed".into());
    db.billing
        .redemptions
        .insert(removed.id.clone(), removed.clone());
    if let Some(i) = db.billing.items.get_mut(id) {
        i.redemption_id = None;
        i.updated_at = now.max(i.updated_at);
    }
    emit_item(db, "subscriptionItem.updated", id);
    Ok(removed)
}

// ---- statements ------------------------------------------------------------------------------

/// Paging of the statement lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PageParams {
    pub(crate) paginated: Option<bool>,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
}

fn render_attempt(db: &Db, instance_id: &str, a: &AttemptRecord) -> BillingPaymentAttempt {
    let payee_id = db.billing.payee.get("payee").cloned().unwrap_or_default();
    let item = a
        .subscription_item_id
        .as_deref()
        .and_then(|id| db.billing.items.get(id));
    BillingPaymentAttempt {
        object: "commerce_payment".into(),
        id: a.id.clone(),
        payment_id: a.payment_id.clone(),
        instance_id: instance_id.to_owned(),
        charge_type: a.charge_type.clone(),
        payee_id: payee_id.clone(),
        payee: json!({"object": "commerce_payee", "id": payee_id, "gateway_type": "stripe"}),
        payer_id: a.payer_id.clone(),
        payer: render_payer(db, instance_id, &a.payer_id),
        subscription_item_id: a.subscription_item_id.clone(),
        subscription_item: item
            .map(|i| serde_json::to_value(render_item(db, instance_id, i)).unwrap_or(Value::Null)),
        amount: money(a.amount),
        totals: Some(totals(a.amount, 0)),
        payment_method_id: db
            .billing
            .payers
            .get(&a.payer_id)
            .map(|p| p.payment_method_id.clone())
            .unwrap_or_default(),
        payment_method: payment_method(db, &a.payer_id).unwrap_or_else(|| CommercePaymentMethod {
            object: "commerce_payment_method".into(),
            id: String::new(),
            payer_id: a.payer_id.clone(),
            payment_type: CommercePaymentType::Card,
            is_default: None,
            gateway: "stripe".into(),
            gateway_external_id: String::new(),
            gateway_external_account_id: None,
            last4: None,
            status: CommercePaymentMethodStatus::Disconnected,
            wallet_type: None,
            card_type: None,
            expiry_year: None,
            expiry_month: None,
            created_at: None,
            updated_at: None,
            is_removable: None,
        }),
        statement_id: a.statement_id.clone(),
        gateway_external_id: Some(a.gateway_external_id.clone()),
        gateway_external_url: Some(format!(
            "https://dashboard.stripe.com/test/payments/{}",
            a.gateway_external_id
        )),
        status: a.status.clone(),
        paid_at: a.paid_at,
        failed_at: a.failed_at,
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

/// A statement's attempts, newest first.
fn attempts_of<'a>(db: &'a Db, statement_id: &'a str) -> Vec<&'a AttemptRecord> {
    db.billing
        .payment_attempts
        .values()
        .rev()
        .filter(|a| a.statement_id == statement_id)
        .collect()
}

fn render_statement(db: &Db, instance_id: &str, s: &StatementRecord) -> BillingStatement {
    let attempts = attempts_of(db, &s.id);
    let paid: i64 = attempts
        .iter()
        .filter(|a| a.status == "paid")
        .map(|a| a.amount)
        .sum();
    let mut groups: Vec<BillingStatementGroup> = Vec::new();
    for a in attempts {
        let day = a.created_at - a.created_at.rem_euclid(DAY_MS);
        let rendered = render_attempt(db, instance_id, a);
        match groups.last_mut() {
            Some(g) if g.timestamp == day => g.items.push(rendered),
            _ => groups.push(BillingStatementGroup {
                object: "commerce_statement_group".into(),
                timestamp: day,
                items: vec![rendered],
            }),
        }
    }
    BillingStatement {
        object: "commerce_statement".into(),
        id: s.id.clone(),
        instance_id: instance_id.to_owned(),
        timestamp: s.timestamp,
        payer: render_payer(db, instance_id, &s.payer_id),
        status: s.status.clone(),
        totals: BillingStatementTotals {
            grand_total: money(paid),
            subtotal: money(paid),
            base_fee: money(paid),
            tax_total: money(0),
        },
        groups,
    }
}

/// Statements, newest first.
pub(crate) fn list_statements(
    db: &Db,
    instance_id: &str,
    p: &PageParams,
) -> ApiResult<(Vec<BillingStatement>, usize)> {
    let _ = p.paginated;
    let (limit, offset) = paging(p.limit, p.offset)?;
    let total = db.billing.statements.len();
    Ok((
        db.billing
            .statements
            .values()
            .rev()
            .skip(offset)
            .take(limit)
            .map(|s| render_statement(db, instance_id, s))
            .collect(),
        total,
    ))
}

/// One statement, or 404.
pub(crate) fn get_statement(db: &Db, instance_id: &str, id: &str) -> ApiResult<BillingStatement> {
    db.billing
        .statements
        .get(id)
        .map(|s| render_statement(db, instance_id, s))
        .ok_or_else(|| statement_not_found(id))
}

/// A statement's payment attempts, newest first; 404 for an unknown statement.
pub(crate) fn statement_attempts(
    db: &Db,
    instance_id: &str,
    id: &str,
    p: &PageParams,
) -> ApiResult<(Vec<BillingPaymentAttempt>, usize)> {
    let _ = p.paginated;
    if !db.billing.statements.contains_key(id) {
        return Err(statement_not_found(id));
    }
    let (limit, offset) = paging(p.limit, p.offset)?;
    let all = attempts_of(db, id);
    let total = all.len();
    Ok((
        all.into_iter()
            .skip(offset)
            .take(limit)
            .map(|a| render_attempt(db, instance_id, a))
            .collect(),
        total,
    ))
}

// ---- credits ---------------------------------------------------------------------------------

fn ledger_sum(db: &Db, payer_id: &str) -> i64 {
    db.billing
        .credit_ledger
        .values()
        .filter(|e| e.payer_id == payer_id)
        .map(|e| e.amount)
        .sum()
}

fn has_ledger(db: &Db, payer_id: &str) -> bool {
    db.billing
        .credit_ledger
        .values()
        .any(|e| e.payer_id == payer_id)
}

/// The payer's credit balance: the sum of its ledger, `null` when it never had credit.
pub(crate) fn credit_balance(db: &Db, payer: PayerRef<'_>) -> ApiResult<CommerceCreditBalance> {
    check_payer(db, payer)?;
    let balance = find_payer(db, payer)
        .filter(|p| has_ledger(db, &p.id))
        .map(|p| money(ledger_sum(db, &p.id)));
    Ok(CommerceCreditBalance {
        object: "commerce_credit_balance".into(),
        balance,
    })
}

fn render_ledger(e: &LedgerRecord) -> CommerceCreditLedger {
    CommerceCreditLedger {
        object: "commerce_credit_ledger".into(),
        id: e.id.clone(),
        payer_id: e.payer_id.clone(),
        amount: money(e.amount),
        source_type: e.source_type.clone(),
        source_id: e.source_id.clone(),
        note: e.note.clone(),
        created_at: rfc3339(e.created_at),
    }
}

/// Adds a ledger entry: positive for `increase`, negative for `decrease`. A decrease that
/// would take the balance below zero is refused and changes nothing. The same
/// `idempotency_key` again returns the first entry; with another amount or action it is 409.
pub(crate) fn adjust_credit(
    db: &mut Db,
    payer: PayerRef<'_>,
    b: &AdjustCreditBalanceRequest,
) -> ApiResult<CommerceCreditLedger> {
    check_payer(db, payer)?;
    let sign = match &b.action {
        CreditAdjustmentAction::Increase => 1,
        CreditAdjustmentAction::Decrease => -1,
        other => {
            return Err(ApiError::value_invalid(
                "action",
                format!("{other} does not match one of the allowed values for parameter action"),
            ));
        }
    };
    if b.amount <= 0 {
        return Err(ApiError::value_invalid(
            "amount",
            "amount must be greater than zero.",
        ));
    }
    check_currency(b.currency.as_deref())?;
    if b.idempotency_key.trim().is_empty() {
        return Err(ApiError::param_missing("idempotency_key"));
    }
    let signed = b.amount.saturating_mul(sign);
    if let Some(p) = find_payer(db, payer)
        && let Some(previous) = db
            .billing
            .credit_ledger
            .values()
            .find(|e| e.payer_id == p.id && e.idempotency_key == b.idempotency_key)
    {
        if previous.amount == signed {
            return Ok(render_ledger(previous));
        }
        return Err(conflict(
            "This idempotency_key was used for a different adjustment.",
        ));
    }
    let balance = find_payer(db, payer).map_or(0, |p| ledger_sum(db, &p.id));
    if balance.saturating_add(signed) < 0 {
        return Err(ApiError::value_invalid(
            "amount",
            format!(
                "The decrease of {} exceeds the credit balance of {}.",
                money(b.amount).amount_formatted,
                money(balance).amount_formatted
            ),
        ));
    }
    let now = now_ms();
    let payer_id = ensure_payer(db, payer, now);
    let id = new_id("ccl");
    let entry = LedgerRecord {
        id: id.clone(),
        payer_id,
        amount: signed,
        currency: CURRENCY.into(),
        idempotency_key: b.idempotency_key.clone(),
        note: b.note.clone(),
        source_type: "grant".into(),
        source_id: id.clone(),
        created_at: now,
    };
    let served = render_ledger(&entry);
    db.billing.credit_ledger.insert(id, entry);
    Ok(served)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_dates_format() {
        assert_eq!(money(2000).amount_formatted, "$20.00");
        assert_eq!(money(-505).amount_formatted, "-$5.05");
        assert_eq!(money(7).amount_formatted, "$0.07");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        let ms = parse_rfc3339_ms("2026-05-12T10:11:12.345Z").unwrap();
        assert_eq!(rfc3339(ms), "2026-05-12T10:11:12.345Z");
        assert_eq!(date(ms), "2026-05-12");
        let leap = parse_rfc3339_ms("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(rfc3339(leap), "2024-02-29T23:59:59.000Z");
    }
}
