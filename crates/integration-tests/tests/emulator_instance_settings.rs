//! Instance settings, restrictions and organization settings in the emulator, and the smaller
//! instance groups (domains, redirect URLs, beta features, proxy checks, admin portal link
//! tokens): through the SDK's typed calls, with raw HTTP where the exact wire matters, and
//! each setting's effect on the operations it changes.

mod common;

use clerk_backend::Clerk;
use clerk_emulator::Emulator;
use serde_json::{Value, json};

/// Asserts an error answer's status and code; returns its first error.
#[track_caller]
fn error(answer: &(u16, Value), status: u16, code: &str) -> Value {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["errors"][0]["code"], code, "{}", answer.1);
    answer.1["errors"][0].clone()
}

/// The groups this file covers whole: every operation of these tags is called by one of the
/// tests below (checked by the last test).
const TAGS: &[&str] = &[
    "Instance Settings",
    "Beta Features",
    "Domains",
    "Redirect URLs",
    "Proxy Checks",
    "Admin Portal Link Tokens",
];

/// What each test calls; each test checks its list against the emulator's traffic.
const RESTRICTIONS: &[&str] = &["UpdateInstanceRestrictions", "UpdateInstanceAuthConfig"];
const INSTANCE: &[&str] = &[
    "GetInstance",
    "UpdateInstance",
    "GetInstanceProtect",
    "UpdateInstanceProtect",
    "GetInstanceCommunication",
    "UpdateInstanceCommunication",
    "GetInstanceOAuthApplicationSettings",
    "UpdateInstanceOAuthApplicationSettings",
];
const ORGANIZATION_SETTINGS: &[&str] = &[
    "GetInstanceOrganizationSettings",
    "UpdateInstanceOrganizationSettings",
];
const DOMAINS_AND_THE_REST: &[&str] = &[
    "ListDomains",
    "AddDomain",
    "UpdateDomain",
    "DeleteDomain",
    "VerifyDomainProxy",
    "UpdateProductionInstanceDomain",
    "ChangeProductionInstanceDomain",
    "ListRedirectURLs",
    "CreateRedirectURL",
    "GetRedirectURL",
    "DeleteRedirectURL",
    "createAdminPortalLinkToken",
    "revokeAdminPortalLinkToken",
];

/// Every operation in `expected` reached the emulator in this test.
#[track_caller]
fn assert_called(emulator: &Emulator, expected: &[&str]) {
    let called = common::operations_called(emulator);
    if called.is_empty() {
        return; // no spec
    }
    let missing: Vec<&&str> = expected
        .iter()
        .filter(|id| !called.contains(**id))
        .collect();
    assert!(missing.is_empty(), "not called: {missing:?}");
}

#[test]
fn the_tests_call_every_operation_of_their_groups() {
    let listed: Vec<&str> = [
        RESTRICTIONS,
        INSTANCE,
        ORGANIZATION_SETTINGS,
        DOMAINS_AND_THE_REST,
    ]
    .concat();
    let missing: Vec<&str> = clerk_backend::operations::OPERATIONS
        .iter()
        .filter(|op| TAGS.contains(&op.tag) && !listed.contains(&op.id))
        .map(|op| op.id)
        .collect();
    assert!(missing.is_empty(), "not exercised: {missing:?}");
    let count = clerk_backend::operations::OPERATIONS
        .iter()
        .filter(|op| TAGS.contains(&op.tag))
        .count();
    assert_eq!(
        count,
        listed.len(),
        "every listed operation is in these groups"
    );
}

/// Creating a user with this email address: `Ok(id)` or the raw refusal.
async fn sign_up(emulator: &Emulator, email: &str) -> Result<String, (u16, Value)> {
    let answer = common::raw(
        emulator,
        "POST",
        "/v1/users",
        Some(json!({"email_address": [email]})),
    )
    .await;
    if answer.0 == 200 {
        Ok(answer.1["id"].as_str().unwrap().to_owned())
    } else {
        Err(answer)
    }
}

