//! The Svix app endpoints and sign-ups against the emulator over loopback: the app is created
//! once, gives dashboard URLs while it exists, and is deleted; sign-ups never exist in the
//! emulator (no Frontend API), so reading or updating one is 404 once the request is valid.
//! Every JSON answer is then checked against the OpenAPI spec.

mod common;

use serde_json::json;

#[tokio::test]
async fn the_svix_app_is_created_once_linked_and_deleted() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    // No app yet: no dashboard URL, nothing to delete.
    let (status, code) = common::failure(clerk.webhooks().generate_svix_auth_url().await);
    assert_eq!((status, code.as_str()), (400, "svix_app_missing"));
    let (status, _) = common::failure(clerk.webhooks().delete_svix_app().await);
    assert_eq!(status, 400);

    let first = clerk.webhooks().create_svix_app().await.unwrap();
    assert!(
        first.svix_url.starts_with(emulator.url()),
        "{}",
        first.svix_url
    );
    let again = clerk.webhooks().create_svix_app().await.unwrap();
    let app_of = |url: &str| url.split('?').next().unwrap().to_owned();
    assert_eq!(
        app_of(&again.svix_url),
        app_of(&first.svix_url),
        "the same app"
    );
    let link = clerk.webhooks().generate_svix_auth_url().await.unwrap();
    assert_eq!(app_of(&link.svix_url), app_of(&first.svix_url));
    assert_ne!(link.svix_url, first.svix_url, "a fresh key each time");

    let response = reqwest::Client::new()
        .delete(format!("{}/v1/webhooks/svix", emulator.url()))
        .bearer_auth(emulator.secret_key())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(response.bytes().await.unwrap().is_empty());
    let (status, _) = common::failure(clerk.webhooks().generate_svix_auth_url().await);
    assert_eq!(status, 400);
    // A new app is a new app.
    let new = clerk.webhooks().create_svix_app().await.unwrap();
    assert_ne!(app_of(&new.svix_url), app_of(&first.svix_url));
    clerk.webhooks().delete_svix_app().await.unwrap();
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn sign_ups_never_exist_in_the_emulator() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let (status, code) = common::failure(clerk.sign_ups().get("sua_missing").await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, code) = common::failure(
        clerk
            .sign_ups()
            .update("sua_missing")
            .external_id("ext_1")
            .custom_action(true)
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, body) = common::raw(
        &emulator,
        "PATCH",
        "/v1/sign_ups/sua_missing",
        Some(json!({"custom_action": "yes"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["meta"]["param_name"], "custom_action");
    let (status, body) = common::raw(
        &emulator,
        "PATCH",
        "/v1/sign_ups/sua_missing",
        Some(json!([1])),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "request_body_invalid");
    common::validate_traffic(&emulator);
}
