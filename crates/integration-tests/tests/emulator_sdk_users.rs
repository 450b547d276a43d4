//! The SDK's Users operations against the emulator: all 35, with the semantics Clerk has, and
//! every answer checked against the OpenAPI spec.

mod common;

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use clerk_backend::api::users::ProfileImage;
use clerk_backend::models::{
    CreditAdjustmentAction, IdentificationStatus, TotpCodeType, User, Verification,
};
use clerk_backend::{Clerk, Method};
use futures_util::TryStreamExt;
use serde_json::{Value, json};

const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn new_session(clerk: &Clerk, user_id: &str) -> Value {
    clerk
        .request(Method::POST, "/v1/sessions")
        .json(&json!({"user_id": user_id}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_users_operation_behaves_like_clerk() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let users = clerk.users();

    // CreateUser, with every kind of identifier and secret.
    let ada = users
        .create()
        .email_address(["ada@example.com", "ada@work.example"])
        .email_address_identification_status([
            IdentificationStatus::Verified,
            IdentificationStatus::Reserved,
        ])
        .phone_number(["+442071838750"])
        .web3_wallet(["0x52908400098527886E0F7030069857D2E4169EE7"])
        .username("ada_l")
        .first_name("Ada")
        .last_name("Lovelace")
        .external_id("crm-1")
        .password("correct horse battery")
        .totp_secret(TOTP_SECRET)
        .backup_codes(["11112222", "33334444"])
        .public_metadata(
            json!({"plan": "free", "nested": {"a": 1, "b": 2}})
                .as_object()
                .unwrap()
                .clone(),
        )
        .await
        .unwrap();
    assert!(
        ada.id.starts_with("user_") && ada.id.len() == 32,
        "{}",
        ada.id
    );
    assert_eq!(
        ada.primary_email_address().unwrap().email_address,
        "ada@example.com"
    );
    assert!(ada.email_addresses[1].reserved);
    assert!(matches!(
        ada.email_addresses[0].verification,
        Some(Verification::Admin(_))
    ));
    assert!(ada.email_addresses[0].is_verified());
    assert!(!ada.email_addresses[1].is_verified());
    assert!(
        ada.password_enabled
            && ada.totp_enabled
            && ada.backup_code_enabled
            && ada.two_factor_enabled
    );
    assert_eq!(ada.username.as_deref(), Some("ada_l"));
    let created_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!(
        (created_ms - ada.created_at).abs() < 60_000,
        "timestamps are Unix milliseconds"
    );

    // Taken identifiers are refused with Clerk's code and parameter.
    let err = users
        .create()
        .email_address(["ADA@example.com"])
        .await
        .unwrap_err();
    assert!(
        err.is_unprocessable() && err.has_code("form_identifier_exists"),
        "{err}"
    );
    assert_eq!(err.errors()[0].param_name(), Some("email_address"));
    let err = users
        .create()
        .email_address(["not-an-email"])
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.errors()[0].param_name()),
        (Some("form_param_format_invalid"), Some("email_address"))
    );
    let err = users
        .create()
        .email_address(["short@example.com"])
        .password("short")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("form_password_length_too_short"));

    // GetUser.
    let got = users.get(&ada.id).await.unwrap();
    assert_eq!(got, ada);
    assert!(
        users
            .get("user_2doesnotexist0000000000000")
            .await
            .unwrap_err()
            .is_not_found()
    );

    // GetUserList, GetUsersCount, with filters; streams walk every page once.
    let mut ids = HashSet::new();
    for i in 0..23 {
        let u = users
            .create()
            .email_address([format!("bulk{i}@example.com")])
            .first_name(format!("Bulk{i}"))
            .await
            .unwrap();
        ids.insert(u.id);
    }
    let found = users
        .list()
        .email_address(["ada@example.com"])
        .await
        .unwrap();
    assert_eq!(
        found.data.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        [ada.id.as_str()]
    );
    assert_eq!(users.list().query("LOVELACE").await.unwrap().len(), 1);
    assert_eq!(users.list().username_query("ADA").await.unwrap().len(), 1);
    assert_eq!(users.list().external_id(["crm-1"]).await.unwrap().len(), 1);
    assert_eq!(
        users
            .list()
            .user_id([format!("-{}", ada.id)])
            .limit(100)
            .await
            .unwrap()
            .len(),
        23
    );
    assert_eq!(users.count().email_address_query("bulk").await.unwrap(), 23);
    assert_eq!(users.count().await.unwrap(), 24);
    let newest = users.list().limit(3).await.unwrap();
    assert_eq!(newest.len(), 3);
    assert!(
        newest
            .data
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at),
        "newest first"
    );
    let by_name: Vec<String> = users
        .list()
        .order_by("+first_name")
        .email_address_query("bulk")
        .limit(3)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.first_name.unwrap())
        .collect();
    assert_eq!(by_name, ["Bulk0", "Bulk1", "Bulk10"]);
    let streamed: Vec<User> = users
        .list()
        .email_address_query("bulk")
        .limit(5)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        streamed
            .iter()
            .map(|u| u.id.clone())
            .collect::<HashSet<_>>(),
        ids
    );
    assert_eq!(streamed.len(), 23, "no user twice");
    let streamed: Vec<User> = users
        .list()
        .email_address_query("bulk")
        .order_by("-first_name")
        .limit(4)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed.len(), 23);
    // Clerk refuses a cursor with another ordering.
    let err = users
        .list()
        .order_by("username")
        .starting_after(&ada.id)
        .await
        .unwrap_err();
    assert!(err.is_unprocessable(), "{err}");

    // UpdateUser: set, clear, conflicts.
    let updated = users
        .update(&ada.id)
        .first_name("Augusta Ada")
        .clear_username()
        .await
        .unwrap();
    assert_eq!(updated.first_name.as_deref(), Some("Augusta Ada"));
    assert_eq!(updated.username, None);
    assert!(updated.updated_at >= ada.updated_at);
    let other = users
        .create()
        .email_address(["other@example.com"])
        .external_id("crm-2")
        .await
        .unwrap();
    let err = users
        .update(&other.id)
        .external_id("crm-1")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("form_identifier_exists"));
    assert_eq!(
        users
            .update(&other.id)
            .username("ada_l")
            .await
            .unwrap()
            .username
            .as_deref(),
        Some("ada_l")
    );

    // Metadata: deep merge where null deletes, then replace.
    let merged = users
        .merge_metadata(&ada.id)
        .public_metadata(json!({"plan": "pro", "nested": {"a": null, "c": 3}}))
        .private_metadata(json!({"crm": "x"}))
        .await
        .unwrap();
    assert_eq!(
        Value::Object(merged.public_metadata),
        json!({"plan": "pro", "nested": {"b": 2, "c": 3}})
    );
    assert_eq!(merged.private_metadata.unwrap()["crm"], "x");
    let replaced = users
        .replace_metadata(&ada.id)
        .public_metadata(json!({"only": true}))
        .await
        .unwrap();
    assert_eq!(
        Value::Object(replaced.public_metadata),
        json!({"only": true})
    );
    assert_eq!(
        replaced.private_metadata.unwrap()["crm"],
        "x",
        "fields not given stay"
    );

    // BanUser revokes sessions; UnbanUser; the bulk forms.
    let session = new_session(&clerk, &ada.id).await;
    let banned = users.ban(&ada.id).await.unwrap();
    assert!(banned.banned);
    let session_now: Value = clerk
        .request(
            Method::GET,
            format!("/v1/sessions/{}", session["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(session_now["status"], "revoked");
    assert!(!users.unban(&ada.id).await.unwrap().banned);
    let bulk = users
        .ban_many([ada.id.clone(), other.id.clone()])
        .await
        .unwrap();
    assert!(bulk.iter().all(|u| u.banned) && bulk.len() == 2);
    assert_eq!(users.count().banned(true).await.unwrap(), 2);
    let bulk = users
        .unban_many([ada.id.clone(), other.id.clone()])
        .await
        .unwrap();
    assert!(bulk.iter().all(|u| !u.banned));

    // LockUser, UnlockUser.
    let locked = users.lock(&ada.id).await.unwrap();
    assert!(locked.locked);
    let unlocked = users.unlock(&ada.id).await.unwrap();
    assert!(!unlocked.locked);
    assert_eq!(unlocked.verification_attempts_remaining, Some(10));

    // SetUserProfileImage serves the image back; DeleteUserProfileImage.
    let with_image = users
        .set_profile_image(
            &ada.id,
            ProfileImage::from_bytes(PNG.to_vec(), "a.png", "image/png").unwrap(),
        )
        .await
        .unwrap();
    assert!(with_image.has_image);
    let url = with_image.image_url.clone().unwrap();
    assert!(url.starts_with(emulator.url()), "{url}");
    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let err = users
        .set_profile_image(
            &ada.id,
            ProfileImage::from_bytes(b"<svg/>".to_vec(), "a.svg", "image/svg+xml").unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("request_body_invalid"));
    assert!(!users.delete_profile_image(&ada.id).await.unwrap().has_image);

    // VerifyPassword, VerifyTOTP (app codes and single-use backup codes).
    assert!(
        users
            .verify_password(&ada.id, "correct horse battery")
            .await
            .unwrap()
    );
    assert!(!users.verify_password(&ada.id, "wrong horse").await.unwrap());
    let code = clerk_emulator::totp_code(TOTP_SECRET, now()).unwrap();
    let ok = users.verify_totp(&ada.id, code).await.unwrap();
    assert_eq!(
        (ok.is_verified(), ok.code_type),
        (true, Some(TotpCodeType::Totp))
    );
    let backup = users.verify_totp(&ada.id, "11112222").await.unwrap();
    assert_eq!(
        (backup.is_verified(), backup.code_type),
        (true, Some(TotpCodeType::BackupCode))
    );
    assert!(
        !users
            .verify_totp(&ada.id, "11112222")
            .await
            .unwrap()
            .is_verified(),
        "a backup code works once"
    );
    assert!(
        !users
            .verify_totp(&ada.id, "000000")
            .await
            .unwrap()
            .is_verified()
    );
    // With a backup code left, any length could be one: a wrong one is just incorrect.
    assert!(
        !users
            .verify_totp(&ada.id, "12")
            .await
            .unwrap()
            .is_verified()
    );
    let app_only = users
        .create()
        .email_address(["totp@example.com"])
        .totp_secret(TOTP_SECRET)
        .await
        .unwrap();
    assert_eq!(
        users
            .verify_totp(&app_only.id, "12")
            .await
            .unwrap_err()
            .code(),
        Some("totp_invalid_length")
    );

    // DeleteTOTP, DeleteBackupCode, DisableMFA.
    assert_eq!(
        users.delete_totp(&ada.id).await.unwrap().user_id.as_deref(),
        Some(ada.id.as_str())
    );
    let after = users.get(&ada.id).await.unwrap();
    assert!(!after.totp_enabled && after.backup_code_enabled);
    users.delete_backup_codes(&ada.id).await.unwrap();
    let after = users.get(&ada.id).await.unwrap();
    assert!(!after.two_factor_enabled && after.mfa_disabled_at.is_some());
    users.disable_mfa(&ada.id).await.unwrap();
    assert_eq!(
        users
            .verify_totp(&ada.id, "123456")
            .await
            .unwrap_err()
            .code(),
        Some("totp_disabled")
    );

    // SetUserPasswordCompromised / Unset, RemoveUserPassword.
    let session = new_session(&clerk, &ada.id).await;
    users
        .set_password_compromised(&ada.id)
        .revoke_all_sessions(true)
        .await
        .unwrap();
    let session_now: Value = clerk
        .request(
            Method::GET,
            format!("/v1/sessions/{}", session["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(session_now["status"], "revoked");
    users.unset_password_compromised(&ada.id).await.unwrap();
    assert!(
        !users
            .remove_password(&ada.id)
            .sign_out_of_other_sessions(true)
            .await
            .unwrap()
            .password_enabled
    );
    assert_eq!(
        users
            .verify_password(&ada.id, "correct horse battery")
            .await
            .unwrap_err()
            .code(),
        Some("no_password_set")
    );

    // Billing (see emulator_billing.rs): the user starts on the free default plan, with no
    // credit until some is added.
    let subscription = users.billing_subscription(&ada.id).await.unwrap();
    assert_eq!(
        subscription.subscription_items[0]
            .plan
            .as_ref()
            .unwrap()
            .slug,
        "free_user"
    );
    assert_eq!(
        users.billing_credit_balance(&ada.id).await.unwrap().balance,
        None
    );
    let entry = users
        .adjust_billing_credit_balance(&ada.id, 100, CreditAdjustmentAction::Increase, "k1")
        .await
        .unwrap();
    assert_eq!(entry.amount.amount, 100);

    // Lists of things the user has none of.
    assert!(
        users
            .oauth_access_tokens(&ada.id, "oauth_google")
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        users
            .organization_memberships(&ada.id)
            .await
            .unwrap()
            .total_count,
        Some(0)
    );
    assert_eq!(
        users
            .organization_invitations(&ada.id)
            .await
            .unwrap()
            .total_count,
        Some(0)
    );
    assert_eq!(
        users.trusted_devices(&ada.id).await.unwrap().total_count,
        Some(0)
    );
    assert!(
        users
            .revoke_trusted_device(&ada.id, "td_none")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        users
            .delete_passkey(&ada.id, "idn_none")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        users
            .delete_external_account(&ada.id, "eac_none")
            .await
            .unwrap_err()
            .is_not_found()
    );

    // UserWeb3WalletDelete moves the primary wallet on.
    let wallet_id = ada.web3_wallets[0].id.clone().unwrap();
    let gone = users.delete_web3_wallet(&ada.id, &wallet_id).await.unwrap();
    assert!(gone.deleted);
    let after = users.get(&ada.id).await.unwrap();
    assert!(after.web3_wallets.is_empty() && after.primary_web3_wallet_id.is_none());
    // The wallet is free for someone else now.
    users
        .create()
        .web3_wallet(["0x52908400098527886E0F7030069857D2E4169EE7"])
        .await
        .unwrap();

    // DeleteUser frees the identifiers too.
    let deleted = users.delete(&ada.id).await.unwrap();
    assert!(deleted.deleted && deleted.object == "user");
    assert_eq!(deleted.external_id.as_deref(), Some("crm-1"));
    assert!(users.get(&ada.id).await.unwrap_err().is_not_found());
    users
        .create()
        .email_address(["ada@example.com"])
        .external_id("crm-1")
        .await
        .unwrap();

    let checked = common::validate_traffic(&emulator);
    eprintln!("{checked} answers checked against the spec");

    // Every Users operation the emulator implements went through the SDK above (the other
    // groups are in sdk_operations.rs).
    let called = common::operations_called(&emulator);
    let missing: Vec<String> = common::implemented_operations()
        .await
        .into_iter()
        .filter(|id| clerk_backend::operations::find(id).is_some_and(|op| op.tag == "Users"))
        .filter(|id| !called.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "Users operations not called: {missing:?}"
    );
}

#[tokio::test]
async fn limits_offsets_and_cursors_follow_clerk() {
    let emulator = common::recording().await;
    let users = emulator.client();
    let users = users.users();
    let mut made = Vec::new();
    for i in 0..12 {
        made.push(
            users
                .create()
                .email_address([format!("p{i}@example.com")])
                .await
                .unwrap()
                .id,
        );
    }
    // Default page: 10, newest first.
    let page = users.list().await.unwrap();
    assert_eq!(page.len(), 10);
    assert_eq!(page.data[0].id, made[11]);
    // An out-of-range limit sent raw (the SDK refuses it) gets 10 rows, as Clerk answers.
    let raw: Vec<Value> = emulator
        .client()
        .request(Method::GET, "/v1/users")
        .query(&[("limit", "501")])
        .send()
        .await
        .unwrap();
    assert_eq!(raw.len(), 10);
    // Offsets and cursors agree.
    let second_by_offset = users.list().limit(5).offset(5).await.unwrap();
    let second_by_cursor = users
        .list()
        .limit(5)
        .starting_after(&made[7])
        .await
        .unwrap();
    assert_eq!(second_by_offset, second_by_cursor);
    // A cursor still works after its user is deleted.
    users.delete(&made[7]).await.unwrap();
    let after_deleted = users
        .list()
        .limit(5)
        .starting_after(&made[7])
        .await
        .unwrap();
    assert_eq!(after_deleted.data[0].id, made[6]);
    // Ascending with a cursor.
    let asc = users
        .list()
        .order_by("created_at")
        .starting_after(&made[0])
        .limit(2)
        .await
        .unwrap();
    assert_eq!(
        asc.data.iter().map(|u| u.id.clone()).collect::<Vec<_>>(),
        [made[1].clone(), made[2].clone()]
    );
    let err = users
        .list()
        .starting_after(&made[0])
        .offset(1)
        .await
        .unwrap_err();
    assert!(err.is_unprocessable());
    common::validate_traffic(&emulator);
}
