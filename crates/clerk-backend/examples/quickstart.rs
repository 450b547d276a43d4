//! A user's whole life through the Backend API: create, read, list, count, update, metadata,
//! ban, lock, profile image, password check, a session token, delete.
//!
//! ```sh
//! cargo run -p clerk-backend --example quickstart                      # on an embedded emulator
//! CLERK_SECRET_KEY=sk_test_... cargo run -p clerk-backend --example quickstart   # on your instance
//! ```
//!
//! Without `CLERK_SECRET_KEY` it starts a local Clerk emulator in-process and runs against it,
//! so it needs no account and no network. With the key, use a development instance: the
//! example creates a user and deletes it at the end.

use std::process::ExitCode;

use clerk_backend::Clerk;
use clerk_backend::api::users::ProfileImage;
use serde_json::json;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let has_key = std::env::var("CLERK_SECRET_KEY").is_ok_and(|k| !k.trim().is_empty());
    // Keep the emulator alive until the end: dropping it stops it.
    let (clerk, _emulator) = if has_key {
        (Clerk::from_env()?, None)
    } else {
        let emulator = clerk_emulator::Emulator::start().await?;
        println!("No CLERK_SECRET_KEY: running on an embedded Clerk emulator.");
        (emulator.client(), Some(emulator))
    };
    println!("Using {}", clerk.api_url());
    let users = clerk.users();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let email = format!("ada+{stamp}@example.com");
    let password = format!("quickstart-{stamp}-Pw!");

    let user = users
        .create()
        .email_address([email.as_str()])
        .first_name("Ada")
        .last_name("Lovelace")
        .password(password.as_str())
        .skip_password_checks(true)
        .public_metadata(
            json!({"plan": "free"})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        )
        .await?;
    println!("created   {} <{}>", user.id, email);

    let fetched = users.get(&user.id).await?;
    println!(
        "got       {} {}",
        fetched.first_name.as_deref().unwrap_or(""),
        fetched.last_name.as_deref().unwrap_or("")
    );

    let page = users
        .list()
        .email_address([email.as_str()])
        .limit(10)
        .await?;
    println!("listed    {} user(s) with that email", page.len());

    let total = users.count().await?;
    println!("counted   {total} user(s) in the instance");

    let updated = users
        .update(&user.id)
        .first_name("Augusta Ada")
        .username(format!("ada{stamp}"))
        .await;
    match updated {
        Ok(u) => println!("updated   first name is now {:?}", u.first_name),
        // Usernames may be disabled on the instance; the rest of the walk does not need one.
        Err(e) if e.is_unprocessable() => {
            let u = users.update(&user.id).first_name("Augusta Ada").await?;
            println!(
                "updated   first name is now {:?} (username not enabled: {})",
                u.first_name,
                e.code().unwrap_or("?")
            );
        }
        Err(e) => return Err(e.into()),
    }

    let merged = users
        .merge_metadata(&user.id)
        .public_metadata(json!({"plan": "pro", "seats": 3}))
        .private_metadata(json!({"crm_id": "crm-42"}))
        .await?;
    println!(
        "metadata  public={}",
        serde_json::Value::Object(merged.public_metadata)
    );

    let banned = users.ban(&user.id).await?;
    println!("banned    {}", banned.banned);
    let unbanned = users.unban(&user.id).await?;
    println!("unbanned  banned={}", unbanned.banned);

    let locked = users.lock(&user.id).await?;
    println!("locked    {}", locked.locked);
    let unlocked = users.unlock(&user.id).await?;
    println!("unlocked  locked={}", unlocked.locked);

    let image = ProfileImage::from_bytes(TINY_PNG.to_vec(), "avatar.png", "image/png")?;
    let with_image = users.set_profile_image(&user.id, image).await?;
    println!(
        "image     has_image={} {}",
        with_image.has_image,
        with_image.image_url.as_deref().unwrap_or("")
    );

    println!(
        "password  correct: {}",
        users.verify_password(&user.id, password.as_str()).await?
    );
    println!(
        "password  wrong:   {}",
        users.verify_password(&user.id, "not-the-password").await?
    );

    let session = clerk.sessions().create(&user.id).await?;
    let token = clerk.sessions().create_token(&session.id).await?;
    let jwt = token.jwt.as_ref().map(|j| j.expose()).unwrap_or_default();
    println!(
        "session   {}, token {}…",
        session.id,
        jwt.chars().take(40).collect::<String>()
    );

    let deleted = users.delete(&user.id).await?;
    println!("deleted   {}", deleted.deleted);
    Ok(())
}

/// A 1×1 transparent PNG.
const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00,
    0x00, 0x05, 0x00, 0x01, 0x7A, 0x5E, 0xAB, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44,
    0xAE, 0x42, 0x60, 0x82,
];
