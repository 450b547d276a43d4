//! The command line as scripts see it: exit codes, `--json` shapes, errors for bad flags and
//! files, and the secret key never printed.

mod common;

use clerk_emulator::Emulator;
use common::*;
use serde_json::{Value, json};

const KEY: &str = "sk_test_cli_secret_never_printed_0123456789";

async fn emulator() -> Emulator {
    Emulator::builder()
        .secret_key(KEY)
        .record_traffic()
        .start()
        .await
        .unwrap()
}

fn assert_no_key(out: &std::process::Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(KEY), "the key was printed: {text}");
        assert!(
            !text.contains("cli_secret_never"),
            "part of the key was printed: {text}"
        );
    }
}

async fn run(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    let mut cmd = clerkctl(emulator);
    cmd.args(args);
    let out = output(cmd).await;
    assert_no_key(&out);
    out
}

async fn create_user(emulator: &Emulator, email: &str) -> String {
    let u: Value = emulator
        .client()
        .request(clerk_backend::Method::POST, "/v1/users")
        .json(&json!({"email_address": [email], "first_name": "Cli", "skip_password_requirement": true}))
        .send()
        .await
        .unwrap();
    u["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn usage_errors_exit_2() {
    let emulator = emulator().await;
    let out = run(&emulator, &["users", "import"]).await;
    assert_eq!(out.status.code(), Some(2), "missing FILE");
    let out = run(&emulator, &["users", "import", "x.json", "--no-such-flag"]).await;
    assert_eq!(out.status.code(), Some(2));
    let out = run(&emulator, &["users", "import", "/nonexistent/users.json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/users.json"));
    let out = run(&emulator, &["users", "import", "--rate", "fast", "x.json"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("100/10s"));
    let out = run(
        &emulator,
        &["api", "GET", "/v1/users", "--data", "{not json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    // Without a key.
    let mut cmd = clerkctl_bare();
    cmd.env("CLERK_API_URL", emulator.url())
        .args(["users", "list"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CLERK_SECRET_KEY"));
    assert!(
        emulator.traffic().is_empty(),
        "nothing should have been sent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wrong_key_or_unreachable_api_fails_without_printing_the_key() {
    let emulator = emulator().await;
    let mut cmd = clerkctl_bare();
    cmd.env("CLERK_API_URL", emulator.url())
        .env("CLERK_SECRET_KEY", format!("{KEY}x"))
        .args(["users", "list"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert_no_key(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("401"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut cmd = clerkctl_bare();
    cmd.env("CLERK_API_URL", "http://127.0.0.1:9")
        .env("CLERK_SECRET_KEY", KEY)
        .args(["users", "count"]);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert_no_key(&out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dry_run_checks_without_sending_or_needing_a_key() {
    let emulator = emulator().await;
    let dir = TempDir::new("dry");
    let input = dir.join("u.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"a\",\"email\":\"a@example.com\"}\n{\"id\":\"b\",\"email\":\"b@\"}\n",
    )
    .unwrap();
    let mut cmd = clerkctl_bare();
    cmd.env("CLERK_API_URL", emulator.url())
        .args(["users", "import", "--dry-run", "--json", "--quiet"])
        .arg(&input);
    let out = output(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    let s = stdout_json(&out);
    assert_eq!(s["dry_run"], json!(true));
    assert_eq!(s["valid"], json!(1));
    assert_eq!(s["invalid"], json!(1));
    assert_eq!(s["requests"], json!(0));
    assert_eq!(s["journal"], Value::Null);
    assert!(!dir.join("u.jsonl.clerkctl-journal").exists());
    assert!(emulator.traffic().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn import_json_summary_and_the_journal_guard() {
    let emulator = emulator().await;
    let dir = TempDir::new("summary");
    let input = dir.join("u.jsonl");
    std::fs::write(&input, "{\"id\":\"s1\",\"email\":\"s1@example.com\"}\n").unwrap();
    let args = [
        "users",
        "import",
        "--json",
        "--quiet",
        input.to_str().unwrap(),
    ];
    let out = run(&emulator, &args).await;
    assert_eq!(out.status.code(), Some(0));
    let s = stdout_json(&out);
    for key in [
        "records",
        "created",
        "recovered",
        "already_done",
        "failed",
        "invalid",
        "valid",
        "requests",
        "rate_limited",
        "elapsed_seconds",
        "dry_run",
        "rate",
        "journal",
        "report",
    ] {
        assert!(s.get(key).is_some(), "summary lacks {key}: {s}");
    }
    assert_eq!(s["created"], json!(1));
    // The emulator's key is sk_test_: the default pace is the development instance's.
    assert_eq!(s["rate"], json!("100/10s"));
    // A second run without --resume refuses to guess.
    let out = run(&emulator, &args).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--resume"));
    // With --resume, everything is already done and nothing is sent.
    let before = emulator.traffic().len();
    let out = run(
        &emulator,
        &[
            "users",
            "import",
            "--json",
            "--quiet",
            "--resume",
            input.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let s = stdout_json(&out);
    assert_eq!(s["already_done"], json!(1));
    assert_eq!(s["requests"], json!(0));
    assert_eq!(emulator.traffic().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn everyday_user_commands() {
    let emulator = emulator().await;
    let id = create_user(&emulator, "cli@example.com").await;
    create_user(&emulator, "other@example.com").await;

    let out = run(
        &emulator,
        &["users", "list", "--json", "--email", "cli@example.com"],
    )
    .await;
    assert!(out.status.success());
    let list = stdout_json(&out);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], json!(id));

    let out = run(&emulator, &["users", "list"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&id) && text.contains("cli@example.com"),
        "{text}"
    );

    let out = run(&emulator, &["users", "count", "--json"]).await;
    assert_eq!(stdout_json(&out), json!({"total_count": 2}));
    let out = run(&emulator, &["users", "count", "--query", "other"]).await;
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "1");

    let out = run(&emulator, &["users", "get", &id, "--json"]).await;
    assert_eq!(
        stdout_json(&out)["email_addresses"][0]["email_address"],
        json!("cli@example.com")
    );

    let out = run(&emulator, &["users", "ban", &id, "--json"]).await;
    assert_eq!(stdout_json(&out)["banned"], json!(true));
    let out = run(&emulator, &["users", "count", "--banned", "true", "--json"]).await;
    assert_eq!(stdout_json(&out)["total_count"], json!(1));
    let out = run(&emulator, &["users", "unban", &id, "--json"]).await;
    assert_eq!(stdout_json(&out)["banned"], json!(false));
    let out = run(&emulator, &["users", "lock", &id, "--json"]).await;
    assert_eq!(stdout_json(&out)["locked"], json!(true));
    let out = run(&emulator, &["users", "unlock", &id, "--json"]).await;
    assert_eq!(stdout_json(&out)["locked"], json!(false));
    let out = run(&emulator, &["users", "delete", &id, "--json"]).await;
    assert_eq!(stdout_json(&out)["deleted"], json!(true));
    let out = run(&emulator, &["users", "get", &id]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("404"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orgs_and_raw_api() {
    let emulator = emulator().await;
    let out = run(
        &emulator,
        &[
            "api",
            "POST",
            "/v1/organizations",
            "--data",
            r#"{"name":"Initech"}"#,
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let org = stdout_json(&out);
    let org_id = org["id"].as_str().unwrap();
    assert_eq!(org["name"], json!("Initech"));

    let out = run(&emulator, &["orgs", "list", "--json"]).await;
    let page = stdout_json(&out);
    assert_eq!(page["data"][0]["id"], json!(org_id));
    assert_eq!(page["total_count"], json!(1));
    let out = run(&emulator, &["orgs", "get", org_id, "--json"]).await;
    assert_eq!(stdout_json(&out)["name"], json!("Initech"));

    // An API error: Clerk's body on stdout, exit 1.
    let out = run(&emulator, &["api", "GET", "/v1/users/user_missing"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout_json(&out)["errors"][0]["code"],
        json!("resource_not_found")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn export_streams_every_user_as_jsonl_and_csv() {
    let emulator = emulator().await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(create_user(&emulator, &format!("e{i}@example.com")).await);
    }
    let dir = TempDir::new("export");
    let jsonl = dir.join("users.jsonl");
    let out = run(
        &emulator,
        &["users", "export", "-o", jsonl.to_str().unwrap()],
    )
    .await;
    assert!(out.status.success());
    let mut got: Vec<String> = read_jsonl(&jsonl)
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    ids.sort();
    assert_eq!(got, ids);

    let out = run(&emulator, &["users", "export", "--format", "csv"]).await;
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,external_id,email_addresses,phone_numbers,username,first_name,last_name,created_at,banned,public_metadata,private_metadata,unsafe_metadata"
    );
    assert_eq!(lines.count(), 7);
    assert!(text.contains("e3@example.com"));

    // The CSV imports into another instance with the generic mapping, sign-up times kept.
    let csv = dir.join("users.csv");
    std::fs::write(&csv, &text).unwrap();
    let target = Emulator::start().await.unwrap();
    let mut cmd = clerkctl(&target);
    cmd.args(["users", "import", "--json", "--quiet"]).arg(&csv);
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["created"], json!(7));
    let before = users_by_external_id(&emulator).await;
    let after = users_by_external_id(&target).await;
    for u in before.values().flatten() {
        let id = u["id"].as_str().unwrap();
        let copy = &after[id][0];
        assert_eq!(emails(copy), emails(u));
        assert_eq!(copy["created_at"], u["created_at"]);
        assert_eq!(copy["first_name"], u["first_name"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn token_verify_prints_claims_or_the_reason() {
    let emulator = emulator().await;
    let user = create_user(&emulator, "tok@example.com").await;
    let clerk = emulator.client();
    let session: Value = clerk
        .request(clerk_backend::Method::POST, "/v1/sessions")
        .json(&json!({"user_id": user}))
        .send()
        .await
        .unwrap();
    let token: Value = clerk
        .request(
            clerk_backend::Method::POST,
            format!("/v1/sessions/{}/tokens", session["id"].as_str().unwrap()),
        )
        .send()
        .await
        .unwrap();
    let jwt = token["jwt"].as_str().unwrap();
    let out = run(&emulator, &["token", "verify", jwt]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["sub"], json!(user));

    // The same token with its signature's last characters changed.
    let mut bad = jwt[..jwt.len() - 4].to_owned();
    bad.push_str(if jwt.ends_with("AAAA") {
        "BBBB"
    } else {
        "AAAA"
    });
    let out = run(&emulator, &["token", "verify", &bad, "--json"]).await;
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    assert_eq!(v["verified"], json!(false));
    assert!(v["reason"].as_str().unwrap().starts_with("token-"), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_verify_checks_the_signature() {
    use clerk_backend::webhooks::Webhook;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let webhook = Webhook::new(secret).unwrap();
    let body = br#"{"type":"user.created","object":"event","instance_id":"ins_1","timestamp":1716883200000,"data":{"object":"user","id":"user_1"}}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let signature = webhook.sign("msg_1", now, body);
    let dir = TempDir::new("webhook");
    let headers = dir.join("headers.txt");
    std::fs::write(
        &headers,
        format!("svix-id: msg_1\nsvix-timestamp: {now}\nsvix-signature: {signature}\n"),
    )
    .unwrap();
    let good = dir.join("body.json");
    std::fs::write(&good, body).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        String::from_utf8_lossy(body).replace("user_1", "user_2"),
    )
    .unwrap();

    let verify = |file: &std::path::Path| {
        let mut c = clerkctl_bare();
        c.args([
            "webhooks",
            "verify",
            "--json",
            "--secret",
            secret,
            "--headers",
        ])
        .arg(&headers)
        .arg("--body")
        .arg(file);
        c
    };
    let out = output(verify(&good)).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout_json(&out),
        json!({"verified": true, "type": "user.created"})
    );
    let out = output(verify(&bad)).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["verified"], json!(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_emulator_command_serves_the_api() {
    use std::io::BufRead;
    let mut cmd = clerkctl_bare();
    cmd.args(["emulator", "--port", "0", "--secret-key", KEY])
        .stdout(std::process::Stdio::piped());
    let mut child = KillOnDrop(cmd.spawn().unwrap());
    let stdout = child.0.stdout.take().unwrap();
    let url = tokio::task::spawn_blocking(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        lines
            .find_map(|l| l.ok()?.strip_prefix("CLERK_API_URL=").map(str::to_owned))
            .expect("the emulator prints its URL")
    })
    .await
    .unwrap();
    let mut c = clerkctl_bare();
    c.env("CLERK_API_URL", &url)
        .env("CLERK_SECRET_KEY", KEY)
        .args(["users", "count", "--json"]);
    let out = output(c).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out), json!({"total_count": 0}));
}