#[track_caller]
fn refused(result: Result<String, (u16, Value)>, email: &str) {
    match result {
        Ok(id) => panic!("{email} was accepted as {id}"),
        Err(answer) => {
            let e = error(&answer, 403, "not_allowed_access");
            assert_eq!(e["meta"]["identifiers"], json!([email]));
        }
    }
}

#[tokio::test]
async fn restrictions_switch_the_lists_and_refuse_subaddresses_and_disposable_domains() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let settings = clerk.instance_settings();

    // Never set: the block-list applies, the allow-list while it has entries.
    let r = settings.update_restrictions().await.unwrap();
    assert_eq!(r.object, "instance_restrictions");
    assert!(!r.allowlist && r.blocklist);
    assert!(!r.block_email_subaddresses && !r.block_disposable_email_domains);
    sign_up(&emulator, "anyone@example.com").await.unwrap();

    // Allowlist-only with an empty list: every sign-up is refused.
    let r = settings
        .update_restrictions()
        .allowlist(true)
        .await
        .unwrap();
    assert!(r.allowlist);
    refused(
        sign_up(&emulator, "bob@example.com").await,
        "bob@example.com",
    );
    clerk
        .allowlist_identifiers()
        .create("*@corp.example")
        .await
        .unwrap();
    sign_up(&emulator, "carol@corp.example").await.unwrap();
    refused(
        sign_up(&emulator, "dan@other.example").await,
        "dan@other.example",
    );
    // Adding an address off the list to an existing user is refused too.
    let carol = clerk
        .users()
        .list()
        .email_address(["carol@corp.example"])
        .await
        .unwrap();
    let carol_id = carol.data[0].id.clone();
    let e = common::raw(
        &emulator,
        "POST",
        "/v1/email_addresses",
        Some(json!({"user_id": carol_id, "email_address": "carol@other.example"})),
    )
    .await;
    error(&e, 403, "not_allowed_access");
    // Switched off, the list stays but no longer applies.
    let r = settings
        .update_restrictions()
        .allowlist(false)
        .await
        .unwrap();
    assert!(!r.allowlist);
    sign_up(&emulator, "dan@other.example").await.unwrap();

    // The block-list can be switched off and on.
    clerk
        .blocklist_identifiers()
        .create("*@spam.example")
        .await
        .unwrap();
    refused(
        sign_up(&emulator, "eve@spam.example").await,
        "eve@spam.example",
    );
    assert!(
        !settings
            .update_restrictions()
            .blocklist(false)
            .await
            .unwrap()
            .blocklist
    );
    sign_up(&emulator, "eve@spam.example").await.unwrap();
    settings
        .update_restrictions()
        .blocklist(true)
        .await
        .unwrap();
    refused(
        sign_up(&emulator, "eve2@spam.example").await,
        "eve2@spam.example",
    );

    // Subaddresses: `+`, `=`, `#` in the local part, at sign-up and when added.
    sign_up(&emulator, "a+before@x.com").await.unwrap();
    let r = settings
        .update_restrictions()
        .block_email_subaddresses(true)
        .await
        .unwrap();
    assert!(r.block_email_subaddresses);
    for email in ["a+b@x.com", "a=b@x.com", "a#b@x.com"] {
        refused(sign_up(&emulator, email).await, email);
    }
    sign_up(&emulator, "a.b@x.com").await.unwrap();
    let e = common::raw(
        &emulator,
        "POST",
        "/v1/email_addresses",
        Some(json!({"user_id": carol_id, "email_address": "carol+2@corp.example"})),
    )
    .await;
    assert_eq!(
        error(&e, 403, "not_allowed_access")["meta"]["identifiers"],
        json!(["carol+2@corp.example"])
    );

    // Disposable email domains, with their subdomains.
    sign_up(&emulator, "tmp@yopmail.com").await.unwrap();
    settings
        .update_restrictions()
        .block_disposable_email_domains(true)
        .await
        .unwrap();
    refused(
        sign_up(&emulator, "tmp2@mailinator.com").await,
        "tmp2@mailinator.com",
    );
    refused(
        sign_up(&emulator, "tmp@eu.mailinator.com").await,
        "tmp@eu.mailinator.com",
    );
    sign_up(&emulator, "tmp@notmailinator.com").await.unwrap();
    let r = settings
        .update_restrictions()
        .block_disposable_email_domains(false)
        .block_email_subaddresses(false)
        .allowlist_blocklist_disabled_on_sign_in(true)
        .await
        .unwrap();
    assert!(r.allowlist_blocklist_disabled_on_sign_in);
    sign_up(&emulator, "tmp2@mailinator.com").await.unwrap();
    sign_up(&emulator, "a+b@x.com").await.unwrap();

    // The beta switch is the same allow-list switch.
    let beta = clerk
        .beta_features()
        .update_instance_settings()
        .restricted_to_allowlist(true)
        .from_email_address("hello")
        .progressive_sign_up(true)
        .await
        .unwrap();
    assert_eq!(beta.restricted_to_allowlist, Some(true));
    assert_eq!(beta.from_email_address.as_deref(), Some("hello"));
    assert_eq!(beta.object.as_deref(), Some("instance_settings"));
    assert_eq!(beta.id.as_deref(), Some(emulator.instance_id()));
    assert!(settings.update_restrictions().await.unwrap().allowlist);
    refused(
        sign_up(&emulator, "fay@other.example").await,
        "fay@other.example",
    );
    let e = common::raw(
        &emulator,
        "PATCH",
        "/v1/beta_features/instance_settings",
        Some(json!({"from_email_address": "not an address"})),
    )
    .await;
    error(&e, 422, "form_param_format_invalid");
    let e = common::raw(
        &emulator,
        "PATCH",
        "/v1/instance/restrictions",
        Some(json!({"allowlist": "yes"})),
    )
    .await;
    error(&e, 422, "form_param_value_invalid");

    assert!(common::validate_traffic(&emulator) > 0);
    assert_called(&emulator, RESTRICTIONS);
}

