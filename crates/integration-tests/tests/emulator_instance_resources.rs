//! JWT templates (and the tokens they shape), instance invitations, the allow-list and
//! block-list, and email addresses and phone numbers as their own resources, against the
//! emulator over loopback; every JSON answer is then checked against the OpenAPI spec.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use clerk_backend::models::{
    AllowlistIdentifier, BlocklistIdentifier, DeletedObject, EmailAddress, IdentifierType,
    Invitation, InvitationStatus, PhoneNumber, Session, SessionToken, User,
};
use clerk_backend::{Clerk, Error, Method};
use data_encoding::BASE64URL_NOPAD;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Sends a request and decodes the answer as `T`.
async fn call<T: DeserializeOwned>(
    clerk: &Clerk,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<T, Error> {
    let request = clerk.request(method, path);
    match body {
        Some(b) => request.json(&b).send().await,
        None => request.send().await,
    }
}

/// Sends a request that must succeed.
async fn ok<T: DeserializeOwned>(clerk: &Clerk, method: Method, path: &str, body: Value) -> T {
    let body = (!body.is_null()).then_some(body);
    let shown = format!("{method} {path}");
    call(clerk, method, path, body)
        .await
        .unwrap_or_else(|e| panic!("{shown}: {e:?}"))
}

/// Sends a request that must fail with this status and code; returns the error.
async fn fails(
    clerk: &Clerk,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
    code: &str,
) -> Error {
    let body = (!body.is_null()).then_some(body);
    let shown = format!("{method} {path} {body:?}");
    match call::<Value>(clerk, method, path, body).await {
        Ok(v) => panic!("{shown}: expected {status} {code}, got {v}"),
        Err(e) => {
            assert_eq!(
                e.status().map(|s| s.as_u16()),
                Some(status),
                "{shown}: {e:?}"
            );
            assert_eq!(e.code(), Some(code), "{shown}: {e:?}");
            e
        }
    }
}

fn meta(e: &Error, key: &str) -> Value {
    e.errors()[0]
        .meta
        .as_ref()
        .and_then(|m| m.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

async fn new_user(clerk: &Clerk, body: Value) -> User {
    ok(clerk, Method::POST, "/v1/users", body).await
}

async fn get_user(clerk: &Clerk, id: &str) -> User {
    ok(clerk, Method::GET, &format!("/v1/users/{id}"), Value::Null).await
}

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&BASE64URL_NOPAD.decode(part.as_bytes()).unwrap()).unwrap()
}

/// The header and payload of a JWT.
fn decode_jwt(jwt: &str) -> (Value, Value) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    (decode_part(parts[0]), decode_part(parts[1]))
}

// ---- JWT templates ---------------------------------------------------------------------------

