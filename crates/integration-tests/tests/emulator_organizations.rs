//! Organizations, memberships and organization invitations against the emulator, over HTTP on
//! loopback: every operation with its main errors, the hooks the Users and Sessions operations
//! use (memberships of a user, the `organization_id` filter, the token's `o` claim), the webhook
//! events, and every answer checked against the OpenAPI spec.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use clerk_backend::models::{
    DeletedObject, InvitationStatus, Organization, OrganizationInvitation,
    OrganizationInvitationWithPublicOrganizationData, OrganizationMembership, User,
};
use clerk_backend::{Clerk, Method, Page};
use clerk_emulator::{Emulator, WebhookTarget};
use data_encoding::BASE64URL_NOPAD;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn call<T: DeserializeOwned>(
    clerk: &Clerk,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> clerk_backend::Result<T> {
    let request = clerk.request(method, path);
    match body {
        Some(b) => request.json(&b).send().await,
        None => request.send().await,
    }
}

async fn get<T: DeserializeOwned>(
    clerk: &Clerk,
    path: &str,
    query: &[(&str, &str)],
) -> clerk_backend::Result<T> {
    clerk.request(Method::GET, path).query(query).send().await
}

/// Asserts Clerk's status and code (and `meta.param_name` when given).
fn assert_error(err: &clerk_backend::Error, status: u16, code: &str, param: Option<&str>) {
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(status),
        "status of {err}"
    );
    assert_eq!(err.code(), Some(code), "code of {err}");
    if param.is_some() {
        assert_eq!(err.errors()[0].param_name(), param, "param of {err}");
    }
}

async fn user(clerk: &Clerk, email: &str, first: &str) -> User {
    clerk
        .users()
        .create()
        .email_address([email])
        .first_name(first)
        .await
        .unwrap()
}

async fn org(clerk: &Clerk, body: Value) -> Organization {
    call(clerk, Method::POST, "/v1/organizations", Some(body))
        .await
        .unwrap()
}

fn ids<T>(page: &Page<T>, id: impl Fn(&T) -> &str) -> Vec<String> {
    page.data.iter().map(|x| id(x).to_owned()).collect()
}

fn checked(emulator: &Emulator) {
    let n = common::validate_traffic(emulator);
    if n == 0 {
        eprintln!("spec absent: the answers were not checked against it");
    }
}

