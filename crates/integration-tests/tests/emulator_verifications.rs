//! Codes, tickets and refreshes against the emulator over loopback: email and phone
//! verifications read from the mailbox, invitation emails, sign-in and actor tokens redeemed
//! into sessions (the actor reaching the session token's `act`), session refresh, client
//! tokens and testing tokens. Every JSON answer is then checked against the OpenAPI spec.

mod common;

use clerk_backend::auth::TokenVerifier;
use clerk_backend::models::{
    ActorTokenStatus as TicketStatus, CreateActorTokenActor, SessionRefresh,
};
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
async fn an_email_code_from_the_mailbox_verifies_the_address() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user_id = common::user_id(&clerk, "ada@example.com").await;
    let added = clerk
        .email_addresses()
        .create(&user_id, "ada.work@example.com")
        .verified(false)
        .await
        .unwrap();
    let address_id = added.id.clone().unwrap();
    assert!(!added.verification.as_ref().is_some_and(|v| v.is_verified()));

    let first = clerk
        .email_addresses()
        .prepare_verification(&address_id)
        .await
        .unwrap();
    assert_eq!(first.status.as_deref(), Some("unverified"));
    assert_eq!(first.strategy.as_deref(), Some("email_code"));
    assert_eq!(first.attempts, Some(0));
    let first_code = last_message(&emulator, "ada.work@example.com", "verification_code")
        .otp_code()
        .unwrap()
        .to_owned();

    // A second prepare replaces the first: its id is gone, its code no longer works.
    let verification = clerk
        .email_addresses()
        .prepare_verification(&address_id)
        .await
        .unwrap();
    let verification_id = verification.id.clone().unwrap();
    assert_ne!(Some(verification_id.as_str()), first.id.as_deref());
    let message = last_message(&emulator, "ada.work@example.com", "verification_code");
    let code = message.otp_code().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    assert!(code.bytes().all(|b| b.is_ascii_digit()));
    match &message {
        Message::Email(email) => {
            assert_eq!(email.object, "email");
            assert!(email.id.starts_with("ema_"));
            assert_eq!(email.user_id.as_deref(), Some(user_id.as_str()));
            assert_eq!(email.email_address_id.as_deref(), Some(address_id.as_str()));
            assert!(email.subject.contains(&code));
        }
        other => panic!("an SMS for an email address: {other:?}"),
    }
    assert_eq!(
        common::failure(
            clerk
                .email_addresses()
                .attempt_verification(&address_id, first.id.clone().unwrap(), first_code.as_str())
                .await
        ),
        (404, "resource_not_found".into())
    );

    // The mailbox over HTTP, filtered.
    let (status, listed) = common::raw(
        &emulator,
        "GET",
        "/emulator/messages?to=ADA.WORK@example.com&slug=verification_code",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["total_count"], 2);
    assert_eq!(listed["data"][1]["data"]["otp_code"], json!(code));
    assert_eq!(listed["data"][1]["object"], "email");

    // A wrong code counts as an attempt and leaves the address unverified.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        common::failure(
            clerk
                .email_addresses()
                .attempt_verification(&address_id, &verification_id, wrong)
                .await
        ),
        (400, "form_code_incorrect".into())
    );
    let done = clerk
        .email_addresses()
        .attempt_verification(&address_id, &verification_id, code.as_str())
        .await
        .unwrap();
    assert_eq!(done.status.as_deref(), Some("verified"));
    assert_eq!(done.attempts, Some(2));
    let address = clerk.email_addresses().get(&address_id).await.unwrap();
    assert!(
        address
            .verification
            .as_ref()
            .is_some_and(|v| v.is_verified())
    );
    // Used once: a second attempt is refused.
    assert_eq!(
        common::failure(
            clerk
                .email_addresses()
                .attempt_verification(&address_id, &verification_id, code.as_str())
                .await
        ),
        (400, "verification_already_verified".into())
    );
    // Unknown address.
    assert_eq!(
        common::failure(
            clerk
                .email_addresses()
                .prepare_verification("idn_missing")
                .await
        ),
        (404, "resource_not_found".into())
    );
    common::validate_traffic(&emulator);
}