#[tokio::test]
async fn jwt_templates_are_managed_and_shape_template_tokens() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    let empty: Value = ok(&clerk, Method::GET, "/v1/jwt_templates", Value::Null).await;
    assert_eq!(empty, json!([]));
    let empty: Value = ok(
        &clerk,
        Method::GET,
        "/v1/jwt_templates?paginated=true",
        Value::Null,
    )
    .await;
    assert_eq!(empty, json!({"data": [], "total_count": 0}));

    let claims = json!({
        "aud": "authenticated",
        "email": "{{user.primary_email_address}}",
        "phone": "{{user.primary_phone_address}}",
        "name": "{{user.first_name}} {{user.last_name}}",
        "full": "{{user.full_name}}",
        "plan": "{{user.public_metadata.billing.plan}}",
        "meta": "{{user.public_metadata}}",
        "unsafe": "{{user.unsafe_metadata.theme}}",
        "role": "{{user.public_metadata.role || 'member'}}",
        "verified": "{{user.email_verified}}",
        "phone_verified": "{{user.phone_number_verified}}",
        "contact": "{{user.phone_number_verified || user.email_verified}}",
        "created": "{{user.created_at}}",
        "external": "{{user.external_id}}",
        "avatar": "{{user.image_url}}",
        "nested": {"ids": ["{{user.id}}", "static", 7], "deep": {"who": "{{user.first_name}}"}},
        "actor": "{{session.actor}}",
        "org": "{{org.name}}",
        "unknown": "{{user.i_dont_exist}}",
        "count": 3,
    });
    let template: Value = ok(
        &clerk,
        Method::POST,
        "/v1/jwt_templates",
        json!({"name": "backend", "claims": claims, "lifetime": 120, "allowed_clock_skew": 10}),
    )
    .await;
    let template_id = template["id"].as_str().unwrap().to_owned();
    assert!(template_id.starts_with("jtmp_"), "{template}");
    assert_eq!(template["object"], "jwt_template");
    assert_eq!(template["name"], "backend");
    assert_eq!(template["claims"], claims);
    assert_eq!(template["lifetime"], 120);
    assert_eq!(template["allowed_clock_skew"], 10);
    assert_eq!(template["custom_signing_key"], false);
    assert_eq!(template["signing_algorithm"], "RS256");
    assert!(template["created_at"].as_i64().unwrap() > 0);

    // Defaults: 60 s lifetime, 5 s clock skew.
    let plain: Value = ok(
        &clerk,
        Method::POST,
        "/v1/jwt_templates",
        json!({"name": "plain", "claims": {}, "lifetime": null}),
    )
    .await;
    assert_eq!(
        (&plain["lifetime"], &plain["allowed_clock_skew"]),
        (&json!(60), &json!(5))
    );

    // Validation.
    let path = "/v1/jwt_templates";
    let e = fails(
        &clerk,
        Method::POST,
        path,
        json!({"name": "backend", "claims": {}}),
        422,
        "form_identifier_exists",
    )
    .await;
    assert_eq!(e.errors()[0].param_name(), Some("name"));
    for claim in ["sub", "iss", "azp", "exp", "sid", "v"] {
        let e = fails(
            &clerk,
            Method::POST,
            path,
            json!({"name": "bad", "claims": {"ok": 1, claim: "x"}}),
            400,
            "jwt_template_reserved_claim",
        )
        .await;
        assert_eq!(
            e.errors()[0].long_message,
            format!("You can't use the reserved claim: '{claim}'")
        );
    }
    for (field, value) in [
        ("lifetime", 29),
        ("lifetime", 315_360_001),
        ("allowed_clock_skew", -1),
        ("allowed_clock_skew", 301),
    ] {
        let e = fails(
            &clerk,
            Method::POST,
            path,
            json!({"name": "bad", "claims": {}, field: value}),
            422,
            "form_param_value_invalid",
        )
        .await;
        assert_eq!(e.errors()[0].param_name(), Some(field));
    }
    fails(
        &clerk,
        Method::POST,
        path,
        json!({"name": "bad"}),
        422,
        "form_param_missing",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        path,
        json!({"name": "bad", "claims": {}, "lifespan": 60}),
        422,
        "form_param_unknown",
    )
    .await;
    let e = fails(
        &clerk,
        Method::POST,
        path,
        json!({"name": "bad", "claims": {}, "custom_signing_key": true, "signing_key": "k"}),
        422,
        "form_conditional_param_missing",
    )
    .await;
    assert_eq!(e.errors()[0].param_name(), Some("signing_algorithm"));
    let e = fails(
        &clerk,
        Method::POST,
        path,
        json!({"name": "bad", "claims": {}, "custom_signing_key": true,
               "signing_algorithm": "HS256", "signing_key": "secret"}),
        422,
        "form_param_value_invalid",
    )
    .await;
    assert_eq!(e.errors()[0].param_name(), Some("custom_signing_key"));

    // Get, list, update.
    let got: Value = ok(
        &clerk,
        Method::GET,
        &format!("/v1/jwt_templates/{template_id}"),
        Value::Null,
    )
    .await;
    assert_eq!(got, template);
    let e = fails(
        &clerk,
        Method::GET,
        "/v1/jwt_templates/jtmp_missing",
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    assert_eq!(
        e.errors()[0].long_message,
        "No JWT template exists with id: jtmp_missing"
    );
    let listed: Value = ok(&clerk, Method::GET, "/v1/jwt_templates", Value::Null).await;
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["plain", "backend"], "newest first");
    let page: Value = ok(
        &clerk,
        Method::GET,
        "/v1/jwt_templates?paginated=true&limit=1&offset=1",
        Value::Null,
    )
    .await;
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["data"][0]["name"], "backend");

    let updated: Value = ok(
        &clerk,
        Method::PATCH,
        &format!("/v1/jwt_templates/{template_id}"),
        json!({"name": "backend", "claims": claims, "lifetime": 300}),
    )
    .await;
    assert_eq!(updated["lifetime"], 300);
    assert_eq!(updated["allowed_clock_skew"], 10, "left out: kept");
    assert_eq!(updated["created_at"], template["created_at"]);
    fails(
        &clerk,
        Method::PATCH,
        &format!("/v1/jwt_templates/{template_id}"),
        json!({"name": "plain", "claims": {}}),
        422,
        "form_identifier_exists",
    )
    .await;
    fails(
        &clerk,
        Method::PATCH,
        &format!("/v1/jwt_templates/{template_id}"),
        json!({"name": "backend", "claims": {"nbf": 1}}),
        400,
        "jwt_template_reserved_claim",
    )
    .await;
    fails(
        &clerk,
        Method::PATCH,
        "/v1/jwt_templates/jtmp_missing",
        json!({"name": "x", "claims": {}}),
        404,
        "resource_not_found",
    )
    .await;

    // A token from the template.
    let user = new_user(
        &clerk,
        json!({
            "email_address": ["ada@example.com"],
            "first_name": "Ada",
            "last_name": "Lovelace",
            "public_metadata": {"billing": {"plan": "pro"}},
            "unsafe_metadata": {"theme": "dark"},
        }),
    )
    .await;
    let session: Session = ok(
        &clerk,
        Method::POST,
        "/v1/sessions",
        json!({"user_id": user.id}),
    )
    .await;
    let token: SessionToken = ok(
        &clerk,
        Method::POST,
        &format!("/v1/sessions/{}/tokens/backend", session.id),
        Value::Null,
    )
    .await;
    assert_eq!(token.object, "token");
    let (header, payload) = decode_jwt(token.jwt.expose());
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    assert_eq!(header["kid"], emulator.instance_id());
    assert_eq!(header["cat"], "cl_B7d4PD222AAA");
    let iat = payload["iat"].as_i64().unwrap();
    assert!((iat - now_ms() / 1000).abs() <= 5, "{payload}");
    assert_eq!(payload["exp"].as_i64().unwrap() - iat, 300, "lifetime");
    assert_eq!(iat - payload["nbf"].as_i64().unwrap(), 10, "clock skew");
    assert_eq!(payload["iss"], emulator.issuer());
    assert_eq!(payload["sub"], user.id.as_str());
    assert!(payload["jti"].as_str().is_some_and(|j| !j.is_empty()));
    for absent in ["sid", "v", "azp", "fva", "sts"] {
        assert!(payload.get(absent).is_none(), "{absent} in {payload}");
    }
    let expected = json!({
        "aud": "authenticated",
        "email": "ada@example.com",
        "phone": null,
        "name": "Ada Lovelace",
        "full": "Ada Lovelace",
        "plan": "pro",
        "meta": {"billing": {"plan": "pro"}},
        "unsafe": "dark",
        "role": "member",
        "verified": true,
        "phone_verified": false,
        "contact": true,
        "created": user.created_at / 1000,
        "external": null,
        "avatar": user.image_url,
        "nested": {"ids": [user.id, "static", 7], "deep": {"who": "Ada"}},
        "actor": null,
        "org": null,
        "unknown": null,
        "count": 3,
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&payload[key], value, "claim {key} in {payload}");
    }

    // A lifetime asked for, the other template, unknown templates.
    let token: SessionToken = ok(
        &clerk,
        Method::POST,
        &format!("/v1/sessions/{}/tokens/plain", session.id),
        json!({"expires_in_seconds": 45}),
    )
    .await;
    let (_, payload) = decode_jwt(token.jwt.expose());
    let iat = payload["iat"].as_i64().unwrap();
    assert_eq!(payload["exp"].as_i64().unwrap() - iat, 45);
    assert_eq!(iat - payload["nbf"].as_i64().unwrap(), 5);
    fails(
        &clerk,
        Method::POST,
        &format!("/v1/sessions/{}/tokens/nope", session.id),
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;

    // Delete.
    let gone: DeletedObject = ok(
        &clerk,
        Method::DELETE,
        &format!("/v1/jwt_templates/{template_id}"),
        Value::Null,
    )
    .await;
    assert_eq!(
        (gone.object.as_str(), gone.id.as_deref(), gone.deleted),
        ("jwt_template", Some(template_id.as_str()), true)
    );
    fails(
        &clerk,
        Method::DELETE,
        &format!("/v1/jwt_templates/{template_id}"),
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        &format!("/v1/sessions/{}/tokens/backend", session.id),
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;

    let checked = common::validate_traffic(&emulator);
    eprintln!("checked {checked} answers against the spec");
}

// ---- invitations -----------------------------------------------------------------------------

#[tokio::test]
async fn invitations_are_unique_per_address_expire_and_revoke_once() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let day = 86_400_000;

    let before = now_ms();
    let inv: Invitation = ok(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "zoe@example.com", "public_metadata": {"team": "a"},
               "redirect_url": "https://app.example/welcome", "notify": false}),
    )
    .await;
    assert!(inv.id.starts_with("inv_"), "{inv:?}");
    assert_eq!(inv.object, "invitation");
    assert_eq!(inv.status, InvitationStatus::Pending);
    assert_eq!(inv.revoked, Some(false));
    assert_eq!(inv.public_metadata["team"], "a");
    assert!(inv.url.as_deref().is_some_and(|u| u.contains("ticket=")));
    let expires = inv.expires_at.unwrap();
    assert!(expires >= before + 30 * day && expires <= now_ms() + 30 * day);

    let week: Invitation = ok(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "amy@example.com", "expires_in_days": 7,
               "template_slug": "waitlist_invitation"}),
    )
    .await;
    assert!(week.expires_at.unwrap() <= now_ms() + 7 * day);

    // Refusals.
    for days in [0, 366] {
        let e = fails(
            &clerk,
            Method::POST,
            "/v1/invitations",
            json!({"email_address": "x@example.com", "expires_in_days": days}),
            422,
            "form_param_value_invalid",
        )
        .await;
        assert_eq!(e.errors()[0].param_name(), Some("expires_in_days"));
    }
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "not-an-email"}),
        422,
        "form_param_format_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "x@example.com", "template_slug": "other"}),
        422,
        "form_param_value_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({}),
        422,
        "form_param_missing",
    )
    .await;
    let e = fails(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "ZOE@example.com"}),
        400,
        "duplicate_record",
    )
    .await;
    assert_eq!(meta(&e, "email_addresses"), json!(["ZOE@example.com"]));
    assert!(
        e.errors()[0]
            .long_message
            .starts_with("There are already pending invitations")
    );
    new_user(&clerk, json!({"email_address": ["member@example.com"]})).await;
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "member@example.com"}),
        400,
        "duplicate_record",
    )
    .await;
    // `ignore_existing` lets both through.
    let again: Invitation = ok(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "zoe@example.com", "ignore_existing": true}),
    )
    .await;
    assert_ne!(again.id, inv.id);
    ok::<Invitation>(
        &clerk,
        Method::POST,
        "/v1/invitations",
        json!({"email_address": "member@example.com", "ignore_existing": true}),
    )
    .await;

    // Bulk: all or none, an existing user refused even with `ignore_existing`.
    let bulk: Vec<Invitation> = ok(
        &clerk,
        Method::POST,
        "/v1/invitations/bulk",
        json!([
            {"email_address": "b1@example.com", "expires_in_days": 2},
            {"email_address": "b2@example.com", "public_metadata": null},
            {"email_address": "amy@example.com", "ignore_existing": true},
        ]),
    )
    .await;
    assert_eq!(bulk.len(), 3);
    assert!(bulk.iter().all(|i| i.status == InvitationStatus::Pending));
    let e = fails(
        &clerk,
        Method::POST,
        "/v1/invitations/bulk",
        json!([
            {"email_address": "b3@example.com"},
            {"email_address": "member@example.com", "ignore_existing": true},
            {"email_address": "b1@example.com"},
        ]),
        400,
        "duplicate_record",
    )
    .await;
    assert_eq!(
        meta(&e, "email_addresses"),
        json!(["member@example.com", "b1@example.com"])
    );
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations/bulk",
        json!([{"email_address": "b4@example.com"}, {"email_address": "b4@example.com"}]),
        400,
        "duplicate_record",
    )
    .await;
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"email_address": format!("many{i}@example.com")}))
        .collect();
    for body in [json!(eleven), json!([])] {
        fails(
            &clerk,
            Method::POST,
            "/v1/invitations/bulk",
            body,
            422,
            "form_param_value_invalid",
        )
        .await;
    }
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations/bulk",
        json!({"email_address": "b5@example.com"}),
        400,
        "request_body_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/invitations/bulk",
        json!([{"email_address": "b5@example.com", "colour": "red"}]),
        422,
        "form_param_unknown",
    )
    .await;
    let listed: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?limit=100",
        Value::Null,
    )
    .await;
    assert!(
        !listed.iter().any(|i| i.email_address == "b3@example.com"),
        "a refused bulk creates nothing"
    );

    // Lists: newest first, filters, order, pages.
    assert_eq!(listed.len(), 7);
    assert!(
        listed
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at)
    );
    assert_eq!(listed.last().unwrap().id, inv.id);
    let page: Value = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?paginated=true&limit=2&offset=1",
        Value::Null,
    )
    .await;
    assert_eq!(page["total_count"], 7);
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    let zoes: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?query=ZOE",
        Value::Null,
    )
    .await;
    assert_eq!(zoes.len(), 2);
    let by_id: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        &format!("/v1/invitations?query={}", inv.id),
        Value::Null,
    )
    .await;
    assert_eq!(by_id.len(), 1);
    let by_email: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?order_by=email_address&limit=3",
        Value::Null,
    )
    .await;
    let emails: Vec<&str> = by_email.iter().map(|i| i.email_address.as_str()).collect();
    assert_eq!(
        emails,
        ["amy@example.com", "amy@example.com", "b1@example.com"]
    );
    let soonest: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?order_by=%2Bexpires_at&limit=1",
        Value::Null,
    )
    .await;
    assert_eq!(soonest[0].email_address, "b1@example.com");
    for bad in ["status=lost", "order_by=name"] {
        fails(
            &clerk,
            Method::GET,
            &format!("/v1/invitations?{bad}"),
            Value::Null,
            422,
            "form_param_value_invalid",
        )
        .await;
    }

    // Revoke once.
    let revoked: Invitation = ok(
        &clerk,
        Method::POST,
        &format!("/v1/invitations/{}/revoke", inv.id),
        Value::Null,
    )
    .await;
    assert_eq!(revoked.status, InvitationStatus::Revoked);
    assert_eq!(revoked.revoked, Some(true));
    assert!(revoked.updated_at >= inv.updated_at);
    let e = fails(
        &clerk,
        Method::POST,
        &format!("/v1/invitations/{}/revoke", inv.id),
        Value::Null,
        400,
        "invitation_already_revoked",
    )
    .await;
    assert_eq!(e.errors()[0].message, "Invitation is already revoked.");
    let e = fails(
        &clerk,
        Method::POST,
        "/v1/invitations/inv_missing/revoke",
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    assert_eq!(
        e.errors()[0].long_message,
        "No invitation was found with id inv_missing."
    );
    let pending: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?status=pending&limit=100",
        Value::Null,
    )
    .await;
    assert_eq!(pending.len(), 6);
    let default: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?limit=100",
        Value::Null,
    )
    .await;
    assert!(
        default.iter().all(|i| i.id != inv.id),
        "revoked ones are left out by default"
    );
    let revoked_list: Vec<Invitation> = ok(
        &clerk,
        Method::GET,
        "/v1/invitations?status=revoked",
        Value::Null,
    )
    .await;
    assert_eq!(revoked_list.len(), 1);
    assert_eq!(revoked_list[0].id, inv.id);

    let checked = common::validate_traffic(&emulator);
    eprintln!("checked {checked} answers against the spec");
}

