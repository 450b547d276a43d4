//! `--state FILE`: users survive a restart, each write is journaled before it is answered, the
//! file is written atomically, and a corrupt file is an error that leaves the file alone.

use clerk_emulator::Emulator;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("clerk-emulator-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = temp_dir("restart");
    let file = dir.join("state.json");
    let (secret, user_id, pem) = {
        let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
        let user = emulator
            .client()
            .users()
            .create()
            .email_address(["keep@example.com"])
            .password("kept password")
            .await
            .unwrap();
        let out = (
            emulator.secret_key().to_owned(),
            user.id,
            emulator.public_key_pem(),
        );
        emulator.shutdown().await.unwrap();
        out
    };
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains("keep@example.com"));
    assert!(
        !saved.contains("kept password"),
        "passwords are stored hashed"
    );
    assert!(
        std::fs::read_dir(&dir).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".tmp-"))
    );

    let emulator = Emulator::builder().state_file(&file).start().await.unwrap();
    assert_eq!(
        emulator.secret_key(),
        secret,
        "the same key, so clients keep working"
    );
    assert_eq!(
        emulator.public_key_pem(),
        pem,
        "the same signing key, so tokens stay valid"
    );
    let clerk = emulator.client();
    let user = clerk.users().get(&user_id).await.unwrap();
    assert_eq!(user.email_addresses[0].email_address, "keep@example.com");
    assert!(
        clerk
            .users()
            .verify_password(&user_id, "kept password")
            .await
            .unwrap()
    );
    // Uniqueness survives too.
    assert!(
        clerk
            .users()
            .create()
            .email_address(["keep@example.com"])
            .await
            .is_err()
    );
    // A change is in the journal beside the file by the time it is answered (no waiting).
    clerk
        .users()
        .update(&user_id)
        .first_name("Later")
        .await
        .unwrap();
    let journals = || {
        std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("state.json.journal."))
            .collect::<Vec<_>>()
    };
    assert!(
        journals()
            .iter()
            .any(|j| std::fs::read_to_string(j).unwrap().contains("Later"))
    );
    assert!(!std::fs::read_to_string(&file).unwrap().contains("Later"));
    // Dropping the emulator folds the journal into the file.
    drop(emulator);
    assert!(std::fs::read_to_string(&file).unwrap().contains("Later"));
    assert_eq!(
        journals().len(),
        1,
        "only the (empty) journal that continues the file"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_and_is_kept() {
    let dir = temp_dir("corrupt");
    let file = dir.join("state.json");
    std::fs::write(&file, b"{\"version\": 1, \"db\": ").unwrap();
    let err = Emulator::builder()
        .state_file(&file)
        .start()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("corrupt"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"{\"version\": 1, \"db\": ");
    std::fs::remove_dir_all(dir).ok();
}
