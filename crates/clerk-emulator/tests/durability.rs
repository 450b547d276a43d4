//! What the emulator acknowledges it keeps: the `clerk-emulator` binary with `--state`, killed
//! with SIGKILL at random points while four clients write concurrently, restarted, and checked
//! for every acknowledged write (creations, updates, deletions); and a torn last journal record
//! left by a crash is dropped at the next start, not fatal.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_backend::{Clerk, RetryPolicy};

const WRITERS: usize = 4;
const ROUNDS: usize = 4;

struct Running {
    child: Child,
    clerk: Clerk,
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
    let clerk = Clerk::builder()
        .api_url(url.unwrap())
        .secret_key(key.unwrap())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    Running { child, clerk }
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
async fn write(clerk: Clerk, round: usize, writer: usize, log: Arc<Mutex<Vec<Known>>>) -> usize {
    let mut acknowledged = 0;
    for i in 0.. {
        let email = format!("r{round}w{writer}n{i}@example.com");
        let Ok(user) = clerk
            .users()
            .create()
            .email_address([email])
            .first_name("v0")
            .await
        else {
            return acknowledged; // unacknowledged: its id is unknown, either outcome is fine
        };
        acknowledged += 1;
        let mut known = Known {
            id: user.id.clone(),
            acknowledged: State::Present("v0".into()),
            maybe: None,
        };
        let renamed = clerk.users().update(&user.id).first_name("v1").await;
        if renamed.is_err() {
            known.maybe = Some(State::Present("v1".into()));
            log.lock().unwrap().push(known);
            return acknowledged;
        }
        acknowledged += 1;
        known.acknowledged = State::Present("v1".into());
        if i % 3 == 0 {
            if clerk.users().delete(&user.id).await.is_err() {
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
async fn lost(clerk: &Clerk, log: &[Known]) -> Vec<String> {
    let mut problems = Vec::new();
    for known in log {
        let found = match clerk.users().get(&known.id).await {
            Ok(user) => State::Present(user.first_name.unwrap_or_default()),
            Err(e) if e.is_not_found() => State::Deleted,
            Err(e) => panic!("reading {}: {e}", known.id),
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
        let problems = lost(&running.clerk, &acknowledged).await;
        assert!(problems.is_empty(), "round {round}: {problems:#?}");

        let writers: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(write(running.clerk.clone(), round, w, log.clone())))
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
    let problems = lost(&running.clerk, &log).await;
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
