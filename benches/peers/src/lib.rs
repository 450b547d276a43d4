//! Shared pieces of the peer benchmarks: the same page of 100 users for every client, and a
//! keep-alive stub server on 127.0.0.1 that answers it.
//!
//! - `cargo bench --manifest-path benches/peers/Cargo.toml --bench decode`: the page decoded
//!   into clerk-backend's `Vec<User>`, clerk-rs 0.4.2's `Vec<User>`, and `serde_json::Value`.
//! - `cargo run --release --manifest-path benches/peers/Cargo.toml --bin cpu_per_call`: 2,000
//!   sequential list calls per client against the stub (which runs on its own thread), each
//!   client on one thread; reports the client thread's CPU time per call.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A JSON array of `n` users built from clerk-backend's test fixture, each with its own id and
/// email address.
pub fn page_of_users(n: usize) -> Vec<u8> {
    let base: serde_json::Value = serde_json::from_str(include_str!(
        "../../../crates/clerk-backend/tests/fixtures/user.json"
    ))
    .unwrap();
    let users: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut u = base.clone();
            u["id"] = format!("user_{i:027}").into();
            u["email_addresses"][0]["email_address"] = format!("user{i}@example.com").into();
            // clerk-rs 0.4.2 reads a web3 verification's `nonce` as a closed enum whose one
            // value is "nonce": any real nonce fails its whole page. The page carries that value
            // so all three clients decode the same bytes.
            u["web3_wallets"][0]["verification"]["nonce"] = "nonce".into();
            // Likewise its web3 `status`, closed to "verified".
            u["web3_wallets"][0]["verification"]["status"] = "verified".into();
            u
        })
        .collect();
    serde_json::to_vec(&users).unwrap()
}

/// A keep-alive HTTP/1.1 server that answers every request with `body` as JSON.
pub async fn stub_server(body: Vec<u8>) -> SocketAddr {
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

/// CPU time this thread has used, in nanoseconds (Linux: `/proc/thread-self/schedstat`).
pub fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .expect("/proc/thread-self/schedstat (Linux) is needed to read a thread's CPU time")
}
