//! One page of 100 users decoded three ways. Run:
//! `cargo bench --manifest-path benches/peers/Cargo.toml --bench decode`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn decode(c: &mut Criterion) {
    let body = peer_bench::page_of_users(100);
    let mut group = c.benchmark_group("decode_100_users");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function(
        "clerk-backend Vec<User>, as the SDK decodes (UTF-8 checked once)",
        |b| {
            b.iter(|| {
                let text = std::str::from_utf8(black_box(&body)).unwrap();
                black_box(serde_json::from_str::<Vec<clerk_backend::models::User>>(text).unwrap())
            })
        },
    );
    group.bench_function("clerk-backend Vec<User> from bytes", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Vec<clerk_backend::models::User>>(black_box(&body))
                    .unwrap(),
            )
        })
    });
    // clerk-rs decodes through reqwest's `.json()`, that is from bytes.
    group.bench_function("clerk-rs 0.4.2 Vec<User>", |b| {
        b.iter(|| {
            black_box(
                serde_json::from_slice::<Vec<clerk_rs::models::User>>(black_box(&body)).unwrap(),
            )
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
