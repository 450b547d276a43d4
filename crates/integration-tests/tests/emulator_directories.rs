//! Directories against the emulator over loopback, under both of the spec's names
//! (`/v1/directories` and `/v1/scim_directories`): create, list, read, update, delete, key
//! rotation and group role mappings through the SDK; then the SCIM endpoint each directory
//! advertises, where an identity provider provisions users with the directory's key, and the
//! 409 the Backend API answers when such a user is deleted by hand. Every JSON answer of the
//! Backend API is then checked against the OpenAPI spec.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_backend::Clerk;
use clerk_backend::models::{
    DirectoryGroupRoleMappingInput, EnterpriseConnectionProvider,
    ReplaceDirectoryGroupRoleMappingsMappings, ReplaceScimGroupRoleMappingsMappings,
};
use clerk_emulator::{Emulator, WebhookTarget};
use serde_json::{Value, json};

/// A SCIM request to a full URL, with `key` as the bearer token; the status, the content type
/// and the body.
async fn scim(
    method: &str,
    url: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, String, Value) {
    let mut request = reqwest::Client::new().request(method.parse().unwrap(), url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        content_type,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn connection(clerk: &Clerk, name: &str, domain: &str) -> String {
    clerk
        .enterprise_connections()
        .create(name, EnterpriseConnectionProvider::SamlOkta, [domain])
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn directories_are_stored_under_both_names_and_refuse_bad_input() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let acme = connection(&clerk, "Acme SSO", "acme.com").await;
    let initech = connection(&clerk, "Initech SSO", "initech.com").await;

    let created = clerk.directories().create(&acme, "okta").await.unwrap();
    assert_eq!(created.object, "directory");
    assert!(created.id.starts_with("dir_"), "{}", created.id);
    assert_eq!(created.name, "Acme SSO", "named after its connection");
    assert_eq!(
        created.enterprise_connection_id.as_deref(),
        Some(acme.as_str())
    );
    assert_eq!(
        created.endpoint_url,
        format!("{}/scim/{}", emulator.url(), created.id)
    );
    assert!(created.enabled);
    assert!(!created.group_role_mapping_enabled);
    assert!(created.attribute_mapping.is_empty());
    let key = created.api_key.clone().expect("the key on create");
    assert!(key.expose().len() >= 32);

    // The same directory under the older name, without its key.
    let old = clerk.scim_directories().get(&created.id).await.unwrap();
    assert_eq!(old.object, "scim_directory");
    assert_eq!(old.id, created.id);
    assert!(old.api_key.is_none());
    assert!(
        clerk
            .directories()
            .get(&created.id)
            .await
            .unwrap()
            .api_key
            .is_none()
    );

    let second = clerk
        .scim_directories()
        .create(&initech, "azure")
        .name("Initech directory")
        .await
        .unwrap();
    assert_eq!(second.object, "scim_directory");
    assert_eq!(second.name, "Initech directory");
    assert!(second.api_key.is_some());

    // Lists: newest first, with the total, paged.
    let listed = clerk.directories().list().await.unwrap();
    assert_eq!(listed.total_count, Some(2));
    assert_eq!(listed.data[0].id, second.id);
    assert!(listed.data.iter().all(|d| d.object == "directory"));
    let page = clerk
        .scim_directories()
        .list()
        .limit(1)
        .offset(1)
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(2));
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].id, created.id);
    assert_eq!(page.data[0].object, "scim_directory");

    // Updates; attribute mapping entries merge and null removes one.
    let updated = clerk
        .directories()
        .update(&created.id)
        .name("Acme directory")
        .enabled(false)
        .attribute_mapping([
            ("first_name".to_owned(), "name.givenName".to_owned()),
            ("last_name".to_owned(), "name.familyName".to_owned()),
        ])
        .await
        .unwrap();
    assert_eq!(updated.name, "Acme directory");
    assert!(!updated.enabled);
    assert_eq!(updated.attribute_mapping.len(), 2);
    assert!(updated.updated_at >= created.updated_at);
    let (status, body) = common::raw(
        &emulator,
        "PATCH",
        &format!("/v1/scim_directories/{}", created.id),
        Some(json!({"attribute_mapping": {"last_name": null}, "provider": "okta2"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["object"], "scim_directory");
    assert_eq!(
        body["attribute_mapping"],
        json!({"first_name": "name.givenName"})
    );
    assert_eq!(body["provider"], "okta2");
    assert!(body.get("api_key").is_none(), "{body}");

    // Bad input.
    let (status, code) = common::failure(clerk.directories().create(&acme, "okta").await);
    assert_eq!(
        (status, code.as_str()),
        (422, "form_identifier_exists"),
        "one directory per connection"
    );
    let (status, code) = common::failure(clerk.directories().create("entconn_nope", "okta").await);
    assert_eq!((status, code.as_str()), (422, "form_param_value_invalid"));
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/directories",
        Some(json!({"provider": "okta"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "form_param_missing");
    assert_eq!(
        body["errors"][0]["meta"]["param_name"],
        "enterprise_connection_id"
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/directories",
        Some(json!({"enterprise_connection_id": acme, "provider": "okta", "colour": 1})),
    )
    .await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (422, &json!("form_param_unknown"))
    );
    let (status, body) = common::raw(
        &emulator,
        "PATCH",
        &format!("/v1/directories/{}", created.id),
        Some(json!({"name": "  "})),
    )
    .await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (422, &json!("form_param_value_invalid"))
    );
    let (status, body) = common::raw(
        &emulator,
        "PATCH",
        &format!("/v1/directories/{}", created.id),
        Some(json!({"enabled": "yes"})),
    )
    .await;
    assert_eq!(
        (status, &body["errors"][0]["code"]),
        (422, &json!("form_param_value_invalid"))
    );

    // Unknown ids are 404 everywhere.
    let nope = "dir_0000000000000000000000000000";
    for (status, code) in [
        common::failure(clerk.directories().get(nope).await),
        common::failure(clerk.scim_directories().update(nope).name("x").await),
        common::failure(clerk.directories().delete(nope).await),
        common::failure(clerk.scim_directories().rotate_api_key(nope).await),
        common::failure(clerk.directories().list_group_role_mappings(nope).await),
    ] {
        assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    }

    // Deleting the connection leaves the directory tied to none.
    clerk
        .enterprise_connections()
        .delete(&initech)
        .await
        .unwrap();
    let orphan = clerk.directories().get(&second.id).await.unwrap();
    assert_eq!(orphan.enterprise_connection_id, None);

    let deleted = clerk.scim_directories().delete(&second.id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object, "scim_directory");
    assert_eq!(deleted.id.as_deref(), Some(second.id.as_str()));
    let (status, code) = common::failure(clerk.directories().get(&second.id).await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    assert_eq!(
        clerk.directories().list().await.unwrap().total_count,
        Some(1)
    );

    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn group_role_mappings_are_ranked_checked_and_replaced() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let admin = common::role_id(&clerk, "org:admin").await;
    let member = common::role_id(&clerk, "org:member").await;
    let acme = connection(&clerk, "Acme SSO", "acme.com").await;
    let initech = connection(&clerk, "Initech SSO", "initech.com").await;

    // Mappings given with the directory: ranked by precedence, else array order.
    let directory = clerk
        .directories()
        .create(&acme, "okta")
        .group_role_mappings([
            DirectoryGroupRoleMappingInput {
                directory_group_id: Some("grp-eng".into()),
                scim_group_id: None,
                directory_group_display_name: Some("Engineering".into()),
                scim_group_display_name: None,
                role_id: member.clone(),
                precedence: Some(2),
            },
            DirectoryGroupRoleMappingInput {
                directory_group_id: None,
                scim_group_id: Some("grp-admins".into()),
                directory_group_display_name: None,
                scim_group_display_name: Some("Admins".into()),
                role_id: admin.clone(),
                precedence: Some(1),
            },
        ])
        .await
        .unwrap();
    assert!(directory.group_role_mapping_enabled);
    let listed = clerk
        .directories()
        .list_group_role_mappings(&directory.id)
        .await
        .unwrap();
    assert_eq!(listed.total_count, Some(2));
    let first = &listed.data[0];
    assert_eq!(first.object, "directory_group_role_mapping");
    assert_eq!(
        (
            first.directory_group_id.as_str(),
            first.scim_group_id.as_str()
        ),
        ("grp-admins", "grp-admins")
    );
    assert_eq!(first.directory_group_display_name, "Admins");
    assert_eq!(first.directory_id, directory.id);
    assert_eq!(first.scim_directory_id, directory.id);
    assert_eq!(first.precedence, 1);
    assert_eq!(first.role.as_ref().unwrap().key, "org:admin");
    assert_eq!(listed.data[1].directory_group_id, "grp-eng");
    assert_eq!(listed.data[1].precedence, 2);

    // Inserted at precedence 1: the others move down.
    let ops = clerk
        .scim_directories()
        .create_group_role_mapping(&directory.id, "grp-ops", &member)
        .precedence(1)
        .await
        .unwrap();
    assert_eq!(ops.object, "scim_group_role_mapping");
    assert_eq!(ops.precedence, 1);
    assert_eq!(ops.scim_group_display_name, "");
    let appended = clerk
        .directories()
        .create_group_role_mapping(&directory.id, &admin)
        .scim_group_id("grp-sales")
        .await
        .unwrap();
    assert_eq!(appended.precedence, 4);
    let ranks: Vec<(String, i64)> = clerk
        .scim_directories()
        .list_group_role_mappings(&directory.id)
        .await
        .unwrap()
        .data
        .into_iter()
        .map(|m| (m.scim_group_id, m.precedence))
        .collect();
    assert_eq!(
        ranks,
        [
            ("grp-ops".to_owned(), 1),
            ("grp-admins".to_owned(), 2),
            ("grp-eng".to_owned(), 3),
            ("grp-sales".to_owned(), 4)
        ]
    );

    // Refused: a group mapped twice, an unknown role, both names disagreeing, a name the
    // family does not know, a precedence below 1.
    let (status, code) = common::failure(
        clerk
            .directories()
            .create_group_role_mapping(&directory.id, &admin)
            .directory_group_id("grp-eng")
            .await,
    );
    assert_eq!((status, code.as_str()), (422, "form_identifier_exists"));
    let (status, code) = common::failure(
        clerk
            .scim_directories()
            .create_group_role_mapping(
                &directory.id,
                "grp-new",
                "role_0000000000000000000000000000",
            )
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let path = format!("/v1/directories/{}/group_role_mappings", directory.id);
    let scim_path = format!("/v1/scim_directories/{}/group_role_mappings", directory.id);
    for (path, body, code) in [
        (
            &path,
            json!({"directory_group_id": "a", "scim_group_id": "b", "role_id": admin}),
            "form_param_value_invalid",
        ),
        (&path, json!({"role_id": admin}), "form_param_missing"),
        (
            &scim_path,
            json!({"directory_group_id": "a", "role_id": admin}),
            "form_param_unknown",
        ),
        (
            &scim_path,
            json!({"scim_group_id": "a", "role_id": admin, "precedence": 0}),
            "form_param_value_invalid",
        ),
    ] {
        let (status, answer) = common::raw(&emulator, "POST", path, Some(body.clone())).await;
        assert_eq!(status, 422, "{body} -> {answer}");
        assert_eq!(answer["errors"][0]["code"], code, "{body} -> {answer}");
    }
    let (status, answer) = common::raw(
        &emulator,
        "PUT",
        &path,
        Some(json!({"mappings": [
            {"directory_group_id": "x", "role_id": admin},
            {"scim_group_id": "x", "role_id": member},
        ]})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(answer["errors"][0]["code"], "form_identifier_exists");

    // Replace all: the array order is the precedence; a kept group keeps its mapping.
    let replaced = clerk
        .directories()
        .replace_group_role_mappings(
            &directory.id,
            [
                ReplaceDirectoryGroupRoleMappingsMappings {
                    directory_group_id: Some("grp-eng".into()),
                    scim_group_id: None,
                    role_id: admin.clone(),
                },
                ReplaceDirectoryGroupRoleMappingsMappings {
                    directory_group_id: None,
                    scim_group_id: Some("grp-new".into()),
                    role_id: member.clone(),
                },
            ],
        )
        .await
        .unwrap();
    assert_eq!(replaced.total_count, Some(2));
    assert_eq!(replaced.data[0].directory_group_id, "grp-eng");
    assert_eq!(replaced.data[0].directory_group_display_name, "Engineering");
    assert_eq!(replaced.data[0].role.as_ref().unwrap().key, "org:admin");
    assert_eq!(replaced.data[1].precedence, 2);
    let eng_id = replaced.data[0].id.clone();
    assert_eq!(
        listed.data[1].id, eng_id,
        "the kept group keeps its mapping id"
    );

    // Delete one: the rest move up.
    let gone = clerk
        .directories()
        .delete_group_role_mapping(&directory.id, &eng_id)
        .await
        .unwrap();
    assert_eq!(
        (gone.object.as_str(), gone.id.as_str(), gone.deleted),
        ("directory_group_role_mapping", eng_id.as_str(), true)
    );
    let left = clerk
        .scim_directories()
        .list_group_role_mappings(&directory.id)
        .await
        .unwrap();
    assert_eq!(left.data.len(), 1);
    assert_eq!(left.data[0].precedence, 1);
    let (status, code) = common::failure(
        clerk
            .scim_directories()
            .delete_group_role_mapping(&directory.id, &eng_id)
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));

    // With group role mapping off, mappings cannot change (but can be listed).
    let plain = clerk
        .scim_directories()
        .create(&initech, "okta")
        .await
        .unwrap();
    assert!(!plain.group_role_mapping_enabled);
    let (status, code) = common::failure(
        clerk
            .scim_directories()
            .create_group_role_mapping(&plain.id, "grp", &admin)
            .await,
    );
    assert_eq!(
        (status, code.as_str()),
        (400, "group_role_mapping_disabled")
    );
    let (status, code) = common::failure(
        clerk
            .scim_directories()
            .replace_group_role_mappings(
                &plain.id,
                [ReplaceScimGroupRoleMappingsMappings {
                    scim_group_id: "grp".into(),
                    role_id: admin.clone(),
                }],
            )
            .await,
    );
    assert_eq!(
        (status, code.as_str()),
        (400, "group_role_mapping_disabled")
    );
    clerk
        .scim_directories()
        .update(&plain.id)
        .group_role_mapping_enabled(true)
        .await
        .unwrap();
    let one = clerk
        .scim_directories()
        .replace_group_role_mappings(
            &plain.id,
            [ReplaceScimGroupRoleMappingsMappings {
                scim_group_id: "grp".into(),
                role_id: admin.clone(),
            }],
        )
        .await
        .unwrap();
    assert_eq!(one.data[0].object, "scim_group_role_mapping");
    let gone = clerk
        .scim_directories()
        .delete_group_role_mapping(&plain.id, &one.data[0].id)
        .await
        .unwrap();
    assert_eq!(gone.object, "scim_group_role_mapping");
    let cleared = clerk
        .directories()
        .replace_group_role_mappings(
            &directory.id,
            Vec::<ReplaceDirectoryGroupRoleMappingsMappings>::new(),
        )
        .await
        .unwrap();
    assert_eq!(cleared.total_count, Some(0));

    // The rest of the two groups, so every operation of both is called here.
    clerk
        .directories()
        .update(&directory.id)
        .provider("okta")
        .await
        .unwrap();
    clerk
        .directories()
        .rotate_api_key(&directory.id)
        .await
        .unwrap();
    clerk.directories().list().await.unwrap();
    clerk.directories().get(&directory.id).await.unwrap();
    clerk.scim_directories().get(&plain.id).await.unwrap();
    clerk.scim_directories().list().await.unwrap();
    clerk
        .scim_directories()
        .rotate_api_key(&plain.id)
        .await
        .unwrap();
    clerk.scim_directories().delete(&plain.id).await.unwrap();
    clerk.directories().delete(&directory.id).await.unwrap();

    assert!(common::validate_traffic(&emulator) > 0);
    common::assert_tags_called(&emulator, &["SCIM Directories", "Directories"]);
}

async fn events_of(received: &Arc<Mutex<Vec<Value>>>, kind: &str, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let found: Vec<Value> = received
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == kind)
            .cloned()
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} {kind} events arrived");
}

#[tokio::test]
async fn the_scim_endpoint_provisions_users_the_backend_api_cannot_delete() {
    let (hook_url, received) = common::webhook_inbox().await;
    let emulator = Emulator::builder()
        .record_traffic()
        .webhook(WebhookTarget::new(
            hook_url,
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        ))
        .start()
        .await
        .unwrap();
    let clerk = emulator.client();
    let acme = connection(&clerk, "Acme SSO", "acme.com").await;
    let directory = clerk.directories().create(&acme, "okta").await.unwrap();
    let key = directory.api_key.clone().unwrap().expose().to_owned();
    let users_url = format!("{}/Users", directory.endpoint_url);

    // The directory's key is needed: no key, the secret key, another key.
    for wrong in [None, Some(emulator.secret_key()), Some("not-the-key")] {
        let (status, content_type, body) = scim("GET", &users_url, wrong, None).await;
        assert_eq!(status, 401, "{wrong:?}");
        assert_eq!(content_type, "application/scim+json");
        assert_eq!(
            body["schemas"][0],
            "urn:ietf:params:scim:api:messages:2.0:Error"
        );
        assert_eq!(body["status"], "401");
    }

    // Create.
    let (status, content_type, created) = scim(
        "POST",
        &users_url,
        Some(&key),
        Some(json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "ada@acme.com",
            "externalId": "okta-123",
            "name": {"givenName": "Ada", "familyName": "Lovelace"},
            "emails": [
                {"value": "ada.l@acme.com", "type": "home"},
                {"value": "ada@acme.com", "type": "work", "primary": true}
            ],
            "active": true,
            "title": "ignored"
        })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(content_type, "application/scim+json");
    let user_id = created["id"].as_str().unwrap().to_owned();
    assert!(user_id.starts_with("user_"));
    assert_eq!(created["userName"], "ada@acme.com");
    assert_eq!(created["externalId"], "okta-123");
    assert_eq!(created["active"], true);
    assert_eq!(created["name"]["givenName"], "Ada");
    assert_eq!(created["emails"][0]["value"], "ada@acme.com");
    assert_eq!(
        created["meta"]["location"],
        format!("{users_url}/{user_id}")
    );

    // A normal user of the instance, its address verified by SCIM.
    let user = clerk.users().get(&user_id).await.unwrap();
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(user.last_name.as_deref(), Some("Lovelace"));
    assert_eq!(user.email_addresses.len(), 1);
    assert_eq!(user.email_addresses[0].email_address, "ada@acme.com");
    let (_, raw_user) = common::raw(&emulator, "GET", &format!("/v1/users/{user_id}"), None).await;
    assert_eq!(
        raw_user["email_addresses"][0]["verification"]["strategy"],
        "scim"
    );
    assert_eq!(
        raw_user["email_addresses"][0]["verification"]["object"],
        "verification_scim"
    );
    assert_eq!(raw_user["deprovisioned"], false);
    let listed = clerk
        .users()
        .list()
        .email_address(["ada@acme.com"])
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 1);

    // user.created carries the directory's details.
    let created_events = events_of(&received, "user.created", 1).await;
    assert_eq!(created_events[0]["data"]["id"], user_id);
    assert_eq!(
        created_events[0]["data"]["scim"],
        json!({"directory_id": directory.id, "directory_enabled": true, "external_id": "okta-123"})
    );

    // The Backend API refuses to delete it.
    let (status, body) =
        common::raw(&emulator, "DELETE", &format!("/v1/users/{user_id}"), None).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["errors"][0]["code"], "user_managed_by_scim");
    assert_eq!(
        body["errors"][0]["long_message"],
        "This user is managed by a directory and cannot be deleted manually."
    );
    let (status, code) = common::failure(clerk.users().delete(&user_id).await);
    assert_eq!((status, code.as_str()), (409, "user_managed_by_scim"));
    assert!(clerk.users().get(&user_id).await.is_ok());

    // Uniqueness: the same userName, or an address another user holds.
    let (status, _, body) = scim(
        "POST",
        &users_url,
        Some(&key),
        Some(json!({"userName": "ADA@acme.com"})),
    )
    .await;
    assert_eq!((status, &body["scimType"]), (409, &json!("uniqueness")));
    clerk
        .users()
        .create()
        .email_address(["taken@acme.com"])
        .await
        .unwrap();
    let (status, _, body) = scim(
        "POST",
        &users_url,
        Some(&key),
        Some(json!({"userName": "bob", "emails": [{"value": "taken@acme.com"}]})),
    )
    .await;
    assert_eq!((status, &body["scimType"]), (409, &json!("uniqueness")));
    let (status, _, body) = scim("POST", &users_url, Some(&key), Some(json!({"name": {}}))).await;
    assert_eq!((status, &body["scimType"]), (400, &json!("invalidValue")));
    let (status, _, body) = scim("POST", &users_url, Some(&key), None).await;
    assert_eq!((status, &body["scimType"]), (400, &json!("invalidSyntax")));

    // Read and list with a filter.
    let (status, _, got) = scim("GET", &format!("{users_url}/{user_id}"), Some(&key), None).await;
    assert_eq!(status, 200);
    assert_eq!(got["userName"], "ada@acme.com");
    let (status, _, list) = scim(
        "GET",
        &format!("{users_url}?filter=userName%20eq%20%22Ada%40acme.com%22"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["totalResults"], 1);
    assert_eq!(list["Resources"][0]["id"], user_id);
    let (_, _, none) = scim(
        "GET",
        &format!("{users_url}?filter=userName%20eq%20%22nobody%22"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(none["totalResults"], 0);
    let (status, _, bad) = scim(
        "GET",
        &format!("{users_url}?filter=title%20co%20%22x%22"),
        Some(&key),
        None,
    )
    .await;
    assert_eq!((status, &bad["scimType"]), (400, &json!("invalidFilter")));

    // Patch: a new name and address; then deactivation deprovisions and revokes sessions.
    let session = clerk.sessions().create(&user_id).await.unwrap();
    let (status, _, patched) = scim(
        "PATCH",
        &format!("{users_url}/{user_id}"),
        Some(&key),
        Some(json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [
                {"op": "Replace", "path": "name.familyName", "value": "King"},
                {"op": "replace", "path": "emails[type eq \"work\"].value", "value": "ada.king@acme.com"}
            ]
        })),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["name"]["familyName"], "King");
    let user = clerk.users().get(&user_id).await.unwrap();
    assert_eq!(user.last_name.as_deref(), Some("King"));
    assert_eq!(user.email_addresses[0].email_address, "ada.king@acme.com");
    assert!(
        clerk
            .users()
            .list()
            .email_address(["ada@acme.com"])
            .await
            .unwrap()
            .data
            .is_empty()
    );
    let (status, _, patched) = scim(
        "PATCH",
        &format!("{users_url}/{user_id}"),
        Some(&key),
        Some(json!({"Operations": [{"op": "replace", "value": {"active": "False"}}]})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(patched["active"], false);
    let (_, raw_user) = common::raw(&emulator, "GET", &format!("/v1/users/{user_id}"), None).await;
    assert_eq!(raw_user["deprovisioned"], true);
    assert_eq!(raw_user["banned"], false);
    let session = clerk.sessions().get(&session.id).await.unwrap();
    assert_eq!(format!("{:?}", session.status).to_lowercase(), "revoked");
    let updated_events = events_of(&received, "user.updated", 2).await;
    assert_eq!(
        updated_events.last().unwrap()["data"]["scim"]["directory_id"],
        json!(directory.id)
    );
    // Replace (PUT) reactivates.
    let (status, _, put) = scim(
        "PUT",
        &format!("{users_url}/{user_id}"),
        Some(&key),
        Some(json!({"userName": "ada.king@acme.com", "active": true, "name": {"givenName": "Augusta"}})),
    )
    .await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["active"], true);
    assert_eq!(put["userName"], "ada.king@acme.com");
    assert_eq!(put["name"]["givenName"], "Augusta");

    // Rotation: the old key stops working, the new one works.
    let rotated = clerk
        .scim_directories()
        .rotate_api_key(&directory.id)
        .await
        .unwrap();
    let new_key = rotated.api_key.unwrap().expose().to_owned();
    assert_ne!(new_key, key);
    let (status, _, _) = scim("GET", &users_url, Some(&key), None).await;
    assert_eq!(status, 401);
    let (status, _, list) = scim("GET", &users_url, Some(&new_key), None).await;
    assert_eq!(status, 200);
    assert_eq!(list["totalResults"], 1);

    // A disabled directory provisions nothing.
    clerk
        .directories()
        .update(&directory.id)
        .enabled(false)
        .await
        .unwrap();
    let (status, _, _) = scim("GET", &users_url, Some(&new_key), None).await;
    assert_eq!(status, 403);
    clerk
        .directories()
        .update(&directory.id)
        .enabled(true)
        .await
        .unwrap();

    // A user that is not the directory's is not found there.
    let other = common::user_id(&clerk, "plain@example.com").await;
    let (status, _, _) = scim("GET", &format!("{users_url}/{other}"), Some(&new_key), None).await;
    assert_eq!(status, 404);
    let (status, _, _) = scim(
        "DELETE",
        &format!("{users_url}/{other}"),
        Some(&new_key),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Deleting through SCIM deletes the user.
    let (status, _, _) = scim(
        "DELETE",
        &format!("{users_url}/{user_id}"),
        Some(&new_key),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, code) = common::failure(clerk.users().get(&user_id).await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    events_of(&received, "user.deleted", 1).await;

    // Once its directory is deleted, a provisioned user can be deleted by hand, and the key
    // is refused.
    let (_, _, bob) = scim(
        "POST",
        &users_url,
        Some(&new_key),
        Some(json!({"userName": "bob@acme.com"})),
    )
    .await;
    let bob = bob["id"].as_str().unwrap().to_owned();
    let (status, code) = common::failure(clerk.users().delete(&bob).await);
    assert_eq!((status, code.as_str()), (409, "user_managed_by_scim"));
    clerk.directories().delete(&directory.id).await.unwrap();
    let (status, _, _) = scim("GET", &users_url, Some(&new_key), None).await;
    assert_eq!(status, 401);
    assert!(clerk.users().delete(&bob).await.unwrap().deleted);

    assert!(common::validate_traffic(&emulator) > 0);
}

#[tokio::test]
async fn directories_mappings_and_provisioned_users_survive_a_restart() {
    let dir =
        std::env::temp_dir().join(format!("clerk-emulator-directories-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    let (directory_id, key, user_id, endpoint) = {
        let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
        let clerk = emulator.client();
        let admin = common::role_id(&clerk, "org:admin").await;
        let acme = connection(&clerk, "Acme SSO", "acme.com").await;
        let directory = clerk
            .directories()
            .create(&acme, "okta")
            .group_role_mappings([DirectoryGroupRoleMappingInput {
                directory_group_id: Some("grp-admins".into()),
                scim_group_id: None,
                directory_group_display_name: None,
                scim_group_display_name: None,
                role_id: admin,
                precedence: None,
            }])
            .await
            .unwrap();
        let key = directory.api_key.unwrap().expose().to_owned();
        let (status, _, user) = scim(
            "POST",
            &format!("{}/Users", directory.endpoint_url),
            Some(&key),
            Some(json!({"userName": "keep@acme.com"})),
        )
        .await;
        assert_eq!(status, 201);
        emulator.shutdown().await.unwrap();
        (
            directory.id,
            key,
            user["id"].as_str().unwrap().to_owned(),
            directory.endpoint_url,
        )
    };
    let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
    let clerk = emulator.client();
    let directory = clerk.directories().get(&directory_id).await.unwrap();
    assert_eq!(directory.name, "Acme SSO");
    let mappings = clerk
        .directories()
        .list_group_role_mappings(&directory_id)
        .await
        .unwrap();
    assert_eq!(mappings.data[0].directory_group_id, "grp-admins");
    let (status, code) = common::failure(clerk.users().delete(&user_id).await);
    assert_eq!((status, code.as_str()), (409, "user_managed_by_scim"));
    // The key still works at the same path (the port may differ after a restart).
    let path = endpoint.split_once("/scim/").unwrap().1;
    let (status, _, got) = scim(
        "GET",
        &format!("{}/scim/{path}/Users/{user_id}", emulator.url()),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(got["userName"], "keep@acme.com");
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
