//! Waitlist entries against the emulator over loopback: joining once per address, the
//! confirmation email, bulk joins, lists with filters, ordering and paging, inviting (an
//! instance invitation emailed from `waitlist_invitation`), rejecting, deleting, and the
//! errors. Every JSON answer is then checked against the OpenAPI spec.

mod common;

use clerk_backend::models::{BulkWaitlistEntry, WaitlistEntryStatus, WaitlistEntryStatusFilter};
use clerk_emulator::Emulator;
use serde_json::{Value, json};

fn slugs_to(emulator: &Emulator, to: &str) -> Vec<String> {
    emulator
        .messages()
        .iter()
        .filter(|m| m.to() == to)
        .filter_map(|m| m.slug().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn joining_twice_returns_the_same_entry_and_confirms_once() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let first = clerk
        .waitlist_entries()
        .create("ada@example.com")
        .await
        .unwrap();
    assert_eq!(first.object, "waitlist_entry");
    assert!(first.id.starts_with("wle_"));
    assert_eq!(first.status, WaitlistEntryStatus::Pending);
    assert_eq!(first.invitation, None);
    let again = clerk
        .waitlist_entries()
        .create("ADA@example.com")
        .await
        .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(
        slugs_to(&emulator, "ada@example.com"),
        ["waitlist_confirmation"]
    );

    clerk
        .waitlist_entries()
        .create("quiet@example.com")
        .notify(false)
        .await
        .unwrap();
    assert!(slugs_to(&emulator, "quiet@example.com").is_empty());

    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/waitlist_entries",
        Some(json!({"email_address": "not-an-email"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "form_param_format_invalid");
    let (status, body) =
        common::raw(&emulator, "POST", "/v1/waitlist_entries", Some(json!({}))).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "form_param_missing");
    assert_eq!(body["errors"][0]["meta"]["param_name"], "email_address");

    // Bulk: existing addresses come back as they are, new ones are added; a repeated address
    // or more than 50 refuses the whole request.
    let bulk = clerk
        .waitlist_entries()
        .bulk_create(vec![
            BulkWaitlistEntry {
                email_address: "ada@example.com".into(),
                notify: None,
            },
            BulkWaitlistEntry {
                email_address: "grace@example.com".into(),
                notify: Some(false),
            },
        ])
        .await
        .unwrap();
    assert_eq!(bulk.len(), 2);
    assert_eq!(bulk[0].id, first.id);
    assert!(slugs_to(&emulator, "grace@example.com").is_empty());
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/waitlist_entries/bulk",
        Some(json!([{"email_address": "x@example.com"}, {"email_address": "X@example.com"}])),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"email_address": format!("n{i}@example.com")}))
        .collect();
    let (status, _) = common::raw(
        &emulator,
        "POST",
        "/v1/waitlist_entries/bulk",
        Some(Value::Array(many)),
    )
    .await;
    assert_eq!(status, 422);
    let list = clerk.waitlist_entries().list().await.unwrap();
    assert_eq!(list.total_count, Some(3));
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn an_invite_creates_an_invitation_and_reject_and_delete_follow_the_status() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let entry = clerk
        .waitlist_entries()
        .create("ada@example.com")
        .notify(false)
        .await
        .unwrap();

    let invited = clerk.waitlist_entries().invite(&entry.id).await.unwrap();
    assert_eq!(invited.status, WaitlistEntryStatus::Invited);
    let invitation = invited.invitation.clone().expect("an invitation");
    assert_eq!(invitation.email_address, "ada@example.com");
    let listed = clerk.invitations().list().await.unwrap();
    assert!(listed.data.iter().any(|i| i.id == invitation.id));
    assert_eq!(
        slugs_to(&emulator, "ada@example.com"),
        ["waitlist_invitation"]
    );

    // A second invite meets the pending invitation, unless told to ignore it.
    let (status, code) = common::failure(clerk.waitlist_entries().invite(&entry.id).await);
    assert_eq!((status, code.as_str()), (400, "duplicate_record"));
    let again = clerk
        .waitlist_entries()
        .invite(&entry.id)
        .ignore_existing(true)
        .await
        .unwrap();
    assert_ne!(again.invitation.unwrap().id, invitation.id);

    // An invited entry cannot be deleted; rejecting it revokes its pending invitation.
    let (status, _) = common::failure(clerk.waitlist_entries().delete(&entry.id).await);
    assert_eq!(status, 409);
    let rejected = clerk.waitlist_entries().reject(&entry.id).await.unwrap();
    assert_eq!(rejected.status, WaitlistEntryStatus::Rejected);
    let revoked = rejected.invitation.unwrap();
    assert_eq!(revoked.revoked, Some(true));

    let pending = clerk
        .waitlist_entries()
        .create("grace@example.com")
        .notify(false)
        .await
        .unwrap();
    let deleted = clerk.waitlist_entries().delete(&pending.id).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.object, "waitlist_entry");
    let (status, code) = common::failure(clerk.waitlist_entries().delete(&pending.id).await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, code) = common::failure(clerk.waitlist_entries().invite("wle_missing").await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, code) = common::failure(clerk.waitlist_entries().reject("wle_missing").await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));

    // An address a user holds needs ignore_existing.
    clerk
        .users()
        .create()
        .email_address(["hopper@example.com"])
        .await
        .unwrap();
    let held = clerk
        .waitlist_entries()
        .create("hopper@example.com")
        .notify(false)
        .await
        .unwrap();
    let (status, _) = common::failure(clerk.waitlist_entries().invite(&held.id).await);
    assert_eq!(status, 400);
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn lists_filter_order_and_page() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let mut ids = Vec::new();
    for email in ["carol@example.com", "ada@example.com", "bob@other.org"] {
        let e = clerk
            .waitlist_entries()
            .create(email)
            .notify(false)
            .await
            .unwrap();
        ids.push(e.id);
    }
    clerk.waitlist_entries().invite(&ids[2]).await.unwrap();

    let all = clerk.waitlist_entries().list().await.unwrap();
    let emails: Vec<&str> = all.data.iter().map(|e| e.email_address.as_str()).collect();
    assert_eq!(
        emails,
        ["bob@other.org", "ada@example.com", "carol@example.com"],
        "newest first"
    );
    let by_email = clerk
        .waitlist_entries()
        .list()
        .order_by("+email_address")
        .limit(2)
        .offset(1)
        .await
        .unwrap();
    let emails: Vec<&str> = by_email
        .data
        .iter()
        .map(|e| e.email_address.as_str())
        .collect();
    assert_eq!(emails, ["bob@other.org", "carol@example.com"]);
    assert_eq!(by_email.total_count, Some(3));

    let invited = clerk
        .waitlist_entries()
        .list()
        .status(WaitlistEntryStatusFilter::Invited)
        .await
        .unwrap();
    assert_eq!(invited.data.len(), 1);
    assert_eq!(invited.data[0].id, ids[2]);
    let found = clerk
        .waitlist_entries()
        .list()
        .query("EXAMPLE.com")
        .await
        .unwrap();
    assert_eq!(found.total_count, Some(2));
    let by_id = clerk
        .waitlist_entries()
        .list()
        .query(ids[0].clone())
        .await
        .unwrap();
    assert_eq!(by_id.data.len(), 1);

    let (status, body) = common::raw(
        &emulator,
        "GET",
        "/v1/waitlist_entries?status=waiting",
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["meta"]["param_name"], "status");
    let (status, body) =
        common::raw(&emulator, "GET", "/v1/waitlist_entries?order_by=name", None).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["meta"]["param_name"], "order_by");
    common::validate_traffic(&emulator);
}
