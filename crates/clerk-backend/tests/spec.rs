//! The OpenAPI spec as an oracle for the Users API.
//!
//! - The operations table matches the spec (method, path, tag), and covers every `Users`
//!   operation.
//! - Every schema the Users operations answer with decodes into its model, in every generated
//!   shape (all properties with nullables `null`, all properties with values, required only);
//!   with all values present, the model serializes back to the same JSON (no field is lost).
//! - Each operation's success response decodes into what the SDK returns.
//! - The request bodies the SDK sends, with every setter and with none, validate against the
//!   operation's schema, and go to the spec's method and path.
//!
//! The spec is read at run time (`spec_oracle::Spec::load`): these tests skip with a message
//! when it is absent and fail when `CLERK_SPEC_REQUIRED=1`.

use std::collections::BTreeSet;

use clerk_backend::api::users::ProfileImage;
use clerk_backend::models::{
    AdjustCreditBalanceRequest, CommerceCreditBalance, CommerceCreditLedger, CommerceCredits,
    CommerceDiscounts, CommerceMoney, CommercePayer, CommercePayerCredit, CommercePaymentMethod,
    CommercePerUnitTotal, CommercePerUnitTotalTier, CommercePlan, CommercePlanUnitPrice,
    CommercePlanUnitPriceTier, CommerceProrationCreditDetail, CommerceProrationDiscount,
    CommerceSubscription, CommerceSubscriptionCredit, CommerceSubscriptionItem,
    CommerceSubscriptionItemNextPayment, CommerceSubscriptionItemSeats,
    CommerceSubscriptionNextPayment, CommerceTotals, CreditAdjustmentAction, DeletedObject,
    EmailAddress, EnterpriseAccount, EnterpriseAccountConnection, ExternalAccount, Feature,
    IdentificationLink, IdentificationStatus, Metadata, OAuthAccessToken, Organization,
    OrganizationInvitation, OrganizationInvitationPublicOrganizationData,
    OrganizationInvitationPublicUserData, OrganizationMembership,
    OrganizationMembershipPublicUserData, Passkey, PasswordHasher, PasswordVerification,
    PhoneNumber, SamlAccount, SamlAccountConnection, ScimUserMetadata, TotalCount,
    TotpVerification, TrustedDevice, User, UserIdResponse, Verification, Web3Wallet,
};
use clerk_backend::operations::{self, OPERATIONS};
use clerk_backend::{Clerk, ClerkError, ClerkErrors, Page, RetryPolicy};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use spec_oracle::Spec;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------------------------
// Operations

