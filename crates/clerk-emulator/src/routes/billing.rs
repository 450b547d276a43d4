//! Billing (`/v1/billing/...`, and a user's or organization's `/billing/subscription` and
//! `/billing/credits`): plans, prices, subscription items, statements and payment attempts,
//! credit balances. Plans, subscriptions and discounts are made at the emulator's own
//! `POST /emulator/billing/plans`, `/emulator/billing/subscriptions` and
//! `/emulator/billing/discounts` (with the secret key), since the Backend API has no call
//! for them. The rules and the choices made where Clerk is silent are in `domain::billing`.

use crate::domain::billing::*;
use crate::error::ApiResult;
use crate::server::{JsonBody, Query, Shared, json};
use crate::wire::{
    AdjustCreditBalanceRequest, NewBillingDiscount, NewBillingPlan, NewBillingSubscription,
};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::json;

pub(crate) fn router() -> Router<Shared> {
    Router::new()
        .route("/v1/billing/plans", get(plans))
        .route("/v1/billing/prices", get(prices).post(new_price))
        .route("/v1/billing/subscription_items", get(items))
        .route(
            "/v1/billing/subscription_items/{subscription_item_id}",
            delete(cancel),
        )
        .route(
            "/v1/billing/subscription_items/{subscription_item_id}/extend_free_trial",
            post(extend),
        )
        .route(
            "/v1/billing/subscription_items/{subscription_item_id}/price_transition",
            post(price_transition),
        )
        .route(
            "/v1/billing/subscription_items/{subscription_item_id}/discounts",
            post(discount),
        )
        .route(
            "/v1/billing/subscription_items/{subscription_item_id}/discounts/{discount_id}",
            delete(undiscount),
        )
        .route("/v1/billing/statements", get(statements))
        .route("/v1/billing/statements/{statement_id}", get(statement))
        .route(
            "/v1/billing/statements/{statement_id}/payment_attempts",
            get(payment_attempts),
        )
        .route(
            "/v1/users/{user_id}/billing/subscription",
            get(user_subscription),
        )
        .route(
            "/v1/users/{user_id}/billing/credits",
            get(user_credits).post(adjust_user_credits),
        )
        .route(
            "/v1/organizations/{organization_id}/billing/subscription",
            get(org_subscription),
        )
        .route(
            "/v1/organizations/{organization_id}/billing/credits",
            get(org_credits).post(adjust_org_credits),
        )
        .route("/emulator/billing/plans", post(seed_plan))
        .route("/emulator/billing/subscriptions", post(seed_subscription))
        .route("/emulator/billing/discounts", post(seed_discount))
}

fn page<T: serde::Serialize>((data, total): (Vec<T>, usize)) -> Response {
    json(&json!({"data": data, "total_count": total}))
}

async fn plans(
    State(state): State<Shared>,
    Query(p): Query<PlanListParams>,
) -> ApiResult<Response> {
    Ok(page(list_plans(&state.read(), &p)?))
}

async fn prices(
    State(state): State<Shared>,
    Query(p): Query<PriceListParams>,
) -> ApiResult<Response> {
    Ok(page(list_prices(&state.read(), &p)?))
}

async fn new_price(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<CreatePriceBody>,
) -> ApiResult<Response> {
    Ok(json(&create_price(
        &mut state.write(),
        &state.instance_id,
        &b,
    )?))
}

async fn items(
    State(state): State<Shared>,
    Query(p): Query<ItemListParams>,
) -> ApiResult<Response> {
    Ok(page(list_items(&state.read(), &state.instance_id, &p)?))
}

/// The query of `DELETE /v1/billing/subscription_items/{id}`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CancelParams {
    end_now: Option<bool>,
}

async fn cancel(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(p): Query<CancelParams>,
) -> ApiResult<Response> {
    let end_now = p.end_now.unwrap_or(false);
    Ok(json(&cancel_item(
        &mut state.write(),
        &state.instance_id,
        &id,
        end_now,
    )?))
}

async fn extend(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ExtendTrialBody>,
) -> ApiResult<Response> {
    Ok(json(&extend_trial(
        &mut state.write(),
        &state.instance_id,
        &id,
        &b,
    )?))
}

async fn price_transition(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<TransitionBody>,
) -> ApiResult<Response> {
    Ok(json(&transition(
        &mut state.write(),
        &state.instance_id,
        &id,
        &b,
    )?))
}

async fn discount(
    State(state): State<Shared>,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<ApplyDiscountBody>,
) -> ApiResult<Response> {
    Ok(json(&apply_discount(&mut state.write(), &id, &b)?))
}

async fn undiscount(
    State(state): State<Shared>,
    Path((id, discount_id)): Path<(String, String)>,
) -> ApiResult<Response> {
    Ok(json(&remove_discount(
        &mut state.write(),
        &id,
        &discount_id,
    )?))
}

async fn statements(
    State(state): State<Shared>,
    Query(p): Query<PageParams>,
) -> ApiResult<Response> {
    Ok(page(list_statements(
        &state.read(),
        &state.instance_id,
        &p,
    )?))
}

async fn statement(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    Ok(json(&get_statement(
        &state.read(),
        &state.instance_id,
        &id,
    )?))
}

async fn payment_attempts(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(p): Query<PageParams>,
) -> ApiResult<Response> {
    Ok(page(statement_attempts(
        &state.read(),
        &state.instance_id,
        &id,
        &p,
    )?))
}

/// The first read puts a payer with no subscription on the free default plan, so this takes
/// the write lock.
async fn user_subscription(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&payer_subscription(
        &mut state.write(),
        &state.instance_id,
        PayerRef::User(&user_id),
    )?))
}

async fn org_subscription(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&payer_subscription(
        &mut state.write(),
        &state.instance_id,
        PayerRef::Org(&org_id),
    )?))
}

async fn user_credits(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&credit_balance(
        &state.read(),
        PayerRef::User(&user_id),
    )?))
}

async fn org_credits(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
) -> ApiResult<Response> {
    Ok(json(&credit_balance(
        &state.read(),
        PayerRef::Org(&org_id),
    )?))
}

async fn adjust_user_credits(
    State(state): State<Shared>,
    Path(user_id): Path<String>,
    JsonBody(b): JsonBody<AdjustCreditBalanceRequest>,
) -> ApiResult<Response> {
    Ok(json(&adjust_credit(
        &mut state.write(),
        PayerRef::User(&user_id),
        &b,
    )?))
}

async fn adjust_org_credits(
    State(state): State<Shared>,
    Path(org_id): Path<String>,
    JsonBody(b): JsonBody<AdjustCreditBalanceRequest>,
) -> ApiResult<Response> {
    Ok(json(&adjust_credit(
        &mut state.write(),
        PayerRef::Org(&org_id),
        &b,
    )?))
}

async fn seed_plan(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<NewBillingPlan>,
) -> ApiResult<Response> {
    Ok(json(&create_plan(
        &mut state.write(),
        &state.instance_id,
        &b,
    )?))
}

async fn seed_subscription(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<NewBillingSubscription>,
) -> ApiResult<Response> {
    Ok(json(&subscribe(
        &mut state.write(),
        &state.instance_id,
        &b,
    )?))
}

async fn seed_discount(
    State(state): State<Shared>,
    JsonBody(b): JsonBody<NewBillingDiscount>,
) -> ApiResult<Response> {
    Ok(json(&create_discount(&mut state.write(), &b)?))
}
