//! Every Users operation over real HTTP on 127.0.0.1: what the client sends (method, path,
//! query, headers, body) and what it makes of a realistic answer.

#![recursion_limit = "256"]

mod support;

use clerk_backend::api::users::ProfileImage;
use clerk_backend::models::{
    CreditAdjustmentAction, IdentificationStatus, InvitationStatus, PasswordHasher, TotpCodeType,
    Verification, VerificationStatus, VerificationStrategy,
};
use std::future::IntoFuture;

use futures_util::TryStreamExt;
use serde_json::{Value, json};
use support::*;
use wiremock::ResponseTemplate;

const USER: &str = "user_2xK9mQ4bT7vRz1LpN3sW8yHcD5e";

fn user_path(rest: &str) -> String {
    format!("/v1/users/{USER}{rest}")
}

#[tokio::test]
async fn get_user_decodes_a_full_user() {
    let (server, clerk) = setup().await;
    expect("GET", &user_path(""))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;

    let user = clerk.users().get(USER).await.unwrap();

    let req = the_request(&server).await;
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(query(&req), "");
    assert!(req.body.is_empty());

    assert_eq!(user.id, USER);
    assert_eq!(user.first_name.as_deref(), Some("Ada"));
    assert_eq!(
        user.primary_email_address().unwrap().email_address,
        "ada@example.com"
    );
    assert_eq!(
        user.primary_phone_number().unwrap().phone_number,
        "+442071838750"
    );
    let email = &user.email_addresses[0];
    assert!(
        matches!(&email.verification, Some(Verification::Otp(d)) if d.strategy == VerificationStrategy::EmailCode)
    );
    assert!(matches!(
        user.email_addresses[1].verification,
        Some(Verification::FromOAuth(_))
    ));
    assert!(matches!(
        user.web3_wallets[0].verification,
        Some(Verification::Web3(_))
    ));
    assert_eq!(
        user.web3_wallets[0]
            .verification
            .as_ref()
            .and_then(Verification::status),
        Some(VerificationStatus::Unverified)
    );
    assert!(matches!(
        user.external_accounts[0].verification,
        Some(Verification::OAuth(_))
    ));
    assert_eq!(
        user.enterprise_accounts[0]
            .enterprise_connection
            .as_ref()
            .unwrap()
            .name,
        "Example Corp Okta"
    );
    assert_eq!(user.public_metadata["seats"], 3);
    #[derive(serde::Deserialize)]
    struct Plan {
        plan: String,
        seats: u32,
    }
    let plan: Plan = user.public_metadata_as().unwrap();
    assert_eq!((plan.plan.as_str(), plan.seats), ("pro", 3));
    assert_eq!(user.verification_attempts_remaining, Some(10));
    assert_eq!(user.created_at, 1764547200000);
}

#[allow(deprecated)] // `last_active_at_since` is deprecated by Clerk, and still sent
#[tokio::test]
async fn list_users_sends_every_filter_and_decodes_the_array() {
    let (server, clerk) = setup().await;
    expect("GET", "/v1/users")
        .respond_with(ok_json(json!([user_json_n(1), user_json_n(2)])))
        .expect(1)
        .mount(&server)
        .await;

    let page = clerk
        .users()
        .list()
        .email_address(["a@example.com", "b@example.com"])
        .phone_number(["+15555550100"])
        .external_id(["-crm-1"])
        .username(["ada"])
        .web3_wallet(["0xabc"])
        .user_id(["+user_1", "user_2"])
        .organization_id(["org_1"])
        .query("ada")
        .email_address_query("example")
        .phone_number_query("555")
        .username_query("ad")
        .name_query("Love")
        .banned(false)
        .last_active_at_before(2)
        .last_active_at_after(1)
        .last_active_at_since(1)
        .created_at_before(4)
        .created_at_after(3)
        .last_sign_in_at_before(6)
        .last_sign_in_at_after(5)
        .provider("oauth_google")
        .provider_user_id(["g1", "g2"])
        .limit(2)
        .offset(4)
        .order_by("-updated_at")
        .await
        .unwrap();

    let req = the_request(&server).await;
    assert_eq!(
        query(&req),
        "email_address=a%40example.com&email_address=b%40example.com&phone_number=%2B15555550100\
         &external_id=-crm-1&username=ada&web3_wallet=0xabc&user_id=%2Buser_1&user_id=user_2\
         &organization_id=org_1&query=ada&email_address_query=example&phone_number_query=555\
         &username_query=ad&name_query=Love&banned=false&last_active_at_before=2&last_active_at_after=1\
         &last_active_at_since=1&created_at_before=4&created_at_after=3&last_sign_in_at_before=6\
         &last_sign_in_at_after=5&provider=oauth_google&provider_user_id=g1&provider_user_id=g2\
         &limit=2&offset=4&order_by=-updated_at"
    );
    assert_eq!(page.len(), 2);
    assert_eq!(page.total_count, None);
    assert_eq!(page.data[1].id, format!("user_{:027}", 2));
}

