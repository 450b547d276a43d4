//! The emulator's dashboard: over plain HTTP (search, pages, links, escaping, the token form
//! and its origin check, webhook delivery statuses), and in a real headless Chromium driven
//! through WebDriver, checking what a person sees and saving screenshots.
//!
//! The browser test needs `chromedriver` and Chromium (Debian: `apt-get install chromium
//! chromium-driver`; `.ci/run` installs them). Without them it is skipped with a message, and
//! it fails instead when `CLERK_BROWSER_REQUIRED=1`.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::routing::post;
use clerk_backend::Clerk;
use clerk_backend::auth::TokenVerifier;
use clerk_emulator::{DeliveryStatus, Emulator, WebhookTarget};
use fantoccini::{ClientBuilder, Locator};
use serde_json::{Value, json};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A webhook endpoint that takes every event but `organization.created`, which it refuses.
async fn endpoint(seen: Arc<Mutex<Vec<String>>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().route(
        "/hook",
        post(move |body: Bytes| {
            let seen = seen.clone();
            async move {
                let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let kind = event["type"].as_str().unwrap_or_default().to_owned();
                seen.lock().unwrap().push(kind.clone());
                if kind == "organization.created" {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/hook")
}

/// What the dashboard shows in these tests: two named users and 120 more, an organization
/// with Ada as its admin and an invitation (an email in the mailbox), and a session for Grace.
struct World {
    emulator: Emulator,
    clerk: Clerk,
    ada: String,
    grace: String,
    acme: String,
}

async fn world() -> World {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut target = WebhookTarget::new(endpoint(seen).await, SECRET);
    target.retry_delays = Vec::new(); // a refused event fails at once
    let emulator = Emulator::builder().webhook(target).start().await.unwrap();
    let clerk = emulator.client();
    let ada = clerk
        .users()
        .create()
        .email_address(["ada@example.com"])
        .first_name("Ada")
        .last_name("Lovelace")
        .await
        .unwrap()
        .id;
    let grace = clerk
        .users()
        .create()
        .email_address(["grace@example.com"])
        .first_name("Grace")
        .last_name("<Hopper>")
        .await
        .unwrap()
        .id;
    for i in 0..120 {
        common::user_id(&clerk, &format!("filler{i:03}@example.net")).await;
    }
    let acme = clerk
        .organizations()
        .create("Acme Corp")
        .created_by(&ada)
        .await
        .unwrap()
        .id;
    clerk
        .organization_invitations()
        .create(&acme, "dee@example.com", "org:member")
        .inviter_user_id(&ada)
        .await
        .unwrap();
    clerk.sessions().create(&grace).await.unwrap();
    World {
        emulator,
        clerk,
        ada,
        grace,
        acme,
    }
}

async fn get(emulator: &Emulator, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("{}{path}", emulator.url()))
        .await
        .unwrap();
    let status = response.status().as_u16();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{path}"
    );
    (status, response.text().await.unwrap())
}

/// The rows of the table with this id.
fn rows(page: &str, table: &str) -> usize {
    let start = page
        .find(&format!("<table id=\"{table}\">"))
        .unwrap_or_else(|| panic!("no table {table}"));
    let body = &page[start..];
    let end = body.find("</table>").unwrap();
    body[..end].matches("<tr>").count() - 1 // the heading row
}

async fn wait_for_deliveries(emulator: &Emulator) {
    for _ in 0..200 {
        let pending = emulator
            .webhook_deliveries()
            .iter()
            .any(|d| matches!(d.status, DeliveryStatus::Pending | DeliveryStatus::Retrying));
        if !pending {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("webhook deliveries did not settle");
}

#[tokio::test]
async fn the_dashboard_lists_searches_and_links_over_http() {
    let w = world().await;
    let e = &w.emulator;

    // Overview: the counts, with the secret key nowhere.
    let (status, overview) = get(e, "/").await;
    assert_eq!(status, 200);
    assert!(overview.contains("<b>122</b>Users"), "{overview}");
    assert!(overview.contains("<b>1</b>Organizations"));
    assert!(overview.contains(e.publishable_key()));
    assert!(!overview.contains(e.secret_key()));

    // Users: 50 a page, newest first, with the next page linked; the last page has the rest.
    let (_, users) = get(e, "/users").await;
    assert_eq!(rows(&users, "users"), 50);
    assert!(users.contains("Showing 1–50 of 122"));
    assert!(users.contains("href=\"/users?page=2\""));
    let (_, last) = get(e, "/users?page=3").await;
    assert_eq!(rows(&last, "users"), 22);
    assert!(last.contains("Showing 101–122 of 122"));
    assert!(
        last.contains("Lovelace"),
        "the oldest users are on the last page"
    );
    let (_, beyond) = get(e, "/users?page=99").await;
    assert_eq!(rows(&beyond, "users"), 1); // the "Nothing here" row
    assert!(beyond.contains("No results of 122"));

    // Search, case-insensitive, over names and addresses; the query stays in the box.
    let (_, found) = get(e, "/users?q=LOVELACE").await;
    assert_eq!(rows(&found, "users"), 1);
    assert!(found.contains(&format!("href=\"/users/{}\"", w.ada)));
    assert!(found.contains("value=\"LOVELACE\""));
    let (_, net) = get(e, "/users?q=example.net&page=2").await;
    assert!(net.contains("Showing 51–100 of 120"), "{net}");
    assert!(net.contains("href=\"/users?q=example.net&amp;page=3\""));

    // Markup in data is shown as text.
    let (_, grace) = get(e, &format!("/users/{}", w.grace)).await;
    assert!(grace.contains("Grace &lt;Hopper&gt;"));
    assert!(!grace.contains("<Hopper>"));
    // Her session is listed and links back.
    let (_, sessions) = get(e, &format!("/sessions?q={}", w.grace)).await;
    assert_eq!(rows(&sessions, "sessions"), 1);
    assert!(sessions.contains(&format!("href=\"/users/{}\"", w.grace)));

    // Links between users and organizations.
    let (_, ada) = get(e, &format!("/users/{}", w.ada)).await;
    assert!(ada.contains(&format!("href=\"/organizations/{}\"", w.acme)));
    assert!(ada.contains("org:admin"));
    let (_, org) = get(e, &format!("/organizations/{}", w.acme)).await;
    assert!(org.contains("Acme Corp"));
    assert!(org.contains(&format!("href=\"/users/{}\"", w.ada)));
    assert!(org.contains("dee@example.com"));
    let (_, orgs) = get(e, "/organizations?q=acme").await;
    assert_eq!(rows(&orgs, "organizations"), 1);

    // The mailbox has the invitation, searchable, with its page.
    let (_, mail) = get(e, "/mailbox?q=dee@").await;
    assert_eq!(rows(&mail, "messages"), 1);
    let message_id = e
        .messages()
        .iter()
        .find(|m| m.to() == "dee@example.com")
        .unwrap()
        .id()
        .to_owned();
    let (status, message) = get(e, &format!("/mailbox/{message_id}")).await;
    assert_eq!(status, 200);
    assert!(message.contains("<iframe title=\"Email body\" sandbox srcdoc="));

    // Webhook deliveries with their outcome: delivered, or failed when the endpoint refused.
    wait_for_deliveries(e).await;
    let deliveries = e.webhook_deliveries();
    let of = |kind: &str| deliveries.iter().find(|d| d.event_type == kind).unwrap();
    assert_eq!(of("user.created").status, DeliveryStatus::Delivered);
    assert_eq!(of("organization.created").status, DeliveryStatus::Failed);
    assert_eq!(of("organization.created").attempts, 1);
    let (_, hooks) = get(e, "/webhooks?q=organization.created").await;
    assert_eq!(rows(&hooks, "deliveries"), 1);
    assert!(hooks.contains("failed"));
    assert!(hooks.contains("status 500"));
    let (_, detail) = get(e, &format!("/webhooks/{}", of("organization.created").id)).await;
    assert!(detail.contains("Acme Corp"));

    // Unknown ids are 404 pages.
    for path in [
        "/users/user_nope",
        "/organizations/org_nope",
        "/mailbox/ema_nope",
        "/webhooks/msg_nope",
    ] {
        assert_eq!(get(e, path).await.0, 404, "{path}");
    }
}

#[tokio::test]
async fn the_token_form_mints_verifiable_tokens_only_for_the_dashboard() {
    let w = world().await;
    let e = &w.emulator;
    let http = reqwest::Client::new();
    let url = format!("{}/users/{}/token", e.url(), w.ada);
    let mint = |mode: &'static str, origin: Option<String>| {
        let mut request = http
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("mode={mode}"));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let token_in = |page: &str| {
        let start = page.find("<textarea id=\"session-token\"").unwrap();
        let value = &page[start..];
        let value = &value[value.find('>').unwrap() + 1..];
        value[..value.find("</textarea>").unwrap()].to_owned()
    };
    let verifier = TokenVerifier::new(&w.clerk);

    let page = mint("sign_in", Some(e.url().to_owned())).await.unwrap();
    assert_eq!(page.status(), 200);
    let token = token_in(&page.text().await.unwrap());
    let claims = verifier.verify_session_token(&token).await.unwrap();
    assert_eq!(claims.sub, w.ada);
    assert!(claims.act.is_none());
    // It lasts an hour.
    let payload: Value = serde_json::from_slice(
        &data_encoding::BASE64URL_NOPAD
            .decode(token.split('.').nth(1).unwrap().as_bytes())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(),
        3600
    );

    let page = mint("impersonate", None).await.unwrap();
    let token = token_in(&page.text().await.unwrap());
    let claims = verifier.verify_session_token(&token).await.unwrap();
    assert_eq!(claims.act.as_ref().unwrap().sub, "emulator_dashboard");

    // Another site's form cannot start a session.
    let sessions_before = w
        .clerk
        .sessions()
        .list()
        .user_id(&w.ada)
        .await
        .unwrap()
        .len();
    let refused = mint("sign_in", Some("http://evil.example".into()))
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let sessions_after = w
        .clerk
        .sessions()
        .list()
        .user_id(&w.ada)
        .await
        .unwrap()
        .len();
    assert_eq!(sessions_before, sessions_after);

    // A banned user gets no token.
    w.clerk.users().ban(&w.grace).await.unwrap();
    let banned = http
        .post(format!("{}/users/{}/token", e.url(), w.grace))
        .body("mode=sign_in")
        .send()
        .await
        .unwrap();
    assert_eq!(banned.status(), 403);
}

// ---- the browser ---------------------------------------------------------------------------

/// A chromedriver on a free port, stopped on drop.
struct Driver {
    child: std::process::Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn on_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Starts chromedriver, or explains why not (and fails when the browser is required).
async fn driver() -> Option<(Driver, Option<std::path::PathBuf>)> {
    let required = std::env::var("CLERK_BROWSER_REQUIRED").is_ok_and(|v| v == "1");
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(on_path);
    let Some(chromedriver) = on_path("chromedriver").filter(|_| chromium.is_some()) else {
        let why = "chromedriver and Chromium are not installed (apt-get install chromium chromium-driver)";
        assert!(!required, "CLERK_BROWSER_REQUIRED=1 but {why}");
        eprintln!("skipping the browser test: {why}");
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some((driver, chromium));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start listening");
}

/// Clicks what `locator` finds, which leads to another page, and waits until the browser is
/// there (a click does not wait for the navigation it starts).
async fn click(browser: &fantoccini::Client, locator: Locator<'_>) {
    let from = browser.current_url().await.unwrap();
    browser.find(locator).await.unwrap().click().await.unwrap();
    for _ in 0..200 {
        if browser.current_url().await.unwrap() != from {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the click did not lead away from {from}");
}

/// The text of the element `css` finds on the current page, once the page has it: a page
/// still loading may not have it yet, or have it replaced under the finder.
async fn text(browser: &fantoccini::Client, css: &str) -> String {
    let mut last = None;
    for _ in 0..100 {
        match browser.find(Locator::Css(css)).await {
            Ok(element) => match element.text().await {
                Ok(text) => return text,
                Err(e) => last = Some(e),
            },
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {css} on the page: {last:?}");
}

/// Saves what the browser shows as `<name>.png` under `dir`.
async fn shot(browser: &fantoccini::Client, dir: &std::path::Path, name: &str) {
    let png = browser.screenshot().await.unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Where screenshots go: `target/tmp/dashboard/` (kept after the run).
fn artefacts() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_person_uses_the_dashboard_in_headless_chromium() {
    let Some((driver, chromium)) = driver().await else {
        return;
    };
    let w = world().await;
    let base = w.emulator.url().to_owned();
    let mut options = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]
    });
    if let Some(binary) = chromium {
        options["binary"] = json!(binary.to_string_lossy());
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let browser = ClientBuilder::rustls()
        .unwrap()
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session");
    let shots = artefacts();
    let text = |css: &'static str| text(&browser, css);

    // The overview.
    browser.goto(&base).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Overview · Clerk emulator");
    let cards = text(".cards").await;
    assert!(cards.contains("122\nUsers"), "{cards}");
    shot(&browser, &shots, "overview").await;

    // To the users, the next page, then a search typed into the box.
    click(&browser, Locator::LinkText("Users")).await;
    assert_eq!(text(".pager .range").await, "Showing 1–50 of 122");
    let shown = browser
        .find_all(Locator::Css("#users tbody tr"))
        .await
        .unwrap();
    assert_eq!(shown.len(), 50);
    click(&browser, Locator::Css("a[rel=next]")).await;
    assert_eq!(text(".pager .range").await, "Showing 51–100 of 122");
    let search = browser.find(Locator::Css("input[name=q]")).await.unwrap();
    search.send_keys("lovelace").await.unwrap();
    click(&browser, Locator::Css("form.search button")).await;
    assert_eq!(text(".pager .range").await, "Showing 1–1 of 1");
    shot(&browser, &shots, "users-search").await;

    // The user, then her organization, then back through its member list.
    click(&browser, Locator::LinkText("Ada Lovelace")).await;
    assert_eq!(text("h1").await, "Ada Lovelace");
    click(&browser, Locator::LinkText("Acme Corp")).await;
    assert_eq!(text("h1").await, "Acme Corp");
    let members = text("#members").await;
    assert!(
        members.contains("Ada Lovelace") && members.contains("org:admin"),
        "{members}"
    );
    assert!(text("#invitations").await.contains("dee@example.com"));
    click(&browser, Locator::LinkText("Ada Lovelace")).await;
    shot(&browser, &shots, "user").await;

    // Impersonate: the page shows a token that verifies as Ada, impersonated.
    click(&browser, Locator::Id("impersonate")).await;
    assert_eq!(text("h1").await, "Impersonating Ada Lovelace");
    let token = browser
        .find(Locator::Id("session-token"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    let claims = TokenVerifier::new(&w.clerk)
        .verify_session_token(&token)
        .await
        .unwrap();
    assert_eq!(claims.sub, w.ada);
    assert_eq!(claims.act.as_ref().unwrap().sub, "emulator_dashboard");
    shot(&browser, &shots, "token").await;

    // The session it started is listed as impersonated.
    browser
        .goto(&format!("{base}/sessions?q={}", w.ada))
        .await
        .unwrap();
    assert!(text("#sessions").await.contains("impersonated"));
    assert!(!text("#sessions").await.contains(&w.grace));

    // The mailbox: the invitation email, opened.
    click(&browser, Locator::LinkText("Mailbox")).await;
    assert!(text("#messages").await.contains("dee@example.com"));
    click(
        &browser,
        Locator::Css("#messages tbody tr td a[href^='/mailbox/']"),
    )
    .await;
    assert!(text("dl").await.contains("dee@example.com"));
    shot(&browser, &shots, "message").await;

    // Webhooks with their status.
    wait_for_deliveries(&w.emulator).await;
    click(&browser, Locator::LinkText("Webhooks")).await;
    let table = text("#deliveries").await;
    assert!(
        table.contains("user.created") && table.contains("delivered"),
        "{table}"
    );
    assert!(
        table.contains("organization.created") && table.contains("failed"),
        "{table}"
    );
    shot(&browser, &shots, "webhooks").await;
    eprintln!("screenshots in {}", shots.display());

    browser.close().await.unwrap();
    drop(driver);
}