#[tokio::test]
async fn organizations_crud_slugs_lists_metadata_and_logo() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&clerk, "ada@example.com", "Ada").await;

    // CreateOrganization: the creator becomes its admin, the slug comes from the name.
    let acme = org(
        &clerk,
        json!({"name": "Acme Corp", "created_by": ada.id, "public_metadata": {"plan": "pro"}}),
    )
    .await;
    assert!(
        acme.id.starts_with("org_") && acme.id.len() == 31,
        "{}",
        acme.id
    );
    assert_eq!(
        (acme.slug.as_str(), acme.name.as_str()),
        ("acme-corp", "Acme Corp")
    );
    assert_eq!(acme.created_by.as_deref(), Some(ada.id.as_str()));
    assert_eq!(acme.max_allowed_memberships, 5, "Clerk's default limit");
    assert!(!acme.has_image && acme.admin_delete_enabled);
    assert_eq!(acme.public_metadata["plan"], "pro");
    assert_eq!(acme.members_count, None, "counts only when asked for");
    let members: Page<OrganizationMembership> = get(
        &clerk,
        &format!("/v1/organizations/{}/memberships", acme.id),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(members.total_count, Some(1));
    assert_eq!(members.data[0].role, "org:admin");
    assert_eq!(members.data[0].role_name.as_deref(), Some("Admin"));
    assert!(
        members.data[0]
            .permissions
            .contains(&"org:sys_memberships:manage".to_owned())
    );

    // Same name again: the derived slug stays unique. A slug given explicitly must be free.
    let acme2 = org(&clerk, json!({"name": "Acme Corp"})).await;
    assert_eq!(acme2.slug, "acme-corp-2");
    assert_eq!(acme2.created_by, None);
    let globex = org(
        &clerk,
        json!({"name": "Globex", "slug": "globex", "max_allowed_memberships": 0,
               "created_at": "2020-01-02T03:04:05Z", "private_metadata": {"crm": 7}}),
    )
    .await;
    assert_eq!(globex.created_at, 1_577_934_245_000);
    assert_eq!(globex.max_allowed_memberships, 0);
    assert_eq!(globex.private_metadata.as_ref().unwrap()["crm"], 7);
    let err = call::<Organization>(
        &clerk,
        Method::POST,
        "/v1/organizations",
        Some(json!({"name": "Other", "slug": "globex"})),
    )
    .await
    .unwrap_err();
    assert_error(&err, 422, "form_identifier_exists", Some("slug"));
    for (body, status, code, param) in [
        (
            json!({"name": "X", "slug": "Not Valid"}),
            422,
            "form_param_format_invalid",
            Some("slug"),
        ),
        (
            json!({"slug": "x"}),
            422,
            "form_param_missing",
            Some("name"),
        ),
        (
            json!({"name": "  "}),
            422,
            "form_param_missing",
            Some("name"),
        ),
        (
            json!({"name": "Visit https://spam.example"}),
            422,
            "form_param_value_invalid",
            Some("name"),
        ),
        (
            json!({"name": "X", "max_allowed_memberships": -1}),
            422,
            "form_param_value_invalid",
            Some("max_allowed_memberships"),
        ),
        (
            json!({"name": "X", "created_by": "user_2doesnotexist0000000000000"}),
            400,
            "organization_creator_not_found",
            None,
        ),
        (
            json!({"name": "X", "favourite_colour": "blue"}),
            422,
            "form_param_unknown",
            Some("favourite_colour"),
        ),
        (
            json!({"name": "X", "created_at": "yesterday"}),
            422,
            "form_param_format_invalid",
            Some("created_at"),
        ),
    ] {
        let err = call::<Organization>(
            &clerk,
            Method::POST,
            "/v1/organizations",
            Some(body.clone()),
        )
        .await
        .unwrap_err();
        assert_error(&err, status, code, param);
    }

    // GetOrganization, by id or by slug, with the counts when asked.
    let by_slug: Organization = get(&clerk, "/v1/organizations/acme-corp", &[])
        .await
        .unwrap();
    assert_eq!(by_slug, acme);
    let counted: Organization = get(
        &clerk,
        &format!("/v1/organizations/{}", acme.id),
        &[
            ("include_members_count", "true"),
            ("include_missing_member_with_elevated_permissions", "true"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(counted.members_count, Some(1));
    assert_eq!(counted.pending_invitations_count, Some(0));
    assert_eq!(
        counted.missing_member_with_elevated_permissions,
        Some(false)
    );
    let err = get::<Organization>(
        &clerk,
        "/v1/organizations/org_2doesnotexist000000000000",
        &[],
    )
    .await
    .unwrap_err();
    assert!(
        err.is_not_found() && err.has_code("resource_not_found"),
        "{err}"
    );

    // ListOrganizations: newest first, paged, filtered and ordered.
    let all: Page<Organization> = get(&clerk, "/v1/organizations", &[]).await.unwrap();
    assert_eq!(all.total_count, Some(3));
    assert_eq!(
        ids(&all, |o| &o.id),
        [acme2.id.as_str(), acme.id.as_str(), globex.id.as_str()],
        "globex was created in 2020"
    );
    let page: Page<Organization> = get(
        &clerk,
        "/v1/organizations",
        &[("limit", "1"), ("offset", "1")],
    )
    .await
    .unwrap();
    assert_eq!(
        (page.total_count, ids(&page, |o| &o.id)),
        (Some(3), vec![acme.id.clone()])
    );
    let found: Page<Organization> = get(&clerk, "/v1/organizations", &[("query", "ACME")])
        .await
        .unwrap();
    assert_eq!(found.total_count, Some(2));
    let found: Page<Organization> = get(&clerk, "/v1/organizations", &[("query", &globex.id)])
        .await
        .unwrap();
    assert_eq!(ids(&found, |o| &o.id), [globex.id.as_str()]);
    let of_ada: Page<Organization> = get(
        &clerk,
        "/v1/organizations",
        &[("user_id", &ada.id), ("include_members_count", "true")],
    )
    .await
    .unwrap();
    assert_eq!(ids(&of_ada, |o| &o.id), [acme.id.as_str()]);
    assert_eq!(of_ada.data[0].members_count, Some(1));
    let not_ada: Page<Organization> = get(
        &clerk,
        "/v1/organizations",
        &[("user_id", &format!("-{}", ada.id))],
    )
    .await
    .unwrap();
    assert_eq!(not_ada.total_count, Some(2));
    let picked: Page<Organization> = clerk
        .request(Method::GET, "/v1/organizations")
        .query(&[
            ("organization_id", &globex.id),
            ("organization_id", &acme2.id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(picked.total_count, Some(2));
    let by_name: Page<Organization> = get(&clerk, "/v1/organizations", &[("order_by", "name")])
        .await
        .unwrap();
    assert_eq!(ids(&by_name, |o| &o.id)[2], globex.id);
    let by_members: Page<Organization> = get(
        &clerk,
        "/v1/organizations",
        &[("order_by", "-members_count")],
    )
    .await
    .unwrap();
    assert_eq!(by_members.data[0].id, acme.id);
    let err = get::<Page<Organization>>(&clerk, "/v1/organizations", &[("order_by", "colour")])
        .await
        .unwrap_err();
    assert_error(&err, 422, "form_param_value_invalid", Some("order_by"));

    // UpdateOrganization; metadata is no longer a parameter of it (2026-05-12).
    let updated: Organization = call(
        &clerk,
        Method::PATCH,
        &format!("/v1/organizations/{}", acme.id),
        Some(json!({"name": "Acme Inc", "slug": "acme", "max_allowed_memberships": 10, "admin_delete_enabled": false})),
    )
    .await
    .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.slug.as_str()),
        ("Acme Inc", "acme")
    );
    assert_eq!(updated.max_allowed_memberships, 10);
    assert!(!updated.admin_delete_enabled && updated.updated_at >= acme.updated_at);
    let path = format!("/v1/organizations/{}", acme.id);
    let err = call::<Organization>(
        &clerk,
        Method::PATCH,
        &path,
        Some(json!({"slug": "globex"})),
    )
    .await
    .unwrap_err();
    assert_error(&err, 422, "form_identifier_exists", Some("slug"));
    let err = call::<Organization>(
        &clerk,
        Method::PATCH,
        &path,
        Some(json!({"public_metadata": {}})),
    )
    .await
    .unwrap_err();
    assert_error(&err, 422, "form_param_unknown", Some("public_metadata"));
    let err = call::<Organization>(
        &clerk,
        Method::PATCH,
        "/v1/organizations/org_2doesnotexist000000000000",
        Some(json!({"name": "x"})),
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    // MergeOrganizationMetadata deep-merges, null deletes; ReplaceOrganizationMetadata swaps.
    let meta = format!("/v1/organizations/{}/metadata", acme.id);
    let merged: Organization = call(
        &clerk,
        Method::PATCH,
        &meta,
        Some(json!({"public_metadata": {"plan": null, "limits": {"seats": 5}}, "private_metadata": {"a": {"b": 1}}})),
    )
    .await
    .unwrap();
    assert_eq!(
        Value::Object(merged.public_metadata.clone()),
        json!({"limits": {"seats": 5}})
    );
    let merged: Organization = call(
        &clerk,
        Method::PATCH,
        &meta,
        Some(json!({"public_metadata": {"limits": {"projects": 2}}})),
    )
    .await
    .unwrap();
    assert_eq!(
        Value::Object(merged.public_metadata.clone()),
        json!({"limits": {"seats": 5, "projects": 2}})
    );
    let replaced: Organization = call(
        &clerk,
        Method::PUT,
        &meta,
        Some(json!({"public_metadata": {"only": true}})),
    )
    .await
    .unwrap();
    assert_eq!(
        Value::Object(replaced.public_metadata.clone()),
        json!({"only": true})
    );
    assert_eq!(
        Value::Object(replaced.private_metadata.clone().unwrap()),
        json!({"a": {"b": 1}}),
        "fields left out stay"
    );
    let big = "x".repeat(9000);
    let err = call::<Organization>(
        &clerk,
        Method::PATCH,
        &meta,
        Some(json!({"public_metadata": {"big": big}})),
    )
    .await
    .unwrap_err();
    assert_error(
        &err,
        422,
        "form_param_exceeds_allowed_size",
        Some("public_metadata"),
    );

    // UploadOrganizationLogo (multipart `file`), served at its URL; DeleteOrganizationLogo.
    let http = reqwest::Client::new();
    let logo_url = format!("{}/v1/organizations/{}/logo", emulator.url(), acme.id);
    let upload = |bytes: &'static [u8], mime: &'static str| {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name("logo")
            .mime_str(mime)
            .unwrap();
        http.put(&logo_url)
            .bearer_auth(emulator.secret_key())
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let answer = upload(PNG, "image/png").await.unwrap();
    assert_eq!(answer.status(), 200);
    let with_logo: Organization = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert!(with_logo.has_image);
    let image_url = with_logo.image_url.clone().unwrap();
    let image = http.get(&image_url).send().await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(&image.bytes().await.unwrap()[..], PNG);
    let bad = upload(b"<svg/>", "image/svg+xml").await.unwrap();
    assert_eq!(bad.status(), 400);
    let empty = http
        .put(&logo_url)
        .bearer_auth(emulator.secret_key())
        .multipart(reqwest::multipart::Form::new().text("uploader_user_id", ada.id.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
    let body: Value = serde_json::from_slice(&empty.bytes().await.unwrap()).unwrap();
    assert_eq!(body["errors"][0]["code"], "form_param_missing");
    let without: Organization = call(
        &clerk,
        Method::DELETE,
        &format!("/v1/organizations/{}/logo", acme.id),
        None,
    )
    .await
    .unwrap();
    assert!(!without.has_image && without.image_url.as_deref() != Some(image_url.as_str()));
    assert_eq!(
        http.get(&image_url).send().await.unwrap().status(),
        404,
        "the old logo is gone"
    );

    // Billing (see emulator_billing.rs): the free default plan, an empty ledger, a credit.
    for (method, path, body, field, expected) in [
        (
            Method::GET,
            "billing/subscription",
            None,
            "object",
            json!("commerce_subscription"),
        ),
        (Method::GET, "billing/credits", None, "balance", Value::Null),
        (
            Method::POST,
            "billing/credits",
            Some(json!({"amount": 100, "action": "increase", "idempotency_key": "k"})),
            "source_type",
            json!("grant"),
        ),
    ] {
        let answer = call::<Value>(
            &clerk,
            method,
            &format!("/v1/organizations/{}/{path}", acme.id),
            body,
        )
        .await
        .unwrap();
        assert_eq!(answer[field], expected, "{answer}");
    }

    // DeleteOrganization: a DeletedObject with the slug; the memberships go with it.
    let deleted: DeletedObject = call(
        &clerk,
        Method::DELETE,
        &format!("/v1/organizations/{}", acme.id),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            deleted.object.as_str(),
            deleted.id.as_deref(),
            deleted.slug.as_deref(),
            deleted.deleted
        ),
        ("organization", Some(acme.id.as_str()), Some("acme"), true)
    );
    assert!(
        get::<Organization>(&clerk, &path, &[])
            .await
            .unwrap_err()
            .is_not_found()
    );
    let err = call::<DeletedObject>(&clerk, Method::DELETE, &path, None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        clerk
            .users()
            .organization_memberships(&ada.id)
            .await
            .unwrap()
            .total_count,
        Some(0)
    );
    let all: Page<Organization> = get(&clerk, "/v1/organizations", &[]).await.unwrap();
    assert_eq!(all.total_count, Some(2));

    checked(&emulator);
}

#[tokio::test]
async fn memberships_roles_quotas_filters_and_the_users_side() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&clerk, "ada@example.com", "Ada").await;
    let bob = user(&clerk, "bob@example.com", "Bob").await;
    let cy = clerk
        .users()
        .create()
        .email_address(["cy@example.com"])
        .first_name("Cy")
        .last_name("Zed")
        .username("cyzed")
        .await
        .unwrap();
    let acme = org(
        &clerk,
        json!({"name": "Acme", "created_by": ada.id, "max_allowed_memberships": 3}),
    )
    .await;
    let memberships = format!("/v1/organizations/{}/memberships", acme.id);

    // CreateOrganizationMembership.
    let bob_m: OrganizationMembership = call(
        &clerk,
        Method::POST,
        &memberships,
        Some(json!({"user_id": bob.id, "role": "org:member", "public_metadata": {"team": "red"}})),
    )
    .await
    .unwrap();
    assert!(bob_m.id.starts_with("orgmem_"), "{}", bob_m.id);
    assert_eq!(
        (bob_m.role.as_str(), bob_m.role_name.as_deref()),
        ("org:member", Some("Member"))
    );
    assert_eq!(bob_m.permissions, ["org:sys_memberships:read"]);
    assert_eq!(bob_m.organization.id, acme.id);
    let public = bob_m.public_user_data.as_ref().unwrap();
    assert_eq!(public.user_id, bob.id);
    assert_eq!(public.identifier.as_deref(), Some("bob@example.com"));
    assert_eq!(public.first_name.as_deref(), Some("Bob"));
    assert_eq!(bob_m.public_metadata["team"], "red");
    for (body, status, code, param) in [
        (
            json!({"user_id": bob.id, "role": "org:member"}),
            400,
            "already_a_member_in_organization",
            None,
        ),
        (
            // A role that does not exist: Clerk's "Organization role not found".
            json!({"user_id": cy.id, "role": "org:owner"}),
            404,
            "resource_not_found",
            Some("role"),
        ),
        (
            json!({"user_id": cy.id}),
            422,
            "form_param_missing",
            Some("role"),
        ),
        (
            json!({"user_id": "user_2doesnotexist0000000000000", "role": "org:member"}),
            404,
            "resource_not_found",
            None,
        ),
    ] {
        let err = call::<OrganizationMembership>(&clerk, Method::POST, &memberships, Some(body))
            .await
            .unwrap_err();
        assert_error(&err, status, code, param);
    }
    let err = call::<OrganizationMembership>(
        &clerk,
        Method::POST,
        "/v1/organizations/org_2doesnotexist000000000000/memberships",
        Some(json!({"user_id": cy.id, "role": "org:member"})),
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    // The limit counts members and pending invitations: 2 members + 1 invitation = 3.
    let invitation: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!("/v1/organizations/{}/invitations", acme.id),
        Some(json!({"email_address": "dee@example.com", "role": "org:member"})),
    )
    .await
    .unwrap();
    let err = call::<OrganizationMembership>(
        &clerk,
        Method::POST,
        &memberships,
        Some(json!({"user_id": cy.id, "role": "org:member"})),
    )
    .await
    .unwrap_err();
    assert_error(&err, 403, "organization_membership_quota_exceeded", None);
    assert!(err.errors()[0].long_message.contains("limit of 3"), "{err}");
    let _: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!(
            "/v1/organizations/{}/invitations/{}/revoke",
            acme.id, invitation.id
        ),
        None,
    )
    .await
    .unwrap();
    let cy_m: OrganizationMembership = call(
        &clerk,
        Method::POST,
        &memberships,
        Some(json!({"user_id": cy.id, "role": "org:admin"})),
    )
    .await
    .unwrap();
    assert_eq!(cy_m.role, "org:admin");

    // ListOrganizationMemberships: newest first, with the filters and orders Clerk has.
    let list = |query: Vec<(&'static str, String)>| {
        let clerk = clerk.clone();
        let path = memberships.clone();
        async move {
            let page: Page<OrganizationMembership> = clerk
                .request(Method::GET, &path)
                .query(&query)
                .send()
                .await
                .unwrap();
            page.data
                .iter()
                .map(|m| m.public_user_data.as_ref().unwrap().user_id.clone())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(vec![]).await,
        [cy.id.as_str(), bob.id.as_str(), ada.id.as_str()]
    );
    assert_eq!(
        list(vec![("order_by", "created_at".into())]).await,
        [ada.id.as_str(), bob.id.as_str(), cy.id.as_str()]
    );
    assert_eq!(
        list(vec![("order_by", "-first_name".into())]).await,
        [cy.id.as_str(), bob.id.as_str(), ada.id.as_str()]
    );
    assert_eq!(
        list(vec![("order_by", "username".into())]).await[0],
        cy.id,
        "values before none"
    );
    assert_eq!(
        list(vec![("role", "org:admin".into())]).await,
        [cy.id.as_str(), ada.id.as_str()]
    );
    assert_eq!(
        list(vec![("user_id", format!("-{}", ada.id))]).await,
        [cy.id.as_str(), bob.id.as_str()]
    );
    assert_eq!(
        list(vec![("email_address", "BOB@example.com".into())]).await,
        [bob.id.as_str()]
    );
    assert_eq!(list(vec![("query", "zed".into())]).await, [cy.id.as_str()]);
    assert_eq!(
        list(vec![("name_query", "cy z".into())]).await,
        [cy.id.as_str()]
    );
    assert_eq!(
        list(vec![("username_query", "CYZ".into())]).await,
        [cy.id.as_str()]
    );
    assert_eq!(
        list(vec![
            ("email_address_query", "example".into()),
            ("limit", "1".into()),
            ("offset", "1".into())
        ])
        .await,
        [bob.id.as_str()]
    );
    let err = get::<Page<OrganizationMembership>>(&clerk, &memberships, &[("order_by", "role")])
        .await
        .unwrap_err();
    assert_error(&err, 422, "form_param_value_invalid", Some("order_by"));

    // UpdateOrganizationMembership and its metadata.
    let promoted: OrganizationMembership = call(
        &clerk,
        Method::PATCH,
        &format!("{memberships}/{}", bob.id),
        Some(json!({"role": "org:admin"})),
    )
    .await
    .unwrap();
    assert_eq!(promoted.role, "org:admin");
    assert_eq!(promoted.permissions.len(), 6);
    let err = call::<OrganizationMembership>(
        &clerk,
        Method::PATCH,
        &format!("{memberships}/{}", bob.id),
        Some(json!({"role": "org:boss"})),
    )
    .await
    .unwrap_err();
    assert_error(&err, 404, "resource_not_found", Some("role"));
    let outsider = user(&clerk, "out@example.com", "Out").await;
    let err = call::<OrganizationMembership>(
        &clerk,
        Method::PATCH,
        &format!("{memberships}/{}", outsider.id),
        Some(json!({"role": "org:admin"})),
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let tagged: OrganizationMembership = call(
        &clerk,
        Method::PATCH,
        &format!("{memberships}/{}/metadata", bob.id),
        Some(json!({"public_metadata": {"team": null, "desk": 4}, "private_metadata": {"salary": "secret"}})),
    )
    .await
    .unwrap();
    assert_eq!(
        Value::Object(tagged.public_metadata.clone()),
        json!({"desk": 4})
    );
    assert_eq!(
        tagged.private_metadata.as_ref().unwrap()["salary"],
        "secret"
    );

    // InstanceGetOrganizationMemberships spans organizations.
    let globex = org(&clerk, json!({"name": "Globex", "created_by": bob.id})).await;
    let everywhere: Page<OrganizationMembership> = get(&clerk, "/v1/organization_memberships", &[])
        .await
        .unwrap();
    assert_eq!(everywhere.total_count, Some(4));
    assert_eq!(everywhere.data[0].organization.id, globex.id);

    // The users' side: memberships of a user, the `organization_id` filter of GetUserList.
    let bobs = clerk
        .users()
        .organization_memberships(&bob.id)
        .await
        .unwrap();
    assert_eq!(bobs.total_count, Some(2));
    assert_eq!(
        bobs.data
            .iter()
            .map(|m| m.organization.id.clone())
            .collect::<Vec<_>>(),
        [globex.id.as_str(), acme.id.as_str()]
    );
    let in_acme = clerk
        .users()
        .list()
        .organization_id([acme.id.clone()])
        .await
        .unwrap();
    let mut in_acme: Vec<String> = in_acme.data.into_iter().map(|u| u.id).collect();
    in_acme.sort();
    let mut expected = vec![ada.id.clone(), bob.id.clone(), cy.id.clone()];
    expected.sort();
    assert_eq!(in_acme, expected);
    let not_in_acme = clerk
        .users()
        .list()
        .organization_id([format!("-{}", acme.id)])
        .await
        .unwrap();
    assert_eq!(ids(&not_in_acme, |u| &u.id), [outsider.id.as_str()]);

    // DeleteOrganizationMembership answers with the membership it removed.
    let removed: OrganizationMembership = call(
        &clerk,
        Method::DELETE,
        &format!("{memberships}/{}", cy.id),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        (removed.id.as_str(), removed.role.as_str()),
        (cy_m.id.as_str(), "org:admin")
    );
    let err = call::<OrganizationMembership>(
        &clerk,
        Method::DELETE,
        &format!("{memberships}/{}", cy.id),
        None,
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    // A deleted user loses their memberships.
    clerk.users().delete(&bob.id).await.unwrap();
    assert_eq!(list(vec![]).await, [ada.id.as_str()]);
    let everywhere: Page<OrganizationMembership> = get(&clerk, "/v1/organization_memberships", &[])
        .await
        .unwrap();
    assert_eq!(everywhere.total_count, Some(1));

    checked(&emulator);
}

#[tokio::test]
async fn invitations_are_created_listed_revoked_and_accepted() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&clerk, "ada@example.com", "Ada").await;
    let bob = user(&clerk, "bob@example.com", "Bob").await;
    let acme = org(
        &clerk,
        json!({"name": "Acme", "created_by": ada.id, "max_allowed_memberships": 0}),
    )
    .await;
    let invitations = format!("/v1/organizations/{}/invitations", acme.id);

    // CreateOrganizationInvitation.
    let dee: OrganizationInvitationWithPublicOrganizationData = call(
        &clerk,
        Method::POST,
        &invitations,
        Some(json!({"email_address": "dee@example.com", "role": "org:member", "inviter_user_id": ada.id,
                    "public_metadata": {"source": "conf"}, "redirect_url": "https://app.example/join",
                    "expires_in_days": 7})),
    )
    .await
    .unwrap();
    assert!(dee.id.starts_with("orginv_"), "{}", dee.id);
    assert_eq!(dee.status.as_deref(), Some("pending"));
    assert_eq!(
        (dee.role.as_str(), dee.role_name.as_str()),
        ("org:member", "Member")
    );
    assert_eq!(dee.organization_id.as_deref(), Some(acme.id.as_str()));
    assert_eq!(dee.inviter_id.as_deref(), Some(ada.id.as_str()));
    assert_eq!(
        dee.public_inviter_data.as_ref().unwrap().identifier,
        "ada@example.com"
    );
    assert_eq!(dee.expires_at, Some(dee.created_at + 7 * 86_400_000));
    assert!(
        dee.url
            .as_deref()
            .unwrap()
            .starts_with("https://app.example/join?__clerk_ticket=")
    );
    assert!(
        dee.public_organization_data.is_none(),
        "not on the organization's own endpoints"
    );
    let eve: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &invitations,
        Some(json!({"email_address": "eve@example.com", "role": "org:admin"})),
    )
    .await
    .unwrap();
    assert_eq!(
        eve.expires_at,
        Some(eve.created_at + 30 * 86_400_000),
        "30 days by default"
    );
    assert_eq!(eve.inviter_id, None);
    assert_eq!(eve.url, None);
    for (body, status, code, param) in [
        (
            json!({"email_address": "DEE@example.com", "role": "org:member"}),
            400,
            "organization_invitation_not_unique",
            None,
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member"}),
            400,
            "already_a_member_in_organization",
            None,
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:member", "inviter_user_id": bob.id}),
            403,
            "not_an_admin_in_organization",
            None,
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:member", "expires_in_days": 366}),
            422,
            "form_param_value_invalid",
            Some("expires_in_days"),
        ),
        (
            json!({"email_address": "not-an-email", "role": "org:member"}),
            422,
            "form_param_format_invalid",
            Some("email_address"),
        ),
        (
            json!({"email_address": "x@example.com", "role": "org:root"}),
            404,
            "resource_not_found",
            Some("role"),
        ),
        (
            json!({"email_address": "x@example.com"}),
            422,
            "form_param_missing",
            Some("role"),
        ),
    ] {
        let err = call::<OrganizationInvitation>(&clerk, Method::POST, &invitations, Some(body))
            .await
            .unwrap_err();
        assert_error(&err, status, code, param);
    }

    // CreateOrganizationInvitationBulk: all or none.
    let bulk: Page<OrganizationInvitation> = call(
        &clerk,
        Method::POST,
        &format!("{invitations}/bulk"),
        Some(json!([
            {"email_address": "fay@example.com", "role": "org:member"},
            {"email_address": "bob@example.com", "role": "org:member", "private_metadata": {"vip": true}},
        ])),
    )
    .await
    .unwrap();
    assert_eq!(bulk.total_count, Some(2));
    assert_eq!(bulk.data[1].private_metadata.as_ref().unwrap()["vip"], true);
    let err = call::<Page<OrganizationInvitation>>(
        &clerk,
        Method::POST,
        &format!("{invitations}/bulk"),
        Some(json!([
            {"email_address": "gus@example.com", "role": "org:member"},
            {"email_address": "gus@example.com", "role": "org:member"},
        ])),
    )
    .await
    .unwrap_err();
    assert_error(&err, 400, "organization_invitation_not_unique", None);
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"email_address": format!("n{i}@example.com"), "role": "org:member"}))
        .collect();
    let err = call::<Page<OrganizationInvitation>>(
        &clerk,
        Method::POST,
        &format!("{invitations}/bulk"),
        Some(json!(eleven)),
    )
    .await
    .unwrap_err();
    assert_error(&err, 422, "form_param_value_invalid", None);

    // ListOrganizationInvitations, ListPendingOrganizationInvitations, GetOrganizationInvitation.
    let listed: Page<OrganizationInvitation> = get(&clerk, &invitations, &[]).await.unwrap();
    assert_eq!(listed.total_count, Some(4));
    assert_eq!(listed.data[3].id, dee.id, "newest first");
    let by_email: Page<OrganizationInvitation> =
        get(&clerk, &invitations, &[("order_by", "email_address")])
            .await
            .unwrap();
    assert_eq!(by_email.data[0].email_address, "bob@example.com");
    let for_eve: Page<OrganizationInvitation> = get(
        &clerk,
        &invitations,
        &[("email_address", "eve@example.com")],
    )
    .await
    .unwrap();
    assert_eq!(ids(&for_eve, |i| &i.id), [eve.id.as_str()]);
    let got: OrganizationInvitationWithPublicOrganizationData =
        get(&clerk, &format!("{invitations}/{}", dee.id), &[])
            .await
            .unwrap();
    assert_eq!(got, dee);
    let err = get::<OrganizationInvitation>(
        &clerk,
        &format!("{invitations}/orginv_2doesnotexist00000000000000"),
        &[],
    )
    .await
    .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let err = get::<Page<OrganizationInvitation>>(&clerk, &invitations, &[("status", "lost")])
        .await
        .unwrap_err();
    assert_error(&err, 422, "form_param_value_invalid", Some("status"));

    // RevokeOrganizationInvitation: only by an admin, only while pending.
    let revoke = format!("{invitations}/{}/revoke", eve.id);
    let err = call::<OrganizationInvitation>(
        &clerk,
        Method::POST,
        &revoke,
        Some(json!({"requesting_user_id": bob.id})),
    )
    .await
    .unwrap_err();
    assert_error(&err, 403, "not_an_admin_in_organization", None);
    let revoked: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &revoke,
        Some(json!({"requesting_user_id": ada.id})),
    )
    .await
    .unwrap();
    assert_eq!(revoked.status.as_deref(), Some("revoked"));
    let err = call::<OrganizationInvitation>(&clerk, Method::POST, &revoke, None)
        .await
        .unwrap_err();
    assert_error(&err, 404, "organization_invitation_not_pending", None);

    // Adding an invited user as a member accepts their invitation; its metadata moves over.
    let bob_m: OrganizationMembership = call(
        &clerk,
        Method::POST,
        &format!("/v1/organizations/{}/memberships", acme.id),
        Some(json!({"user_id": bob.id, "role": "org:member"})),
    )
    .await
    .unwrap();
    assert_eq!(bob_m.private_metadata.as_ref().unwrap()["vip"], true);
    let pending: Page<OrganizationInvitation> = get(&clerk, &format!("{invitations}/pending"), &[])
        .await
        .unwrap();
    assert_eq!(pending.total_count, Some(2));
    assert!(
        pending
            .data
            .iter()
            .all(|i| i.status.as_deref() == Some("pending"))
    );
    let accepted: Page<OrganizationInvitation> =
        get(&clerk, &invitations, &[("status", "accepted")])
            .await
            .unwrap();
    assert_eq!(accepted.data[0].email_address, "bob@example.com");
    let err = call::<OrganizationInvitation>(
        &clerk,
        Method::POST,
        &format!("{invitations}/{}/revoke", accepted.data[0].id),
        None,
    )
    .await
    .unwrap_err();
    assert_error(&err, 404, "organization_invitation_not_pending", None);

    // ListInstanceOrganizationInvitations: across organizations, with public organization data.
    let globex = org(&clerk, json!({"name": "Globex"})).await;
    let _: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!("/v1/organizations/{}/invitations", globex.id),
        Some(json!({"email_address": "bob@example.com", "role": "org:member"})),
    )
    .await
    .unwrap();
    let everywhere: Page<OrganizationInvitationWithPublicOrganizationData> =
        get(&clerk, "/v1/organization_invitations", &[])
            .await
            .unwrap();
    assert_eq!(everywhere.total_count, Some(5));
    let data = everywhere.data[0]
        .public_organization_data
        .as_ref()
        .unwrap();
    assert_eq!(
        (data.id.as_str(), data.slug.as_str()),
        (globex.id.as_str(), "globex")
    );
    let bobs: Page<OrganizationInvitation> = get(
        &clerk,
        "/v1/organization_invitations",
        &[("query", "BOB@"), ("status", "pending")],
    )
    .await
    .unwrap();
    assert_eq!(
        ids(&bobs, |i| i.organization_id.as_deref().unwrap_or("")),
        [globex.id.as_str()]
    );

    // The users' side: invitations to a user's addresses, by status.
    let all_bobs = clerk
        .users()
        .organization_invitations(&bob.id)
        .await
        .unwrap();
    assert_eq!(all_bobs.total_count, Some(2));
    let pending_bobs = clerk
        .users()
        .organization_invitations(&bob.id)
        .status(InvitationStatus::Pending)
        .await
        .unwrap();
    assert_eq!(pending_bobs.total_count, Some(1));
    assert_eq!(
        pending_bobs.data[0]
            .public_organization_data
            .as_ref()
            .unwrap()
            .name,
        "Globex"
    );

    // Deleting the organization takes its invitations along.
    let _: DeletedObject = call(
        &clerk,
        Method::DELETE,
        &format!("/v1/organizations/{}", acme.id),
        None,
    )
    .await
    .unwrap();
    let everywhere: Page<OrganizationInvitationWithPublicOrganizationData> =
        get(&clerk, "/v1/organization_invitations", &[])
            .await
            .unwrap();
    assert_eq!(everywhere.total_count, Some(1));
    let err = get::<Page<OrganizationInvitation>>(&clerk, &invitations, &[])
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    checked(&emulator);
}