#[test]
fn operations_table_matches_the_spec() {
    let Some(spec) = Spec::load() else { return };
    let mut problems = Vec::new();
    for op in OPERATIONS {
        let Some(info) = spec.operation(op.id) else {
            problems.push(format!("{}: not in the spec", op.id));
            continue;
        };
        if info.method != op.method.as_str() {
            problems.push(format!(
                "{}: method {} in the table, {} in the spec",
                op.id, op.method, info.method
            ));
        }
        if info.path != op.path {
            problems.push(format!(
                "{}: path {} in the table, {} in the spec",
                op.id, op.path, info.path
            ));
        }
        if !info.tags.iter().any(|t| t == op.tag) {
            problems.push(format!(
                "{}: tag {} in the table, {:?} in the spec",
                op.id, op.tag, info.tags
            ));
        }
    }
    let users = spec.operation_ids_with_tag("Users");
    assert!(!users.is_empty(), "the spec has no Users operations");
    for id in &users {
        if operations::find(id).is_none() {
            problems.push(format!("{id}: a Users operation missing from the table"));
        }
    }
    assert!(
        problems.is_empty(),
        "the operations table disagrees with the spec:\n{}",
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Models

/// Decodes an instance into a model and serializes the model back.
type Decode = fn(&Value) -> Result<Value, String>;

fn model<T: DeserializeOwned + Serialize>(instance: &Value) -> Result<Value, String> {
    let decoded: T = serde_path_to_error::deserialize(instance).map_err(|e| {
        format!(
            "does not decode into {} at `{}`: {}",
            std::any::type_name::<T>(),
            e.path(),
            e.inner()
        )
    })?;
    serde_json::to_value(&decoded).map_err(|e| format!("does not serialize back: {e}"))
}

/// A verification shape must decode as itself, not fall back to `Verification::Other`.
fn verification(instance: &Value) -> Result<Value, String> {
    let decoded: Verification = serde_json::from_value(instance.clone())
        .map_err(|e| format!("does not decode into Verification: {e}"))?;
    if let Verification::Other(_) = decoded {
        return Err(format!(
            "decodes as Verification::Other, not as its shape; as VerificationDetails: {}",
            model::<clerk_backend::models::VerificationDetails>(instance)
                .err()
                .unwrap_or_else(|| "it decodes".to_owned())
        ));
    }
    serde_json::to_value(&decoded).map_err(|e| format!("does not serialize back: {e}"))
}

/// Spec component schema → the model that decodes it. Covers every schema the Users
/// operations reach (checked below).
const MODELS: &[(&str, Decode)] = &[
    ("User", model::<User>),
    ("EmailAddress", model::<EmailAddress>),
    ("PhoneNumber", model::<PhoneNumber>),
    ("Web3Wallet", model::<Web3Wallet>),
    ("Passkey", model::<Passkey>),
    ("ExternalAccountWithVerification", model::<ExternalAccount>),
    ("SAMLAccount", model::<SamlAccount>),
    ("SAMLAccountConnection", model::<SamlAccountConnection>),
    ("EnterpriseAccount", model::<EnterpriseAccount>),
    (
        "EnterpriseAccountConnection",
        model::<EnterpriseAccountConnection>,
    ),
    ("IdentificationLink", model::<IdentificationLink>),
    ("SCIMUserMetadata", model::<ScimUserMetadata>),
    ("OrganizationMembership", model::<OrganizationMembership>),
    ("Organization", model::<Organization>),
    (
        "OrganizationMembershipPublicUserData",
        model::<OrganizationMembershipPublicUserData>,
    ),
    (
        "OrganizationInvitationWithPublicOrganizationData",
        model::<OrganizationInvitation>,
    ),
    (
        "OrganizationInvitationPublicUserData",
        model::<OrganizationInvitationPublicUserData>,
    ),
    (
        "OrganizationInvitationPublicOrganizationData",
        model::<OrganizationInvitationPublicOrganizationData>,
    ),
    (
        "OrganizationMemberships",
        model::<Page<OrganizationMembership>>,
    ),
    (
        "OrganizationInvitationsWithPublicOrganizationData",
        model::<Page<OrganizationInvitation>>,
    ),
    ("TotalCount", model::<TotalCount>),
    ("DeletedObject", model::<DeletedObject>),
    ("TrustedDevice", model::<TrustedDevice>),
    ("OAuthAccessToken", model::<Vec<OAuthAccessToken>>),
    ("PasswordHasher", model::<PasswordHasher>),
    ("ClerkError", model::<ClerkError>),
    ("ClerkErrors", model::<ClerkErrors>),
    ("verification_otp", verification),
    ("verification_admin", verification),
    ("verification_from_oauth", verification),
    ("verification_ticket", verification),
    ("verification_saml", verification),
    ("verification_email_link", verification),
    ("verification_scim", verification),
    ("verification_web3", verification),
    ("verification_passkey", verification),
    ("verification_oauth", verification),
    ("verification_google_one_tap", verification),
    ("CommerceMoneyResponse", model::<CommerceMoney>),
    (
        "CommerceSubscriptionCreditResponse",
        model::<CommerceSubscriptionCredit>,
    ),
    (
        "CommerceProrationCreditDetailResponse",
        model::<CommerceProrationCreditDetail>,
    ),
    ("CommercePayerCreditResponse", model::<CommercePayerCredit>),
    ("CommerceCreditsResponse", model::<CommerceCredits>),
    ("FeatureResponse", model::<Feature>),
    (
        "CommercePlanUnitPriceTier",
        model::<CommercePlanUnitPriceTier>,
    ),
    ("CommercePlanUnitPrice", model::<CommercePlanUnitPrice>),
    ("CommercePlan", model::<CommercePlan>),
    (
        "CommercePaymentMethodResponse",
        model::<CommercePaymentMethod>,
    ),
    (
        "CommercePerUnitTotalTier",
        model::<CommercePerUnitTotalTier>,
    ),
    (
        "CommercePerUnitTotalTier-2",
        model::<CommercePerUnitTotalTier>,
    ),
    ("CommercePerUnitTotal", model::<CommercePerUnitTotal>),
    ("CommercePerUnitTotal-2", model::<CommercePerUnitTotal>),
    (
        "CommerceProrationDiscountResponse",
        model::<CommerceProrationDiscount>,
    ),
    (
        "BillingProrationDiscountDetail",
        model::<CommerceProrationDiscount>,
    ),
    ("CommerceDiscountsResponse", model::<CommerceDiscounts>),
    ("BillingDiscountsResponse", model::<CommerceDiscounts>),
    ("CommerceTotalsResponse", model::<CommerceTotals>),
    ("CommerceTotalsResponse-2", model::<CommerceTotals>),
    (
        "CommerceSubscriptionItemNextPaymentResponse",
        model::<CommerceSubscriptionItemNextPayment>,
    ),
    ("CommercePayerResponse", model::<CommercePayer>),
    (
        "CommerceSubscriptionItemSeatsResponse",
        model::<CommerceSubscriptionItemSeats>,
    ),
    (
        "CommerceSubscriptionItem",
        model::<CommerceSubscriptionItem>,
    ),
    (
        "CommerceSubscriptionNextPayment",
        model::<CommerceSubscriptionNextPayment>,
    ),
    ("CommerceSubscription", model::<CommerceSubscription>),
    (
        "CommerceCreditBalanceResponse",
        model::<CommerceCreditBalance>,
    ),
    (
        "CommerceCreditLedgerResponse",
        model::<CommerceCreditLedger>,
    ),
    (
        "AdjustCreditBalanceRequest",
        model::<AdjustCreditBalanceRequest>,
    ),
];

#[test]
fn models_cover_every_schema_the_users_operations_reach() {
    let Some(spec) = Spec::load() else { return };
    let in_table: BTreeSet<&str> = MODELS.iter().map(|(name, _)| *name).collect();
    let in_spec: BTreeSet<String> = spec.component_schema_names().into_iter().collect();
    let unknown: Vec<&&str> = in_table.iter().filter(|n| !in_spec.contains(**n)).collect();
    assert!(unknown.is_empty(), "not schemas of the spec: {unknown:?}");
    let mut missing = BTreeSet::new();
    for id in spec.operation_ids_with_tag("Users") {
        for name in spec.schemas_reachable_from_operation(&id) {
            if !in_table.contains(name.as_str()) {
                missing.insert(format!("{name} (from {id})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "schemas the Users operations reach with no model in MODELS: {missing:?}"
    );
}

#[test]
fn every_generated_instance_decodes_and_round_trips() {
    let Some(spec) = Spec::load() else { return };
    let mut failures = Vec::new();
    let mut round_trips = 0;
    for (name, decode) in MODELS {
        let instances = spec.instances(name);
        assert!(!instances.is_empty(), "{name}: no instances");
        for (label, instance) in &instances {
            // A nullable schema's `null` is held by its users as `Option` (checked through
            // them); the model itself has nothing to decode.
            if instance.is_null() && spec.raw_component_schema(name)["nullable"] == true {
                continue;
            }
            let back = match decode(instance) {
                Ok(back) => back,
                Err(e) => {
                    let why = culprits(*decode, label, instance, &instances);
                    failures.push(format!(
                        "{name} {label}: {e}{why}\n    instance: {instance}"
                    ));
                    continue;
                }
            };
            if !label.starts_with("maximal-valued") {
                continue;
            }
            round_trips += 1;
            let mut diffs = Vec::new();
            differences(&strip_nulls(instance), &strip_nulls(&back), "", &mut diffs);
            if !diffs.is_empty() {
                failures.push(format!(
                    "{name} {label}: the model does not round-trip:\n    {}",
                    diffs.join("\n    ")
                ));
            }
        }
    }
    assert!(
        round_trips >= MODELS.len(),
        "only {round_trips} round trips"
    );
    assert!(
        failures.is_empty(),
        "{} model mismatches with the spec:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every field that alone breaks decoding, found by changing the first `maximal-valued`
/// instance (which decodes) one field at a time: set to `null` where the failing instance has
/// `null` (nullable in the spec, not `Option` in the model), or removed where the failing
/// instance lacks it (optional in the spec, required by the model).
fn culprits(decode: Decode, label: &str, failing: &Value, instances: &[(String, Value)]) -> String {
    let Some((_, valued)) = instances
        .iter()
        .find(|(l, v)| l.starts_with("maximal-valued") && decode(v).is_ok())
    else {
        return String::new();
    };
    let mut nulls = Vec::new();
    let mut absent = Vec::new();
    compare_shapes(failing, valued, "", &mut nulls, &mut absent);
    let breaks = |edit: &dyn Fn(&mut Value)| {
        let mut v = valued.clone();
        edit(&mut v);
        decode(&v).is_err()
    };
    let nulls: Vec<&String> = nulls
        .iter()
        .filter(|at| {
            breaks(&|v| {
                if let Some(slot) = v.pointer_mut(at) {
                    *slot = Value::Null;
                }
            })
        })
        .collect();
    let absent: Vec<&String> = absent
        .iter()
        .filter(|at| {
            breaks(&|v| {
                let (parent, key) = at.rsplit_once('/').unwrap();
                if let Some(Value::Object(map)) = v.pointer_mut(parent) {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
            })
        })
        .collect();
    let mut out = String::new();
    if !nulls.is_empty() {
        out.push_str(&format!(
            "\n    nullable in the spec, not Option in the model ({label}): {nulls:?}"
        ));
    }
    if !absent.is_empty() {
        out.push_str(&format!(
            "\n    optional in the spec, required by the model ({label}): {absent:?}"
        ));
    }
    out
}

/// Paths (JSON pointers) where `failing` has `null` and `valued` a value, and where `valued`
/// has a key `failing` lacks.
fn compare_shapes(
    failing: &Value,
    valued: &Value,
    at: &str,
    nulls: &mut Vec<String>,
    absent: &mut Vec<String>,
) {
    match (failing, valued) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, w) in b {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match a.get(key) {
                    None => absent.push(here),
                    Some(Value::Null) if !w.is_null() => nulls.push(here),
                    Some(v) => compare_shapes(v, w, &here, nulls, absent),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                compare_shapes(v, w, &format!("{at}/{i}"), nulls, absent);
            }
        }
        _ => {}
    }
}

/// The value with every `null`-valued key removed, recursively.
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_nulls).collect()),
        other => other.clone(),
    }
}

/// Where `model` (what the SDK serialized) differs from `instance` (what the spec allows).
fn differences(instance: &Value, model: &Value, at: &str, out: &mut Vec<String>) {
    match (instance, model) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, v) in a {
                let here = format!("{at}/{key}");
                match b.get(key) {
                    Some(w) => differences(v, w, &here, out),
                    None => out.push(format!("missing from the model: {here} (was {v})")),
                }
            }
            for (key, w) in b {
                if !a.contains_key(key) {
                    out.push(format!("added by the model: {at}/{key} = {w}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                differences(v, w, &format!("{at}/{i}"), out);
            }
        }
        _ if instance == model => {}
        _ => out.push(format!(
            "differs at {}: the spec's {instance}, the model's {model}",
            if at.is_empty() { "(root)" } else { at }
        )),
    }
}

#[test]
fn round_trip_differences_name_each_key() {
    let instance = json!({"a": 1, "b": {"c": [1, {"d": "x"}]}, "gone": true});
    let model = json!({"a": 2, "b": {"c": [1, {"d": "x", "new": 0}]}});
    let mut diffs = Vec::new();
    differences(&instance, &model, "", &mut diffs);
    assert_eq!(
        diffs,
        [
            "differs at /a: the spec's 1, the model's 2",
            "added by the model: /b/c/1/new = 0",
            "missing from the model: /gone (was true)",
        ]
    );
    assert_eq!(
        strip_nulls(&json!({"a": null, "b": [{"c": null, "d": 1}]})),
        json!({"b": [{"d": 1}]})
    );
    let mut none = Vec::new();
    differences(&instance, &instance, "", &mut none);
    assert!(none.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Responses

/// Users operation → what the SDK decodes its 200 answer into.
const RESPONSES: &[(&str, Decode)] = &[
    ("GetUserList", model::<Page<User>>),
    ("CreateUser", model::<User>),
    ("GetUsersCount", model::<TotalCount>),
    ("GetUser", model::<User>),
    ("UpdateUser", model::<User>),
    ("DeleteUser", model::<DeletedObject>),
    ("BanUser", model::<User>),
    ("UnbanUser", model::<User>),
    ("UsersBan", model::<Vec<User>>),
    ("UsersUnban", model::<Vec<User>>),
    ("LockUser", model::<User>),
    ("UnlockUser", model::<User>),
    ("SetUserProfileImage", model::<User>),
    ("DeleteUserProfileImage", model::<User>),
    ("UpdateUserMetadata", model::<User>),
    ("ReplaceUserMetadata", model::<User>),
    ("GetUserBillingSubscription", model::<CommerceSubscription>),
    (
        "GetUserBillingCreditBalance",
        model::<CommerceCreditBalance>,
    ),
    (
        "AdjustUserBillingCreditBalance",
        model::<CommerceCreditLedger>,
    ),
    ("GetOAuthAccessToken", model::<Page<OAuthAccessToken>>),
    (
        "UsersGetOrganizationMemberships",
        model::<Page<OrganizationMembership>>,
    ),
    (
        "UsersGetOrganizationInvitations",
        model::<Page<OrganizationInvitation>>,
    ),
    ("RemoveUserPassword", model::<User>),
    ("VerifyPassword", model::<PasswordVerification>),
    ("VerifyTOTP", model::<TotpVerification>),
    ("DisableMFA", model::<UserIdResponse>),
    ("DeleteBackupCode", model::<UserIdResponse>),
    ("UserPasskeyDelete", model::<DeletedObject>),
    ("ListUserTrustedDevices", model::<Page<TrustedDevice>>),
    ("RevokeUserTrustedDevice", model::<TrustedDevice>),
    ("UserWeb3WalletDelete", model::<DeletedObject>),
    ("DeleteTOTP", model::<UserIdResponse>),
    ("DeleteExternalAccount", model::<DeletedObject>),
    ("SetUserPasswordCompromised", model::<User>),
    ("UnsetUserPasswordCompromised", model::<User>),
];

#[test]
fn every_users_success_response_decodes_into_what_the_sdk_returns() {
    let Some(spec) = Spec::load() else { return };
    let in_table: BTreeSet<&str> = RESPONSES.iter().map(|(id, _)| *id).collect();
    let users = spec.operation_ids_with_tag("Users");
    let missing: Vec<&String> = users
        .iter()
        .filter(|id| !in_table.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "Users operations not in RESPONSES: {missing:?}"
    );

    let mut failures = Vec::new();
    for (id, decode) in RESPONSES {
        let instances = spec.response_instances(id, 200);
        assert!(
            !instances.is_empty(),
            "{id}: no 200 response body in the spec"
        );
        for (label, instance) in &instances {
            if let Err(e) = decode(instance) {
                let why = culprits(*decode, label, instance, &instances);
                failures.push(format!(
                    "{id} 200 {label}: {e}{why}\n    instance: {instance}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} responses the SDK cannot decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/// A stub of one operation on loopback, at the spec's method and path, expecting one call.
struct Stub {
    server: MockServer,
    clerk: Clerk,
    op_id: &'static str,
    method: String,
    path: String,
}

impl Stub {
    /// `params` fill the path template's placeholders in order.
    async fn start(spec: &Spec, op_id: &'static str, params: &[&str]) -> Stub {
        let op = spec
            .operation(op_id)
            .unwrap_or_else(|| panic!("{op_id} is not in the spec"));
        let path = format!("/v1{}", fill(&op.path, params));
        // A body the SDK can decode, so the call completes.
        let answer = spec
            .response_instances(op_id, 200)
            .into_iter()
            .find(|(label, _)| label.starts_with("maximal-valued"))
            .map(|(_, v)| v)
            .unwrap_or(json!({}));
        let server = MockServer::start().await;
        Mock::given(method(op.method.as_str()))
            .and(wiremock::matchers::path(path.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .expect(1)
            .named(op_id)
            .mount(&server)
            .await;
        let clerk = Clerk::builder()
            .secret_key("sk_test_x")
            .api_url(server.uri())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client");
        Stub {
            server,
            clerk,
            op_id,
            method: op.method,
            path,
        }
    }

    /// Sends the call, checks it reached the spec's method and path and completed, and
    /// returns the one request received.
    async fn send<T, E: std::fmt::Debug>(
        &self,
        call: impl Future<Output = Result<T, E>>,
    ) -> wiremock::Request {
        let outcome = call.await;
        let requests = self.server.received_requests().await.expect("recording");
        let seen: Vec<String> = requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.url.path()))
            .collect();
        assert_eq!(
            seen,
            [format!("{} {}", self.method, self.path)],
            "{}: not one request to the spec's method and path",
            self.op_id
        );
        self.server.verify().await;
        if let Err(e) = outcome {
            panic!("{}: the call failed: {e:?}", self.op_id);
        }
        requests.into_iter().next().unwrap()
    }

    /// Sends the call and validates its JSON body against the operation's schema; returns the
    /// body.
    async fn send_json<T, E: std::fmt::Debug>(
        &self,
        spec: &Spec,
        call: impl Future<Output = Result<T, E>>,
    ) -> Value {
        let request = self.send(call).await;
        let content_type = header(&request, "content-type");
        assert!(
            content_type.starts_with("application/json"),
            "{}: content-type {content_type:?}",
            self.op_id
        );
        let body: Value = serde_json::from_slice(&request.body)
            .unwrap_or_else(|e| panic!("{}: the body is not JSON: {e}", self.op_id));
        let schema = spec
            .request_body_schema(self.op_id, "application/json")
            .unwrap_or_else(|| panic!("{}: no JSON request body in the spec", self.op_id));
        if let Err(errors) = spec.validate(&schema, &body) {
            panic!(
                "{}: the body the SDK sent does not validate:\n    {}\n    body: {body}",
                self.op_id,
                errors.join("\n    ")
            );
        }
        body
    }
}

fn header(request: &wiremock::Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The path template with its `{placeholders}` replaced by `params`, in order.
fn fill(template: &str, params: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut params = params.iter();
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closed placeholder") + open;
        out.push_str(&rest[..open]);
        out.push_str(params.next().expect("a value per placeholder"));
        rest = &rest[close + 1..];
    }
    assert!(params.next().is_none(), "more values than placeholders");
    out.push_str(rest);
    out
}

/// The top-level properties of a request body schema (through a `$ref`).
fn property_names(schema: &Value) -> BTreeSet<String> {
    let target = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => &schema["$defs"][r.trim_start_matches("#/$defs/")],
        None => schema,
    };
    target["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// With every setter used, the body has every property the spec defines: a property the SDK
/// cannot send shows up here.
fn assert_every_property_sent(spec: &Spec, op_id: &str, body: &Value) {
    let schema = spec
        .request_body_schema(op_id, "application/json")
        .expect("a JSON body");
    let sent: BTreeSet<String> = body
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let unsent: Vec<String> = property_names(&schema)
        .into_iter()
        .filter(|p| !sent.contains(p))
        .collect();
    assert!(
        unsent.is_empty(),
        "{op_id}: properties of the spec no setter sends: {unsent:?}"
    );
}

fn metadata() -> Metadata {
    json!({"plan": "pro", "seats": 3, "flags": {"beta": true}})
        .as_object()
        .cloned()
        .unwrap()
}

#[tokio::test]
async fn create_user_bodies_validate() {
    let Some(spec) = Spec::load() else { return };
    let stub = Stub::start(&spec, "CreateUser", &[]).await;
    let every = stub
        .clerk
        .users()
        .create()
        .external_id("ext_1")
        .first_name("Ada")
        .last_name("Lovelace")
        .locale("en-GB")
        .email_address(["ada@example.com"])
        .email_address_identification_status([IdentificationStatus::Verified])
        .phone_number(["+15555550100"])
        .phone_number_identification_status([IdentificationStatus::Reserved])
        .web3_wallet(["0x0000000000000000000000000000000000000001"])
        .username("ada")
        .password("correct horse battery staple")
        .password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
        .password_hasher(PasswordHasher::Bcrypt)
        .skip_password_checks(true)
        .skip_password_requirement(true)
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(["12345678", "87654321"])
        .public_metadata(metadata())
        .private_metadata(metadata())
        .unsafe_metadata(metadata())
        .delete_self_enabled(true)
        .legal_accepted_at("2024-05-12T10:20:30Z")
        .skip_legal_checks(true)
        .skip_user_requirement(true)
        .create_organization_enabled(true)
        .create_organizations_limit(3)
        .created_at("2024-05-12T10:20:30Z")
        .bypass_client_trust(false)
        .banned(false)
        .locked(false);
    let body = stub.send_json(&spec, every.send()).await;
    assert_every_property_sent(&spec, "CreateUser", &body);

    let stub = Stub::start(&spec, "CreateUser", &[]).await;
    let body = stub
        .send_json(&spec, stub.clerk.users().create().send())
        .await;
    assert_eq!(body, json!({}));
}

#[tokio::test]
async fn update_user_bodies_validate() {
    let Some(spec) = Spec::load() else { return };
    let stub = Stub::start(&spec, "UpdateUser", &["user_1"]).await;
    let every = stub
        .clerk
        .users()
        .update("user_1")
        .external_id("ext_1")
        .first_name("Ada")
        .last_name("Lovelace")
        .locale("en-GB")
        .primary_email_address_id("idn_email")
        .notify_primary_email_address_changed(true)
        .primary_phone_number_id("idn_phone")
        .primary_web3_wallet_id("idn_wallet")
        .username("ada")
        .profile_image_id("img_1")
        .password("correct horse battery staple")
        .password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
        .password_hasher(PasswordHasher::Argon2id)
        .skip_password_checks(true)
        .sign_out_of_other_sessions(true)
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(["12345678"])
        .delete_self_enabled(false)
        .create_organization_enabled(true)
        .legal_accepted_at("2024-05-12T10:20:30Z")
        .skip_legal_checks(true)
        .create_organizations_limit(5)
        .created_at("2024-05-12T10:20:30Z")
        .bypass_client_trust(true);
    let body = stub.send_json(&spec, every.send()).await;
    assert_every_property_sent(&spec, "UpdateUser", &body);

    // The `clear_*` setters send `null`, which the spec allows for those fields.
    let stub = Stub::start(&spec, "UpdateUser", &["user_1"]).await;
    let cleared = stub
        .clerk
        .users()
        .update("user_1")
        .clear_external_id()
        .clear_first_name()
        .clear_last_name()
        .clear_locale()
        .clear_username()
        .clear_totp_secret()
        .clear_legal_accepted_at()
        .clear_create_organizations_limit();
    let body = stub.send_json(&spec, cleared.send()).await;
    let keys = [
        "external_id",
        "first_name",
        "last_name",
        "locale",
        "username",
        "totp_secret",
        "legal_accepted_at",
        "create_organizations_limit",
    ];
    let expected: serde_json::Map<String, Value> =
        keys.iter().map(|k| (k.to_string(), Value::Null)).collect();
    assert_eq!(body, Value::Object(expected));

    let stub = Stub::start(&spec, "UpdateUser", &["user_1"]).await;
    let body = stub
        .send_json(&spec, stub.clerk.users().update("user_1").send())
        .await;
    assert_eq!(body, json!({}));
}

#[tokio::test]
async fn bulk_ban_and_unban_bodies_validate() {
    let Some(spec) = Spec::load() else { return };
    let stub = Stub::start(&spec, "UsersBan", &[]).await;
    let body = stub
        .send_json(
            &spec,
            stub.clerk.users().ban_many(["user_1", "user_2"]).send(),
        )
        .await;
    assert_every_property_sent(&spec, "UsersBan", &body);

    let stub = Stub::start(&spec, "UsersUnban", &[]).await;
    let body = stub
        .send_json(&spec, stub.clerk.users().unban_many(["user_1"]).send())
        .await;
    assert_every_property_sent(&spec, "UsersUnban", &body);
}

#[tokio::test]
async fn metadata_bodies_validate() {
    let Some(spec) = Spec::load() else { return };
    for op_id in ["UpdateUserMetadata", "ReplaceUserMetadata"] {
        let users = |clerk: &Clerk| {
            let users = clerk.users();
            if op_id == "UpdateUserMetadata" {
                users.merge_metadata("user_1")
            } else {
                users.replace_metadata("user_1")
            }
        };
        let stub = Stub::start(&spec, op_id, &["user_1"]).await;
        let every = users(&stub.clerk)
            .public_metadata(json!({"plan": "pro", "trial": null}))
            .private_metadata(metadata())
            .unsafe_metadata(json!({}));
        let body = stub.send_json(&spec, every.send()).await;
        assert_every_property_sent(&spec, op_id, &body);

        let stub = Stub::start(&spec, op_id, &["user_1"]).await;
        let body = stub.send_json(&spec, users(&stub.clerk).send()).await;
        assert_eq!(body, json!({}), "{op_id}");
    }
}

#[tokio::test]
async fn credit_adjustment_bodies_validate() {
    let Some(spec) = Spec::load() else { return };
    let op_id = "AdjustUserBillingCreditBalance";
    let stub = Stub::start(&spec, op_id, &["user_1"]).await;
    let every = stub
        .clerk
        .users()
        .adjust_billing_credit_balance("user_1", 500, CreditAdjustmentAction::Increase, "key-1")
        .currency("USD")
        .note("refund for order 42");
    let body = stub.send_json(&spec, every.send()).await;
    assert_every_property_sent(&spec, op_id, &body);

    let stub = Stub::start(&spec, op_id, &["user_1"]).await;
    let required_only = stub.clerk.users().adjust_billing_credit_balance(
        "user_1",
        1,
        CreditAdjustmentAction::Decrease,
        "key-2",
    );
    let body = stub.send_json(&spec, required_only.send()).await;
    assert_eq!(
        body,
        json!({"amount": 1, "action": "decrease", "idempotency_key": "key-2"})
    );
}

#[tokio::test]
async fn password_and_code_bodies_validate() {
    let Some(spec) = Spec::load() else { return };
    let user = "user_1";

    let stub = Stub::start(&spec, "RemoveUserPassword", &[user]).await;
    let every = stub
        .clerk
        .users()
        .remove_password(user)
        .sign_out_of_other_sessions(true);
    let body = stub.send_json(&spec, every.send()).await;
    assert_every_property_sent(&spec, "RemoveUserPassword", &body);
    let stub = Stub::start(&spec, "RemoveUserPassword", &[user]).await;
    let body = stub
        .send_json(&spec, stub.clerk.users().remove_password(user).send())
        .await;
    assert_eq!(body, json!({}));

    let stub = Stub::start(&spec, "SetUserPasswordCompromised", &[user]).await;
    let every = stub
        .clerk
        .users()
        .set_password_compromised(user)
        .revoke_all_sessions(true);
    let body = stub.send_json(&spec, every.send()).await;
    assert_every_property_sent(&spec, "SetUserPasswordCompromised", &body);
    let stub = Stub::start(&spec, "SetUserPasswordCompromised", &[user]).await;
    let body = stub
        .send_json(
            &spec,
            stub.clerk.users().set_password_compromised(user).send(),
        )
        .await;
    assert_eq!(body, json!({}));

    let stub = Stub::start(&spec, "VerifyPassword", &[user]).await;
    let call = stub.clerk.users().verify_password(user, "hunter22").send();
    let body = stub.send_json(&spec, call).await;
    assert_every_property_sent(&spec, "VerifyPassword", &body);

    let stub = Stub::start(&spec, "VerifyTOTP", &[user]).await;
    let call = stub.clerk.users().verify_totp(user, "123456").send();
    let body = stub.send_json(&spec, call).await;
    assert_every_property_sent(&spec, "VerifyTOTP", &body);
}

#[tokio::test]
async fn profile_image_is_a_multipart_file_field() {
    let Some(spec) = Spec::load() else { return };
    let op_id = "SetUserProfileImage";
    let schema = spec
        .request_body_schema(op_id, "multipart/form-data")
        .expect("a multipart body in the spec");
    let stub = Stub::start(&spec, op_id, &["user_1"]).await;
    let png = b"\x89PNG\r\n\x1a\n not really a png".to_vec();
    let image = ProfileImage::from_bytes(png.clone(), "avatar.png", "image/png").unwrap();
    let request = stub
        .send(stub.clerk.users().set_profile_image("user_1", image).send())
        .await;

    let content_type = header(&request, "content-type");
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("content-type {content_type:?}"));
    let body = String::from_utf8_lossy(&request.body);
    let fields: BTreeSet<String> = body
        .split(&format!("--{boundary}"))
        .filter_map(|part| {
            let name = part.split("name=\"").nth(1)?;
            Some(name[..name.find('"')?].to_owned())
        })
        .collect();
    assert_eq!(fields, BTreeSet::from(["file".to_owned()]));
    assert!(
        property_names(&schema).contains("file"),
        "the spec's multipart schema has no `file`: {schema}"
    );
    assert!(body.contains("filename=\"avatar.png\""), "{body}");
    assert!(body.contains("image/png"), "{body}");
    assert!(
        request.body.windows(png.len()).any(|w| w == png.as_slice()),
        "the image bytes are not in the body"
    );
}
