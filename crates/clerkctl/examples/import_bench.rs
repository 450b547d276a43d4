//! Measures `clerkctl users import` against the emulator at Clerk's production rate limit:
//! throughput as a share of the limit, users lost and duplicated, and clerkctl's peak memory;
//! and `clerkctl users export` over a large instance.
//!
//! ```sh
//! cargo build -p clerkctl --bins --examples
//! target/debug/examples/import_bench import 10000          # rate limit 1000/10s
//! target/debug/examples/import_bench import 10000 faults   # plus 5% 500/503, 3% dropped
//! target/debug/examples/import_bench export 100000
//! ```
//!
//! It runs the `clerkctl` binary next to its own directory (`target/<profile>/clerkctl`) and
//! samples the child's peak resident memory (`VmHWM` in `/proc/<pid>/status`) while it runs.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clerk_emulator::wire::CreateUserRequest;
use clerk_emulator::{Emulator, Faults, RateLimit};
use futures_util::TryStreamExt;

fn clerkctl_path() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    exe.parent()
        .and_then(|examples| examples.parent())
        .map(|profile| profile.join("clerkctl"))
        .expect("target dir")
}

/// Runs `cmd`, sampling its peak RSS; returns (success, stdout, peak kB, elapsed).
fn run_measured(mut cmd: Command) -> (bool, String, u64, Duration) {
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).spawn().expect("spawn clerkctl");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        use std::io::Read;
        let _ = s.read_to_string(&mut out);
    }
    (status.success(), out, peak, elapsed)
}

async fn import(n: usize, faults: bool) {
    let limit = RateLimit {
        requests: 1000,
        window: Duration::from_secs(10),
    };
    let mut builder = Emulator::builder().rate_limit(limit).record_traffic();
    if faults {
        builder = builder.faults(Faults {
            error_rate: 0.05,
            drop_rate: 0.03,
            seed: 7,
        });
    }
    let emulator = builder.start().await.expect("emulator");
    let dir = std::env::temp_dir().join(format!("clerkctl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("users.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&input).expect("input"));
    for i in 0..n {
        writeln!(
            f,
            "{}",
            serde_json::json!({
                "id": format!("b{i}"),
                "email_addresses": [format!("b{i}@example.com")],
                "phone_numbers": [format!("+1555{i:07}")],
                "first_name": "Bench",
                "public_metadata": {"i": i},
            })
        )
        .expect("write");
    }
    f.flush().expect("flush");
    drop(f);

    let mut cmd = Command::new(clerkctl_path());
    cmd.env("CLERK_API_URL", emulator.url())
        .env("CLERK_SECRET_KEY", emulator.secret_key())
        .args([
            "users",
            "import",
            "--json",
            "--quiet",
            "--rate",
            "1000/10s",
            "--concurrency",
            "32",
        ])
        .arg(&input);
    let (ok, out, peak_kb, elapsed) = tokio::task::spawn_blocking(move || run_measured(cmd))
        .await
        .expect("join");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();

    let traffic = emulator.traffic();
    // The emulator records only answers its handlers gave: injected faults (500/503, dropped
    // connections) are not in `traffic`, so the request count is clerkctl's own.
    let recorded = traffic.len();
    let limited = traffic.iter().filter(|x| x.status == 429).count();
    let requests = summary["requests"].as_u64().unwrap_or(recorded as u64) as usize;
    let users: Vec<_> = emulator
        .client()
        .users()
        .list()
        .limit(500)
        .stream()
        .try_collect()
        .await
        .expect("list");
    let mut by_ext: HashMap<String, usize> = HashMap::new();
    for u in &users {
        *by_ext
            .entry(u.external_id.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let lost = (0..n)
        .filter(|i| !by_ext.contains_key(&format!("b{i}")))
        .count();
    let duplicated: usize = by_ext.values().filter(|c| **c > 1).map(|c| c - 1).sum();
    let secs = elapsed.as_secs_f64();
    // The fastest any client can go at 1000/10s: the first 1,000 at once, then 1,000 more
    // each 10 s, so the last batch starts (requests - 1000) / 100 s in. The share is that
    // ideal over the time taken.
    let ideal = requests.saturating_sub(1000) as f64 / 100.0;
    let share = ideal / secs.max(0.001);
    println!(
        "import n={n} faults={faults}: exit ok={ok}, {secs:.1} s, {requests} requests sent, {recorded} answered by the emulator's handlers \
         ({limited} of them 429), {:.1} req/s; {:.1}% of the limit's best ({ideal:.1} s); lost {lost}, duplicated {duplicated}; \
         clerkctl peak RSS {peak_kb} kB; summary {summary}",
        requests as f64 / secs,
        100.0 * share,
    );
    let _ = std::fs::remove_dir_all(&dir);
}

async fn export(n: usize) {
    let mut builder = Emulator::builder();
    for i in 0..n {
        builder = builder.seed_user(CreateUserRequest {
            external_id: Some(format!("x{i}")),
            email_address: vec![format!("x{i}@example.com")],
            first_name: Some("Export".into()),
            skip_password_requirement: Some(true),
            ..CreateUserRequest::default()
        });
    }
    let emulator = builder.start().await.expect("emulator");
    let out_path =
        std::env::temp_dir().join(format!("clerkctl-export-{}.jsonl", std::process::id()));
    let mut cmd = Command::new(clerkctl_path());
    cmd.env("CLERK_API_URL", emulator.url())
        .env("CLERK_SECRET_KEY", emulator.secret_key())
        .args(["users", "export", "-o"])
        .arg(&out_path);
    let (ok, _, peak_kb, elapsed) = tokio::task::spawn_blocking(move || run_measured(cmd))
        .await
        .expect("join");
    let lines = std::fs::read_to_string(&out_path)
        .map(|t| t.lines().count())
        .unwrap_or(0);
    let size = std::fs::metadata(&out_path).map(|m| m.len()).unwrap_or(0);
    println!(
        "export n={n}: exit ok={ok}, {:.1} s, {lines} users written ({size} bytes), clerkctl peak RSS {peak_kb} kB",
        elapsed.as_secs_f64()
    );
    let _ = std::fs::remove_file(&out_path);
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    match args.first().map(String::as_str) {
        Some("export") => export(n).await,
        _ => import(n, args.get(2).is_some_and(|a| a == "faults")).await,
    }
}
