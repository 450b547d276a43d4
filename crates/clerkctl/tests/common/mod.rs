//! Helpers for the tests that run the `clerkctl` binary against an emulator on loopback.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use clerk_emulator::Emulator;
use futures_util::TryStreamExt;
use serde_json::Value;

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh directory named after the test.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "clerkctl-test-{name}-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    /// A path inside it.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A spawned process, killed (SIGKILL) and reaped when dropped.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `clerkctl` with the emulator's URL and key in its environment, and nothing inherited that
/// could point it elsewhere.
pub fn clerkctl(emulator: &Emulator) -> Command {
    let mut c = clerkctl_bare();
    c.env("CLERK_API_URL", emulator.url())
        .env("CLERK_SECRET_KEY", emulator.secret_key());
    c
}

/// `clerkctl` without configuration.
pub fn clerkctl_bare() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clerkctl"));
    c.env_remove("CLERK_API_URL")
        .env_remove("CLERK_SECRET_KEY")
        .env_remove("CLERK_WEBHOOK_SIGNING_SECRET")
        .stdin(Stdio::null());
    c
}

/// Runs to completion on a blocking thread, so the emulator keeps serving meanwhile.
pub async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run clerkctl"))
        .await
        .expect("join")
}

/// Stdout as JSON.
pub fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every user of the emulator, by external id (each external id's users).
pub async fn users_by_external_id(emulator: &Emulator) -> HashMap<String, Vec<Value>> {
    let users: Vec<_> = emulator
        .client()
        .users()
        .list()
        .limit(500)
        .stream()
        .try_collect()
        .await
        .expect("list users");
    let mut map: HashMap<String, Vec<Value>> = HashMap::new();
    for u in users {
        let v = serde_json::to_value(&u).expect("user json");
        let ext = v["external_id"].as_str().unwrap_or("").to_owned();
        map.entry(ext).or_default().push(v);
    }
    map
}

/// The email addresses of a user (API JSON), in order.
pub fn emails(user: &Value) -> Vec<String> {
    user["email_addresses"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["email_address"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The phone numbers of a user (API JSON), in order.
pub fn phones(user: &Value) -> Vec<String> {
    user["phone_numbers"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["phone_number"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The lines of a JSON-lines file.
pub fn read_jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}
