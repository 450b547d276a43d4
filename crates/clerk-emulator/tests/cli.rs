//! The `clerk-emulator` binary: prints its URL and keys, serves, saves its state and stops
//! cleanly on Ctrl-C (SIGINT); bad flags are refused.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_clerk-emulator");

fn interrupt(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn starts_prints_its_keys_serves_and_stops_on_ctrl_c() {
    let dir = std::env::temp_dir().join(format!("clerk-emulator-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let mut child = Command::new(BIN)
        .args([
            "--port",
            "0",
            "--secret-key",
            "sk_test_cli",
            "--rate-limit",
            "100/10s",
            "--state",
        ])
        .arg(&state)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.starts_with("Press Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let value = |key: &str| {
        printed
            .iter()
            .find_map(|l| l.strip_prefix(key))
            .map(str::to_owned)
            .unwrap()
    };
    let url = value("CLERK_API_URL=");
    assert_eq!(value("CLERK_SECRET_KEY="), "sk_test_cli");
    assert!(value("CLERK_PUBLISHABLE_KEY=").starts_with("pk_test_"));
    // The dashboard is where it says, and needs no key.
    let dashboard = reqwest::get(value("Dashboard: ")).await.unwrap();
    assert_eq!(dashboard.status(), 200);
    assert!(dashboard.text().await.unwrap().contains("<title>Overview"));

    let response = reqwest::Client::new()
        .post(format!("{url}/v1/users"))
        .bearer_auth("sk_test_cli")
        .header("content-type", "application/json")
        .body(r#"{"email_address": ["cli@example.com"]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let user: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let user_id = user["id"].as_str().unwrap();

    interrupt(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(user_id), "the state is saved at exit");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_flags_are_refused_with_help() {
    for args in [
        &["--port", "eighty"][..],
        &["--bogus"],
        &["--rate-limit", "fast"],
        &["--webhook-url", "http://x"],
    ] {
        let out = Command::new(BIN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("error:") && err.contains("USAGE"), "{err}");
    }
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--state <FILE>"));
}
