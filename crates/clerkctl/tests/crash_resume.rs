//! An import killed with SIGKILL at random moments and resumed until it finishes leaves every
//! input user in Clerk exactly once, with all its emails, phones and metadata; also with the
//! emulator answering 500/503 and dropping connections at random.

mod common;

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use clerk_emulator::{Emulator, Faults};
use common::*;
use serde_json::{Value, json};

const USERS: usize = 2000;

fn source_user(i: usize) -> Value {
    let mut user = json!({
        "id": format!("src-{i:05}"),
        "email_addresses": [format!("user{i}@example.com"), format!("alt{i}@example.org")],
        "phone_numbers": [format!("+1555{i:07}")],
        "first_name": format!("First{i}"),
        "last_name": "Crash",
        "public_metadata": {"n": i, "tier": if i.is_multiple_of(2) { "even" } else { "odd" }},
        "private_metadata": {"legacy_id": i * 7},
    });
    if i.is_multiple_of(10) {
        user["unverified_email_addresses"] = json!([format!("pending{i}@example.net")]);
    }
    user
}

fn write_input(path: &Path) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..USERS {
        writeln!(f, "{}", source_user(i)).unwrap();
    }
    f.flush().unwrap();
}

async fn crash_and_resume(emulator: &Emulator, seed: u64, kills: usize) {
    let dir = TempDir::new(&format!("crash-{seed}"));
    let input = dir.join("users.jsonl");
    write_input(&input);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut killed = 0;
    for _ in 0..kills {
        let mut cmd = clerkctl(emulator);
        cmd.args([
            "users",
            "import",
            "--resume",
            "--quiet",
            "--rate",
            "100000/1s",
        ])
        .arg(&input)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
        let mut child = KillOnDrop(cmd.spawn().expect("spawn clerkctl"));
        let after = Duration::from_millis(rng.u64(50..1500));
        tokio::time::sleep(after).await;
        if child.0.try_wait().expect("try_wait").is_none() {
            // KillOnDrop sends SIGKILL.
            drop(child);
            killed += 1;
        }
    }
    assert!(
        killed > 0,
        "the import was never killed mid-way: use more users"
    );
    // Resume until it finishes (faults may leave users for the next run).
    let mut finished = false;
    for _ in 0..5 {
        let mut cmd = clerkctl(emulator);
        cmd.args([
            "users",
            "import",
            "--resume",
            "--quiet",
            "--json",
            "--rate",
            "100000/1s",
        ])
        .arg(&input);
        let out = output(cmd).await;
        let summary = stdout_json(&out);
        if out.status.success() {
            assert_eq!(summary["failed"], json!(0));
            assert_eq!(summary["invalid"], json!(0));
            finished = true;
            break;
        }
    }
    assert!(finished, "the import did not finish after 5 resumes");

    let users = users_by_external_id(emulator).await;
    assert_eq!(users.len(), USERS, "one external id per input user");
    for i in 0..USERS {
        let expected = source_user(i);
        let ext = expected["id"].as_str().unwrap();
        let found = users.get(ext).unwrap_or_else(|| panic!("{ext} is missing"));
        assert_eq!(found.len(), 1, "{ext} is present {} times", found.len());
        let u = &found[0];
        let mut want_emails: Vec<String> = expected["email_addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_owned())
            .collect();
        if let Some(extra) = expected["unverified_email_addresses"].as_array() {
            want_emails.extend(extra.iter().map(|e| e.as_str().unwrap().to_owned()));
        }
        let mut got_emails = emails(u);
        got_emails.sort();
        want_emails.sort();
        assert_eq!(got_emails, want_emails, "{ext} emails");
        assert_eq!(
            phones(u),
            vec![expected["phone_numbers"][0].as_str().unwrap()],
            "{ext} phones"
        );
        assert_eq!(u["public_metadata"], expected["public_metadata"], "{ext}");
        assert_eq!(u["private_metadata"], expected["private_metadata"], "{ext}");
        assert_eq!(u["first_name"], expected["first_name"], "{ext}");
    }
    // No create was answered twice for the same user: the emulator saw exactly one
    // successful POST /v1/users per input user.
    let created = emulator
        .traffic()
        .iter()
        .filter(|x| x.method == "POST" && x.path == "/v1/users" && x.status == 200)
        .count();
    assert_eq!(created, USERS, "successful creates");
    let journal = read_jsonl(&dir.join("users.jsonl.clerkctl-journal"));
    assert!(journal.iter().any(|e| e["state"] == "done"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_imports_resume_to_each_user_exactly_once() {
    let emulator = Emulator::builder().record_traffic().start().await.unwrap();
    crash_and_resume(&emulator, 0x5eed_0001, 6).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_imports_resume_to_each_user_exactly_once_despite_faults() {
    let emulator = Emulator::builder()
        .record_traffic()
        .faults(Faults {
            error_rate: 0.05,
            drop_rate: 0.03,
            seed: 42,
        })
        .start()
        .await
        .unwrap();
    crash_and_resume(&emulator, 0x5eed_0002, 6).await;
}
