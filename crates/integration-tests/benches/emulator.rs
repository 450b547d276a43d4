//! The emulator at scale: `GET /v1/users?limit=100` over 100,000 stored users, end to end over
//! loopback, and the memory those users take.
//!
//! And writes: `POST /v1/users` in memory only and with a state file (each write journaled and
//! synced before it is answered), one writer at a time and four at once (whose syncs are
//! shared).
//!
//! And the dashboard's pages over the same users (the first list page, a middle one, a search).
//!
//! Run: `cargo bench -p integration-tests --bench emulator`. Requests per second for
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

    // The dashboard's HTML pages over the same users, fetched as a browser would (no key).
    let http = reqwest::Client::new();
    let mut group = c.benchmark_group("dashboard_100k");
    for (name, path) in [
        ("GET / (overview)", "/".to_owned()),
        ("GET /users (first page)", "/users".to_owned()),
        ("GET /users?page=1000", "/users?page=1000".to_owned()),
        (
            "GET /users?q=user77777@ (search)",
            "/users?q=user77777%40".to_owned(),
        ),
        (
            "GET /users?q=example.com&page=1000 (search, all match)",
            "/users?q=example.com&page=1000".to_owned(),
        ),
    ] {
        let url = format!("{}{path}", emulator.url());
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                let page = http.get(&url).send().await.unwrap().text().await.unwrap();
                assert!(page.contains("Clerk emulator"));
                black_box(page)
            })
        });
    }
    group.finish();
    drop(emulator);
}

fn create_users(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("clerk-emulator-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let in_memory = runtime.block_on(Emulator::start()).unwrap();
    let with_state = runtime
        .block_on(
            Emulator::builder()
                .state_file(dir.join("state.json"))
                .start(),
        )
        .unwrap();
    let next = std::sync::atomic::AtomicU64::new(0);
    let create = |clerk: clerk_backend::Clerk| {
        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        async move {
            black_box(
                clerk
                    .users()
                    .create()
                    .email_address([format!("writer{n}@example.com")])
                    .first_name("Bench")
                    .await
                    .unwrap(),
            )
        }
    };

    let mut group = c.benchmark_group("create_user");
    for (name, emulator) in [("in memory", &in_memory), ("--state, synced", &with_state)] {
        let clerk = emulator.client();
        group.bench_function(format!("POST /v1/users, one writer, {name}"), |b| {
            b.to_async(&runtime).iter(|| create(clerk.clone()))
        });
        // Four writers at once; the time reported is per write.
        group.bench_function(format!("POST /v1/users, four writers, {name}"), |b| {
            b.to_async(&runtime).iter_custom(|iters| {
                let clerk = clerk.clone();
                let create = &create;
                async move {
                    let start = std::time::Instant::now();
                    let per_writer = iters.div_ceil(4);
                    let writers = (0..4).map(|_| {
                        let clerk = clerk.clone();
                        async move {
                            for _ in 0..per_writer {
                                create(clerk.clone()).await;
                            }
                        }
                    });
                    futures_util::future::join_all(writers).await;
                    start
                        .elapsed()
                        .div_f64((per_writer * 4) as f64 / iters as f64)
                }
            })
        });
    }
    group.finish();
    drop((in_memory, with_state));
    std::fs::remove_dir_all(dir).ok();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = list_over_100k_users, create_users
}
criterion_main!(benches);
