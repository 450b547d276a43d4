//! Billing against the emulator over loopback: the free default plans, plans and subscriptions
//! seeded through the emulator's own endpoints, custom prices, the subscription-item list and
//! its filters, cancelation, price transitions, free-trial extensions, discounts, statements
//! and payment attempts, credit ledgers, the errors, and a restart with a state file. Every
//! JSON answer is then checked against the OpenAPI spec.

mod common;

use clerk_backend::models::{
    BillingStatementStatus, BillingSubscriptionItemStatus, CommerceSubscriptionItemStatus,
    CommerceSubscriptionStatus, CreditAdjustmentAction, PayerType, SubscriptionItemStatusFilter,
};
use clerk_emulator::Emulator;
use clerk_emulator::wire::{NewBillingDiscount, NewBillingPlan, NewBillingSubscription};
use serde_json::{Value, json};

fn code(body: &Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

async fn user(emulator: &Emulator, email: &str) -> String {
    emulator
        .client()
        .users()
        .create()
        .email_address([email])
        .first_name("Ada")
        .await
        .unwrap()
        .id
}

fn pro_plan(emulator: &Emulator, payer_type: &str) -> clerk_emulator::wire::CommercePlan {
    emulator
        .create_billing_plan(NewBillingPlan {
            name: "Pro".into(),
            payer_type: Some(payer_type.into()),
            amount: 2000,
            annual_monthly_amount: Some(1500),
            free_trial_days: Some(14),
            ..Default::default()
        })
        .unwrap()
}

#[tokio::test]
async fn plans_and_prices_list_what_was_made() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let billing = clerk.billing();

    // A new instance has one free default plan per payer type.
    let plans = billing.list_plans().await.unwrap();
    assert_eq!(plans.total_count, Some(2));
    let mut slugs: Vec<_> = plans.data.iter().map(|p| p.slug.as_str()).collect();
    slugs.sort();
    assert_eq!(slugs, ["free_org", "free_user"]);
    assert!(plans.data.iter().all(|p| p.is_default && !p.has_base_fee));

    // A plan made at the emulator's own endpoint, then one through the Rust method.
    let (status, team) = common::raw(
        &emulator,
        "POST",
        "/emulator/billing/plans",
        Some(json!({"name": "Team", "payer_type": "org", "amount": 5000})),
    )
    .await;
    assert_eq!(status, 200, "{team}");
    assert_eq!(team["object"], "commerce_plan");
    assert_eq!(team["slug"], "team");
    assert_eq!(team["for_payer_type"], "org");
    assert_eq!(team["fee"]["amount"], 5000);
    assert_eq!(team["fee"]["amount_formatted"], "$50.00");
    let pro = pro_plan(&emulator, "user");
    assert!(pro.id.starts_with("cplan_"));

    // Newest first; the payer type filters.
    let plans = billing.list_plans().await.unwrap();
    assert_eq!(plans.total_count, Some(4));
    assert_eq!(plans.data[0].id, pro.id);
    let org_plans = billing
        .list_plans()
        .payer_type(PayerType::Org)
        .await
        .unwrap();
    assert_eq!(org_plans.total_count, Some(2));
    assert!(org_plans.data.iter().all(|p| p.for_payer_type == "org"));
    let page = billing.list_plans().limit(1).offset(1).await.unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, team["id"].as_str().unwrap());

    // The plan's default price, then a custom price that shows in the list, cheapest first.
    let prices = billing.list_prices().plan_id(&pro.id).await.unwrap();
    assert_eq!(prices.total_count, Some(1));
    assert!(prices.data[0].is_default);
    assert_eq!(prices.data[0].amount, 2000);
    assert_eq!(prices.data[0].annual_monthly_amount, 1500);
    let custom = billing
        .create_price(&pro.id, 1200)
        .description("friends and family")
        .await
        .unwrap();
    assert!(!custom.is_default);
    assert_eq!(custom.plan_id, pro.id);
    assert_eq!(custom.supported_billing_periods.as_str(), "month");
    let prices = billing.list_prices().plan_id(&pro.id).await.unwrap();
    assert_eq!(prices.total_count, Some(2));
    assert_eq!(prices.data[0].id, custom.id, "by amount, ascending");
    let all = billing.list_prices().await.unwrap();
    assert_eq!(all.total_count, Some(5));

    // Errors.
    assert_eq!(
        common::failure(billing.create_price("cplan_unknown", 1200).await),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(billing.create_price(&pro.id, 50).await),
        (422, "form_param_value_invalid".into())
    );
    assert_eq!(
        common::failure(billing.create_price(&pro.id, 1200).currency("EUR").await),
        (422, "form_param_value_invalid".into())
    );
    assert_eq!(
        common::failure(billing.list_prices().plan_id("cplan_unknown").await),
        (404, "resource_not_found".into())
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/billing/prices",
        Some(json!({"plan_id": pro.id})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_missing"));
    assert_eq!(body["errors"][0]["meta"]["param_name"], "amount");
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/billing/prices",
        Some(json!({"plan_id": pro.id, "amount": 1200, "discount": 3})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_unknown"));
    let (status, body) =
        common::raw(&emulator, "GET", "/v1/billing/plans?payer_type=team", None).await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/emulator/billing/plans",
        Some(json!({"name": "Pro"})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_identifier_exists"));
    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn a_subscription_starts_free_and_paid_plans_are_charged_and_canceled() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let billing = clerk.billing();
    let ada = user(&emulator, "ada@example.com").await;
    let pro = pro_plan(&emulator, "user");

    // Read first: the user is on the free default plan, with nothing to pay.
    let sub = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(sub.status, CommerceSubscriptionStatus::Active);
    assert_eq!(sub.subscription_items.len(), 1);
    let free_item = &sub.subscription_items[0];
    assert_eq!(free_item.plan.as_ref().unwrap().slug, "free_user");
    assert_eq!(free_item.period_end, None);
    assert!(sub.next_payment.is_none());
    assert_eq!(
        clerk.users().billing_subscription(&ada).await.unwrap().id,
        sub.id,
        "the same subscription on every read"
    );

    // Subscribe through the emulator's endpoint: a paid item, a statement with a paid attempt.
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/emulator/billing/subscriptions",
        Some(json!({"user_id": ada, "plan_id": pro.id})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], sub.id.as_str());
    let sub = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(sub.subscription_items.len(), 1);
    let item = sub.subscription_items[0].clone();
    assert_eq!(item.plan_id.as_deref(), Some(pro.id.as_str()));
    assert_eq!(item.status, CommerceSubscriptionItemStatus::Active);
    assert_eq!(item.lifetime_paid.as_ref().unwrap().amount, 2000);
    let next = sub.next_payment.as_ref().unwrap();
    assert_eq!(next.amount.amount, 2000);
    assert_eq!(Some(next.date), item.period_end);

    // The item list leaves free plans out unless asked; the free item has ended.
    let items = billing.list_subscription_items().await.unwrap();
    assert_eq!(items.total_count, Some(1));
    assert_eq!(items.data[0].id, item.id);
    let with_free = billing
        .list_subscription_items()
        .include_free(true)
        .await
        .unwrap();
    assert_eq!(with_free.total_count, Some(2));
    assert_eq!(
        with_free.data[1].status,
        CommerceSubscriptionItemStatus::Ended
    );
    let ended = billing
        .list_subscription_items()
        .include_free(true)
        .status(SubscriptionItemStatusFilter::Ended)
        .await
        .unwrap();
    assert_eq!(ended.data[0].id, free_item.id);
    let found = billing
        .list_subscription_items()
        .query("ADA@example")
        .await
        .unwrap();
    assert_eq!(found.total_count, Some(1));
    let none = billing
        .list_subscription_items()
        .payer_type(PayerType::Org)
        .await
        .unwrap();
    assert_eq!(none.total_count, Some(0));

    // The statement and its payment attempt.
    let statements = billing.list_statements().await.unwrap();
    assert_eq!(statements.total_count, Some(1));
    let statement = billing.get_statement(&statements.data[0].id).await.unwrap();
    assert_eq!(statement.status, BillingStatementStatus::Open);
    assert_eq!(statement.totals.grand_total.amount, 2000);
    assert_eq!(statement.payer.user_id.as_deref(), Some(ada.as_str()));
    assert_eq!(statement.groups[0].items.len(), 1);
    let attempts = billing
        .get_statement_payment_attempts(&statement.id)
        .await
        .unwrap();
    assert_eq!(attempts.total_count, Some(1));
    let attempt = &attempts.data[0];
    assert_eq!(attempt.status.as_str(), "paid");
    assert_eq!(attempt.amount.amount, 2000);
    assert_eq!(
        attempt.subscription_item_id.as_deref(),
        Some(item.id.as_str())
    );
    assert!(attempt.paid_at.is_some());

    // Cancel at the end of the period: canceled, still running, everywhere.
    let canceled = billing.cancel_subscription_item(&item.id).await.unwrap();
    assert_eq!(canceled.status, CommerceSubscriptionItemStatus::Canceled);
    assert!(canceled.canceled_at.is_some() && canceled.ended_at.is_none());
    let sub = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(
        sub.subscription_items[0].status,
        CommerceSubscriptionItemStatus::Canceled
    );
    let listed = billing.list_subscription_items().await.unwrap();
    assert_eq!(
        listed.data[0].status,
        CommerceSubscriptionItemStatus::Canceled
    );

    // Then now: ended, and the user is back on the free plan.
    let (status, body) = common::raw(
        &emulator,
        "DELETE",
        &format!("/v1/billing/subscription_items/{}?end_now=true", item.id),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ended");
    assert!(body["ended_at"].is_i64());
    let sub = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(sub.subscription_items.len(), 1);
    assert_eq!(
        sub.subscription_items[0].plan.as_ref().unwrap().slug,
        "free_user"
    );
    assert_eq!(
        common::failure(billing.cancel_subscription_item(&item.id).await),
        (422, "form_param_value_invalid".into())
    );
    assert_eq!(
        common::failure(
            billing
                .cancel_subscription_item(&sub.subscription_items[0].id)
                .await
        ),
        (422, "form_param_value_invalid".into()),
        "the free default plan cannot be canceled"
    );
    assert_eq!(
        common::failure(billing.cancel_subscription_item("csubi_unknown").await),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(billing.get_statement("stmt_unknown").await),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(billing.get_statement_payment_attempts("stmt_unknown").await),
        (404, "resource_not_found".into())
    );

    // An organization subscribes the same way, to an organization plan only.
    let org = clerk
        .organizations()
        .create("Acme")
        .created_by(&ada)
        .await
        .unwrap();
    let team = pro_plan(&emulator, "org");
    let err = emulator
        .subscribe(NewBillingSubscription {
            organization_id: Some(org.id.clone()),
            plan_id: Some(pro.id.clone()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("form_param_value_invalid"),
        "{err}"
    );
    let org_sub = emulator
        .subscribe(NewBillingSubscription {
            organization_id: Some(org.id.clone()),
            plan_id: Some(team.id.clone()),
            plan_period: Some("annual".into()),
            ..Default::default()
        })
        .unwrap();
    let read = clerk
        .organizations()
        .billing_subscription(&org.id)
        .await
        .unwrap();
    assert_eq!(read.id, org_sub.id);
    assert_eq!(read.subscription_items[0].plan_period.as_str(), "annual");
    assert_eq!(
        read.subscription_items[0]
            .lifetime_paid
            .as_ref()
            .unwrap()
            .amount,
        18000
    );
    let orgs_only = billing
        .list_subscription_items()
        .payer_type(PayerType::Org)
        .await
        .unwrap();
    assert_eq!(orgs_only.total_count, Some(1));
    assert_eq!(
        orgs_only.data[0]
            .payer
            .as_ref()
            .unwrap()
            .organization_name
            .as_deref(),
        Some("Acme")
    );
    assert_eq!(
        billing.list_statements().await.unwrap().total_count,
        Some(2)
    );

    // Unknown payers.
    assert_eq!(
        common::failure(clerk.users().billing_subscription("user_unknown").await),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(
            clerk
                .organizations()
                .billing_subscription("org_unknown")
                .await
        ),
        (404, "resource_not_found".into())
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/emulator/billing/subscriptions",
        Some(json!({"user_id": ada})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_missing"));
    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn price_transitions_upgrade_now_and_downgrade_at_the_end_of_the_period() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let billing = clerk.billing();
    let ada = user(&emulator, "ada@example.com").await;
    let pro = pro_plan(&emulator, "user");
    let max = emulator
        .create_billing_plan(NewBillingPlan {
            name: "Max".into(),
            amount: 9900,
            ..Default::default()
        })
        .unwrap();
    let max_price = billing.list_prices().plan_id(&max.id).await.unwrap().data[0].clone();
    let pro_price = billing.list_prices().plan_id(&pro.id).await.unwrap().data[0].clone();
    let sub = emulator
        .subscribe(NewBillingSubscription {
            user_id: Some(ada.clone()),
            plan_id: Some(pro.id.clone()),
            ..Default::default()
        })
        .unwrap();
    let item = sub.subscription_items[0].id.clone();

    // Upgrade: takes effect now, charged at once; the old item ends.
    let up = billing
        .create_price_transition(&item, &pro_price.id, &max_price.id)
        .await
        .unwrap();
    assert_eq!(up.transition.effective_mode.as_str(), "immediate");
    assert!(up.transition.charged_immediately);
    assert_eq!(
        up.transition.immediate_charge.as_ref().unwrap().amount,
        9900
    );
    assert_eq!(up.transition.previous_subscription_item_id, item);
    assert_eq!(up.transition.previous_price.id, pro_price.id);
    assert_eq!(up.subscription_item.plan_id, max.id);
    assert_eq!(
        up.subscription_item.status,
        BillingSubscriptionItemStatus::Active
    );
    let read = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(read.subscription_items.len(), 1);
    assert_eq!(
        read.subscription_items[0].price_id.as_deref(),
        Some(max_price.id.as_str())
    );
    assert_eq!(read.next_payment.as_ref().unwrap().amount.amount, 9900);
    let statements = billing.list_statements().await.unwrap();
    assert_eq!(statements.data[0].totals.grand_total.amount, 2000 + 9900);

    // Downgrade: the current item is canceled and the cheaper one waits for its end.
    let new_item = up.subscription_item.id.clone();
    let down = billing
        .create_price_transition(&new_item, &max_price.id, &pro_price.id)
        .await
        .unwrap();
    assert_eq!(down.transition.effective_mode.as_str(), "end_of_period");
    assert!(!down.transition.charged_immediately);
    assert_eq!(
        down.subscription_item.status,
        BillingSubscriptionItemStatus::Upcoming
    );
    assert_eq!(
        down.transition.previous_subscription_item_status.as_str(),
        "canceled"
    );
    let read = clerk.users().billing_subscription(&ada).await.unwrap();
    let statuses: Vec<_> = read
        .subscription_items
        .iter()
        .map(|i| i.status.as_str().to_owned())
        .collect();
    assert_eq!(statuses, ["canceled", "upcoming"]);

    // Errors: a wrong from price, an unknown price, an item that cannot change.
    assert_eq!(
        common::failure(
            billing
                .create_price_transition(&new_item, &pro_price.id, &max_price.id)
                .await
        ),
        (422, "form_param_value_invalid".into())
    );
    assert_eq!(
        common::failure(
            billing
                .create_price_transition(&new_item, &max_price.id, "cprice_unknown")
                .await
        ),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(
            billing
                .create_price_transition(&new_item, &max_price.id, &pro_price.id)
                .await
        ),
        (409, "conflict".into())
    );
    assert_eq!(
        common::failure(
            billing
                .create_price_transition("csubi_unknown", &max_price.id, &pro_price.id)
                .await
        ),
        (404, "resource_not_found".into())
    );
    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn free_trials_extend_only_forward() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let billing = clerk.billing();
    let ada = user(&emulator, "ada@example.com").await;
    let pro = pro_plan(&emulator, "user");
    let sub = emulator
        .subscribe(NewBillingSubscription {
            user_id: Some(ada.clone()),
            plan_id: Some(pro.id.clone()),
            free_trial: Some(true),
            ..Default::default()
        })
        .unwrap();
    let item = &sub.subscription_items[0];
    assert!(item.is_free_trial);
    let trial_end = item.period_end.unwrap();
    assert!(
        billing.list_statements().await.unwrap().data.is_empty(),
        "a trial is not charged"
    );
    let trials = billing
        .list_subscription_items()
        .status(SubscriptionItemStatusFilter::FreeTrial)
        .await
        .unwrap();
    assert_eq!(trials.total_count, Some(1));
    assert_eq!(
        billing
            .list_subscription_items()
            .status(SubscriptionItemStatusFilter::Active)
            .await
            .unwrap()
            .total_count,
        Some(0)
    );

    let to = trial_end + 7 * 86_400_000;
    let extended = billing
        .extend_subscription_item_free_trial(&item.id, rfc3339(to))
        .await
        .unwrap();
    assert_eq!(extended.period_end, Some(to));
    assert!(extended.is_free_trial);
    let read = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(read.subscription_items[0].period_end, Some(to));
    // The same date again changes nothing; an earlier one is refused.
    let again = billing
        .extend_subscription_item_free_trial(&item.id, rfc3339(to))
        .await
        .unwrap();
    assert_eq!(again.period_end, Some(to));
    assert_eq!(
        common::failure(
            billing
                .extend_subscription_item_free_trial(&item.id, rfc3339(trial_end))
                .await
        ),
        (422, "form_param_value_invalid".into())
    );
    assert_eq!(
        common::failure(
            billing
                .extend_subscription_item_free_trial(&item.id, "next tuesday")
                .await
        ),
        (422, "form_param_format_invalid".into())
    );

    // An item not in a trial cannot be extended.
    let paid = emulator
        .subscribe(NewBillingSubscription {
            user_id: Some(ada.clone()),
            plan_id: Some(pro.id.clone()),
            plan_period: Some("annual".into()),
            ..Default::default()
        })
        .unwrap();
    let (status, body) = common::raw(
        &emulator,
        "POST",
        &format!(
            "/v1/billing/subscription_items/{}/extend_free_trial",
            paid.subscription_items[0].id
        ),
        Some(json!({"extend_to": rfc3339(to)})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));
    assert_eq!(
        common::failure(
            billing
                .extend_subscription_item_free_trial("csubi_unknown", rfc3339(to))
                .await
        ),
        (404, "resource_not_found".into())
    );
    assert!(common::validate_traffic(&emulator) > 0);
}

/// Unix milliseconds as RFC 3339, for the request body.
fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        ms.rem_euclid(1000)
    )
}

#[tokio::test]
async fn discounts_show_on_the_item_until_removed() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let billing = clerk.billing();
    let ada = user(&emulator, "ada@example.com").await;
    let pro = pro_plan(&emulator, "user");
    let sub = emulator
        .subscribe(NewBillingSubscription {
            user_id: Some(ada.clone()),
            plan_id: Some(pro.id.clone()),
            ..Default::default()
        })
        .unwrap();
    let item = sub.subscription_items[0].id.clone();
    let quarter = emulator
        .create_billing_discount(NewBillingDiscount {
            name: "Quarter off".into(),
            percent_off: Some(25.0),
            ..Default::default()
        })
        .unwrap();
    let (status, five) = common::raw(
        &emulator,
        "POST",
        "/emulator/billing/discounts",
        Some(json!({"name": "Five off", "amount_off": 500, "duration_in_cycles": 3})),
    )
    .await;
    assert_eq!(status, 200, "{five}");
    let five_id = five["id"].as_str().unwrap().to_owned();

    let applied = billing
        .apply_subscription_item_discount(&item, &quarter.id)
        .await
        .unwrap();
    assert_eq!(applied.discount_id, quarter.id);
    assert_eq!(applied.subscription_item_id, item);
    assert_eq!(applied.source.as_str(), "manual");
    assert_eq!(applied.amount.as_ref().unwrap().amount, 500);
    let discounted = |sub: &clerk_backend::models::CommerceSubscription| {
        sub.subscription_items[0]
            .next_payment
            .as_ref()
            .and_then(|n| n.totals.as_ref())
            .map(|t| {
                (
                    t.discounts.as_ref().map(|d| d.total.amount),
                    t.grand_total.amount,
                )
            })
    };
    let read = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(discounted(&read), Some((Some(500), 1500)));
    assert_eq!(
        common::failure(
            billing
                .apply_subscription_item_discount(&item, &quarter.id)
                .await
        ),
        (409, "conflict".into()),
        "the same discount twice"
    );

    // Another discount replaces it.
    let replaced = billing
        .apply_subscription_item_discount(&item, &five_id)
        .await
        .unwrap();
    assert_eq!(replaced.cycles_remaining, Some(3));
    assert_eq!(
        common::failure(
            billing
                .remove_subscription_item_discount(&item, &quarter.id)
                .await
        ),
        (404, "resource_not_found".into()),
        "no longer the active discount"
    );
    let removed = billing
        .remove_subscription_item_discount(&item, &five_id)
        .await
        .unwrap();
    assert_eq!(removed.status.as_ref().unwrap().as_str(), "removed");
    let read = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(discounted(&read), Some((None, 2000)));
    assert_eq!(
        common::failure(
            billing
                .remove_subscription_item_discount(&item, &five_id)
                .await
        ),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(
            billing
                .apply_subscription_item_discount(&item, "cdisc_unknown")
                .await
        ),
        (404, "resource_not_found".into())
    );
    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn credit_ledgers_add_up_and_never_go_below_zero() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&emulator, "ada@example.com").await;
    let org = clerk
        .organizations()
        .create("Acme")
        .created_by(&ada)
        .await
        .unwrap();

    // A user: null until credited, then the sum of the ledger.
    let users = clerk.users();
    assert_eq!(
        users.billing_credit_balance(&ada).await.unwrap().balance,
        None
    );
    let credit = users
        .adjust_billing_credit_balance(&ada, 500, CreditAdjustmentAction::Increase, "u-1")
        .note("welcome")
        .await
        .unwrap();
    assert_eq!(credit.amount.amount, 500);
    assert_eq!(credit.note.as_deref(), Some("welcome"));
    let debit = users
        .adjust_billing_credit_balance(&ada, 200, CreditAdjustmentAction::Decrease, "u-2")
        .await
        .unwrap();
    assert_eq!(debit.amount.amount, -200);
    assert_eq!(debit.payer_id, credit.payer_id);
    let balance = users
        .billing_credit_balance(&ada)
        .await
        .unwrap()
        .balance
        .unwrap();
    assert_eq!(
        (balance.amount, balance.amount_formatted.as_str()),
        (300, "$3.00")
    );
    // Below zero: refused, and nothing changes.
    let (status, body) = common::raw(
        &emulator,
        "POST",
        &format!("/v1/users/{ada}/billing/credits"),
        Some(json!({"amount": 400, "action": "decrease", "idempotency_key": "u-3"})),
    )
    .await;
    assert_eq!((status, code(&body)), (422, "form_param_value_invalid"));
    assert_eq!(body["errors"][0]["meta"]["param_name"], "amount");
    let balance = users
        .billing_credit_balance(&ada)
        .await
        .unwrap()
        .balance
        .unwrap();
    assert_eq!(balance.amount, 300);
    // The same key again returns the first entry and does not apply twice.
    let retried = users
        .adjust_billing_credit_balance(&ada, 500, CreditAdjustmentAction::Increase, "u-1")
        .await
        .unwrap();
    assert_eq!(retried.id, credit.id);
    assert_eq!(
        users
            .billing_credit_balance(&ada)
            .await
            .unwrap()
            .balance
            .unwrap()
            .amount,
        300
    );
    assert_eq!(
        common::failure(
            users
                .adjust_billing_credit_balance(&ada, 1, CreditAdjustmentAction::Increase, "u-1")
                .await
        ),
        (409, "conflict".into())
    );
    // Down to exactly zero is allowed.
    users
        .adjust_billing_credit_balance(&ada, 300, CreditAdjustmentAction::Decrease, "u-4")
        .await
        .unwrap();
    assert_eq!(
        users
            .billing_credit_balance(&ada)
            .await
            .unwrap()
            .balance
            .unwrap()
            .amount,
        0
    );

    // An organization has its own ledger.
    let orgs = clerk.organizations();
    assert_eq!(
        orgs.billing_credit_balance(&org.id).await.unwrap().balance,
        None
    );
    orgs.adjust_billing_credit_balance(&org.id, 1000, CreditAdjustmentAction::Increase, "o-1")
        .await
        .unwrap();
    orgs.adjust_billing_credit_balance(&org.id, 250, CreditAdjustmentAction::Decrease, "o-2")
        .await
        .unwrap();
    assert_eq!(
        common::failure(
            orgs.adjust_billing_credit_balance(
                &org.id,
                751,
                CreditAdjustmentAction::Decrease,
                "o-3"
            )
            .await
        ),
        (422, "form_param_value_invalid".into())
    );
    let balance = orgs
        .billing_credit_balance(&org.id)
        .await
        .unwrap()
        .balance
        .unwrap();
    assert_eq!(balance.amount, 750);
    assert_eq!(
        users
            .billing_credit_balance(&ada)
            .await
            .unwrap()
            .balance
            .unwrap()
            .amount,
        0,
        "the user's ledger is apart"
    );

    // Bad input and unknown payers.
    for (body, expected) in [
        (
            json!({"amount": 0, "action": "increase", "idempotency_key": "k"}),
            "form_param_value_invalid",
        ),
        (
            json!({"amount": 5, "action": "double", "idempotency_key": "k"}),
            "form_param_value_invalid",
        ),
        (
            json!({"amount": 5, "action": "increase"}),
            "form_param_missing",
        ),
        (
            json!({"amount": 5, "action": "increase", "idempotency_key": "k", "currency": "EUR"}),
            "form_param_value_invalid",
        ),
        (
            json!({"amount": "5", "action": "increase", "idempotency_key": "k"}),
            "form_param_value_invalid",
        ),
        (
            json!({"amount": 5, "action": "increase", "idempotency_key": "k", "memo": "x"}),
            "form_param_unknown",
        ),
    ] {
        let (status, answer) = common::raw(
            &emulator,
            "POST",
            &format!("/v1/organizations/{}/billing/credits", org.id),
            Some(body.clone()),
        )
        .await;
        assert_eq!((status, code(&answer)), (422, expected), "{body}");
    }
    assert_eq!(
        common::failure(users.billing_credit_balance("user_unknown").await),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        common::failure(
            orgs.adjust_billing_credit_balance(
                "org_unknown",
                5,
                CreditAdjustmentAction::Increase,
                "k"
            )
            .await
        ),
        (404, "resource_not_found".into())
    );
    assert_eq!(
        orgs.billing_credit_balance(&org.id)
            .await
            .unwrap()
            .balance
            .unwrap()
            .amount,
        750
    );
    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn billing_survives_a_restart_with_a_state_file() {
    let dir = std::env::temp_dir().join(format!("clerk-billing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);

    let emulator = Emulator::builder().state_file(&path).start().await.unwrap();
    let clerk = emulator.client();
    let ada = user(&emulator, "ada@example.com").await;
    let pro = pro_plan(&emulator, "user");
    let sub = emulator
        .subscribe(NewBillingSubscription {
            user_id: Some(ada.clone()),
            plan_id: Some(pro.id.clone()),
            ..Default::default()
        })
        .unwrap();
    let item = sub.subscription_items[0].id.clone();
    let discount = emulator
        .create_billing_discount(NewBillingDiscount {
            name: "Ten off".into(),
            percent_off: Some(10.0),
            ..Default::default()
        })
        .unwrap();
    let billing = clerk.billing();
    billing
        .apply_subscription_item_discount(&item, &discount.id)
        .await
        .unwrap();
    let price = billing.create_price(&pro.id, 1000).await.unwrap();
    clerk
        .users()
        .adjust_billing_credit_balance(&ada, 700, CreditAdjustmentAction::Increase, "k-1")
        .await
        .unwrap();
    let statement = billing.list_statements().await.unwrap().data[0].id.clone();
    emulator.shutdown().await.unwrap();

    let emulator = Emulator::builder().state_file(&path).start().await.unwrap();
    let clerk = emulator.client();
    let billing = clerk.billing();
    let plans = billing.list_plans().await.unwrap();
    assert_eq!(
        plans.total_count,
        Some(3),
        "the two free plans and Pro, once"
    );
    let prices = billing.list_prices().plan_id(&pro.id).await.unwrap();
    assert!(prices.data.iter().any(|p| p.id == price.id));
    let read = clerk.users().billing_subscription(&ada).await.unwrap();
    assert_eq!(read.id, sub.id);
    assert_eq!(read.subscription_items[0].id, item);
    let totals = read.subscription_items[0]
        .next_payment
        .as_ref()
        .and_then(|n| n.totals.clone())
        .unwrap();
    assert_eq!(totals.discounts.unwrap().total.amount, 200);
    assert_eq!(
        billing
            .get_statement_payment_attempts(&statement)
            .await
            .unwrap()
            .total_count,
        Some(1)
    );
    assert_eq!(
        clerk
            .users()
            .billing_credit_balance(&ada)
            .await
            .unwrap()
            .balance
            .unwrap()
            .amount,
        700
    );
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// One flow through every Billing operation, with a webhook endpoint: each operation is
/// reached, and the `subscription*`, `subscriptionItem*` and `paymentAttempt*` events arrive
/// in order and in the webhooks spec's shapes.
#[tokio::test]
async fn every_billing_operation_is_called_and_its_events_match_the_webhooks_spec() {
    let (url, received) = common::webhook_inbox().await;
    let emulator = Emulator::builder()
        .record_traffic()
        .webhook(clerk_emulator::WebhookTarget::new(
            url,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ))
        .start()
        .await
        .unwrap();
    let clerk = emulator.client();
    let billing = clerk.billing();

    let ada = user(&emulator, "ada@example.com").await;
    clerk.users().billing_subscription(&ada).await.unwrap();
    let pro = pro_plan(&emulator, "user");
    let sub = emulator
        .subscribe(NewBillingSubscription {
            user_id: Some(ada.clone()),
            plan_id: Some(pro.id.clone()),
            ..Default::default()
        })
        .unwrap();
    let item = sub.subscription_items[0].clone();
    billing.list_plans().await.unwrap();
    billing.list_prices().await.unwrap();
    let dearer = billing.create_price(&pro.id, 3000).await.unwrap();
    billing.list_subscription_items().await.unwrap();
    let up = billing
        .create_price_transition(&item.id, item.price_id.as_deref().unwrap(), &dearer.id)
        .await
        .unwrap();
    let item_id = up.subscription_item.id;
    let discount = emulator
        .create_billing_discount(NewBillingDiscount {
            name: "Ten off".into(),
            percent_off: Some(10.0),
            ..Default::default()
        })
        .unwrap();
    billing
        .apply_subscription_item_discount(&item_id, &discount.id)
        .await
        .unwrap();
    billing
        .remove_subscription_item_discount(&item_id, &discount.id)
        .await
        .unwrap();
    billing.cancel_subscription_item(&item_id).await.unwrap();
    common::failure(
        billing
            .extend_subscription_item_free_trial(&item_id, "2099-01-01T00:00:00Z")
            .await,
    );
    let statements = billing.list_statements().await.unwrap();
    billing.get_statement(&statements.data[0].id).await.unwrap();
    billing
        .get_statement_payment_attempts(&statements.data[0].id)
        .await
        .unwrap();
    clerk.users().billing_credit_balance(&ada).await.unwrap();

    let expected = [
        "user.created",
        "subscriptionItem.active",
        "subscription.created",
        "subscriptionItem.ended",
        "paymentAttempt.created",
        "paymentAttempt.updated",
        "subscriptionItem.active",
        "subscription.updated",
        "subscriptionItem.ended",
        "paymentAttempt.created",
        "paymentAttempt.updated",
        "subscriptionItem.active",
        "subscription.updated",
        "subscriptionItem.updated",
        "subscriptionItem.updated",
        "subscriptionItem.canceled",
        "subscription.updated",
    ];
    let mut events = Vec::new();
    for _ in 0..200 {
        events = received.lock().unwrap().clone();
        if events.len() >= expected.len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, expected);
    assert_eq!(events[4]["data"]["status"], "pending");
    assert_eq!(events[5]["data"]["status"], "paid");
    assert_eq!(events[5]["data"]["totals"]["grand_total"]["amount"], 2000);
    assert_eq!(events[15]["data"]["id"], item_id.as_str());
    assert_eq!(events[15]["data"]["status"], "canceled");

    // Every Billing operation was reached (answered, if only with an error).
    let called = common::operations_called(&emulator);
    if !called.is_empty() {
        let ours: Vec<&str> = clerk_backend::operations::OPERATIONS
            .iter()
            .filter(|op| op.tag == "Billing")
            .map(|op| op.id)
            .collect();
        assert_eq!(ours.len(), 12);
        let missing: Vec<&&str> = ours.iter().filter(|id| !called.contains(**id)).collect();
        assert!(missing.is_empty(), "not called: {missing:?}");
    }
    assert!(common::validate_traffic(&emulator) > 0);

    let Some(spec) = spec_oracle::Spec::load_webhooks() else {
        return;
    };
    let schemas: std::collections::BTreeMap<String, Value> = spec
        .webhook_events()
        .into_iter()
        .map(|e| (e.event_type, spec.to_json_schema(&e.schema)))
        .collect();
    for event in &events {
        let kind = event["type"].as_str().unwrap();
        if let Err(problems) = spec.validate(&schemas[kind], event) {
            panic!("{kind} does not match the webhooks spec: {problems:?}\n{event}");
        }
    }
}