#[tokio::test]
async fn list_users_without_options_sends_no_query() {
    let (server, clerk) = setup().await;
    expect("GET", "/v1/users")
        .respond_with(ok_json(json!([])))
        .mount(&server)
        .await;
    let page = clerk.users().list().await.unwrap();
    assert!(page.is_empty());
    assert_eq!(query(&the_request(&server).await), "");
}

#[tokio::test]
async fn list_limit_outside_1_to_500_is_refused_before_sending() {
    let (server, clerk) = setup().await;
    for limit in [0, 501] {
        let err = clerk.users().list().limit(limit).await.unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
        assert!(err.to_string().contains("limit"), "{err}");
        let err = clerk
            .users()
            .organization_memberships(USER)
            .limit(limit)
            .await
            .unwrap_err();
        assert!(err.is_invalid_input(), "{err}");
        let mut stream = clerk.users().list().limit(limit).stream();
        assert!(stream.try_next().await.unwrap_err().is_invalid_input());
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn user_stream_pages_with_the_cursor_until_a_short_page() {
    let (server, clerk) = setup().await;
    let users: Vec<Value> = (1..=5).map(user_json_n).collect();
    // Page 1: no cursor; page 2: after user 2; page 3: after user 4 (short: 1 < 2).
    for (after, slice) in [(None, 0..2), (Some(2), 2..4), (Some(4), 4..5)] {
        let mut mock =
            expect("GET", "/v1/users").and(wiremock::matchers::query_param("limit", "2"));
        mock = match after {
            None => mock.and(wiremock::matchers::query_param_is_missing("starting_after")),
            Some(n) => mock.and(wiremock::matchers::query_param(
                "starting_after",
                format!("user_{n:027}"),
            )),
        };
        mock.respond_with(ok_json(Value::Array(users[slice].to_vec())))
            .expect(1)
            .mount(&server)
            .await;
    }

    let ids: Vec<String> = clerk
        .users()
        .list()
        .banned(false)
        .limit(2)
        .stream()
        .map_ok(|u| u.id)
        .try_collect()
        .await
        .unwrap();

    assert_eq!(
        ids,
        (1..=5).map(|n| format!("user_{n:027}")).collect::<Vec<_>>()
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert!(
            query(r).starts_with("banned=false&limit=2"),
            "filters kept on every page: {}",
            query(r)
        );
        assert!(!query(r).contains("offset"), "{}", query(r));
    }
}

#[tokio::test]
async fn user_stream_with_other_ordering_pages_by_offset() {
    let (server, clerk) = setup().await;
    for (offset, n) in [(0, 3), (3, 1)] {
        expect("GET", "/v1/users")
            .and(wiremock::matchers::query_param(
                "offset",
                offset.to_string(),
            ))
            .and(wiremock::matchers::query_param_is_missing("starting_after"))
            .respond_with(ok_json(Value::Array(
                (0..n).map(|i| user_json_n(offset + i)).collect(),
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    let users: Vec<_> = clerk
        .users()
        .list()
        .order_by("-last_sign_in_at")
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 4);
}

#[tokio::test]
async fn user_stream_stops_when_the_server_repeats_the_page() {
    let (server, clerk) = setup().await;
    // A misbehaving server that ignores the cursor: the stream must end, not loop.
    expect("GET", "/v1/users")
        .respond_with(ok_json(json!([user_json_n(1), user_json_n(2)])))
        .mount(&server)
        .await;
    let users: Vec<_> = clerk
        .users()
        .list()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 4);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn create_user_sends_every_field() {
    let (server, clerk) = setup().await;
    expect("POST", "/v1/users")
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;

    let user = clerk
        .users()
        .create()
        .external_id("crm-00412")
        .first_name("Ada")
        .last_name("Lovelace")
        .locale("en-GB")
        .email_address(["ada@example.com", "ada@work.example"])
        .email_address_identification_status([
            IdentificationStatus::Verified,
            IdentificationStatus::Reserved,
        ])
        .phone_number(["+442071838750"])
        .phone_number_identification_status([IdentificationStatus::Verified])
        .web3_wallet(["0x52908400098527886E0F7030069857D2E4169EE7"])
        .username("ada")
        .password("correct horse battery staple")
        .password_digest("$2a$10$abcdefghijklmnopqrstuv")
        .password_hasher(PasswordHasher::Bcrypt)
        .skip_password_checks(true)
        .skip_password_requirement(false)
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(["11111111", "22222222"])
        .public_metadata(json!({"plan": "pro"}).as_object().unwrap().clone())
        .private_metadata(json!({"stripe": "cus_1"}).as_object().unwrap().clone())
        .unsafe_metadata(serde_json::Map::new())
        .delete_self_enabled(true)
        .legal_accepted_at("2026-01-01T00:00:00Z")
        .skip_legal_checks(false)
        .skip_user_requirement(false)
        .create_organization_enabled(true)
        .create_organizations_limit(3)
        .created_at("2025-12-01T00:00:00Z")
        .bypass_client_trust(false)
        .banned(false)
        .locked(false)
        .await
        .unwrap();

    let req = the_request(&server).await;
    assert_eq!(
        json_body(&req),
        json!({
            "external_id": "crm-00412", "first_name": "Ada", "last_name": "Lovelace", "locale": "en-GB",
            "email_address": ["ada@example.com", "ada@work.example"],
            "email_address_identification_status": ["verified", "reserved"],
            "phone_number": ["+442071838750"], "phone_number_identification_status": ["verified"],
            "web3_wallet": ["0x52908400098527886E0F7030069857D2E4169EE7"], "username": "ada",
            "password": "correct horse battery staple", "password_digest": "$2a$10$abcdefghijklmnopqrstuv",
            "password_hasher": "bcrypt", "skip_password_checks": true, "skip_password_requirement": false,
            "totp_secret": "JBSWY3DPEHPK3PXP", "backup_codes": ["11111111", "22222222"],
            "public_metadata": {"plan": "pro"}, "private_metadata": {"stripe": "cus_1"}, "unsafe_metadata": {},
            "delete_self_enabled": true, "legal_accepted_at": "2026-01-01T00:00:00Z", "skip_legal_checks": false,
            "skip_user_requirement": false, "create_organization_enabled": true, "create_organizations_limit": 3,
            "created_at": "2025-12-01T00:00:00Z", "bypass_client_trust": false, "banned": false, "locked": false
        })
    );
    assert_eq!(user.id, USER);
}

#[tokio::test]
async fn create_user_debug_hides_secrets() {
    let (_server, clerk) = setup().await;
    let builder = clerk
        .users()
        .create()
        .password("hunter2-secret")
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(["87654321"]);
    let debug = format!("{builder:?}");
    for secret in ["hunter2-secret", "JBSWY3DPEHPK3PXP", "87654321", SECRET] {
        assert!(!debug.contains(secret), "{secret} leaked in {debug}");
    }
    let verify = clerk.users().verify_password(USER, "hunter2-secret");
    assert!(!format!("{verify:?}").contains("hunter2-secret"));
}

#[tokio::test]
async fn count_users_sends_filters_and_returns_the_number() {
    let (server, clerk) = setup().await;
    expect("GET", "/v1/users/count")
        .respond_with(ok_json(json!({"object": "total_count", "total_count": 42})))
        .expect(1)
        .mount(&server)
        .await;
    let n = clerk
        .users()
        .count()
        .email_address_query("example.com")
        .banned(true)
        .organization_id(["org_1", "-org_2"])
        .await
        .unwrap();
    assert_eq!(n, 42);
    let req = the_request(&server).await;
    assert_eq!(
        query(&req),
        "organization_id=org_1&organization_id=-org_2&email_address_query=example.com&banned=true"
    );
}

#[tokio::test]
async fn update_user_sends_only_what_was_set_and_null_to_clear() {
    let (server, clerk) = setup().await;
    expect("PATCH", &user_path(""))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    clerk
        .users()
        .update(USER)
        .first_name("Ada")
        .clear_username()
        .clear_external_id()
        .primary_email_address_id("idn_1")
        .notify_primary_email_address_changed(true)
        .password("new password 123")
        .sign_out_of_other_sessions(true)
        .create_organizations_limit(5)
        .await
        .unwrap();
    let req = the_request(&server).await;
    assert_eq!(
        json_body(&req),
        json!({
            "first_name": "Ada", "username": null, "external_id": null, "primary_email_address_id": "idn_1",
            "notify_primary_email_address_changed": true, "password": "new password 123",
            "sign_out_of_other_sessions": true, "create_organizations_limit": 5
        })
    );
}

#[tokio::test]
async fn update_user_sends_every_field() {
    let (server, clerk) = setup().await;
    expect("PATCH", &user_path(""))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    clerk
        .users()
        .update(USER)
        .external_id("x1")
        .first_name("A")
        .last_name("L")
        .locale("fr")
        .primary_email_address_id("idn_e")
        .notify_primary_email_address_changed(false)
        .primary_phone_number_id("idn_p")
        .primary_web3_wallet_id("idn_w")
        .username("al")
        .profile_image_id("img_1")
        .password("pw-12345678")
        .password_digest("digest")
        .password_hasher(PasswordHasher::Argon2id)
        .skip_password_checks(true)
        .sign_out_of_other_sessions(false)
        .totp_secret("TOTPSECRET")
        .backup_codes(["c1"])
        .delete_self_enabled(false)
        .create_organization_enabled(false)
        .legal_accepted_at("2026-02-02T00:00:00Z")
        .skip_legal_checks(true)
        .create_organizations_limit(1)
        .created_at("2025-01-01T00:00:00Z")
        .bypass_client_trust(true)
        .await
        .unwrap();
    let body = json_body(&the_request(&server).await);
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 24, "{keys:?}");
    assert_eq!(body["password_hasher"], "argon2id");
    assert_eq!(body["backup_codes"], json!(["c1"]));
}

#[tokio::test]
async fn delete_user_returns_the_deleted_object() {
    let (server, clerk) = setup().await;
    expect("DELETE", &user_path(""))
        .respond_with(ok_json(
            json!({"object": "user", "id": USER, "deleted": true}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let deleted = clerk.users().delete(USER).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id.as_deref(), Some(USER));
    assert!(the_request(&server).await.body.is_empty());
}

/// The single-user POSTs without a body that answer with the user.
#[tokio::test]
async fn ban_unban_lock_unlock_and_friends_post_to_their_paths() {
    let (server, clerk) = setup().await;
    type Answer = clerk_backend::BoxFuture<clerk_backend::Result<clerk_backend::models::User>>;
    let users = clerk.users();
    let cases: Vec<(&str, &str, Answer)> = vec![
        ("POST", "/ban", users.ban(USER).into_future()),
        ("POST", "/unban", users.unban(USER).into_future()),
        ("POST", "/lock", users.lock(USER).into_future()),
        ("POST", "/unlock", users.unlock(USER).into_future()),
        (
            "DELETE",
            "/profile_image",
            users.delete_profile_image(USER).into_future(),
        ),
        (
            "POST",
            "/password/unset_compromised",
            users.unset_password_compromised(USER).into_future(),
        ),
    ];
    for (m, suffix, call) in cases {
        server.reset().await;
        expect(m, &user_path(suffix))
            .respond_with(ok_json(user_json()))
            .expect(1)
            .mount(&server)
            .await;
        let user = call.await.unwrap_or_else(|e| panic!("{m} {suffix}: {e}"));
        assert_eq!(user.id, USER);
        let req = the_request(&server).await;
        assert_eq!(req.method.as_str(), m);
        assert!(req.body.is_empty(), "{suffix} sends no body");
    }
}

#[tokio::test]
async fn bulk_ban_and_unban_send_the_ids() {
    let (server, clerk) = setup().await;
    for (p, ban) in [("/v1/users/ban", true), ("/v1/users/unban", false)] {
        server.reset().await;
        expect("POST", p)
            .respond_with(ok_json(json!([user_json_n(1), user_json_n(2)])))
            .expect(1)
            .mount(&server)
            .await;
        let ids = ["user_1", "user_2"];
        let users = if ban {
            clerk.users().ban_many(ids).await
        } else {
            clerk.users().unban_many(ids).await
        }
        .unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!(
            json_body(&the_request(&server).await),
            json!({"user_ids": ["user_1", "user_2"]})
        );
    }
}

#[tokio::test]
async fn bulk_ban_refuses_empty_and_oversized_lists() {
    let (server, clerk) = setup().await;
    assert!(
        clerk
            .users()
            .ban_many(Vec::<String>::new())
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    let many: Vec<String> = (0..51).map(|i| format!("user_{i}")).collect();
    let err = clerk.users().unban_many(many).await.unwrap_err();
    assert!(err.is_invalid_input());
    assert_eq!(err.operation(), Some("UsersUnban"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn profile_image_is_uploaded_as_multipart_file() {
    let (server, clerk) = setup().await;
    expect("POST", &user_path("/profile_image"))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    let png = b"\x89PNG\r\n\x1a\nfake image bytes".to_vec();
    let image = ProfileImage::from_bytes(png.clone(), "avatar.png", "image/png").unwrap();
    clerk.users().set_profile_image(USER, image).await.unwrap();

    let req = the_request(&server).await;
    let ct = req
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let body = String::from_utf8_lossy(&req.body);
    assert!(
        body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"avatar.png\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/png"), "{body}");
    assert!(req.body.windows(png.len()).any(|w| w == png.as_slice()));
}

#[tokio::test]
async fn profile_image_from_path_reads_the_file_and_its_type() {
    let (server, clerk) = setup().await;
    expect("POST", &user_path("/profile_image"))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("clerk-backend-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("me.JPG");
    std::fs::write(&file, b"\xff\xd8\xff\xe0 jpeg").unwrap();
    let image = ProfileImage::from_path(&file).await.unwrap();
    clerk.users().set_profile_image(USER, image).await.unwrap();
    let body = String::from_utf8_lossy(&the_request(&server).await.body).into_owned();
    assert!(
        body.contains("filename=\"me.JPG\"") && body.contains("Content-Type: image/jpeg"),
        "{body}"
    );

    assert!(
        ProfileImage::from_path(dir.join("notes.txt"))
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        ProfileImage::from_path(dir.join("missing.png"))
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        ProfileImage::from_bytes(Vec::new(), "a.png", "image/png")
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        ProfileImage::from_bytes(vec![0; 10 * 1024 * 1024 + 1], "a.png", "image/png")
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(
        ProfileImage::from_bytes(vec![1], "a.png", "png")
            .unwrap_err()
            .is_invalid_input()
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn metadata_merge_and_replace() {
    let (server, clerk) = setup().await;
    expect("PATCH", &user_path("/metadata"))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    expect("PUT", &user_path("/metadata"))
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;

    clerk
        .users()
        .merge_metadata(USER)
        .public_metadata(json!({"plan": "pro", "trial": null}))
        .private_metadata(json!({"nested": {"a": 1}}))
        .unsafe_metadata(json!({}))
        .await
        .unwrap();
    clerk
        .users()
        .replace_metadata(USER)
        .private_metadata(Value::Null)
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].method.as_str(), "PATCH");
    assert_eq!(
        json_body(&requests[0]),
        json!({"public_metadata": {"plan": "pro", "trial": null}, "private_metadata": {"nested": {"a": 1}}, "unsafe_metadata": {}})
    );
    assert_eq!(requests[1].method.as_str(), "PUT");
    assert_eq!(json_body(&requests[1]), json!({"private_metadata": null}));
}

#[tokio::test]
async fn metadata_that_is_not_an_object_is_refused() {
    let (server, clerk) = setup().await;
    let err = clerk
        .users()
        .merge_metadata(USER)
        .public_metadata(json!([1, 2]))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input());
    assert!(err.to_string().contains("public_metadata"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn money(amount: i64) -> Value {
    json!({"amount": amount, "amount_formatted": format!("{}.{:02}", amount / 100, amount % 100), "currency": "USD", "currency_symbol": "$"})
}

#[tokio::test]
async fn billing_subscription_and_credits() {
    let (server, clerk) = setup().await;
    let subscription = json!({
        "object": "commerce_subscription", "id": "csub_1", "instance_id": "ins_1", "status": "active",
        "payer_id": "cpayer_1", "created_at": 1, "updated_at": 2, "active_at": 1, "past_due_at": null,
        "subscription_items": [{
            "object": "commerce_subscription_item", "id": "csubi_1", "instance_id": "ins_1", "status": "upcoming",
            "plan_id": "cplan_1", "plan_period": "month", "payer_id": "cpayer_1", "is_free_trial": false,
            "period_start": 1, "period_end": null, "canceled_at": null, "past_due_at": null, "ended_at": null,
            "lifetime_paid": money(1000),
            "plan": {"object": "commerce_plan", "id": "cplan_1", "name": "Pro", "fee": money(1000),
                "annual_monthly_fee": money(800), "annual_fee": money(9600), "description": null,
                "product_id": "prod_1", "is_default": false, "is_recurring": true, "publicly_visible": true,
                "has_base_fee": true, "for_payer_type": "user", "slug": "pro", "avatar_url": null,
                "free_trial_enabled": false, "free_trial_days": null}
        }],
        "next_payment": {"date": 3, "amount": money(1000)}
    });
    expect("GET", &user_path("/billing/subscription"))
        .respond_with(ok_json(subscription))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", &user_path("/billing/credits"))
        .respond_with(ok_json(
            json!({"object": "commerce_credit_balance", "balance": money(2550)}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", &user_path("/billing/credits"))
        .respond_with(ok_json(json!({"object": "commerce_credit_ledger", "id": "cled_1", "payer_id": "cpayer_1",
            "amount": money(500), "source_type": "manual", "source_id": "refund-42", "note": "refund",
            "created_at": "2026-11-27T12:00:00Z"})))
        .expect(1)
        .mount(&server)
        .await;

    let sub = clerk.users().billing_subscription(USER).await.unwrap();
    assert_eq!(sub.status.as_str(), "active");
    assert_eq!(sub.subscription_items[0].status.as_str(), "upcoming");
    assert_eq!(
        sub.subscription_items[0]
            .plan
            .as_ref()
            .unwrap()
            .annual_fee
            .as_ref()
            .unwrap()
            .amount,
        9600
    );
    let credit = clerk.users().billing_credit_balance(USER).await.unwrap();
    assert_eq!(credit.balance.unwrap().amount_formatted, "25.50");
    let entry = clerk
        .users()
        .adjust_billing_credit_balance(USER, 500, CreditAdjustmentAction::Increase, "refund-42")
        .currency("USD")
        .note("refund")
        .await
        .unwrap();
    assert_eq!(entry.source_id, "refund-42");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        json_body(&requests[2]),
        json!({"amount": 500, "action": "increase", "currency": "USD", "idempotency_key": "refund-42", "note": "refund"})
    );
}

#[tokio::test]
async fn billing_on_an_instance_without_billing_is_a_not_found_error() {
    let (server, clerk) = setup().await;
    expect("GET", &user_path("/billing/subscription"))
        .respond_with(clerk_error(
            404,
            "resource_not_found",
            "not found",
            "Resource not found",
        ))
        .mount(&server)
        .await;
    let err = clerk.users().billing_subscription(USER).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.operation(), Some("GetUserBillingSubscription"));
}

#[tokio::test]
async fn oauth_access_tokens_are_paginated_and_hidden_from_debug() {
    let (server, clerk) = setup().await;
    let token = json!({"object": "oauth_access_token", "external_account_id": "eac_1", "provider_user_id": "104857",
        "token": "ya29.very-secret-token", "expires_at": 1767225600, "provider": "oauth_google",
        "public_metadata": {}, "label": null, "scopes": ["email", "openid"], "id_token": "eyJhbGciOi.secret"});
    expect("GET", &user_path("/oauth_access_tokens/oauth_google"))
        .respond_with(ok_json(json!({"data": [token], "total_count": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .oauth_access_tokens(USER, "oauth_google")
        .limit(10)
        .offset(0)
        .await
        .unwrap();
    assert_eq!(
        query(&the_request(&server).await),
        "paginated=true&limit=10&offset=0"
    );
    assert_eq!(page.total_count, Some(1));
    let t = &page.data[0];
    assert_eq!(t.token.expose(), "ya29.very-secret-token");
    assert_eq!(
        t.scopes.as_deref(),
        Some(&["email".to_owned(), "openid".to_owned()][..])
    );
    let debug = format!("{t:?}");
    assert!(
        !debug.contains("very-secret") && !debug.contains("eyJhbGciOi"),
        "{debug}"
    );
}

#[tokio::test]
async fn oauth_access_tokens_also_decode_the_bare_array() {
    let (server, clerk) = setup().await;
    expect("GET", &user_path("/oauth_access_tokens/oauth_github"))
        .respond_with(ok_json(json!([{"object": "oauth_access_token", "external_account_id": "eac_1",
            "provider_user_id": "1", "token": "gho_x", "expires_at": null, "provider": "oauth_github",
            "public_metadata": {}, "label": null}])))
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .oauth_access_tokens(USER, "oauth_github")
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page.total_count, None);
}

fn organization(n: usize) -> Value {
    json!({"object": "organization", "id": format!("org_{n:027}"), "name": format!("Org {n}"), "slug": format!("org-{n}"),
        "has_image": false, "max_allowed_memberships": 5, "admin_delete_enabled": true, "public_metadata": {},
        "created_at": 1, "updated_at": 2})
}

fn membership(n: usize) -> Value {
    json!({"object": "organization_membership", "id": format!("orgmem_{n:027}"), "role": "org:admin",
        "role_name": "Admin", "permissions": ["org:sys_memberships:manage"], "public_metadata": {},
        "organization": organization(n), "created_at": 1, "updated_at": 2,
        "public_user_data": {"user_id": USER, "first_name": "Ada", "last_name": null, "profile_image_url": null,
            "image_url": "https://img.clerk.com/x", "has_image": false, "identifier": "ada@example.com"}})
}

#[tokio::test]
async fn organization_memberships_page_and_stream() {
    let (server, clerk) = setup().await;
    expect("GET", &user_path("/organization_memberships"))
        .and(wiremock::matchers::query_param("offset", "0"))
        .respond_with(ok_json(
            json!({"data": [membership(1), membership(2)], "total_count": 3}),
        ))
        .expect(2)
        .mount(&server)
        .await;
    expect("GET", &user_path("/organization_memberships"))
        .and(wiremock::matchers::query_param("offset", "2"))
        .respond_with(ok_json(json!({"data": [membership(3)], "total_count": 3})))
        .expect(1)
        .mount(&server)
        .await;

    let page = clerk
        .users()
        .organization_memberships(USER)
        .limit(2)
        .offset(0)
        .await
        .unwrap();
    assert_eq!(page.total_count, Some(3));
    assert_eq!(page.data[0].organization.name, "Org 1");
    assert_eq!(page.data[0].permissions, ["org:sys_memberships:manage"]);

    let all: Vec<_> = clerk
        .users()
        .organization_memberships(USER)
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(query)
        .collect();
    assert_eq!(
        queries,
        ["limit=2&offset=0", "limit=2&offset=0", "limit=2&offset=2"]
    );
}

#[tokio::test]
async fn organization_invitations_filter_by_status() {
    let (server, clerk) = setup().await;
    let invitation = json!({"object": "organization_invitation", "id": "orginv_1", "email_address": "ada@example.com",
        "role": "org:member", "role_name": "Member", "organization_id": "org_1", "inviter_id": null,
        "public_inviter_data": null, "status": "pending", "public_metadata": {}, "url": null,
        "expires_at": 1767225600000i64, "created_at": 1, "updated_at": 2,
        "public_organization_data": {"id": "org_1", "name": "Org", "slug": "org", "has_image": false}});
    expect("GET", &user_path("/organization_invitations"))
        .respond_with(ok_json(json!({"data": [invitation], "total_count": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let page = clerk
        .users()
        .organization_invitations(USER)
        .status(InvitationStatus::Pending)
        .limit(5)
        .offset(10)
        .await
        .unwrap();
    assert_eq!(
        query(&the_request(&server).await),
        "limit=5&offset=10&status=pending"
    );
    assert_eq!(page.data[0].status.as_deref(), Some("pending"));
    assert_eq!(
        page.data[0].public_organization_data.as_ref().unwrap().slug,
        "org"
    );
}

#[tokio::test]
async fn remove_password_and_set_compromised_send_their_options() {
    let (server, clerk) = setup().await;
    expect("POST", &user_path("/remove_password"))
        .respond_with(ok_json(user_json()))
        .expect(2)
        .mount(&server)
        .await;
    expect("POST", &user_path("/password/set_compromised"))
        .respond_with(ok_json(user_json()))
        .expect(2)
        .mount(&server)
        .await;
    clerk
        .users()
        .remove_password(USER)
        .sign_out_of_other_sessions(true)
        .await
        .unwrap();
    clerk.users().remove_password(USER).await.unwrap();
    clerk
        .users()
        .set_password_compromised(USER)
        .revoke_all_sessions(false)
        .await
        .unwrap();
    clerk.users().set_password_compromised(USER).await.unwrap();
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(json_body)
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"sign_out_of_other_sessions": true}),
            json!({}),
            json!({"revoke_all_sessions": false}),
            json!({})
        ]
    );
}

#[tokio::test]
async fn verify_password_true_false_and_errors() {
    let (server, clerk) = setup().await;
    let path = user_path("/verify_password");
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"password": "right"})))
        .respond_with(ok_json(json!({"verified": true})))
        .mount(&server)
        .await;
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"password": "wrong"})))
        .respond_with(clerk_error(
            422,
            "incorrect_password",
            "incorrect password",
            "The provided password is not the one the user has set",
        ))
        .mount(&server)
        .await;
    expect("POST", &path)
        .and(wiremock::matchers::body_json(
            json!({"password": "bodyless"}),
        ))
        .respond_with(ResponseTemplate::new(422))
        .mount(&server)
        .await;
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"password": "nopw"})))
        .respond_with(clerk_error(
            400,
            "no_password_set",
            "no password set",
            "This user does not have a password set for their account",
        ))
        .mount(&server)
        .await;

    assert!(clerk.users().verify_password(USER, "right").await.unwrap());
    assert!(!clerk.users().verify_password(USER, "wrong").await.unwrap());
    assert!(
        !clerk
            .users()
            .verify_password(USER, "bodyless")
            .await
            .unwrap()
    );
    let err = clerk
        .users()
        .verify_password(USER, "nopw")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("no_password_set"));
}

#[tokio::test]
async fn verify_password_other_422_is_an_error() {
    let (server, clerk) = setup().await;
    expect("POST", &user_path("/verify_password"))
        .respond_with(clerk_error(
            422,
            "form_param_missing",
            "is missing",
            "password must be included.",
        ))
        .mount(&server)
        .await;
    let err = clerk.users().verify_password(USER, "").await.unwrap_err();
    assert!(err.is_unprocessable() && err.has_code("form_param_missing"));
}

#[tokio::test]
async fn verify_totp_reports_the_code_type() {
    let (server, clerk) = setup().await;
    let path = user_path("/verify_totp");
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"code": "123456"})))
        .respond_with(ok_json(json!({"verified": true, "code_type": "totp"})))
        .mount(&server)
        .await;
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"code": "backup12"})))
        .respond_with(ok_json(
            json!({"verified": true, "code_type": "backup_code"}),
        ))
        .mount(&server)
        .await;
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"code": "000000"})))
        .respond_with(clerk_error(
            422,
            "totp_incorrect_code",
            "incorrect TOTP",
            "The provided TOTP code is incorrect",
        ))
        .mount(&server)
        .await;
    expect("POST", &path)
        .and(wiremock::matchers::body_json(json!({"code": "12"})))
        .respond_with(clerk_error(
            422,
            "totp_invalid_length",
            "invalid length",
            "The provided TOTP code must be 6 characters long.",
        ))
        .mount(&server)
        .await;

    let ok = clerk.users().verify_totp(USER, "123456").await.unwrap();
    assert_eq!(ok.verified, Some(true));
    assert_eq!(ok.code_type, Some(TotpCodeType::Totp));
    assert_eq!(
        clerk
            .users()
            .verify_totp(USER, "backup12")
            .await
            .unwrap()
            .code_type,
        Some(TotpCodeType::BackupCode)
    );
    let wrong = clerk.users().verify_totp(USER, "000000").await.unwrap();
    assert!(wrong.verified == Some(false) && wrong.code_type.is_none());
    let err = clerk.users().verify_totp(USER, "12").await.unwrap_err();
    assert_eq!(err.code(), Some("totp_invalid_length"));
}

