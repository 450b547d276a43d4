//! What the emulator acknowledges it keeps: the `clerk-emulator` binary with `--state`, killed
//! with SIGKILL at random points while four clients write concurrently, restarted, and checked
//! for every acknowledged write (creations, updates, deletions); and a torn last journal record
//! left by a crash is dropped at the next start, not fatal.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// The three writes and the read the test needs, as plain HTTP: the emulator is checked on its
/// own, without the SDK. A call is acknowledged when it answers 2xx.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    url: String,
    key: String,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value), String> {
        let mut request = self
            .http
            .request(method, format!("{}/v1{path}", self.url))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        let value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        Ok((status, value))
    }

    async fn write(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        match self.call(method, path, body).await? {
            (200..=299, value) => Ok(value),
            (status, value) => Err(format!("{status}: {value}")),
        }
    }

    async fn create(&self, email: &str, first_name: &str) -> Result<String, String> {
        let user = self
            .write(
                reqwest::Method::POST,
                "/users",
                Some(json!({"email_address": [email], "first_name": first_name})),
            )
            .await?;
        Ok(user["id"].as_str().ok_or("no id")?.to_owned())
    }

    async fn rename(&self, id: &str, first_name: &str) -> Result<(), String> {
        self.write(
            reqwest::Method::PATCH,
            &format!("/users/{id}"),
            Some(json!({"first_name": first_name})),
        )
        .await
        .map(drop)
    }

    async fn delete(&self, id: &str) -> Result<(), String> {
        self.write(reqwest::Method::DELETE, &format!("/users/{id}"), None)
            .await
            .map(drop)
    }

    /// The user's first name, or `None` when there is no such user.
    async fn first_name(&self, id: &str) -> Option<String> {
        match self
            .call(reqwest::Method::GET, &format!("/users/{id}"), None)
            .await
        {
            Ok((200, user)) => Some(user["first_name"].as_str().unwrap_or_default().to_owned()),
            Ok((404, _)) => None,
            other => panic!("reading {id}: {other:?}"),
        }
    }
}

const WRITERS: usize = 4;
const ROUNDS: usize = 4;

struct Running {
    child: Child,
    api: Api,
}

impl Running {
    /// SIGKILL, and wait for it to be gone.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    /// A failing test never leaves the process behind.
    fn drop(&mut self) {
        self.kill();
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clerk-emulator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts the binary on a free port with the state file, and reads its URL and key.
fn start(state: &Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerk-emulator"))
        .args(["--port", "0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut url, mut key) = (None, None);
    while url.is_none() || key.is_none() {
        let line = lines
            .next()
            .expect("the emulator exited before printing its settings")
            .unwrap();
        if let Some(v) = line.strip_prefix("CLERK_API_URL=") {
            url = Some(v.to_owned());
        }
        if let Some(v) = line.strip_prefix("CLERK_SECRET_KEY=") {
            key = Some(v.to_owned());
        }
    }
    // Keep reading so the pipe never fills.
    std::thread::spawn(move || lines.for_each(drop));
    let api = Api {
        http: reqwest::Client::new(),
        url: url.unwrap(),
        key: key.unwrap(),
    };
    Running { child, api }
}

/// A user's fate as far as its writer knows: what the acknowledged writes left, and what an
/// unacknowledged last write (cut off by the kill) would leave instead, if there was one.
#[derive(Debug, Clone)]
struct Known {
    id: String,
    acknowledged: State,
    maybe: Option<State>,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Present(String),
    Deleted,
}

/// One writer: create a user, rename it, delete every third; until the server is gone.
async fn write(api: Api, round: usize, writer: usize, log: Arc<Mutex<Vec<Known>>>) -> usize {
    let mut acknowledged = 0;
    for i in 0.. {
        let email = format!("r{round}w{writer}n{i}@example.com");
        let Ok(id) = api.create(&email, "v0").await else {
            return acknowledged; // unacknowledged: its id is unknown, either outcome is fine
        };
        acknowledged += 1;
        let mut known = Known {
            id: id.clone(),
            acknowledged: State::Present("v0".into()),
            maybe: None,
        };
        let renamed = api.rename(&id, "v1").await;
        if renamed.is_err() {
            known.maybe = Some(State::Present("v1".into()));
            log.lock().unwrap().push(known);
            return acknowledged;
        }
        acknowledged += 1;
        known.acknowledged = State::Present("v1".into());
        if i % 3 == 0 {
            if api.delete(&id).await.is_err() {
                known.maybe = Some(State::Deleted);
                log.lock().unwrap().push(known);
                return acknowledged;
            }
            acknowledged += 1;
            known.acknowledged = State::Deleted;
        }
        log.lock().unwrap().push(known);
    }
    acknowledged
}

/// Checks every user ever written against what its writer was told; returns how many differ.
async fn lost(api: &Api, log: &[Known]) -> Vec<String> {
    let mut problems = Vec::new();
    for known in log {
        let found = match api.first_name(&known.id).await {
            Some(name) => State::Present(name),
            None => State::Deleted,
        };
        if found != known.acknowledged && Some(&found) != known.maybe.as_ref() {
            problems.push(format!(
                "{}: found {found:?}, acknowledged {known:?}",
                known.id
            ));
        }
    }
    problems
}

/// The newest journal file beside the state file.
fn newest_journal(state: &Path) -> PathBuf {
    let dir = state.parent().unwrap();
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".journal."))
        .max_by_key(|p| {
            p.to_string_lossy()
                .rsplit('.')
                .next()
                .unwrap()
                .parse::<u64>()
                .unwrap()
        })
        .expect("a journal")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_concurrent_writes_loses_no_acknowledged_write() {
    let dir = temp_dir("durability");
    let state = dir.join("state.json");
    let seed = fastrand::u64(..);
    println!("seed {seed} (the kill points)");
    let mut rng = fastrand::Rng::with_seed(seed);
    let log = Arc::new(Mutex::new(Vec::<Known>::new()));
    let mut total_acknowledged = 0;

    for round in 0..ROUNDS {
        let mut running = start(&state);
        // Everything acknowledged in earlier rounds is there.
        let acknowledged = log.lock().unwrap().clone();
        let problems = lost(&running.api, &acknowledged).await;
        assert!(problems.is_empty(), "round {round}: {problems:#?}");

        let writers: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(write(running.api.clone(), round, w, log.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.u64(150..900))).await;
        running.kill(); // SIGKILL
        for w in writers {
            total_acknowledged += w.await.unwrap();
        }
        if round == 1 {
            // A crash in the middle of appending: half a record at the end of the journal.
            use std::io::Write as _;
            std::fs::OpenOptions::new()
                .append(true)
                .open(newest_journal(&state))
                .unwrap()
                .write_all(br#"{"rows":[{"t":"users","k":"user_torn","v":{"id":"#)
                .unwrap();
        }
    }

    let mut running = start(&state);
    let log = log.lock().unwrap().clone();
    let problems = lost(&running.api, &log).await;
    running.kill();
    println!(
        "{total_acknowledged} acknowledged writes to {} users over {ROUNDS} kills; {} lost",
        log.len(),
        problems.len()
    );
    assert!(
        total_acknowledged > ROUNDS * WRITERS,
        "the writers got work done ({total_acknowledged})"
    );
    assert!(problems.is_empty(), "{problems:#?}");
    std::fs::remove_dir_all(dir).ok();
}