/// Checks each message against the webhooks spec's schema for its event's `data`.
fn assert_messages_match_the_webhooks_spec(emulator: &Emulator) {
    let Some(spec) = spec_oracle::Spec::load_webhooks() else {
        return;
    };
    let email = spec.validator(&spec.component_schema("EmailEventPayload"));
    let sms = spec.validator(&spec.component_schema("SmsEventPayload"));
    let messages = emulator.messages();
    assert!(!messages.is_empty());
    for message in messages {
        let value = serde_json::to_value(&message).unwrap();
        let checked = match message {
            Message::Email(_) => email.validate(&value),
            Message::Sms(_) => sms.validate(&value),
        };
        checked.unwrap_or_else(|e| panic!("{value}: {e:?}"));
    }
}

#[tokio::test]
async fn a_phone_code_goes_by_sms_and_five_wrong_codes_fail_it() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user_id = common::user_id(&clerk, "grace@example.com").await;
    let phone = clerk
        .phone_numbers()
        .create(&user_id, "+15555550123")
        .verified(false)
        .await
        .unwrap();
    let phone_id = phone.id.clone().unwrap();

    let verification = clerk
        .phone_numbers()
        .prepare_verification(&phone_id)
        .await
        .unwrap();
    assert_eq!(verification.strategy.as_deref(), Some("phone_code"));
    assert_eq!(verification.channel.as_deref(), Some("sms"));
    let verification_id = verification.id.unwrap();
    let sms = last_message(&emulator, "+15555550123", "verification_code");
    let Message::Sms(text) = &sms else {
        panic!("an email for a phone number: {sms:?}")
    };
    assert_eq!(text.object, "sms_message");
    assert!(text.id.starts_with("sms_"));
    let code = sms.otp_code().unwrap().to_owned();
    assert!(text.message.contains(&code));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..4 {
        assert_eq!(
            common::failure(
                clerk
                    .phone_numbers()
                    .attempt_verification(&phone_id, &verification_id, wrong)
                    .await
            ),
            (400, "form_code_incorrect".into())
        );
    }
    assert_eq!(
        common::failure(
            clerk
                .phone_numbers()
                .attempt_verification(&phone_id, &verification_id, wrong)
                .await
        ),
        (400, "verification_failed".into())
    );
    // Failed for good: even the right code is refused now, and the number stays unverified.
    assert_eq!(
        common::failure(
            clerk
                .phone_numbers()
                .attempt_verification(&phone_id, &verification_id, code.as_str())
                .await
        ),
        (400, "verification_failed".into())
    );
    let number = clerk.phone_numbers().get(&phone_id).await.unwrap();
    assert!(
        !number
            .verification
            .as_ref()
            .is_some_and(|v| v.is_verified())
    );

    // A fresh verification works, and the verified number becomes the primary one.
    let again = clerk
        .phone_numbers()
        .prepare_verification(&phone_id)
        .await
        .unwrap();
    let code = last_message(&emulator, "+15555550123", "verification_code")
        .otp_code()
        .unwrap()
        .to_owned();
    clerk
        .phone_numbers()
        .attempt_verification(&phone_id, again.id.unwrap(), code.as_str())
        .await
        .unwrap();
    let user = clerk.users().get(&user_id).await.unwrap();
    assert_eq!(
        user.primary_phone_number_id.as_deref(),
        Some(phone_id.as_str())
    );
    assert_messages_match_the_webhooks_spec(&emulator);
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn invitations_are_emailed_unless_notify_is_false() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let invitation = clerk
        .invitations()
        .create("new@example.com")
        .redirect_url("https://app.example.com/welcome")
        .await
        .unwrap();
    let email = last_message(&emulator, "new@example.com", "invitation");
    assert_eq!(email.data()["action_url"], json!(invitation.url));
    assert_eq!(
        email.data()["redirect_url"],
        json!("https://app.example.com/welcome")
    );
    clerk
        .invitations()
        .create("quiet@example.com")
        .notify(false)
        .await
        .unwrap();
    assert!(
        emulator
            .messages()
            .iter()
            .all(|m| m.to() != "quiet@example.com")
    );

    let admin = common::user_id(&clerk, "admin@example.com").await;
    let org = clerk
        .organizations()
        .create("Acme")
        .created_by(&admin)
        .await
        .unwrap();
    clerk
        .organization_invitations()
        .create(&org.id, "member@example.com", "org:member")
        .redirect_url("https://app.example.com/join")
        .await
        .unwrap();
    let email = last_message(&emulator, "member@example.com", "organization_invitation");
    assert_eq!(email.data()["org"]["name"], "Acme");
    assert_eq!(email.data()["role"], "org:member");
    assert!(
        email.data()["action_url"]
            .as_str()
            .unwrap()
            .starts_with("https://app.example.com/join?__clerk_ticket=")
    );
    assert_messages_match_the_webhooks_spec(&emulator);
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn a_sign_in_token_redeems_once_into_a_session() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user_id = common::user_id(&clerk, "ticket@example.com").await;
    let token = clerk.sign_in_tokens().create(&user_id).await.unwrap();
    assert_eq!(token.status, TicketStatus::Pending);
    let ticket = token.token.clone().unwrap().expose().to_owned();
    assert!(token.url.as_deref().unwrap().ends_with(&ticket));

    let (status, session) = common::raw(
        &emulator,
        "POST",
        "/emulator/tickets/accept",
        Some(json!({ "ticket": ticket })),
    )
    .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["user_id"], json!(user_id));
    assert_eq!(session["status"], "active");
    let (status, again) = common::raw(
        &emulator,
        "POST",
        "/emulator/tickets/accept",
        Some(json!({ "ticket": ticket })),
    )
    .await;
    assert_eq!(
        (status, again["errors"][0]["code"].clone()),
        (400, json!("ticket_invalid"))
    );
    // Accepted, so it can no longer be revoked.
    assert_eq!(
        common::failure(clerk.sign_in_tokens().revoke(&token.id).await),
        (400, "sign_in_token_not_pending".into())
    );

    // A revoked one cannot be redeemed.
    let revoked = clerk.sign_in_tokens().create(&user_id).await.unwrap();
    let answer = clerk.sign_in_tokens().revoke(&revoked.id).await.unwrap();
    assert_eq!(answer.status, TicketStatus::Revoked);
    assert!(
        emulator
            .accept_ticket(revoked.token.unwrap().expose())
            .is_err()
    );
    // Unknown user, bad lifetime.
    assert_eq!(
        common::failure(clerk.sign_in_tokens().create("user_missing").await),
        (404, "resource_not_found".into())
    );
    // The SDK refuses a lifetime below 1 before sending; the emulator refuses it too.
    assert!(
        clerk
            .sign_in_tokens()
            .create(&user_id)
            .expires_in_seconds(0)
            .await
            .is_err()
    );
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/sign_in_tokens",
        Some(json!({"user_id": user_id, "expires_in_seconds": 0})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (422, json!("form_param_value_invalid"))
    );
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn an_actor_token_makes_a_session_whose_tokens_carry_act() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user_id = common::user_id(&clerk, "impersonated@example.com").await;
    let admin_id = common::user_id(&clerk, "support@example.com").await;
    // The actor may carry more than `sub`; all of it is sent, kept and put in the tokens.
    let mut more = serde_json::Map::new();
    more.insert("reason".into(), json!("support ticket 42"));
    let actor_token = clerk
        .actor_tokens()
        .create(
            &user_id,
            CreateActorTokenActor {
                sub: admin_id.clone(),
                other: more,
            },
        )
        .await
        .unwrap();
    assert!(actor_token.id.starts_with("impt_"));
    assert_eq!(actor_token.status, TicketStatus::Pending);
    assert_eq!(actor_token.actor["sub"], json!(admin_id));
    assert_eq!(actor_token.actor["reason"], "support ticket 42");

    let session = emulator
        .accept_ticket(actor_token.token.as_ref().unwrap().expose())
        .unwrap();
    assert_eq!(session.user_id, user_id);
    assert_eq!(session.actor.as_ref().unwrap()["sub"], json!(admin_id));
    assert_eq!(
        session.actor.as_ref().unwrap()["reason"],
        "support ticket 42"
    );
    // The session lasts the default 30 minutes of an actor token's session.
    assert_eq!(session.expire_at - session.created_at, 1800 * 1000);

    let token = clerk.sessions().create_token(&session.id).await.unwrap();
    let verifier = TokenVerifier::builder()
        .clerk(emulator.client())
        .build()
        .unwrap();
    let claims = verifier
        .verify_session_token(token.jwt.as_ref().unwrap().expose())
        .await
        .unwrap();
    assert_eq!(claims.user_id(), user_id);
    assert_eq!(
        claims.act.as_ref().map(|a| a.sub.as_str()),
        Some(admin_id.as_str())
    );
    let payload = token
        .jwt
        .as_ref()
        .unwrap()
        .expose()
        .split('.')
        .nth(1)
        .unwrap()
        .to_owned();
    let payload: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(payload.as_bytes())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["act"]["reason"], "support ticket 42", "{payload}");

    // Used, so revoking is refused; a pending one revokes once.
    assert_eq!(
        common::failure(clerk.actor_tokens().revoke(&actor_token.id).await),
        (400, "actor_token_not_pending".into())
    );
    let pending = clerk
        .actor_tokens()
        .create(
            &user_id,
            CreateActorTokenActor {
                sub: admin_id.clone(),
                other: Default::default(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        clerk
            .actor_tokens()
            .revoke(&pending.id)
            .await
            .unwrap()
            .status,
        TicketStatus::Revoked
    );

    // The actor needs a `sub`; the user must exist.
    let (status, body) = common::raw(
        &emulator,
        "POST",
        "/v1/actor_tokens",
        Some(json!({"user_id": user_id, "actor": {"name": "support"}})),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["code"].clone()),
        (422, json!("form_param_missing"))
    );
    assert_eq!(
        common::failure(
            clerk
                .actor_tokens()
                .create(
                    "user_missing",
                    CreateActorTokenActor {
                        sub: admin_id,
                        other: Default::default(),
                    }
                )
                .await
        ),
        (422, "form_param_value_invalid".into())
    );
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn a_session_refreshes_with_its_refresh_token_and_clients_verify() {
    let emulator = common::recording().await;
    let clerk = emulator.client();
    let user_id = common::user_id(&clerk, "refresh@example.com").await;
    let session = clerk.sessions().create(&user_id).await.unwrap();
    let cookies = emulator.session_cookies(&session.id).unwrap();

    let refreshed = clerk
        .sessions()
        .refresh(
            &session.id,
            &cookies.session,
            &cookies.refresh,
            "https://app.example.com",
        )
        .await
        .unwrap();
    let SessionRefresh::SessionToken(token) = refreshed else {
        panic!("a token was asked for: {refreshed:?}")
    };
    let verifier = TokenVerifier::builder()
        .clerk(emulator.client())
        .build()
        .unwrap();
    let claims = verifier
        .verify_session_token(token.jwt.expose())
        .await
        .unwrap();
    assert_eq!(claims.session_id(), Some(session.id.as_str()));
    assert_eq!(claims.azp.as_deref(), Some("https://app.example.com"));

    let as_cookies = clerk
        .sessions()
        .refresh(
            &session.id,
            &cookies.session,
            &cookies.refresh,
            "https://app.example.com",
        )
        .format("cookie")
        .await
        .unwrap();
    let SessionRefresh::Cookies(set) = as_cookies else {
        panic!("cookies were asked for: {as_cookies:?}")
    };
    assert!(set.cookies.iter().any(|c| c.starts_with("__session=")));
    assert!(set.cookies.iter().any(|c| c.starts_with("__client_uat=")));

    // A wrong refresh token, another session's token, or a revoked session: 401.
    assert_eq!(
        common::failure(
            clerk
                .sessions()
                .refresh(
                    &session.id,
                    &cookies.session,
                    "wrong",
                    "https://app.example.com"
                )
                .await
        ),
        (401, "authentication_invalid".into())
    );
    let other = clerk.sessions().create(&user_id).await.unwrap();
    let other_cookies = emulator.session_cookies(&other.id).unwrap();
    assert_eq!(
        common::failure(
            clerk
                .sessions()
                .refresh(
                    &session.id,
                    &other_cookies.session,
                    &cookies.refresh,
                    "https://app.example.com"
                )
                .await
        ),
        (401, "authentication_invalid".into())
    );

    // The client token stands for the session's client.
    let client = clerk.clients().verify(&cookies.client).await.unwrap();
    assert_eq!(client.id, session.client_id);
    assert!(client.session_ids.contains(&session.id));
    let mut forged = cookies.client.clone();
    forged.pop();
    assert_eq!(
        common::failure(clerk.clients().verify(&forged).await),
        (400, "client_token_invalid".into())
    );
    #[allow(deprecated)] // Clerk marks the list deprecated; the emulator still serves it
    let listed = clerk.clients().list().await.unwrap();
    assert_eq!(listed.len(), 2, "one client per session created");

    clerk.sessions().revoke(&session.id).await.unwrap();
    assert_eq!(
        common::failure(
            clerk
                .sessions()
                .refresh(
                    &session.id,
                    &cookies.session,
                    &cookies.refresh,
                    "https://app.example.com"
                )
                .await
        ),
        (401, "authentication_invalid".into())
    );
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn testing_tokens_are_timestamped_and_last_an_hour() {
    let emulator = common::recording().await;
    let token = emulator.client().testing_tokens().create().await.unwrap();
    let (stamp, rest) = token.token.expose().split_once('-').unwrap();
    let stamp: i64 = stamp.parse().unwrap();
    assert!(!rest.is_empty());
    assert_eq!(token.expires_at, stamp + 3600);
    common::validate_traffic(&emulator);
}

#[tokio::test]
async fn the_mailbox_and_pending_codes_survive_a_restart() {
    let dir = std::env::temp_dir().join(format!("clerk-emulator-mailbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let (address_id, verification_id) = {
        let emulator = Emulator::builder()
            .state_file(&state)
            .start()
            .await
            .unwrap();
        let clerk = emulator.client();
        let user_id = common::user_id(&clerk, "kept@example.com").await;
        let address = clerk
            .email_addresses()
            .create(&user_id, "kept.work@example.com")
            .verified(false)
            .await
            .unwrap();
        let address_id = address.id.unwrap();
        let verification = clerk
            .email_addresses()
            .prepare_verification(&address_id)
            .await
            .unwrap();
        (address_id, verification.id.unwrap())
    };
    let emulator = Emulator::builder()
        .state_file(&state)
        .start()
        .await
        .unwrap();
    let code = last_message(&emulator, "kept.work@example.com", "verification_code")
        .otp_code()
        .unwrap()
        .to_owned();
    let done = emulator
        .client()
        .email_addresses()
        .attempt_verification(&address_id, &verification_id, code.as_str())
        .await
        .unwrap();
    assert_eq!(done.status.as_deref(), Some("verified"));
    drop(emulator);
    std::fs::remove_dir_all(dir).ok();
}
