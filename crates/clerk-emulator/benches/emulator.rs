//! The emulator at scale: `GET /v1/users?limit=100` over 100,000 stored users, end to end over
//! loopback, and the memory those users take.
//!
//! Run: `cargo bench -p clerk-emulator --bench emulator`. Requests per second for
//! `GET /v1/users/{id}` are measured with a load generator instead (see the README).

use std::hint::black_box;

use clerk_emulator::Emulator;
use clerk_emulator::wire::CreateUserRequest;
use criterion::{Criterion, criterion_group, criterion_main};

const USERS: usize = 100_000;

/// The process's resident memory, in KiB (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn list_over_100k_users(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let before = rss_kib();
    let mut builder = Emulator::builder();
    for i in 0..USERS {
        builder = builder.seed_user(CreateUserRequest {
            email_address: vec![format!("user{i}@example.com")],
            first_name: Some(format!("First{i}")),
            last_name: Some(format!("Last{i}")),
            ..CreateUserRequest::default()
        });
    }
    let emulator = runtime.block_on(builder.start()).unwrap();
    let after = rss_kib();
    if let (Some(b), Some(a)) = (before, after) {
        eprintln!(
            "{USERS} users: resident memory grew by {:.1} MiB ({:.0} bytes per user)",
            (a - b) as f64 / 1024.0,
            (a - b) as f64 * 1024.0 / USERS as f64
        );
    }
    let clerk = emulator.client();

    let mut group = c.benchmark_group("list_users_100k");
    group.bench_function("GET /v1/users?limit=100", |b| {
        b.to_async(&runtime).iter(|| async {
            let page = clerk.users().list().limit(100).await.unwrap();
            assert_eq!(page.len(), 100);
            black_box(page)
        })
    });
    group.bench_function("GET /v1/users?limit=100&offset=50000", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                clerk
                    .users()
                    .list()
                    .limit(100)
                    .offset(50_000)
                    .await
                    .unwrap(),
            )
        })
    });
    group.bench_function("GET /v1/users?limit=100&order_by=-first_name", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                clerk
                    .users()
                    .list()
                    .limit(100)
                    .order_by("-first_name")
                    .await
                    .unwrap(),
            )
        })
    });
    group.bench_function("GET /v1/users?email_address=...", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                clerk
                    .users()
                    .list()
                    .email_address(["user77777@example.com"])
                    .await
                    .unwrap(),
            )
        })
    });
    group.finish();
    drop(emulator);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = list_over_100k_users
}
criterion_main!(benches);
