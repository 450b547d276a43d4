//! Many clients at once: no write is lost and no identifier is given twice.

use std::collections::HashSet;

use clerk_backend::{Clerk, RetryPolicy};
use clerk_emulator::Emulator;
use futures_util::future::join_all;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_and_updates_lose_nothing() {
    let emulator = Emulator::start().await.unwrap();
    // Separate clients, separate connection pools.
    let clients: Vec<Clerk> = (0..8)
        .map(|_| {
            Clerk::builder()
                .secret_key(emulator.secret_key())
                .api_url(emulator.url())
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap()
        })
        .collect();

    // 8 clients race to create the same 25 emails: each must be created exactly once.
    let attempts = clients.iter().flat_map(|c| {
        (0..25).map(move |i| {
            let c = c.clone();
            tokio::spawn(async move {
                c.users()
                    .create()
                    .email_address([format!("race{i}@example.com")])
                    .await
            })
        })
    });
    let results = join_all(attempts).await;
    let mut created = HashSet::new();
    let mut refused = 0;
    for r in results {
        match r.unwrap() {
            Ok(user) => assert!(created.insert(user.email_addresses[0].email_address.clone())),
            Err(e) => {
                assert_eq!(e.code(), Some("form_identifier_exists"), "{e}");
                refused += 1;
            }
        }
    }
    assert_eq!(created.len(), 25);
    assert_eq!(refused, 8 * 25 - 25);
    let listed = clients[0]
        .users()
        .list()
        .email_address_query("race")
        .limit(100)
        .await
        .unwrap();
    assert_eq!(listed.len(), 25, "no duplicates stored");

    // Concurrent metadata merges on one user, each adding its own key: all survive.
    let user = clients[0]
        .users()
        .create()
        .email_address(["meta@example.com"])
        .await
        .unwrap();
    let merges = (0..64).map(|i| {
        let c = clients[i % clients.len()].clone();
        let id = user.id.clone();
        tokio::spawn(async move {
            c.users()
                .merge_metadata(id)
                .public_metadata(serde_json::json!({ format!("k{i}"): i }))
                .await
        })
    });
    for r in join_all(merges).await {
        r.unwrap().unwrap();
    }
    let after = clients[0].users().get(&user.id).await.unwrap();
    assert_eq!(
        after.public_metadata.len(),
        64,
        "every merge kept: {:?}",
        after.public_metadata
    );

    // Concurrent creates with distinct emails: all stored, ids unique.
    let creates = (0..200).map(|i| {
        let c = clients[i % clients.len()].clone();
        tokio::spawn(async move {
            c.users()
                .create()
                .email_address([format!("bulk{i}@example.com")])
                .await
                .map(|u| u.id)
        })
    });
    let ids: HashSet<String> = join_all(creates)
        .await
        .into_iter()
        .map(|r| r.unwrap().unwrap())
        .collect();
    assert_eq!(ids.len(), 200);
    assert_eq!(
        clients[0]
            .users()
            .count()
            .email_address_query("bulk")
            .await
            .unwrap(),
        200
    );
}
