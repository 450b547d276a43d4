//! Email and SMS templates against the emulator over loopback: the built-in templates, a
//! change rendered into the next message the mailbox gets, revert, preview, delivery switched
//! off (the message says `delivered_by_clerk: false`), and the errors. Every JSON answer is
//! then checked against the OpenAPI spec.

// Clerk marks the template operations deprecated; the emulator still serves them.
#![allow(deprecated)]

mod common;

use clerk_emulator::Emulator;
use clerk_emulator::wire::Message;
use serde_json::{Value, json};

/// The newest message to `to` with this slug.
fn last_message(emulator: &Emulator, to: &str, slug: &str) -> Message {
    emulator
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.to() == to && m.slug() == Some(slug))
        .unwrap_or_else(|| panic!("no {slug} message to {to}: {:?}", emulator.messages()))
}

#[tokio::test]
async fn the_built_in_templates_are_listed_and_read() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    let emails = clerk.email_sms_templates().list("email").await.unwrap();
    let slugs: Vec<&str> = emails
        .data
        .iter()
        .filter_map(|t| t.slug.as_deref())
        .collect();
    for slug in [
        "verification_code",
        "invitation",
        "organization_invitation",
        "waitlist_invitation",
    ] {
        assert!(slugs.contains(&slug), "{slug} missing from {slugs:?}");
    }
    assert_eq!(emails.total_count, Some(emails.data.len() as u64));
    let positions: Vec<i64> = emails.data.iter().filter_map(|t| t.position).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

    let sms = clerk.email_sms_templates().list("sms").await.unwrap();
    assert_eq!(sms.data.len(), 1);
    assert_eq!(sms.data[0].slug.as_deref(), Some("verification_code"));
    assert_eq!(sms.data[0].subject, None);

    let code = clerk
        .email_sms_templates()
        .get("email", "verification_code")
        .await
        .unwrap();
    assert_eq!(code.object.as_deref(), Some("template"));
    assert_eq!(code.resource_type.as_deref(), Some("system"));
    assert_eq!(code.can_revert, Some(false));
    assert_eq!(code.delivered_by_clerk, Some(true));
    assert_eq!(code.required_variables, Some(vec!["otp_code".to_owned()]));
    assert!(code.body.as_deref().unwrap().contains("{{otp_code}}"));
    // The same template, the same id, every time.
    let again = clerk
        .email_sms_templates()
        .get("email", "verification_code")
        .await
        .unwrap();
    assert_eq!(again.id, code.id);
    assert!(code.id.as_deref().unwrap().starts_with("tmpl_"));

    // The bare array without `paginated`, with limit and offset.
    let (status, page) = common::raw(
        &emulator,
        "GET",
        "/v1/templates/email?limit=2&offset=1",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let page = page.as_array().unwrap();
    assert_eq!(page.len(), 2);
    assert_eq!(page[0]["slug"], json!(slugs[1]));

    // Unknown slug and type.
    let (status, code) = common::failure(clerk.email_sms_templates().get("email", "nope").await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    let (status, body) = common::raw(&emulator, "GET", "/v1/templates/fax", None).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "form_param_value_invalid");
    assert_eq!(body["errors"][0]["meta"]["param_name"], "template_type");
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn a_changed_template_renders_the_next_message_and_revert_restores_it() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user = clerk
        .users()
        .create()
        .email_address(["ada@example.com"])
        .await
        .unwrap();
    let address_id = user.email_addresses[0].id.clone().unwrap();

    let changed = clerk
        .email_sms_templates()
        .upsert("email", "verification_code")
        .subject("Code: {{otp_code}}")
        .body("<p>Your code is <b>{{ otp_code }}</b>.</p>")
        .from_email_name("security")
        .await
        .unwrap();
    assert_eq!(changed.resource_type.as_deref(), Some("user"));
    assert_eq!(changed.can_revert, Some(true));
    assert_eq!(changed.subject.as_deref(), Some("Code: {{otp_code}}"));
    assert_eq!(changed.instance_id.as_deref(), Some(emulator.instance_id()));
    let read = clerk
        .email_sms_templates()
        .get("email", "verification_code")
        .await
        .unwrap();
    assert_eq!(read.body, changed.body);

    clerk
        .email_addresses()
        .prepare_verification(&address_id)
        .await
        .unwrap();
    let Message::Email(email) = last_message(&emulator, "ada@example.com", "verification_code")
    else {
        panic!("not an email")
    };
    let code = email.data["otp_code"].as_str().unwrap().to_owned();
    assert_eq!(email.subject, format!("Code: {code}"));
    assert_eq!(email.body, format!("<p>Your code is <b>{code}</b>.</p>"));
    assert_eq!(
        email.body_plain.as_deref(),
        Some(format!("Your code is {code}.").as_str())
    );
    assert_eq!(email.from_email_name, "security");

    // A body without the required variable is refused, and nothing changes.
    let (status, code_) = common::failure(
        clerk
            .email_sms_templates()
            .upsert("email", "verification_code")
            .body("<p>no code here</p>")
            .await,
    );
    assert_eq!((status, code_.as_str()), (422, "form_param_value_invalid"));
    let (status, body) = common::raw(
        &emulator,
        "PUT",
        "/v1/templates/email/verification_code",
        Some(json!({"from_email_name": "not an address"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "form_param_format_invalid");
    let (status, body) = common::raw(
        &emulator,
        "PUT",
        "/v1/templates/email/verification_code",
        Some(json!({"colour": "red"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["code"], "form_param_unknown");

    let reverted = clerk
        .email_sms_templates()
        .revert("email", "verification_code")
        .await
        .unwrap();
    assert_eq!(reverted.resource_type.as_deref(), Some("system"));
    assert_eq!(reverted.can_revert, Some(false));
    assert_eq!(reverted.id, read.id);
    assert_eq!(
        reverted.subject.as_deref(),
        Some("{{otp_code}} is your verification code")
    );
    clerk
        .email_addresses()
        .prepare_verification(&address_id)
        .await
        .unwrap();
    let Message::Email(email) = last_message(&emulator, "ada@example.com", "verification_code")
    else {
        panic!("not an email")
    };
    let code = email.data["otp_code"].as_str().unwrap();
    assert_eq!(email.subject, format!("{code} is your verification code"));
    assert_eq!(email.from_email_name, "notifications");

    // The SMS template is changed the same way; email-only fields are ignored on it.
    let sms = clerk
        .email_sms_templates()
        .upsert("sms", "verification_code")
        .body("Code {{otp_code}} for Ada's app")
        .subject("ignored")
        .await
        .unwrap();
    assert_eq!(sms.subject, None);
    let phone = clerk
        .phone_numbers()
        .create(&user.id, "+15555550123")
        .verified(false)
        .await
        .unwrap();
    clerk
        .phone_numbers()
        .prepare_verification(phone.id.as_deref().unwrap())
        .await
        .unwrap();
    let Message::Sms(text) = last_message(&emulator, "+15555550123", "verification_code") else {
        panic!("not an SMS")
    };
    let code = text.data["otp_code"].as_str().unwrap();
    assert_eq!(text.message, format!("Code {code} for Ada's app"));
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn delivery_switched_off_marks_the_messages_and_the_invitation_template_renders_links() {
    let emulator = common::recording().await;
    let clerk = emulator.client();

    let off = clerk
        .email_sms_templates()
        .toggle_template_delivery("email", "invitation")
        .delivered_by_clerk(false)
        .await
        .unwrap();
    assert_eq!(off.delivered_by_clerk, Some(false));
    // Switching delivery is not a change of content.
    assert_eq!(off.resource_type.as_deref(), Some("system"));

    let inv = clerk
        .invitations()
        .create("grace@example.com")
        .await
        .unwrap();
    let Message::Email(email) = last_message(&emulator, "grace@example.com", "invitation") else {
        panic!("not an email")
    };
    assert!(!email.delivered_by_clerk);
    let url = inv.url.clone().unwrap();
    assert!(
        email.body.contains(&format!("href=\"{url}\"")),
        "{}",
        email.body
    );
    assert!(email.body_plain.as_deref().unwrap().contains(&url));

    // Without a body, toggling flips it back.
    let on = clerk
        .email_sms_templates()
        .toggle_template_delivery("email", "invitation")
        .await
        .unwrap();
    assert_eq!(on.delivered_by_clerk, Some(true));
    clerk
        .invitations()
        .create("hopper@example.com")
        .await
        .unwrap();
    let Message::Email(email) = last_message(&emulator, "hopper@example.com", "invitation") else {
        panic!("not an email")
    };
    assert!(email.delivered_by_clerk);

    // Organization invitations come from their own template, with the organization's name.
    clerk
        .email_sms_templates()
        .upsert("email", "organization_invitation")
        .subject("Join {{org.name}} as {{role}}")
        .await
        .unwrap();
    let ada = clerk
        .users()
        .create()
        .email_address(["ada@example.com"])
        .await
        .unwrap();
    let org = clerk
        .organizations()
        .create("Ada & Babbage")
        .created_by(&ada.id)
        .await
        .unwrap();
    clerk
        .organization_invitations()
        .create(&org.id, "babbage@example.com", "org:member")
        .inviter_user_id(&ada.id)
        .await
        .unwrap();
    let Message::Email(email) =
        last_message(&emulator, "babbage@example.com", "organization_invitation")
    else {
        panic!("not an email")
    };
    assert_eq!(email.subject, "Join Ada & Babbage as org:member");
    // In the HTML body the name is escaped.
    assert!(email.body.contains("Ada &amp; Babbage"), "{}", email.body);

    let (status, code) = common::failure(
        clerk
            .email_sms_templates()
            .toggle_template_delivery("sms", "nope")
            .await,
    );
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn a_preview_renders_sample_values_without_storing() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let preview = clerk
        .email_sms_templates()
        .preview("email", "verification_code")
        .subject("Preview {{otp_code}}")
        .await
        .unwrap();
    assert_eq!(preview.get("subject"), Some(&json!("Preview 123456")));
    let body = preview.get("body").and_then(Value::as_str).unwrap();
    assert!(body.contains("123456"), "{body}");
    // Nothing was stored.
    let t = clerk
        .email_sms_templates()
        .get("email", "verification_code")
        .await
        .unwrap();
    assert_eq!(t.resource_type.as_deref(), Some("system"));
    assert!(!t.subject.unwrap().starts_with("Preview"));

    let sms = clerk
        .email_sms_templates()
        .preview("sms", "verification_code")
        .body("{{otp_code}}!")
        .await
        .unwrap();
    assert_eq!(sms.get("body"), Some(&json!("123456!")));
    assert_eq!(sms.get("subject"), None);

    let (status, code) =
        common::failure(clerk.email_sms_templates().preview("email", "nope").await);
    assert_eq!((status, code.as_str()), (404, "resource_not_found"));
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn templates_waitlist_entries_and_connections_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("clerk-emu-templates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);
    {
        let emulator = Emulator::builder()
            .state_file(&state)
            .start()
            .await
            .unwrap();
        emulator
            .client()
            .email_sms_templates()
            .upsert("email", "invitation")
            .subject("Come in")
            .await
            .unwrap();
        emulator
            .client()
            .waitlist_entries()
            .create("kept@example.com")
            .await
            .unwrap();
        emulator
            .client()
            .enterprise_connections()
            .create(
                "Kept",
                clerk_backend::models::EnterpriseConnectionProvider::OidcCustom,
                ["kept.example.com"],
            )
            .await
            .unwrap();
        emulator.shutdown().await.unwrap();
    }
    let emulator = Emulator::builder()
        .state_file(&state)
        .start()
        .await
        .unwrap();
    let t = emulator
        .client()
        .email_sms_templates()
        .get("email", "invitation")
        .await
        .unwrap();
    assert_eq!(t.subject.as_deref(), Some("Come in"));
    assert_eq!(t.resource_type.as_deref(), Some("user"));
    let entries = emulator.client().waitlist_entries().list().await.unwrap();
    assert_eq!(entries.data.len(), 1);
    assert_eq!(entries.data[0].email_address, "kept@example.com");
    let connections = emulator
        .client()
        .enterprise_connections()
        .list()
        .await
        .unwrap();
    assert_eq!(connections.data[0].domains, ["kept.example.com"]);
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