/// The payload of a JWT, decoded (the signature is another test's business).
fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&BASE64URL_NOPAD.decode(payload.as_bytes()).unwrap()).unwrap()
}

#[tokio::test]
async fn session_tokens_carry_the_active_organization() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let ada = user(&clerk, "ada@example.com", "Ada").await;
    let bob = user(&clerk, "bob@example.com", "Bob").await;
    let acme = org(
        &clerk,
        json!({"name": "Acme", "slug": "acme", "created_by": ada.id}),
    )
    .await;
    let _: OrganizationMembership = call(
        &clerk,
        Method::POST,
        &format!("/v1/organizations/{}/memberships", acme.id),
        Some(json!({"user_id": bob.id, "role": "org:member"})),
    )
    .await
    .unwrap();

    let token_of = |session_id: String| {
        let clerk = clerk.clone();
        async move {
            let token: Value = call(
                &clerk,
                Method::POST,
                &format!("/v1/sessions/{session_id}/tokens"),
                None,
            )
            .await
            .unwrap();
            claims(token["jwt"].as_str().unwrap())
        }
    };
    let session = |user_id: &str| {
        call::<Value>(
            &clerk,
            Method::POST,
            "/v1/sessions",
            Some(json!({"user_id": user_id, "active_organization_id": acme.id})),
        )
    };

    // Only system permissions: `per` and `fpm` are left out of the claim.
    let ada_session = session(&ada.id).await.unwrap();
    let ada_claims = token_of(ada_session["id"].as_str().unwrap().to_owned()).await;
    assert_eq!(ada_claims["v"], 2);
    assert_eq!(
        ada_claims["o"],
        json!({"id": acme.id, "slg": "acme", "rol": "admin"})
    );
    let bob_session = session(&bob.id).await.unwrap();
    let bob_claims = token_of(bob_session["id"].as_str().unwrap().to_owned()).await;
    assert_eq!(
        bob_claims["o"],
        json!({"id": acme.id, "slg": "acme", "rol": "member"})
    );

    // A non-member cannot make the organization active.
    let cy = user(&clerk, "cy@example.com", "Cy").await;
    assert!(session(&cy.id).await.unwrap_err().is_unprocessable());

    // The claim follows changes: a new slug, then removal from the organization.
    let _: Organization = call(
        &clerk,
        Method::PATCH,
        &format!("/v1/organizations/{}", acme.id),
        Some(json!({"slug": "acme-inc"})),
    )
    .await
    .unwrap();
    let bob_claims = token_of(bob_session["id"].as_str().unwrap().to_owned()).await;
    assert_eq!(bob_claims["o"]["slg"], "acme-inc");
    let _: OrganizationMembership = call(
        &clerk,
        Method::DELETE,
        &format!("/v1/organizations/{}/memberships/{}", acme.id, bob.id),
        None,
    )
    .await
    .unwrap();
    let bob_claims = token_of(bob_session["id"].as_str().unwrap().to_owned()).await;
    assert!(bob_claims.get("o").is_none(), "{bob_claims}");

    // Deleting the organization clears it from the sessions that had it active.
    let _: DeletedObject = call(
        &clerk,
        Method::DELETE,
        &format!("/v1/organizations/{}", acme.id),
        None,
    )
    .await
    .unwrap();
    let ada_id = ada_session["id"].as_str().unwrap().to_owned();
    let after: Value = get(&clerk, &format!("/v1/sessions/{ada_id}"), &[])
        .await
        .unwrap();
    assert_eq!(after["last_active_organization_id"], Value::Null);
    assert!(token_of(ada_id).await.get("o").is_none());

    checked(&emulator);
}

