//! SAML and enterprise connections against the emulator over loopback: create, list, read,
//! update, delete; a domain belongs to one connection of either kind; activation needs a
//! configured IdP; and the errors. Every JSON answer is then checked against the OpenAPI spec.

// Clerk marks the SAML connection operations deprecated; the emulator still serves them.
#![allow(deprecated)]

mod common;

use clerk_backend::models::{EnterpriseConnectionProvider, SamlConnectionProvider};
use serde_json::json;

#[tokio::test]
async fn saml_connections_are_stored_updated_and_deleted() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let created = clerk
        .saml_connections()
        .create("Acme SSO", SamlConnectionProvider::SamlOkta)
        .domain("Acme.COM")
        .await
        .unwrap();
    assert!(created.id.starts_with("samlc_"), "{}", created.id);
    assert_eq!(created.domains, Some(vec!["acme.com".to_owned()]));
    assert!(!created.active);
    assert_eq!(created.provider, "saml_okta");
    assert!(created.acs_url.contains(&created.id));

    // Not configured: cannot be activated.
    let (status, code) = common::failure(
        clerk
            .saml_connections()
            .update(&created.id)
            .active(true)
            .await,
    );
    assert_eq!((status, code.as_str()), (422, "form_param_value_invalid"));
    let active = clerk
        .saml_connections()
        .update(&created.id)
        .idp_entity_id("https://idp.acme.com")
        .idp_sso_url("https://idp.acme.com/sso")
        .idp_certificate("MIIC...")
        .active(true)
        .name("Acme")
        .await
        .unwrap();
    assert!(active.active);
    assert_eq!(active.name, "Acme");
    let read = clerk.saml_connections().get(&created.id).await.unwrap();
    assert_eq!(
        read.idp_sso_url.as_deref(),
        Some("https://idp.acme.com/sso")
    );

    // The domain is taken, by either kind of connection.
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/saml_connections",
        Some(json!({"name": "Other", "provider": "saml_custom", "domains": ["acme.com"]})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["errors"][0]["meta"]["param_name"], "domains");
    let (status, code) = common::failure(
        clerk
            .enterprise_connections()
            .create(
                "Dup",
                EnterpriseConnectionProvider::SamlCustom,
                ["ACME.com"],
            )
            .await,
    );
    assert_eq!(status, 409, "{code}");

    clerk
        .saml_connections()
        .create("Beta", SamlConnectionProvider::SamlCustom)
        .domains(["beta.io"])
        .await
        .unwrap();
    let list = clerk.saml_connections().list().await.unwrap();
    assert_eq!(list.total_count, Some(2));
    assert_eq!(list.data[0].name, "Beta", "newest first");
    let found = clerk.saml_connections().list().query("acm").await.unwrap();
    assert_eq!(found.data.len(), 1);

    // Bad input.
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/saml_connections",
        Some(json!({"name": "x", "provider": "saml_nope", "domain": "x.com"})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("form_param_value_invalid"))
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/saml_connections",
        Some(json!({"provider": "saml_custom", "domain": "x.com"})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("form_param_missing"))
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/saml_connections",
        Some(json!({"name": "x", "provider": "saml_custom", "domain": "not a domain"})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("form_param_format_invalid"))
    );

    let deleted = clerk.saml_connections().delete(&created.id).await.unwrap();
    assert!(deleted.deleted);
    let (status, code) = common::failure(clerk.saml_connections().get(&created.id).await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    // Its domain is free again.
    clerk
        .enterprise_connections()
        .create(
            "Acme again",
            EnterpriseConnectionProvider::OidcCustom,
            ["acme.com"],
        )
        .await
        .unwrap();
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn enterprise_connections_are_stored_updated_and_deleted() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let (status, created) = common::raw(
        &emulator,
        "POST",
        "/v1/enterprise_connections",
        Some(json!({
            "name": "Globex",
            "provider": "saml_custom",
            "domains": ["Globex.com", "globex.io"],
            "saml": {"idp_metadata_url": "https://idp.globex.com/metadata"},
            "active": true
        })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["domains"], json!(["globex.com", "globex.io"]));
    assert_eq!(created["active"], json!(true));
    assert_eq!(
        created["saml_connection"]["idp_metadata_url"],
        "https://idp.globex.com/metadata"
    );
    let id = created["id"].as_str().unwrap().to_owned();

    let oidc = clerk
        .enterprise_connections()
        .create(
            "Initech",
            EnterpriseConnectionProvider::OidcCustom,
            ["initech.com"],
        )
        .await
        .unwrap();
    assert!(!oidc.active);
    assert!(oidc.oauth_config.is_some());
    assert!(oidc.saml_connection.is_none());
    // OIDC needs a client id and a discovery URL before it can be active.
    let (status, _) = common::failure(
        clerk
            .enterprise_connections()
            .update(&oidc.id)
            .active(true)
            .await,
    );
    assert_eq!(status, 422);

    let got = clerk.enterprise_connections().get(&id).await.unwrap();
    assert_eq!(got.name, "Globex");
    let updated = clerk
        .enterprise_connections()
        .update(&id)
        .name("Globex Corp")
        .domains(["globex.net"])
        .active(false)
        .await
        .unwrap();
    assert_eq!(updated.name, "Globex Corp");
    assert_eq!(updated.domains, vec!["globex.net".to_owned()]);
    assert!(!updated.active);

    let all = clerk.enterprise_connections().list().await.unwrap();
    assert_eq!(all.total_count, Some(2));
    let (status, body) = common::raw(
        &emulator,
        "GET",
        "/v1/enterprise_connections?active=true",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["total_count"], 0);

    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/enterprise_connections",
        Some(json!({"name": "x", "provider": "saml_custom", "domains": []})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (422, Some("form_param_missing"))
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/enterprise_connections",
        Some(json!({"name": "x", "provider": "saml_custom", "domains": ["initech.com"]})),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/enterprise_connections",
        Some(json!({"name": "x", "provider": "oidc_custom", "domains": ["x.com"], "organization_id": "org_missing"})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (404, Some("resource_not_found"))
    );

    let deleted = clerk.enterprise_connections().delete(&id).await.unwrap();
    assert!(deleted.deleted);
    let (status, code) = common::failure(clerk.enterprise_connections().get(&id).await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    common::validate_traffic(&emulator);
}