// ---- allow-list and block-list ---------------------------------------------------------------

#[tokio::test]
async fn allow_and_block_lists_decide_who_may_sign_up() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    let none: Value = ok(
        &clerk,
        Method::GET,
        "/v1/blocklist_identifiers",
        Value::Null,
    )
    .await;
    assert_eq!(none, json!({"data": [], "total_count": 0}));
    let none: Value = ok(
        &clerk,
        Method::GET,
        "/v1/allowlist_identifiers",
        Value::Null,
    )
    .await;
    assert_eq!(none, json!([]));

    // The block-list.
    let blocked: BlocklistIdentifier = ok(
        &clerk,
        Method::POST,
        "/v1/blocklist_identifiers",
        json!({"identifier": "Mallory@Example.com"}),
    )
    .await;
    assert!(
        blocked
            .id
            .as_deref()
            .is_some_and(|i| i.starts_with("blid_"))
    );
    assert_eq!(blocked.object.as_deref(), Some("blocklist_identifier"));
    assert_eq!(blocked.identifier.as_deref(), Some("mallory@example.com"));
    assert_eq!(blocked.identifier_type, Some(IdentifierType::EmailAddress));
    assert_eq!(blocked.instance_id.as_deref(), Some(emulator.instance_id()));
    let domain: BlocklistIdentifier = ok(
        &clerk,
        Method::POST,
        "/v1/blocklist_identifiers",
        json!({"identifier": "*@spam.example"}),
    )
    .await;
    let phone: BlocklistIdentifier = ok(
        &clerk,
        Method::POST,
        "/v1/blocklist_identifiers",
        json!({"identifier": "+15555550199"}),
    )
    .await;
    assert_eq!(phone.identifier_type, Some(IdentifierType::PhoneNumber));
    let e = fails(
        &clerk,
        Method::POST,
        "/v1/blocklist_identifiers",
        json!({"identifier": "mallory@example.com"}),
        400,
        "duplicate_record",
    )
    .await;
    assert_eq!(
        e.errors()[0].long_message,
        "the identifier mallory@example.com already exists"
    );
    fails(
        &clerk,
        Method::POST,
        "/v1/blocklist_identifiers",
        json!({"identifier": "not an identifier"}),
        422,
        "form_param_format_invalid",
    )
    .await;
    let list: Value = ok(
        &clerk,
        Method::GET,
        "/v1/blocklist_identifiers",
        Value::Null,
    )
    .await;
    assert_eq!(list["total_count"], 3);
    assert_eq!(
        list["data"][0]["identifier"], "+15555550199",
        "newest first"
    );

    for (body, refused) in [
        (
            json!({"email_address": ["mallory@example.com"]}),
            "mallory@example.com",
        ),
        (
            json!({"email_address": ["MALLORY+alt@example.com"]}),
            "MALLORY+alt@example.com",
        ),
        (
            json!({"email_address": ["eve@spam.example"]}),
            "eve@spam.example",
        ),
        (
            json!({"email_address": ["ok@example.com"], "phone_number": ["+15555550199"]}),
            "+15555550199",
        ),
    ] {
        let e = fails(
            &clerk,
            Method::POST,
            "/v1/users",
            body,
            403,
            "not_allowed_access",
        )
        .await;
        assert_eq!(meta(&e, "identifiers"), json!([refused]));
        assert_eq!(e.errors()[0].message, "Access not allowed.");
        assert_eq!(
            e.errors()[0].long_message,
            format!("{refused} is not allowed to access this application.")
        );
    }
    let users: Vec<User> = ok(&clerk, Method::GET, "/v1/users", Value::Null).await;
    assert!(users.is_empty(), "refused users are not created");
    let bob = new_user(&clerk, json!({"email_address": ["bob@example.com"]})).await;
    // Adding a blocked address to a user is refused the same way.
    fails(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": bob.id, "email_address": "x@spam.example", "verified": true}),
        403,
        "not_allowed_access",
    )
    .await;

    // The allow-list applies once it has an entry.
    let corp: AllowlistIdentifier = ok(
        &clerk,
        Method::POST,
        "/v1/allowlist_identifiers",
        json!({"identifier": "*@corp.example"}),
    )
    .await;
    assert!(corp.id.as_deref().is_some_and(|i| i.starts_with("alid_")));
    assert_eq!(corp.object.as_deref(), Some("allowlist_identifier"));
    assert_eq!(corp.identifier_type, Some(IdentifierType::EmailAddress));
    assert_eq!(corp.invitation_id, None);
    let e = fails(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"email_address": ["carol@other.example"]}),
        403,
        "not_allowed_access",
    )
    .await;
    assert_eq!(meta(&e, "identifiers"), json!(["carol@other.example"]));
    new_user(&clerk, json!({"email_address": ["carol@corp.example"]})).await;
    // Every identifier must be allowed: a phone number not on the list is refused.
    fails(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"email_address": ["dan@corp.example"], "phone_number": ["+15555550100"]}),
        403,
        "not_allowed_access",
    )
    .await;
    let allowed_phone: AllowlistIdentifier = ok(
        &clerk,
        Method::POST,
        "/v1/allowlist_identifiers",
        json!({"identifier": "+15555550100"}),
    )
    .await;
    assert_eq!(
        allowed_phone.identifier_type,
        Some(IdentifierType::PhoneNumber)
    );
    new_user(
        &clerk,
        json!({"email_address": ["dan@corp.example"], "phone_number": ["+15555550100"]}),
    )
    .await;
    // An identifier on both lists is allowed.
    ok::<AllowlistIdentifier>(
        &clerk,
        Method::POST,
        "/v1/allowlist_identifiers",
        json!({"identifier": "mallory@example.com"}),
    )
    .await;
    new_user(&clerk, json!({"email_address": ["mallory@example.com"]})).await;
    // `notify` invites the address.
    let invited: AllowlistIdentifier = ok(
        &clerk,
        Method::POST,
        "/v1/allowlist_identifiers",
        json!({"identifier": "erin@corp.example", "notify": true}),
    )
    .await;
    let invitation_id = invited.invitation_id.clone().unwrap();
    assert!(invitation_id.starts_with("inv_"));
    let invitations: Vec<Invitation> =
        ok(&clerk, Method::GET, "/v1/invitations", Value::Null).await;
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].id, invitation_id);
    assert_eq!(invitations[0].email_address, "erin@corp.example");
    fails(
        &clerk,
        Method::POST,
        "/v1/allowlist_identifiers",
        json!({"identifier": "*@CORP.example"}),
        400,
        "duplicate_record",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/allowlist_identifiers",
        json!({}),
        422,
        "form_param_missing",
    )
    .await;

    let all: Vec<AllowlistIdentifier> = ok(
        &clerk,
        Method::GET,
        "/v1/allowlist_identifiers",
        Value::Null,
    )
    .await;
    assert_eq!(all.len(), 4);
    assert_eq!(all[0].id, invited.id, "newest first");
    let page: Value = ok(
        &clerk,
        Method::GET,
        "/v1/allowlist_identifiers?paginated=true&limit=1",
        Value::Null,
    )
    .await;
    assert_eq!(page["total_count"], 4);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);

    // Deleting entries lifts them.
    for entry in &all {
        let id = entry.id.clone().unwrap();
        let gone: DeletedObject = ok(
            &clerk,
            Method::DELETE,
            &format!("/v1/allowlist_identifiers/{id}"),
            Value::Null,
        )
        .await;
        assert_eq!(
            (gone.object.as_str(), gone.id.as_deref(), gone.deleted),
            ("allowlist_identifier", Some(id.as_str()), true)
        );
    }
    fails(
        &clerk,
        Method::DELETE,
        &format!("/v1/allowlist_identifiers/{}", corp.id.unwrap()),
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    new_user(&clerk, json!({"email_address": ["carol@other.example"]})).await;
    for entry in [&blocked, &domain, &phone] {
        let id = entry.id.clone().unwrap();
        let gone: DeletedObject = ok(
            &clerk,
            Method::DELETE,
            &format!("/v1/blocklist_identifiers/{id}"),
            Value::Null,
        )
        .await;
        assert_eq!(gone.object, "blocklist_identifier");
    }
    fails(
        &clerk,
        Method::DELETE,
        &format!("/v1/blocklist_identifiers/{}", phone.id.clone().unwrap()),
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    new_user(&clerk, json!({"email_address": ["eve@spam.example"]})).await;

    let checked = common::validate_traffic(&emulator);
    eprintln!("checked {checked} answers against the spec");
}

// ---- email addresses and phone numbers -------------------------------------------------------

#[tokio::test]
async fn email_addresses_are_added_verified_made_primary_and_removed() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    let ada = new_user(
        &clerk,
        json!({"email_address": ["ada@example.com"], "username": "ada_l"}),
    )
    .await;
    let first_primary = ada.primary_email_address_id.clone().unwrap();

    // An unverified address: held by nobody, not primary.
    let spare: EmailAddress = ok(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": ada.id, "email_address": "spare@example.com"}),
    )
    .await;
    assert!(spare.id.as_deref().is_some_and(|i| i.starts_with("idn_")));
    assert_eq!(spare.object, "email_address");
    assert!(!spare.reserved);
    assert_eq!(spare.verification, None);
    let user = get_user(&clerk, &ada.id).await;
    assert_eq!(user.email_addresses.len(), 2);
    assert_eq!(
        user.primary_email_address_id.as_deref(),
        Some(first_primary.as_str())
    );
    assert!(user.updated_at >= ada.updated_at);

    // A verified one, made primary.
    let work: EmailAddress = ok(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": ada.id, "email_address": "ada@work.example", "verified": true,
               "primary": true, "notify_primary_email_address_changed": false}),
    )
    .await;
    assert!(work.is_verified());
    let user = get_user(&clerk, &ada.id).await;
    assert_eq!(user.primary_email_address_id, work.id);

    // Refusals.
    fails(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": ada.id, "email_address": "x@example.com", "primary": true}),
        422,
        "form_param_value_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": ada.id, "email_address": "nope"}),
        422,
        "form_param_format_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": "user_missing", "email_address": "x@example.com"}),
        404,
        "resource_not_found",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"email_address": "x@example.com"}),
        422,
        "form_param_missing",
    )
    .await;
    for taken in ["SPARE@example.com", "ada@example.com"] {
        let e = fails(
            &clerk,
            Method::POST,
            "/v1/email_addresses",
            json!({"user_id": ada.id, "email_address": taken}),
            422,
            "form_identifier_exists",
        )
        .await;
        assert_eq!(e.errors()[0].param_name(), Some("email_address"));
    }
    let bob = new_user(&clerk, json!({"email_address": ["bob@example.com"]})).await;
    fails(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": bob.id, "email_address": "ada@work.example"}),
        422,
        "form_identifier_exists",
    )
    .await;

    // An unverified address may sit on two users until one verifies it.
    let bobs_spare: EmailAddress = ok(
        &clerk,
        Method::POST,
        "/v1/email_addresses",
        json!({"user_id": bob.id, "email_address": "spare@example.com"}),
    )
    .await;
    let verified: EmailAddress = ok(
        &clerk,
        Method::PATCH,
        &format!("/v1/email_addresses/{}", bobs_spare.id.as_deref().unwrap()),
        json!({"verified": true}),
    )
    .await;
    assert!(verified.is_verified());
    let spare_path = format!("/v1/email_addresses/{}", spare.id.as_deref().unwrap());
    fails(
        &clerk,
        Method::PATCH,
        &spare_path,
        json!({"verified": true}),
        422,
        "form_identifier_exists",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"email_address": ["spare@example.com"]}),
        422,
        "form_identifier_exists",
    )
    .await;

    // Get.
    let got: EmailAddress = ok(&clerk, Method::GET, &spare_path, Value::Null).await;
    assert_eq!(got, spare);
    let e = fails(
        &clerk,
        Method::GET,
        "/v1/email_addresses/idn_missing",
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    assert_eq!(e.errors()[0].message, "Resource not found");

    // Primary moves back; taking the verification back hands primary over.
    let first_path = format!("/v1/email_addresses/{first_primary}");
    let first: EmailAddress =
        ok(&clerk, Method::PATCH, &first_path, json!({"primary": true})).await;
    assert!(first.is_verified());
    assert_eq!(
        get_user(&clerk, &ada.id).await.primary_email_address_id,
        first.id
    );
    fails(
        &clerk,
        Method::PATCH,
        &spare_path,
        json!({"primary": true}),
        422,
        "form_param_value_invalid",
    )
    .await;
    let unverified: EmailAddress = ok(
        &clerk,
        Method::PATCH,
        &first_path,
        json!({"verified": false}),
    )
    .await;
    assert_eq!(unverified.verification, None);
    let user = get_user(&clerk, &ada.id).await;
    assert_eq!(user.primary_email_address_id, work.id);
    // Unverified, its address is free for others.
    let carol = new_user(&clerk, json!({"email_address": ["ada@example.com"]})).await;
    assert_eq!(
        carol.email_addresses[0].email_address,
        "ada@example.com".to_owned()
    );
    fails(
        &clerk,
        Method::PATCH,
        &first_path,
        json!({"verified": true}),
        422,
        "form_identifier_exists",
    )
    .await;
    fails(
        &clerk,
        Method::PATCH,
        "/v1/email_addresses/idn_missing",
        json!({"verified": true}),
        404,
        "resource_not_found",
    )
    .await;

    // Delete: the primary hands over again; the address is free.
    let work_path = format!("/v1/email_addresses/{}", work.id.as_deref().unwrap());
    let gone: DeletedObject = ok(&clerk, Method::DELETE, &work_path, Value::Null).await;
    assert_eq!(
        (gone.object.as_str(), gone.id.as_deref(), gone.deleted),
        ("email_address", work.id.as_deref(), true)
    );
    fails(
        &clerk,
        Method::GET,
        &work_path,
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    fails(
        &clerk,
        Method::DELETE,
        &work_path,
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    let user = get_user(&clerk, &ada.id).await;
    assert_eq!(user.email_addresses.len(), 2);
    assert_eq!(
        user.primary_email_address_id, None,
        "no verified address left"
    );
    new_user(&clerk, json!({"email_address": ["ada@work.example"]})).await;
    // The last identification stays.
    let solo = new_user(&clerk, json!({"email_address": ["solo@example.com"]})).await;
    let e = fails(
        &clerk,
        Method::DELETE,
        &format!(
            "/v1/email_addresses/{}",
            solo.email_addresses[0].id.as_deref().unwrap()
        ),
        Value::Null,
        400,
        "identification_deletion_failed",
    )
    .await;
    assert_eq!(
        e.errors()[0].long_message,
        "You cannot delete your last identification."
    );

    // Replace: one address, primary, the old ones gone and free.
    let replaced: EmailAddress = ok(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/email_address", ada.id),
        json!({"email_address": "lovelace@example.com"}),
    )
    .await;
    assert!(replaced.is_verified());
    let user = get_user(&clerk, &ada.id).await;
    assert_eq!(user.email_addresses, vec![replaced.clone()]);
    assert_eq!(user.primary_email_address_id, replaced.id);
    fails(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"email_address": ["lovelace@example.com"]}),
        422,
        "form_identifier_exists",
    )
    .await;
    let reserved: EmailAddress = ok(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/email_address", ada.id),
        json!({"email_address": "held@example.com", "identification_status": "reserved"}),
    )
    .await;
    assert!(reserved.reserved);
    assert!(!reserved.is_verified());
    new_user(&clerk, json!({"email_address": ["lovelace@example.com"]})).await;
    fails(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"email_address": ["held@example.com"]}),
        422,
        "form_identifier_exists",
    )
    .await;
    let loose: EmailAddress = ok(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/email_address", ada.id),
        json!({"email_address": "loose@example.com", "identification_status": "unverified"}),
    )
    .await;
    assert!(!loose.reserved);
    assert_eq!(loose.verification, None);
    assert_eq!(
        get_user(&clerk, &ada.id).await.primary_email_address_id,
        loose.id
    );
    new_user(&clerk, json!({"email_address": ["held@example.com"]})).await;
    fails(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/email_address", ada.id),
        json!({"email_address": "x@example.com", "identification_status": "maybe"}),
        422,
        "form_param_value_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/email_address", ada.id),
        json!({"email_address": "bob@example.com"}),
        422,
        "form_identifier_exists",
    )
    .await;
    fails(
        &clerk,
        Method::PUT,
        "/v1/users/user_missing/email_address",
        json!({"email_address": "x@example.com"}),
        404,
        "resource_not_found",
    )
    .await;

    // The Backend API's prepare takes no body parameters (the Frontend API's `strategy` is
    // unknown here); the flow itself is tested in emulator_verifications.rs.
    fails(
        &clerk,
        Method::POST,
        &format!("{spare_path}/prepare_verification"),
        json!({"strategy": "email_code"}),
        422,
        "form_param_unknown",
    )
    .await;

    let checked = common::validate_traffic(&emulator);
    eprintln!("checked {checked} answers against the spec");
}