#[tokio::test]
async fn instance_protect_communication_and_oauth_settings_are_kept() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let settings = clerk.instance_settings();

    let instance = settings.get().await.unwrap();
    assert_eq!(instance.object, "instance");
    assert_eq!(instance.id, emulator.instance_id());
    assert_eq!(instance.environment_type, "development");
    assert_eq!(instance.allowed_origins, Some(vec![]));
    settings
        .update()
        .allowed_origins(["https://app.example.com", "http://localhost:3000/"])
        .support_email("help@example.com")
        .development_origin("http://localhost:3000")
        .hibp(false)
        .await
        .unwrap();
    let instance = settings.get().await.unwrap();
    assert_eq!(
        instance.allowed_origins,
        Some(vec![
            "https://app.example.com".to_owned(),
            "http://localhost:3000".to_owned()
        ])
    );
    // PATCH /v1/instance answers 204 with no body.
    let resp = reqwest::Client::new()
        .patch(format!("{}/v1/instance", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .header("content-type", "application/json")
        .body(r#"{"test_mode": true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());
    for (body, code) in [
        (
            json!({"support_email": "nope"}),
            "form_param_format_invalid",
        ),
        (
            json!({"allowed_origins": ["https://a.example/path"]}),
            "form_param_format_invalid",
        ),
        (
            json!({"development_origin": "localhost"}),
            "form_param_format_invalid",
        ),
        (
            json!({"preferred_sign_in_strategy_when_password_required": "magic"}),
            "form_param_value_invalid",
        ),
        (json!({"colour": "blue"}), "form_param_unknown"),
    ] {
        error(
            &common::raw(&emulator, "PATCH", "/v1/instance", Some(body)).await,
            422,
            code,
        );
    }
    // The development origin shows on the primary domain.
    let domains = clerk.domains().list().await.unwrap();
    assert_eq!(domains.data[0].development_origin, "http://localhost:3000");

    let protect = settings.get_protect().await.unwrap();
    assert!(!protect.rules_enabled && !protect.specter_enabled && !protect.checks_bypassed);
    let protect = settings.update_protect().rules_enabled(true).await.unwrap();
    assert!(protect.rules_enabled && !protect.specter_enabled);
    assert_eq!(settings.get_protect().await.unwrap(), protect);

    let comm = settings.get_communication().await.unwrap();
    assert!(comm.blocked_country_codes.is_empty());
    let comm = settings
        .update_communication()
        .blocked_country_codes(["RU", "NG"])
        .await
        .unwrap();
    assert_eq!(comm.blocked_country_codes, ["RU", "NG"]);
    // Omitted: nothing changes.
    let comm = settings.update_communication().await.unwrap();
    assert_eq!(comm.blocked_country_codes, ["RU", "NG"]);
    assert_eq!(settings.get_communication().await.unwrap(), comm);
    for body in [
        json!({"blocked_country_codes": ["ru"]}),
        json!({"blocked_country_codes": ["USA"]}),
    ] {
        error(
            &common::raw(&emulator, "PATCH", "/v1/instance/communication", Some(body)).await,
            422,
            "form_param_format_invalid",
        );
    }
    error(
        &common::raw(
            &emulator,
            "PATCH",
            "/v1/instance/communication",
            Some(json!({"blocked_country_codes": ["US", "US"]})),
        )
        .await,
        422,
        "form_param_value_invalid",
    );

    let oauth = settings.get_oauth_application_settings().await.unwrap();
    assert!(!oauth.dynamic_oauth_client_registration && !oauth.oauth_jwt_access_tokens);
    let oauth = settings
        .update_oauth_application_settings()
        .dynamic_oauth_client_registration(true)
        .default_scopes(["openid", "email", "openid"])
        .await
        .unwrap();
    assert!(oauth.dynamic_oauth_client_registration);
    assert_eq!(
        oauth.default_scopes,
        Some(vec!["openid".into(), "email".into()])
    );
    assert_eq!(
        settings.get_oauth_application_settings().await.unwrap(),
        oauth
    );
    error(
        &common::raw(
            &emulator,
            "PATCH",
            "/v1/instance/oauth_application_settings",
            Some(json!({"default_scopes": ["two words"]})),
        )
        .await,
        422,
        "form_param_format_invalid",
    );

    assert!(common::validate_traffic(&emulator) > 0);
    assert_called(&emulator, INSTANCE);
}

async fn permission_ids(clerk: &Clerk, keys: &[&str]) -> Vec<String> {
    let all = clerk
        .organization_permissions()
        .list()
        .limit(100)
        .await
        .unwrap();
    keys.iter()
        .map(|k| all.data.iter().find(|p| p.key == *k).unwrap().id.clone())
        .collect()
}

#[tokio::test]
async fn organization_settings_drive_the_organization_operations() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let settings = clerk.instance_settings();

    let s = settings.get_organization_settings().await.unwrap();
    assert_eq!(s.object, "organization_settings");
    assert!(s.enabled && s.admin_delete_enabled && s.domains_enabled);
    assert_eq!(s.max_allowed_memberships, 5);
    assert_eq!(s.creator_role, "org:admin");
    assert_eq!(s.domains_default_role, "org:member");
    assert_eq!(s.domains_enrollment_modes.len(), 3);

    // New organizations take the membership limit and admin-delete default.
    let s = settings
        .update_organization_settings()
        .max_allowed_memberships(2)
        .admin_delete_enabled(false)
        .await
        .unwrap();
    assert_eq!(s.max_allowed_memberships, 2);
    assert!(!s.admin_delete_enabled);
    let mut users = Vec::new();
    for email in ["o1@example.com", "o2@example.com", "o3@example.com"] {
        users.push(sign_up(&emulator, email).await.unwrap());
    }
    let org = clerk
        .organizations()
        .create("Acme")
        .created_by(&users[0])
        .await
        .unwrap();
    assert_eq!(org.max_allowed_memberships, 2);
    assert!(!org.admin_delete_enabled);
    clerk
        .organization_memberships()
        .create(&org.id, &users[1], "org:member")
        .await
        .unwrap();
    let e = common::raw(
        &emulator,
        "POST",
        &format!("/v1/organizations/{}/memberships", org.id),
        Some(json!({"user_id": users[2], "role": "org:member"})),
    )
    .await;
    error(&e, 403, "organization_membership_quota_exceeded");
    // An organization that names its own limit keeps it.
    let big = clerk
        .organizations()
        .create("Big")
        .max_allowed_memberships(50)
        .await
        .unwrap();
    assert_eq!(big.max_allowed_memberships, 50);

    // The creator role: a role that holds a creator's permissions.
    let perms = permission_ids(
        &clerk,
        &[
            "org:sys_memberships:read",
            "org:sys_memberships:manage",
            "org:sys_profile:delete",
        ],
    )
    .await;
    let owner = clerk
        .organization_roles()
        .create("Owner", "org:owner")
        .permissions(perms)
        .await
        .unwrap();
    let viewer = clerk
        .organization_roles()
        .create("Viewer", "org:viewer")
        .await
        .unwrap();
    let e = common::raw(
        &emulator,
        "PATCH",
        "/v1/instance/organization_settings",
        Some(json!({"creator_role_id": viewer.id})),
    )
    .await;
    error(&e, 422, "organization_missing_creator_role_permissions");
    error(
        &common::raw(
            &emulator,
            "PATCH",
            "/v1/instance/organization_settings",
            Some(json!({"creator_role_id": "role_unknown"})),
        )
        .await,
        404,
        "resource_not_found",
    );
    let s = settings
        .update_organization_settings()
        .creator_role_id(&owner.id)
        .domains_default_role_id(&viewer.id)
        .await
        .unwrap();
    assert_eq!(s.creator_role, "org:owner");
    assert_eq!(s.domains_default_role, "org:viewer");
    let owned = clerk
        .organizations()
        .create("Owned")
        .created_by(&users[2])
        .await
        .unwrap();
    let members = clerk
        .organization_memberships()
        .list(&owned.id)
        .await
        .unwrap();
    assert_eq!(members.data[0].role, "org:owner");

    // Enrollment modes and domains.
    settings
        .update_organization_settings()
        .domains_enrollment_modes(["manual_invitation"])
        .await
        .unwrap();
    let e = common::raw(
        &emulator,
        "POST",
        &format!("/v1/organizations/{}/domains", org.id),
        Some(json!({"name": "acme.com", "enrollment_mode": "automatic_invitation"})),
    )
    .await;
    error(&e, 422, "form_param_value_invalid");
    clerk
        .organization_domains()
        .create(&org.id)
        .name("acme.com")
        .await
        .unwrap();
    error(
        &common::raw(
            &emulator,
            "PATCH",
            "/v1/instance/organization_settings",
            Some(json!({"domains_enrollment_modes": ["by_magic"]})),
        )
        .await,
        422,
        "form_param_value_invalid",
    );
    settings
        .update_organization_settings()
        .domains_enabled(false)
        .await
        .unwrap();
    let e = common::raw(
        &emulator,
        "POST",
        &format!("/v1/organizations/{}/domains", org.id),
        Some(json!({"name": "acme.org"})),
    )
    .await;
    error(&e, 403, "organization_domains_not_enabled");

    // Organizations off: none can be created.
    let s = settings
        .update_organization_settings()
        .enabled(false)
        .await
        .unwrap();
    assert!(!s.enabled);
    let e = common::raw(
        &emulator,
        "POST",
        "/v1/organizations",
        Some(json!({"name": "Nope"})),
    )
    .await;
    error(&e, 403, "organization_not_enabled_in_instance");
    error(
        &common::raw(
            &emulator,
            "PATCH",
            "/v1/instance/organization_settings",
            Some(json!({"max_allowed_memberships": -1})),
        )
        .await,
        422,
        "form_param_value_invalid",
    );

    assert!(common::validate_traffic(&emulator) > 0);
    assert_called(&emulator, ORGANIZATION_SETTINGS);
}

#[tokio::test]
async fn domains_redirect_urls_proxy_checks_and_admin_portal_tokens() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    // The primary domain is the emulator's own address.
    let list = clerk.domains().list().await.unwrap();
    assert_eq!(list.total_count, Some(1));
    let primary = list.data[0].clone();
    assert!(!primary.is_satellite);
    assert!(primary.id.starts_with("dmn_"));
    assert_eq!(primary.frontend_api_url, emulator.url());
    assert!(emulator.url().ends_with(&primary.name));

    let sat = clerk
        .domains()
        .add("Satellite.example.com", true)
        .await
        .unwrap();
    assert!(sat.is_satellite);
    assert_eq!(sat.name, "satellite.example.com");
    assert_eq!(sat.proxy_url, None);
    for (body, status, code) in [
        (
            json!({"name": "satellite.example.com", "is_satellite": true}),
            422,
            "form_identifier_exists",
        ),
        (
            json!({"name": "other.example.com", "is_satellite": false}),
            422,
            "form_param_value_invalid",
        ),
        (
            json!({"name": "not a domain", "is_satellite": true}),
            422,
            "form_param_format_invalid",
        ),
        (json!({"is_satellite": true}), 422, "form_param_missing"),
        (
            json!({"name": "p.example.com", "is_satellite": true, "proxy_url": "nope"}),
            422,
            "form_param_format_invalid",
        ),
    ] {
        error(
            &common::raw(&emulator, "POST", "/v1/domains", Some(body)).await,
            status,
            code,
        );
    }
    let local = clerk
        .domains()
        .add("localhost:3001", true)
        .proxy_url("https://localhost:3001/__clerk")
        .await
        .unwrap();
    assert_eq!(
        local.proxy_url.as_deref(),
        Some("https://localhost:3001/__clerk")
    );
    let sat = clerk
        .domains()
        .update(&sat.id)
        .proxy_url("https://satellite.example.com/__clerk/")
        .await
        .unwrap();
    assert_eq!(
        sat.proxy_url.as_deref(),
        Some("https://satellite.example.com/__clerk")
    );
    // null clears the proxy.
    let (status, cleared) = common::raw(
        &emulator,
        "PATCH",
        &format!("/v1/domains/{}", sat.id),
        Some(json!({"proxy_url": null})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(cleared["proxy_url"], Value::Null);
    error(
        &common::raw(
            &emulator,
            "PATCH",
            &format!("/v1/domains/{}", sat.id),
            Some(json!({"name": "localhost:3001"})),
        )
        .await,
        422,
        "form_identifier_exists",
    );
    error(
        &common::raw(&emulator, "PATCH", "/v1/domains/dmn_nope", Some(json!({}))).await,
        404,
        "resource_not_found",
    );
    let renamed = clerk
        .domains()
        .update(&primary.id)
        .name("app.example.com")
        .await
        .unwrap();
    assert_eq!(
        (renamed.id.as_str(), renamed.name.as_str()),
        (primary.id.as_str(), "app.example.com")
    );
    // The primary domain cannot be deleted.
    let e = common::raw(
        &emulator,
        "DELETE",
        &format!("/v1/domains/{}", primary.id),
        None,
    )
    .await;
    assert_eq!(e.0, 403);

    // Proxy checks.
    let check = clerk
        .proxy_checks()
        .verify()
        .domain_id(&local.id)
        .await
        .unwrap();
    assert_eq!(check.object, "proxy_check");
    assert!(check.id.starts_with("proxychk_"));
    assert_eq!(check.proxy_url, "https://localhost:3001/__clerk");
    assert!(check.successful);
    let again = clerk
        .proxy_checks()
        .verify()
        .domain_id(&local.id)
        .await
        .unwrap();
    assert_eq!(again.id, check.id, "rerun in place");
    error(
        &common::raw(
            &emulator,
            "POST",
            "/v1/proxy_checks",
            Some(json!({"domain_id": sat.id})),
        )
        .await,
        422,
        "form_param_missing",
    );
    error(
        &common::raw(
            &emulator,
            "POST",
            "/v1/proxy_checks",
            Some(json!({"domain_id": "dmn_nope", "proxy_url": "https://x.example.com"})),
        )
        .await,
        404,
        "resource_not_found",
    );

    let gone = clerk.domains().delete(&sat.id).await.unwrap();
    assert!(gone.deleted);
    assert_eq!(gone.object, "domain");
    error(
        &common::raw(
            &emulator,
            "DELETE",
            &format!("/v1/domains/{}", sat.id),
            None,
        )
        .await,
        404,
        "resource_not_found",
    );
    assert_eq!(clerk.domains().list().await.unwrap().total_count, Some(2));

    // The production-domain change (beta) renames the primary domain.
    // Called here with the other domain operations; `UpdateInstanceAuthConfig` is called in
    // the restrictions test.
    #[allow(deprecated)]
    clerk
        .beta_features()
        .update_production_instance_domain()
        .home_url("https://www.example.org/home")
        .await
        .unwrap();
    assert_eq!(
        clerk.domains().list().await.unwrap().data[0].name,
        "www.example.org"
    );
    clerk
        .instance_settings()
        .change_domain()
        .home_url("https://example.net")
        .await
        .unwrap();
    assert_eq!(
        clerk.domains().list().await.unwrap().data[0].name,
        "example.net"
    );
    error(
        &common::raw(
            &emulator,
            "POST",
            "/v1/instance/change_domain",
            Some(json!({})),
        )
        .await,
        422,
        "form_param_missing",
    );
    error(
        &common::raw(
            &emulator,
            "PUT",
            "/v1/beta_features/domain",
            Some(json!({"home_url": "example.net"})),
        )
        .await,
        422,
        "form_param_format_invalid",
    );

    // Redirect URLs.
    let urls = clerk.redirect_urls();
    let a = urls
        .create("https://app.example.com/callback")
        .await
        .unwrap();
    assert!(a.id.starts_with("ru_"));
    assert_eq!(a.object, "redirect_url");
    let b = urls.create("myapp://oauth-callback").await.unwrap();
    assert_eq!(urls.get(&a.id).await.unwrap(), a);
    let all = urls.list().await.unwrap();
    assert_eq!(all.data, [a.clone(), b.clone()]);
    let (_, page) = common::raw(
        &emulator,
        "GET",
        "/v1/redirect_urls?paginated=true&limit=1",
        None,
    )
    .await;
    assert_eq!(page["total_count"], 2);
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let (_, bare) = common::raw(&emulator, "GET", "/v1/redirect_urls", None).await;
    assert!(bare.is_array());
    error(
        &common::raw(
            &emulator,
            "POST",
            "/v1/redirect_urls",
            Some(json!({"url": a.url})),
        )
        .await,
        422,
        "form_identifier_exists",
    );
    for (body, code) in [
        (json!({"url": "not a url"}), "form_param_format_invalid"),
        (
            json!({"url": "example.com/callback"}),
            "form_param_format_invalid",
        ),
        (json!({}), "form_param_missing"),
    ] {
        error(
            &common::raw(&emulator, "POST", "/v1/redirect_urls", Some(body)).await,
            422,
            code,
        );
    }
    let deleted = urls.delete(&a.id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id.as_deref(), Some(a.id.as_str()));
    error(
        &common::raw(
            &emulator,
            "GET",
            &format!("/v1/redirect_urls/{}", a.id),
            None,
        )
        .await,
        404,
        "resource_not_found",
    );
    assert_eq!(urls.list().await.unwrap().data, [b]);

    // Admin portal link tokens.
    let org = clerk.organizations().create("Portal").await.unwrap();
    let token = clerk
        .admin_portal_link_tokens()
        .create()
        .organization_id(&org.id)
        .scopes(["sso", "scim"])
        .seconds_until_expiration(600)
        .await
        .unwrap();
    assert!(token.id.starts_with("aplt_") && token.id.len() == 37);
    assert!(token.admin_portal_link_id.starts_with("apl_"));
    assert_eq!(token.organization_id.as_deref(), Some(org.id.as_str()));
    assert!(!token.token.expose().is_empty());
    assert!(!token.revoked && !token.expired);
    let second = clerk
        .admin_portal_link_tokens()
        .create()
        .organization_id(&org.id)
        .await
        .unwrap();
    assert_eq!(
        second.admin_portal_link_id, token.admin_portal_link_id,
        "one link per organization"
    );
    let (status, created) = common::raw(
        &emulator,
        "POST",
        "/v1/admin_portal_link_tokens",
        Some(json!({"organization_id": org.id})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        created["expiration"].as_i64().unwrap() - created["created_at"].as_i64().unwrap(),
        3_600_000
    );
    let revoked = clerk
        .admin_portal_link_tokens()
        .revoke(&token.id)
        .revocation_reason("done")
        .await
        .unwrap();
    assert!(revoked.revoked);
    assert_eq!(revoked.revocation_reason.as_deref(), Some("done"));
    for body in [
        json!({}),
        json!({"organization_id": org.id, "seconds_until_expiration": 0}),
        json!({"organization_id": org.id, "seconds_until_expiration": 86401}),
        json!({"organization_id": "org_bad"}),
    ] {
        let e = common::raw(
            &emulator,
            "POST",
            "/v1/admin_portal_link_tokens",
            Some(body),
        )
        .await;
        assert_eq!(e.0, 400, "{}", e.1);
    }
    let unknown_org = format!("org_{}", "a".repeat(27));
    error(
        &common::raw(
            &emulator,
            "POST",
            "/v1/admin_portal_link_tokens",
            Some(json!({"organization_id": unknown_org})),
        )
        .await,
        404,
        "resource_not_found",
    );
    error(
        &common::raw(
            &emulator,
            "POST",
            &format!(
                "/v1/admin_portal_link_tokens/aplt_{}/revoke",
                "0".repeat(32)
            ),
            Some(json!({})),
        )
        .await,
        404,
        "resource_not_found",
    );

    assert!(common::validate_traffic(&emulator) > 0);
    assert_called(&emulator, DOMAINS_AND_THE_REST);
}

#[tokio::test]
async fn settings_domains_and_redirect_urls_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("clerk-emulator-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    let _ = std::fs::remove_file(&file);
    let (restrictions, org_settings, domains, url) = {
        let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
        let clerk = emulator.client();
        let restrictions = clerk
            .instance_settings()
            .update_restrictions()
            .allowlist(true)
            .block_email_subaddresses(true)
            .await
            .unwrap();
        let org_settings = clerk
            .instance_settings()
            .update_organization_settings()
            .max_allowed_memberships(7)
            .await
            .unwrap();
        clerk.domains().add("sat.example.com", true).await.unwrap();
        let url = clerk
            .redirect_urls()
            .create("https://example.com/cb")
            .await
            .unwrap();
        let domains = clerk.domains().list().await.unwrap();
        emulator.shutdown().await.unwrap();
        (restrictions, org_settings, domains, url)
    };
    let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
    let clerk = emulator.client();
    assert_eq!(
        clerk
            .instance_settings()
            .update_restrictions()
            .await
            .unwrap(),
        restrictions
    );
    assert_eq!(
        clerk
            .instance_settings()
            .get_organization_settings()
            .await
            .unwrap(),
        org_settings
    );
    let after = clerk.domains().list().await.unwrap();
    assert_eq!(
        after.data[0].id, domains.data[0].id,
        "the primary domain keeps its id"
    );
    assert_eq!(
        (&after.data[1].id, &after.data[1].name),
        (&domains.data[1].id, &domains.data[1].name)
    );
    assert_eq!(clerk.redirect_urls().get(&url.id).await.unwrap(), url);
    // And the restored allow-list switch still refuses.
    refused(sign_up(&emulator, "x@example.com").await, "x@example.com");
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
