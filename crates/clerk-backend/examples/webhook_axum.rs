//! A Clerk webhook endpoint with axum: verifies each delivery and prints user.created,
//! user.updated and user.deleted.
//!
//! ```sh
//! # against Clerk: point a webhook endpoint (Dashboard → Webhooks) at this server, e.g. through
//! # a tunnel, and give it the endpoint's signing secret
//! CLERK_WEBHOOK_SIGNING_SECRET=whsec_... cargo run -p clerk-backend --features axum --example webhook_axum
//!
//! # by itself: without the variable it uses a demo secret, sends itself three signed
//! # deliveries and a forged one, prints what happened and exits
//! cargo run -p clerk-backend --features axum --example webhook_axum
//! ```
//!
//! `WEBHOOK_ADDR` sets the address to listen on (default `127.0.0.1:3000`).

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use clerk_backend::webhooks::{EventData, VerifiedWebhook, Webhook};
use serde_json::json;

const DEMO_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A user as Clerk sends it in `user.created`.
const DEMO_USER: &str = r#"{
    "object": "user", "id": "user_demo", "first_name": "Ada", "last_name": null,
    "primary_email_address_id": "idn_demo", "primary_phone_number_id": null,
    "primary_web3_wallet_id": null, "username": null, "external_id": null,
    "image_url": "https://img.clerk.com/demo", "has_image": false,
    "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": {},
    "email_addresses": [{
        "id": "idn_demo", "object": "email_address", "email_address": "ada@example.com",
        "reserved": false, "linked_to": [], "created_at": 1716883200000,
        "updated_at": 1716883200000,
        "verification": {"object": "verification_otp", "status": "verified",
                         "strategy": "email_code", "attempts": 1, "expire_at": null}
    }],
    "phone_numbers": [], "web3_wallets": [], "passkeys": [], "external_accounts": [],
    "saml_accounts": [], "enterprise_accounts": [],
    "password_enabled": false, "two_factor_enabled": false, "totp_enabled": false,
    "backup_code_enabled": false, "mfa_enabled_at": null, "mfa_disabled_at": null,
    "last_sign_in_at": null, "banned": false, "locked": false,
    "lockout_expires_in_seconds": null, "verification_attempts_remaining": null,
    "delete_self_enabled": true, "create_organization_enabled": true,
    "last_active_at": null, "legal_accepted_at": null,
    "created_at": 1716883200000, "updated_at": 1716883200000
}"#;

/// The handler: by the time it runs, the delivery is verified and decoded.
async fn clerk_webhook(VerifiedWebhook(event): VerifiedWebhook) -> StatusCode {
    match &event.data {
        EventData::UserCreated(user) => {
            let email = user
                .primary_email_address()
                .map_or("no email", |e| e.email_address.as_str());
            println!("user.created  {} ({email})", user.id);
        }
        EventData::UserUpdated(user) => {
            let name = [user.first_name.as_deref(), user.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            println!("user.updated  {} (now {name:?})", user.id);
        }
        EventData::UserDeleted(deleted) => {
            println!(
                "user.deleted  {}",
                deleted.id.as_deref().unwrap_or("(no id)")
            );
        }
        other => println!("{:<13} (not handled here)", other.event_type()),
    }
    // Any 2xx tells Clerk the delivery arrived; anything else makes it retry.
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let demo = std::env::var_os("CLERK_WEBHOOK_SIGNING_SECRET").is_none();
    let webhook = if demo {
        println!(
            "CLERK_WEBHOOK_SIGNING_SECRET is not set: running a demo with a made-up secret \
             that sends itself a few deliveries.\n"
        );
        Webhook::new(DEMO_SECRET)?
    } else {
        Webhook::from_env()?
    };

    let app = Router::new()
        .route("/webhooks/clerk", post(clerk_webhook))
        .with_state(webhook.clone());

    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| {
        if demo {
            "127.0.0.1:0"
        } else {
            "127.0.0.1:3000"
        }
        .to_owned()
    });
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}/webhooks/clerk", listener.local_addr()?);
    println!("listening on {url}");

    if !demo {
        axum::serve(listener, app).await?;
        return Ok(());
    }
    tokio::spawn(async move { axum::serve(listener, app).await });
    send_demo_deliveries(&webhook, &url).await
}

/// Signs and POSTs what Clerk would send for a user's life, then a forged delivery.
async fn send_demo_deliveries(
    webhook: &Webhook,
    url: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let user: serde_json::Value = serde_json::from_str(DEMO_USER)?;
    let mut updated = user.clone();
    updated["last_name"] = json!("Lovelace");
    let deliveries = [
        ("user.created", user),
        ("user.updated", updated),
        (
            "user.deleted",
            json!({"object": "user", "id": "user_demo", "deleted": true}),
        ),
    ];

    let client = reqwest::Client::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    for (i, (event_type, data)) in deliveries.into_iter().enumerate() {
        let body = serde_json::to_vec(&json!({
            "type": event_type, "object": "event", "instance_id": "ins_demo",
            "timestamp": now * 1000, "data": data,
        }))?;
        let id = format!("msg_demo_{i}");
        let response = client
            .post(url)
            .header("svix-id", &id)
            .header("svix-timestamp", now.to_string())
            .header("svix-signature", webhook.sign(&id, now, &body))
            .body(body)
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(format!("{event_type} was refused: {}", response.text().await?).into());
        }
    }

    let forged = client
        .post(url)
        .header("svix-id", "msg_forged")
        .header("svix-timestamp", now.to_string())
        .header("svix-signature", "v1,bm90IGEgc2lnbmF0dXJl")
        .body(r#"{"type":"user.deleted"}"#)
        .send()
        .await?;
    println!(
        "a forged delivery: {} {}",
        forged.status(),
        forged.text().await?
    );
    Ok(())
}