#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Value>>>);

async fn receive(State(inbox): State<Inbox>, body: Bytes) -> axum::http::StatusCode {
    inbox
        .0
        .lock()
        .unwrap()
        .push(serde_json::from_slice(&body).unwrap());
    axum::http::StatusCode::NO_CONTENT
}

#[tokio::test]
async fn every_change_is_announced_by_webhook() {
    let inbox = Inbox::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/hooks", post(receive))
        .with_state(inbox.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let emulator = Emulator::builder()
        .record_traffic()
        .webhook(WebhookTarget::new(
            url,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ))
        .start()
        .await
        .unwrap();
    let clerk = emulator.client();
    let ada = user(&clerk, "ada@example.com", "Ada").await;
    let bob = user(&clerk, "bob@example.com", "Bob").await;
    let acme = org(&clerk, json!({"name": "Acme", "created_by": ada.id})).await;
    let base = format!("/v1/organizations/{}", acme.id);
    let _: Organization = call(
        &clerk,
        Method::PATCH,
        &base,
        Some(json!({"name": "Acme Inc"})),
    )
    .await
    .unwrap();
    let revoked: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!("{base}/invitations"),
        Some(json!({"email_address": "x@example.com", "role": "org:member"})),
    )
    .await
    .unwrap();
    let _: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!("{base}/invitations/{}/revoke", revoked.id),
        None,
    )
    .await
    .unwrap();
    let _: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!("{base}/invitations"),
        Some(json!({"email_address": "bob@example.com", "role": "org:member"})),
    )
    .await
    .unwrap();
    let _: OrganizationMembership = call(
        &clerk,
        Method::POST,
        &format!("{base}/memberships"),
        Some(json!({"user_id": bob.id, "role": "org:member"})),
    )
    .await
    .unwrap();
    let _: OrganizationMembership = call(
        &clerk,
        Method::PATCH,
        &format!("{base}/memberships/{}", bob.id),
        Some(json!({"role": "org:admin"})),
    )
    .await
    .unwrap();
    let _: OrganizationMembership = call(
        &clerk,
        Method::DELETE,
        &format!("{base}/memberships/{}", bob.id),
        None,
    )
    .await
    .unwrap();
    let _: DeletedObject = call(&clerk, Method::DELETE, &base, None).await.unwrap();

    let expected = [
        "user.created",
        "user.created",
        "organization.created",
        "organizationMembership.created",
        "organization.updated",
        "organizationInvitation.created",
        "email.created", // the invitation's email
        "organizationInvitation.revoked",
        "organizationInvitation.created",
        "email.created",
        "organizationInvitation.accepted",
        "organizationMembership.created",
        "organizationMembership.updated",
        "organizationMembership.deleted",
        "organization.deleted",
    ];
    for _ in 0..200 {
        if inbox.0.lock().unwrap().len() >= expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let events = inbox.0.lock().unwrap().clone();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, expected);
    let created = &events[2]["data"];
    assert_eq!(
        (created["id"].as_str(), created["members_count"].as_i64()),
        (Some(acme.id.as_str()), Some(1))
    );
    let accepted = &events[10]["data"];
    assert_eq!(
        (accepted["status"].as_str(), accepted["user_id"].as_str()),
        (Some("accepted"), Some(bob.id.as_str()))
    );
    let deleted = &events[14]["data"];
    assert_eq!(
        deleted,
        &json!({"object": "organization", "id": acme.id, "slug": acme.slug, "deleted": true})
    );

    checked(&emulator);
}

