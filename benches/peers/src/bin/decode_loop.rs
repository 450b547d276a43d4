//! Decodes the page many times, for a profiler: `decode_loop ours|theirs [iterations]`.
fn main() {
    let body = peer_bench::page_of_users(100);
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "ours".to_owned());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(500);
    for _ in 0..n {
        if which == "ours" {
            let v: Vec<clerk_backend::models::User> =
                serde_json::from_str(std::str::from_utf8(&body).unwrap()).unwrap();
            std::hint::black_box(v);
        } else {
            let v: Vec<clerk_rs::models::User> = serde_json::from_slice(&body).unwrap();
            std::hint::black_box(v);
        }
    }
}
