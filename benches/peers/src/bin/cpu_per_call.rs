//! Client CPU per list call: 2,000 sequential calls for a page of 100 users from a stub on
//! 127.0.0.1, for clerk-backend, clerk-rs 0.4.2 and bare reqwest + `serde_json::Value`. The stub
//! runs on its own thread; each client runs on the main thread in a current-thread runtime, so
//! the main thread's CPU time is the client's. Three rounds, interleaved; the best of each is
//! reported.

use std::time::Instant;

use peer_bench::{page_of_users, stub_server, thread_cpu_ns};

const CALLS: u32 = 2_000;

fn main() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            tx.send(stub_server(page_of_users(100)).await).unwrap();
            std::future::pending::<()>().await;
        });
    });
    let addr = rx.recv().unwrap();
    let base = format!("http://{addr}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let ours = clerk_backend::Clerk::builder()
        .secret_key("sk_test_bench")
        .api_url(&base)
        .retry_policy(clerk_backend::RetryPolicy::none())
        .build()
        .unwrap();
    let mut config = clerk_rs::apis::configuration::ClerkConfiguration::new(
        None,
        None,
        Some("sk_test_bench".to_owned()),
        None,
    );
    config.base_path = format!("{base}/v1");
    let theirs = clerk_rs::clerk::Clerk::new(config);
    let bare = reqwest::Client::new();
    let url = format!("{base}/v1/users?limit=100");

    // An argument `0`, `1` or `2` runs one client only (for a profiler).
    let only: Option<usize> = std::env::args().nth(1).and_then(|a| a.parse().ok());
    let mut best = [u64::MAX; 3];
    let mut wall = [f64::MAX; 3];
    for _round in 0..3 {
        for (i, best) in best.iter_mut().enumerate() {
            if only.is_some_and(|o| o != i) {
                continue;
            }
            rt.block_on(async {
                // Warm up: the connection, the allocator.
                for _ in 0..50 {
                    call(i, &ours, &theirs, &bare, &url).await;
                }
                let cpu = thread_cpu_ns();
                let started = Instant::now();
                for _ in 0..CALLS {
                    call(i, &ours, &theirs, &bare, &url).await;
                }
                let per_call = (thread_cpu_ns() - cpu) / u64::from(CALLS);
                *best = (*best).min(per_call);
                wall[i] = wall[i].min(started.elapsed().as_secs_f64() * 1e3 / f64::from(CALLS));
            });
        }
    }
    let names = [
        "clerk-backend users().list().limit(100)",
        "clerk-rs 0.4.2 UsersApi::get_user_list",
        "reqwest + serde_json::Value",
    ];
    println!("client CPU per call (best of 3 rounds of {CALLS} calls), wall time per call:");
    for i in 0..3 {
        println!(
            "  {:<42} {:>7.3} ms CPU   {:>7.3} ms wall",
            names[i],
            best[i] as f64 / 1e6,
            wall[i]
        );
    }
}

async fn call(
    which: usize,
    ours: &clerk_backend::Clerk,
    theirs: &clerk_rs::clerk::Clerk,
    bare: &reqwest::Client,
    url: &str,
) {
    match which {
        0 => {
            let page = ours.users().list().limit(100).await.unwrap();
            assert_eq!(page.len(), 100);
        }
        1 => {
            let users = clerk_rs::apis::users_api::User::get_user_list(
                theirs,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some(100),
                None,
                None,
            )
            .await
            .unwrap();
            assert_eq!(users.len(), 100);
        }
        _ => {
            let bytes = bare
                .get(url)
                .header("authorization", "Bearer sk_test_bench")
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(value.as_array().map(Vec::len), Some(100));
        }
    }
}