#[tokio::test]
async fn organizations_survive_a_restart() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let path = std::env::temp_dir().join(format!(
        "clerk-emulator-orgs-{}-{nanos}.json",
        std::process::id()
    ));
    let emulator = Emulator::builder().state_file(&path).start().await.unwrap();
    let clerk = emulator.client();
    let ada = user(&clerk, "ada@example.com", "Ada").await;
    let acme = org(&clerk, json!({"name": "Acme", "created_by": ada.id})).await;
    let invited: OrganizationInvitation = call(
        &clerk,
        Method::POST,
        &format!("/v1/organizations/{}/invitations", acme.id),
        Some(json!({"email_address": "bob@example.com", "role": "org:member"})),
    )
    .await
    .unwrap();
    emulator.shutdown().await.unwrap();

    let emulator = Emulator::builder().state_file(&path).start().await.unwrap();
    let clerk = emulator.client();
    let again: Organization = get(&clerk, "/v1/organizations/acme", &[]).await.unwrap();
    assert_eq!(again, acme);
    let members = clerk
        .users()
        .organization_memberships(&ada.id)
        .await
        .unwrap();
    assert_eq!(members.data[0].organization.id, acme.id);
    let pending: Page<OrganizationInvitation> = get(
        &clerk,
        &format!("/v1/organizations/{}/invitations/pending", acme.id),
        &[],
    )
    .await
    .unwrap();
    assert_eq!(ids(&pending, |i| &i.id), [invited.id.as_str()]);
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_file(&path);
}