#[tokio::test]
async fn phone_numbers_are_added_reserved_for_second_factor_and_replaced() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    let ada = new_user(
        &clerk,
        json!({"email_address": ["ada@example.com"], "phone_number": ["+15555550100"]}),
    )
    .await;
    let first_phone = ada.primary_phone_number_id.clone().unwrap();
    assert!(!ada.two_factor_enabled);

    let spare: PhoneNumber = ok(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": ada.id, "phone_number": "+15555550101"}),
    )
    .await;
    assert!(spare.id.as_deref().is_some_and(|i| i.starts_with("idn_")));
    assert_eq!(spare.object, "phone_number");
    assert_eq!(spare.verification, None);
    assert_eq!(spare.reserved_for_second_factor, Some(false));

    let mfa: PhoneNumber = ok(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": ada.id, "phone_number": "+15555550102", "verified": true,
               "reserved_for_second_factor": true}),
    )
    .await;
    assert_eq!(mfa.reserved_for_second_factor, Some(true));
    assert_eq!(mfa.default_second_factor, Some(true));
    let user = get_user(&clerk, &ada.id).await;
    assert!(user.two_factor_enabled);
    assert_eq!(
        user.primary_phone_number_id.as_deref(),
        Some(first_phone.as_str())
    );
    let backup: PhoneNumber = ok(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": ada.id, "phone_number": "+15555550103", "verified": true,
               "reserved_for_second_factor": true, "primary": true}),
    )
    .await;
    assert_eq!(backup.default_second_factor, Some(false));
    assert_eq!(
        get_user(&clerk, &ada.id).await.primary_phone_number_id,
        backup.id
    );

    // Refusals.
    let e = fails(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": ada.id, "phone_number": "+15555550104",
               "reserved_for_second_factor": true}),
        400,
        "identification_create_second_factor_unverified",
    )
    .await;
    assert_eq!(
        e.errors()[0].long_message,
        "Unverified identifications cannot be a second factor"
    );
    fails(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": ada.id, "phone_number": "555"}),
        422,
        "form_param_format_invalid",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": ada.id, "phone_number": "+15555550100"}),
        422,
        "form_identifier_exists",
    )
    .await;
    fails(
        &clerk,
        Method::POST,
        "/v1/phone_numbers",
        json!({"user_id": "user_missing", "phone_number": "+15555550104"}),
        404,
        "resource_not_found",
    )
    .await;

    // Get, update.
    let spare_path = format!("/v1/phone_numbers/{}", spare.id.as_deref().unwrap());
    let got: PhoneNumber = ok(&clerk, Method::GET, &spare_path, Value::Null).await;
    assert_eq!(got, spare);
    fails(
        &clerk,
        Method::GET,
        "/v1/phone_numbers/idn_missing",
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    fails(
        &clerk,
        Method::PATCH,
        &spare_path,
        json!({"reserved_for_second_factor": true}),
        400,
        "identification_update_second_factor_unverified",
    )
    .await;
    let spare: PhoneNumber = ok(
        &clerk,
        Method::PATCH,
        &spare_path,
        json!({"verified": true, "reserved_for_second_factor": true, "primary": true}),
    )
    .await;
    assert!(spare.is_verified());
    assert_eq!(spare.reserved_for_second_factor, Some(true));
    assert_eq!(spare.default_second_factor, Some(false));
    assert_eq!(
        get_user(&clerk, &ada.id).await.primary_phone_number_id,
        spare.id
    );
    // The default second factor leaves: the next one takes over.
    let mfa_path = format!("/v1/phone_numbers/{}", mfa.id.as_deref().unwrap());
    let mfa: PhoneNumber = ok(
        &clerk,
        Method::PATCH,
        &mfa_path,
        json!({"reserved_for_second_factor": false}),
    )
    .await;
    assert_eq!(mfa.default_second_factor, Some(false));
    let user = get_user(&clerk, &ada.id).await;
    let defaults: Vec<&str> = user
        .phone_numbers
        .iter()
        .filter(|p| p.default_second_factor == Some(true))
        .map(|p| p.phone_number.as_str())
        .collect();
    assert_eq!(defaults, ["+15555550101"]);

    // Delete.
    let gone: DeletedObject = ok(&clerk, Method::DELETE, &mfa_path, Value::Null).await;
    assert_eq!((gone.object.as_str(), gone.deleted), ("phone_number", true));
    fails(
        &clerk,
        Method::DELETE,
        &mfa_path,
        Value::Null,
        404,
        "resource_not_found",
    )
    .await;
    ok::<User>(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"phone_number": ["+15555550102"]}),
    )
    .await;
    // A user's only identification cannot become a second factor only.
    let solo = new_user(&clerk, json!({"phone_number": ["+15555550150"]})).await;
    let solo_path = format!(
        "/v1/phone_numbers/{}",
        solo.phone_numbers[0].id.as_deref().unwrap()
    );
    fails(
        &clerk,
        Method::PATCH,
        &solo_path,
        json!({"reserved_for_second_factor": true}),
        400,
        "identification_update_failed",
    )
    .await;
    fails(
        &clerk,
        Method::DELETE,
        &solo_path,
        Value::Null,
        400,
        "identification_deletion_failed",
    )
    .await;

    // Replace: one number, primary, not a second factor; SMS second factor is gone.
    assert!(get_user(&clerk, &ada.id).await.two_factor_enabled);
    let replaced: PhoneNumber = ok(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/phone_number", ada.id),
        json!({"phone_number": "+15555550160"}),
    )
    .await;
    assert!(replaced.is_verified());
    assert_eq!(replaced.reserved_for_second_factor, Some(false));
    let user = get_user(&clerk, &ada.id).await;
    assert_eq!(user.phone_numbers, vec![replaced.clone()]);
    assert_eq!(user.primary_phone_number_id, replaced.id);
    assert!(!user.two_factor_enabled);
    assert!(user.mfa_disabled_at.is_some());
    assert_eq!(user.email_addresses.len(), 1, "email addresses untouched");
    ok::<User>(
        &clerk,
        Method::POST,
        "/v1/users",
        json!({"phone_number": ["+15555550100"]}),
    )
    .await;
    let reserved: PhoneNumber = ok(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/phone_number", ada.id),
        json!({"phone_number": "+15555550161", "identification_status": "reserved"}),
    )
    .await;
    assert!(reserved.reserved);
    fails(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/phone_number", ada.id),
        json!({"phone_number": "+15555550150"}),
        422,
        "form_identifier_exists",
    )
    .await;
    fails(
        &clerk,
        Method::PUT,
        &format!("/v1/users/{}/phone_number", ada.id),
        json!({"phone_number": "+15555550162", "extra": 1}),
        422,
        "form_param_unknown",
    )
    .await;

    let checked = common::validate_traffic(&emulator);
    eprintln!("checked {checked} answers against the spec");
}

// ---- the models against the spec -------------------------------------------------------------

#[test]
fn the_new_models_decode_every_instance_of_their_schemas() {
    let Some(spec) = spec_oracle::Spec::load() else {
        return;
    };
    fn all<T: DeserializeOwned>(spec: &spec_oracle::Spec, name: &str) {
        let instances = spec.instances(name);
        assert!(!instances.is_empty(), "{name}");
        for (label, instance) in instances {
            if let Err(e) = serde_json::from_value::<T>(instance.clone()) {
                panic!("{name} {label}: {e}\n{instance}");
            }
        }
    }
    all::<Invitation>(&spec, "Invitation");
    all::<AllowlistIdentifier>(&spec, "AllowlistIdentifier");
    all::<BlocklistIdentifier>(&spec, "BlocklistIdentifier");
}
