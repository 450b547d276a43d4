//! What typed decoding costs, beside its floor.
//!
//! - `decode_100_users`: the same bytes (a page of 100 realistic users) into `Vec<User>` (as the
//!   SDK decodes: the body checked as UTF-8 once, then read as text; and straight from bytes)
//!   and into `serde_json::Value`. Beside clerk-rs: `benches/peers` at the repository's root.
//! - Whole list calls over loopback, beside clerk-rs and bare reqwest, are measured in
//!   `benches/peers` at the repository's root (kept out of the workspace: it builds a second
//!   HTTP stack).
//!
//! Run: `cargo bench -p clerk-backend --bench users`.

use std::hint::black_box;

use clerk_backend::models::User;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn page_of_users(n: usize) -> Vec<u8> {
    let base: serde_json::Value =
        serde_json::from_str(include_str!("../tests/fixtures/user.json")).unwrap();
    let users: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut u = base.clone();
            u["id"] = format!("user_{i:027}").into();
            u["email_addresses"][0]["email_address"] = format!("user{i}@example.com").into();
            u
        })
        .collect();
    serde_json::to_vec(&users).unwrap()
}

fn decode(c: &mut Criterion) {
    let body = page_of_users(100);
    let mut group = c.benchmark_group("decode_100_users");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed Vec<User>, the SDK's way (UTF-8 checked once)", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&body)).unwrap();
            black_box(serde_json::from_str::<Vec<User>>(text).unwrap())
        })
    });
    group.bench_function("typed Vec<User> from bytes", |b| {
        b.iter(|| black_box(serde_json::from_slice::<Vec<User>>(black_box(&body)).unwrap()))
    });
    group.bench_function("typed with serde_path_to_error", |b| {
        b.iter(|| {
            let mut de = serde_json::Deserializer::from_slice(black_box(&body));
            black_box(serde_path_to_error::deserialize::<_, Vec<User>>(&mut de).unwrap())
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