#[test]
fn the_request_bodies_the_emulator_reads_validate_against_the_spec() {
    use clerk_emulator::wire::{
        CreateOrganizationInvitationRequest, CreateOrganizationMembershipRequest,
        CreateOrganizationRequest, OrganizationMetadataRequest,
        RevokeOrganizationInvitationRequest, UpdateOrganizationMembershipRequest,
        UpdateOrganizationRequest,
    };
    let Some(spec) = spec_oracle::Spec::load() else {
        return;
    };
    let meta = json!({"a": {"b": 1}}).as_object().unwrap().clone();
    let invitation = CreateOrganizationInvitationRequest {
        email_address: "a@example.com".into(),
        inviter_user_id: Some("user_1".into()),
        role: "org:member".into(),
        public_metadata: Some(meta.clone()),
        private_metadata: Some(meta.clone()),
        redirect_url: Some("https://app.example".into()),
        expires_in_days: Some(7),
        notify: Some(false),
    };
    let metadata = OrganizationMetadataRequest {
        public_metadata: Some(meta.clone()),
        private_metadata: Some(meta.clone()),
    };
    let bodies = [
        (
            "CreateOrganization",
            json!(CreateOrganizationRequest {
                name: "Acme".into(),
                created_by: Some("user_1".into()),
                private_metadata: Some(meta.clone()),
                public_metadata: Some(meta.clone()),
                slug: Some("acme".into()),
                max_allowed_memberships: Some(5),
                created_at: Some("2020-01-02T03:04:05Z".into()),
                role_set_key: Some("default".into()),
            }),
        ),
        (
            "CreateOrganization",
            json!(CreateOrganizationRequest {
                name: "Acme".into(),
                ..Default::default()
            }),
        ),
        (
            "UpdateOrganization",
            json!(UpdateOrganizationRequest {
                name: Some("Acme".into()),
                slug: Some("acme".into()),
                max_allowed_memberships: Some(0),
                admin_delete_enabled: Some(true),
                created_at: Some("2020-01-02T03:04:05Z".into()),
                role_set_key: Some("default".into()),
            }),
        ),
        ("MergeOrganizationMetadata", json!(metadata)),
        ("ReplaceOrganizationMetadata", json!(metadata)),
        ("UpdateOrganizationMembershipMetadata", json!(metadata)),
        (
            "CreateOrganizationMembership",
            json!(CreateOrganizationMembershipRequest {
                user_id: "user_1".into(),
                role: "org:member".into(),
                public_metadata: Some(meta.clone()),
                private_metadata: Some(meta.clone()),
            }),
        ),
        (
            "UpdateOrganizationMembership",
            json!(UpdateOrganizationMembershipRequest {
                role: "org:admin".into()
            }),
        ),
        ("CreateOrganizationInvitation", json!(invitation)),
        (
            "CreateOrganizationInvitationBulk",
            json!([invitation.clone(), invitation]),
        ),
        (
            "RevokeOrganizationInvitation",
            json!(RevokeOrganizationInvitationRequest {
                requesting_user_id: Some("user_1".into())
            }),
        ),
    ];
    for (operation, body) in bodies {
        let schema = spec
            .request_body_schema(operation, "application/json")
            .unwrap_or_else(|| panic!("{operation} has no JSON body"));
        if let Err(errors) = spec.validate(&schema, &body) {
            panic!("{operation}: {errors:?}\n  body: {body}");
        }
    }
}
