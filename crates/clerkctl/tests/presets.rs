//! Each preset's fixture imported into the emulator over loopback: what Clerk ends up holding,
//! and for Firebase (whose scrypt digests the emulator cannot check) the exact request sent.

mod common;

use std::path::PathBuf;

use clerk_emulator::Emulator;
use common::*;
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Copies a fixture into a temp dir (the journal and report go beside it) and imports it.
async fn import(
    emulator: &Emulator,
    dir: &TempDir,
    name: &str,
    args: &[&str],
) -> (std::process::Output, Value) {
    let input = dir.join(name);
    std::fs::copy(fixture(name), &input).unwrap();
    let mut cmd = clerkctl(emulator);
    cmd.args(["users", "import", "--json", "--quiet"])
        .args(args)
        .arg(&input);
    let out = output(cmd).await;
    let summary = stdout_json(&out);
    (out, summary)
}

fn one<'a>(users: &'a std::collections::HashMap<String, Vec<Value>>, ext: &str) -> &'a Value {
    let found = users.get(ext).unwrap_or_else(|| panic!("{ext} missing"));
    assert_eq!(found.len(), 1, "{ext}");
    &found[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clerk_dashboard_export() {
    let emulator = Emulator::start().await.unwrap();
    let dir = TempDir::new("clerk");
    let (out, summary) = import(&emulator, &dir, "clerk_export.csv", &["--preset", "clerk"]).await;
    assert!(out.status.success(), "{summary}");
    assert_eq!(summary["created"], json!(2));
    let users = users_by_external_id(&emulator).await;
    let ada = one(&users, "user_2ada");
    assert_eq!(emails(ada), ["ada@example.com", "ada.l@example.org"]);
    assert_eq!(phones(ada), ["+15555550100"]);
    assert_eq!(ada["username"], json!("ada_l"));
    assert_eq!(ada["password_enabled"], json!(true));
    // The bcrypt digest was imported as is: the original password works.
    let ok = emulator
        .client()
        .users()
        .verify_password(ada["id"].as_str().unwrap(), "correct horse battery")
        .await
        .unwrap();
    assert!(ok);
    let alan = one(&users, "user_2alan");
    assert_eq!(emails(alan), ["alan@example.com", "alan.old@example.net"]);
    assert_eq!(alan["password_enabled"], json!(false));
    // The unverified address was created reserved, not verified.
    let old = alan["email_addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["email_address"] == "alan.old@example.net")
        .unwrap();
    assert_ne!(old["verification"]["status"], json!("verified"), "{old}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn auth0_export_with_bcrypt_hashes() {
    let emulator = Emulator::start().await.unwrap();
    let dir = TempDir::new("auth0");
    let (out, summary) = import(&emulator, &dir, "auth0.json", &["--preset", "auth0"]).await;
    assert!(out.status.success(), "{summary}");
    let users = users_by_external_id(&emulator).await;
    let grace = one(&users, "auth0|64a1");
    assert_eq!(grace["first_name"], json!("Grace"));
    assert_eq!(grace["last_name"], json!("Hopper"));
    assert_eq!(grace["public_metadata"], json!({"team": "navy"}));
    assert_eq!(grace["private_metadata"], json!({"roles": ["admin"]}));
    assert!(
        emulator
            .client()
            .users()
            .verify_password(grace["id"].as_str().unwrap(), "hunter2hunter2")
            .await
            .unwrap()
    );
    let linus = one(&users, "64a2");
    assert_eq!(emails(linus), ["linus@example.com"]);
    assert_eq!(linus["password_enabled"], json!(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn supabase_auth_users_csv() {
    let emulator = Emulator::start().await.unwrap();
    let dir = TempDir::new("supabase");
    let (out, summary) = import(&emulator, &dir, "supabase.csv", &["--preset", "supabase"]).await;
    assert!(
        out.status.success(),
        "{summary} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let users = users_by_external_id(&emulator).await;
    let mary = one(&users, "5f0c1d2e-0000-4000-8000-000000000001");
    assert_eq!(emails(mary), ["mary@example.com"]);
    assert_eq!(phones(mary), ["+15555550122"]);
    assert_eq!(mary["unsafe_metadata"], json!({"nickname": "mj"}));
    assert_eq!(mary["private_metadata"], json!({"provider": "email"}));
    // 2024-01-02T03:04:05.123Z in Unix ms.
    assert_eq!(mary["created_at"], json!(1_704_164_645_123i64));
    assert!(
        emulator
            .client()
            .users()
            .verify_password(mary["id"].as_str().unwrap(), "correct horse battery")
            .await
            .unwrap()
    );
    let phone_only = one(&users, "5f0c1d2e-0000-4000-8000-000000000002");
    assert_eq!(phones(phone_only), ["+15555550123"]);
    assert!(emails(phone_only).is_empty());
}

const FIREBASE_FLAGS: &[&str] = &[
    "--preset",
    "firebase",
    "--firebase-signer-key",
    "c2lnbmVyLWtleQ==",
    "--firebase-salt-separator",
    "Bw==",
    "--firebase-rounds",
    "8",
    "--firebase-mem-cost",
    "14",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn firebase_export_sends_scrypt_firebase_digests() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "user", "id": "user_stub"})),
        )
        .mount(&server)
        .await;
    let dir = TempDir::new("firebase-stub");
    let input = dir.join("firebase.json");
    std::fs::copy(fixture("firebase.json"), &input).unwrap();
    let mut cmd = clerkctl_bare();
    cmd.env("CLERK_API_URL", server.uri())
        .env("CLERK_SECRET_KEY", "sk_test_stub")
        .args(["users", "import", "--json", "--quiet"])
        .args(FIREBASE_FLAGS)
        .arg(&input);
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 2);
    let kat = bodies.iter().find(|b| b["external_id"] == "fb1").unwrap();
    assert_eq!(kat["password_hasher"], json!("scrypt_firebase"));
    assert_eq!(
        kat["password_digest"],
        json!("c2NyeXB0LWhhc2gtb2YtZmIx$c2FsdC1mYjE=$c2lnbmVyLWtleQ==$Bw==$8$14")
    );
    assert_eq!(kat["first_name"], json!("Katherine"));
    assert_eq!(kat["last_name"], json!("Johnson"));
    assert_eq!(kat["created_at"], json!("2020-09-13T12:26:40.000Z"));
    assert_eq!(kat["email_address"], json!(["kat@example.com"]));
    assert!(kat.get("skip_password_requirement").is_none());
    let dorothy = bodies.iter().find(|b| b["external_id"] == "fb2").unwrap();
    assert_eq!(dorothy["skip_password_requirement"], json!(true));
    assert_eq!(
        dorothy["email_address_identification_status"],
        json!(["reserved"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn firebase_export_into_the_emulator_reports_what_it_refuses() {
    // The emulator checks bcrypt digests only and refuses other hashers with Clerk's 422:
    // the user with a scrypt hash lands in the report with that code, the other is created.
    let emulator = Emulator::start().await.unwrap();
    let dir = TempDir::new("firebase");
    let (out, summary) = import(&emulator, &dir, "firebase.json", FIREBASE_FLAGS).await;
    assert_eq!(out.status.code(), Some(1), "{summary}");
    assert_eq!(summary["created"], json!(1));
    assert_eq!(summary["failed"], json!(1));
    let report = read_jsonl(&dir.join("firebase.json.clerkctl-failures.jsonl"));
    assert_eq!(report.len(), 1);
    assert_eq!(report[0]["external_id"], json!("fb1"));
    assert_eq!(report[0]["status"], json!(422));
    assert_eq!(report[0]["code"], json!("form_param_value_invalid"));
    let users = users_by_external_id(&emulator).await;
    assert_eq!(emails(one(&users, "fb2")), ["dorothy@example.com"]);
    assert!(!users.contains_key("fb1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn firebase_hashes_without_the_hash_parameters_are_bad_records() {
    let emulator = Emulator::start().await.unwrap();
    let dir = TempDir::new("firebase-noflags");
    let (out, summary) = import(&emulator, &dir, "firebase.json", &["--preset", "firebase"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary["invalid"], json!(1));
    assert_eq!(summary["created"], json!(1));
    let report = read_jsonl(&dir.join("firebase.json.clerkctl-failures.jsonl"));
    assert_eq!(report[0]["line"], json!(2));
    assert!(
        report[0]["message"]
            .as_str()
            .unwrap()
            .contains("--firebase-signer-key")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn generic_csv_reports_bad_rows_by_line_and_imports_the_rest() {
    let emulator = Emulator::start().await.unwrap();
    let dir = TempDir::new("generic-csv");
    let (out, summary) = import(&emulator, &dir, "generic.csv", &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(summary["created"], json!(1));
    assert_eq!(summary["invalid"], json!(2));
    let report = read_jsonl(&dir.join("generic.csv.clerkctl-failures.jsonl"));
    let lines: Vec<_> = report.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 4]);
    assert!(
        report[0]["message"]
            .as_str()
            .unwrap()
            .contains("not-an-email")
    );
    assert!(
        report[1]["message"]
            .as_str()
            .unwrap()
            .contains("public_metadata")
    );
    let users = users_by_external_id(&emulator).await;
    let g1 = one(&users, "g1");
    assert_eq!(emails(g1), ["g1@example.com", "g1b@example.com"]);
    assert_eq!(g1["public_metadata"], json!({"plan": "pro"}));
    assert_eq!(g1["private_metadata"], json!({"crm": 7}));
    assert_eq!(g1["username"], json!("gee1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn generic_json_with_organization_memberships_as_follow_ups() {
    let emulator = Emulator::start().await.unwrap();
    let org: Value = emulator
        .client()
        .request(clerk_backend::Method::POST, "/v1/organizations")
        .json(&json!({"name": "Acme", "max_allowed_memberships": 0}))
        .send()
        .await
        .unwrap();
    let org_id = org["id"].as_str().unwrap();
    let dir = TempDir::new("generic-json");
    let input = dir.join("users.json");
    std::fs::write(
        &input,
        serde_json::to_vec_pretty(&json!([
            {"id": "m1", "email": "m1@example.com",
             "organization_memberships": [{"organization_id": org_id, "role": "org:admin"}]},
            {"id": "m2", "email": "m2@example.com",
             "organization_memberships": [{"organization_id": org_id, "role": "org:member"}]}
        ]))
        .unwrap(),
    )
    .unwrap();
    let mut cmd = clerkctl(&emulator);
    cmd.args(["users", "import", "--json", "--quiet"])
        .arg(&input);
    let out = output(cmd).await;
    let summary = stdout_json(&out);
    assert!(
        out.status.success(),
        "{summary} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let members: Value = emulator
        .client()
        .request(
            clerk_backend::Method::GET,
            format!("/v1/organizations/{org_id}/memberships"),
        )
        .send()
        .await
        .unwrap();
    let mut roles: Vec<(String, String)> = members["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["public_user_data"]["identifier"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                m["role"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    roles.sort();
    assert_eq!(
        roles,
        [
            ("m1@example.com".to_owned(), "org:admin".to_owned()),
            ("m2@example.com".to_owned(), "org:member".to_owned())
        ]
    );
    let journal = read_jsonl(&dir.join("users.json.clerkctl-journal"));
    let states: Vec<_> = journal
        .iter()
        .filter(|e| e["ext"] == "m1")
        .map(|e| e["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states, ["pending", "created", "done"]);
}