#[tokio::test]
async fn mfa_backup_codes_and_totp_deletion() {
    let (server, clerk) = setup().await;
    for suffix in ["/mfa", "/backup_code", "/totp"] {
        expect("DELETE", &user_path(suffix))
            .respond_with(ok_json(json!({"user_id": USER})))
            .expect(1)
            .mount(&server)
            .await;
    }
    assert_eq!(
        clerk
            .users()
            .disable_mfa(USER)
            .await
            .unwrap()
            .user_id
            .as_deref(),
        Some(USER)
    );
    assert_eq!(
        clerk
            .users()
            .delete_backup_codes(USER)
            .await
            .unwrap()
            .user_id
            .as_deref(),
        Some(USER)
    );
    assert_eq!(
        clerk
            .users()
            .delete_totp(USER)
            .await
            .unwrap()
            .user_id
            .as_deref(),
        Some(USER)
    );
}

#[tokio::test]
async fn deleting_passkeys_wallets_and_external_accounts() {
    let (server, clerk) = setup().await;
    let deleted = |id: &str| ok_json(json!({"object": "deleted", "id": id, "deleted": true}));
    expect("DELETE", &user_path("/passkeys/idn_pk1"))
        .respond_with(deleted("idn_pk1"))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", &user_path("/web3_wallets/idn_w1"))
        .respond_with(deleted("idn_w1"))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", &user_path("/external_accounts/eac_1"))
        .respond_with(deleted("eac_1"))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        clerk
            .users()
            .delete_passkey(USER, "idn_pk1")
            .await
            .unwrap()
            .id
            .as_deref(),
        Some("idn_pk1")
    );
    assert_eq!(
        clerk
            .users()
            .delete_web3_wallet(USER, "idn_w1")
            .await
            .unwrap()
            .id
            .as_deref(),
        Some("idn_w1")
    );
    assert_eq!(
        clerk
            .users()
            .delete_external_account(USER, "eac_1")
            .await
            .unwrap()
            .id
            .as_deref(),
        Some("eac_1")
    );
}

