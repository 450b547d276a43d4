//! Allocations per decoded page: `alloc_count`.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

struct Counting;
static COUNT: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        COUNT.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let body = peer_bench::page_of_users(100);
    println!("page: {} bytes", body.len());
    let text = std::str::from_utf8(&body).unwrap();
    let before = (COUNT.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let ours: Vec<clerk_backend::models::User> = serde_json::from_str(text).unwrap();
    let mid = (COUNT.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let theirs: Vec<clerk_rs::models::User> = serde_json::from_slice(&body).unwrap();
    let after = (COUNT.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let last = (COUNT.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
    println!(
        "clerk-backend: {} allocations, {} bytes",
        mid.0 - before.0,
        mid.1 - before.1
    );
    println!(
        "clerk-rs:      {} allocations, {} bytes",
        after.0 - mid.0,
        after.1 - mid.1
    );
    println!(
        "Value:         {} allocations, {} bytes",
        last.0 - after.0,
        last.1 - after.1
    );
    std::hint::black_box((ours, theirs, value));
    use clerk_backend::models as m;
    println!(
        "sizes: User {} EmailAddress {} PhoneNumber {} Verification {} ExternalAccount {} SamlAccount {} EnterpriseAccount {} clerk-rs User {}",
        size_of::<m::User>(),
        size_of::<m::EmailAddress>(),
        size_of::<m::PhoneNumber>(),
        size_of::<m::Verification>(),
        size_of::<m::ExternalAccount>(),
        size_of::<m::SamlAccount>(),
        size_of::<m::EnterpriseAccount>(),
        size_of::<clerk_rs::models::User>()
    );
}
