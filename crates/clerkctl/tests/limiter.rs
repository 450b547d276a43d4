//! The limiter against the emulator's own rate limit set to exactly the same rate: not one
//! request over it. And past it, the 429s are waited out and nothing is lost.

mod common;

use std::io::Write;
use std::time::Duration;

use clerk_emulator::{Emulator, RateLimit};
use common::*;
use serde_json::json;

fn write_users(path: &std::path::Path, n: usize) {
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..n {
        writeln!(
            f,
            "{}",
            json!({"id": format!("r{i}"), "email": format!("r{i}@example.com")})
        )
        .unwrap();
    }
}

async fn run(rate: &str, limit: RateLimit, users: usize) -> (serde_json::Value, Emulator) {
    let emulator = Emulator::builder()
        .rate_limit(limit)
        .record_traffic()
        .start()
        .await
        .unwrap();
    let dir = TempDir::new("limiter");
    let input = dir.join("users.jsonl");
    write_users(&input, users);
    let mut cmd = clerkctl(&emulator);
    cmd.args([
        "users",
        "import",
        "--json",
        "--quiet",
        "--concurrency",
        "32",
        "--rate",
        rate,
    ])
    .arg(&input);
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (stdout_json(&out), emulator)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn never_exceeds_the_configured_rate() {
    // 200 creates at 40 per second: at least five windows' worth, sent by 32 workers that
    // could send them all at once.
    let limit = RateLimit {
        requests: 40,
        window: Duration::from_secs(1),
    };
    let (summary, emulator) = run("40/1s", limit, 200).await;
    let traffic = emulator.traffic();
    let limited = traffic.iter().filter(|x| x.status == 429).count();
    assert_eq!(limited, 0, "the emulator answered 429");
    assert_eq!(summary["rate_limited"], json!(0));
    assert_eq!(summary["created"], json!(200));
    assert_eq!(
        traffic
            .iter()
            .filter(|x| x.method == "POST" && x.path == "/v1/users" && x.status == 200)
            .count(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_faster_pace_than_the_instance_allows_is_slowed_by_retry_after() {
    // The control for the test above: ten times the emulator's rate does draw 429s, and each
    // is waited out (Retry-After) and retried, so every user still arrives once.
    let limit = RateLimit {
        requests: 40,
        window: Duration::from_secs(1),
    };
    let (summary, emulator) = run("400/1s", limit, 120).await;
    let limited = emulator
        .traffic()
        .iter()
        .filter(|x| x.status == 429)
        .count();
    assert!(limited > 0, "expected 429s at ten times the limit");
    assert_eq!(summary["rate_limited"], json!(limited));
    assert_eq!(summary["created"], json!(120));
    assert_eq!(summary["failed"], json!(0));
    let users = users_by_external_id(&emulator).await;
    assert_eq!(users.len(), 120);
    assert!(users.values().all(|u| u.len() == 1));
}
