//! What the generated models promise beyond decoding: secrets stay out of `Debug`, enums keep
//! values this SDK does not know, unions keep shapes it does not know, and PATCH bodies tell
//! "leave alone" from "clear".

use clerk_backend::api::users::UpdateUser;
use clerk_backend::models::{
    ApiKeyWithSecret, M2mTokenWithSecret, OAuthApplicationWithSecret, SessionRefresh,
    SessionStatus, SessionToken,
};
use serde_json::json;

#[test]
fn secrets_never_show_in_debug() {
    let key: ApiKeyWithSecret = serde_json::from_value(json!({
        "object": "api_key", "id": "ak_3beecc9c60adb5f9b850e91a8ee1e992", "type": "api_key",
        "subject": "user_1", "name": "CI", "scopes": [], "revoked": false, "expired": false,
        "created_at": 1, "updated_at": 1, "secret": "ak_live_TOP_SECRET"
    }))
    .unwrap();
    assert_eq!(key.secret.expose(), "ak_live_TOP_SECRET");
    let token: M2mTokenWithSecret = serde_json::from_value(json!({
        "object": "machine_to_machine_token", "id": "mt_f7f0ba8c3b4843ce7d85fcdd5e71853e",
        "subject": "mch_1", "revoked": false, "expired": false, "created_at": 1,
        "updated_at": 1, "token": "mt_TOP_SECRET"
    }))
    .unwrap();
    let jwt: SessionToken =
        serde_json::from_value(json!({"object": "token", "jwt": "eyJ.TOP_SECRET.sig"})).unwrap();
    for debug in [format!("{key:?}"), format!("{token:?}"), format!("{jwt:?}")] {
        assert!(!debug.contains("TOP_SECRET"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
    }
    // The secret still goes out as sent.
    assert_eq!(
        serde_json::to_value(&jwt).unwrap()["jwt"],
        "eyJ.TOP_SECRET.sig"
    );
}

#[test]
fn an_oauth_application_s_client_secret_is_redacted() {
    let spec = spec_oracle::Spec::load();
    let Some(spec) = spec else { return };
    let (_, instance) = spec
        .instances("OAuthApplicationWithSecret")
        .into_iter()
        .find(|(label, _)| label.starts_with("maximal-valued"))
        .unwrap();
    let secret = instance["client_secret"].as_str().unwrap().to_owned();
    let app: OAuthApplicationWithSecret = serde_json::from_value(instance).unwrap();
    assert!(!format!("{app:?}").contains(&secret));
}

#[test]
fn unknown_enum_values_and_union_shapes_are_kept() {
    let status: SessionStatus = serde_json::from_value(json!("hibernating")).unwrap();
    assert_eq!(status, SessionStatus::Unknown("hibernating".into()));
    assert_eq!(serde_json::to_value(&status).unwrap(), "hibernating");
    assert_eq!(
        serde_json::from_value::<SessionStatus>(json!("active")).unwrap(),
        SessionStatus::Active
    );

    let cookies: SessionRefresh =
        serde_json::from_value(json!({"object": "cookies", "cookies": ["__session=x"]})).unwrap();
    assert!(matches!(cookies, SessionRefresh::Cookies(_)));
    let token: SessionRefresh =
        serde_json::from_value(json!({"object": "token", "jwt": "a.b.c"})).unwrap();
    assert!(matches!(token, SessionRefresh::SessionToken(_)));
    let future = json!({"object": "carrier_pigeon", "pigeon": "Cher Ami"});
    let other: SessionRefresh = serde_json::from_value(future.clone()).unwrap();
    assert_eq!(other, SessionRefresh::Other(future.clone()));
    assert_eq!(serde_json::to_value(&other).unwrap(), future);
}

#[tokio::test]
async fn a_patch_body_tells_leave_alone_from_clear() {
    let clerk = clerk_backend::Clerk::builder()
        .secret_key("sk_test_x")
        .build()
        .unwrap();
    let update = clerk
        .users()
        .update("user_1")
        .first_name("Ada")
        .clear_username();
    let params: &UpdateUser = update.params();
    assert_eq!(
        serde_json::to_value(params).unwrap(),
        json!({"first_name": "Ada", "username": null}),
        "set, cleared, and nothing else"
    );
}
