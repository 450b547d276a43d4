//! What typed decoding and the SDK's request path cost, each beside its floor.
//!
//! - `decode_100_users`: the same bytes (a page of 100 realistic users) into `Vec<User>` and into
//!   `serde_json::Value`.
//! - `list_100_users_loopback`: `clerk.users().list().limit(100)` against a stub on 127.0.0.1,
//!   beside a bare `reqwest` GET of the same answer parsed into `serde_json::Value`.
//!
//! Run: `cargo bench -p clerk-backend --bench users`.

use std::hint::black_box;
use std::net::SocketAddr;

use clerk_backend::models::User;
use clerk_backend::{Clerk, RetryPolicy};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    group.bench_function("typed Vec<User>", |b| {
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

/// A keep-alive HTTP/1.1 server that answers every request with the same JSON body.
async fn stub_server(body: Vec<u8>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: &'static [u8] = Box::leak(response.into_boxed_slice());
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut filled = 0;
                loop {
                    let Ok(n) = socket.read(&mut buf[filled..]).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    filled += n;
                    // Requests carry no body, so the end of the headers ends the request.
                    while let Some(end) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                        if socket.write_all(response).await.is_err() {
                            return;
                        }
                        buf.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                }
            });
        }
    });
    addr
}

fn list_over_loopback(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(stub_server(page_of_users(100)));
    let base = format!("http://{addr}");
    let clerk = Clerk::builder()
        .secret_key("sk_test_bench")
        .api_url(&base)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let url = format!("{base}/v1/users?limit=100");

    let mut group = c.benchmark_group("list_100_users_loopback");
    group.bench_function("clerk.users().list()", |b| {
        b.to_async(&runtime).iter(|| async {
            let page = clerk.users().list().limit(100).await.unwrap();
            assert_eq!(page.len(), 100);
            black_box(page)
        })
    });
    group.bench_function("bare reqwest GET -> Value", |b| {
        b.to_async(&runtime).iter(|| async {
            let bytes = http
                .get(&url)
                .header("authorization", "Bearer sk_test_bench")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            black_box(value)
        })
    });
    group.finish();
}

criterion_group!(benches, decode, list_over_loopback);
criterion_main!(benches);