#[tokio::test]
async fn trusted_devices_list_and_revoke() {
    let (server, clerk) = setup().await;
    let device = |status: &str| {
        json!({"object": "trusted_device", "id": "td_1", "platform": "ios",
        "app_identifier": "com.example.app", "name": "Ada's iPhone", "algorithm": "ES256", "status": status,
        "created_at": 1, "updated_at": 2, "last_used_at": 3, "revoked_at": null})
    };
    expect("GET", &user_path("/trusted_devices"))
        .respond_with(ok_json(json!({"data": [device("active"), {"object": "trusted_device", "id": "td_2",
            "platform": "visionos", "app_identifier": "x", "algorithm": "ES384", "status": "quarantined",
            "created_at": 1, "updated_at": 2}], "total_count": 2})))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", &user_path("/trusted_devices/td_1"))
        .respond_with(ok_json(device("revoked")))
        .expect(1)
        .mount(&server)
        .await;

    let devices = clerk.users().trusted_devices(USER).await.unwrap();
    assert_eq!(devices.total_count, Some(2));
    // Values this SDK has never seen decode and round-trip.
    let odd = &devices.data[1];
    assert_eq!(odd.platform.as_str(), "visionos");
    assert_eq!(odd.status.to_string(), "quarantined");
    assert_eq!(
        serde_json::to_value(&odd.algorithm).unwrap(),
        json!("ES384")
    );
    let revoked = clerk
        .users()
        .revoke_trusted_device(USER, "td_1")
        .await
        .unwrap();
    assert_eq!(revoked.status.as_str(), "revoked");
}

#[tokio::test]
async fn ids_with_reserved_characters_stay_in_their_segment() {
    let (server, clerk) = setup().await;
    expect("GET", "/v1/users/a%2Fb%3Fc")
        .respond_with(ok_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    expect("DELETE", "/v1/users/..%2Fx/passkeys/.%2Fp%23q")
        .respond_with(ok_json(json!({"object": "passkey", "deleted": true})))
        .mount(&server)
        .await;
    clerk.users().get("a/b?c").await.unwrap();
    clerk.users().delete_passkey("../x", "./p#q").await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/v1/users/a%2Fb%3Fc");
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(
        requests[1].url.path(),
        "/v1/users/..%2Fx/passkeys/.%2Fp%23q"
    );

    for bad in ["", ".", ".."] {
        assert!(
            clerk.users().get(bad).await.unwrap_err().is_invalid_input(),
            "{bad:?}"
        );
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
